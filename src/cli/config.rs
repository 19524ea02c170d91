//! The command-line glue of the configuration subcommands: `add ... --config PATH...` (merge,
//! show the diff, ask or require `--yes`, write) and `check --config PATH...`.

use super::AddArgs;
use super::add::{build_for, choice_of, request_parts, require_domain};
use crate::app;
use crate::config::{self as config, OnDuplicate, check, load_sources};
use crate::error::{Error, Result};
use crate::{exit, render};
use serde_json::{Value, json};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// `oidc-wizard add ... --config PATH...`: the client goes into the one file of the
/// configuration that holds the clients (see [`crate::config::sources`]).
pub fn add_command(args: &AddArgs, paths: &[PathBuf]) -> Result<u8> {
    let sources = load_sources(paths)?;
    let doc = sources.target();
    let path = doc.path.as_path();
    super::ship::log_target(path, sources.files.len());
    let choice = choice_of(args)?;
    let mut notes: Vec<String> = sources.note.iter().cloned().collect();
    let mut req = request_parts(args)?;
    notes.extend(app::complete(
        choice.provider,
        &mut req,
        Some(&sources.session_defaults()),
    ));
    require_domain(args, &req)?;
    let built = build_for(args, &choice, &req)?;
    let plan = &built.plan;
    let on_dup = if args.rotate {
        OnDuplicate::Rotate
    } else if args.replace {
        OnDuplicate::Replace
    } else {
        OnDuplicate::Refuse
    };
    let prepared = app::prepare(&sources, &built, on_dup)?;
    let out = &prepared.merge;

    let mut written = None;
    if !args.dry_run {
        if !args.yes && !confirm(path, &out.diff, &out.warnings)? {
            return Ok(exit::ERROR);
        }
        let opts = config::WriteOptions {
            private: args.chmod,
        };
        let w = app::apply(&sources, &prepared, opts)?;
        notes.extend(w.exposure_warning());
        written = Some(w);
    }
    let what = format!("client '{}' {}", plan.client.client_id, out.action.as_str());
    super::ship::log_write(path, &what, written.as_ref());

    if args.json {
        let mut m = built.json.clone();
        m.insert("config_path".into(), json!(path.display().to_string()));
        m.insert("written".into(), json!(written.is_some()));
        m.insert(
            "backup_path".into(),
            json!(
                written
                    .as_ref()
                    .map(|w| w.backup_path.display().to_string())
            ),
        );
        m.insert(
            "file_mode".into(),
            json!(
                written
                    .as_ref()
                    .and_then(|w| w.mode)
                    .map(|m| format!("{m:04o}"))
            ),
        );
        m.insert("diff".into(), json!(out.diff));
        m.insert("action".into(), json!(out.action.as_str()));
        m.insert("first_time_setup".into(), json!(out.first_time_setup));
        m.insert("provider_keys_added".into(), json!(out.provider_keys_added));
        m.insert("additions_added".into(), json!(out.additions_added));
        m.insert("top_level_added".into(), json!(out.top_level_added));
        if let Some(Value::Array(w)) = m.get_mut("warnings") {
            w.extend(out.warnings.iter().map(|x| json!(x)));
            w.extend(notes.iter().map(|x| json!(x)));
        }
        super::print_json(&Value::Object(m));
        return Ok(exit::OK);
    }
    let mut so = std::io::stdout().lock();
    if args.dry_run {
        let _ = write!(so, "{}", out.diff);
        let mut err = std::io::stderr().lock();
        for w in out.warnings.iter().chain(&notes) {
            let _ = writeln!(err, "warning: {w}");
        }
        let _ = writeln!(err, "dry run: nothing was written to {}", path.display());
        return Ok(exit::OK);
    }
    let w = written
        .as_ref()
        .ok_or_else(|| Error::input("nothing was written"))?;
    let _ = writeln!(
        so,
        "== Authelia: client '{}' {} in {}\n\n  backup: {}",
        plan.client.client_id,
        out.action.as_str(),
        path.display(),
        w.backup_path.display(),
    );
    if let Some(what) = config::provider_keys_text(&out.provider_keys_added) {
        let _ = writeln!(so, "  first-time setup: {what}");
    }
    let (top, oidc): (Vec<&String>, Vec<&String>) = out
        .additions_added
        .iter()
        .partition(|a| out.top_level_added.contains(a));
    for (list, place) in [
        (oidc, "under identity_providers.oidc"),
        (top, "at the top level"),
    ] {
        if !list.is_empty() {
            let names: Vec<&str> = list.iter().map(|s| s.as_str()).collect();
            let _ = writeln!(so, "  also added {place}: {}", names.join(", "));
        }
    }
    for n in out.warnings.iter().chain(&notes) {
        let _ = writeln!(so, "  warning: {n}");
    }
    let _ = writeln!(so, "  Restart Authelia to load the change.\n");
    // The rest of the report: values, steps, env; not the client YAML, which is now in the file.
    let report = render::report(plan);
    let marker = format!("== {}: values", plan.app_name);
    let rest = report
        .find(&marker)
        .map(|i| &report[i..])
        .unwrap_or(&report);
    let _ = write!(so, "{rest}");
    Ok(exit::OK)
}

/// `oidc-wizard check --config PATH...`: checks the file of the configuration that holds the
/// clients.
pub fn check_command(paths: &[PathBuf], json: bool) -> Result<u8> {
    let sources = load_sources(paths)?;
    let report = check::check(sources.target())?;
    if json {
        super::print_json(&serde_json::to_value(&report).unwrap_or(Value::Null));
    } else {
        print!("{}", check::report_text(&report));
    }
    Ok(if report.clean() {
        exit::OK
    } else {
        exit::ERROR
    })
}

/// Shows the diff and the warnings on stderr and asks whether to write `path` (a terminal is
/// needed; without one the answer is to pass `--yes`). `false`: the user said no (said so).
pub fn confirm(path: &Path, diff: &str, warnings: &[String]) -> Result<bool> {
    if !std::io::stdin().is_terminal() {
        return Err(Error::file(
            path,
            "not written: stdin is not a terminal, so there is no one to confirm; pass --yes to write (or --dry-run to see the diff)",
        ));
    }
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{diff}");
    for w in warnings {
        let _ = writeln!(err, "warning: {w}");
    }
    let _ = write!(err, "Write these changes to {}? [y/N] ", path.display());
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
        return Ok(true);
    }
    let _ = writeln!(
        err,
        "oidc-wizard: nothing was written to {}",
        path.display()
    );
    Ok(false)
}
