//! The user's `configuration.yml`: merge a client in without touching any other byte, check the
//! clients that are there, write safely. (Being built: issue 3.)
//!
//! The API the CLI and the wizard use:
//! [`load`] -> [`merge`] (a [`MergeOutput`] with the new text and its diff) -> [`write`].

use crate::cli::AddArgs;
use crate::error::{Error, Result};
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// What to do when the configuration already has a client with the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDuplicate {
    /// Refuse with [`Error::DuplicateClient`].
    #[default]
    Refuse,
    /// Change only that client's `client_secret` value.
    Rotate,
    /// Replace the whole client item in place.
    Replace,
}

/// A configuration file as read from disk.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it was read from.
    pub path: PathBuf,
    /// The exact bytes.
    pub bytes: Vec<u8>,
}

/// Defaults a configuration offers (from `session.cookies`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionDefaults {
    /// `session.cookies[].domain`.
    pub domain: Option<String>,
    /// `session.cookies[].authelia_url`.
    pub authelia_url: Option<String>,
}

/// The result of a merge, not yet written.
#[derive(Debug, Clone)]
pub struct MergeOutput {
    /// The new file content.
    pub bytes: Vec<u8>,
    /// Unified diff of old against new.
    pub diff: String,
    /// Whether the provider section (hmac_secret, jwks) was created.
    pub first_time_setup: bool,
    /// Warnings to show (deprecated keys, first-time setup, ...).
    pub warnings: Vec<String>,
}

/// Where the file and its backup are after a write.
#[derive(Debug, Clone)]
pub struct Written {
    /// The configuration file.
    pub path: PathBuf,
    /// The byte-identical backup of the old content.
    pub backup_path: PathBuf,
}

/// Reads a configuration file.
pub fn load(path: &Path) -> Result<Document> {
    Err(Error::file(
        path,
        "reading configurations is not available yet",
    ))
}

/// What the configuration offers as defaults for the domain and Authelia URL.
pub fn session_defaults(_doc: &Document) -> SessionDefaults {
    SessionDefaults::default()
}

/// Merges the plan's client into the document.
pub fn merge(doc: &Document, _plan: &Plan, _on_dup: OnDuplicate) -> Result<MergeOutput> {
    Err(Error::file(&doc.path, "merging is not available yet"))
}

/// Writes a merge safely (lock, unchanged check, backup, in-place write, fsync, read back).
pub fn write(doc: &Document, _out: &MergeOutput) -> Result<Written> {
    Err(Error::file(&doc.path, "writing is not available yet"))
}

/// `oidc-wizard add ... --config PATH`.
pub fn add_command(_args: &AddArgs, path: &Path) -> Result<u8> {
    Err(Error::file(
        path,
        "merging into a configuration is not available yet",
    ))
}

/// `oidc-wizard check --config PATH`.
pub fn check_command(path: &Path, _json: bool) -> Result<u8> {
    Err(Error::file(path, "check is not available yet"))
}
