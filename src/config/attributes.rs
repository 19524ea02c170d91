//! Which user attributes a configuration makes known, by Authelia's rule (v4.39.20,
//! internal/configuration/validator/identity_providers.go:236-312, `isUserAttributeValid`): a
//! claims policy's custom claim reads an attribute, and Authelia refuses to start when that
//! attribute is neither a standard one nor defined (`definitions.user_attributes`, an LDAP
//! extra attribute, a file backend extra attribute). Used by the merge (an attribute only the
//! user's directory can provide) and by `check`.

use serde_yaml::Value;

/// The attributes Authelia knows without a definition (validator/const.go:652-676,
/// `validUserAttributes`). With an LDAP backend the optional ones among them must be mapped in
/// `authentication_backend.ldap.attributes`; Authelia's LDAP defaults map most of them, so they
/// count as known here (no false alarm).
pub const STANDARD: &[&str] = &[
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

/// Whether `name` is a standard attribute.
pub fn is_standard(name: &str) -> bool {
    STANDARD.contains(&name)
}

fn at<'v>(v: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .filter(|v| !v.is_null())
}

/// Whether the configuration `root` (as libyaml reads it) defines the non-standard attribute
/// `name`: `definitions.user_attributes.<name>`, an entry of
/// `authentication_backend.ldap.attributes.extra` named so (its `name`, else its key), or
/// `authentication_backend.file.extra_attributes.<name>`.
pub fn defined(root: &Value, name: &str) -> bool {
    if at(root, &["definitions", "user_attributes", name]).is_some() {
        return true;
    }
    let ldap_extra = at(
        root,
        &["authentication_backend", "ldap", "attributes", "extra"],
    )
    .and_then(Value::as_mapping);
    if ldap_extra.is_some_and(|m| {
        m.iter()
            .any(|(k, v)| match v.get("name").and_then(Value::as_str) {
                Some(n) if !n.is_empty() => n == name,
                _ => k.as_str() == Some(name),
            })
    }) {
        return true;
    }
    at(
        root,
        &["authentication_backend", "file", "extra_attributes", name],
    )
    .is_some()
}

/// Whether Authelia knows the attribute `name` in the configuration `root`.
pub fn known(root: &Value, name: &str) -> bool {
    is_standard(name) || defined(root, name)
}

/// The attributes a claims policy's custom claims read, as (claim key, attribute): an empty or
/// absent `attribute` is the claim's key (identity_providers.go:154-157).
pub fn read_by_policy(policy: &Value) -> Vec<(String, String)> {
    let Some(claims) = policy.get("custom_claims").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    claims
        .iter()
        .filter_map(|(k, c)| {
            let key = k.as_str()?;
            let attr = c
                .get("attribute")
                .and_then(Value::as_str)
                .filter(|a| !a.is_empty())
                .unwrap_or(key);
            Some((key.to_string(), attr.to_string()))
        })
        .collect()
}
