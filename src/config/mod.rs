//! The user's `configuration.yml`: merge a client in without touching any other byte, check the
//! clients that are there, write safely.
//!
//! The API the CLI and the wizard use: [`load`] -> [`merge`] (a [`MergeOutput`] with the new
//! text and its diff) -> [`write`].
//!
//! How a merge works, never round-tripping the document through a serializer:
//! * [`scan`]: template expressions (`{{ ... }}`) are masked with same-length filler so the text
//!   parses; a YAML parser that reports positions gives the tree of the first document;
//! * [`splice`]: byte edits insert the new lines (in the file's indent, dash style and line
//!   endings) after the last client, or create `clients:`, `oidc:`, `identity_providers:` where
//!   they are missing, plus the provider's keys on a first-time setup and the entries the
//!   client relies on (claims policies, custom scopes, lifespans...) in their sections, created
//!   if missing;
//! * [`gate`]: a second parser reads old and new; the new document must equal the old one plus
//!   exactly the intended change, or nothing is written; libyaml (the reading Authelia's Go
//!   reader shares) checks the same of the whole text, with merge keys (`<<`) resolved;
//! * [`write`](mod@write): lock, unchanged-since-read check, backup, in-place write, fsync,
//!   read back.
//!
//! Every byte outside the inserted block stays as it was, with two exceptions: an empty
//! `clients: []` (or `~`, or bare `clients:`) loses its empty value as the block goes under it,
//! and a file whose last line lacks a newline gets one before the insertion (unless the file
//! ends inside a block scalar that would keep that newline: then the new block goes before
//! the last top-level key, or the merge is refused).

pub mod attributes;
pub mod backups;
pub mod check;
pub mod clients;
pub mod edit;
pub mod gate;
pub mod scan;
pub mod sources;
pub mod splice;
pub mod write;

pub use sources::{Sources, is_sops_encrypted, load_sources};
pub use write::{WriteOptions, write, write_with};

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::provider::authelia::{self, ProviderKeys};
use std::path::{Path, PathBuf};

/// What to do when the configuration already has a client with the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnDuplicate {
    /// Refuse with [`Error::DuplicateClient`].
    #[default]
    Refuse,
    /// Change only that client's `client_secret` value.
    Rotate,
    /// Replace the whole client item in place.
    Replace,
}

/// A configuration file as read from disk.
#[derive(Debug, Clone)]
pub struct Document {
    /// Where it was read from.
    pub path: PathBuf,
    /// The exact bytes.
    pub bytes: Vec<u8>,
}

impl Document {
    /// A document from bytes (not read from disk; `path` is used in messages).
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Document {
        Document {
            path: path.into(),
            bytes,
        }
    }

    /// The content as text, or a one-line error naming the file and line.
    pub fn text(&self) -> Result<&str> {
        std::str::from_utf8(&self.bytes).map_err(|e| {
            let at = e.valid_up_to();
            let line = self.bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
            Error::file(
                &self.path,
                format!("line {line}: not UTF-8 text (a configuration file must be UTF-8)"),
            )
        })
    }
}

/// Defaults a configuration offers (from `session.cookies`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionDefaults {
    /// `session.cookies[].domain`.
    pub domain: Option<String>,
    /// `session.cookies[].authelia_url`.
    pub authelia_url: Option<String>,
}

/// What the merge did to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Action {
    /// A new client was added.
    #[default]
    Added,
    /// An existing client's secret was changed.
    Rotated,
    /// An existing client was replaced.
    Replaced,
    /// A backup was put back.
    Restored,
    /// An existing client was removed.
    Removed,
    /// Some keys of an existing client were changed.
    Edited,
}

impl Action {
    /// A word for messages and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Rotated => "rotated",
            Action::Replaced => "replaced",
            Action::Restored => "restored",
            Action::Removed => "removed",
            Action::Edited => "edited",
        }
    }
}

