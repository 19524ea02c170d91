//! Split configurations (several files, a directory, `X_AUTHELIA_CONFIG` lists), SOPS-encrypted
//! files and files that are not an Authelia configuration: which file `add --config` writes,
//! and where it refuses. Authelia's rules are from v4.39.20: `internal/commands/util.go:244-297`
//! (`loadXNormalizedPaths`: directories, a file inside a listed directory),
//! `util.go:300-323` (the flag wins over `X_AUTHELIA_CONFIG`, which is `strings.Split` on `,`),
//! `internal/configuration/sources.go:95-125` (a directory: `.yml` / `.yaml` entries in
//! `os.ReadDir` order, sub-directories skipped) and koanf's non-strict merge
//! (`provider.go:27`, `StrictMerge: false`: maps merge, lists replace).

use crate::support::{self, DIGEST, memos, plan_with};
use oidc_wizard::config::{self, Document, OnDuplicate, sources};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MAIN: &str = "# main\nsession:\n  cookies:\n    - domain: example.com\n      authelia_url: https://login.example.com\nstorage:\n  local:\n    path: /config/db.sqlite3\n";
const OIDC: &str = "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: one\n        client_secret: '$plaintext$x'\n        redirect_uris: ['https://one.example.com/cb']\n";

fn run(args: &[&str], env: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"));
    c.args(args)
        .env_remove("X_AUTHELIA_CONFIG")
        .stdin(Stdio::null());
    if let Some(v) = env {
        c.env("X_AUTHELIA_CONFIG", v);
    }
    c.output().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn add(paths: &[&Path], extra: &[&str]) -> Output {
    let mut args = vec!["add", "memos", "--yes"];
    for p in paths {
        args.extend(["--config", s(p)]);
    }
    args.extend(extra);
    run(&args, None)
}

#[test]
fn repeated_config_writes_the_file_that_holds_the_clients_only() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "configuration.yml", MAIN);
    let b = write(d.path(), "oidc.yml", OIDC);
    // No --domain: it comes from the session cookie of the other file.
    let o = add(&[&a, &b], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&a), MAIN, "the file without clients is untouched");
    let new = read(&b);
    assert!(new.starts_with(OIDC.trim_end_matches('\n')));
    let ids: Vec<_> = support::clients_of(&new)
        .iter()
        .map(|c| c["client_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["one", "memos"]);
    assert!(new.contains("https://memos.example.com/"), "{new}");
    assert!(!new.contains("hmac_secret: x\n    hmac_secret"));
}

#[test]
fn comma_separated_flag_and_env_list_are_read_like_authelia() {
    for how in ["flag", "env"] {
        let d = tempfile::tempdir().unwrap();
        let a = write(d.path(), "configuration.yml", MAIN);
        let b = write(d.path(), "oidc.yml", OIDC);
        let list = format!("{},{}", s(&a), s(&b));
        let o = match how {
            "flag" => run(&["add", "memos", "--yes", "--config", &list], None),
            _ => run(&["add", "memos", "--yes"], Some(&list)),
        };
        assert!(o.status.success(), "{how}: {}", stderr(&o));
        assert_eq!(read(&a), MAIN, "{how}");
        assert_eq!(support::clients_of(&read(&b)).len(), 2, "{how}");
    }
}

#[test]
fn a_directory_contributes_its_yml_and_yaml_files_in_name_order() {
    let d = tempfile::tempdir().unwrap();
    for n in ["b.yaml", "a.yml", ".yml", "c.YML", "d.yml.bak", "notes.txt"] {
        write(d.path(), n, "log:\n  level: info\n");
    }
    std::fs::create_dir(d.path().join("e.yml")).unwrap();
    let got = sources::expand(&[d.path().to_path_buf()]).unwrap();
    let names: Vec<_> = got
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(names, [".yml", "a.yml", "b.yaml"]);
}

#[test]
fn add_into_a_configuration_directory() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "00-main.yml", MAIN);
    let b = write(d.path(), "10-oidc.yaml", OIDC);
    write(d.path(), "README.md", "not read\n");
    let o = add(&[d.path()], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&a), MAIN);
    assert_eq!(support::clients_of(&read(&b)).len(), 2);
}

#[test]
fn a_file_inside_a_listed_directory_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "00-main.yml", MAIN);
    let o = add(&[d.path(), &a], &["--domain", "example.com"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("also given") && e.lines().count() == 1, "{e}");
    assert_eq!(read(&a), MAIN);
}

#[test]
fn clients_in_two_files_are_refused_and_nothing_is_written() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.yml", OIDC);
    let b = write(d.path(), "b.yml", OIDC);
    let o = add(&[&a, &b], &["--domain", "example.com"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("clients is also defined in") && e.contains("lists replace"),
        "{e}"
    );
    assert_eq!(e.lines().count(), 1);
    assert_eq!((read(&a), read(&b)), (OIDC.to_string(), OIDC.to_string()));
}

