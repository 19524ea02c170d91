//! Snapshots of every screen at 80x24 and 120x40, and below the minimum size. The secret and
//! digest are injected and the catalog is fixed, so the screens are deterministic.

mod tui_common;

use crossterm::event::KeyCode;
use oidc_wizard::config::OnDuplicate;
use oidc_wizard::error::Error;
use oidc_wizard::tui::msg::{Effect, Msg};
use oidc_wizard::tui::state::State;
use oidc_wizard::tui::update::update;
use std::path::PathBuf;
use tui_common::*;

fn both(name: &str, s: &State) {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(s, w, h));
    }
}

#[test]
fn app_screen() {
    let s = state();
    both("app", &s);
}

#[test]
fn app_screen_filtered() {
    let mut s = state();
    typ(&mut s, "wiki");
    both("app_filtered", &s);
    typ(&mut s, "zzzz");
    both("app_no_match", &s);
}

#[test]
fn details_screen() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    both("details", &s);
}

#[test]
fn details_with_errors_extra_input_and_variant() {
    let mut s = state();
    to_details(&mut s, "wikidemo", "bad domain");
    both("details_errors", &s);
}

#[test]
fn preview_screen_ready() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    both("preview", &s);
}

#[test]
fn preview_screen_digest_pending() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    both("preview_pending", &s);
}

#[test]
fn preview_yaml_tab_and_copy_status() {
    let mut s = state();
    to_preview(&mut s, "wikidemo", "example.com");
    // wikidemo needs a realm: the first Enter stopped on it.
    assert_eq!(s.screen, oidc_wizard::tui::state::Screen::Details);
    s.focus = s.fields.len() - 1;
    typ(&mut s, "staff");
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.into(),
            result: Ok(digest().into()),
        },
    );
    key(&mut s, KeyCode::Char('2'));
    both("preview_copied", &s);
    key(&mut s, KeyCode::Tab);
    both("preview_yaml_tab", &s);
}

#[test]
fn reveal_and_help_popups() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Char('2'));
    key(&mut s, KeyCode::Char('r'));
    both("reveal", &s);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::F(1));
    both("help_preview", &s);
}

fn to_review(s: &mut State) {
    update(s, Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc())));
    to_preview(s, "memos", "example.com");
    let eff = key(s, KeyCode::Enter);
    assert!(eff.iter().any(|e| matches!(
        e,
        Effect::Merge {
            on_dup: OnDuplicate::Refuse,
            ..
        }
    )));
}

#[test]
fn review_screen() {
    let mut s = state();
    to_review(&mut s);
    update(&mut s, Msg::Merged(Ok(merge_output())));
    both("review", &s);
}

#[test]
fn review_duplicate() {
    let mut s = state();
    to_review(&mut s);
    update(
        &mut s,
        Msg::Merged(Err(Error::DuplicateClient {
            path: CONFIG.into(),
            client_id: "memos".into(),
        })),
    );
    both("review_duplicate", &s);
}

#[test]
fn review_failed_and_ask_path() {
    let mut s = state();
    update(
        &mut s,
        Msg::ConfigLoaded(
            PathBuf::from(CONFIG),
            Err(Error::file(CONFIG, "No such file or directory")),
        ),
    );
    to_preview(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    both("review_failed", &s);
    key(&mut s, KeyCode::Char('c'));
    ctrl(&mut s, 'u');
    typ(&mut s, "/etc/authelia/configuration.yml");
    both("review_ask_path", &s);
}

#[test]
fn done_screen() {
    let mut s = state();
    to_review(&mut s);
    update(&mut s, Msg::Merged(Ok(merge_output())));
    let eff = key(&mut s, KeyCode::Char('y'));
    assert!(matches!(eff.as_slice(), [Effect::Write { .. }]));
    update(&mut s, Msg::Written(Ok(written())));
    both("done", &s);
}

#[test]
fn too_small() {
    let mut s = state();
    insta::assert_snapshot!("too_small_40x10", render(&s, 40, 10));
    to_preview(&mut s, "memos", "example.com");
    insta::assert_snapshot!("too_small_preview_59x24", render(&s, 59, 24));
}
