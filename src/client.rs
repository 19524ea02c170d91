//! The Authelia client: one entry of `identity_providers.oidc.clients`.
//!
//! [`Client`] is the one representation that flows through the program: catalog templates
//! deserialize into it (with `{placeholders}` in its strings), [`crate::plan`] fills it in, the
//! renderer writes it as YAML, `--json` prints it, the merge inserts it and `check` reads the
//! user's clients back into it. Field order is the order Authelia's guides write the keys in.
//!
//! [`validate`] applies Authelia v4.39's rules for a client (see the reference's VALIDATION.md):
//! what Authelia refuses to start with is an [`Severity::Error`], what it only logs is a
//! [`Severity::Warning`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One OpenID Connect client, keys as Authelia v4.38+ names them. Deprecated spellings (`id`,
/// `secret`, `description`, ...) are read as their modern keys.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
pub struct Client {
    /// `client_id` (deprecated: `id`).
    #[serde(alias = "id")]
    pub client_id: String,
    /// `client_name` (deprecated: `description`).
    #[serde(
        alias = "description",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub client_name: Option<String>,
    /// `client_secret` (deprecated: `secret`): the digest, never the plaintext.
    #[serde(alias = "secret", skip_serializing_if = "Option::is_none", default)]
    pub client_secret: Option<String>,
    /// `sector_identifier_uri`.
    #[serde(
        alias = "sector_identifier",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub sector_identifier_uri: Option<String>,
    /// `public`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub public: Option<bool>,
    /// `authorization_policy`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub authorization_policy: Option<String>,
    /// `claims_policy`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub claims_policy: Option<String>,
    /// `lifespan`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lifespan: Option<String>,
    /// `require_pushed_authorization_requests`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub require_pushed_authorization_requests: Option<bool>,
    /// `require_pkce`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub require_pkce: Option<bool>,
    /// `pkce_challenge_method`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pkce_challenge_method: Option<String>,
    /// `requested_audience_mode`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub requested_audience_mode: Option<String>,
    /// `redirect_uris`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub redirect_uris: Option<Vec<String>>,
    /// `audience`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub audience: Option<Vec<String>>,
    /// `scopes`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub scopes: Option<Vec<String>>,
    /// `response_modes`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub response_modes: Option<Vec<String>>,
    /// `response_types`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub response_types: Option<Vec<String>>,
    /// `grant_types`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub grant_types: Option<Vec<String>>,
    /// `consent_mode`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub consent_mode: Option<String>,
    /// `pre_configured_consent_duration`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub pre_configured_consent_duration: Option<String>,
    /// `access_token_signed_response_alg`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub access_token_signed_response_alg: Option<String>,
    /// `id_token_signed_response_alg`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub id_token_signed_response_alg: Option<String>,
    /// `userinfo_signed_response_alg` (deprecated: `userinfo_signing_algorithm`).
    #[serde(
        alias = "userinfo_signing_algorithm",
        skip_serializing_if = "Option::is_none",
        default
    )]
    pub userinfo_signed_response_alg: Option<String>,
    /// `request_object_signing_alg`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request_object_signing_alg: Option<String>,
    /// `token_endpoint_auth_method`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub token_endpoint_auth_method: Option<String>,
    /// Any other key (kept so `check` can report it; the catalog allows none).
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_yaml::Value>,
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Authelia logs a warning but starts.
    Warning,
    /// Authelia refuses to start.
    Error,
}

/// One rule a client breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in Authelia's terms.
    pub message: String,
}

impl Finding {
    fn error(m: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Error,
            message: m.into(),
        }
    }
    fn warning(m: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            message: m.into(),
        }
    }
}

