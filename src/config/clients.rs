//! The clients already in a configuration, as `clients` lists them: each with its id, name, the
//! catalog app it matches, its kind, auth method, policy, redirect URIs, line and what `check`
//! finds about it.

use super::{Document, check, gate, scan};
use crate::catalog::{self, AppEntry};
use crate::client::{self, Client, Finding};
use crate::error::{Error, Result};
use serde::Serialize;
use serde_yaml::Value;

/// One client of the configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClientRow {
    /// `client_id`.
    pub client_id: String,
    /// `client_name`, if any.
    pub client_name: Option<String>,
    /// The catalog app it matches (by id and redirect path), if one does.
    pub app: Option<String>,
    /// Whether it is a public client.
    pub public: bool,
    /// `token_endpoint_auth_method` (Authelia's default when absent).
    pub auth_method: String,
    /// `authorization_policy` (Authelia's default, `two_factor`, when absent).
    pub policy: String,
    /// `redirect_uris`.
    pub redirect_uris: Vec<String>,
    /// 1-based line of the item.
    pub line: Option<usize>,
    /// What `check` finds about it, errors first.
    pub findings: Vec<Finding>,
    /// Whether a template expression makes its id (then the tool never changes it).
    pub templated: bool,
}

/// The clients of a configuration, in file order. A file without `identity_providers.oidc`
/// has none.
pub fn list(doc: &Document) -> Result<Vec<ClientRow>> {
    let text = doc.text()?;
    let t = scan::Text::new(text);
    let parsed = scan::scan(&t)
        .map_err(|e| Error::file(&doc.path, format!("line {}: {}", e.line + 1, e.message)))?;
    let v = gate::parse_first(&t.masked).map_err(|m| Error::file(&doc.path, m))?;
    let items = v
        .get("identity_providers")
        .and_then(|x| x.get("oidc"))
        .and_then(|x| x.get("clients"))
        .and_then(Value::as_sequence)
        .cloned()
        .unwrap_or_default();
    let lines: Vec<Option<usize>> = parsed
        .root
        .as_ref()
        .and_then(|r| r.get("identity_providers"))
        .and_then(|(_, ip)| ip.get("oidc"))
        .and_then(|(_, o)| o.get("clients"))
        .map(|(_, c)| match &c.kind {
            scan::Kind::Seq(items, _) => items.iter().map(|i| Some(i.start.line + 1)).collect(),
            _ => vec![],
        })
        .unwrap_or_default();
    // The scan's item nodes, to show values a template makes as the file writes them.
    let item_nodes: Vec<&scan::Node> = parsed
        .root
        .as_ref()
        .and_then(|r| r.get("identity_providers"))
        .and_then(|(_, ip)| ip.get("oidc"))
        .and_then(|(_, o)| o.get("clients"))
        .map(|(_, c)| match &c.kind {
            scan::Kind::Seq(items, _) => items.iter().collect(),
            _ => vec![],
        })
        .unwrap_or_default();
    let report = check::check(doc)?;
    let mut reports: Vec<Option<check::ClientReport>> =
        report.clients.into_iter().map(Some).collect();
    let catalog = catalog::all().ok();
    let mut rows = vec![];
    for (i, item) in items.iter().enumerate() {
        let mut c: Client = serde_yaml::from_value(check::weaken(item)).unwrap_or_default();
        let templated = item_nodes.get(i).is_some_and(|n| {
            t.made_by_template(n)
                || n.get("client_id")
                    .is_some_and(|(_, v)| t.made_by_template(v))
        });
        if let Some(n) = item_nodes.get(i) {
            as_written(&t, n, &mut c);
        }
        let line = lines.get(i).copied().flatten();
        // The check's report of this client: the first unclaimed one with its id.
        let findings = reports
            .iter_mut()
            .find(|r| r.as_ref().is_some_and(|r| r.client_id == c.client_id))
            .and_then(Option::take)
            .map(|r| r.findings)
            .unwrap_or_default();
        rows.push(ClientRow {
            app: catalog.and_then(|all| matching_app(all, &c)),
            public: c.public == Some(true),
            auth_method: client::auth_method(&c).to_string(),
            policy: c
                .authorization_policy
                .clone()
                .unwrap_or_else(|| "two_factor".into()),
            redirect_uris: c.redirect_uris.clone().unwrap_or_default(),
            client_name: c.client_name.clone(),
            client_id: c.client_id,
            line,
            findings,
            templated,
        });
    }
    Ok(rows)
}

/// Puts back, as the file writes them, the values a template expression makes (the parsed text
/// holds the parser's mask there, which must never reach the user).
fn as_written(t: &scan::Text<'_>, item: &scan::Node, c: &mut Client) {
    let raw = |n: &scan::Node| -> Option<String> {
        if !t.made_by_template(n) {
            return None;
        }
        let s = t.text.get(n.start.byte..n.end.byte)?.trim();
        let s = s
            .strip_prefix('\'')
            .and_then(|x| x.strip_suffix('\''))
            .or_else(|| s.strip_prefix('"').and_then(|x| x.strip_suffix('"')))
            .unwrap_or(s);
        Some(s.to_string())
    };
    if let Some((_, n)) = item.get("client_id")
        && let Some(r) = raw(n)
    {
        c.client_id = r;
    }
    if let Some((_, n)) = item.get("client_name")
        && let Some(r) = raw(n)
    {
        c.client_name = Some(r);
    }
    if let Some((_, n)) = item.get("redirect_uris")
        && let (scan::Kind::Seq(items, _), Some(uris)) = (&n.kind, c.redirect_uris.as_mut())
    {
        for (u, n) in uris.iter_mut().zip(items) {
            if let Some(r) = raw(n) {
                *u = r;
            }
        }
    }
}

