//! Every catalog app and setup, merged into a configuration without OIDC and written to disk,
//! holds Authelia v4.39.20's rules for what it reads back. The rules are written here from
//! Authelia's own source (its validator, schema and the oauth2 library it uses), independently
//! of the crate's `check`: each is a small function citing where the rule lives, applied to the
//! written file parsed as plain YAML. One assertion lists every app that breaks any rule.
//!
//! Sources (Authelia v4.39.20 unless named otherwise):
//! * `validator/...`: internal/configuration/validator/
//! * `schema/...`: internal/configuration/schema/
//! * `oauth2 ...`: authelia.com/provider/oauth2 v0.2.31 (Authelia's go.mod)

use oidc_wizard::catalog::{self, AppEntry, Setup};
use oidc_wizard::config::{self, OnDuplicate};
use oidc_wizard::plan::{self, Plan, Request, SecretState};
use oidc_wizard::provider::authelia::{KEY_ID, ProviderKeys, rsa_private_key_pem};
use serde_yaml::Value;
use std::collections::{BTreeMap, BTreeSet};

const PLAINTEXT: &str = "rules-test-plaintext-Zq9";
const DIGEST: &str = crate::common::INSECURE_DIGEST;

/// What the rules read: the written file, parsed.
pub(crate) struct Conf {
    root: Value,
    oidc: Value,
}

impl Conf {
    fn clients(&self) -> Vec<&Value> {
        seq(&self.oidc, "clients")
    }
    fn section_names(&self, path: &[&str]) -> BTreeSet<String> {
        let mut v = &self.oidc;
        for k in path {
            match v.get(*k) {
                Some(x) => v = x,
                None => return BTreeSet::new(),
            }
        }
        map_keys(v)
    }
}

// ---- weak decoding, as Authelia's (mapstructure with WeaklyTypedInput) -------------------------

fn seq<'a>(v: &'a Value, key: &str) -> Vec<&'a Value> {
    v.get(key)
        .and_then(|x| x.as_sequence())
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string option; absent or null is "".
fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(scalar).unwrap_or_default()
}

/// A list of strings; a single string is a list of one (Authelia's StringToSlice hook).
fn list(v: &Value, key: &str) -> Vec<String> {
    match v.get(key) {
        Some(Value::Sequence(s)) => s.iter().filter_map(scalar).collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn flag(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.as_str(), "true" | "1" | "True" | "TRUE"),
        _ => false,
    }
}

fn map_keys(v: &Value) -> BTreeSet<String> {
    v.as_mapping()
        .map(|m| m.keys().filter_map(scalar).collect())
        .unwrap_or_default()
}

fn has(list: &[&str], s: &str) -> bool {
    list.contains(&s)
}

// ---- constants from Authelia's source ----------------------------------------------------------

/// validator/const.go:594 (validOIDCClientScopes).
const STANDARD_SCOPES: &[&str] = &[
    "openid",
    "email",
    "profile",
    "address",
    "phone",
    "groups",
    "offline_access",
    "offline",
    "authelia.bearer.authz",
];
/// validator/const.go:595 (validOIDCClientConsentModes) and 493 (`auto`).
const CONSENT_MODES: &[&str] = &["", "auto", "implicit", "explicit", "pre-configured"];
/// validator/const.go:596 (validOIDCClientResponseModes).
const RESPONSE_MODES: &[&str] = &[
    "form_post",
    "query",
    "fragment",
    "jwt",
    "form_post.jwt",
    "query.jwt",
    "fragment.jwt",
];
/// validator/const.go:597-600.
const RESPONSE_TYPES: &[&str] = &[
    "code",
    "id_token",
    "token",
    "id_token token",
    "code id_token",
    "code token",
    "code id_token token",
];
const IMPLICIT_TYPES: &[&str] = &["id_token", "token", "id_token token"];
const HYBRID_TYPES: &[&str] = &["code id_token", "code token", "code id_token token"];
const REFRESH_TYPES: &[&str] = &["code", "code id_token", "code token", "code id_token token"];
/// validator/const.go:601 (validOIDCClientGrantTypes).
const GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "client_credentials",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:device_code",
];
/// validator/const.go:603 (validOIDCClientTokenEndpointAuthMethods).
const AUTH_METHODS: &[&str] = &[
    "none",
    "client_secret_post",
    "client_secret_basic",
    "private_key_jwt",
    "client_secret_jwt",
];
/// validator/const.go:605.
const CLIENT_SECRET_JWT_ALGS: &[&str] = &["HS256", "HS384", "HS512"];
/// validator/const.go:606 (validOIDCIssuerJWKSigningAlgs).
const JWK_SIGNING_ALGS: &[&str] = &[
    "RS256", "PS256", "ES256", "RS384", "PS384", "ES384", "RS512", "PS512", "ES512",
];
/// validator/const.go:590 (validOIDCReservedClaims).
const RESERVED_CLAIMS: &[&str] = &[
    "jti",
    "azp",
    "client_id",
    "scope",
    "scp",
    "iss",
    "sub",
    "aud",
    "sid",
    "s_hash",
    "c_hash",
    "iat",
    "updated_at",
    "nbf",
    "exp",
    "auth_time",
    "amr",
    "acr",
    "nonce",
];
/// validator/const.go:592 (validOIDCReservedIDTokenClaims).
const RESERVED_ID_TOKEN_CLAIMS: &[&str] = &[
    "jti",
    "azp",
    "scope",
    "iss",
    "sub",
    "aud",
    "sid",
    "s_hash",
    "c_hash",
    "iat",
    "nbf",
    "exp",
    "auth_time",
    "amr",
    "acr",
    "nonce",
];
/// validator/const.go:593 (validOIDCClientClaims).
const CLIENT_CLAIMS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "middle_name",
    "nickname",
    "preferred_username",
    "profile",
    "picture",
    "website",
    "email",
    "email_verified",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_number_verified",
    "address",
    "groups",
    "alt_emails",
    "rat",
    "updated_at",
];
/// The attributes a claim may read without a definition, with the file backend:
/// validator/const.go:652-675 (validUserAttributes), used by identity_providers.go:300-302.
/// (internal/expression/const.go:4-34 has a few more names, e.g. `email_verified`, that the
/// expression language knows but this check does not accept.)
const USER_ATTRIBUTES: &[&str] = &[
    "username",
    "groups",
    "display_name",
    "email",
    "emails",
    "given_name",
    "middle_name",
    "family_name",
    "nickname",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_extension",
    "street_address",
    "locality",
    "region",
    "postal_code",
    "country",
];
/// The keys a client may have: schema/keys.go:150-214. Any other key stops Authelia at load
/// ("configuration key not expected").
const CLIENT_KEYS: &[&str] = &[
    "access_token_encrypted_response_alg",
    "access_token_encrypted_response_enc",
    "access_token_encrypted_response_key_id",
    "access_token_signed_response_alg",
    "access_token_signed_response_key_id",
    "allow_multiple_auth_methods",
    "audience",
    "authorization_encrypted_response_alg",
    "authorization_encrypted_response_enc",
    "authorization_encrypted_response_key_id",
    "authorization_policy",
    "authorization_signed_response_alg",
    "authorization_signed_response_key_id",
    "claims_policy",
    "client_id",
    "client_name",
    "client_secret",
    "consent_mode",
    "grant_types",
    "id_token_encrypted_response_alg",
    "id_token_encrypted_response_enc",
    "id_token_encrypted_response_key_id",
    "id_token_signed_response_alg",
    "id_token_signed_response_key_id",
    "introspection_encrypted_response_alg",
    "introspection_encrypted_response_enc",
    "introspection_encrypted_response_key_id",
    "introspection_endpoint_auth_method",
    "introspection_endpoint_auth_signing_alg",
    "introspection_signed_response_alg",
    "introspection_signed_response_key_id",
    "jwks",
    "jwks_uri",
    "lifespan",
    "pkce_challenge_method",
    "pre_configured_consent_duration",
    "public",
    "pushed_authorization_request_endpoint_auth_method",
    "pushed_authorization_request_endpoint_auth_signing_alg",
    "redirect_uris",
    "request_object_encryption_alg",
    "request_object_encryption_enc",
    "request_object_signing_alg",
    "request_uris",
    "requested_audience_mode",
    "require_pkce",
    "require_pushed_authorization_requests",
    "response_modes",
    "response_types",
    "revocation_endpoint_auth_method",
    "revocation_endpoint_auth_signing_alg",
    "scopes",
    "sector_identifier_uri",
    "token_endpoint_auth_method",
    "token_endpoint_auth_signing_alg",
    "userinfo_encrypted_response_alg",
    "userinfo_encrypted_response_enc",
    "userinfo_encrypted_response_key_id",
    "userinfo_signed_response_alg",
    "userinfo_signed_response_key_id",
];

