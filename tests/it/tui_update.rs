//! `update()` without a terminal: the flow from app to done, and the edge keys.

use crate::tui_common;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use oidc_wizard::config::OnDuplicate;
use oidc_wizard::error::Error;
use oidc_wizard::exit;
use oidc_wizard::prefs::Prefs;
use oidc_wizard::tui::keymap::{self, Action};
use oidc_wizard::tui::msg::{Effect, Msg};
use oidc_wizard::tui::state::{FieldKind, Init, Pane, Review, Screen, State};
use oidc_wizard::tui::update::{init, update};
use std::path::PathBuf;
use tui_common::*;

#[test]
fn init_reads_the_configuration_when_its_path_is_known() {
    let mut s = state();
    assert!(
        matches!(init(&mut s).as_slice(), [Effect::LoadConfig(p)] if p == &PathBuf::from(CONFIG))
    );
    let mut s = State::new(catalog(), Init::default());
    assert!(init(&mut s).is_empty());
}

#[test]
fn filter_narrows_and_moves_and_picks() {
    let mut s = state();
    assert_eq!(s.matches.len(), 3);
    typ(&mut s, "wiki");
    assert_eq!(s.catalog[s.matches[0]].slug, "wikidemo");
    ctrl(&mut s, 'u');
    assert_eq!(s.filter.value, "");
    assert_eq!(s.matches.len(), 3);
    key(&mut s, KeyCode::Down);
    ctrl(&mut s, 'n');
    ctrl(&mut s, 'n'); // stays on the last row
    assert_eq!(s.selected, 2);
    ctrl(&mut s, 'p');
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Up);
    assert_eq!(s.selected, 0);
    // q types into the filter: it does not quit.
    typ(&mut s, "q");
    assert_eq!(s.quit, None);
    assert_eq!(s.filter.value, "q");
    key(&mut s, KeyCode::Backspace);
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Details);
    assert_eq!(s.entry().unwrap().slug, "wikidemo");
}

#[test]
fn enter_with_no_match_stays() {
    let mut s = state();
    typ(&mut s, "zzzzzz");
    assert!(s.matches.is_empty());
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::App);
    assert!(s.status.as_deref().unwrap().contains("No app matches"));
}

#[test]
fn esc_on_app_clears_then_quits() {
    let mut s = state();
    typ(&mut s, "me");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.filter.value, "");
    assert_eq!(s.quit, None);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.quit, Some(exit::OK));
}

#[test]
fn ctrl_c_quits_everywhere_with_130() {
    for at in 0..3 {
        let mut s = state();
        if at >= 1 {
            to_details(&mut s, "memos", "example.com");
        }
        if at >= 2 {
            key(&mut s, KeyCode::Enter);
        }
        ctrl(&mut s, 'c');
        assert_eq!(s.quit, Some(exit::INTERRUPTED));
    }
}

#[test]
fn derived_fields_follow_the_domain_until_edited() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    assert_eq!(
        s.field_value(&FieldKind::AppUrl),
        "https://memos.example.com/"
    );
    assert_eq!(
        s.field_value(&FieldKind::AuthUrl),
        "https://auth.example.com"
    );
    assert_eq!(s.field_value(&FieldKind::ClientId), "memos");
    typ(&mut s, ".org");
    assert_eq!(
        s.field_value(&FieldKind::AppUrl),
        "https://memos.example.com.org/"
    );
    // Edit the app URL: it stops following.
    key(&mut s, KeyCode::Tab);
    ctrl(&mut s, 'u');
    typ(&mut s, "https://notes.example.net/");
    key(&mut s, KeyCode::BackTab);
    assert_eq!(s.focus, 0);
    ctrl(&mut s, 'u');
    typ(&mut s, "home.lan");
    assert_eq!(
        s.field_value(&FieldKind::AppUrl),
        "https://notes.example.net/"
    );
    assert_eq!(s.field_value(&FieldKind::AuthUrl), "https://auth.home.lan");
}

#[test]
fn invalid_fields_say_why_and_block_enter() {
    let mut s = state();
    to_details(&mut s, "memos", "exa mple.com");
    let f = s.field(&FieldKind::Domain).unwrap();
    assert!(
        f.error.as_deref().unwrap().contains("space"),
        "{:?}",
        f.error
    );
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.is_empty());
    assert_eq!(s.screen, Screen::Details);
    // Bad client id, then bad URL: focus jumps to the first bad field.
    ctrl(&mut s, 'u');
    typ(&mut s, "example.com");
    let id = pos(&s, &FieldKind::ClientId);
    s.focus = id;
    ctrl(&mut s, 'u');
    typ(&mut s, "bad id!");
    assert!(s.field(&FieldKind::ClientId).unwrap().error.is_some());
    s.focus = 0;
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.focus, id);
    assert!(s.status.as_deref().unwrap().starts_with("Client ID"));
    ctrl(&mut s, 'u'); // empty client id: the default is used
    assert!(s.field(&FieldKind::ClientId).unwrap().error.is_none());
    s.focus = 1;
    ctrl(&mut s, 'u');
    typ(&mut s, "ftp://x");
    assert!(s.field(&FieldKind::AppUrl).unwrap().error.is_some());
}

#[test]
fn required_extra_input_and_variant_choice() {
    let mut s = state();
    to_details(&mut s, "wikidemo", "example.com");
    let realm = FieldKind::Extra("realm".into());
    assert!(s.field(&realm).unwrap().error.is_some());
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Details);
    assert_eq!(s.fields[s.focus].kind, realm);
    typ(&mut s, "staff q"); // q is text here
    assert_eq!(s.field_value(&realm), "staff q");
    assert_eq!(s.quit, None);
    // The variant choice switches the setup; typed values stay.
    let v = s
        .fields
        .iter()
        .position(|f| f.kind == FieldKind::Variant)
        .unwrap();
    s.focus = v;
    key(&mut s, KeyCode::Right);
    assert_eq!(s.variant(), Some("cli"));
    assert_eq!(s.field_value(&FieldKind::ClientId), "wikidemo-cli");
    assert_eq!(s.field_value(&realm), "staff q");
    key(&mut s, KeyCode::Char(' '));
    assert_eq!(s.variant(), None);
    key(&mut s, KeyCode::Left);
    assert_eq!(s.variant(), Some("cli"));
    // q on a choice field quits.
    key(&mut s, KeyCode::Char('q'));
    assert_eq!(s.quit, Some(exit::OK));
}

