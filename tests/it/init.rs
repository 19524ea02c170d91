//! `oidc-wizard init`: the first Authelia setup it writes holds Authelia v4.39.20's rules once
//! its templates are rendered the way Authelia renders them, its secret files are private and
//! long enough, its digest verifies the password, `add` and `check` work on it, and what it
//! must refuse it refuses, in one line, writing nothing.
//!
//! Rules cite Authelia v4.39.20: `validator/...` is internal/configuration/validator/,
//! `templates/...` is internal/templates/.

use serde_yaml::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"));
    c.env_remove("X_AUTHELIA_CONFIG");
    c
}

fn run(args: &[&str]) -> Output {
    bin().args(args).stdin(Stdio::null()).output().unwrap()
}

/// `init --json` into `dir`, which must succeed; its JSON.
fn init_json(dir: &Path, extra: &[&str]) -> serde_json::Value {
    let d = dir.to_str().unwrap();
    let mut args = vec!["init", "--domain", "example.com", "--dir", d, "--json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(
        o.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// One line on stderr naming `needle`, exit 1, nothing on stdout.
fn assert_refused(o: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "not one line: {err}");
    assert!(err.contains(needle), "{needle:?} not in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

// ---- Authelia's template filter ------------------------------------------------------------------

/// Renders the template expressions of a configuration as Authelia's `template` filter does
/// for the two forms init writes: `{{ secret "PATH" }}` is the file's content without its
/// trailing newlines (templates/funcs.go:510-516); `| mindent N "|"` makes a multi-line value a
/// literal block indented by N (funcs.go:485-491, with `indent` at 471-475); `| msquote` quotes
/// a single-line value and leaves a multi-line one as it is (funcs.go:291-308). `/config` is
/// the directory `dir` (compose.yaml mounts it there). Anything else is a test failure.
fn render(text: &str, dir: &Path) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{") {
        out.push_str(&rest[..i]);
        let j = rest[i..].find("}}").expect("unterminated template") + i;
        let expr = rest[i + 2..j].trim();
        let stages = pipeline(expr);
        let mut stages = stages.iter().map(|s| s.trim());
        let first = stages.next().unwrap();
        let path = first
            .strip_prefix("secret \"")
            .and_then(|p| p.strip_suffix('"'))
            .unwrap_or_else(|| panic!("not a secret template: {expr}"));
        let inside = path
            .strip_prefix("/config/")
            .unwrap_or_else(|| panic!("secret outside /config: {path}"));
        let raw = std::fs::read_to_string(dir.join(inside))
            .unwrap_or_else(|e| panic!("{path} (at {}): {e}", dir.join(inside).display()));
        let mut value = raw.trim_end_matches('\n').to_string();
        for stage in stages {
            if let Some(args) = stage.strip_prefix("mindent ") {
                let (n, mode) = args.split_once(' ').unwrap();
                let n: usize = n.parse().unwrap();
                let mode = mode.trim_matches('"');
                if value.contains('\n') {
                    let pad = " ".repeat(n);
                    value = format!("{mode}\n{pad}{}", value.replace('\n', &format!("\n{pad}")));
                }
            } else if stage == "msquote" {
                if !value.contains('\n') {
                    value = format!("'{value}'");
                }
            } else {
                panic!("unknown template function: {stage}");
            }
        }
        out.push_str(&value);
        rest = &rest[j + 2..];
    }
    out.push_str(rest);
    out
}

/// The stages of a template pipeline: split on `|` outside double-quoted strings (a Go
/// template argument such as `"|"` is a string).
fn pipeline(expr: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in expr.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.last_mut().unwrap().push(c);
            }
            '|' if !quoted => out.push(String::new()),
            _ => out.last_mut().unwrap().push(c),
        }
    }
    out
}

// ---- rules outside the OpenID Connect provider, from the validator's source ---------------------

fn get<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut v = v;
    for k in path {
        v = v.get(*k)?;
    }
    Some(v)
}

