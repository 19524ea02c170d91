//! `check` agrees with Authelia v4.39.20: what it accepts, how it names clients, what it refuses.

use oidc_wizard::config::{Document, check};

/// One `jwks` item: `key` as a block scalar, then `extra` lines (`key_id: ...`) of the item.
fn jwk(key: &str, extra: &[&str]) -> String {
    let mut s = String::from("      - key: |\n");
    for l in key.lines() {
        s.push_str(&format!("          {l}\n"));
    }
    for e in extra {
        s.push_str(&format!("        {e}\n"));
    }
    s
}

/// A configuration with these `jwks` items, provider lines and clients.
fn doc(jwks: &str, provider: &str, clients: &str) -> String {
    format!(
        "identity_providers:\n  oidc:\n    hmac_secret: x\n{provider}    jwks:\n{jwks}    clients:\n{clients}"
    )
}

fn check_text(text: &str) -> (check::Report, String) {
    let doc = Document::from_bytes("/tmp/c.yml", text.as_bytes().to_vec());
    let r = check::check(&doc).unwrap();
    let t = check::report_text(&r);
    (r, t)
}

/// The clients under a provider with one good RS256 key.
fn run(clients: &str) -> (check::Report, String) {
    check_text(&doc(&jwk(RSA_2048, &["key_id: main"]), "", clients))
}

const CLIENT: &str = "      - client_id: app\n        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n        redirect_uris: ['https://app.example.com/cb']\n";

/// Authelia decodes weakly (provider.go:67 `WeaklyTypedInput: true`) with
/// `StringToSliceHookFunc(",")` first (decode_hooks.go:31): none of these is an error.
#[test]
fn weakly_typed_values_are_accepted() {
    let (r, t) = run(concat!(
        "      - client_id: app\n",
        "        public: 'true'\n",
        "        require_pkce: 1\n",
        "        pkce_challenge_method: S256\n",
        "        redirect_uris: 'https://app.example.com/cb'\n",
        "        scopes: 'openid,profile'\n",
        "        grant_types: authorization_code\n",
        "        response_types: code\n",
        "        pre_configured_consent_duration: 30\n",
        "      - client_id: 42\n",
        "        public: 'false'\n",
        "        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n",
        "        redirect_uris: ['https://b.example.com/cb']\n",
        "        scopes: [openid, 7]\n",
    ));
    assert_eq!(r.errors, 0, "{t}");
    assert!(!t.contains("cannot be read"), "{t}");
    assert!(t.contains("client '42'"), "{t}");
}

/// Values weak decoding refuses too (strconv.ParseBool) are still errors.
#[test]
fn values_weak_decoding_refuses_stay_errors() {
    let (r, t) = run(concat!(
        "      - client_id: app\n",
        "        public: 'maybe'\n",
        "        redirect_uris: ['https://app.example.com/cb']\n",
    ));
    assert!(
        r.errors >= 1 && t.contains("cannot be read as a client"),
        "{t}"
    );
}

/// Clients are named by their id, a missing id is said with its line, and a finding shared by
/// several clients is one line naming them.
#[test]
fn clients_named_by_id_and_findings_grouped() {
    let (r, t) = run(concat!(
        "      - client_name: Nameless\n",
        "        public: true\n",
        "        redirect_uris: ['https://n.example.com/cb']\n",
        "      - client_id: a\n        public: true\n",
        "      - client_id: b\n        public: true\n",
        "      - client_id: c\n        public: true\n",
    ));
    assert!(!t.contains('#'), "{t}");
    let line = doc(&jwk(RSA_2048, &["key_id: main"]), "", "")
        .lines()
        .count()
        + 1;
    assert!(
        t.contains(&format!("client without client_id Nameless (line {line})")),
        "{t}"
    );
    assert!(t.contains("has no client_id"), "{t}");
    assert!(
        t.contains("3 clients: has no redirect_uris: no sign-in can succeed: a, b, c"),
        "{t}"
    );
    assert_eq!(t.matches("has no redirect_uris").count(), 1, "{t}");
    assert_eq!(r.clients[0].client_id, "");
}

/// identity_providers.go:1363-1367 (v4.39.20): client_secret_jwt needs a plaintext secret.
#[test]
fn client_secret_jwt_with_a_digest_is_an_error() {
    let (r, t) = run(concat!(
        "      - client_id: app\n",
        "        token_endpoint_auth_method: client_secret_jwt\n",
        "        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n",
        "        redirect_uris: ['https://app.example.com/cb']\n",
    ));
    assert!(r.errors >= 1 && t.contains("a digest is refused"), "{t}");
}

