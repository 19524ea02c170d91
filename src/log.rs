//! The log file a user asks for with `--log FILE`: one line per event (which command ran, which
//! files it read and wrote, how it ended), appended to a file only its owner can read.
//!
//! Nothing here prints: without [`open`] every [`event`] is dropped. Callers log names, paths and
//! outcomes, never a value that could be a secret (a client secret, its digest, a key, a
//! password, a `--set` value): the log is for finding out what happened, not for replaying it.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;
use std::time::SystemTime;

/// The open log file, if any.
static SINK: Mutex<Option<File>> = Mutex::new(None);

/// Opens (or creates) the log file for appending; from now on [`event`] writes to it. The file
/// gets mode 0600 whether it is new or not, and a symbolic link is refused (a log that follows
/// a link could be made to append to any file the user can write).
pub fn open(path: &Path) -> Result<()> {
    let fail = |e: std::io::Error| Error::File {
        path: path.to_path_buf(),
        message: format!("cannot open the log file: {e}"),
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        opts.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        let file = opts.open(path).map_err(fail)?;
        if !file.metadata().map_err(fail)?.is_file() {
            return Err(fail(std::io::Error::other("not a regular file")));
        }
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
        install(file);
    }
    #[cfg(not(unix))]
    install(opts.open(path).map_err(fail)?);
    Ok(())
}

/// Makes `file` the sink.
fn install(file: File) {
    if let Ok(mut sink) = SINK.lock() {
        *sink = Some(file);
    }
}

/// Whether a log file is open.
pub fn enabled() -> bool {
    SINK.lock().map(|s| s.is_some()).unwrap_or(false)
}

/// Stops logging (the file is closed).
pub fn close() {
    if let Ok(mut sink) = SINK.lock() {
        *sink = None;
    }
}

/// Appends one line: a UTC time stamp, the process id and `message` (line breaks in it are
/// written as `\n`, so one event stays one line). A failing write is ignored: the log must never
/// be why a command fails.
pub fn event(message: &str) {
    let Ok(mut sink) = SINK.lock() else { return };
    let Some(file) = sink.as_mut() else { return };
    let line = format!(
        "{} oidc-wizard[{}]: {}\n",
        crate::config::write::timestamp(SystemTime::now()),
        std::process::id(),
        one_line(message)
    );
    let _ = file.write_all(line.as_bytes());
}

/// `message` with its control characters escaped.
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn an_event_stays_one_line() {
        assert_eq!(one_line("a\nb\rc\u{1b}d"), "a\\nb\\rc\\u{1b}d");
    }
}
