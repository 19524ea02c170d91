//! `explain`: a pasted log line or error page text -> the cause, the one field to change and,
//! where the fix is a change to a client, the `oidc-wizard edit` (or `rotate`) line to run.
//!
//! Each entry is a message Authelia v4.39.20 or its OAuth 2.0 library (authelia.com/provider/
//! oauth2 v0.2.31) really writes, with where it comes from; a few come from reports in
//! Authelia's issue tracker. Entries are tried in order; a generic one (`Client
//! authentication failed`) is shown only when no specific one matches.

use serde::Serialize;

/// One known error message.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// A short name.
    pub id: &'static str,
    /// The message as it appears (placeholders filled with an example), for the tests and docs.
    pub example: &'static str,
    /// Lowercase pieces that must all appear.
    pub all: &'static [&'static str],
    /// Lowercase pieces that must not appear.
    pub none: &'static [&'static str],
    /// Where the message comes from.
    pub source: &'static str,
    /// Why it happens.
    pub cause: &'static str,
    /// The one field to change (a client key, or a provider key with its path).
    pub field: &'static str,
    /// The client change, `key=value` with `{1}` for the first quoted value of the message and
    /// `{uri}`, when the fix is a change to the client; `rotate` for a new secret.
    pub edit: Option<&'static str>,
    /// Shown only when nothing more specific matches.
    pub generic: bool,
}

/// What `explain` found for a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The entry's name.
    pub id: String,
    /// Why it happens.
    pub cause: String,
    /// The one field to change.
    pub field: String,
    /// The command to run when the fix is a client change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
    /// Where the message comes from.
    pub source: String,
}

