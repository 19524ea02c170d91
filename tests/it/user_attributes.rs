//! Claims policies that read a user attribute (issue 9): a custom claim's `attribute` must be a
//! standard attribute or one the configuration defines, or Authelia refuses to start ("... is
//! not a known attribute"). The merge writes the app's `definitions.user_attributes.<name>` at
//! the top level beside the client, reuses an equal one, refuses a different one, and refuses an
//! attribute only the user's directory can provide when the configuration does not define it.

use crate::support;

use oidc_wizard::config::{self, OnDuplicate};
use oidc_wizard::plan::{Plan, Request, SecretState, plan_for};
use serde_yaml::Value;
use std::path::PathBuf;
use support::*;

/// The apps whose claims policy reads an attribute they define, with the guide's expression.
const APPS: &[(&str, &str, &str)] = &[
    (
        "nextcloud",
        "is_nextcloud_admin",
        r#""nextcloud-admins" in groups ? "yes" : "no""#,
    ),
    (
        "vaultwarden",
        "vaultwarden_roles",
        r#""vaultwarden_admins" in groups ? ["admin"] : "vaultwarden_users" in groups ? ["user"] : [""]"#,
    ),
    (
        "sftpgo",
        "sftpgo_role",
        r#""sftpgo_admins" in groups ? "admin" : "sftpgo_managers" in groups ? "manager" : "user""#,
    ),
];

fn plan(app: &str, variant: Option<&str>) -> Plan {
    let req = Request {
        domain: "example.com".into(),
        ..Default::default()
    };
    plan_for(
        app,
        variant,
        &req,
        SecretState::Ready {
            plaintext: "plain-secret".into(),
            digest: DIGEST.into(),
        },
    )
    .expect("plan")
}

