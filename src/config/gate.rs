//! The check before any write: the new text is parsed again and must mean exactly the old
//! document plus the intended change (scalars, their plain-or-quoted reading, collections,
//! anchors and aliases; not layout). A second, independent parser (libyaml's, through
//! serde_yaml, whose reading Authelia's Go reader shares) must also accept each inserted block
//! on its own, and must read the whole new text as the whole old one plus exactly the change,
//! with YAML merge keys (`<<`) resolved: a key added beside a `<<` that brings in the same key
//! would silently replace what came through it.

use super::scan::{Kind, Node, Scan, TAG_NULL, TAG_STR, Text, scan, yaml_lines};
use crate::plan::Addition;
use saphyr_parser::ScalarStyle;
use serde::Deserialize;
use serde_json::Value as Json;
use serde_yaml::Value;
use std::borrow::Cow;

/// What happens to the clients list.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientChange {
    /// A new item at the end.
    Append(Json),
    /// Item `i` replaced.
    Replace(usize, Json),
    /// Item `i`'s secret key (`client_secret` or `secret`) set to a new value.
    SetSecret(usize, String, String),
    /// Item `index` removed, and with it the entries under `oidc` at `orphans` (each a path
    /// of keys, `["claims_policies", "app"]`, or a whole section, `["claims_policies"]`).
    Remove {
        /// The item.
        index: usize,
        /// The entries only it used.
        orphans: Vec<Vec<String>>,
    },
    /// Item `i`'s keys changed, one edit after the other.
    SetKeys(usize, Vec<KeyEdit>),
}

/// One change to a key of a client item.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyEdit {
    /// The key set to a value (added when missing).
    Set(String, Json),
    /// A string appended to the list under the key.
    Push(String, String),
    /// Item `n` of the list under the key removed.
    RemoveAt(String, usize),
}

/// The intended change of a merge.
#[derive(Debug, Clone, PartialEq)]
pub struct Intended {
    /// `oidc.hmac_secret` added.
    pub hmac_secret: Option<String>,
    /// `oidc.jwks` added.
    pub jwks: Option<Json>,
    /// The named entries added under `oidc` (a claims policy, a custom scope, a lifespan...),
    /// each at its section's path; sections that do not exist yet are created.
    pub additions: Vec<Addition>,
    /// The client.
    pub client: ClientChange,
}

/// Parses the first document of a (masked) text. An empty stream is null.
pub fn parse_first(text: &str) -> Result<Value, String> {
    let text = blank_null_tags(text);
    match serde_yaml::Deserializer::from_str(&text).next() {
        None => Ok(Value::Null),
        Some(de) => Value::deserialize(de).map_err(|e| e.to_string()),
    }
}

/// The text with each `!!null` tag of an empty value (`key: !!null`) replaced by as many
/// blanks. YAML, libyaml and Go's reader take such a value for null; serde_yaml refuses it
/// ("invalid value: string \"\", expected null"), and the blank value means the same. The
/// positional parser only says where those tags are; libyaml reads all the rest.
fn blank_null_tags(text: &str) -> Cow<'_, str> {
    if !text.contains("!!null") && !text.contains(TAG_NULL) {
        return Cow::Borrowed(text);
    }
    let t = Text::new(text);
    let Ok(Scan {
        root: Some(root), ..
    }) = scan(&t)
    else {
        return Cow::Borrowed(text);
    };
    let mut tags = Vec::new();
    empty_null_tags(&t, &root, &mut tags);
    if tags.is_empty() {
        return Cow::Borrowed(text);
    }
    let bom = text.len() - t.text.len();
    let mut b = text.as_bytes().to_vec();
    for (s, e) in tags {
        b[bom + s..bom + e].fill(b' ');
    }
    String::from_utf8(b).map_or(Cow::Borrowed(text), Cow::Owned)
}

/// The byte ranges of the `!!null` tags on empty scalars under `n`.
fn empty_null_tags(t: &Text<'_>, n: &Node, out: &mut Vec<(usize, usize)>) {
    match &n.kind {
        Kind::Scalar(v, ScalarStyle::Plain)
            if v.is_empty() && n.tag.as_deref() == Some(TAG_NULL) =>
        {
            let span = &t.text.as_bytes()[n.start.byte..n.end.byte.max(n.start.byte)];
            // Past an anchor (`&a !!null`): the tag is the run that starts at its `!`.
            if let Some(at) = span.iter().position(|&c| c == b'!') {
                let len = span[at..]
                    .iter()
                    .position(|c| c.is_ascii_whitespace())
                    .unwrap_or(span.len() - at);
                out.push((n.start.byte + at, n.start.byte + at + len));
            }
        }
        Kind::Seq(items, _) => items.iter().for_each(|i| empty_null_tags(t, i, out)),
        Kind::Map(entries, _) => entries.iter().for_each(|(k, v)| {
            empty_null_tags(t, k, out);
            empty_null_tags(t, v, out);
        }),
        _ => {}
    }
}

