//! Valid configurations that the merge used to refuse (issue 9, "False refusals"): each is YAML
//! that libyaml, and so Authelia's Go reader, reads. Each one must now merge with every original
//! byte kept (the invariant of `support::check_added`: only insertions, plus an empty value
//! removed where the client list goes) and the new client as the last one.

use crate::support;

use oidc_wizard::config::{MergeOutput, OnDuplicate};
use support::*;

/// A provider that has its keys, so only the client is added.
const KEYS: &str = "    hmac_secret: h\n    jwks:\n      - key: k\n";

/// Merges memos into `text` and checks the invariant and the new client; returns the output.
fn merges(name: &str, text: &str) -> MergeOutput {
    let d = doc(name, text);
    let out = support::merge(&d, &memos(), OnDuplicate::Refuse)
        .unwrap_or_else(|e| panic!("{name}: refused: {e}\n{text:?}"));
    check_added(text, &out, &memos()).unwrap_or_else(|e| {
        panic!(
            "{name}: {e}\n{}",
            String::from_utf8_lossy(&out.bytes).replace('\r', "\\r\n")
        )
    });
    out
}

fn new_text(out: &MergeOutput) -> &str {
    std::str::from_utf8(&out.bytes).unwrap()
}

/// Old Mac line endings (a lone CR): libyaml and saphyr-parser both take `\r` alone as a line
/// break (YAML 1.2 §5.4), so the file is valid; the merge used to find one line and blamed a
/// missing dash. The inserted lines end in `\r` like the file's own.
#[test]
fn cr_only_line_endings_merge_with_cr() {
    let old = format!(
        "log:\r  level: info\ridentity_providers:\r  oidc:\r{}    clients:\r      - client_id: a\r        public: true\r",
        KEYS.replace('\n', "\r")
    );
    let out = merges("cr.yml", &old);
    let new = new_text(&out);
    assert!(!new.contains('\n'), "a LF crept in: {new:?}");
    assert!(new.starts_with(&old), "{new:?}");
    assert!(new.contains("\r      - client_id: 'memos'\r"), "{new:?}");
    // The diff shows one line per line, so a terminal does not draw them over each other.
    assert!(
        out.diff
            .lines()
            .any(|l| l.trim_end_matches('\r') == "+      - client_id: 'memos'"),
        "{}",
        out.diff
    );
    // The first-time setup writes CR too.
    let old = "log:\r  level: info\r";
    let out = merges("cr_new.yml", old);
    assert!(!new_text(&out).contains('\n'));
    assert!(new_text(&out).contains("\r  oidc:\r"));
}

/// Explicit standard tags on collections (`!!map`, `!!seq`) mean what the plain node means;
/// the gate used to take a tagged `oidc` for "not a mapping".
#[test]
fn standard_tags_on_oidc_and_clients_are_their_plain_meaning() {
    for (name, oidc, clients) in [
        ("map.yml", "  oidc: !!map\n", "    clients:\n"),
        ("seq.yml", "  oidc:\n", "    clients: !!seq\n"),
        ("both.yml", "  oidc: !!map\n", "    clients: !!seq\n"),
        (
            "verbatim.yml",
            "  oidc: !<tag:yaml.org,2002:map>\n",
            "    clients: !!seq\n",
        ),
    ] {
        let old = format!(
            "identity_providers:\n{oidc}{KEYS}{clients}      - client_id: a\n        public: !!str yes\n"
        );
        let out = merges(name, &old);
        assert!(new_text(&out).starts_with(&old), "{name}");
    }
    // A tagged section the client goes into. It has clients, so it is a provider that works
    // already: no keys are added (they come from elsewhere), and the warning says so.
    let old = "identity_providers:\n  oidc: !!map\n    clients: !!seq\n      - client_id: a\n        public: true\n";
    let out = merges("first.yml", old);
    assert!(
        out.provider_keys_added.is_empty(),
        "{:?}",
        out.provider_keys_added
    );
    assert!(
        out.warnings.iter().any(|w| w.contains("hmac_secret")),
        "{:?}",
        out.warnings
    );
    // A flow list with a tag is still read as a flow list (its message names it).
    let old =
        format!("identity_providers:\n  oidc:\n{KEYS}    clients: !!seq [{{client_id: a}}]\n");
    let e = support::merge(&doc("flow.yml", &old), &memos(), OnDuplicate::Refuse)
        .unwrap_err()
        .to_string();
    assert!(e.contains("flow list"), "{e}");
}

