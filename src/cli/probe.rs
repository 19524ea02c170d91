//! Handlers of `test` (prove a client works: validate, restart, probe the live provider) and
//! `explain` (an error line -> cause, field, command). Also the runner that starts external
//! programs for the probe, with a timeout.

use super::print_json;
use crate::config::load_sources;
use crate::error::{Error, Result};
use crate::exit;
use crate::probe::{self, Line, Status, authelia, explain, http, run};
use serde_json::json;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What `test` was asked.
#[derive(Debug, Clone)]
pub struct TestArgs {
    /// The client's id.
    pub client_id: String,
    /// `--auth-url`.
    pub auth_url: Option<String>,
    /// `--json`.
    pub json: bool,
    /// `--ca FILE`.
    pub ca: Option<PathBuf>,
    /// `--insecure`.
    pub insecure: bool,
    /// `--restart`.
    pub restart: bool,
}

/// Runs programs with `std::process`, stopping them at the timeout.
pub struct ProcessRunner;

impl run::Runner for ProcessRunner {
    fn run(
        &self,
        program: &str,
        args: &[String],
        timeout: Duration,
    ) -> std::result::Result<run::Ran, String> {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let drain = |r: Option<Box<dyn Read + Send>>| {
            std::thread::spawn(move || {
                let mut buf = Vec::new();
                if let Some(r) = r {
                    let _ = r.take(1 << 20).read_to_end(&mut buf);
                }
                buf
            })
        };
        let out = drain(
            child
                .stdout
                .take()
                .map(|r| Box::new(r) as Box<dyn Read + Send>),
        );
        let err = drain(
            child
                .stderr
                .take()
                .map(|r| Box::new(r) as Box<dyn Read + Send>),
        );
        let start = Instant::now();
        let (code, timed_out) = loop {
            match child.try_wait() {
                Ok(Some(status)) => break (status.code(), false),
                Ok(None) if start.elapsed() >= timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break (None, true);
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => return Err(e.to_string()),
            }
        };
        let mut text = String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned();
        text.push_str(&String::from_utf8_lossy(&err.join().unwrap_or_default()));
        Ok(run::Ran {
            code,
            text,
            timed_out,
        })
    }

    fn on_path(&self, program: &str) -> bool {
        std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| is_executable(&dir.join(program)))
        })
    }
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// `oidc-wizard test <CLIENT_ID> --config PATH [--auth-url U] [--json] [--ca FILE]
/// [--insecure] [--restart]`.
pub fn test(paths: &[PathBuf], a: &TestArgs) -> Result<u8> {
    let sources = load_sources(paths)?;
    let doc = sources.target();
    let facts = probe::client_facts(doc, &a.client_id)?;
    let issuer = match a
        .auth_url
        .clone()
        .or(sources.session_defaults().authelia_url)
    {
        Some(u) => u,
        None => {
            return Err(Error::input(
                "test needs Authelia's URL: pass --auth-url https://auth.example.com (the configuration's session.cookies has no authelia_url)",
            ));
        }
    };
    if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
        return Err(Error::input(format!(
            "--auth-url {issuer}: must start with https:// (or http://)"
        )));
    }
    let mut trust = http::Trust {
        insecure: a.insecure,
        ..Default::default()
    };
    if let Some(ca) = &a.ca {
        trust = trust.with_ca_file(ca)?;
    }
    let client = http::Client::new(&trust)?;
    let runner = ProcessRunner;
    let install = authelia::find(&runner);
    let mut lines = vec![authelia::validate(&runner, &install, paths)];
    let restart = authelia::restart(&runner, &install, a.restart);
    let restarted = restart.passed();
    lines.push(restart);
    if restarted {
        // Give Authelia time to come back before the probe.
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) && client.get(&url).is_err() {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    lines.extend(probe::probe_live(&client, &issuer, &facts));
    let passed = probe::all_pass(&lines);
    if a.json {
        print_json(&json!({
            "client_id": facts.client_id,
            "issuer": issuer,
            "passed": passed,
            "results": lines,
        }));
    } else {
        let mut so = std::io::stdout().lock();
        for l in &lines {
            let _ = writeln!(so, "{}", line_text(l));
        }
        let _ = writeln!(
            so,
            "{}",
            if passed {
                "all checks passed"
            } else {
                "some checks failed"
            }
        );
    }
    Ok(if passed { exit::OK } else { exit::ERROR })
}

/// One result as one line: status, check, what was found, and the fix.
fn line_text(l: &Line) -> String {
    let word = match l.status {
        Status::Pass => "ok  ",
        Status::Fail => "FAIL",
        Status::Skip => "skip",
    };
    match &l.fix {
        Some(f) => format!("{word} {}: {} -> {f}", l.check, l.message),
        None => format!("{word} {}: {}", l.check, l.message),
    }
}

/// `oidc-wizard explain [--text T] [--json]` (stdin when no --text).
pub fn explain_command(text: Option<String>, json_out: bool) -> Result<u8> {
    let text = match text {
        Some(t) => t,
        None => {
            let mut s = String::new();
            std::io::stdin()
                .take(1 << 20)
                .read_to_string(&mut s)
                .map_err(|e| Error::input(format!("stdin: {e}")))?;
            s
        }
    };
    if text.trim().is_empty() {
        return Err(Error::input(
            "explain needs the error text: --text '...' or on stdin",
        ));
    }
    let found = explain::explain(&text);
    if json_out {
        print_json(&serde_json::to_value(&found).unwrap_or_default());
    } else {
        let mut so = std::io::stdout().lock();
        if found.is_empty() {
            let _ = writeln!(
                so,
                "no known message in the text; run 'oidc-wizard check --config <PATH>' and look for the line before it in Authelia's log"
            );
        }
        for (i, e) in found.iter().enumerate() {
            if i > 0 {
                let _ = writeln!(so);
            }
            let _ = writeln!(so, "{}: {}", e.id, e.cause);
            let _ = writeln!(so, "  change: {}", e.field);
            if let Some(c) = &e.command {
                let _ = writeln!(so, "  run:    {c}");
            }
            let _ = writeln!(so, "  source: {}", e.source);
        }
    }
    Ok(if found.is_empty() {
        exit::ERROR
    } else {
        exit::OK
    })
}
