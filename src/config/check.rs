//! `oidc-wizard check`: what Authelia would reject or warn about in a configuration's OpenID
//! Connect section: unknown keys (against Authelia's own key list), deprecated keys, a provider
//! without `jwks`, plaintext secrets, public clients with a secret, duplicate ids, and every
//! client rule of [`crate::client::validate`].
//!
//! Beyond one client, it reads what Authelia v4.39.20's validator reads around it: the `jwks`
//! keys themselves (decoded as Authelia decodes them), the algorithms and key ids
//! the clients sign with, what HMAC algorithms and JWT authentication methods need of the secret
//! and of the client's keys, plain PKCE, and the custom scopes with their claims. Each rule is
//! its own function citing the validator's lines. Values from template expressions (`{{ ... }}`)
//! are never judged: their bytes are not in the file.

use super::Document;
use super::scan;
use crate::client::{self, Client, Context, Severity};
use crate::error::{Error, Result};
use serde::Serialize;
use serde_yaml::Value;
use std::collections::HashSet;
use std::sync::OnceLock;

/// Authelia's configuration keys (`a.b`, `list[]`, `map.*`), from its JSON schema.
const KEYS: &str = include_str!("../../assets/authelia/keys.txt");

/// Keys Authelia still reads but has renamed, with their replacement.
const DEPRECATED: &[(&str, &str)] = &[
    ("identity_providers.oidc.clients[].id", "client_id"),
    ("identity_providers.oidc.clients[].secret", "client_secret"),
    (
        "identity_providers.oidc.clients[].description",
        "client_name",
    ),
    (
        "identity_providers.oidc.clients[].sector_identifier",
        "sector_identifier_uri",
    ),
    (
        "identity_providers.oidc.clients[].userinfo_signing_algorithm",
        "userinfo_signed_response_alg",
    ),
    ("identity_providers.oidc.issuer_private_key", "jwks"),
    ("identity_providers.oidc.issuer_certificate_chain", "jwks"),
    (
        "identity_providers.oidc.access_token_lifespan",
        "lifespans.access_token",
    ),
    (
        "identity_providers.oidc.authorize_code_lifespan",
        "lifespans.authorize_code",
    ),
    (
        "identity_providers.oidc.id_token_lifespan",
        "lifespans.id_token",
    ),
    (
        "identity_providers.oidc.refresh_token_lifespan",
        "lifespans.refresh_token",
    ),
    (
        "jwt_secret",
        "identity_validation.reset_password.jwt_secret",
    ),
    ("server.host", "server.address"),
    ("server.port", "server.address"),
    ("server.path", "server.address"),
    ("storage.mysql.host", "storage.mysql.address"),
    ("storage.mysql.port", "storage.mysql.address"),
    ("storage.postgres.host", "storage.postgres.address"),
    ("storage.postgres.port", "storage.postgres.address"),
    (
        "authentication_backend.ldap.url",
        "authentication_backend.ldap.address",
    ),
    (
        "authentication_backend.ldap.username_attribute",
        "authentication_backend.ldap.attributes.username",
    ),
    (
        "authentication_backend.ldap.mail_attribute",
        "authentication_backend.ldap.attributes.mail",
    ),
    (
        "authentication_backend.ldap.display_name_attribute",
        "authentication_backend.ldap.attributes.display_name",
    ),
    (
        "authentication_backend.ldap.group_name_attribute",
        "authentication_backend.ldap.attributes.group_name",
    ),
    ("session.remember_me_duration", "session.remember_me"),
    (
        "webauthn.user_verification",
        "webauthn.selection_criteria.user_verification",
    ),
    ("server.read_buffer_size", "server.buffers.read"),
    ("server.write_buffer_size", "server.buffers.write"),
    ("server.enable_pprof", "server.endpoints.enable_pprof"),
    ("server.enable_expvars", "server.endpoints.enable_expvars"),
    ("log_level", "log.level"),
];

fn known_keys() -> &'static HashSet<&'static str> {
    static K: OnceLock<HashSet<&'static str>> = OnceLock::new();
    K.get_or_init(|| {
        KEYS.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect()
    })
}

fn has_children(p: &str) -> bool {
    static P: OnceLock<HashSet<String>> = OnceLock::new();
    let parents = P.get_or_init(|| {
        let mut s = HashSet::new();
        for k in KEYS.lines() {
            let k = k.trim();
            for (i, c) in k.char_indices() {
                if c == '.' || c == '[' {
                    s.insert(k[..i].to_string());
                }
            }
        }
        s
    });
    parents.contains(p)
}

/// One finding about the file (not tied to one client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileFinding {
    /// Error (Authelia will not start) or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
}

/// A client and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientReport {
    /// Its id (empty when it has none).
    pub client_id: String,
    /// Its name, if any.
    pub client_name: Option<String>,
    /// 1-based line of the item, when known.
    pub line: Option<usize>,
    /// The findings, errors first.
    pub findings: Vec<client::Finding>,
}

/// The result of `check`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The configuration file.
    pub config_path: String,
    /// Whether the file has an `identity_providers.oidc` section.
    pub has_oidc: bool,
    /// The clients.
    pub clients: Vec<ClientReport>,
    /// Findings about the file as a whole.
    pub findings: Vec<FileFinding>,
    /// Number of errors (file and clients).
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
}

impl Report {
    /// Whether nothing was found.
    pub fn clean(&self) -> bool {
        self.errors == 0 && self.warnings == 0
    }
}

fn err(m: impl Into<String>) -> FileFinding {
    FileFinding {
        severity: Severity::Error,
        message: m.into(),
    }
}

fn warn(m: impl Into<String>) -> FileFinding {
    FileFinding {
        severity: Severity::Warning,
        message: m.into(),
    }
}

