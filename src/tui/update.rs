//! All of the wizard's behavior: `update(&mut State, Msg) -> Vec<Effect>`. No I/O here; what
//! needs the outside world is returned as an [`Effect`] and its result comes back as a [`Msg`].

use super::keymap::{self, Action};
use super::msg::{Effect, Msg};
use super::state::{Field, FieldKind, Input, Pane, Provider, Review, Screen, State};
use crate::client;
use crate::config::OnDuplicate;
use crate::error::Error;
use crate::exit;
use crate::inputs::{HttpUrl, parse_domain};
use crate::plan::{self, default_app_url};
use crate::provider::authentik;
use crate::provider::{Delivery, SecretNeed};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::PathBuf;

/// Effects to run first, before any key: reading the configuration when its path is known.
pub fn init(s: &mut State) -> Vec<Effect> {
    match &s.config_path {
        Some(p) => vec![Effect::LoadConfig(p.clone())],
        None => Vec::new(),
    }
}

/// Applies one message.
pub fn update(s: &mut State, msg: Msg) -> Vec<Effect> {
    let effects = apply(s, msg);
    // The preview shows the secret (and its keys copy it): from then on it is the user's to keep.
    if s.screen == Screen::Preview && s.secret_plain.is_some() {
        s.secret_shown = s.secret_plain.clone();
    }
    effects
}

/// Asks to quit: at once, unless a secret the user has seen is in no file yet (then `y`
/// confirms, see [`State::quit_ask`]).
fn request_quit(s: &mut State, code: u8) {
    if s.secret_at_risk() {
        s.quit_ask = Some(code);
    } else {
        s.quit = Some(code);
    }
}

fn apply(s: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(k) => key(s, k),
        Msg::Paste(text) => {
            let line: String = text.lines().next().unwrap_or("").to_string();
            if let Some(inp) = focused_input(s) {
                inp.insert(line.trim());
                after_edit(s);
            }
            Vec::new()
        }
        Msg::Scroll(up) => act(s, if up { Action::Up } else { Action::Down }),
        Msg::Resize(w, h) => {
            s.size = (w, h);
            Vec::new()
        }
        Msg::Tick => {
            if s.digest_pending() || matches!(s.review, Review::Working(_) | Review::Writing) {
                s.spinner = s.spinner.wrapping_add(1);
            }
            Vec::new()
        }
        Msg::ConfigLoaded(path, result) => config_loaded(s, path, result),
        Msg::SecretGenerated(Ok(plain)) => {
            s.secret_plain = Some(plain.clone());
            s.secret_digest = None;
            s.secret_error = None;
            if s.screen == Screen::Preview {
                build_plan(s);
            }
            // authentik keeps the secret as it is: no digest to compute.
            if s.provider == Provider::Authentik {
                return Vec::new();
            }
            vec![Effect::Digest(plain)]
        }
        Msg::SecretGenerated(Err(e)) => {
            s.secret_error = Some(e.to_string());
            s.status = Some(format!("Could not generate a secret: {e}"));
            Vec::new()
        }
        Msg::Digested { plaintext, result } => {
            if s.secret_plain.as_deref() != Some(plaintext.as_str()) {
                return Vec::new();
            }
            match result {
                Ok(d) => {
                    s.secret_digest = Some(d);
                    // On the Details screen the form may be mid-edit: the plan is rebuilt on
                    // the way to the preview instead.
                    if matches!(s.screen, Screen::Preview | Screen::Review | Screen::Done) {
                        build_plan(s);
                    }
                    if s.screen == Screen::Review && matches!(s.review, Review::Working(_)) {
                        return start_merge(s);
                    }
                }
                Err(e) => {
                    s.secret_error = Some(e.to_string());
                    s.status = Some(format!("Could not compute the digest: {e}"));
                }
            }
            Vec::new()
        }
        Msg::Merged(result) => {
            if s.screen != Screen::Review {
                return Vec::new();
            }
            s.diff_scroll = 0;
            let write_now = std::mem::take(&mut s.write_when_ready);
            s.review = match result {
                Ok(out) => Review::Ready(Box::new(out)),
                Err(Error::DuplicateClient { client_id, .. }) => Review::Duplicate(client_id),
                Err(e) => Review::Failed(super::words::error(&e)),
            };
            if write_now && matches!(s.review, Review::Ready(_)) {
                s.status = None;
                return act(s, Action::Write);
            }
            Vec::new()
        }
        Msg::Written(Ok(w)) => {
            s.written = Some(w);
            s.secret_written = s.secret_plain.clone();
            s.written_yaml = s.output.as_ref().map(|o| o.client_text.clone());
            s.screen = Screen::Done;
            s.review = Review::Idle;
            s.status = None;
            let mut prefs = s.prefs.clone();
            prefs.config_path = s.config_path.clone();
            remember_inputs(s, &mut prefs);
            s.prefs = prefs.clone();
            let mut effects = vec![Effect::SavePrefs(prefs)];
            // The text as read is stale now: the next merge is built on the file as written.
            s.config = None;
            s.config_error = None;
            if let Some(p) = s.config_path.clone() {
                effects.push(Effect::LoadConfig(p));
            }
            effects
        }
        Msg::Written(Err(e)) => {
            s.review = Review::WriteFailed(super::words::error(&e));
            Vec::new()
        }
        Msg::Copied(report) => {
            s.status = Some(report);
            Vec::new()
        }
        Msg::BlueprintExists(path) => {
            if s.screen == Screen::Review && matches!(s.review, Review::Writing) {
                s.status = Some(format!(
                    "{} exists: y overwrites it, Esc chooses another path",
                    path.display()
                ));
                s.review = Review::Overwrite(path);
            }
            Vec::new()
        }
        Msg::BlueprintWritten(Ok(path)) => {
            s.blueprint_written = Some(path);
            s.secret_written = s.secret_plain.clone();
            s.screen = Screen::Done;
            s.review = Review::Idle;
            s.status = None;
            let mut prefs = s.prefs.clone();
            remember_inputs(s, &mut prefs);
            if prefs != s.prefs {
                s.prefs = prefs.clone();
                return vec![Effect::SavePrefs(prefs)];
            }
            Vec::new()
        }
        Msg::BlueprintWritten(Err(e)) => {
            if s.screen == Screen::Review {
                s.review = Review::SavePath;
                s.status = Some(format!("Not written: {}", super::words::error(&e)));
            }
            Vec::new()
        }
    }
}

