//! Writing a merge the way visudo does, and surviving faults while doing it.
//!
//! The file is written in place (the same inode, so a Docker single-file bind mount sees the
//! change; the same mode and owner). An in-place write is not atomic, so every step that could
//! leave it half-written is guarded:
//!
//! 1. lock the file and check it did not change since it was read;
//! 2. refuse up front when the new content is over the process's file-size limit
//!    (`RLIMIT_FSIZE`), and ignore `SIGXFSZ` meanwhile so a limit gives an error, not a kill;
//! 3. write a byte-identical backup (same mode, unless `--chmod` asks for 0600) and fsync it;
//! 4. write a journal beside the file, `.<name>.oidc-wizard-journal`, naming the backup and the
//!    SHA-256 of the old and the new content, and fsync it and the directory;
//! 5. reserve the new length on disk (`fallocate`), so a full disk is found before any byte of
//!    the file changes;
//! 6. with `SIGINT`, `SIGTERM` and `SIGHUP` deferred (they take effect once the file is whole
//!    again), write, truncate, fsync, read back; on any error write the old bytes back;
//! 7. remove the journal.
//!
//! A kill or power cut between 4 and 7 leaves the journal. The next [`load`](super::load) (or
//! write) of the file finds it: when the file holds the old or the new content the journal is
//! stale and removed; otherwise it refuses with one line saying the last write was interrupted
//! and how to restore the backup, which [`restore_interrupted`] does through the same safe path.
//!
//! [`place_new`] is the other primitive: a new file that never replaces an existing one
//! (temporary file, then `link`), used for backups, the journal and authentik blueprints.

use super::{Document, MergeOutput, Written, io_message};
use crate::error::{Error, Result};
use sha2::Digest as _;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Choices of a write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Make the file mode 0600 before the new content goes in (`add --chmod`); the backup too
    /// when the old content already held secrets (a backup of a file without secrets keeps its
    /// mode).
    pub private: bool,
}

/// Writes a merge safely (lock, unchanged check, backup, journal, reserved space, in-place write
/// with signals deferred, fsync, read back).
pub fn write(doc: &Document, out: &MergeOutput) -> Result<Written> {
    write_with(doc, out, WriteOptions::default(), SystemTime::now())
}

/// [`write`] with the time used for the backup's name.
pub fn write_at(doc: &Document, out: &MergeOutput, now: SystemTime) -> Result<Written> {
    write_with(doc, out, WriteOptions::default(), now)
}

