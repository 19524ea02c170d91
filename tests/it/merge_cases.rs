//! Hand-written edge cases of the merge (tests/fixtures/merge/): each one merges with the
//! invariant holding and the file's own style, or is refused with a clear message.

use crate::support;

use oidc_wizard::Error;
use oidc_wizard::config::{Document, OnDuplicate};
use std::path::PathBuf;
use support::*;

fn fixture(name: &str) -> (String, Document) {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/merge")
        .join(name);
    let bytes = std::fs::read(&p).unwrap();
    (
        String::from_utf8(bytes.clone()).unwrap(),
        Document::from_bytes(p, bytes),
    )
}

/// Merges memos (or `plan`) and checks the invariant and the new client; returns the new text.
fn merged(name: &str) -> String {
    merged_plan(name, &memos())
}

fn merged_plan(name: &str, plan: &oidc_wizard::plan::Plan) -> String {
    let (old, doc) = fixture(name);
    let out =
        support::merge(&doc, plan, OnDuplicate::Refuse).unwrap_or_else(|e| panic!("{name}: {e}"));
    check_added(&old, &out, plan).unwrap_or_else(|e| panic!("{name}: {e}\n{}", out.diff));
    String::from_utf8(out.bytes).unwrap()
}

fn inserted(old: &str, new: &str) -> Vec<String> {
    let diff = similar::TextDiff::from_lines(old, new);
    diff.iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Insert)
        .map(|c| c.value().to_string())
        .collect()
}

fn refused(name: &str, plan: &oidc_wizard::plan::Plan, needle: &str) -> String {
    let (_, doc) = fixture(name);
    match support::merge(&doc, plan, OnDuplicate::Refuse) {
        Ok(out) => panic!("{name}: merged but should be refused:\n{}", out.diff),
        Err(e) => {
            let m = e.to_string();
            assert!(m.contains(needle), "{name}: '{m}' lacks '{needle}'");
            assert!(m.contains(name), "{name}: '{m}' does not name the file");
            assert!(!m.contains('\n'));
            m
        }
    }
}

#[test]
fn crlf_lines_are_inserted_with_crlf() {
    let (old, _) = fixture("crlf.yml");
    let new = merged("crlf.yml");
    let ins = inserted(&old, &new);
    assert!(ins.len() > 5);
    assert!(ins.iter().all(|l| l.ends_with("\r\n")), "{ins:?}");
    assert_eq!(new.matches('\n').count(), new.matches("\r\n").count());
    // Inserted before the blank line and the next section, after the last client.
    let at = new.find("- client_id: 'memos'").unwrap();
    assert!(at > new.find("client_id: one").unwrap() && at < new.find("session:").unwrap());
    assert!(new.ends_with("...\r\n"));
}

#[test]
fn bom_stays_first_and_a_section_is_added() {
    let new = merged("bom.yml");
    assert!(new.starts_with("\u{feff}# BOM"));
    assert_eq!(new.matches('\u{feff}').count(), 1);
    assert!(new.contains("\n\nidentity_providers:\n  oidc:\n    hmac_secret: '"));
    assert!(new.contains("    jwks:\n      - key_id: 'test'\n        algorithm: 'RS256'\n        use: 'sig'\n        key: |\n          -----BEGIN PRIVATE KEY-----\n"));
    assert!(new.contains("    clients:\n      - client_id: 'memos'\n"));
}

#[test]
fn flush_dashes_stay_flush() {
    let (old, _) = fixture("flush.yml");
    let new = merged("flush.yml");
    let ins = inserted(&old, &new);
    assert_eq!(ins[0], "    - client_id: 'memos'\n");
    assert!(ins.contains(&"      redirect_uris:\n".to_string()));
    assert!(
        ins.contains(&"      - 'https://memos.example.com/auth/callback'\n".to_string()),
        "{ins:?}"
    );
    assert!(new.find("client_id: 'memos'").unwrap() < new.find("access_control:").unwrap());
}

#[test]
fn four_space_indent_is_followed() {
    let (old, _) = fixture("indent4.yml");
    let new = merged("indent4.yml");
    let ins = inserted(&old, &new);
    assert_eq!(ins[0], "        clients:\n");
    assert_eq!(ins[1], "            - client_id: 'memos'\n");
    assert!(ins.contains(&"              redirect_uris:\n".to_string()));
    assert!(
        ins.contains(
            &"                  - 'https://memos.example.com/auth/callback'\n".to_string()
        ),
        "{ins:?}"
    );
    // After the last key of oidc (cors), before `log:`.
    assert!(new.find("clients:").unwrap() > new.find("- authorization").unwrap());
    assert!(new.find("clients:").unwrap() < new.find("log:").unwrap());
}