/// The result of a merge, not yet written.
#[derive(Debug, Clone, Default)]
pub struct MergeOutput {
    /// The new file content.
    pub bytes: Vec<u8>,
    /// Unified diff of old against new.
    pub diff: String,
    /// Whether this was a first-time setup that added both of the provider's keys
    /// (`hmac_secret` and `jwks`); see [`MergeOutput::provider_keys_added`].
    pub first_time_setup: bool,
    /// The provider keys added under `identity_providers.oidc`, in order: `hmac_secret`,
    /// `jwks`. Only a first-time setup (no `oidc` section, or one that holds none of the
    /// provider's keys and no clients) adds them; empty otherwise.
    pub provider_keys_added: Vec<String>,
    /// Warnings to show (deprecated keys, first-time setup, ...).
    pub warnings: Vec<String>,
    /// What happened to the client.
    pub action: Action,
    /// Whether a claims policy was added.
    pub claims_policy_added: bool,
    /// The entries added beside the client, as dotted paths under `identity_providers.oidc`
    /// (`claims_policies.mattermost`, `scopes.mattermost`, `lifespans.custom.sambee`) or, for
    /// those also in `top_level_added`, from the top level; entries the file had already are
    /// left out (a warning names them).
    pub additions_added: Vec<String>,
    /// Those of `additions_added` written at the top level of the configuration, outside
    /// `identity_providers` (`definitions.user_attributes.sftpgo_role`).
    pub top_level_added: Vec<String>,
    /// Whether the client's digest was still being computed: the text is a preview with a
    /// placeholder, and [`write`] refuses it.
    pub pending_digest: bool,
}

/// Where the file and its backup are after a write, and what they expose.
#[derive(Debug, Clone, Default)]
pub struct Written {
    /// The configuration file.
    pub path: PathBuf,
    /// The byte-identical backup of the old content.
    pub backup_path: PathBuf,
    /// The file's mode after the write (Unix).
    pub mode: Option<u32>,
    /// The backup's mode (Unix).
    pub backup_mode: Option<u32>,
    /// The values in the new content that are secrets kept in the file, as dotted paths
    /// ([`write::secrets_in`]); see [`Written::exposure_warning`].
    pub secrets: Vec<String>,
    /// Whether the old content (so the backup) held secrets too.
    pub backup_secrets: bool,
}

/// Reads a configuration file. A missing path, a directory or a file that is not UTF-8 text is
/// an error naming the file; so is a file whose last write was interrupted
/// ([`write::check_interrupted`]).
pub fn load(path: &Path) -> Result<Document> {
    write::check_interrupted(path)?;
    let meta =
        std::fs::metadata(path).map_err(|e| Error::file(path, io_message(&e, "cannot read it")))?;
    if meta.is_dir() {
        return Err(Error::file(
            path,
            "is a directory, not a configuration file",
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Error::file(path, io_message(&e, "cannot read it")))?;
    let doc = Document {
        path: path.to_path_buf(),
        bytes,
    };
    doc.text()?;
    Ok(doc)
}

/// A short reason for an I/O error.
pub(crate) fn io_message(e: &std::io::Error, what: &str) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "no such file".to_string(),
        K::PermissionDenied => format!("{what}: permission denied"),
        _ => format!("{what}: {e}"),
    }
}