/// A literal value made of the mask's letter is not a template: only a `{{ ... }}` span makes
/// one (scan.rs `Text::made_by_template`). Here a literal `xxxx` secret is plaintext and a
/// literal `xxx` id used twice is a duplicate (identity_providers.go:640-660), while the real
/// template beside them is still taken for a digest.
#[test]
fn a_literal_that_looks_like_the_mask_is_not_a_template() {
    let (r, t) = run(concat!(
        "      - client_id: xxx\n",
        "        client_secret: 'xxxxxxxxxxxxxxxx'\n",
        "        redirect_uris: ['https://a.example.com/cb']\n",
        "      - client_id: xxx\n",
        "        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'\n",
        "        redirect_uris: ['https://b.example.com/cb']\n",
        "      - client_id: tpl\n",
        "        client_secret: '{{ secret \"/run/secrets/tpl\" }}'\n",
        "        redirect_uris: ['https://c.example.com/cb']\n",
    ));
    assert!(t.contains("client_secret is plaintext"), "{t}");
    assert!(
        t.contains("client id 'xxx' is used by more than one client"),
        "{t}"
    );
    let tpl = r.clients.iter().find(|c| c.client_id == "tpl").unwrap();
    assert!(tpl.findings.is_empty(), "{t}");
}

/// The secrets a file holds (write.rs `secrets_in`): a literal `xxxx` password is one even in a
/// file with templates; a templated value is not.
#[test]
fn secrets_in_tells_a_literal_from_a_template() {
    use oidc_wizard::config::write::secrets_in;
    let text = "storage:\n  encryption_key: '{{ secret \"/run/k\" }}'\n  postgres:\n    password: xxxxxxxx\nsession:\n  secret: {{ env \"S\" }}\n";
    assert_eq!(secrets_in(text.as_bytes()), ["storage.postgres.password"]);
}