fn remember_inputs(s: &State, prefs: &mut crate::prefs::Prefs) {
    if let Some(p) = &s.plan {
        prefs.domain = Some(p.resolved.domain.clone());
        // The Authelia URL only: an authentik URL is not Authelia's.
        if s.provider == Provider::Authelia {
            prefs.authelia_url = Some(p.resolved.auth_url.base());
        }
    }
}

fn config_loaded(
    s: &mut State,
    path: PathBuf,
    result: Result<crate::config::Document, Error>,
) -> Vec<Effect> {
    if s.config_path.as_ref() != Some(&path) {
        return Vec::new();
    }
    match result {
        Ok(doc) => {
            s.session = crate::config::session_defaults(&doc);
            s.existing_ids = client_ids(&doc);
            s.config = Some(doc);
            s.config_error = None;
            if s.screen == Screen::Details {
                prefill_from_session(s);
            } else {
                refresh_fields(s);
            }
            if s.screen == Screen::Review && s.provider == Provider::Authelia {
                return start_merge(s);
            }
        }
        Err(e) => {
            s.config = None;
            s.existing_ids.clear();
            s.config_error = Some(e.to_string());
            if s.screen == Screen::Review && s.provider == Provider::Authelia {
                s.review = Review::Failed(super::words::error(&e));
            }
        }
    }
    Vec::new()
}

/// The ids of the configuration's clients, read the way the merge finds a duplicate
/// ([`crate::config::splice::client_id_of`]); ids a template makes are left out.
fn client_ids(doc: &crate::config::Document) -> Vec<String> {
    use crate::config::scan;
    let Ok(text) = doc.text() else {
        return Vec::new();
    };
    let t = scan::Text::new(text);
    let Ok(sc) = scan::scan(&t) else {
        return Vec::new();
    };
    let items = sc
        .root
        .as_ref()
        .and_then(|r| r.get("identity_providers"))
        .and_then(|(_, ip)| ip.get("oidc"))
        .and_then(|(_, o)| o.get("clients"))
        .map(|(_, c)| match &c.kind {
            scan::Kind::Seq(items, _) => items.as_slice(),
            _ => &[],
        })
        .unwrap_or_default();
    items
        .iter()
        .filter(|item| {
            item.get("client_id")
                .or_else(|| item.get("id"))
                .is_some_and(|(_, v)| !t.made_by_template(v))
        })
        .filter_map(|item| crate::config::splice::client_id_of(item).map(str::to_string))
        .collect()
}

fn key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    if k.kind == KeyEventKind::Release {
        return Vec::new();
    }
    if let Some(code) = s.quit_ask {
        // Ctrl-C again quits at once; y confirms, n or Esc stays.
        match keymap::quit_ask_action(&k) {
            Some(Action::Interrupt) => s.quit = Some(exit::INTERRUPTED),
            Some(Action::Quit) => s.quit = Some(code),
            Some(Action::Back) => s.quit_ask = None,
            _ => {}
        }
        if s.quit.is_some() {
            s.quit_ask = None;
        }
        return Vec::new();
    }
    if k.code == KeyCode::Char('c') && k.modifiers.contains(KeyModifiers::CONTROL) {
        request_quit(s, exit::INTERRUPTED);
        return Vec::new();
    }
    if s.help {
        // Any of the help keys, Esc, Enter or q closes the popup; other keys are ignored.
        if matches!(
            k.code,
            KeyCode::Esc | KeyCode::Enter | KeyCode::F(1) | KeyCode::Char('?' | 'q')
        ) {
            s.help = false;
        }
        return Vec::new();
    }
    if let Some(i) = s.reveal {
        return reveal_key(s, i, k);
    }
    match keymap::action(s.screen, &k, s.text_focus()) {
        Some(a) => act(s, a),
        None => {
            text_key(s, k);
            Vec::new()
        }
    }
}

