//! oidc-wizard: get an app signing in through Authelia's OpenID Connect provider.
//!
//! The crate is a library with a thin binary. Data flows one way, front end -> application
//! layer -> provider -> catalog, inputs, secret:
//!
//! * [`cli`] (the command line, the only user of `clap`) and [`tui`] (the wizard, the only user
//!   of `ratatui`/`crossterm`; [`prefs`]: what it remembers) turn flags and keys into the
//!   application layer's types and render what comes back; `main.rs` joins them;
//! * [`app`]: the application layer both front ends share: choose provider, app and setup,
//!   resolve defaults by one rule, build, prepare the change, apply it;
//! * [`provider`]: one folder per identity provider behind one trait and one registry
//!   ([`provider::authelia`], [`provider::authentik`]);
//! * [`config`]: Authelia's `configuration.yml`: scan, merge, gate, check, journaled write;
//!   [`files`]: new files that appear whole, never over an existing one;
//! * [`catalog`]: the apps, one embedded YAML file each; [`inputs`] and [`plan`]: the user's
//!   values, validated, and everything derived from them; [`client`]: the Authelia client type
//!   and Authelia's rules for it; [`secret`]: secrets, PBKDF2 digests and their verification;
//!   [`render`]: the client YAML, the app-side steps and env blocks as text; [`exit`]: exit
//!   codes; [`log`]: the `--log FILE` sink (names, paths and outcomes, never a secret).
//!
//! Everything outside `tui`, `cli` and `main.rs` is pure of the terminal: it never prints,
//! reads stdin or exits (`tests/it/architecture.rs` keeps these rules).

pub mod app;
pub mod catalog;
pub mod cli;
pub mod client;
pub mod config;
pub mod error;
pub mod exit;
pub mod files;
pub mod init;
pub mod inputs;
pub mod log;
pub mod plan;
pub mod prefs;
pub mod probe;
pub mod provider;
pub mod render;
pub mod secret;
pub mod tui;

pub use error::{Error, Result};