fn key_name(k: &Value) -> String {
    match k {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Walks the document and reports keys Authelia does not know and deprecated keys.
fn walk_keys(v: &Value, pattern: &str, shown: &str, out: &mut Vec<FileFinding>) {
    match v {
        Value::Mapping(m) => {
            for (k, child) in m {
                let name = key_name(k);
                if name == "<<" {
                    continue;
                }
                let exact = if pattern.is_empty() {
                    name.clone()
                } else {
                    format!("{pattern}.{name}")
                };
                let wild = if pattern.is_empty() {
                    "*".to_string()
                } else {
                    format!("{pattern}.*")
                };
                let shown_here = if shown.is_empty() {
                    name.clone()
                } else {
                    format!("{shown}.{name}")
                };
                if let Some((_, new)) = DEPRECATED.iter().find(|(p, _)| *p == exact) {
                    out.push(warn(format!(
                        "{shown_here} is deprecated since Authelia 4.38; use {new}"
                    )));
                    continue;
                }
                let next = if known_keys().contains(exact.as_str()) || has_children(&exact) {
                    exact
                } else if known_keys().contains(wild.as_str()) || has_children(&wild) {
                    wild
                } else {
                    out.push(err(format!("{shown_here} is not a key Authelia knows")));
                    continue;
                };
                if has_children(&next) {
                    walk_keys(child, &next, &shown_here, out);
                }
            }
        }
        Value::Sequence(items) => {
            let p = format!("{pattern}[]");
            if !has_children(&p) {
                return;
            }
            for (i, item) in items.iter().enumerate() {
                walk_keys(item, &p, &format!("{shown}[{i}]"), out);
            }
        }
        Value::Tagged(t) => walk_keys(&t.value, pattern, shown, out),
        _ => {}
    }
}

fn names(v: Option<&Value>) -> Vec<String> {
    v.and_then(|x| x.as_mapping())
        .map(|m| m.keys().map(key_name).collect())
        .unwrap_or_default()
}

/// Client keys Authelia decodes as `bool`, `[]string` and `string` (schema/identity_providers.go).
const BOOL_KEYS: &[&str] = &[
    "public",
    "require_pkce",
    "require_pushed_authorization_requests",
];
const LIST_KEYS: &[&str] = &[
    "redirect_uris",
    "audience",
    "scopes",
    "response_modes",
    "response_types",
    "grant_types",
];

/// Go's `strconv.ParseBool`, which mapstructure's weak decoding uses for a string (an empty
/// string is false).
fn go_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "" | "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// A scalar as mapstructure's weak decoding turns it into a string (bools as `1`/`0`).
fn weak_string(v: &Value) -> Option<Value> {
    match v {
        Value::Bool(b) => Some(Value::String(if *b { "1" } else { "0" }.into())),
        Value::Number(n) => Some(Value::String(n.to_string())),
        _ => None,
    }
}

/// A client item as Authelia decodes it: Authelia reads the configuration with mapstructure's
/// `WeaklyTypedInput: true` (internal/configuration/provider.go:67 and :141 at v4.39.20) and its
/// first decode hook is `mapstructure.StringToSliceHookFunc(",")` (decode_hooks.go:31). So
/// `public: 'false'` is false, `scopes: 'openid,profile'` is two scopes, a single value is a
/// one-item list and a number or bool where a string goes is that string. Values weak decoding
/// also refuses are left as they are, so reading the client still reports them.
pub(crate) fn weaken(item: &Value) -> Value {
    let Value::Mapping(m) = item else {
        return item.clone();
    };
    let mut out = serde_yaml::Mapping::new();
    for (k, v) in m {
        let name = key_name(k);
        let v = match v {
            Value::Tagged(t) => t.value.clone(),
            other => other.clone(),
        };
        let nv = if BOOL_KEYS.contains(&name.as_str()) {
            match &v {
                Value::String(s) => go_bool(s).map(Value::Bool).unwrap_or(v),
                Value::Number(n) => Value::Bool(n.as_f64().is_some_and(|x| x != 0.0)),
                _ => v,
            }
        } else if LIST_KEYS.contains(&name.as_str()) {
            match &v {
                Value::String(s) if s.is_empty() => Value::Sequence(Vec::new()),
                Value::String(s) => {
                    Value::Sequence(s.split(',').map(|x| Value::String(x.to_string())).collect())
                }
                Value::Bool(_) | Value::Number(_) => {
                    Value::Sequence(vec![weak_string(&v).unwrap_or(v)])
                }
                Value::Sequence(items) => Value::Sequence(
                    items
                        .iter()
                        .map(|x| weak_string(x).unwrap_or_else(|| x.clone()))
                        .collect(),
                ),
                Value::Mapping(mm) if mm.is_empty() => Value::Sequence(Vec::new()),
                _ => v,
            }
        } else if matches!(v, Value::Bool(_) | Value::Number(_)) && name != "jwks" {
            weak_string(&v).unwrap_or(v)
        } else {
            v
        };
        out.insert(k.clone(), nv);
    }
    Value::Mapping(out)
}

/// The node an alias refers to (the node carrying its anchor), or the node itself.
pub(super) fn resolve<'n>(root: &'n scan::Node, n: &'n scan::Node) -> &'n scan::Node {
    fn find(n: &scan::Node, id: usize, depth: usize) -> Option<&scan::Node> {
        if n.anchor == id && !matches!(n.kind, scan::Kind::Alias(_)) {
            return Some(n);
        }
        if depth > 64 {
            return None;
        }
        match &n.kind {
            scan::Kind::Seq(items, _) => items.iter().find_map(|i| find(i, id, depth + 1)),
            scan::Kind::Map(entries, _) => entries
                .iter()
                .find_map(|(k, v)| find(k, id, depth + 1).or_else(|| find(v, id, depth + 1))),
            _ => None,
        }
    }
    match n.kind {
        scan::Kind::Alias(id) if id != 0 => find(root, id, 0).unwrap_or(n),
        _ => n,
    }
}

/// The value of `key` in a mapping node, aliases resolved.
pub(super) fn child<'n>(
    root: &'n scan::Node,
    n: Option<&'n scan::Node>,
    key: &str,
) -> Option<&'n scan::Node> {
    let n = resolve(root, n?);
    n.get(key).map(|(_, v)| resolve(root, v))
}

/// Whether a template expression makes the value at `n` (never decided by the mask bytes: a
/// literal `xxxx` is a literal).
fn templated(t: &scan::Text<'_>, n: Option<&scan::Node>) -> bool {
    n.is_some_and(|n| t.made_by_template(n))
}

/// Claims policies whose custom claims read an attribute that is neither standard nor defined
/// (Authelia refuses to start: identity_providers.go:177-178 and 236-312).
fn unknown_claim_attributes(root: &Value, oidc: &Value, out: &mut Vec<FileFinding>) {
    let Some(policies) = oidc.get("claims_policies").and_then(Value::as_mapping) else {
        return;
    };
    for (name, policy) in policies {
        for (claim, attr) in super::attributes::read_by_policy(policy) {
            // A name a template makes reads as the parser's mask: not judged.
            let masked = !attr.is_empty() && attr.bytes().all(|b| b == scan::MASK);
            if !masked && !super::attributes::known(root, &attr) {
                out.push(err(format!(
                    "identity_providers.oidc.claims_policies.{}: claim '{claim}' reads the attribute '{attr}', which is not a known attribute: define definitions.user_attributes.{attr} or an extra attribute of the authentication backend with that name",
                    key_name(name)
                )));
            }
        }
    }
}