/// A document's meaning for comparison: scalars with whether they were plain (a plain `true`
/// is a boolean, a quoted one a string), collections, aliases by anchor id. Positions, quoting
/// style and layout do not count.
#[derive(Debug, Clone)]
enum Sem<'a> {
    Scalar(Cow<'a, str>, bool),
    Seq(Vec<Sem<'a>>),
    Map(Vec<(Sem<'a>, Sem<'a>)>),
    Alias(usize),
    Anchored(usize, Box<Sem<'a>>),
    Tagged(&'a str, Box<Sem<'a>>),
}

/// A node's meaning. The standard tags mean what they say and no more: `!!map` on a mapping and
/// `!!seq` on a sequence are the untagged node, `!!str` makes a scalar a string (as quoting
/// does), `!!null` on an empty value (or `~`, `null`) is null. Any other tag stays.
fn sem(n: &Node) -> Sem<'_> {
    let tag = n.tag.as_deref();
    let s = match &n.kind {
        Kind::Scalar(v, style) => {
            let plain = *style == ScalarStyle::Plain && tag != Some(TAG_STR);
            // Plain empty, `~` and `null` are all null.
            if plain && (v.is_empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") {
                Sem::Scalar(Cow::Borrowed(""), true)
            } else {
                Sem::Scalar(Cow::Borrowed(v.as_str()), plain)
            }
        }
        Kind::Seq(items, _) => Sem::Seq(items.iter().map(sem).collect()),
        Kind::Map(entries, _) => Sem::Map(entries.iter().map(|(k, v)| (sem(k), sem(v))).collect()),
        Kind::Alias(id) => Sem::Alias(*id),
    };
    let standard = n.plain_collection_tag()
        || tag == Some(TAG_STR) && matches!(n.kind, Kind::Scalar(..))
        || tag == Some(TAG_NULL) && n.is_null();
    let s = match tag {
        Some(t) if !standard => Sem::Tagged(t, Box::new(s)),
        _ => s,
    };
    if n.anchor != 0 {
        Sem::Anchored(n.anchor, Box::new(s))
    } else {
        s
    }
}

fn from_json(v: &Json) -> Sem<'static> {
    match v {
        Json::Null => Sem::Scalar(Cow::Borrowed(""), true),
        Json::Bool(b) => Sem::Scalar(Cow::Owned(b.to_string()), true),
        Json::Number(n) => Sem::Scalar(Cow::Owned(n.to_string()), true),
        Json::String(s) => Sem::Scalar(Cow::Owned(s.clone()), false),
        Json::Array(a) => Sem::Seq(a.iter().map(from_json).collect()),
        Json::Object(o) => Sem::Map(
            o.iter()
                .map(|(k, v)| (Sem::Scalar(Cow::Owned(k.clone()), true), from_json(v)))
                .collect(),
        ),
    }
}

fn key_is(k: &Sem<'_>, name: &str) -> bool {
    matches!(k, Sem::Scalar(s, _) if s == name)
}

fn is_null(v: &Sem<'_>) -> bool {
    matches!(v, Sem::Scalar(s, true) if s.is_empty())
}

/// The value under `key` of a mapping (null and empty collections become empty mappings or
/// sequences as `empty` says), created when missing.
fn child<'s, 'a>(
    mut m: &'s mut Sem<'a>,
    key: &str,
    what: &str,
    seq: bool,
) -> Result<&'s mut Sem<'a>, String> {
    if let Sem::Anchored(_, inner) = m {
        m = inner;
    }
    if is_null(m)
        || matches!(m, Sem::Map(e) if e.is_empty())
        || matches!(m, Sem::Seq(e) if e.is_empty())
    {
        *m = Sem::Map(Vec::new());
    }
    let Sem::Map(entries) = m else {
        return Err(format!("{what} is not a mapping"));
    };
    let i = match entries.iter().position(|(k, _)| key_is(k, key)) {
        Some(i) => i,
        None => {
            entries.push((
                Sem::Scalar(Cow::Owned(key.to_string()), true),
                Sem::Scalar(Cow::Borrowed(""), true),
            ));
            entries.len() - 1
        }
    };
    let mut v = &mut entries[i].1;
    if let Sem::Anchored(_, inner) = v {
        v = inner;
    }
    let empty = is_null(v)
        || matches!(v, Sem::Map(e) if e.is_empty())
        || matches!(v, Sem::Seq(e) if e.is_empty());
    if empty {
        *v = if seq {
            Sem::Seq(Vec::new())
        } else {
            Sem::Map(Vec::new())
        };
    }
    Ok(v)
}

fn set<'a>(mut m: &mut Sem<'a>, key: &str, value: Sem<'a>, what: &str) -> Result<(), String> {
    if let Sem::Anchored(_, inner) = m {
        m = inner;
    }
    let Sem::Map(entries) = m else {
        return Err(format!("{what} is not a mapping"));
    };
    match entries.iter_mut().find(|(k, _)| key_is(k, key)) {
        Some((_, v)) => *v = value,
        None => entries.push((Sem::Scalar(Cow::Owned(key.to_string()), true), value)),
    }
    Ok(())
}

/// The anchor ids on the path that the change goes through, for the alias check: those of
/// `identity_providers`, `oidc` and `clients`, and of the client item `item` when the change is
/// inside one (a replace or a rotate). Appending an item changes no existing item, so their
/// anchors (`- &c1`, used by a later `- <<: *c1`) do not count then.
fn path_anchors(doc: &Sem<'_>, item: Option<usize>, out: &mut Vec<usize>) {
    let mut node = doc;
    for key in ["identity_providers", "oidc", "clients"] {
        if let Sem::Anchored(id, inner) = node {
            out.push(*id);
            node = inner;
        }
        let Sem::Map(entries) = node else { return };
        match entries.iter().find(|(k, _)| key_is(k, key)) {
            Some((_, v)) => node = v,
            None => return,
        }
    }
    if let Sem::Anchored(id, inner) = node {
        out.push(*id);
        node = inner;
    }
    if let (Sem::Seq(items), Some(i)) = (node, item)
        && let Some(Sem::Anchored(id, _)) = items.get(i)
    {
        out.push(*id);
    }
}

fn uses_alias(s: &Sem<'_>, ids: &[usize]) -> bool {
    match s {
        Sem::Alias(id) => ids.contains(id),
        Sem::Anchored(_, inner) | Sem::Tagged(_, inner) => uses_alias(inner, ids),
        Sem::Seq(items) => items.iter().any(|i| uses_alias(i, ids)),
        Sem::Map(entries) => entries
            .iter()
            .any(|(k, v)| uses_alias(k, ids) || uses_alias(v, ids)),
        Sem::Scalar(..) => false,
    }
}