#[test]
fn anchors_aliases_and_merge_keys_are_kept() {
    let (old, _) = fixture("anchors.yml");
    let new = merged("anchors.yml");
    for l in old.lines() {
        assert!(new.contains(l));
    }
    let ins = inserted(&old, &new);
    assert_eq!(ins[0], "      - client_id: 'memos'\n");
}

#[test]
fn anchored_provider_used_elsewhere_is_refused_by_the_gate() {
    let m = refused("anchored_oidc.yml", &memos(), "alias");
    assert!(m.contains("anchor"), "{m}");
}

#[test]
fn document_end_marker_keeps_the_section_inside_the_document() {
    let new = merged("docend.yml");
    let ip = new.find("identity_providers:").unwrap();
    assert!(ip > new.find("# trailing comment").unwrap());
    assert!(new.trim_end().ends_with("\n..."));
    assert!(new[..ip].ends_with("document\n\n"));
}

#[test]
fn only_the_first_document_is_changed() {
    let new = merged("multidoc.yml");
    let ip = new.find("identity_providers:").unwrap();
    assert!(ip < new.find("---").unwrap());
    assert!(new.ends_with("---\nother: document\n"));
}

#[test]
fn empty_file_and_comments_only_file() {
    let new = merged("empty.yml");
    assert!(new.starts_with("identity_providers:\n  oidc:\n    hmac_secret: '"));
    let new = merged("comments_only.yml");
    assert!(new.starts_with("# only comments\n# here\n\nidentity_providers:\n"));
}

#[test]
fn empty_flow_clients_is_replaced_by_the_block() {
    let (old, _) = fixture("clients_empty_flow.yml");
    let new = merged("clients_empty_flow.yml");
    assert!(
        new.contains("    clients:  # none yet\n      - client_id: 'memos'\n"),
        "{new}"
    );
    assert!(!new.contains("[]"));
    // Only that one line changed; everything else is inserted.
    let changed: Vec<_> = similar::TextDiff::from_lines(&old, &new)
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Delete)
        .map(|c| c.value().to_string())
        .collect();
    assert_eq!(changed, vec!["    clients: []  # none yet\n"]);
}

#[test]
fn bare_clients_key_keeps_its_commented_examples() {
    let new = merged("clients_bare.yml");
    let at = new.find("- client_id: 'memos'").unwrap();
    assert!(at > new.find("#   client_name: Example").unwrap());
    assert!(at < new.find("# the next section").unwrap());
}

#[test]
fn comments_after_the_last_client() {
    let new = merged("comments_after_last.yml");
    let at = new.find("- client_id: 'memos'").unwrap();
    // Comments belonging to the list stay above the new client...
    assert!(at > new.find("(belongs to client one)").unwrap());
    assert!(at > new.find("(a commented-out client)").unwrap());
    // ...the one introducing the next key stays with it.
    assert!(at < new.find("## Policies come next.").unwrap());
    assert!(new.contains("    - client_id: 'memos'") || new.contains("      - client_id: 'memos'"));
}

#[test]
fn template_expressions_are_left_byte_for_byte() {
    let (old, _) = fixture("templates.yml");
    let new = merged("templates.yml");
    for l in old.lines() {
        assert!(new.lines().any(|n| n == l), "lost: {l}");
    }
    assert_eq!(old.matches("{{").count(), new.matches("{{").count());
    // hmac_secret and jwks come from templates: no first-time setup.
    assert!(!new.contains("oidc-wizard-rs256") && !new.contains("key_id: 'test'"));
}