/// [`write`] with [`WriteOptions`] and the time used for the backup's name.
pub fn write_with(
    doc: &Document,
    out: &MergeOutput,
    opts: WriteOptions,
    now: SystemTime,
) -> Result<Written> {
    let path = &doc.path;
    if out.pending_digest {
        return Err(Error::input(
            "the client secret's digest is still being computed; merge again once it is ready",
        ));
    }
    check_interrupted(path)?;
    let fail = |what: &str, e: std::io::Error| Error::file(path, io_message(&e, what));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| fail("cannot open it for writing", e))?;
    lock(&file, path, true)?;
    let mut current = Vec::new();
    file.read_to_end(&mut current)
        .map_err(|e| fail("cannot read it", e))?;
    if current != doc.bytes {
        return Err(Error::file(
            path,
            "changed since it was read; nothing was written, run again",
        ));
    }
    let meta = file
        .metadata()
        .map_err(|e| fail("cannot read its metadata", e))?;

    // From here to the end the file may be incomplete for a moment: SIGINT/SIGTERM/SIGHUP wait,
    // SIGXFSZ is ignored (a file-size limit gives EFBIG, handled below, instead of a kill).
    let _critical = sys::Critical::enter();
    let needed = current.len().max(out.bytes.len()) as u64;
    if let Some(limit) = sys::file_size_limit().filter(|l| needed > *l) {
        return Err(Error::file(
            path,
            format!(
                "the new content is {} bytes, over this process's file-size limit of {limit} bytes (ulimit -f); nothing was written",
                out.bytes.len()
            ),
        ));
    }
    let old_secrets = secrets_in(&current);
    let new_secrets = secrets_in(&out.bytes);
    let mode = file_mode(&meta);
    let backup_mode = match mode {
        Some(_) if opts.private && !old_secrets.is_empty() => Some(0o600),
        m => m,
    };
    let backup_path = backup(path, &current, &meta, backup_mode, now)?;
    let journal = Journal {
        backup: backup_path.clone(),
        old: sha256_hex(&current),
        new: sha256_hex(&out.bytes),
    };
    let undo_backup = |e: Error| {
        let _ = std::fs::remove_file(&backup_path);
        e
    };
    write_journal(path, &journal).map_err(|e| {
        undo_backup(Error::file(
            journal_path(path),
            io_message(&e, "cannot write the journal; nothing was written"),
        ))
    })?;
    let undo_all = |e: Error| {
        let _ = remove_journal(path);
        undo_backup(e)
    };
    sys::reserve(&file, out.bytes.len() as u64).map_err(|e| {
        undo_all(Error::file(
            path,
            format!(
                "{}; nothing was written",
                io_message(&e, "no room for the new content on its disk")
            ),
        ))
    })?;
    let new_mode = if opts.private { Some(0o600) } else { mode };
    if let Some(m) = new_mode.filter(|_| new_mode != mode) {
        // The mode changes before the secrets go in, never after.
        sys::set_mode(&file, m)
            .map_err(|e| undo_all(Error::file(path, io_message(&e, "cannot chmod it"))))?;
    }

    if let Err(e) = write_in_place(&mut file, &out.bytes) {
        let restored = write_in_place(&mut file, &current).and_then(|()| match mode {
            Some(m) if new_mode != mode => sys::set_mode(&file, m),
            _ => Ok(()),
        });
        return Err(match restored {
            Ok(()) => {
                let _ = remove_journal(path);
                Error::file(
                    path,
                    format!(
                        "writing failed ({}); the old content was put back (a copy is in {})",
                        short_io(&e),
                        backup_path.display()
                    ),
                )
            }
            Err(e2) => Error::file(
                path,
                format!(
                    "writing failed ({}) and putting the old content back failed too ({}); {}",
                    short_io(&e),
                    short_io(&e2),
                    restore_line(path, &backup_path)
                ),
            ),
        });
    }
    let _ = remove_journal(path);
    let _ = file.unlock();
    Ok(Written {
        path: path.clone(),
        backup_path,
        mode: new_mode,
        backup_mode,
        secrets: new_secrets,
        backup_secrets: !old_secrets.is_empty(),
    })
}

/// Whether a file mode lets the group or others read.
pub fn readable_by_others(mode: u32) -> bool {
    mode & 0o044 != 0
}

impl Written {
    /// The warning to show when the file now holds secrets and its mode lets the group or
    /// others read it (and so its backup, when that holds secrets too); `None` when there is
    /// nothing to say.
    pub fn exposure_warning(&self) -> Option<String> {
        let mode = self.mode?;
        if self.secrets.is_empty() || !readable_by_others(mode) {
            return None;
        }
        let backup = match self.backup_mode {
            Some(b) if self.backup_secrets && readable_by_others(b) => " (so is its backup)",
            _ => "",
        };
        Some(format!(
            "{} holds secrets ({}) and is readable by other users (mode {mode:04o}){backup}; 'add --chmod' (or chmod 600) makes it 0600, provided Authelia runs as the file's owner",
            self.path.display(),
            self.secrets.join(", ")
        ))
    }
}

/// Writes `bytes` over the file from its start, truncates it to their length, fsyncs and reads
/// it back.
fn write_in_place(file: &mut File, bytes: &[u8]) -> std::io::Result<()> {
    file.seek(SeekFrom::Start(0))?;
    file.write_all(bytes)?;
    file.set_len(bytes.len() as u64)?;
    file.sync_all()?;
    file.seek(SeekFrom::Start(0))?;
    let mut back = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut back)?;
    if back != bytes {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "it reads back differently after writing",
        ));
    }
    Ok(())
}

fn short_io(e: &std::io::Error) -> String {
    e.to_string()
}

/// Takes the file's lock (`exclusive` for a write), or says another program holds it.
fn lock(file: &File, path: &Path, exclusive: bool) -> Result<()> {
    let r = if exclusive {
        file.try_lock()
    } else {
        file.try_lock_shared()
    };
    match r {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::file(
            path,
            "is locked by another program; try again when it is done",
        )),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(Error::file(path, io_message(&e, "cannot lock it")))
        }
    }
}

