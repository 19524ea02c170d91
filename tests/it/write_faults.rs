//! The safe write under faults: a file-size limit, a full disk, an interrupted write found by
//! the next load; new files never placed over an existing one; secrets on disk reported.

use crate::support::*;
use oidc_wizard::config::{self, OnDuplicate, write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};

const CONFIG: &str = "# my config\nidentity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: one\n        public: true\n";

#[test]
fn a_file_size_limit_refuses_before_any_byte_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    // Room for the backup (same size as the file), not for the new content.
    let limit = (CONFIG.len() + 100) as libc::rlim_t;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oidc-wizard"));
    cmd.args(["add", "memos", "--domain", "example.com", "--config"])
        .arg(&path)
        .arg("--yes")
        .env_remove("X_AUTHELIA_CONFIG")
        .stdin(Stdio::null());
    // SAFETY: setrlimit only, in the child between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let r = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &r) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(
        o.status.code(),
        Some(1),
        "killed or wrong code; stderr: {err}"
    );
    assert!(
        err.contains("file-size limit") && err.contains("nothing was written"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CONFIG);
    assert!(!config::write::journal_path(&path).exists());
}

/// A small tmpfs mounted on a temporary directory, unmounted on drop.
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    /// Mounts one, or fails the test: a full-disk test that cannot run must not pass (the
    /// harness swallows what a passing test prints). CI runs as root, where mounting works.
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Tmpfs(dir),
            Ok(o) => panic!(
                "cannot mount a tmpfs (needs root with CAP_SYS_ADMIN), so the full-disk test cannot run: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => panic!("cannot run mount, so the full-disk test cannot run: {e}"),
        }
    }
    fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.0.path()).status();
    }
}

#[test]
fn a_full_disk_leaves_the_old_or_the_new_bytes_never_half() {
    let fs = Tmpfs::mount("512k");
    // Just under two pages of configuration, so the new content needs a third.
    let pad = format!("# {}\n", "p".repeat(2 * 4096 - 60 - CONFIG.len() - 3));
    let old = format!("{CONFIG}{pad}");
    let path = fs.path().join("configuration.yml");
    let filler = fs.path().join("filler");
    let mut refused_after_backup = 0;
    for free_pages in 0..12u64 {
        for e in std::fs::read_dir(fs.path()).unwrap() {
            std::fs::remove_file(e.unwrap().path()).unwrap();
        }
        std::fs::write(&path, &old).unwrap();
        // Fill the disk, then free exactly `free_pages` pages.
        {
            use std::io::Write;
            let mut f = std::fs::File::create(&filler).unwrap();
            let page = [7u8; 4096];
            while f.write_all(&page).is_ok() {}
            let len = f.metadata().unwrap().len() / 4096 * 4096;
            f.set_len(len.saturating_sub(free_pages * 4096)).unwrap();
        }
        let doc = config::load(&path).unwrap();
        let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
        let r = config::write(&doc, &out);
        let now = std::fs::read(&path).unwrap();
        match &r {
            Ok(_) => assert_eq!(now, out.bytes, "free {free_pages}"),
            Err(e) => {
                assert_eq!(now, old.as_bytes(), "free {free_pages}: {e}");
                let backups = std::fs::read_dir(fs.path())
                    .unwrap()
                    .filter(|e| {
                        e.as_ref()
                            .unwrap()
                            .file_name()
                            .to_string_lossy()
                            .contains(".bak.")
                    })
                    .count();
                assert_eq!(backups, 0, "a failed write leaves no backup: {e}");
                if e.to_string().contains("no room for the new content") {
                    refused_after_backup += 1;
                }
            }
        }
        assert!(!write::journal_path(&path).exists(), "free {free_pages}");
        assert!(config::load(&path).is_ok());
    }
    assert!(
        refused_after_backup > 0,
        "no case where the backup fit and the new content did not"
    );
}

