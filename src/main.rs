//! The `oidc-wizard` binary: parse the command line, run, map the outcome to an exit code.

use oidc_wizard::{cli, tui};
use std::process::ExitCode;

fn main() -> ExitCode {
    // A bug must not print a backtrace at the user: one line, a non-zero exit.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        // The reader of our output went away (`oidc-wizard apps | head -3`): end quietly, as a
        // program killed by SIGPIPE does, instead of calling it an internal error. Only the
        // standard streams' print macros panic this way; the wizard and file writes never do.
        if is_closed_pipe(&msg) {
            std::process::exit(i32::from(oidc_wizard::exit::BROKEN_PIPE));
        }
        eprintln!("oidc-wizard: internal error: {msg}");
    }));
    oidc_wizard::exit::code(oidc_wizard::cli::main(open_wizard))
}

/// Opens the wizard with the command line's options.
fn open_wizard(w: cli::Wizard) -> oidc_wizard::Result<u8> {
    tui::launch(tui::Options {
        config: w.config,
        color: match w.color {
            cli::ColorChoice::Auto => tui::ColorChoice::Auto,
            cli::ColorChoice::Always => tui::ColorChoice::Always,
            cli::ColorChoice::Never => tui::ColorChoice::Never,
        },
        mouse: w.mouse,
    })
}

/// Whether a panic message is the one `println!`/`eprintln!` give when the other end of the
/// stream was closed (`failed printing to stdout: Broken pipe (os error 32)`).
fn is_closed_pipe(msg: &str) -> bool {
    (msg.starts_with("failed printing to stdout") || msg.starts_with("failed printing to stderr"))
        && msg.contains("Broken pipe")
}
