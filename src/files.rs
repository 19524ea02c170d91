//! Safe writing of whole new files, for every provider: a file that appears whole or not at
//! all, never over an existing one unless asked ([`save`], [`place_new`]). Edits of an
//! existing configuration (journaled, in place) are [`crate::config::write`]'s.

use crate::error::{Error, Result};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates `path` with `bytes` (fsynced, directory fsynced), never over an existing file, even
/// one created a moment before: the content goes to a temporary file beside it, which is then
/// hard-linked to `path` (`link` fails when the name exists). `mode` is the new file's mode
/// (from the start: the content is never readable more widely). Where the file system has no
/// hard links, `O_CREAT|O_EXCL` on `path` gives the same guarantee. An existing `path` is an
/// error of kind `AlreadyExists`.
pub fn place_new(path: &Path, bytes: &[u8], mode: Option<u32>) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut rnd = [0u8; 6];
    let _ = crate::secret::os_random(&mut rnd);
    let tag: String = rnd.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!(".{name}.{tag}.oidc-wizard.tmp"));
    let create = |p: &Path| -> std::io::Result<File> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode.unwrap_or(0o644));
        }
        opts.open(p)
    };
    let fill = |mut f: File| -> std::io::Result<()> {
        f.write_all(bytes)?;
        if let Some(m) = mode {
            // The umask may have narrowed the creation mode; give the mode asked for.
            set_mode(&f, m)?;
        }
        f.sync_all()
    };
    fill(create(&tmp)?).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(e),
        Err(_) => {
            // No hard links here (some network or FAT file systems): exclusive creation.
            let f = create(path)?;
            fill(f).inspect_err(|_| {
                let _ = std::fs::remove_file(path);
            })?;
        }
    }
    sync_dir(path);
    Ok(())
}

/// Syncs the directory that holds `path` (so a new name in it survives a power cut).
pub fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = File::open(dir)
    {
        let _ = d.sync_all();
    }
}

fn set_mode(file: &File, mode: u32) -> std::io::Result<()> {
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

/// Saves `bytes` as the file `path`: never over an existing file unless `overwrite`, even one
/// created while this runs ([`place_new`]); mode 0600 from the start when `private`. With
/// `overwrite` the bytes go to a temporary file beside it, which is then renamed in place.
/// `suggested` is the file name offered when `path` is a directory.
pub fn save(
    path: &Path,
    bytes: &[u8],
    private: bool,
    overwrite: bool,
    suggested: &str,
) -> Result<PathBuf> {
    let ferr = |m: String| Error::file(path, m);
    if path.is_dir() {
        return Err(ferr(format!(
            "is a directory; give a file name such as {suggested}"
        )));
    }
    let exists = || Error::Exists {
        path: path.to_path_buf(),
    };
    if path.symlink_metadata().is_ok() && !overwrite {
        return Err(exists());
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(ferr(format!(
            "the directory {} does not exist",
            dir.display()
        )));
    }
    let mode = private.then_some(0o600);
    if !overwrite {
        return match place_new(path, bytes, mode) {
            Ok(()) => Ok(path.to_path_buf()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
            Err(e) => Err(ferr(e.to_string())),
        };
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| suggested.to_string());
    let tmp = dir.join(format!(".{name}.oidc-wizard.tmp"));
    // A leftover of an interrupted run (never followed: remove_file removes a link itself).
    if tmp.symlink_metadata().is_ok() {
        std::fs::remove_file(&tmp)
            .map_err(|e| ferr(format!("cannot remove {}: {e}", tmp.display())))?;
    }
    let result = (|| -> std::io::Result<()> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(if private { 0o600 } else { 0o644 });
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        sync_dir(path);
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(ferr(e.to_string()));
    }
    Ok(path.to_path_buf())
}