#[test]
fn public_variant_needs_no_secret() {
    let mut s = state();
    to_details(&mut s, "wikidemo", "example.com");
    let v = s
        .fields
        .iter()
        .position(|f| f.kind == FieldKind::Variant)
        .unwrap();
    s.focus = v;
    key(&mut s, KeyCode::Right);
    s.focus = s.fields.len() - 1;
    typ(&mut s, "r");
    let eff = key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    assert!(!eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    assert!(s.plan.is_some());
    assert!(!s.copy_items().iter().any(|i| i.label == "Client Secret"));
}

#[test]
fn policy_choice_reaches_the_plan() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    s.focus = pos(&s, &FieldKind::Policy);
    key(&mut s, KeyCode::Right);
    assert_eq!(s.field_value(&FieldKind::Policy), "one_factor");
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    assert_eq!(
        s.plan
            .as_ref()
            .unwrap()
            .client
            .authorization_policy
            .as_deref(),
        Some("one_factor")
    );
}

#[test]
fn secret_then_digest_on_the_worker() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    let eff = key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    assert!(eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    assert!(
        eff.iter().any(
            |e| matches!(e, Effect::SavePrefs(p) if p.domain.as_deref() == Some("example.com"))
        )
    );
    let eff = update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    assert!(matches!(eff.as_slice(), [Effect::Digest(p)] if p == SECRET));
    assert!(s.digest_pending());
    // Keys are handled while the digest is computed.
    let eff = key(&mut s, KeyCode::Char('2'));
    assert!(matches!(eff.as_slice(), [Effect::Copy { value, .. }] if value == SECRET));
    // A stale digest (another secret) is ignored.
    update(
        &mut s,
        Msg::Digested {
            plaintext: "old".into(),
            result: Ok("x".into()),
        },
    );
    assert!(s.digest_pending());
    update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.into(),
            result: Ok(digest().into()),
        },
    );
    assert!(!s.digest_pending());
    assert_eq!(
        s.plan.as_ref().unwrap().client.client_secret.as_deref(),
        Some(digest())
    );
    // Going back and forth keeps the secret.
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Details);
    let eff = key(&mut s, KeyCode::Enter);
    assert!(!eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    assert_eq!(s.secret_plain.as_deref(), Some(SECRET));
}

#[test]
fn every_hotkey_copies_its_value_and_says_so() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    let items = s.copy_items();
    let labels: Vec<_> = items.iter().map(|i| i.label.as_str()).collect();
    for want in [
        "Client ID",
        "Client Secret",
        "Issuer",
        "Token URL",
        "Redirect URI",
        "Client YAML",
    ] {
        assert!(labels.contains(&want), "{labels:?}");
    }
    for it in &items {
        let eff = key(&mut s, KeyCode::Char(it.key));
        match eff.as_slice() {
            [Effect::Copy { label, value }] => {
                assert!(label.starts_with(&format!("{}, ", it.label)), "{label}");
                assert_eq!(value, &it.value);
            }
            other => panic!("{} gave {other:?}", it.key),
        }
        // The status waits for the runtime's report of the copy.
        assert!(!s.status.as_deref().unwrap_or("").contains(&it.label));
    }
    let yaml = items.iter().find(|i| i.label == "Client YAML").unwrap();
    assert!(yaml.value.contains(digest()));
    // A key that is no hotkey does nothing.
    assert!(key(&mut s, KeyCode::Char('z')).is_empty());
}

#[test]
fn yaml_copy_waits_for_the_digest() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    let k = s
        .copy_items()
        .iter()
        .find(|i| i.label == "Client YAML")
        .unwrap()
        .key;
    assert!(key(&mut s, KeyCode::Char(k)).is_empty());
    assert!(s.status.as_deref().unwrap().contains("digest"));
}

#[test]
fn reveal_popup_and_help_popup() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Char('2'));
    key(&mut s, KeyCode::Char('r'));
    assert_eq!(s.reveal, Some(1));
    key(&mut s, KeyCode::Down);
    assert_eq!(s.reveal, Some(2));
    key(&mut s, KeyCode::Char('1'));
    assert_eq!(s.reveal, Some(0));
    key(&mut s, KeyCode::PageDown);
    assert_eq!(s.reveal_scroll, 10);
    key(&mut s, KeyCode::Char('2'));
    assert_eq!(s.reveal_scroll, 0);
    // Enter closes the popup, not the screen.
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.reveal, None);
    assert_eq!(s.screen, Screen::Preview);
    key(&mut s, KeyCode::Char('?'));
    assert!(s.help);
    key(&mut s, KeyCode::Char('y')); // ignored while help shows
    assert!(s.help);
    key(&mut s, KeyCode::F(1));
    assert!(!s.help);
    // In a text field ? types, F1 opens help.
    let mut s = state();
    typ(&mut s, "?");
    assert!(!s.help);
    key(&mut s, KeyCode::F(1));
    assert!(s.help);
}

#[test]
fn preview_panes_and_scroll() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Down);
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.values_scroll, 2);
    key(&mut s, KeyCode::Tab);
    assert_eq!(s.pane, Pane::Yaml);
    key(&mut s, KeyCode::PageDown);
    assert!(s.yaml_scroll > 0);
    key(&mut s, KeyCode::Up);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Details);
}

fn at_review(s: &mut State) -> Vec<Effect> {
    update(s, Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc())));
    to_preview(s, "memos", "example.com");
    key(s, KeyCode::Enter)
}

