//! The wizard's state: one value that [`super::view`] draws and [`super::update`] changes.
//!
//! Nothing here does I/O. The screens follow one another in [`Screen`] order; the state keeps
//! what every screen needs, so going back (Esc) loses nothing the user typed.

use super::msg::Merged;
use super::theme::Theme;
use crate::catalog::{self, AppEntry, Setup};
use crate::config::{Document, SessionDefaults, Written};
use crate::plan::{self, Plan, Request, SecretState};
use crate::prefs::Prefs;
use crate::provider::authentik::BlueprintPlan;
use std::path::PathBuf;

/// The wizard's screens, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Pick the app.
    App,
    /// Fill in the domain, URLs, client id, policy and the app's extra values.
    Details,
    /// The client YAML and the values to copy into the app.
    Preview,
    /// The diff of the configuration file; `y` writes.
    Review,
    /// Where the file is and what to restart.
    Done,
}

impl Screen {
    /// Every screen in order.
    pub const ALL: [Screen; 5] = [
        Screen::App,
        Screen::Details,
        Screen::Preview,
        Screen::Review,
        Screen::Done,
    ];

    /// The screen's name in the title bar.
    pub fn name(self) -> &'static str {
        match self {
            Screen::App => "App",
            Screen::Details => "Details",
            Screen::Preview => "Preview",
            Screen::Review => "Review",
            Screen::Done => "Done",
        }
    }
}

/// The identity provider the wizard builds for, chosen on the Details screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Provider {
    /// Authelia: a client merged into `configuration.yml`.
    #[default]
    Authelia,
    /// authentik: a blueprint file the authentik worker applies.
    Authentik,
}

impl Provider {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Provider::Authelia => "Authelia",
            Provider::Authentik => "authentik",
        }
    }

    /// The value of the Details screen's provider choice.
    pub fn id(self) -> &'static str {
        match self {
            Provider::Authelia => "authelia",
            Provider::Authentik => "authentik",
        }
    }

    /// The provider behind the choice.
    pub fn imp(self) -> &'static dyn crate::provider::Provider {
        crate::provider::by_id(self.id()).unwrap_or_else(crate::provider::default)
    }

    /// The provider's default URL for a base domain.
    pub fn default_url(self, domain: &str) -> String {
        match self {
            Provider::Authelia => plan::default_auth_url(domain),
            Provider::Authentik => crate::provider::authentik::default_auth_url(domain),
        }
    }
}

/// A one-line text input with a cursor (a char index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    /// The text.
    pub value: String,
    /// Cursor position in chars, `0..=len`.
    pub cursor: usize,
}

impl Input {
    /// An input holding `value`, cursor at the end.
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        Input {
            cursor: value.chars().count(),
            value,
        }
    }

    fn byte(&self, char_idx: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_idx)
            .map_or(self.value.len(), |(b, _)| b)
    }

    /// Inserts text at the cursor (control characters are dropped).
    pub fn insert(&mut self, text: &str) {
        for c in text.chars().filter(|c| !c.is_control()) {
            let b = self.byte(self.cursor);
            self.value.insert(b, c);
            self.cursor += 1;
        }
    }

    /// Deletes the char before the cursor.
    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let b = self.byte(self.cursor);
            self.value.remove(b);
        }
    }

    /// Deletes the char under the cursor.
    pub fn delete(&mut self) {
        if self.cursor < self.value.chars().count() {
            let b = self.byte(self.cursor);
            self.value.remove(b);
        }
    }

    /// Deletes the word before the cursor (Ctrl-W).
    pub fn delete_word(&mut self) {
        let chars: Vec<char> = self.value.chars().collect();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1].is_whitespace() {
            i -= 1;
        }
        while i > 0 && !chars[i - 1].is_whitespace() && !"./:-_".contains(chars[i - 1]) {
            i -= 1;
        }
        if i == self.cursor && i > 0 {
            i -= 1;
        }
        let (a, b) = (self.byte(i), self.byte(self.cursor));
        self.value.replace_range(a..b, "");
        self.cursor = i;
    }

    /// Empties the input.
    pub fn clear(&mut self) {
        self.value.clear();
        self.cursor = 0;
    }

    /// Moves the cursor by `delta` chars, within bounds.
    pub fn move_by(&mut self, delta: isize) {
        let len = self.value.chars().count();
        self.cursor = self.cursor.saturating_add_signed(delta).min(len);
    }

    /// Cursor to the start (`true`) or the end.
    pub fn home_end(&mut self, home: bool) {
        self.cursor = if home { 0 } else { self.value.chars().count() };
    }
}