#[test]
fn old_key_names_are_recognized() {
    let (_, doc) = fixture("old_keys.yml");
    // `id: memos` is a duplicate of memos.
    match support::merge(&doc, &memos(), OnDuplicate::Refuse) {
        Err(Error::DuplicateClient { client_id, .. }) => assert_eq!(client_id, "memos"),
        other => panic!("{other:?}"),
    }
    let other = plan_with("memos", "memos2", DIGEST);
    let out = support::merge(&doc, &other, OnDuplicate::Refuse).unwrap();
    assert!(
        out.warnings.iter().any(|w| w.contains("deprecated")
            && w.contains("id")
            && w.contains("issuer_private_key"))
    );
    // issuer_private_key counts as the provider's key: no jwks added.
    assert!(!out.first_time_setup);
    assert!(
        !String::from_utf8(out.bytes.clone())
            .unwrap()
            .contains("jwks")
    );
    // Rotation of an old-style `secret:`.
    let out = support::merge(
        &doc,
        &plan_with("memos", "memos", DIGEST2),
        OnDuplicate::Rotate,
    )
    .unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert!(new.contains(&format!("        secret: '{DIGEST2}'\n")));
}

#[test]
fn flow_clients_are_refused_clearly() {
    refused("flow_clients.yml", &memos(), "flow list");
}

#[test]
fn a_last_line_without_newline_gets_one() {
    let (old, _) = fixture("no_newline.yml");
    let new = merged("no_newline.yml");
    assert!(new.starts_with(&format!("{old}\n      - client_id: 'memos'\n")));
}

#[test]
fn tabs_in_separators_are_kept() {
    let (old, _) = fixture("tabs.yml");
    let new = merged("tabs.yml");
    assert!(new.starts_with(&old));
}

#[test]
fn claims_policy_goes_into_the_existing_block() {
    let (old, _) = fixture("claims_existing.yml");
    let new = merged_plan("claims_existing.yml", &romm());
    let ins = inserted(&old, &new);
    assert_eq!(ins[0], "      romm:\n");
    assert_eq!(ins[1], "        id_token:\n");
    assert!(new.find("      romm:").unwrap() < new.find("    clients:").unwrap());
    assert!(new.contains("        claims_policy: 'romm'\n"));
}

#[test]
fn claims_policy_is_created_before_the_clients() {
    let (old, _) = fixture("flush.yml");
    let new = merged_plan("flush.yml", &romm());
    let ins = inserted(&old, &new);
    assert_eq!(ins[0], "    claims_policies:\n");
    assert_eq!(ins[1], "      romm:\n");
    assert!(new.find("claims_policies:").unwrap() < new.find("    clients:").unwrap());
}

#[test]
fn rotate_changes_one_line_and_replace_only_the_item() {
    let (old, doc) = fixture("rotate_replace.yml");
    match support::merge(&doc, &memos(), OnDuplicate::Refuse) {
        Err(e @ Error::DuplicateClient { .. }) => assert!(e.to_string().contains("'memos'")),
        other => panic!("{other:?}"),
    }
    let out = support::merge(
        &doc,
        &plan_with("memos", "memos", DIGEST2),
        OnDuplicate::Rotate,
    )
    .unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    let diff: Vec<_> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        diff,
        vec![(
            "        client_secret: '$pbkdf2-sha512$old'  # old digest",
            &*format!("        client_secret: '{DIGEST2}'  # old digest")
        )]
    );
    assert_eq!(old.lines().count(), new.lines().count());

    let out = support::merge(&doc, &memos(), OnDuplicate::Replace).unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert!(new.starts_with(&old[..old.find("      - client_id: memos").unwrap()]));
    assert!(new.ends_with(&old[old.find("        # a comment inside the item").unwrap()..]));
    assert!(!new.contains("Memos (old)"));
    let clients = clients_of(&new);
    assert_eq!(clients.len(), 3);
    assert_eq!(clients[1]["client_name"].as_str(), Some("Memos"));
    assert_eq!(clients[2]["client_id"].as_str(), Some("last"));
}

#[test]
fn rotate_without_that_client_is_refused() {
    let (old, doc) = fixture("flush.yml");
    let e = support::merge(&doc, &memos(), OnDuplicate::Rotate)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("no client 'memos'") && e.contains("--rotate"),
        "{e}"
    );
    // --replace of a client that is not there adds it.
    let out = support::merge(&doc, &memos(), OnDuplicate::Replace).unwrap();
    check_added(&old, &out, &memos()).unwrap();
}