/// The known messages.
pub const TABLE: &[Entry] = &[
    Entry {
        id: "client_not_found",
        example: "The requested OAuth 2.0 Client does not exist.",
        all: &["requested oauth 2.0 client does not exist"],
        none: &[],
        source: "oauth2 authorize_request_handler.go:482 (authelia.com/provider/oauth2 v0.2.31)",
        cause: "the client_id the app sends is not one Authelia loaded: a typo in the app, or Authelia was not restarted after the client was added",
        field: "client_id",
        edit: None,
        generic: false,
    },
    Entry {
        id: "redirect_uri_mismatch",
        example: "The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered 'redirect_uris'.",
        all: &[
            "'redirect_uri' parameter does not match any of the oauth 2.0 client's pre-registered",
        ],
        none: &[],
        source: "oauth2 uri.go:97 and :107",
        cause: "the callback URL the app sends is not listed exactly (scheme, host, port, path, trailing slash) in the client's redirect_uris",
        field: "redirect_uris",
        edit: Some("redirect_uris={uri}"),
        generic: false,
    },
    Entry {
        id: "redirect_uri_required",
        example: "The 'redirect_uri' parameter is required when using OpenID Connect 1.0.",
        all: &["'redirect_uri' parameter is required when using openid connect"],
        none: &[],
        source: "oauth2 authorize_request_handler.go:283",
        cause: "the app sent no redirect_uri: its callback URL setting is empty",
        field: "redirect_uris (set the app's callback URL to one of them)",
        edit: None,
        generic: false,
    },
    Entry {
        id: "redirect_uri_illegal",
        example: "The redirect URI 'https://app.example.com/cb#x' contains an illegal character (for example #) or is otherwise invalid.",
        all: &["contains an illegal character (for example #)"],
        none: &[],
        source: "oauth2 authorize_request_handler.go:291",
        cause: "the redirect URI has a fragment (#) or is not an absolute URI",
        field: "redirect_uris",
        edit: Some("redirect_uris={uri}"),
        generic: false,
    },
    Entry {
        id: "scope_not_allowed",
        example: "The OAuth 2.0 Client is not allowed to request scope 'groups'.",
        all: &["is not allowed to request scope"],
        none: &[],
        source: "oauth2 authorize_request_handler.go:309",
        cause: "the app asks for a scope the client does not list",
        field: "scopes",
        edit: Some("scopes=<the current scopes>,{1}"),
        generic: false,
    },
    Entry {
        id: "pkce_missing",
        example: "Clients must include a 'code_challenge' when performing the authorize code flow, but it is missing.",
        all: &["clients must include a 'code_challenge'"],
        none: &[],
        source: "oauth2 handler/pkce/handler.go:258, :269 and :277",
        cause: "the client requires PKCE (require_pkce, or a public client) but the app sends no code_challenge",
        field: "require_pkce",
        edit: Some("require_pkce=false"),
        generic: false,
    },
    Entry {
        id: "pkce_method",
        example: "Authorization was requested with 'code_challenge_method' value 'plain', but the authorization server policy does not allow method 'plain' and requires method 'S256'.",
        all: &["'code_challenge_method' value", "requires method"],
        none: &[],
        source: "oauth2 handler/pkce/handler.go:94 and :109",
        cause: "the app's PKCE method differs from the client's pkce_challenge_method (for 'plain' Authelia also needs identity_providers.oidc.enable_pkce_plain_challenge: true; better switch the app to S256)",
        field: "pkce_challenge_method",
        edit: Some("pkce_challenge_method={1}"),
        generic: false,
    },
    Entry {
        id: "pkce_method_unknown",
        example: "Authorization was requested with 'code_challenge_method' value 'S512', but the authorization server doesn't know how to handle this method, try 'S256' instead.",
        all: &["doesn't know how to handle this method"],
        none: &[],
        source: "oauth2 handler/pkce/handler.go:99",
        cause: "the app sends a PKCE method Authelia does not implement",
        field: "pkce_challenge_method (set the app to S256)",
        edit: None,
        generic: false,
    },
    Entry {
        id: "response_type",
        example: "The client is not allowed to request response_type 'id_token'.",
        all: &["is not allowed to request response_type"],
        none: &[],
        source: "oauth2 authorize_request_handler.go:337",
        cause: "the app asks for a response type the client does not list",
        field: "response_types",
        edit: Some("response_types={1}"),
        generic: false,
    },
    Entry {
        id: "response_mode",
        example: "The 'response_mode' requested was 'form_post', but the Authorization Server or registered OAuth 2.0 client doesn't allow or support this mode.",
        all: &[
            "'response_mode' requested was",
            "doesn't allow or support this mode",
        ],
        none: &[],
        source: "oauth2 authorize_request_handler.go:368 and :380",
        cause: "the app asks for a response mode the client does not list",
        field: "response_modes",
        edit: Some("response_modes=<the current modes>,{1}"),
        generic: false,
    },
    Entry {
        id: "par_required",
        example: "Pushed Authorization Requests are required but this Authorization Request was not made as a Pushed Authorization Request.",
        all: &["pushed authorization requests are required"],
        none: &[],
        source: "oauth2 authorize_request_handler.go:476 and :487",
        cause: "the client requires pushed authorization requests but the app does not make them",
        field: "require_pushed_authorization_requests",
        edit: Some("require_pushed_authorization_requests=false"),
        generic: false,
    },
    Entry {
        id: "state_entropy",
        example: "Request parameter 'state' must be at least be 8 characters long to ensure sufficient entropy.",
        all: &["'state' must be at least be"],
        none: &[],
        source: "oauth2 authorize_request_handler.go:558",
        cause: "the app sends a state shorter than Authelia's minimum (8): an app bug or an old library",
        field: "identity_providers.oidc.minimum_parameter_entropy (provider, lowers security)",
        edit: None,
        generic: false,
    },
    Entry {
        id: "grant_type",
        example: "The OAuth 2.0 Client is not allowed to use authorization grant 'refresh_token'.",
        all: &["is not allowed to use authorization grant"],
        none: &[],
        source: "oauth2 handler/oauth2/flow_authorize_code_token.go:28 (and the refresh and client credentials flows)",
        cause: "the app uses a grant type the client does not list",
        field: "grant_types",
        edit: Some("grant_types=<the current grant types>,{1}"),
        generic: false,
    },
    Entry {
        id: "auth_method_mismatch",
        example: "The request was determined to be using 'token_endpoint_auth_method' method 'client_secret_post', however the OAuth 2.0 client registration does not allow this method.",
        all: &[
            "'token_endpoint_auth_method' method",
            "does not allow this method",
        ],
        none: &[],
        source: "oauth2 client_authentication_strategy.go:203, :211 and :232",
        cause: "the app sends its secret another way (basic header vs form post) than the client's token_endpoint_auth_method",
        field: "token_endpoint_auth_method",
        edit: Some("token_endpoint_auth_method={1}"),
        generic: false,
    },
    Entry {
        id: "secret_mismatch",
        example: "The provided client secret did not match the registered client secret.",
        all: &["provided client secret did not match the registered client secret"],
        none: &[],
        source: "authelia internal/oidc/errors.go:16",
        cause: "the secret in the app is not the one whose digest is in client_secret (the digest pasted into the app, or an old secret)",
        field: "client_secret",
        edit: Some("rotate"),
        generic: false,
    },
    Entry {
        id: "access_denied_policy",
        example: "The user was denied access to this client.",
        all: &["user was denied access to this client"],
        none: &[],
        source: "authelia internal/oidc/errors.go:38",
        cause: "the client's authorization policy does not let this user (or group) in",
        field: "authorization_policy",
        edit: Some("authorization_policy=two_factor"),
        generic: false,
    },
    Entry {
        id: "no_jwks",
        example: "identity_providers: oidc: option `jwks` is required",
        all: &["identity_providers: oidc: option `jwks` is required"],
        none: &[],
        source: "authelia internal/configuration/validator/const.go:179",
        cause: "the provider has no signing key",
        field: "identity_providers.oidc.jwks (provider: an RS256 key; `oidc-wizard add` creates one on a first-time setup)",
        edit: None,
        generic: false,
    },
    Entry {
        id: "no_rs256_key",
        example: "identity_providers: oidc: jwks: keys: must at least have one key supporting the 'RS256' algorithm but only has 'ES256'",
        all: &["must at least have one key supporting the"],
        none: &[],
        source: "authelia internal/configuration/validator/const.go:200",
        cause: "OpenID Connect requires an RS256 signing key and the jwks has none",
        field: "identity_providers.oidc.jwks (provider: add an RSA key with algorithm RS256)",
        edit: None,
        generic: false,
    },
    Entry {
        id: "secret_plaintext",
        example: "identity_providers: oidc: clients: client 'app': option 'client_secret' is plaintext but for clients not using any endpoint authentication method 'client_secret_jwt' it should be a hashed value as plaintext values are deprecated with the exception of 'client_secret_jwt' and will be removed in the near future",
        all: &["'client_secret' is plaintext"],
        none: &[],
        source: "authelia internal/configuration/validator/const.go:227",
        cause: "client_secret holds the plaintext; Authelia wants its digest",
        field: "client_secret",
        edit: Some("rotate"),
        generic: false,
    },
    Entry {
        id: "secret_public",
        example: "identity_providers: oidc: clients: client 'app': option 'client_secret' is required to be empty when option 'public' is true",
        all: &["'client_secret' is required to be empty"],
        none: &[],
        source: "authelia internal/configuration/validator/const.go:230-233",
        cause: "a public client (or token_endpoint_auth_method none) has a secret",
        field: "client_secret (remove it, or make the client confidential: public=false)",
        edit: Some("public=false"),
        generic: false,
    },
    Entry {
        id: "secret_required",
        example: "identity_providers: oidc: clients: client 'app': option 'client_secret' is required",
        all: &["'client_secret' is required"],
        none: &["required to be empty"],
        source: "authelia internal/configuration/validator/const.go:226",
        cause: "a confidential client has no client_secret",
        field: "client_secret",
        edit: Some("rotate"),
        generic: false,
    },
    Entry {
        id: "auth_method_public",
        example: "identity_providers: oidc: clients: client 'app': option 'token_endpoint_auth_method' must be 'none' when configured as the public client type but it's configured as 'client_secret_basic'",
        all: &["must be 'none' when configured as the public client type"],
        none: &[],
        source: "authelia internal/configuration/validator/const.go:276-277",
        cause: "a public client must not authenticate at the token endpoint",
        field: "token_endpoint_auth_method",
        edit: Some("token_endpoint_auth_method=none"),
        generic: false,
    },
    Entry {
        id: "auth_method_confidential",
        example: "identity_providers: oidc: clients: client 'app': option 'token_endpoint_auth_method' must be one of 'client_secret_post', 'client_secret_basic', 'client_secret_jwt', or 'private_key_jwt' when configured as the confidential client type unless it only includes implicit flow response types such as 'id_token' but it's configured as 'none'",
        all: &["when configured as the confidential client type"],
        none: &[],
        source: "authelia internal/configuration/validator/const.go:274-275",
        cause: "a confidential client cannot use token_endpoint_auth_method none",
        field: "token_endpoint_auth_method",
        edit: Some("token_endpoint_auth_method=client_secret_basic"),
        generic: false,
    },
    Entry {
        id: "template_filters_off",
        example: "Error: failed to load configuration from file path(/etc/authelia/configuration.yml) source: yaml: invalid map key: map[string]interface {}{\"secret \\\"/etc/authelia/keys/key.pem\\\" | mindent 10 \\\"|\\\" | msquote\":interface {}(nil)}",
        all: &["invalid map key"],
        none: &[],
        source: "authelia/authelia#9579 (the message) and #10455 (template expressions read as YAML while X_AUTHELIA_CONFIG_FILTERS is unset)",
        cause: "the file uses {{ ... }} template expressions but the program reading it has no template filter enabled, so they are read as YAML",
        field: "X_AUTHELIA_CONFIG_FILTERS=template (in the environment of every authelia command that reads the file)",
        edit: None,
        generic: false,
    },
    Entry {
        id: "duplicate_key",
        example: "Configuration: failed to load configuration from file path(/config/configuration.yml) source: yaml: unmarshal errors:\\n  line 157: mapping key \\\"address\\\" already defined at line 156",
        all: &["mapping key", "already defined at line"],
        none: &[],
        source: "authelia/authelia#7093 (yaml.v3's duplicate key error as Authelia logs it)",
        cause: "a key appears twice in one mapping (often after pasting a block that was already there)",
        field: "the key it names, at the line it names: keep one",
        edit: None,
        generic: false,
    },
    Entry {
        id: "claims_userinfo_only",
        // The apps' wording varies; this example stands for them (the entry is generic).
        example: "OIDC login failed: the ID token has no 'email' claim",
        all: &["claim"],
        none: &["claims_policy", "at_hash"],
        source: "Authelia 4.39 sends standard claims only from the userinfo endpoint (syncloud/platform#758, authelia/authelia#9003)",
        cause: "since 4.39 the ID token carries no email/name/groups unless a claims policy puts them there; apps that read only the ID token see none",
        field: "claims_policy (a policy under identity_providers.oidc.claims_policies with id_token: [email, email_verified, name, preferred_username, groups])",
        edit: Some("claims_policy=<policy name>"),
        generic: true,
    },
    Entry {
        id: "client_auth_failed",
        example: "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).",
        all: &["client authentication failed"],
        none: &[],
        source: "oauth2 errors.go:108 (invalid_client)",
        cause: "the token request's client authentication failed: the secret, or the way it is sent (token_endpoint_auth_method)",
        field: "token_endpoint_auth_method or client_secret",
        edit: None,
        generic: true,
    },
];

