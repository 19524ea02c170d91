//! `oidc-wizard add APP --provider authentik`: the blueprint for an app, printed or written
//! with `--out`.

use super::AddArgs;
use crate::catalog;
use crate::error::{Error, Result};
use crate::exit;
use crate::provider::authentik::{ClientType, blueprint, find, plan, resolve, write_blueprint};
use crate::secret;

/// `oidc-wizard add APP --provider authentik`.
pub fn add_command(args: &AddArgs) -> Result<u8> {
    for (flag, set) in [
        ("--dry-run", args.dry_run),
        ("--replace", args.replace),
        ("--rotate", args.rotate),
    ] {
        if set {
            return Err(Error::input(format!(
                "{flag} edits Authelia's configuration.yml; with --provider authentik use --out <PATH> to write the blueprint"
            )));
        }
    }
    if args.policy.is_some() {
        return Err(Error::input(
            "--policy is an Authelia setting; in authentik, bind groups or users to the application to limit who may sign in",
        ));
    }
    let entry = catalog::find(&args.app)?;
    let ak = find(&entry.slug)?;
    if let Some(v) = args
        .variant
        .as_deref()
        .filter(|v| !v.is_empty() && *v != "default")
        && ak.catalog_variant.as_deref() != Some(v)
    {
        let covers = match &ak.catalog_variant {
            Some(c) => format!("the '{c}' setup"),
            None => "its main setup".to_string(),
        };
        return Err(Error::input(format!(
            "authentik documents {} only for {covers}; drop --variant {v}",
            entry.name
        )));
    }
    let req = super::request_of(args)?;
    let resolved = resolve(entry, &req)?;
    let secret = if ak.client_type == ClientType::Confidential {
        let charset: secret::Charset = args.charset.parse()?;
        Some(secret::generate(args.length, charset)?)
    } else {
        None
    };
    let bp = plan(entry, &resolved, secret.as_deref())?;
    let written = match &args.out {
        Some(path) => Some(write_blueprint(path, &bp, args.yes)?),
        None => None,
    };
    if args.json {
        let mut m = blueprint::json(&bp);
        if let Some(w) = &written {
            m.insert(
                "blueprint_path".into(),
                serde_json::Value::String(w.display().to_string()),
            );
        }
        super::print_json(&serde_json::Value::Object(m));
    } else {
        let mut s = blueprint::report(&bp);
        if let Some(w) = &written {
            s.push_str(&format!("\n== Written\n\n  {}", w.display()));
            if bp.client_secret.is_some() {
                s.push_str(" (mode 0600: it holds the client secret in plaintext; the authentik worker must be able to read it)");
            }
            s.push('\n');
        }
        print!("{s}");
    }
    Ok(exit::OK)
}