/// `^[a-zA-Z0-9._~-]+$`: validator/const.go:623 (reRFC3986Unreserved).
fn rfc3986_unreserved(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._~-".contains(&b))
}

/// `^([a-zA-Z0-9](([a-zA-Z0-9._~-]*)([a-zA-Z0-9]))?)?$`: validator/const.go:622.
fn key_id_valid(s: &str) -> bool {
    let b = s.as_bytes();
    s.is_empty()
        || (b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric()
            && rfc3986_unreserved(s))
}

// ---- a URL parsed the way Go's net/url.Parse does (the parts these rules need) -----------------

struct GoUrl {
    scheme: String,
    host: String,
    fragment: Option<String>,
}

/// Go's `url.Parse` (net/url/url.go): the scheme, `//authority`, the fragment; refuses what Go
/// refuses (a bad `%` escape, control characters, a bad port, unbalanced brackets).
fn go_parse(raw: &str) -> Result<GoUrl, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("invalid control character in URL".into());
    }
    let (rest, fragment) = match raw.split_once('#') {
        Some((a, f)) => (a, Some(f.to_string())),
        None => (raw, None),
    };
    let bytes = raw.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let ok = bytes.get(i + 1).is_some_and(|c| c.is_ascii_hexdigit())
                && bytes.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit());
            if !ok {
                return Err(format!("invalid URL escape in {raw:?}"));
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    // getScheme: letters first, then letters, digits, + - .; stops at ':'.
    let mut scheme = String::new();
    let mut after = rest;
    for (n, c) in rest.char_indices() {
        if c.is_ascii_alphabetic() || (n > 0 && (c.is_ascii_digit() || "+-.".contains(c))) {
            continue;
        }
        if c == ':' {
            if n == 0 {
                return Err("missing protocol scheme".into());
            }
            scheme = rest[..n].to_ascii_lowercase();
            after = &rest[n + 1..];
        }
        break;
    }
    let mut host = String::new();
    if let Some(auth_rest) = after.strip_prefix("//") {
        let end = auth_rest.find(['/', '?']).unwrap_or(auth_rest.len());
        let authority = &auth_rest[..end];
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        if hostport.contains(' ') {
            return Err("invalid character \" \" in host name".into());
        }
        let (h, port) = if let Some(b) = hostport.strip_prefix('[') {
            let close = b.find(']').ok_or("missing ']' in host")?;
            let after_close = &b[close + 1..];
            let port = match after_close {
                "" => "",
                p => p.strip_prefix(':').ok_or("invalid port after host")?,
            };
            (format!("[{}]", &b[..close]), port)
        } else {
            if hostport.contains(']') {
                return Err("unexpected ']' in host".into());
            }
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p),
                None => (hostport.to_string(), ""),
            }
        };
        if !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("invalid port {port:?} after host"));
        }
        host = h;
    }
    Ok(GoUrl {
        scheme,
        host,
        fragment,
    })
}

