//! Which files make up the configuration Authelia loads, which one of them a client may be
//! written to, and the files that are not an Authelia configuration at all.
//!
//! Authelia (v4.39, `internal/commands/util.go`, `internal/configuration/sources.go`) reads
//! every path given with `--config` (repeatable, comma-separated) or `X_AUTHELIA_CONFIG`
//! (split on `,`), in order; a directory contributes its `.yml` / `.yaml` entries in
//! lexicographic order, not recursively. The files are merged key by key (koanf, non-strict):
//! mappings merge, anything else (a list, a scalar, null) in a later file replaces the earlier
//! value. So `identity_providers.oidc.clients` must live in exactly one file, and the client goes
//! there; [`Sources`] finds that file or refuses in one line.

use super::{Document, MergeOutput, SessionDefaults, load, scan};
use crate::error::{Error, Result};
use serde_yaml::Value;
use std::path::PathBuf;

/// The paths of Authelia's own `X_AUTHELIA_CONFIG`, when it is set (see [`split_env`]).
pub fn from_env() -> Vec<PathBuf> {
    std::env::var("X_AUTHELIA_CONFIG")
        .map(|v| split_env(&v))
        .unwrap_or_default()
}

/// `X_AUTHELIA_CONFIG` split the way Authelia splits it (`strings.Split(env, ",")`: no
/// trimming); an empty value means unset.
pub fn split_env(value: &str) -> Vec<PathBuf> {
    if value.is_empty() {
        return Vec::new();
    }
    value.split(',').map(PathBuf::from).collect()
}

/// Go's `filepath.Ext`: from the last `.` of the name (so `.yml` alone has the extension `.yml`).
fn go_ext(name: &str) -> &str {
    name.rfind('.').map(|i| &name[i..]).unwrap_or("")
}

/// The files Authelia reads for `paths`, in its order: a file as it is, a directory as its
/// `.yml` / `.yaml` entries sorted by name (sub-directories skipped). A file named directly
/// inside a directory that is also named is an error, as in Authelia.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut dirs = Vec::new();
    let mut named = Vec::new();
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str().is_empty() {
            return Err(Error::input(
                "an empty configuration path in the list (a stray comma?); Authelia would read its working directory there",
            ));
        }
        if p.is_dir() {
            let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
            let rd = std::fs::read_dir(p)
                .map_err(|e| Error::file(p, super::io_message(&e, "cannot read the directory")))?;
            let mut entries: Vec<(Vec<u8>, PathBuf)> = Vec::new();
            for e in rd {
                let e = e.map_err(|e| {
                    Error::file(p, super::io_message(&e, "cannot read the directory"))
                })?;
                if e.file_type().is_ok_and(|t| t.is_dir()) {
                    continue;
                }
                let name = e.file_name();
                let n = name.to_string_lossy();
                if matches!(go_ext(&n), ".yml" | ".yaml") {
                    entries.push((name.as_encoded_bytes().to_vec(), e.path()));
                }
            }
            entries.sort();
            out.extend(entries.into_iter().map(|(_, p)| p));
            dirs.push(abs);
        } else {
            named.push(std::path::absolute(p).unwrap_or_else(|_| p.clone()));
            out.push(p.clone());
        }
    }
    for f in &named {
        if let Some(d) = dirs.iter().find(|d| f.parent() == Some(d.as_path())) {
            return Err(Error::file(
                f,
                format!(
                    "is inside the configuration directory {} that is also given; Authelia refuses that: name the directory or its files, not both",
                    d.display()
                ),
            ));
        }
    }
    if out.is_empty() {
        let p = paths.first().cloned().unwrap_or_default();
        return Err(Error::file(
            p,
            "has no .yml or .yaml file for Authelia to read",
        ));
    }
    Ok(out)
}

/// The configuration as Authelia reads it: every file, and the one a client goes into.
#[derive(Debug, Clone)]
pub struct Sources {
    /// The files in Authelia's load order.
    pub files: Vec<Document>,
    /// Each file's first document (template expressions masked); `Null` for a single file,
    /// which the merge parses itself.
    trees: Vec<Value>,
    /// Index of the file to write.
    target: usize,
    /// Why that file was chosen, when it is not obvious (shown as a note).
    pub note: Option<String>,
}

/// The value at `path` in a tree (`None` when a key on the way is missing or not a mapping).
fn at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    let mut v = v;
    for k in path {
        v = v.as_mapping()?.get(*k)?;
    }
    Some(v)
}