fn file_mode(meta: &std::fs::Metadata) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(meta.permissions().mode() & 0o7777)
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The journal of a write in progress.

/// What an interrupted write left: the backup and the hashes of the old and new content.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Journal {
    backup: PathBuf,
    old: String,
    new: String,
}

/// `.<name>.oidc-wizard-journal` beside the file.
pub fn journal_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "configuration.yml".into());
    path.with_file_name(format!(".{name}.oidc-wizard-journal"))
}

fn write_journal(path: &Path, j: &Journal) -> std::io::Result<()> {
    let text = serde_json::json!({
        "oidc_wizard_journal": 1,
        "file": path.display().to_string(),
        "backup": j.backup.display().to_string(),
        "old_sha256": j.old,
        "new_sha256": j.new,
    })
    .to_string();
    let jp = journal_path(path);
    // A journal left by an earlier run was dealt with by check_interrupted (the lock is held).
    let _ = std::fs::remove_file(&jp);
    place_new(&jp, text.as_bytes(), Some(0o600))
}

fn read_journal(jp: &Path) -> std::result::Result<Journal, String> {
    let text = std::fs::read_to_string(jp).map_err(|e| e.to_string())?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let field = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(str::to_string)
            .ok_or_else(|| format!("no '{k}'"))
    };
    Ok(Journal {
        backup: PathBuf::from(field("backup")?),
        old: field("old_sha256")?,
        new: field("new_sha256")?,
    })
}

fn remove_journal(path: &Path) -> std::io::Result<()> {
    let jp = journal_path(path);
    match std::fs::remove_file(&jp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    }
    sync_dir(&jp);
    Ok(())
}

fn restore_line(path: &Path, backup: &Path) -> String {
    format!(
        "restore it with: cp {} {} && rm {}",
        shell_quote(backup),
        shell_quote(path),
        shell_quote(&journal_path(path))
    )
}

fn shell_quote(p: &Path) -> String {
    let s = p.display().to_string();
    if s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"/._-+:@".contains(&b))
    {
        s
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// What [`inspect_journal`] found.
enum Found {
    None,
    /// The journal is stale (the file holds the old or the new content); removed.
    Stale,
    /// The file holds neither: the last write was interrupted.
    Interrupted(Journal),
}

fn inspect_journal(path: &Path, file: &File) -> Result<Found> {
    let jp = journal_path(path);
    if jp.symlink_metadata().is_err() {
        return Ok(Found::None);
    }
    let j = read_journal(&jp).map_err(|e| {
        Error::file(
            &jp,
            format!(
                "left by an interrupted write of {}, cannot be read ({e}); compare the file with its newest backup, then remove it",
                path.display()
            ),
        )
    })?;
    let mut bytes = Vec::new();
    (&*file)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::file(path, io_message(&e, "cannot read it")))?;
    let h = sha256_hex(&bytes);
    if h == j.old || h == j.new {
        remove_journal(path)
            .map_err(|e| Error::file(&jp, io_message(&e, "cannot remove this stale journal")))?;
        return Ok(Found::Stale);
    }
    Ok(Found::Interrupted(j))
}

/// Checks for a write of `path` that was interrupted (a kill, a power cut). A stale journal
/// (the file holds the old or the new content) is removed; a file holding neither is refused
/// with one line naming the backup and the command that restores it (or use
/// [`restore_interrupted`]). A file another program is writing right now is refused too.
pub fn check_interrupted(path: &Path) -> Result<()> {
    if journal_path(path).symlink_metadata().is_err() {
        return Ok(());
    }
    let file = File::open(path).map_err(|e| Error::file(path, io_message(&e, "cannot read it")))?;
    lock(&file, path, false)?;
    match inspect_journal(path, &file)? {
        Found::None | Found::Stale => Ok(()),
        Found::Interrupted(j) => Err(Error::file(
            path,
            format!(
                "the last write of it was interrupted and left it incomplete; its old content is in {}: {}",
                j.backup.display(),
                restore_line(path, &j.backup)
            ),
        )),
    }
}