/// The path part of a catalog redirect template (`{app_url}/auth/callback` -> `/auth/callback`),
/// when it is specific enough to tell apps apart.
fn template_path(t: &str) -> Option<&str> {
    let p = t.strip_prefix("{app_url}")?;
    (p.len() > 1 && !p.contains('{')).then_some(p)
}

/// How many of the client's redirect URIs a setup's templates give: a template under the app's
/// URL by its path, any other (an app scheme such as `audiobookshelf://oauth`) exactly.
fn redirect_score(templates: &[String], uris: &[String]) -> usize {
    uris.iter()
        .filter(|u| {
            let u = u.trim_end_matches('/');
            templates.iter().any(|t| match template_path(t) {
                Some(p) => u.ends_with(p.trim_end_matches('/')),
                None => !t.contains('{') && u == t.trim_end_matches('/'),
            })
        })
        .count()
}

/// The catalog app a client matches: the one whose setups give the most of its redirect URIs
/// (its default client id breaking ties), when exactly one does best; without a redirect
/// match, the one whose default client id it has.
fn matching_app(all: &[AppEntry], c: &Client) -> Option<String> {
    let uris = c.redirect_uris.as_deref().unwrap_or(&[]);
    let score = |e: &AppEntry| {
        e.setups()
            .iter()
            .map(|s| {
                let r = redirect_score(s.client.redirect_uris.as_deref().unwrap_or(&[]), uris);
                let id = usize::from(s.client.client_id == c.client_id);
                (r, id)
            })
            .max()
            .unwrap_or((0, 0))
    };
    let scored: Vec<(usize, usize, &AppEntry)> = all
        .iter()
        .map(|e| {
            let (r, i) = score(e);
            (r, i, e)
        })
        .collect();
    let best = scored.iter().map(|(r, i, _)| (*r, *i)).max()?;
    if best == (0, 0) || (best.0 == 0 && best.1 == 0) {
        return None;
    }
    let top: Vec<_> = scored.iter().filter(|(r, i, _)| (*r, *i) == best).collect();
    match top.as_slice() {
        [one] => Some(one.2.slug.clone()),
        _ => None,
    }
}

/// The nearest client id to an unknown one (a typo, a different case), for the refusal.
pub fn nearest<'a>(ids: impl IntoIterator<Item = &'a str>, wanted: &str) -> Option<&'a str> {
    let w = wanted.to_ascii_lowercase();
    ids.into_iter()
        .map(|id| (edit_distance(&id.to_ascii_lowercase(), &w), id))
        .filter(|(d, id)| *d <= (id.len().max(w.len()) / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, id)| id)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The row of `client_id`, or an error naming the nearest id (or listing the ids).
pub fn find<'a>(
    rows: &'a [ClientRow],
    client_id: &str,
    path: &std::path::Path,
) -> Result<&'a ClientRow> {
    let same: Vec<&ClientRow> = rows.iter().filter(|r| r.client_id == client_id).collect();
    match same.as_slice() {
        [one] if one.templated => Err(Error::file(
            path,
            format!(
                "client '{client_id}' is made by a template expression, which the tool never changes; edit it where the template's values are kept"
            ),
        )),
        [one] => Ok(one),
        [] => {
            let hint = match nearest(rows.iter().map(|r| r.client_id.as_str()), client_id) {
                Some(n) => format!("; did you mean '{n}'?"),
                None if rows.is_empty() => "; it has no clients".to_string(),
                None => format!(
                    "; its clients are {}",
                    rows.iter()
                        .map(|r| r.client_id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            Err(Error::file(
                path,
                format!("has no client '{client_id}'{hint}"),
            ))
        }
        _ => Err(Error::file(
            path,
            format!(
                "has {} clients with the id '{client_id}' (Authelia refuses to start with that); remove one by hand first",
                same.len()
            ),
        )),
    }
}

/// A new secret's digest for an existing client: only its `client_secret` line changes. The
/// refusals are the merge's (a template-made secret, a public client, a multi-line value).
pub fn rotate(
    doc: &Document,
    client_id: &str,
    secret: crate::plan::SecretState,
) -> Result<super::MergeOutput> {
    let plan = crate::plan::Plan::for_existing(client_id, secret)?;
    super::merge(doc, &plan, super::OnDuplicate::Rotate)
}

/// The catalog app's steps that take the client secret, with the id and secret filled in (the
/// steps that need other values are left out: they did not change).
pub fn secret_steps(app: &str, client_id: &str, secret: &str) -> Vec<String> {
    let Ok(entry) = catalog::find(app) else {
        return vec![];
    };
    entry
        .setups()
        .iter()
        .flat_map(|s| s.app.steps.iter())
        .filter(|t| t.contains("{client_secret}"))
        .map(|t| {
            t.replace("{client_secret}", secret)
                .replace("{client_id}", client_id)
        })
        .filter(|t| !t.contains('{'))
        .fold(vec![], |mut v, t| {
            if !v.contains(&t) {
                v.push(t);
            }
            v
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_id_is_a_small_edit_away() {
        let ids = ["memos", "nextcloud", "grafana"];
        assert_eq!(nearest(ids, "memo"), Some("memos"));
        assert_eq!(nearest(ids, "NextCloud"), Some("nextcloud"));
        assert_eq!(nearest(ids, "jellyfin"), None);
    }
}