/// Merges `incoming` into `base` the way koanf's non-strict merge does: mappings key by key,
/// anything else replaces.
fn koanf_merge(base: &mut Value, incoming: &Value) {
    match (base, incoming) {
        (Value::Mapping(b), Value::Mapping(i)) => {
            for (k, v) in i {
                match b.get_mut(k) {
                    Some(old) if old.is_mapping() && v.is_mapping() => koanf_merge(old, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, i) => *b = i.clone(),
    }
}

fn parse_tree(doc: &Document) -> Result<Value> {
    let full = doc.text()?;
    let (t, _) = super::parse_text(&doc.path, full)?;
    let mut v = super::gate::parse_first(&t.masked)
        .map_err(|e| Error::file(&doc.path, format!("not valid YAML: {e}")))?;
    let _ = v.apply_merge();
    Ok(v)
}

const OIDC: [&str; 2] = ["identity_providers", "oidc"];

/// Reads every file of `paths` (files or directories) and finds the one to write the client
/// to: the file that has `identity_providers.oidc.clients`; else the one file with
/// `identity_providers.oidc`; else the last file with `identity_providers`; else the first
/// file. Refuses when two files define the clients, when `identity_providers.oidc` is split
/// over files none of which has clients, and when a later file would replace the section.
pub fn load_sources(paths: &[PathBuf]) -> Result<Sources> {
    let list = expand(paths)?;
    let mut files = Vec::with_capacity(list.len());
    for p in &list {
        files.push(load(p)?);
    }
    if files.len() == 1 {
        return Ok(Sources {
            files,
            trees: vec![Value::Null],
            target: 0,
            note: None,
        });
    }
    let trees = files.iter().map(parse_tree).collect::<Result<Vec<_>>>()?;
    let name = |i: usize| files[i].path.display().to_string();
    let with = |path: &[&str]| -> Vec<usize> {
        (0..trees.len())
            .filter(|&i| at(&trees[i], path).is_some())
            .collect()
    };
    let clients = with(&["identity_providers", "oidc", "clients"]);
    let mut note = None;
    let target = match clients.as_slice() {
        [a, b, ..] => {
            return Err(Error::file(
                &files[*b].path,
                format!(
                    "identity_providers.oidc.clients is also defined in {}; Authelia keeps only the last file's list (lists replace, they do not merge), so keep all clients in one file, then run again",
                    name(*a)
                ),
            ));
        }
        [one] => *one,
        [] => {
            let oidc = with(&OIDC);
            match oidc.as_slice() {
                [a, b, ..] => {
                    return Err(Error::file(
                        &files[*b].path,
                        format!(
                            "identity_providers.oidc is split over {} and this file and neither has clients: add 'clients: []' under identity_providers.oidc in the file that should hold them, then run again",
                            name(*a)
                        ),
                    ));
                }
                [one] => *one,
                [] => match with(&OIDC[..1]).last() {
                    Some(&i) => i,
                    None => {
                        note = Some(format!(
                            "no file of the configuration has identity_providers; it goes into {}, the first file Authelia reads",
                            name(0)
                        ));
                        0
                    }
                },
            }
        }
    };
    // A later file that sets identity_providers or its oidc to something other than a mapping
    // replaces what the target holds.
    for later in target + 1..trees.len() {
        for depth in 1..=OIDC.len() {
            if let Some(v) = at(&trees[later], &OIDC[..depth])
                && !v.is_mapping()
            {
                return Err(Error::file(
                    &files[later].path,
                    format!(
                        "sets {} to a {} after {}, which replaces that file's section when Authelia merges them; remove it, then run again",
                        OIDC[..depth].join("."),
                        kind_word(v),
                        name(target)
                    ),
                ));
            }
        }
    }
    Ok(Sources {
        files,
        trees,
        target,
        note,
    })
}

fn kind_word(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Sequence(_) => "list",
        Value::Mapping(_) => "mapping",
        _ => "plain value",
    }
}

impl Sources {
    /// The file the client is written to.
    pub fn target(&self) -> &Document {
        &self.files[self.target]
    }

    /// The session defaults of the configuration as Authelia merges it: `session` from every
    /// file, later files winning.
    pub fn session_defaults(&self) -> SessionDefaults {
        if self.files.len() == 1 {
            return super::session_defaults(&self.files[0]);
        }
        let mut merged = Value::Null;
        for t in &self.trees {
            if let Some(s) = at(t, &["session"]) {
                let mut m = serde_yaml::Mapping::new();
                m.insert("session".into(), s.clone());
                let wrapped = Value::Mapping(m);
                if merged.is_null() {
                    merged = wrapped;
                } else {
                    koanf_merge(&mut merged, &wrapped);
                }
            }
        }
        super::session_defaults_of(&merged)
    }

    /// Refuses a merge of the target file whose additions another file defines too (Authelia
    /// would mix or override them): the provider's keys of a first-time setup, and the entries
    /// added beside the client.
    pub fn check_merge(&self, out: &MergeOutput) -> Result<()> {
        if self.files.len() == 1 {
            return Ok(());
        }
        let target = &self.target().path;
        // Full paths from the top level.
        let mut touched: Vec<Vec<String>> = out
            .additions_added
            .iter()
            .map(|a| {
                let top = out.top_level_added.contains(a);
                let base = if top { &[][..] } else { &OIDC[..] };
                base.iter()
                    .map(|s| s.to_string())
                    .chain(a.split('.').map(str::to_string))
                    .collect()
            })
            .collect();
        let full_oidc = |k: &str| -> Vec<String> {
            OIDC.iter()
                .map(|s| s.to_string())
                .chain([k.to_string()])
                .collect()
        };
        for k in &out.provider_keys_added {
            touched.push(full_oidc(k));
            if k == "jwks" {
                // Authelia refuses jwks beside the older keys (identity_providers.go:317-322).
                for old in ["issuer_private_key", "issuer_certificate_chain"] {
                    touched.push(full_oidc(old));
                }
            }
        }
        for (i, t) in self.trees.iter().enumerate() {
            if i == self.target {
                continue;
            }
            for p in &touched {
                let full: Vec<&str> = p.iter().map(String::as_str).collect();
                let defined = at(t, &full).is_some();
                // Below identity_providers.oidc for its entries, below the top for the others.
                let from = if full.starts_with(&OIDC) { 3 } else { 1 };
                let replaced = i > self.target
                    && (from..full.len())
                        .any(|d| at(t, &full[..d]).is_some_and(|v| !v.is_mapping()));
                if defined || replaced {
                    let provider_key = p.len() == OIDC.len() + 1
                        && p[..OIDC.len()] == OIDC
                        && [
                            "hmac_secret",
                            "jwks",
                            "issuer_private_key",
                            "issuer_certificate_chain",
                        ]
                        .contains(&p[OIDC.len()].as_str());
                    let what = if provider_key && !out.provider_keys_added.is_empty() {
                        format!(
                            "the provider's keys ({})",
                            out.provider_keys_added.join(", ")
                        )
                    } else {
                        p.join(".")
                    };
                    return Err(Error::file(
                        &self.files[i].path,
                        format!(
                            "defines {what}, which the merge would add to {} as well (Authelia would override or mix them); move it into {} beside the clients, then run again; nothing was written",
                            target.display(),
                            target.display()
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Whether the text is a SOPS-encrypted file: a top-level `sops:` mapping with a `mac`.
/// Its values are ciphertext (`ENC[...]`): nothing should be read from it as a default, and any
/// edit breaks the MAC.
pub fn is_sops_text(text: &str) -> bool {
    let t = scan::Text::new(text);
    match super::gate::parse_first(&t.masked) {
        Ok(v) => at(&v, &["sops", "mac"]).is_some(),
        Err(_) => {
            // Not parseable here: fall back to the layout SOPS writes.
            let mut in_sops = false;
            for l in text.lines() {
                if l.starts_with("sops:") {
                    in_sops = true;
                } else if in_sops && !l.starts_with([' ', '\t']) && !l.trim().is_empty() {
                    in_sops = false;
                } else if in_sops && l.trim_start().starts_with("mac:") {
                    return true;
                }
            }
            false
        }
    }
}

/// [`is_sops_text`] of a document (false when it is not text).
pub fn is_sops_encrypted(doc: &Document) -> bool {
    doc.text().is_ok_and(is_sops_text)
}

/// Why a parsed file is not an Authelia configuration, with what to do instead (one line), or
/// `None`. Each of these has a top-level key Authelia does not know, so Authelia would refuse
/// to start with it as its configuration anyway.
pub(crate) fn foreign_kind(root: &scan::Node) -> Option<String> {
    let map_at = |k: &str| {
        root.get(k)
            .is_some_and(|(_, v)| matches!(v.kind, scan::Kind::Map(..)))
    };
    if root
        .get("sops")
        .is_some_and(|(_, v)| v.get("mac").is_some())
    {
        return Some(
            "this file is SOPS-encrypted and any edit breaks its MAC: run 'sops edit' on it and paste the client (printed by 'oidc-wizard add' without --config) under identity_providers.oidc.clients".into(),
        );
    }
    if root.get("apiVersion").is_some() && root.get("kind").is_some() {
        let kind = root.get("kind").and_then(|(_, v)| v.scalar()).unwrap_or("");
        let where_ = match kind {
            "HelmRelease" => {
                "the Authelia chart's settings live under spec.values.configMap; paste the client (printed by 'oidc-wizard add' without --config) under spec.values.configMap.identity_providers.oidc.clients"
            }
            "ConfigMap" | "Secret" => {
                "the configuration is the text under data (or stringData): run 'oidc-wizard add' on that text saved as a file, then put it back"
            }
            _ => {
                "merge into the configuration it carries by hand (print the client with 'oidc-wizard add' without --config)"
            }
        };
        return Some(format!(
            "this is a Kubernetes manifest{}, not an Authelia configuration: {where_}",
            if kind.is_empty() {
                String::new()
            } else {
                format!(" ({kind})")
            }
        ));
    }
    if map_at("configMap") {
        return Some(
            "this is the Authelia Helm chart's values.yaml: its settings live under configMap, which this tool cannot merge into yet; paste the client (printed by 'oidc-wizard add' without --config) under configMap.identity_providers.oidc.clients".into(),
        );
    }
    if map_at("authelia") {
        return Some(
            "this is a chart's values file with Authelia's values under 'authelia:', not an Authelia configuration; paste the client (printed by 'oidc-wizard add' without --config) under authelia.configMap.identity_providers.oidc.clients".into(),
        );
    }
    if map_at("services") {
        return Some(
            "this is a docker-compose file, not an Authelia configuration: give --config the configuration.yml that Authelia's container mounts (often ./config/configuration.yml)".into(),
        );
    }
    None
}

/// The path a message names for a set of sources.
pub fn display_of(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
