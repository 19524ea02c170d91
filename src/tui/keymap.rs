//! Keys and what they do, per screen. One table feeds three things: the key handling in
//! [`super::update`], the hint bar at the bottom and the help popup (`?` / F1), so they never
//! disagree.

use super::state::Screen;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Leave the wizard (`q`).
    Quit,
    /// Leave the wizard at once (Ctrl-C), from anywhere.
    Interrupt,
    /// Open or close the help popup.
    Help,
    /// Move up / previous row.
    Up,
    /// Move down / next row.
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// To the top.
    Top,
    /// To the bottom.
    Bottom,
    /// Pick, continue (Enter).
    Confirm,
    /// Go back (Esc).
    Back,
    /// Next field or pane (Tab).
    Next,
    /// Previous field (Shift-Tab).
    Prev,
    /// Clear the focused input (Ctrl-U).
    Clear,
    /// Previous choice (Left on a choice field).
    ChoiceLeft,
    /// Next choice (Right or Space on a choice field).
    ChoiceRight,
    /// Show a value for manual selection.
    Reveal,
    /// Scroll the client YAML sideways (its long lines are never wrapped).
    Left,
    /// Scroll the client YAML sideways, to the right.
    Right,
    /// Write the configuration.
    Write,
    /// Duplicate id: change only its secret.
    Rotate,
    /// Duplicate id: replace the whole client.
    Replace,
    /// Duplicate id: go back and pick another id.
    OtherId,
    /// Type another configuration path.
    ChangePath,
    /// Copy the value with this hotkey (Preview).
    Copy(char),
}

/// A key: code and the modifiers that must be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key(pub KeyCode, pub KeyModifiers);

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;

/// One binding: keys, how the hint bar and help name them, the action, a description.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys (any of them).
    pub keys: &'static [Key],
    /// The keys as shown (`Enter`, `Ctrl-U`).
    pub label: &'static str,
    /// What they do.
    pub action: Action,
    /// What they do, in words.
    pub desc: &'static str,
    /// The hint bar's short text; `None`: only in the help popup.
    pub hint: Option<&'static str>,
}

const fn b(
    keys: &'static [Key],
    label: &'static str,
    action: Action,
    desc: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        label,
        action,
        desc,
        hint,
    }
}

const K_UP: &[Key] = &[Key(KeyCode::Up, NONE), Key(KeyCode::Char('p'), CTRL)];
const K_DOWN: &[Key] = &[Key(KeyCode::Down, NONE), Key(KeyCode::Char('n'), CTRL)];
const K_UP_J: &[Key] = &[
    Key(KeyCode::Up, NONE),
    Key(KeyCode::Char('k'), NONE),
    Key(KeyCode::Char('p'), CTRL),
];
const K_DOWN_J: &[Key] = &[
    Key(KeyCode::Down, NONE),
    Key(KeyCode::Char('j'), NONE),
    Key(KeyCode::Char('n'), CTRL),
];
const K_PGUP: &[Key] = &[Key(KeyCode::PageUp, NONE)];
const K_PGDN: &[Key] = &[Key(KeyCode::PageDown, NONE)];
const K_TOP: &[Key] = &[Key(KeyCode::Home, NONE), Key(KeyCode::Char('g'), NONE)];
const K_BOTTOM: &[Key] = &[
    Key(KeyCode::End, NONE),
    Key(KeyCode::Char('G'), SHIFT),
    Key(KeyCode::Char('G'), NONE),
];
const K_ENTER: &[Key] = &[Key(KeyCode::Enter, NONE)];
const K_ESC: &[Key] = &[Key(KeyCode::Esc, NONE)];
const K_TAB: &[Key] = &[Key(KeyCode::Tab, NONE)];
const K_BACKTAB: &[Key] = &[Key(KeyCode::BackTab, SHIFT), Key(KeyCode::BackTab, NONE)];
const K_CLEAR: &[Key] = &[Key(KeyCode::Char('u'), CTRL)];
const K_LEFT: &[Key] = &[Key(KeyCode::Left, NONE)];
const K_RIGHT: &[Key] = &[Key(KeyCode::Right, NONE), Key(KeyCode::Char(' '), NONE)];
const K_HELP: &[Key] = &[
    Key(KeyCode::F(1), NONE),
    Key(KeyCode::Char('?'), NONE),
    Key(KeyCode::Char('?'), SHIFT),
];
const K_QUIT: &[Key] = &[Key(KeyCode::Char('q'), NONE)];
const K_CTRL_C: &[Key] = &[Key(KeyCode::Char('c'), CTRL)];

