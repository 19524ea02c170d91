//! Client secrets and the digests Authelia stores for them.
//!
//! * [`generate`] draws a secret uniformly (rejection sampling, no modulo bias) from the operating
//!   system's CSPRNG over one of the [`Charset`]s; Authelia recommends 72 characters of RFC 3986's
//!   unreserved set.
//! * [`digest`] hashes a secret into Authelia's PBKDF2 format,
//!   `$pbkdf2-sha512$310000$<salt>$<key>`: 16 random salt bytes and a 64-byte key, both in the
//!   "adapted" base64 alphabet (`.` where standard base64 has `+`, no padding).
//! * [`verify`] checks a password against any PBKDF2 digest Authelia accepts (SHA-1 to SHA-512),
//!   comparing in constant time.
//!
//! The digest takes a noticeable fraction of a second by design; [`digest_in_background`] runs it
//! on a worker thread so an interactive caller stays responsive.

use crate::error::{Error, Result};
use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use rand::TryRng as _;
use std::fmt;
use std::str::FromStr;
use std::sync::mpsc;
use subtle::ConstantTimeEq as _;

/// Authelia's default PBKDF2 variant for client secrets is SHA-512 with this many iterations.
pub const DEFAULT_ITERATIONS: u32 = 310_000;
/// The most PBKDF2 iterations [`verify`] runs: 32 times Authelia's default, seconds of work.
/// Authelia's crypt library accepts up to 2^31-1 (go-crypt/crypt v0.14.15
/// algorithm/pbkdf2/const.go:45, `IterationsMax = math.MaxInt32`), hours of work, so a
/// digest over this cap is refused rather than run.
pub const MAX_VERIFY_ITERATIONS: u32 = 10_000_000;
/// Salt length in bytes (Authelia's default).
pub const SALT_LEN: usize = 16;
/// A well-formed digest (Authelia's documentation digest of `insecure_secret`) that stands in
/// for a secret whose digest is not known yet, or comes from a template, when a client is
/// validated. It is never written anywhere.
pub const STAND_IN_DIGEST: &str = "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng";
/// The default length of a generated secret (Authelia's recommendation).
pub const DEFAULT_LENGTH: usize = 72;
/// Secrets shorter than this are refused: Authelia's FAQ asks for more than 40 characters, and
/// anything much shorter is guessable.
pub const MIN_LENGTH: usize = 16;
/// An upper bound that keeps a typo (`--length 7200000`) from filling the terminal.
pub const MAX_LENGTH: usize = 1024;

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const RFC3986: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// The alphabets a secret is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Charset {
    /// RFC 3986 unreserved characters: `A-Z a-z 0-9 - . _ ~` (66 symbols). Safe in URLs and in
    /// HTTP Basic credentials without encoding.
    #[default]
    Rfc3986,
    /// `A-Z a-z 0-9` (62 symbols), for apps that choke on punctuation.
    Alphanumeric,
}

impl Charset {
    /// The symbols of this alphabet.
    pub fn symbols(self) -> &'static [u8] {
        match self {
            Charset::Rfc3986 => RFC3986,
            Charset::Alphanumeric => ALPHANUMERIC,
        }
    }

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Charset::Rfc3986 => "rfc3986",
            Charset::Alphanumeric => "alphanumeric",
        }
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Charset {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "rfc3986" => Ok(Charset::Rfc3986),
            "alphanumeric" => Ok(Charset::Alphanumeric),
            other => Err(Error::input(format!(
                "unknown charset '{other}': use rfc3986 or alphanumeric"
            ))),
        }
    }
}

/// Fills `buf` from the operating system's CSPRNG.
pub fn os_random(buf: &mut [u8]) -> Result<()> {
    rand::rngs::SysRng
        .try_fill_bytes(buf)
        .map_err(|e| Error::Random(e.to_string()))
}

/// Draws `len` characters uniformly from `charset`.
///
/// Each random byte is accepted only below the largest multiple of the alphabet's size, so every
/// symbol is equally likely (no modulo bias).
pub fn generate(len: usize, charset: Charset) -> Result<String> {
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&len) {
        return Err(Error::input(format!(
            "secret length {len} is out of range: use {MIN_LENGTH} to {MAX_LENGTH} characters"
        )));
    }
    random_string_checked(len, charset.symbols())
}