/// `uri.Hostname()` without brackets.
fn hostname(u: &GoUrl) -> String {
    u.host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Go's `net.ParseIP(h).IsLoopback()`: 127.0.0.0/8 in dotted-quad form, or ::1.
fn is_loopback_ip(h: &str) -> bool {
    match h.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

// ---- the rules ---------------------------------------------------------------------------------

/// What the rules find: errors (Authelia refuses to start, or the client can never sign in)
/// and warnings (Authelia starts and logs them), each warning with the value it is about.
#[derive(Default, Debug)]
pub(crate) struct Out {
    pub(crate) errors: Vec<String>,
    pub(crate) warnings: Vec<(String, String)>,
}

impl Out {
    fn push(&mut self, e: String) {
        self.errors.push(e);
    }
    fn warn(&mut self, subject: &str, w: String) {
        self.warnings.push((subject.to_string(), w));
    }
}

/// The file has one `identity_providers.oidc` mapping with clients.
/// validator/identity_providers.go:61-65 (no clients is an error).
fn rule_provider_present(c: &Conf, out: &mut Out) {
    if !c.oidc.is_mapping() {
        out.push("identity_providers.oidc is not a mapping".into());
    } else if c.clients().is_empty() {
        out.push("identity_providers.oidc.clients is empty".into());
    }
}

/// hmac_secret: Authelia hashes whatever string it is into the 32-byte global secret
/// (internal/oidc/config.go:32); the validator has no length rule. A first-time setup must write
/// one, as a non-empty string.
fn rule_hmac_secret(c: &Conf, out: &mut Out) {
    match c.oidc.get("hmac_secret") {
        Some(Value::String(s)) if !s.is_empty() => {}
        other => out.push(format!("hmac_secret is not a non-empty string: {other:?}")),
    }
}

/// jwks: required (identity_providers.go:315-328); each key present, RSA >= 2048 bits
/// (497-516), key_id <= 100 and matching const.go:622 (397-425), unique per use (408-421), use
/// `sig`/`enc` (436-449), alg in const.go:606 (451-465); at least one RS256 key (431-433).
fn rule_jwks(c: &Conf, out: &mut Out) {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::PublicKeyParts;
    let keys = seq(&c.oidc, "jwks");
    if keys.is_empty() {
        out.push("jwks is required".into());
        return;
    }
    let mut sig_ids = BTreeSet::new();
    let mut algs = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        let n = i + 1;
        let pem = text(k, "key");
        match rsa::PrivateKey::from_pkcs8_pem(&pem) {
            Ok(key) if key.size() >= 256 => {}
            Ok(key) => out.push(format!("jwks #{n}: RSA key of {} bits", key.size() * 8)),
            Err(e) => out.push(format!("jwks #{n}: the key is not an RSA PKCS#8 PEM: {e}")),
        }
        let kid = text(k, "key_id");
        if kid.len() > 100 || !key_id_valid(&kid) {
            out.push(format!("jwks #{n}: key_id {kid:?} is not valid"));
        }
        let use_ = text(k, "use");
        if !["", "sig"].contains(&use_.as_str()) {
            out.push(format!("jwks #{n}: use {use_:?}"));
        }
        if !kid.is_empty() && !sig_ids.insert(kid.clone()) {
            out.push(format!("jwks #{n}: key_id {kid:?} is not unique"));
        }
        let alg = text(k, "algorithm");
        if !alg.is_empty() && !has(JWK_SIGNING_ALGS, &alg) {
            out.push(format!("jwks #{n}: algorithm {alg:?}"));
        }
        // An RSA key without an algorithm defaults to RS256 (schemaJWKGetProperties).
        algs.push(if alg.is_empty() { "RS256".into() } else { alg });
    }
    if !algs.iter().any(|a| a == "RS256") {
        out.push(format!("jwks: no RS256 key, only {algs:?}"));
    }
}

/// Every client key is one Authelia knows: schema/keys.go:150-214.
fn rule_client_keys(id: &str, cl: &Value, out: &mut Out) {
    for k in map_keys(cl) {
        if !has(CLIENT_KEYS, &k) {
            out.push(format!("{id}: unknown option {k:?}"));
        }
    }
}

/// client_id: non-empty, at most 100 characters, RFC 3986 unreserved characters only:
/// identity_providers.go:626-634.
fn rule_client_id(id: &str, out: &mut Out) {
    if id.is_empty() {
        out.push("a client has an empty client_id".into());
    } else if id.len() > 100 {
        out.push(format!("{id}: client_id longer than 100"));
    } else if !rfc3986_unreserved(id) {
        out.push(format!(
            "{id}: client_id has characters outside [a-zA-Z0-9._~-]"
        ));
    }
}

/// client ids are unique: identity_providers.go:640-661.
fn rule_unique_ids(c: &Conf, out: &mut Out) {
    let mut seen = BTreeSet::new();
    for cl in c.clients() {
        let id = text(cl, "client_id");
        if !seen.insert(id.clone()) {
            out.push(format!("{id}: client_id is not unique"));
        }
    }
}

/// authorization_policy: one_factor only with client_credentials (669-677); else empty,
/// one_factor, two_factor or a defined policy (678-684, 69); a defined policy is valid (68-133).
fn rule_authorization_policy(c: &Conf, id: &str, cl: &Value, out: &mut Out) {
    let p = text(cl, "authorization_policy");
    let ccg = list(cl, "grant_types")
        .iter()
        .any(|g| g == "client_credentials");
    let defined = c.section_names(&["authorization_policies"]);
    if ccg {
        if !["", "one_factor"].contains(&p.as_str()) {
            out.push(format!(
                "{id}: client_credentials needs authorization_policy one_factor, not {p:?}"
            ));
        }
    } else if !(["", "one_factor", "two_factor"].contains(&p.as_str()) || defined.contains(&p)) {
        out.push(format!(
            "{id}: authorization_policy {p:?} is not one_factor, two_factor or a defined policy"
        ));
    }
    if defined.contains(&p) {
        let pol = &c.oidc["authorization_policies"][p.as_str()];
        if ["one_factor", "two_factor", "deny", ""].contains(&p.as_str()) {
            out.push(format!(
                "{id}: policy name {p:?} is reserved (identity_providers.go:74-82)"
            ));
        }
        let dp = text(pol, "default_policy");
        if !["", "one_factor", "two_factor", "deny"].contains(&dp.as_str()) {
            out.push(format!("{id}: policy {p}: default_policy {dp:?}"));
        }
        let rules = seq(pol, "rules");
        if rules.is_empty() {
            out.push(format!("{id}: policy {p}: no rules"));
        }
        for r in rules {
            let rp = text(r, "policy");
            if !["", "one_factor", "two_factor", "deny"].contains(&rp.as_str()) {
                out.push(format!("{id}: policy {p}: rule policy {rp:?}"));
            }
            // schema/keys.go:136-138: the options are `networks`, `policy` and `subject`.
            for k in map_keys(r) {
                if !["networks", "policy", "subject"].contains(&k.as_str()) {
                    out.push(format!("{id}: policy {p}: unknown rule option {k:?}"));
                }
            }
            if list(r, "subject").is_empty()
                && seq(r, "subject").is_empty()
                && list(r, "networks").is_empty()
            {
                out.push(format!(
                    "{id}: policy {p}: a rule without subject or networks (120-124)"
                ));
            }
        }
    }
}

/// lifespan: empty or a name under lifespans.custom: identity_providers.go:686-695, 135-139.
fn rule_lifespan(c: &Conf, id: &str, cl: &Value, out: &mut Out) {
    let l = text(cl, "lifespan");
    if !l.is_empty() && !c.section_names(&["lifespans", "custom"]).contains(&l) {
        out.push(format!("{id}: lifespan {l:?} is not defined"));
    }
}

/// pkce_challenge_method: empty, plain or S256 (identity_providers.go:697-702); `plain` only
/// works when the provider enables it (oauth2 handler/pkce/handler.go:92, fed by
/// internal/oidc/config.go:42 from enable_pkce_plain_challenge).
fn rule_pkce(c: &Conf, id: &str, cl: &Value, out: &mut Out) {
    let m = text(cl, "pkce_challenge_method");
    match m.as_str() {
        "" | "S256" => {}
        "plain" if flag(&c.oidc, "enable_pkce_plain_challenge") => {}
        "plain" => out.push(format!(
            "{id}: pkce plain without enable_pkce_plain_challenge"
        )),
        other => out.push(format!("{id}: pkce_challenge_method {other:?}")),
    }
    let e = text(&c.oidc, "enforce_pkce");
    if !["", "always", "never", "public_clients_only"].contains(&e.as_str()) {
        out.push(format!("enforce_pkce {e:?} (identity_providers.go:52-57)"));
    }
}

/// requested_audience_mode: empty, explicit or implicit: identity_providers.go:704-711.
fn rule_audience_mode(id: &str, cl: &Value, out: &mut Out) {
    let m = text(cl, "requested_audience_mode");
    if !["", "explicit", "implicit"].contains(&m.as_str()) {
        out.push(format!("{id}: requested_audience_mode {m:?}"));
    }
}

/// consent_mode: one of const.go:595 or empty: identity_providers.go:937-953.
fn rule_consent_mode(id: &str, cl: &Value, out: &mut Out) {
    let m = text(cl, "consent_mode");
    if !has(CONSENT_MODES, &m) {
        out.push(format!("{id}: consent_mode {m:?}"));
    }
}

/// scopes: each standard (const.go:594) or defined under `scopes:` (identity_providers.go:966-978;
/// a warning in Authelia, so the tool must tell the user too, see the main test); client_credentials
/// clients may not ask for openid/offline (1101-1107); claims_policy names a defined policy
/// (982-988); a custom scope's claims are provided by that policy (990-1013).
fn rule_scopes(c: &Conf, id: &str, cl: &Value, out: &mut Out) {
    let scopes = list(cl, "scopes");
    let custom = c.section_names(&["scopes"]);
    for s in &scopes {
        if !has(STANDARD_SCOPES, s) && !custom.contains(s) {
            out.warn(
                s,
                format!("{id}: scope {s:?} is neither standard nor defined"),
            );
        }
    }
    if list(cl, "grant_types")
        .iter()
        .any(|g| g == "client_credentials")
    {
        for s in &scopes {
            if ["openid", "offline", "offline_access"].contains(&s.as_str()) {
                out.push(format!("{id}: client_credentials client asks for {s:?}"));
            }
        }
    }
    let policy_name = text(cl, "claims_policy");
    let policy = if policy_name.is_empty() {
        None
    } else {
        match c
            .oidc
            .get("claims_policies")
            .and_then(|p| p.get(policy_name.as_str()))
        {
            Some(p) => Some(p),
            None => {
                out.push(format!(
                    "{id}: claims_policy {policy_name:?} is not defined"
                ));
                None
            }
        }
    };
    let Some(policy) = policy else { return };
    let provided: BTreeSet<String> = policy
        .get("custom_claims")
        .and_then(|m| m.as_mapping())
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let name = text(v, "name");
                    if name.is_empty() {
                        scalar(k)
                    } else {
                        Some(name)
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    for s in &scopes {
        if has(STANDARD_SCOPES, s) {
            continue;
        }
        let Some(def) = c.oidc.get("scopes").and_then(|x| x.get(s.as_str())) else {
            continue;
        };
        for claim in list(def, "claims") {
            if !has(CLIENT_CLAIMS, &claim) && !provided.contains(&claim) {
                out.push(format!("{id}: scope {s} needs claim {claim:?}, which claims policy {policy_name} does not provide"));
            }
        }
    }
}

/// response_types known (identity_providers.go:1109-1129), response_modes known (1131-1165),
/// grant_types known (1167-1189) and consistent with the response types (1214-1251): code for
/// authorization_code, an implicit/hybrid type for implicit, refresh_token with offline_access
/// and a code type, client_credentials never public; offline_access needs a code type
/// (1015-1024). Mismatches are warnings in Authelia, but such a client cannot complete its flow.
fn rule_flows(id: &str, cl: &Value, out: &mut Out) {
    let public = flag(cl, "public");
    let rt = list(cl, "response_types");
    let rt = if rt.is_empty() {
        vec!["code".to_string()]
    } else {
        rt
    };
    let scopes = list(cl, "scopes");
    let mut gt = list(cl, "grant_types");
    if gt.is_empty() {
        // validateOIDCClientGrantTypesSetDefaults, 1191-1212.
        for r in &rt {
            if r == "code" || has(HYBRID_TYPES, r) {
                gt.push("authorization_code".into());
            }
            if has(IMPLICIT_TYPES, r) || has(HYBRID_TYPES, r) {
                gt.push("implicit".into());
            }
        }
    }
    for r in &rt {
        if !has(RESPONSE_TYPES, r) {
            out.push(format!("{id}: response type {r:?}"));
        }
    }
    for m in list(cl, "response_modes") {
        if !has(RESPONSE_MODES, &m) {
            out.push(format!("{id}: response mode {m:?}"));
        }
    }
    let any = |set: &[&str]| rt.iter().any(|r| has(set, r));
    for g in &gt {
        if !has(GRANT_TYPES, g) {
            out.push(format!("{id}: grant type {g:?}"));
        }
        match g.as_str() {
            "authorization_code" if !rt.iter().any(|r| r == "code") && !any(HYBRID_TYPES) => out
                .push(format!(
                    "{id}: authorization_code without a code response type"
                )),
            "implicit" if !any(IMPLICIT_TYPES) && !any(HYBRID_TYPES) => out.push(format!(
                "{id}: implicit grant without an implicit response type"
            )),
            "client_credentials" if public => {
                out.push(format!("{id}: client_credentials on a public client"))
            }
            "refresh_token" => {
                if !scopes
                    .iter()
                    .any(|s| s == "offline_access" || s == "offline")
                {
                    out.push(format!(
                        "{id}: refresh_token grant without offline_access scope"
                    ));
                }
                if !any(REFRESH_TYPES) {
                    out.push(format!(
                        "{id}: refresh_token grant without a code response type"
                    ));
                }
            }
            _ => {}
        }
    }
    if scopes
        .iter()
        .any(|s| s == "offline_access" || s == "offline")
        && !any(REFRESH_TYPES)
    {
        out.push(format!("{id}: offline_access without a code response type"));
    }
}

/// redirect_uris: each parses as Go's url.Parse does and is absolute (identity_providers.go:
/// 1253-1278; the out-of-band URN only for public clients, 1260-1268); no fragment (oauth2
/// uri.go:26-38); no wildcard, as registered URIs match by exact string (oauth2 uri.go:187-193);
/// a public client's `http` URI only to localhost or a loopback IP (oauth2 uri.go:40-55, checked
/// for public clients in handler/oauth2/flow_authorize_code_auth.go:62). A client using the
/// code flow needs at least one.
fn rule_redirect_uris(id: &str, cl: &Value, out: &mut Out) {
    let public = flag(cl, "public");
    let uris = list(cl, "redirect_uris");
    let ccg_only = {
        let g = list(cl, "grant_types");
        !g.is_empty()
            && g.iter().all(|g| {
                g == "client_credentials" || g == "urn:ietf:params:oauth:grant-type:device_code"
            })
    };
    if uris.is_empty() && !ccg_only {
        out.push(format!("{id}: no redirect_uris"));
    }
    let mut seen = BTreeSet::new();
    for u in &uris {
        if !seen.insert(u) {
            out.push(format!("{id}: redirect URI {u} twice"));
        }
        if u == "urn:ietf:wg:oauth:2.0:oob" {
            if !public {
                out.push(format!("{id}: {u} on a confidential client"));
            }
            continue;
        }
        let p = match go_parse(u) {
            Ok(p) => p,
            Err(e) => {
                out.push(format!("{id}: redirect URI {u:?} does not parse: {e}"));
                continue;
            }
        };
        if p.scheme.is_empty() {
            out.push(format!("{id}: redirect URI {u:?} is not absolute"));
        }
        if p.fragment.is_some() {
            out.push(format!("{id}: redirect URI {u:?} has a fragment"));
        }
        if u.contains('*') {
            out.push(format!("{id}: redirect URI {u:?} has a wildcard"));
        }
        if public && p.scheme == "http" {
            let h = hostname(&p);
            if !(h == "localhost" || h.ends_with(".localhost") || is_loopback_ip(&h)) {
                out.push(format!("{id}: public client with http redirect URI {u:?}"));
            }
        }
    }
}

/// The digest forms Authelia's decoder reads (schema/types.go:40-53: go-crypt's default
/// decoder plus plaintext): argon2, bcrypt, pbkdf2, scrypt, sha2crypt, `$plaintext$`. A value
/// not starting with `$` is a (deprecated) plaintext secret. The pbkdf2 form the wizard writes
/// is checked in full: `$pbkdf2[-shaN]$<iterations>$<salt>$<key>`, adapted base64.
fn digest_form_ok(d: &str) -> Result<(), String> {
    if !d.starts_with('$') {
        return Ok(());
    }
    let parts: Vec<&str> = d.split('$').collect();
    let id = parts.get(1).copied().unwrap_or("");
    match id {
        "pbkdf2" | "pbkdf2-sha1" | "pbkdf2-sha224" | "pbkdf2-sha256" | "pbkdf2-sha384"
        | "pbkdf2-sha512" => {
            let ab64 = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'/')
            };
            let ok = parts.len() == 5
                && parts[2]
                    .parse::<u32>()
                    .is_ok_and(|n| n > 0 && n <= i32::MAX as u32)
                && ab64(parts[3])
                && ab64(parts[4]);
            if ok {
                Ok(())
            } else {
                Err(format!("malformed pbkdf2 digest {d:?}"))
            }
        }
        "argon2id" | "argon2i" | "argon2d" | "2a" | "2b" | "2y" | "bcrypt-sha256" | "scrypt"
        | "5" | "6" | "plaintext" => Ok(()),
        other => Err(format!("unknown digest algorithm {other:?}")),
    }
}

