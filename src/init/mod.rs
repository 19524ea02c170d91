//! First-time Authelia: everything a working Authelia v4.39 needs before its first app, built
//! as data ([`build`]: the files to write, the steps that follow) and written whole
//! ([`write`]), for `oidc-wizard init` and, later, the wizard's first run.
//!
//! What goes into the directory (mounted at `/config` in the container):
//!
//! * `configuration.yml`: server, log, the session cookie for the domain, the file
//!   authentication backend, access control that denies by default, SQLite storage, the
//!   filesystem notifier, regulation and the OpenID Connect provider with its RS256 key. Every
//!   secret is a `{{ secret "/config/secrets/NAME" }}` template, rendered by Authelia when
//!   `X_AUTHELIA_CONFIG_FILTERS=template` is set (the compose file sets it), never inline;
//! * `secrets/`: one file per secret, mode 0600, each of the length Authelia asks for;
//! * `users_database.yml`: the first user, the password as an argon2id digest;
//! * `compose.yaml`: the container, the directory mounted, the template filter on.
//!
//! The rules that refuse a domain are Authelia's own for a session cookie domain
//! (internal/configuration/validator/session.go:124-143 in v4.39.20) plus one Authelia does
//! not make: an IP address, where a browser keeps the cookie to the one host.

use crate::error::{Error, Result};
use crate::inputs::{HttpUrl, parse_domain};
use crate::provider::authelia::{KEY_ID, ProviderKeys, generate_keys};
use crate::secret::{self, Charset};
use std::path::{Path, PathBuf};

/// The directory `init` writes into when none is given.
pub const DEFAULT_DIR: &str = "authelia";
/// Where the directory is mounted in the container (the templates name files under it).
pub const CONTAINER_DIR: &str = "/config";
/// The subdirectory of the secret files.
pub const SECRETS_DIR: &str = "secrets";
/// Length of each generated secret: Authelia's documentation asks for 64 random characters
/// or more (the storage key must be at least 20, validator/storage.go:13-17).
pub const SECRET_LEN: usize = 64;
/// Length of a generated first password.
pub const PASSWORD_LEN: usize = 24;
/// The first user's name when none is given.
pub const DEFAULT_USER: &str = "admin";

/// The secret files, by name under `secrets/`: what each is for and the configuration key that
/// reads it.
pub const JWT_SECRET_FILE: &str = "identity_validation_reset_password_jwt_secret";
/// `session.secret`.
pub const SESSION_SECRET_FILE: &str = "session_secret";
/// `storage.encryption_key`.
pub const STORAGE_KEY_FILE: &str = "storage_encryption_key";
/// `identity_providers.oidc.hmac_secret`.
pub const HMAC_SECRET_FILE: &str = "oidc_hmac_secret";
/// `identity_providers.oidc.jwks[0].key`: a PKCS#8 PEM RSA private key.
pub const JWKS_KEY_FILE: &str = "oidc_jwks_rs256.pem";

/// Common public suffixes (from the Public Suffix List, ICANN and private sections): a cookie
/// for one of these would be shared with every other site under it, and Authelia refuses it
/// (validator/session.go:141-143, `isCookieDomainAPublicSuffix` in validator/util.go:57-66).
/// Authelia reads the whole list; this is the part a homelab is likely to type.
const PUBLIC_SUFFIXES: &[&str] = &[
    "co.uk",
    "org.uk",
    "me.uk",
    "ac.uk",
    "gov.uk",
    "ltd.uk",
    "plc.uk",
    "net.uk",
    "sch.uk",
    "com.au",
    "net.au",
    "org.au",
    "edu.au",
    "gov.au",
    "id.au",
    "co.nz",
    "net.nz",
    "org.nz",
    "co.jp",
    "ne.jp",
    "or.jp",
    "ac.jp",
    "go.jp",
    "com.br",
    "net.br",
    "org.br",
    "com.cn",
    "net.cn",
    "org.cn",
    "co.in",
    "net.in",
    "org.in",
    "co.za",
    "org.za",
    "com.mx",
    "com.ar",
    "com.tr",
    "co.kr",
    "or.kr",
    "com.tw",
    "com.hk",
    "com.sg",
    "com.my",
    "co.id",
    "co.il",
    "com.ua",
    "com.pl",
    "co.at",
    "or.at",
    "com.es",
    "com.pt",
    "eu.org",
    "github.io",
    "gitlab.io",
    "herokuapp.com",
    "netlify.app",
    "vercel.app",
    "pages.dev",
    "workers.dev",
    "web.app",
    "firebaseapp.com",
    "appspot.com",
    "blogspot.com",
    "azurewebsites.net",
    "cloudfront.net",
    "duckdns.org",
    "ddns.net",
    "dyndns.org",
    "ts.net",
];