/// Adds the entry `a` to `base` (the document or `oidc`, named `what`) at its section's path;
/// sections that are missing are created, an entry that exists is an error.
fn add_entry_sem(base: &mut Sem<'_>, what: &str, a: &Addition) -> Result<(), String> {
    let mut sec = base;
    let mut what = what.to_string();
    for key in &a.section {
        sec = child(sec, key, &what, false)?;
        what = format!("{what}.{key}");
    }
    if let Sem::Map(entries) = &*sec
        && entries.iter().any(|(k, _)| key_is(k, &a.name))
    {
        return Err(format!("{what}.{} exists already", a.name));
    }
    set(sec, &a.name, from_json(&a.value), &what)
}

fn expected_sem<'a>(old: Option<&'a Node>, change: &Intended) -> Result<Sem<'a>, String> {
    let mut doc = old.map(sem).unwrap_or(Sem::Scalar(Cow::Borrowed(""), true));
    let mut anchors = Vec::new();
    let item = match &change.client {
        ClientChange::Append(_) => None,
        ClientChange::Replace(i, _)
        | ClientChange::SetSecret(i, ..)
        | ClientChange::SetKeys(i, _)
        | ClientChange::Remove { index: i, .. } => Some(*i),
    };
    path_anchors(&doc, item, &mut anchors);
    if !anchors.is_empty() && uses_alias(&doc, &anchors) {
        return Err(
            "the section being changed carries an anchor (&name) that an alias (*name) uses elsewhere, so the change would show up there too; merge by hand".into(),
        );
    }
    for a in change.additions.iter().filter(|a| a.top_level) {
        add_entry_sem(&mut doc, "the document", a)?;
    }
    let ip = child(&mut doc, "identity_providers", "the document", false)?;
    let oidc = child(ip, "oidc", "identity_providers", false)?;
    if let Some(h) = &change.hmac_secret {
        set(
            oidc,
            "hmac_secret",
            Sem::Scalar(Cow::Owned(h.clone()), false),
            "oidc",
        )?;
    }
    if let Some(j) = &change.jwks {
        set(oidc, "jwks", from_json(j), "oidc")?;
    }
    for a in change.additions.iter().filter(|a| !a.top_level) {
        add_entry_sem(oidc, "oidc", a)?;
    }
    if let ClientChange::Remove { orphans, .. } = &change.client {
        for p in orphans {
            remove_sem(oidc, p)?;
        }
    }
    let clients = child(oidc, "clients", "oidc", true)?;
    let Sem::Seq(list) = clients else {
        return Err("clients is not a list".into());
    };
    match &change.client {
        ClientChange::Append(c) => list.push(from_json(c)),
        ClientChange::Replace(i, c) => *list.get_mut(*i).ok_or("no such client")? = from_json(c),
        ClientChange::SetSecret(i, key, s) => {
            let item = list.get_mut(*i).ok_or("no such client")?;
            set(
                item,
                key,
                Sem::Scalar(Cow::Owned(s.clone()), false),
                "client",
            )?;
        }
        ClientChange::Remove { index, .. } => {
            if *index >= list.len() {
                return Err("no such client".into());
            }
            list.remove(*index);
        }
        ClientChange::SetKeys(i, edits) => {
            let item = list.get_mut(*i).ok_or("no such client")?;
            for e in edits {
                key_edit_sem(item, e)?;
            }
        }
    }
    Ok(doc)
}

/// Removes the key at `path` (keys under `m`).
fn remove_sem(mut m: &mut Sem<'_>, path: &[String]) -> Result<(), String> {
    let Some((last, init)) = path.split_last() else {
        return Err("an empty path".into());
    };
    for key in init {
        if let Sem::Anchored(_, inner) = m {
            m = inner;
        }
        let Sem::Map(entries) = m else {
            return Err(format!("{key}: not a mapping"));
        };
        m = entries
            .iter_mut()
            .find(|(k, _)| key_is(k, key))
            .map(|(_, v)| v)
            .ok_or_else(|| format!("no {key}"))?;
    }
    if let Sem::Anchored(_, inner) = m {
        m = inner;
    }
    let Sem::Map(entries) = m else {
        return Err(format!("{}: not a mapping", init.join(".")));
    };
    let at = entries
        .iter()
        .position(|(k, _)| key_is(k, last))
        .ok_or_else(|| format!("no {}", path.join(".")))?;
    entries.remove(at);
    Ok(())
}

/// The list under `key` of a client item.
fn list_sem<'s, 'a>(mut item: &'s mut Sem<'a>, key: &str) -> Result<&'s mut Vec<Sem<'a>>, String> {
    if let Sem::Anchored(_, inner) = item {
        item = inner;
    }
    let Sem::Map(entries) = item else {
        return Err("the client is not a mapping".into());
    };
    if !entries.iter().any(|(k, _)| key_is(k, key)) {
        entries.push((
            Sem::Scalar(Cow::Owned(key.to_string()), true),
            Sem::Seq(Vec::new()),
        ));
    }
    let mut v = entries
        .iter_mut()
        .find(|(k, _)| key_is(k, key))
        .map(|(_, v)| v)
        .ok_or("lost key")?;
    if let Sem::Anchored(_, inner) = v {
        v = inner;
    }
    match v {
        Sem::Seq(items) => Ok(items),
        _ => Err(format!("client.{key} is not a list")),
    }
}

