//! Digests: the seed and Authelia/go-crypt test vectors verify, generated ones verify, wrong
//! passwords and Authelia's known-bad docs digest do not.

use crate::common;

use common::INSECURE_DIGEST;
use oidc_wizard::secret::{self, Charset};

#[test]
fn seed_digest_of_insecure_secret_verifies() {
    assert!(secret::verify("insecure_secret", INSECURE_DIGEST).unwrap());
    assert!(!secret::verify("insecure_secreT", INSECURE_DIGEST).unwrap());
    assert!(!secret::verify("", INSECURE_DIGEST).unwrap());
}

#[test]
fn recomputing_the_seed_digest_gives_it_bit_for_bit() {
    let salt = secret::ab64_decode("c8p78n7pUMln0jzvd4aK4Q").unwrap();
    assert_eq!(salt.len(), 16);
    assert_eq!(
        secret::digest_with_salt("insecure_secret", &salt, 310_000),
        INSECURE_DIGEST
    );
}

#[test]
fn go_crypt_vectors_for_every_variant() {
    for d in [
        "$pbkdf2$100000$atrXFCWdBlpmzIi/nXwJOw$20Lsx44nZwmh09bjGHFJ//oRZh8",
        "$pbkdf2-sha224$100000$qRzrfXPp6ilID9bO89rJkA$akPivgY3p3gLDj8Kd7agycHkM5b0xlTxeLEsqg",
        "$pbkdf2-sha256$100000$aoWHXwyz0im1Hqg93.N.tA$bO5LsjmnnPle2Xm9RE6W1PMWdJTy1TnEia1TLzynuIQ",
        "$pbkdf2-sha384$100000$GIZt3eMjZrEs0ycxed3zHg$o8IZWpxd.shbcATBSk9nHqktuvLTv1YeLYowxZM7mO5hhWLa3s4tVFejl9NH9jSO",
        "$pbkdf2-sha512$100000$bHfSOIyj0UDoCo1Q4Bz49w$v/olF/T/R6On84NuHlNCiI/sUwsdyOC7J4cO8Cz7feNtLHHEKNjayeEZj0b/Js/cgkMK6zLFw2vynLo2el028Q",
    ] {
        assert!(secret::verify("password", d).unwrap(), "{d}");
        assert!(!secret::verify("wrong_password", d).unwrap(), "{d}");
    }
    assert!(secret::verify(
        "foobar",
        "$pbkdf2-sha512$310000$EniFUo2z8Yjw3op3lrtuyA$xhopyOyffx2TqsQvEhoMSo1sxywIvJV8HZw/zdf62xtyryY/nkNkdcUV82r.xtd5NuyvZo7DPkOlcffM/Wvsmw"
    )
    .unwrap());
    assert!(secret::verify("client-secret", "$plaintext$client-secret").unwrap());
}

#[test]
fn wg_portal_docs_digest_does_not_verify() {
    let d = "$pbkdf2-sha512$310000$hDm3SNqIGebGH33JVGnCZA$5XA6C8mg.j2MejL1uJfHwFPEqXbW2K.xufEuIIpwN.0Jn0dKs/LLvRKbPTo7MTOjTpwoAVyZj6BsUTHeBjd3sQ";
    assert!(!secret::verify("insecure_secret", d).unwrap());
}

#[test]
fn generated_digests_verify_and_have_authelias_shape() {
    let s = secret::generate(72, Charset::Rfc3986).unwrap();
    let d = secret::digest(&s).unwrap();
    let parts: Vec<_> = d.split('$').collect();
    assert_eq!(parts[1], "pbkdf2-sha512");
    assert_eq!(parts[2], "310000");
    assert_eq!(parts[3].len(), 22);
    assert_eq!(parts[4].len(), 86);
    assert_eq!(d.len(), common::INSECURE_DIGEST.len());
    assert!(secret::verify(&s, &d).unwrap());
    assert!(!secret::verify(&format!("{s}x"), &d).unwrap());
    // Fresh salt every time.
    assert_ne!(secret::digest(&s).unwrap(), d);
}

#[test]
fn background_digest_delivers_a_verifying_digest() {
    let rx = secret::digest_in_background("insecure_secret".into());
    let d = rx.recv().unwrap().unwrap();
    assert!(secret::verify("insecure_secret", &d).unwrap());
}

#[test]
fn secret_length_and_alphabet() {
    for (cs, alphabet) in [
        (
            Charset::Rfc3986,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
        ),
        (
            Charset::Alphanumeric,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        ),
    ] {
        for len in [16, 72, 100] {
            let s = secret::generate(len, cs).unwrap();
            assert_eq!(s.len(), len);
            assert!(s.chars().all(|c| alphabet.contains(c)), "{s}");
        }
    }
    assert!(secret::generate(8, Charset::Rfc3986).is_err());
    assert!(secret::generate(100_000, Charset::Rfc3986).is_err());
}

#[test]
fn symbols_are_roughly_uniform() {
    // 66 symbols, 66,000 draws: each symbol about 1,000 times. A modulo-biased generator over
    // bytes would give the first 58 symbols ~1,031 and the last 8 ~773 on average.
    let s = secret::random_string_checked(66_000, Charset::Rfc3986.symbols()).unwrap();
    let mut counts = [0usize; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let tail: usize = b"456789-._~"[2..].iter().map(|&b| counts[b as usize]).sum();
    let mean_tail = tail as f64 / 8.0;
    assert!(
        (900.0..1100.0).contains(&mean_tail),
        "tail mean {mean_tail}"
    );
    for &b in Charset::Rfc3986.symbols() {
        assert!(
            (800..1200).contains(&counts[b as usize]),
            "{} {}",
            b as char,
            counts[b as usize]
        );
    }
}

#[test]
fn unsupported_or_malformed_digests_are_errors_not_mismatches() {
    assert!(secret::verify("x", "$argon2id$v=19$m=65536,t=3,p=4$abc$def").is_err());
    assert!(secret::verify("x", "$pbkdf2-sha512$310000$...").is_err());
    assert!(secret::verify("x", "not a digest").is_err());
}