/// Draws `len` symbols uniformly from `alphabet` (at most 256 symbols). Used for secrets, client
/// ids and HMAC secrets alike.
pub fn random_string_checked(len: usize, alphabet: &[u8]) -> Result<String> {
    assert!(!alphabet.is_empty() && alphabet.len() <= 256);
    let n = alphabet.len();
    let limit = 256 - 256 % n; // accept bytes below this multiple of n
    let mut out = String::with_capacity(len);
    let mut buf = [0u8; 128];
    while out.len() < len {
        os_random(&mut buf)?;
        for &b in &buf {
            if (b as usize) < limit {
                out.push(alphabet[b as usize % n] as char);
                if out.len() == len {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// A random client id of `len` RFC 3986 characters (Authelia recommends 64).
pub fn random_client_id(len: usize) -> Result<String> {
    random_string_checked(len, RFC3986)
}

/// A random alphanumeric string, e.g. for `hmac_secret`.
pub fn random_alphanumeric(len: usize) -> Result<String> {
    random_string_checked(len, ALPHANUMERIC)
}

fn ab64() -> GeneralPurpose {
    let cfg = GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true);
    GeneralPurpose::new(&base64::alphabet::STANDARD, cfg)
}

/// Encodes bytes in the adapted base64 alphabet (`./A-Za-z0-9`, no padding).
pub fn ab64_encode(bytes: &[u8]) -> String {
    ab64().encode(bytes).replace('+', ".")
}

/// Decodes the adapted base64 alphabet; `None` when the text is not valid.
pub fn ab64_decode(text: &str) -> Option<Vec<u8>> {
    if text.contains('+') || text.contains('=') {
        return None;
    }
    ab64().decode(text.replace('.', "+")).ok()
}

/// The PBKDF2 pseudo-random functions Authelia accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// HMAC-SHA-1, written `$pbkdf2$`.
    Sha1,
    /// HMAC-SHA-224.
    Sha224,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-384.
    Sha384,
    /// HMAC-SHA-512, Authelia's default.
    Sha512,
}

impl Variant {
    fn from_identifier(id: &str) -> Option<Self> {
        Some(match id {
            "pbkdf2" | "pbkdf2-sha1" => Variant::Sha1,
            "pbkdf2-sha224" => Variant::Sha224,
            "pbkdf2-sha256" => Variant::Sha256,
            "pbkdf2-sha384" => Variant::Sha384,
            "pbkdf2-sha512" => Variant::Sha512,
            _ => return None,
        })
    }

    fn identifier(self) -> &'static str {
        match self {
            Variant::Sha1 => "pbkdf2",
            Variant::Sha224 => "pbkdf2-sha224",
            Variant::Sha256 => "pbkdf2-sha256",
            Variant::Sha384 => "pbkdf2-sha384",
            Variant::Sha512 => "pbkdf2-sha512",
        }
    }

    fn derive(self, password: &[u8], salt: &[u8], rounds: u32, out: &mut [u8]) {
        use pbkdf2::pbkdf2_hmac;
        match self {
            Variant::Sha1 => pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, out),
            Variant::Sha224 => pbkdf2_hmac::<sha2::Sha224>(password, salt, rounds, out),
            Variant::Sha256 => pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, out),
            Variant::Sha384 => pbkdf2_hmac::<sha2::Sha384>(password, salt, rounds, out),
            Variant::Sha512 => pbkdf2_hmac::<sha2::Sha512>(password, salt, rounds, out),
        }
    }
}

/// A parsed PBKDF2 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pbkdf2Digest {
    /// Which hash.
    pub variant: Variant,
    /// Iteration count.
    pub iterations: u32,
    /// Raw salt bytes.
    pub salt: Vec<u8>,
    /// Raw derived key.
    pub key: Vec<u8>,
}

impl Pbkdf2Digest {
    /// Parses `$<identifier>$<iterations>$<salt>$<key>`.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = || Error::Digest(format!("'{}'", shorten(text)));
        let parts: Vec<&str> = text.split('$').collect();
        if parts.len() != 5 || !parts[0].is_empty() {
            return Err(bad());
        }
        let variant = Variant::from_identifier(parts[1]).ok_or_else(bad)?;
        if parts[2].is_empty() || !parts[2].bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let iterations: u32 = parts[2].parse().map_err(|_| bad())?;
        if iterations == 0 {
            return Err(bad());
        }
        if iterations > MAX_VERIFY_ITERATIONS {
            return Err(Error::Digest(format!(
                "{iterations} iterations is over this tool's cap of {MAX_VERIFY_ITERATIONS} (Authelia's default is {DEFAULT_ITERATIONS}); checking it would take too long"
            )));
        }
        let salt = ab64_decode(parts[3])
            .filter(|s| !s.is_empty())
            .ok_or_else(bad)?;
        let key = ab64_decode(parts[4])
            .filter(|k| !k.is_empty())
            .ok_or_else(bad)?;
        Ok(Pbkdf2Digest {
            variant,
            iterations,
            salt,
            key,
        })
    }

    /// Whether `password` produces this digest, compared in constant time.
    pub fn matches(&self, password: &[u8]) -> bool {
        let mut out = vec![0u8; self.key.len()];
        self.variant
            .derive(password, &self.salt, self.iterations, &mut out);
        out.ct_eq(&self.key).into()
    }
}

