//! What makes the tool installable and traceable: the version string (with the catalog's Authelia
//! version), `completions <SHELL>`, `man`, and what `--log FILE` records of a command line.

use super::Cli;
use crate::catalog::{self, AppEntry};
use crate::error::{Error, Result};
use crate::{exit, log};
use clap::CommandFactory;
use clap::builder::{PossibleValue, PossibleValuesParser};
use std::io::Write;
use std::sync::OnceLock;

/// The version string: the crate's version, the newest Authelia release the catalog's guides were
/// tested with (major.minor) and how many apps it has, e.g.
/// `0.1.0 (catalog: Authelia v4.39, 146 apps)`. Computed from the embedded catalog once.
pub fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let pkg = env!("CARGO_PKG_VERSION");
        match catalog::all() {
            Ok(all) => match newest_authelia(all) {
                Some((major, minor)) => format!(
                    "{pkg} (catalog: Authelia v{major}.{minor}, {} apps)",
                    all.len()
                ),
                None => format!("{pkg} (catalog: {} apps)", all.len()),
            },
            Err(_) => pkg.to_string(),
        }
    })
}

/// The newest Authelia version (major, minor) any entry's `tested.authelia` names.
pub fn newest_authelia(entries: &[AppEntry]) -> Option<(u32, u32)> {
    entries
        .iter()
        .flat_map(|e| e.tested.authelia.iter())
        .filter_map(|v| parse_version(v))
        .max()
        .map(|(major, minor, _)| (major, minor))
}

/// `v4.39.20` (or `4.39`) as numbers; anything else is not a version.
fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut parts = v.trim().trim_start_matches('v').split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    let patch = match parts.next() {
        Some(p) => p.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor, patch))
}

/// The clap command the binary parses: the derived one with the computed version.
pub fn command() -> clap::Command {
    Cli::command().version(version())
}

/// The command the completion scripts are generated from: `add`'s APP takes the catalog's slugs
/// and aliases (and `custom`), so every shell completes them. Only the scripts see this list:
/// parsing still goes through [`catalog::find`], which also takes names and suggests near misses.
pub fn completion_command() -> clap::Command {
    let values = app_values();
    command().mut_subcommand("add", |add| {
        add.mut_arg("app", |a| {
            a.value_parser(PossibleValuesParser::new(values.clone()))
        })
    })
}

/// Every slug (with the app's name as its help) and every one-word alias that is not also a slug.
fn app_values() -> Vec<PossibleValue> {
    let entries = catalog::with_custom().unwrap_or(&[]);
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for e in entries {
        if seen.insert(e.slug.as_str()) {
            out.push(PossibleValue::new(e.slug.as_str()).help(e.name.clone()));
        }
    }
    for e in entries {
        // An alias with a space or a shell character cannot be completed as one word.
        let plain = |a: &&String| {
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        for a in e.aliases.iter().filter(plain) {
            if seen.insert(a.as_str()) {
                out.push(PossibleValue::new(a.as_str()).help(format!("{} (alias)", e.name)));
            }
        }
    }
    out
}

/// `oidc-wizard completions <SHELL>`: the script on stdout.
pub fn completions(shell: clap_complete::Shell) -> Result<u8> {
    let mut cmd = completion_command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "oidc-wizard", &mut buf);
    if shell == clap_complete::Shell::Bash {
        // clap_complete spells the state of a subcommand of a hyphenated binary two ways: the
        // loop that walks the words arrives at `oidc__wizard__subcmd__add`, the case arms are
        // labelled `oidc__subcmd__wizard__subcmd__add`, so nothing after a subcommand would
        // complete (clap-rs/clap#6421, open). The arms are made to match the loop.
        let text = String::from_utf8_lossy(&buf).replace("oidc__subcmd__wizard", "oidc__wizard");
        buf = text.into_bytes();
    }
    if shell == clap_complete::Shell::Fish {
        // clap_complete's fish script completes only options; the apps come as arguments of add.
        for v in app_values() {
            let help = v.get_help().map(|h| h.to_string()).unwrap_or_default();
            buf.extend_from_slice(
                format!(
                    "complete -c oidc-wizard -n \"__fish_oidc_wizard_using_subcommand add\" -f -a '{}' -d '{}'\n",
                    fish_quote(v.get_name()),
                    fish_quote(&help)
                )
                .as_bytes(),
            );
        }
    }
    emit(&buf)
}

/// `s` for the inside of a single-quoted fish string.
fn fish_quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('\'', "\\'")
}

/// `oidc-wizard man`: the man page (roff, section 1) on stdout.
pub fn man() -> Result<u8> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(command().name("oidc-wizard"))
        .render(&mut buf)
        .map_err(Error::Io)?;
    emit(&buf)
}

/// Writes `bytes` to stdout; a reader that went away ends the command quietly.
fn emit(bytes: &[u8]) -> Result<u8> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(exit::OK),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::BROKEN_PIPE),
        Err(e) => Err(Error::Io(e)),
    }
}