fn key_edit_sem(item: &mut Sem<'_>, e: &KeyEdit) -> Result<(), String> {
    match e {
        KeyEdit::Set(key, v) => set(item, key, from_json(v), "client"),
        KeyEdit::Push(key, s) => {
            list_sem(item, key)?.push(Sem::Scalar(Cow::Owned(s.clone()), false));
            Ok(())
        }
        KeyEdit::RemoveAt(key, n) => {
            let list = list_sem(item, key)?;
            if *n >= list.len() {
                return Err(format!("client.{key} has no item {n}"));
            }
            list.remove(*n);
            Ok(())
        }
    }
}

/// Compares two meanings; mappings compare as mappings (key order does not count). Returns
/// where they first differ.
fn diff(a: &Sem<'_>, b: &Sem<'_>, path: &str) -> Option<String> {
    let here = || {
        if path.is_empty() {
            "the document".to_string()
        } else {
            path.to_string()
        }
    };
    match (a, b) {
        (Sem::Scalar(x, px), Sem::Scalar(y, py)) => {
            (x != y || px != py).then(|| format!("{} would change", here()))
        }
        (Sem::Alias(x), Sem::Alias(y)) => (x != y).then(|| format!("{} would change", here())),
        (Sem::Anchored(x, a), Sem::Anchored(y, b)) => {
            if x != y {
                Some(format!("{} would change", here()))
            } else {
                diff(a, b, path)
            }
        }
        (Sem::Tagged(x, a), Sem::Tagged(y, b)) => {
            if x != y {
                Some(format!("{} would change", here()))
            } else {
                diff(a, b, path)
            }
        }
        (Sem::Seq(x), Sem::Seq(y)) => {
            if x.len() != y.len() {
                return Some(format!(
                    "{} would have {} items instead of {}",
                    here(),
                    y.len(),
                    x.len()
                ));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| diff(p, q, &format!("{path}[{i}]")))
        }
        (Sem::Map(x), Sem::Map(y)) => {
            if x.len() != y.len() {
                return Some(format!(
                    "{} would have {} keys instead of {}",
                    here(),
                    y.len(),
                    x.len()
                ));
            }
            let name = |k: &Sem<'_>| match k {
                Sem::Scalar(s, _) => s.to_string(),
                other => format!("{other:?}"),
            };
            for (i, (k, v)) in x.iter().enumerate() {
                let p = if path.is_empty() {
                    name(k)
                } else {
                    format!("{path}.{}", name(k))
                };
                // The same position first (the usual case), else search.
                let other = match y.get(i) {
                    Some((k2, v2)) if diff(k, k2, "").is_none() => Some(v2),
                    _ => y
                        .iter()
                        .find(|(k2, _)| diff(k, k2, "").is_none())
                        .map(|(_, v2)| v2),
                };
                match other {
                    None => return Some(format!("{p} would be lost")),
                    Some(v2) => {
                        if let Some(d) = diff(v, v2, &p) {
                            return Some(d);
                        }
                    }
                }
            }
            None
        }
        _ => Some(format!("{} would change type", here())),
    }
}

/// Checks the new document against the old one plus the change. `old` and `new` are the
/// positional parses of the old and new texts; each `inserted` block of lines is also read on
/// its own by a second, independent parser (libyaml's), which must accept it.
pub fn check(
    old: Option<&Node>,
    new: Option<&Node>,
    inserted: &[&str],
    change: &Intended,
) -> Result<(), String> {
    let want = expected_sem(old, change)?;
    let got = new.map(sem).unwrap_or(Sem::Scalar(Cow::Borrowed(""), true));
    if let Some(d) = diff(&want, &got, "") {
        return Err(format!(
            "the merged text would not read back as the old configuration plus the new client ({d}); nothing was written"
        ));
    }
    for block in inserted {
        if let Err(e) = validates(&dedent(block)) {
            return Err(format!(
                "the inserted text would not be valid YAML for libyaml ({e}); nothing was written"
            ));
        }
    }
    Ok(())
}

/// Reads a (masked) text's first document the way libyaml-based readers (and Authelia's) do:
/// aliases expanded, merge keys (`<<`) resolved.
fn read_resolved(text: &str) -> Result<Value, String> {
    let mut v = parse_first(text)?;
    v.apply_merge().map_err(|e| e.to_string())?;
    Ok(v)
}

/// The second reader's check of the whole result: libyaml reads the old text and the new one,
/// and the new must equal the old plus exactly `change`. Catches what the positional parser
/// reads alike in both versions but libyaml does not (a block scalar gaining a final newline,
/// a key shadowing one that came through a merge key).
pub fn check_whole(old_text: &str, new_text: &str, change: &Intended) -> Result<(), String> {
    let old = read_resolved(old_text).map_err(|e| {
        format!("libyaml cannot read the configuration ({e}); fix it first, nothing was written")
    })?;
    let new = read_resolved(new_text).map_err(|e| {
        format!("the merged text would not be valid YAML for libyaml ({e}); nothing was written")
    })?;
    let want = expected_value(old, change)?;
    if let Some(d) = value_diff(&want, &new, "") {
        return Err(format!(
            "the merged text would not read back (for libyaml) as the old configuration plus the new client ({d}); nothing was written"
        ));
    }
    Ok(())
}

fn to_value(j: &Json) -> Result<Value, String> {
    serde_yaml::to_value(j).map_err(|e| e.to_string())
}

