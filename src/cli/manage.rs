//! Handlers of the commands that look after the clients already in a configuration: `clients`
//! (list them) and `restore` (put a backup back).

use super::config::confirm;
use super::print_json;
use crate::config::{self, backups, clients, load_sources};
use crate::error::{Error, Result};
use crate::exit;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `oidc-wizard clients --config PATH [--json]`.
pub fn clients(paths: &[PathBuf], json_out: bool) -> Result<u8> {
    let sources = load_sources(paths)?;
    let doc = sources.target();
    let rows = clients::list(doc)?;
    if json_out {
        print_json(&serde_json::to_value(&rows).unwrap_or_default());
        return Ok(exit::OK);
    }
    let mut so = std::io::stdout().lock();
    if rows.is_empty() {
        let _ = writeln!(so, "{}: no OpenID Connect clients", doc.path.display());
        return Ok(exit::OK);
    }
    let _ = writeln!(
        so,
        "{}: {} client{}",
        doc.path.display(),
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    for r in &rows {
        let kind = if r.public { "public" } else { "confidential" };
        let app = r
            .app
            .as_deref()
            .map(|a| format!(" app {a},"))
            .unwrap_or_default();
        let line = r.line.map(|l| format!("line {l}: ")).unwrap_or_default();
        let _ = writeln!(
            so,
            "\n  {line}{}{}\n    {kind},{app} {}, policy {}",
            r.client_id,
            r.client_name
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default(),
            r.auth_method,
            r.policy
        );
        for u in &r.redirect_uris {
            let _ = writeln!(so, "    redirect {u}");
        }
        for f in &r.findings {
            let word = match f.severity {
                crate::client::Severity::Error => "error",
                crate::client::Severity::Warning => "warning",
            };
            let _ = writeln!(so, "    {word}: {}", f.message);
        }
    }
    Ok(exit::OK)
}

/// What `restore` was asked.
#[derive(Debug, Clone)]
pub struct RestoreArgs {
    /// `--backup FILE` (default: the newest).
    pub backup: Option<PathBuf>,
    /// `--list`.
    pub list: bool,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--yes`.
    pub yes: bool,
    /// `--json`.
    pub json: bool,
    /// `--keep N`.
    pub keep: usize,
}

/// `oidc-wizard restore --config PATH [--backup FILE] [--list]`.
pub fn restore(paths: &[PathBuf], a: &RestoreArgs) -> Result<u8> {
    let sources = load_sources(paths)?;
    let doc = sources.target();
    let path = doc.path.as_path();
    let all = backups::list(path)?;
    if a.list {
        if a.json {
            let v: Vec<_> = all
                .iter()
                .map(|b| json!({"path": b.path.display().to_string(), "stamp": b.stamp, "bytes": b.len}))
                .collect();
            print_json(&json!(v));
        } else if all.is_empty() {
            println!("{}: no backups", path.display());
        } else {
            for b in &all {
                println!("{}  {} bytes", b.path.display(), b.len);
            }
        }
        return Ok(exit::OK);
    }
    let backup = match &a.backup {
        Some(b) => b.clone(),
        None => all.first().map(|b| b.path.clone()).ok_or_else(|| {
            Error::file(
                path,
                "has no backups beside it (<name>.bak.<time>); give one with --backup FILE",
            )
        })?,
    };
    let change = backups::restore_change(doc, &backup)?;
    if a.dry_run {
        print!("{}", change.diff);
        eprintln!("dry run: nothing was written to {}", path.display());
        return Ok(exit::OK);
    }
    if !a.yes && !confirm(path, &change.diff, &[])? {
        return Ok(exit::ERROR);
    }
    let w = config::write_with(
        doc,
        &change,
        config::WriteOptions::default(),
        std::time::SystemTime::now(),
    )?;
    super::ship::log_write(
        path,
        &format!("restored from {}", backup.display()),
        Some(&w),
    );
    let pruned = backups::prune(path, a.keep);
    report_restored(path, &backup, &w, &pruned, a.json);
    Ok(exit::OK)
}

fn report_restored(
    path: &Path,
    from: &Path,
    w: &config::Written,
    pruned: &[PathBuf],
    json_out: bool,
) {
    if json_out {
        print_json(&json!({
            "config_path": path.display().to_string(),
            "restored_from": from.display().to_string(),
            "written": true,
            "backup_path": w.backup_path.display().to_string(),
            "pruned": pruned.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        }));
        return;
    }
    println!(
        "== {} restored from {}\n\n  backup of what it held: {}",
        path.display(),
        from.display(),
        w.backup_path.display()
    );
    if !pruned.is_empty() {
        println!("  removed {} old backup(s)", pruned.len());
    }
    println!("  Restart Authelia to load the change.");
}

/// What `rotate` was asked.
#[derive(Debug, Clone)]
pub struct RotateArgs {
    /// The client.
    pub client_id: String,
    /// `--length`.
    pub length: usize,
    /// `--charset`.
    pub charset: String,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--yes`.
    pub yes: bool,
    /// `--json`.
    pub json: bool,
    /// `--keep N`.
    pub keep: usize,
}

/// `oidc-wizard rotate <CLIENT_ID> --config PATH`: a new secret; only the client's
/// `client_secret` line changes.
pub fn rotate(paths: &[PathBuf], a: &RotateArgs) -> Result<u8> {
    let sources = load_sources(paths)?;
    let doc = sources.target();
    let path = doc.path.as_path();
    let rows = clients::list(doc)?;
    let row = clients::find(&rows, &a.client_id, path)?;
    if row.public {
        return Err(Error::file(
            path,
            format!(
                "client '{}' is public: it has no secret to rotate",
                a.client_id
            ),
        ));
    }
    let charset: crate::secret::Charset = a.charset.parse()?;
    let secret = crate::app::draw_secret(crate::provider::SecretNeed::Digest, a.length, charset)?;
    let plain = secret.plaintext().unwrap_or_default().to_string();
    let digest = secret.digest().unwrap_or_default().to_string();
    let change = clients::rotate(doc, &a.client_id, secret)?;
    sources.check_merge(&change)?;
    let steps = row
        .app
        .as_deref()
        .map(|app| clients::secret_steps(app, &a.client_id, &plain))
        .unwrap_or_default();
    let mut written = None;
    if !a.dry_run {
        if !a.yes && !confirm(path, &change.diff, &change.warnings)? {
            return Ok(exit::ERROR);
        }
        written = Some(config::write_with(
            doc,
            &change,
            config::WriteOptions::default(),
            std::time::SystemTime::now(),
        )?);
        backups::prune(path, a.keep);
    }
    super::ship::log_write(
        path,
        &format!("client '{}' secret rotated", a.client_id),
        written.as_ref(),
    );
    if a.json {
        print_json(&json!({
            "client_id": a.client_id,
            "client_secret": plain,
            "client_secret_digest": digest,
            "config_path": path.display().to_string(),
            "written": written.is_some(),
            "backup_path": written.as_ref().map(|w| w.backup_path.display().to_string()),
            "diff": change.diff,
            "app": row.app,
            "steps": steps,
            "warnings": change.warnings,
        }));
        return Ok(exit::OK);
    }
    let mut so = std::io::stdout().lock();
    if a.dry_run {
        let _ = write!(so, "{}", change.diff);
        eprintln!("dry run: nothing was written to {}", path.display());
        return Ok(exit::OK);
    }
    let backup = written
        .as_ref()
        .map(|w| w.backup_path.display().to_string())
        .unwrap_or_default();
    let _ = writeln!(
        so,
        "== Authelia: client '{}' has a new secret in {}\n\n  backup: {backup}",
        a.client_id,
        path.display()
    );
    for w in &change.warnings {
        let _ = writeln!(so, "  warning: {w}");
    }
    let _ = writeln!(
        so,
        "\n  New client secret (shown once; the file holds only its digest):\n\n    {plain}\n"
    );
    if steps.is_empty() {
        let _ = writeln!(
            so,
            "  Put it into the app where its client secret is set, now: the old one stops working when Authelia restarts."
        );
    } else {
        let _ = writeln!(
            so,
            "  Put it into the app now (the old one stops working when Authelia restarts):"
        );
        for s in &steps {
            let _ = writeln!(so, "    - {s}");
        }
    }
    let _ = writeln!(so, "\n  Restart Authelia to load the change.");
    Ok(exit::OK)
}