#[test]
fn an_interrupted_write_is_found_by_the_next_load_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    let doc = config::load(&path).unwrap();
    let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    let w = config::write(&doc, &out).unwrap();
    // Simulate a kill mid-write: the journal of a write from CONFIG to out.bytes, and half the
    // new content in the file.
    let doc2 = config::load(&path).unwrap();
    let out2 = merge(
        &doc2,
        &plan_with("memos", "memos2", DIGEST),
        OnDuplicate::Refuse,
    )
    .unwrap();
    // A real journal comes from a write; make one by writing, then putting the journal back.
    let w2 = config::write(&doc2, &out2).unwrap();
    let sha = |b: &[u8]| {
        use sha2::Digest;
        sha2::Sha256::digest(b)
            .iter()
            .map(|x| format!("{x:02x}"))
            .collect::<String>()
    };
    let journal = serde_json::json!({
        "oidc_wizard_journal": 1,
        "file": path.display().to_string(),
        "backup": w2.backup_path.display().to_string(),
        "old_sha256": sha(&out.bytes),
        "new_sha256": sha(&out2.bytes),
    });
    let jp = write::journal_path(&path);
    std::fs::write(&jp, journal.to_string()).unwrap();
    std::fs::write(&path, &out2.bytes[..out2.bytes.len() / 2]).unwrap();
    let e = config::load(&path).unwrap_err().to_string();
    assert!(e.contains("the last write of it was interrupted"), "{e}");
    assert!(
        e.contains(&format!("cp {}", w2.backup_path.display())),
        "{e}"
    );
    assert_eq!(
        write::restore_interrupted(&path).unwrap(),
        Some(w2.backup_path.clone())
    );
    assert_eq!(std::fs::read(&path).unwrap(), out.bytes);
    assert!(!jp.exists());
    // A stale journal (the file holds the new content) is removed silently.
    std::fs::write(&jp, journal.to_string()).unwrap();
    std::fs::write(&path, &out2.bytes).unwrap();
    assert!(config::load(&path).is_ok());
    assert!(!jp.exists());
    let _ = w;
}

#[test]
fn place_new_never_replaces_a_file_that_appeared() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bp.yaml");
    std::fs::write(&p, "theirs").unwrap();
    let e = write::place_new(&p, b"mine", Some(0o600)).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "theirs");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp left"
    );
    let q = dir.path().join("new.yaml");
    write::place_new(&q, b"mine", Some(0o600)).unwrap();
    assert_eq!(std::fs::read_to_string(&q).unwrap(), "mine");
    assert_eq!(
        std::fs::metadata(&q).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Racing creators: exactly one wins each name, and a winner's content is never replaced.
    for i in 0..200 {
        let r = dir.path().join(format!("race{i}"));
        let r2 = r.clone();
        let t = std::thread::spawn(move || {
            std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&r2)
                .map(|mut f| {
                    use std::io::Write;
                    f.write_all(b"other").unwrap();
                })
        });
        let mine = write::place_new(&r, b"mine", None);
        let other = t.join().unwrap();
        assert!(mine.is_ok() != other.is_ok(), "{i}: {mine:?} {other:?}");
        let text = std::fs::read_to_string(&r).unwrap();
        assert_eq!(text, if mine.is_ok() { "mine" } else { "other" });
    }
}

#[test]
fn secrets_in_a_readable_file_are_reported_and_chmod_makes_it_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    std::fs::write(&path, CONFIG).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let doc = config::load(&path).unwrap();
    let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    let w = config::write(&doc, &out).unwrap();
    let warn = w.exposure_warning().expect("a warning");
    assert!(
        warn.contains("identity_providers.oidc.hmac_secret") && warn.contains("0644"),
        "{warn}"
    );

    // --chmod: the file becomes 0600; the backup held secrets too, so it is 0600 as well.
    let doc = config::load(&path).unwrap();
    let out = merge(
        &doc,
        &plan_with("memos", "memos2", DIGEST),
        OnDuplicate::Refuse,
    )
    .unwrap();
    let w = config::write_with(
        &doc,
        &out,
        config::WriteOptions { private: true },
        std::time::SystemTime::now(),
    )
    .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&w.backup_path), 0o600);
    assert_eq!(w.exposure_warning(), None);

    // A file without secrets before: its backup keeps its mode.
    let plain = dir.path().join("plain.yml");
    std::fs::write(&plain, "server:\n  address: tcp://:9091\n").unwrap();
    std::fs::set_permissions(&plain, std::fs::Permissions::from_mode(0o644)).unwrap();
    let doc = config::load(&plain).unwrap();
    let out = merge(&doc, &memos(), OnDuplicate::Refuse).unwrap();
    let w = config::write_with(
        &doc,
        &out,
        config::WriteOptions { private: true },
        std::time::SystemTime::now(),
    )
    .unwrap();
    assert_eq!(mode(&plain), 0o600);
    assert_eq!(mode(&w.backup_path), 0o644);
}