// Keys and certificates made once with openssl for these tests (never used anywhere else).
const RSA_2048: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC6SuTjQHpyCktc\nAPscdROcwf0Ih2FFVJ4Xp7wp91SoAskVDrnnPm4j23xI1dWwvvgFbyknwdl+w6oU\nT84kI/GchqzU0HY73i6CYUqN240gEyFODk150I36wxGE5SSmKNnSL4yLNw1lZz5f\nqxnjyc1yRyladrzBlZUA3EljlpsfuE+lBZix28Wm1niLENzRIIwqtPKWDxQudwuW\n7vlIfYR4lxhg/WvF0H5iXgjTVxZ+TWUml4HW7C/kx0hnpvb5xNRDKDPDxzyii/EJ\nYlYxtKC13NuJWg0pXamoXrTPQiwdMthrmNndp0z0hz3Rq81nXAl7nFPqZ1Z075wE\nXxXLFMPfAgMBAAECggEAAQBfLEo8zf274LHnkTfimqzsiW6PZ3zybW07azyLn0z2\nbW7t13RsHpvFa8TilI4fTwLoInoLSkgH/eZ4UEhjQNQLNpiS667s+AuZsFxTLi5b\nBd+U6kk+XfAgUnLODlwNGt8yREyDiwSzek3h+xbBcog78bPgbEIF1WmoV5YALYiG\n+2SI85xVl+inAv48PwnpPQTUf0XbnjUSRqosbDqI0FEUr0Rs5eeadi404QebXyEp\nn4sddYKeiw8WWire6b/dLjRD954wjnUcf8QbkjPB3GAMNYXP17JH2huDGtZJqtnh\nPVJ0p3UPUjMau7cojUIkGrT9bmfnjZ/daA9KLr9oEQKBgQD6s9tz/Q6vQ6HWF7gI\nLzszQK7IFUlYdFdRG2t/hVQZKeUkgQc3zJPANOCQYc9TdaILnDQqsBDf7Z7z4KFk\nKEx/UyVgPkhFqdjmrjJUnOVD6tJbGqZSM4QNZML9LrbUaLJJ4AN/tRdxuFrVns76\nj8mjF8CJ0Icy38ILabSku1zEUQKBgQC+Op6LUwApLG74Vjq7CgW64gG/+2Lx8Rb7\njjAY3ysiha8aOrlyXwxt5QDqwXOiX6Zita+Nih6tygE1DV1MTeTHhLy4pOBAkuSC\nS85PB64QOkokeWUsOIQCpGHByd5hUxeEYooYA8MeNamPDUBvFDVF8sdPrKK+Aryl\nR2fn06/pLwKBgQCen1II72JtLkOlbFh6hTfV0+VCn4VKvEHLBahchQWS7lkXYbQp\nb/1ELbCwadJ+If2njuvK3p+ur3BVKhmzf3P3U6pgXMfpm++q9SjPNH4zHM5/6jq1\n4/Z3avucqgPwHVZBO8W69d+hil2er96R1oxj7tFZ4WDJpZ3nDrjHSe0GIQKBgQCY\n3dB0U7HIZI2UgO7XSVmLcX1IgsJjfIMkiYG7KvOl3Vn2MQS/lQQO971B6U18SXMS\n1cAKdNjsfW107ZVw8RONBe0GUHBpU+HPlw1mUtyc68qS/v6/h3cGDIUGTqum+Dfo\nyasBW1yb1TG55ENIQCwDVvK14xwwp1BjXTtxf5pYPwKBgAWKhEvF/axtA/Iso6FQ\n0cr+msmPB41Roe6XS2NH9Ur8h7cNfHpZ08C90BUxM6QDucjL0zgnNsxYx2p6RaV5\n0mav4eMjThZJqyw6WNZ40aw/Ab8Hm8lON/qUFiIurOPtcjh70JHrHfyMypKASI4s\n6UUDgZpN63QcI9ohiO5iRL/S\n-----END PRIVATE KEY-----\n";
const RSA_2048_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIC+zCCAeOgAwIBAgIUfpkooc4aLqH7SDdKD9ZNJNPTXkIwDQYJKoZIhvcNAQEL\nBQAwDDEKMAgGA1UEAwwBdDAgFw0yNjEyMDIxNzQ3NDZaGA8yMTI2MTEwODE3NDc0\nNlowDDEKMAgGA1UEAwwBdDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEB\nALpK5ONAenIKS1wA+xx1E5zB/QiHYUVUnhenvCn3VKgCyRUOuec+biPbfEjV1bC+\n+AVvKSfB2X7DqhRPziQj8ZyGrNTQdjveLoJhSo3bjSATIU4OTXnQjfrDEYTlJKYo\n2dIvjIs3DWVnPl+rGePJzXJHKVp2vMGVlQDcSWOWmx+4T6UFmLHbxabWeIsQ3NEg\njCq08pYPFC53C5bu+Uh9hHiXGGD9a8XQfmJeCNNXFn5NZSaXgdbsL+THSGem9vnE\n1EMoM8PHPKKL8QliVjG0oLXc24laDSldqahetM9CLB0y2GuY2d2nTPSHPdGrzWdc\nCXucU+pnVnTvnARfFcsUw98CAwEAAaNTMFEwHQYDVR0OBBYEFI7eQ6zPNHzdz1qN\nZDPFm1O0J507MB8GA1UdIwQYMBaAFI7eQ6zPNHzdz1qNZDPFm1O0J507MA8GA1Ud\nEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAHWDfoNKzXx2qHYDERqeakS8\nrrBsbSldU3D9uicTA/wUhoLU8cFi5wSzBhjyexdeDEM0eYehdJpj5ivWH3ngIDv5\nYWh3nB4NQSxmSXNtM48YfXy/rgpIo4gD7YN21mmGFkYDOVveR+JyEppcyBgCmCcn\nuzm4ctw9jPnKlwckoURK2NWyW14jMmkjhb+TBJu6xyj7Momczl+zWoSgbAFxgzYP\njtucU7eMjX9YjBBB/g7CGrbKRf5qnwoeWv04530QJpvIkJVgGDtArzxtTfboGle2\n59sQ6EnQwEvkGfCoR5p89vPcBU++3IDHkrd2kESZCF42+ABgZDEhMqSPcz8Oy/4=\n-----END CERTIFICATE-----\n";
const OTHER_CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIC+zCCAeOgAwIBAgIUBQb7ZQcGwkIOCj42LtO0dyNGQlEwDQYJKoZIhvcNAQEL\nBQAwDDEKMAgGA1UEAwwBbzAgFw0yNjEyMDIxNzQ3NDZaGA8yMTI2MTEwODE3NDc0\nNlowDDEKMAgGA1UEAwwBbzCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEB\nAOKerE84d/L9DvG62eBcPYlzCeOOSRfYfj22wHjiquOBLQVescF+wYBVB4rNLfjZ\n3SiO694ozSlHEo5H9tZxHtaULi8o9ELxrpWkwmdEYMwwrhiGb5ikMCYyvvCqbZHj\nsCfD2Or7berMC+s6LUbL4tOifK4WyoQE32cWighbuLd6+Px+cPHXS4yZEvatVkSr\n7kzRSnS/0PLccsIa5o3MIOo1kfJIfeu8DyNn8tQZ0DFhrBrWKE9gSxaAuwTk7te+\np5zFgSx8P8mVSkNUH5DU2uDi3itvACSoAChQ6M4izYxwinfddvwIOCm/kiLDhhbA\ng1NrkNcSl7AZnSsiTV1/qB0CAwEAAaNTMFEwHQYDVR0OBBYEFOAEB3ZHlBAkFoSy\nykqr6Bir3r2jMB8GA1UdIwQYMBaAFOAEB3ZHlBAkFoSyykqr6Bir3r2jMA8GA1Ud\nEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBABrHn1qzsy6/+VtbxZ+cRbyE\nlBQz0nUNdRcI61jJLpH6vU93lDfXF/HYZI2maYCmmSjfo08iBIPsrQdh/1r8JXDn\nfkR1uU83MfTaTNuKA4UUEBsSCBjiLpE5h8phtpLxCyFaifaafQnRiDdyVhOoPIoQ\nT1rkBODcLeIjFyi8ib8XYoOaXB/2c7i+12hNEzmXFGFxrp3NQl59sl8k96rmJyJV\n9YGRHhgQlqyJrj98/ZvMOhr4ZzN4QKBNKH8aKuMWHEyD7bW+F1fbhgE4BKRA0RQt\ncyt8ZZD7Kkq8oUfHuheSHnlCSP6W5uQghoFvHF8wMY7xuJ4amVTIrNLl5wUz9ok=\n-----END CERTIFICATE-----\n";
const RSA_1024: &str = "-----BEGIN PRIVATE KEY-----\nMIICdgIBADANBgkqhkiG9w0BAQEFAASCAmAwggJcAgEAAoGBAN8f1L2ZYOnitkB3\n+sy70P+8ZXgoW9eaNCi2WVhRfrKph1JEUGJbx6hr/eOfvwn4O+ZO5oNfL0aLXIrm\nQ08+0zLxfcDXtV9PgXbKHwB0NEQrRu35+iwX8V1RQaZB7hoVwez/COrVoKB3kw3z\npqXpIMBu1yog0FWbwrEyeQdYzSqZAgMBAAECgYABnf5xvVnZeB4wC26S602RfPET\nVN+NiX2VSfUN0dFkRBxJ+VrHy7h/vQCjFLZSwSzV935uN1NlZH8wNokIWwE22td6\n7ocRUwwpTi5v4n1Go6+cOg4r0DiZ7hAFoKv00AtiMmLcfIPq6+b/G+h02FKTK14h\nZiGCauifhdxwYoSX8QJBAPmfyrunOZaHfPT0cq4vfugqR/IovLkPujNdHPvkANk+\n9WdsUQJ1L2eZ/3SFIvL6xE+6nrJEBUjLkcIk6Dk1g90CQQDk0sP7t/7bNRHmjSVB\n49NLmbs6zbuwk/KF73ttEWH+bUd7BCW/jMF2asS2VnYlWXVqZwuPeSetfIyViVhG\naIPtAkAtvbsfgbgKvk8Gb9in1GozzrOaSx6x5pDfIpvSCGijZmb/iZiak7CZEl3+\nEvthfNQGLBMyZUZ2nV7bLXokKYs9AkA9X7KlT2KSFRfqCK2XkK3ZtzAaw5e18ti3\nx9YJGQJ5pYHoouIlEHHLezOr3GDv/6CYm27kWpCj3aYvbZk5uUq5AkEAl7TWSn5w\nz6Gug3PDH1REgRYlW3O3nfS/a6zlaFcQ2R9TTRugki3dQKSWRLEeyF3QuV4Xv2CK\naTzKj1oWQQUCgg==\n-----END PRIVATE KEY-----\n";
const EC_P256: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPlEZVMM+cAzrGnBTjE2uwEyPE+wwXr9+9cc9XaO2yOdoAoGCCqGSM49\nAwEHoUQDQgAExOGDPtSJVT85NbOCSWx0imLB7Qth1KxepNI+hlhc1+gjjtjiviY+\n2O+bzWlkr1mxeDs7IlC+yk4sAqxkibfqIA==\n-----END EC PRIVATE KEY-----\n";

