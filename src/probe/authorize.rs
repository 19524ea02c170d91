//! The credential-free authorization request and how its answer is read.
//!
//! Authelia (v4.39.20) answers an authorization request from a browser without a session in
//! one of three ways, all redirects (never followed by the probe):
//!
//! * accepted: a 302 to the login portal, `<issuer>/?flow=openid_connect&flow_id=...`
//!   (handlers/handler_oauth2_authorization_consent_core.go:259-275), or to the consent page
//!   `<issuer>/consent/decision?...` (same file, :190-219);
//! * an error it may not send to the client (unknown client, redirect URI not registered): a
//!   302 to `<issuer>/consent/completion?error=...&error_description=...&error_hint=...`
//!   (oidc/errors.go:50-96; the library takes this path when the redirect URI is not valid,
//!   oauth2-provider response_handler.go:60-64);
//! * any other error: a 303 back to the redirect URI with `error`, `error_description` and
//!   `state` (response_handler.go:66-72 and :113-140).
//!
//! Other providers answer with a JSON or HTML error page instead of the completion redirect
//! (`oidc-provider` renders `<strong>error</strong>: invalid_client`); the reader takes the
//! error code and description from wherever they are.

use super::facts::ClientFacts;
use super::http::Reply;

/// What the provider made of the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Sent on to the login portal or consent: client, redirect URI, scopes and PKCE accepted.
    Accepted {
        /// Where the provider sent the browser.
        to: String,
    },
    /// Refused with an OAuth 2.0 error.
    Rejected {
        /// The client field the error points at, when it points at one.
        field: Option<&'static str>,
        /// The `error` code (`invalid_client`, `invalid_scope`, ...).
        code: String,
        /// `error_description` (and `error_hint` when sent apart), one line.
        description: String,
    },
    /// Neither: the answer is shown as it came.
    Unclear {
        /// What came back, one line.
        what: String,
    },
}

/// The error codes of RFC 6749 section 4.1.2.1 and the extensions Authelia and oidc-provider
/// send, longest first so `invalid_request_uri` is not read as `invalid_request`.
const CODES: &[&str] = &[
    "invalid_redirect_uri",
    "invalid_request_object",
    "invalid_request_uri",
    "unsupported_response_type",
    "unsupported_response_mode",
    "unauthorized_client",
    "registration_not_supported",
    "request_not_supported",
    "invalid_client_metadata",
    "consent_required",
    "interaction_required",
    "login_required",
    "invalid_request",
    "invalid_client",
    "invalid_scope",
    "invalid_state",
    "invalid_target",
    "access_denied",
    "server_error",
    "temporarily_unavailable",
];

/// The authorization request URL for a client: its id, first redirect URI, scopes,
/// `response_type`, a `state` and `nonce`, and where the client needs it, a PKCE challenge
/// (`S256` of `verifier`, or the verifier itself for `plain`).
pub fn request_url(
    endpoint: &str,
    facts: &ClientFacts,
    state: &str,
    nonce: &str,
    verifier: &str,
) -> String {
    let mut q: Vec<(&str, String)> = vec![
        ("client_id", facts.client_id.clone()),
        ("response_type", facts.response_type.clone()),
        ("scope", facts.scopes.join(" ")),
        ("state", state.to_string()),
        ("nonce", nonce.to_string()),
    ];
    if let Some(r) = facts.redirect_uris.first() {
        q.insert(1, ("redirect_uri", r.clone()));
    }
    if facts.pkce {
        if facts.pkce_method == "plain" {
            q.push(("code_challenge", verifier.to_string()));
            q.push(("code_challenge_method", "plain".into()));
        } else {
            q.push(("code_challenge", s256(verifier)));
            q.push(("code_challenge_method", "S256".into()));
        }
    }
    let sep = if endpoint.contains('?') { '&' } else { '?' };
    let query: Vec<String> = q
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    format!("{endpoint}{sep}{}", query.join("&"))
}

/// The S256 PKCE challenge of a verifier (RFC 7636 section 4.2).
pub fn s256(verifier: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space); bad escapes stay.
pub fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The query (or fragment) parameters of a URL, decoded.
pub fn params(url: &str) -> Vec<(String, String)> {
    let rest = match (url.find('?'), url.find('#')) {
        (Some(q), Some(h)) if q < h => format!("{}&{}", &url[q + 1..h], &url[h + 1..]),
        (Some(q), None) => url[q + 1..].to_string(),
        (_, Some(h)) => url[h + 1..].to_string(),
        (None, None) => String::new(),
    };
    rest.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

fn param<'a>(ps: &'a [(String, String)], key: &str) -> Option<&'a str> {
    ps.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// The text of an HTML page: tags dropped, entities of the usual five decoded, whitespace
