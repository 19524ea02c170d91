//! The safe write: backup byte-identical with the same mode, the file written in place (same
//! inode and mode), refused when the file changed since it was read.

use crate::support;

use oidc_wizard::config::{self, OnDuplicate};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::process::Command;
use support::*;

const CONFIG: &str = "# my config\nidentity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: one\n        public: true\n";

#[test]
fn write_keeps_inode_and_mode_and_makes_an_identical_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let before = std::fs::metadata(&path).unwrap();

    let doc = config::load(&path).unwrap();
    let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    let w = config::write(&doc, &out).unwrap();

    let after = std::fs::metadata(&path).unwrap();
    assert_eq!(before.ino(), after.ino(), "written in place");
    assert_eq!(after.mode() & 0o7777, 0o640);
    assert_eq!(std::fs::read(&path).unwrap(), out.bytes);
    assert_eq!(std::fs::read(&w.backup_path).unwrap(), CONFIG.as_bytes());
    let bmeta = std::fs::metadata(&w.backup_path).unwrap();
    assert_eq!(bmeta.mode() & 0o7777, 0o640);
    let bname = w
        .backup_path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    assert!(
        bname.starts_with("configuration.yml.bak.") && bname.ends_with('Z'),
        "{bname}"
    );

    // A second write in the same second gets its own backup name.
    let doc2 = config::load(&path).unwrap();
    let out2 = merge(
        &doc2,
        &plan_with("memos", "memos2", DIGEST),
        OnDuplicate::Refuse,
    )
    .unwrap();
    let w2 = config::write(&doc2, &out2).unwrap();
    assert_ne!(w.backup_path, w2.backup_path);
    assert_eq!(std::fs::read(&w2.backup_path).unwrap(), out.bytes);
}

#[test]
fn a_file_changed_since_it_was_read_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    let doc = config::load(&path).unwrap();
    let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    std::fs::write(&path, format!("{CONFIG}# edited meanwhile\n")).unwrap();
    let e = config::write(&doc, &out).unwrap_err().to_string();
    assert!(e.contains("changed since it was read"), "{e}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        format!("{CONFIG}# edited meanwhile\n")
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no backup left behind"
    );
}

#[test]
fn a_locked_file_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    let doc = config::load(&path).unwrap();
    let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    let holder = std::fs::File::open(&path).unwrap();
    holder.lock().unwrap();
    let e = config::write(&doc, &out).unwrap_err().to_string();
    assert!(e.contains("locked"), "{e}");
    holder.unlock().unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
}

#[test]
fn load_errors_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = config::load(dir.path()).unwrap_err().to_string();
    assert!(
        e.ends_with("is a directory, not a configuration file"),
        "{e}"
    );
    let missing = dir.path().join("nope.yml");
    let e = config::load(&missing).unwrap_err().to_string();
    assert_eq!(e, format!("{}: no such file", missing.display()));
    let bin = dir.path().join("bin.yml");
    std::fs::write(&bin, b"a: 1\nb: \xff\xfe\n").unwrap();
    let e = config::load(&bin).unwrap_err().to_string();
    assert!(e.contains("line 2: not UTF-8"), "{e}");
}

/// Clears the immutable attribute again, so the temporary directory can be removed.
struct Immutable<'a>(&'a std::path::Path);

impl Drop for Immutable<'_> {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(self.0).status();
    }
}

#[test]
fn an_unwritable_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    let doc = config::load(&path).unwrap();
    let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    // Root ignores file modes (CI runs as root): there the file is made immutable
    // (`chattr +i`), which stops root too, the way an administrator locks a file down.
    let _guard;
    if std::fs::OpenOptions::new().write(true).open(&path).is_ok() {
        let st = Command::new("chattr").arg("+i").arg(&path).status();
        assert!(
            st.is_ok_and(|s| s.success()),
            "running with privileges that ignore file modes, and `chattr +i` failed: this test \
             needs a file it cannot write (run it as a normal user, or with CAP_LINUX_IMMUTABLE)"
        );
        _guard = Immutable(&path);
        assert!(
            std::fs::OpenOptions::new().write(true).open(&path).is_err(),
            "the immutable file is still writable"
        );
    }
    let e = config::write(&doc, &out).unwrap_err().to_string();
    assert!(!e.contains('\n'), "one line: {e}");
    assert!(e.starts_with(&path.display().to_string()), "{e}");
    assert!(e.contains("permission denied"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
}

#[test]
fn session_defaults_come_from_the_cookies() {
    let doc = doc(
        "c.yml",
        "session:\n  cookies:\n    - domain: 'example.org'\n      authelia_url: 'https://login.example.org'\n",
    );
    let d = config::session_defaults(&doc);
    assert_eq!(d.domain.as_deref(), Some("example.org"));
    assert_eq!(d.authelia_url.as_deref(), Some("https://login.example.org"));
    let t = doc_with_templates();
    let d = config::session_defaults(&t);
    assert_eq!(d.domain, None);
    assert_eq!(d.authelia_url, None);
}

fn doc_with_templates() -> oidc_wizard::config::Document {
    doc(
        "t.yml",
        "session:\n  cookies:\n    - domain: {{ env \"DOMAIN\" }}\n      authelia_url: 'https://auth.${DOMAIN}'\n",
    )
}

#[test]
fn a_real_first_time_setup_has_a_2048_bit_key() {
    let d = doc("new.yml", "server:\n  address: tcp://:9091\n");
    let out = config::merge(&d, &memos(), OnDuplicate::Refuse).unwrap();
    assert!(out.first_time_setup);
    let text = String::from_utf8(out.bytes).unwrap();
    let v: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let oidc = &v["identity_providers"]["oidc"];
    assert!(oidc["hmac_secret"].as_str().unwrap().len() >= 64);
    let jwk = &oidc["jwks"][0];
    assert_eq!(jwk["algorithm"].as_str(), Some("RS256"));
    assert_eq!(jwk["use"].as_str(), Some("sig"));
    assert!(jwk["key_id"].as_str().is_some());
    let pem = jwk["key"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    // 2048-bit PKCS#8 RSA keys are about 1.2 KB of base64.
    let b64: usize = pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::len)
        .sum();
    assert!(b64 >= 1500, "{b64}");
}

#[test]
fn a_pending_digest_merges_as_a_preview_but_is_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    let doc = config::load(&path).unwrap();
    let pending = oidc_wizard::plan::plan_for(
        "memos",
        None,
        &oidc_wizard::plan::Request {
            domain: "example.com".into(),
            ..Default::default()
        },
        oidc_wizard::plan::SecretState::Pending("plain".into()),
    )
    .unwrap();
    let out = merge(&doc, &pending, OnDuplicate::Refuse).unwrap();
    assert!(out.pending_digest);
    assert!(
        out.diff
            .contains("client_secret: '(computing the digest...)'")
    );
    let e = config::write(&doc, &out).unwrap_err().to_string();
    assert!(e.contains("still being computed"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
}
