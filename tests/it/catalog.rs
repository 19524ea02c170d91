//! The whole catalog, entry by entry: every entry and variant builds a client Authelia accepts,
//! its steps name every value the user must copy, and its client facts match Authelia's guides
//! (`../shared/reference/authelia/integrations/INDEX.json`) except where the entry says why not.

use oidc_wizard::catalog::{self, AppEntry, Setup, custom};
use oidc_wizard::client::{self, Client, Severity};
use oidc_wizard::plan::{self, Plan, Request, SecretState};
use serde_json::Value;
use std::collections::BTreeMap;

/// A plaintext that appears nowhere in the catalog, so finding it in the steps proves the steps
/// use `{client_secret}`. The digest only has to decode (it is the docs' digest of another value).
const PLAINTEXT: &str = "Tst-PLAIN-s3cret-9zq";
const DIGEST: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
/// Sample values for inputs the user must give.
const SAMPLE_URI: &str = "https://input-sample.example.net/cb";
const SAMPLE_WORD: &str = "inputsample";

fn secret_for(setup: &Setup<'_>) -> SecretState {
    if plan::needs_secret(setup) {
        SecretState::Ready {
            plaintext: PLAINTEXT.into(),
            digest: DIGEST.into(),
        }
    } else {
        SecretState::None
    }
}

fn sample_value(key: &str) -> String {
    let k = key.to_lowercase();
    if k.contains("uri") || k.contains("url") || k.contains("redirect") || k.contains("callback") {
        SAMPLE_URI.into()
    } else {
        SAMPLE_WORD.into()
    }
}

/// Sample values for the inputs that have no default.
fn sample_values(entry: &AppEntry, setup: &Setup<'_>) -> BTreeMap<String, String> {
    plan::inputs_of(entry, setup)
        .into_iter()
        .filter(|i| i.default.is_none())
        .map(|i| (i.key.clone(), sample_value(&i.key)))
        .collect()
}

fn build(entry: &AppEntry, setup: &Setup<'_>, req: &Request) -> Result<Plan, String> {
    let resolved = plan::resolve(entry, setup, req).map_err(|e| e.to_string())?;
    Plan::build(entry, setup, &resolved, secret_for(setup)).map_err(|e| e.to_string())
}

fn label(entry: &AppEntry, setup: &Setup<'_>) -> String {
    match setup.variant {
        Some(v) => format!("{} ({v})", entry.slug),
        None => entry.slug.clone(),
    }
}

/// Everything the user reads to configure the app: steps, env values and file contents.
fn app_text(p: &Plan) -> String {
    let mut t = p.steps.join("\n");
    for (k, v) in &p.env {
        t.push_str(&format!("\n{k}={v}"));
    }
    for (path, _, content) in &p.files {
        t.push_str(&format!("\n{path}\n{content}"));
    }
    t
}

