//! Changes to a client that is already in the configuration, as byte edits of its own lines:
//! [`remove`] takes out its item (with the comments that introduce it) and the entries only it
//! used (its claims policy, its authorization policy); [`edit`] changes the lines of the keys
//! asked and nothing else. Both go through the gate a merge goes through: the new text must mean
//! the old configuration with exactly that change, for the positional reader and for libyaml.
//!
//! Which comments belong to an item: the comment lines directly above its dash, at the dash's
//! column, when a blank line (or the start of the list) separates them from what comes before;
//! comment lines glued to the end of the previous item stay with it (that is also where a merge
//! appends after). Comment lines right after the item, indented deeper than its dash, go with it.

use super::clients;
use super::gate::{self, ClientChange, Intended, KeyEdit};
use super::scan::{self, Kind, LineKind, Node, Text, dash_before, line_kind};
use super::splice::{self, Edit};
use super::{Document, MergeOutput};
use crate::client::{self, Client, Severity};
use crate::error::{Error, Result};
use crate::render::yaml;
use saphyr_parser::ScalarStyle;
use serde_json::Value as Json;
use serde_yaml::Value;

/// Client keys Authelia decodes as `bool` and `[]string` (schema/identity_providers.go).
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

/// What `edit` is asked to change.
#[derive(Debug, Clone, Default)]
pub struct EditRequest {
    /// `--set KEY=VALUE`, in order.
    pub set: Vec<(String, String)>,
    /// `--add-redirect-uri`.
    pub add_redirect_uris: Vec<String>,
    /// `--remove-redirect-uri`.
    pub remove_redirect_uris: Vec<String>,
    /// `--policy`: one_factor, two_factor or one of `authorization_policies`.
    pub policy: Option<String>,
    /// `--consent`: explicit, implicit or pre-configured[:DURATION].
    pub consent: Option<String>,
    /// `--group`: limit the client to these groups, through `authorization_policies.<name>`
    /// (created, or reused when it holds exactly that rule) with `default_policy: deny` and one
    /// rule for the groups at the factor `policy` names (default two_factor).
    pub groups: Vec<String>,
}

/// The authorization policy that lets only `groups` in, at `factor`: Authelia reads a list of
/// subjects as any of them (schema/keys.go: `authorization_policies.*.rules[].subject`).
pub fn group_policy(groups: &[String], factor: &str) -> Json {
    let subjects: Vec<Json> = groups
        .iter()
        .map(|g| Json::String(format!("group:{g}")))
        .collect();
    let subject = match subjects.as_slice() {
        [one] => one.clone(),
        _ => Json::Array(subjects),
    };
    serde_json::json!({
        "default_policy": "deny",
        "rules": [{"policy": factor, "subject": subject}],
    })
}

/// The keys `--consent` sets: `consent_mode`, and `pre_configured_consent_duration` when a
/// duration is given (`pre-configured:1w`).
pub fn consent_keys(consent: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let (mode, duration) = match consent.split_once(':') {
        Some((m, d)) => (m, Some(d)),
        None => (consent, None),
    };
    match (mode, duration) {
        ("explicit" | "implicit", None) => Ok(vec![("consent_mode".into(), mode.into())]),
        ("pre-configured", None) => Ok(vec![("consent_mode".into(), mode.into())]),
        ("pre-configured", Some(d)) if !d.trim().is_empty() => Ok(vec![
            ("consent_mode".into(), mode.into()),
            ("pre_configured_consent_duration".into(), d.trim().into()),
        ]),
        ("explicit" | "implicit", Some(_)) => Err(format!(
            "--consent {mode} takes no duration (only pre-configured:DURATION does)"
        )),
        _ => Err(format!(
            "--consent '{consent}': expected explicit, implicit or pre-configured[:DURATION] (e.g. pre-configured:1w)"
        )),
    }
}

/// The item of the client to change, as the positional parse has it.
struct Target<'n> {
    oidc: &'n Node,
    items: &'n [Node],
    index: usize,
    item: &'n Node,
    dash: scan::Pos,
}

fn refuse<T>(doc: &Document, msg: impl Into<String>) -> Result<T> {
    Err(Error::file(&doc.path, msg.into()))
}

fn refuse_at<T>(doc: &Document, line: usize, msg: impl AsRef<str>) -> Result<T> {
    Err(Error::file(
        &doc.path,
        format!("line {}: {}", line + 1, msg.as_ref()),
    ))
}

/// The client's item: found by its row (which refuses an unknown id with the nearest one and a
/// client that a template makes), then in the positional parse.
fn locate<'n>(
    doc: &Document,
    t: &Text<'_>,
    root: Option<&'n Node>,
    client_id: &str,
) -> Result<(Target<'n>, usize)> {
    if super::is_sops_encrypted(doc) {
        return refuse(
            doc,
            "is SOPS-encrypted and any edit breaks its MAC: change the client with 'sops edit'",
        );
    }
    let rows = clients::list(doc)?;
    let row = clients::find(&rows, client_id, &doc.path)?;
    let index = rows
        .iter()
        .position(|r| std::ptr::eq(r, row))
        .unwrap_or_default();
    let seq = root
        .and_then(|r| r.get("identity_providers"))
        .and_then(|(_, ip)| ip.get("oidc"));
    let Some((_, oidc)) = seq else {
        return refuse(doc, "has no identity_providers.oidc section written in it");
    };
    let Some((_, clients)) = oidc.get("clients") else {
        return refuse(
            doc,
            "identity_providers.oidc.clients is not written in this file (it comes through a merge key or alias); change it where it is written",
        );
    };
    let items = match &clients.kind {
        Kind::Seq(items, false) => items.as_slice(),
        Kind::Seq(_, true) => {
            return refuse_at(
                doc,
                clients.start.line,
                "identity_providers.oidc.clients is a flow list ([...]); rewrite it as a block list to change one client",
            );
        }
        _ => {
            return refuse_at(
                doc,
                clients.start.line,
                format!(
                    "identity_providers.oidc.clients is {}, not a list written in this file",
                    clients.type_name()
                ),
            );
        }
    };
    let Some(item) = items.get(index) else {
        return refuse(doc, format!("cannot find client '{client_id}' in the text"));
    };
    if splice::client_id_of(item) != Some(client_id) {
        return refuse_at(
            doc,
            item.start.line,
            format!("the item found for client '{client_id}' has another id; change it by hand"),
        );
    }
    let floor = match index {
        0 => clients.start.line.min(item.start.line),
        i => items[i - 1].end.line,
    };
    let Some(dash) = item_dash(t, item, floor) else {
        return refuse_at(doc, item.start.line, "cannot find the client's dash");
    };
    if !t.text[t.line_start(dash.line)..dash.byte]
        .chars()
        .all(|c| c == ' ')
    {
        return refuse_at(
            doc,
            dash.line,
            "the client does not start its own line; change it by hand",
        );
    }
    Ok((
        Target {
            oidc,
            items,
            index,
            item,
            dash,
        },
        rows.len(),
    ))
}