/// Secret present or absent by client type and endpoint auth method, and the method itself:
/// identity_providers.go:1316-1379 (repeated for revocation/introspection/PAR, 736-774).
/// * the method is one of const.go:603; a public client uses `none`; `none` on a confidential
///   client only for the implicit flow;
/// * a secret-based method on a confidential client needs a secret (1361-1362, 768-770);
///   client_secret_jwt needs a plaintext one (1363-1368) and an HS* alg (1381-1390);
/// * private_key_jwt needs an alg and the client's jwks or jwks_uri (1392-1407);
/// * a public client has no secret (1370-1373, 772-774); a confidential client using `none` or
///   private_key_jwt has none either (1374).
fn rule_secret_and_auth_method(id: &str, cl: &Value, out: &mut Out) {
    let public = flag(cl, "public");
    let secret = cl.get("client_secret").filter(|v| !v.is_null());
    let secret_text = secret.and_then(scalar).unwrap_or_default();
    let rt = list(cl, "response_types");
    let implicit = !rt.is_empty() && IMPLICIT_TYPES.iter().all(|t| rt.iter().any(|r| r == t));
    if let Some(s) = secret {
        if !matches!(s, Value::String(_)) {
            out.push(format!("{id}: client_secret is not a string"));
        } else if let Err(e) = digest_form_ok(&secret_text) {
            out.push(format!("{id}: client_secret: {e}"));
        }
    }
    let plaintext = !secret_text.is_empty()
        && (!secret_text.starts_with('$') || secret_text.starts_with("$plaintext$"));
    for key in [
        "token_endpoint_auth_method",
        "revocation_endpoint_auth_method",
        "introspection_endpoint_auth_method",
        "pushed_authorization_request_endpoint_auth_method",
    ] {
        let mut m = text(cl, key);
        if m.is_empty() {
            m = if public {
                "none"
            } else {
                "client_secret_basic"
            }
            .into();
        } else if !has(AUTH_METHODS, &m) {
            out.push(format!("{id}: {key} {m:?}"));
            continue;
        } else if m == "none" && !public && !implicit {
            out.push(format!("{id}: {key} none on a confidential client"));
        } else if m != "none" && public {
            out.push(format!("{id}: {key} {m} on a public client"));
        }
        let uses_secret = matches!(
            m.as_str(),
            "client_secret_basic" | "client_secret_post" | "client_secret_jwt"
        );
        if uses_secret {
            if !public && secret_text.is_empty() {
                out.push(format!("{id}: {key} {m} without client_secret"));
            }
            if m == "client_secret_jwt" {
                if !public && !secret_text.is_empty() && !plaintext {
                    out.push(format!("{id}: client_secret_jwt needs a plaintext secret"));
                }
                let alg_key = key.replace("_method", "_signing_alg");
                let alg = text(cl, &alg_key);
                if !alg.is_empty() && !has(CLIENT_SECRET_JWT_ALGS, &alg) {
                    out.push(format!("{id}: {alg_key} {alg:?} with client_secret_jwt"));
                }
            }
        } else {
            if m == "private_key_jwt" {
                let alg_key = key.replace("_method", "_signing_alg");
                let alg = text(cl, &alg_key);
                if alg.is_empty() || !has(JWK_SIGNING_ALGS, &alg) {
                    out.push(format!("{id}: private_key_jwt with {alg_key} {alg:?}"));
                }
                if cl.get("jwks_uri").is_none() && seq(cl, "jwks").is_empty() {
                    out.push(format!("{id}: private_key_jwt without jwks or jwks_uri"));
                }
            }
            if secret.is_some() {
                out.push(format!("{id}: has a client_secret but {key} is {m}"));
            }
        }
    }
}