/// Walks every entry and variant; returns (problems, redirect URIs the user is never shown).
fn walk_catalog() -> (Vec<String>, Vec<String>) {
    let all = catalog::all().expect("the catalog loads");
    assert!(all.len() >= 4);
    let mut problems = Vec::new();
    let mut hidden = Vec::new();
    let mut checked = 0;
    for entry in all {
        for setup in entry.setups() {
            checked += 1;
            let who = label(entry, &setup);
            // 1. The plan for example.com with defaults (inputs without one get a sample).
            let req = Request {
                domain: "example.com".into(),
                values: sample_values(entry, &setup),
                ..Request::default()
            };
            let p = match build(entry, &setup, &req) {
                Ok(p) => p,
                Err(e) => {
                    problems.push(format!("{who}: does not build: {e}"));
                    continue;
                }
            };
            // Validate against what the plan adds beside the client (its claims policy and
            // the entry's OIDC additions), as the user's configuration will have them.
            let names = |sec: &[&str]| -> Vec<String> {
                p.additions
                    .iter()
                    .filter(|a| a.section == sec)
                    .map(|a| a.name.clone())
                    .collect()
            };
            let ctx = client::Context {
                claims_policies: names(&["claims_policies"]),
                custom_scopes: names(&["scopes"]),
                policies: names(&["authorization_policies"]),
                lifespans: names(&["lifespans", "custom"]),
            };
            for f in client::validate(&p.client, &ctx) {
                if f.severity == Severity::Error {
                    problems.push(format!("{who}: Authelia rejects the client: {}", f.message));
                }
            }
            let uris = p.client.redirect_uris.clone().unwrap_or_default();
            let client_credentials = p
                .client
                .grant_types
                .as_deref()
                .unwrap_or(&[])
                .iter()
                .any(|g| g == "client_credentials");
            if uris.is_empty() && !client_credentials {
                problems.push(format!("{who}: no redirect URIs"));
            }
            for u in &uris {
                if client::uri_scheme(u).is_none() {
                    problems.push(format!("{who}: redirect URI '{u}' is not absolute"));
                }
            }
            if p.steps.is_empty() {
                problems.push(format!("{who}: no steps"));
            }

            // 2. The same with a client id, Authelia URL and app URL unlike any default: the text
            // the user follows must carry each value through its placeholder.
            let req2 = Request {
                domain: "example.com".into(),
                app_url: Some("https://portal.example.org/apps/x".into()),
                auth_url: Some("https://login.example.org".into()),
                client_id: Some("Tst-cid-7q".into()),
                values: req.values.clone(),
                policy: None,
            };
            let p2 = match build(entry, &setup, &req2) {
                Ok(p) => p,
                Err(e) => {
                    problems.push(format!("{who}: does not build with another app URL: {e}"));
                    continue;
                }
            };
            let text = app_text(&p2);
            if !text.contains("Tst-cid-7q") {
                problems.push(format!(
                    "{who}: the steps/env/files never give the client id"
                ));
            }
            if p2.secret.plaintext().is_some()
                && setup.fixed_secret.is_none()
                && !text.contains(PLAINTEXT)
            {
                problems.push(format!(
                    "{who}: the steps/env/files never give the client secret"
                ));
            }
            // A native or CLI client whose redirect URIs are all literal (a custom scheme,
            // localhost) learns the issuer from its server, not from the user.
            let template = setup.client.redirect_uris.clone().unwrap_or_default();
            let native = !template.is_empty() && template.iter().all(|t| !t.contains('{'));
            if !native && !text.contains("https://login.example.org") {
                problems.push(format!(
                    "{who}: the steps/env/files give neither the issuer nor an endpoint"
                ));
            }
            if text.contains("auth.example.com") {
                problems.push(format!(
                    "{who}: the steps/env/files hard-code auth.example.com instead of a placeholder"
                ));
            }
            let built = p2.client.redirect_uris.clone().unwrap_or_default();
            for (t, u) in template.iter().zip(&built) {
                // A literal URI (a custom scheme, localhost, a vendor's host) is registered by the
                // app itself; any URI made from the user's values must be shown to the user.
                if t.contains('{') && !text.contains(u.as_str()) {
                    hidden.push(format!(
                        "{who}: redirect URI {u} (from '{t}') is not in the steps/env/files"
                    ));
                }
            }
            if !entry.subdomain.is_empty() {
                let host = format!("//{}.example.com", entry.subdomain);
                if text.contains(&host) {
                    problems.push(format!(
                        "{who}: the steps/env/files hard-code the default app host instead of {{app_url}}"
                    ));
                }
            }
        }
    }
    assert!(checked >= all.len());
    (problems, hidden)
}