/// Checks a configuration.
pub fn check(doc: &Document) -> Result<Report> {
    let path = &doc.path;
    let full = doc.text()?;
    let (t, parsed) = super::parse_text(path, full)?;
    let root = super::gate::parse_first(&t.masked)
        .map_err(|e| Error::file(path, format!("not valid YAML: {e}")))?;
    let mut findings = Vec::new();
    if !root.is_null() && !root.is_mapping() {
        return Err(Error::file(path, "is not a mapping of settings"));
    }
    walk_keys(&root, "", "", &mut findings);

    let empty = scan::Node {
        kind: scan::Kind::Map(Vec::new(), true),
        start: scan::Pos::default(),
        end: scan::Pos::default(),
        anchored: false,
        anchor: 0,
        tag: None,
    };
    let proot = parsed.root.as_ref().unwrap_or(&empty);
    let oidc_node = child(
        proot,
        child(proot, Some(proot), "identity_providers"),
        "oidc",
    );
    let clients_node = child(proot, oidc_node, "clients");
    let oidc = root.get("identity_providers").and_then(|i| i.get("oidc"));
    let has_oidc = oidc.is_some_and(|o| !o.is_null());
    let mut clients = Vec::new();
    if let Some(oidc) = oidc.filter(|o| !o.is_null()) {
        if oidc.get("hmac_secret").is_none() {
            findings.push(warn(
                "identity_providers.oidc has no hmac_secret; fine only if AUTHELIA_IDENTITY_PROVIDERS_OIDC_HMAC_SECRET_FILE provides it",
            ));
        }
        let jwks = oidc.get("jwks").and_then(|j| j.as_sequence());
        let ipk = oidc.get("issuer_private_key").is_some();
        if jwks.is_none() && !ipk {
            findings.push(err(
                "identity_providers.oidc has no jwks: Authelia will not start the provider without a signing key",
            ));
        }
        if jwks.is_some() && (ipk || oidc.get("issuer_certificate_chain").is_some()) {
            findings.push(err(
                "identity_providers.oidc has jwks and issuer_private_key at once; keep only jwks",
            ));
        }
        let (jwk_findings, signing) = check_jwks(oidc, oidc_node, proot, &t);
        findings.extend(jwk_findings);
        findings.extend(check_discovery_alg(oidc, &signing));
        let provider = provider_of(oidc, signing);
        findings.extend(check_custom_scopes(&provider));
        unknown_claim_attributes(&root, oidc, &mut findings);
        let ctx = Context {
            policies: names(oidc.get("authorization_policies")),
            claims_policies: names(oidc.get("claims_policies")),
            custom_scopes: names(oidc.get("scopes")),
            lifespans: names(oidc.get("lifespans").and_then(|l| l.get("custom"))),
        };
        // The items and their lines, from the positional parse.
        let item_nodes: Vec<&scan::Node> = match clients_node.map(|c| &c.kind) {
            Some(scan::Kind::Seq(items, _)) => items.iter().map(|i| resolve(proot, i)).collect(),
            _ => Vec::new(),
        };
        let item_lines: Vec<usize> = item_nodes.iter().map(|i| i.start.line + 1).collect();
        match oidc.get("clients") {
            None | Some(Value::Null) => findings.push(err(
                "identity_providers.oidc has no clients: Authelia needs at least one",
            )),
            Some(Value::Sequence(items)) => {
                if items.is_empty() {
                    findings.push(err(
                        "identity_providers.oidc has no clients: Authelia needs at least one",
                    ));
                }
                let mut seen: Vec<String> = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let line = item_lines.get(i).copied();
                    let node = item_nodes.get(i).copied();
                    let mut report = ClientReport {
                        client_id: String::new(),
                        client_name: None,
                        line,
                        findings: Vec::new(),
                    };
                    let mut item = weaken(item);
                    let no_id = item
                        .get("client_id")
                        .or_else(|| item.get("id"))
                        .is_none_or(|v| v.is_null());
                    if no_id {
                        // schema: client_id is required (identity_providers.go validates it
                        // is not empty); read the rest so its other faults show too.
                        report.findings.push(client::Finding {
                            severity: Severity::Error,
                            message: "has no client_id: Authelia requires one".into(),
                        });
                        if let Value::Mapping(m) = &mut item {
                            m.insert("client_id".into(), Value::String(String::new()));
                        }
                    }
                    let weak = item.clone();
                    match serde_yaml::from_value::<Client>(item) {
                        Ok(mut c) => {
                            report.client_id = c.client_id.clone();
                            report.client_name = c.client_name.clone();
                            let secret_node = child(proot, node, "client_secret")
                                .or_else(|| child(proot, node, "secret"));
                            let templated_secret = templated(&t, secret_node);
                            if templated_secret {
                                // The real value comes from a template: assume a valid digest.
                                c.client_secret = Some(crate::secret::STAND_IN_DIGEST.into());
                            }
                            let id_node = child(proot, node, "client_id")
                                .or_else(|| child(proot, node, "id"));
                            let templated_id = templated(&t, id_node) || no_id;
                            let mut f: Vec<_> = client::validate(&c, &ctx)
                                .into_iter()
                                .filter(|x| !(templated_id && x.message.contains("client id")))
                                .collect();
                            f.retain(|x| !x.message.starts_with("unknown key"));
                            if templated_secret {
                                // Its real value is unknown: plaintext or digest cannot be told.
                                f.retain(|x| !x.message.contains("a digest is refused"));
                            }
                            if !templated_id {
                                if seen.contains(&c.client_id) {
                                    f.insert(
                                        0,
                                        client::Finding {
                                            severity: Severity::Error,
                                            message: format!(
                                                "client id '{}' is used by more than one client",
                                                c.client_id
                                            ),
                                        },
                                    );
                                }
                                seen.push(c.client_id.clone());
                            }
                            let secret = match c.client_secret.as_deref() {
                                _ if templated_secret => SecretKind::Templated,
                                None | Some("") => SecretKind::Absent,
                                Some(s) if crate::secret::is_digest(s) => SecretKind::Digest,
                                Some(_) => SecretKind::Plain,
                            };
                            let id = &c.client_id;
                            f.extend(check_signing_algs(id, &weak, secret, &provider.signing));
                            f.extend(check_auth_methods(id, &weak, secret));
                            f.extend(check_encryption_algs(id, &weak, secret));
                            f.extend(check_pkce_plain(id, &weak, &provider));
                            f.extend(check_scope_claims(id, &weak, &provider));
                            f.sort_by_key(|x| std::cmp::Reverse(x.severity));
                            report.findings.extend(f);
                        }
                        Err(e) => report.findings.push(client::Finding {
                            severity: Severity::Error,
                            message: format!("cannot be read as a client: {e}"),
                        }),
                    }
                    clients.push(report);
                }
            }
            Some(_) => findings.push(err("identity_providers.oidc.clients is not a list")),
        }
    }
    let count = |s: Severity| {
        findings.iter().filter(|f| f.severity == s).count()
            + clients
                .iter()
                .flat_map(|c| &c.findings)
                .filter(|f| f.severity == s)
                .count()
    };
    Ok(Report {
        config_path: path.display().to_string(),
        has_oidc,
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        clients,
        findings,
    })
}

/// The report as text for a terminal.
pub fn report_text(r: &Report) -> String {
    let mut s = String::new();
    let sev = |x: Severity| match x {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    if !r.has_oidc {
        s.push_str(&format!(
            "{}: no identity_providers.oidc section (no clients)\n",
            r.config_path
        ));
    } else {
        s.push_str(&format!(
            "{}: {} client(s)\n",
            r.config_path,
            r.clients.len()
        ));
    }
    for f in &r.findings {
        s.push_str(&format!("  {}: {}\n", sev(f.severity), f.message));
    }
    // The same finding on several clients is one line naming them all.
    let rest = |c: &ClientReport, f: &client::Finding| {
        let prefix = format!("client '{}': ", c.client_id);
        f.message
            .strip_prefix(&prefix)
            .unwrap_or(&f.message)
            .to_string()
    };
    let mut groups: Vec<(Severity, String, Vec<String>)> = Vec::new();
    for c in &r.clients {
        for f in &c.findings {
            let m = rest(c, f);
            let who = if c.client_id.is_empty() {
                format!("line {}", c.line.unwrap_or(0))
            } else {
                c.client_id.clone()
            };
            match groups
                .iter_mut()
                .find(|(s, x, _)| *s == f.severity && *x == m)
            {
                Some((_, _, ids)) => ids.push(who),
                None => groups.push((f.severity, m, vec![who])),
            }
        }
    }
    let grouped = |f: &client::Finding, m: &str| {
        groups
            .iter()
            .any(|(s, x, ids)| *s == f.severity && x == m && ids.len() > 1)
    };
    for (sev_, m, ids) in groups.iter().filter(|g| g.2.len() > 1) {
        s.push_str(&format!(
            "  {}: {} clients: {m}: {}\n",
            sev(*sev_),
            ids.len(),
            ids.join(", ")
        ));
    }
    for c in &r.clients {
        let line = c.line.map(|l| format!(" (line {l})")).unwrap_or_default();
        let name = c
            .client_name
            .as_deref()
            .map(|n| format!(" {n}"))
            .unwrap_or_default();
        let own: Vec<_> = c
            .findings
            .iter()
            .filter(|f| !grouped(f, &rest(c, f)))
            .collect();
        let status = if c.findings.is_empty() {
            " ok"
        } else if own.is_empty() {
            " (see above)"
        } else {
            ""
        };
        if c.client_id.is_empty() {
            s.push_str(&format!("  client without client_id{name}{line}{status}\n"));
        } else {
            s.push_str(&format!("  client '{}'{name}{line}{status}\n", c.client_id));
        }
        for f in own {
            s.push_str(&format!("    {}: {}\n", sev(f.severity), f.message));
        }
    }
    if r.clean() {
        s.push_str("no problems found\n");
    } else {
        s.push_str(&format!(
            "{} error(s), {} warning(s)\n",
            r.errors, r.warnings
        ));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// The provider's signing keys (`jwks`).

/// Signing algorithms a provider key may have (const.go:606, v4.39.20).
const JWK_SIGNING_ALGS: &[&str] = &[
    "RS256", "PS256", "ES256", "RS384", "PS384", "ES384", "RS512", "PS512", "ES512",
];
/// Encryption algorithms a provider key may have (const.go:610).
const JWK_ENCRYPTION_ALGS: &[&str] = &[
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "A128KW",
    "A192KW",
    "A256KW",
    "dir",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];

/// The provider's signing keys as the clients' rules see them.
#[derive(Debug, Default)]
struct Signing {
    /// `(key_id, algorithm)` of each signing key (`key_id` `None` when Authelia computes it).
    keys: Vec<(Option<String>, String)>,
    /// Whether some key's algorithm cannot be known here (a templated key without
    /// `algorithm`): then no rule may depend on which algorithms there are.
    unknown: bool,
}

impl Signing {
    fn has_alg(&self, alg: &str) -> bool {
        self.unknown || self.keys.iter().any(|(_, a)| a == alg)
    }

    /// The algorithm of the key with `kid`; `Err` when no key has it (as far as is known).
    fn alg_of(&self, kid: &str) -> Result<Option<&str>, ()> {
        match self.keys.iter().find(|(k, _)| k.as_deref() == Some(kid)) {
            Some((_, a)) => Ok(Some(a)),
            None if self.unknown || self.keys.iter().any(|(k, _)| k.is_none()) => Ok(None),
            None => Err(()),
        }
    }
}

/// A scalar as a string (weak decoding: numbers and bools are their text).
fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => text_of(Some(&t.value)),
        _ => None,
    }
}

/// Whether a `key_id` passes Authelia's pattern (const.go:622): RFC 3986 unreserved
/// characters, starting and ending with a letter or digit.
fn valid_kid(kid: &str) -> bool {
    let b = kid.as_bytes();
    b.is_empty()
        || (b
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"._~-".contains(c))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric())
}