#[test]
fn review_merges_writes_and_saves_prefs() {
    let mut s = state();
    let eff = at_review(&mut s);
    assert_eq!(s.screen, Screen::Review);
    match eff.as_slice() {
        [Effect::Merge { doc, plan, on_dup }] => {
            assert_eq!(doc.path, PathBuf::from(CONFIG));
            assert_eq!(plan.client.client_secret.as_deref(), Some(digest()));
            assert_eq!(*on_dup, OnDuplicate::Refuse);
        }
        other => panic!("{other:?}"),
    }
    update(&mut s, Msg::Merged(Ok(merge_output())));
    key(&mut s, KeyCode::Char('j'));
    assert_eq!(s.diff_scroll, 1);
    let eff = key(&mut s, KeyCode::Char('y'));
    assert!(matches!(eff.as_slice(), [Effect::Write { .. }]));
    assert!(matches!(s.review, Review::Writing));
    let eff = update(&mut s, Msg::Written(Ok(written())));
    assert_eq!(s.screen, Screen::Done);
    match eff.as_slice() {
        [Effect::SavePrefs(p), Effect::LoadConfig(_)] => {
            assert_eq!(
                p,
                &Prefs {
                    domain: Some("example.com".into()),
                    authelia_url: Some("https://auth.example.com".into()),
                    config_path: Some(CONFIG.into()),
                }
            );
        }
        other => panic!("{other:?}"),
    }
    key(&mut s, KeyCode::Char('q'));
    assert_eq!(s.quit, Some(exit::OK));
}

#[test]
fn digest_still_running_at_review_merges_when_it_arrives() {
    let mut s = state();
    update(&mut s, Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc())));
    to_details(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.is_empty());
    assert!(matches!(s.review, Review::Working(_)));
    let eff = update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.into(),
            result: Ok(digest().into()),
        },
    );
    assert!(matches!(eff.as_slice(), [Effect::Merge { .. }]));
}

#[test]
fn duplicate_offers_rotate_replace_other_id() {
    let dup = || {
        Msg::Merged(Err(Error::DuplicateClient {
            path: CONFIG.into(),
            client_id: "memos".into(),
        }))
    };
    let mut s = state();
    at_review(&mut s);
    update(&mut s, dup());
    assert!(matches!(&s.review, Review::Duplicate(id) if id == "memos"));
    let hints = keymap::hints_in(&s);
    for want in [("r", "rotate"), ("p", "replace"), ("i", "other id")] {
        assert!(hints.contains(&want), "{hints:?}");
    }
    assert!(!hints.iter().any(|(k, _)| *k == "y"));
    assert!(key(&mut s, KeyCode::Char('y')).is_empty());
    let eff = key(&mut s, KeyCode::Char('r'));
    assert!(matches!(
        eff.as_slice(),
        [Effect::Merge {
            on_dup: OnDuplicate::Rotate,
            ..
        }]
    ));
    update(&mut s, dup());
    let eff = key(&mut s, KeyCode::Char('p'));
    assert!(matches!(
        eff.as_slice(),
        [Effect::Merge {
            on_dup: OnDuplicate::Replace,
            ..
        }]
    ));
    update(&mut s, dup());
    key(&mut s, KeyCode::Char('i'));
    assert_eq!(s.screen, Screen::Details);
    assert_eq!(s.fields[s.focus].kind, FieldKind::ClientId);
    ctrl(&mut s, 'u');
    typ(&mut s, "memos2");
    key(&mut s, KeyCode::Enter);
    let eff = key(&mut s, KeyCode::Enter);
    match eff.as_slice() {
        [Effect::Merge { plan, on_dup, .. }] => {
            assert_eq!(plan.client.client_id, "memos2");
            assert_eq!(*on_dup, OnDuplicate::Refuse);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_config_path_asks_for_one() {
    let mut s = State::new(
        catalog(),
        Init {
            size: (80, 24),
            ..Default::default()
        },
    );
    to_preview(&mut s, "memos", "example.com");
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.is_empty());
    assert!(matches!(s.review, Review::AskPath));
    assert!(s.text_focus());
    key(&mut s, KeyCode::Enter);
    assert!(s.status.as_deref().unwrap().contains("path"));
    typ(&mut s, "/tmp/qy.yml"); // q and y are text here
    assert_eq!(s.quit, None);
    let eff = key(&mut s, KeyCode::Enter);
    assert!(
        matches!(eff.as_slice(), [Effect::LoadConfig(p)] if p == &PathBuf::from("/tmp/qy.yml"))
    );
    let d = oidc_wizard::config::Document {
        path: "/tmp/qy.yml".into(),
        bytes: Vec::new(),
    };
    let eff = update(&mut s, Msg::ConfigLoaded("/tmp/qy.yml".into(), Ok(d)));
    assert!(matches!(eff.as_slice(), [Effect::Merge { .. }]));
}

#[test]
fn failed_read_shows_the_error_and_c_changes_the_path() {
    let mut s = state();
    update(
        &mut s,
        Msg::ConfigLoaded(
            PathBuf::from(CONFIG),
            Err(Error::file(CONFIG, "permission denied")),
        ),
    );
    to_preview(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    assert!(matches!(&s.review, Review::Failed(m) if m.contains("permission denied")));
    key(&mut s, KeyCode::Char('c'));
    assert!(matches!(s.review, Review::AskPath));
    assert_eq!(s.path_input.value, CONFIG);
    ctrl(&mut s, 'u');
    assert_eq!(s.path_input.value, "");
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Preview);
}

#[test]
fn write_failure_keeps_review() {
    let mut s = state();
    at_review(&mut s);
    update(&mut s, Msg::Merged(Ok(merge_output())));
    key(&mut s, KeyCode::Char('y'));
    update(
        &mut s,
        Msg::Written(Err(Error::file(
            CONFIG,
            "changed on disk since it was read",
        ))),
    );
    assert_eq!(s.screen, Screen::Review);
    assert!(matches!(&s.review, Review::WriteFailed(m) if m.contains("changed on disk")));
}

#[test]
fn prefill_from_session_then_prefs() {
    let prefs = Prefs {
        domain: Some("saved.org".into()),
        authelia_url: Some("https://sso.saved.org".into()),
        config_path: None,
    };
    let mut s = State::new(
        catalog(),
        Init {
            prefs: prefs.clone(),
            size: (80, 24),
            ..Default::default()
        },
    );
    typ(&mut s, "memos");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.field_value(&FieldKind::Domain), "saved.org");
    assert_eq!(s.field_value(&FieldKind::AuthUrl), "https://sso.saved.org");
    assert_eq!(
        s.field_value(&FieldKind::AppUrl),
        "https://memos.saved.org/"
    );
    // Session defaults from the configuration win over preferences.
    let mut s = State::new(
        catalog(),
        Init {
            prefs,
            size: (80, 24),
            ..Default::default()
        },
    );
    s.session.domain = Some("cfg.net".into());
    s.session.authelia_url = Some("https://auth.cfg.net".into());
    typ(&mut s, "memos");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.field_value(&FieldKind::Domain), "cfg.net");
    assert_eq!(s.field_value(&FieldKind::AuthUrl), "https://auth.cfg.net");
    // It still follows the domain, since it was the default.
    ctrl(&mut s, 'u');
    typ(&mut s, "x.io");
    assert_eq!(s.field_value(&FieldKind::AuthUrl), "https://auth.x.io");
}