/// What a Details field stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    /// Base domain.
    Domain,
    /// The app's URL (follows the domain until edited).
    AppUrl,
    /// The provider's URL (follows the domain until edited).
    AuthUrl,
    /// Client id.
    ClientId,
    /// Which identity provider (Authelia, or authentik when it documents the app).
    Provider,
    /// one_factor / two_factor.
    Policy,
    /// Which of the entry's setups (only when it has variants).
    Variant,
    /// One of the entry's extra inputs, by key.
    Extra(String),
}

/// A field of the Details form: a text input, or a choice when `choices` is not empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// What it is.
    pub kind: FieldKind,
    /// Label.
    pub label: String,
    /// The text (text fields).
    pub input: Input,
    /// Choices as (value, label); empty for a text field.
    pub choices: Vec<(String, String)>,
    /// The chosen index (choice fields).
    pub choice: usize,
    /// Whether the user edited the text (derived fields then stop following the domain).
    pub edited: bool,
    /// Shown when the text is empty (the value used then).
    pub placeholder: String,
    /// One line of help.
    pub help: String,
    /// Why the value is not acceptable.
    pub error: Option<String>,
    /// A line shown below the value whether focused or not (why a choice is limited).
    pub note: Option<String>,
    /// The field does not apply (shown dimmed, skipped by Tab, not used).
    pub disabled: bool,
}

impl Field {
    /// A text field.
    pub fn text(kind: FieldKind, label: &str, value: &str, help: &str) -> Self {
        Field {
            kind,
            label: label.into(),
            input: Input::new(value),
            choices: Vec::new(),
            choice: 0,
            edited: false,
            placeholder: String::new(),
            help: help.into(),
            error: None,
            note: None,
            disabled: false,
        }
    }

    /// Whether this field takes typed text.
    pub fn is_text(&self) -> bool {
        self.choices.is_empty()
    }

    /// The value: the text, or the chosen choice's value.
    pub fn value(&self) -> &str {
        if self.is_text() {
            &self.input.value
        } else {
            self.choices.get(self.choice).map_or("", |c| c.0.as_str())
        }
    }
}

/// The preview's two panes (side by side when wide, tabs when narrow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pane {
    /// Values with hotkeys, the app-side steps, env block and notes.
    #[default]
    Values,
    /// The client YAML.
    Yaml,
}

/// A value the user can copy from the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyItem {
    /// Its hotkey.
    pub key: char,
    /// Label (`Client Secret`).
    pub label: String,
    /// The text copied.
    pub value: String,
    /// Whether the value is multi-line (shown as a block, not inline).
    pub block: bool,
}

/// The hotkeys of copyable values, in order. Letters that are other keys (h j k l q r v y) are
/// left out.
pub const HOTKEYS: &str = "1234567890abcdefgimnopstuwxz";

/// Where the Review screen stands.
#[derive(Debug, Clone, Default)]
pub enum Review {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// No configuration path is known: the user types one.
    AskPath,
    /// Reading the file or waiting for the digest, then merging.
    Working(String),
    /// The merge result, ready to write.
    Ready(Box<Merged>),
    /// A client with this id exists: rotate, replace or another id.
    Duplicate(String),
    /// Reading or merging failed.
    Failed(String),
    /// Writing.
    Writing,
    /// Writing failed (the file is unchanged).
    WriteFailed(String),
    /// authentik: the user types where to save the blueprint.
    SavePath,
    /// authentik: the file exists; `y` overwrites it.
    Overwrite(PathBuf),
}