/// Checks `jwks` (or the deprecated `issuer_private_key`) the way
/// `validateOIDCIssuerJSONWebKeys` does (identity_providers.go:363-527, v4.39.20), and says
/// which algorithms and key ids the clients can sign with.
fn check_jwks(
    oidc: &Value,
    oidc_node: Option<&scan::Node>,
    proot: &scan::Node,
    t: &scan::Text<'_>,
) -> (Vec<FileFinding>, Signing) {
    let mut out = Vec::new();
    let mut sig = Signing::default();
    // (name, key, key node, key_id, use, algorithm, certificate chain, chain node)
    struct Jwk<'a> {
        name: String,
        key: Option<&'a Value>,
        key_node: Option<&'a scan::Node>,
        kid: Option<String>,
        use_: Option<String>,
        alg: Option<String>,
        chain: Option<&'a Value>,
        chain_node: Option<&'a scan::Node>,
    }
    let mut list = Vec::new();
    let jwks_node = child(proot, oidc_node, "jwks");
    if let Some(jwks) = oidc.get("jwks").and_then(|j| j.as_sequence()) {
        let nodes: Vec<&scan::Node> = match jwks_node.map(|n| &n.kind) {
            Some(scan::Kind::Seq(items, _)) => items.iter().map(|i| resolve(proot, i)).collect(),
            _ => Vec::new(),
        };
        for (i, k) in jwks.iter().enumerate() {
            let n = nodes.get(i).copied();
            list.push(Jwk {
                name: format!("identity_providers.oidc.jwks[{i}]"),
                key: k.get("key"),
                key_node: child(proot, n, "key"),
                kid: text_of(k.get("key_id")).filter(|x| !x.is_empty()),
                use_: text_of(k.get("use")).filter(|x| !x.is_empty()),
                alg: text_of(k.get("algorithm")).filter(|x| !x.is_empty()),
                chain: k.get("certificate_chain"),
                chain_node: child(proot, n, "certificate_chain"),
            });
        }
    } else if let Some(k) = oidc.get("issuer_private_key").filter(|k| !k.is_null()) {
        // identity_providers.go:353-360: the old key is an RS256 signing key.
        list.push(Jwk {
            name: "identity_providers.oidc.issuer_private_key".into(),
            key: Some(k),
            key_node: child(proot, oidc_node, "issuer_private_key"),
            kid: None,
            use_: Some("sig".into()),
            alg: Some("RS256".into()),
            chain: oidc.get("issuer_certificate_chain"),
            chain_node: child(proot, oidc_node, "issuer_certificate_chain"),
        });
    }
    let mut kids: Vec<(bool, String)> = Vec::new();
    let mut computed: Vec<(String, String)> = Vec::new();
    for j in &list {
        let who = match &j.kid {
            Some(k) => format!("{} (key_id '{k}')", j.name),
            None => j.name.clone(),
        };
        let Some(key) = j.key.filter(|v| !v.is_null() && v.as_str() != Some("")) else {
            // identity_providers.go:375-383.
            out.push(err(format!("{} has no key", j.name)));
            continue;
        };
        let key_templated = templated(t, j.key_node);
        let parsed = if key_templated {
            None
        } else {
            Some(match key.as_str() {
                Some(s) => keys::read(s),
                None => keys::Key::Invalid("not a string".into()),
            })
        };
        let props_alg = match &parsed {
            Some(keys::Key::Invalid(why)) => {
                // decode_hooks.go:639-648: the configuration does not load.
                out.push(err(format!("{who}: Authelia cannot read its key: {why}")));
                continue;
            }
            Some(keys::Key::Unusable(what)) => {
                // util.go:126-169, identity_providers.go:503-516.
                out.push(err(format!(
                    "{who}: its key is {what}; Authelia signs only with an RSA or ECDSA private key"
                )));
                continue;
            }
            Some(keys::Key::Rsa { size, .. }) => {
                if *size < 256 {
                    // identity_providers.go:507-510.
                    out.push(err(format!(
                        "{who}: its key is a {}-bit RSA key; Authelia needs at least 2048 bits",
                        size * 8
                    )));
                }
                Some("RS256")
            }
            Some(keys::Key::Ec { curve, .. }) => match *curve {
                "P-256" => Some("ES256"),
                "P-384" => Some("ES384"),
                "P-521" => Some("ES512"),
                _ => Some(""),
            },
            None => None,
        };
        if let Some(kid) = &j.kid {
            // identity_providers.go:404-405 and 423-424.
            if kid.chars().count() > 100 {
                out.push(err(format!(
                    "{who}: key_id has {} characters; Authelia allows at most 100",
                    kid.chars().count()
                )));
            }
            if !valid_kid(kid) {
                out.push(err(format!(
                    "{who}: key_id may only hold A-Z a-z 0-9 - . _ ~ and must start and end with a letter or digit"
                )));
            }
        }
        let use_ = j.use_.clone().unwrap_or_else(|| "sig".into());
        if use_ != "sig" && use_ != "enc" {
            // identity_providers.go:441-447.
            out.push(err(format!(
                "{who}: use must be 'sig' or 'enc', not '{use_}'"
            )));
        }
        let enc = use_ == "enc";
        // Key ids are unique among the signing keys and among the encryption keys
        // (identity_providers.go:408-421); a computed id repeats when the key and algorithm do.
        let alg = j.alg.clone().or_else(|| {
            if enc {
                props_alg.map(|a| {
                    if a == "RS256" {
                        "RSA-OAEP-256"
                    } else {
                        "ECDH-ES+A256KW"
                    }
                    .to_string()
                })
            } else {
                props_alg.map(str::to_string)
            }
        });
        match &j.kid {
            Some(kid) => {
                if kids.iter().any(|(e, k)| *e == enc && k == kid) {
                    out.push(err(format!(
                        "{who}: key_id '{kid}' is used by another key; key ids must be unique"
                    )));
                }
                kids.push((enc, kid.clone()));
            }
            None if !key_templated => {
                let same = (
                    key.as_str().unwrap_or_default().trim().to_string(),
                    alg.clone().unwrap_or_default(),
                );
                if computed.contains(&same) {
                    out.push(err(format!(
                        "{who}: the same key and algorithm as another key without key_id, so both get the same computed key_id; key ids must be unique"
                    )));
                }
                computed.push(same);
            }
            None => {}
        }
        if let Some(a) = &j.alg {
            // identity_providers.go:451-495.
            let (allowed, what) = if enc {
                (JWK_ENCRYPTION_ALGS, "an encryption")
            } else {
                (JWK_SIGNING_ALGS, "a signing")
            };
            if (use_ == "sig" || enc) && !allowed.contains(&a.as_str()) {
                out.push(err(format!(
                    "{who}: algorithm '{a}' is not {what} algorithm Authelia knows ({})",
                    allowed.join(", ")
                )));
            }
        }
        if use_ == "sig" {
            match &alg {
                Some(a) if !a.is_empty() => sig.keys.push((j.kid.clone(), a.clone())),
                Some(_) => {}
                None => sig.unknown = true,
            }
        }
        if let (Some(chain), Some(k)) = (j.chain.and_then(|c| c.as_str()), &parsed)
            && !chain.is_empty()
            && !templated(t, j.chain_node)
            && let Some(p) = keys::chain_problem(chain, k)
        {
            // schema/types.go:141-180, identity_providers.go:518-521.
            out.push(err(format!("{who}: certificate_chain {p}")));
        }
    }
    if !sig.unknown && !sig.keys.is_empty() && !sig.keys.iter().any(|(_, a)| a == "RS256") {
        // identity_providers.go:431-433.
        let mut algs: Vec<&str> = sig.keys.iter().map(|(_, a)| a.as_str()).collect();
        algs.dedup();
        out.push(err(format!(
            "identity_providers.oidc.jwks has no RS256 signing key (only {}); Authelia needs one",
            algs.join(", ")
        )));
    }
    (out, sig)
}

