//! The check before any write: parse the old and the new text with a second, independent YAML
//! parser and require that the new document means exactly the old one plus the intended change.

use serde::Deserialize;
use serde_json::Value as Json;
use serde_yaml::{Mapping, Value};

/// What happens to the clients list.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientChange {
    /// A new item at the end.
    Append(Json),
    /// Item `i` replaced.
    Replace(usize, Json),
    /// Item `i`'s secret key (`client_secret` or `secret`) set to a new value.
    SetSecret(usize, String, String),
}

/// The intended change of a merge.
#[derive(Debug, Clone, PartialEq)]
pub struct Intended {
    /// `oidc.hmac_secret` added.
    pub hmac_secret: Option<String>,
    /// `oidc.jwks` added.
    pub jwks: Option<Json>,
    /// `oidc.claims_policies.<name>` added.
    pub claims_policy: Option<(String, Json)>,
    /// The client.
    pub client: ClientChange,
}

/// Parses the first document of a (masked) text. An empty stream is null.
pub fn parse_first(text: &str) -> Result<Value, String> {
    match serde_yaml::Deserializer::from_str(text).next() {
        None => Ok(Value::Null),
        Some(de) => Value::deserialize(de).map_err(|e| e.to_string()),
    }
}

fn to_yaml(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => serde_yaml::to_value(n).unwrap_or(Value::Null),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(a) => Value::Sequence(a.iter().map(to_yaml).collect()),
        Json::Object(o) => Value::Mapping(
            o.iter()
                .map(|(k, v)| (Value::String(k.clone()), to_yaml(v)))
                .collect(),
        ),
    }
}

fn child<'v>(m: &'v mut Value, key: &str, what: &str) -> Result<&'v mut Value, String> {
    if m.is_null() {
        *m = Value::Mapping(Mapping::new());
    }
    let map = m
        .as_mapping_mut()
        .ok_or_else(|| format!("{what} is not a mapping"))?;
    let k = Value::String(key.to_string());
    if !map.contains_key(&k) {
        map.insert(k.clone(), Value::Null);
    }
    map.get_mut(&k)
        .ok_or_else(|| format!("{what}.{key} is missing"))
}

fn empty_to(v: &mut Value, empty: Value) {
    let is_empty = match v {
        Value::Null => true,
        Value::Sequence(s) => s.is_empty(),
        Value::Mapping(m) => m.is_empty(),
        _ => false,
    };
    if is_empty {
        *v = empty;
    }
}

/// The old document with the intended change applied.
pub fn expected(old: &Value, change: &Intended) -> Result<Value, String> {
    let mut doc = old.clone();
    let ip = child(&mut doc, "identity_providers", "the document")?;
    empty_to(ip, Value::Mapping(Mapping::new()));
    let oidc = child(ip, "oidc", "identity_providers")?;
    empty_to(oidc, Value::Mapping(Mapping::new()));
    if let Some(h) = &change.hmac_secret {
        *child(oidc, "hmac_secret", "oidc")? = Value::String(h.clone());
    }
    if let Some(j) = &change.jwks {
        *child(oidc, "jwks", "oidc")? = to_yaml(j);
    }
    if let Some((name, v)) = &change.claims_policy {
        let cps = child(oidc, "claims_policies", "oidc")?;
        empty_to(cps, Value::Mapping(Mapping::new()));
        *child(cps, name, "claims_policies")? = to_yaml(v);
    }
    let clients = child(oidc, "clients", "oidc")?;
    empty_to(clients, Value::Sequence(vec![]));
    let list = clients
        .as_sequence_mut()
        .ok_or_else(|| "clients is not a list".to_string())?;
    match &change.client {
        ClientChange::Append(c) => list.push(to_yaml(c)),
        ClientChange::Replace(i, c) => {
            *list.get_mut(*i).ok_or("no such client")? = to_yaml(c);
        }
        ClientChange::SetSecret(i, key, s) => {
            let item = list.get_mut(*i).ok_or("no such client")?;
            *child(item, key, "client")? = Value::String(s.clone());
        }
    }
    Ok(doc)
}

/// Checks `new` against `old` + `change`. The error says what differs, in one line.
pub fn check(old_masked: &str, new_masked: &str, change: &Intended) -> Result<(), String> {
    let old = parse_first(old_masked).map_err(|e| format!("the file is not valid YAML: {e}"))?;
    let new = parse_first(new_masked).map_err(|e| {
        format!("the merged text would not be valid YAML ({e}); nothing was written")
    })?;
    let want = expected(&old, change)?;
    if new == want {
        Ok(())
    } else {
        Err(format!(
            "the merged text would not read back as the old configuration plus the new client ({}); nothing was written",
            first_difference(&want, &new, "")
        ))
    }
}

fn first_difference(a: &Value, b: &Value, path: &str) -> String {
    let here = if path.is_empty() {
        "the document".to_string()
    } else {
        path.to_string()
    };
    match (a, b) {
        (Value::Mapping(x), Value::Mapping(y)) => {
            for (k, va) in x {
                let name = k
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("{k:?}"));
                let p = if path.is_empty() {
                    name
                } else {
                    format!("{path}.{name}")
                };
                match y.get(k) {
                    None => return format!("{p} would be lost"),
                    Some(vb) if vb != va => return first_difference(va, vb, &p),
                    _ => {}
                }
            }
            for k in y.keys() {
                if !x.contains_key(k) {
                    let name = k
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("{k:?}"));
                    return format!("{path}.{name} would appear");
                }
            }
            format!("{here} would change")
        }
        (Value::Sequence(x), Value::Sequence(y)) => {
            if x.len() != y.len() {
                return format!("{here} would have {} items instead of {}", y.len(), x.len());
            }
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if va != vb {
                    return first_difference(va, vb, &format!("{path}[{i}]"));
                }
            }
            format!("{here} would change")
        }
        _ => format!("{here} would change"),
    }
}
