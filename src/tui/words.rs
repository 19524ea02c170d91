//! The wizard's wording of the core's errors: where the command line names a flag as the way
//! out (`--replace`, `--yes`), the wizard names its key. Everything else reads as the core says.

use crate::error::{Conflict, Error};

/// An error as the wizard shows it.
pub fn error(e: &Error) -> String {
    match e {
        Error::Conflict {
            client_id,
            kind,
            line,
            ..
        } => {
            let at = line
                .map(|l| format!("line {}: ", l + 1))
                .unwrap_or_default();
            match kind {
                Conflict::NoClientToRotate => format!(
                    "the configuration has no client '{client_id}' to rotate now; go back (Esc) and Enter writes it as a new client"
                ),
                Conflict::NoSecretToRotate => format!(
                    "{at}the existing client '{client_id}' has no client_secret to rotate; p replaces the whole client"
                ),
                Conflict::SecretNotOneLine => format!(
                    "{at}the secret of client '{client_id}' is not a one-line value; p replaces the whole client"
                ),
            }
        }
        Error::Exists { path } => format!(
            "{} already exists; y overwrites it, or type another path",
            path.display()
        ),
        Error::DuplicateClient { path, client_id } => format!(
            "{}: a client with id '{client_id}' already exists; r rotates its secret, p replaces it, or go back and change the client id",
            path.display()
        ),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn no_flag_reaches_the_wizard() {
        let path = PathBuf::from("/c.yml");
        let all = [
            Error::Conflict {
                path: path.clone(),
                client_id: "a".into(),
                kind: Conflict::NoClientToRotate,
                line: None,
            },
            Error::Conflict {
                path: path.clone(),
                client_id: "a".into(),
                kind: Conflict::NoSecretToRotate,
                line: Some(3),
            },
            Error::Conflict {
                path: path.clone(),
                client_id: "a".into(),
                kind: Conflict::SecretNotOneLine,
                line: Some(3),
            },
            Error::Exists { path: path.clone() },
            Error::DuplicateClient {
                path,
                client_id: "a".into(),
            },
        ];
        for e in &all {
            let cli = e.to_string();
            let wiz = error(e);
            assert!(cli.contains("--"), "the command line names its flag: {cli}");
            assert!(
                !wiz.contains("--"),
                "the wizard names keys, not flags: {wiz}"
            );
        }
    }
}