#[test]
fn bad_inputs_give_one_line_naming_the_file() {
    let cases: &[(&str, &[u8], &str)] = &[
        ("list.yml", b"- a\n- b\n", "not a mapping"),
        ("scalar.yml", b"just text\n", "not a mapping"),
        ("broken.yml", b"a: [1, 2\nb: 3\n", "line"),
        ("ip_list.yml", b"identity_providers:\n  - oidc\n", "identity_providers is a list"),
        ("oidc_str.yml", b"identity_providers:\n  oidc: yes please\n", "identity_providers.oidc is a scalar"),
        (
            "clients_map.yml",
            b"identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks: [{key: k}]\n    clients:\n      a: b\n",
            "clients is a mapping, expected a list",
        ),
        ("dup.yml", b"identity_providers: {}\nidentity_providers: {}\n", "more than once"),
        // Found by fuzzing: a tag makes an empty-looking value a string.
        (
            "tagged.yml",
            b"identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks: [{key: k}]\n    clients:\n      # c\n     !  # d\n",
            "clients is a scalar",
        ),
    ];
    for (name, bytes, needle) in cases {
        let doc = Document::from_bytes(*name, bytes.to_vec());
        let e = support::merge(&doc, &memos(), OnDuplicate::Refuse).expect_err(name);
        let m = e.to_string();
        assert!(
            m.starts_with(name) && m.contains(needle) && !m.contains('\n'),
            "{name}: {m}"
        );
    }
    let doc = Document::from_bytes("latin1.yml", b"a: caf\xe9\n".to_vec());
    let m = support::merge(&doc, &memos(), OnDuplicate::Refuse)
        .unwrap_err()
        .to_string();
    assert!(m.starts_with("latin1.yml: line 1: not UTF-8"), "{m}");
}

fn mattermost() -> oidc_wizard::plan::Plan {
    plan_with("mattermost", "mattermost", DIGEST)
}

fn sambee() -> oidc_wizard::plan::Plan {
    plan_with("sambee", "sambee", DIGEST)
}