/// `!!null` (and `~`, `null`) is an empty value like a bare `key:`: the section goes under the
/// key, and the tag goes with the value it tagged.
#[test]
fn tagged_null_sections_are_filled_and_lose_the_tag() {
    for (name, old) in [
        (
            "oidc_tag.yml",
            "log:\n  level: info\nidentity_providers:\n  oidc: !!null\n".to_string(),
        ),
        (
            "oidc_tag_comment.yml",
            "identity_providers:\n  oidc: !!null  # later\nlog:\n  level: info\n".to_string(),
        ),
        (
            "oidc_tag_tilde.yml",
            "identity_providers:\n  oidc: !!null ~\n".to_string(),
        ),
        (
            "oidc_tilde.yml",
            "identity_providers:\n  oidc: ~\n".to_string(),
        ),
        (
            "oidc_null.yml",
            "identity_providers:\n  oidc: null\n".to_string(),
        ),
        (
            "clients_tag.yml",
            format!("identity_providers:\n  oidc:\n{KEYS}    clients: !!null\n"),
        ),
        (
            "ip_tag.yml",
            "identity_providers: !!null\nlog:\n  level: info\n".to_string(),
        ),
    ] {
        let out = merges(name, &old);
        let new = new_text(&out);
        assert!(!new.contains("!!null"), "{name}: the tag stayed:\n{new}");
        assert!(
            !new.contains(": ~") && !new.contains(": null"),
            "{name}:\n{new}"
        );
    }
}

/// A `{{` in one comment and a `}}` in a later one: template expressions live in scalars, and a
/// comment never opens one, so the lines between are not masked out.
#[test]
fn braces_in_comments_open_no_template() {
    let old = format!(
        "# fill in {{{{ the domain\nlog:\n  level: info  # was {{{{ debug\n# see }}}} below\nidentity_providers:\n  oidc:\n{KEYS}    clients:\n      - client_id: a  # {{{{ not }}}} a template\n        public: true\n"
    );
    let out = merges("comments.yml", &old);
    assert!(new_text(&out).starts_with(&old));
    // A real template in a value is still masked, also with a comment after it.
    let old = format!(
        "# {{{{ note\nidentity_providers:\n  oidc:\n{KEYS}    clients:\n      - client_id: a\n        client_secret: '{{{{ secret \"/s/a\" }}}}'  # }}}}\n        public: true\n"
    );
    let out = merges("template_value.yml", &old);
    assert!(new_text(&out).starts_with(&old));
}

