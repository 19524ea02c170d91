//! Helpers shared by the merge tests: plans with a fixed digest, fixed provider keys, and an
//! invariant checker that does not use the merge's own code.
#![allow(dead_code)]

use oidc_wizard::config::{self, Document, MergeOutput, OnDuplicate};
use oidc_wizard::plan::{Plan, Request, SecretState, plan_for};
use oidc_wizard::provider::authelia::ProviderKeys;

/// A fixed, valid-looking digest (no PBKDF2 run in tests).
pub const DIGEST: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
/// Another one, for rotation.
pub const DIGEST2: &str = "$pbkdf2-sha512$310000$AAAAAAAAAAAAAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";

pub use crate::common::shared;

/// A plan for `app` with client id `id` and a fixed digest.
pub fn plan_with(app: &str, id: &str, digest: &str) -> Plan {
    let req = Request {
        domain: "example.com".into(),
        client_id: Some(id.into()),
        ..Default::default()
    };
    plan_for(
        app,
        None,
        &req,
        SecretState::Ready {
            plaintext: "plain-secret".into(),
            digest: digest.into(),
        },
    )
    .expect("plan")
}

/// Memos: a confidential client without a claims policy.
pub fn memos() -> Plan {
    plan_with("memos", "memos", DIGEST)
}

/// RomM: a client with a claims policy.
pub fn romm() -> Plan {
    plan_with("romm", "romm", DIGEST)
}

/// Fixed provider keys (a fake PEM: the merge does not parse it).
pub fn test_keys() -> oidc_wizard::Result<ProviderKeys> {
    Ok(ProviderKeys {
        hmac_secret: "h".repeat(72),
        key_id: "test".into(),
        private_key_pem: "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQ==\n-----END PRIVATE KEY-----\n".into(),
    })
}

/// Merges with the test keys.
pub fn merge(doc: &Document, plan: &Plan, on_dup: OnDuplicate) -> oidc_wizard::Result<MergeOutput> {
    config::merge_with(doc, plan, on_dup, &mut test_keys)
}

/// A document from text.
pub fn doc(name: &str, text: &str) -> Document {
    Document::from_bytes(name, text.as_bytes().to_vec())
}

/// The lines of `s` with their line breaks: LF, CRLF or a lone CR (YAML's three).
fn split_lines(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    for i in 0..b.len() {
        let end = match b[i] {
            b'\n' => true,
            b'\r' => b.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        if end {
            out.push(&s[at..=i]);
            at = i + 1;
        }
    }
    if at < s.len() {
        out.push(&s[at..]);
    }
    out
}

fn body(l: &str) -> &str {
    l.trim_end_matches(['\n', '\r'])
}

/// Whether `v` (a value's text, trimmed) is an empty value: nothing, `[]`, `{}`, `~` or `null`,
/// optionally after the standard tag that goes with it (`!!null`, `!!seq []`, `!!map {}`).
fn empty_value(v: &str) -> bool {
    let v = v.trim();
    let (tag, rest) = match v.split_once(char::is_whitespace) {
        Some((t, r)) if t.starts_with('!') => (t, r.trim()),
        None if v.starts_with('!') => (v, ""),
        _ => ("", v),
    };
    match tag {
        "" => ["[]", "{}", "~", "null", ""].contains(&rest),
        "!!null" => ["~", "null", ""].contains(&rest),
        // A bare `!!seq` / `!!map` whose value is on the next line.
        "!!seq" => ["[]", ""].contains(&rest),
        "!!map" => ["{}", ""].contains(&rest),
        _ => false,
    }
}

/// Whether `new_line` is `old_line` with an empty value (`[]`, `{}`, `~`, `null`, `!!null`)
/// removed.
fn emptied(old_line: &str, new_line: &str) -> bool {
    let (o, n) = (body(old_line), body(new_line));
    let Some(colon) = o.find(':') else {
        // A value on a line of its own (`  [] # none`) that lost the value before its comment.
        let t = o.trim_start();
        return match t.find('#') {
            Some(i) if i > 0 => {
                empty_value(&t[..i])
                    && n.trim_start() == &t[i..]
                    && n.len() - n.trim_start().len() == o.len() - t.len()
            }
            _ => false,
        };
    };
    let (key, rest) = o.split_at(colon + 1);
    let (value, comment) = match rest.find(" #") {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    empty_value(value)
        && n.strip_prefix(key).is_some_and(|r| {
            r.trim() == comment.trim() && (comment.is_empty() || r.starts_with(' '))
        })
}

/// Whether a deleted old line is an empty value alone on its line (`clients:` then `  []`): the
/// one line the merge may take away, as the new items go where it was.
fn empty_value_line(line: &str) -> bool {
    let t = body(line).trim();
    !t.is_empty() && empty_value(t)
}

/// The invariant: the new text is the old text with lines inserted, except that an empty
/// value may be removed from one line (or, alone on its line, with its line), and a final line
/// without a newline may get one.
pub fn invariant(old: &str, new: &str) -> Result<(), String> {
    let a = split_lines(old);
    let b = split_lines(new);
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .diff_slices(&a, &b);
    let mut emptied_lines = 0;
    for op in diff.ops() {
        match *op {
            similar::DiffOp::Equal { .. } | similar::DiffOp::Insert { .. } => {}
            similar::DiffOp::Delete {
                old_index, old_len, ..
            } => {
                for (i, ol) in a[old_index..old_index + old_len].iter().enumerate() {
                    if !empty_value_line(ol) {
                        return Err(format!("old line {} deleted: {ol:?}", old_index + i + 1));
                    }
                    emptied_lines += 1;
                }
            }
            similar::DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                let new_range = &b[new_index..new_index + new_len];
                for ol in &a[old_index..old_index + old_len] {
                    let ends = |l: &str| l.ends_with(['\n', '\r']);
                    let ok = new_range
                        .iter()
                        .any(|nl| (!ends(ol) && ends(nl) && body(nl) == *ol) || emptied(ol, nl));
                    if !ok && empty_value_line(ol) {
                        emptied_lines += 1;
                    } else if !ok {
                        return Err(format!("old line changed: {ol:?}"));
                    }
                }
            }
        }
    }
    if emptied_lines > 1 {
        return Err(format!(
            "{emptied_lines} lines of empty values were deleted"
        ));
    }
    Ok(())
}

/// The clients in the first document of `text` (template expressions masked).
pub fn clients_of(text: &str) -> Vec<serde_yaml::Value> {
    let t = oidc_wizard::config::scan::Text::new(text);
    let v = oidc_wizard::config::gate::parse_first(&t.masked).expect("parses");
    v.get("identity_providers")
        .and_then(|i| i.get("oidc"))
        .and_then(|o| o.get("clients"))
        .and_then(|c| c.as_sequence())
        .cloned()
        .unwrap_or_default()
}

/// Checks a successful merge of `plan` (appended) against `old`: the invariant and the client.
pub fn check_added(old: &str, out: &MergeOutput, plan: &Plan) -> Result<(), String> {
    let new = std::str::from_utf8(&out.bytes).map_err(|e| e.to_string())?;
    invariant(old, new)?;
    let before = clients_of(old).len();
    let after = clients_of(new);
    if after.len() != before + 1 {
        return Err(format!("{} clients before, {} after", before, after.len()));
    }
    let last = after.last().unwrap();
    let want: serde_yaml::Value =
        serde_yaml::to_value(oidc_wizard::render::client_value(&plan.client))
            .map_err(|e| e.to_string())?;
    if last != &want {
        return Err(format!("the last client is not the new one: {last:?}"));
    }
    Ok(())
}