#[test]
fn paste_goes_into_the_focused_field() {
    let mut s = state();
    update(&mut s, Msg::Paste("memos\nignored".into()));
    assert_eq!(s.filter.value, "memos");
    key(&mut s, KeyCode::Enter);
    ctrl(&mut s, 'u');
    update(&mut s, Msg::Paste(" example.com ".into()));
    assert_eq!(s.field_value(&FieldKind::Domain), "example.com");
}

#[test]
fn text_editing_keys() {
    let mut s = state();
    typ(&mut s, "abc def");
    ctrl(&mut s, 'w');
    assert_eq!(s.filter.value, "abc ");
    key(&mut s, KeyCode::Home);
    key(&mut s, KeyCode::Delete);
    assert_eq!(s.filter.value, "bc ");
    key(&mut s, KeyCode::End);
    key(&mut s, KeyCode::Left);
    typ(&mut s, "é");
    assert_eq!(s.filter.value, "bcé ");
    // Key releases are ignored.
    let mut release = KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    update(&mut s, Msg::Key(release));
    assert_eq!(s.filter.value, "bcé ");
}

#[test]
fn done_esc_returns_to_values_and_enter_goes_back_to_done() {
    let mut s = state();
    at_review(&mut s);
    update(&mut s, Msg::Merged(Ok(merge_output())));
    key(&mut s, KeyCode::Char('y'));
    update(&mut s, Msg::Written(Ok(written())));
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Preview);
    assert!(!key(&mut s, KeyCode::Char('2')).is_empty());
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.is_empty());
    assert_eq!(s.screen, Screen::Done);
}

#[test]
fn resize_and_tick() {
    let mut s = state();
    update(&mut s, Msg::Resize(120, 40));
    assert_eq!(s.size, (120, 40));
    to_details(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    let before = s.spinner;
    update(&mut s, Msg::Tick);
    assert_eq!(s.spinner, before + 1);
}

#[test]
fn keymap_feeds_hints_and_help() {
    for screen in Screen::ALL {
        let hints = keymap::hints(screen, false);
        assert!(!hints.is_empty());
        for (label, _) in &hints {
            assert!(keymap::bindings(screen).any(|b| b.label == *label));
        }
        assert!(keymap::bindings(screen).any(|b| b.action == Action::Help));
    }
    // While typing, q is not offered and help is F1.
    let h = keymap::hints(Screen::App, true);
    assert!(!h.iter().any(|(k, _)| *k == "q"));
    assert!(h.iter().any(|(k, _)| *k == "F1"));
    let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(keymap::action(Screen::App, &q, true), None);
    assert_eq!(
        keymap::action(Screen::Preview, &q, false),
        Some(Action::Quit)
    );
    let three = KeyEvent::new(KeyCode::Char('3'), KeyModifiers::NONE);
    assert_eq!(
        keymap::action(Screen::Preview, &three, false),
        Some(Action::Copy('3'))
    );
    assert_eq!(keymap::action(Screen::Review, &three, false), None);
}

#[test]
fn mouse_wheel_scrolls() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    update(&mut s, Msg::Scroll(false));
    update(&mut s, Msg::Scroll(false));
    update(&mut s, Msg::Scroll(true));
    assert_eq!(s.values_scroll, 1);
}

#[test]
fn digest_arriving_while_back_on_details_does_not_disturb_the_form() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    key(&mut s, KeyCode::Esc);
    ctrl(&mut s, 'u'); // the domain is now empty: the form is invalid
    s.status = None;
    update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.into(),
            result: Ok(digest().into()),
        },
    );
    assert_eq!(s.status, None);
    assert_eq!(s.screen, Screen::Details);
    typ(&mut s, "example.org");
    let eff = key(&mut s, KeyCode::Enter);
    assert!(!eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    let p = s.plan.as_ref().unwrap();
    assert_eq!(p.resolved.domain, "example.org");
    assert_eq!(p.client.client_secret.as_deref(), Some(digest()));
}

#[test]
fn redirect_preview_follows_the_form() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    assert_eq!(
        s.redirect_preview(),
        Some(vec!["https://memos.example.com/auth/callback".to_string()])
    );
    typ(&mut s, " x");
    assert_eq!(s.redirect_preview(), None);
}

#[test]
fn y_during_the_merge_writes_once_it_is_ready_but_not_over_a_duplicate() {
    let mut s = state();
    update(&mut s, Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc())));
    to_details(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    key(&mut s, KeyCode::Enter); // review: waiting for the digest
    assert!(key(&mut s, KeyCode::Char('y')).is_empty());
    assert!(s.write_when_ready);
    let eff = update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.into(),
            result: Ok(digest().into()),
        },
    );
    assert!(matches!(eff.as_slice(), [Effect::Merge { .. }]));
    let eff = update(&mut s, Msg::Merged(Ok(merge_output())));
    assert!(matches!(eff.as_slice(), [Effect::Write { .. }]));
    assert!(!s.write_when_ready);

    // A duplicate still asks.
    let mut s = state();
    update(&mut s, Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc())));
    to_details(&mut s, "memos", "example.com");
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Char('y'));
    update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.into(),
            result: Ok(digest().into()),
        },
    );
    let eff = update(
        &mut s,
        Msg::Merged(Err(Error::DuplicateClient {
            path: CONFIG.into(),
            client_id: "memos".into(),
        })),
    );
    assert!(eff.is_empty());
    assert!(matches!(s.review, Review::Duplicate(_)));
    // Choosing rotate later does not write by itself.
    key(&mut s, KeyCode::Char('r'));
    let eff = update(&mut s, Msg::Merged(Ok(merge_output())));
    assert!(eff.is_empty());
}

