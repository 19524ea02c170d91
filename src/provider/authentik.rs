//! authentik as the identity provider: blueprints. (Being built: issue 6.)

use crate::cli::AddArgs;
use crate::error::{Error, Result};

/// `oidc-wizard add APP --provider authentik`.
pub fn add_command(_args: &AddArgs) -> Result<u8> {
    Err(Error::input("authentik is not available yet"))
}

/// Whether authentik documents this catalog app (a blueprint can be made).
pub fn supports(_slug: &str) -> bool {
    false
}