/// The provider's key as Authelia reads it: decodable PEM (decode_hooks.go:624-653), RSA of
/// at least 2048 bits (identity_providers.go:507-510) or ECDSA, never a public key, a
/// certificate or a symmetric key (identity_providers.go:503-516, util.go:126-169).
#[test]
fn jwks_keys_must_be_usable_private_keys() {
    let cases: &[(&str, &str)] = &[
        ("k", "Authelia cannot read its key"),
        (
            RSA_1024,
            "is a 1024-bit RSA key; Authelia needs at least 2048 bits",
        ),
        (RSA_2048_CERT, "its key is a certificate"),
    ];
    for (key, needle) in cases {
        let jwks = format!(
            "{}{}",
            jwk(RSA_2048, &["key_id: good"]),
            jwk(key, &["key_id: bad"])
        );
        let (r, t) = check_text(&doc(&jwks, "", CLIENT));
        assert!(
            t.contains("jwks[1] (key_id 'bad')") && t.contains(needle),
            "{t}"
        );
        assert_eq!(r.errors, 1, "{t}");
    }
    // A P-256 key is fine beside the RS256 one; the good configuration has no findings.
    let jwks = format!("{}{}", jwk(RSA_2048, &[]), jwk(EC_P256, &["key_id: ec"]));
    let (r, t) = check_text(&doc(&jwks, "", CLIENT));
    assert!(r.clean(), "{t}");
}