/// `*_signed_response_alg` / `_key_id`: identity_providers.go:1409-1477 with the defaults of
/// 1529-1565. RS256 or empty always works; `none` is refused for ID tokens and authorization
/// responses; HS* needs a plaintext secret; any other alg needs a provider key with it; a key id
/// must name a provider key. The request object alg of a client with `jwks` needs a key with it (852-854).
fn rule_signing_algs(c: &Conf, id: &str, cl: &Value, out: &mut Out) {
    let provider: Vec<(String, String)> = seq(&c.oidc, "jwks")
        .iter()
        .map(|k| {
            let a = text(k, "algorithm");
            (
                if a.is_empty() { "RS256".into() } else { a },
                text(k, "key_id"),
            )
        })
        .collect();
    let secret = text(cl, "client_secret");
    let plaintext =
        !secret.is_empty() && (!secret.starts_with('$') || secret.starts_with("$plaintext$"));
    for attr in [
        "authorization",
        "id_token",
        "access_token",
        "userinfo",
        "introspection",
    ] {
        let alg = text(cl, &format!("{attr}_signed_response_alg"));
        let kid = text(cl, &format!("{attr}_signed_response_key_id"));
        if !kid.is_empty() {
            if !provider.iter().any(|(_, k)| *k == kid) {
                out.push(format!(
                    "{id}: {attr}_signed_response_key_id {kid:?} names no provider key"
                ));
            }
            continue;
        }
        match alg.as_str() {
            "" | "RS256" => {}
            "none" => {
                if attr == "id_token" || attr == "authorization" {
                    out.push(format!("{id}: {attr}_signed_response_alg none"));
                }
            }
            "HS256" | "HS384" | "HS512" => {
                if !plaintext {
                    out.push(format!(
                        "{id}: {attr}_signed_response_alg {alg} needs a plaintext secret"
                    ));
                }
            }
            other => {
                if !provider.iter().any(|(a, _)| a == other) {
                    out.push(format!(
                        "{id}: {attr}_signed_response_alg {other} has no provider key"
                    ));
                }
            }
        }
    }
    // 852-854 sit in validateOIDCClientJSONWebKeysList, which runs only for a client with
    // `jwks` (785-786).
    let ros = text(cl, "request_object_signing_alg");
    if !ros.is_empty() && cl.get("jwks_uri").is_none() && !seq(cl, "jwks").is_empty() {
        let client_algs: Vec<String> = seq(cl, "jwks")
            .iter()
            .map(|k| text(k, "algorithm"))
            .collect();
        if !client_algs.contains(&ros) {
            out.push(format!(
                "{id}: request_object_signing_alg {ros} without a client key for it"
            ));
        }
    }
}

