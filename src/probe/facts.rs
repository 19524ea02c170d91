//! What the probe needs to know about one client, read from the configuration the way Authelia
//! reads it: its redirect URIs (as `clients` lists them), its scopes, response type, ID token
//! signing algorithm and whether it must send a PKCE challenge, with Authelia's defaults where a
//! key is absent.

use crate::client::Client;
use crate::config::{Document, check, clients, gate, scan};
use crate::error::{Error, Result};
use serde_yaml::Value;

/// The facts of one client.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientFacts {
    /// `client_id`.
    pub client_id: String,
    /// `redirect_uris` (the probe uses the first).
    pub redirect_uris: Vec<String>,
    /// `scopes` (Authelia's default `openid groups profile email` when absent:
    /// schema/identity_providers.go:264 at v4.39.20).
    pub scopes: Vec<String>,
    /// The first of `response_types` (default `code`, identity_providers.go:265).
    pub response_type: String,
    /// `id_token_signed_response_alg` (default `RS256`, identity_providers.go:268).
    pub signing_alg: String,
    /// Whether the authorization request must carry a PKCE challenge: `require_pkce`, a public
    /// client under `enforce_pkce: public_clients_only` (the default, identity_providers.go:252),
    /// or `enforce_pkce: always`.
    pub pkce: bool,
    /// `pkce_challenge_method` (`S256` when absent).
    pub pkce_method: String,
    /// Whether a template expression makes the client's values (the probe then trusts the
    /// live provider's view over the file's).
    pub templated: bool,
}

/// The facts of the client `id` in `doc`; an unknown id is refused with the nearest one.
pub fn client_facts(doc: &Document, id: &str) -> Result<ClientFacts> {
    let rows = clients::list(doc)?;
    let Some(row) = rows.iter().find(|r| r.client_id == id) else {
        let near = clients::nearest(rows.iter().map(|r| r.client_id.as_str()), id)
            .map(|n| format!(" (did you mean '{n}'?)"))
            .unwrap_or_default();
        return Err(Error::input(format!(
            "{}: no client with id '{id}'{near}",
            doc.path.display()
        )));
    };
    let text = doc.text()?;
    let t = scan::Text::new(text);
    let root = gate::parse_first(&t.masked).map_err(|m| Error::file(&doc.path, m))?;
    let oidc = root
        .get("identity_providers")
        .and_then(|x| x.get("oidc"))
        .cloned()
        .unwrap_or(Value::Null);
    let item = oidc
        .get("clients")
        .and_then(Value::as_sequence)
        .and_then(|items| {
            items.iter().find(|i| {
                serde_yaml::from_value::<Client>(check::weaken(i))
                    .is_ok_and(|c| c.client_id == row.client_id)
            })
        })
        .cloned()
        .unwrap_or(Value::Null);
    let c: Client = serde_yaml::from_value(check::weaken(&item)).unwrap_or_default();
    let enforce = oidc
        .get("enforce_pkce")
        .and_then(Value::as_str)
        .unwrap_or("public_clients_only");
    let pkce = c.require_pkce == Some(true)
        || enforce == "always"
        || (enforce == "public_clients_only" && row.public);
    Ok(ClientFacts {
        client_id: row.client_id.clone(),
        redirect_uris: row.redirect_uris.clone(),
        scopes: c
            .scopes
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| {
                ["openid", "groups", "profile", "email"]
                    .map(String::from)
                    .to_vec()
            }),
        response_type: c
            .response_types
            .as_ref()
            .and_then(|r| r.first().cloned())
            .unwrap_or_else(|| "code".into()),
        signing_alg: c
            .id_token_signed_response_alg
            .clone()
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "RS256".into()),
        pkce,
        pkce_method: c
            .pkce_challenge_method
            .clone()
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "S256".into()),
        templated: row.templated,
    })
}