/// What the user chose.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// The cookie domain as typed (`example.com`).
    pub domain: String,
    /// The portal URL (default `https://auth.<domain>`).
    pub auth_url: Option<String>,
    /// The first user's name (default [`DEFAULT_USER`]).
    pub user: Option<String>,
    /// The first user's email (default `<user>@<domain>`).
    pub email: Option<String>,
}

/// The secrets of a new setup (never shown; `Debug` leaves them out).
#[derive(Clone, PartialEq, Eq)]
pub struct Secrets {
    /// `identity_validation.reset_password.jwt_secret`.
    pub jwt_secret: String,
    /// `session.secret`.
    pub session_secret: String,
    /// `storage.encryption_key`.
    pub storage_key: String,
    /// The OpenID Connect provider's hmac secret and RSA key.
    pub provider: ProviderKeys,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secrets").finish_non_exhaustive()
    }
}

impl Secrets {
    /// Draws every secret from the operating system's random source (the RSA key takes a
    /// moment).
    pub fn generate() -> Result<Self> {
        let s = || secret::generate(SECRET_LEN, Charset::Alphanumeric);
        Ok(Secrets {
            jwt_secret: s()?,
            session_secret: s()?,
            storage_key: s()?,
            provider: generate_keys()?,
        })
    }
}

/// A first password for the user, generated (when none can be asked for).
pub fn generate_password() -> Result<String> {
    secret::generate(PASSWORD_LEN, Charset::Alphanumeric)
}

/// One file to write, relative to the directory.
#[derive(Clone, PartialEq, Eq)]
pub struct NewFile {
    /// The path under the directory (`configuration.yml`, `secrets/session_secret`).
    pub path: PathBuf,
    /// The whole content.
    pub bytes: Vec<u8>,
    /// Mode 0600 (a secret, or the users' digests) rather than 0644.
    pub private: bool,
}

impl std::fmt::Debug for NewFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewFile")
            .field("path", &self.path)
            .field("private", &self.private)
            .finish_non_exhaustive()
    }
}

/// A built setup: the values it settled on and the files that make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// The cookie domain, lower-cased ASCII.
    pub domain: String,
    /// The portal URL, without a trailing slash.
    pub auth_url: String,
    /// The first user's name.
    pub user: String,
    /// The first user's email.
    pub email: String,
    /// The files, configuration first.
    pub files: Vec<NewFile>,
}

