//! The library's error type: every failure the core can report, each one line of text.

use std::path::PathBuf;

/// What can go wrong in the core. `Display` is the one line the binary prints on stderr.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user typed or passed is not acceptable; the text says which and why.
    #[error("{0}")]
    Input(String),
    /// The command line misses something clap cannot require on its own (exit code 2).
    #[error("{0} (see 'oidc-wizard --help')")]
    Usage(String),
    /// An app slug that is not in the catalog.
    #[error("unknown app '{name}'{}", suggest(.suggestions))]
    UnknownApp {
        /// What the user asked for.
        name: String,
        /// The nearest catalog slugs.
        suggestions: Vec<String>,
    },
    /// A catalog asset that does not load or does not validate (a bug in the shipped data).
    #[error("catalog entry '{slug}': {message}")]
    Catalog {
        /// The file's slug.
        slug: String,
        /// What is wrong.
        message: String,
    },
    /// A built client that Authelia would reject.
    #[error("client '{client_id}' would be rejected by Authelia: {message}")]
    Invalid {
        /// The client's id.
        client_id: String,
        /// Authelia's rule that fails.
        message: String,
    },
    /// A digest string that is not in a format this tool understands.
    #[error("not a digest this tool can verify: {0}")]
    Digest(String),
    /// The operating system's random number generator failed.
    #[error("the system random number generator failed: {0}")]
    Random(String),
    /// The configuration already has a client with this id (offer rotate / replace / another id).
    #[error("{}: a client with id '{client_id}' already exists; use --rotate to change only its secret, --replace to replace it, or --client-id for another id", .path.display())]
    DuplicateClient {
        /// The configuration file.
        path: PathBuf,
        /// The id.
        client_id: String,
    },
    /// A change to an existing client that cannot be made as asked; each front end words the
    /// way out in its own terms (the command line's flags, the wizard's keys).
    #[error("{}: {}", .path.display(), .kind.command_line_text(.client_id, *.line))]
    Conflict {
        /// The configuration file.
        path: PathBuf,
        /// The client.
        client_id: String,
        /// What stands in the way.
        kind: Conflict,
        /// The 0-based line of the value concerned, when there is one.
        line: Option<usize>,
    },
    /// A new file would replace one that exists (allowed only when the user says so).
    #[error("{}: already exists; pass --yes to overwrite it", .path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A file problem, with the file's path.
    #[error("{}: {message}", .path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong, in one line.
        message: String,
    },
    /// Any other I/O failure.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

fn suggest(s: &[String]) -> String {
    if s.is_empty() {
        "; run 'oidc-wizard apps' for the list".to_string()
    } else {
        format!("; did you mean {}?", s.join(", "))
    }
}

impl Error {
    /// Shorthand for an [`Error::Input`].
    pub fn input(msg: impl Into<String>) -> Self {
        Error::Input(msg.into())
    }

    /// Shorthand for an [`Error::File`].
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::File {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What stands in the way of a change to an existing client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// A rotate was asked for a client the configuration does not have.
    NoClientToRotate,
    /// The client has no `client_secret` to rotate (replace it instead).
    NoSecretToRotate,
    /// The client's secret is not a one-line value (replace the client instead).
    SecretNotOneLine,
}

impl Conflict {
    /// The command line's wording (with its flags).
    pub fn command_line_text(self, client_id: &str, line: Option<usize>) -> String {
        let at = line
            .map(|l| format!("line {}: ", l + 1))
            .unwrap_or_default();
        match self {
            Conflict::NoClientToRotate => format!(
                "there is no client '{client_id}' whose secret --rotate could change; leave out --rotate to add it"
            ),
            Conflict::NoSecretToRotate => format!(
                "{at}the existing client '{client_id}' has no client_secret to rotate; use --replace"
            ),
            Conflict::SecretNotOneLine => format!(
                "{at}the secret of client '{client_id}' is not a one-line value; use --replace"
            ),
        }
    }
}
