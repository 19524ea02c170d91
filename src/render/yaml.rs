//! A small YAML writer in the style of Authelia's documentation: strings single-quoted, block
//! sequences, keys in the order given. It writes only what this program generates (mappings,
//! sequences, strings, booleans, numbers), so it never needs a general serializer.

use serde_json::{Map, Value};

/// Layout of generated lines, so inserted text can follow the style of the file it goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Spaces per nesting level.
    pub indent: usize,
    /// Whether a sequence's dashes sit indented under their key (`key:\n  - a`) or flush
    /// (`key:\n- a`).
    pub seq_indent: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            indent: 2,
            seq_indent: true,
        }
    }
}

/// Quotes a string the way Authelia's docs do: single quotes, an inner `'` doubled.
pub fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn scalar(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            if s.contains('\n') {
                return None;
            }
            quote(s)
        }
        Value::Array(a) if a.is_empty() => "[]".into(),
        Value::Object(o) if o.is_empty() => "{}".into(),
        _ => return None,
    })
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

/// Writes `map` with its keys at column `col`. When `first` is given, it replaces the indentation
/// of the first line (used for `- ` list items).
pub fn write_map(
    out: &mut Vec<String>,
    map: &Map<String, Value>,
    col: usize,
    style: Style,
    first: Option<String>,
) {
    let mut first = first;
    for (k, v) in map {
        let lead = first.take().unwrap_or_else(|| pad(col));
        write_entry(out, &lead, k, v, col, style);
    }
}

fn write_entry(out: &mut Vec<String>, lead: &str, k: &str, v: &Value, col: usize, style: Style) {
    if let Some(s) = scalar(v) {
        out.push(format!("{lead}{k}: {s}"));
        return;
    }
    match v {
        Value::String(s) => {
            // A multi-line string (a PEM key): literal block scalar.
            out.push(format!("{lead}{k}: |"));
            for line in s.trim_end_matches('\n').lines() {
                out.push(format!("{}{line}", pad(col + style.indent)));
            }
        }
        Value::Array(items) => {
            out.push(format!("{lead}{k}:"));
            let item_col = if style.seq_indent {
                col + style.indent
            } else {
                col
            };
            for item in items {
                write_item(out, item, item_col, style);
            }
        }
        Value::Object(m) => {
            out.push(format!("{lead}{k}:"));
            write_map(out, m, col + style.indent, style, None);
        }
        _ => unreachable!("scalars handled above"),
    }
}

/// Writes one sequence item whose dash sits at column `col`.
pub fn write_item(out: &mut Vec<String>, v: &Value, col: usize, style: Style) {
    if let Some(s) = scalar(v) {
        out.push(format!("{}- {s}", pad(col)));
        return;
    }
    match v {
        Value::Object(m) => write_map(out, m, col + 2, style, Some(format!("{}- ", pad(col)))),
        Value::Array(a) => {
            let inner: Vec<String> = a.iter().filter_map(scalar).collect();
            out.push(format!("{}- [{}]", pad(col), inner.join(", ")));
        }
        Value::String(s) => {
            out.push(format!("{}- |", pad(col)));
            for line in s.trim_end_matches('\n').lines() {
                out.push(format!("{}{line}", pad(col + 2)));
            }
        }
        _ => unreachable!("scalars handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn docs_style() {
        let v = json!({"client_id": "it's", "public": false, "redirect_uris": ["https://a/cb"], "nested": {"x": []}});
        let mut out = Vec::new();
        write_item(&mut out, &v, 6, Style::default());
        assert_eq!(
            out.join("\n"),
            "      - client_id: 'it''s'\n        public: false\n        redirect_uris:\n          - 'https://a/cb'\n        nested:\n          x: []"
        );
        let mut flush = Vec::new();
        write_item(
            &mut flush,
            &v,
            4,
            Style {
                indent: 4,
                seq_indent: false,
            },
        );
        assert_eq!(flush[3], "      - 'https://a/cb'");
    }
}