// ---- the provider choice and the authentik flow (issue 6) ----

use oidc_wizard::tui::state::Provider;

/// Focuses the Provider field and presses Right (Authelia -> authentik).
fn choose_authentik(s: &mut State) {
    s.focus = pos(s, &FieldKind::Provider);
    key(s, KeyCode::Right);
}

#[test]
fn provider_choice_is_offered_only_when_authentik_documents_the_app() {
    let mut s = state();
    to_details(&mut s, "engomo", "example.com");
    let f = s.field(&FieldKind::Provider).unwrap();
    assert_eq!(f.choices.len(), 2);
    assert_eq!(f.value(), "authelia");
    assert!(f.note.is_none());
    choose_authentik(&mut s);
    assert_eq!(s.provider, Provider::Authentik);
    assert_eq!(s.field_value(&FieldKind::Provider), "authentik");
    // The focus stays on the choice; Left goes back to Authelia.
    assert_eq!(s.fields[s.focus].kind, FieldKind::Provider);
    key(&mut s, KeyCode::Left);
    assert_eq!(s.provider, Provider::Authelia);

    // An app authentik has no guide for: the field says why and stays on Authelia.
    let mut s = state();
    to_details(&mut s, "wikidemo", "example.com");
    let f = s.field(&FieldKind::Provider).unwrap();
    assert_eq!(f.choices.len(), 1);
    let note = f.note.clone().unwrap();
    assert!(note.contains("authentik does not document"), "{note}");
    assert!(!note.contains("--provider"), "{note}");
    choose_authentik(&mut s);
    assert_eq!(s.provider, Provider::Authelia);
    assert_eq!(s.status.as_deref(), Some(note.as_str()));
}

#[test]
fn authentik_url_defaults_from_the_domain_and_follows_it() {
    let mut s = state();
    to_details(&mut s, "engomo", "example.com");
    assert_eq!(
        s.field_value(&FieldKind::AuthUrl),
        "https://auth.example.com"
    );
    choose_authentik(&mut s);
    let f = s.field(&FieldKind::AuthUrl).unwrap();
    assert_eq!(f.label, "authentik URL");
    assert_eq!(f.value(), "https://authentik.example.com");
    // Typing the domain moves it along.
    s.focus = 0;
    typ(&mut s, ".org");
    assert_eq!(
        s.field_value(&FieldKind::AuthUrl),
        "https://authentik.example.com.org"
    );
    // An edited authentik URL is kept across a switch to Authelia and back, and Authelia's
    // own URL follows the domain meanwhile.
    s.focus = pos(&s, &FieldKind::AuthUrl);
    ctrl(&mut s, 'u');
    typ(&mut s, "https://sso.example.net");
    choose_authentik(&mut s); // Right again: back to Authelia
    assert_eq!(s.provider, Provider::Authelia);
    assert_eq!(
        s.field_value(&FieldKind::AuthUrl),
        "https://auth.example.com.org"
    );
    choose_authentik(&mut s);
    assert_eq!(
        s.field_value(&FieldKind::AuthUrl),
        "https://sso.example.net"
    );
    // The plan takes it: the issuer is per application under that URL.
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    let bp = s.blueprint.as_ref().unwrap();
    assert_eq!(
        bp.endpoints.issuer,
        "https://sso.example.net/application/o/engomo/"
    );
}

#[test]
fn authentik_does_not_apply_the_policy() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    s.focus = pos(&s, &FieldKind::Policy);
    key(&mut s, KeyCode::Right);
    assert_eq!(s.request().policy.as_deref(), Some("one_factor"));
    choose_authentik(&mut s);
    let p = s.field(&FieldKind::Policy).unwrap();
    assert!(p.disabled);
    assert!(p.note.as_deref().unwrap().contains("bind groups"));
    assert_eq!(s.request().policy, None);
    // Tab skips it; Left/Right on it change nothing.
    let policy = pos(&s, &FieldKind::Policy);
    for _ in 0..s.fields.len() * 2 {
        key(&mut s, KeyCode::Tab);
        assert_ne!(s.focus, policy);
    }
    s.focus = policy;
    key(&mut s, KeyCode::Right);
    assert_eq!(s.field_value(&FieldKind::Policy), "one_factor");
    assert!(s.status.as_deref().unwrap().contains("bind groups"));
    // The blueprint has no policy; back on Authelia the choice is still there.
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    assert!(!s.blueprint.as_ref().unwrap().blueprint.contains("policy"));
    key(&mut s, KeyCode::Esc);
    choose_authentik(&mut s);
    assert_eq!(s.provider, Provider::Authelia);
    assert!(!s.field(&FieldKind::Policy).unwrap().disabled);
    assert_eq!(s.request().policy.as_deref(), Some("one_factor"));
}

#[test]
fn authentik_secret_needs_no_digest_and_the_preview_copies_its_values() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    choose_authentik(&mut s);
    let eff = key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    assert!(matches!(eff.as_slice(), [Effect::GenerateSecret, ..]));
    let eff = update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    assert!(eff.is_empty(), "no digest for authentik: {eff:?}");
    assert!(!s.digest_pending());
    let bp = s.blueprint.clone().unwrap();
    assert_eq!(bp.client_secret.as_deref(), Some(SECRET));
    assert!(bp.blueprint.contains(SECRET));
    let items = s.copy_items();
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(&labels[..3], ["Client ID", "Client Secret", "Issuer"]);
    assert_eq!(labels.last(), Some(&"Blueprint"));
    let secret = items.iter().find(|i| i.label == "Client Secret").unwrap();
    assert_eq!(secret.key, '2');
    let eff = key(&mut s, KeyCode::Char('2'));
    assert!(
        matches!(eff.as_slice(), [Effect::Copy { label, value }] if label == "Client Secret, 72 characters" && value == SECRET)
    );
    let whole = items.iter().find(|i| i.label == "Blueprint").unwrap();
    let eff = key(&mut s, KeyCode::Char(whole.key));
    assert!(matches!(eff.as_slice(), [Effect::Copy { value, .. }] if *value == bp.blueprint));
}

