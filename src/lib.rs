//! oidc-wizard: get an app signing in through Authelia's OpenID Connect provider.
//!
//! The crate is a library with a thin binary. Data flows one way:
//!
//! * [`catalog`]: the apps, one embedded YAML file each;
//! * [`inputs`] and [`plan`]: the user's values, validated, and everything derived from them;
//! * [`client`]: the Authelia client type and Authelia's rules for it;
//! * [`secret`]: secrets, PBKDF2 digests and their verification;
//! * [`render`]: the client YAML, the app-side steps and env blocks as text;
//! * [`config`]: the user's `configuration.yml`: merge, check, safe write;
//! * [`provider`]: provider-specific output (authentik blueprints);
//! * [`tui`]: the terminal wizard ([`prefs`]: what it remembers); [`cli`]: the command line; [`exit`]: exit codes.
//!
//! Everything outside `tui` and `cli` is pure: no terminal I/O.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod client;
pub mod config;
pub mod error;
pub mod exit;
pub mod files;
pub mod inputs;
pub mod plan;
pub mod prefs;
pub mod provider;
pub mod render;
pub mod secret;
pub mod tui;

pub use error::{Error, Result};
