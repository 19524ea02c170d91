//! The wizard's preferences: the last base domain, Authelia URL and configuration path, so the
//! next run starts where the last one ended.
//!
//! They live in `prefs.json` in the platform's configuration directory (from `directories`:
//! `$XDG_CONFIG_HOME/oidc-wizard/` on Linux). Preferences never hold a secret: the type has no
//! field for one. A missing or unreadable file is simply no preferences; writing is atomic
//! (a temporary file renamed over the old one).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the wizard remembers between runs. Never a secret.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// The last base domain (`example.com`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The last Authelia URL (`https://auth.example.com`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authelia_url: Option<String>,
    /// The last configuration file written to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_path: Option<PathBuf>,
}

/// The preferences file, when the platform has a configuration directory.
pub fn path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "oidc-wizard").map(|d| d.config_dir().join("prefs.json"))
}

/// Reads the preferences; anything missing or unreadable gives the defaults.
pub fn load() -> Prefs {
    path().map(|p| load_from(&p)).unwrap_or_default()
}

/// Reads preferences from a file; a missing or broken file gives the defaults.
pub fn load_from(path: &Path) -> Prefs {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Saves the preferences in the configuration directory.
pub fn save(prefs: &Prefs) -> Result<()> {
    let p = path().ok_or_else(|| Error::input("no configuration directory for preferences"))?;
    save_to(&p, prefs)
}

/// Saves preferences to a file atomically, creating its directory.
pub fn save_to(path: &Path, prefs: &Prefs) -> Result<()> {
    let err = |e: std::io::Error| Error::file(path, e.to_string());
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let mut text =
        serde_json::to_string_pretty(prefs).map_err(|e| Error::file(path, e.to_string()))?;
    text.push('\n');
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/prefs.json");
        assert_eq!(load_from(&p), Prefs::default());
        let prefs = Prefs {
            domain: Some("example.com".into()),
            authelia_url: Some("https://auth.example.com".into()),
            config_path: Some("/etc/authelia/configuration.yml".into()),
        };
        save_to(&p, &prefs).unwrap();
        assert_eq!(load_from(&p), prefs);
        std::fs::write(&p, "not json").unwrap();
        assert_eq!(load_from(&p), Prefs::default());
    }

    #[test]
    fn only_known_keys_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("prefs.json");
        save_to(
            &p,
            &Prefs {
                domain: Some("a.org".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text, "{\n  \"domain\": \"a.org\"\n}\n");
    }
}
