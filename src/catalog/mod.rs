//! The app catalog: one YAML file per app under `assets/apps/`, embedded at build time.
//!
//! [`all`] parses the embedded files once; [`find`] looks an app up by slug or alias and
//! suggests the nearest names when there is none; [`search`] ranks apps for the picker's fuzzy
//! filter. The file format is [`model::AppEntry`].

pub mod custom;
pub mod model;

pub use model::{AppEntry, AppSide, EnvVar, FileSnippet, InputSpec, Setup, Tested, VariantEntry};

use crate::error::{Error, Result};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use std::sync::OnceLock;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/apps.rs"));
}

/// The embedded files: (file stem, text).
pub fn files() -> &'static [(&'static str, &'static str)] {
    embedded::APP_FILES
}

/// Parses one catalog file and checks what serde cannot: the slug matches the file, the client
/// template has no unknown keys, variant ids are unique.
pub fn parse_entry(stem: &str, text: &str) -> Result<AppEntry> {
    let err = |m: String| Error::Catalog {
        slug: stem.to_string(),
        message: m,
    };
    let entry: AppEntry = serde_yaml::from_str(text).map_err(|e| err(e.to_string()))?;
    if entry.slug != stem {
        return Err(err(format!(
            "slug '{}' does not match the file name",
            entry.slug
        )));
    }
    for s in entry.setups() {
        if !s.client.other.is_empty() {
            let keys: Vec<_> = s.client.other.keys().cloned().collect();
            return Err(err(format!("unknown client keys: {}", keys.join(", "))));
        }
        if s.client.client_secret.is_some() {
            return Err(err(
                "client templates never carry client_secret; use fixed_secret".into(),
            ));
        }
    }
    let mut ids: Vec<_> = entry.variants.iter().map(|v| v.id.as_str()).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) || ids.contains(&"default") {
        return Err(err("variant ids must be unique and not 'default'".into()));
    }
    Ok(entry)
}

/// Every catalog entry, ordered by popularity (most common first), then name.
pub fn all() -> Result<&'static [AppEntry]> {
    static CATALOG: OnceLock<std::result::Result<Vec<AppEntry>, String>> = OnceLock::new();
    CATALOG
        .get_or_init(|| {
            let mut v = files()
                .iter()
                .map(|(stem, text)| parse_entry(stem, text))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| e.to_string())?;
            v.sort_by(|a, b| {
                b.popularity
                    .cmp(&a.popularity)
                    .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            });
            Ok(v)
        })
        .as_deref()
        .map_err(|m| Error::Catalog {
            slug: "*".into(),
            message: m.clone(),
        })
}

/// Every catalog entry followed by the custom app, for pickers that offer "anything else" last.
pub fn with_custom() -> Result<&'static [AppEntry]> {
    static LIST: OnceLock<Vec<AppEntry>> = OnceLock::new();
    let all = all()?;
    Ok(LIST.get_or_init(|| {
        let mut v = all.to_vec();
        v.push(custom::template().clone());
        v
    }))
}

/// Looks up an app by slug, alias or name (case-insensitive). Unknown: an error that names the
/// nearest slugs.
pub fn find(name: &str) -> Result<&'static AppEntry> {
    let all = all()?;
    let key = name.trim().to_lowercase();
    // A slug wins over a name, a name over an alias (an alias may be another app's slug, as
    // "bitwarden" is for vaultwarden). An alias several apps share is ambiguous.
    let exact = all
        .iter()
        .find(|e| e.slug == key)
        .or_else(|| all.iter().find(|e| e.name.to_lowercase() == key));
    if let Some(e) = exact {
        return Ok(e);
    }
    let by_alias: Vec<&AppEntry> = all
        .iter()
        .filter(|e| e.aliases.iter().any(|a| a.to_lowercase() == key))
        .collect();
    match by_alias.as_slice() {
        [e] => return Ok(e),
        [] => {}
        many => {
            let slugs: Vec<&str> = many.iter().map(|e| e.slug.as_str()).collect();
            return Err(Error::input(format!(
                "'{}' names several apps: {}; give one of these",
                name.trim(),
                slugs.join(", ")
            )));
        }
    }
    // The custom app is not in `all()` (the picker offers it apart); it answers to its slug and
    // aliases once no catalog app does.
    let t = custom::template();
    if t.slug == key || t.name.to_lowercase() == key || t.aliases.iter().any(|a| a == &key) {
        return Ok(t);
    }
    let mut scored: Vec<(usize, &AppEntry)> = all
        .iter()
        .map(|e| {
            let d = std::iter::once(e.slug.as_str())
                .chain(e.aliases.iter().map(String::as_str))
                .map(|s| edit_distance(&key, &s.to_lowercase()))
                .min()
                .unwrap_or(usize::MAX);
            (d, e)
        })
        .collect();
    scored.sort_by_key(|(d, e)| (*d, std::cmp::Reverse(e.popularity)));
    let limit = (key.chars().count() / 2).max(2);
    let mut suggestions: Vec<String> = scored
        .iter()
        .filter(|(d, _)| *d <= limit)
        .take(3)
        .map(|(_, e)| e.slug.clone())
        .collect();
    if suggestions.is_empty() {
        suggestions = search(all, name)
            .into_iter()
            .take(3)
            .map(|e| e.slug.clone())
            .collect();
    }
    Err(Error::UnknownApp {
        name: name.trim().to_string(),
        suggestions,
    })
}