fn reveal_key(s: &mut State, i: usize, k: KeyEvent) -> Vec<Effect> {
    let items = s.copy_items();
    let before = s.reveal;
    match k.code {
        // A value wider than the screen: Enter shows it on the plain terminal, whose selection
        // takes it whole (the popup never wraps a value).
        KeyCode::Enter
            if items
                .get(i)
                .is_some_and(|it| !super::view::fits_on_screen(&it.value, s.size.0)) =>
        {
            let it = &items[i];
            s.reveal = None;
            return vec![Effect::ShowPlain {
                label: it.label.clone(),
                value: it.value.clone(),
            }];
        }
        KeyCode::Esc | KeyCode::Enter | KeyCode::Char('r' | 'q') => s.reveal = None,
        KeyCode::PageDown | KeyCode::Char(' ') => {
            s.reveal_scroll = s.reveal_scroll.saturating_add(10)
        }
        KeyCode::PageUp => s.reveal_scroll = s.reveal_scroll.saturating_sub(10),
        KeyCode::Up | KeyCode::Left | KeyCode::Char('k') => s.reveal = Some(i.saturating_sub(1)),
        KeyCode::Down | KeyCode::Right | KeyCode::Char('j') => {
            s.reveal = Some((i + 1).min(items.len().saturating_sub(1)))
        }
        KeyCode::Char(c) => {
            if let Some(pos) = items.iter().position(|it| it.key == c) {
                s.reveal = Some(pos);
            }
        }
        _ => {}
    }
    if s.reveal != before {
        s.reveal_scroll = 0;
    }
    Vec::new()
}

/// Runs an action on the current screen.
pub fn act(s: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::Interrupt => {
            request_quit(s, exit::INTERRUPTED);
            return Vec::new();
        }
        Action::Quit => {
            request_quit(s, exit::OK);
            return Vec::new();
        }
        Action::Help => {
            s.help = true;
            return Vec::new();
        }
        _ => {}
    }
    match s.screen {
        Screen::App => app_action(s, a),
        Screen::Details => details_action(s, a),
        Screen::Preview => preview_action(s, a),
        Screen::Review => review_action(s, a),
        Screen::Done => {
            if a == Action::Back {
                s.screen = Screen::Preview;
            }
            Vec::new()
        }
    }
}

/// The page size for PgUp/PgDn: the body height.
fn page(s: &State) -> usize {
    usize::from(s.size.1.saturating_sub(8)).max(1)
}

fn app_action(s: &mut State, a: Action) -> Vec<Effect> {
    let n = s.matches.len();
    match a {
        Action::Up => s.selected = s.selected.saturating_sub(1),
        Action::Down => s.selected = (s.selected + 1).min(n.saturating_sub(1)),
        Action::PageUp => s.selected = s.selected.saturating_sub(page(s) / 2),
        Action::PageDown => s.selected = (s.selected + page(s) / 2).min(n.saturating_sub(1)),
        Action::Top => s.selected = 0,
        Action::Bottom => s.selected = n.saturating_sub(1),
        Action::Clear => {
            s.filter.clear();
            s.refilter();
        }
        Action::Back => {
            if s.filter.value.is_empty() {
                request_quit(s, exit::OK);
            } else {
                s.filter.clear();
                s.refilter();
            }
        }
        Action::Confirm => match s.matches.get(s.selected) {
            Some(&i) => return pick(s, i),
            None => s.status = Some("No app matches the filter; Ctrl-U clears it".into()),
        },
        _ => {}
    }
    Vec::new()
}

/// Picks an app: builds the Details form (keeping what was typed when it is the same app).
pub fn pick(s: &mut State, idx: usize) -> Vec<Effect> {
    let same = s.app == Some(idx);
    s.app = Some(idx);
    s.screen = Screen::Details;
    s.status = None;
    s.form_error = None;
    if !same || s.fields.is_empty() {
        // Another app is another client: the file written is not its.
        s.written = None;
        s.written_yaml = None;
        s.plan = None;
        s.blueprint = None;
        s.secret_plain = None;
        s.secret_digest = None;
        s.secret_error = None;
        let unsupported = s.entry().is_some_and(|e| !authentik::supports(&e.slug));
        if s.provider == Provider::Authentik && unsupported {
            swap_auth_field(s, Provider::Authelia);
        }
        build_fields(s, None);
        s.focus = 0;
    }
    Vec::new()
}

/// Puts the provider URL field of `to` in place (kept from an earlier switch, or new and
/// following the domain), keeping the current one for a switch back.
fn swap_auth_field(s: &mut State, to: Provider) {
    if s.provider == to {
        return;
    }
    let fresh = Field::text(
        FieldKind::AuthUrl,
        &format!("{} URL", to.name()),
        "",
        "The provider's address; follows the domain until edited",
    );
    let incoming = s
        .other_auth
        .take()
        .filter(|f| f.label.starts_with(to.name()))
        .unwrap_or(fresh);
    if let Some(i) = s.fields.iter().position(|f| f.kind == FieldKind::AuthUrl) {
        s.other_auth = Some(std::mem::replace(&mut s.fields[i], incoming));
    } else {
        s.other_auth = None;
    }
    s.provider = to;
}