/// Puts back the old content of a file whose last write was interrupted (see
/// [`check_interrupted`]), in place and through the same guarded write, then removes the
/// journal. Returns the backup it restored from, or `None` when there was nothing to restore.
pub fn restore_interrupted(path: &Path) -> Result<Option<PathBuf>> {
    if journal_path(path).symlink_metadata().is_err() {
        return Ok(None);
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::file(path, io_message(&e, "cannot open it for writing")))?;
    lock(&file, path, true)?;
    let j = match inspect_journal(path, &file)? {
        Found::None | Found::Stale => return Ok(None),
        Found::Interrupted(j) => j,
    };
    let old = std::fs::read(&j.backup).map_err(|e| {
        Error::file(
            &j.backup,
            io_message(&e, "cannot read the backup to restore"),
        )
    })?;
    if sha256_hex(&old) != j.old {
        return Err(Error::file(
            &j.backup,
            format!(
                "is not the content {} had before the interrupted write; nothing was restored",
                path.display()
            ),
        ));
    }
    let _critical = sys::Critical::enter();
    sys::reserve(&file, old.len() as u64)
        .map_err(|e| Error::file(path, io_message(&e, "no room to restore it")))?;
    write_in_place(&mut file, &old)
        .map_err(|e| Error::file(path, io_message(&e, "restoring it failed")))?;
    remove_journal(path).map_err(|e| {
        Error::file(
            journal_path(path),
            io_message(&e, "cannot remove the journal"),
        )
    })?;
    let _ = file.unlock();
    Ok(Some(j.backup))
}

// ---------------------------------------------------------------------------------------------
// New files that never replace an existing one.

pub use crate::files::place_new;
use crate::files::sync_dir;

/// Writes `<name>.bak.<timestamp>` next to the file: same bytes, `mode` (the file's, or 0600),
/// the owner when allowed, synced; never over an existing file.
fn backup(
    path: &Path,
    bytes: &[u8],
    meta: &std::fs::Metadata,
    mode: Option<u32>,
    now: SystemTime,
) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "configuration.yml".into());
    let stamp = timestamp(now);
    let mut candidate = path.with_file_name(format!("{name}.bak.{stamp}"));
    let mut n = 1;
    loop {
        // Created 0600 and given its mode once complete: the old content is never more
        // readable than the file was.
        match place_new(&candidate, bytes, Some(0o600)) {
            Ok(()) => break,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                candidate = path.with_file_name(format!("{name}.bak.{stamp}.{n}"));
                n += 1;
            }
            Err(e) => {
                return Err(Error::file(
                    &candidate,
                    io_message(&e, "cannot write the backup; nothing was written"),
                ));
            }
        }
    }
    let res = (|| -> std::io::Result<()> {
        let f = OpenOptions::new().write(true).open(&candidate)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Keeping the owner needs privileges; without them the backup is the user's own.
            let _ = std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid()));
        }
        #[cfg(not(unix))]
        let _ = meta;
        if let Some(m) = mode {
            sys::set_mode(&f, m)?;
        }
        f.sync_all()
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&candidate);
        return Err(Error::file(
            &candidate,
            io_message(&e, "cannot write the backup; nothing was written"),
        ));
    }
    Ok(candidate)
}

// ---------------------------------------------------------------------------------------------
// Secrets in a configuration's text.

/// Keys whose (literal, non-empty) values are secrets in Authelia's configuration.
const SECRET_KEYS: &[&str] = &[
    "hmac_secret",
    "jwt_secret",
    "secret",
    "encryption_key",
    "password",
    "secret_key",
    "client_secret",
];

/// The dotted paths of the values in a configuration that are secrets kept in the file: the
/// keys Authelia reads secrets from (`hmac_secret`, `jwt_secret`, `session.secret`,
/// `storage.encryption_key`, passwords, a plaintext `client_secret`) with a literal value, and
/// any private key in PEM form (`jwks[].key`). Values from template expressions or `_FILE`
/// variables are not in the file and do not count; a client secret's digest is not a secret.
pub fn secrets_in(bytes: &[u8]) -> Vec<String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Vec::new();
    };
    let t = super::scan::Text::new(text);
    let Ok(v) = super::gate::parse_first(&t.masked) else {
        return Vec::new();
    };
    // The positions tell a template (`{{ ... }}`) from a literal that happens to look like the
    // mask; without them (a file the positional parser refuses) nothing counts as templated.
    let parsed = super::scan::scan(&t).ok();
    let root = parsed.as_ref().and_then(|p| p.root.as_ref());
    let mut out = Vec::new();
    walk(&v, root.map(|r| (r, r)), "", &t, &mut out);
    out
}

