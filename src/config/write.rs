//! Writing a merge the way visudo does: hold a lock, check the file did not change since it was
//! read, keep a byte-identical backup with the same mode, write the new content in place (the
//! same inode, so a Docker single-file bind mount sees it; the same mode and owner), fsync, and
//! read it back.

use super::{Document, MergeOutput, Written, io_message};
use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Writes a merge safely (lock, unchanged check, backup, in-place write, fsync, read back).
pub fn write(doc: &Document, out: &MergeOutput) -> Result<Written> {
    write_at(doc, out, SystemTime::now())
}

/// [`write`] with the time used for the backup's name.
pub fn write_at(doc: &Document, out: &MergeOutput, now: SystemTime) -> Result<Written> {
    let path = &doc.path;
    if out.pending_digest {
        return Err(Error::input(
            "the client secret's digest is still being computed; merge again once it is ready",
        ));
    }
    let fail = |what: &str, e: std::io::Error| Error::file(path, io_message(&e, what));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| fail("cannot open it for writing", e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            return Err(Error::file(
                path,
                "is locked by another program; try again when it is done",
            ));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(fail("cannot lock it", e)),
    }
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
    let backup_path = backup(path, &current, &meta, now)?;

    let write_new = |file: &mut File| -> std::io::Result<Vec<u8>> {
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&out.bytes)?;
        file.set_len(out.bytes.len() as u64)?;
        file.sync_all()?;
        file.seek(SeekFrom::Start(0))?;
        let mut back = Vec::with_capacity(out.bytes.len());
        file.read_to_end(&mut back)?;
        Ok(back)
    };
    match write_new(&mut file) {
        Ok(back) if back == out.bytes => {}
        Ok(_) => {
            return Err(Error::file(
                path,
                format!(
                    "reads back differently after writing; the old content is in {}",
                    backup_path.display()
                ),
            ));
        }
        Err(e) => {
            return Err(Error::file(
                path,
                format!(
                    "writing failed ({e}); the old content is in {}",
                    backup_path.display()
                ),
            ));
        }
    }
    let _ = file.unlock();
    Ok(Written {
        path: path.clone(),
        backup_path,
    })
}

/// Writes `<name>.bak.<timestamp>` next to the file: same bytes, same mode (and owner when
/// allowed), synced.
fn backup(path: &Path, bytes: &[u8], meta: &std::fs::Metadata, now: SystemTime) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "configuration.yml".into());
    let stamp = timestamp(now);
    let mut candidate = path.with_file_name(format!("{name}.bak.{stamp}"));
    let mut n = 1;
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = loop {
        match opts.open(&candidate) {
            Ok(f) => break f,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => {
                candidate = path.with_file_name(format!("{name}.bak.{stamp}.{n}"));
                n += 1;
            }
            Err(e) => {
                return Err(Error::file(
                    &candidate,
                    io_message(&e, "cannot create the backup; nothing was written"),
                ));
            }
        }
    };
    let res = (|| -> std::io::Result<()> {
        f.write_all(bytes)?;
        f.set_permissions(meta.permissions())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Keeping the owner needs privileges; without them the backup is the user's own.
            let _ = std::os::unix::fs::fchown(&f, Some(meta.uid()), Some(meta.gid()));
        }
        f.sync_all()?;
        Ok(())
    })();
    if let Err(e) = res {
        let _ = std::fs::remove_file(&candidate);
        return Err(Error::file(
            &candidate,
            io_message(&e, "cannot write the backup; nothing was written"),
        ));
    }
    if let Some(dir) = candidate.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(candidate)
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
}