/// A reference file from ../shared, or `None` when the user opted out of those tests.
fn reference(rel: &str) -> Option<String> {
    let dir = shared("user_attributes")?;
    let p: PathBuf = dir.join("reference/authelia").join(rel);
    Some(std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
}

/// Attribute names Authelia knows without a definition (validator/const.go:652-676,
/// `validUserAttributes`; the names come from expression/const.go:4-34).
const STANDARD: &[&str] = &[
    "username",
    "groups",
    "display_name",
    "email",
    "emails",
    "given_name",
    "middle_name",
    "family_name",
    "nickname",
    "profile",
    "picture",
    "website",
    "gender",
    "birthdate",
    "zoneinfo",
    "locale",
    "phone_number",
    "phone_extension",
    "street_address",
    "locality",
    "region",
    "postal_code",
    "country",
];

/// Authelia's rule, written from its source (identity_providers.go:236-312,
/// `isUserAttributeValid`): a definition, else (LDAP) the basic names, the mapped optional
/// ones or an extra attribute by its `name` (or its key when it has none), else a standard
/// name, else a file backend extra attribute. The LDAP optional names are taken as mapped
/// (Authelia's LDAP defaults fill most of them).
fn known(config: &Value, name: &str) -> bool {
    let get = |v: &Value, path: &[&str]| {
        path.iter()
            .try_fold(v.clone(), |v, k| v.get(*k).cloned())
            .filter(|v| !v.is_null())
    };
    if get(config, &["definitions", "user_attributes", name]).is_some() {
        return true;
    }
    if let Some(ldap) = get(config, &["authentication_backend", "ldap"]) {
        if STANDARD.contains(&name) {
            return true;
        }
        let extra = get(&ldap, &["attributes", "extra"]);
        return extra.as_ref().and_then(Value::as_mapping).is_some_and(|m| {
            m.iter()
                .any(|(k, v)| match v.get("name").and_then(Value::as_str) {
                    Some(n) if !n.is_empty() => n == name,
                    _ => k.as_str() == Some(name),
                })
        });
    }
    if STANDARD.contains(&name) {
        return true;
    }
    get(
        config,
        &["authentication_backend", "file", "extra_attributes", name],
    )
    .is_some()
}

/// Every claims policy's custom claim reads a known attribute (identity_providers.go:154-178:
/// an empty `attribute` is the claim's key; an unknown one is an error).
fn claims_attributes_known(text: &str) -> Result<(), String> {
    let t = config::scan::Text::new(text);
    let v = config::gate::parse_first(&t.masked)?;
    let policies = v
        .get("identity_providers")
        .and_then(|i| i.get("oidc"))
        .and_then(|o| o.get("claims_policies"))
        .and_then(Value::as_mapping)
        .cloned()
        .unwrap_or_default();
    for (p, policy) in &policies {
        let Some(claims) = policy.get("custom_claims").and_then(Value::as_mapping) else {
            continue;
        };
        for (key, c) in claims {
            let attr = c
                .get("attribute")
                .and_then(Value::as_str)
                .filter(|a| !a.is_empty())
                .or(key.as_str())
                .unwrap_or_default();
            if !known(&v, attr) {
                return Err(format!(
                    "claims policy {p:?}: attribute '{attr}' is not a known attribute"
                ));
            }
        }
    }
    Ok(())
}

fn expression_of(text: &str, name: &str) -> Option<String> {
    let v: Value = serde_yaml::from_str(text).unwrap();
    v.get("definitions")?
        .get("user_attributes")?
        .get(name)?
        .get("expression")?
        .as_str()
        .map(str::to_string)
}

/// Merges `plan` into `old`: the written file keeps every old byte, has the client, defines
/// `attr` with `expr`, and passes Authelia's attribute rule.
fn merged(old: &str, plan: &Plan, attr: &str, expr: &str) -> String {
    let out = support::merge(&doc("configuration.yml", old), plan, OnDuplicate::Refuse)
        .unwrap_or_else(|e| panic!("{}: {e}", plan.app));
    check_added(old, &out, plan).unwrap_or_else(|e| panic!("{}: {e}", plan.app));
    let new = String::from_utf8(out.bytes).unwrap();
    assert_eq!(
        expression_of(&new, attr).as_deref(),
        Some(expr),
        "{}:\n{new}",
        plan.app
    );
    claims_attributes_known(&new).unwrap_or_else(|e| panic!("{}: {e}\n{new}", plan.app));
    new
}

#[test]
fn the_expressions_are_the_guides() {
    for (app, attr, expr) in APPS {
        let Some(guide) = reference(&format!("integrations/{app}.md")) else {
            return;
        };
        assert!(
            guide.contains(&format!("    {attr}:\n"))
                && guide.contains(&format!("expression: '{expr}'")),
            "{app}: the guide defines {attr} otherwise"
        );
        let p = plan(app, None);
        let a = p
            .additions
            .iter()
            .find(|a| a.top_level && a.name == *attr)
            .unwrap_or_else(|| panic!("{app}: no definition of {attr}"));
        assert_eq!(a.section, ["definitions", "user_attributes"]);
        assert_eq!(a.value, serde_json::json!({ "expression": expr }));
    }
}

#[test]
fn the_rule_refuses_an_undefined_attribute() {
    // The test's own reading of Authelia's rule, on the guide's nextcloud block without its
    // definitions part.
    let without = "identity_providers:\n  oidc:\n    claims_policies:\n      p:\n        custom_claims:\n          is_nextcloud_admin:\n            attribute: is_nextcloud_admin\n";
    assert!(claims_attributes_known(without).is_err());
    let with = format!(
        "definitions:\n  user_attributes:\n    is_nextcloud_admin:\n      expression: 'true'\n{without}"
    );
    assert_eq!(claims_attributes_known(&with), Ok(()));
    // A claim without `attribute` reads the attribute named like the claim.
    let bare = "identity_providers:\n  oidc:\n    claims_policies:\n      p:\n        custom_claims:\n          sshpubkey: {}\n";
    assert!(claims_attributes_known(bare).is_err());
    let ldap = format!(
        "authentication_backend:\n  ldap:\n    attributes:\n      extra:\n        sshPublicKey:\n          name: sshpubkey\n{bare}"
    );
    assert_eq!(claims_attributes_known(&ldap), Ok(()));
    // A standard name needs nothing.
    let std = bare.replace("sshpubkey: {}", "x: {attribute: email}");
    assert_eq!(claims_attributes_known(&std), Ok(()));
}

#[test]
fn a_configuration_without_oidc_gets_the_definition() {
    let mut sources = vec![(
        "inline",
        "server:\n  address: 'tcp://:9091'\nauthentication_backend:\n  file:\n    path: /config/users.yml\n"
            .to_string(),
    )];
    if let Some(t) = reference("config.template.yml") {
        sources.push(("config.template.yml", t));
    }
    if let Some(t) = reference("fixtures/no-oidc/examples-compose-local.configuration.yml") {
        sources.push(("examples-compose-local", t));
    }
    for (name, old) in &sources {
        for (app, attr, expr) in APPS {
            let new = merged(old, &plan(app, None), attr, expr);
            // The definitions go before identity_providers, both at the top level.
            let d = new
                .find("\ndefinitions:\n")
                .unwrap_or_else(|| panic!("{name}:\n{new}"));
            let i = new.find("\nidentity_providers:\n").unwrap();
            assert!(d < i, "{name} {app}:\n{new}");
        }
    }
}

#[test]
fn a_configuration_with_oidc_gets_the_definition() {
    let mut sources = vec![(
        "inline",
        "identity_providers:\n  oidc:\n    hmac_secret: 'x'\n    jwks:\n      - key: 'k'\n    clients:\n      - client_id: other\n        public: true\n"
            .to_string(),
    )];
    if let Some(t) = reference("fixtures/config_oidc.yml") {
        sources.push(("config_oidc.yml", t));
    }
    for (name, old) in &sources {
        for (app, attr, expr) in APPS {
            let new = merged(old, &plan(app, None), attr, expr);
            let d = format!("\n{new}").find("\ndefinitions:\n");
            let i = format!("\n{new}").find("\nidentity_providers:\n");
            assert!(d.is_some() && d < i, "{name} {app}:\n{new}");
        }
    }
}

#[test]
fn an_existing_definitions_section_is_merged_into() {
    // The fixture defines user_attributes already: the new one goes at its end, indented as
    // its siblings are.
    let Some(old) = reference("fixtures/config_oidc_claims.yml") else {
        return;
    };
    for (app, attr, expr) in APPS {
        let new = merged(&old, &plan(app, None), attr, expr);
        assert_eq!(new.matches("\ndefinitions:").count(), 1, "{new}");
        assert_eq!(new.matches("user_attributes:").count(), 1, "{new}");
        assert!(
            new.contains(&format!(
                "    ioadmin:\n      expression: '\"ioadmin\" in groups'\n    {attr}:\n      expression: "
            )),
            "{app}:\n{new}"
        );
    }
    // `definitions:` with another section only, four-space indent, CRLF.
    let old = "definitions:\r\n    network:\r\n        lan: ['10.0.0.0/8']\r\nidentity_providers:\r\n    oidc:\r\n        hmac_secret: 'x'\r\n        jwks:\r\n            - key: 'k'\r\n        clients:\r\n            - client_id: other\r\n              public: true\r\n";
    let new = merged(old, &plan("sftpgo", None), "sftpgo_role", APPS[2].2);
    assert!(
        new.starts_with("definitions:\r\n    network:\r\n        lan: ['10.0.0.0/8']\r\n    user_attributes:\r\n        sftpgo_role:\r\n            expression: "),
        "{new}"
    );
    // An empty `definitions:` is filled.
    let old = "definitions: {}\nserver:\n  address: 'tcp://:9091'\n";
    let new = merged(
        old,
        &plan("vaultwarden", None),
        "vaultwarden_roles",
        APPS[1].2,
    );
    assert!(
        new.starts_with("definitions:\n  user_attributes:\n    vaultwarden_roles:\n"),
        "{new}"
    );
}

#[test]
fn an_equal_definition_is_reused_and_a_different_one_refused() {
    let (app, attr, expr) = APPS[0];
    let quoted = expr.replace('\'', "''");
    let old = format!(
        "definitions:\n  user_attributes:\n    {attr}:\n      expression: '{quoted}'\nserver:\n  address: 'tcp://:9091'\n"
    );
    let out = support::merge(&doc("c.yml", &old), &plan(app, None), OnDuplicate::Refuse).unwrap();
    let new = String::from_utf8(out.bytes).unwrap();
    assert_eq!(new.matches(attr).count(), 4, "{new}"); // definition, claim, attribute, scope
    assert!(
        new.starts_with(&old[..old.find("server:").unwrap()]),
        "{new}"
    );
    claims_attributes_known(&new).unwrap();
    let other = old.replace("nextcloud-admins", "admins");
    let e = support::merge(&doc("c.yml", &other), &plan(app, None), OnDuplicate::Refuse)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("definitions.user_attributes.{attr}")),
        "{e}"
    );
    assert!(!e.contains('\n'), "{e}");
}

