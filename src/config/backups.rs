//! The backups every write leaves beside the configuration (`<name>.bak.<YYYYMMDDTHHMMSSZ>`,
//! then `.1`, `.2` for several in one second): listing them newest first, pruning the oldest
//! beyond a number the user chooses, and the change that puts one back (written like any other
//! change: through the safe write, which backs up the current file first).

use super::{Action, Document, MergeOutput, io_message, scan, unified_diff};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// How many backups are kept when the user does not say.
pub const DEFAULT_KEEP: usize = 10;

/// One backup of a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// Where it is.
    pub path: PathBuf,
    /// Its time stamp as written in the name (`20261202T174501Z`).
    pub stamp: String,
    /// The number after the stamp for several in one second (0 for none).
    pub seq: u32,
    /// Its size in bytes.
    pub len: u64,
}

/// Whether `s` is a stamp as [`super::write::timestamp`] writes it.
fn is_stamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b[8] == b'T'
        && b[15] == b'Z'
        && b[..8].iter().all(u8::is_ascii_digit)
        && b[9..15].iter().all(u8::is_ascii_digit)
}

/// The backups of the configuration at `path`, newest first. A directory that cannot be read
/// is an error; names that only look like backups are left out.
pub fn list(path: &Path) -> Result<Vec<Backup>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::file(path, "has no file name"))?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let prefix = format!("{name}.bak.");
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| Error::file(&dir, io_message(&e, "cannot list the directory")))?;
    let mut out = vec![];
    for e in entries.flatten() {
        let fname = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = fname.strip_prefix(&prefix) else {
            continue;
        };
        let (stamp, seq) = match rest.split_once('.') {
            Some((s, n)) => match n.parse::<u32>() {
                Ok(n) => (s, n),
                Err(_) => continue,
            },
            None => (rest, 0),
        };
        if !is_stamp(stamp) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        out.push(Backup {
            path: e.path(),
            stamp: stamp.to_string(),
            seq,
            len: meta.len(),
        });
    }
    out.sort_by(|a, b| (&b.stamp, b.seq).cmp(&(&a.stamp, a.seq)));
    Ok(out)
}

/// Removes the oldest backups of `path` beyond the newest `keep` (at least one is always kept).
/// Returns the removed paths. A backup that cannot be removed is left (and not reported as
/// removed); pruning never fails a write that succeeded.
pub fn prune(path: &Path, keep: usize) -> Vec<PathBuf> {
    let Ok(all) = list(path) else {
        return vec![];
    };
    all.into_iter()
        .skip(keep.max(1))
        .filter(|b| std::fs::remove_file(&b.path).is_ok())
        .map(|b| b.path)
        .collect()
}

/// The change that puts `backup`'s bytes back into the configuration `doc` (to show as a diff,
/// then write with [`super::write_with`], which first backs up the current content). The
/// backup must be a configuration the tool can read: UTF-8, YAML that parses.
pub fn restore_change(doc: &Document, backup: &Path) -> Result<MergeOutput> {
    let bytes = std::fs::read(backup)
        .map_err(|e| Error::file(backup, io_message(&e, "cannot read the backup")))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::file(
            backup,
            "is not UTF-8 text; it is not a backup of a configuration",
        )
    })?;
    let t = scan::Text::new(text);
    scan::scan(&t).map_err(|e| {
        Error::file(
            backup,
            format!(
                "line {}: {}; it is not a configuration the tool can put back",
                e.line + 1,
                e.message
            ),
        )
    })?;
    super::gate::parse_first(&t.masked).map_err(|m| {
        Error::file(
            backup,
            format!(
                "libyaml cannot read it ({m}); it is not a configuration the tool can put back"
            ),
        )
    })?;
    let old = doc.text()?;
    if old.as_bytes() == bytes.as_slice() {
        return Err(Error::file(
            &doc.path,
            format!(
                "is already the same as {}; nothing to restore",
                backup.display()
            ),
        ));
    }
    Ok(MergeOutput {
        diff: unified_diff(old, text, &doc.path),
        bytes,
        action: Action::Restored,
        ..MergeOutput::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_recognised_exactly() {
        assert!(is_stamp("20261202T174501Z"));
        assert!(!is_stamp("20261202T174501"));
        assert!(!is_stamp("2026120xT174501Z"));
        assert!(!is_stamp("20261202-174501Z"));
    }

    #[test]
    fn backups_are_listed_newest_first_and_pruned_oldest_first() {
        let dir = std::env::temp_dir().join(format!("oidcw-bk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = dir.join("configuration.yml");
        std::fs::write(&cfg, "a: 1\n").unwrap();
        for n in [
            "configuration.yml.bak.20260101T000000Z",
            "configuration.yml.bak.20260101T000000Z.1",
            "configuration.yml.bak.20260301T000000Z",
            "configuration.yml.bak.20260201T000000Z",
            "configuration.yml.bak.notastamp",
            "other.yml.bak.20260401T000000Z",
        ] {
            std::fs::write(dir.join(n), "a: 0\n").unwrap();
        }
        let got: Vec<String> = list(&cfg)
            .unwrap()
            .iter()
            .map(|b| b.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            got,
            [
                "configuration.yml.bak.20260301T000000Z",
                "configuration.yml.bak.20260201T000000Z",
                "configuration.yml.bak.20260101T000000Z.1",
                "configuration.yml.bak.20260101T000000Z",
            ]
        );
        let removed = prune(&cfg, 2);
        assert_eq!(removed.len(), 2);
        assert_eq!(list(&cfg).unwrap().len(), 2);
        assert!(dir.join("configuration.yml.bak.notastamp").exists());
        assert!(dir.join("other.yml.bak.20260401T000000Z").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