/// Chooses the provider on the Details screen: the form follows (provider URL, policy, the
/// setup's inputs) and a new secret is drawn for the new provider's preview.
pub fn set_provider(s: &mut State, to: Provider) {
    if s.provider == to {
        return;
    }
    if to == Provider::Authentik
        && let Some(e) = s.entry()
        && !authentik::supports(&e.slug)
    {
        s.status = authentik::unsupported_reason(&e.slug).map(|r| short_reason(&r));
        return;
    }
    let variant = s.variant().map(str::to_string);
    swap_auth_field(s, to);
    s.plan = None;
    s.blueprint = None;
    s.secret_plain = None;
    s.secret_digest = None;
    s.secret_error = None;
    build_fields(s, variant);
    s.focus = s
        .fields
        .iter()
        .position(|f| f.kind == FieldKind::Provider)
        .unwrap_or(0);
}

/// The reason without its command-line advice (the wizard offers Authelia instead).
fn short_reason(r: &str) -> String {
    r.split(" (use --provider").next().unwrap_or(r).to_string()
}

/// Builds the form for the picked app and setup, carrying over values of fields that stay.
fn build_fields(s: &mut State, variant: Option<String>) {
    let Some(entry) = s.entry() else { return };
    let old = std::mem::take(&mut s.fields);
    let keep = |k: &FieldKind| old.iter().find(|f| &f.kind == k).cloned();
    let authelia_setup = crate::catalog::setup_of(entry, variant.as_deref()).unwrap_or_else(|_| {
        entry
            .setups()
            .into_iter()
            .next()
            .expect("an entry has a main setup")
    });
    let setup = match s.provider {
        Provider::Authentik => authentik::setup(&entry.slug).unwrap_or(authelia_setup),
        Provider::Authelia => authelia_setup,
    };

    let mut fields = Vec::new();
    let domain_prefill = s
        .session
        .domain
        .clone()
        .filter(|d| !d.is_empty())
        .or_else(|| s.prefs.domain.clone())
        .unwrap_or_default();
    fields.push(keep(&FieldKind::Domain).unwrap_or_else(|| {
        Field::text(
            FieldKind::Domain,
            "Base domain",
            &domain_prefill,
            "Your base domain, e.g. example.com",
        )
    }));
    fields.push(keep(&FieldKind::AppUrl).unwrap_or_else(|| {
        Field::text(
            FieldKind::AppUrl,
            "App URL",
            "",
            "Where users open the app; follows the domain until edited",
        )
    }));
    let mut prov = Field::text(
        FieldKind::Provider,
        "Provider",
        "",
        "←/→ chooses the identity provider",
    );
    prov.choices = vec![("authelia".into(), "Authelia".into())];
    match authentik::unsupported_reason(&entry.slug) {
        None => {
            prov.choices
                .push(("authentik".into(), "authentik (a blueprint file)".into()));
            prov.help = "←/→: Authelia (configuration.yml) or authentik (a blueprint)".into();
        }
        Some(r) => prov.note = Some(short_reason(&r)),
    }
    prov.choice = prov
        .choices
        .iter()
        .position(|c| c.0 == s.provider.id())
        .unwrap_or(0);
    fields.push(prov);
    fields.push(keep(&FieldKind::AuthUrl).unwrap_or_else(|| {
        let mut f = Field::text(
            FieldKind::AuthUrl,
            &format!("{} URL", s.provider.name()),
            "",
            "The provider's address; follows the domain until edited",
        );
        // The URL typed last time, where no configuration gives one (the configuration's is a
        // default by the application layer's rule, see refresh_fields).
        let saved = s
            .prefs
            .authelia_url
            .clone()
            .filter(|_| s.provider == Provider::Authelia && s.session.authelia_url.is_none());
        if let Some(u) = saved {
            let follows = parse_domain(&domain_prefill)
                .is_ok_and(|d| trim_slash(&u) == trim_slash(&s.provider.default_url(&d)));
            if !follows {
                f.input = Input::new(u);
                f.edited = true;
            }
        }
        f
    }));
    let default_id = setup.client.client_id.clone();
    let mut id = keep(&FieldKind::ClientId)
        .filter(|f| f.edited)
        .unwrap_or_else(|| Field::text(FieldKind::ClientId, "Client ID", &default_id, ""));
    id.help = format!("The id {} and the app share", s.provider.name());
    id.placeholder = default_id;
    fields.push(id);
    fields.push(keep(&FieldKind::Policy).unwrap_or_else(|| {
        let mut f = Field::text(
            FieldKind::Policy,
            "Policy",
            "",
            "two_factor asks for a second factor at sign-in",
        );
        f.choices = vec![
            (
                "two_factor".into(),
                "two_factor (password and a second factor)".into(),
            ),
            ("one_factor".into(), "one_factor (password only)".into()),
        ];
        f
    }));
    if let Some(f) = fields.iter_mut().find(|f| f.kind == FieldKind::Policy) {
        f.disabled = s.provider == Provider::Authentik;
        f.note = f.disabled.then(|| {
            "not used by authentik: bind groups or users to the application instead".into()
        });
    }
    if !entry.variants.is_empty() {
        let mut f = Field::text(
            FieldKind::Variant,
            "Setup",
            "",
            "Which setup of the app to add",
        );
        f.choices = entry
            .setups()
            .iter()
            .map(|st| {
                (
                    st.variant.unwrap_or("default").to_string(),
                    st.label.to_string(),
                )
            })
            .collect();
        f.choice = f
            .choices
            .iter()
            .position(|c| Some(c.0.as_str()) == authelia_setup.variant)
            .unwrap_or(0);
        if s.provider == Provider::Authentik {
            f.disabled = true;
            let covers = match setup.variant {
                Some(v) => entry
                    .setups()
                    .iter()
                    .find(|st| st.variant == Some(v))
                    .map_or(v.to_string(), |st| st.label.to_string()),
                None => "the main setup".to_string(),
            };
            f.note = Some(format!("authentik's guide covers {covers} only"));
            // Show the setup authentik builds (Authelia's choice follows it when switching back).
            if let Some(i) = f
                .choices
                .iter()
                .position(|c| c.0 == setup.variant.unwrap_or("default"))
            {
                f.choice = i;
            }
        }
        fields.push(f);
    }
    for spec in plan::inputs_of(entry, &setup) {
        let kind = FieldKind::Extra(spec.key.clone());
        let mut f =
            keep(&kind).unwrap_or_else(|| Field::text(kind.clone(), &spec.label, "", &spec.help));
        f.label = spec.label.clone();
        f.help = spec.help.clone();
        fields.push(f);
    }
    s.fields = fields;
    refresh_fields(s);
}

