//! The commands that look after clients already in a configuration (`clients`, `rotate`,
//! `restore`), over the real configurations of shared/corpus/real and through the real binary.

use crate::common;
use oidc_wizard::config::{self, backups, clients};
use oidc_wizard::plan::SecretState;
use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oidcw-manage-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn corpus() -> Vec<PathBuf> {
    let Some(shared) = common::shared("manage corpus") else {
        return vec![];
    };
    let mut v: Vec<PathBuf> = std::fs::read_dir(shared.join("corpus/real"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    v.sort();
    v
}

fn changed_lines(old: &str, new: &str) -> Vec<(usize, String, String)> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.split('\n').collect(), new.split('\n').collect());
    assert_eq!(a.len(), b.len(), "the number of lines changed");
    a.iter()
        .zip(&b)
        .enumerate()
        .filter(|(_, (x, y))| x != y)
        .map(|(i, (x, y))| (i, x.to_string(), y.to_string()))
        .collect()
}

const DIGEST: &str = common::INSECURE_DIGEST;

/// A digest no corpus file holds (the docs' one with another salt).
fn fresh_digest() -> String {
    DIGEST.replace("c8p78n7p", "d9q89o8q")
}

#[test]
fn rotate_changes_exactly_the_secret_line_of_every_client_in_the_corpus() {
    let mut rotated = 0;
    let mut refused = 0;
    for path in corpus() {
        let Ok(doc) = config::load(&path) else {
            continue;
        };
        let Ok(rows) = clients::list(&doc) else {
            continue;
        };
        for row in rows.iter().filter(|r| !r.public && !r.templated) {
            let secret = SecretState::Ready {
                plaintext: "insecure_secret".into(),
                digest: fresh_digest(),
            };
            match clients::rotate(&doc, &row.client_id, secret) {
                Ok(out) => {
                    let old = doc.text().unwrap();
                    let new = String::from_utf8(out.bytes.clone()).unwrap();
                    let ch = changed_lines(old, &new);
                    assert_eq!(ch.len(), 1, "{}: {}: {ch:?}", path.display(), row.client_id);
                    let (_, before, after) = &ch[0];
                    assert!(
                        before.contains("secret") && after.contains(&fresh_digest()),
                        "{}: {before} -> {after}",
                        path.display()
                    );
                    // Every other client is as it was; this one has the new digest.
                    let now =
                        oidc_wizard::config::Document::from_bytes(path.clone(), out.bytes.clone());
                    let rows_after = clients::list(&now).unwrap();
                    assert_eq!(rows_after.len(), rows.len());
                    rotated += 1;
                }
                Err(e) => {
                    // Only a secret the tool must not replace (a template, a multi-line value).
                    let m = e.to_string();
                    assert!(
                        m.contains("template")
                            || m.contains("one-line")
                            || m.contains("no client_secret")
                            || m.contains("SOPS"),
                        "{}: {}: {m}",
                        path.display(),
                        row.client_id
                    );
                    refused += 1;
                }
            }
        }
    }
    if common::shared_dir().is_dir() {
        eprintln!("rotated {rotated}, refused {refused}");
        assert!(rotated > 20, "rotated {rotated}, refused {refused}");
    }
}

#[test]
fn clients_lists_every_client_with_its_app_and_never_a_mask() {
    let mut total = 0;
    for path in corpus() {
        let Ok(doc) = config::load(&path) else {
            continue;
        };
        let Ok(rows) = clients::list(&doc) else {
            continue;
        };
        let text = doc.text().unwrap();
        let t = oidc_wizard::config::scan::Text::new(text);
        let parsed = oidc_wizard::config::gate::parse_first(&t.masked).ok();
        let n = parsed
            .as_ref()
            .and_then(|v| {
                v.get("identity_providers")?
                    .get("oidc")?
                    .get("clients")?
                    .as_sequence()
                    .map(Vec::len)
            })
            .unwrap_or(0);
        assert_eq!(rows.len(), n, "{}", path.display());
        for r in &rows {
            assert!(r.line.is_some(), "{}: {}", path.display(), r.client_id);
            for u in &r.redirect_uris {
                assert!(
                    !u.contains("xxxxxxxx"),
                    "{}: a mask reached the user: {u}",
                    path.display()
                );
            }
        }
        total += rows.len();
    }
    if common::shared_dir().is_dir() {
        assert!(total > 50, "{total} clients");
    }
}

