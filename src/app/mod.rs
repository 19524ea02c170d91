//! The application layer: what both front ends do, once. The command line and the wizard turn
//! their flags or keys into these types, call these functions, and render what comes back, so
//! they agree by construction.
//!
//! The way runs one direction: front end -> here -> [`crate::provider`] -> catalog, inputs,
//! secret. In order:
//! 1. [`Choice::new`]: a provider (by id), an app and its setup;
//! 2. [`complete`]: the request's defaults, by one rule: what the user gave, then the
//!    configuration's, then the domain's ([`auth_url_default`]);
//! 3. [`draw_secret`] for the provider's [`SecretNeed`], then [`Choice::build`]: the provider's
//!    [`Output`];
//! 4. delivery: [`prepare`] the merge (the diff; conflicts are errors before any write) and
//!    [`apply`] it through the safe write, or [`save_new_file`] for a provider that hands over
//!    a file.

use crate::catalog::{self, AppEntry, Setup};
use crate::config::{
    self, MergeOutput, OnDuplicate, SessionDefaults, Sources, WriteOptions, Written,
};
use crate::error::{Error, Result};
use crate::inputs::HttpUrl;
use crate::plan::{Request, SecretState};
use crate::provider::{self, Delivery, Output, Provider, SecretNeed};
use crate::secret;
use std::path::{Path, PathBuf};

/// A provider, an app and the setup its client follows.
#[derive(Clone, Copy)]
pub struct Choice {
    /// The provider.
    pub provider: &'static dyn Provider,
    /// The catalog app.
    pub app: &'static AppEntry,
    /// The setup (a variant of the app, or the provider's own).
    pub setup: Setup<'static>,
}

impl std::fmt::Debug for Choice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Choice")
            .field("provider", &self.provider.id())
            .field("app", &self.app.slug)
            .field("variant", &self.setup.variant)
            .finish()
    }
}

impl Choice {
    /// Chooses by provider id, catalog app and variant; an app the provider does not document
    /// is refused with the provider's reason.
    pub fn new(provider_id: &str, app: &'static AppEntry, variant: Option<&str>) -> Result<Choice> {
        let provider = provider::by_id(provider_id)
            .ok_or_else(|| Error::input(format!("unknown provider '{provider_id}'")))?;
        provider.supports(app)?;
        let setup = provider.setup(app, variant)?;
        Ok(Choice {
            provider,
            app,
            setup,
        })
    }

    /// [`Choice::new`] with the app looked up by slug or name in the catalog.
    pub fn find(provider_id: &str, app: &str, variant: Option<&str>) -> Result<Choice> {
        Choice::new(provider_id, catalog::find(app)?, variant)
    }

    /// The secret the client needs.
    pub fn secret_need(&self) -> SecretNeed {
        self.provider.secret_need(self.app, &self.setup)
    }

    /// Validates the request and builds the provider's output.
    pub fn build(&self, req: &Request, secret: SecretState) -> Result<Output> {
        let resolved = self.provider.resolve(self.app, &self.setup, req)?;
        self.provider
            .build(self.app, &self.setup, &resolved, secret)
    }

    /// The redirect URIs a request gives (built with a stand-in secret): what the wizard shows
    /// while the user types.
    pub fn preview_redirects(&self, req: &Request) -> Result<Vec<String>> {
        let stand_in = match self.secret_need() {
            SecretNeed::None => SecretState::None,
            SecretNeed::Plaintext | SecretNeed::Digest => SecretState::Pending("preview".into()),
        };
        Ok(self.build(req, stand_in)?.redirect_uris)
    }
}