/// The dash of a block list item: right before it, or alone on an earlier line with only
/// comments and blank lines between (`-` then `## the id...` then `client_id:`); never above
/// line `floor`.
fn item_dash(t: &Text<'_>, item: &Node, floor: usize) -> Option<scan::Pos> {
    if let Some(d) = dash_before(t, item.start) {
        return Some(d);
    }
    let mut l = item.start.line;
    while l > floor {
        l -= 1;
        let line = t.line(l);
        match line_kind(line) {
            (_, LineKind::Blank | LineKind::Comment) => continue,
            (indent, LineKind::Content) => {
                let rest = line[indent..].trim_end();
                return (rest == "-" || rest.starts_with("- ") || rest.starts_with("-\t")).then(
                    || scan::Pos {
                        line: l,
                        col: indent,
                        byte: t.line_start(l) + indent,
                    },
                );
            }
        }
    }
    None
}

fn is_blank(t: &Text<'_>, l: usize) -> bool {
    line_kind(t.line(l)).1 == LineKind::Blank
}

/// The first line of the comments that introduce the node whose first line is `line` at column
/// `col` (see the module docs), or `line` itself.
fn introducing_comments(t: &Text<'_>, line: usize, col: usize, starts_list: bool) -> usize {
    let mut l = line;
    while l > 0 && line_kind(t.line(l - 1)) == (col, LineKind::Comment) {
        l -= 1;
    }
    if l < line && (starts_list || l == 0 || is_blank(t, l - 1)) {
        l
    } else {
        line
    }
}

/// The last line of a node that ends on `end_line`, with the comment lines right after it that
/// are indented deeper than `col`.
fn trailing_comments(t: &Text<'_>, end_line: usize, col: usize, stop: usize) -> usize {
    let mut last = end_line;
    while last + 1 < stop {
        let (indent, kind) = line_kind(t.line(last + 1));
        if kind == LineKind::Comment && indent > col {
            last += 1;
        } else {
            break;
        }
    }
    last
}

/// Where the lines removed are in their list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// The first item: takes the blank lines after it (none then separates the list's key from
    /// its new first item).
    First,
    /// The last item: takes the blank lines before it (they separated it from the one before).
    Last,
    /// Anywhere else: takes the blank lines before it when blank lines follow too (one
    /// separator stays).
    Other,
}

/// The byte range of lines `first..=last`, with the blank lines around them that `at` says. A
/// range that ends the file without a line break takes the break before it instead.
fn lines_range(
    t: &Text<'_>,
    mut first: usize,
    mut last: usize,
    stop: usize,
    at: At,
) -> (usize, usize) {
    let blank_after = last + 1 < stop && is_blank(t, last + 1);
    let blank_before = first > 0 && is_blank(t, first - 1);
    match at {
        At::First if blank_after && !blank_before => {
            while last + 1 < stop && is_blank(t, last + 1) {
                last += 1;
            }
        }
        At::Last => {
            while first > 0 && is_blank(t, first - 1) {
                first -= 1;
            }
        }
        _ if blank_after => {
            while first > 0 && is_blank(t, first - 1) {
                first -= 1;
            }
        }
        _ => {}
    }
    let start = t.line_start(first);
    let end = t.line_end_incl(last);
    if end == t.text.len() && !t.ends_with_break() && start > 0 {
        let before = &t.text[..start];
        let cut = if before.ends_with("\r\n") { 2 } else { 1 };
        return (start - cut, end);
    }
    (start, end)
}

fn has_anchor(n: &Node) -> bool {
    n.anchor != 0
        || match &n.kind {
            Kind::Seq(items, _) => items.iter().any(has_anchor),
            Kind::Map(entries, _) => entries.iter().any(|(k, v)| has_anchor(k) || has_anchor(v)),
            _ => false,
        }
}

/// The last line of the document's content (a `...` or `---` line ends it).
fn stop_line(t: &Text<'_>, parsed: &scan::Scan) -> usize {
    parsed.doc_end_line.unwrap_or(usize::MAX).min(t.lines())
}

