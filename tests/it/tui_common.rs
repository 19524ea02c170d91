//! Shared helpers of the wizard's tests: a fixed catalog (so catalog growth does not change
//! snapshots), a state driver, and rendering into a TestBackend.
#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use oidc_wizard::catalog::{self, AppEntry};
use oidc_wizard::config::{Document, Written};
use oidc_wizard::tui::msg::Merged;
use oidc_wizard::tui::msg::{Effect, Msg};
use oidc_wizard::tui::state::{Init, State};
use oidc_wizard::tui::update::update;
use oidc_wizard::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;
use std::sync::OnceLock;

/// A fixed secret for deterministic screens.
pub const SECRET: &str = "Zq3-xV9_kT2~mP8.nR4-wL6_jH1~bC5.dF7-gS0_yU2~eA9.oI3-pK8_tM4~vB6.cN1-hQ5_";

/// Its digest with a fixed salt.
pub fn digest() -> &'static str {
    static D: OnceLock<String> = OnceLock::new();
    D.get_or_init(|| oidc_wizard::secret::digest_with_salt(SECRET, b"0123456789abcdef", 310_000))
}

/// The test catalog: memos, engomo and a made-up app with an input, env and a variant.
pub fn catalog() -> &'static [AppEntry] {
    static C: OnceLock<Vec<AppEntry>> = OnceLock::new();
    C.get_or_init(|| {
        [
            ("memos", include_str!("../tui_data/memos.yaml")),
            ("wikidemo", include_str!("../tui_data/wikidemo.yaml")),
            ("engomo", include_str!("../tui_data/engomo.yaml")),
        ]
        .iter()
        .map(|(s, t)| catalog::parse_entry(s, t).unwrap())
        .collect()
    })
}

pub const CONFIG: &str = "/srv/authelia/configuration.yml";

/// A fresh state at 80x24 (colors off), the config path known.
pub fn state() -> State {
    State::new(
        catalog(),
        Init {
            config_path: Some(PathBuf::from(CONFIG)),
            prefs: Default::default(),
            color: false,
            size: (80, 24),
        },
    )
}

pub fn key_event(code: KeyCode, m: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, m)
}

/// Sends a key.
pub fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(key_event(code, KeyModifiers::NONE)))
}

/// Sends a key with Ctrl.
pub fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    update(
        s,
        Msg::Key(key_event(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

/// Types text.
pub fn typ(s: &mut State, text: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for c in text.chars() {
        out.extend(key(s, KeyCode::Char(c)));
    }
    out
}

/// The index of a Details field.
pub fn pos(s: &State, kind: &oidc_wizard::tui::state::FieldKind) -> usize {
    s.fields
        .iter()
        .position(|f| &f.kind == kind)
        .expect("the field is on the form")
}

/// Picks `filter`'s first hit and types the domain.
pub fn to_details(s: &mut State, filter: &str, domain: &str) {
    typ(s, filter);
    key(s, KeyCode::Enter);
    ctrl(s, 'u');
    typ(s, domain);
}

/// To the preview, the secret and digest injected.
pub fn to_preview(s: &mut State, filter: &str, domain: &str) {
    to_details(s, filter, domain);
    let eff = key(s, KeyCode::Enter);
    if eff.iter().any(|e| matches!(e, Effect::GenerateSecret)) {
        update(s, Msg::SecretGenerated(Ok(SECRET.to_string())));
        update(
            s,
            Msg::Digested {
                plaintext: SECRET.to_string(),
                result: Ok(digest().to_string()),
            },
        );
    }
}

/// A configuration document.
pub fn doc() -> Document {
    Document {
        path: PathBuf::from(CONFIG),
        bytes: b"identity_providers:\n  oidc:\n    clients: []\n".to_vec(),
    }
}

/// A made-up merge output with a small diff.
pub fn merge_output() -> Merged {
    let diff = "--- configuration.yml\n+++ configuration.yml (new)\n@@ -1,3 +1,6 @@\n identity_providers:\n   oidc:\n-    clients: []\n+    clients:\n+      - client_id: 'memos'\n+        client_name: 'Memos'\n+        public: false\n";
    Merged {
        diff: diff.to_string(),
        first_time_setup: false,
        provider_keys_added: Vec::new(),
        warnings: vec![
            "clients uses the deprecated key 'id' in client 2; Authelia reads it as client_id"
                .into(),
        ],
        output: None,
    }
}

pub fn written() -> Written {
    Written {
        path: PathBuf::from(CONFIG),
        backup_path: PathBuf::from("/srv/authelia/configuration.yml.bak"),
        ..Default::default()
    }
}

/// Renders the state at a size and returns the screen as text.
pub fn render(s: &State, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view(s, f)).unwrap();
    t.backend().to_string()
}