#[test]
fn forgejo_ssh_keys_needs_the_attribute_from_the_directory() {
    let p = plan("forgejo", Some("ssh-keys"));
    let base = "identity_providers:\n  oidc:\n    hmac_secret: 'x'\n    jwks:\n      - key: 'k'\n    clients:\n      - client_id: other\n        public: true\n";
    // Nothing defines sshpubkey: refused, naming the cause and the way out; nothing written.
    for old in [
        base.to_string(),
        format!("authentication_backend:\n  ldap:\n    address: 'ldap://x'\n{base}"),
        format!("authentication_backend:\n  file:\n    path: /u.yml\n{base}"),
    ] {
        let e = support::merge(&doc("c.yml", &old), &p, OnDuplicate::Refuse)
            .unwrap_err()
            .to_string();
        assert!(e.contains("sshpubkey"), "{e}");
        assert!(
            e.contains("authentication_backend.ldap.attributes.extra"),
            "{e}"
        );
        assert!(!e.contains('\n'), "{e}");
    }
    // Defined in one of the ways Authelia reads: merged, and only the client side is written.
    for old in [
        format!(
            "authentication_backend:\n  ldap:\n    attributes:\n      extra:\n        sshPublicKey:\n          name: sshpubkey\n          multi_valued: true\n{base}"
        ),
        format!(
            "authentication_backend:\n  ldap:\n    attributes:\n      extra:\n        sshpubkey:\n          multi_valued: true\n{base}"
        ),
        format!(
            "authentication_backend:\n  file:\n    extra_attributes:\n      sshpubkey:\n        multi_valued: true\n        value_type: string\n{base}"
        ),
        format!(
            "definitions:\n  user_attributes:\n    sshpubkey:\n      expression: 'username'\n{base}"
        ),
    ] {
        let out = support::merge(&doc("c.yml", &old), &p, OnDuplicate::Refuse)
            .unwrap_or_else(|e| panic!("{e}\n{old}"));
        check_added(&old, &out, &p).unwrap();
        let new = String::from_utf8(out.bytes).unwrap();
        claims_attributes_known(&new).unwrap_or_else(|e| panic!("{e}\n{new}"));
        assert_eq!(
            new.matches("definitions:").count(),
            old.matches("definitions:").count()
        );
    }
}