/// Assembles, gates and diffs the edits of a change to an existing client.
fn finish(
    doc: &Document,
    t: &Text<'_>,
    parsed: &scan::Scan,
    mut edits: Vec<Edit>,
    intended: Intended,
    warnings: Vec<String>,
) -> Result<MergeOutput> {
    let path = &doc.path;
    let full = doc.text()?;
    edits.sort_by_key(|e| (e.start, e.end));
    if edits.windows(2).any(|w| w[1].start < w[0].end) {
        return refuse(
            doc,
            "the changes asked touch the same text; make them one at a time",
        );
    }
    let mut new_full = String::with_capacity(full.len() + 64);
    if t.bom {
        new_full.push('\u{feff}');
    }
    new_full.push_str(&splice::apply(t.text, &edits));
    if new_full == full {
        return refuse(
            doc,
            "already holds that: nothing would change, so nothing was written",
        );
    }
    let nt = Text::new(&new_full);
    let new_parsed = scan::scan(&nt).map_err(|e| {
        Error::file(
            path,
            format!(
                "the changed text would not be valid YAML (line {}: {}); nothing was written",
                e.line + 1,
                e.message
            ),
        )
    })?;
    let inserted: Vec<&str> = edits
        .iter()
        .filter(|e| !e.text.trim().is_empty() && e.text.contains('\n'))
        .map(|e| e.text.as_str())
        .collect();
    gate::check(
        parsed.root.as_ref(),
        new_parsed.root.as_ref(),
        &inserted,
        &intended,
    )
    .map_err(|m| Error::file(path, m))?;
    gate::check_whole(&t.masked, &nt.masked, &intended).map_err(|m| Error::file(path, m))?;
    let shift = if t.bom { '\u{feff}'.len_utf8() } else { 0 };
    let diff = super::edits_diff(full, &new_full, &edits, shift, path);
    let action = match intended.client {
        ClientChange::Remove { .. } => super::Action::Removed,
        _ => super::Action::Edited,
    };
    let additions_added = intended
        .additions
        .iter()
        .map(|a| format!("{}.{}", a.section.join("."), a.name))
        .collect();
    Ok(MergeOutput {
        bytes: new_full.into_bytes(),
        diff,
        warnings,
        action,
        additions_added,
        ..MergeOutput::default()
    })
}

/// What [`remove`] took out besides the client.
#[derive(Debug, Clone, Default)]
pub struct Removal {
    /// The new text and its diff.
    pub output: MergeOutput,
    /// The entries only the client used that went with it, as dotted paths under
    /// `identity_providers.oidc` (`claims_policies.grafana`).
    pub orphans_removed: Vec<String>,
}

/// Removes client `client_id`: its item's lines (with the comments that introduce it) and the
/// claims and authorization policies no other client names. The last client is never removed:
/// Authelia refuses an `oidc` section without clients ("option 'clients' must have one or more
/// clients configured", internal/configuration/validator/identity_providers.go:61-62), so the
/// provider would not start.
pub fn remove(doc: &Document, client_id: &str) -> Result<Removal> {
    let full = doc.text()?;
    let (t, parsed) = super::parse_text(&doc.path, full)?;
    let (tg, count) = locate(doc, &t, parsed.root.as_ref(), client_id)?;
    if count == 1 {
        return refuse(
            doc,
            format!(
                "client '{client_id}' is the only one: Authelia refuses an OpenID Connect provider without clients, so it would not start; to turn the provider off, remove the identity_providers.oidc section by hand (or add another client first)"
            ),
        );
    }
    let stop = stop_line(&t, &parsed);
    let first = introducing_comments(&t, tg.dash.line, tg.dash.col, tg.index == 0);
    let last = trailing_comments(&t, tg.item.end.line, tg.dash.col, stop);
    let at = if tg.index == 0 {
        At::First
    } else if tg.index + 1 == tg.items.len() {
        At::Last
    } else {
        At::Other
    };
    let (start, end) = lines_range(&t, first, last, stop, at);
    let mut edits = vec![Edit {
        start,
        end,
        text: String::new(),
    }];
    let mut warnings = vec![];
    let mut orphans: Vec<Vec<String>> = vec![];
    let mut removed = vec![];
    // The policies it names, when no other client names them.
    let v = gate::parse_first(&t.masked).map_err(|m| Error::file(&doc.path, m))?;
    let others: Vec<&Value> = v
        .get("identity_providers")
        .and_then(|x| x.get("oidc"))
        .and_then(|x| x.get("clients"))
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .enumerate()
                .filter(|(i, _)| *i != tg.index)
                .map(|(_, c)| c)
                .collect()
        })
        .unwrap_or_default();
    for (key, section) in [
        ("claims_policy", "claims_policies"),
        ("authorization_policy", "authorization_policies"),
    ] {
        let Some((_, name_node)) = tg.item.get(key) else {
            continue;
        };
        let Some(name) = name_node
            .scalar()
            .filter(|_| !t.made_by_template(name_node))
        else {
            continue;
        };
        if others
            .iter()
            .any(|c| c.get(key).and_then(Value::as_str) == Some(name))
        {
            continue;
        }
        let Some((sk, sv)) = tg.oidc.get(section) else {
            continue;
        };
        let Kind::Map(entries, false) = &sv.kind else {
            if sv.get(name).is_some() {
                warnings.push(format!(
                    "{section}.{name} is no longer used but was left: {section} is not a block mapping"
                ));
            }
            continue;
        };
        let Some((ek, ev)) = entries.iter().find(|(k, _)| k.scalar() == Some(name)) else {
            continue;
        };
        if has_anchor(ek) || has_anchor(ev) || tg.oidc.count(section) > 1 {
            warnings.push(format!(
                "{section}.{name} is no longer used but was left: it carries an anchor (&name) or is written twice"
            ));
            continue;
        }
        // The whole section when the entry is its only one, else the entry.
        let (node_key, node_end, col, p) = if entries.len() == 1 {
            (sk, sv.end.line, sk.start.col, vec![section.to_string()])
        } else {
            (
                ek,
                ev.end.line.max(ek.end.line),
                ek.start.col,
                vec![section.to_string(), name.to_string()],
            )
        };
        if !t.line(node_key.start.line)[..]
            .chars()
            .take(col)
            .all(|c| c == ' ')
        {
            warnings.push(format!(
                "{section}.{name} is no longer used but was left: it does not start its own line"
            ));
            continue;
        }
        let first = introducing_comments(&t, node_key.start.line, col, false);
        let last = trailing_comments(&t, node_end, col, stop);
        let (s, e) = lines_range(&t, first, last, stop, At::Other);
        edits.push(Edit {
            start: s,
            end: e,
            text: String::new(),
        });
        orphans.push(p);
        removed.push(format!("{section}.{name}"));
    }
    let intended = Intended {
        hmac_secret: None,
        jwks: None,
        additions: vec![],
        client: ClientChange::Remove {
            index: tg.index,
            orphans,
        },
    };
    let output = finish(doc, &t, &parsed, edits, intended, warnings)?;
    Ok(Removal {
        output,
        orphans_removed: removed,
    })
}

