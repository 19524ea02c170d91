//! The `oidc-wizard` binary: parse the command line, run, map the outcome to an exit code.

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
        eprintln!("oidc-wizard: internal error: {msg}");
    }));
    oidc_wizard::exit::code(oidc_wizard::cli::main())
}
