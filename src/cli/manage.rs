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

/// What `remove` was asked.
#[derive(Debug, Clone, clap::Args)]
pub struct RemoveArgs {
    /// The client's id.
    #[arg(value_name = "CLIENT_ID")]
    pub client_id: String,
    /// Show the diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write without asking (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// How many backups to keep after the write.
    #[arg(long, value_name = "N", default_value_t = crate::config::backups::DEFAULT_KEEP)]
    pub keep: usize,
}

/// What `edit` was asked.
#[derive(Debug, Clone, clap::Args)]
pub struct EditArgs {
    /// The client's id.
    #[arg(value_name = "CLIENT_ID")]
    pub client_id: String,
    /// A key of the client to set, as KEY=VALUE (repeatable; a list key takes a comma-separated list).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// A redirect URI to add (repeatable).
    #[arg(long, value_name = "U")]
    pub add_redirect_uri: Vec<String>,
    /// A redirect URI to remove (repeatable).
    #[arg(long, value_name = "U")]
    pub remove_redirect_uri: Vec<String>,
    /// Authorization policy: one_factor, two_factor or one of the configuration's authorization_policies.
    #[arg(long, value_name = "P")]
    pub policy: Option<String>,
    /// Limit the client to a group (repeatable): creates or reuses authorization_policies.<app>
    /// (default_policy deny, one rule for the groups at --policy's factor, default two_factor).
    #[arg(long, value_name = "G")]
    pub group: Vec<String>,
    /// Consent: explicit (ask every time; Authelia's default), implicit (never ask) or
    /// pre-configured[:DURATION] (ask once, remember for DURATION, e.g. pre-configured:1w).
    #[arg(long, value_name = "MODE")]
    pub consent: Option<String>,
    /// Show the diff and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Write without asking (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// How many backups to keep after the write.
    #[arg(long, value_name = "N", default_value_t = crate::config::backups::DEFAULT_KEEP)]
    pub keep: usize,
}

/// Shows the diff (dry run), or asks and writes: what `remove` and `edit` share with `rotate`.
/// `None` when the user said no.
fn write_change(
    doc: &config::Document,
    change: &config::MergeOutput,
    dry_run: bool,
    yes: bool,
    keep: usize,
) -> Result<Option<Option<config::Written>>> {
    let path = doc.path.as_path();
    if dry_run {
        return Ok(Some(None));
    }
    if !yes && !confirm(path, &change.diff, &change.warnings)? {
        return Ok(None);
    }
    let w = config::write_with(
        doc,
        change,
        config::WriteOptions::default(),
        std::time::SystemTime::now(),
    )?;
    backups::prune(path, keep);
    Ok(Some(Some(w)))
}

/// Prints what `remove` or `edit` did, as rotate does (`--json`: one object).
fn report_change(
    path: &Path,
    a: (&str, bool, bool),
    change: &config::MergeOutput,
    written: Option<&config::Written>,
    mut extra: serde_json::Map<String, serde_json::Value>,
    headline: &str,
) {
    let (client_id, dry_run, json_out) = a;
    if json_out {
        extra.insert("client_id".into(), json!(client_id));
        extra.insert("config_path".into(), json!(path.display().to_string()));
        extra.insert("action".into(), json!(change.action.as_str()));
        extra.insert("written".into(), json!(written.is_some()));
        extra.insert(
            "backup_path".into(),
            json!(written.map(|w| w.backup_path.display().to_string())),
        );
        extra.insert("diff".into(), json!(change.diff));
        extra.insert("warnings".into(), json!(change.warnings));
        print_json(&serde_json::Value::Object(extra));
        return;
    }
    let mut so = std::io::stdout().lock();
    if dry_run {
        let _ = write!(so, "{}", change.diff);
        for w in &change.warnings {
            eprintln!("warning: {w}");
        }
        eprintln!("dry run: nothing was written to {}", path.display());
        return;
    }
    let backup = written
        .map(|w| w.backup_path.display().to_string())
        .unwrap_or_default();
    let _ = writeln!(
        so,
        "== Authelia: {headline} in {}\n\n  backup: {backup}",
        path.display()
    );
    for w in &change.warnings {
        let _ = writeln!(so, "  warning: {w}");
    }
    let _ = writeln!(so, "\n  Restart Authelia to load the change.");
}

/// `oidc-wizard remove <CLIENT_ID> --config PATH`: the client's lines go, and the claims and
/// authorization policies only it named.
pub fn remove(paths: &[PathBuf], a: &RemoveArgs) -> Result<u8> {
    let sources = load_sources(paths)?;
    let doc = sources.target();
    let path = doc.path.as_path();
    let removal = config::edit::remove(doc, &a.client_id)?;
    let change = &removal.output;
    let Some(written) = write_change(doc, change, a.dry_run, a.yes, a.keep)? else {
        return Ok(exit::ERROR);
    };
    let mut extra = serde_json::Map::new();
    extra.insert("removed".into(), json!(removal.orphans_removed));
    let also = if removal.orphans_removed.is_empty() {
        String::new()
    } else {
        format!(
            " with what only it used ({})",
            removal.orphans_removed.join(", ")
        )
    };
    report_change(
        path,
        (&a.client_id, a.dry_run, a.json),
        change,
        written.as_ref(),
        extra,
        &format!("client '{}' was removed{also}", a.client_id),
    );
    Ok(exit::OK)
}

/// `oidc-wizard edit <CLIENT_ID> --config PATH [--set KEY=VALUE]... [--add-redirect-uri U]
/// [--remove-redirect-uri U] [--policy P] [--consent MODE]`: only the lines of those keys
/// change.
pub fn edit(paths: &[PathBuf], a: &EditArgs) -> Result<u8> {
    let mut set = vec![];
    for s in &a.set {
        let Some((k, v)) = s.split_once('=') else {
            return Err(Error::Usage(format!("--set {s}: expected KEY=VALUE")));
        };
        set.push((k.to_string(), v.to_string()));
    }
    let req = config::edit::EditRequest {
        set,
        add_redirect_uris: a.add_redirect_uri.clone(),
        remove_redirect_uris: a.remove_redirect_uri.clone(),
        policy: a.policy.clone(),
        consent: a.consent.clone(),
        groups: a.group.clone(),
    };
    let sources = load_sources(paths)?;
    let doc = sources.target();
    let path = doc.path.as_path();
    let edited = config::edit::edit(doc, &a.client_id, &req)?;
    let change = &edited.output;
    sources.check_merge(change)?;
    let Some(written) = write_change(doc, change, a.dry_run, a.yes, a.keep)? else {
        return Ok(exit::ERROR);
    };
    let mut extra = serde_json::Map::new();
    extra.insert("keys".into(), json!(edited.keys));
    extra.insert("added".into(), json!(change.additions_added));
    report_change(
        path,
        (&a.client_id, a.dry_run, a.json),
        change,
        written.as_ref(),
        extra,
        &format!(
            "client '{}' changed ({})",
            a.client_id,
            edited.keys.join(", ")
        ),
    );
    Ok(exit::OK)
}
