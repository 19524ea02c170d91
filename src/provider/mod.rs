//! Provider-specific output beyond Authelia's client: authentik blueprints.

pub mod authentik;