fn trim_slash(u: &str) -> &str {
    u.trim().trim_end_matches('/')
}

/// The configuration offers a domain and Authelia URL: fill in what the user has not typed.
fn prefill_from_session(s: &mut State) {
    let sess = s.session.clone();
    if let Some(d) = sess.domain.filter(|d| !d.is_empty())
        && let Some(f) = s.fields.iter_mut().find(|f| f.kind == FieldKind::Domain)
        && !f.edited
    {
        f.input = Input::new(d);
    }
    refresh_fields(s);
}

/// Derived fields follow the domain; every field's error is recomputed.
fn refresh_fields(s: &mut State) {
    let Some(entry) = s.entry() else { return };
    let domain = parse_domain(s.field_value(&FieldKind::Domain));
    let provider = s.provider;
    let session = s.session.clone();
    let setup = s.setup();
    let specs: Vec<_> = setup
        .map(|st| plan::inputs_of(entry, &st))
        .unwrap_or_default();
    for f in &mut s.fields {
        let derived = match (&f.kind, &domain) {
            (FieldKind::AppUrl, Ok(d)) => Some(default_app_url(entry, d)),
            (FieldKind::AuthUrl, Ok(d)) => {
                Some(crate::app::auth_url_default(provider.imp(), d, Some(&session)).0)
            }
            (FieldKind::AppUrl | FieldKind::AuthUrl, Err(_)) => Some(String::new()),
            _ => None,
        };
        if let Some(d) = derived {
            if !f.edited {
                f.input = Input::new(d.clone());
            }
            f.placeholder = d;
        }
        let v = f.input.value.trim();
        f.error = match &f.kind {
            _ if f.disabled => None,
            FieldKind::Domain => parse_domain(v).err().map(|e| e.to_string()),
            FieldKind::AppUrl if !v.is_empty() => {
                HttpUrl::parse(v, "app URL").err().map(|e| e.to_string())
            }
            FieldKind::AuthUrl if !v.is_empty() => {
                HttpUrl::parse(v, &format!("{} URL", provider.name()))
                    .err()
                    .map(|e| e.to_string())
            }
            FieldKind::AppUrl | FieldKind::AuthUrl if domain.is_err() => {
                Some("give the base domain first, or a full URL here".into())
            }
            FieldKind::ClientId if !v.is_empty() => client::valid_client_id(v).err(),
            FieldKind::Extra(k) => {
                let spec = specs.iter().find(|sp| &sp.key == k);
                if v.chars().any(char::is_control) {
                    Some("contains a control character".into())
                } else if v.is_empty() && spec.is_some_and(|sp| sp.default.is_none()) {
                    Some(format!(
                        "required{}",
                        spec.map(|sp| format!(": {}", sp.help)).unwrap_or_default()
                    ))
                } else {
                    None
                }
            }
            _ => None,
        };
    }
    // A client id the configuration has already: said here, before a secret is shown; the
    // Review screen then offers the ways out.
    let dup = s.duplicate_id();
    if let Some(f) = s.fields.iter_mut().find(|f| f.kind == FieldKind::ClientId) {
        f.note = dup.map(|_| "already in the configuration: see below".to_string());
    }
    for f in &mut s.fields {
        if let FieldKind::Extra(k) = &f.kind
            && let Some(spec) = specs.iter().find(|sp| &sp.key == k)
        {
            f.placeholder = spec.default.clone().unwrap_or_default();
        }
    }
    s.form_error = None;
}

fn focused_input(s: &mut State) -> Option<&mut Input> {
    match s.screen {
        Screen::App => Some(&mut s.filter),
        Screen::Details => s
            .fields
            .get_mut(s.focus)
            .filter(|f| f.is_text())
            .map(|f| &mut f.input),
        Screen::Review if matches!(s.review, Review::AskPath | Review::SavePath) => {
            Some(&mut s.path_input)
        }
        _ => None,
    }
}

/// After the focused input changed.
fn after_edit(s: &mut State) {
    match s.screen {
        Screen::App => s.refilter(),
        Screen::Details => {
            if let Some(f) = s.fields.get_mut(s.focus) {
                f.edited = true;
            }
            refresh_fields(s);
        }
        _ => {}
    }
}

