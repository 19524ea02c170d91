//! Property tests of the merge over generated configuration shapes (indent widths, dash
//! styles, line endings, BOM, markers, comments, templates, every state of the clients list),
//! and over arbitrary YAML-like text: never a panic; a merge holds the invariant and reads back
//! with the new client; a refusal is one line naming the file.

use crate::support;

use oidc_wizard::config::OnDuplicate;
use proptest::prelude::*;
use support::*;

#[derive(Debug, Clone)]
struct Shape {
    indent: usize,
    flush: bool,
    crlf: bool,
    bom: bool,
    final_newline: bool,
    start_marker: bool,
    end_marker: bool,
    /// 0: no identity_providers, 1: identity_providers without oidc, 2: oidc without clients,
    /// 3: bare clients:, 4: clients: [], 5: clients with items.
    depth: u8,
    items: usize,
    item_offset: usize,
    comments: Vec<bool>,
    template: bool,
    first_time: bool,
    quoted: bool,
    section_after: bool,
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        (
            2usize..=4,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            0u8..=5,
            1usize..4,
            prop_oneof![Just(2usize), Just(4usize)],
            proptest::collection::vec(any::<bool>(), 8),
        ),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                (indent, flush, crlf, bom, final_newline, start_marker, end_marker),
                (depth, items, item_offset, comments),
                (template, first_time, quoted, section_after),
            )| Shape {
                indent,
                flush,
                crlf,
                bom,
                final_newline,
                start_marker,
                end_marker,
                depth,
                items,
                item_offset,
                comments,
                template,
                first_time,
                quoted,
                section_after,
            },
        )
}

