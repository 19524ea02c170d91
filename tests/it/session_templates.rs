//! Session defaults of a configuration whose values come partly from templates.

use oidc_wizard::config::{self, Document};

#[test]
fn a_partly_templated_authelia_url_is_no_default() {
    let yaml = "session:\n  cookies:\n    - domain: '{{ env \"DOMAIN\" }}'\n      authelia_url: 'https://auth.{{ env \"DOMAIN\" }}'\n";
    let doc = Document::from_bytes("/c/configuration.yml", yaml.as_bytes().to_vec());
    let sd = config::session_defaults(&doc);
    assert_eq!(sd.authelia_url, None, "{sd:?}");
    assert_eq!(sd.domain, None, "{sd:?}");
}

#[test]
fn a_real_value_with_x_in_it_stays() {
    let yaml = "session:\n  cookies:\n    - domain: xx.example.com\n      authelia_url: https://auth.xx.example.com\n";
    let doc = Document::from_bytes("/c/configuration.yml", yaml.as_bytes().to_vec());
    let sd = config::session_defaults(&doc);
    assert_eq!(sd.domain.as_deref(), Some("xx.example.com"));
    assert_eq!(
        sd.authelia_url.as_deref(),
        Some("https://auth.xx.example.com")
    );
}