fn string(v: &Value, path: &[&str]) -> String {
    match get(v, path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

fn present(v: &Value, path: &[&str]) -> bool {
    get(v, path).is_some_and(|x| !x.is_null())
}

/// Authelia's durations as init writes them (`2 minutes`, `90s`), in seconds.
fn seconds(s: &str) -> Option<u64> {
    let s = s.trim();
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    let n: u64 = digits.parse().ok()?;
    let unit = s[digits.len()..].trim();
    let k = match unit {
        "" | "s" | "second" | "seconds" => 1,
        "m" | "minute" | "minutes" => 60,
        "h" | "hour" | "hours" => 3600,
        "d" | "day" | "days" => 86400,
        _ => return None,
    };
    Some(n * k)
}

/// Authelia's `reDomainCharacters` (validator/const.go:620), written out.
fn domain_characters(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

/// The rules Authelia's validator applies to the sections init writes besides the provider.
fn base_rules(root: &Value) -> Vec<String> {
    let mut e = Vec::new();
    // validator/storage.go:13-17: an encryption key of 20 characters or more.
    let key = string(root, &["storage", "encryption_key"]);
    if key.is_empty() {
        e.push("storage: encryption_key must be provided".into());
    } else if key.len() < 20 {
        e.push("storage: encryption_key must be 20 characters or longer".into());
    }
    // validator/storage.go:19-43: exactly one backend; 175-178: local needs a path.
    let backends: Vec<&str> = ["local", "mysql", "postgres"]
        .into_iter()
        .filter(|b| present(root, &["storage", b]))
        .collect();
    if backends.len() != 1 {
        e.push(format!(
            "storage: one backend is needed, found {backends:?}"
        ));
    }
    if present(root, &["storage", "local"])
        && string(root, &["storage", "local", "path"]).is_empty()
    {
        e.push("storage: local: path must be provided".into());
    }
    // validator/session.go:77-78: no legacy session.domain beside cookies; 85-87: cookies.
    if present(root, &["session", "domain"]) {
        e.push("session: domain is the legacy form".into());
    }
    let cookies = get(root, &["session", "cookies"])
        .and_then(Value::as_sequence)
        .cloned()
        .unwrap_or_default();
    if cookies.is_empty() {
        e.push("session: cookies must be provided".into());
    }
    for (i, c) in cookies.iter().enumerate() {
        let n = i + 1;
        let d = string(c, &["domain"]);
        // validator/session.go:124-143 (an IP is accepted there; a browser would keep the cookie
        // to the one host, which init refuses before writing).
        if d.is_empty() {
            e.push(format!("session: cookie #{n}: domain must be provided"));
        } else if d.starts_with("*.") {
            e.push(format!("session: cookie #{n}: a wildcard domain"));
        } else if d.parse::<std::net::IpAddr>().is_ok() {
            e.push(format!("session: cookie #{n}: an IP address"));
        } else if !d.contains('.') {
            e.push(format!("session: cookie #{n}: no period in {d:?}"));
        } else if !domain_characters(&d) {
            e.push(format!("session: cookie #{n}: invalid domain {d:?}"));
        }
        // validator/session.go:180-204: authelia_url required, absolute, https, in the domain.
        let url = string(c, &["authelia_url"]);
        match url.strip_prefix("https://") {
            None => e.push(format!(
                "session: cookie #{n}: authelia_url {url:?} is not an absolute https URL"
            )),
            Some(rest) => {
                let host = rest.split(['/', ':']).next().unwrap_or("");
                if host != d && !host.ends_with(&format!(".{d}")) {
                    e.push(format!(
                        "session: cookie #{n}: authelia_url {url:?} is outside {d:?}"
                    ));
                }
            }
        }
    }
    // validator/notifier.go:13-21: exactly one notifier; 23-26: filesystem needs a filename.
    let smtp = present(root, &["notifier", "smtp"]);
    let fs = present(root, &["notifier", "filesystem"]);
    if smtp == fs {
        e.push("notifier: exactly one of smtp and filesystem is needed".into());
    }
    if fs && string(root, &["notifier", "filesystem", "filename"]).is_empty() {
        e.push("notifier: filesystem: filename must be provided".into());
    }
    // validator/identity_validation.go:24-26: the reset JWT secret, unless reset is disabled.
    let reset_off = string(
        root,
        &["authentication_backend", "password_reset", "disable"],
    ) == "true";
    if !reset_off
        && string(
            root,
            &["identity_validation", "reset_password", "jwt_secret"],
        )
        .is_empty()
    {
        e.push("identity_validation: reset_password: jwt_secret must be provided".into());
    }
    // validator/authentication.go:22-24, 43-45: one backend; 58-60: file needs a path.
    let file = present(root, &["authentication_backend", "file"]);
    let ldap = present(root, &["authentication_backend", "ldap"]);
    if file == ldap {
        e.push("authentication_backend: exactly one of file and ldap is needed".into());
    }
    if file && string(root, &["authentication_backend", "file", "path"]).is_empty() {
        e.push("authentication_backend: file: path must be provided".into());
    }
    // validator/access_control.go:15-21: a valid default; 26-31: deny needs a rule;
    // 78-80 and 43-50: each rule has a domain and a valid policy.
    let policies = ["bypass", "one_factor", "two_factor", "deny"];
    let default = string(root, &["access_control", "default_policy"]);
    let default = if default.is_empty() {
        "deny".into()
    } else {
        default
    };
    if !policies.contains(&default.as_str()) {
        e.push(format!("access_control: default_policy {default:?}"));
    }
    let rules = get(root, &["access_control", "rules"])
        .and_then(Value::as_sequence)
        .cloned()
        .unwrap_or_default();
    if rules.is_empty() && !["one_factor", "two_factor"].contains(&default.as_str()) {
        e.push(format!(
            "access_control: default_policy {default:?} without rules"
        ));
    }
    for (i, r) in rules.iter().enumerate() {
        if !present(r, &["domain"]) && !present(r, &["domain_regex"]) {
            e.push(format!("access_control: rule #{}: no domain", i + 1));
        }
        if !policies.contains(&string(r, &["policy"]).as_str()) {
            e.push(format!("access_control: rule #{}: policy", i + 1));
        }
    }
    // validator/regulation.go:15-22: modes; 33-35: find_time not above ban_time (defaults 2
    // and 5 minutes, schema).
    if let Some(modes) = get(root, &["regulation", "modes"]).and_then(Value::as_sequence) {
        for m in modes {
            if !matches!(m.as_str(), Some("ip" | "user")) {
                e.push(format!("regulation: mode {m:?}"));
            }
        }
    }
    let dur = |k: &str, default: u64| {
        let s = string(root, &["regulation", k]);
        if s.is_empty() {
            Some(default)
        } else {
            seconds(&s)
        }
    };
    match (dur("find_time", 120), dur("ban_time", 300)) {
        (Some(f), Some(b)) if f <= b => {}
        other => e.push(format!("regulation: find_time/ban_time {other:?}")),
    }
    e
}

/// The rendered configuration in `dir`, parsed.
fn rendered(dir: &Path) -> (String, Value) {
    let text = std::fs::read_to_string(dir.join("configuration.yml")).unwrap();
    let r = render(&text, dir);
    let v: Value = serde_yaml::from_str(&r).unwrap_or_else(|e| panic!("{e}:\n{r}"));
    (r, v)
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

// ---- the tests ----------------------------------------------------------------------------------

#[test]
fn the_written_configuration_holds_authelias_rules_once_rendered() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("authelia");
    let j = init_json(&dir, &[]);
    let text = std::fs::read_to_string(dir.join("configuration.yml")).unwrap();
    // No secret is inline: each of the five is a template, and no secret's text is in the file.
    assert_eq!(
        text.matches("{{ secret \"/config/secrets/").count(),
        5,
        "{text}"
    );
    for entry in std::fs::read_dir(dir.join("secrets")).unwrap() {
        let s = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let first = s.lines().find(|l| !l.starts_with("-----")).unwrap();
        assert!(!text.contains(first.trim()), "a secret is inline");
    }
    let compose = std::fs::read_to_string(dir.join("compose.yaml")).unwrap();
    assert!(
        compose.contains("X_AUTHELIA_CONFIG_FILTERS: 'template'"),
        "{compose}"
    );
    assert!(compose.contains("- './:/config'"), "{compose}");
    let (r, root) = rendered(&dir);
    assert!(!r.contains("{{"), "{r}");
    let base = base_rules(&root);
    assert!(base.is_empty(), "{base:?}\n{r}");
    let cookie = &root["session"]["cookies"][0];
    assert_eq!(string(cookie, &["domain"]), "example.com");
    assert_eq!(
        string(cookie, &["authelia_url"]),
        "https://auth.example.com"
    );
    // The provider's rules (tests/it/authelia_rules.rs) hold but one: Authelia will not start a
    // provider without clients (validator/identity_providers.go:61-65), hence the first step.
    let conf = crate::authelia_rules::parse(&r).unwrap();
    let out = crate::authelia_rules::all_rules(&conf);
    assert_eq!(
        out.errors,
        vec!["identity_providers.oidc.clients is empty".to_string()],
        "{r}"
    );
    let steps: Vec<String> = serde_json::from_value(j["next_steps"].clone()).unwrap();
    assert!(
        steps[0].contains("oidc-wizard add <app> --config"),
        "{steps:?}"
    );
    let start = steps.iter().position(|s| s.contains("up -d")).unwrap();
    let open = steps
        .iter()
        .position(|s| s.contains("Open the portal"))
        .unwrap();
    let sign = steps
        .iter()
        .position(|s| s.contains("Sign in as admin"))
        .unwrap();
    assert!(0 < start && start < open && open < sign, "{steps:?}");
}

#[test]
fn the_base_rules_catch_their_breaks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    init_json(&dir, &[]);
    let (good, _) = rendered(&dir);
    let storage_key = std::fs::read_to_string(dir.join("secrets/storage_encryption_key")).unwrap();
    for (what, from, to, expect) in [
        (
            "short key",
            storage_key.as_str(),
            "0123456789012345678",
            "20 characters",
        ),
        (
            "no storage",
            "  local:\n    path: '/config/db.sqlite3'\n",
            "",
            "one backend",
        ),
        (
            "no path",
            "    path: '/config/db.sqlite3'\n",
            "    path: ''\n",
            "local: path",
        ),
        (
            "no dot",
            "domain: 'example.com'",
            "domain: 'localhost'",
            "no period",
        ),
        (
            "bad chars",
            "domain: 'example.com'",
            "domain: 'ex_ample.com'",
            "invalid domain",
        ),
        (
            "ip",
            "domain: 'example.com'",
            "domain: '10.0.0.1'",
            "IP address",
        ),
        (
            "http portal",
            "authelia_url: 'https://",
            "authelia_url: 'http://",
            "absolute https",
        ),
        (
            "portal outside",
            "authelia_url: 'https://auth.example.com'",
            "authelia_url: 'https://auth.example.org'",
            "outside",
        ),
        (
            "two notifiers",
            "notifier:\n",
            "notifier:\n  smtp:\n    address: 'smtp://m.example.com:25'\n",
            "exactly one of smtp",
        ),
        (
            "no filename",
            "    filename: '/config/notification.txt'\n",
            "    filename: ''\n",
            "filename",
        ),
        ("no jwt", "jwt_secret: ", "jwt_secret_x: ", "jwt_secret"),
        (
            "no file path",
            "    path: '/config/users_database.yml'\n",
            "    path: ''\n",
            "file: path",
        ),
        (
            "deny without rules",
            "  rules:\n    - domain: 'auth.example.com'\n      policy: 'two_factor'\n",
            "",
            "without rules",
        ),
        (
            "bad policy",
            "      policy: 'two_factor'\n",
            "      policy: 'allow'\n",
            "policy",
        ),
        (
            "find above ban",
            "find_time: '2 minutes'",
            "find_time: '10 minutes'",
            "find_time",
        ),
    ] {
        assert!(good.contains(from), "{what}: {from:?} not in the file");
        let broken = good.replacen(from, to, 1);
        let root: Value = serde_yaml::from_str(&broken).unwrap();
        let found = base_rules(&root);
        assert!(
            found.iter().any(|e| e.contains(expect)),
            "{what}: expected {expect:?} in {found:?}"
        );
    }
}

#[test]
fn secret_files_are_private_and_as_long_as_authelia_asks() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("authelia");
    let j = init_json(&dir, &[]);
    let secrets = dir.join("secrets");
    #[cfg(unix)]
    assert_eq!(mode(&secrets), 0o700);
    for (name, min) in [
        // No validator rule on its length; Authelia's docs ask for 64 random characters.
        ("identity_validation_reset_password_jwt_secret", 64),
        ("session_secret", 64),
        // validator/storage.go:15-17 refuses under 20; init writes 64.
        ("storage_encryption_key", 64),
        // Hashed into the provider's global secret (internal/oidc/config.go:32); 64 or more.
        ("oidc_hmac_secret", 64),
    ] {
        let p = secrets.join(name);
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(s.len() >= min, "{name}: {} characters", s.len());
        assert!(s.bytes().all(|b| b.is_ascii_alphanumeric()), "{name}");
        #[cfg(unix)]
        assert_eq!(mode(&p), 0o600, "{name}");
    }
    let pem = secrets.join("oidc_jwks_rs256.pem");
    #[cfg(unix)]
    assert_eq!(mode(&pem), 0o600);
    {
        use rsa::pkcs8::DecodePrivateKey;
        use rsa::traits::PublicKeyParts;
        let key = rsa::PrivateKey::from_pkcs8_pem(&std::fs::read_to_string(&pem).unwrap()).unwrap();
        // validator/identity_providers.go:497-516: RSA of 2048 bits or more.
        assert!(key.size() * 8 >= 2048);
    }
    #[cfg(unix)]
    assert_eq!(mode(&dir.join("users_database.yml")), 0o600);
    let files = j["files"].as_array().unwrap();
    assert_eq!(files.len(), 8, "{files:?}");
    for f in files {
        let p = PathBuf::from(f["path"].as_str().unwrap());
        #[cfg(unix)]
        assert_eq!(
            format!("0{:o}", mode(&p)),
            f["mode"].as_str().unwrap(),
            "{p:?}"
        );
        assert!(p.is_file());
    }
}

#[test]
fn the_users_file_holds_an_argon2id_digest_of_the_password() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("authelia");
    let j = init_json(
        &dir,
        &["--user", "alice", "--email", "alice@mail.example.com"],
    );
    assert_eq!(j["password_generated"], true);
    let password = j["password"].as_str().unwrap();
    assert!(password.len() >= 20, "{password}");
    let users: Value =
        serde_yaml::from_str(&std::fs::read_to_string(dir.join("users_database.yml")).unwrap())
            .unwrap();
    let alice = &users["users"]["alice"];
    assert_eq!(string(alice, &["email"]), "alice@mail.example.com");
    assert_eq!(string(alice, &["disabled"]), "false");
    // The file backend requires displayname and password (internal/authentication/
    // file_user_provider_database.go:223-224).
    assert_eq!(string(alice, &["displayname"]), "alice");
    let digest = string(alice, &["password"]);
    assert!(
        digest.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"),
        "{digest}"
    );
    assert!(oidc_wizard::secret::verify(password, &digest).unwrap());
    assert!(!oidc_wizard::secret::verify(&format!("{password}x"), &digest).unwrap());
    assert_eq!(j["user"], "alice");
}

