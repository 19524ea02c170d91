//! `oidc-wizard add APP --provider authentik`: the JSON contract, `--out`, and bad inputs as one
//! line on stderr with a non-zero exit.

use serde_json::Value;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args(args)
        .env_remove("X_AUTHELIA_CONFIG")
        .output()
        .expect("the binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(args: &[&str]) -> Value {
    let o = run(args);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

fn fails(args: &[&str], want: &str) {
    let o = run(args);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{args:?} should fail: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    let e = stderr(&o);
    assert_eq!(e.lines().count(), 1, "{args:?}: one line expected: {e}");
    assert!(e.starts_with("oidc-wizard: "), "{e}");
    assert!(e.contains(want), "{args:?}: {e:?} lacks {want:?}");
    assert!(
        o.stdout.is_empty(),
        "{args:?}: nothing on stdout when failing"
    );
}

#[test]
fn engomo_json_contract() {
    let v = json(&[
        "add",
        "engomo",
        "--provider",
        "authentik",
        "--domain",
        "example.com",
        "--json",
    ]);
    assert_eq!(v["provider"], "authentik");
    assert_eq!(v["client_id"], "engomo");
    assert_eq!(v["client_type"], "public");
    assert!(
        v.get("client_secret").is_none(),
        "a public client has no secret key"
    );
    assert_eq!(
        v["issuer"],
        "https://authentik.example.com/application/o/engomo/"
    );
    assert_eq!(
        v["endpoints"]["jwks_uri"],
        "https://authentik.example.com/application/o/engomo/jwks/"
    );
    let bp = v["blueprint"].as_str().unwrap();
    assert!(bp.contains("\nversion: 1\n"));
    assert!(bp.contains("client_type: public"));
    assert!(bp.contains("!KeyOf engomo-mapping-profile"));
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        steps
            .iter()
            .any(|s| s.contains("Issuer: https://authentik.example.com/application/o/engomo/"))
    );
    assert!(
        v["authentik_steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains("/blueprints"))
    );
    assert_eq!(
        v["redirect_uris"][1]["url"],
        "com.engomo.engomo://callback/"
    );
    assert_eq!(v["redirect_uris"][1]["matching_mode"], "strict");
}

#[test]
fn auth_url_overrides_the_default() {
    let v = json(&[
        "add",
        "engomo",
        "--provider",
        "authentik",
        "--domain",
        "example.com",
        "--auth-url",
        "https://id.example.net",
        "--json",
    ]);
    assert_eq!(v["issuer"], "https://id.example.net/application/o/engomo/");
    assert_eq!(
        v["endpoints"]["token_endpoint"],
        "https://id.example.net/application/o/token/"
    );
}

#[test]
fn confidential_secret_is_in_json_and_blueprint() {
    let v = json(&[
        "add",
        "memos",
        "--provider",
        "authentik",
        "--domain",
        "example.com",
        "--json",
        "--length",
        "48",
    ]);
    let secret = v["client_secret"]
        .as_str()
        .expect("a confidential client has a secret");
    assert_eq!(secret.len(), 48);
    assert!(
        v["blueprint"]
            .as_str()
            .unwrap()
            .contains(&format!("client_secret: '{secret}'"))
    );
    assert!(
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s.as_str().unwrap().contains(secret))
    );
    // Two runs draw two secrets.
    let w = json(&[
        "add",
        "memos",
        "--provider",
        "authentik",
        "--domain",
        "example.com",
        "--json",
    ]);
    assert_ne!(w["client_secret"], v["client_secret"]);
}

#[test]
fn human_output_has_blueprint_steps_and_values() {
    let o = run(&[
        "add",
        "engomo",
        "--provider",
        "authentik",
        "--domain",
        "example.com",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = String::from_utf8(o.stdout).unwrap();
    for want in [
        "== authentik: blueprint",
        "model: authentik_core.application",
        "== authentik: steps",
        "Customization > Blueprints",
        "== engomo: values",
        "== engomo: steps",
    ] {
        assert!(s.contains(want), "missing {want:?} in:\n{s}");
    }
    assert!(
        s.lines().any(|l| l.trim_start().starts_with("Issuer ")
            && l.trim_end()
                .ends_with(" https://authentik.example.com/application/o/engomo/")),
        "no Issuer line in:\n{s}"
    );
}

#[test]
fn out_writes_the_blueprint_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memos.yaml");
    let p = path.to_str().unwrap();
    let v = json(&[
        "add",
        "memos",
        "--provider",
        "authentik",
        "--domain",
        "example.com",
        "--json",
        "--out",
        p,
    ]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, v["blueprint"].as_str().unwrap());
    assert_eq!(v["blueprint_path"], p);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a blueprint with a secret is private");
    }
    // Again without --yes: refused, file unchanged.
    fails(
        &[
            "add",
            "memos",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--out",
            p,
        ],
        "already exists; pass --yes",
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // With --yes: replaced by a new blueprint (a new secret), still private, no stray temp file.
    let o = run(&[
        "add",
        "memos",
        "--provider",
        "authentik",
        "--domain",
        "example.com",
        "--out",
        p,
        "--yes",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("mode 0600"), "{out}");
    let new = std::fs::read_to_string(&path).unwrap();
    assert_ne!(new, text);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A directory or a missing parent directory: refused.
    fails(
        &[
            "add",
            "memos",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        "is a directory",
    );
    let missing = dir.path().join("nope/x.yaml");
    fails(
        &[
            "add",
            "memos",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--out",
            missing.to_str().unwrap(),
        ],
        "does not exist",
    );
}

#[test]
fn bad_inputs() {
    fails(
        &[
            "add",
            "no-such-app",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
        ],
        "unknown app",
    );
    fails(
        &[
            "add",
            "engomo",
            "--provider",
            "authentik",
            "--domain",
            "bad domain",
        ],
        "domain",
    );
    fails(
        &["add", "engomo", "--provider", "authentik", "--domain", ""],
        "domain",
    );
    fails(
        &[
            "add",
            "engomo",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--auth-url",
            "ftp://x.example.com",
        ],
        "authentik URL",
    );
    fails(
        &[
            "add",
            "engomo",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--app-url",
            "not a url",
        ],
        "app URL",
    );
    fails(
        &[
            "add",
            "engomo",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--client-id",
            "bad id",
        ],
        "client",
    );
    fails(
        &[
            "add",
            "engomo",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--policy",
            "one_factor",
        ],
        "--policy",
    );
    fails(
        &[
            "add",
            "engomo",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--dry-run",
        ],
        "--dry-run",
    );
    fails(
        &[
            "add",
            "engomo",
            "--provider",
            "authentik",
            "--domain",
            "example.com",
            "--variant",
            "nope",
        ],
        "authentik documents engomo only",
    );
    fails(
        &[
            "add",
            "engomo",
            "--domain",
            "example.com",
            "--out",
            "x.yaml",
        ],
        "--provider authentik",
    );
}

#[test]
fn app_without_an_authentik_guide() {
    // Any catalog app without an authentik data file (the catalog grows in parallel).
    let apps = json(&["apps", "--json"]);
    let slugs: Vec<String> = apps
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["slug"].as_str().unwrap().to_string())
        .collect();
    let Some(slug) = slugs
        .iter()
        .find(|s| !oidc_wizard::provider::authentik::supports(s))
    else {
        eprintln!(
            "note: every catalog app in this branch has an authentik guide; app_without_an_authentik_guide has nothing to try"
        );
        return;
    };
    fails(
        &[
            "add",
            slug,
            "--provider",
            "authentik",
            "--domain",
            "example.com",
        ],
        "authentik does not document",
    );
}
