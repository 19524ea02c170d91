//! Small promises of the command line and the test suite itself: a test that needs the reference
//! material fails without it (unless skipped on purpose), a closed pipe ends quietly, an
//! internationalized domain is used in its ASCII form, the help says what the defaults are.

use crate::common::{self, locate};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"));
    c.env_remove("X_AUTHELIA_CONFIG");
    c
}

// ---------------------------------------------------------------------------------------------
// Tests that cannot run say so

/// Every test that reads `../shared`, by its name in this binary.
const NEEDS_SHARED: &[&str] = &[
    "authentik::every_blueprint_validates_against_the_schema",
    "authentik::reference_examples_validate_too",
    "catalog::client_facts_match_the_guides",
    "catalog::every_guide_has_an_entry",
    "merge_corpus::every_corpus_file_merges_cleanly_or_refuses_clearly",
    "seeds::seed_documents_match_the_catalog",
    "small_fixes::jellyfin_steps_add_the_plugin_repository_of_the_guide",
];

#[test]
fn locate_fails_without_the_material_unless_opted_out() {
    let missing = std::path::PathBuf::from("/nonexistent/shared");
    let e = locate(missing.clone(), false, "t").unwrap_err();
    assert!(e.contains("/nonexistent/shared"), "{e}");
    assert!(e.contains("OIDC_WIZARD_NO_SHARED=1"), "{e}");
    assert_eq!(locate(missing, true, "t"), Ok(None));
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        locate(dir.path().to_path_buf(), false, "t"),
        Ok(Some(dir.path().to_path_buf()))
    );
}

/// Runs this test binary on the tests that need the reference material, with it at `/nonexistent`.
fn run_shared_tests(opt_out: bool) -> (Output, String) {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(NEEDS_SHARED)
        .args(["--exact", "--nocapture", "--test-threads=1"])
        .env("OIDC_WIZARD_SHARED", "/nonexistent")
        .env_remove("OIDC_WIZARD_NO_SHARED");
    if opt_out {
        c.env("OIDC_WIZARD_NO_SHARED", "1");
    }
    let o = c.stdin(Stdio::null()).output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o, text)
}

#[test]
fn without_the_reference_material_its_tests_fail() {
    let (o, text) = run_shared_tests(false);
    assert!(!o.status.success(), "{text}");
    let failed = format!("0 passed; {} failed", NEEDS_SHARED.len());
    assert!(text.contains(&failed), "want {failed}:\n{text}");
    assert!(text.contains("/nonexistent is absent"), "{text}");
}

#[test]
fn opted_out_its_tests_are_skipped_and_say_so() {
    let (o, text) = run_shared_tests(true);
    assert!(o.status.success(), "{text}");
    let passed = format!("{} passed; 0 failed", NEEDS_SHARED.len());
    assert!(text.contains(&passed), "want {passed}:\n{text}");
    for t in NEEDS_SHARED {
        let name = t.rsplit("::").next().unwrap();
        assert!(
            text.contains(&format!("SKIPPED (OIDC_WIZARD_NO_SHARED=1): {name}")),
            "{t} does not say it was skipped:\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Catalog steps

#[test]
fn jellyfin_steps_add_the_plugin_repository_of_the_guide() {
    let Some(shared) = common::shared("jellyfin_steps_add_the_plugin_repository_of_the_guide")
    else {
        return;
    };
    let guide = std::fs::read_to_string(shared.join("reference/authelia/integrations/jellyfin.md"))
        .unwrap();
    let url = guide
        .lines()
        .find_map(|l| l.trim().strip_prefix("- Repository URL: "))
        .expect("the guide names the plugin repository")
        .trim_matches('`');
    let o = bin()
        .args(["add", "jellyfin", "--domain", "example.com"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    let steps = &out[out.find("steps").expect("steps")..];
    let repo = steps
        .find(url)
        .expect("the steps add the plugin repository");
    let install = steps.find("install SSO-Auth").expect("the install step");
    assert!(repo < install, "the repository comes before the install");
}

// ---------------------------------------------------------------------------------------------
// A closed pipe

const CONFIG: &str = "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: one\n        public: true\n";

#[test]
fn a_closed_pipe_ends_quietly_for_every_printing_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("configuration.yml");
    std::fs::write(&cfg, CONFIG).unwrap();
    let cfg = cfg.to_str().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["apps"], ""),
        (&["apps", "--json"], ""),
        (&["secret"], ""),
        (&["secret", "--json"], ""),
        (&["hash"], "password\n"),
        (&["verify", "$plaintext$password"], "password\n"),
        (&["add", "memos", "--domain", "example.com"], ""),
        (&["add", "memos", "--domain", "example.com", "--json"], ""),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--provider",
                "authentik",
            ],
            "",
        ),
        (
            &[
                "add",
                "memos",
                "--domain",
                "example.com",
                "--config",
                cfg,
                "--dry-run",
            ],
            "",
        ),
        (&["check", "--config", cfg], ""),
        (&["check", "--config", cfg, "--json"], ""),
        (&["--help"], ""),
        (&["add", "--help"], ""),
        (&["--version"], ""),
    ];
    for (args, input) in cases {
        let (reader, writer) = std::io::pipe().unwrap();
        // The reader is gone before the program prints its first byte.
        drop(reader);
        let mut child = bin()
            .args(*args)
            .stdin(Stdio::piped())
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            matches!(o.status.code(), Some(0 | 141)),
            "{args:?}: exit {:?}, stderr {err}",
            o.status
        );
        // A status line on stderr before the output is fine; a complaint about the pipe is not.
        assert!(
            !err.contains("internal error") && !err.contains("Broken pipe"),
            "{args:?}: printed {err}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("configuration.yml")).unwrap(),
        CONFIG
    );
}