/// What the configuration offers as defaults for the domain and Authelia URL: the first
/// `session.cookies` entry's `domain` and `authelia_url` (values that come from template
/// expressions are skipped).
pub fn session_defaults(doc: &Document) -> SessionDefaults {
    let Ok(text) = doc.text() else {
        return SessionDefaults::default();
    };
    let t = scan::Text::new(text);
    let Ok(mut v) = gate::parse_first(&t.masked) else {
        return SessionDefaults::default();
    };
    // A value that a template expression makes (wholly or in part, `https://auth.{{ env "D" }}`)
    // is no default: its parsed text holds the parser's mask. Decided by the template spans
    // over the value's bytes, so a real value with an `x` in it stays.
    if let Ok(sc) = scan::scan(&t) {
        let templated = |n: &scan::Node| t.made_by_template(n);
        let blank = |m: &mut serde_yaml::Value, key: &str| {
            if let Some(x) = m.get_mut(key) {
                *x = serde_yaml::Value::Null;
            }
        };
        let session = sc
            .root
            .as_ref()
            .and_then(|r| r.get("session"))
            .map(|p| &p.1);
        if let Some(session) = session {
            if let Some((_, d)) = session.get("domain")
                && templated(d)
                && let Some(vs) = v.get_mut("session")
            {
                blank(vs, "domain");
            }
            if let Some((
                _,
                scan::Node {
                    kind: scan::Kind::Seq(items, _),
                    ..
                },
            )) = session.get("cookies")
            {
                for (i, c) in items.iter().enumerate() {
                    for key in ["domain", "authelia_url"] {
                        if c.get(key).is_some_and(|(_, n)| templated(n))
                            && let Some(vc) = v
                                .get_mut("session")
                                .and_then(|x| x.get_mut("cookies"))
                                .and_then(|x| x.get_mut(i))
                        {
                            blank(vc, key);
                        }
                    }
                }
            }
        }
    }
    session_defaults_of(&v)
}

/// [`session_defaults`] of a parsed configuration. Values wholly from template expressions,
/// environment references (`${...}`) and SOPS ciphertext (`ENC[...]`) are skipped.
pub(crate) fn session_defaults_of(v: &serde_yaml::Value) -> SessionDefaults {
    let real = |s: Option<&serde_yaml::Value>| {
        s.and_then(|x| x.as_str())
            .map(str::trim)
            .filter(|x| {
                !x.is_empty()
                    && !x.bytes().all(|b| b == scan::MASK)
                    && !x.contains("${")
                    && !x.starts_with("ENC[")
            })
            .map(str::to_string)
    };
    let session = v.get("session");
    let mut out = SessionDefaults::default();
    if let Some(cookies) = session
        .and_then(|s| s.get("cookies"))
        .and_then(|c| c.as_sequence())
    {
        for c in cookies {
            if out.domain.is_none() {
                out.domain = real(c.get("domain"));
            }
            if out.authelia_url.is_none() {
                out.authelia_url = real(c.get("authelia_url"));
            }
        }
    }
    if out.domain.is_none() {
        out.domain = real(session.and_then(|s| s.get("domain")));
    }
    out
}

/// Merges the plan's client into the document. On a first-time setup (no `oidc` section, or
/// one with none of the provider's keys and no clients) the provider's keys are generated;
/// elsewhere a key the file lacks is named in a warning, never added.
pub fn merge(doc: &Document, plan: &Plan, on_dup: OnDuplicate) -> Result<MergeOutput> {
    merge_with(doc, plan, on_dup, &mut authelia::generate_keys)
}