#[test]
fn every_entry_and_variant_builds_validates_and_names_its_values() {
    let (problems, _) = walk_catalog();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Each redirect URI made from the user's values (app URL, inputs) appears in the steps, env or
/// files, so the user can check it against what the app sends; literal ones (custom schemes,
/// localhost, a vendor's host) are the app's own business.
#[test]
fn every_redirect_uri_is_shown_to_the_user() {
    let (_, hidden) = walk_catalog();
    assert!(
        hidden.is_empty(),
        "{} redirect URI(s) never shown:\n{}",
        hidden.len(),
        hidden.join("\n")
    );
}

#[test]
fn every_entry_is_complete() {
    let all = catalog::all().unwrap();
    let categories = [
        "media",
        "photos",
        "books",
        "documents",
        "notes",
        "productivity",
        "finance",
        "dev",
        "ops",
        "monitoring",
        "network",
        "security",
        "communication",
        "home",
        "business",
        "storage",
        "other",
    ];
    let mut problems = Vec::new();
    for e in all {
        if e.description.trim().is_empty() {
            problems.push(format!("{}: no description", e.slug));
        }
        if !categories.contains(&e.category.as_str()) {
            problems.push(format!(
                "{}: category '{}' is not one of the list",
                e.slug, e.category
            ));
        }
        if e.popularity > 100 {
            problems.push(format!("{}: popularity above 100", e.slug));
        }
        if e.guide.is_some() && e.tested.authelia.is_empty() {
            problems.push(format!(
                "{}: follows a guide but names no tested Authelia version",
                e.slug
            ));
        }
        for i in &e.inputs {
            if i.help.trim().is_empty() {
                problems.push(format!("{}: input '{}' has no help line", e.slug, i.key));
            }
        }
        if !e.variants.is_empty() && e.variant_label.is_none() {
            problems.push(format!("{}: has variants but no variant_label", e.slug));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Comparison with INDEX.json

fn index(test: &str) -> Option<Value> {
    let root = crate::common::shared(test)?;
    let path = root.join("reference/authelia/integrations/INDEX.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(serde_json::from_str(&text).expect("INDEX.json parses"))
}

/// Differences from the guide a test accepts: (slug, client id, field, reason). Each must be
/// needed (a stale one fails) and its entry must say why in `differences`.
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    (
        "apache-guacamole",
        "guacamole",
        "token_endpoint_auth_method",
        "the guide's public client with client_secret_basic fails Authelia's validation",
    ),
    (
        "unreal-engine",
        "unreal-engine",
        "token_endpoint_auth_method",
        "the guide's public client with client_secret_basic fails Authelia's validation",
    ),
    (
        "kanboard",
        "kanboard",
        "public",
        "the guide's public client with client_secret_post fails Authelia's validation; the plugin sends a secret",
    ),
    (
        "librechat",
        "librechat",
        "scopes",
        "refresh_token without offline_access (INDEX README's known slip): offline_access added",
    ),
    (
        "linkace",
        "linkace",
        "scopes",
        "refresh_token without offline_access (INDEX README's known slip): offline_access added",
    ),
    (
        "incus",
        "incus",
        "redirect_uris",
        "the guide's /iodc/callback is a typo for /oidc/callback",
    ),
    (
        "jenkins",
        "jenkins",
        "redirect_uris",
        "the guide's callback is a django-allauth path; the oic-auth plugin uses /securityRealm/finishLogin",
    ),
    (
        "romm",
        "romm",
        "client_name",
        "RomM's own name for itself rather than the guide's ROM Manager",
    ),
    (
        "technitium",
        "technitium",
        "authorization_policy",
        "the guide names a policy 'technitium' it never defines (INDEX README's known slip)",
    ),
    (
        "wikijs",
        "wikijs",
        "redirect_uris",
        "the guide's redirect host (wikijs.) differs from its own app URL (wiki.)",
    ),
];

/// Guide values that are examples the user replaces, made inputs by the entry (no declared
/// difference needed): (slug, client id, field, reason).
const INPUT_VALUES: &[(&str, &str, &str, &str)] = &[(
    "cloudflare-zerotrust",
    "cloudflare",
    "redirect_uris",
    "the guide's example-team is the user's Cloudflare team name, asked as an input",
)];

/// The guide's redirect URI for example.com: `{domain}` filled in, every other placeholder (and
/// an empty or `<...>` value the guide leaves to the user) a wildcard.
fn guide_uri(g: &str) -> String {
    let g = g
        .replace("{domain}", "example.com")
        .replace("{subdomain-authelia}", "auth");
    if g.trim().is_empty() || (g.starts_with('<') && g.ends_with('>')) {
        return "*".into();
    }
    let mut out = String::new();
    let mut rest = g.as_str();
    while let Some(i) = rest.find(['{', '<']) {
        out.push_str(&rest[..i]);
        let close = if rest[i..].starts_with('{') { '}' } else { '>' };
        match rest[i..].find(close) {
            Some(j) => {
                out.push('*');
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A built URI with the sample input values as wildcards.
fn entry_uri(u: &str) -> String {
    if u == SAMPLE_URI {
        return "*".into();
    }
    u.replace(SAMPLE_URI, "*").replace(SAMPLE_WORD, "*")
}

/// Whether `text` matches `pattern`, where `*` in the pattern stands for any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len()).any(|i| {
                    text.is_char_boundary(head.len() + i) && glob(tail, &text[head.len() + i..])
                })
        }
    }
}

/// Whether the entry's URIs (sample inputs as `*`) match the guide's (placeholders as `*`).
fn uris_match(ours: &[String], theirs: &[String]) -> bool {
    ours.len() == theirs.len() && ours.iter().zip(theirs).all(|(o, t)| o == t || glob(t, o))
}

fn json_of(c: &Client) -> serde_json::Map<String, Value> {
    match serde_json::to_value(c).unwrap() {
        Value::Object(m) => m,
        _ => unreachable!(),
    }
}

const FIELDS: &[&str] = &[
    "public",
    "require_pkce",
    "pkce_challenge_method",
    "scopes",
    "response_types",
    "response_modes",
    "grant_types",
    "token_endpoint_auth_method",
    "access_token_signed_response_alg",
    "id_token_signed_response_alg",
    "userinfo_signed_response_alg",
    "require_pushed_authorization_requests",
    "requested_audience_mode",
    "request_object_signing_alg",
    "lifespan",
];

#[test]
fn client_facts_match_the_guides() {
    let Some(index) = index("client_facts_match_the_guides") else {
        return;
    };
    let pages = index["pages"].as_array().expect("pages");
    let all = catalog::all().unwrap();
    let mut problems = Vec::new();
    let mut used: Vec<(&str, &str, &str)> = Vec::new();
    let mut compared = 0;
    for entry in all {
        let Some(guide) = entry.guide.as_deref() else {
            continue;
        };
        let Some(page) = pages.iter().find(|p| p["slug"] == guide) else {
            problems.push(format!(
                "{}: guide '{guide}' is not in INDEX.json",
                entry.slug
            ));
            continue;
        };
        if guide != entry.slug {
            problems.push(format!(
                "{}: follows guide '{guide}', not its own slug",
                entry.slug
            ));
        }
        let tested: Vec<String> = page["authelia_tested_versions"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if tested != entry.tested.authelia {
            problems.push(format!(
                "{}: tested Authelia {:?}, the guide says {tested:?}",
                entry.slug, entry.tested.authelia
            ));
        }
        let guide_clients: Vec<&Value> = page["blocks"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|b| b["clients"].as_array().unwrap().iter())
            .collect();
        let mut taken = vec![false; guide_clients.len()];
        let hatch: Vec<&Value> = page["escape_hatch"]
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        for setup in entry.setups() {
            let who = label(entry, &setup);
            let id = setup.client.client_id.as_str();
            let same = |i: usize| guide_clients[i]["client_id"] == id;
            let wild = |i: usize| {
                guide_clients[i]["client_id"]
                    .as_str()
                    .is_some_and(|g| g.contains('{'))
            };
            let Some(gi) = (0..guide_clients.len())
                .find(|&i| !taken[i] && same(i))
                .or_else(|| (0..guide_clients.len()).find(|&i| !taken[i] && wild(i)))
            else {
                problems.push(format!(
                    "{who}: client '{id}' is not one of the guide's clients"
                ));
                continue;
            };
            taken[gi] = true;
            let g = guide_clients[gi];
            // An add-on block (the same client again, with only the keys to add) is compared
            // on the keys it states; its scopes must be among the setup's.
            let addon = g.get("redirect_uris").is_none()
                && guide_clients[..gi].iter().any(|c| c["client_id"] == id);
            let req = Request {
                domain: "example.com".into(),
                values: sample_values(entry, &setup),
                ..Request::default()
            };
            let p = match build(entry, &setup, &req) {
                Ok(p) => p,
                Err(e) => {
                    problems.push(format!("{who}: does not build: {e}"));
                    continue;
                }
            };
            compared += 1;
            let mine = json_of(&p.client);
            let mut diff = |field: &str, ours: String, theirs: String| {
                if ours == theirs {
                    return;
                }
                if let Some(a) = INPUT_VALUES
                    .iter()
                    .find(|(s, c, f, _)| *s == entry.slug && *c == id && *f == field)
                {
                    used.push((a.0, a.1, a.2));
                    return;
                }
                if let Some(a) = ALLOWED
                    .iter()
                    .find(|(s, c, f, _)| *s == entry.slug && *c == id && *f == field)
                {
                    used.push((a.0, a.1, a.2));
                    if setup.differences.is_empty() {
                        problems.push(format!(
                            "{who}: {field} differs from the guide (allowed: {}) but the entry declares no differences",
                            a.3
                        ));
                    }
                    return;
                }
                problems.push(format!("{who}: {field} is {ours}, the guide has {theirs}"));
            };
            let ours: Vec<String> = p
                .client
                .redirect_uris
                .clone()
                .unwrap_or_default()
                .iter()
                .map(|u| entry_uri(u))
                .collect();
            let theirs: Vec<String> = g["redirect_uris"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|v| guide_uri(v.as_str().unwrap_or("")))
                        .collect()
                })
                .unwrap_or_default();
            if !addon && !uris_match(&ours, &theirs) {
                diff("redirect_uris", format!("{ours:?}"), format!("{theirs:?}"));
            }
            let aud = |v: Option<&Value>| -> String {
                let list: Vec<String> = v
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|x| guide_uri(x.as_str().unwrap_or("")))
                            .collect()
                    })
                    .unwrap_or_default();
                format!("{list:?}")
            };
            diff(
                "audience",
                aud(mine.get("audience")),
                aud(g.get("audience")),
            );
            // Name and policy as the template writes them (the plan names a nameless client
            // after the app and gives every client the user's policy).
            let text = |v: Option<&str>| v.map_or("null".to_string(), |n| format!("{n:?}"));
            for (f, ours) in [
                ("client_name", setup.client.client_name.as_deref()),
                (
                    "authorization_policy",
                    setup.client.authorization_policy.as_deref(),
                ),
            ] {
                if !(addon && g.get(f).is_none()) {
                    diff(f, text(ours), text(g[f].as_str()));
                }
            }
            for f in FIELDS {
                let ours = mine.get(*f).cloned().unwrap_or(Value::Null);
                let theirs = g.get(*f).cloned().unwrap_or(Value::Null);
                if addon && theirs.is_null() {
                    continue;
                }
                if addon && *f == "scopes" {
                    let have = ours.as_array().cloned().unwrap_or_default();
                    let missing: Vec<&Value> = theirs
                        .as_array()
                        .map(|a| a.iter().filter(|x| !have.contains(x)).collect())
                        .unwrap_or_default();
                    if !missing.is_empty() {
                        diff(f, ours.to_string(), theirs.to_string());
                    }
                    continue;
                }
                diff(f, ours.to_string(), theirs.to_string());
            }
            // A claims policy the guide's client names is kept by name.
            if let Some(theirs) = g.get("claims_policy").filter(|v| !v.is_null()) {
                let ours = mine.get("claims_policy").cloned().unwrap_or(Value::Null);
                diff("claims_policy", ours.to_string(), theirs.to_string());
            }
            // The claims-hydration escape hatch's claims, if the guide has one for this client.
            let hatch_claims: Option<Vec<String>> = hatch
                .iter()
                .find(|h| h["client_id"] == id)
                .and_then(|h| h["claims"].as_str())
                .filter(|c| !c.is_empty())
                .map(|c| c.split(',').map(|s| s.trim().to_string()).collect());
            // The guide's provider-level definitions this client relies on (its claims policy,
            // custom lifespan and policy, the custom scopes it requests) are the setup's OIDC
            // additions, value for value; a claims policy also gets the escape hatch's
            // ID-token claims, which the guide would otherwise add as a policy of the same name.
            let oidc = page["blocks"]
                .as_array()
                .unwrap()
                .iter()
                .find(|b| {
                    b["clients"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|c| std::ptr::eq(c, g))
                })
                .map_or(&Value::Null, |b| &b["oidc"]);
            let section = |path: &str| -> &Value {
                path.split('.')
                    .fold(oidc, |v, k| v.get(k).unwrap_or(&Value::Null))
            };
            let mut needed: Vec<(&str, String)> = Vec::new();
            for (path, key) in [
                ("claims_policies", "claims_policy"),
                ("lifespans.custom", "lifespan"),
                ("authorization_policies", "authorization_policy"),
            ] {
                if let Some(n) = g[key].as_str() {
                    needed.push((path, n.to_string()));
                }
            }
            for s in g["scopes"].as_array().into_iter().flatten() {
                if let Some(s) = s.as_str() {
                    needed.push(("scopes", s.to_string()));
                }
            }
            let mut theirs_add: BTreeMap<String, Value> = BTreeMap::new();
            for (path, name) in needed {
                let Some(v) = section(path).get(&name) else {
                    continue;
                };
                let mut v = v.clone();
                if path == "claims_policies"
                    && let (Some(c), Value::Object(m)) = (&hatch_claims, &mut v)
                    && !m.contains_key("id_token")
                {
                    m.insert("id_token".into(), serde_json::json!(c));
                }
                theirs_add.insert(format!("{path}.{name}"), v);
            }
            let ours_add: BTreeMap<String, Value> = setup
                .oidc_additions
                .entries()
                .into_iter()
                .map(|(path, name, v)| (format!("{}.{name}", path.join(".")), v.clone()))
                .collect();
            if ours_add != theirs_add {
                diff(
                    "oidc_additions",
                    serde_json::to_string(&ours_add).unwrap(),
                    serde_json::to_string(&theirs_add).unwrap(),
                );
            }
            // The claims-hydration escape hatch becomes the entry's ID-token claims.
            let wanted: Option<Vec<String>> =
                hatch.iter().find(|h| h["client_id"] == id).map(|h| {
                    let c = h["claims"].as_str().unwrap_or("");
                    if c.is_empty() {
                        "rat,groups,email,email_verified,alt_emails,preferred_username,name"
                            .split(',')
                            .map(str::to_string)
                            .collect()
                    } else {
                        c.split(',').map(|s| s.trim().to_string()).collect()
                    }
                });
            // Else the guide's own claims policy's id_token list, if it has one.
            let wanted = wanted.or_else(|| {
                let name = g["claims_policy"].as_str()?;
                let list = page["blocks"]
                    .as_array()?
                    .iter()
                    .find_map(|b| b["oidc"]["claims_policies"][name]["id_token"].as_array())?;
                Some(
                    list.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect(),
                )
            });
            // The setup's own ID-token claims, or those of the claims policy its additions
            // define for the client.
            let have: Vec<String> = if setup.id_token_claims.is_empty() {
                setup
                    .client
                    .claims_policy
                    .as_deref()
                    .and_then(|n| setup.oidc_additions.claims_policies.get(n))
                    .and_then(|p| p["id_token"].as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|v| v.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                setup.id_token_claims.to_vec()
            };
            if !addon {
                let w = wanted.unwrap_or_default();
                diff("id_token_claims", format!("{have:?}"), format!("{w:?}"));
            }
        }
        for (i, g) in guide_clients.iter().enumerate() {
            if !taken[i] {
                problems.push(format!(
                    "{}: the guide's client '{}' has no setup (main or variant)",
                    entry.slug,
                    g["client_id"].as_str().unwrap_or("?")
                ));
            }
        }
    }
    for a in ALLOWED.iter().chain(INPUT_VALUES) {
        if !used.iter().any(|u| (u.0, u.1, u.2) == (a.0, a.1, a.2)) {
            problems.push(format!(
                "allowed difference {}/{}/{} is no longer needed: remove it",
                a.0, a.1, a.2
            ));
        }
    }
    assert!(compared > 0);
    assert!(
        problems.is_empty(),
        "{} difference(s) from the guides:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_guide_has_an_entry() {
    let Some(index) = index("every_guide_has_an_entry") else {
        return;
    };
    let pages = index["pages"].as_array().expect("pages");
    assert_eq!(pages.len(), 146, "INDEX.json lists 146 guides");
    let all = catalog::all().unwrap();
    let missing: Vec<&str> = pages
        .iter()
        .filter_map(|p| p["slug"].as_str())
        .filter(|s| {
            !all.iter()
                .any(|e| e.slug == *s && e.guide.as_deref() == Some(*s))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "{} guide(s) without a catalog entry: {}",
        missing.len(),
        missing.join(", ")
    );
}

// ---------------------------------------------------------------------------------------------
// Finding apps

#[test]
fn all_is_ordered_by_popularity_then_name() {
    let all = catalog::all().unwrap();
    for w in all.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            a.popularity > b.popularity
                || (a.popularity == b.popularity && a.name.to_lowercase() <= b.name.to_lowercase()),
            "{} ({}) before {} ({})",
            a.slug,
            a.popularity,
            b.slug,
            b.popularity
        );
    }
}