/// One change to the item, before it becomes text.
#[derive(Debug, Clone)]
enum Op {
    Set(String, Json),
    AddUri(String),
    RemoveUri(String),
}

/// A `--set` value with the type Authelia decodes the key as: a list (comma-separated) for the
/// list keys, a boolean for the boolean keys, else as the value there now is (a plain `true`
/// stays a boolean, a plain number a number), else a string.
fn typed(key: &str, raw: &str, existing: Option<&Node>) -> std::result::Result<Json, String> {
    let existing_list = existing.is_some_and(|n| matches!(n.kind, Kind::Seq(..)));
    if LIST_KEYS.contains(&key) || existing_list {
        let items: Vec<Json> = raw
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Json::String(s.into()))
            .collect();
        if items.is_empty() {
            return Err(format!("--set {key}=: give at least one value"));
        }
        return Ok(Json::Array(items));
    }
    if BOOL_KEYS.contains(&key) {
        return match raw {
            "true" => Ok(Json::Bool(true)),
            "false" => Ok(Json::Bool(false)),
            _ => Err(format!("--set {key}={raw}: expected true or false")),
        };
    }
    let plain = existing.and_then(|n| match &n.kind {
        Kind::Scalar(v, ScalarStyle::Plain) if n.tag.is_none() => Some(v.as_str()),
        _ => None,
    });
    if let Some(old) = plain {
        let is_bool = |s: &str| matches!(s, "true" | "false");
        if is_bool(old) && is_bool(raw) {
            return Ok(Json::Bool(raw == "true"));
        }
        if old.parse::<i64>().is_ok()
            && let Ok(n) = raw.parse::<i64>()
        {
            return Ok(Json::from(n));
        }
    }
    Ok(Json::String(raw.to_string()))
}