#[test]
fn provider_keys_in_another_file_are_not_overridden() {
    // The clients' file holds clients, so it is no first-time setup: the keys stay in a.yml,
    // where Authelia reads them, and b.yml gains only the client (and a warning says where
    // the keys must come from).
    let d = tempfile::tempdir().unwrap();
    let keys = "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n";
    let clients = "identity_providers:\n  oidc:\n    clients:\n      - client_id: one\n        client_secret: '$plaintext$x'\n";
    let a = write(d.path(), "a.yml", keys);
    let b = write(d.path(), "b.yml", clients);
    let o = add(&[&a, &b], &["--domain", "example.com"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(read(&a), keys);
    let new = read(&b);
    assert_eq!(support::clients_of(&new).len(), 2);
    assert!(
        !new.contains("hmac_secret") && !new.contains("jwks"),
        "{new}"
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("no hmac_secret here"), "{out}");
}

#[test]
fn oidc_split_without_clients_asks_which_file() {
    let d = tempfile::tempdir().unwrap();
    let a = write(
        d.path(),
        "a.yml",
        "identity_providers:\n  oidc:\n    hmac_secret: x\n",
    );
    let b = write(
        d.path(),
        "b.yml",
        "identity_providers:\n  oidc:\n    jwks:\n      - key: k\n",
    );
    let o = add(&[&a, &b], &["--domain", "example.com"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("clients: []"), "{}", stderr(&o));
}

#[test]
fn a_later_null_section_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.yml", OIDC);
    let b = write(d.path(), "b.yml", "identity_providers:\n");
    let o = add(&[&a, &b], &["--domain", "example.com"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("null"), "{}", stderr(&o));
    assert_eq!(read(&a), OIDC);
}

#[test]
fn without_any_oidc_section_the_first_file_gets_it() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.yml", MAIN);
    let b = write(d.path(), "b.yml", "log:\n  level: info\n");
    let src = config::load_sources(&[a.clone(), b.clone()]).unwrap();
    assert_eq!(src.target().path, a);
    assert!(src.note.as_deref().unwrap().contains("first file"));
    assert_eq!(
        src.session_defaults().domain.as_deref(),
        Some("example.com")
    );
}

#[test]
fn session_defaults_merge_like_authelia() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "a.yml", MAIN);
    // A later file's list replaces the earlier one.
    let b = write(
        d.path(),
        "b.yml",
        "session:\n  cookies:\n    - domain: other.org\n",
    );
    let c = write(d.path(), "c.yml", OIDC);
    let src = config::load_sources(&[a, b, c.clone()]).unwrap();
    assert_eq!(src.target().path, c);
    let sd = src.session_defaults();
    assert_eq!(sd.domain.as_deref(), Some("other.org"));
    assert_eq!(sd.authelia_url, None);
}

#[test]
fn a_single_file_behaves_as_before() {
    let d = tempfile::tempdir().unwrap();
    let a = write(d.path(), "configuration.yml", &format!("{MAIN}{OIDC}"));
    let o = add(&[&a], &["--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let src = config::load_sources(std::slice::from_ref(&a)).unwrap();
    assert_eq!(src.files.len(), 1);
    assert!(src.note.is_none());
}

const SOPS: &str = "session:\n    cookies:\n        - domain: ENC[AES256_GCM,data:Fp1GjEQerg==,iv:Mq=,tag:XK==,type:str]\nidentity_providers:\n    oidc:\n        clients:\n            - client_id: ENC[AES256_GCM,data:AAAA,iv:B=,tag:C==,type:str]\nsops:\n    lastmodified: \"2025-12-29T15:54:17Z\"\n    mac: ENC[AES256_GCM,data:rTq=,iv:a2=,tag:lA==,type:str]\n    version: 3.11.0\n";

#[test]
fn sops_files_are_refused_and_give_no_defaults() {
    let doc = Document::from_bytes("/c/configuration.yml", SOPS.as_bytes().to_vec());
    assert!(config::is_sops_encrypted(&doc));
    assert!(!config::is_sops_encrypted(&Document::from_bytes(
        "/c/x.yml",
        OIDC.as_bytes().to_vec()
    )));
    // `sops:` without a mac is an ordinary (if unknown) key.
    assert!(!sources::is_sops_text("sops:\n  note: x\n"));
    let e = support::merge(&doc, &memos(), OnDuplicate::Refuse)
        .unwrap_err()
        .to_string();
    assert!(e.contains("SOPS") && e.contains("sops edit"), "{e}");
    assert_eq!(config::session_defaults(&doc).domain, None);
}

#[test]
fn files_that_are_not_an_authelia_configuration_are_refused() {
    let cases = [
        (
            "values.yaml",
            "image:\n  tag: 4.39.0\nconfigMap:\n  disabled: false\n  identity_providers:\n    oidc:\n      enabled: true\n",
            "Helm chart's values.yaml",
        ),
        (
            "values.yaml",
            "authelia:\n  configMap:\n    session:\n      cookies: []\nredis:\n  enabled: true\n",
            "under 'authelia:'",
        ),
        (
            "docker-compose.yml",
            "services:\n  authelia:\n    image: authelia/authelia\n    volumes:\n      - ./config:/config\n",
            "docker-compose",
        ),
        (
            "helmrelease.yaml",
            "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  values:\n    configMap: {}\n",
            "spec.values.configMap",
        ),
        (
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\ndata:\n  configuration.yml: |\n    log: {}\n",
            "Kubernetes",
        ),
    ];
    for (name, text, why) in cases {
        let doc = Document::from_bytes(name, text.as_bytes().to_vec());
        let out = support::merge(
            &doc,
            &plan_with("memos", "memos", DIGEST),
            OnDuplicate::Refuse,
        );
        let e = out.expect_err(name).to_string();
        assert!(e.contains(why) && !e.contains('\n'), "{name}: {e}");
        assert!(!e.contains("BEGIN"), "{name}: no key in the message");
    }
}