fn slugs_of(hits: &[&AppEntry]) -> Vec<String> {
    hits.iter().map(|e| e.slug.clone()).collect()
}

#[test]
fn search_matches_aliases() {
    let all = catalog::all().unwrap();
    let present = |s: &str| all.iter().any(|e| e.slug == s);
    if present("paperless") {
        let hits = catalog::search(all, "paperless");
        assert_eq!(hits[0].slug, "paperless", "{:?}", slugs_of(&hits));
        let hits = catalog::search(all, "paperless-ngx");
        assert_eq!(hits[0].slug, "paperless", "{:?}", slugs_of(&hits));
    }
    if present("vaultwarden") && present("hashicorp-vault") {
        let hits = slugs_of(&catalog::search(all, "vault"));
        let top: Vec<&str> = hits.iter().take(4).map(String::as_str).collect();
        assert!(
            top.contains(&"vaultwarden") && top.contains(&"hashicorp-vault"),
            "{hits:?}"
        );
    }
    // An alias that is not a prefix of the name or slug.
    let abs = catalog::search(all, "abs");
    assert_eq!(abs[0].slug, "audiobookshelf", "{:?}", slugs_of(&abs));
    assert_eq!(catalog::find("guacamole").unwrap().slug, "apache-guacamole");
    assert_eq!(catalog::find("AWX").unwrap().slug, "ansible-awx");
    assert_eq!(catalog::find("Argo CD").unwrap().slug, "argocd");
    // Every slug finds its own entry, even when it is another entry's alias; every alias and
    // name is found by search.
    for e in all {
        assert_eq!(catalog::find(&e.slug).unwrap().slug, e.slug);
        assert_eq!(catalog::find(&e.slug.to_uppercase()).unwrap().slug, e.slug);
        for a in e.aliases.iter().chain(std::iter::once(&e.name)) {
            assert!(
                catalog::search(all, a)
                    .iter()
                    .take(10)
                    .any(|x| x.slug == e.slug),
                "search '{a}' misses {}",
                e.slug
            );
        }
    }
}