/// The provider URL when the user gives none: the configuration's `authelia_url` when the
/// provider edits that configuration and the URL's host is the domain or under it (a cookie
/// for another domain is not this app's portal), else the provider's default for the domain.
/// The flag says whether the configuration gave it.
pub fn auth_url_default(
    provider: &dyn Provider,
    domain: &str,
    session: Option<&SessionDefaults>,
) -> (String, bool) {
    if provider.edits_configuration()
        && let Some(url) = session.and_then(|s| s.authelia_url.as_deref())
        && let Ok(parsed) = HttpUrl::parse(url, "Authelia URL")
    {
        let host = parsed.authority();
        let host = host.split(':').next().unwrap_or(&host).to_ascii_lowercase();
        let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
        if !d.is_empty() && (host == d || host.ends_with(&format!(".{d}"))) {
            return (url.to_string(), true);
        }
    }
    (provider.default_url(domain.trim()), false)
}

/// Fills in what the user left empty, by one rule (the user's value, then the configuration's,
/// then the domain's): the domain from the configuration's session cookies, the provider URL
/// from [`auth_url_default`]. Returns a note per value taken from the configuration.
pub fn complete(
    provider: &dyn Provider,
    req: &mut Request,
    session: Option<&SessionDefaults>,
) -> Vec<String> {
    let mut notes = vec![];
    if req.domain.trim().is_empty()
        && provider.edits_configuration()
        && let Some(d) = session.and_then(|s| s.domain.clone())
    {
        notes.push(format!(
            "using the domain {d} from the configuration's session.cookies"
        ));
        req.domain = d;
    }
    if req.auth_url.as_deref().is_none_or(|u| u.trim().is_empty()) {
        let (u, from_config) = auth_url_default(provider, &req.domain, session);
        if from_config {
            notes.push(format!(
                "using the Authelia URL {u} from the configuration's session.cookies"
            ));
            req.auth_url = Some(u);
        }
    }
    notes
}

/// Draws the secret a client needs (and its digest, for a provider that stores one).
pub fn draw_secret(
    need: SecretNeed,
    length: usize,
    charset: secret::Charset,
) -> Result<SecretState> {
    Ok(match need {
        SecretNeed::None => SecretState::None,
        SecretNeed::Plaintext => SecretState::Pending(secret::generate(length, charset)?),
        SecretNeed::Digest => {
            let plaintext = secret::generate(length, charset)?;
            let digest = secret::digest(&plaintext)?;
            SecretState::Ready { plaintext, digest }
        }
    })
}

/// A merge ready to show and confirm: the file it goes into and the merge's result (the diff,
/// the warnings, what was added).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The file the client goes into.
    pub path: PathBuf,
    /// The merge.
    pub merge: MergeOutput,
}

/// Prepares the merge of an output into the configuration (the file of `sources` that holds
/// the clients). A duplicate client id, a file that cannot be changed safely and a change that
/// would alter other values are errors here, before anything is written.
pub fn prepare(sources: &Sources, out: &Output, on_dup: OnDuplicate) -> Result<Prepared> {
    if out.delivery != Delivery::Merge {
        return Err(Error::input(format!(
            "{} takes no configuration.yml; save its file instead",
            provider::by_id(out.provider).map_or(out.provider, |p| p.name())
        )));
    }
    let doc = sources.target();
    let merge = config::merge(doc, &out.plan, on_dup)?;
    sources.check_merge(&merge)?;
    Ok(Prepared {
        path: doc.path.clone(),
        merge,
    })
}

/// Writes a prepared merge (journaled, with a backup; refused when the file changed since it
/// was read).
pub fn apply(sources: &Sources, prepared: &Prepared, opts: WriteOptions) -> Result<Written> {
    config::write_with(
        sources.target(),
        &prepared.merge,
        opts,
        std::time::SystemTime::now(),
    )
}

/// Saves the file of a [`Delivery::NewFile`] output at `path` (never over an existing file
/// unless `overwrite`; mode 0600 when it holds a secret).
pub fn save_new_file(out: &Output, path: &Path, overwrite: bool) -> Result<PathBuf> {
    match &out.delivery {
        Delivery::NewFile {
            file_name,
            text,
            private,
        } => crate::files::save(path, text.as_bytes(), *private, overwrite, file_name),
        Delivery::Merge => Err(Error::input(
            "this provider's client goes into configuration.yml, not a new file",
        )),
    }
}