/// [`merge`] with the source of the provider's keys given (tests use a fixed key; generating an
/// RSA key takes a moment).
pub fn merge_with(
    doc: &Document,
    plan: &Plan,
    on_dup: OnDuplicate,
    keys: &mut dyn FnMut() -> Result<ProviderKeys>,
) -> Result<MergeOutput> {
    let path = &doc.path;
    let full = doc.text()?;
    let pending_digest = plan.client.client_secret.as_deref() == Some("");
    let (t, parsed) = parse_text(path, full)?;
    if let Some(why) = parsed.root.as_ref().and_then(sources::foreign_kind) {
        return Err(Error::file(path, why));
    }
    let sp = splice::splice(&t, &parsed, plan, on_dup, keys).map_err(|r| match r {
        splice::Refusal::Duplicate(id) => Error::DuplicateClient {
            path: path.clone(),
            client_id: id,
        },
        splice::Refusal::Conflict(kind, line) => Error::Conflict {
            path: path.clone(),
            client_id: plan.client.client_id.clone(),
            kind,
            line,
        },
        splice::Refusal::Shape(m, Some(l)) => Error::file(path, format!("line {}: {m}", l + 1)),
        splice::Refusal::Shape(m, None) => Error::file(path, m),
    })?;
    let new_text = splice::apply(t.text, &sp.edits);
    let mut new_full = String::with_capacity(new_text.len() + 3);
    if t.bom {
        new_full.push('\u{feff}');
    }
    new_full.push_str(&new_text);
    let nt = scan::Text::new(&new_full);
    let new_parsed = scan::scan(&nt).map_err(|e| {
        Error::file(
            path,
            format!(
                "the merged text would not be valid YAML (line {}: {}); nothing was written",
                e.line + 1,
                e.message
            ),
        )
    })?;
    let inserted: Vec<&str> = sp
        .edits
        .iter()
        .filter(|e| !e.text.trim().is_empty())
        .map(|e| e.text.as_str())
        .collect();
    gate::check(
        parsed.root.as_ref(),
        new_parsed.root.as_ref(),
        &inserted,
        &sp.intended,
    )
    .map_err(|m| Error::file(path, m))?;
    gate::check_whole(&t.masked, &nt.masked, &sp.intended).map_err(|m| Error::file(path, m))?;

    let action = match sp.intended.client {
        gate::ClientChange::Append(_) => Action::Added,
        gate::ClientChange::Replace(..) => Action::Replaced,
        gate::ClientChange::SetSecret(..) => Action::Rotated,
        gate::ClientChange::Remove { .. } => Action::Removed,
        gate::ClientChange::SetKeys(..) => Action::Edited,
    };
    let mut warnings = sp.warnings;
    if let Some(what) = provider_keys_text(&sp.provider_keys_added) {
        warnings.push(format!(
            "first-time setup: {what}; if you set them through environment variables or secret files instead, remove them from the file"
        ));
    }
    let shift = if t.bom { '\u{feff}'.len_utf8() } else { 0 };
    let diff = edits_diff(full, &new_full, &sp.edits, shift, path);
    Ok(MergeOutput {
        bytes: new_full.into_bytes(),
        diff,
        first_time_setup: sp.first_time_setup,
        provider_keys_added: sp.provider_keys_added,
        warnings,
        action,
        claims_policy_added: sp
            .intended
            .additions
            .iter()
            .any(|a| a.section == ["claims_policies"]),
        additions_added: sp
            .intended
            .additions
            .iter()
            .map(|a| {
                a.section
                    .iter()
                    .chain(std::iter::once(&a.name))
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(".")
            })
            .collect(),
        top_level_added: sp
            .intended
            .additions
            .iter()
            .filter(|a| a.top_level)
            .map(|a| format!("{}.{}", a.section.join("."), a.name))
            .collect(),
        pending_digest,
    })
}

/// What a merge added of the provider's keys, as a phrase for messages ("added hmac_secret
/// and an RS256 signing key (jwks)"), or `None` when it added none. Says only what is in
/// `keys` (a [`MergeOutput::provider_keys_added`]).
pub fn provider_keys_text(keys: &[String]) -> Option<String> {
    let names: Vec<&str> = keys
        .iter()
        .map(|k| match k.as_str() {
            "jwks" => "an RS256 signing key (jwks)",
            other => other,
        })
        .collect();
    match names.as_slice() {
        [] => None,
        [one] => Some(format!("added {one}")),
        [init @ .., last] => Some(format!("added {} and {last}", init.join(", "))),
    }
}

/// Masks template expressions and parses the first document, or says in one line why not.
pub(crate) fn parse_text<'a>(path: &Path, full: &'a str) -> Result<(scan::Text<'a>, scan::Scan)> {
    if let Some(l) = scan::jinja_line(full) {
        return Err(Error::file(
            path,
            format!(
                "line {}: Jinja template syntax ({{% ... %}}); merge into the rendered configuration instead",
                l + 1
            ),
        ));
    }
    let t = scan::Text::new(full);
    let parsed = scan::scan(&t).map_err(|e| {
        let hint = if t
            .masked
            .lines()
            .nth(e.line)
            .is_some_and(|l| l.trim_start().contains(": *"))
        {
            " (a value starting with '*' must be quoted)"
        } else {
            ""
        };
        Error::file(
            path,
            format!("line {}: not valid YAML: {}{hint}", e.line + 1, e.message),
        )
    })?;
    Ok((t, parsed))
}

