//! What happens to the wizard ([`Msg`]: keys, resizes, results of work) and what it asks the
//! runtime to do ([`Effect`]: hash, copy, read, merge, write, save preferences, quit).
//!
//! Effects are plain data: [`super::update::update`] returns them and the runtime in
//! [`super`] runs them, feeding each result back as a `Msg`. So every behavior is testable
//! without a terminal.

use crate::config::{Document, MergeOutput, OnDuplicate, Written};
use crate::error::Error;
use crate::plan::Plan;
use crate::prefs::Prefs;
use crate::provider::authentik::BlueprintPlan;
use crossterm::event::KeyEvent;
use std::path::PathBuf;

/// An input to [`super::update::update`].
#[derive(Debug)]
pub enum Msg {
    /// A key press.
    Key(KeyEvent),
    /// Pasted text (bracketed paste).
    Paste(String),
    /// Mouse wheel: `true` up, `false` down (only with `--mouse`).
    Scroll(bool),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// Time passed (animates the spinner while work is under way).
    Tick,
    /// The configuration file was read (or not).
    ConfigLoaded(PathBuf, Result<Document, Error>),
    /// A secret was generated (or the random number generator failed).
    SecretGenerated(Result<String, Error>),
    /// The worker finished the digest of `plaintext`.
    Digested {
        /// The secret hashed (a stale result for an older secret is ignored).
        plaintext: String,
        /// The digest.
        result: Result<String, Error>,
    },
    /// The merge finished.
    Merged(Result<Merged, Error>),
    /// The write finished.
    Written(Result<Written, Error>),
    /// A copy finished: what reached which clipboard, in words (see
    /// [`super::clipboard::report`]).
    Copied(String),
    /// authentik: the blueprint's path names an existing file (nothing was written).
    BlueprintExists(PathBuf),
    /// authentik: the blueprint was written (to this path, made absolute) or not.
    BlueprintWritten(Result<PathBuf, Error>),
}

/// Work for the runtime.
#[derive(Debug)]
pub enum Effect {
    /// Read the configuration file; answer with [`Msg::ConfigLoaded`].
    LoadConfig(PathBuf),
    /// Generate a client secret; answer with [`Msg::SecretGenerated`].
    GenerateSecret,
    /// Hash a secret on a worker thread; answer with [`Msg::Digested`].
    Digest(String),
    /// Put a value on the clipboard (OSC 52, tmux's buffer inside tmux, the system clipboard
    /// when there is a display); answer with [`Msg::Copied`].
    Copy {
        /// What it is, with its size (for messages: "Client Secret, 72 characters").
        label: String,
        /// The text.
        value: String,
    },
    /// Merge the plan into the document; answer with [`Msg::Merged`].
    Merge {
        /// The configuration as read.
        doc: Document,
        /// The plan, digest known.
        plan: Box<Plan>,
        /// What to do with an existing client of the same id.
        on_dup: OnDuplicate,
    },
    /// Write the merge; answer with [`Msg::Written`].
    Write {
        /// The configuration as read.
        doc: Document,
        /// The merge.
        merged: Box<Merged>,
    },
    /// Save the preferences (never a secret).
    SavePrefs(Prefs),
    /// Show a value on the plain terminal (the alternate screen left, raw mode off) until the
    /// user presses Enter, so the terminal's own selection takes a value wider than the screen
    /// whole; the screen and its scrollback are cleared before the wizard comes back.
    ShowPlain {
        /// What it is.
        label: String,
        /// The exact text.
        value: String,
    },
    /// authentik: write the blueprint file with [`crate::provider::authentik::write_blueprint`]
    /// (mode 0600 when it holds a secret). Without `overwrite`, an existing file is left alone
    /// and [`Msg::BlueprintExists`] answers; else [`Msg::BlueprintWritten`].
    SaveBlueprint {
        /// Where.
        path: PathBuf,
        /// The blueprint.
        plan: Box<BlueprintPlan>,
        /// The user confirmed overwriting an existing file.
        overwrite: bool,
    },
}

/// A merge as the Review screen shows it. The merge's own output rides along for the write
/// (`None` only for a made-up merge in tests, which the runtime refuses to write).
#[derive(Debug, Clone, Default)]
pub struct Merged {
    /// Unified diff of the file.
    pub diff: String,
    /// Warnings (deprecated keys, ...).
    pub warnings: Vec<String>,
    /// Whether this was a first-time setup (both of the provider's keys added).
    pub first_time_setup: bool,
    /// The provider keys the merge added (`hmac_secret`, `jwks`): what Review says was added.
    pub provider_keys_added: Vec<String>,
    /// What [`crate::config::write`] takes.
    pub output: Option<Box<MergeOutput>>,
}

impl From<MergeOutput> for Merged {
    fn from(o: MergeOutput) -> Self {
        Merged {
            diff: o.diff.clone(),
            warnings: o.warnings.clone(),
            first_time_setup: o.first_time_setup,
            provider_keys_added: o.provider_keys_added.clone(),
            output: Some(Box::new(o)),
        }
    }
}