#[test]
fn every_catalog_setup_passes_the_attribute_rule_where_it_merges() {
    // Into a configuration without OIDC (file backend): every setup that merges is accepted
    // by the rule; the only one refused is the one whose attribute comes from the directory.
    let old = "authentication_backend:\n  file:\n    path: /config/users.yml\n";
    for entry in oidc_wizard::catalog::all().unwrap() {
        for setup in entry.setups() {
            let req = Request {
                domain: "example.com".into(),
                values: entry
                    .inputs
                    .iter()
                    .chain(setup.extra_inputs)
                    .filter(|i| i.default.is_none())
                    .map(|i| (i.key.clone(), "https://x.example.com/cb".to_string()))
                    .collect(),
                ..Default::default()
            };
            let Ok(p) = plan_for(
                &entry.slug,
                setup.variant,
                &req,
                SecretState::Ready {
                    plaintext: "p".into(),
                    digest: DIGEST.into(),
                },
            ) else {
                continue;
            };
            match support::merge(&doc("c.yml", old), &p, OnDuplicate::Refuse) {
                Ok(out) => {
                    let new = String::from_utf8(out.bytes).unwrap();
                    claims_attributes_known(&new)
                        .unwrap_or_else(|e| panic!("{} {:?}: {e}", entry.slug, setup.variant));
                }
                Err(e) => assert!(
                    e.to_string().contains("is not defined"),
                    "{} {:?}: {e}",
                    entry.slug,
                    setup.variant
                ),
            }
        }
    }
}