/// Scopes Authelia knows without a custom `scopes` definition.
pub const STANDARD_SCOPES: &[&str] = &[
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
/// Valid `token_endpoint_auth_method` values.
pub const AUTH_METHODS: &[&str] = &[
    "none",
    "client_secret_post",
    "client_secret_basic",
    "private_key_jwt",
    "client_secret_jwt",
];
/// Valid `grant_types` values.
pub const GRANT_TYPES: &[&str] = &[
    "authorization_code",
    "implicit",
    "client_credentials",
    "refresh_token",
    "urn:ietf:params:oauth:grant-type:device_code",
];
/// Valid `response_types` values.
pub const RESPONSE_TYPES: &[&str] = &[
    "code",
    "id_token",
    "token",
    "id_token token",
    "code id_token",
    "code token",
    "code id_token token",
];
/// Valid `response_modes` values.
pub const RESPONSE_MODES: &[&str] = &[
    "form_post",
    "query",
    "fragment",
    "jwt",
    "form_post.jwt",
    "query.jwt",
    "fragment.jwt",
];
/// Signing algorithms a client may ask for when the provider has only its RS256 key, plus `none`.
pub const SIGNING_ALGS: &[&str] = &[
    "none", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
    "HS256", "HS384", "HS512",
];

/// Whether `id` satisfies Authelia's client id rule: 1 to 100 RFC 3986 unreserved characters.
pub fn valid_client_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err("client id is empty".into());
    }
    let n = id.chars().count();
    if n > 100 {
        return Err(format!(
            "client id has {n} characters; Authelia allows at most 100"
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "-._~".contains(*c)))
    {
        return Err(format!(
            "client id '{id}' contains '{c}': only A-Z a-z 0-9 - . _ ~ are allowed"
        ));
    }
    Ok(())
}

/// What the validator needs to know about the provider around the client.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Custom authorization policy names (`authorization_policies`).
    pub policies: Vec<String>,
    /// Claims policy names (`claims_policies`), including ones the same change adds.
    pub claims_policies: Vec<String>,
    /// Custom scope names (`scopes`).
    pub custom_scopes: Vec<String>,
    /// Custom lifespan names (`lifespans.custom`).
    pub lifespans: Vec<String>,
}

fn has(list: &Option<Vec<String>>, v: &str) -> bool {
    list.as_deref().unwrap_or(&[]).iter().any(|x| x == v)
}

fn duplicates(list: &[String]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    let mut dup = Vec::new();
    for x in list {
        if !seen.insert(x.as_str()) && !dup.contains(x) {
            dup.push(x.clone());
        }
    }
    dup
}

/// The effective auth method: the explicit one, else Authelia's default for the client type.
pub fn auth_method(c: &Client) -> &str {
    c.token_endpoint_auth_method
        .as_deref()
        .unwrap_or(if c.public == Some(true) {
            "none"
        } else {
            "client_secret_basic"
        })
}

/// Checks one client against Authelia v4.39's rules. Returns every finding, errors first.
pub fn validate(c: &Client, ctx: &Context) -> Vec<Finding> {
    let facts = Facts::of(c, ctx);
    let mut f = Vec::new();
    for rule in RULES {
        (rule.check)(&facts, &mut f);
    }
    f.sort_by_key(|x| std::cmp::Reverse(x.severity));
    f
}

/// What several rules read of a client, computed once.
struct Facts<'a> {
    c: &'a Client,
    ctx: &'a Context,
    id: &'a str,
    public: bool,
    scopes: Vec<String>,
    grants: Vec<String>,
    responses: Vec<String>,
    client_credentials: bool,
    bearer: bool,
    /// A response type issues a code.
    code_issuing: bool,
}

impl<'a> Facts<'a> {
    fn of(c: &'a Client, ctx: &'a Context) -> Self {
        let scopes = c.scopes.clone().unwrap_or_default();
        let grants = c.grant_types.clone().unwrap_or_default();
        let responses = c
            .response_types
            .clone()
            .unwrap_or_else(|| vec!["code".into()]);
        let code_issuing = responses.iter().any(|r| r.split(' ').any(|t| t == "code"));
        Facts {
            c,
            ctx,
            id: &c.client_id,
            public: c.public == Some(true),
            client_credentials: grants.iter().any(|g| g == "client_credentials"),
            bearer: scopes.iter().any(|s| s == "authelia.bearer.authz"),
            responses,
            code_issuing,
            scopes,
            grants,
        }
    }

    /// A message about this client.
    fn p(&self, m: String) -> String {
        format!("client '{}': {m}", self.id)
    }
}