/// folded.
fn html_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut in_tag = false;
    let lower = body.to_ascii_lowercase();
    // Drop <style> and <script> contents.
    let mut skip_to: Option<usize> = None;
    for (i, c) in body.char_indices() {
        if let Some(end) = skip_to {
            if i < end {
                continue;
            }
            skip_to = None;
        }
        if c == '<' {
            for tag in ["style", "script"] {
                if lower[i + 1..].starts_with(tag) {
                    skip_to = lower[i..]
                        .find(&format!("</{tag}>"))
                        .map(|e| i + e + tag.len() + 3);
                }
            }
            if skip_to.is_some() {
                continue;
            }
            in_tag = true;
        } else if c == '>' && in_tag {
            in_tag = false;
            out.push(' ');
        } else if !in_tag {
            out.push(c);
        }
    }
    let out = out
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The error code and description an answer carries, if it carries one.
pub fn error_of(reply: &Reply) -> Option<(String, String)> {
    if let Some(loc) = &reply.location {
        let ps = params(loc);
        if let Some(code) = param(&ps, "error") {
            let mut d = param(&ps, "error_description").unwrap_or("").to_string();
            if let Some(h) = param(&ps, "error_hint")
                && !d.contains(h)
            {
                d = format!("{d} {h}").trim().to_string();
            }
            return Some((code.to_string(), d));
        }
        return None;
    }
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(&reply.body)
        && let Some(code) = v.get("error").and_then(|e| e.as_str())
    {
        let mut d = v
            .get("error_description")
            .and_then(|e| e.as_str())
            .unwrap_or("")
            .to_string();
        if let Some(h) = v.get("error_hint").and_then(|e| e.as_str())
            && !d.contains(h)
        {
            d = format!("{d} {h}").trim().to_string();
        }
        return Some((code.to_string(), d));
    }
    let text = html_text(&reply.body);
    let code = CODES
        .iter()
        .filter_map(|c| text.find(c).map(|at| (at, *c)))
        .min()
        .map(|(_, c)| c)?;
    let desc = text
        .find("error_description")
        .map(|at| {
            let rest = text[at + "error_description".len()..].trim_start_matches([':', ' ', '=']);
            // Up to the next labelled field of the page.
            let end = ["error_", " state :", " state:", " iss :", " iss:"]
                .iter()
                .filter_map(|l| rest.find(l))
                .min()
                .unwrap_or(rest.len());
            rest[..end].trim().to_string()
        })
        .unwrap_or_default();
    Some((code.to_string(), desc))
}

/// The client field an error points at.
pub fn field_of(code: &str, description: &str) -> Option<&'static str> {
    let d = description.to_ascii_lowercase();
    if code == "invalid_client" || d.contains("client does not exist") {
        return Some("client_id");
    }
    if d.contains("pushed authorization request") {
        return Some("require_pushed_authorization_requests");
    }
    if d.contains("code_challenge_method") {
        return Some("pkce_challenge_method");
    }
    if d.contains("pkce") || d.contains("code_challenge") {
        return Some("require_pkce");
    }
    if code == "invalid_redirect_uri" || d.contains("redirect_uri") || d.contains("redirect uri") {
        return Some("redirect_uris");
    }
    match code {
        "invalid_scope" => Some("scopes"),
        "unsupported_response_type" => Some("response_types"),
        "unsupported_response_mode" => Some("response_modes"),
        "unauthorized_client" => Some("grant_types"),
        "access_denied" => Some("authorization_policy"),
        _ => None,
    }
}

/// Reads the answer to the authorization request.
pub fn classify(reply: &Reply) -> Verdict {
    if let Some((code, description)) = error_of(reply) {
        return Verdict::Rejected {
            field: field_of(&code, &description),
            code,
            description,
        };
    }
    match (&reply.location, reply.status) {
        (Some(to), 300..=399) => Verdict::Accepted { to: to.clone() },
        _ => Verdict::Unclear {
            what: format!(
                "HTTP {} without a redirect or an error code{}",
                reply.status,
                reply
                    .content_type
                    .as_deref()
                    .map(|c| format!(" ({c})"))
                    .unwrap_or_default()
            ),
        },
    }
}