#[test]
fn check_reports_an_attribute_nobody_defines() {
    let text = "identity_providers:\n  oidc:\n    hmac_secret: 'x'\n    jwks:\n      - key: 'k'\n    claims_policies:\n      nc:\n        custom_claims:\n          is_nextcloud_admin:\n            attribute: is_nextcloud_admin\n          mail2: {attribute: email}\n    clients:\n      - client_id: other\n        public: true\n        redirect_uris: ['https://a.example.com/cb']\n";
    let report = config::check::check(&doc("c.yml", text)).unwrap();
    let hits: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.message.contains("is_nextcloud_admin"))
        .collect();
    assert_eq!(hits.len(), 1, "{:?}", report.findings);
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.message.contains("'email'")),
        "{:?}",
        report.findings
    );
    let defined = format!(
        "definitions:\n  user_attributes:\n    is_nextcloud_admin:\n      expression: 'true'\n{text}"
    );
    let report = config::check::check(&doc("c.yml", &defined)).unwrap();
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.message.contains("is_nextcloud_admin")),
        "{:?}",
        report.findings
    );
}

#[test]
fn the_report_says_where_each_addition_went() {
    let dir = std::env::temp_dir().join(format!("oidc-wizard-attrs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |json: bool| {
        let path = dir.join(format!("configuration-{json}.yml"));
        std::fs::write(&path, "server:\n  address: 'tcp://:9091'\n").unwrap();
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_oidc-wizard"));
        c.args(["add", "sftpgo", "--domain", "example.com", "--config"])
            .arg(&path)
            .arg("--yes");
        if json {
            c.arg("--json");
        }
        let o = c.output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    };
    let text = run(false);
    assert!(
        text.contains(
            "also added under identity_providers.oidc: claims_policies.sftpgo, scopes.sftpgo\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("also added at the top level: definitions.user_attributes.sftpgo_role\n"),
        "{text}"
    );
    let v: serde_json::Value = serde_json::from_str(&run(true)).unwrap();
    assert_eq!(
        v["top_level_added"],
        serde_json::json!(["definitions.user_attributes.sftpgo_role"])
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_definition_another_file_holds_is_not_written_twice() {
    // Split configuration: definitions.user_attributes.sftpgo_role in a.yml, the clients in
    // b.yml. Writing a second one into b.yml would override a.yml's (koanf merges maps), so
    // the merge refuses and names the file and the path; nothing is written.
    let d = tempfile::tempdir().unwrap();
    let (_, attr, expr) = APPS[2];
    let defs = format!(
        "definitions:\n  user_attributes:\n    {attr}:\n      expression: '{}'\n",
        expr.replace('\'', "''")
    );
    let oidc = "identity_providers:\n  oidc:\n    hmac_secret: x\n    jwks:\n      - key: k\n    clients:\n      - client_id: one\n        public: true\n        redirect_uris: ['https://one.example.com/cb']\n";
    let a = d.path().join("a.yml");
    let b = d.path().join("b.yml");
    std::fs::write(&a, &defs).unwrap();
    std::fs::write(&b, oidc).unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_oidc-wizard"))
        .args([
            "add",
            "sftpgo",
            "--domain",
            "example.com",
            "--yes",
            "--config",
        ])
        .arg(&a)
        .arg("--config")
        .arg(&b)
        .env_remove("X_AUTHELIA_CONFIG")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains("a.yml") && e.contains(&format!("defines definitions.user_attributes.{attr},")),
        "{e}"
    );
    assert_eq!(std::fs::read_to_string(&b).unwrap(), oidc);
}

#[test]
fn definitions_that_come_through_a_merge_key_are_not_shadowed() {
    // A `definitions:` written beside a root `<<` that brings one in would replace it.
    let old = "x-base: &base\n  definitions:\n    user_attributes:\n      other:\n        expression: 'true'\n<<: *base\nserver:\n  address: 'tcp://:9091'\n";
    let e = support::merge(
        &doc("c.yml", old),
        &plan("sftpgo", None),
        OnDuplicate::Refuse,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`definitions`") && e.contains("(<<)"), "{e}");
    assert!(!e.contains('\n'), "{e}");
}
