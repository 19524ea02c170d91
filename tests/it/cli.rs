//! The command line as scripts use it: the real binary, its JSON, its exit codes and its errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"));
    c.env_remove("X_AUTHELIA_CONFIG");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).stdin(Stdio::null()).output().unwrap()
}

fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The program may exit before reading (a malformed digest is refused first): ignore EPIPE.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// One clear line on stderr, no panic text, the given exit code.
fn assert_one_line_error(o: &Output, code: i32, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(code), "stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "more than one line: {err}"
    );
    assert!(err.starts_with("oidc-wizard: "), "{err}");
    assert!(err.contains(needle), "expected '{needle}' in: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn apps_json_lists_the_catalog() {
    let v = json(&run(&["apps", "--json"]));
    let list = v.as_array().unwrap();
    for slug in ["engomo", "memos", "espocrm", "romm"] {
        let e = list
            .iter()
            .find(|e| e["slug"] == slug)
            .unwrap_or_else(|| panic!("{slug}"));
        assert!(e["name"].as_str().is_some_and(|n| !n.is_empty()));
    }
    let text = String::from_utf8(run(&["apps"]).stdout).unwrap();
    assert!(text.lines().any(|l| l.starts_with("memos ")));
}

#[test]
fn add_json_has_the_contract_keys_and_a_verifying_digest() {
    let v = json(&run(&["add", "memos", "--domain", "example.com", "--json"]));
    for k in [
        "app",
        "client_id",
        "client_secret",
        "client_secret_digest",
        "client",
        "client_yaml",
        "steps",
        "issuer",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["app"], "memos");
    assert_eq!(v["client_id"], "memos");
    assert_eq!(v["issuer"], "https://auth.example.com");
    let secret = v["client_secret"].as_str().unwrap();
    let digest = v["client_secret_digest"].as_str().unwrap();
    assert_eq!(secret.len(), 72);
    assert!(oidc_wizard::secret::verify(secret, digest).unwrap());
    assert_eq!(v["client"]["client_secret"], digest);
    assert_eq!(
        v["client"]["redirect_uris"][0],
        "https://memos.example.com/auth/callback"
    );
    // The YAML text holds exactly the same client.
    let doc: serde_yaml::Value = serde_yaml::from_str(v["client_yaml"].as_str().unwrap()).unwrap();
    let item = serde_json::to_value(&doc["identity_providers"]["oidc"]["clients"][0]).unwrap();
    assert_eq!(item, v["client"]);
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(steps.iter().any(|s| s.contains(secret)));
    assert!(!steps.iter().any(|s| s.contains('{')));
}

#[test]
fn add_follows_the_flags() {
    let v = json(&run(&[
        "add",
        "espocrm",
        "--domain",
        "home.lan",
        "--app-url",
        "https://crm.home.lan:8443/",
        "--auth-url",
        "https://sso.home.lan/",
        "--client-id",
        "my.crm",
        "--policy",
        "one_factor",
        "--json",
    ]));
    assert_eq!(v["client"]["client_id"], "my.crm");
    assert_eq!(v["client"]["authorization_policy"], "one_factor");
    assert_eq!(
        v["client"]["redirect_uris"][0],
        "https://crm.home.lan:8443/oauth-callback.php"
    );
    assert_eq!(v["issuer"], "https://sso.home.lan");
    let steps = v["steps"].to_string();
    assert!(steps.contains("https://sso.home.lan/api/oidc/token"));
    let v = json(&run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--random-client-id",
        "--json",
    ]));
    let id = v["client_id"].as_str().unwrap();
    assert_eq!(id.len(), 64);
    assert!(oidc_wizard::client::valid_client_id(id).is_ok());
}

#[test]
fn human_output_shows_yaml_values_and_steps() {
    let o = run(&["add", "romm", "--domain", "example.com"]);
    assert!(o.status.success());
    let t = String::from_utf8(o.stdout).unwrap();
    assert!(t.contains("      - client_id: 'romm'"));
    assert!(t.contains("OIDC_REDIRECT_URI=https://romm.example.com/api/oauth/openid"));
    assert!(t.contains("claims_policy: 'romm'"));
}

#[test]
fn secret_json_and_text() {
    let v = json(&run(&["secret", "--json"]));
    let s = v["secret"].as_str().unwrap();
    assert_eq!(s.len(), 72);
    assert!(oidc_wizard::secret::verify(s, v["digest"].as_str().unwrap()).unwrap());
    let v = json(&run(&[
        "secret",
        "--length",
        "40",
        "--charset",
        "alphanumeric",
        "--json",
    ]));
    let s = v["secret"].as_str().unwrap();
    assert_eq!(s.len(), 40);
    assert!(s.chars().all(|c| c.is_ascii_alphanumeric()));
    assert_one_line_error(
        &run(&["secret", "--charset", "emoji"]),
        1,
        "unknown charset",
    );
    assert_one_line_error(&run(&["secret", "--length", "3"]), 1, "out of range");
}