/// A one-line scalar as YAML text (strings single-quoted, as the merge writes them).
fn scalar_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) if !s.contains(['\n', '\r']) => Some(yaml::quote(s)),
        Json::Bool(b) => Some(b.to_string()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn flow_text(items: &[Json]) -> Option<String> {
    let parts: Option<Vec<String>> = items.iter().map(scalar_text).collect();
    Some(format!("[{}]", parts?.join(", ")))
}

/// The context the validator needs, from the configuration as libyaml reads it.
fn context_of(v: &Value) -> client::Context {
    let oidc = v.get("identity_providers").and_then(|x| x.get("oidc"));
    let names = |x: Option<&Value>| -> Vec<String> {
        x.and_then(Value::as_mapping)
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    client::Context {
        policies: names(oidc.and_then(|o| o.get("authorization_policies"))),
        claims_policies: names(oidc.and_then(|o| o.get("claims_policies"))),
        custom_scopes: names(oidc.and_then(|o| o.get("scopes"))),
        lifespans: names(
            oidc.and_then(|o| o.get("lifespans"))
                .and_then(|l| l.get("custom")),
        ),
    }
}

fn errors_of(item: &Value, ctx: &client::Context) -> Vec<String> {
    let c: Client = serde_yaml::from_value(super::check::weaken(item)).unwrap_or_default();
    client::validate(&c, ctx)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.message)
        .collect()
}

/// What [`edit`] did.
#[derive(Debug, Clone, Default)]
pub struct Edited {
    /// The new text and its diff.
    pub output: MergeOutput,
    /// The keys whose lines changed, in order.
    pub keys: Vec<String>,
}

/// Changes the keys `req` asks of client `client_id`, each on its own lines: a one-line value
/// in place, a key the client lacks as a new line at its keys' indentation, a redirect URI as a
/// list line in the list's style (or inside a one-line flow list). The changed client must
/// still pass Authelia's rules ([`client::validate`]) as well as it did before.
pub fn edit(doc: &Document, client_id: &str, req: &EditRequest) -> Result<Edited> {
    let full = doc.text()?;
    let (t, parsed) = super::parse_text(&doc.path, full)?;
    let (tg, _) = locate(doc, &t, parsed.root.as_ref(), client_id)?;
    let v = gate::parse_first(&t.masked).map_err(|m| Error::file(&doc.path, m))?;
    let mut ctx = context_of(&v);
    let item_value = v
        .get("identity_providers")
        .and_then(|x| x.get("oidc"))
        .and_then(|x| x.get("clients"))
        .and_then(|x| x.get(tg.index))
        .cloned()
        .unwrap_or(Value::Null);

    // The changes asked, as operations on keys.
    let mut ops: Vec<Op> = vec![];
    for (k, raw) in &req.set {
        let k = k.trim();
        if matches!(k, "client_id" | "id") {
            return Err(Error::input(
                "--set client_id: the id is not edited (apps and their sessions know it); add a client with the new id and remove this one",
            ));
        }
        if matches!(k, "client_secret" | "secret") {
            return Err(Error::input(
                "--set client_secret: use 'oidc-wizard rotate' for a new secret",
            ));
        }
        if k.is_empty() || k.contains(['.', ' ', ':']) {
            return Err(Error::input(format!(
                "--set {k}: expected a key of the client (KEY=VALUE)"
            )));
        }
        if raw.trim().is_empty() {
            return Err(Error::input(format!("--set {k}=: give a value")));
        }
        let existing = tg.item.get(k).map(|(_, n)| n);
        let value = typed(k, raw.trim(), existing).map_err(Error::input)?;
        ops.push(Op::Set(k.to_string(), value));
    }
    let mut additions = vec![];
    let mut group_edit: Option<(String, Json)> = None;
    if !req.groups.is_empty() {
        let factor = req.policy.as_deref().map(str::trim).unwrap_or("two_factor");
        if !matches!(factor, "one_factor" | "two_factor") {
            return Err(Error::input(format!(
                "--group takes --policy one_factor or two_factor (the factor its members need), not '{factor}'"
            )));
        }
        if let Some(g) = req
            .groups
            .iter()
            .find(|g| g.trim().is_empty() || g.contains(['\'', '"', '\n']))
        {
            return Err(Error::input(format!(
                "--group '{g}': expected a group name"
            )));
        }
        let rows = clients::list(doc)?;
        let name = rows
            .iter()
            .find(|r| r.client_id == client_id)
            .and_then(|r| r.app.clone())
            .unwrap_or_else(|| client_id.to_string());
        let want = group_policy(&req.groups, factor);
        let existing = v
            .get("identity_providers")
            .and_then(|x| x.get("oidc"))
            .and_then(|x| x.get("authorization_policies"))
            .and_then(|x| x.get(name.as_str()));
        match existing {
            Some(e) if serde_json::to_value(e).ok().as_ref() == Some(&want) => {}
            Some(_) => {
                return refuse(
                    doc,
                    format!(
                        "has an authorization policy '{name}' with other rules; point the client at it with --policy {name}, or change it by hand"
                    ),
                );
            }
            None => group_edit = Some((name.clone(), want.clone())),
        }
        if let Some((n, value)) = &group_edit {
            additions.push(crate::plan::Addition {
                top_level: false,
                section: vec!["authorization_policies".into()],
                name: n.clone(),
                value: value.clone(),
            });
        }
        ops.push(Op::Set("authorization_policy".into(), Json::String(name)));
    } else if let Some(p) = &req.policy {
        let p = p.trim();
        let known = matches!(p, "one_factor" | "two_factor") || ctx.policies.iter().any(|x| x == p);
        if !known {
            let mut choices = vec!["one_factor".to_string(), "two_factor".to_string()];
            choices.extend(ctx.policies.iter().cloned());
            return refuse(
                doc,
                format!(
                    "has no authorization policy '{p}'; choose one of {}",
                    choices.join(", ")
                ),
            );
        }
        ops.push(Op::Set(
            "authorization_policy".into(),
            Json::String(p.into()),
        ));
    }
    if let Some(c) = &req.consent {
        for (k, val) in consent_keys(c).map_err(Error::input)? {
            ops.push(Op::Set(k, Json::String(val)));
        }
    }
    for u in &req.add_redirect_uris {
        ops.push(Op::AddUri(u.trim().to_string()));
    }
    for u in &req.remove_redirect_uris {
        ops.push(Op::RemoveUri(u.trim().to_string()));
    }
    if ops.is_empty() {
        return Err(Error::input(
            "edit needs a change: --set KEY=VALUE, --add-redirect-uri, --remove-redirect-uri, --policy, --group or --consent",
        ));
    }
    let mut seen: Vec<&str> = vec![];
    for op in &ops {
        if let Op::Set(k, _) = op {
            if seen.contains(&k.as_str()) {
                return Err(Error::input(format!("{k} is asked to change twice")));
            }
            seen.push(k);
        }
    }
    if seen.contains(&"redirect_uris")
        && ops
            .iter()
            .any(|o| matches!(o, Op::AddUri(_) | Op::RemoveUri(_)))
    {
        return Err(Error::input(
            "--set redirect_uris=... replaces the list: leave out --add-redirect-uri and --remove-redirect-uri with it",
        ));
    }

    let Kind::Map(entries, false) = &tg.item.kind else {
        return refuse_at(
            doc,
            tg.item.start.line,
            format!("client '{client_id}' is written as a flow mapping ({{...}}); edit it by hand"),
        );
    };
    let key_col = entries
        .first()
        .map(|(k, _)| k.start.col)
        .unwrap_or(tg.dash.col + 2);
    let style = scan::style_of(&t, parsed.root.as_ref());
    let mut edits: Vec<Edit> = vec![];
    let mut key_edits: Vec<KeyEdit> = vec![];
    let mut appended: serde_json::Map<String, Json> = serde_json::Map::new();
    let mut keys: Vec<String> = vec![];
    let templated = |n: &Node| t.made_by_template(n);

    // The redirect URIs as they are after each change, with each one's node in the text.
    let uri_node = tg.item.get("redirect_uris").map(|(_, n)| n);
    let mut uris: Vec<(String, Option<&Node>)> = match uri_node.map(|n| &n.kind) {
        Some(Kind::Seq(items, _)) => items
            .iter()
            .map(|n| (n.scalar().unwrap_or_default().to_string(), Some(n)))
            .collect(),
        _ => vec![],
    };
    let mut pushed: Vec<String> = vec![];

    for op in &ops {
        match op {
            Op::Set(key, value) => {
                keys.push(key.clone());
                key_edits.push(KeyEdit::Set(key.clone(), value.clone()));
                let Some((_, n)) = tg.item.get(key) else {
                    appended.insert(key.clone(), value.clone());
                    continue;
                };
                if tg.item.count(key) > 1 {
                    return refuse_at(
                        doc,
                        n.start.line,
                        format!("{key} is written twice in client '{client_id}'; fix it by hand"),
                    );
                }
                if templated(n) {
                    return refuse_at(
                        doc,
                        n.start.line,
                        format!(
                            "the {key} of client '{client_id}' is made by a template expression, which the tool never changes; change it where the template's value is kept"
                        ),
                    );
                }
                if n.anchor != 0 || n.tag.is_some() || matches!(n.kind, Kind::Alias(_)) {
                    return refuse_at(
                        doc,
                        n.start.line,
                        format!(
                            "the {key} of client '{client_id}' carries an anchor, alias or tag; change it by hand"
                        ),
                    );
                }
                edits.push(value_edit(doc, &t, key, n, value)?);
            }
            Op::AddUri(u) => {
                if u.is_empty() {
                    return Err(Error::input("--add-redirect-uri: give a URI"));
                }
                if uris.iter().any(|(x, _)| x == u) {
                    return refuse(
                        doc,
                        format!("client '{client_id}' has the redirect URI {u} already"),
                    );
                }
                keys.push("redirect_uris".into());
                key_edits.push(KeyEdit::Push("redirect_uris".into(), u.clone()));
                uris.push((u.clone(), None));
                pushed.push(u.clone());
            }
            Op::RemoveUri(u) => {
                let Some(pos) = uris.iter().position(|(x, _)| x == u) else {
                    return refuse(
                        doc,
                        format!(
                            "client '{client_id}' has no redirect URI {u}; it has {}",
                            uris.iter()
                                .map(|(x, _)| x.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                };
                let Some(node) = uris[pos].1 else {
                    return Err(Error::input(format!(
                        "{u} is both added and removed; ask one of them"
                    )));
                };
                if uris.len() == 1 {
                    return refuse(
                        doc,
                        format!(
                            "{u} is the only redirect URI of client '{client_id}'; add the new one in the same edit (--add-redirect-uri)"
                        ),
                    );
                }
                if templated(node) {
                    return refuse_at(
                        doc,
                        node.start.line,
                        "that redirect URI is made by a template expression, which the tool never changes",
                    );
                }
                keys.push("redirect_uris".into());
                key_edits.push(KeyEdit::RemoveAt("redirect_uris".into(), pos));
                uris.remove(pos);
                let (Some(list), Some(n)) = (uri_node, Some(node)) else {
                    continue;
                };
                edits.push(remove_list_item(doc, &t, list, n)?);
            }
        }
    }
    // The redirect URIs added, into the list (or a new list).
    if !pushed.is_empty() {
        match uri_node {
            None => {
                appended.insert(
                    "redirect_uris".into(),
                    Json::Array(pushed.iter().cloned().map(Json::String).collect()),
                );
                // In the gate, a new list of these, not pushes.
                key_edits.retain(|e| !matches!(e, KeyEdit::Push(..)));
                key_edits.push(KeyEdit::Set(
                    "redirect_uris".into(),
                    Json::Array(pushed.iter().cloned().map(Json::String).collect()),
                ));
            }
            Some(list) => {
                if templated(list) || list.anchor != 0 || list.tag.is_some() {
                    return refuse_at(
                        doc,
                        list.start.line,
                        "the redirect_uris list is made by a template, or carries an anchor or tag; change it by hand",
                    );
                }
                let kept = uris.iter().any(|(_, n)| n.is_some());
                edits.push(push_list_items(doc, &t, list, &pushed, kept)?);
            }
        }
    }
    if !appended.is_empty() {
        let mut lines = vec![];
        yaml::write_map(&mut lines, &appended, key_col, style, None);
        let at = t.line_end_incl(tg.item.end.line);
        let mut text = String::new();
        if at == t.text.len() && !t.ends_with_break() {
            if entries.last().is_some_and(|(_, v)| {
                matches!(
                    v.kind,
                    Kind::Scalar(_, ScalarStyle::Literal | ScalarStyle::Folded)
                )
            }) {
                return refuse(
                    doc,
                    "the file ends inside the client's block scalar without a final newline; end it with a newline first",
                );
            }
            text.push_str(t.eol);
        }
        for l in &lines {
            text.push_str(l);
            text.push_str(t.eol);
        }
        edits.push(Edit {
            start: at,
            end: at,
            text,
        });
    }

    // The new authorization policy, into its section (created before `clients:` when missing).
    if let Some((name, value)) = &group_edit {
        edits.push(policy_edit(doc, &t, tg.oidc, name, value, style)?);
    }

    // The client after the change must pass Authelia's rules as well as before.
    let before = errors_of(&item_value, &ctx);
    if let Some((name, _)) = &group_edit {
        ctx.policies.push(name.clone());
    }
    let mut after_value = item_value.clone();
    if let Value::Mapping(m) = &mut after_value {
        for e in &key_edits {
            gate::key_edit_value(m, e).map_err(|m| Error::file(&doc.path, m))?;
        }
    }
    if let Some(new_err) = errors_of(&after_value, &ctx)
        .into_iter()
        .find(|e| !before.contains(e))
    {
        return refuse(
            doc,
            format!(
                "client '{client_id}' would not pass Authelia's rules after the change: {new_err}; nothing was written"
            ),
        );
    }
    keys.dedup();
    let intended = Intended {
        hmac_secret: None,
        jwks: None,
        additions,
        client: ClientChange::SetKeys(tg.index, key_edits),
    };
    let output = finish(doc, &t, &parsed, edits, intended, vec![])?;
    Ok(Edited { output, keys })
}

/// The edit that adds `authorization_policies.<name>`: after the section's last entry, or a new
/// section before the `clients:` key (and the comments that introduce it).
fn policy_edit(
    doc: &Document,
    t: &Text<'_>,
    oidc: &Node,
    name: &str,
    value: &Json,
    style: crate::render::Style,
) -> Result<Edit> {
    let mut entry = serde_json::Map::new();
    entry.insert(name.to_string(), value.clone());
    let mut lines = vec![];
    let at = match oidc.get("authorization_policies") {
        Some((k, sec)) => {
            let Kind::Map(entries, false) = &sec.kind else {
                return refuse_at(
                    doc,
                    k.start.line,
                    "authorization_policies is not a block mapping with entries; add the policy by hand",
                );
            };
            let (Some((ek, _)), Some((_, lv))) = (entries.first(), entries.last()) else {
                return refuse_at(
                    doc,
                    k.start.line,
                    "authorization_policies is empty; add the policy by hand",
                );
            };
            if oidc.count("authorization_policies") > 1 || sec.anchor != 0 {
                return refuse_at(
                    doc,
                    k.start.line,
                    "authorization_policies is written twice or carries an anchor; add the policy by hand",
                );
            }
            yaml::write_map(&mut lines, &entry, ek.start.col, style, None);
            t.line_end_incl(lv.end.line)
        }
        None => {
            let Some((ck, _)) = oidc.get("clients") else {
                return refuse(
                    doc,
                    "has no clients key to put authorization_policies before",
                );
            };
            let mut section = serde_json::Map::new();
            section.insert("authorization_policies".into(), Json::Object(entry));
            yaml::write_map(&mut lines, &section, ck.start.col, style, None);
            let mut l = ck.start.line;
            while l > 0 && line_kind(t.line(l - 1)) == (ck.start.col, LineKind::Comment) {
                l -= 1;
            }
            t.line_start(l)
        }
    };
    let mut text = String::new();
    if at == t.text.len() && !t.ends_with_break() {
        text.push_str(t.eol);
    }
    for l in &lines {
        text.push_str(l);
        text.push_str(t.eol);
    }
    Ok(Edit {
        start: at,
        end: at,
        text,
    })
}

/// The edit that sets the value node `n` of `key` to `value`: a one-line scalar or flow list in
/// place; a block list's item lines replaced by new ones in its style.
fn value_edit(doc: &Document, t: &Text<'_>, key: &str, n: &Node, value: &Json) -> Result<Edit> {
    let one_line = n.start.line == n.end.line;
    match (&n.kind, value) {
        (Kind::Scalar(_, ScalarStyle::Literal | ScalarStyle::Folded), _) => refuse_at(
            doc,
            n.start.line,
            format!("{key} is a block scalar (| or >); change it by hand"),
        ),
        (Kind::Scalar(..), v) if one_line => {
            let Some(s) = scalar_text(v).or_else(|| match v {
                Json::Array(a) => flow_text(a),
                _ => None,
            }) else {
                return refuse_at(
                    doc,
                    n.start.line,
                    format!("{key}: that value needs more than one line"),
                );
            };
            let text = if n.start.byte == n.end.byte {
                format!(" {s}")
            } else {
                s
            };
            Ok(Edit {
                start: n.start.byte,
                end: n.end.byte,
                text,
            })
        }
        (Kind::Seq(_, true), Json::Array(a)) if one_line => {
            let raw = &t.text[n.start.byte..n.end.byte];
            let text = flow_text(a).filter(|_| raw.starts_with('[') && raw.ends_with(']'));
            let Some(text) = text else {
                return refuse_at(
                    doc,
                    n.start.line,
                    format!("cannot find the brackets of {key}; change it by hand"),
                );
            };
            Ok(Edit {
                start: n.start.byte,
                end: n.end.byte,
                text,
            })
        }
        (Kind::Seq(_, true), _) => refuse_at(
            doc,
            n.start.line,
            format!(
                "{key} is a flow list ([...]) over several lines; write it on one line or as a block list to change it"
            ),
        ),
        (Kind::Seq(items, false), Json::Array(a)) => {
            let (first, last) = match (items.first(), items.last()) {
                (Some(f), Some(l)) => (f, l),
                _ => return refuse_at(doc, n.start.line, format!("{key} is an empty list")),
            };
            let Some(dash) = dash_before(t, first.start) else {
                return refuse_at(doc, first.start.line, "cannot find the list's dash");
            };
            let offset = if first.start.line == dash.line {
                first.start.col.saturating_sub(dash.col).max(2)
            } else {
                2
            };
            let (start, end) = (t.line_start(dash.line), t.line_end_incl(last.end.line));
            let span = &t.text[start..end];
            if scan::yaml_lines(span).any(|l| line_kind(l).1 == LineKind::Comment)
                || items
                    .iter()
                    .any(|i| !matches!(i.kind, Kind::Scalar(..)) || i.start.line != i.end.line)
            {
                return refuse_at(
                    doc,
                    dash.line,
                    format!("{key} holds comments or values over several lines; change it by hand"),
                );
            }
            let mut text = String::new();
            for v in a {
                let Some(s) = scalar_text(v) else {
                    return refuse_at(
                        doc,
                        dash.line,
                        format!("{key}: a value needs more than one line"),
                    );
                };
                text.push_str(&format!(
                    "{}-{}{s}{}",
                    " ".repeat(dash.col),
                    " ".repeat(offset - 1),
                    t.eol
                ));
            }
            if end == t.text.len() && !t.ends_with_break() {
                text.truncate(text.len() - t.eol.len());
            }
            Ok(Edit { start, end, text })
        }
        (kind, _) => refuse_at(
            doc,
            n.start.line,
            format!(
                "{key} is {}, which --set does not change in place; change it by hand",
                match kind {
                    Kind::Map(..) => "a mapping",
                    Kind::Seq(..) => "a list",
                    _ => "written over several lines",
                }
            ),
        ),
    }
}

/// The edit that adds `uris` at the end of the list `list`: new lines in the style of its
/// items (block), or inside its brackets (a one-line flow list). `kept`: whether any item
/// already there stays.
fn push_list_items(
    doc: &Document,
    t: &Text<'_>,
    list: &Node,
    uris: &[String],
    kept: bool,
) -> Result<Edit> {
    match &list.kind {
        Kind::Seq(items, false) => {
            let (Some(first), Some(last)) = (items.first(), items.last()) else {
                return refuse_at(doc, list.start.line, "redirect_uris is an empty list");
            };
            let Some(dash) = dash_before(t, first.start) else {
                return refuse_at(doc, first.start.line, "cannot find the list's dash");
            };
            let offset = if first.start.line == dash.line {
                first.start.col.saturating_sub(dash.col).max(2)
            } else {
                2
            };
            let at = t.line_end_incl(last.end.line);
            let mut text = String::new();
            if at == t.text.len() && !t.ends_with_break() {
                text.push_str(t.eol);
            }
            for u in uris {
                text.push_str(&format!(
                    "{}-{}{}{}",
                    " ".repeat(dash.col),
                    " ".repeat(offset - 1),
                    yaml::quote(u),
                    t.eol
                ));
            }
            Ok(Edit {
                start: at,
                end: at,
                text,
            })
        }
        Kind::Seq(items, true) if list.start.line == list.end.line => {
            let raw = &t.text[list.start.byte..list.end.byte];
            if !(raw.starts_with('[') && raw.ends_with(']')) {
                return refuse_at(
                    doc,
                    list.start.line,
                    "cannot find the brackets of redirect_uris; change it by hand",
                );
            }
            let quoted: Vec<String> = uris.iter().map(|u| yaml::quote(u)).collect();
            let (at, text) = match items.last() {
                Some(l) if kept => (l.end.byte, format!(", {}", quoted.join(", "))),
                // Every item there is removed by the same edit: the new ones alone.
                Some(l) => (l.end.byte, quoted.join(", ")),
                None => (list.end.byte - 1, quoted.join(", ")),
            };
            Ok(Edit {
                start: at,
                end: at,
                text,
            })
        }
        Kind::Seq(_, true) => refuse_at(
            doc,
            list.start.line,
            "redirect_uris is a flow list ([...]) over several lines; write it on one line or as a block list to change it",
        ),
        _ => refuse_at(
            doc,
            list.start.line,
            format!(
                "redirect_uris is {}, not a list; change it by hand",
                list.type_name()
            ),
        ),
    }
}

/// The edit that removes item `n` of the list `list`: its line (block), or its text and one
/// comma (a one-line flow list).
fn remove_list_item(doc: &Document, t: &Text<'_>, list: &Node, n: &Node) -> Result<Edit> {
    let Kind::Seq(items, flow) = &list.kind else {
        return refuse_at(doc, list.start.line, "redirect_uris is not a list");
    };
    let i = items
        .iter()
        .position(|x| std::ptr::eq(x, n))
        .unwrap_or_default();
    if !*flow {
        let Some(dash) = dash_before(t, n.start) else {
            return refuse_at(doc, n.start.line, "cannot find the item's dash");
        };
        if n.start.line != n.end.line
            || dash.line != n.start.line
            || !t.text[t.line_start(dash.line)..dash.byte]
                .chars()
                .all(|c| c == ' ')
        {
            return refuse_at(
                doc,
                n.start.line,
                "that redirect URI is not on a line of its own; change it by hand",
            );
        }
        let (start, end) = lines_range(t, dash.line, n.end.line, 0, At::Other);
        return Ok(Edit {
            start,
            end,
            text: String::new(),
        });
    }
    if list.start.line != list.end.line {
        return refuse_at(
            doc,
            list.start.line,
            "redirect_uris is a flow list ([...]) over several lines; write it on one line or as a block list to change it",
        );
    }
    let (start, end) = if i > 0 {
        (items[i - 1].end.byte, n.end.byte)
    } else {
        match items.get(1) {
            Some(next) => (n.start.byte, next.start.byte),
            None => (n.start.byte, n.end.byte),
        }
    };
    Ok(Edit {
        start,
        end,
        text: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";

    fn doc(text: &str) -> Document {
        Document::from_bytes("c.yml", text.as_bytes().to_vec())
    }

    fn two() -> String {
        format!(
            "identity_providers:\n  oidc:\n    claims_policies:\n      a:\n        id_token: ['email']\n      b:\n        id_token: ['groups']\n    clients:\n      # A\n      - client_id: a\n        client_secret: '{D}'\n        claims_policy: a\n        redirect_uris:\n          - https://a.example.com/cb\n        # end of a\n\n      # B\n      - client_id: b\n        client_secret: '{D}'\n        claims_policy: b\n        redirect_uris: [https://b.example.com/cb]\n\nserver: {{}}\n"
        )
    }

    #[test]
    fn remove_takes_the_item_its_comments_and_its_claims_policy() {
        let out = remove(&doc(&two()), "b").unwrap();
        let want = format!(
            "identity_providers:\n  oidc:\n    claims_policies:\n      a:\n        id_token: ['email']\n    clients:\n      # A\n      - client_id: a\n        client_secret: '{D}'\n        claims_policy: a\n        redirect_uris:\n          - https://a.example.com/cb\n        # end of a\n\nserver: {{}}\n"
        );
        assert_eq!(String::from_utf8(out.output.bytes).unwrap(), want);
        assert_eq!(out.orphans_removed, ["claims_policies.b"]);
        let out = remove(&doc(&two()), "a").unwrap();
        let got = String::from_utf8(out.output.bytes).unwrap();
        assert!(
            got.starts_with("identity_providers:\n  oidc:\n    claims_policies:\n      b:\n"),
            "{got}"
        );
        assert!(
            got.contains("    clients:\n      # B\n      - client_id: b\n"),
            "{got}"
        );
        assert!(!got.contains("end of a"), "{got}");
    }

    #[test]
    fn the_last_client_is_never_removed() {
        // identity_providers.go:61-62: an oidc section needs one or more clients.
        let text = format!(
            "identity_providers:\n  oidc:\n    clients:\n      - client_id: a\n        client_secret: '{D}'\n"
        );
        let e = remove(&doc(&text), "a").unwrap_err().to_string();
        assert!(e.contains("only one"), "{e}");
    }

    #[test]
    fn edit_sets_adds_and_removes_on_their_own_lines() {
        let req = EditRequest {
            policy: Some("one_factor".into()),
            consent: Some("pre-configured:1w".into()),
            add_redirect_uris: vec!["https://a.example.com/cb2".into()],
            ..Default::default()
        };
        let out = edit(&doc(&two()), "a", &req).unwrap();
        let got = String::from_utf8(out.output.bytes).unwrap();
        let want = two().replace(
            "          - https://a.example.com/cb\n",
            "          - https://a.example.com/cb\n          - 'https://a.example.com/cb2'\n        authorization_policy: 'one_factor'\n        consent_mode: 'pre-configured'\n        pre_configured_consent_duration: '1w'\n",
        );
        assert_eq!(got, want);
        let req = EditRequest {
            add_redirect_uris: vec!["https://b.example.com/cb2".into()],
            remove_redirect_uris: vec!["https://b.example.com/cb".into()],
            ..Default::default()
        };
        let out = edit(&doc(&two()), "b", &req).unwrap();
        let got = String::from_utf8(out.output.bytes).unwrap();
        assert_eq!(
            got,
            two().replace(
                "[https://b.example.com/cb]",
                "['https://b.example.com/cb2']"
            )
        );
    }
}