/// The mapping under `key` of `m`, created (or filled, when null or empty) when missing.
fn value_child<'v>(m: &'v mut Value, key: &str, what: &str) -> Result<&'v mut Value, String> {
    let empty = |v: &Value| {
        v.is_null()
            || matches!(v, Value::Mapping(x) if x.is_empty())
            || matches!(v, Value::Sequence(x) if x.is_empty())
    };
    if empty(m) {
        *m = Value::Mapping(serde_yaml::Mapping::new());
    }
    let Value::Mapping(map) = m else {
        return Err(format!("{what} is not a mapping"));
    };
    let k = Value::String(key.to_string());
    if !map.contains_key(&k) {
        map.insert(k.clone(), Value::Null);
    }
    let v = map.get_mut(&k).ok_or("lost key")?;
    if empty(v) {
        *v = Value::Mapping(serde_yaml::Mapping::new());
    }
    Ok(v)
}

/// Adds `key: value` to the mapping `m`; the key must not be there yet (once merge keys are
/// resolved, a key that came through `<<` counts: adding it would replace that value).
fn value_add(m: &mut Value, key: &str, value: Value, what: &str) -> Result<(), String> {
    let Value::Mapping(map) = m else {
        return Err(format!("{what} is not a mapping"));
    };
    let k = Value::String(key.to_string());
    if map.contains_key(&k) {
        return Err(format!(
            "{what}.{key} is there already (through a YAML merge key (<<) or an alias); adding it would replace that value; merge by hand; nothing was written"
        ));
    }
    map.insert(k, value);
    Ok(())
}

/// Adds the entry `a` to `base` (the document or `oidc`, named `what`) at its section's path.
fn add_entry_value(base: &mut Value, what: &str, a: &Addition) -> Result<(), String> {
    let mut sec = base;
    let mut w = what.to_string();
    for key in &a.section {
        sec = value_child(sec, key, &w)?;
        w = format!("{w}.{key}");
    }
    value_add(sec, &a.name, to_value(&a.value)?, &w)
}

fn expected_value(mut doc: Value, change: &Intended) -> Result<Value, String> {
    for a in change.additions.iter().filter(|a| a.top_level) {
        add_entry_value(&mut doc, "the document", a)?;
    }
    let ip = value_child(&mut doc, "identity_providers", "the document")?;
    let oidc = value_child(ip, "oidc", "identity_providers")?;
    let what = "identity_providers.oidc";
    if let Some(h) = &change.hmac_secret {
        value_add(oidc, "hmac_secret", Value::String(h.clone()), what)?;
    }
    if let Some(j) = &change.jwks {
        value_add(oidc, "jwks", to_value(j)?, what)?;
    }
    for a in change.additions.iter().filter(|a| !a.top_level) {
        add_entry_value(oidc, what, a)?;
    }
    if let ClientChange::Remove { orphans, .. } = &change.client {
        for p in orphans {
            remove_value(oidc, p)?;
        }
    }
    let Value::Mapping(map) = oidc else {
        return Err(format!("{what} is not a mapping"));
    };
    let ck = Value::String("clients".into());
    let clients = map.entry(ck).or_insert(Value::Null);
    if clients.is_null() || matches!(clients, Value::Mapping(x) if x.is_empty()) {
        *clients = Value::Sequence(Vec::new());
    }
    let Value::Sequence(list) = clients else {
        return Err(format!("{what}.clients is not a list"));
    };
    match &change.client {
        ClientChange::Append(c) => list.push(to_value(c)?),
        ClientChange::Replace(i, c) => *list.get_mut(*i).ok_or("no such client")? = to_value(c)?,
        ClientChange::SetSecret(i, key, s) => {
            let item = list.get_mut(*i).ok_or("no such client")?;
            let Value::Mapping(item) = item else {
                return Err("the client is not a mapping".into());
            };
            item.insert(Value::String(key.clone()), Value::String(s.clone()));
        }
        ClientChange::Remove { index, .. } => {
            if *index >= list.len() {
                return Err("no such client".into());
            }
            list.remove(*index);
        }
        ClientChange::SetKeys(i, edits) => {
            let item = list.get_mut(*i).ok_or("no such client")?;
            let Value::Mapping(item) = item else {
                return Err("the client is not a mapping".into());
            };
            for e in edits {
                key_edit_value(item, e)?;
            }
        }
    }
    Ok(doc)
}

/// Removes the key at `path` (keys under `m`) of a libyaml reading.
fn remove_value(mut m: &mut Value, path: &[String]) -> Result<(), String> {
    let Some((last, init)) = path.split_last() else {
        return Err("an empty path".into());
    };
    for key in init {
        m = m.get_mut(key.as_str()).ok_or_else(|| format!("no {key}"))?;
    }
    let Value::Mapping(map) = m else {
        return Err(format!("{}: not a mapping", init.join(".")));
    };
    map.remove(last.as_str())
        .map(|_| ())
        .ok_or_else(|| format!("no {}", path.join(".")))
}

/// Applies one key edit to a client item as libyaml reads it (also what `edit` validates).
pub(crate) fn key_edit_value(item: &mut serde_yaml::Mapping, e: &KeyEdit) -> Result<(), String> {
    match e {
        KeyEdit::Set(key, v) => {
            item.insert(Value::String(key.clone()), to_value(v)?);
        }
        KeyEdit::Push(key, s) => match item
            .entry(Value::String(key.clone()))
            .or_insert_with(|| Value::Sequence(Vec::new()))
        {
            Value::Sequence(l) => l.push(Value::String(s.clone())),
            _ => return Err(format!("client.{key} is not a list")),
        },
        KeyEdit::RemoveAt(key, n) => match item.get_mut(key.as_str()) {
            Some(Value::Sequence(l)) if *n < l.len() => {
                l.remove(*n);
            }
            _ => return Err(format!("client.{key} has no item {n}")),
        },
    }
    Ok(())
}