/// The wizard's whole state.
#[derive(Debug, Clone)]
pub struct State {
    /// The current screen.
    pub screen: Screen,
    /// The provider built for.
    pub provider: Provider,
    /// Colors.
    pub theme: Theme,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    /// The catalog.
    pub catalog: &'static [AppEntry],
    /// App screen: the filter.
    pub filter: Input,
    /// App screen: indices into `catalog` matching the filter, best first.
    pub matches: Vec<usize>,
    /// App screen: the highlighted row in `matches`.
    pub selected: usize,
    /// The picked app (index into `catalog`).
    pub app: Option<usize>,
    /// Details: the form.
    pub fields: Vec<Field>,
    /// Details: the focused field.
    pub focus: usize,
    /// Details: a problem not tied to one field.
    pub form_error: Option<String>,
    /// The generated plaintext secret (kept when going back and forth).
    pub secret_plain: Option<String>,
    /// Its digest, once the worker delivered it.
    pub secret_digest: Option<String>,
    /// The secret could not be generated or hashed.
    pub secret_error: Option<String>,
    /// Preview: the plan.
    pub plan: Option<Plan>,
    /// Preview: the provider's output (what is shown and copied, as the command line prints it).
    pub output: Option<crate::provider::Output>,
    /// Preview (authentik): the blueprint, its steps and values.
    pub blueprint: Option<Box<BlueprintPlan>>,
    /// Details: the provider URL field of the provider not chosen (kept while switching).
    pub other_auth: Option<Field>,
    /// Done (authentik): where the blueprint was written.
    pub blueprint_written: Option<PathBuf>,
    /// Preview: which pane is shown (narrow) or scrolled (wide).
    pub pane: Pane,
    /// Preview: scroll of the values pane.
    pub values_scroll: u16,
    /// Preview: scroll of the YAML pane.
    pub yaml_scroll: u16,
    /// Columns the client YAML pane is scrolled to the right.
    pub yaml_hscroll: u16,
    /// Preview: the value shown in the reveal popup (index into [`State::copy_items`]).
    pub reveal: Option<usize>,
    /// Preview: scroll of a long value in the reveal popup.
    pub reveal_scroll: u16,
    /// Preview: the last value copied.
    pub last_copied: Option<usize>,
    /// Spinner frame.
    pub spinner: usize,
    /// The configuration file to merge into.
    pub config_path: Option<PathBuf>,
    /// The file as read.
    pub config: Option<Document>,
    /// Reading it failed.
    pub config_error: Option<String>,
    /// Defaults the configuration offers.
    pub session: SessionDefaults,
    /// The ids of the clients the configuration holds (a typed id among them is flagged on
    /// the Details screen).
    pub existing_ids: Vec<String>,
    /// Saved preferences.
    pub prefs: Prefs,
    /// Review: the path being typed.
    pub path_input: Input,
    /// Review: the merge's state.
    pub review: Review,
    /// Review: how a duplicate client id is handled.
    pub on_dup: crate::config::OnDuplicate,
    /// Review: diff scroll.
    pub diff_scroll: u16,
    /// Review: `y` was pressed while the merge was on its way.
    pub write_when_ready: bool,
    /// Done: where the file and its backup are.
    pub written: Option<Written>,
    /// The client YAML of the plan that was written (a plan that differs is not written yet).
    pub written_yaml: Option<String>,
    /// The plaintext secret the user has seen or copied (on the preview).
    pub secret_shown: Option<String>,
    /// The plaintext secret whose digest (or blueprint) the last write put into a file.
    pub secret_written: Option<String>,
    /// Quitting was asked for while a shown secret is in no file: the exit code waiting for `y`.
    pub quit_ask: Option<u8>,
    /// One line of feedback (what was copied, what is wrong).
    pub status: Option<String>,
    /// The help popup is open.
    pub help: bool,
    /// Set when the wizard should end, with the exit code.
    pub quit: Option<u8>,
}