/// The discovery document's signing algorithm or key id needs a key that signs with it
/// (validateOIDDIssuerSigningAlgsDiscovery, identity_providers.go:331-351).
fn check_discovery_alg(oidc: &Value, sig: &Signing) -> Vec<FileFinding> {
    let alg = text_of(oidc.get("discovery_signed_response_alg")).filter(|x| !x.is_empty());
    let kid = text_of(oidc.get("discovery_signed_response_key_id")).filter(|x| !x.is_empty());
    match (kid, alg) {
        (Some(kid), _) if sig.alg_of(&kid).is_err() => vec![err(format!(
            "identity_providers.oidc.discovery_signed_response_key_id '{kid}' is not the key_id of a signing key in jwks"
        ))],
        (None, Some(a)) if a != "none" && a != "RS256" && !sig.has_alg(&a) => vec![err(format!(
            "identity_providers.oidc.discovery_signed_response_alg is '{a}' but no jwks key signs with {a}"
        ))],
        _ => Vec::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// Client rules that depend on the provider around the client.

/// What is known of a client's secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SecretKind {
    /// No `client_secret`.
    Absent,
    /// A plaintext secret (`$plaintext$...` or no `$`).
    Plain,
    /// A digest.
    Digest,
    /// From a template: plaintext or digest cannot be told.
    Templated,
}

/// What the provider offers the clients' rules beyond [`Context`].
#[derive(Debug, Default)]
struct Provider {
    /// The signing keys.
    signing: Signing,
    /// `enable_pkce_plain_challenge`.
    pkce_plain: bool,
    /// Custom scopes and the claims each names.
    scopes: Vec<(String, Vec<String>)>,
    /// Claims policies and the names of their custom claims.
    claims_policies: Vec<(String, Vec<String>)>,
}

/// Claims a scope may name without a claims policy (const.go:593, v4.39.20).
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
/// Claims no custom scope may name (const.go:590).
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
/// The standard scopes (const.go:594): no custom scope may take their names.
const CLIENT_SCOPES: &[&str] = &[
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

/// A value as weak decoding reads a bool (`'true'`, `1`).
fn weak_bool(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => go_bool(s) == Some(true),
        Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
        Some(Value::Tagged(t)) => weak_bool(Some(&t.value)),
        _ => false,
    }
}

/// A list of strings (a single string is one item, as weak decoding reads it).
fn text_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Sequence(items)) => items.iter().filter_map(|x| text_of(Some(x))).collect(),
        Some(other) => text_of(Some(other))
            .map(|s| s.split(',').map(str::to_string).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    }
}

/// The provider's settings the client rules read.
fn provider_of(oidc: &Value, signing: Signing) -> Provider {
    let map = |v: Option<&Value>| -> Vec<(String, Value)> {
        v.and_then(|x| x.as_mapping())
            .map(|m| m.iter().map(|(k, v)| (key_name(k), v.clone())).collect())
            .unwrap_or_default()
    };
    Provider {
        signing,
        pkce_plain: weak_bool(oidc.get("enable_pkce_plain_challenge")),
        scopes: map(oidc.get("scopes"))
            .into_iter()
            .map(|(k, v)| (k, text_list(v.get("claims"))))
            .collect(),
        // identity_providers.go:148-157: a custom claim's name is its key unless `name` says.
        claims_policies: map(oidc.get("claims_policies"))
            .into_iter()
            .map(|(k, v)| {
                let names = map(v.get("custom_claims"))
                    .into_iter()
                    .map(|(ck, cv)| {
                        text_of(cv.get("name"))
                            .filter(|n| !n.is_empty())
                            .unwrap_or(ck)
                    })
                    .collect();
                (k, names)
            })
            .collect(),
    }
}

/// The custom scopes' own rules (validateOIDCScopes, identity_providers.go:211-233): no
/// standard or `authelia.` name, and each claim a known one: a standard claim or the name of
/// a custom claim of some claims policy, never a reserved one.
fn check_custom_scopes(p: &Provider) -> Vec<FileFinding> {
    let mut out = Vec::new();
    let custom: Vec<&String> = p.claims_policies.iter().flat_map(|(_, c)| c).collect();
    for (scope, claims) in &p.scopes {
        if scope != "authelia.pam" {
            if CLIENT_SCOPES.contains(&scope.as_str()) {
                out.push(err(format!(
                    "identity_providers.oidc.scopes.{scope}: '{scope}' is a standard scope and cannot be defined as a custom one"
                )));
            } else if scope.starts_with("authelia.") {
                out.push(err(format!(
                    "identity_providers.oidc.scopes.{scope}: scopes starting with 'authelia.' are reserved"
                )));
            }
        }
        for c in claims {
            if RESERVED_CLAIMS.contains(&c.as_str()) {
                out.push(err(format!(
                    "identity_providers.oidc.scopes.{scope}: claim '{c}' is a standard claim and cannot be in a custom scope"
                )));
            } else if !CLIENT_CLAIMS.contains(&c.as_str()) && !custom.contains(&c) {
                out.push(err(format!(
                    "identity_providers.oidc.scopes.{scope}: claim '{c}' is not a known claim: define it under some claims_policies.<name>.custom_claims"
                )));
            }
        }
    }
    out
}

/// A client's custom scopes need their claims from the client's claims policy
/// (identity_providers.go:980-1013).
fn check_scope_claims(id: &str, item: &Value, p: &Provider) -> Vec<client::Finding> {
    let mut out = Vec::new();
    let Some(policy) = text_of(item.get("claims_policy")).filter(|x| !x.is_empty()) else {
        return out;
    };
    // An unknown policy is reported by client::validate.
    let Some((_, provided)) = p.claims_policies.iter().find(|(n, _)| *n == policy) else {
        return out;
    };
    for scope in text_list(item.get("scopes")) {
        if CLIENT_SCOPES.contains(&scope.as_str()) {
            continue;
        }
        let Some((_, claims)) = p.scopes.iter().find(|(s, _)| *s == scope) else {
            continue;
        };
        for c in claims {
            if !CLIENT_CLAIMS.contains(&c.as_str()) && !provided.contains(c) {
                out.push(client::Finding {
                    severity: Severity::Error,
                    message: format!(
                        "client '{id}': scope '{scope}' needs claim '{c}', which claims_policy '{policy}' does not provide (add it to its custom_claims)"
                    ),
                });
            }
        }
    }
    out
}