#[test]
fn clients_json_has_the_contract_keys_and_names_the_app() {
    let d = tmp("json");
    let cfg = d.join("configuration.yml");
    std::fs::write(&cfg, format!("identity_providers:\n  oidc:\n    clients:\n      - client_id: memos\n        client_name: Memos\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://memos.example.com/auth/callback']\n        scopes: [openid, profile, email]\n        token_endpoint_auth_method: client_secret_post\n")).unwrap();
    let out = bin()
        .args(["clients", "--json", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = &v[0];
    for k in [
        "client_id",
        "client_name",
        "app",
        "public",
        "auth_method",
        "policy",
        "redirect_uris",
        "line",
        "findings",
    ] {
        assert!(c.get(k).is_some(), "no {k} in {c}");
    }
    assert_eq!(c["app"], "memos");
    assert_eq!(c["auth_method"], "client_secret_post");
    assert_eq!(c["policy"], "two_factor");
    assert_eq!(c["line"], 4);
}

#[test]
fn rotate_refuses_an_unknown_id_with_the_nearest_and_a_template_secret() {
    let d = tmp("refuse");
    let cfg = d.join("configuration.yml");
    let text = format!(
        "identity_providers:\n  oidc:\n    clients:\n      - client_id: nextcloud\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://c.example.com/cb']\n      - client_id: grafana\n        client_secret: '{{{{ secret \"/run/secrets/grafana.digest\" }}}}'\n        redirect_uris: ['https://g.example.com/cb']\n"
    );
    std::fs::write(&cfg, &text).unwrap();
    let out = bin()
        .args(["rotate", "nextclod", "--yes", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean 'nextcloud'"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = bin()
        .args(["rotate", "grafana", "--yes", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("template") && err.contains("/run/secrets/grafana.digest"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        text,
        "nothing was written"
    );
}

#[test]
fn rotate_through_the_binary_writes_a_digest_of_the_secret_it_prints() {
    let d = tmp("rotate");
    let cfg = d.join("configuration.yml");
    let text = format!(
        "# mine\nidentity_providers:\n  oidc:\n    clients:\n      - client_id: memos  # the notes app\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://memos.example.com/auth/callback']\n        token_endpoint_auth_method: client_secret_post\n"
    );
    std::fs::write(&cfg, &text).unwrap();
    let out = bin()
        .args(["rotate", "memos", "--yes", "--json", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let secret = v["client_secret"].as_str().unwrap();
    let new = std::fs::read_to_string(&cfg).unwrap();
    let ch = changed_lines(&text, &new);
    assert_eq!(ch.len(), 1, "{ch:?}");
    let digest = v["client_secret_digest"].as_str().unwrap();
    assert!(ch[0].2.contains(digest));
    assert!(oidc_wizard::secret::verify(secret, digest).unwrap());
    assert!(
        !v["steps"].as_array().unwrap().is_empty(),
        "memos's step that takes the secret"
    );
    // The backup holds the old bytes.
    let backup = v["backup_path"].as_str().unwrap();
    assert_eq!(std::fs::read_to_string(backup).unwrap(), text);
}

#[test]
fn restore_gives_back_the_backup_bytes_and_backs_up_the_current_file() {
    let d = tmp("restore");
    let cfg = d.join("configuration.yml");
    let first = format!(
        "# one\nidentity_providers:\n  oidc:\n    clients:\n      - client_id: memos\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://memos.example.com/auth/callback']\n"
    );
    std::fs::write(&cfg, &first).unwrap();
    let out = bin()
        .args(["rotate", "memos", "--yes", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rotated = std::fs::read_to_string(&cfg).unwrap();
    assert_ne!(rotated, first);
    let list = bin()
        .args(["restore", "--list", "--json", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    let out = bin()
        .args(["restore", "--yes", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        first,
        "the backup's bytes are back"
    );
    let all = backups::list(&cfg).unwrap();
    assert_eq!(
        all.len(),
        2,
        "the rotated content was backed up before the restore"
    );
    assert!(
        all.iter()
            .any(|b| std::fs::read_to_string(&b.path).unwrap() == rotated)
    );
    // Nothing left to restore from the newest backup (it is the rotated content): a diff.
    let out = bin()
        .args(["restore", "--dry-run", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("+"));
}

#[test]
fn restore_prunes_to_the_number_kept() {
    let d = tmp("prune");
    let cfg = d.join("configuration.yml");
    std::fs::write(&cfg, "a: 1\n").unwrap();
    for i in 0..5 {
        std::fs::write(
            d.join(format!("configuration.yml.bak.2026010{i}T000000Z")),
            format!("a: {i}\n"),
        )
        .unwrap();
    }
    let out = bin()
        .args(["restore", "--yes", "--keep", "3", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), "a: 4\n");
    assert_eq!(backups::list(&cfg).unwrap().len(), 3);
}

#[test]
fn a_file_changed_since_it_was_read_is_not_written() {
    let d = tmp("changed");
    let cfg = d.join("configuration.yml");
    let text = format!(
        "identity_providers:\n  oidc:\n    clients:\n      - client_id: memos\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://m.example.com/cb']\n"
    );
    std::fs::write(&cfg, &text).unwrap();
    let doc = config::load(&cfg).unwrap();
    let out = clients::rotate(
        &doc,
        "memos",
        SecretState::Ready {
            plaintext: "x".into(),
            digest: DIGEST.replace("c8p7", "d8p7"),
        },
    )
    .unwrap();
    std::fs::write(&cfg, format!("{text}# edited meanwhile\n")).unwrap();
    let e = config::write(&doc, &out).unwrap_err().to_string();
    assert!(e.contains("changed"), "{e}");
    assert!(
        std::fs::read_to_string(&cfg)
            .unwrap()
            .ends_with("# edited meanwhile\n")
    );
}
