//! `oidc-wizard init --domain D`: a first Authelia setup written into a directory (the core is
//! [`crate::init`]); here the first user's password is asked on the terminal (twice, not
//! echoed) or generated and shown once, and the result is printed.

use super::print_json;
use crate::error::{Error, Result};
use crate::init::{self, Request};
use crate::{exit, secret};
use serde_json::json;
use std::io::{IsTerminal, Write};
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
            Answer::Typed(p) => (p, false),
            Answer::Empty => (init::generate_password()?, true),
            Answer::Interrupted => return Ok(exit::INTERRUPTED),
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

/// What the user answered at a password prompt.
enum Answer {
    /// A password (never empty).
    Typed(String),
    /// An empty line (or end of input): generate one.
    Empty,
    /// Ctrl-C.
    Interrupted,
}

/// Asks for the password twice without echo.
fn ask_password(user: &str) -> Result<Answer> {
    let first = match read_hidden(&format!(
        "Password for {user} (at least {MIN_PASSWORD} characters; empty: generate one): "
    ))? {
        Answer::Typed(p) => p,
        other => return Ok(other),
    };
    if first.chars().count() < MIN_PASSWORD {
        return Err(Error::input(format!(
            "the password is shorter than {MIN_PASSWORD} characters; run init again, or leave it empty to get a generated one"
        )));
    }
    match read_hidden("Again: ")? {
        Answer::Typed(second) if second == first => Ok(Answer::Typed(first)),
        Answer::Interrupted => Ok(Answer::Interrupted),
        _ => Err(Error::input(
            "the two passwords differ; run init again (nothing was written)",
        )),
    }
}

/// Prompts on stderr and reads one line from the terminal with echo off, key by key (so Ctrl-C
/// is seen here and the terminal's settings are always put back).
fn read_hidden(prompt: &str) -> Result<Answer> {
    use std::io::Read;
    let mut err = std::io::stderr();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    let restore = raw_mode();
    let mut bytes = Vec::new();
    let mut stdin = std::io::stdin().lock();
    let mut interrupted = false;
    let mut failure = None;
    loop {
        let mut b = [0u8; 1];
        match stdin.read(&mut b) {
            Ok(0) => break,
            Ok(_) => match b[0] {
                b'\r' | b'\n' => break,
                0x03 => {
                    interrupted = true;
                    break;
                }
                0x04 if bytes.is_empty() => break,
                0x7f | 0x08 => {
                    // Backspace: drop the last character (all its UTF-8 bytes).
                    while let Some(last) = bytes.pop() {
                        if last & 0xC0 != 0x80 {
                            break;
                        }
                    }
                }
                0x15 => bytes.clear(), // Ctrl-U
                c => bytes.push(c),
            },
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    if let Some(old) = restore {
        restore_mode(&old);
    }
    let _ = writeln!(err);
    if let Some(e) = failure {
        return Err(Error::input(format!("cannot read the password: {e}")));
    }
    if interrupted {
        return Ok(Answer::Interrupted);
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::input("the password is not valid UTF-8 text"))?;
    Ok(if text.is_empty() {
        Answer::Empty
    } else {
        Answer::Typed(text)
    })
}

#[cfg(unix)]
fn raw_mode() -> Option<libc::termios> {
    // SAFETY: tcgetattr/tcsetattr on the standard input's descriptor with a termios the call
    // fills; failures are reported by the return value and leave the terminal as it was.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(libc::STDIN_FILENO, &mut t) != 0 {
            return None;
        }
        let old = t;
        // No echo, key by key, Ctrl-C as a key (read above) rather than a signal.
        t.c_lflag &= !(libc::ECHO | libc::ICANON | libc::ISIG);
        t.c_cc[libc::VMIN] = 1;
        t.c_cc[libc::VTIME] = 0;
        if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &t) != 0 {
            return None;
        }
        Some(old)
    }
}

#[cfg(unix)]
fn restore_mode(old: &libc::termios) {
    // SAFETY: puts back the settings tcgetattr returned.
    unsafe {
        libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, old);
    }
}

#[cfg(not(unix))]
fn raw_mode() -> Option<()> {
    None
}

#[cfg(not(unix))]
fn restore_mode(_: &()) {}