#[test]
fn hash_and_verify_through_stdin() {
    let o = run_stdin(&["hash"], "insecure_secret\n");
    assert!(o.status.success());
    let d = String::from_utf8(o.stdout).unwrap();
    let d = d.trim();
    assert!(d.starts_with("$pbkdf2-sha512$310000$"));
    assert_eq!(
        run_stdin(&["verify", d], "insecure_secret\n").status.code(),
        Some(0)
    );
    assert_eq!(
        run_stdin(&["verify", d], "insecure_secret\r\n")
            .status
            .code(),
        Some(0)
    );
    assert_eq!(run_stdin(&["verify", d], "other\n").status.code(), Some(1));
    let seed = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
    assert_eq!(
        run_stdin(&["verify", seed], "insecure_secret")
            .status
            .code(),
        Some(0)
    );
    // A digest it cannot check is not a mismatch: exit 2.
    assert_one_line_error(
        &run_stdin(&["verify", "$bcrypt$x"], "a\n"),
        2,
        "not a digest",
    );
    assert_one_line_error(
        &run_stdin(&["verify", "$pbkdf2-sha512$310000$..."], "a\n"),
        2,
        "not a digest",
    );
    // go-crypt accepts up to 2^31-1 iterations (algorithm/pbkdf2/const.go:45 at v0.14.15):
    // hours of work; over the cap it is refused at once.
    let slow = "$pbkdf2-sha512$4294967295$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
    let t = std::time::Instant::now();
    assert_one_line_error(
        &run_stdin(&["verify", slow], "a\n"),
        2,
        "over this tool's cap",
    );
    assert!(t.elapsed().as_secs() < 5);
    assert_one_line_error(&run_stdin(&["hash"], ""), 1, "no password");
}

#[test]
fn bad_inputs_are_one_clear_line() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["add", "memos", "--domain", "https://example.com"],
            "has a scheme",
        ),
        (
            &["add", "memos", "--domain", "exa mple.com"],
            "contains a space",
        ),
        (&["add", "memos", "--domain", ""], "domain is empty"),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--app-url",
                "https://m.example.com/?x=1",
            ],
            "query",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--app-url",
                "https://m.example.com/#top",
            ],
            "fragment",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--app-url",
                "m.example.com",
            ],
            "not absolute",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--auth-url",
                "ftp://auth.example.com",
            ],
            "https://",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--client-id",
                "bad id",
            ],
            "only A-Z",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--client-id",
                &"a".repeat(101),
            ],
            "at most 100",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--policy",
                "three_factor",
            ],
            "unknown policy",
        ),
        (
            &["add", "memoz", "--domain", "example.com"],
            "did you mean memos",
        ),
        (
            &["add", "memos", "--domain", "example.com", "--set", "x=1"],
            "takes no extra values",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--variant",
                "cli",
            ],
            "variant",
        ),
    ];
    for (args, needle) in cases {
        assert_one_line_error(&run(args), 1, needle);
    }
}

#[test]
fn usage_errors_exit_2() {
    assert_one_line_error(&run(&["add", "memos"]), 2, "--domain");
    assert_one_line_error(&run(&["frobnicate"]), 2, "frobnicate");
    let o = run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Exit codes"));
}

#[test]
fn with_a_config_the_domain_and_authelia_url_default_to_its_session_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("configuration.yml");
    std::fs::write(
        &cfg,
        "session:\n  cookies:\n    - domain: example.org\n      authelia_url: https://login.example.org\n",
    )
    .unwrap();
    let v = json(&run(&[
        "add",
        "memos",
        "--config",
        cfg.to_str().unwrap(),
        "--dry-run",
        "--json",
    ]));
    assert_eq!(
        v["client"]["redirect_uris"][0],
        "https://memos.example.org/auth/callback"
    );
    assert_eq!(v["issuer"], "https://login.example.org");
    assert_eq!(v["written"], false);
    // Nothing to default from: --domain is required, a usage error.
    std::fs::write(&cfg, "log:\n  level: info\n").unwrap();
    assert_one_line_error(
        &run(&[
            "add",
            "memos",
            "--config",
            cfg.to_str().unwrap(),
            "--dry-run",
        ]),
        2,
        "--domain",
    );
}