fn text_key(s: &mut State, k: KeyEvent) {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let Some(inp) = focused_input(s) else { return };
    let before = inp.value.clone();
    match k.code {
        KeyCode::Char('w') if ctrl => inp.delete_word(),
        KeyCode::Char('a') if ctrl => inp.home_end(true),
        KeyCode::Char('e') if ctrl => inp.home_end(false),
        KeyCode::Char(c) if !ctrl && !k.modifiers.contains(KeyModifiers::ALT) => {
            inp.insert(&c.to_string())
        }
        KeyCode::Backspace => inp.backspace(),
        KeyCode::Delete => inp.delete(),
        KeyCode::Left => inp.move_by(-1),
        KeyCode::Right => inp.move_by(1),
        KeyCode::Home => inp.home_end(true),
        KeyCode::End => inp.home_end(false),
        _ => return,
    }
    if inp.value != before {
        after_edit(s);
    }
}

fn details_action(s: &mut State, a: Action) -> Vec<Effect> {
    let n = s.fields.len().max(1);
    match a {
        Action::Next | Action::Down | Action::Prev | Action::Up => {
            let fwd = matches!(a, Action::Next | Action::Down);
            // Skip fields that do not apply (at most once round).
            for _ in 0..n {
                s.focus = if fwd {
                    (s.focus + 1) % n
                } else {
                    (s.focus + n - 1) % n
                };
                if !s.fields.get(s.focus).is_some_and(|f| f.disabled) {
                    break;
                }
            }
        }
        Action::Clear => {
            if let Some(f) = s.fields.get_mut(s.focus)
                && f.is_text()
            {
                f.input.clear();
                f.edited = true;
                refresh_fields(s);
            }
        }
        Action::ChoiceLeft | Action::ChoiceRight => {
            let Some(f) = s.fields.get_mut(s.focus) else {
                return Vec::new();
            };
            if f.is_text() {
                // Left/Right move the cursor in a text field.
                f.input
                    .move_by(if a == Action::ChoiceLeft { -1 } else { 1 });
                return Vec::new();
            }
            if f.disabled {
                s.status = f.note.clone();
                return Vec::new();
            }
            if f.kind == FieldKind::Provider {
                if f.choices.len() < 2 {
                    s.status = f.note.clone();
                    return Vec::new();
                }
                let to = match s.provider {
                    Provider::Authelia => Provider::Authentik,
                    Provider::Authentik => Provider::Authelia,
                };
                set_provider(s, to);
                return Vec::new();
            }
            let m = f.choices.len();
            f.choice = if a == Action::ChoiceLeft {
                (f.choice + m - 1) % m
            } else {
                (f.choice + 1) % m
            };
            if f.kind == FieldKind::Variant {
                let v = f.value().to_string();
                let focus_kind = f.kind.clone();
                build_fields(s, Some(v).filter(|v| v != "default"));
                s.focus = s
                    .fields
                    .iter()
                    .position(|f| f.kind == focus_kind)
                    .unwrap_or(0);
                s.plan = None;
            } else {
                refresh_fields(s);
            }
        }
        Action::Back => {
            s.screen = Screen::App;
            s.status = None;
        }
        Action::Confirm => return continue_to_preview(s),
        _ => {}
    }
    Vec::new()
}

/// Enter on Details: when every field is valid, go to the preview (generating a secret if
/// the client needs one and has none yet).
fn continue_to_preview(s: &mut State) -> Vec<Effect> {
    refresh_fields(s);
    if let Some(i) = s.fields.iter().position(|f| f.error.is_some()) {
        s.focus = i;
        s.status = Some(format!(
            "{}: {}",
            s.fields[i].label,
            s.fields[i].error.clone().unwrap_or_default()
        ));
        return Vec::new();
    }
    let Some(choice) = s.choice() else {
        return Vec::new();
    };
    // Check the whole build (the provider's rules) before leaving the form, with a stand-in
    // secret, as the application layer previews it.
    let check = choice.preview_redirects(&s.request()).map(|_| ());
    if let Err(e) = check {
        s.form_error = Some(e.to_string());
        s.status = Some(e.to_string());
        return Vec::new();
    }
    s.screen = Screen::Preview;
    s.status = None;
    s.reveal = None;
    s.values_scroll = 0;
    s.yaml_scroll = 0;
    let mut effects = Vec::new();
    if s.needs_secret() {
        if s.secret_plain.is_none() || s.secret_error.is_some() {
            s.secret_plain = None;
            s.secret_digest = None;
            s.secret_error = None;
            s.plan = None;
            effects.push(Effect::GenerateSecret);
        } else {
            build_plan(s);
        }
    } else {
        s.secret_plain = None;
        s.secret_digest = None;
        build_plan(s);
    }
    let mut prefs = s.prefs.clone();
    if let Ok(r) = s.resolve() {
        prefs.domain = Some(r.domain);
        if s.provider == Provider::Authelia {
            prefs.authelia_url = Some(r.auth_url.base());
        }
    }
    if prefs != s.prefs {
        s.prefs = prefs.clone();
        effects.push(Effect::SavePrefs(prefs));
    }
    effects
}