/// What the runtime knows when the wizard starts.
#[derive(Debug, Clone, Default)]
pub struct Init {
    /// The configuration path (`--config`, preferences or `X_AUTHELIA_CONFIG`).
    pub config_path: Option<PathBuf>,
    /// Saved preferences.
    pub prefs: Prefs,
    /// Colors.
    pub color: bool,
    /// Terminal size.
    pub size: (u16, u16),
}

impl State {
    /// The state at start, on the App screen.
    pub fn new(catalog: &'static [AppEntry], init: Init) -> Self {
        let mut s = State {
            screen: Screen::App,
            provider: Provider::Authelia,
            theme: Theme { color: init.color },
            size: init.size,
            catalog,
            filter: Input::default(),
            matches: Vec::new(),
            selected: 0,
            app: None,
            fields: Vec::new(),
            focus: 0,
            form_error: None,
            secret_plain: None,
            secret_digest: None,
            secret_error: None,
            plan: None,
            blueprint: None,
            output: None,
            other_auth: None,
            blueprint_written: None,
            pane: Pane::Values,
            values_scroll: 0,
            yaml_scroll: 0,
            yaml_hscroll: 0,
            reveal: None,
            reveal_scroll: 0,
            last_copied: None,
            spinner: 0,
            config_path: init.config_path,
            config: None,
            config_error: None,
            session: SessionDefaults::default(),
            existing_ids: Vec::new(),
            prefs: init.prefs,
            path_input: Input::default(),
            review: Review::Idle,
            on_dup: crate::config::OnDuplicate::Refuse,
            diff_scroll: 0,
            write_when_ready: false,
            written: None,
            written_yaml: None,
            secret_shown: None,
            secret_written: None,
            quit_ask: None,
            status: None,
            help: false,
            quit: None,
        };
        s.refilter();
        s
    }

    /// Recomputes the App screen's matches for the filter, keeping the highlight in range.
    pub fn refilter(&mut self) {
        let hits = catalog::search(self.catalog, &self.filter.value);
        self.matches = hits
            .into_iter()
            .filter_map(|e| self.catalog.iter().position(|c| std::ptr::eq(c, e)))
            .collect();
        self.selected = 0;
    }

