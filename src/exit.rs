//! Exit codes of the `oidc-wizard` binary, documented in one place.
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | success (for `verify`: the password matches; for `check`: no findings) |
//! | 1 | an error: bad input, a file that cannot be read or written, a refused merge; for `verify`: no match; for `check`: findings |
//! | 2 | usage: unknown subcommand or flag, missing argument, or the wizard started without a terminal; for `verify`: a digest it cannot check |
//! | 130 | interrupted (Ctrl-C) |
//! | 141 | the reader of the output went away (`oidc-wizard apps \| head -3`); nothing is printed |
//!
//! Every error is printed as one line on stderr, `oidc-wizard: <what went wrong>`.

use std::process::ExitCode;

/// Success.
pub const OK: u8 = 0;
/// An error (bad input, I/O, a refused merge), a `verify` mismatch or `check` findings.
pub const ERROR: u8 = 1;
/// Bad usage of the command line, or the wizard asked for without a terminal.
pub const USAGE: u8 = 2;
/// The user interrupted the program.
pub const INTERRUPTED: u8 = 130;

/// The output's reader closed the pipe: 128 + SIGPIPE, what a shell reports for a program that
/// SIGPIPE ended.
pub const BROKEN_PIPE: u8 = 141;

/// Turns one of the constants above into an [`ExitCode`].
pub fn code(c: u8) -> ExitCode {
    ExitCode::from(c)
}