/// Where two libyaml readings first differ (mappings compare as mappings).
fn value_diff(a: &Value, b: &Value, path: &str) -> Option<String> {
    let here = || {
        if path.is_empty() {
            "the document".to_string()
        } else {
            path.to_string()
        }
    };
    match (a, b) {
        (Value::Sequence(x), Value::Sequence(y)) => {
            if x.len() != y.len() {
                return Some(format!(
                    "{} would have {} items instead of {}",
                    here(),
                    y.len(),
                    x.len()
                ));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (p, q))| value_diff(p, q, &format!("{path}[{i}]")))
        }
        (Value::Mapping(x), Value::Mapping(y)) => {
            if x.len() != y.len() {
                return Some(format!(
                    "{} would have {} keys instead of {}",
                    here(),
                    y.len(),
                    x.len()
                ));
            }
            for (k, v) in x {
                let name = match k {
                    Value::String(s) => s.clone(),
                    other => format!("{other:?}"),
                };
                let p = if path.is_empty() {
                    name
                } else {
                    format!("{path}.{name}")
                };
                match y.get(k) {
                    None => return Some(format!("{p} would be lost")),
                    Some(v2) => {
                        if let Some(d) = value_diff(v, v2, &p) {
                            return Some(d);
                        }
                    }
                }
            }
            None
        }
        (Value::Tagged(x), Value::Tagged(y)) => {
            if x.tag != y.tag {
                Some(format!("{} would change", here()))
            } else {
                value_diff(&x.value, &y.value, path)
            }
        }
        _ => (a != b).then(|| format!("{} would change", here())),
    }
}