/// Claims policies: a custom claim's name is not reserved (identity_providers.go:159-161) nor
/// mapped twice (171-175); its attribute (the claim's key when empty, 154-157) is a known user
/// attribute: a `definitions.user_attributes` entry (237-239) or, with the file backend, one of
/// const.go:652-675 (300-302) or the file backend's `extra_attributes` (308-310); id_token and
/// access_token claims are not reserved and are known (182-205); id_token_audience_mode valid
/// (190-197).
fn rule_claims_policies(c: &Conf, out: &mut Out) {
    let definitions = c
        .root
        .get("definitions")
        .and_then(|d| d.get("user_attributes"))
        .map(map_keys)
        .unwrap_or_default();
    let extra = c
        .root
        .get("authentication_backend")
        .and_then(|a| a.get("file"))
        .and_then(|f| f.get("extra_attributes"))
        .map(map_keys)
        .unwrap_or_default();
    let ldap = c
        .root
        .get("authentication_backend")
        .and_then(|a| a.get("ldap"))
        .is_some();
    let Some(policies) = c.oidc.get("claims_policies").and_then(|p| p.as_mapping()) else {
        return;
    };
    for (name, policy) in policies {
        let name = scalar(name).unwrap_or_default();
        let mut claims = Vec::new();
        let mut seen = BTreeMap::new();
        if let Some(cc) = policy.get("custom_claims").and_then(|m| m.as_mapping()) {
            for (key, props) in cc {
                let key = scalar(key).unwrap_or_default();
                let mut cname = text(props, "name");
                if cname.is_empty() {
                    cname = key.clone();
                }
                let mut attr = text(props, "attribute");
                if attr.is_empty() {
                    attr = key.clone();
                }
                if has(RESERVED_CLAIMS, &cname) {
                    out.push(format!(
                        "claims policy {name}: claim {cname:?} is a standard claim"
                    ));
                }
                if seen.insert(cname.clone(), key.clone()).is_some() {
                    out.push(format!(
                        "claims policy {name}: claim {cname:?} mapped twice"
                    ));
                }
                let known = definitions.contains(&attr)
                    || (!ldap && (has(USER_ATTRIBUTES, &attr) || extra.contains(&attr)));
                if !known {
                    out.push(format!(
                        "claims policy {name}: claim {cname:?} reads attribute {attr:?}, which is not a known attribute (no definitions.user_attributes.{attr})"
                    ));
                }
                claims.push(cname);
            }
        }
        for (opt, reserved) in [
            ("id_token", RESERVED_ID_TOKEN_CLAIMS),
            ("access_token", RESERVED_CLAIMS),
        ] {
            for claim in list(policy, opt) {
                if has(reserved, &claim) {
                    out.push(format!(
                        "claims policy {name}: {opt} claim {claim:?} is standard"
                    ));
                } else if !claims.contains(&claim) && !has(CLIENT_CLAIMS, &claim) {
                    out.push(format!(
                        "claims policy {name}: {opt} claim {claim:?} is not known"
                    ));
                }
            }
        }
        let m = text(policy, "id_token_audience_mode");
        if !["", "specification", "experimental-merged"].contains(&m.as_str()) {
            out.push(format!(
                "claims policy {name}: id_token_audience_mode {m:?}"
            ));
        }
    }
}

/// Custom scopes: not a standard name (except authelia.pam), not `authelia.`-prefixed; their
/// claims are not reserved and are known (a policy's claim or const.go:593):
/// identity_providers.go:211-233.
fn rule_custom_scopes(c: &Conf, out: &mut Out) {
    let Some(scopes) = c.oidc.get("scopes").and_then(|s| s.as_mapping()) else {
        return;
    };
    let mut policy_claims = BTreeSet::new();
    if let Some(p) = c.oidc.get("claims_policies").and_then(|p| p.as_mapping()) {
        for policy in p.values() {
            if let Some(cc) = policy.get("custom_claims").and_then(|m| m.as_mapping()) {
                for (k, v) in cc {
                    let n = text(v, "name");
                    policy_claims.insert(if n.is_empty() {
                        scalar(k).unwrap_or_default()
                    } else {
                        n
                    });
                }
            }
        }
    }
    for (scope, props) in scopes {
        let scope = scalar(scope).unwrap_or_default();
        if scope != "authelia.pam" {
            if has(STANDARD_SCOPES, &scope) {
                out.push(format!(
                    "scope {scope}: a standard scope cannot be redefined"
                ));
            } else if scope.starts_with("authelia.") {
                out.push(format!("scope {scope}: authelia. prefix is reserved"));
            }
        }
        for claim in list(props, "claims") {
            if has(RESERVED_CLAIMS, &claim) {
                out.push(format!("scope {scope}: claim {claim:?} is standard"));
            } else if !policy_claims.contains(&claim) && !has(CLIENT_CLAIMS, &claim) {
                out.push(format!("scope {scope}: claim {claim:?} is not known"));
            }
        }
    }
}