/// key_id: at most 100 characters (identity_providers.go:404-405), Authelia's pattern
/// (const.go:622, identity_providers.go:423-424), unique among signing keys
/// (identity_providers.go:416-418).
#[test]
fn jwks_key_ids_follow_authelias_rules() {
    let long = format!("key_id: {}", "a".repeat(101));
    for (extra, needle) in [
        (long.as_str(), "key_id has 101 characters"),
        ("key_id: -main", "must start and end with a letter or digit"),
        ("key_id: 'a b'", "may only hold"),
        ("key_id: main", "key_id 'main' is used by another key"),
    ] {
        let jwks = format!(
            "{}{}",
            jwk(RSA_2048, &["key_id: main"]),
            jwk(EC_P256, &[extra])
        );
        let (r, t) = check_text(&doc(&jwks, "", CLIENT));
        assert!(t.contains(needle), "{extra}: {t}");
        assert_eq!(r.errors, 1, "{t}");
    }
    // The same key twice without key_id gets the same computed id.
    let jwks = format!("{}{}", jwk(RSA_2048, &[]), jwk(RSA_2048, &[]));
    let (_, t) = check_text(&doc(&jwks, "", CLIENT));
    assert!(t.contains("same computed key_id"), "{t}");
}

/// An RS256 key must be there (identity_providers.go:431-433); `use` is sig or enc
/// (identity_providers.go:441-447); `algorithm` one Authelia knows for the use
/// (identity_providers.go:451-495, const.go:606 and :610).
#[test]
fn jwks_need_rs256_and_known_use_and_algorithm() {
    let (r, t) = check_text(&doc(&jwk(EC_P256, &["key_id: ec"]), "", CLIENT));
    assert!(t.contains("no RS256 signing key (only ES256)"), "{t}");
    assert_eq!(r.errors, 1, "{t}");
    let (_, t) = check_text(&doc(
        &jwk(RSA_2048, &["algorithm: RS256", "use: sign"]),
        "",
        CLIENT,
    ));
    assert!(t.contains("use must be 'sig' or 'enc', not 'sign'"), "{t}");
    let jwks = format!(
        "{}{}",
        jwk(RSA_2048, &[]),
        jwk(RSA_2048, &["key_id: x", "algorithm: HS256"])
    );
    let (_, t) = check_text(&doc(&jwks, "", CLIENT));
    assert!(
        t.contains("algorithm 'HS256' is not a signing algorithm"),
        "{t}"
    );
    // An encryption key with an encryption algorithm is fine.
    let jwks = format!(
        "{}{}",
        jwk(RSA_2048, &[]),
        jwk(
            RSA_2048,
            &["key_id: e", "use: enc", "algorithm: RSA-OAEP-256"]
        )
    );
    let (r, t) = check_text(&doc(&jwks, "", CLIENT));
    assert!(r.clean(), "{t}");
}

/// certificate_chain's first certificate carries the key's public key
/// (identity_providers.go:518-521).
#[test]
fn jwks_certificate_chain_must_match_the_key() {
    let chain = |c: &str| {
        let mut s = String::from("certificate_chain: |");
        for l in c.lines() {
            s.push_str(&format!("\n          {l}"));
        }
        s
    };
    let good = chain(RSA_2048_CERT);
    let (r, t) = check_text(&doc(&jwk(RSA_2048, &[&good]), "", CLIENT));
    assert!(r.clean(), "{t}");
    let bad = chain(OTHER_CERT);
    let (r, t) = check_text(&doc(&jwk(RSA_2048, &[&bad]), "", CLIENT));
    assert!(
        t.contains("certificate_chain does not hold the public key"),
        "{t}"
    );
    assert_eq!(r.errors, 1, "{t}");
}

/// A key from a template is not read (its bytes are not in the file).
#[test]
fn a_templated_key_is_not_judged() {
    let text = doc(
        "      - key: {{ secret \"/keys/oidc.pem\" | mindent 10 \"|\" | msquote }}\n",
        "",
        CLIENT,
    );
    let (r, t) = check_text(&text);
    assert!(r.clean(), "{t}");
}