/// The setup for a variant of an entry, or an error listing the variants.
pub fn setup_of<'a>(entry: &'a AppEntry, variant: Option<&str>) -> Result<Setup<'a>> {
    entry.setup(variant).ok_or_else(|| {
        let ids: Vec<_> = entry.variants.iter().map(|v| v.id.as_str()).collect();
        Error::input(if ids.is_empty() {
            format!("'{}' has no variants", entry.slug)
        } else {
            format!(
                "unknown variant '{}' of '{}': use default, {}",
                variant.unwrap_or(""),
                entry.slug,
                ids.join(", ")
            )
        })
    })
}

/// Ranks `entries` for a fuzzy query over name, slug, aliases and description. An empty query
/// keeps the given order.
pub fn search<'a>(entries: &'a [AppEntry], query: &str) -> Vec<&'a AppEntry> {
    let q = query.trim();
    if q.is_empty() {
        return entries.iter().collect();
    }
    let mut matcher = Matcher::new(Config::DEFAULT);
    let pattern = Pattern::parse(q, CaseMatching::Ignore, Normalization::Smart);
    let mut buf = Vec::new();
    let mut score = |s: &str| pattern.score(Utf32Str::new(s, &mut buf), &mut matcher);
    let mut hits: Vec<(u32, &AppEntry)> = entries
        .iter()
        .filter_map(|e| {
            let strong = std::iter::once(e.name.as_str())
                .chain(std::iter::once(e.slug.as_str()))
                .chain(e.aliases.iter().map(String::as_str))
                .filter_map(&mut score)
                .max();
            // Description matches count, but below a name match.
            let weak = score(&e.description).map(|s| s / 2);
            strong.max(weak).map(|s| (s, e))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.popularity.cmp(&a.1.popularity)));
    hits.into_iter().map(|(_, e)| e).collect()
}

/// Groups `entries` by category for the picker: each group keeps the given order (popularity,
/// for [`all`]); groups come in the order of their most popular entry, then by name. An entry
/// without a category goes to `other`.
pub fn categories(entries: &[AppEntry]) -> Vec<(String, Vec<&AppEntry>)> {
    let mut groups: Vec<(String, Vec<&AppEntry>)> = Vec::new();
    for e in entries {
        let cat = if e.category.is_empty() {
            "other"
        } else {
            e.category.as_str()
        };
        match groups.iter_mut().find(|(c, _)| c == cat) {
            Some((_, v)) => v.push(e),
            None => groups.push((cat.to_string(), vec![e])),
        }
    }
    let top = |v: &[&AppEntry]| v.iter().map(|e| e.popularity).max().unwrap_or(0);
    groups.sort_by(|a, b| top(&b.1).cmp(&top(&a.1)).then_with(|| a.0.cmp(&b.0)));
    groups
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_loads_and_finds_seed_apps() {
        for slug in ["engomo", "memos", "espocrm", "romm"] {
            assert_eq!(find(slug).unwrap().slug, slug);
        }
        assert_eq!(find("MEMOS").unwrap().slug, "memos");
    }

    #[test]
    fn unknown_app_suggests_nearest() {
        let e = find("memo").unwrap_err().to_string();
        assert!(e.contains("did you mean memos"), "{e}");
    }

    #[test]
    fn search_is_fuzzy() {
        let all = all().unwrap();
        assert_eq!(search(all, "espo")[0].slug, "espocrm");
        assert_eq!(search(all, "").len(), all.len());
        assert!(search(all, "zzzzqqq").is_empty());
    }

    #[test]
    fn find_prefers_slugs_and_reports_shared_aliases() {
        let all = all().unwrap();
        for e in all {
            assert_eq!(find(&e.slug).unwrap().slug, e.slug);
        }
        let mut seen = std::collections::BTreeMap::new();
        for e in all {
            for a in &e.aliases {
                seen.entry(a.to_lowercase())
                    .or_insert_with(Vec::new)
                    .push(e.slug.clone());
            }
        }
        for (alias, slugs) in seen {
            if all
                .iter()
                .any(|e| e.slug == alias || e.name.to_lowercase() == alias)
            {
                continue;
            }
            let r = find(&alias);
            if slugs.len() == 1 {
                assert_eq!(r.unwrap().slug, slugs[0]);
            } else {
                let m = r.unwrap_err().to_string();
                assert!(slugs.iter().all(|s| m.contains(s.as_str())), "{m}");
            }
        }
        assert_eq!(find("custom").unwrap().slug, custom::SLUG);
        assert_eq!(find("Generic OIDC").unwrap().slug, custom::SLUG);
    }

    #[test]
    fn categories_keep_popularity_order() {
        let all = all().unwrap();
        let groups = categories(all);
        assert_eq!(
            groups.iter().map(|(_, v)| v.len()).sum::<usize>(),
            all.len()
        );
        assert_eq!(groups[0].1[0].slug, all[0].slug);
        for (c, v) in &groups {
            assert!(
                v.iter()
                    .all(|e| &e.category == c || (e.category.is_empty() && c == "other"))
            );
            assert!(v.windows(2).all(|w| w[0].popularity >= w[1].popularity));
        }
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("memo", "memos"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