/// The quoted values ('x') of a text, in order.
fn quoted(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut rest = text;
    while let Some(a) = rest.find('\'') {
        let after = &rest[a + 1..];
        let Some(b) = after.find('\'') else { break };
        out.push(after[..b].to_string());
        rest = &after[b + 1..];
    }
    out
}

/// The client id a text names (`client with id 'x'`, `client 'x'`, `client_id=x`).
pub fn client_id_in(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for marker in ["client with id '", "client id '", "client '"] {
        if let Some(at) = lower.find(marker) {
            let rest = &text[at + marker.len()..];
            if let Some(end) = rest.find('\'')
                && end > 0
            {
                return Some(rest[..end].to_string());
            }
        }
    }
    let at = text.find("client_id=")?;
    let id: String = text[at + 10..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "-._~".contains(*c))
        .collect();
    (!id.is_empty()).then_some(id)
}

/// The redirect URI a text names (`'redirect_uri' value 'X'`, `redirect_uri=X`).
fn redirect_in(text: &str) -> Option<String> {
    if let Some(at) = text.find("'redirect_uri' value '") {
        let rest = &text[at + 22..];
        return rest.find('\'').map(|e| rest[..e].to_string());
    }
    let at = text.find("redirect_uri=")?;
    let v: String = text[at + 13..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '&' && *c != '"')
        .collect();
    Some(super::authorize::decode(&v))
}