#[test]
fn public_authentik_client_draws_no_secret() {
    let mut s = state();
    to_details(&mut s, "engomo", "example.com");
    choose_authentik(&mut s);
    let eff = key(&mut s, KeyCode::Enter);
    assert!(!eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    let bp = s.blueprint.as_ref().unwrap();
    assert!(bp.client_secret.is_none());
    assert!(!s.copy_items().iter().any(|i| i.label == "Client Secret"));
    let uris: Vec<_> = s
        .copy_items()
        .into_iter()
        .filter(|i| i.label.starts_with("Redirect URI"))
        .map(|i| (i.label, i.value))
        .collect();
    assert_eq!(
        uris,
        [
            (
                "Redirect URI 1".to_string(),
                "https://engomo.example.com/auth".to_string()
            ),
            (
                "Redirect URI 2".to_string(),
                "com.engomo.engomo://callback/".to_string()
            )
        ]
    );
}

#[test]
fn authentik_review_saves_the_blueprint_and_asks_before_overwriting() {
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    choose_authentik(&mut s);
    key(&mut s, KeyCode::Enter);
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.into())));
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.is_empty(), "no merge for authentik: {eff:?}");
    assert_eq!(s.screen, Screen::Review);
    assert!(matches!(s.review, Review::SavePath));
    assert!(s.text_focus());
    let default = s.blueprint.as_ref().unwrap().file_name.clone();
    assert_eq!(s.path_input.value, default);
    // q and y are text here.
    ctrl(&mut s, 'u');
    key(&mut s, KeyCode::Enter);
    assert!(s.status.as_deref().unwrap().contains(&default));
    typ(&mut s, "/tmp/qy/memos.yaml");
    assert_eq!(s.quit, None);
    let eff = key(&mut s, KeyCode::Enter);
    let [
        Effect::SaveBlueprint {
            path,
            plan,
            overwrite,
        },
    ] = eff.as_slice()
    else {
        panic!("{eff:?}")
    };
    assert_eq!(path, &PathBuf::from("/tmp/qy/memos.yaml"));
    assert!(!overwrite);
    assert_eq!(plan.client_secret.as_deref(), Some(SECRET));
    // The file exists: y overwrites, only then.
    update(
        &mut s,
        Msg::BlueprintExists(PathBuf::from("/tmp/qy/memos.yaml")),
    );
    assert!(matches!(&s.review, Review::Overwrite(p) if p == &PathBuf::from("/tmp/qy/memos.yaml")));
    assert!(!s.text_focus());
    assert!(
        keymap::hints_in(&s)
            .iter()
            .any(|(k, h)| *k == "y" && *h == "overwrite")
    );
    // Esc goes back to the path; Enter asks again (never overwrites by itself).
    key(&mut s, KeyCode::Esc);
    assert!(matches!(s.review, Review::SavePath));
    let eff = key(&mut s, KeyCode::Enter);
    assert!(matches!(
        eff.as_slice(),
        [Effect::SaveBlueprint {
            overwrite: false,
            ..
        }]
    ));
    update(
        &mut s,
        Msg::BlueprintExists(PathBuf::from("/tmp/qy/memos.yaml")),
    );
    let eff = key(&mut s, KeyCode::Char('y'));
    assert!(matches!(
        eff.as_slice(),
        [Effect::SaveBlueprint { overwrite: true, path, .. }] if path == &PathBuf::from("/tmp/qy/memos.yaml")
    ));
    // A failed write returns to the path with the reason.
    update(
        &mut s,
        Msg::BlueprintWritten(Err(Error::file("/tmp/qy/memos.yaml", "permission denied"))),
    );
    assert!(matches!(s.review, Review::SavePath));
    assert!(s.status.as_deref().unwrap().contains("permission denied"));
    key(&mut s, KeyCode::Enter);
    let eff = update(
        &mut s,
        Msg::BlueprintWritten(Ok(PathBuf::from("/tmp/qy/memos.yaml"))),
    );
    assert_eq!(s.screen, Screen::Done);
    assert_eq!(
        s.blueprint_written.as_deref(),
        Some(std::path::Path::new("/tmp/qy/memos.yaml"))
    );
    // Preferences keep the domain, never the authentik URL as Authelia's.
    for e in &eff {
        if let Effect::SavePrefs(p) = e {
            assert_eq!(p.authelia_url, None);
        }
    }
    assert_eq!(s.prefs.domain.as_deref(), Some("example.com"));
    assert_eq!(s.prefs.authelia_url, None);
}

#[test]
fn picking_an_app_authentik_does_not_document_returns_to_authelia() {
    let mut s = state();
    to_details(&mut s, "engomo", "example.com");
    choose_authentik(&mut s);
    key(&mut s, KeyCode::Esc);
    ctrl(&mut s, 'u');
    typ(&mut s, "wikidemo");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.provider, Provider::Authelia);
    assert_eq!(s.field(&FieldKind::AuthUrl).unwrap().label, "Authelia URL");
    assert!(!s.field(&FieldKind::Policy).unwrap().disabled);
}

#[test]
fn authentik_covers_one_setup_and_says_so_on_the_variant_field() {
    // wikidemo has variants but no authentik guide; use the real catalog's apps with both.
    let with_variant = oidc_wizard::provider::authentik::entries()
        .unwrap()
        .into_iter()
        .find_map(|ak| {
            let e = oidc_wizard::catalog::find(&ak.slug).ok()?;
            (!e.variants.is_empty()).then_some(e.slug.clone())
        });
    let Some(slug) = with_variant else {
        eprintln!("no authentik app with catalog variants: nothing to check");
        return;
    };
    let mut s = State::new(
        oidc_wizard::catalog::all().unwrap(),
        Init {
            config_path: None,
            prefs: Prefs::default(),
            color: false,
            size: (80, 24),
        },
    );
    let i = s.catalog.iter().position(|e| e.slug == slug).unwrap();
    oidc_wizard::tui::update::pick(&mut s, i);
    choose_authentik(&mut s);
    assert_eq!(s.provider, Provider::Authentik);
    let v = s.field(&FieldKind::Variant).unwrap();
    assert!(v.disabled);
    assert!(
        v.note
            .as_deref()
            .unwrap()
            .contains("authentik's guide covers")
    );
    // It shows the setup authentik builds.
    let ak = oidc_wizard::provider::authentik::find(&slug).unwrap();
    assert_eq!(
        Some(v.value()),
        ak.catalog_variant.as_deref().or(Some("default"))
    );
}