/// (Re)builds the plan from the form and the secret as it stands, through the application
/// layer (the command line builds the same way).
fn build_plan(s: &mut State) {
    let Some(choice) = s.choice() else {
        return;
    };
    let need = choice.secret_need();
    let secret = match need {
        SecretNeed::None => plan::SecretState::None,
        SecretNeed::Plaintext => s
            .secret_plain
            .clone()
            .map_or(plan::SecretState::None, plan::SecretState::Pending),
        SecretNeed::Digest => s.secret_state(),
    };
    let before = s.output.as_ref().map(|o| o.client_text.clone());
    if need != SecretNeed::None && matches!(secret, plan::SecretState::None) {
        s.plan = None;
        s.output = None;
        s.blueprint = None;
        return;
    }
    let built = choice.build(&s.request(), secret.clone());
    // authentik's Done and Review screens also read its blueprint's own facts.
    let bp = (s.provider == Provider::Authentik)
        .then(|| {
            s.resolve()
                .and_then(|r| authentik::plan(choice.app, &r, secret.plaintext()))
                .ok()
        })
        .flatten();
    match built {
        Ok(out) => {
            let new_file = matches!(out.delivery, Delivery::NewFile { .. });
            // A changed file is not the file written: Enter on the preview saves again.
            if new_file && before.as_deref() != Some(out.client_text.as_str()) {
                s.blueprint_written = None;
            }
            s.plan = Some(out.plan.clone());
            s.blueprint = bp.map(Box::new);
            s.output = Some(out);
        }
        Err(e) => {
            s.plan = None;
            s.output = None;
            s.blueprint = None;
            s.status = Some(e.to_string());
        }
    }
    // A plan that is not the one written (another field, another secret): Enter on the
    // preview reviews and writes again instead of showing the old write.
    let now = s
        .output
        .as_ref()
        .filter(|o| o.delivery == Delivery::Merge)
        .map(|o| o.client_text.clone());
    if s.written.is_some() && now != s.written_yaml {
        s.written = None;
        s.written_yaml = None;
    }
}

fn scroll(v: &mut u16, a: Action, page: usize) {
    let page = u16::try_from(page).unwrap_or(u16::MAX);
    *v = match a {
        Action::Up => v.saturating_sub(1),
        Action::Down => v.saturating_add(1),
        Action::PageUp => v.saturating_sub(page),
        Action::PageDown => v.saturating_add(page),
        Action::Top => 0,
        Action::Bottom => u16::MAX / 2,
        _ => *v,
    };
}

fn preview_action(s: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::Copy(c) => {
            let items = s.copy_items();
            let Some(pos) = items.iter().position(|it| it.key == c) else {
                return Vec::new();
            };
            let it = &items[pos];
            if it.label == "Client YAML" && s.digest_pending() {
                s.status =
                    Some("The digest is still being computed; copy the YAML in a moment".into());
                return Vec::new();
            }
            s.last_copied = Some(pos);
            let n = it.value.chars().count();
            let what = if it.block {
                format!("{} lines", it.value.lines().count())
            } else {
                format!("{n} characters")
            };
            return vec![Effect::Copy {
                label: format!("{}, {what}", it.label),
                value: it.value.clone(),
            }];
        }
        Action::Left => {
            s.pane = Pane::Yaml;
            s.yaml_hscroll = s.yaml_hscroll.saturating_sub(8);
        }
        Action::Right => {
            s.pane = Pane::Yaml;
            s.yaml_hscroll = s.yaml_hscroll.saturating_add(8);
        }
        Action::Reveal if !s.copy_items().is_empty() => {
            s.reveal = Some(s.last_copied.unwrap_or(0));
        }
        Action::Next | Action::Prev => {
            s.pane = match s.pane {
                Pane::Values => Pane::Yaml,
                Pane::Yaml => Pane::Values,
            }
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let pg = page(s);
            match s.pane {
                Pane::Values => scroll(&mut s.values_scroll, a, pg),
                Pane::Yaml => scroll(&mut s.yaml_scroll, a, pg),
            }
        }
        Action::Back => {
            s.screen = Screen::Details;
            s.status = None;
        }
        Action::Confirm => {
            if s.plan.is_none() {
                s.status = Some("The plan is not ready yet".into());
                return Vec::new();
            }
            if s.provider == Provider::Authentik {
                let Some(bp) = &s.blueprint else {
                    s.status = Some("The blueprint is not ready yet".into());
                    return Vec::new();
                };
                if s.blueprint_written.is_some() {
                    s.screen = Screen::Done;
                    return Vec::new();
                }
                if !matches!(s.review, Review::SavePath) || s.path_input.value.trim().is_empty() {
                    s.path_input = Input::new(bp.file_name.clone());
                }
                s.screen = Screen::Review;
                s.review = Review::SavePath;
                s.status = None;
                return Vec::new();
            }
            if s.written.is_some() {
                s.screen = Screen::Done;
                return Vec::new();
            }
            s.screen = Screen::Review;
            s.status = None;
            s.on_dup = OnDuplicate::Refuse;
            return start_review(s);
        }
        _ => {}
    }
    Vec::new()
}

