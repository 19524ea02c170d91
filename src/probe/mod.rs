//! After the write, prove the client works: validate the configuration with Authelia itself,
//! find the restart command that fits, probe the live provider (discovery, JWKS, a
//! credential-free authorization request) and explain an error line from Authelia or an app.
//!
//! Nothing here prints or runs a program by itself: external commands go through a
//! [`run::Runner`] the front end supplies (with its timeout), and every finding comes back as a
//! [`Line`]: one result with the fix.

pub mod authelia;
pub mod authorize;
pub mod explain;
pub mod facts;
pub mod http;
pub mod run;

use serde::Serialize;

pub use facts::{ClientFacts, client_facts};

/// One result of `test`: a check, whether it passed, what was found and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// Which check: `validate`, `restart`, `discovery`, `issuer`, `endpoints`, `jwks`,
    /// `authorize`.
    pub check: String,
    /// `pass`, `fail` or `skip` (could not be run here, or only offered: the fix says what to
    /// run by hand; not a failure).
    pub status: Status,
    /// What was found, one line.
    pub message: String,
    /// What to do, one line, when it did not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// The client field to change, when the fix is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// It passed.
    Pass,
    /// It failed: the fix says what to change.
    Fail,
    /// It could not be run here (no Authelia binary or container, a step before it failed).
    Skip,
}

impl Line {
    /// A passing check.
    pub fn pass(check: &str, message: impl Into<String>) -> Line {
        Line {
            check: check.into(),
            status: Status::Pass,
            message: message.into(),
            fix: None,
            field: None,
        }
    }

    /// A failing check with its fix.
    pub fn fail(check: &str, message: impl Into<String>, fix: impl Into<String>) -> Line {
        Line {
            check: check.into(),
            status: Status::Fail,
            message: message.into(),
            fix: Some(fix.into()),
            field: None,
        }
    }

    /// A check that could not run, with what to do instead.
    pub fn skip(check: &str, message: impl Into<String>, fix: impl Into<String>) -> Line {
        Line {
            check: check.into(),
            status: Status::Skip,
            message: message.into(),
            fix: Some(fix.into()),
            field: None,
        }
    }

    /// The same line naming the client field to change.
    pub fn with_field(mut self, field: &str) -> Line {
        self.field = Some(field.into());
        self
    }

    /// Whether it passed.
    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }
}

/// Whether the run passed (the exit status of `test`): no check failed and at least one passed.
pub fn all_pass(lines: &[Line]) -> bool {
    lines.iter().any(Line::passed) && lines.iter().all(|l| l.status != Status::Fail)
}

/// The issuer as compared: no trailing slash.
fn norm(u: &str) -> &str {
    u.trim_end_matches('/')
}

/// Whether a JWK can sign with `alg`: its `alg` is that one, or it has none and its key type
/// fits; never an encryption key.
pub fn key_fits(key: &serde_json::Value, alg: &str) -> bool {
    let s = |k: &str| key.get(k).and_then(|v| v.as_str());
    if s("use").is_some_and(|u| u != "sig") {
        return false;
    }
    if let Some(a) = s("alg") {
        return a == alg;
    }
    let kty = match alg.get(..2) {
        Some("RS" | "PS") => "RSA",
        Some("ES") => "EC",
        _ if alg == "EdDSA" => "OKP",
        _ => return false,
    };
    s("kty") == Some(kty)
}

/// Probes the live provider at `issuer` for the client: discovery, issuer, endpoints, JWKS and
/// a credential-free authorization request. Each step is one [`Line`]; a step that needs an
/// earlier one that failed is left out.
pub fn probe_live(client: &http::Client, issuer: &str, facts: &ClientFacts) -> Vec<Line> {
    let mut out = vec![];
    let url = format!("{}/.well-known/openid-configuration", norm(issuer));
    let reply = match client.get(&url) {
        Ok(r) => r,
        Err(e) => {
            out.push(Line::fail(
                "discovery",
                format!("{url}: {e}"),
                "check --auth-url (Authelia's URL as the app reaches it) and that Authelia runs",
            ));
            return out;
        }
    };
    let doc: serde_json::Value = match (reply.status, serde_json::from_str(&reply.body)) {
        (200, Ok(v @ serde_json::Value::Object(_))) => v,
        (status, _) => {
            out.push(Line::fail(
                "discovery",
                format!("{url}: HTTP {status}, not a discovery document"),
                "the URL must be Authelia's own (with identity_providers.oidc configured); a proxy may answer instead",
            ));
            return out;
        }
    };
    out.push(Line::pass("discovery", format!("{url} answers")));
    let s = |k: &str| doc.get(k).and_then(|v| v.as_str()).map(str::to_string);
    match s("issuer") {
        Some(i) if norm(&i) == norm(issuer) => {
            out.push(Line::pass("issuer", format!("issuer is {i}")));
        }
        Some(i) => out.push(Line::fail(
            "issuer",
            format!("issuer is '{i}', the configured URL is '{issuer}'"),
            "apps compare the issuer exactly: use the same URL in the app (and --auth-url), with the scheme and host the proxy forwards (X-Forwarded-Proto / Host)",
        )),
        None => out.push(Line::fail(
            "issuer",
            "the discovery document has no issuer",
            "this is not an OpenID Connect provider's discovery document",
        )),
    }
    let missing: Vec<&str> = ["authorization_endpoint", "token_endpoint", "jwks_uri"]
        .into_iter()
        .filter(|k| s(k).is_none())
        .collect();
    if missing.is_empty() {
        out.push(Line::pass(
            "endpoints",
            "authorization, token and JWKS endpoints listed",
        ));
    } else {
        out.push(Line::fail(
            "endpoints",
            format!("the discovery document lacks {}", missing.join(", ")),
            "Authelia lists them whenever identity_providers.oidc is configured: check that the URL is Authelia's",
        ));
    }
    if let Some(jwks_uri) = s("jwks_uri") {
        out.push(jwks_line(client, &jwks_uri, &facts.signing_alg));
    }
    if let Some(endpoint) = s("authorization_endpoint") {
        out.push(authorize_line(client, &endpoint, facts));
    }
    out
}

