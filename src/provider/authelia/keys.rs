//! Authelia's OpenID Connect provider itself, set up the first time: the `hmac_secret` and a
//! `jwks` entry with a fresh RSA signing key. Authelia will not start its provider without a key.

use crate::error::{Error, Result};
use crate::secret::{self, Charset};
use rsa::PrivateKey;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::{Map, Value, json};

/// Length of the generated `hmac_secret` (Authelia asks for at least 64 characters).
pub const HMAC_SECRET_LEN: usize = 72;
/// Size of the generated RSA key.
pub const RSA_BITS: usize = 2048;
/// The `key_id` of the generated key.
pub const KEY_ID: &str = "oidc-wizard-rs256";

/// The secrets a first-time provider setup writes.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderKeys {
    /// `identity_providers.oidc.hmac_secret`.
    pub hmac_secret: String,
    /// `jwks[].key_id`.
    pub key_id: String,
    /// `jwks[].key`: a PKCS#8 PEM RSA private key.
    pub private_key_pem: String,
}

impl std::fmt::Debug for ProviderKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderKeys")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Generates an hmac secret and an RSA key from the operating system's random source.
pub fn generate_keys() -> Result<ProviderKeys> {
    Ok(ProviderKeys {
        hmac_secret: secret::generate(HMAC_SECRET_LEN, Charset::Alphanumeric)?,
        key_id: KEY_ID.to_string(),
        private_key_pem: rsa_private_key_pem(RSA_BITS)?,
    })
}

/// A fresh RSA private key of `bits` bits as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
pub fn rsa_private_key_pem(bits: usize) -> Result<String> {
    use rand::SeedableRng;
    let mut rng = rand::rngs::StdRng::try_from_rng(&mut rand::rngs::SysRng)
        .map_err(|e| Error::Random(e.to_string()))?;
    let key = PrivateKey::new(&mut rng, bits)
        .map_err(|e| Error::Random(format!("RSA key generation: {e}")))?;
    let pem = key
        .to_pkcs8_pem(LineEnding::LF)
        .map_err(|e| Error::Random(format!("RSA key encoding: {e}")))?;
    Ok(pem.to_string())
}

/// `hmac_secret` as the mapping entry that goes under `oidc:`.
pub fn hmac_value(keys: &ProviderKeys) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "hmac_secret".into(),
        Value::String(keys.hmac_secret.clone()),
    );
    m
}

/// `jwks` (one RS256 signing key) as the mapping entry that goes under `oidc:`.
pub fn jwks_value(keys: &ProviderKeys) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "jwks".into(),
        json!([{
            "key_id": keys.key_id,
            "algorithm": "RS256",
            "use": "sig",
            "key": keys.private_key_pem,
        }]),
    );
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::PublicKeyParts;

    #[test]
    fn generated_key_is_rsa_2048_pem_and_secret_is_long() {
        let k = generate_keys().unwrap();
        assert!(k.hmac_secret.len() >= 64);
        assert!(k.hmac_secret.chars().all(|c| c.is_ascii_alphanumeric()));
        assert!(
            k.private_key_pem
                .starts_with("-----BEGIN PRIVATE KEY-----\n")
        );
        assert!(
            k.private_key_pem
                .trim_end()
                .ends_with("-----END PRIVATE KEY-----")
        );
        let key = PrivateKey::from_pkcs8_pem(&k.private_key_pem).unwrap();
        assert_eq!(key.size() * 8, 2048);
        let other = generate_keys().unwrap();
        assert_ne!(k.hmac_secret, other.hmac_secret);
        assert_ne!(k.private_key_pem, other.private_key_pem);
        assert!(!format!("{k:?}").contains(&k.hmac_secret));
    }
}