/// Every rule on the written file.
pub(crate) fn all_rules(c: &Conf) -> Out {
    let mut out = Out::default();
    rule_provider_present(c, &mut out);
    rule_hmac_secret(c, &mut out);
    rule_jwks(c, &mut out);
    rule_unique_ids(c, &mut out);
    rule_claims_policies(c, &mut out);
    rule_custom_scopes(c, &mut out);
    for cl in c.clients() {
        let id = text(cl, "client_id");
        rule_client_id(&id, &mut out);
        rule_client_keys(&id, cl, &mut out);
        rule_authorization_policy(c, &id, cl, &mut out);
        rule_lifespan(c, &id, cl, &mut out);
        rule_pkce(c, &id, cl, &mut out);
        rule_audience_mode(&id, cl, &mut out);
        rule_consent_mode(&id, cl, &mut out);
        rule_scopes(c, &id, cl, &mut out);
        rule_flows(&id, cl, &mut out);
        rule_redirect_uris(&id, cl, &mut out);
        rule_secret_and_auth_method(&id, cl, &mut out);
        rule_signing_algs(c, &id, cl, &mut out);
    }
    out
}

pub(crate) fn parse(text: &str) -> Result<Conf, String> {
    let root: Value = serde_yaml::from_str(text).map_err(|e| format!("does not parse: {e}"))?;
    let oidc = root
        .get("identity_providers")
        .and_then(|i| i.get("oidc"))
        .cloned()
        .ok_or("no identity_providers.oidc")?;
    Ok(Conf { root, oidc })
}

// ---- driving the catalog -----------------------------------------------------------------------

fn sample_values(entry: &AppEntry, setup: &Setup<'_>) -> BTreeMap<String, String> {
    plan::inputs_of(entry, setup)
        .into_iter()
        .filter(|i| i.default.is_none())
        .map(|i| {
            let k = i.key.to_lowercase();
            let v = if ["uri", "url", "redirect", "callback"]
                .iter()
                .any(|w| k.contains(w))
            {
                "https://input-sample.example.net/cb"
            } else {
                "inputsample"
            };
            (i.key.clone(), v.to_string())
        })
        .collect()
}

fn plan_of(entry: &AppEntry, setup: &Setup<'_>) -> Result<Plan, String> {
    let req = Request {
        domain: "example.com".into(),
        values: sample_values(entry, setup),
        ..Request::default()
    };
    let resolved = plan::resolve(entry, setup, &req).map_err(|e| e.to_string())?;
    let secret = if plan::needs_secret(setup) {
        SecretState::Ready {
            plaintext: PLAINTEXT.into(),
            digest: DIGEST.into(),
        }
    } else {
        SecretState::None
    };
    Plan::build(entry, setup, &resolved, secret).map_err(|e| e.to_string())
}

/// Merges `plan` into a copy of `base` on disk, writes it with the real safe write, and returns
/// the text of the written file.
fn merged_file(base: &std::path::Path, plan: &Plan, keys: &ProviderKeys) -> Result<String, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = dir.path().join("configuration.yml");
    std::fs::copy(base, &path).map_err(|e| e.to_string())?;
    let doc = config::load(&path).map_err(|e| e.to_string())?;
    let out = config::merge_with(&doc, plan, OnDuplicate::Refuse, &mut || Ok(keys.clone()))
        .map_err(|e| e.to_string())?;
    config::write(&doc, &out).map_err(|e| format!("write: {e}"))?;
    std::fs::read_to_string(&path).map_err(|e| e.to_string())
}

/// A copy of `base` whose file backend defines the custom-claim attributes the plan reads but
/// does not define itself (`authentication_backend.file.extra_attributes.<name>`).
fn with_directory_attributes(
    base: &std::path::Path,
    plan: &Plan,
    dir: &tempfile::TempDir,
) -> Result<std::path::PathBuf, String> {
    let text = std::fs::read_to_string(base).map_err(|e| e.to_string())?;
    let defined: Vec<&str> = plan
        .additions
        .iter()
        .filter(|a| a.top_level)
        .map(|a| a.name.as_str())
        .collect();
    let mut extra = String::new();
    for a in &plan.additions {
        let Some(policy) = a.value.as_object() else {
            continue;
        };
        for claim in policy
            .get("custom_claims")
            .and_then(|c| c.as_object())
            .into_iter()
            .flatten()
        {
            // Without `attribute`, the claim reads the attribute of its own name.
            let attr = claim
                .1
                .get("attribute")
                .and_then(|x| x.as_str())
                .unwrap_or(claim.0);
            if !defined.contains(&attr) && !extra.contains(&format!(" {attr}:")) {
                extra.push_str(&format!("      {attr}:\n        value_type: string\n"));
            }
        }
    }
    let marker = "  file:\n";
    let at = text.find(marker).ok_or("the base has no file backend")? + marker.len();
    let mut out = text.clone();
    out.insert_str(at, &format!("    extra_attributes:\n{extra}"));
    let path = dir.path().join(format!("directory-{}.yml", plan.app));
    std::fs::write(&path, out).map_err(|e| e.to_string())?;
    Ok(path)
}

#[test]
fn every_app_merged_into_a_config_without_oidc_holds_authelias_rules() {
    let Some(shared) =
        crate::common::shared("every_app_merged_into_a_config_without_oidc_holds_authelias_rules")
    else {
        return;
    };
    let bases = [
        shared.join("reference/authelia/fixtures/no-oidc/examples-compose-lite.configuration.yml"),
        shared.join("reference/authelia/fixtures/no-oidc/examples-compose-local.configuration.yml"),
    ];
    // One real key for every merge: RSA generation is the slow part.
    let keys = ProviderKeys {
        hmac_secret: oidc_wizard::secret::random_alphanumeric(72).unwrap(),
        key_id: KEY_ID.into(),
        private_key_pem: rsa_private_key_pem(2048).unwrap(),
    };
    let dir = tempfile::tempdir().unwrap();
    let mut failing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut checked = 0;
    for (n, entry) in catalog::all().unwrap().iter().enumerate() {
        for setup in entry.setups() {
            let who = match setup.variant {
                Some(v) => format!("{} ({v})", entry.slug),
                None => entry.slug.clone(),
            };
            let base = &bases[n % bases.len()];
            let problems = match plan_of(entry, &setup).and_then(|p| {
                let text = match merged_file(base, &p, &keys) {
                    // An attribute only the user's directory gives (forgejo's sshpubkey): the
                    // merge must refuse on a base that lacks it, writing nothing, and succeed
                    // once the file backend defines it (identity_providers.go:308-310).
                    Err(e) if e.contains("only your user directory can provide") => {
                        merged_file(&with_directory_attributes(base, &p, &dir)?, &p, &keys)?
                    }
                    other => other?,
                };
                Ok((p, parse(&text)?))
            }) {
                Ok((p, conf)) => {
                    let found = all_rules(&conf);
                    let mut problems = found.errors;
                    // What Authelia only warns about, the tool must say as well.
                    let told = p.warnings.join("\n");
                    for (subject, w) in found.warnings {
                        if !told.contains(&subject) {
                            problems.push(format!(
                                "{w} (Authelia warns; the plan's warnings do not say so: {:?})",
                                p.warnings
                            ));
                        }
                    }
                    problems
                }
                Err(e) => vec![e],
            };
            checked += 1;
            if !problems.is_empty() {
                failing.insert(who, problems);
            }
        }
    }
    assert!(checked >= 146, "only {checked} setups checked");
    let report: Vec<String> = failing
        .iter()
        .map(|(who, p)| format!("{who}:\n    {}", p.join("\n    ")))
        .collect();
    assert!(
        failing.is_empty(),
        "{} of {checked} setups break Authelia's rules ({}):\n{}",
        failing.len(),
        failing.keys().cloned().collect::<Vec<_>>().join(", "),
        report.join("\n")
    );
}