/// Validates a cookie domain the way Authelia's session validator does
/// (validator/session.go:124-143) and refuses an IP address as well. Returns the domain
/// lower-cased (an internationalized one in its ASCII form).
pub fn cookie_domain(input: &str) -> Result<String> {
    let typed = input.trim();
    let typed = typed.strip_prefix('.').unwrap_or(typed);
    if let Some(rest) = typed.strip_prefix("*.") {
        return Err(Error::input(format!(
            "domain '{typed}' is a wildcard: give the domain itself, e.g. {rest}"
        )));
    }
    let bare = typed.trim_start_matches('[').trim_end_matches(']');
    if bare.parse::<std::net::IpAddr>().is_ok() {
        return Err(Error::input(format!(
            "domain '{typed}' is an IP address: a browser keeps a cookie for an address to that one host, so single sign-on needs a domain name (a local one such as home.example.com will do)"
        )));
    }
    let d = parse_domain(typed)?;
    if !d.contains('.') {
        return Err(Error::input(format!(
            "domain '{d}' has no dot: Authelia cannot set a cookie for a top-level name such as localhost or com; give a domain below it, e.g. home.example.com"
        )));
    }
    if !domain_characters_ok(&d) {
        return Err(Error::input(format!(
            "domain '{d}' is not a cookie domain Authelia accepts: only letters, digits, '-' and dots (no '_')"
        )));
    }
    if PUBLIC_SUFFIXES.contains(&d.as_str()) {
        return Err(Error::input(format!(
            "domain '{d}' is a public suffix: a cookie for it would reach every site under it, and Authelia refuses it; give your own domain below it, e.g. yourname.{d}"
        )));
    }
    Ok(d)
}

/// Authelia's `reDomainCharacters` (validator/const.go:620): labels of `a-z0-9-`, not starting
/// or ending with `-`, at least two of them.
fn domain_characters_ok(d: &str) -> bool {
    let labels: Vec<&str> = d.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// The portal URL: `https://auth.<domain>` by default; a given one must be https and inside the
/// cookie domain (validator/session.go:196-204).
pub fn portal_url(domain: &str, given: Option<&str>) -> Result<String> {
    let Some(given) = given else {
        return Ok(crate::plan::default_auth_url(domain));
    };
    let u = HttpUrl::parse(given, "Authelia URL")?;
    if u.scheme != "https" {
        return Err(Error::input(format!(
            "Authelia URL '{given}' must use https://: Authelia refuses a portal on plain http (put it behind a TLS reverse proxy)"
        )));
    }
    let host = u.host.as_str();
    if host != domain && !host.ends_with(&format!(".{domain}")) {
        return Err(Error::input(format!(
            "Authelia URL '{given}' is outside the cookie domain {domain}: use a host under it, e.g. https://auth.{domain}"
        )));
    }
    Ok(u.base())
}

/// A user name for the file backend: lower-case letters, digits, `.`, `_`, `-`, up to 64
/// characters (lower case because Authelia's case-insensitive search requires it).
pub fn user_name(input: &str) -> Result<String> {
    let u = input.trim();
    let ok = !u.is_empty()
        && u.len() <= 64
        && u.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_' || b == b'-'
        })
        && u.as_bytes()[0].is_ascii_alphanumeric();
    if !ok {
        return Err(Error::input(format!(
            "user name '{u}' is not accepted: use 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"
        )));
    }
    Ok(u.to_string())
}

/// An email address: one `@`, a dotted domain, no spaces or quotes.
pub fn email(input: &str) -> Result<String> {
    let e = input.trim();
    let ok = match e.split_once('@') {
        Some((local, host)) => {
            !local.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !host.contains('@')
                && e.len() <= 254
                && !e
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || "'\"<>,;\\".contains(c))
        }
        None => false,
    };
    if !ok {
        return Err(Error::input(format!(
            "email '{e}' is not an address such as admin@example.com"
        )));
    }
    Ok(e.to_string())
}

/// Validates the request and fills in its defaults: (domain, portal URL, user, email).
pub fn resolve(req: &Request) -> Result<(String, String, String, String)> {
    let domain = cookie_domain(&req.domain)?;
    let auth_url = portal_url(&domain, req.auth_url.as_deref())?;
    let user = user_name(req.user.as_deref().unwrap_or(DEFAULT_USER))?;
    let email = match &req.email {
        Some(e) => email(e)?,
        None => email(&format!("{user}@{domain}"))?,
    };
    Ok((domain, auth_url, user, email))
}

/// The template that reads a secret file in the container (rendered by Authelia's template
/// filter: the file's content without its trailing newlines, internal/templates/funcs.go:510-516).
pub fn secret_template(name: &str) -> String {
    format!("{{{{ secret \"{CONTAINER_DIR}/{SECRETS_DIR}/{name}\" }}}}")
}