// ---------------------------------------------------------------------------------------------
// Internationalized domains

#[test]
fn an_internationalized_domain_is_used_in_its_ascii_form() {
    let o = bin()
        .args(["add", "memos", "--domain", "Bücher.example", "--json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(!text.to_lowercase().contains("bücher"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let client = v["client"].to_string();
    assert!(
        client.contains("https://memos.xn--bcher-kva.example/"),
        "{client}"
    );
    assert!(
        text.contains("https://auth.xn--bcher-kva.example"),
        "the issuer: {text}"
    );
    // A URL given with an internationalized host, too.
    let o = bin()
        .args([
            "add",
            "memos",
            "--domain",
            "example.com",
            "--app-url",
            "https://notizen.bücher.example/",
            "--json",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("https://notizen.xn--bcher-kva.example/"),
        "{text}"
    );
}

#[test]
fn what_idna_refuses_is_one_line() {
    // A label may not start with a combining mark (UTS #46, validity criteria).
    for bad in ["\u{0301}bücher.example", "xn--a.example"] {
        let o = bin()
            .args(["add", "memos", "--domain", bad])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{bad}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("internationalized domain name"), "{err}");
    }
}

// ---------------------------------------------------------------------------------------------
// Help

#[test]
fn add_help_names_the_real_default_of_config() {
    let o = bin().args(["add", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    let config = &help[help.find("--config").expect("--config")..];
    let para: String = config
        .split("\n\n")
        .next()
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(para.contains("(default: $X_AUTHELIA_CONFIG;"), "{para}");
    assert!(!para.contains("default: last used"), "{para}");
}

// ---------------------------------------------------------------------------------------------
// Values in the steps, clear of punctuation

/// A secret whose alphabet's punctuation sits at both ends, the hardest to tell from a sentence.
const SECRET: &str = "~Sec.ret-_9.";

/// Why the value at `at` in `text` could be misread, if it could: the run of non-space text
/// holding it starts or ends with sentence punctuation that is not the value's own and no quote
/// stands between.
fn misread(text: &str, at: usize, len: usize) -> Option<String> {
    const PUNCT: &str = ".,;:!?()";
    const QUOTES: &str = "'\"`";
    let end = at + len;
    let run_end = text[end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| end + i);
    let run_start = text[..at].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let after = &text[end..run_end];
    let before = &text[run_start..at];
    if !after.contains(|c| QUOTES.contains(c)) && after.ends_with(|c| PUNCT.contains(c)) {
        return Some(format!("followed by {after:?}"));
    }
    if !before.contains(|c| QUOTES.contains(c)) && before.starts_with('(') {
        return Some(format!("preceded by {before:?}"));
    }
    None
}

#[test]
fn no_value_in_the_steps_touches_punctuation() {
    use oidc_wizard::catalog;
    use oidc_wizard::plan::{self, Plan, Request, SecretState};
    let mut problems = Vec::new();
    let mut checked = 0;
    for entry in catalog::all().unwrap() {
        let mut variants = vec![None];
        variants.extend(entry.variants.iter().map(|v| Some(v.id.as_str())));
        for variant in variants {
            let setup = catalog::setup_of(entry, variant).unwrap();
            let req = Request {
                domain: "example.com".into(),
                ..Request::default()
            };
            let Ok(resolved) = plan::resolve(entry, &setup, &req) else {
                continue;
            };
            let secret = if plan::needs_secret(&setup) {
                SecretState::Ready {
                    plaintext: SECRET.into(),
                    digest: crate::support::DIGEST.into(),
                }
            } else {
                SecretState::None
            };
            let Ok(p) = Plan::build(entry, &setup, &resolved, secret) else {
                continue;
            };
            checked += 1;
            let e = &p.endpoints;
            let mut values = vec![
                SECRET.to_string(),
                p.client.client_id.clone(),
                e.issuer.clone(),
                e.discovery_url.clone(),
                e.authorization_endpoint.clone(),
                e.token_endpoint.clone(),
                e.userinfo_endpoint.clone(),
                e.jwks_uri.clone(),
                p.resolved.app_url.base(),
            ];
            values.extend(p.client.redirect_uris.iter().flatten().cloned());
            values.extend(p.resolved.values.values().filter(|v| v.len() >= 3).cloned());
            let text = oidc_wizard::render::steps_text(&p);
            for line in text.lines() {
                for v in &values {
                    for (at, _) in line.match_indices(v.as_str()) {
                        if let Some(why) = misread(line, at, v.len()) {
                            problems.push(format!(
                                "{}{}: {v:?} {why} in: {line}",
                                entry.slug,
                                variant.map(|v| format!("/{v}")).unwrap_or_default()
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} plans were built");
    problems.sort();
    problems.dedup();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