/// The rules catch what they are for: each broken configuration below fails the rule written
/// for it (a rule that cannot fail proves nothing).
#[test]
fn each_rule_catches_its_break() {
    let good = "identity_providers:\n  oidc:\n    hmac_secret: abc\n    jwks:\n      - key_id: k\n        algorithm: RS256\n        key: KEY\n    clients:\n      - client_id: app\n        client_secret: DIGEST\n        redirect_uris: ['https://app.example.com/cb']\n        scopes: [openid, profile]\n";
    let key = rsa_private_key_pem(2048).unwrap();
    let key_yaml = format!(
        "|\n{}",
        key.lines()
            .map(|l| format!("          {l}\n"))
            .collect::<String>()
    );
    let make = |text: &str| {
        parse(
            &text
                .replace("KEY", &key_yaml)
                .replace("DIGEST", &format!("'{DIGEST}'")),
        )
        .unwrap()
    };
    let base = make(good);
    let b = all_rules(&base);
    assert!(b.errors.is_empty() && b.warnings.is_empty(), "{b:?}");
    let cases: &[(&str, &str, &str)] = &[
        ("client_id: app", "client_id: 'a b'", "characters outside"),
        (
            "scopes: [openid, profile]",
            "scopes: [openid, nope]",
            "neither standard nor defined",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        consent_mode: sometimes",
            "consent_mode",
        ),
        (
            "'https://app.example.com/cb'",
            "'https://app.example.com/%zz'",
            "does not parse",
        ),
        (
            "'https://app.example.com/cb'",
            "'http://[::1/cb'",
            "does not parse",
        ),
        (
            "'https://app.example.com/cb'",
            "'https://app.example.com/cb#x'",
            "fragment",
        ),
        (
            "'https://app.example.com/cb'",
            "'https://*.example.com/cb'",
            "wildcard",
        ),
        ("'https://app.example.com/cb'", "'/cb'", "not absolute"),
        (
            "client_secret: DIGEST",
            "client_secret: '$pbkdf2-sha512$x$y$z'",
            "malformed pbkdf2",
        ),
        (
            "client_secret: DIGEST",
            "client_secret: '$md5$abc'",
            "unknown digest",
        ),
        (
            "client_secret: DIGEST",
            "token_endpoint_auth_method: client_secret_basic",
            "without client_secret",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        public: true\n        token_endpoint_auth_method: none",
            "has a client_secret",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        token_endpoint_auth_method: client_secret_jwt",
            "plaintext secret",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        grant_types: [refresh_token, authorization_code]",
            "without offline_access",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        grant_types: [implicit]",
            "implicit grant",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        authorization_policy: three_factor",
            "authorization_policy",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        claims_policy: p",
            "is not defined",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        pkce_challenge_method: plain",
            "enable_pkce_plain_challenge",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        id_token_signed_response_alg: ES256",
            "has no provider key",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        lifespan: long",
            "lifespan",
        ),
        (
            "scopes: [openid, profile]",
            "scopes: [openid]\n        secret: x",
            "unknown option",
        ),
        ("algorithm: RS256", "algorithm: ES256", "no RS256 key"),
        ("key_id: k", "key_id: '-k'", "key_id"),
        ("    hmac_secret: abc\n", "", "hmac_secret"),
        (
            "    clients:\n",
            "    claims_policies:\n      p:\n        custom_claims:\n          ssh_keys:\n            attribute: sshKeys\n    clients:\n",
            "not a known attribute",
        ),
        (
            "    clients:\n",
            "    scopes:\n      openid:\n        claims: []\n    clients:\n",
            "standard scope",
        ),
    ];
    for (from, to, want) in cases {
        assert!(good.contains(from), "{from}");
        let broken = make(&good.replacen(from, to, 1));
        let r = all_rules(&broken);
        let found: Vec<&String> = r
            .errors
            .iter()
            .chain(r.warnings.iter().map(|(_, w)| w))
            .collect();
        assert!(
            found.iter().any(|f| f.contains(want)),
            "{from} -> {to}: expected a finding with {want:?}, got {found:?}"
        );
    }
    // A public client over plain http to a host that is not local.
    let public_http = good
        .replacen("client_secret: DIGEST", "public: true", 1)
        .replacen("https://app.example.com/cb", "http://app.example.com/cb", 1);
    assert!(
        all_rules(&make(&public_http))
            .errors
            .iter()
            .any(|f| f.contains("public client with http redirect URI"))
    );
    // Duplicates: the same client twice.
    let twice = good.to_string()
        + "      - client_id: app\n        client_secret: DIGEST\n        redirect_uris: ['https://b.example.com/cb']\n";
    assert!(
        all_rules(&make(&twice))
            .errors
            .iter()
            .any(|f| f.contains("not unique"))
    );
    // A defined attribute makes the claims policy valid.
    let defined = good.replacen(
        "    clients:\n",
        "    claims_policies:\n      p:\n        custom_claims:\n          ssh_keys:\n            attribute: sshKeys\n    clients:\n",
        1,
    ) + "definitions:\n  user_attributes:\n    sshKeys:\n      expression: 'username'\n";
    assert!(all_rules(&make(&defined)).errors.is_empty());
    // Loopback http is fine for a public client; localhost too (oauth2 uri.go:51-55).
    for ok in [
        "http://127.0.0.1:8080/cb",
        "http://[::1]/cb",
        "http://localhost/cb",
    ] {
        let public = good
            .replacen("client_secret: DIGEST", "public: true", 1)
            .replacen("https://app.example.com/cb", ok, 1);
        let r = all_rules(&make(&public));
        assert!(r.errors.is_empty(), "{ok}: {r:?}");
    }
}