#[test]
fn init_then_add_memos_then_check_finds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("authelia");
    init_json(&dir, &[]);
    let config = dir.join("configuration.yml");
    let before = std::fs::read_to_string(&config).unwrap();
    let c = config.to_str().unwrap();
    let o = run(&["add", "memos", "--config", c, "--yes", "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j["written"], true);
    // A working provider (templated keys) gets no keys of its own.
    assert_eq!(j["provider_keys_added"], serde_json::json!([]), "{j}");
    assert_eq!(j["first_time_setup"], false, "{j}");
    let after = std::fs::read_to_string(&config).unwrap();
    // The client goes in; every byte before it stays, templates too.
    assert!(after.starts_with(&before), "{after}");
    assert!(
        after[before.len()..].contains("client_id: 'memos'"),
        "{after}"
    );
    let o = run(&["check", "--config", c]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    // Rendered, the whole file now holds every rule, the provider's included.
    let (r, root) = rendered(&dir);
    assert!(base_rules(&root).is_empty(), "{:?}", base_rules(&root));
    let conf = crate::authelia_rules::parse(&r).unwrap();
    let out = crate::authelia_rules::all_rules(&conf);
    assert!(out.errors.is_empty(), "{:?}\n{r}", out.errors);
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
}

#[test]
fn a_directory_with_files_is_refused_without_yes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("authelia");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
    let d = dir.to_str().unwrap();
    let o = run(&["init", "--domain", "example.com", "--dir", d]);
    assert_refused(&o, "--yes");
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("notes.txt")]);
    // With --yes it writes, and leaves the other file alone; a second run replaces its files.
    let first_warnings = init_json(&dir, &["--yes"])["warnings"].clone();
    let first = std::fs::read(dir.join("secrets/session_secret")).unwrap();
    init_json(&dir, &["--yes"]);
    assert_ne!(
        std::fs::read(dir.join("secrets/session_secret")).unwrap(),
        first
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    // A database of the earlier setup cannot be read with the new storage key: said so.
    assert_eq!(first_warnings, serde_json::json!([]));
    std::fs::write(dir.join("db.sqlite3"), "old").unwrap();
    let j = init_json(&dir, &["--yes"]);
    let w = j["warnings"][0].as_str().unwrap_or_default();
    assert!(w.contains("db.sqlite3") && w.contains("storage key"), "{j}");
    // An empty directory is fine without --yes.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    init_json(&empty, &[]);
}