/// `pkce_challenge_method: plain` needs `enable_pkce_plain_challenge: true`: the client then
/// requires the plain method (oidc/client.go:38-40) and the oauth2 library refuses it on every
/// sign-in otherwise (authelia.com/provider/oauth2 v0.2.31 handler/pkce/handler.go:89-96).
fn check_pkce_plain(id: &str, item: &Value, p: &Provider) -> Vec<client::Finding> {
    if text_of(item.get("pkce_challenge_method")).as_deref() != Some("plain") || p.pkce_plain {
        return Vec::new();
    }
    vec![client::Finding {
        severity: Severity::Error,
        message: format!(
            "client '{id}': pkce_challenge_method is 'plain' but identity_providers.oidc.enable_pkce_plain_challenge is not true: Authelia starts, yet refuses every sign-in of this client (only S256 is allowed); set it or use S256"
        ),
    }]
}

/// The signing algorithm (or key id) of each signed response needs a key that signs with it,
/// and an HMAC algorithm a plaintext secret (validateOIDDClientSigningAlg,
/// identity_providers.go:1421-1477; defaults: schema/identity_providers.go:267-271).
fn check_signing_algs(
    id: &str,
    item: &Value,
    secret: SecretKind,
    sig: &Signing,
) -> Vec<client::Finding> {
    let mut out = Vec::new();
    let e = |m: String| client::Finding {
        severity: Severity::Error,
        message: format!("client '{id}': {m}"),
    };
    for (attr, default) in [
        ("authorization", "RS256"),
        ("id_token", "RS256"),
        ("access_token", "none"),
        ("userinfo", "none"),
        ("introspection", "none"),
    ] {
        let key = format!("{attr}_signed_response_alg");
        let mut alg = text_of(item.get(&key)).filter(|x| !x.is_empty());
        if attr == "userinfo" && alg.is_none() {
            alg = text_of(item.get("userinfo_signing_algorithm")).filter(|x| !x.is_empty());
        }
        let kid =
            text_of(item.get(format!("{attr}_signed_response_key_id"))).filter(|x| !x.is_empty());
        if let Some(kid) = kid {
            if sig.alg_of(&kid).is_err() {
                out.push(e(format!(
                    "{attr}_signed_response_key_id '{kid}' is not the key_id of a signing key in jwks"
                )));
            }
            continue;
        }
        let alg = alg.unwrap_or_else(|| default.to_string());
        // client::validate reports unknown names and 'none' for the id token already.
        let reported = ["id_token", "access_token", "userinfo"].contains(&attr)
            && (!client::SIGNING_ALGS.contains(&alg.as_str()) || alg == "none");
        match alg.as_str() {
            _ if reported => {}
            "RS256" => {}
            "none" if attr == "authorization" => {
                out.push(e(format!("{key} must not be 'none'")));
            }
            "none" => {}
            "HS256" | "HS384" | "HS512" => match secret {
                SecretKind::Digest => out.push(e(format!(
                    "{key} '{alg}' signs with the client secret, so client_secret must be plaintext; a digest is refused"
                ))),
                SecretKind::Absent => out.push(e(format!(
                    "{key} '{alg}' signs with the client secret, and the client has none"
                ))),
                SecretKind::Plain | SecretKind::Templated => {}
            },
            a if !sig.has_alg(a) => out.push(e(format!(
                "{key} is '{a}' but no jwks key signs with {a}"
            ))),
            _ => {}
        }
    }
    out
}

/// Key algorithms a client may encrypt responses with (const.go:607, v4.39.20).
const CLIENT_ENCRYPTION_ALGS: &[&str] = &[
    "none",
    "RSA1_5",
    "RSA-OAEP",
    "RSA-OAEP-256",
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];
/// Content encryption algorithms (const.go:608).
const CLIENT_CONTENT_ENCRYPTION: &[&str] = &[
    "A128GCM",
    "A192GCM",
    "A256GCM",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
];

/// Encrypted responses: a known algorithm; one that encrypts with the client secret needs it
/// in plaintext (oauth2 v0.2.31 token/jwt/util.go:60-71), any other the client's keys; the
/// response must be signed; the content encryption a known one
/// (validateOIDDClientEncryptionAlg, identity_providers.go:1491-1527).
fn check_encryption_algs(id: &str, item: &Value, secret: SecretKind) -> Vec<client::Finding> {
    let mut out = Vec::new();
    let e = |m: String| client::Finding {
        severity: Severity::Error,
        message: format!("client '{id}': {m}"),
    };
    let client_keys = text_of(item.get("jwks_uri")).is_some_and(|u| !u.is_empty())
        || item
            .get("jwks")
            .and_then(|j| j.as_sequence())
            .is_some_and(|j| !j.is_empty());
    for (attr, default_sig) in [
        ("authorization", "RS256"),
        ("id_token", "RS256"),
        ("access_token", "none"),
        ("userinfo", "none"),
        ("introspection", "none"),
    ] {
        let key = format!("{attr}_encrypted_response_alg");
        let alg = text_of(item.get(&key)).unwrap_or_default();
        let kid =
            text_of(item.get(format!("{attr}_encrypted_response_key_id"))).unwrap_or_default();
        if kid.is_empty() && (alg.is_empty() || alg == "none") {
            continue;
        }
        if !CLIENT_ENCRYPTION_ALGS.contains(&alg.as_str()) {
            out.push(e(format!(
                "{key} '{alg}' is not an encryption algorithm Authelia knows"
            )));
        } else {
            let with_secret = matches!(
                alg.as_str(),
                "A128KW" | "A192KW" | "A256KW" | "dir" | "A128GCMKW" | "A192GCMKW" | "A256GCMKW"
            ) || alg.starts_with("PBES2-");
            if with_secret && matches!(secret, SecretKind::Digest | SecretKind::Absent) {
                out.push(e(format!(
                    "{key} '{alg}' encrypts with the client secret, so client_secret must be plaintext"
                )));
            }
            if !with_secret && !client_keys {
                out.push(e(format!(
                    "{key} '{alg}' encrypts with the client's keys: set jwks or jwks_uri"
                )));
            }
            let sig = text_of(item.get(format!("{attr}_signed_response_alg")))
                .filter(|x| !x.is_empty())
                .unwrap_or_else(|| default_sig.to_string());
            if sig == "none" {
                out.push(e(format!(
                    "{key} needs a signed response: set {attr}_signed_response_alg (it is 'none')"
                )));
            }
        }
        let enc = text_of(item.get(format!("{attr}_encrypted_response_enc")))
            .filter(|x| !x.is_empty())
            .unwrap_or_else(|| "A128CBC-HS256".into());
        if !CLIENT_CONTENT_ENCRYPTION.contains(&enc.as_str()) {
            out.push(e(format!(
                "{attr}_encrypted_response_enc '{enc}' is not one of {}",
                CLIENT_CONTENT_ENCRYPTION.join(", ")
            )));
        }
    }
    out
}

