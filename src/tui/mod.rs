//! The terminal wizard. (Being built: issue 4.)

use crate::cli::ColorChoice;
use crate::error::Result;
use crate::exit;
use std::path::PathBuf;

/// Options of the wizard from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--config`.
    pub config: Option<PathBuf>,
    /// `--color`.
    pub color: ColorChoice,
    /// `--mouse`.
    pub mouse: bool,
}

/// Opens the wizard.
pub fn launch(_opts: Options) -> Result<u8> {
    eprintln!(
        "oidc-wizard: the interactive wizard is not available yet; use 'oidc-wizard apps', 'oidc-wizard add APP --domain D' or 'oidc-wizard secret'"
    );
    Ok(exit::USAGE)
}