#[test]
fn a_domain_authelia_cannot_set_a_cookie_for_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("authelia");
    let d = dir.to_str().unwrap();
    for (domain, why) in [
        ("localhost", "no dot"),
        ("com", "no dot"),
        ("192.168.1.10", "IP address"),
        ("co.uk", "public suffix"),
        ("github.io", "public suffix"),
        ("*.example.com", "wildcard"),
    ] {
        let o = run(&["init", "--domain", domain, "--dir", d]);
        assert_refused(&o, why);
        assert!(!dir.exists(), "{domain}: something was written");
    }
    let o = run(&[
        "init",
        "--domain",
        "example.com",
        "--dir",
        d,
        "--auth-url",
        "http://auth.example.com",
    ]);
    assert_refused(&o, "https");
    let o = run(&[
        "init",
        "--domain",
        "example.com",
        "--dir",
        d,
        "--auth-url",
        "https://auth.other.org",
    ]);
    assert_refused(&o, "outside the cookie domain");
    assert!(!dir.exists());
}

#[test]
fn an_unwritable_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    // Under a regular file: no directory can be made there, whoever runs the test.
    let file = tmp.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    let under = file.join("authelia");
    let o = run(&[
        "init",
        "--domain",
        "example.com",
        "--dir",
        under.to_str().unwrap(),
    ]);
    assert_refused(&o, "cannot write here");
    let o = run(&[
        "init",
        "--domain",
        "example.com",
        "--dir",
        file.to_str().unwrap(),
    ]);
    assert_refused(&o, "not a directory");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = tmp.path().join("ro");
        std::fs::create_dir(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
        // Root writes anywhere: then the mode says nothing and this part is not run.
        let probe = ro.join("probe");
        if std::fs::write(&probe, "x").is_ok() {
            let _ = std::fs::remove_file(&probe);
            eprintln!("SKIPPED (running as root): the read-only directory case");
        } else {
            let o = run(&[
                "init",
                "--domain",
                "example.com",
                "--dir",
                ro.to_str().unwrap(),
            ]);
            assert_refused(&o, "cannot write here");
            assert_eq!(std::fs::read_dir(&ro).unwrap().count(), 0);
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn the_text_output_shows_the_password_once_and_the_steps() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("authelia");
    let o = run(&[
        "init",
        "--domain",
        "Example.COM",
        "--dir",
        dir.to_str().unwrap(),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = out.lines().find(|l| l.starts_with("Password")).unwrap();
    let password = line.rsplit(' ').next().unwrap();
    assert_eq!(out.matches(password).count(), 1, "{out}");
    let users = std::fs::read_to_string(dir.join("users_database.yml")).unwrap();
    let digest = users
        .lines()
        .find_map(|l| l.trim().strip_prefix("password: "))
        .unwrap()
        .trim_matches('\'');
    assert!(oidc_wizard::secret::verify(password, digest).unwrap());
    assert!(out.contains("https://auth.example.com/"), "{out}");
    assert!(
        out.contains("Next:\n  1. Add your first app: oidc-wizard add <app> --config"),
        "{out}"
    );
}

/// `init` on a terminal: drives the real binary in a pseudo-terminal.
mod on_a_terminal {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::{Read, Write};
    use std::path::Path;
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, Instant};

    struct Run {
        writer: Box<dyn Write + Send>,
        child: Box<dyn portable_pty::Child + Send + Sync>,
        raw: Arc<Mutex<Vec<u8>>>,
        _master: Box<dyn portable_pty::MasterPty + Send>,
    }

    impl Run {
        fn start(dir: &Path) -> Run {
            let pair = native_pty_system()
                .openpty(PtySize {
                    rows: 40,
                    cols: 200,
                    pixel_width: 0,
                    pixel_height: 0,
                })
                .unwrap();
            let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_oidc-wizard"));
            cmd.args(["init", "--domain", "example.com", "--dir"]);
            cmd.arg(dir);
            cmd.env_remove("X_AUTHELIA_CONFIG");
            let child = pair.slave.spawn_command(cmd).unwrap();
            drop(pair.slave);
            let mut reader = pair.master.try_clone_reader().unwrap();
            let raw = Arc::new(Mutex::new(Vec::new()));
            let r2 = raw.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = reader.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    r2.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
            let writer = pair.master.take_writer().unwrap();
            Run {
                writer,
                child,
                raw,
                _master: pair.master,
            }
        }

        /// Whether the terminal echoes what is typed (the pty's settings, read on its master).
        fn echoes(&self) -> bool {
            let fd = self._master.as_raw_fd().unwrap();
            // SAFETY: tcgetattr fills the termios it is given; fd is the open pty master.
            unsafe {
                let mut t: libc::termios = std::mem::zeroed();
                assert_eq!(libc::tcgetattr(fd, &mut t), 0);
                t.c_lflag & libc::ECHO != 0
            }
        }

        fn text(&self) -> String {
            String::from_utf8_lossy(&self.raw.lock().unwrap()).into_owned()
        }

        fn wait_for(&self, what: &str) {
            let start = Instant::now();
            while !self.text().contains(what) {
                assert!(
                    start.elapsed() < Duration::from_secs(30),
                    "timed out waiting for {what:?}; output:\n{}",
                    self.text()
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }

        fn line(&mut self, s: &str) {
            self.writer.write_all(s.as_bytes()).unwrap();
            self.writer.write_all(b"\r").unwrap();
            self.writer.flush().unwrap();
        }

        fn finish(self) -> (u32, String) {
            self.finish_echo().0
        }

        /// The exit code, the output and whether the terminal echoes again after the exit.
        fn finish_echo(mut self) -> ((u32, String), bool) {
            let start = Instant::now();
            let status = loop {
                if let Some(s) = self.child.try_wait().unwrap() {
                    break s;
                }
                assert!(start.elapsed() < Duration::from_secs(60), "{}", self.text());
                std::thread::sleep(Duration::from_millis(20));
            };
            // Let the reader drain what is left.
            std::thread::sleep(Duration::from_millis(200));
            let echo = self.echoes();
            ((status.exit_code(), self.text()), echo)
        }
    }

    #[test]
    fn the_password_is_asked_twice_without_echo() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("authelia");
        let mut run = Run::start(&dir);
        run.wait_for("Password for admin");
        run.line("Tr0ub4dor&3-horse");
        run.wait_for("Again: ");
        run.line("Tr0ub4dor&3-horse");
        let (code, out) = run.finish();
        assert_eq!(code, 0, "{out}");
        assert!(
            !out.contains("Tr0ub4dor"),
            "the password was echoed:\n{out}"
        );
        assert!(!out.contains("shown this once"), "{out}");
        let users = std::fs::read_to_string(dir.join("users_database.yml")).unwrap();
        let digest = users
            .lines()
            .find_map(|l| l.trim().strip_prefix("password: "))
            .unwrap()
            .trim_matches('\'');
        assert!(oidc_wizard::secret::verify("Tr0ub4dor&3-horse", digest).unwrap());
    }

    #[test]
    fn two_different_passwords_write_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("authelia");
        let mut run = Run::start(&dir);
        run.wait_for("Password for admin");
        run.line("first-password-1");
        run.wait_for("Again: ");
        run.line("second-password-2");
        let (code, out) = run.finish();
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("the two passwords differ"), "{out}");
        assert!(!dir.exists(), "{out}");
    }

    #[test]
    fn an_empty_password_is_generated_and_shown_once() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("authelia");
        let mut run = Run::start(&dir);
        run.wait_for("Password for admin");
        run.line("");
        let (code, out) = run.finish();
        assert_eq!(code, 0, "{out}");
        let line = out.lines().find(|l| l.starts_with("Password (")).unwrap();
        let password = line.trim_end().rsplit(' ').next().unwrap();
        assert_eq!(out.matches(password).count(), 1, "{out}");
        let users = std::fs::read_to_string(dir.join("users_database.yml")).unwrap();
        let digest = users
            .lines()
            .find_map(|l| l.trim().strip_prefix("password: "))
            .unwrap()
            .trim_matches('\'');
        assert!(oidc_wizard::secret::verify(password, digest).unwrap());
    }

    #[test]
    fn ctrl_c_at_the_prompt_writes_nothing_and_gives_the_echo_back() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("authelia");
        let mut run = Run::start(&dir);
        run.wait_for("Password for admin");
        assert!(!run.echoes(), "echo is on at the prompt");
        run.writer.write_all(b"abc\x03").unwrap();
        run.writer.flush().unwrap();
        let ((code, out), echo) = run.finish_echo();
        assert_eq!(code, 130, "{out}");
        assert!(echo, "the terminal was left without echo");
        assert!(!dir.exists(), "{out}");
    }

    #[test]
    fn backspace_edits_the_hidden_password() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("authelia");
        let mut run = Run::start(&dir);
        run.wait_for("Password for admin");
        run.line("long-passwordX\x7f");
        run.wait_for("Again: ");
        run.line("long-password");
        let (code, out) = run.finish();
        assert_eq!(code, 0, "{out}");
        let users = std::fs::read_to_string(dir.join("users_database.yml")).unwrap();
        let digest = users
            .lines()
            .find_map(|l| l.trim().strip_prefix("password: "))
            .unwrap()
            .trim_matches('\'');
        assert!(oidc_wizard::secret::verify("long-password", digest).unwrap());
    }
}