/// The endpoint authentication methods' own needs (validateOIDCClientEndpointAuth and what it
/// calls, identity_providers.go:1316-1407): `private_key_jwt` needs a signing algorithm and the
/// client's keys (`jwks` or `jwks_uri`); `client_secret_jwt` an HMAC algorithm and a
/// plaintext secret; `jwks_uri` is https and not beside `jwks` (identity_providers.go:777-788).
fn check_auth_methods(id: &str, item: &Value, secret: SecretKind) -> Vec<client::Finding> {
    let mut out: Vec<client::Finding> = Vec::new();
    let mut e = |m: String| {
        let f = client::Finding {
            severity: Severity::Error,
            message: format!("client '{id}': {m}"),
        };
        if !out.contains(&f) {
            out.push(f);
        }
    };
    let jwks_uri = text_of(item.get("jwks_uri")).filter(|x| !x.is_empty());
    let jwks = item
        .get("jwks")
        .and_then(|j| j.as_sequence())
        .is_some_and(|j| !j.is_empty());
    if jwks_uri.is_some() && jwks {
        e("jwks_uri and jwks must not both be set".into());
    }
    if let Some(u) = &jwks_uri
        && crate::client::uri_scheme(u).is_none_or(|s| !s.eq_ignore_ascii_case("https"))
    {
        e(format!("jwks_uri '{u}' must use https"));
    }
    for (method_key, alg_key) in [
        (
            "token_endpoint_auth_method",
            "token_endpoint_auth_signing_alg",
        ),
        (
            "revocation_endpoint_auth_method",
            "revocation_endpoint_auth_signing_alg",
        ),
        (
            "introspection_endpoint_auth_method",
            "introspection_endpoint_auth_signing_alg",
        ),
        (
            "pushed_authorization_request_endpoint_auth_method",
            "pushed_authorization_request_endpoint_auth_signing_alg",
        ),
    ] {
        let method = text_of(item.get(method_key)).unwrap_or_default();
        let alg = text_of(item.get(alg_key)).filter(|x| !x.is_empty());
        match method.as_str() {
            "private_key_jwt" => {
                match &alg {
                    None => e(format!(
                        "{method_key} 'private_key_jwt' needs {alg_key} (the algorithm the client signs with)"
                    )),
                    Some(a) if !JWK_SIGNING_ALGS.contains(&a.as_str()) => e(format!(
                        "{alg_key} '{a}' is not valid with 'private_key_jwt' (one of {})",
                        JWK_SIGNING_ALGS.join(", ")
                    )),
                    Some(_) => {}
                }
                if jwks_uri.is_none() && !jwks {
                    e("token endpoint authentication 'private_key_jwt' needs the client's public keys: set jwks or jwks_uri".into());
                }
            }
            "client_secret_jwt" => {
                if let Some(a) = &alg
                    && !["HS256", "HS384", "HS512"].contains(&a.as_str())
                {
                    e(format!(
                        "{alg_key} '{a}' is not valid with 'client_secret_jwt' (one of HS256, HS384, HS512)"
                    ));
                }
                // client::validate says this for the token endpoint.
                if secret == SecretKind::Digest && method_key != "token_endpoint_auth_method" {
                    e(format!(
                        "client_secret must be plaintext with {method_key} 'client_secret_jwt'; a digest is refused"
                    ));
                }
            }
            _ => {}
        }
    }
    out
}

/// Reading a `jwks[].key` and its `certificate_chain` as Authelia does: Go's `pem.Decode`
/// (one block, nothing after it), then the block type decides the parser
/// (internal/utils/crypto.go:188-291 at v4.39.20). Only what the validator looks at is kept:
/// the key's kind, an RSA key's size and public parts, an EC key's curve and public point.
mod keys {
    use base64::Engine;

    /// What a `key` holds.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Key {
        /// An RSA private key: its size in bytes (Go's `key.Size()`), modulus and exponent.
        Rsa { size: usize, n: Vec<u8>, e: Vec<u8> },
        /// An ECDSA private key: its curve (`P-256`, ...) and public point, when present.
        Ec {
            curve: &'static str,
            point: Option<Vec<u8>>,
        },
        /// Something Authelia decodes but cannot sign with (a public key, a certificate, an
        /// Ed25519 or symmetric key): what it is.
        Unusable(&'static str),
        /// Something Authelia cannot decode: why.
        Invalid(String),
    }

    /// One PEM block as Go's `encoding/pem.Decode` finds it: the type, the bytes and what
    /// follows the block.
    pub fn pem_decode(data: &str) -> Option<(String, Vec<u8>, &str)> {
        let mut rest = data;
        loop {
            rest = if let Some(r) = rest.strip_prefix("-----BEGIN ") {
                r
            } else {
                let i = rest.find("\n-----BEGIN ")?;
                &rest[i + "\n-----BEGIN ".len()..]
            };
            let (type_line, after) = line(rest);
            let Some(ty) = type_line.strip_suffix("-----") else {
                rest = after;
                continue;
            };
            let end = format!("-----END {ty}-----");
            let Some(e) = after.find(&end) else {
                rest = after;
                continue;
            };
            let body: String = after[..e]
                .chars()
                .filter(|c| !matches!(c, ' ' | '\t' | '\r' | '\n'))
                .collect();
            // Headers (`Proc-Type: ...`) are not for keys Authelia reads.
            let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(body.as_bytes())
            else {
                rest = after;
                continue;
            };
            let (end_line, tail) = line(&after[e + end.len()..]);
            if !end_line.is_empty() {
                rest = after;
                continue;
            }
            return Some((ty.to_string(), bytes, tail));
        }
    }

    /// A line without its line ending and trailing blanks, and the text after it.
    fn line(s: &str) -> (&str, &str) {
        let (l, r) = match s.find('\n') {
            Some(i) => (&s[..i], &s[i + 1..]),
            None => (s, ""),
        };
        (l.trim_end_matches([' ', '\t', '\r']), r)
    }

    /// A DER element: its tag, its content and the whole element.
    pub type Element<'a> = (u8, &'a [u8], &'a [u8]);

    /// A DER element: its tag, its content, the whole element and what follows.
    #[allow(clippy::type_complexity)]
    pub fn tlv(b: &[u8]) -> Option<(u8, &[u8], &[u8], &[u8])> {
        let (&tag, r) = b.split_first()?;
        if tag & 0x1f == 0x1f {
            return None;
        }
        let (&l0, r) = r.split_first()?;
        let (len, r) = if l0 < 0x80 {
            (l0 as usize, r)
        } else {
            let n = (l0 & 0x7f) as usize;
            if n == 0 || n > 4 || r.len() < n {
                return None;
            }
            let len = r[..n].iter().fold(0usize, |a, &x| (a << 8) | x as usize);
            (len, &r[n..])
        };
        if r.len() < len {
            return None;
        }
        let whole_len = b.len() - r.len() + len;
        Some((tag, &r[..len], &b[..whole_len], &r[len..]))
    }