const DIGEST: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";

/// A client with `client_secret` and these extra lines.
fn client(secret: &str, extra: &[&str]) -> String {
    let mut s = String::from("      - client_id: app\n");
    if !secret.is_empty() {
        s.push_str(&format!("        client_secret: '{secret}'\n"));
    }
    s.push_str("        redirect_uris: ['https://app.example.com/cb']\n");
    for e in extra {
        s.push_str(&format!("        {e}\n"));
    }
    s
}

/// A signed response needs a jwks key with its algorithm or key id
/// (identity_providers.go:1457-1470, with the key found by algorithm at :1546-1552).
#[test]
fn signing_algs_need_a_key_that_signs_with_them() {
    for (line, needle) in [
        (
            "id_token_signed_response_alg: RS384",
            "id_token_signed_response_alg is 'RS384' but no jwks key signs with RS384",
        ),
        (
            "userinfo_signed_response_alg: ES256",
            "userinfo_signed_response_alg is 'ES256' but no jwks key",
        ),
        (
            "access_token_signed_response_alg: PS256",
            "access_token_signed_response_alg is 'PS256' but no jwks key",
        ),
        (
            "introspection_signed_response_alg: ES512",
            "introspection_signed_response_alg is 'ES512' but no jwks key",
        ),
        (
            "id_token_signed_response_key_id: nope",
            "id_token_signed_response_key_id 'nope' is not the key_id of a signing key",
        ),
    ] {
        let (r, t) = run(&client(DIGEST, &[line]));
        assert!(t.contains(needle), "{line}: {t}");
        assert_eq!(r.errors, 1, "{t}");
    }
    // With an ES256 key beside the RS256 one, ES256 is fine, by algorithm or by key id.
    let jwks = format!(
        "{}{}",
        jwk(RSA_2048, &["key_id: main"]),
        jwk(EC_P256, &["key_id: ec"])
    );
    let c = client(
        DIGEST,
        &[
            "id_token_signed_response_alg: ES256",
            "userinfo_signed_response_key_id: ec",
        ],
    );
    let (r, t) = check_text(&doc(&jwks, "", &c));
    assert!(r.clean(), "{t}");
}

/// HS256/HS384/HS512 sign with the client secret, so it must be plaintext
/// (identity_providers.go:1447-1452; for client_secret_jwt on the other endpoints :1363-1367).
#[test]
fn hmac_algs_need_a_plaintext_secret() {
    let (r, t) = run(&client(DIGEST, &["id_token_signed_response_alg: HS256"]));
    assert!(t.contains("id_token_signed_response_alg 'HS256' signs with the client secret, so client_secret must be plaintext"), "{t}");
    assert_eq!(r.errors, 1, "{t}");
    let (_, t) = run(&client(
        DIGEST,
        &["introspection_endpoint_auth_method: client_secret_jwt"],
    ));
    assert!(
        t.contains("plaintext with introspection_endpoint_auth_method 'client_secret_jwt'"),
        "{t}"
    );
    // A plaintext secret is what these need (Authelia still warns it is plaintext).
    let (r, t) = run(&client(
        "$plaintext$a-long-enough-secret",
        &["id_token_signed_response_alg: HS512"],
    ));
    assert_eq!(r.errors, 0, "{t}");
}

/// private_key_jwt needs the client's keys (identity_providers.go:1400-1402) and a signing
/// algorithm (:1393-1397).
#[test]
fn private_key_jwt_needs_client_keys() {
    let (r, t) = run(&client(
        "",
        &[
            "token_endpoint_auth_method: private_key_jwt",
            "token_endpoint_auth_signing_alg: RS256",
        ],
    ));
    assert!(
        t.contains("'private_key_jwt' needs the client's public keys: set jwks or jwks_uri"),
        "{t}"
    );
    assert_eq!(r.errors, 1, "{t}");
    let (_, t) = run(&client(
        "",
        &[
            "token_endpoint_auth_method: private_key_jwt",
            "jwks_uri: https://app.example.com/jwks.json",
        ],
    ));
    assert!(t.contains("needs token_endpoint_auth_signing_alg"), "{t}");
    let (r, t) = run(&client(
        "",
        &[
            "token_endpoint_auth_method: private_key_jwt",
            "token_endpoint_auth_signing_alg: RS256",
            "jwks_uri: https://app.example.com/jwks.json",
        ],
    ));
    assert_eq!(r.errors, 0, "{t}");
}