#[test]
fn categories_group_in_popularity_order() {
    let all = catalog::all().unwrap();
    let groups = catalog::categories(all);
    let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
    assert_eq!(total, all.len());
    for (cat, entries) in &groups {
        assert!(!entries.is_empty());
        assert!(entries.iter().all(|e| &e.category == cat));
        assert!(
            entries
                .windows(2)
                .all(|w| w[0].popularity >= w[1].popularity)
        );
    }
    // Groups are ordered by the popularity of their best entry.
    let best: Vec<u8> = groups.iter().map(|(_, v)| v[0].popularity).collect();
    assert!(best.windows(2).all(|w| w[0] >= w[1]), "{best:?}");
    let names: Vec<&str> = groups.iter().map(|(c, _)| c.as_str()).collect();
    let mut dedup = names.clone();
    dedup.sort_unstable();
    dedup.dedup();
    assert_eq!(
        dedup.len(),
        names.len(),
        "a category appears twice: {names:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// The custom app through the same path as any entry

#[test]
fn custom_app_builds_like_an_entry() {
    let entry = catalog::find("custom").unwrap();
    assert!(custom::is_custom(entry));
    assert!(catalog::all().unwrap().iter().all(|e| e.slug != "custom"));
    let setup = catalog::setup_of(entry, None).unwrap();
    let mut values = BTreeMap::new();
    values.insert("name".to_string(), "Team Wiki".to_string());
    values.insert(
        "redirect_uris".to_string(),
        "/oauth/callback, https://wiki-api.example.com/cb".to_string(),
    );
    values.insert("auth_method".to_string(), "client_secret_post".to_string());
    values.insert("scopes".to_string(), "openid,email,groups".to_string());
    let req = Request {
        domain: "example.com".into(),
        values: values.clone(),
        ..Request::default()
    };
    let resolved = plan::resolve(entry, &setup, &req).unwrap();
    assert_eq!(resolved.client_id, "team-wiki");
    assert_eq!(resolved.app_url.base(), "https://team-wiki.example.com");
    let p = Plan::build(entry, &setup, &resolved, secret_for(&setup)).unwrap();
    assert_eq!(p.app_name, "Team Wiki");
    let c = &p.client;
    assert_eq!(c.client_id, "team-wiki");
    assert_eq!(c.client_name.as_deref(), Some("Team Wiki"));
    assert_eq!(
        c.redirect_uris.as_deref().unwrap(),
        [
            "https://team-wiki.example.com/oauth/callback",
            "https://wiki-api.example.com/cb"
        ]
    );
    assert_eq!(c.scopes.as_deref().unwrap(), ["openid", "email", "groups"]);
    assert_eq!(
        c.token_endpoint_auth_method.as_deref(),
        Some("client_secret_post")
    );
    assert_eq!(c.public, Some(false));
    assert_eq!(c.client_secret.as_deref(), Some(DIGEST));
    let text = app_text(&p);
    assert!(text.contains(PLAINTEXT) && text.contains("team-wiki"));
    assert!(text.contains("https://team-wiki.example.com/oauth/callback"));
    assert!(p.notes.iter().any(|n| n.starts_with("client_secret_post:")));

    // A public one: the secret the caller drew for the template is dropped.
    values.insert("public".into(), "yes".into());
    values.insert("auth_method".into(), "".into());
    let req = Request {
        domain: "example.com".into(),
        client_id: Some("spa".into()),
        values,
        ..Request::default()
    };
    let resolved = plan::resolve(entry, &setup, &req).unwrap();
    let p = Plan::build(entry, &setup, &resolved, secret_for(&setup)).unwrap();
    assert_eq!(p.client.client_id, "spa");
    assert_eq!(p.client.public, Some(true));
    assert_eq!(p.client.client_secret, None);
    assert_eq!(p.secret, SecretState::None);
    assert_eq!(p.client.pkce_challenge_method.as_deref(), Some("S256"));

    // Bad values fail in resolve, with the reason.
    let mut bad = BTreeMap::new();
    bad.insert("name".to_string(), "X".to_string());
    bad.insert(
        "redirect_uris".to_string(),
        "https://x.example.com/cb".to_string(),
    );
    bad.insert("public".to_string(), "true".to_string());
    bad.insert("auth_method".to_string(), "client_secret_basic".to_string());
    let req = Request {
        domain: "example.com".into(),
        values: bad,
        ..Request::default()
    };
    let e = plan::resolve(entry, &setup, &req).unwrap_err().to_string();
    assert!(e.contains("public client has no secret"), "{e}");
}