fn start_review(s: &mut State) -> Vec<Effect> {
    s.diff_scroll = 0;
    match (&s.config_path, &s.config, &s.config_error) {
        (None, _, _) => {
            s.review = Review::AskPath;
            Vec::new()
        }
        (Some(_), Some(_), _) => start_merge(s),
        (Some(_), None, Some(e)) => {
            s.review = Review::Failed(e.clone());
            Vec::new()
        }
        (Some(p), None, None) => {
            s.review = Review::Working(format!("Reading {}", p.display()));
            Vec::new()
        }
    }
}

/// Merges when the document and the digest are there; else waits for them.
fn start_merge(s: &mut State) -> Vec<Effect> {
    let Some(doc) = s.config.clone() else {
        return start_review(s);
    };
    if s.digest_pending()
        || s.plan
            .as_ref()
            .is_some_and(|p| matches!(p.secret, plan::SecretState::Pending(_)))
    {
        s.review = Review::Working("Computing the digest of the client secret".into());
        return Vec::new();
    }
    let Some(plan) = s.plan.clone() else {
        s.review = Review::Failed("the plan is not ready".into());
        return Vec::new();
    };
    s.review = Review::Working(format!("Merging into {}", doc.path.display()));
    vec![Effect::Merge {
        doc,
        plan: Box::new(plan),
        on_dup: s.on_dup,
    }]
}

/// authentik's Review: where to save the blueprint; an existing file is overwritten only after
/// `y`.
fn blueprint_review_action(s: &mut State, a: Action) -> Vec<Effect> {
    let Some(bp) = s.blueprint.clone() else {
        s.screen = Screen::Preview;
        return Vec::new();
    };
    match (&s.review, a) {
        (Review::SavePath, Action::Confirm) => {
            let p = s.path_input.value.trim();
            if p.is_empty() {
                s.status = Some(format!(
                    "Type where to save the blueprint, e.g. {}",
                    bp.file_name
                ));
                return Vec::new();
            }
            let path = PathBuf::from(p);
            s.status = None;
            s.review = Review::Writing;
            return vec![Effect::SaveBlueprint {
                path,
                plan: bp,
                overwrite: false,
            }];
        }
        (Review::SavePath, Action::Clear) => s.path_input.clear(),
        (Review::Overwrite(path), Action::Write) => {
            let path = path.clone();
            s.status = None;
            s.review = Review::Writing;
            return vec![Effect::SaveBlueprint {
                path,
                plan: bp,
                overwrite: true,
            }];
        }
        (Review::Overwrite(_), Action::Back | Action::ChangePath | Action::Confirm) => {
            s.review = Review::SavePath;
            s.status = Some("Choose another path, or Enter and then y to overwrite".into());
        }
        (Review::SavePath, Action::Back) => {
            s.screen = Screen::Preview;
            s.status = None;
        }
        _ => {}
    }
    Vec::new()
}

fn review_action(s: &mut State, a: Action) -> Vec<Effect> {
    if s.provider == Provider::Authentik {
        return blueprint_review_action(s, a);
    }
    if matches!(s.review, Review::AskPath) {
        match a {
            Action::Confirm => {
                let p = s.path_input.value.trim();
                if p.is_empty() {
                    s.status = Some("Type the path of Authelia's configuration.yml".into());
                    return Vec::new();
                }
                let path = PathBuf::from(p);
                s.config_path = Some(path.clone());
                s.config = None;
                s.config_error = None;
                s.status = None;
                s.review = Review::Working(format!("Reading {}", path.display()));
                return vec![Effect::LoadConfig(path)];
            }
            Action::Clear => s.path_input.clear(),
            Action::Back => {
                s.screen = Screen::Preview;
                s.review = Review::Idle;
            }
            _ => {}
        }
        return Vec::new();
    }
    match a {
        Action::Write => match &s.review {
            Review::Ready(out) => {
                if let Some(doc) = s.config.clone() {
                    let merged = out.clone();
                    s.review = Review::Writing;
                    return vec![Effect::Write { doc, merged }];
                }
            }
            Review::Duplicate(_) => s.status = Some("Choose r, p or i first".into()),
            // y while the merge is still on its way: write as soon as it is ready.
            Review::Working(_) => {
                s.write_when_ready = true;
                s.status = Some("Writing as soon as the merge is ready".into());
            }
            _ => s.status = Some("Nothing to write yet".into()),
        },
        Action::Rotate | Action::Replace if matches!(s.review, Review::Duplicate(_)) => {
            s.on_dup = if a == Action::Rotate {
                OnDuplicate::Rotate
            } else {
                OnDuplicate::Replace
            };
            return start_merge(s);
        }
        Action::OtherId if matches!(s.review, Review::Duplicate(_)) => {
            s.screen = Screen::Details;
            s.review = Review::Idle;
            if let Some(i) = s.fields.iter().position(|f| f.kind == FieldKind::ClientId) {
                s.focus = i;
            }
            s.status = Some("Choose another client id, then Enter".into());
        }
        Action::ChangePath if !matches!(s.review, Review::Writing) => {
            s.path_input = Input::new(
                s.config_path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            );
            s.review = Review::AskPath;
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom => {
            let pg = page(s);
            scroll(&mut s.diff_scroll, a, pg);
        }
        Action::Back if !matches!(s.review, Review::Writing) => {
            s.screen = Screen::Preview;
            s.review = Review::Idle;
            s.write_when_ready = false;
            s.status = None;
        }
        _ => {}
    }
    Vec::new()
}