/// pkce_challenge_method 'plain' is refused at sign-in unless the provider enables it
/// (oauth2 v0.2.31 handler/pkce/handler.go:89-96; oidc/client.go:38-40).
#[test]
fn plain_pkce_needs_the_provider_switch() {
    let c = client(
        DIGEST,
        &["require_pkce: true", "pkce_challenge_method: plain"],
    );
    let (r, t) = run(&c);
    assert!(t.contains("enable_pkce_plain_challenge is not true"), "{t}");
    assert_eq!(r.errors, 1, "{t}");
    let (r, t) = check_text(&doc(
        &jwk(RSA_2048, &[]),
        "    enable_pkce_plain_challenge: 'true'\n",
        &c,
    ));
    assert!(r.clean(), "{t}");
}

/// A custom scope's claims are standard ones or custom claims of a claims policy, never
/// reserved (identity_providers.go:225-231), its name no standard or `authelia.` one
/// (:213-218); a client with a claims policy gets each custom claim of its scopes from that
/// policy (:990-1012). An undefined scope is only Authelia's warning (:976-977).
#[test]
fn custom_scopes_and_their_claims() {
    let provider = concat!(
        "    claims_policies:\n",
        "      pol:\n",
        "        custom_claims:\n",
        "          team: {attribute: groups}\n",
        "      other:\n",
        "        custom_claims:\n",
        "          shell: {name: login_shell, attribute: username}\n",
        "    scopes:\n",
        "      team:\n",
        "        claims: [team, email]\n",
        "      shell:\n",
        "        claims: [login_shell]\n",
        "      bad:\n",
        "        claims: [nowhere, sub]\n",
        "      profile:\n",
        "        claims: [name]\n",
        "      authelia.mine:\n",
        "        claims: [name]\n",
    );
    let c = client(
        DIGEST,
        &[
            "claims_policy: pol",
            "scopes: [openid, team, shell, unknown]",
        ],
    );
    let (r, t) = check_text(&doc(&jwk(RSA_2048, &[]), provider, &c));
    for needle in [
        "scopes.bad: claim 'nowhere' is not a known claim",
        "scopes.bad: claim 'sub' is a standard claim",
        "scopes.profile: 'profile' is a standard scope",
        "scopes.authelia.mine: scopes starting with 'authelia.' are reserved",
        "scope 'shell' needs claim 'login_shell', which claims_policy 'pol' does not provide",
        "scopes unknown are not standard",
    ] {
        assert!(t.contains(needle), "missing '{needle}': {t}");
    }
    assert!(
        !t.contains("needs claim 'team'") && !t.contains("needs claim 'email'"),
        "{t}"
    );
    assert_eq!(r.errors, 5, "{t}");
}

/// Encrypted responses (identity_providers.go:1491-1527): a secret-based key algorithm needs a
/// plaintext secret (:1504-1505), any other the client's keys (:1508-1509), and an unsigned
/// response cannot be encrypted (:1512-1513).
#[test]
fn encrypted_responses_need_their_keys() {
    for (lines, needle) in [
        (
            &["id_token_encrypted_response_alg: A256KW"][..],
            "encrypts with the client secret, so client_secret must be plaintext",
        ),
        (
            &["id_token_encrypted_response_alg: RSA-OAEP-256"][..],
            "encrypts with the client's keys: set jwks or jwks_uri",
        ),
        (
            &[
                "userinfo_encrypted_response_alg: RSA-OAEP",
                "jwks_uri: https://app.example.com/jwks",
            ][..],
            "needs a signed response: set userinfo_signed_response_alg (it is 'none')",
        ),
        (
            &["id_token_encrypted_response_alg: ROT13"][..],
            "'ROT13' is not an encryption algorithm",
        ),
    ] {
        let (r, t) = run(&client(DIGEST, lines));
        assert!(t.contains(needle), "{lines:?}: {t}");
        assert_eq!(r.errors, 1, "{t}");
    }
    let (r, t) = run(&client(
        DIGEST,
        &[
            "id_token_encrypted_response_alg: RSA-OAEP-256",
            "jwks_uri: https://app.example.com/jwks",
        ],
    ));
    assert_eq!(r.errors, 0, "{t}");
}