#[test]
fn a_changed_blueprint_is_saved_again_an_unchanged_one_is_done() {
    let mut s = state();
    to_details(&mut s, "engomo", "example.com");
    choose_authentik(&mut s);
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter);
    update(
        &mut s,
        Msg::BlueprintWritten(Ok(PathBuf::from("/tmp/e.yaml"))),
    );
    assert_eq!(s.screen, Screen::Done);
    // Back to the preview and on again: the same blueprint is written already.
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Done);
    // Another domain: a different blueprint, so Enter asks where to save it.
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    s.focus = 0;
    typ(&mut s, ".org");
    key(&mut s, KeyCode::Enter);
    assert!(s.blueprint_written.is_none());
    let eff = key(&mut s, KeyCode::Enter);
    assert!(eff.is_empty());
    assert_eq!(s.screen, Screen::Review);
    assert!(matches!(s.review, Review::SavePath));
}

#[test]
fn a_late_configuration_read_does_not_start_a_merge_on_the_blueprint_screen() {
    let mut s = state();
    to_details(&mut s, "engomo", "example.com");
    choose_authentik(&mut s);
    key(&mut s, KeyCode::Enter);
    key(&mut s, KeyCode::Enter);
    assert!(matches!(s.review, Review::SavePath));
    let eff = update(&mut s, Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc())));
    assert!(eff.is_empty(), "{eff:?}");
    assert!(matches!(s.review, Review::SavePath));
}

/// The configuration as it is after the first write (memos in it).
fn doc_after_memos() -> oidc_wizard::config::Document {
    oidc_wizard::config::Document {
        path: PathBuf::from(CONFIG),
        bytes: b"identity_providers:\n  oidc:\n    clients:\n      - client_id: 'memos'\n".to_vec(),
    }
}

/// Writes memos once; the written file is read again.
fn write_memos_once(s: &mut State) {
    at_review(s);
    update(s, Msg::Merged(Ok(merge_output())));
    key(s, KeyCode::Char('y'));
    let eff = update(s, Msg::Written(Ok(written())));
    assert_eq!(s.screen, Screen::Done);
    assert!(
        eff.iter()
            .any(|e| matches!(e, Effect::LoadConfig(p) if p == &PathBuf::from(CONFIG))),
        "{eff:?}"
    );
    update(
        s,
        Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc_after_memos())),
    );
}

#[test]
fn after_a_write_a_changed_field_is_reviewed_again() {
    let mut s = state();
    write_memos_once(&mut s);
    key(&mut s, KeyCode::Esc); // Done -> Preview
    key(&mut s, KeyCode::Esc); // -> Details
    let id = pos(&s, &FieldKind::ClientId);
    s.focus = id;
    typ(&mut s, "2");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    let eff = key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Review);
    assert!(
        matches!(eff.as_slice(), [Effect::Merge { plan, .. }] if plan.client.client_id == "memos2"),
        "{eff:?}"
    );
    // Unchanged since the write: Enter shows Done, nothing is merged again.
    update(&mut s, Msg::Merged(Ok(merge_output())));
    key(&mut s, KeyCode::Char('y'));
    update(&mut s, Msg::Written(Ok(written())));
    key(&mut s, KeyCode::Esc);
    assert!(key(&mut s, KeyCode::Enter).is_empty());
    assert_eq!(s.screen, Screen::Done);
}

#[test]
fn the_copy_status_waits_for_what_the_copy_did() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    let before = s.status.clone();
    let k = s
        .copy_items()
        .iter()
        .find(|i| i.label == "Client Secret")
        .unwrap()
        .key;
    let eff = key(&mut s, KeyCode::Char(k));
    let label = match eff.as_slice() {
        [Effect::Copy { label, value }] => {
            assert_eq!(value.chars().count(), 72);
            label.clone()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(label, "Client Secret, 72 characters");
    // Nothing claims a copy before the runtime has done it.
    assert_eq!(s.status, before);
    update(
        &mut s,
        Msg::Copied("Not copied Client Secret, 72 characters".into()),
    );
    assert_eq!(
        s.status.as_deref(),
        Some("Not copied Client Secret, 72 characters")
    );
}

#[test]
fn after_a_write_another_app_is_reviewed_and_written_too() {
    let mut s = state();
    write_memos_once(&mut s);
    let first_backup = s.written.clone().unwrap().backup_path;
    key(&mut s, KeyCode::Esc); // Done -> Preview
    key(&mut s, KeyCode::Esc); // -> Details
    key(&mut s, KeyCode::Esc); // -> App
    assert_eq!(s.screen, Screen::App);
    ctrl(&mut s, 'u');
    to_details(&mut s, "wiki", "example.com");
    assert_eq!(s.entry().unwrap().slug, "wikidemo");
    // wikidemo asks for its realm (an input without a default).
    s.focus = pos(&s, &FieldKind::Extra("realm".into()));
    typ(&mut s, "Staff");
    let eff = key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    // Another app is another client: a secret of its own is drawn.
    assert!(
        eff.iter().any(|e| matches!(e, Effect::GenerateSecret)),
        "{eff:?}"
    );
    update(&mut s, Msg::SecretGenerated(Ok(SECRET.to_string())));
    update(
        &mut s,
        Msg::Digested {
            plaintext: SECRET.to_string(),
            result: Ok(digest().to_string()),
        },
    );
    let eff = key(&mut s, KeyCode::Enter);
    assert_eq!(
        s.screen,
        Screen::Review,
        "Done of the first write was shown"
    );
    match eff.as_slice() {
        [Effect::Merge { doc, plan, .. }] => {
            assert_eq!(plan.client.client_id, "wikidemo");
            // The merge is built on the file as written, memos in it.
            assert_eq!(doc.bytes, doc_after_memos().bytes);
        }
        other => panic!("{other:?}"),
    }
    update(&mut s, Msg::Merged(Ok(merge_output())));
    let eff = key(&mut s, KeyCode::Char('y'));
    assert!(matches!(eff.as_slice(), [Effect::Write { .. }]), "{eff:?}");
    let second = oidc_wizard::config::Written {
        backup_path: PathBuf::from("/srv/authelia/configuration.yml.bak.2"),
        ..written()
    };
    update(&mut s, Msg::Written(Ok(second)));
    assert_eq!(s.screen, Screen::Done);
    let now = s.written.clone().unwrap().backup_path;
    assert_ne!(now, first_backup, "Done shows the first write's backup");
}

#[test]
fn quitting_with_a_shown_secret_that_is_in_no_file_asks_first() {
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    assert!(s.copy_items().iter().any(|i| i.label == "Client Secret"));
    // q asks; n stays.
    key(&mut s, KeyCode::Char('q'));
    assert_eq!(s.quit, None);
    assert_eq!(s.quit_ask, Some(exit::OK));
    let screen = render(&s, 80, 24);
    assert!(
        screen.contains("Quit without writing? The secret shown is lost"),
        "{screen}"
    );
    let hints = keymap::hints_in(&s);
    assert!(hints.contains(&("y", "quit, lose the secret")), "{hints:?}");
    assert!(hints.contains(&("n/Esc", "stay")), "{hints:?}");
    // Other keys do nothing while asking (no copy, no screen change).
    assert!(key(&mut s, KeyCode::Char('1')).is_empty());
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    key(&mut s, KeyCode::Char('n'));
    assert_eq!((s.quit, s.quit_ask), (None, None));
    assert!(!render(&s, 80, 24).contains("Quit without writing"));
    // Esc on an empty filter asks too (the secret was shown, then the user went back).
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::App);
    ctrl(&mut s, 'u');
    key(&mut s, KeyCode::Esc);
    assert_eq!((s.quit, s.quit_ask), (None, Some(exit::OK)));
    key(&mut s, KeyCode::Esc);
    assert_eq!((s.quit, s.quit_ask), (None, None));
    // Ctrl-C asks; y confirms with Ctrl-C's code.
    ctrl(&mut s, 'c');
    assert_eq!((s.quit, s.quit_ask), (None, Some(exit::INTERRUPTED)));
    key(&mut s, KeyCode::Char('y'));
    assert_eq!(s.quit, Some(exit::INTERRUPTED));
    // A second Ctrl-C while asking quits at once.
    let mut s = state();
    to_preview(&mut s, "memos", "example.com");
    ctrl(&mut s, 'c');
    ctrl(&mut s, 'c');
    assert_eq!(s.quit, Some(exit::INTERRUPTED));
}