    /// The picked app.
    pub fn entry(&self) -> Option<&'static AppEntry> {
        self.app.map(|i| &self.catalog[i])
    }

    /// The chosen variant id (`None`: the main setup).
    pub fn variant(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.kind == FieldKind::Variant)
            .map(Field::value)
            .filter(|v| !v.is_empty() && *v != "default")
    }

    /// The provider, app and setup the form chooses (through the application layer, as the
    /// command line does).
    pub fn choice(&self) -> Option<crate::app::Choice> {
        let e = self.entry()?;
        let id = self.provider.id();
        crate::app::Choice::new(id, e, self.variant())
            .or_else(|_| crate::app::Choice::new(id, e, None))
            .ok()
    }

    /// The chosen setup of the picked app (for authentik, the one its guide documents).
    pub fn setup(&self) -> Option<Setup<'static>> {
        self.choice().map(|c| c.setup)
    }

    /// Whether the client needs a secret drawn for the chosen provider.
    pub fn needs_secret(&self) -> bool {
        self.choice()
            .is_some_and(|c| c.secret_need() != crate::provider::SecretNeed::None)
    }

    /// Validates the form's request for the chosen provider.
    pub fn resolve(&self) -> crate::error::Result<plan::Resolved> {
        let Some(c) = self.choice() else {
            return Err(crate::error::Error::input("no app picked"));
        };
        c.provider.resolve(c.app, &c.setup, &self.request())
    }

    /// The field of a kind.
    pub fn field(&self, kind: &FieldKind) -> Option<&Field> {
        self.fields.iter().find(|f| &f.kind == kind)
    }

    /// The text of a field (empty when absent).
    pub fn field_value(&self, kind: &FieldKind) -> &str {
        self.field(kind).map_or("", Field::value)
    }

    /// Whether a text input has the keyboard (then printable keys type, `q` does not quit).
    pub fn text_focus(&self) -> bool {
        match self.screen {
            Screen::App => true,
            Screen::Details => self.fields.get(self.focus).is_some_and(Field::is_text),
            Screen::Review => matches!(self.review, Review::AskPath | Review::SavePath),
            _ => false,
        }
    }

    /// The request the Details form describes.
    pub fn request(&self) -> Request {
        let opt = |k: FieldKind| {
            let v = self.field_value(&k).trim();
            (!v.is_empty()).then(|| v.to_string())
        };
        let values = self
            .fields
            .iter()
            .filter_map(|f| match &f.kind {
                FieldKind::Extra(k) if !f.input.value.trim().is_empty() => {
                    Some((k.clone(), f.input.value.trim().to_string()))
                }
                _ => None,
            })
            .collect();
        Request {
            domain: self.field_value(&FieldKind::Domain).to_string(),
            app_url: opt(FieldKind::AppUrl),
            auth_url: opt(FieldKind::AuthUrl),
            client_id: opt(FieldKind::ClientId),
            policy: if self.provider == Provider::Authelia {
                opt(FieldKind::Policy)
            } else {
                None
            },
            values,
        }
    }

    /// The redirect URIs the form gives, when it is valid (shown live on the Details screen).
    pub fn redirect_preview(&self) -> Option<Vec<String>> {
        if self.fields.iter().any(|f| f.error.is_some()) {
            return None;
        }
        self.choice()?.preview_redirects(&self.request()).ok()
    }

    /// The client id the form gives when the configuration already has a client with it
    /// (Authelia only: that merge asks rotate, replace or another id).
    pub fn duplicate_id(&self) -> Option<String> {
        if self.provider != Provider::Authelia {
            return None;
        }
        let f = self.field(&FieldKind::ClientId)?;
        let v = f.input.value.trim();
        let id = if v.is_empty() {
            f.placeholder.as_str()
        } else {
            v
        };
        self.existing_ids.iter().find(|x| *x == id).cloned()
    }

    /// Whether quitting now loses a secret the user has seen or copied: it is in no file yet.
    pub fn secret_at_risk(&self) -> bool {
        self.secret_shown.is_some() && self.secret_shown != self.secret_written
    }

    /// The secret as the plan sees it.
    pub fn secret_state(&self) -> SecretState {
        match (&self.secret_plain, &self.secret_digest) {
            (Some(p), Some(d)) => SecretState::Ready {
                plaintext: p.clone(),
                digest: d.clone(),
            },
            (Some(p), None) => SecretState::Pending(p.clone()),
            _ => SecretState::None,
        }
    }

    /// Whether the digest is still being computed.
    pub fn digest_pending(&self) -> bool {
        self.provider == Provider::Authelia
            && self.secret_plain.is_some()
            && self.secret_digest.is_none()
            && self.secret_error.is_none()
    }

    /// Every value the preview offers to copy, with its hotkey: the provider's output's values,
    /// the same the command line prints.
    pub fn copy_items(&self) -> Vec<CopyItem> {
        let Some(out) = &self.output else {
            return Vec::new();
        };
        out.values
            .iter()
            .zip(HOTKEYS.chars())
            .map(|(v, key)| CopyItem {
                key,
                label: v.label.clone(),
                value: v.value.clone(),
                block: v.block,
            })
            .collect()
    }
}