/// The value a quoted placeholder takes: the first quoted value after the message's key
/// phrase, skipping the names of parameters.
fn first_value(text: &str) -> Option<String> {
    const NAMES: &[&str] = &[
        "token_endpoint_auth_method",
        "code_challenge_method",
        "response_mode",
        "state",
        "redirect_uri",
    ];
    quoted(text)
        .into_iter()
        .find(|q| !q.is_empty() && !NAMES.contains(&q.as_str()))
}

/// Explains a text: every known message it contains, the most specific first.
pub fn explain(text: &str) -> Vec<Explanation> {
    let lower = text.to_ascii_lowercase();
    let hits: Vec<&Entry> = TABLE
        .iter()
        .filter(|e| {
            e.all.iter().all(|p| lower.contains(p)) && !e.none.iter().any(|p| lower.contains(p))
        })
        .collect();
    let specific = hits.iter().any(|e| !e.generic);
    let id = client_id_in(text).unwrap_or_else(|| "<CLIENT_ID>".into());
    hits.into_iter()
        .filter(|e| !specific || !e.generic)
        .map(|e| Explanation {
            id: e.id.into(),
            cause: e.cause.into(),
            field: e.field.into(),
            command: e.edit.map(|edit| {
                if edit == "rotate" {
                    return format!("oidc-wizard rotate {id} --config <PATH>");
                }
                // The value the message names, read after its key phrase (a log line's prefix
                // quotes request and client ids).
                let from = lower.find(e.all[0]).unwrap_or(0);
                let value = first_value(&text[from..]);
                let kv = edit
                    .replace("{1}", value.as_deref().unwrap_or("<value>"))
                    .replace(
                        "{uri}",
                        redirect_in(text)
                            .as_deref()
                            .unwrap_or("<the app's callback URL>"),
                    );
                format!("oidc-wizard edit {id} --set {kv}")
            }),
            source: e.source.into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_and_ids_are_read() {
        assert_eq!(quoted("a 'b' c 'd'"), vec!["b", "d"]);
        assert_eq!(
            client_id_in("on client with id 'gitea' could"),
            Some("gitea".into())
        );
        assert_eq!(client_id_in("x client_id=memos&y"), Some("memos".into()));
        assert_eq!(client_id_in("nothing"), None);
    }
}
