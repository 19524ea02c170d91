//! The command line: clap definitions and the dispatch to each subcommand's handler.
//!
//! Handlers are thin: they parse, call the core and print. Subcommand, flag and JSON key names
//! are a contract with scripts; see README.md.

pub mod add;
mod basic;
mod config;
mod init;
mod manage;
mod new_file;
mod probe;
pub mod ship;

pub use add::request_of;
pub use manage::{EditArgs, RemoveArgs};

use crate::error::{Error, Result};
use crate::exit;
use clap::{Args, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Get an app signing in through Authelia's OpenID Connect provider.
///
/// Without a subcommand, in a terminal, opens the wizard.
#[derive(Debug, Parser)]
#[command(name = "oidc-wizard", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok, 1 error (or no match / findings), 2 usage, 130 interrupted."
)]
pub struct Cli {
    /// Authelia configuration file or directory, as Authelia takes it: repeatable or
    /// comma-separated; the client goes into the file that holds the clients (default:
    /// $X_AUTHELIA_CONFIG; the wizard, run without a subcommand, first offers the file it wrote
    /// last).
    #[arg(long, global = true, value_name = "PATH", action = clap::ArgAction::Append, value_delimiter = ',')]
    pub config: Vec<PathBuf>,
    /// When to use colors in the wizard.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Capture the mouse in the wizard (off by default so the terminal's own selection works).
    #[arg(long)]
    pub mouse: bool,
    /// Append a log of what the command does (which files it reads and writes, how it ends) to
    /// FILE, mode 0600; secrets, digests and keys are never logged.
    #[arg(long, global = true, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// The subcommand; none opens the wizard.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// When to color output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Color when the terminal supports it and NO_COLOR is unset.
    #[default]
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the catalog of apps.
    Apps {
        /// Print JSON: an array of objects with slug, name, description, ...
        #[arg(long)]
        json: bool,
    },
    /// Build the client for an app: YAML for Authelia, the app-side steps and a fresh secret.
    Add(Box<AddArgs>),
    /// Generate a random client secret and its digest.
    Secret {
        /// Number of characters.
        #[arg(long, default_value_t = crate::secret::DEFAULT_LENGTH, value_name = "N")]
        length: usize,
        /// Alphabet: rfc3986 (A-Z a-z 0-9 - . _ ~) or alphanumeric.
        #[arg(long, default_value = "rfc3986", value_name = "C")]
        charset: String,
        /// Print JSON: {"secret", "digest"}.
        #[arg(long)]
        json: bool,
    },
    /// Read a password (one line) from stdin and print its digest.
    Hash,
    /// Read a password from stdin; exit 0 when it matches DIGEST, 1 when not, 2 when DIGEST cannot be checked.
    Verify {
        /// A digest such as $pbkdf2-sha512$310000$...
        digest: String,
    },
    /// Report what Authelia would reject or warn about in a configuration's clients.
    Check {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the clients of a configuration, with the catalog app each matches and what check finds.
    Clients {
        /// Print JSON: an array of objects with client_id, client_name, app, public,
        /// auth_method, policy, redirect_uris, line and findings.
        #[arg(long)]
        json: bool,
    },
    /// Give an existing client a new secret: only its client_secret line changes.
    Rotate {
        /// The client's id.
        #[arg(value_name = "CLIENT_ID")]
        client_id: String,
        /// Number of characters of the new secret.
        #[arg(long, default_value_t = crate::secret::DEFAULT_LENGTH, value_name = "N")]
        length: usize,
        /// Alphabet: rfc3986 (A-Z a-z 0-9 - . _ ~) or alphanumeric.
        #[arg(long, default_value = "rfc3986", value_name = "C")]
        charset: String,
        /// Show the diff and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write without asking (needed when stdin is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// How many backups to keep after the write.
        #[arg(long, value_name = "N", default_value_t = crate::config::backups::DEFAULT_KEEP)]
        keep: usize,
    },
    /// Write a first Authelia setup into a directory: configuration, secrets, users, compose file.
    Init(InitArgs),
    /// Remove a client: its lines, and the claims and authorization policies only it used.
    Remove(RemoveArgs),
    /// Change some keys of a client: only their lines change.
    Edit(Box<EditArgs>),
    /// Put a backup of the configuration back (the newest by default), through the safe write.
    Restore {
        /// The backup to put back (default: the newest <name>.bak.<time> beside the file).
        #[arg(long, value_name = "FILE")]
        backup: Option<PathBuf>,
        /// List the backups, newest first, and change nothing.
        #[arg(long)]
        list: bool,
        /// Show the diff and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write without asking (needed when stdin is not a terminal).
        #[arg(long, short = 'y')]
        yes: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// How many backups to keep after the write (the oldest beyond are removed).
        #[arg(long, value_name = "N", default_value_t = crate::config::backups::DEFAULT_KEEP)]
        keep: usize,
    },
    /// Print a completion script for SHELL (app names included) on stdout.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout.
    Man,
    /// Prove a client works: validate with Authelia, offer (or run) the restart, probe the live
    /// provider; one line per check with the fix; exit 0 when nothing failed.
    Test {
        /// The client's id.
        #[arg(value_name = "CLIENT_ID")]
        client_id: String,
        /// Authelia's URL, the issuer (default: the configuration's session.cookies authelia_url).
        #[arg(long, value_name = "U")]
        auth_url: Option<String>,
        /// Print JSON: {client_id, issuer, passed, results: [{check, status, message, fix, field}]}.
        #[arg(long)]
        json: bool,
        /// Also trust the CA certificates in this PEM file.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
        /// Do not verify the provider's TLS certificate.
        #[arg(long)]
        insecure: bool,
        /// Run the restart command found (docker restart, systemctl restart) before the probe.
        #[arg(long)]
        restart: bool,
    },
    /// Explain an error from Authelia's log or an app (stdin, or --text): the cause, the field
    /// to change and the command that changes it.
    Explain {
        /// The error text (default: read stdin).
        #[arg(long, value_name = "T")]
        text: Option<String>,
        /// Print JSON: an array of {id, cause, field, command, source}.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `add`.
#[derive(Debug, Clone, Args)]
pub struct AddArgs {
    /// The app: a slug from `oidc-wizard apps` (or an alias).
    #[arg(value_name = "APP")]
    pub app: String,
    /// Base domain, e.g. example.com (with --config: default the domain of the configuration's
    /// first session cookie).
    #[arg(long, value_name = "D")]
    pub domain: Option<String>,
    /// App URL (default https://<subdomain>.<domain>/).
    #[arg(long, value_name = "U")]
    pub app_url: Option<String>,
    /// Provider URL (default https://auth.<domain>, or https://authentik.<domain>).
    #[arg(long, value_name = "U")]
    pub auth_url: Option<String>,
    /// Client id (default: the app's slug).
    #[arg(long, value_name = "ID", conflicts_with = "random_client_id")]
    pub client_id: Option<String>,
    /// Use a random 64-character client id.
    #[arg(long)]
    pub random_client_id: bool,
    /// Authorization policy: one_factor or two_factor.
    #[arg(long, value_name = "P")]
    pub policy: Option<String>,
    /// One of the app's alternative setups (see `oidc-wizard apps`).
    #[arg(long, value_name = "ID")]
    pub variant: Option<String>,
    /// A value the app needs beyond the standard ones, as KEY=VALUE (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Length of the generated secret.
    #[arg(long, default_value_t = crate::secret::DEFAULT_LENGTH, value_name = "N")]
    pub length: usize,
    /// Alphabet of the generated secret: rfc3986 or alphanumeric.
    #[arg(long, default_value = "rfc3986", value_name = "C")]
    pub charset: String,
    /// Identity provider.
    #[arg(long, default_value = "authelia", value_name = "PROVIDER",
          value_parser = clap::builder::PossibleValuesParser::new(crate::provider::all().iter().map(|p| p.id())))]
    pub provider: String,
    /// A provider that takes a file (authentik, Pocket ID, Kanidm, Keycloak): write it here.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Pocket ID: make the API calls now instead of printing the script (needs --api-key-file).
    #[arg(long, requires = "api_key_file")]
    pub apply: bool,
    /// Pocket ID: the file holding the API key for --apply.
    #[arg(long, value_name = "PATH", requires = "apply")]
    pub api_key_file: Option<PathBuf>,
    /// Show the diff of the configuration file and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// With --config: make the file mode 0600 before the change goes in (its new backup too,
    /// when the old content held secrets already).
    #[arg(long)]
    pub chmod: bool,
    /// Write without asking (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// A client with the same id exists: replace the whole client in place.
    #[arg(long, conflicts_with = "rotate")]
    pub replace: bool,
    /// A client with the same id exists: change only its client_secret.
    #[arg(long)]
    pub rotate: bool,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `init`.
#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    /// The domain the session cookie is for, e.g. example.com (apps and the portal live under it).
    #[arg(long, value_name = "D")]
    pub domain: String,
    /// The directory to write (mounted at /config in the container).
    #[arg(long, value_name = "DIR", default_value = crate::init::DEFAULT_DIR)]
    pub dir: PathBuf,
    /// The portal URL (default https://auth.<domain>).
    #[arg(long, value_name = "U")]
    pub auth_url: Option<String>,
    /// The first user's name (default admin).
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// The first user's email (default <user>@<domain>).
    #[arg(long, value_name = "E")]
    pub email: Option<String>,
    /// Write into a directory that holds files (files of the same name are replaced).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print one JSON object (the password is then generated and given in it).
    #[arg(long)]
    pub json: bool,
}

/// Parses the process arguments and runs. Returns the exit code; errors are printed here as one
/// line on stderr.
pub fn main(wizard: impl FnOnce(Wizard) -> Result<u8>) -> u8 {
    let parsed = ship::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m).map(|c| (c, m)));
    let (cli, matches) = match parsed {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    exit::OK
                }
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    exit::USAGE
                }
                _ => {
                    // clap's message is several lines; keep what comes before the usage, on one line.
                    let text = e.to_string();
                    let what: Vec<&str> = text
                        .lines()
                        .map(str::trim)
                        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more"))
                        .filter(|l| !l.is_empty())
                        .collect();
                    let what = what.join(" ");
                    let what = what.strip_prefix("error: ").unwrap_or(&what);
                    eprintln!("oidc-wizard: {what} (see 'oidc-wizard --help')");
                    exit::USAGE
                }
            };
        }
    };
    let outcome = ship::start_log(&cli, &matches).and_then(|()| run(cli, wizard));
    let code = match &outcome {
        Ok(code) => *code,
        Err(e) => {
            eprintln!("oidc-wizard: {e}");
            match e {
                Error::Usage(_) => exit::USAGE,
                _ => exit::ERROR,
            }
        }
    };
    ship::log_outcome(&outcome, code);
    code
}