/// Builds the setup: every file's content, from the request, the secrets and the user's
/// password digest. Pure: nothing is read or written.
pub fn build(req: &Request, secrets: &Secrets, password_digest: &str) -> Result<Setup> {
    let (domain, auth_url, user, email) = resolve(req)?;
    let portal_host = HttpUrl::parse(&auth_url, "Authelia URL")?.host;
    let quoted = |name: &str| format!("'{}'", secret_template(name));
    let key_template = format!(
        "{{{{ secret \"{CONTAINER_DIR}/{SECRETS_DIR}/{JWKS_KEY_FILE}\" | mindent 10 \"|\" | msquote }}}}"
    );
    let configuration = format!(
        r#"# Authelia for {domain}, written by oidc-wizard init.
#
# No secret is written in this file: each one below is a template expression that Authelia
# replaces, when it starts, by the content of a file under {CONTAINER_DIR}/{SECRETS_DIR}. That
# needs X_AUTHELIA_CONFIG_FILTERS=template in the container's environment (compose.yaml sets
# it). The filter reads the comments too: write no template braces in one.
#
# Add an app (its OpenID Connect client) with:
#   oidc-wizard add <app> --config <this file>

server:
  address: 'tcp://:9091/'

log:
  level: 'info'

# Signs the links in password-reset messages.
identity_validation:
  reset_password:
    jwt_secret: {jwt}

# The users are in a file beside this one; passwords are argon2id digests.
authentication_backend:
  file:
    path: '{CONTAINER_DIR}/users_database.yml'

# Requests your reverse proxy checks with Authelia (forward auth) are refused unless a rule
# lets them in. OpenID Connect apps use their client's authorization_policy instead.
access_control:
  default_policy: 'deny'
  rules:
    - domain: '{portal_host}'
      policy: 'two_factor'

# One cookie for the whole domain: every app under {domain} shares the sign-in.
session:
  secret: {session}
  cookies:
    - domain: '{domain}'
      authelia_url: '{auth_url}'

# Too many failed sign-ins within find_time ban the user for ban_time.
regulation:
  max_retries: 3
  find_time: '2 minutes'
  ban_time: '5 minutes'

# A local SQLite database; the key encrypts what it keeps (keep the key file with it).
storage:
  encryption_key: {storage}
  local:
    path: '{CONTAINER_DIR}/db.sqlite3'

# Messages (password reset, new devices) go to this file instead of email. Switch to smtp
# when you have a mail server.
notifier:
  filesystem:
    filename: '{CONTAINER_DIR}/notification.txt'

# The OpenID Connect provider: its hmac secret and the RSA key that signs its tokens.
# Authelia starts it only once it has a client: run oidc-wizard add first.
identity_providers:
  oidc:
    hmac_secret: {hmac}
    jwks:
      - key_id: '{KEY_ID}'
        algorithm: 'RS256'
        use: 'sig'
        key: {key_template}
"#,
        jwt = quoted(JWT_SECRET_FILE),
        session = quoted(SESSION_SECRET_FILE),
        storage = quoted(STORAGE_KEY_FILE),
        hmac = quoted(HMAC_SECRET_FILE),
    );
    let users = format!(
        r#"# The users Authelia signs in, written by oidc-wizard init. A password is stored as its
# digest only; make one for a new user with: oidc-wizard hash, or
#   docker run --rm authelia/authelia:4.39 authelia crypto hash generate argon2
users:
  '{user}':
    disabled: false
    displayname: '{user}'
    password: '{password_digest}'
    email: '{email}'
    groups:
      - 'admins'
"#
    );
    let compose = format!(
        r#"# Authelia for {domain}, written by oidc-wizard init. This directory is mounted at
# {CONTAINER_DIR}; the template filter fills in the secrets configuration.yml reads from
# {CONTAINER_DIR}/{SECRETS_DIR}. Point your reverse proxy's {auth_url} at port 9091.
services:
  authelia:
    image: 'docker.io/authelia/authelia:4.39'
    container_name: 'authelia'
    restart: 'unless-stopped'
    volumes:
      - './:{CONTAINER_DIR}'
    environment:
      X_AUTHELIA_CONFIG: '{CONTAINER_DIR}/configuration.yml'
      X_AUTHELIA_CONFIG_FILTERS: 'template'
    ports:
      - '127.0.0.1:9091:9091'
"#
    );
    let secret_file = |name: &str, value: &str| NewFile {
        path: Path::new(SECRETS_DIR).join(name),
        bytes: value.as_bytes().to_vec(),
        private: true,
    };
    let files = vec![
        NewFile {
            path: "configuration.yml".into(),
            bytes: configuration.into_bytes(),
            private: false,
        },
        NewFile {
            path: "users_database.yml".into(),
            bytes: users.into_bytes(),
            private: true,
        },
        NewFile {
            path: "compose.yaml".into(),
            bytes: compose.into_bytes(),
            private: false,
        },
        secret_file(JWT_SECRET_FILE, &secrets.jwt_secret),
        secret_file(SESSION_SECRET_FILE, &secrets.session_secret),
        secret_file(STORAGE_KEY_FILE, &secrets.storage_key),
        secret_file(HMAC_SECRET_FILE, &secrets.provider.hmac_secret),
        secret_file(JWKS_KEY_FILE, &secrets.provider.private_key_pem),
    ];
    Ok(Setup {
        domain,
        auth_url,
        user,
        email,
        files,
    })
}