const APP: &[Binding] = &[
    b(
        &[],
        "type",
        Action::Help,
        "filter the apps (name, slug, description)",
        None,
    ),
    b(K_UP, "↑/↓", Action::Up, "move the highlight", Some("move")),
    b(K_DOWN, "Ctrl-N/P", Action::Down, "move the highlight", None),
    b(K_PGUP, "PgUp", Action::PageUp, "a page up", None),
    b(K_PGDN, "PgDn", Action::PageDown, "a page down", None),
    b(
        K_ENTER,
        "Enter",
        Action::Confirm,
        "pick the highlighted app",
        Some("pick"),
    ),
    b(
        K_CLEAR,
        "Ctrl-U",
        Action::Clear,
        "clear the filter",
        Some("clear"),
    ),
    b(
        K_ESC,
        "Esc",
        Action::Back,
        "clear the filter, or quit when it is empty",
        Some("quit"),
    ),
];

const DETAILS: &[Binding] = &[
    b(K_TAB, "Tab", Action::Next, "next field", Some("next")),
    b(
        K_BACKTAB,
        "Shift-Tab",
        Action::Prev,
        "previous field",
        Some("previous"),
    ),
    b(K_UP, "↑", Action::Up, "previous field", None),
    b(K_DOWN, "↓", Action::Down, "next field", None),
    b(
        K_CLEAR,
        "Ctrl-U",
        Action::Clear,
        "clear the field",
        Some("clear"),
    ),
    b(
        K_LEFT,
        "←/→",
        Action::ChoiceLeft,
        "change a choice (Space too)",
        Some("choose"),
    ),
    b(K_RIGHT, "→", Action::ChoiceRight, "next choice", None),
    b(
        K_ENTER,
        "Enter",
        Action::Confirm,
        "continue when every field is valid",
        Some("continue"),
    ),
    b(K_ESC, "Esc", Action::Back, "back to the apps", Some("back")),
];

const PREVIEW: &[Binding] = &[
    b(
        &[],
        "[1-9…]",
        Action::Copy(' '),
        "copy the value with that key",
        Some("copy"),
    ),
    b(
        &[Key(KeyCode::Char('r'), NONE)],
        "r",
        Action::Reveal,
        "reveal a value for manual selection",
        Some("reveal"),
    ),
    b(
        K_TAB,
        "Tab",
        Action::Next,
        "switch pane (values / client YAML)",
        Some("pane"),
    ),
    b(K_UP_J, "↑/k", Action::Up, "scroll up", None),
    b(K_DOWN_J, "↓/j", Action::Down, "scroll down", Some("scroll")),
    b(
        &[Key(KeyCode::Left, NONE), Key(KeyCode::Char('h'), NONE)],
        "←/h",
        Action::Left,
        "scroll the client YAML left (long lines are not wrapped)",
        None,
    ),
    b(
        &[Key(KeyCode::Right, NONE), Key(KeyCode::Char('l'), NONE)],
        "→/l",
        Action::Right,
        "scroll the client YAML right",
        None,
    ),
    b(K_PGUP, "PgUp", Action::PageUp, "a page up", None),
    b(K_PGDN, "PgDn", Action::PageDown, "a page down", None),
    b(
        K_ENTER,
        "Enter",
        Action::Confirm,
        "continue to the review",
        Some("review"),
    ),
    b(
        K_ESC,
        "Esc",
        Action::Back,
        "back to the details",
        Some("back"),
    ),
];