/// The unified diff of a merge, computed only around its edits (a configuration can be
/// megabytes long; the edits are a few lines). `shift` is the BOM's length, which edit offsets
/// do not include.
pub(crate) fn edits_diff(
    old: &str,
    new: &str,
    edits: &[splice::Edit],
    shift: usize,
    path: &Path,
) -> String {
    const CONTEXT: usize = 3;
    let name = path.display().to_string();
    let mut sorted: Vec<&splice::Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let line_starts: Vec<usize> = std::iter::once(0).chain(scan::break_ends(old)).collect();
    let line_of = |b: usize| match line_starts.binary_search(&b) {
        Ok(l) => l,
        Err(l) => l - 1,
    };
    let n_lines = line_starts.len();
    let start_of = |l: usize| {
        line_starts
            .get(l)
            .copied()
            .unwrap_or(old.len())
            .min(old.len())
    };
    // Windows of whole old lines around each edit, merged when they touch.
    let mut windows: Vec<(usize, usize, Vec<&splice::Edit>)> = Vec::new();
    for e in sorted {
        let first = line_of(e.start + shift).saturating_sub(CONTEXT);
        let last = (line_of((e.end + shift).max(e.start + shift)) + CONTEXT + 1).min(n_lines);
        match windows.last_mut() {
            Some(w) if first <= w.1 => {
                w.1 = w.1.max(last);
                w.2.push(e);
            }
            _ => windows.push((first, last, vec![e])),
        }
    }
    let mut out = format!("--- {name}\n+++ {name}\n");
    let mut delta: isize = 0; // new line number minus old line number before the window
    for (first, last, es) in windows {
        let (a, b) = (start_of(first), start_of(last));
        let mut seg_new = String::new();
        let mut at = a;
        for e in &es {
            seg_new.push_str(&old[at..e.start + shift]);
            seg_new.push_str(&e.text);
            at = e.end + shift;
        }
        seg_new.push_str(&old[at..b]);
        let seg_old = &old[a..b];
        let d = similar::TextDiff::from_lines(seg_old, seg_new.as_str());
        for group in d.grouped_ops(CONTEXT) {
            let (Some(f), Some(l)) = (group.first(), group.last()) else {
                continue;
            };
            let (os, oe) = (f.old_range().start, l.old_range().end);
            let (ns, ne) = (f.new_range().start, l.new_range().end);
            let o0 = first + os;
            let n0 = (first as isize + delta) as usize + ns;
            let hdr = |start: usize, len: usize| {
                if len == 0 {
                    format!("{start},0")
                } else {
                    format!("{},{len}", start + 1)
                }
            };
            out.push_str(&format!(
                "@@ -{} +{} @@\n",
                hdr(o0, oe - os),
                hdr(n0, ne - ns)
            ));
            for op in &group {
                for c in d.iter_changes(op) {
                    let sign = match c.tag() {
                        similar::ChangeTag::Equal => ' ',
                        similar::ChangeTag::Delete => '-',
                        similar::ChangeTag::Insert => '+',
                    };
                    out.push(sign);
                    out.push_str(c.value());
                    if c.value().ends_with('\r') {
                        // A lone CR (old Mac line endings) ends no line on a terminal.
                        out.push('\n');
                    }
                    if c.missing_newline() {
                        out.push_str("\n\\ No newline at end of file\n");
                    }
                }
            }
        }
        let added = scan::break_ends(&seg_new).count() as isize
            - scan::break_ends(seg_old).count() as isize;
        delta += added;
    }
    let _ = new;
    out
}

/// A unified diff of two texts, labelled with the path.
pub fn unified_diff(old: &str, new: &str, path: &Path) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&name, &name)
        .to_string()
}
