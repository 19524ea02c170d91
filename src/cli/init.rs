//! `oidc-wizard init --domain D`: a first Authelia setup written into a directory (the core is
//! [`crate::init`]); here the first user's password is asked on the terminal (twice, not
//! echoed) or generated and shown once, and the result is printed.

use super::print_json;
use crate::error::{Error, Result};
use crate::init::{self, Request};
use crate::{exit, secret};
use serde_json::json;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

/// The parsed flags of `init`.
#[derive(Debug, Clone)]
pub struct InitArgs {
    /// `--domain`.
    pub domain: String,
    /// `--dir` (default `./authelia`).
    pub dir: Option<PathBuf>,
    /// `--auth-url`.
    pub auth_url: Option<String>,
    /// `--user`.
    pub user: Option<String>,
    /// `--email`.
    pub email: Option<String>,
    /// `--yes`: write over files of the same name in a directory that holds files.
    pub yes: bool,
    /// `--json`.
    pub json: bool,
}

/// The shortest password accepted on the terminal.
const MIN_PASSWORD: usize = 8;

/// Runs `init`.
pub fn run(args: InitArgs) -> Result<u8> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(init::DEFAULT_DIR));
    let req = Request {
        domain: args.domain.clone(),
        auth_url: args.auth_url.clone(),
        user: args.user.clone(),
        email: args.email.clone(),
    };
    // Every refusal comes before the password is asked for.
    let (_, _, user, _) = init::resolve(&req)?;
    init::check_target(&dir, args.yes)?;
    let ask = !args.json && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let (password, generated) = match ask {
        true => match ask_password(&user)? {
            Some(p) => (p, false),
            None => (init::generate_password()?, true),
        },
        false => (init::generate_password()?, true),
    };
    let digest = secret::argon2id_digest(&password)?;
    let secrets = init::Secrets::generate()?;
    let setup = init::build(&req, &secrets, &digest)?;
    let warnings = init::leftovers(&dir);
    let written = init::write(&dir, &setup, args.yes)?;
    let steps = init::next_steps(&setup, &dir);
    if args.json {
        let files: Vec<_> = setup
            .files
            .iter()
            .zip(&written)
            .map(|(f, p)| {
                json!({
                    "path": p.display().to_string(),
                    "mode": if f.private { "0600" } else { "0644" },
                })
            })
            .collect();
        let mut v = json!({
            "dir": dir.display().to_string(),
            "config_path": dir.join("configuration.yml").display().to_string(),
            "domain": setup.domain,
            "auth_url": setup.auth_url,
            "user": setup.user,
            "email": setup.email,
            "password_generated": generated,
            "files": files,
            "next_steps": steps,
            "warnings": warnings,
        });
        if generated {
            v["password"] = json!(password);
        }
        print_json(&v);
        return Ok(exit::OK);
    }
    let mut s = format!(
        "Authelia for {} written into {}:\n\n",
        setup.domain,
        dir.display()
    );
    for (f, p) in setup.files.iter().zip(&written) {
        let mode = if f.private { "  (mode 0600)" } else { "" };
        s.push_str(&format!("  {}{mode}\n", p.display()));
    }
    s.push_str(&format!(
        "\nPortal: {}/\nUser:   {}",
        setup.auth_url, setup.user
    ));
    if generated {
        s.push_str(&format!(
            "\nPassword (shown this once, keep it in your password manager): {password}"
        ));
    }
    for w in &warnings {
        s.push_str(&format!("\n\nWarning: {w}"));
    }
    s.push_str("\n\nNext:\n");
    for (i, step) in steps.iter().enumerate() {
        s.push_str(&format!("  {}. {step}\n", i + 1));
    }
    print!("{s}");
    Ok(exit::OK)
}

/// Asks for the password twice without echo; `None` when the user leaves it empty (then one is
/// generated).
fn ask_password(user: &str) -> Result<Option<String>> {
    let first = read_hidden(&format!(
        "Password for {user} (at least {MIN_PASSWORD} characters; empty: generate one): "
    ))?;
    if first.is_empty() {
        return Ok(None);
    }
    if first.chars().count() < MIN_PASSWORD {
        return Err(Error::input(format!(
            "the password is shorter than {MIN_PASSWORD} characters; run init again, or leave it empty to get a generated one"
        )));
    }
    let second = read_hidden("Again: ")?;
    if first != second {
        return Err(Error::input(
            "the two passwords differ; run init again (nothing was written)",
        ));
    }
    Ok(Some(first))
}

/// Prompts on stderr and reads one line from stdin with the terminal's echo off.
fn read_hidden(prompt: &str) -> Result<String> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    let restore = echo_off();
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if let Some(old) = restore {
        echo_restore(&old);
    }
    let _ = writeln!(err);
    read.map_err(|e| Error::input(format!("cannot read the password: {e}")))?;
    let p = line.strip_suffix('\n').unwrap_or(&line);
    let p = p.strip_suffix('\r').unwrap_or(p);
    Ok(p.to_string())
}

#[cfg(unix)]
fn echo_off() -> Option<libc::termios> {
    // SAFETY: tcgetattr/tcsetattr on the standard input's descriptor with a termios the call
    // fills; failures are reported by the return value and leave the terminal as it was.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
            return None;
        }
        let old = t;
        t.c_lflag &= !libc::ECHO;
        if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t) != 0 {
            return None;
        }
        Some(old)
    }
}

#[cfg(unix)]
fn echo_restore(old: &libc::termios) {
    // SAFETY: puts back the settings tcgetattr returned.
    unsafe {
        libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, old);
    }
}

#[cfg(not(unix))]
fn echo_off() -> Option<()> {
    None
}

#[cfg(not(unix))]
fn echo_restore(_: &()) {}
