//! Provider-specific work beyond the client: Authelia first-time setup, authentik blueprints.

pub mod authelia;
pub mod authentik;
