//! `oidc-wizard check`: what Authelia would reject or warn about in a configuration's OpenID
//! Connect section: unknown keys (against Authelia's own key list), deprecated keys, a provider
//! without `jwks`, plaintext secrets, public clients with a secret, duplicate ids, and every
//! client rule of [`crate::client::validate`].

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

fn masked(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b == scan::MASK)
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
        for (i, k) in jwks.into_iter().flatten().enumerate() {
            if k.get("key")
                .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
            {
                findings.push(err(format!("identity_providers.oidc.jwks[{i}] has no key")));
            }
        }
        let ctx = Context {
            policies: names(oidc.get("authorization_policies")),
            claims_policies: names(oidc.get("claims_policies")),
            custom_scopes: names(oidc.get("scopes")),
            lifespans: names(oidc.get("lifespans").and_then(|l| l.get("custom"))),
        };
        // Lines of the items, from the positional parse.
        let item_lines: Vec<usize> = parsed
            .root
            .as_ref()
            .and_then(|r| r.get("identity_providers"))
            .and_then(|(_, ip)| ip.get("oidc"))
            .and_then(|(_, o)| o.get("clients"))
            .and_then(|(_, c)| match &c.kind {
                scan::Kind::Seq(items, _) => Some(items.iter().map(|i| i.start.line + 1).collect()),
                _ => None,
            })
            .unwrap_or_default();
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
                    match serde_yaml::from_value::<Client>(item) {
                        Ok(mut c) => {
                            report.client_id = c.client_id.clone();
                            report.client_name = c.client_name.clone();
                            let templated_secret = c.client_secret.as_deref().is_some_and(masked);
                            if templated_secret {
                                // The real value comes from a template: assume a valid digest.
                                c.client_secret = Some(crate::secret::STAND_IN_DIGEST.into());
                            }
                            let templated_id = masked(&c.client_id) || no_id;
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