impl fmt::Display for Pbkdf2Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "${}${}${}${}",
            self.variant.identifier(),
            self.iterations,
            ab64_encode(&self.salt),
            ab64_encode(&self.key)
        )
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}...", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Hashes `password` with a given salt (for tests and reproducible vectors).
pub fn digest_with_salt(password: &str, salt: &[u8], iterations: u32) -> String {
    let mut key = [0u8; 64];
    Variant::Sha512.derive(password.as_bytes(), salt, iterations, &mut key);
    Pbkdf2Digest {
        variant: Variant::Sha512,
        iterations,
        salt: salt.to_vec(),
        key: key.to_vec(),
    }
    .to_string()
}

/// Hashes `password` into `$pbkdf2-sha512$310000$<salt>$<key>` with a fresh random salt.
pub fn digest(password: &str) -> Result<String> {
    let mut salt = [0u8; SALT_LEN];
    os_random(&mut salt)?;
    Ok(digest_with_salt(password, &salt, DEFAULT_ITERATIONS))
}

/// Runs [`digest`] on a worker thread; the receiver yields the result once.
pub fn digest_in_background(password: String) -> mpsc::Receiver<Result<String>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(digest(&password));
    });
    rx
}

/// Checks `password` against a digest: any PBKDF2 variant Authelia accepts, or `$plaintext$`.
/// Other algorithms (argon2, bcrypt, ...) are reported as an error rather than a mismatch.
pub fn verify(password: &str, digest: &str) -> Result<bool> {
    let digest = digest.trim();
    if let Some(plain) = digest.strip_prefix("$plaintext$") {
        return Ok(plain.as_bytes().ct_eq(password.as_bytes()).into());
    }
    if !digest.starts_with("$pbkdf2") {
        let alg = digest.split('$').nth(1).unwrap_or("");
        return Err(Error::Digest(if alg.is_empty() {
            format!("'{}' (expected $pbkdf2-sha512$...)", shorten(digest))
        } else {
            format!("algorithm '{alg}' is not supported; only PBKDF2 digests can be verified")
        }));
    }
    Ok(Pbkdf2Digest::parse(digest)?.matches(password.as_bytes()))
}

/// Whether a `client_secret` value is a digest (as opposed to a deprecated plaintext secret),
/// following Authelia's decoding rule: a value not starting with `$` is plaintext.
pub fn is_digest(value: &str) -> bool {
    value.starts_with('$') && !value.starts_with("$plaintext$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ab64_round_trip_uses_dot_for_plus() {
        let bytes: Vec<u8> = (0..=255).collect();
        let enc = ab64_encode(&bytes);
        assert!(!enc.contains('+') && !enc.contains('='));
        assert!(enc.contains('.'));
        assert_eq!(ab64_decode(&enc).unwrap(), bytes);
    }

    #[test]
    fn rejection_sampling_covers_alphabet() {
        let s = random_string_checked(20_000, RFC3986).unwrap();
        for c in RFC3986 {
            assert!(s.as_bytes().contains(c), "missing {}", *c as char);
        }
    }

    #[test]
    fn parse_rejects_malformed() {
        for bad in [
            "",
            "$pbkdf2-sha512$",
            "$pbkdf2-sha512$310000$...",
            "$pbkdf2-sha512$x$c8p78n7pUMln0jzvd4aK4Q$abc",
            "$pbkdf2-sha999$1$c8p78n7pUMln0jzvd4aK4Q$abc",
            "$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q",
            "$pbkdf2-sha512$310000$c8p7+n7pUMln0jzvd4aK4Q$abc",
        ] {
            assert!(Pbkdf2Digest::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_round_trips() {
        let d = "$pbkdf2-sha256$310000$C./EitMdCemqoluAK4Kapw$TTb4uTnL09mJsfbVnypCzJjGvICiiqO56i8VlU5zx6Q";
        assert_eq!(Pbkdf2Digest::parse(d).unwrap().to_string(), d);
    }
}