fn render(s: &Shape) -> String {
    let p = |n: usize| " ".repeat(n * s.indent);
    let mut l: Vec<String> = Vec::new();
    let c = |i: usize| s.comments.get(i).copied().unwrap_or(false);
    if s.start_marker {
        l.push("---".into());
    }
    if c(0) {
        l.push("# a configuration".into());
    }
    l.push("server:".into());
    l.push(format!("{}address: 'tcp://:9091'", p(1)));
    if s.template {
        l.push(format!("{}buffers: {{{{ env \"BUFFERS\" }}}}", p(1)));
    }
    if s.depth >= 1 {
        if c(1) {
            l.push(String::new());
            l.push("## OpenID Connect".into());
        }
        l.push("identity_providers:".into());
        if s.depth == 1 {
            l.push(format!("{}ldap_placeholder: true", p(1)));
        }
    }
    if s.depth >= 2 {
        l.push(format!("{}oidc:", p(1)));
        if !s.first_time {
            if s.template {
                l.push(format!(
                    "{}hmac_secret: {{{{ secret \"/run/secrets/hmac\" }}}}",
                    p(2)
                ));
                l.push(format!("{}jwks:", p(2)));
                let d = if s.flush { p(2) } else { p(3) };
                l.push(format!(
                    "{d}- key: {{{{ secret \"/k.pem\" | mindent 10 \"|\" | msquote }}}}"
                ));
            } else {
                l.push(format!("{}hmac_secret: 'abc'", p(2)));
                l.push(format!("{}jwks:", p(2)));
                let d = if s.flush { p(2) } else { p(3) };
                l.push(format!("{d}- key: |"));
                l.push(format!(
                    "{d}{}-----BEGIN PRIVATE KEY-----",
                    " ".repeat(s.indent + 2)
                ));
            }
        }
        if s.depth == 2 {
            l.push(format!("{}cors:", p(2)));
            l.push(format!(
                "{}allowed_origins_from_client_redirect_uris: true",
                p(3)
            ));
        }
    }
    match s.depth {
        3 => {
            l.push(format!("{}clients:", p(2)));
            if c(2) {
                l.push(format!("{}# - client_id: example", p(3)));
            }
        }
        4 => l.push(format!(
            "{}clients: []{}",
            p(2),
            if c(2) { "  # none yet" } else { "" }
        )),
        5 => {
            l.push(format!("{}clients:", p(2)));
            let dash = if s.flush { p(2) } else { p(3) };
            let off = " ".repeat(s.item_offset - 1);
            for i in 0..s.items {
                let v = if s.quoted {
                    format!("'app{i}'")
                } else {
                    format!("app{i}")
                };
                l.push(format!("{dash}-{off}client_id: {v}"));
                let inner = format!("{dash} {off}");
                l.push(format!("{inner}public: true"));
                l.push(format!("{inner}redirect_uris:"));
                let d2 = if s.flush {
                    inner.clone()
                } else {
                    format!("{inner}{}", " ".repeat(s.indent))
                };
                l.push(format!("{d2}- \"https://app{i}.example.com/cb\""));
                if c(3 + i) {
                    l.push(format!("{inner}# about app{i}"));
                }
            }
            if c(7) {
                l.push(format!("{}# after the clients", p(1)));
            }
        }
        _ => {}
    }
    if s.section_after {
        l.push(String::new());
        l.push("# the next section".into());
        l.push("log:".into());
        l.push(format!("{}level: info", p(1)));
    }
    if s.end_marker {
        l.push("...".into());
    }
    let eol = if s.crlf { "\r\n" } else { "\n" };
    let mut text = l.join(eol);
    if s.final_newline {
        text.push_str(eol);
    }
    if s.bom {
        text.insert(0, '\u{feff}');
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_shapes_merge_with_the_invariant(s in shape()) {
        let text = render(&s);
        let d = doc("gen.yml", &text);
        // Plans with no addition, a claims policy, a claims policy and a scope, a nested lifespan.
        let plan = match (s.comments[0], s.comments[1]) {
            (false, false) => memos(),
            (true, false) => romm(),
            (false, true) => plan_with("mattermost", "mattermost", DIGEST),
            (true, true) => plan_with("sambee", "sambee", DIGEST),
        };
        let out = merge(&d, &plan, OnDuplicate::Refuse).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        check_added(&text, &out, &plan).map_err(|e| TestCaseError::fail(format!("{e}\n{}", out.diff)))?;
        let added: Vec<String> = plan.additions.iter().map(|a| format!("{}.{}", a.section.join("."), a.name)).collect();
        prop_assert_eq!(&out.additions_added, &added);
        let new = String::from_utf8(out.bytes).unwrap();
        prop_assert_eq!(&out.diff, &oidc_wizard::config::unified_diff(&text, &new, std::path::Path::new("gen.yml")));
        prop_assert_eq!(new.starts_with('\u{feff}'), s.bom);
        if s.crlf {
            prop_assert_eq!(new.matches('\n').count(), new.matches("\r\n").count());
        } else {
            prop_assert!(!new.contains('\r'));
        }
        if s.end_marker {
            prop_assert!(new.trim_end().ends_with("..."));
        }
        // Merging the result again is a duplicate; rotating it changes exactly one line.
        let again = doc("gen.yml", &new);
        let dup = matches!(merge(&again, &plan, OnDuplicate::Refuse), Err(oidc_wizard::Error::DuplicateClient { .. }));
        prop_assert!(dup, "a second merge is not a duplicate");
        let rotated = merge(&again, &plan_with(&plan.app, &plan.client.client_id, DIGEST2), OnDuplicate::Rotate)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let r = String::from_utf8(rotated.bytes).unwrap();
        prop_assert_eq!(r.lines().count(), new.lines().count());
        prop_assert_eq!(r.lines().zip(new.lines()).filter(|(a, b)| a != b).count(), 1);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "([a-z_]{1,8}|:|-|  |\\n|\\r\\n|#|\\[|\\]|\\{|\\}|'|\"|&a|\\*a|\\||>|\\{\\{ x \\}\\}|\\.\\.\\.|---|\\t|identity_providers|oidc|clients|client_id|~){0,60}") {
        let d = doc("any.yml", &text);
        match merge(&d, &memos(), OnDuplicate::Refuse) {
            Ok(out) => {
                let new = String::from_utf8(out.bytes).unwrap();
                invariant(&text, &new).map_err(|e| TestCaseError::fail(format!("{e}\n--- old\n{text:?}\n--- new\n{new:?}")))?;
            }
            Err(e) => {
                let m = e.to_string();
                prop_assert!(!m.contains('\n') || m.contains("not valid YAML"), "{}", m);
                prop_assert!(m.starts_with("any.yml"), "{}", m);
            }
        }
    }
}