/// Opens the `--log` file, when given, and records the command line as [`describe`] tells it.
pub fn start_log(cli: &Cli, matches: &clap::ArgMatches) -> Result<()> {
    if let Some(path) = &cli.log {
        log::open(path)?;
        log::event(&format!("start: {}", describe(matches, &command())));
    }
    Ok(())
}

/// Records how the command ended: the exit code and, for an error, its kind (the paths and ids
/// it names, never its message, which may quote a configuration's values).
pub fn log_outcome(outcome: &Result<u8>, code: u8) {
    if !log::enabled() {
        return;
    }
    match outcome {
        Ok(_) => log::event(&format!("end: exit {code}")),
        Err(e) => log::event(&format!("end: exit {code} ({})", error_kind(e))),
    }
}

/// The kind of an error, with the paths and ids it names.
fn error_kind(e: &Error) -> String {
    match e {
        Error::Input(_) => "invalid input".into(),
        Error::Usage(_) => "usage error".into(),
        Error::UnknownApp { .. } => "unknown app".into(),
        Error::Catalog { slug, .. } => format!("catalog entry '{slug}'"),
        Error::Invalid { client_id, .. } => format!("client '{client_id}' would be rejected"),
        Error::Digest(_) => "a digest it cannot verify".into(),
        Error::Random(_) => "the random number generator failed".into(),
        Error::DuplicateClient { path, client_id } => {
            format!("client '{client_id}' already exists in {}", path.display())
        }
        Error::Conflict {
            path, client_id, ..
        } => {
            format!(
                "client '{client_id}' cannot be changed as asked in {}",
                path.display()
            )
        }
        Error::Exists { path } => format!("file exists: {}", path.display()),
        Error::File { path, .. } => format!("file error: {}", path.display()),
        Error::Io(e) => format!("I/O error: {:?}", e.kind()),
    }
}

/// Records which file of a configuration a command changes.
pub fn log_target(target: &std::path::Path, files: usize) {
    log::event(&format!(
        "configuration: {} (of {files} file(s))",
        target.display()
    ));
}

/// Records a write (`what`: e.g. "client 'memos' added"), or that nothing was written.
pub fn log_write(path: &std::path::Path, what: &str, written: Option<&crate::config::Written>) {
    match written {
        Some(w) => log::event(&format!(
            "wrote {}: {what}; backup {}; mode {}",
            path.display(),
            w.backup_path.display(),
            w.mode.map_or("unknown".into(), |m| format!("{m:04o}"))
        )),
        None => log::event(&format!("nothing written to {}: {what}", path.display())),
    }
}

/// Arguments whose values the log shows: names, paths, ids, URLs, counts. Every other value is
/// written as `<redacted>`, so an argument added later (a digest, a password) stays out of the
/// log until someone decides otherwise.
const SHOWN: &[&str] = &[
    "app",
    "domain",
    "app_url",
    "auth_url",
    "client_id",
    "policy",
    "variant",
    "provider",
    "out",
    "backup",
    "config",
    "log",
    "shell",
    "length",
    "charset",
    "keep",
    "color",
];

/// The command line as the log records it: the subcommand, then each argument given on the
/// command line with its value when [`SHOWN`] lists it (`--set` by its keys only), switches by
/// name; never a digest, a secret or a password.
pub fn describe(matches: &clap::ArgMatches, cmd: &clap::Command) -> String {
    let mut parts = Vec::new();
    describe_args(matches, cmd, &mut parts);
    match matches.subcommand() {
        Some((name, sub)) => {
            parts.insert(0, name.to_string());
            if let Some(sub_cmd) = cmd.find_subcommand(name) {
                describe_args(sub, sub_cmd, &mut parts);
            }
        }
        None => parts.insert(0, "wizard".into()),
    }
    parts.join(" ")
}

/// The arguments `matches` got from the command line (not defaults), as [`describe`] shows them.
fn describe_args(matches: &clap::ArgMatches, cmd: &clap::Command, parts: &mut Vec<String>) {
    use clap::parser::ValueSource;
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        if matches.value_source(id) != Some(ValueSource::CommandLine) {
            continue;
        }
        let name = match arg.get_long() {
            Some(long) => format!("--{long}"),
            None => format!("<{}>", id.to_uppercase()),
        };
        if !arg.get_action().takes_values() {
            parts.push(name);
            continue;
        }
        let values: Vec<String> = matches
            .get_raw(id)
            .map(|v| v.map(|x| x.to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        for v in values {
            let shown = if id == "set" {
                let key = v.split_once('=').map_or(v.as_str(), |(k, _)| k);
                format!("{key}=<redacted>")
            } else if SHOWN.contains(&id) {
                v
            } else {
                "<redacted>".into()
            };
            if arg.is_positional() {
                parts.push(shown);
            } else {
                parts.push(format!("{name} {shown}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions_parse_as_authelia_writes_them() {
        assert_eq!(parse_version("v4.39.20"), Some((4, 39, 20)));
        assert_eq!(parse_version("4.38"), Some((4, 38, 0)));
        assert!(parse_version("latest").is_none());
        assert!(parse_version("v4.39.1.2").is_none());
        assert!(parse_version("v4.x").is_none());
    }
}