    /// The elements of a constructed DER element's content.
    pub fn items(mut b: &[u8]) -> Option<Vec<Element<'_>>> {
        let mut out = Vec::new();
        while !b.is_empty() {
            let (t, c, w, r) = tlv(b)?;
            out.push((t, c, w));
            b = r;
        }
        Some(out)
    }

    const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    const OID_X25519: &[u8] = &[0x2b, 0x65, 0x6e];

    /// The curves Go's `crypto/x509` reads, by OID.
    fn curve(oid: &[u8]) -> Option<&'static str> {
        match oid {
            [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07] => Some("P-256"),
            [0x2b, 0x81, 0x04, 0x00, 0x22] => Some("P-384"),
            [0x2b, 0x81, 0x04, 0x00, 0x23] => Some("P-521"),
            [0x2b, 0x81, 0x04, 0x00, 0x21] => Some("P-224"),
            _ => None,
        }
    }

    fn trim(b: &[u8]) -> Vec<u8> {
        let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
        b[i..].to_vec()
    }

    fn rsa(der: &[u8], pkcs8: bool) -> Key {
        use rsa::traits::PublicKeyParts;
        let k = if pkcs8 {
            use rsa::pkcs8::DecodePrivateKey;
            rsa::PrivateKey::from_pkcs8_der(der).map_err(|e| e.to_string())
        } else {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            rsa::PrivateKey::from_pkcs1_der(der).map_err(|e| e.to_string())
        };
        match k {
            Ok(k) => Key::Rsa {
                size: k.size(),
                n: trim(&k.n_bytes()),
                e: trim(&k.e().to_be_bytes()),
            },
            Err(e) => Key::Invalid(format!("not a valid RSA private key ({e})")),
        }
    }

    /// SEC1 `ECPrivateKey`; `outer` is the curve of a PKCS#8 wrapper.
    fn sec1(der: &[u8], outer: Option<&[u8]>) -> Key {
        let bad = || Key::Invalid("not a valid EC private key".into());
        let Some((0x30, c, _, _)) = tlv(der) else {
            return bad();
        };
        let Some(parts) = items(c) else {
            return bad();
        };
        let mut oid = outer;
        let mut point = None;
        for (t, c, _) in parts.iter().skip(2) {
            match t {
                0xa0 => oid = tlv(c).filter(|x| x.0 == 0x06).map(|x| x.1).or(oid),
                0xa1 => {
                    point = tlv(c)
                        .filter(|x| x.0 == 0x03 && !x.1.is_empty())
                        .map(|x| x.1[1..].to_vec())
                }
                _ => {}
            }
        }
        match oid.map(curve) {
            Some(Some(curve)) => Key::Ec { curve, point },
            Some(None) => Key::Invalid("an EC key on a curve Authelia does not read".into()),
            None => Key::Invalid("an EC key without a named curve".into()),
        }
    }

    fn pkcs8(der: &[u8]) -> Key {
        let bad = || Key::Invalid("not a valid PKCS#8 private key".into());
        let Some((0x30, c, _, _)) = tlv(der) else {
            return bad();
        };
        let Some(parts) = items(c) else {
            return bad();
        };
        let (Some((0x30, alg, _)), Some((0x04, inner, _))) = (parts.get(1), parts.get(2)) else {
            return bad();
        };
        let Some(alg) = items(alg) else {
            return bad();
        };
        match alg.first() {
            Some((0x06, OID_RSA, _)) => rsa(der, true),
            Some((0x06, OID_EC, _)) => {
                let params = alg.get(1).filter(|p| p.0 == 0x06).map(|p| p.1);
                sec1(inner, params)
            }
            Some((0x06, OID_ED25519, _)) => Key::Unusable("an Ed25519 private key"),
            Some((0x06, OID_X25519, _)) => Key::Unusable("an X25519 private key"),
            _ => Key::Invalid("a PKCS#8 key of a type Go does not read".into()),
        }
    }

    /// Reads a `key` value as Authelia's decode hook does (decode_hooks.go:624-653).
    pub fn read(value: &str) -> Key {
        let Some((ty, der, rest)) = pem_decode(value) else {
            // Not PEM: one line of base64url is a symmetric key, which signs nothing.
            let b64 = base64::engine::general_purpose::URL_SAFE.decode(value.as_bytes());
            if !value.contains('\n') && !value.starts_with("-----") && b64.is_ok() {
                return Key::Unusable("a symmetric key");
            }
            return Key::Invalid("not a PEM block".into());
        };
        if !rest.is_empty() {
            return Key::Invalid("the PEM block has trailing data".into());
        }
        match ty.as_str() {
            "RSA PRIVATE KEY" => rsa(&der, false),
            "EC PRIVATE KEY" => sec1(&der, None),
            "PRIVATE KEY" => pkcs8(&der),
            "RSA PUBLIC KEY" | "PUBLIC KEY" => Key::Unusable("a public key"),
            "CERTIFICATE" => Key::Unusable("a certificate"),
            "CERTIFICATE REQUEST" => Key::Unusable("a certificate request"),
            "X509 CRL" => Key::Unusable("a revocation list"),
            t if t.contains("PRIVATE KEY") => pkcs8(&der),
            t if t.contains("PUBLIC KEY") => Key::Unusable("a public key"),
            t => Key::Invalid(format!("a PEM block of unknown type '{t}'")),
        }
    }

    /// A certificate subject's public key: the algorithm OID, its parameter (an EC curve) and
    /// the key bits.
    type SubjectKey = (Vec<u8>, Option<Vec<u8>>, Vec<u8>);

    /// The public key of a certificate's subject.
    fn cert_key(der: &[u8]) -> Option<SubjectKey> {
        let (0x30, cert, _, _) = tlv(der)? else {
            return None;
        };
        let (0x30, tbs, _, _) = tlv(cert)? else {
            return None;
        };
        let parts = items(tbs)?;
        let skip = usize::from(parts.first()?.0 == 0xa0);
        let (t, spki, _) = parts.get(skip + 5)?;
        if *t != 0x30 {
            return None;
        }
        let spki = items(spki)?;
        let (0x30, alg, _) = spki.first()? else {
            return None;
        };
        let alg = items(alg)?;
        let (0x03, bits, _) = spki.get(1)? else {
            return None;
        };
        Some((
            alg.first()?.1.to_vec(),
            alg.get(1).filter(|p| p.0 == 0x06).map(|p| p.1.to_vec()),
            bits.get(1..)?.to_vec(),
        ))
    }

    /// What is wrong with a `certificate_chain` for `key`, if anything (schema/types.go:141-180
    /// reads it, identity_providers.go:518-521 compares its first certificate with the key).
    /// `None` when the chain is fine or cannot be compared.
    pub fn chain_problem(chain: &str, key: &Key) -> Option<String> {
        let mut rest = chain;
        let mut first = None;
        loop {
            let Some((ty, der, r)) = pem_decode(rest) else {
                return Some("is not a list of PEM certificates".into());
            };
            if ty != "CERTIFICATE" {
                return Some(format!("holds a {ty}; only certificates are allowed"));
            }
            let Some(k) = cert_key(&der) else {
                return Some("holds a certificate Authelia cannot read".into());
            };
            first.get_or_insert(k);
            if r.is_empty() {
                break;
            }
            rest = r;
        }
        let (oid, param, bits) = first?;
        let same = match key {
            Key::Rsa { n, e, .. } => {
                oid == OID_RSA
                    && tlv(&bits)
                        .and_then(|(t, c, _, _)| (t == 0x30).then_some(c))
                        .and_then(items)
                        .is_some_and(|p| p.len() == 2 && trim(p[0].1) == *n && trim(p[1].1) == *e)
            }
            Key::Ec {
                curve: c,
                point: Some(point),
            } => oid == OID_EC && param.as_deref().and_then(curve) == Some(*c) && bits == *point,
            _ => return None,
        };
        (!same).then(|| "does not hold the public key of this key (its first certificate is for another key)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::keys;
    use base64::Engine;

    fn pem(ty: &str, der: &[u8]) -> String {
        let b = base64::engine::general_purpose::STANDARD.encode(der);
        format!("-----BEGIN {ty}-----\n{b}\n-----END {ty}-----\n")
    }

    /// Every prefix and every one-byte change of a real key's DER is read without a panic,
    /// as a key and as a certificate chain.
    #[test]
    fn broken_der_never_panics() {
        let good = crate::provider::authelia::rsa_private_key_pem(2048).unwrap();
        let (_, der, _) = keys::pem_decode(&good).unwrap();
        assert!(matches!(
            keys::read(&good),
            keys::Key::Rsa { size: 256, .. }
        ));
        let k = keys::read(&good);
        for n in (0..der.len()).step_by(7) {
            for ty in ["PRIVATE KEY", "EC PRIVATE KEY", "CERTIFICATE"] {
                let p = pem(ty, &der[..n]);
                let _ = keys::read(&p);
                let _ = keys::chain_problem(&p, &k);
            }
            let mut flipped = der.clone();
            flipped[n] ^= 0xff;
            let _ = keys::read(&pem("PRIVATE KEY", &flipped));
            let _ = keys::chain_problem(&pem("CERTIFICATE", &flipped), &k);
        }
        for junk in [
            "",
            "-----BEGIN ",
            "-----BEGIN X-----\n",
            "\n-----BEGIN A-----\n-----END A-----",
            "ü-----",
        ] {
            let _ = keys::read(junk);
            let _ = keys::chain_problem(junk, &k);
        }
    }
}