/// Merges `plan` into fixture `name`, checking the invariant and the client; returns the old
/// text, the new text and the output.
fn merge_fixture(
    name: &str,
    plan: &oidc_wizard::plan::Plan,
) -> (String, String, oidc_wizard::config::MergeOutput) {
    let (old, doc) = fixture(name);
    let out =
        support::merge(&doc, plan, OnDuplicate::Refuse).unwrap_or_else(|e| panic!("{name}: {e}"));
    check_added(&old, &out, plan).unwrap_or_else(|e| panic!("{name}: {e}\n{}", out.diff));
    let new = String::from_utf8(out.bytes.clone()).unwrap();
    (old, new, out)
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn the_plan_adds_a_claims_policy_and_a_scope_for_mattermost() {
    let plan = mattermost();
    let mut sections: Vec<_> = plan.additions.iter().map(|a| a.section.join(".")).collect();
    sections.sort();
    assert_eq!(sections, ["claims_policies", "scopes"]);
}

#[test]
fn a_scope_goes_into_the_existing_scopes_block() {
    let (old, new, out) = merge_fixture("scopes_existing.yml", &mattermost());
    let ins = inserted(&old, &new);
    // The scope follows the existing ones (and the comment that belongs with them).
    let at = new
        .find("      mattermost:\n        claims:\n          - 'username'\n")
        .unwrap();
    assert!(new.find("      # more scopes below").unwrap() < at);
    assert!(at < new.find("    claims_policies:").unwrap());
    assert!(!ins.iter().any(|l| l == "    scopes:\n"), "{ins:?}");
    assert_eq!(new.matches("\n    scopes:").count(), 1);
    // The claims policy section is created before the clients.
    assert!(new.find("    claims_policies:").unwrap() < new.find("    clients:").unwrap());
    assert!(new.contains("        claims_policy: 'mattermost'\n"));
    assert_eq!(
        sorted(out.additions_added.clone()),
        ["claims_policies.mattermost", "scopes.mattermost"]
    );
    assert!(out.claims_policy_added);
}

#[test]
fn custom_is_created_under_an_existing_lifespans_in_the_files_indent() {
    let (old, new, out) = merge_fixture("lifespans_no_custom.yml", &sambee());
    let ins = inserted(&old, &new);
    let tail: Vec<&str> = ins.iter().rev().take(3).rev().map(|s| s.as_str()).collect();
    assert_eq!(
        tail,
        [
            "            custom:\n",
            "                sambee:\n",
            "                    refresh_token: '31d'\n"
        ]
    );
    assert!(new.ends_with("        lifespans:\n            access_token: 1h\n            custom:\n                sambee:\n                    refresh_token: '31d'\n"));
    assert!(new.contains("              lifespan: 'sambee'\n"));
    assert_eq!(out.additions_added, ["lifespans.custom.sambee"]);
    assert!(!out.claims_policy_added);
}

#[test]
fn a_lifespan_joins_the_existing_custom_ones() {
    let (old, new, out) = merge_fixture("lifespans_custom_existing.yml", &sambee());
    let ins = inserted(&old, &new);
    assert_eq!(ins[0], "        sambee:\n");
    assert_eq!(ins[1], "          refresh_token: '31d'\n");
    assert_eq!(new.matches("custom:").count(), 1);
    assert_eq!(new.matches("lifespans:").count(), 1);
    assert!(new.find("        sambee:").unwrap() < new.find("    clients:").unwrap());
    assert_eq!(out.additions_added, ["lifespans.custom.sambee"]);
}

#[test]
fn existing_entries_of_the_same_name_are_left_with_a_warning() {
    let (old, new, out) = merge_fixture("additions_same_name.yml", &mattermost());
    let ins = inserted(&old, &new);
    assert_eq!(ins[0], "      - client_id: 'mattermost'\n", "{ins:?}");
    assert!(new.starts_with(&old));
    assert!(new.contains("        claims_policy: 'mattermost'\n"));
    assert!(out.additions_added.is_empty());
    assert!(!out.claims_policy_added);
    for w in ["claims_policies.mattermost", "scopes.mattermost"] {
        assert!(
            out.warnings
                .iter()
                .any(|x| x.contains(w) && x.contains("left as it is")),
            "{w}: {:?}",
            out.warnings
        );
    }
}

#[test]
fn an_empty_scopes_mapping_is_filled_keeping_its_comment() {
    let (old, new, out) = merge_fixture("scopes_empty.yml", &mattermost());
    assert!(old.contains("    scopes: {}  # none yet\n"));
    assert!(new.contains(
        "    scopes:  # none yet\n      mattermost:\n        claims:\n          - 'username'\n"
    ));
    assert_eq!(new.matches("\n    scopes:").count(), 1);
    assert_eq!(out.additions_added.len(), 2);
}

#[test]
fn scopes_of_the_wrong_type_or_in_flow_style_are_refused_with_the_line() {
    let m = refused("scopes_wrong_type.yml", &mattermost(), "line 6");
    assert!(m.contains("identity_providers.oidc.scopes"), "{m}");
    assert!(m.contains("expected a mapping"), "{m}");
    let m = refused("scopes_flow.yml", &mattermost(), "line 6");
    assert!(m.contains("flow style"), "{m}");
    // A plan that does not touch scopes still merges.
    let (_, new, _) = merge_fixture("scopes_wrong_type.yml", &sambee());
    assert!(new.contains("    scopes: [a]\n"));
}

#[test]
fn a_first_time_setup_writes_every_addition() {
    for name in ["empty.yml", "comments_only.yml"] {
        let (_, new, out) = merge_fixture(name, &mattermost());
        assert!(out.first_time_setup, "{name}");
        assert!(
            new.contains("    claims_policies:\n      mattermost:\n"),
            "{name}"
        );
        assert!(new.contains("    scopes:\n      mattermost:\n"), "{name}");
        assert_eq!(out.additions_added.len(), 2, "{name}");
        let (_, new, out) = merge_fixture(name, &sambee());
        assert!(
            new.contains(
                "    lifespans:\n      custom:\n        sambee:\n          refresh_token: '31d'\n"
            ),
            "{name}:\n{new}"
        );
        assert_eq!(out.additions_added, ["lifespans.custom.sambee"]);
    }
    // oidc without clients: the sections come with the new clients key.
    let text = "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n";
    let d = doc("noclients.yml", text);
    let out = support::merge(&d, &mattermost(), OnDuplicate::Refuse).unwrap();
    check_added(text, &out, &mattermost()).unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert!(new.starts_with(text));
    assert!(
        new[text.len()..].starts_with("    claims_policies:\n"),
        "{new}"
    );
    assert!(new.contains("    scopes:\n      mattermost:\n"));
    // An empty clients key: the sections go before it.
    let text = "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients: []\n";
    let d = doc("emptyclients.yml", text);
    let out = support::merge(&d, &sambee(), OnDuplicate::Refuse).unwrap();
    check_added(text, &out, &sambee()).unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert!(new.find("    lifespans:").unwrap() < new.find("    clients:").unwrap());
}
