//! `oidc-wizard add ... --config` and `oidc-wizard check` as a user runs them.

use std::path::Path;
use std::process::{Command, Output, Stdio};

const CONFIG: &str = "# my config\nidentity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: one\n        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n        redirect_uris: ['https://one.example.com/cb']\n        scopes: [openid]\nsession:\n  cookies:\n    - domain: example.com\n      authelia_url: https://login.example.com\n";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args(args)
        .env_remove("X_AUTHELIA_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    (dir, path)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn backups(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(".bak.")
        })
        .count()
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let (dir, path) = setup();
    let o = run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        s(&path),
        "--dry-run",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(
        out.starts_with(&format!("--- {}\n+++ {}\n@@", s(&path), s(&path))),
        "{out}"
    );
    assert!(out.contains("+      - client_id: 'memos'\n"));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("dry run: nothing was written"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
    assert_eq!(backups(dir.path()), 0);
}

#[test]
fn without_yes_and_without_a_terminal_nothing_is_written() {
    let (dir, path) = setup();
    let o = run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        s(&path),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("not a terminal") && err.contains("--yes") && err.contains(s(&path)),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
    assert_eq!(backups(dir.path()), 0);
}

#[test]
fn yes_json_writes_and_reports_path_backup_and_diff() {
    let (dir, path) = setup();
    let o = run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        s(&path),
        "--yes",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["config_path"], s(&path));
    assert_eq!(v["written"], true);
    let backup = v["backup_path"].as_str().unwrap();
    assert_eq!(std::fs::read_to_string(backup).unwrap(), CONFIG);
    assert!(
        v["diff"]
            .as_str()
            .unwrap()
            .contains("+      - client_id: 'memos'")
    );
    assert_eq!(v["client_id"], "memos");
    assert!(v["client_secret"].as_str().unwrap().len() >= 32);
    // The Authelia URL came from session.cookies.
    assert_eq!(v["issuer"], "https://login.example.com");
    let now = std::fs::read_to_string(&path).unwrap();
    assert!(now.starts_with(CONFIG.split("session:").next().unwrap()));
    assert!(now.contains(v["client_secret_digest"].as_str().unwrap()));
    assert!(
        !now.contains(v["client_secret"].as_str().unwrap()),
        "the plaintext secret is never written"
    );
    assert_eq!(backups(dir.path()), 1);

    // The same id again is refused, naming the id; --rotate changes one line.
    let o = run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        s(&path),
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("'memos' already exists") && err.contains("--rotate"),
        "{err}"
    );
    let o = run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        s(&path),
        "--yes",
        "--rotate",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rotated = std::fs::read_to_string(&path).unwrap();
    let changed = now
        .lines()
        .zip(rotated.lines())
        .filter(|(a, b)| a != b)
        .count();
    assert_eq!(changed, 1);
    assert_eq!(now.lines().count(), rotated.lines().count());
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("client 'memos' rotated in"), "{out}");
}

#[test]
fn json_dry_run_has_written_false() {
    let (_dir, path) = setup();
    let o = run(&[
        "add",
        "romm",
        "--domain",
        "example.com",
        "--config",
        s(&path),
        "--dry-run",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["written"], false);
    assert_eq!(v["backup_path"], serde_json::Value::Null);
    assert!(
        v["diff"]
            .as_str()
            .unwrap()
            .contains("+    claims_policies:")
    );
}

#[test]
fn mattermost_gets_its_claims_policy_and_its_scope() {
    let (_dir, path) = setup();
    let o = run(&[
        "add",
        "mattermost",
        "--domain",
        "example.com",
        "--config",
        s(&path),
        "--dry-run",
        "--json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["additions_added"],
        serde_json::json!(["claims_policies.mattermost", "scopes.mattermost"])
    );
    let diff = v["diff"].as_str().unwrap();
    assert!(
        diff.contains("+    scopes:\n+      mattermost:\n+        claims:\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+    claims_policies:\n+      mattermost:\n"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
}

#[test]
fn bad_config_paths_give_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for (p, needle) in [
        (dir.path().join("missing.yml"), "no such file"),
        // A directory is read as Authelia reads one (its .yml / .yaml files); this one has none.
        (dir.path().to_path_buf(), "no .yml or .yaml file"),
    ] {
        let o = run(&[
            "add",
            "memos",
            "--domain",
            "example.com",
            "--config",
            s(&p),
            "--dry-run",
        ]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8(o.stderr).unwrap();
        assert!(
            err.contains(needle) && err.contains(s(&p)) && err.lines().count() == 1,
            "{err}"
        );
    }
    let notyaml = dir.path().join("bad.yml");
    std::fs::write(&notyaml, "a: [1\nb: 2\n").unwrap();
    let o = run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        s(&notyaml),
        "--yes",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(
        err.contains("not valid YAML") && err.contains("line "),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&notyaml).unwrap(), "a: [1\nb: 2\n");
}

#[test]
fn config_from_x_authelia_config() {
    let (_dir, path) = setup();
    let o = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args(["add", "memos", "--domain", "example.com", "--dry-run"])
        .env("X_AUTHELIA_CONFIG", s(&path))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        String::from_utf8(o.stdout)
            .unwrap()
            .contains("client_id: 'memos'")
    );
}

#[test]
fn check_reports_problems_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "jwt_secret: x\nidentity_providers:\n  oidc:\n    hmac_secret: x\n    clients:\n      - id: a\n        secret: plain\n        redirect_uris: ['https://a/cb']\n      - client_id: a\n        public: true\n        client_secret: '$pbkdf2-sha512$x'\n        redirect_uris: ['https://a/cb']\n        colour: blue\n",
    )
    .unwrap();
    let o = run(&["check", "--config", s(&bad)]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8(o.stdout).unwrap();
    for needle in [
        "no jwks",
        "clients[0].id is deprecated",
        "clients[0].secret is deprecated",
        "jwt_secret is deprecated",
        "client_secret is plaintext",
        "a public client must not have a client_secret",
        "used by more than one client",
        "clients[1].colour is not a key Authelia knows",
    ] {
        assert!(out.contains(needle), "missing '{needle}' in:\n{out}");
    }
    let o = run(&["check", "--config", s(&bad), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["clients"].as_array().unwrap().len(), 2);
    assert!(v["errors"].as_u64().unwrap() >= 3);

    // A real key: `check` reads it as Authelia does (a bare `k` is no key).
    let pem = oidc_wizard::provider::authelia::rsa_private_key_pem(2048).unwrap();
    let key: String = pem.lines().map(|l| format!("          {l}\n")).collect();
    let good = dir.path().join("good.yml");
    std::fs::write(
        &good,
        CONFIG.replace(
            "hmac_secret: x\n    jwks:\n      - key: k\n",
            &format!("hmac_secret: x\n    jwks:\n      - key: |\n{key}"),
        ),
    )
    .unwrap();
    let o = run(&["check", "--config", s(&good)]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains("client 'one'") && out.contains("no problems found"),
        "{out}"
    );
}