/// `v` with its node (and the root, to resolve aliases), where known.
type At<'n> = Option<(&'n super::scan::Node, &'n super::scan::Node)>;

fn walk(
    v: &serde_yaml::Value,
    at_node: At<'_>,
    at: &str,
    t: &super::scan::Text<'_>,
    out: &mut Vec<String>,
) {
    use super::check::{child, resolve};
    use serde_yaml::Value as V;
    match v {
        V::Mapping(m) => {
            for (k, x) in m {
                let Some(k) = k.as_str() else { continue };
                let here = if at.is_empty() {
                    k.to_string()
                } else {
                    format!("{at}.{k}")
                };
                let node = at_node.and_then(|(root, n)| child(root, Some(n), k).map(|c| (root, c)));
                if let Some(s) = x.as_str() {
                    let templated = node.is_some_and(|(_, n)| t.made_by_template(n));
                    let literal = !s.trim().is_empty() && !templated;
                    let secret = (s.contains("PRIVATE KEY-----") && !templated)
                        || (SECRET_KEYS.contains(&k)
                            && literal
                            && !(k == "client_secret" && crate::secret::is_digest(s)));
                    if secret {
                        out.push(here);
                    }
                } else {
                    walk(x, node, &here, t, out);
                }
            }
        }
        V::Sequence(s) => {
            let items = at_node.and_then(|(root, n)| match &resolve(root, n).kind {
                super::scan::Kind::Seq(items, _) => Some((root, items)),
                _ => None,
            });
            for (i, x) in s.iter().enumerate() {
                let node =
                    items.and_then(|(root, items)| items.get(i).map(|n| (root, resolve(root, n))));
                walk(x, node, &format!("{at}[{i}]"), t, out);
            }
        }
        V::Tagged(tv) => walk(&tv.value, at_node, at, t, out),
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------------
// The operating system's part.

mod sys {
    //! Signals, limits, space reservation and modes (Unix; elsewhere these do nothing).

    /// While alive: `SIGINT`, `SIGTERM` and `SIGHUP` are held (recorded, then raised again when
    /// it is dropped, with the dispositions they had) and `SIGXFSZ` is ignored. Process-wide,
    /// so a signal delivered to any thread waits; one at a time in a process.
    pub struct Critical {
        #[cfg(unix)]
        saved: Vec<(libc::c_int, libc::sigaction)>,
        _guard: std::sync::MutexGuard<'static, ()>,
    }

    static ONE: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[cfg(unix)]
    static PENDING: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

    #[cfg(unix)]
    const DEFERRED: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    #[cfg(unix)]
    extern "C" fn hold(sig: libc::c_int) {
        if (0..64).contains(&sig) {
            PENDING.fetch_or(1 << sig, std::sync::atomic::Ordering::SeqCst);
        }
    }

    impl Critical {
        /// Enters the critical section.
        pub fn enter() -> Critical {
            let guard = ONE.lock().unwrap_or_else(|p| p.into_inner());
            #[cfg(unix)]
            {
                PENDING.store(0, std::sync::atomic::Ordering::SeqCst);
                let mut saved = Vec::new();
                let handler: extern "C" fn(libc::c_int) = hold;
                for sig in DEFERRED {
                    saved.extend(install(sig, handler as libc::sighandler_t).map(|o| (sig, o)));
                }
                saved.extend(install(libc::SIGXFSZ, libc::SIG_IGN).map(|o| (libc::SIGXFSZ, o)));
                Critical {
                    saved,
                    _guard: guard,
                }
            }
            #[cfg(not(unix))]
            Critical { _guard: guard }
        }
    }

    #[cfg(unix)]
    fn install(sig: libc::c_int, handler: libc::sighandler_t) -> Option<libc::sigaction> {
        // SAFETY: plain sigaction calls with zeroed, then filled, structures; the handler only
        // stores into an atomic, which is async-signal-safe.
        unsafe {
            let mut new: libc::sigaction = std::mem::zeroed();
            new.sa_sigaction = handler;
            new.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut new.sa_mask);
            let mut old: libc::sigaction = std::mem::zeroed();
            (libc::sigaction(sig, &new, &mut old) == 0).then_some(old)
        }
    }

    impl Drop for Critical {
        fn drop(&mut self) {
            #[cfg(unix)]
            {
                for (sig, old) in self.saved.drain(..) {
                    // SAFETY: restores the disposition saved by `install`.
                    unsafe {
                        libc::sigaction(sig, &old, std::ptr::null_mut());
                    }
                }
                let pending = PENDING.swap(0, std::sync::atomic::Ordering::SeqCst);
                for sig in DEFERRED {
                    if pending & (1 << sig) != 0 {
                        // SAFETY: raising a signal with its original disposition back.
                        unsafe {
                            libc::raise(sig);
                        }
                    }
                }
            }
        }
    }

    /// The soft `RLIMIT_FSIZE` in bytes, when there is one.
    pub fn file_size_limit() -> Option<u64> {
        #[cfg(unix)]
        {
            // SAFETY: getrlimit fills the structure it is given.
            let mut r: libc::rlimit = unsafe { std::mem::zeroed() };
            if unsafe { libc::getrlimit(libc::RLIMIT_FSIZE, &mut r) } != 0
                || r.rlim_cur == libc::RLIM_INFINITY
            {
                return None;
            }
            Some(r.rlim_cur as u64)
        }
        #[cfg(not(unix))]
        None
    }

    /// Reserves `len` bytes of disk for the file (without changing its size), so writing that
    /// much cannot fail for lack of space. A file system that cannot reserve is not an error
    /// (the write then relies on putting the old bytes back).
    pub fn reserve(file: &std::fs::File, len: u64) -> std::io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        {
            use std::os::fd::AsRawFd;
            if len == 0 {
                return Ok(());
            }
            loop {
                // SAFETY: fallocate on an open descriptor; KEEP_SIZE leaves the content alone.
                let r = unsafe {
                    libc::fallocate(
                        file.as_raw_fd(),
                        libc::FALLOC_FL_KEEP_SIZE,
                        0,
                        len as libc::off_t,
                    )
                };
                if r == 0 {
                    return Ok(());
                }
                let e = std::io::Error::last_os_error();
                match e.raw_os_error() {
                    Some(libc::EINTR) => continue,
                    Some(libc::EOPNOTSUPP) | Some(libc::ENOSYS) | Some(libc::EINVAL) => {
                        return Ok(());
                    }
                    _ => return Err(e),
                }
            }
        }
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        {
            let _ = (file, len);
            Ok(())
        }
    }

    /// Sets an open file's mode.
    pub fn set_mode(file: &std::fs::File, mode: u32) -> std::io::Result<()> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(mode))
        }
        #[cfg(not(unix))]
        {
            let _ = (file, mode);
            Ok(())
        }
    }
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
pub fn timestamp(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(UNIX_EPOCH), "19700101T000000Z");
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(1_795_000_000)),
            "20261118T110640Z"
        );
        assert_eq!(
            timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "20000229T000000Z"
        );
    }

    #[test]
    fn secrets_are_found_by_key_and_by_pem() {
        let text = "session:\n  secret: 'abc'\nstorage:\n  encryption_key: {{ secret \"/run/k\" }}\nidentity_providers:\n  oidc:\n    hmac_secret: h\n    jwks:\n      - key: |\n          -----BEGIN PRIVATE KEY-----\n          MII\n          -----END PRIVATE KEY-----\n    clients:\n      - client_id: a\n        client_secret: '$pbkdf2-sha512$310000$x$y'\n      - client_id: b\n        client_secret: plain\n";
        assert_eq!(
            secrets_in(text.as_bytes()),
            [
                "session.secret",
                "identity_providers.oidc.hmac_secret",
                "identity_providers.oidc.jwks[0].key",
                "identity_providers.oidc.clients[1].client_secret",
            ]
        );
        assert!(secrets_in(b"server:\n  address: tcp://:9091\n").is_empty());
    }
}
