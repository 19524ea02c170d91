//! The safe write under faults: a file-size limit, a full disk, an interrupted write found by
//! the next load, the real binary killed (SIGKILL) at random points of a large write or sent
//! SIGTERM in the middle of one; new files never placed over an existing one; secrets on disk
//! reported.

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

// ---- the real binary, killed or signalled while it writes a large file -------------------------

/// A configuration of about 2 MB: [`CONFIG`] (the client goes near the top), then a long tail
/// of comment lines that the in-place write must move.
fn large_config() -> String {
    let mut s = String::from(CONFIG);
    for i in 0..40_000 {
        s.push_str(&format!(
            "# padding line {i:07} of a large configuration file\n"
        ));
    }
    s
}

/// `add dashy ... --config <path> --yes`, spawned. Dashy is a public client with a claims
/// policy: two insertions, and no PBKDF2 digest to wait for before the write.
fn spawn_add(path: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args(["add", "dashy", "--domain", "example.com", "--config"])
        .arg(path)
        .arg("--yes")
        .env_remove("X_AUTHELIA_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Whether `new` is a whole merge of dashy into `old`: only inserted lines (so nothing cut off
/// at the end), the last client a complete dashy client and its claims policy in place.
fn whole_merge(old: &str, new: &[u8]) -> Result<(), String> {
    let new = std::str::from_utf8(new).map_err(|e| e.to_string())?;
    invariant(old, new)?;
    let clients = clients_of(new);
    let last = clients.last().ok_or("no clients")?;
    if clients.len() != 2
        || last.get("client_id").and_then(|v| v.as_str()) != Some("dashy")
        || last.get("redirect_uris").is_none()
        || last
            .get("token_endpoint_auth_method")
            .and_then(|v| v.as_str())
            != Some("none")
    {
        return Err(format!("not a whole dashy client: {last:?}"));
    }
    if !new.contains("\n    claims_policies:\n      dashy:\n") {
        return Err("the claims policy is missing".into());
    }
    if !new.ends_with("# padding line 0039999 of a large configuration file\n") {
        return Err("the end of the file is not the old end".into());
    }
    Ok(())
}

/// A small xorshift generator seeded from the clock (the seed is printed, to replay a run).
struct Rng(u64);

impl Rng {
    fn from_clock() -> Rng {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64
            | 1;
        println!("seed {seed}");
        Rng(seed)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Whether `dir` holds a backup of `configuration.yml`.
fn has_backup(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("configuration.yml.bak.")
    })
}

/// Removes everything in `dir` but `keep`.
fn clear_dir_but(dir: &Path, keep: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p != keep {
            std::fs::remove_file(&p).unwrap();
        }
    }
}

#[test]
fn sigkill_at_random_points_of_a_large_write_leaves_old_or_new_or_a_restorable_file() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    let old = large_config();
    assert!(old.len() > 2_000_000);
    let jp = write::journal_path(&path);

    // One whole run first: how long it takes, and that it writes a whole merge.
    std::fs::write(&path, &old).unwrap();
    let started = Instant::now();
    let out = spawn_add(&path).wait_with_output().unwrap();
    let full = started.elapsed();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    whole_merge(&old, &std::fs::read(&path).unwrap()).unwrap();

    let mut rng = Rng::from_clock();
    let (mut kept_old, mut got_new, mut restored, mut in_write) = (0, 0, 0, 0);
    for i in 0..30 {
        clear_dir_but(dir.path(), &path);
        std::fs::write(&path, &old).unwrap();
        // An old mtime, so the first byte written shows.
        let past = std::time::UNIX_EPOCH + Duration::from_secs(946_684_800);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(past)
            .unwrap();
        let mut child = spawn_add(&path);
        let t = Instant::now();
        let wait = |done: &dyn Fn() -> bool| {
            while !done() && t.elapsed() < full * 4 {
                std::thread::sleep(Duration::from_micros(50));
            }
        };
        match i % 3 {
            // Anywhere in the run.
            0 => std::thread::sleep(Duration::from_micros(rng.below(full.as_micros() as u64))),
            // Around the write: once the backup (the step before the journal) is there, up to
            // 15 ms later.
            1 => {
                wait(&|| has_backup(dir.path()));
                std::thread::sleep(Duration::from_micros(rng.below(15_000)));
            }
            // Inside the write: once the file's mtime moves, at most 1 ms later.
            _ => {
                wait(&|| std::fs::metadata(&path).unwrap().modified().unwrap() != past);
                std::thread::sleep(Duration::from_micros(rng.below(1_000)));
            }
        }
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if jp.exists() {
            in_write += 1;
        }
        let now = std::fs::read(&path).unwrap();
        let what = format!("run {i} (status {status:?})");
        match config::load(&path) {
            Ok(_) => {
                assert!(
                    !jp.exists(),
                    "{what}: a stale journal is removed by the load"
                );
                if now == old.as_bytes() {
                    kept_old += 1;
                } else {
                    whole_merge(&old, &now).unwrap_or_else(|e| panic!("{what}: {e}"));
                    got_new += 1;
                }
            }
            Err(e) => {
                let e = e.to_string();
                assert!(
                    e.contains("the last write of it was interrupted"),
                    "{what}: the next run must report the interrupted write: {e}"
                );
                assert!(
                    write::restore_interrupted(&path).unwrap().is_some(),
                    "{what}"
                );
                assert_eq!(std::fs::read(&path).unwrap(), old.as_bytes(), "{what}");
                assert!(!jp.exists(), "{what}");
                restored += 1;
            }
        }
        assert!(config::load(&path).is_ok(), "{what}");
    }
    println!(
        "30 kills: {kept_old} old, {got_new} new, {restored} restored; {in_write} left a journal; a whole run takes {full:?}"
    );
    assert_eq!(kept_old + got_new + restored, 30);
    assert!(
        in_write > 0,
        "no kill landed inside the write (between journal and its removal), so the test proved little"
    );
}