/// What the wizard is opened with when no subcommand is given (the binary hands it to the
/// wizard: the command line does not know the wizard).
#[derive(Debug, Clone)]
pub struct Wizard {
    /// `--config` (each file or directory, as given).
    pub config: Vec<PathBuf>,
    /// `--color`.
    pub color: ColorChoice,
    /// `--mouse`.
    pub mouse: bool,
}

/// Runs a parsed command line; `wizard` opens the wizard when there is no subcommand.
pub fn run(cli: Cli, wizard: impl FnOnce(Wizard) -> Result<u8>) -> Result<u8> {
    match cli.command {
        None => wizard(Wizard {
            config: cli.config,
            color: cli.color,
            mouse: cli.mouse,
        }),
        Some(Command::Apps { json }) => basic::apps(json),
        Some(Command::Secret {
            length,
            charset,
            json,
        }) => basic::secret(length, &charset, json),
        Some(Command::Hash) => basic::hash(),
        Some(Command::Verify { digest }) => basic::verify(&digest),
        Some(Command::Check { json }) => {
            let paths = config_paths(cli.config);
            if paths.is_empty() {
                return Err(Error::input(
                    "check needs --config <PATH> (or X_AUTHELIA_CONFIG)",
                ));
            }
            config::check_command(&paths, json)
        }
        Some(Command::Add(args)) => add::run(*args, config_paths(cli.config)),
        Some(Command::Init(a)) => init::run(init::InitArgs {
            domain: a.domain,
            dir: Some(a.dir),
            auth_url: a.auth_url,
            user: a.user,
            email: a.email,
            yes: a.yes,
            json: a.json,
        }),
        Some(Command::Clients { json }) => {
            manage::clients(&needs_config(cli.config, "clients")?, json)
        }
        Some(Command::Rotate {
            client_id,
            length,
            charset,
            dry_run,
            yes,
            json,
            keep,
        }) => manage::rotate(
            &needs_config(cli.config, "rotate")?,
            &manage::RotateArgs {
                client_id,
                length,
                charset,
                dry_run,
                yes,
                json,
                keep,
            },
        ),
        Some(Command::Remove(a)) => manage::remove(&needs_config(cli.config, "remove")?, &a),
        Some(Command::Edit(a)) => manage::edit(&needs_config(cli.config, "edit")?, &a),
        Some(Command::Restore {
            backup,
            list,
            dry_run,
            yes,
            json,
            keep,
        }) => manage::restore(
            &needs_config(cli.config, "restore")?,
            &manage::RestoreArgs {
                backup,
                list,
                dry_run,
                yes,
                json,
                keep,
            },
        ),
        Some(Command::Completions { shell }) => ship::completions(shell),
        Some(Command::Man) => ship::man(),
        Some(Command::Test {
            client_id,
            auth_url,
            json,
            ca,
            insecure,
            restart,
        }) => probe::test(
            &needs_config(cli.config, "test")?,
            &probe::TestArgs {
                client_id,
                auth_url,
                json,
                ca,
                insecure,
                restart,
            },
        ),
        Some(Command::Explain { text, json }) => probe::explain_command(text, json),
    }
}

/// The configuration paths: the flag's, else Authelia's own `X_AUTHELIA_CONFIG`, split the way
/// Authelia splits it (the flag wins over the variable, as in Authelia).
pub fn config_paths(flag: Vec<PathBuf>) -> Vec<PathBuf> {
    if !flag.is_empty() {
        return flag;
    }
    crate::config::sources::from_env()
}

/// The configuration paths a command cannot do without (see [`config_paths`]).
fn needs_config(flag: Vec<PathBuf>, command: &str) -> Result<Vec<PathBuf>> {
    let paths = config_paths(flag);
    if paths.is_empty() {
        return Err(Error::input(format!(
            "{command} needs --config <PATH> (or X_AUTHELIA_CONFIG)"
        )));
    }
    Ok(paths)
}

/// The first configuration path (see [`config_paths`]).
pub fn config_path(flag: Option<PathBuf>) -> Option<PathBuf> {
    config_paths(flag.into_iter().collect()).into_iter().next()
}

/// Writes JSON to stdout with a trailing newline.
pub(crate) fn print_json(v: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(v).unwrap_or_default());
}