/// One of Authelia's rules for a client: its name, the Authelia source it mirrors, the check.
pub struct Rule {
    /// A short name.
    pub name: &'static str,
    /// Where Authelia v4.39.20 has it (internal/configuration/validator/...).
    pub source: &'static str,
    check: fn(&Facts<'_>, &mut Vec<Finding>),
}

/// Authelia's rules for a client, in the order their findings are reported.
pub const RULES: &[Rule] = &[
    Rule {
        name: "client_id",
        source: "identity_providers.go:614-666 validateOIDCClients (client_id required, unique, characters)",
        check: rule_client_id,
    },
    Rule {
        name: "policy_lifespan_modes",
        source: "identity_providers.go:668-775 validateOIDCClient (authorization_policy, lifespan, pkce_challenge_method, requested_audience_mode), :937-959 validateOIDCClientConsentMode",
        check: rule_policy_lifespan_modes,
    },
    Rule {
        name: "scopes",
        source: "identity_providers.go:961-1107 validateOIDCClientScopes, ...SpecialBearerAuthz, ...ClientCredentialsGrant; claims_policy: identity_providers.go:142-209",
        check: rule_scopes,
    },
    Rule {
        name: "responses_and_grants",
        source: "identity_providers.go:1109-1251 validateOIDCClientResponseTypes, ...ResponseModes, ...GrantTypes, ...GrantTypesCheckRelated",
        check: rule_responses_and_grants,
    },
    Rule {
        name: "redirect_uris",
        source: "identity_providers.go:1253-1287 validateOIDCClientRedirectURIs; oauth2-provider uri.go (exact match, loopback)",
        check: rule_redirect_uris,
    },
    Rule {
        name: "signing_algs",
        source: "identity_providers.go:1409-1477 validateOIDDClientSigningAlgs",
        check: rule_signing_algs,
    },
    Rule {
        name: "auth_method_and_secret",
        source: "identity_providers.go:1316-1407 validateOIDCClientEndpointAuth (method per public/confidential, secret required or forbidden, client_secret_jwt needs plaintext)",
        check: rule_auth_method_and_secret,
    },
];

/// identity_providers.go:614-666 validateOIDCClients (client_id required, unique, characters).
fn rule_client_id(x: &Facts<'_>, f: &mut Vec<Finding>) {
    let id = x.id;
    if let Err(e) = valid_client_id(id) {
        f.push(Finding::error(e));
    }
}

/// identity_providers.go:668-775 validateOIDCClient (authorization_policy, lifespan, pkce_challenge_method, requested_audience_mode), :937-959 validateOIDCClientConsentMode.
fn rule_policy_lifespan_modes(x: &Facts<'_>, f: &mut Vec<Finding>) {
    let c = x.c;
    let ctx = x.ctx;
    let client_credentials = x.client_credentials;
    let p = |m: String| x.p(m);
    // authorization_policy
    if let Some(pol) = &c.authorization_policy {
        let ok =
            pol == "one_factor" || pol == "two_factor" || ctx.policies.iter().any(|x| x == pol);
        if !ok {
            f.push(Finding::error(p(format!(
                "authorization_policy must be 'one_factor', 'two_factor' or a configured policy, not '{pol}'"
            ))));
        } else if client_credentials && pol != "one_factor" {
            f.push(Finding::error(p(
                "authorization_policy must be 'one_factor' for a client_credentials client".into(),
            )));
        }
    }
    if let Some(l) = &c.lifespan
        && !ctx.lifespans.iter().any(|x| x == l)
    {
        f.push(Finding::error(p(format!(
            "lifespan '{l}' is not a configured custom lifespan"
        ))));
    }
    if let Some(m) = &c.pkce_challenge_method
        && !["", "plain", "S256"].contains(&m.as_str())
    {
        f.push(Finding::error(p(format!(
            "pkce_challenge_method must be '', 'plain' or 'S256', not '{m}'"
        ))));
    }
    if let Some(m) = &c.requested_audience_mode
        && !["explicit", "implicit"].contains(&m.as_str())
    {
        f.push(Finding::error(p(format!(
            "requested_audience_mode must be 'explicit' or 'implicit', not '{m}'"
        ))));
    }
    if let Some(m) = &c.consent_mode
        && !["auto", "explicit", "implicit", "pre-configured", ""].contains(&m.as_str())
    {
        f.push(Finding::error(p(format!(
            "consent_mode must be auto, explicit, implicit or pre-configured, not '{m}'"
        ))));
    }
}

/// identity_providers.go:961-1107 validateOIDCClientScopes, ...SpecialBearerAuthz, ...ClientCredentialsGrant; claims_policy: identity_providers.go:142-209.
fn rule_scopes(x: &Facts<'_>, f: &mut Vec<Finding>) {
    let c = x.c;
    let ctx = x.ctx;
    let public = x.public;
    let scopes = &x.scopes;
    let grants = &x.grants;
    let client_credentials = x.client_credentials;
    let bearer = x.bearer;
    let code_issuing = x.code_issuing;
    let p = |m: String| x.p(m);
    // scopes
    if bearer {
        let bad: Vec<_> = scopes
            .iter()
            .filter(|s| {
                !["offline_access", "offline", "authelia.bearer.authz"].contains(&s.as_str())
            })
            .cloned()
            .collect();
        if !bad.is_empty() {
            f.push(Finding::error(p(format!(
                "with scope 'authelia.bearer.authz' the scopes may only be offline_access, offline and authelia.bearer.authz, not {}",
                bad.join(", ")
            ))));
        }
        if c.audience.as_deref().unwrap_or(&[]).is_empty() {
            f.push(Finding::error(p(
                "audience must be configured with scope 'authelia.bearer.authz'".into(),
            )));
        }
        if grants.is_empty() {
            f.push(Finding::error(p(
                "grant_types must be configured with scope 'authelia.bearer.authz'".into(),
            )));
        }
        if !client_credentials
            && (c.require_pushed_authorization_requests != Some(true)
                || c.require_pkce != Some(true)
                || c.pkce_challenge_method.as_deref() != Some("S256"))
        {
            f.push(Finding::error(p("with scope 'authelia.bearer.authz' the client must require pushed authorization requests and PKCE with S256".into())));
        }
        let m = auth_method(c);
        if !public
            && ![
                "client_secret_basic",
                "client_secret_jwt",
                "private_key_jwt",
            ]
            .contains(&m)
        {
            f.push(Finding::error(p(format!(
                "with scope 'authelia.bearer.authz' a confidential client must use client_secret_basic, client_secret_jwt or private_key_jwt, not '{m}'"
            ))));
        }
    } else {
        let unknown: Vec<_> = scopes
            .iter()
            .filter(|s| {
                !STANDARD_SCOPES.contains(&s.as_str()) && !ctx.custom_scopes.iter().any(|x| x == *s)
            })
            .cloned()
            .collect();
        if !unknown.is_empty() {
            f.push(Finding::warning(p(format!(
                "scopes {} are not standard; fine only if the app asks for them",
                unknown.join(", ")
            ))));
        }
    }
    let dup = duplicates(scopes);
    if !dup.is_empty() {
        f.push(Finding::warning(p(format!(
            "scopes are duplicated: {}",
            dup.join(", ")
        ))));
    }
    if let Some(cp) = &c.claims_policy
        && !ctx.claims_policies.iter().any(|x| x == cp)
    {
        f.push(Finding::error(p(format!(
            "claims_policy '{cp}' is not the name of a configured claims policy"
        ))));
    }
    if (has(&c.scopes, "offline_access") || has(&c.scopes, "offline")) && !code_issuing {
        f.push(Finding::warning(p(
            "offline_access needs a response type that issues a code".into(),
        )));
    }
    if client_credentials {
        let bad: Vec<_> = scopes
            .iter()
            .filter(|s| ["openid", "offline", "offline_access"].contains(&s.as_str()))
            .cloned()
            .collect();
        if !bad.is_empty() {
            f.push(Finding::error(p(format!(
                "scopes {} are not allowed with the client_credentials grant",
                bad.join(", ")
            ))));
        }
        if public {
            f.push(Finding::error(p(
                "a public client cannot use the client_credentials grant".into(),
            )));
        }
    }
}

/// identity_providers.go:1109-1251 validateOIDCClientResponseTypes, ...ResponseModes, ...GrantTypes, ...GrantTypesCheckRelated.
fn rule_responses_and_grants(x: &Facts<'_>, f: &mut Vec<Finding>) {
    let c = x.c;
    let grants = &x.grants;
    let responses = &x.responses;
    let code_issuing = x.code_issuing;
    let p = |m: String| x.p(m);
    // response types / modes / grants
    for r in responses {
        if !RESPONSE_TYPES.contains(&r.as_str()) {
            f.push(Finding::warning(p(format!(
                "response type '{r}' is not valid"
            ))));
        }
    }
    for m in c.response_modes.as_deref().unwrap_or(&[]) {
        if !RESPONSE_MODES.contains(&m.as_str()) {
            f.push(Finding::error(p(format!(
                "response mode '{m}' is not valid"
            ))));
        }
    }
    for g in grants {
        if !GRANT_TYPES.contains(&g.as_str()) {
            f.push(Finding::error(p(format!("grant type '{g}' is not valid"))));
        }
    }
    if grants.iter().any(|g| g == "refresh_token")
        && !(has(&c.scopes, "offline_access") || has(&c.scopes, "offline"))
    {
        f.push(Finding::warning(p(
            "grant type refresh_token is only used with the offline_access scope".into(),
        )));
    }
    if grants.iter().any(|g| g == "authorization_code") && !code_issuing {
        f.push(Finding::warning(p(
            "grant type authorization_code needs a response type that issues a code".into(),
        )));
    }
}

/// identity_providers.go:1253-1287 validateOIDCClientRedirectURIs; oauth2-provider uri.go (exact match, loopback).
fn rule_redirect_uris(x: &Facts<'_>, f: &mut Vec<Finding>) {
    let c = x.c;
    let public = x.public;
    let client_credentials = x.client_credentials;
    let p = |m: String| x.p(m);
    // redirect URIs
    let uris = c.redirect_uris.clone().unwrap_or_default();
    for u in &uris {
        match uri_scheme(u) {
            None => f.push(Finding::error(p(format!(
                "redirect uri '{u}' must be absolute (have a scheme)"
            )))),
            Some(scheme) => {
                // identity_providers.go:1270 (v4.39.20): url.Parse failing stops Authelia's start.
                if let Err(e) = go_url_parse(u) {
                    f.push(Finding::error(p(format!(
                        "redirect uri '{u}' cannot be parsed by Authelia (Go net/url: {e})"
                    ))));
                    continue;
                }
                // oauth2-provider v0.2.31 authorize_request_handler / uri.go:266 compare the
                // registered and requested URIs exactly: a '*' is a literal, never a wildcard.
                if u.contains('*') {
                    f.push(Finding::error(p(format!(
                        "redirect uri '{u}' has a '*': Authelia matches redirect uris exactly, wildcards never match"
                    ))));
                }
                if u == "urn:ietf:wg:oauth:2.0:oob" && !public {
                    f.push(Finding::error(p(
                        "redirect uri 'urn:ietf:wg:oauth:2.0:oob' is only valid for public clients"
                            .into(),
                    )));
                }
                if u.contains('#') {
                    f.push(Finding::error(p(format!(
                        "redirect uri '{u}' has a fragment, which is never accepted"
                    ))));
                }
                // Go lowercases the scheme (url.go getScheme + parse), so `HTTP://` is http.
                if public && scheme.eq_ignore_ascii_case("http") && !is_loopback_uri(u) {
                    f.push(Finding::warning(p(format!(
                        "redirect uri '{u}' uses http: Authelia rejects it at sign-in for a public client unless the host is localhost or a loopback address"
                    ))));
                }
            }
        }
    }
    if uris.is_empty() && !client_credentials {
        f.push(Finding::warning(p(
            "has no redirect_uris: no sign-in can succeed".into(),
        )));
    }
    let dup = duplicates(&uris);
    if !dup.is_empty() {
        f.push(Finding::warning(p(format!(
            "redirect uris are duplicated: {}",
            dup.join(", ")
        ))));
    }
}

/// identity_providers.go:1409-1477 validateOIDDClientSigningAlgs.
fn rule_signing_algs(x: &Facts<'_>, f: &mut Vec<Finding>) {
    let c = x.c;
    let p = |m: String| x.p(m);
    // signing algorithms
    for (key, v) in [
        (
            "access_token_signed_response_alg",
            &c.access_token_signed_response_alg,
        ),
        (
            "userinfo_signed_response_alg",
            &c.userinfo_signed_response_alg,
        ),
        (
            "id_token_signed_response_alg",
            &c.id_token_signed_response_alg,
        ),
    ] {
        if let Some(a) = v {
            if !SIGNING_ALGS.contains(&a.as_str()) {
                f.push(Finding::error(p(format!(
                    "{key} '{a}' is not a known algorithm"
                ))));
            } else if key == "id_token_signed_response_alg" && a == "none" {
                f.push(Finding::error(p(format!("{key} must not be 'none'"))));
            }
        }
    }
}

/// identity_providers.go:1316-1407 validateOIDCClientEndpointAuth (method per public/confidential, secret required or forbidden, client_secret_jwt needs plaintext).
fn rule_auth_method_and_secret(x: &Facts<'_>, f: &mut Vec<Finding>) {
    let c = x.c;
    let public = x.public;
    let responses = &x.responses;
    let p = |m: String| x.p(m);
    // authentication method and secret
    let method = auth_method(c);
    if !AUTH_METHODS.contains(&method) {
        f.push(Finding::error(p(format!(
            "token_endpoint_auth_method must be one of {}, not '{method}'",
            AUTH_METHODS.join(", ")
        ))));
    }
    let secret = c.client_secret.as_deref().filter(|s| !s.is_empty());
    if public {
        if method != "none" {
            f.push(Finding::error(p(format!(
                "a public client must use token_endpoint_auth_method 'none', not '{method}'"
            ))));
        }
        if secret.is_some() {
            f.push(Finding::error(p(
                "a public client must not have a client_secret".into(),
            )));
        }
    } else {
        let implicit_only = !responses.is_empty()
            && responses
                .iter()
                .all(|r| ["id_token", "token", "id_token token"].contains(&r.as_str()));
        if method == "none" && !implicit_only {
            f.push(Finding::error(p(
                "a confidential client cannot use token_endpoint_auth_method 'none'; set public: true or pick a secret method".into(),
            )));
        }
        let secret_method = [
            "client_secret_basic",
            "client_secret_post",
            "client_secret_jwt",
        ]
        .contains(&method);
        if secret_method && secret.is_none() {
            f.push(Finding::error(p("client_secret is required".into())));
        }
        if (method == "none" || method == "private_key_jwt") && secret.is_some() {
            f.push(Finding::error(p(format!(
                "client_secret must be empty with token_endpoint_auth_method '{method}'"
            ))));
        }
    }
    if let Some(s) = secret {
        let needs_plain = method == "client_secret_jwt";
        // identity_providers.go:1363-1367 (v4.39.20): client_secret_jwt signs with the secret
        // itself, so Authelia refuses to start when the secret is a digest.
        if needs_plain && crate::secret::is_digest(s) {
            f.push(Finding::error(p(
                "client_secret must be plaintext with token_endpoint_auth_method 'client_secret_jwt' (Authelia signs with it); a digest is refused".into(),
            )));
        }
        if !crate::secret::is_digest(s) && !needs_plain {
            f.push(Finding::warning(p(
                "client_secret is plaintext; store only its digest (oidc-wizard hash)".into(),
            )));
        } else if crate::secret::is_digest(s)
            && s.starts_with("$pbkdf2")
            && crate::secret::Pbkdf2Digest::parse(s).is_err()
        {
            f.push(Finding::error(p(
                "client_secret is not a valid digest; Authelia cannot decode it".into(),
            )));
        }
    }
}

/// The scheme of an absolute URI (`https`, `com.engomo.engomo`), or `None` when it has none.
pub fn uri_scheme(u: &str) -> Option<&str> {
    let (scheme, _) = u.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    if first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        Some(scheme)
    } else {
        None
    }
}

