//! `oidc-wizard add APP --provider P` for a provider whose client is a new file (an authentik
//! blueprint): printed, or written with `--out`.

use super::AddArgs;
use super::add::{build_for, request_of};
use crate::app::{self, Choice};
use crate::error::{Error, Result};
use crate::exit;
use crate::provider::Provider;

/// Runs `add` for a provider that hands over a file.
pub fn add_command(args: &AddArgs, provider: &'static dyn Provider) -> Result<u8> {
    let name = provider.name();
    for (flag, set) in [
        ("--dry-run", args.dry_run),
        ("--replace", args.replace),
        ("--rotate", args.rotate),
    ] {
        if set {
            return Err(Error::input(format!(
                "{flag} edits Authelia's configuration.yml; with --provider {} use --out <PATH> to write the file",
                provider.id()
            )));
        }
    }
    if args.policy.is_some() && !provider.takes_policy() {
        return Err(Error::input(format!(
            "--policy is an Authelia setting; in {name}, bind groups or users to the application to limit who may sign in"
        )));
    }
    if args.apply && provider.id() != crate::provider::pocket_id::ID {
        return Err(Error::input(format!(
            "--apply makes Pocket ID's API calls; with --provider {} save the file with --out",
            provider.id()
        )));
    }
    let choice = Choice::find(provider.id(), &args.app, args.variant.as_deref())?;
    let out = build_for(args, &choice, &request_of(args)?)?;
    if let Some(key_file) = args.api_key_file.as_deref().filter(|_| args.apply) {
        let key = std::fs::read_to_string(key_file).map_err(|e| {
            Error::input(format!(
                "cannot read the API key file {}: {e}",
                key_file.display()
            ))
        })?;
        let applied = crate::provider::pocket_id::apply(&out.plan.resolved.auth_url, &key, &out)?;
        if args.json {
            let mut m = out.json.clone();
            m.insert("applied".into(), serde_json::Value::Bool(true));
            m.insert(
                "calls".into(),
                serde_json::json!(
                    applied
                        .calls
                        .iter()
                        .map(|(m, p, s)| serde_json::json!({"method": m, "path": p, "status": s}))
                        .collect::<Vec<_>>()
                ),
            );
            super::print_json(&serde_json::Value::Object(m));
        } else {
            let mut s = out.report.clone();
            s.push_str(
                "
== Applied

",
            );
            for (m, p, st) in &applied.calls {
                s.push_str(&format!("  {m} {p}: HTTP {st}\n"));
            }
            print!("{s}");
        }
        return Ok(exit::OK);
    }
    let written = match &args.out {
        Some(path) => Some(app::save_new_file(&out, path, args.yes)?),
        None => None,
    };
    if args.json {
        let mut m = out.json.clone();
        if let Some(w) = &written {
            let path = serde_json::Value::String(w.display().to_string());
            if provider.id() == "authentik" {
                m.insert("blueprint_path".into(), path);
            } else {
                m.insert("file_path".into(), path);
            }
        }
        super::print_json(&serde_json::Value::Object(m));
    } else {
        let mut s = out.report.clone();
        if let Some(w) = &written {
            s.push_str(&format!("\n== Written\n\n  {}", w.display()));
            if out.secret.is_some() && provider.id() == "authentik" {
                s.push_str(&format!(
                    " (mode 0600: it holds the client secret in plaintext; the {name} worker must be able to read it)"
                ));
            } else if out.secret.is_some() {
                s.push_str(
                    " (mode 0600: it holds the client secret in plaintext; delete it once used)",
                );
            }
            s.push('\n');
        }
        print!("{s}");
    }
    Ok(exit::OK)
}