/// A block of inserted lines moved left to column 0, so it parses on its own.
fn dedent(block: &str) -> String {
    let min = yaml_lines(block)
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    yaml_lines(block)
        .map(|l| l.get(min..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether libyaml (through serde_yaml) reads the text's first document.
fn validates(text: &str) -> Result<(), String> {
    match serde_yaml::Deserializer::from_str(text).next() {
        None => Ok(()),
        Some(de) => serde::de::IgnoredAny::deserialize(de)
            .map(|_| ())
            .map_err(|e| e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn root(text: &str) -> Option<Node> {
        scan(&Text::new(text)).unwrap().root
    }

    fn run(old: &str, new: &str, change: &Intended) -> Result<(), String> {
        check(root(old).as_ref(), root(new).as_ref(), &[], change)
    }

    #[test]
    fn inserted_blocks_are_read_by_libyaml_too() {
        let new = format!("{OLD}      - client_id: 'new'\n        public: true\n");
        let good = "      - client_id: 'new'\n        public: true\n";
        let o = root(OLD);
        let n = root(&new);
        assert_eq!(check(o.as_ref(), n.as_ref(), &[good], &append()), Ok(()));
        let bad = "      - client_id: 'new\n";
        assert!(
            check(o.as_ref(), n.as_ref(), &[bad], &append())
                .unwrap_err()
                .contains("libyaml")
        );
    }

    fn append() -> Intended {
        Intended {
            hmac_secret: None,
            jwks: None,
            additions: vec![],
            client: ClientChange::Append(json!({"client_id": "new", "public": true})),
        }
    }

    const OLD: &str = "a: 1\nidentity_providers:\n  oidc:\n    clients:\n      - client_id: x\n";

    #[test]
    fn the_intended_change_passes() {
        let new = format!("{OLD}      - client_id: 'new'\n        public: true\n");
        assert_eq!(run(OLD, &new, &append()), Ok(()));
    }

    #[test]
    fn a_misplaced_insertion_is_caught() {
        // Indented one level too deep: the keys land inside client x.
        let new = format!("{OLD}        client_id2: 'new'\n");
        let e = run(OLD, &new, &append()).unwrap_err();
        assert!(e.contains("nothing was written"), "{e}");
        // Quoted where a boolean was meant.
        let new = format!("{OLD}      - client_id: 'new'\n        public: 'true'\n");
        assert!(run(OLD, &new, &append()).unwrap_err().contains("public"));
    }

    #[test]
    fn item_anchors_count_only_for_a_change_inside_the_item() {
        let old = "identity_providers:\n  oidc:\n    clients:\n      - &c1\n        client_id: x\n      - <<: *c1\n        client_id: y\n";
        let new = format!("{old}      - client_id: 'new'\n        public: true\n");
        assert_eq!(run(old, &new, &append()), Ok(()));
        let mut change = append();
        change.client = ClientChange::SetSecret(0, "client_secret".into(), "s".into());
        let e = run(old, &new, &change).unwrap_err();
        assert!(e.contains("anchor"), "{e}");
    }

    #[test]
    fn any_other_change_is_caught() {
        let new = format!(
            "{}      - client_id: 'new'\n        public: true\n",
            OLD.replace("a: 1", "a: 2")
        );
        let e = run(OLD, &new, &append()).unwrap_err();
        assert!(e.contains("(a would change)"), "{e}");
        let new = format!(
            "{}      - client_id: 'new'\n        public: true\n",
            OLD.replace("a: 1\n", "")
        );
        assert!(run(OLD, &new, &append()).is_err());
    }

    #[test]
    fn first_time_keys_and_claims_policy_are_expected() {
        let change = Intended {
            hmac_secret: Some("h".into()),
            jwks: Some(json!([{"key": "k"}])),
            additions: vec![add(
                &["claims_policies"],
                "p",
                json!({"id_token": ["email"]}),
            )],
            client: ClientChange::Append(json!({"client_id": "new"})),
        };
        let new = "a: 1\nidentity_providers:\n  oidc:\n    hmac_secret: 'h'\n    jwks:\n      - key: 'k'\n    claims_policies:\n      p:\n        id_token: ['email']\n    clients:\n      - client_id: x\n      - client_id: 'new'\n";
        assert_eq!(run(OLD, new, &change), Ok(()));
        let missing = new.replace("    hmac_secret: 'h'\n", "");
        assert!(run(OLD, &missing, &change).is_err());
    }

    fn add(section: &[&str], name: &str, value: Json) -> Addition {
        Addition {
            top_level: false,
            section: section.iter().map(|s| s.to_string()).collect(),
            name: name.into(),
            value,
        }
    }

    #[test]
    fn every_addition_and_no_other_is_expected() {
        let change = Intended {
            hmac_secret: None,
            jwks: None,
            additions: vec![
                add(&["claims_policies"], "new", json!({"id_token": ["email"]})),
                add(&["scopes"], "s", json!({"claims": ["c"]})),
                add(&["lifespans", "custom"], "l", json!({"access_token": "2h"})),
            ],
            client: ClientChange::Append(json!({"client_id": "new"})),
        };
        let new = "a: 1\nidentity_providers:\n  oidc:\n    claims_policies:\n      new:\n        id_token: ['email']\n    scopes:\n      s:\n        claims: ['c']\n    lifespans:\n      custom:\n        l:\n          access_token: '2h'\n    clients:\n      - client_id: x\n      - client_id: 'new'\n";
        assert_eq!(run(OLD, new, &change), Ok(()));
        // An addition missing from the text.
        let missing = new.replace("    scopes:\n      s:\n        claims: ['c']\n", "");
        let e = run(OLD, &missing, &change).unwrap_err();
        assert!(e.contains("nothing was written"), "{e}");
        let missing = new.replace("        l:\n          access_token: '2h'\n", "");
        assert!(run(OLD, &missing, &change).is_err());
        // An entry the change does not announce.
        let extra = new.replace("      s:\n", "      t:\n        claims: ['c']\n      s:\n");
        let e = run(OLD, &extra, &change).unwrap_err();
        assert!(e.contains("scopes"), "{e}");
        // An addition the text has but the change leaves out.
        let mut fewer = change.clone();
        fewer.additions.pop();
        assert!(run(OLD, new, &fewer).is_err());
        // A value other than the intended one.
        let wrong = new.replace("access_token: '2h'", "access_token: '3h'");
        assert!(
            run(OLD, &wrong, &change)
                .unwrap_err()
                .contains("access_token")
        );
    }

    #[test]
    fn a_top_level_addition_is_expected_at_the_root() {
        let mut a = add(
            &["definitions", "user_attributes"],
            "r",
            json!({"expression": "x"}),
        );
        a.top_level = true;
        let change = Intended {
            hmac_secret: None,
            jwks: None,
            additions: vec![a],
            client: ClientChange::Append(json!({"client_id": "new"})),
        };
        let defs = "definitions:\n  user_attributes:\n    r:\n      expression: 'x'\n";
        let new = format!("{defs}{OLD}      - client_id: 'new'\n");
        assert_eq!(run(OLD, &new, &change), Ok(()));
        assert_eq!(check_whole(OLD, &new, &change), Ok(()));
        // Under oidc instead of at the top: refused by both readers.
        let misplaced = format!(
            "{OLD}      - client_id: 'new'\n    definitions:\n      user_attributes:\n        r:\n          expression: 'x'\n"
        );
        assert!(run(OLD, &misplaced, &change).is_err());
        assert!(check_whole(OLD, &misplaced, &change).is_err());
        // Missing, or with another expression.
        let missing = format!("{OLD}      - client_id: 'new'\n");
        assert!(run(OLD, &missing, &change).is_err());
        let other = new.replace("'x'", "'y'");
        assert!(check_whole(OLD, &other, &change).is_err());
    }

    #[test]
    fn an_addition_over_an_existing_entry_is_refused() {
        let old = "identity_providers:\n  oidc:\n    scopes:\n      s:\n        claims: ['c']\n    clients:\n      - client_id: x\n";
        let change = Intended {
            hmac_secret: None,
            jwks: None,
            additions: vec![add(&["scopes"], "s", json!({"claims": ["c"]}))],
            client: ClientChange::Append(json!({"client_id": "new"})),
        };
        let new = format!("{old}      - client_id: 'new'\n");
        assert!(
            run(old, &new, &change)
                .unwrap_err()
                .contains("exists already")
        );
    }

    #[test]
    fn libyaml_reads_the_whole_result_as_old_plus_the_change() {
        let new = format!("{OLD}      - client_id: 'new'\n        public: true\n");
        assert_eq!(check_whole(OLD, &new, &append()), Ok(()));
        // The positional parser reads a clip block scalar at the end of the file the same
        // with or without its final newline; libyaml does not ("hunter2" vs "hunter2\n").
        let old = "note: |\n  hunter2";
        let new = "note: |\n  hunter2\nidentity_providers:\n  oidc:\n    clients:\n      - client_id: 'new'\n        public: true\n";
        assert_eq!(run(old, new, &append()), Ok(()));
        let e = check_whole(old, new, &append()).unwrap_err();
        assert!(e.contains("note would change"), "{e}");
    }

    #[test]
    fn standard_tags_mean_the_plain_node() {
        let old = "identity_providers: !!map\n  oidc: !!map\n    clients: !!seq\n      - client_id: !!str x\n";
        let new = format!("{old}      - client_id: 'new'\n        public: true\n");
        assert_eq!(run(old, &new, &append()), Ok(()));
        assert_eq!(check_whole(old, &new, &append()), Ok(()));
        // `!!str` is a string like a quoted scalar: `!!str true` is not the boolean.
        let new = new.replace("public: true", "public: !!str true");
        assert!(run(old, &new, &append()).unwrap_err().contains("public"));
        // Another tag stays part of the meaning.
        let odd = root("identity_providers:\n  oidc: !custom\n    clients: []\n");
        let e = expected_sem(odd.as_ref(), &append()).unwrap_err();
        assert!(e.contains("oidc is not a mapping"), "{e}");
    }

    #[test]
    fn an_empty_null_tag_reads_as_null_for_libyaml() {
        assert_eq!(
            parse_first("a: !!null\nb: &n !!null # c\nc: !!null ~\nd: '!!null'\n").unwrap(),
            parse_first("a:\nb: &n # c\nc: ~\nd: '!!null'\n").unwrap()
        );
        let old = "log: {}\nidentity_providers:\n  oidc:\n    clients: !!null\n";
        let new = "log: {}\nidentity_providers:\n  oidc:\n    clients:\n      - client_id: 'new'\n        public: true\n";
        assert_eq!(check_whole(old, new, &append()), Ok(()));
    }

    fn change(client: ClientChange) -> Intended {
        Intended {
            hmac_secret: None,
            jwks: None,
            additions: vec![],
            client,
        }
    }

    const THREE: &str = "identity_providers:\n  oidc:\n    claims_policies:\n      p:\n        id_token: ['email']\n      q:\n        id_token: ['groups']\n    clients:\n      - client_id: a\n      - client_id: b\n        claims_policy: p\n      - client_id: c\n";

    #[test]
    fn a_removal_must_take_exactly_the_item_and_its_orphans() {
        let want = change(ClientChange::Remove {
            index: 1,
            orphans: vec![vec!["claims_policies".into(), "p".into()]],
        });
        let good = THREE
            .replace("      - client_id: b\n        claims_policy: p\n", "")
            .replace("      p:\n        id_token: ['email']\n", "");
        assert_eq!(run(THREE, &good, &want), Ok(()));
        assert_eq!(check_whole(THREE, &good, &want), Ok(()));
        // Another item removed instead, or the orphan kept, or another entry gone too.
        let wrong_item = THREE
            .replace("      - client_id: c\n", "")
            .replace("      p:\n        id_token: ['email']\n", "");
        assert!(run(THREE, &wrong_item, &want).is_err());
        assert!(check_whole(THREE, &wrong_item, &want).is_err());
        let kept = THREE.replace("      - client_id: b\n        claims_policy: p\n", "");
        assert!(run(THREE, &kept, &want).is_err());
        assert!(check_whole(THREE, &kept, &want).is_err());
        let more = good.replace("      q:\n        id_token: ['groups']\n", "      q: {}\n");
        assert!(run(THREE, &more, &want).is_err());
        assert!(check_whole(THREE, &more, &want).is_err());
        // A whole section as the orphan.
        let whole = change(ClientChange::Remove {
            index: 1,
            orphans: vec![vec!["claims_policies".into()]],
        });
        let no_section = "identity_providers:\n  oidc:\n    clients:\n      - client_id: a\n      - client_id: c\n";
        assert_eq!(run(THREE, no_section, &whole), Ok(()));
        assert_eq!(check_whole(THREE, no_section, &whole), Ok(()));
    }

    #[test]
    fn key_edits_must_be_exactly_the_ones_intended() {
        let want = change(ClientChange::SetKeys(
            0,
            vec![
                KeyEdit::Set("consent_mode".into(), json!("implicit")),
                KeyEdit::Push("redirect_uris".into(), "https://n/cb".into()),
                KeyEdit::RemoveAt("redirect_uris".into(), 0),
            ],
        ));
        let old = "identity_providers:\n  oidc:\n    clients:\n      - client_id: a\n        redirect_uris:\n          - https://o/cb\n";
        let good = "identity_providers:\n  oidc:\n    clients:\n      - client_id: a\n        redirect_uris:\n          - 'https://n/cb'\n        consent_mode: 'implicit'\n";
        assert_eq!(run(old, good, &want), Ok(()));
        assert_eq!(check_whole(old, good, &want), Ok(()));
        // The old URI kept, another value, a plain `true` where a string was meant.
        let kept = good.replace(
            "          - 'https://n/cb'\n",
            "          - https://o/cb\n          - 'https://n/cb'\n",
        );
        assert!(run(old, &kept, &want).is_err());
        assert!(check_whole(old, &kept, &want).is_err());
        let other = good.replace("'implicit'", "'explicit'");
        assert!(run(old, &other, &want).is_err());
        assert!(check_whole(old, &other, &want).is_err());
        let typed = change(ClientChange::SetKeys(
            0,
            vec![KeyEdit::Set("public".into(), json!("true"))],
        ));
        let plain = old.replace(
            "      - client_id: a\n",
            "      - client_id: a\n        public: true\n",
        );
        assert!(run(old, &plain, &typed).is_err());
    }

    #[test]
    fn libyaml_resolves_merge_keys() {
        // The HMAC secret comes through `<<`: one written beside it would replace it.
        let old = "identity_providers:\n  oidc:\n    <<: {hmac_secret: a}\n    clients:\n      - client_id: x\n";
        let new = "identity_providers:\n  oidc:\n    hmac_secret: 'h'\n    <<: {hmac_secret: a}\n    clients:\n      - client_id: x\n      - client_id: 'new'\n        public: true\n";
        let mut change = append();
        change.hmac_secret = Some("h".into());
        let e = check_whole(old, new, &change).unwrap_err();
        assert!(e.contains("hmac_secret is there already"), "{e}");
        // The clients come through `<<`: a `clients:` written beside it drops them.
        let old = "identity_providers:\n  oidc:\n    <<: {clients: [{client_id: x}]}\n";
        let new = "identity_providers:\n  oidc:\n    <<: {clients: [{client_id: x}]}\n    clients:\n      - client_id: 'new'\n        public: true\n";
        let e = check_whole(old, new, &append()).unwrap_err();
        assert!(e.contains("clients would have 1 items instead of 2"), "{e}");
    }
}