#[test]
fn sigterm_during_the_write_waits_until_the_file_is_whole() {
    use std::os::unix::process::ExitStatusExt;
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("configuration.yml");
    let old = large_config();
    let jp = write::journal_path(&path);
    let signal = |child: &std::process::Child, sig: libc::c_int| {
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, sig) }, 0);
    };
    let mut caught = 0;
    for attempt in 0..20 {
        clear_dir_but(dir.path(), &path);
        std::fs::write(&path, &old).unwrap();
        let child = spawn_add(&path);
        let t = Instant::now();
        while !jp.exists() && t.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_micros(50));
        }
        // Freeze it; if the journal is still there, the file is being written right now.
        signal(&child, libc::SIGSTOP);
        let mid_write = jp.exists();
        if mid_write {
            signal(&child, libc::SIGTERM);
            assert!(
                jp.exists(),
                "attempt {attempt}: the journal went while stopped"
            );
        }
        signal(&child, libc::SIGCONT);
        let out = child.wait_with_output().unwrap();
        let now = std::fs::read(&path).unwrap();
        if !mid_write {
            // Missed the window (the write was already over): the run finished normally.
            assert!(out.status.success(), "attempt {attempt}: {:?}", out.status);
            whole_merge(&old, &now).unwrap();
            continue;
        }
        caught += 1;
        // The held SIGTERM ends the process only once the write is done: killed by SIGTERM,
        // with the whole new content in place and no journal left.
        assert_eq!(
            out.status.signal(),
            Some(libc::SIGTERM),
            "attempt {attempt}: {:?}, stderr {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        whole_merge(&old, &now).unwrap_or_else(|e| panic!("attempt {attempt}: {e}"));
        assert!(!jp.exists(), "attempt {attempt}: the journal is left");
        assert!(config::load(&path).is_ok());
        if caught == 3 {
            break;
        }
    }
    assert!(
        caught > 0,
        "SIGTERM never landed inside the write in 20 attempts"
    );
}