/// What to do next, in order, for a setup written into `dir`.
pub fn next_steps(setup: &Setup, dir: &Path) -> Vec<String> {
    let d = shell_word(&dir.display().to_string());
    vec![
        format!(
            "Add your first app: oidc-wizard add <app> --config {d}/configuration.yml (Authelia's OpenID Connect provider does not start without a client)"
        ),
        format!(
            "Point your reverse proxy (with TLS) for {} at the container's port 9091",
            setup.auth_url
        ),
        format!("Start the container: docker compose -f {d}/compose.yaml up -d"),
        format!("Open the portal: {}/", setup.auth_url),
        format!(
            "Sign in as {} (then register a second factor: the portal asks for one where two_factor applies)",
            setup.user
        ),
        format!(
            "More apps: oidc-wizard add <app> --config {d}/configuration.yml, then docker compose -f {d}/compose.yaml restart"
        ),
    ]
}

/// What an earlier setup left in `dir` that the new secrets make unusable: the SQLite database
/// is encrypted with the old storage key, and Authelia refuses to start with another one.
pub fn leftovers(dir: &Path) -> Vec<String> {
    let db = dir.join("db.sqlite3");
    if db.exists() {
        vec![format!(
            "{} was encrypted with the old storage key, which is now replaced: Authelia refuses to start with it; move it away before starting (it holds registered second factors and consents, not the users)",
            db.display()
        )]
    } else {
        Vec::new()
    }
}

/// `s` as one word for a POSIX shell: as it is when it has only safe characters, else in single
/// quotes (a quote inside written `'\''`).
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+,:=@%".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Whether `dir` may be written: refused when it holds anything and `overwrite` is false, or
/// when it (or the place it would be made) is not a directory one can write in.
pub fn check_target(dir: &Path, overwrite: bool) -> Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(_) if !dir.is_dir() => {
            return Err(Error::file(
                dir,
                "exists and is not a directory; choose another --dir",
            ));
        }
        Ok(_) => {
            let mut entries = std::fs::read_dir(dir).map_err(|e| unwritable(dir, &e))?;
            if !overwrite && entries.next().is_some() {
                return Err(Error::file(
                    dir,
                    "already holds files; pass --yes to write init's files over the ones of the same name, or choose an empty --dir",
                ));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(unwritable(dir, &e)),
    }
    Ok(())
}

fn unwritable(dir: &Path, e: &std::io::Error) -> Error {
    Error::file(
        dir,
        format!(
            "cannot write here ({}); choose another --dir or change its permissions",
            io_reason(e)
        ),
    )
}