#[test]
fn quitting_asks_nothing_before_a_secret_is_shown_or_after_it_is_written() {
    // Nothing shown yet: the form only.
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    s.focus = pos(&s, &FieldKind::Policy);
    key(&mut s, KeyCode::Char('q'));
    assert_eq!((s.quit, s.quit_ask), (Some(exit::OK), None));
    // A public client has no secret to lose.
    let mut s = state();
    to_details(&mut s, "wikidemo", "example.com");
    s.focus = pos(&s, &FieldKind::Variant);
    key(&mut s, KeyCode::Right);
    s.focus = s.fields.len() - 1;
    typ(&mut s, "r");
    key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    key(&mut s, KeyCode::Char('q'));
    assert_eq!((s.quit, s.quit_ask), (Some(exit::OK), None));
    // After the write: Done quits at once, and so does the preview of the written plan.
    let mut s = state();
    write_memos_once(&mut s);
    key(&mut s, KeyCode::Esc);
    assert_eq!(s.screen, Screen::Preview);
    key(&mut s, KeyCode::Char('q'));
    assert_eq!((s.quit, s.quit_ask), (Some(exit::OK), None));
    // Another app after the write: its new secret is in no file, so quitting asks again.
    let mut s = state();
    write_memos_once(&mut s);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    key(&mut s, KeyCode::Esc);
    ctrl(&mut s, 'u');
    to_details(&mut s, "engomo", "example.com");
    let eff = key(&mut s, KeyCode::Enter);
    assert_eq!(s.screen, Screen::Preview);
    assert!(eff.iter().any(|e| matches!(e, Effect::GenerateSecret)));
    let other = "Other-secret-Other-secret-Other-secret-Other-secret-Other-secret-Other-12";
    update(&mut s, Msg::SecretGenerated(Ok(other.into())));
    key(&mut s, KeyCode::Char('q'));
    assert_eq!((s.quit, s.quit_ask), (None, Some(exit::OK)));
}

#[test]
fn a_client_id_the_configuration_has_is_flagged_on_details() {
    let mut s = state();
    // The merge finds a duplicate by client_id (or the pre-4.38 id); a templated id is no id.
    let doc = oidc_wizard::config::Document {
        path: PathBuf::from(CONFIG),
        bytes: b"identity_providers:\n  oidc:\n    clients:\n      - client_id: 'memos'\n      - id: wikidemo\n      - client_id: '{{ env \"X\" }}'\n".to_vec(),
    };
    update(&mut s, Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc)));
    assert_eq!(s.existing_ids, ["memos", "wikidemo"]);
    to_details(&mut s, "memos", "example.com");
    assert_eq!(s.duplicate_id().as_deref(), Some("memos"));
    let id = pos(&s, &FieldKind::ClientId);
    assert!(s.fields[id].note.is_some());
    let screen = render(&s, 80, 24);
    assert!(
        screen.contains("'memos' exists: Review offers r rotate, p replace; or edit the id"),
        "{screen}"
    );
    assert!(
        !screen.contains("--"),
        "no flag words in the wizard:\n{screen}"
    );
    // Another id: nothing to say.
    s.focus = id;
    typ(&mut s, "2");
    assert_eq!(s.duplicate_id(), None);
    assert!(s.fields[id].note.is_none());
    assert!(!render(&s, 80, 24).contains("exists"));
    // The configuration read after the form was built flags it too.
    let mut s = state();
    to_details(&mut s, "memos", "example.com");
    assert_eq!(s.duplicate_id(), None);
    update(
        &mut s,
        Msg::ConfigLoaded(PathBuf::from(CONFIG), Ok(doc_after_memos())),
    );
    assert_eq!(s.duplicate_id().as_deref(), Some("memos"));
}