// The same key as RSA_2048 in PKCS#1 form.
const RSA_2048_PKCS1: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEAukrk40B6cgpLXAD7HHUTnMH9CIdhRVSeF6e8KfdUqALJFQ65\n5z5uI9t8SNXVsL74BW8pJ8HZfsOqFE/OJCPxnIas1NB2O94ugmFKjduNIBMhTg5N\nedCN+sMRhOUkpijZ0i+MizcNZWc+X6sZ48nNckcpWna8wZWVANxJY5abH7hPpQWY\nsdvFptZ4ixDc0SCMKrTylg8ULncLlu75SH2EeJcYYP1rxdB+Yl4I01cWfk1lJpeB\n1uwv5MdIZ6b2+cTUQygzw8c8oovxCWJWMbSgtdzbiVoNKV2pqF60z0IsHTLYa5jZ\n3adM9Ic90avNZ1wJe5xT6mdWdO+cBF8VyxTD3wIDAQABAoIBAAEAXyxKPM39u+Cx\n55E34pqs7Iluj2d88m1tO2s8i59M9m1u7dd0bB6bxWvE4pSOH08C6CJ6C0pIB/3m\neFBIY0DUCzaYkuuu7PgLmbBcUy4uWwXflOpJPl3wIFJyzg5cDRrfMkRMg4sEs3pN\n4fsWwXKIO/Gz4GxCBdVpqFeWAC2IhvtkiPOcVZfopwL+PD8J6T0E1H9F2541Ekaq\nLGw6iNBRFK9EbOXnmnYuNOEHm18hKZ+LHXWCnosPFloq3um/3S40Q/eeMI51HH/E\nG5IzwdxgDDWFz9eyR9obgxrWSarZ4T1SdKd1D1IzGru3KI1CJBq0/W5n542f3WgP\nSi6/aBECgYEA+rPbc/0Or0Oh1he4CC87M0CuyBVJWHRXURtrf4VUGSnlJIEHN8yT\nwDTgkGHPU3WiC5w0KrAQ3+2e8+ChZChMf1MlYD5IRanY5q4yVJzlQ+rSWxqmUjOE\nDWTC/S621GiySeADf7UXcbha1Z7O+o/JoxfAidCHMt/CC2m0pLtcxFECgYEAvjqe\ni1MAKSxu+FY6uwoFuuIBv/ti8fEW+44wGN8rIoWvGjq5cl8MbeUA6sFzol+mYrWv\njYoercoBNQ1dTE3kx4S8uKTgQJLkgkvOTweuEDpKJHllLDiEAqRhwcneYVMXhGKK\nGAPDHjWpjw1AbxQ1RfLHT6yivgK8pUdn59Ov6S8CgYEAnp9SCO9ibS5DpWxYeoU3\n1dPlQp+FSrxBywWoXIUFku5ZF2G0KW/9RC2wsGnSfiH9p47ryt6frq9wVSoZs39z\n91OqYFzH6ZvvqvUozzR+MxzOf+o6teP2d2r7nKoD8B1WQTvFuvXfoYpdnq/ekdaM\nY+7RWeFgyaWd5w64x0ntBiECgYEAmN3QdFOxyGSNlIDu10lZi3F9SILCY3yDJImB\nuyrzpd1Z9jEEv5UEDve9QelNfElzEtXACnTY7H1tdO2VcPETjQXtBlBwaVPhz5cN\nZlLcnOvKkv7+v4d3BgyFBk6rpvg36MmrAVtcm9UxueRDSEAsA1byteMcMKdQY107\ncX+aWD8CgYAFioRLxf2sbQPyLKOhUNHK/prJjweNUaHul0tjR/VK/Ie3DXx6WdPA\nvdAVMTOkA7nIy9M4JzbMWMdqekWledJmr+HjI04WSassOljWeNGsPwG/B5vJTjf6\nlBYiLqzj7XI4e9CR6x38jMqSgEiOLOlFA4GaTet0HCPaIYjuYkS/0g==\n-----END RSA PRIVATE KEY-----\n";

/// Go's PEM reading (crypto.go:188-203): PKCS#1 is read like PKCS#8, and anything after the
/// block is refused.
#[test]
fn pem_forms_as_go_reads_them() {
    let (r, t) = check_text(&doc(&jwk(RSA_2048_PKCS1, &[]), "", CLIENT));
    assert!(r.clean(), "{t}");
    let trailing = format!("{RSA_2048}junk\n");
    let (_, t) = check_text(&doc(&jwk(&trailing, &[]), "", CLIENT));
    assert!(t.contains("the PEM block has trailing data"), "{t}");
}

/// discovery_signed_response_alg / _key_id need a key (identity_providers.go:331-351).
#[test]
fn discovery_signing_needs_a_key() {
    let (r, t) = check_text(&doc(
        &jwk(RSA_2048, &["key_id: main"]),
        "    discovery_signed_response_alg: ES384\n",
        CLIENT,
    ));
    assert!(
        t.contains("discovery_signed_response_alg is 'ES384' but no jwks key"),
        "{t}"
    );
    assert_eq!(r.errors, 1, "{t}");
    let (r, t) = check_text(&doc(
        &jwk(RSA_2048, &["key_id: main"]),
        "    discovery_signed_response_key_id: main\n",
        CLIENT,
    ));
    assert!(r.clean(), "{t}");
}
