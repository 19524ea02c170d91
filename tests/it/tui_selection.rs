//! What the mouse selects in the wizard is exactly a value or valid YAML (issue 9): the reveal
//! popup never wraps a value (one wider than the screen goes to the plain terminal whole), and
//! the client YAML pane never wraps a line (long lines scroll sideways).

use crate::tui_common::{SECRET, digest, key, render, state, to_preview};
use crossterm::event::KeyCode;
use oidc_wizard::tui::msg::{Effect, Msg};
use oidc_wizard::tui::update::update;

/// The rows of a rendered screen, without the quotes TestBackend puts around them.
fn rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect()
}

#[test]
fn a_secret_that_fits_is_revealed_on_one_row_exactly() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Char('r'));
    let items = s.copy_items();
    let i = items
        .iter()
        .position(|it| it.label == "Client Secret")
        .unwrap();
    key(&mut s, KeyCode::Char(items[i].key));
    let screen = render(&s, 80, 24);
    assert!(
        rows(&screen).iter().any(|r| r.trim() == SECRET),
        "the 72-character secret is one row, nothing else on it:\n{screen}"
    );
}

#[test]
fn a_value_wider_than_the_screen_goes_to_the_plain_terminal_whole() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    update(&mut s, Msg::Resize(60, 24));
    key(&mut s, KeyCode::Char('r'));
    let items = s.copy_items();
    for label in ["Client Secret", "Client YAML"] {
        let it = items.iter().find(|it| it.label == label).unwrap();
        key(&mut s, KeyCode::Char('r'));
        if s.reveal.is_none() {
            key(&mut s, KeyCode::Char('r'));
        }
        key(&mut s, KeyCode::Char(it.key));
        let screen = render(&s, 60, 24);
        // The popup shows no part of the value wrapped: it says why and what Enter does.
        assert!(
            screen.contains("wider than the screen"),
            "{label}:\n{screen}"
        );
        if label == "Client Secret" {
            assert!(
                !screen.contains(&SECRET[..50]),
                "{label} is not shown broken:\n{screen}"
            );
        }
        let eff = key(&mut s, KeyCode::Enter);
        let shown = eff.iter().find_map(|e| match e {
            Effect::ShowPlain { value, .. } => Some(value.clone()),
            _ => None,
        });
        assert_eq!(
            shown.as_deref(),
            Some(it.value.as_str()),
            "{label}: the exact value"
        );
    }
}

#[test]
fn the_yaml_pane_never_wraps_and_scrolls_sideways() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.into(),
            result: Ok(digest().into()),
        },
    );
    key(&mut s, KeyCode::Tab);
    let yaml = s
        .copy_items()
        .into_iter()
        .find(|i| i.label == "Client YAML")
        .unwrap()
        .value;
    let screen = render(&s, 80, 24);
    // Every YAML row shown is the start of a line of the YAML (indentation kept), never the
    // continuation of a wrapped one.
    let lines: Vec<&str> = yaml.lines().collect();
    let mut shown = 0;
    for r in rows(&screen) {
        let Some(inner) = r.strip_prefix('│').and_then(|x| x.strip_suffix('│')) else {
            continue;
        };
        let t = inner.trim_end();
        if t.is_empty() || t.starts_with('[') {
            continue;
        }
        assert!(
            lines.iter().any(|l| l.starts_with(t)),
            "a row that is no line's start: {t:?}\n{screen}"
        );
        shown += 1;
    }
    assert!(shown > 5, "{screen}");
    assert!(
        screen.contains("→ more"),
        "the pane says lines run off it:\n{screen}"
    );
    // Sideways: the end of the digest comes into view.
    let tail = &digest()[digest().len() - 20..];
    assert!(!screen.contains(tail));
    for _ in 0..20 {
        key(&mut s, KeyCode::Right);
    }
    let screen = render(&s, 80, 24);
    assert!(screen.contains(tail), "scrolled right:\n{screen}");
    for _ in 0..20 {
        key(&mut s, KeyCode::Left);
    }
    assert_eq!(s.yaml_hscroll, 0);
}