/// The OS's message without Rust's "(os error N)" suffix.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Writes the setup's files into `dir` (made when missing; `secrets/` mode 0700), each whole,
/// never over an existing file unless `overwrite` ([`crate::files::save`]). Refuses first, and
/// writes nothing, when [`check_target`] does or the directory turns out not writable. Returns
/// the paths written, in the setup's order.
pub fn write(dir: &Path, setup: &Setup, overwrite: bool) -> Result<Vec<PathBuf>> {
    check_target(dir, overwrite)?;
    std::fs::create_dir_all(dir).map_err(|e| unwritable(dir, &e))?;
    probe(dir)?;
    let secrets = dir.join(SECRETS_DIR);
    std::fs::create_dir_all(&secrets).map_err(|e| unwritable(&secrets, &e))?;
    set_private_dir(&secrets).map_err(|e| unwritable(&secrets, &e))?;
    probe(&secrets)?;
    let mut written = Vec::with_capacity(setup.files.len());
    for f in &setup.files {
        let path = dir.join(&f.path);
        let name = f.path.display().to_string();
        written.push(crate::files::save(
            &path, &f.bytes, f.private, overwrite, &name,
        )?);
    }
    Ok(written)
}

/// Creates and removes a file in `dir`, so an unwritable directory is refused before any file
/// of the setup is written.
fn probe(dir: &Path) -> Result<()> {
    let mut tag = [0u8; 6];
    secret::os_random(&mut tag)?;
    let name: String = tag.iter().map(|b| format!("{b:02x}")).collect();
    let p = dir.join(format!(".oidc-wizard-probe.{name}"));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&p)
        .map_err(|e| unwritable(dir, &e))?;
    let _ = std::fs::remove_file(&p);
    Ok(())
}

fn set_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_domains_follow_authelias_session_rules() {
        assert_eq!(cookie_domain("Example.COM").unwrap(), "example.com");
        assert_eq!(
            cookie_domain("home.example.co.uk").unwrap(),
            "home.example.co.uk"
        );
        assert_eq!(cookie_domain("me.duckdns.org").unwrap(), "me.duckdns.org");
        for (bad, word) in [
            ("localhost", "no dot"),
            ("com", "no dot"),
            ("192.168.1.10", "IP address"),
            ("::1", "IP address"),
            ("[fe80::1]", "IP address"),
            ("co.uk", "public suffix"),
            ("github.io", "public suffix"),
            ("*.example.com", "wildcard"),
            ("my_host.example.com", "'_'"),
            ("", "empty"),
        ] {
            let e = cookie_domain(bad).unwrap_err().to_string();
            assert!(e.contains(word), "{bad}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
    }

    #[test]
    fn portal_url_is_https_inside_the_domain() {
        assert_eq!(
            portal_url("example.com", None).unwrap(),
            "https://auth.example.com"
        );
        assert_eq!(
            portal_url("example.com", Some("https://login.example.com/")).unwrap(),
            "https://login.example.com"
        );
        let e = portal_url("example.com", Some("http://auth.example.com")).unwrap_err();
        assert!(e.to_string().contains("https"), "{e}");
        let e = portal_url("example.com", Some("https://auth.example.org")).unwrap_err();
        assert!(e.to_string().contains("outside"), "{e}");
        let e = portal_url("example.com", Some("https://badexample.com")).unwrap_err();
        assert!(e.to_string().contains("outside"), "{e}");
    }

    #[test]
    fn next_steps_quote_a_directory_with_spaces() {
        assert_eq!(shell_word("./authelia"), "./authelia");
        assert_eq!(shell_word("my dir/it's"), "'my dir/it'\\''s'");
    }

    #[test]
    fn user_and_email_are_checked() {
        assert!(user_name("alice").is_ok());
        assert!(user_name("Alice").is_err());
        assert!(user_name("a'b").is_err());
        assert!(email("a@b.example").is_ok());
        assert!(email("a@b").is_err());
        assert!(email("a'b@c.example").is_err());
    }
}