/// `clients:` with its empty flow list on the next, more indented line: the `[]` line is the
/// empty value, replaced by the new item.
#[test]
fn empty_flow_clients_on_the_next_line_are_replaced() {
    let old = format!(
        "identity_providers:\n  oidc:\n{KEYS}    clients:\n      []\nlog:\n  level: info\n"
    );
    let out = merges("next_line.yml", &old);
    let new = new_text(&out);
    assert!(!new.contains("[]"), "{new}");
    assert!(
        new.contains("    clients:\n      - client_id: 'memos'\n"),
        "{new}"
    );
    // With a comment after it, the comment stays.
    let old = format!("identity_providers:\n  oidc:\n{KEYS}    clients:\n      [] # none yet\n");
    let new = merges("next_line_comment.yml", &old);
    assert!(new_text(&new).contains("# none yet"));
    // `~` below `clients:` is the same empty value (it was refused, merge_cases' null_below).
    let old = format!("identity_providers:\n  oidc:\n{KEYS}    clients:\n      ~\n");
    let out = merges("null_below.yml", &old);
    assert!(!new_text(&out).contains('~'));
    // A tag on the key's line and `[]` below it.
    let old = format!("identity_providers:\n  oidc:\n{KEYS}    clients: !!seq\n      []\n");
    let out = merges("tag_then_next_line.yml", &old);
    assert!(new_text(&out).contains("    clients:\n      - client_id: 'memos'\n"));
    // An empty flow list spread over lines (`[` then `]`) used to panic (an insertion inside
    // the removed range); it is one empty value too.
    for (name, value) in [
        ("spread.yml", "    clients: [\n    ]\n"),
        (
            "spread_below.yml",
            "    clients:\n      [\n\n      ]  # none\n",
        ),
        ("spread_comment.yml", "    clients: [\n      ]  # none\n"),
    ] {
        let old = format!("identity_providers:\n  oidc:\n{KEYS}{value}log: {{}}\n");
        let d = doc(name, &old);
        let out = support::merge(&d, &memos(), OnDuplicate::Refuse)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let new = new_text(&out);
        assert!(
            new.starts_with(&format!(
                "identity_providers:\n  oidc:\n{KEYS}    clients:\n      - client_id: 'memos'\n"
            )),
            "{name}:\n{new}"
        );
        assert!(new.ends_with("log: {}\n"), "{name}:\n{new}");
        assert_eq!(clients_of(new).len(), 1, "{name}");
        // A comment after the value keeps its place on its line.
        if value.contains("# none") {
            assert!(new.contains("\n      # none\n"), "{name}:\n{new}");
        }
    }
    // A comment inside an empty flow list is not thrown away.
    let old = format!("identity_providers:\n  oidc:\n{KEYS}    clients: [  # none\n    ]\n");
    let e = support::merge(
        &doc("inner_comment.yml", &old),
        &memos(),
        OnDuplicate::Refuse,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("comment inside"), "{e}");
    // An empty section on its own line is filled the same way.
    let old = "identity_providers:\n  oidc:\n    ~\n";
    let out = merges("oidc_next_line.yml", old);
    assert!(!new_text(&out).contains('~'));
}

/// Client items with anchors (`- &c1`) that later items merge in (`- <<: *c1`): appending a new
/// item changes neither, so the alias check must not refuse.
#[test]
fn anchored_client_items_allow_an_append() {
    let old = format!(
        "identity_providers:\n  oidc:\n{KEYS}    clients:\n      - &c1\n        client_id: a\n        public: true\n        redirect_uris: ['https://a.example.com/cb']\n      - <<: *c1\n        client_id: b\n      - &c3 {{client_id: c, public: true}}\n"
    );
    let out = merges("anchored_items.yml", &old);
    assert!(new_text(&out).starts_with(&old));
    // Replacing an item that an alias uses is still refused, with the reason.
    let old = format!(
        "identity_providers:\n  oidc:\n{KEYS}    clients:\n      - &m\n        client_id: memos\n        public: true\n      - <<: *m\n        client_id: b\n"
    );
    let e = support::merge(&doc("replace.yml", &old), &memos(), OnDuplicate::Replace)
        .unwrap_err()
        .to_string();
    assert!(e.contains("anchor"), "{e}");
}

/// `level:\tinfo` (a tab after the colon) already merges (see merge_trust); kept here with the
/// other false refusals, in the client list this time.
#[test]
fn a_tab_after_a_colon_merges() {
    let old = "log:\n  level:\tinfo\nidentity_providers:\n  oidc:\n    hmac_secret:\th\n    jwks:\n      - key: k\n    clients:\n      - client_id:\ta\n        public:\ttrue\n";
    let out = merges("tab.yml", old);
    assert!(new_text(&out).starts_with(old));
}
