//! Installing and living with the tool: the version string, shell completions, the man page and
//! the `--log FILE` record.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args(args)
        .env_remove("X_AUTHELIA_CONFIG")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The newest Authelia version the catalog files name, read here from the embedded files'
/// `tested.authelia` lists.
fn newest_tested() -> (u32, u32) {
    let mut best = (0, 0);
    for e in oidc_wizard::catalog::all().unwrap() {
        for v in &e.tested.authelia {
            let mut it = v.trim_start_matches('v').split('.');
            let (Some(a), Some(b)) = (it.next(), it.next()) else {
                continue;
            };
            if let (Ok(a), Ok(b)) = (a.parse::<u32>(), b.parse::<u32>()) {
                best = best.max((a, b));
            }
        }
    }
    best
}

#[test]
fn version_names_the_catalogs_authelia_version_and_size() {
    let out = stdout(&run(&["--version"]));
    let (major, minor) = newest_tested();
    assert!(major >= 4, "the catalog names no Authelia version");
    let n = oidc_wizard::catalog::all().unwrap().len();
    assert_eq!(
        out.trim(),
        format!(
            "oidc-wizard {} (catalog: Authelia v{major}.{minor}, {n} apps)",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn bash_completion_parses_and_offers_every_app() {
    let script = stdout(&run(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("oidc-wizard.bash");
    std::fs::write(&file, &script).unwrap();
    let check = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(
        check.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The words offered after `add` are one line of the script.
    let words: Vec<&str> = script
        .lines()
        .find(|l| l.contains("memos") && l.contains("vaultwarden"))
        .expect("a word list with the apps")
        .split_whitespace()
        .collect();
    for e in oidc_wizard::catalog::all().unwrap() {
        assert!(words.contains(&e.slug.as_str()), "{} not offered", e.slug);
    }
    assert!(words.contains(&"custom"));
    // An alias is offered too (vaultwarden's "bitwarden").
    assert!(words.contains(&"bitwarden"));
    for sub in ["completions", "man", "add", "check"] {
        assert!(script.contains(sub), "{sub} missing");
    }
}

#[test]
fn completion_works_in_bash() {
    // Load the script and ask it what follows `oidc-wizard add mem`.
    let script = stdout(&run(&["completions", "bash"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.bash");
    std::fs::write(&file, &script).unwrap();
    let probe = format!(
        "source {}; COMP_WORDS=(oidc-wizard add mem); COMP_CWORD=2; COMP_LINE='oidc-wizard add mem'; COMP_POINT=${{#COMP_LINE}}; _oidc__wizard oidc-wizard mem add; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        s(&file)
    );
    let o = Command::new("bash").arg("-c").arg(probe).output().unwrap();
    let got = String::from_utf8_lossy(&o.stdout);
    assert!(
        got.lines().any(|l| l == "memos"),
        "bash offered {got:?} ({})",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn every_shell_gets_a_script_and_zsh_and_fish_name_the_apps() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&run(&["completions", shell]));
        assert!(script.contains("oidc-wizard"), "{shell}");
        if matches!(shell, "zsh" | "fish") {
            assert!(script.contains("memos"), "{shell} does not offer memos");
        }
    }
    let fish = stdout(&run(&["completions", "fish"]));
    assert!(fish.contains("-a 'memos' -d 'Memos'"));
    // A shell clap does not know is a usage error.
    assert_eq!(run(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_page_is_roff_with_name_and_synopsis() {
    let page = stdout(&run(&["man"]));
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "{section} missing");
    }
    assert!(page.starts_with('.') || page.starts_with("'\\\""));
    assert!(page.contains(".TH oidc-wizard 1"));
    assert!(page.contains("\\-\\-log"));
    // The version line of the page is the binary's.
    let (major, minor) = newest_tested();
    assert!(page.contains(&format!("Authelia v{major}.{minor}")));
}

/// The base64 lines of every PEM block in `text`.
fn pem_bodies(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for l in text.lines() {
        let t = l.trim();
        if t.starts_with("-----BEGIN") {
            inside = true;
        } else if t.starts_with("-----END") {
            inside = false;
        } else if inside && t.len() >= 16 {
            out.push(t.to_string());
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn log_records_the_write_and_never_a_secret() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("configuration.yml");
    // No provider yet: the merge adds an hmac_secret and an RSA key.
    std::fs::write(&config, "server:\n  address: tcp://:9091\n").unwrap();
    let log = dir.path().join("oidc.log");
    // An existing log readable by others is made private.
    std::fs::write(&log, "").unwrap();
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = stdout(&run(&[
        "add",
        "memos",
        "--domain",
        "example.com",
        "--config",
        s(&config),
        "--yes",
        "--json",
        "--log",
        s(&log),
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["written"], true);
    assert_eq!(v["first_time_setup"], true);
    let secret = v["client_secret"].as_str().unwrap();
    let digest = v["client_secret_digest"].as_str().unwrap();
    assert!(secret.len() >= 32 && digest.starts_with("$pbkdf2-sha512$"));
    let written = std::fs::read_to_string(&config).unwrap();
    let key_lines = pem_bodies(&written);
    assert!(key_lines.len() > 10, "no RSA key in the written file");
    let hmac = written
        .lines()
        .find_map(|l| l.trim().strip_prefix("hmac_secret:"))
        .map(|x| x.trim().trim_matches(['\'', '"']).to_string())
        .unwrap();

    let text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        std::fs::metadata(&log).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // What it is for: the command, the file it wrote, its backup, the outcome.
    assert!(text.contains("start: add"), "{text}");
    assert!(text.contains(&format!("wrote {}", s(&config))), "{text}");
    assert!(text.contains(s(v["backup_path"].as_str().map(Path::new).unwrap())));
    assert!(text.contains("end: exit 0"), "{text}");
    // What it must not hold.
    assert!(!text.contains(secret), "the client secret is in the log");
    assert!(!text.contains(digest), "the digest is in the log");
    // The digest's salt and hash alone must not be there either.
    for part in digest.split('$').filter(|p| p.len() >= 16) {
        assert!(!text.contains(part), "a part of the digest is in the log");
    }
    assert!(!text.contains(&hmac), "the hmac_secret is in the log");
    for l in &key_lines {
        assert!(
            !text.contains(l.as_str()),
            "a line of the RSA key is in the log"
        );
    }
    assert!(!text.contains("PRIVATE KEY"));
}

#[cfg(unix)]
#[test]
fn log_keeps_a_digest_and_set_values_out() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let digest = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
    let o = run(&["verify", digest, "--log", s(&log)]);
    assert!(o.status.code().is_some());
    let o = run(&[
        "add",
        "custom",
        "--domain",
        "example.com",
        "--set",
        "name=Hunter Two Zebra",
        "--set",
        "redirect_uris=https://a.example.com/cb",
        "--log",
        s(&log),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("start: verify"), "{text}");
    assert!(text.contains("--set name=<redacted>"), "{text}");
    assert!(
        !text.contains("JNRBzwAo0ek5qKn50"),
        "the digest is in the log"
    );
    assert!(
        !text.contains("Hunter Two Zebra"),
        "a --set value is in the log"
    );
}

#[cfg(unix)]
#[test]
fn log_refuses_a_symlink_and_without_log_no_file_appears() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("elsewhere");
    std::fs::write(&target, "keep\n").unwrap();
    let link = dir.path().join("log");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let o = run(&["secret", "--log", s(&link)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "the command ran without its log");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep\n");
    // A command without --log writes no file.
    let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    stdout(&run(&["secret"]));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before.len());
}