/// oauth2-provider v0.2.31 uri.go:51 `IsLocalhost` and uri.go:274 `isLoopbackAddress`: the host
/// is `localhost`, ends in `.localhost`, or parses as an IP (net.ParseIP) that is a loopback
/// address (127.0.0.0/8 or ::1). `127.foo` is not an IP, so it is not loopback.
fn is_loopback_uri(u: &str) -> bool {
    let Some((scheme, rest)) = u.split_once("://") else {
        return false;
    };
    if !scheme.eq_ignore_ascii_case("http") {
        return false;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    let host = if let Some(h) = hostport.strip_prefix('[') {
        h.split(']').next().unwrap_or("")
    } else {
        hostport.split(':').next().unwrap_or("")
    };
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    match host.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(a)) => a.is_loopback(),
        Ok(std::net::IpAddr::V6(a)) => {
            a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => false,
    }
}

/// A port of the parts of Go's `net/url.Parse` (go/src/net/url/url.go: `Parse`, `parse`,
/// `getScheme`, `parseAuthority`, `parseHost`, `validOptionalPort`, `unescape`) that decide
/// whether a redirect URI is refused. Returns Go's error text on failure.
pub fn go_url_parse(raw: &str) -> Result<(), String> {
    let (u, frag) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("invalid control character in URL".into());
    }
    // getScheme
    let mut rest = u;
    let mut scheme = "";
    for (i, c) in u.char_indices() {
        if c.is_ascii_alphabetic() {
            continue;
        }
        if c.is_ascii_digit() || "+-.".contains(c) {
            if i == 0 {
                break;
            }
            continue;
        }
        if c == ':' {
            if i == 0 {
                return Err("missing protocol scheme".into());
            }
            scheme = &u[..i];
            rest = &u[i + 1..];
        }
        break;
    }
    let rest = rest.split_once('?').map_or(rest, |(a, _)| a);
    if !rest.starts_with('/') {
        if !scheme.is_empty() {
            return frag.map_or(Ok(()), |f| unescape(f, Mode::Other));
        }
        let seg = rest.split('/').next().unwrap_or("");
        if seg.contains(':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    let mut path = rest;
    if let Some(after) = rest.strip_prefix("//")
        && (!scheme.is_empty() || !rest.starts_with("///"))
    {
        let (authority, p) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        parse_authority(authority)?;
        path = p;
    }
    unescape(path, Mode::Other)?;
    frag.map_or(Ok(()), |f| unescape(f, Mode::Other))
}

#[derive(PartialEq, Clone, Copy)]
enum Mode {
    Host,
    Other,
}

fn parse_authority(authority: &str) -> Result<(), String> {
    let host = match authority.rfind('@') {
        Some(i) => {
            let user = &authority[..i];
            if !user.chars().all(|c| {
                c.is_ascii_alphanumeric() || "-._:~!$&'()*+,;=%@".contains(c) || !c.is_ascii()
            }) {
                return Err("net/url: invalid userinfo".into());
            }
            unescape(user, Mode::Other)?;
            &authority[i + 1..]
        }
        None => authority,
    };
    if let Some(h) = host.strip_prefix('[') {
        let Some(i) = h.rfind(']') else {
            return Err("missing ']' in host".into());
        };
        valid_port(&h[i + 1..])?;
        unescape(&h[..i], Mode::Host)
    } else {
        if let Some(i) = host.rfind(':') {
            valid_port(&host[i..])?;
        }
        unescape(host, Mode::Host)
    }
}

fn valid_port(colon_port: &str) -> Result<(), String> {
    if colon_port.is_empty() {
        return Ok(());
    }
    match colon_port.strip_prefix(':') {
        Some(d) if d.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(format!("invalid port {colon_port:?} after host")),
    }
}

fn unescape(s: &str, mode: Mode) -> Result<(), String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let ok =
                i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit();
            if !ok {
                let end = (i + 3).min(b.len());
                return Err(format!(
                    "invalid URL escape {:?}",
                    String::from_utf8_lossy(&b[i..end])
                ));
            }
            i += 3;
            continue;
        }
        if mode == Mode::Host && b[i] < 0x80 {
            let c = b[i] as char;
            if !(c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:[]<>\"".contains(c)) {
                return Err(format!("invalid character {c:?} in host name"));
            }
        }
        i += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confidential() -> Client {
        Client {
            client_id: "app".into(),
            client_secret: Some(
                "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng".into(),
            ),
            public: Some(false),
            redirect_uris: Some(vec!["https://app.example.com/cb".into()]),
            scopes: Some(vec!["openid".into()]),
            ..Default::default()
        }
    }

    fn errors(c: &Client) -> Vec<String> {
        validate(c, &Context::default())
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn clean_confidential_client_passes() {
        assert!(validate(&confidential(), &Context::default()).is_empty());
    }

    #[test]
    fn public_client_rules() {
        let mut c = confidential();
        c.public = Some(true);
        let e = errors(&c);
        assert!(
            e.iter()
                .any(|m| m.contains("must not have a client_secret")),
            "{e:?}"
        );
        c.client_secret = None;
        assert!(errors(&c).is_empty());
        c.token_endpoint_auth_method = Some("client_secret_basic".into());
        assert!(errors(&c)[0].contains("must use token_endpoint_auth_method 'none'"));
    }

    #[test]
    fn confidential_needs_secret_and_not_none() {
        let mut c = confidential();
        c.client_secret = None;
        assert!(
            errors(&c)
                .iter()
                .any(|m| m.contains("client_secret is required"))
        );
        c.token_endpoint_auth_method = Some("none".into());
        assert!(
            errors(&c)
                .iter()
                .any(|m| m.contains("cannot use token_endpoint_auth_method 'none'"))
        );
    }

    #[test]
    fn bad_values_are_errors() {
        let mut c = confidential();
        c.pkce_challenge_method = Some("S512".into());
        c.grant_types = Some(vec!["password".into()]);
        c.redirect_uris = Some(vec!["/relative".into()]);
        c.authorization_policy = Some("admins".into());
        assert_eq!(errors(&c).len(), 4, "{:?}", errors(&c));
    }

    /// Cases from Go's net/url url_test.go (parseRequestURLTests / urltests) that apply.
    #[test]
    fn go_url_parse_matches_go() {
        for ok in [
            "https://a.example.com/cb",
            "http://[::1]:8080/cb",
            "http://[fe80::1%25en0]/",
            "com.engomo.engomo://callback/",
            "urn:ietf:wg:oauth:2.0:oob",
            "http://user:pa%20ss@host/p?q=%zz",
            "http://host:/",
            "https://a.example.com/a b",
        ] {
            assert_eq!(go_url_parse(ok), Ok(()), "{ok}");
        }
        for bad in [
            "https://a.example.com/%zz",
            "http://[::1/cb",
            "http://host:port/",
            "http://a b.com/",
            "http://host/\x7f",
            "http://host/a\nb",
            ":foo",
            "http://host/%",
            "https://a.example.com/#%zz",
            "http://[::1]x/",
        ] {
            assert!(go_url_parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn unparsable_and_wildcard_redirects_are_errors() {
        for u in [
            "https://a.example.com/%zz",
            "http://[::1/cb",
            "https://*.example.com/cb",
        ] {
            let mut c = confidential();
            c.redirect_uris = Some(vec![u.into()]);
            assert!(
                errors(&c).iter().any(|e| e.contains(u)),
                "{u}: {:?}",
                errors(&c)
            );
        }
    }

    /// oauth2-provider v0.2.31 uri.go:40-55,274: http is secure only for localhost,
    /// *.localhost and loopback IPs; Go lowercases the scheme.
    #[test]
    fn public_http_loopback_rule() {
        for (u, warned) in [
            ("HTTP://app.example.com/cb", true),
            ("http://127.foo/cb", true),
            ("http://127.0.0.1:9999/cb", false),
            ("http://[::1]:1234/cb", false),
            ("http://localhost:8080/cb", false),
            ("http://app.localhost/cb", false),
        ] {
            assert_eq!(is_loopback_uri(u), !warned, "{u}");
        }
    }

    #[test]
    fn custom_scheme_redirects_are_fine() {
        let mut c = confidential();
        c.redirect_uris = Some(vec!["com.engomo.engomo://callback/".into()]);
        assert!(errors(&c).is_empty());
        assert_eq!(
            uri_scheme("com.engomo.engomo://callback/"),
            Some("com.engomo.engomo")
        );
        assert_eq!(uri_scheme("//no-scheme"), None);
    }

    #[test]
    fn client_id_rule() {
        assert!(valid_client_id("memos").is_ok());
        assert!(valid_client_id("").is_err());
        assert!(valid_client_id("has space").is_err());
        assert!(valid_client_id(&"a".repeat(101)).is_err());
        assert!(valid_client_id(&"a".repeat(100)).is_ok());
    }

    #[test]
    fn deprecated_keys_read_as_modern() {
        let c: Client =
            serde_yaml::from_str("id: x\nsecret: '$plaintext$y'\ndescription: X\n").unwrap();
        assert_eq!(c.client_id, "x");
        assert_eq!(c.client_secret.as_deref(), Some("$plaintext$y"));
        assert_eq!(c.client_name.as_deref(), Some("X"));
    }
}

#[cfg(test)]
mod rule_table {
    use super::RULES;

    #[test]
    fn every_rule_is_named_and_cites_authelia() {
        let mut names: Vec<_> = RULES.iter().map(|r| r.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), RULES.len(), "rule names are unique");
        for r in RULES {
            let cites = r.source.contains(".go:")
                && r.source
                    .split(".go:")
                    .nth(1)
                    .is_some_and(|l| l.starts_with(|c: char| c.is_ascii_digit()));
            assert!(cites, "rule {} cites no Go file:line: {}", r.name, r.source);
        }
    }
}
