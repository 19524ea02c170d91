//! `remove` and `edit` over the real configurations of shared/corpus/real and through the real
//! binary: remove leaves the original minus the client's lines (and what only it used); add then
//! remove gives back the original bytes; edit changes only the lines of the keys asked; the
//! refusals (unknown id, a client a template makes, a templated value, a file changed since it
//! was read).

use crate::common;
use crate::support::{self, DIGEST, plan_with};
use oidc_wizard::config::edit::{self, EditRequest};
use oidc_wizard::config::{self, Document, OnDuplicate, clients};
use serde_yaml::Value;
use std::path::PathBuf;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("oidcw-edit-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn corpus() -> Vec<PathBuf> {
    let Some(shared) = common::shared("manage_edit corpus") else {
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

fn doc(text: &str) -> Document {
    Document::from_bytes("configuration.yml", text.as_bytes().to_vec())
}

/// The runs of old lines (0-based, inclusive) that, deleted, give `new`; `None` when `new` is
/// not `old` with whole lines deleted.
fn deleted_runs(old: &str, new: &str) -> Option<Vec<(usize, usize)>> {
    // A file without a final newline keeps lacking it: compare as if both had one.
    let eol = if old.contains("\r\n") { "\r\n" } else { "\n" };
    let (old, new) = if !old.ends_with('\n') && !new.ends_with('\n') {
        (format!("{old}{eol}"), format!("{new}{eol}"))
    } else {
        (old.to_string(), new.to_string())
    };
    let d = similar::TextDiff::from_lines(&old, &new);
    let mut runs = vec![];
    for op in d.ops() {
        match *op {
            similar::DiffOp::Equal { .. } => {}
            similar::DiffOp::Delete {
                old_index, old_len, ..
            } => runs.push((old_index, old_index + old_len - 1)),
            _ => return None,
        }
    }
    Some(runs)
}

/// Fails with the first line where two texts differ (a whole configuration is too long to read).
fn same_text(got: &str, want: &str, what: &str) {
    if got == want {
        return;
    }
    let (g, w) = (lines_of(got), lines_of(want));
    let at = g
        .iter()
        .zip(&w)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(w.len()));
    panic!(
        "{what}: differs at line {}: got {:?}, want {:?} ({} vs {} lines)",
        at + 1,
        g.get(at),
        w.get(at),
        g.len(),
        w.len()
    );
}

fn lines_of(s: &str) -> Vec<&str> {
    s.split_inclusive('\n').collect()
}

fn oidc_of(v: &Value) -> &Value {
    &v["identity_providers"]["oidc"]
}

/// The libyaml reading of the old text with client `index` and the `removed` entries taken out
/// (computed here, without the tool's gate).
fn expected_after_remove(old: &str, index: usize, removed: &[String]) -> Value {
    let t = config::scan::Text::new(old);
    let mut v = config::gate::parse_first(&t.masked).unwrap();
    let oidc = v["identity_providers"]["oidc"].as_mapping_mut().unwrap();
    if let Some(Value::Sequence(list)) = oidc.get_mut("clients") {
        list.remove(index);
    }
    for p in removed {
        let (section, name) = p.split_once('.').unwrap();
        let only = oidc
            .get(section)
            .and_then(Value::as_mapping)
            .is_some_and(|m| m.len() == 1);
        if only {
            oidc.remove(section);
        } else if let Some(Value::Mapping(m)) = oidc.get_mut(section) {
            m.remove(name);
        }
    }
    v
}

fn reading(text: &str) -> Value {
    let t = config::scan::Text::new(text);
    config::gate::parse_first(&t.masked).unwrap()
}

#[test]
fn remove_over_the_corpus_deletes_only_the_clients_lines_and_its_orphans() {
    let (mut removed, mut refused) = (0, 0);
    for path in corpus() {
        let Ok(doc) = config::load(&path) else {
            continue;
        };
        if config::is_sops_encrypted(&doc) {
            continue;
        }
        let Ok(rows) = clients::list(&doc) else {
            continue;
        };
        let old = doc.text().unwrap();
        for (index, row) in rows.iter().enumerate() {
            if row.templated {
                continue;
            }
            let name = format!("{}: {}", path.display(), row.client_id);
            match edit::remove(&doc, &row.client_id) {
                Ok(r) => {
                    let new = String::from_utf8(r.output.bytes.clone()).unwrap();
                    let runs = deleted_runs(old, &new)
                        .unwrap_or_else(|| panic!("{name}: not the old text minus lines"));
                    // Only whole lines deleted (how a line diff groups them into runs is its
                    // own choice where lines repeat), among them the item's first line.
                    let item_line = row.line.unwrap() - 1;
                    assert!(
                        runs.iter().any(|(s, e)| (*s..=*e).contains(&item_line)),
                        "{name}: the item's line {item_line} stays"
                    );
                    // libyaml reads the old configuration minus the client and its orphans, and
                    // nothing else changed.
                    assert_eq!(
                        reading(&new),
                        expected_after_remove(old, index, &r.orphans_removed),
                        "{name}"
                    );
                    let ids: Vec<String> =
                        clients::list(&Document::from_bytes(path.clone(), r.output.bytes.clone()))
                            .unwrap()
                            .into_iter()
                            .map(|r| r.client_id)
                            .collect();
                    let want: Vec<String> = rows
                        .iter()
                        .filter(|x| !std::ptr::eq(*x, row))
                        .map(|r| r.client_id.clone())
                        .collect();
                    assert_eq!(ids, want, "{name}");
                    removed += 1;
                }
                Err(e) => {
                    let m = e.to_string();
                    assert!(
                        m.contains("only one")
                            || m.contains("SOPS")
                            || m.contains("flow list")
                            || m.contains("Jinja")
                            || m.contains("anchor"),
                        "{name}: {m}"
                    );
                    assert_eq!(m.lines().count(), 1, "{m}");
                    refused += 1;
                }
            }
        }
    }
    if common::shared_dir().is_dir() {
        eprintln!("removed {removed}, refused {refused}");
        assert!(removed > 40, "removed {removed}, refused {refused}");
    }
}

#[test]
fn add_then_remove_gives_back_the_original_bytes() {
    let (mut round_trips, mut skipped) = (0, 0);
    for path in corpus() {
        let Ok(doc) = config::load(&path) else {
            continue;
        };
        let Ok(rows) = clients::list(&doc) else {
            continue;
        };
        let working = !rows.is_empty();
        // memos: no additions; romm: a claims policy (new section or a new entry).
        for plan in [
            plan_with("memos", "memos-rt", DIGEST),
            plan_with("romm", "romm-rt", DIGEST),
        ] {
            let Ok(added) = support::merge(&doc, &plan, OnDuplicate::Refuse) else {
                skipped += 1;
                continue;
            };
            let after = Document::from_bytes(path.clone(), added.bytes.clone());
            let id = &plan.client.client_id;
            if !working {
                // A first-time setup: the new client is the only one, which is never removed
                // (identity_providers.go:61-62); the first add is the base of a second.
                let e = edit::remove(&after, id).unwrap_err().to_string();
                assert!(e.contains("only one"), "{}: {e}", path.display());
                let second = plan_with("memos", "second", DIGEST);
                let two = support::merge(&after, &second, OnDuplicate::Refuse).unwrap();
                let two = Document::from_bytes(path.clone(), two.bytes);
                let back = edit::remove(&two, "second").unwrap();
                same_text(
                    &String::from_utf8(back.output.bytes).unwrap(),
                    &String::from_utf8(added.bytes.clone()).unwrap(),
                    &path.display().to_string(),
                );
                round_trips += 1;
                continue;
            }
            let back = edit::remove(&after, id)
                .unwrap_or_else(|e| panic!("{}: {id}: {e}", path.display()));
            // A file whose last line lacks a newline gets one from the merge (the documented
            // exception in config/mod.rs); the removal keeps it.
            let mut want = doc.text().unwrap().to_string();
            if !want.ends_with(['\n', '\r']) {
                want.push_str(if want.contains("\r\n") { "\r\n" } else { "\n" });
            }
            same_text(
                &String::from_utf8(back.output.bytes).unwrap(),
                &want,
                &format!("{}: {id}", path.display()),
            );
            assert_eq!(
                back.orphans_removed.len(),
                added.additions_added.len(),
                "{}: {:?}",
                path.display(),
                added.additions_added
            );
            round_trips += 1;
        }
    }
    if common::shared_dir().is_dir() {
        eprintln!("round trips {round_trips}, merges refused {skipped}");
        assert!(round_trips > 40, "{round_trips}");
    }
}

#[test]
fn remove_keeps_the_comments_around_the_client_and_inside_the_others() {
    let text = format!(
        "identity_providers:\n  oidc:\n    # the clients\n    clients:\n      # Memos: notes\n      - client_id: memos  # inline\n        client_secret: '{DIGEST}'\n        # a comment inside memos\n        redirect_uris: ['https://m.example.com/cb']\n\n      # Grafana: dashboards\n      # (second line)\n      - client_id: grafana\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://g.example.com/cb']\n        # trailing, inside grafana\n\n      # Jellyfin\n      - client_id: jellyfin\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://j.example.com/cb']\n    # after the clients\n# the end\n"
    );
    let out = edit::remove(&doc(&text), "grafana").unwrap();
    let want = text.replace(
        "      # Grafana: dashboards\n      # (second line)\n      - client_id: grafana\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://g.example.com/cb']\n        # trailing, inside grafana\n\n".replace("{DIGEST}", DIGEST).as_str(),
        "",
    );
    assert_ne!(want, text);
    assert_eq!(String::from_utf8(out.output.bytes).unwrap(), want);
    // The first and the last.
    let out = edit::remove(&doc(&text), "memos").unwrap();
    let got = String::from_utf8(out.output.bytes).unwrap();
    assert!(
        got.starts_with("identity_providers:\n  oidc:\n    # the clients\n    clients:\n      # Grafana: dashboards\n"),
        "{got}"
    );
    assert!(!got.contains("memos"), "{got}");
    let out = edit::remove(&doc(&text), "jellyfin").unwrap();
    let got = String::from_utf8(out.output.bytes).unwrap();
    assert!(
        got.ends_with("        # trailing, inside grafana\n    # after the clients\n# the end\n"),
        "{got}"
    );
}

#[test]
fn remove_keeps_a_policy_another_client_names() {
    let text = format!(
        "identity_providers:\n  oidc:\n    authorization_policies:\n      family:\n        default_policy: deny\n        rules:\n          - policy: two_factor\n            subject: 'group:family'\n    claims_policies:\n      shared:\n        id_token: ['email']\n      own:\n        id_token: ['groups']\n    clients:\n      - client_id: a\n        client_secret: '{DIGEST}'\n        authorization_policy: family\n        claims_policy: shared\n        redirect_uris: ['https://a.example.com/cb']\n      - client_id: b\n        client_secret: '{DIGEST}'\n        authorization_policy: family\n        claims_policy: own\n        redirect_uris: ['https://b.example.com/cb']\n      - client_id: c\n        client_secret: '{DIGEST}'\n        claims_policy: shared\n        redirect_uris: ['https://c.example.com/cb']\n"
    );
    let out = edit::remove(&doc(&text), "b").unwrap();
    assert_eq!(out.orphans_removed, ["claims_policies.own"]);
    let got = String::from_utf8(out.output.bytes).unwrap();
    assert!(
        got.contains("      family:\n") && !got.contains("own:"),
        "{got}"
    );
    // a's policies are c's and b's too.
    let out = edit::remove(&doc(&text), "a").unwrap();
    assert!(out.orphans_removed.is_empty(), "{:?}", out.orphans_removed);
    // c alone names... shared with a: nothing goes.
    let out = edit::remove(&doc(&text), "c").unwrap();
    assert!(out.orphans_removed.is_empty());
}

/// The lines that differ between two texts, when only lines were changed or inserted: (changed,
/// inserted).
fn line_changes(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let d = similar::TextDiff::from_lines(old, new);
    let (mut del, mut ins) = (vec![], vec![]);
    for c in d.iter_all_changes() {
        match c.tag() {
            similar::ChangeTag::Delete => del.push(c.value().to_string()),
            similar::ChangeTag::Insert => ins.push(c.value().to_string()),
            similar::ChangeTag::Equal => {}
        }
    }
    (del, ins)
}

#[test]
fn edit_policy_and_redirect_uri_change_only_their_lines_over_the_corpus() {
    let (mut edited, mut refused) = (0, 0);
    for path in corpus() {
        let Ok(doc) = config::load(&path) else {
            continue;
        };
        let Ok(rows) = clients::list(&doc) else {
            continue;
        };
        let old = doc.text().unwrap();
        for row in rows.iter().filter(|r| !r.templated) {
            let name = format!("{}: {}", path.display(), row.client_id);
            let policy = if row.policy == "one_factor" {
                "two_factor"
            } else {
                "one_factor"
            };
            let reqs = [
                EditRequest {
                    policy: Some(policy.into()),
                    ..Default::default()
                },
                EditRequest {
                    add_redirect_uris: vec!["https://new.example.com/oauth/callback".into()],
                    ..Default::default()
                },
            ];
            for req in reqs {
                match edit::edit(&doc, &row.client_id, &req) {
                    Ok(out) => {
                        let new = String::from_utf8(out.output.bytes.clone()).unwrap();
                        let (del, ins) = line_changes(old, &new);
                        assert!(
                            del.len() <= 1 && ins.len() == 1,
                            "{name}: -{del:?} +{ins:?}"
                        );
                        let key = if req.policy.is_some() {
                            "authorization_policy"
                        } else {
                            "redirect_uris"
                        };
                        if req.policy.is_some() {
                            assert!(
                                ins[0].contains(key) && ins[0].contains(policy),
                                "{name}: {ins:?}"
                            );
                        } else {
                            assert!(
                                ins[0].contains("https://new.example.com"),
                                "{name}: {ins:?}"
                            );
                        }
                        // The client reads back with the change, the others as they were.
                        let (a, b) = (reading(old), reading(&new));
                        let (ca, cb) = (
                            oidc_of(&a)["clients"].as_sequence().unwrap(),
                            oidc_of(&b)["clients"].as_sequence().unwrap(),
                        );
                        let at = rows.iter().position(|r| std::ptr::eq(r, row)).unwrap();
                        for (i, (x, y)) in ca.iter().zip(cb).enumerate() {
                            if i != at {
                                assert_eq!(x, y, "{name}");
                            }
                        }
                        if req.policy.is_some() {
                            assert_eq!(cb[at]["authorization_policy"], policy, "{name}");
                        } else {
                            let uris = cb[at]["redirect_uris"].as_sequence().unwrap();
                            assert_eq!(
                                uris.last().unwrap(),
                                "https://new.example.com/oauth/callback",
                                "{name}"
                            );
                        }
                        edited += 1;
                    }
                    Err(e) => {
                        let m = e.to_string();
                        assert!(
                            m.contains("template")
                                || m.contains("SOPS")
                                || m.contains("Authelia's rules")
                                || m.contains("by hand")
                                || m.contains("several lines")
                                || m.contains("Jinja"),
                            "{name}: {m}"
                        );
                        refused += 1;
                    }
                }
            }
        }
    }
    if common::shared_dir().is_dir() {
        eprintln!("edited {edited}, refused {refused}");
        assert!(edited > 80, "edited {edited}, refused {refused}");
    }
}

const TWO: &str = "identity_providers:\n  oidc:\n    authorization_policies:\n      family:\n        default_policy: deny\n        rules:\n          - policy: two_factor\n            subject: 'group:family'\n    clients:\n      - client_id: memos\n        client_name: '{{ env \"MEMOS_NAME\" }}'\n        client_secret: 'DIGEST'\n        consent_mode: explicit\n        redirect_uris:\n          - https://memos.example.com/auth/callback\n          - '{{ env \"MEMOS_CB\" }}'\n      - client_id: '{{ env \"GRAFANA_ID\" }}'\n        client_secret: 'DIGEST'\n        redirect_uris: ['https://g.example.com/cb']\n";

fn two() -> String {
    TWO.replace("DIGEST", DIGEST)
}

#[test]
fn edit_consent_pre_configured_sets_the_mode_and_the_duration() {
    let req = EditRequest {
        consent: Some("pre-configured:1w".into()),
        ..Default::default()
    };
    let out = edit::edit(&doc(&two()), "memos", &req).unwrap();
    let new = String::from_utf8(out.output.bytes).unwrap();
    assert_eq!(
        new,
        two().replace(
            "        consent_mode: explicit\n        redirect_uris:\n          - https://memos.example.com/auth/callback\n          - '{{ env \"MEMOS_CB\" }}'\n",
            "        consent_mode: 'pre-configured'\n        redirect_uris:\n          - https://memos.example.com/auth/callback\n          - '{{ env \"MEMOS_CB\" }}'\n        pre_configured_consent_duration: '1w'\n"
        )
    );
    assert_eq!(
        out.keys,
        ["consent_mode", "pre_configured_consent_duration"]
    );
    // A policy the configuration defines, and one it does not.
    let req = EditRequest {
        policy: Some("family".into()),
        ..Default::default()
    };
    assert!(edit::edit(&doc(&two()), "memos", &req).is_ok());
    let req = EditRequest {
        policy: Some("admins".into()),
        ..Default::default()
    };
    let e = edit::edit(&doc(&two()), "memos", &req)
        .unwrap_err()
        .to_string();
    assert!(e.contains("one_factor, two_factor, family"), "{e}");
    let req = EditRequest {
        consent: Some("sometimes".into()),
        ..Default::default()
    };
    assert!(edit::edit(&doc(&two()), "memos", &req).is_err());
}

#[test]
fn edit_refuses_an_unknown_id_a_template_client_and_a_templated_value() {
    let d = doc(&two());
    let req = EditRequest {
        policy: Some("one_factor".into()),
        ..Default::default()
    };
    let e = edit::edit(&d, "memo", &req).unwrap_err().to_string();
    assert!(e.contains("did you mean 'memos'"), "{e}");
    let e = edit::remove(&d, "memo").unwrap_err().to_string();
    assert!(e.contains("did you mean 'memos'"), "{e}");
    // The second client's id is made by a template: neither command touches it.
    let rows = clients::list(&d).unwrap();
    let templated = &rows[1].client_id;
    assert!(rows[1].templated);
    let e = edit::edit(&d, templated, &req).unwrap_err().to_string();
    assert!(e.contains("template"), "{e}");
    let e = edit::remove(&d, templated).unwrap_err().to_string();
    assert!(e.contains("template"), "{e}");
    // A value a template makes: the name, a redirect URI.
    let req = EditRequest {
        set: vec![("client_name".into(), "Memos".into())],
        ..Default::default()
    };
    let e = edit::edit(&d, "memos", &req).unwrap_err().to_string();
    assert!(e.contains("client_name") && e.contains("template"), "{e}");
    let req = EditRequest {
        remove_redirect_uris: vec!["{{ env \"MEMOS_CB\" }}".into()],
        ..Default::default()
    };
    assert!(edit::edit(&d, "memos", &req).is_err());
    // A change that breaks Authelia's rules: an unknown consent mode through --set.
    let req = EditRequest {
        set: vec![("consent_mode".into(), "sometimes".into())],
        ..Default::default()
    };
    let e = edit::edit(&d, "memos", &req).unwrap_err().to_string();
    assert!(e.contains("Authelia's rules"), "{e}");
}

#[test]
fn edit_removes_a_redirect_uri_by_its_line_and_edits_a_flow_list_in_place() {
    let text = format!(
        "identity_providers:\n  oidc:\n    clients:\n      - client_id: a\n        client_secret: '{DIGEST}'\n        redirect_uris:\n        - https://a.example.com/one\n        - https://a.example.com/two  # second\n        scopes: [openid, profile]\n      - client_id: b\n        client_secret: '{DIGEST}'\n        redirect_uris: [https://b.example.com/one, 'https://b.example.com/two']\n"
    );
    let req = EditRequest {
        remove_redirect_uris: vec!["https://a.example.com/one".into()],
        add_redirect_uris: vec!["https://a.example.com/three".into()],
        set: vec![("scopes".into(), "openid,profile,email".into())],
        ..Default::default()
    };
    let out = edit::edit(&doc(&text), "a", &req).unwrap();
    assert_eq!(
        String::from_utf8(out.output.bytes).unwrap(),
        text.replace("        - https://a.example.com/one\n", "").replace(
            "  # second\n        scopes: [openid, profile]\n",
            "  # second\n        - 'https://a.example.com/three'\n        scopes: ['openid', 'profile', 'email']\n"
        )
    );
    let req = EditRequest {
        remove_redirect_uris: vec!["https://b.example.com/two".into()],
        ..Default::default()
    };
    let out = edit::edit(&doc(&text), "b", &req).unwrap();
    assert_eq!(
        String::from_utf8(out.output.bytes).unwrap(),
        text.replace(", 'https://b.example.com/two'", "")
    );
    let req = EditRequest {
        remove_redirect_uris: vec!["https://b.example.com/one".into()],
        add_redirect_uris: vec!["https://b.example.com/three".into()],
        ..Default::default()
    };
    let out = edit::edit(&doc(&text), "b", &req).unwrap();
    assert_eq!(
        String::from_utf8(out.output.bytes).unwrap(),
        text.replace(
            "[https://b.example.com/one, 'https://b.example.com/two']",
            "['https://b.example.com/two', 'https://b.example.com/three']"
        )
    );
    // A flow list over several lines is refused with a clear line.
    let multi = text.replace(
        "[https://b.example.com/one, 'https://b.example.com/two']",
        "[https://b.example.com/one,\n          'https://b.example.com/two']",
    );
    let req = EditRequest {
        add_redirect_uris: vec!["https://b.example.com/three".into()],
        ..Default::default()
    };
    let e = edit::edit(&doc(&multi), "b", &req).unwrap_err().to_string();
    assert!(e.contains("several lines"), "{e}");
}

#[test]
fn remove_and_edit_through_the_binary_write_with_a_backup_and_refuse_a_file_changed_since_read() {
    let d = tmp("bin");
    let cfg = d.join("configuration.yml");
    let text = format!(
        "identity_providers:\n  oidc:\n    clients:\n      - client_id: memos\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://m.example.com/cb']\n      - client_id: grafana\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://g.example.com/cb']\n"
    );
    std::fs::write(&cfg, &text).unwrap();
    let out = bin()
        .args([
            "edit",
            "grafana",
            "--consent",
            "implicit",
            "--yes",
            "--json",
            "--config",
        ])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["action"], "edited");
    assert_eq!(v["keys"][0], "consent_mode");
    let backup = v["backup_path"].as_str().unwrap();
    assert_eq!(std::fs::read_to_string(backup).unwrap(), text);
    let edited = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        edited.ends_with("        consent_mode: 'implicit'\n"),
        "{edited}"
    );
    let out = bin()
        .args(["remove", "grafana", "--yes", "--json", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["action"], "removed");
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        text.lines()
            .take(6)
            .map(|l| format!("{l}\n"))
            .collect::<String>()
    );
    // The last client: refused, one line, nothing written.
    let before = std::fs::read_to_string(&cfg).unwrap();
    let out = bin()
        .args(["remove", "memos", "--yes", "--config"])
        .arg(&cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("only one") && err.lines().count() == 1,
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), before);
    // A file changed since it was read is not written.
    std::fs::write(&cfg, &text).unwrap();
    let doc = config::load(&cfg).unwrap();
    let out = edit::remove(&doc, "memos").unwrap();
    std::fs::write(&cfg, format!("{text}# edited meanwhile\n")).unwrap();
    let e = config::write(&doc, &out.output).unwrap_err().to_string();
    assert!(e.contains("changed"), "{e}");
    assert!(
        std::fs::read_to_string(&cfg)
            .unwrap()
            .ends_with("# edited meanwhile\n")
    );
}