const REVIEW: &[Binding] = &[
    b(
        K_CLEAR,
        "Ctrl-U",
        Action::Clear,
        "clear the typed path",
        None,
    ),
    b(
        &[Key(KeyCode::Char('y'), NONE)],
        "y",
        Action::Write,
        "write the configuration",
        Some("write"),
    ),
    b(
        &[Key(KeyCode::Char('r'), NONE)],
        "r",
        Action::Rotate,
        "existing id: rotate only its secret",
        None,
    ),
    b(
        &[Key(KeyCode::Char('p'), NONE)],
        "p",
        Action::Replace,
        "existing id: replace the whole client",
        None,
    ),
    b(
        &[Key(KeyCode::Char('i'), NONE)],
        "i",
        Action::OtherId,
        "existing id: choose another id",
        None,
    ),
    b(
        &[Key(KeyCode::Char('c'), NONE)],
        "c",
        Action::ChangePath,
        "use another configuration file",
        Some("other file"),
    ),
    b(K_UP_J, "↑/k", Action::Up, "scroll up", None),
    b(K_DOWN_J, "↓/j", Action::Down, "scroll down", Some("scroll")),
    b(K_PGUP, "PgUp", Action::PageUp, "a page up", None),
    b(K_PGDN, "PgDn", Action::PageDown, "a page down", None),
    b(K_TOP, "g", Action::Top, "to the top", None),
    b(K_BOTTOM, "G", Action::Bottom, "to the bottom", None),
    b(
        K_ENTER,
        "Enter",
        Action::Confirm,
        "confirm the typed path",
        None,
    ),
    b(
        K_ESC,
        "Esc",
        Action::Back,
        "back to the preview",
        Some("back"),
    ),
];

const DONE: &[Binding] = &[
    b(K_ENTER, "Enter", Action::Quit, "quit", None),
    b(
        K_ESC,
        "Esc",
        Action::Back,
        "back to the values to copy",
        Some("values"),
    ),
];

const GLOBAL: &[Binding] = &[
    b(
        K_HELP,
        "?/F1",
        Action::Help,
        "help (F1 while typing)",
        Some("help"),
    ),
    b(
        K_QUIT,
        "q",
        Action::Quit,
        "quit (when no text field has focus)",
        Some("quit"),
    ),
    b(K_CTRL_C, "Ctrl-C", Action::Interrupt, "quit at once", None),
];

/// While "quit without writing?" is asked (a secret the user has seen is in no file yet).
const QUIT_ASK: &[Binding] = &[
    b(
        &[Key(KeyCode::Char('y'), NONE)],
        "y",
        Action::Quit,
        "quit without writing: the secret shown is lost",
        Some("quit, lose the secret"),
    ),
    b(
        &[Key(KeyCode::Char('n'), NONE), Key(KeyCode::Esc, NONE)],
        "n/Esc",
        Action::Back,
        "stay in the wizard",
        Some("stay"),
    ),
    b(K_CTRL_C, "Ctrl-C", Action::Interrupt, "quit at once", None),
];

/// The action of a key while "quit without writing?" is asked.
pub fn quit_ask_action(key: &KeyEvent) -> Option<Action> {
    let mods = key.modifiers - KeyModifiers::SHIFT;
    QUIT_ASK
        .iter()
        .find(|bd| bd.keys.iter().any(|k| k.0 == key.code && k.1 == mods))
        .map(|bd| bd.action)
}

/// The keys of the "quit without writing?" question (its popup and the hint bar).
pub fn quit_ask_bindings() -> impl Iterator<Item = &'static Binding> {
    QUIT_ASK.iter()
}

/// The bindings of a screen, then the global ones.
pub fn bindings(screen: Screen) -> impl Iterator<Item = &'static Binding> {
    let own = match screen {
        Screen::App => APP,
        Screen::Details => DETAILS,
        Screen::Preview => PREVIEW,
        Screen::Review => REVIEW,
        Screen::Done => DONE,
    };
    own.iter().chain(GLOBAL)
}