fn jwks_line(client: &http::Client, uri: &str, alg: &str) -> Line {
    let reply = match client.get(uri) {
        Ok(r) => r,
        Err(e) => {
            return Line::fail(
                "jwks",
                format!("{uri}: {e}"),
                "the JWKS must be reachable where the discovery document says",
            );
        }
    };
    let keys = serde_json::from_str::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|v| v.get("keys").and_then(|k| k.as_array()).cloned());
    match keys {
        None => Line::fail(
            "jwks",
            format!("{uri}: HTTP {}, no key set", reply.status),
            "add a signing key under identity_providers.oidc.jwks",
        ),
        Some(keys) if keys.iter().any(|k| key_fits(k, alg)) => Line::pass(
            "jwks",
            format!("{} key(s), one signs {alg}", keys.len()),
        ),
        Some(keys) => Line::fail(
            "jwks",
            format!("{} key(s), none signs {alg}", keys.len()),
            format!("add a {alg} key under identity_providers.oidc.jwks, or set the client's id_token_signed_response_alg to an algorithm a key has"),
        )
        .with_field("id_token_signed_response_alg"),
    }
}

fn authorize_line(client: &http::Client, endpoint: &str, facts: &ClientFacts) -> Line {
    use crate::secret::{Charset, generate};
    let (Ok(state), Ok(nonce), Ok(verifier)) = (
        generate(24, Charset::Alphanumeric),
        generate(24, Charset::Alphanumeric),
        generate(64, Charset::Rfc3986),
    ) else {
        return Line::skip(
            "authorize",
            "no random numbers from the OS for state and PKCE",
            "try again",
        );
    };
    if facts.redirect_uris.is_empty() {
        return Line::fail(
            "authorize",
            format!("client '{}' has no redirect_uris", facts.client_id),
            "add the app's callback URL",
        )
        .with_field("redirect_uris");
    }
    let url = authorize::request_url(endpoint, facts, &state, &nonce, &verifier);
    let reply = match client.get(&url) {
        Ok(r) => r,
        Err(e) => {
            return Line::fail(
                "authorize",
                format!("{endpoint}: {e}"),
                "the authorization endpoint must be reachable",
            );
        }
    };
    let redirect = &facts.redirect_uris[0];
    match authorize::classify(&reply) {
        authorize::Verdict::Accepted { to } => Line::pass(
            "authorize",
            format!(
                "client '{}', redirect URI {redirect}, scopes '{}'{} accepted: sent on to {}",
                facts.client_id,
                facts.scopes.join(" "),
                if facts.pkce { ", PKCE" } else { "" },
                to.split('?').next().unwrap_or(&to)
            ),
        ),
        authorize::Verdict::Rejected {
            field,
            code,
            description,
        } => {
            // The probe sends what the file says, so a refusal means the running provider
            // holds another configuration (not restarted, or another file) or the file's value
            // is one the provider cannot take.
            let id = &facts.client_id;
            let fix = match field {
                Some("client_id") => format!(
                    "the running provider has no client '{id}' though the file has it: restart Authelia (it reads the file only at start); still failing means it reads another file"
                ),
                Some("redirect_uris") => format!(
                    "the running provider refuses {redirect} for '{id}' though the file lists it: restart Authelia; the app must send exactly this URI"
                ),
                Some("scopes") => format!(
                    "the running provider refuses scopes '{}' for '{id}': restart Authelia; a scope it does not know needs identity_providers.oidc.scopes, or drop it: oidc-wizard edit {id} --set scopes=...",
                    facts.scopes.join(" ")
                ),
                Some("require_pkce") => format!(
                    "the running provider wants PKCE for '{id}' though the file does not require it (enforce_pkce, or an old configuration): restart Authelia and turn PKCE (S256) on in the app, then oidc-wizard edit {id} --set require_pkce=true"
                ),
                Some(f) => format!("change the client's {f} (restart Authelia after the change)"),
                None => "see oidc-wizard explain --text '<the error>'".into(),
            };
            let mut line = Line::fail("authorize", format!("refused: {code}: {description}"), fix);
            line.field = field.map(str::to_string);
            line
        }
        authorize::Verdict::Unclear { what } => Line::fail(
            "authorize",
            what,
            "open the authorization URL in a browser to see the provider's page",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_key_fits_by_its_alg_or_else_its_type_never_an_encryption_key() {
        assert!(key_fits(
            &json!({"kty": "RSA", "alg": "RS256", "use": "sig"}),
            "RS256"
        ));
        assert!(!key_fits(&json!({"kty": "RSA", "alg": "RS256"}), "ES256"));
        assert!(key_fits(&json!({"kty": "EC"}), "ES256"));
        assert!(key_fits(&json!({"kty": "RSA"}), "PS256"));
        assert!(!key_fits(&json!({"kty": "RSA", "use": "enc"}), "RS256"));
        assert!(!key_fits(&json!({"kty": "oct"}), "HS256"));
    }

    #[test]
    fn skipped_checks_do_not_fail_the_run_but_one_pass_is_needed() {
        let skip = Line::skip("validate", "x", "y");
        let fail = Line::fail("issuer", "x", "y");
        let pass = Line::pass("discovery", "x");
        assert!(all_pass(&[skip.clone(), pass.clone()]));
        assert!(!all_pass(std::slice::from_ref(&skip)));
        assert!(!all_pass(&[pass, fail, skip]));
    }
}