#[test]
fn edit_group_creates_or_reuses_the_apps_authorization_policy() {
    let text = format!(
        "identity_providers:\n  oidc:\n    # the clients\n    clients:\n      - client_id: memos\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://memos.example.com/auth/callback']\n        token_endpoint_auth_method: client_secret_post\n      - client_id: other\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://o.example.com/cb']\n"
    );
    let req = EditRequest {
        groups: vec!["family".into(), "admins".into()],
        policy: Some("one_factor".into()),
        ..Default::default()
    };
    let out = edit::edit(&doc(&text), "memos", &req).unwrap();
    let new = String::from_utf8(out.output.bytes).unwrap();
    // The section goes before `clients:` and the comment that introduces it; the client names
    // it (the policy is named after the catalog app it matches).
    assert_eq!(
        new,
        text.replace(
            "    # the clients\n",
            "    authorization_policies:\n      memos:\n        default_policy: 'deny'\n        rules:\n          - policy: 'one_factor'\n            subject:\n              - 'group:family'\n              - 'group:admins'\n    # the clients\n"
        )
        .replace(
            "        token_endpoint_auth_method: client_secret_post\n",
            "        token_endpoint_auth_method: client_secret_post\n        authorization_policy: 'memos'\n"
        )
    );
    let v = reading(&new);
    assert_eq!(
        oidc_of(&v)["authorization_policies"]["memos"]["rules"][0]["subject"][1],
        "group:admins"
    );
    // Removing the client takes the policy only it names with it.
    let gone = edit::remove(&doc(&new), "memos").unwrap();
    assert_eq!(gone.orphans_removed, ["authorization_policies.memos"]);
    assert_eq!(
        String::from_utf8(gone.output.bytes).unwrap(),
        text.replace(
            &format!("      - client_id: memos\n        client_secret: '{DIGEST}'\n        redirect_uris: ['https://memos.example.com/auth/callback']\n        token_endpoint_auth_method: client_secret_post\n"),
            ""
        )
    );
    // Again on the result: the policy is there already with those rules, nothing changes.
    let e = edit::edit(&doc(&new), "memos", &req)
        .unwrap_err()
        .to_string();
    assert!(e.contains("nothing would change"), "{e}");
    // The other client gets its own entry in the section that now exists.
    let req = EditRequest {
        groups: vec!["family".into()],
        ..Default::default()
    };
    let out = edit::edit(&doc(&new), "other", &req).unwrap();
    let v = reading(&String::from_utf8(out.output.bytes).unwrap());
    let p = &oidc_of(&v)["authorization_policies"]["other"];
    assert_eq!(p["default_policy"], "deny");
    assert_eq!(p["rules"][0]["policy"], "two_factor");
    assert_eq!(p["rules"][0]["subject"], "group:family");
    // A policy of that name with other rules is not reused.
    let e = edit::edit(&doc(&new), "memos", &req)
        .unwrap_err()
        .to_string();
    assert!(e.contains("other rules"), "{e}");
    // The factor must be one_factor or two_factor.
    let req = EditRequest {
        groups: vec!["family".into()],
        policy: Some("memos".into()),
        ..Default::default()
    };
    assert!(edit::edit(&doc(&new), "other", &req).is_err());
}