fn printable(k: &KeyEvent) -> bool {
    matches!(k.code, KeyCode::Char(_))
        && !k
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
}

/// The action of a key on a screen. While a text input has focus, printable keys are text
/// (none of them is an action), so `q` types a `q`.
pub fn action(screen: Screen, key: &KeyEvent, text_focus: bool) -> Option<Action> {
    if text_focus && printable(key) {
        return None;
    }
    // Shift is part of an upper-case char already; compare without it for chars.
    let mods = if matches!(key.code, KeyCode::Char(_)) {
        key.modifiers - KeyModifiers::SHIFT
    } else {
        key.modifiers
    };
    let hit = bindings(screen).find(|bd| {
        bd.keys.iter().any(|k| {
            k.0 == key.code
                && (k.1 == key.modifiers
                    || k.1 == mods
                    || (k.1 == SHIFT && key.code == KeyCode::BackTab))
        })
    });
    if let Some(bd) = hit {
        return Some(bd.action);
    }
    match key.code {
        KeyCode::Char(c)
            if screen == Screen::Preview && printable(key) && super::state::HOTKEYS.contains(c) =>
        {
            Some(Action::Copy(c))
        }
        _ => None,
    }
}

/// The hint bar's entries for a screen: (keys, short description).
pub fn hints(screen: Screen, text_focus: bool) -> Vec<(&'static str, &'static str)> {
    bindings(screen)
        .filter(|bd| !(text_focus && bd.action == Action::Quit))
        .filter_map(|bd| {
            let label = if text_focus && bd.action == Action::Help {
                "F1"
            } else {
                bd.label
            };
            bd.hint.map(|h| (label, h))
        })
        .collect()
}

/// The hint bar's entries for the state as it is: like [`hints`], but the Review screen shows
/// the keys of its current step (the path prompt, the duplicate-id choice, the diff).
pub fn hints_in(s: &super::state::State) -> Vec<(&'static str, &'static str)> {
    if s.quit_ask.is_some() {
        return QUIT_ASK
            .iter()
            .filter_map(|bd| bd.hint.map(|h| (bd.label, h)))
            .collect();
    }
    let text = s.text_focus();
    if s.screen != Screen::Review {
        return hints(s.screen, text);
    }
    bindings(Screen::Review)
        .filter(|bd| !(text && bd.action == Action::Quit))
        .filter_map(|bd| {
            let label = if text && bd.action == Action::Help {
                "F1"
            } else {
                bd.label
            };
            review_hint(bd.action, &s.review).map(|h| (label, h))
        })
        .collect()
}

fn review_hint(a: Action, r: &super::state::Review) -> Option<&'static str> {
    use super::state::Review as R;
    match (r, a) {
        (_, Action::Help) => Some("help"),
        (R::AskPath, Action::Confirm) => Some("open"),
        (R::AskPath, Action::Clear) => Some("clear"),
        (R::AskPath, Action::Back) => Some("back"),
        (R::AskPath, _) => None,
        (R::SavePath, Action::Confirm) => Some("save"),
        (R::SavePath, Action::Clear) => Some("clear"),
        (R::SavePath, Action::Back) => Some("back"),
        (R::SavePath, _) => None,
        (R::Overwrite(_), Action::Write) => Some("overwrite"),
        (R::Overwrite(_), Action::Back) => Some("other path"),
        (R::Overwrite(_), Action::Quit) => Some("quit"),
        (R::Overwrite(_), _) => None,
        (R::Duplicate(_), Action::Rotate) => Some("rotate"),
        (R::Duplicate(_), Action::Replace) => Some("replace"),
        (R::Duplicate(_), Action::OtherId) => Some("other id"),
        (R::Ready(_), Action::Write) => Some("write"),
        (R::Ready(_), Action::Down) => Some("scroll"),
        (R::Writing, _) => None,
        (_, Action::ChangePath) => Some("other file"),
        (_, Action::Back) => Some("back"),
        (_, Action::Quit) => Some("quit"),
        _ => None,
    }
}
