//! Client secrets and the digests Authelia stores for them.
//!
//! * [`generate`] draws a secret uniformly (rejection sampling, no modulo bias) from the operating
//!   system's CSPRNG over one of the [`Charset`]s; Authelia recommends 72 characters of RFC 3986's
//!   unreserved set.
//! * [`digest`] hashes a secret into Authelia's PBKDF2 format,
//!   `$pbkdf2-sha512$310000$<salt>$<key>`: 16 random salt bytes and a 64-byte key, both in the
//!   "adapted" base64 alphabet (`.` where standard base64 has `+`, no padding).
//! * [`argon2id_digest`] hashes a user's password the way Authelia's file backend stores it by
//!   default (argon2id, m=65536, t=3, p=4).
//! * [`verify`] checks a password against any PBKDF2 digest Authelia accepts (SHA-1 to SHA-512)
//!   or an Argon2 digest (`$argon2id$`, `$argon2i$`, `$argon2d$`), comparing in constant time;
//!   costs over this tool's caps are refused instead of run.
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
/// The most Argon2 memory [`verify`] uses, in KiB: 1 GiB, 16 times Authelia's default of
/// 65536. go-crypt accepts up to 2^32-1 KiB (go-crypt/crypt v0.14.15
/// algorithm/argon2/const.go:67), which no homelab host has.
pub const MAX_ARGON2_MEMORY_KIB: u32 = 1 << 20;
/// The most Argon2 passes [`verify`] runs (Authelia's default is 3; go-crypt accepts 2^31-1,
/// algorithm/argon2/const.go:42).
pub const MAX_ARGON2_PASSES: u32 = 64;
/// The most Argon2 work [`verify`] does, as memory (KiB) times passes: 4 GiB-passes, about 20
/// times Authelia's default (64 MiB, 3 passes), seconds on a small machine.
pub const MAX_ARGON2_WORK: u64 = 1 << 22;
/// The most Argon2 lanes [`verify`] accepts: Go's argon2 takes the lane count as a `uint8`.
pub const MAX_ARGON2_LANES: u32 = 255;
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

/// The Argon2 variants Authelia's crypt library reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argon2Variant {
    /// `$argon2id$`, Authelia's default.
    Id,
    /// `$argon2i$`.
    I,
    /// `$argon2d$`.
    D,
}

/// A parsed Argon2 digest, `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>`.
///
/// Parsed as go-crypt v0.14.15 does (algorithm/argon2/decoder.go:88-177): six `$` parts; the
/// version part and the parameter part are read together as `key=value` pairs (`v`, `m`, `t`,
/// `p`, and `k`, which is ignored), each at most once; the version, when given, is 19; absent
/// parameters default to t=1, p=4, m=32768; salt and key are standard base64 without padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Argon2Digest {
    /// Which variant.
    pub variant: Argon2Variant,
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes.
    pub passes: u32,
    /// Lanes.
    pub lanes: u32,
    /// Raw salt bytes.
    pub salt: Vec<u8>,
    /// Raw derived key.
    pub key: Vec<u8>,
}

impl Argon2Digest {
    /// Parses an Argon2 digest; a cost over this tool's caps is an error saying so.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: &str| Error::Digest(format!("'{}': {why}", shorten(text)));
        let parts: Vec<&str> = text.split('$').collect();
        if parts.len() != 6 || !parts[0].is_empty() {
            return Err(bad(
                "expected $argon2id$v=19$m=...,t=...,p=...$<salt>$<key>",
            ));
        }
        let variant = match parts[1] {
            "argon2id" => Argon2Variant::Id,
            "argon2i" => Argon2Variant::I,
            "argon2d" => Argon2Variant::D,
            _ => return Err(bad("not an Argon2 digest")),
        };
        let (mut m, mut t, mut p) = (None, None, None);
        let mut seen = Vec::new();
        for pair in format!("{},{}", parts[3], parts[2]).split(',') {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| bad("a parameter is not key=value"))?;
            if seen.contains(&k) {
                return Err(bad("a parameter is given twice"));
            }
            seen.push(k);
            if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("a parameter is not a number"));
            }
            let n: u64 = v.parse().map_err(|_| bad("a parameter is too large"))?;
            let n32 = u32::try_from(n).map_err(|_| bad("a parameter is too large"))?;
            match k {
                "v" if n == 19 => {}
                "v" => return Err(bad("only Argon2 version 19 is supported")),
                "k" => {}
                "m" => m = Some(n32),
                "t" => t = Some(n32),
                "p" => p = Some(n32),
                _ => return Err(bad("unknown parameter")),
            }
        }
        // go-crypt's defaults for absent (or zero) values, decoder.go:165-175.
        let passes = t.filter(|&x| x > 0).unwrap_or(1);
        let lanes = p.filter(|&x| x > 0).unwrap_or(4);
        let memory_kib = m.filter(|&x| x > 0).unwrap_or(32 * 1024);
        // Go's base64.RawStdEncoding: the standard alphabet, no padding.
        let raw_std = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new()
                .with_encode_padding(false)
                .with_decode_padding_mode(DecodePaddingMode::RequireNone)
                .with_decode_allow_trailing_bits(true),
        );
        let b64 = |s: &str| raw_std.decode(s).ok();
        let salt = b64(parts[4]).ok_or_else(|| bad("the salt is not base64"))?;
        let key = b64(parts[5]).ok_or_else(|| bad("the key is not base64"))?;
        if salt.len() < argon2::MIN_SALT_LEN {
            return Err(bad(&format!(
                "a salt under {} bytes cannot be checked",
                argon2::MIN_SALT_LEN
            )));
        }
        if key.len() < argon2::Params::MIN_OUTPUT_LEN {
            return Err(bad(&format!(
                "a key under {} bytes cannot be checked",
                argon2::Params::MIN_OUTPUT_LEN
            )));
        }
        if memory_kib < argon2::Params::MIN_M_COST {
            return Err(bad("memory under 8 KiB"));
        }
        let over = |what: String| {
            Error::Digest(format!(
                "{what} is over this tool's cap (Authelia's default is m=65536,t=3,p=4); checking it would take too long"
            ))
        };
        if memory_kib > MAX_ARGON2_MEMORY_KIB {
            return Err(over(format!(
                "Argon2 memory of {memory_kib} KiB (cap {MAX_ARGON2_MEMORY_KIB})"
            )));
        }
        if passes > MAX_ARGON2_PASSES {
            return Err(over(format!(
                "{passes} Argon2 passes (cap {MAX_ARGON2_PASSES})"
            )));
        }
        if u64::from(memory_kib) * u64::from(passes) > MAX_ARGON2_WORK {
            return Err(over(format!(
                "Argon2 work of m={memory_kib},t={passes} (cap: memory times passes at most {MAX_ARGON2_WORK})"
            )));
        }
        if lanes > MAX_ARGON2_LANES {
            return Err(over(format!(
                "{lanes} Argon2 lanes (cap {MAX_ARGON2_LANES})"
            )));
        }
        // Whatever the library would refuse is refused here, before any password is read.
        argon2::Params::new(memory_kib, passes, lanes, Some(key.len()))
            .map_err(|e| bad(&format!("Argon2 parameters: {e}")))?;
        Ok(Argon2Digest {
            variant,
            memory_kib,
            passes,
            lanes,
            salt,
            key,
        })
    }

    /// Whether `password` produces this digest, compared in constant time.
    pub fn matches(&self, password: &[u8]) -> Result<bool> {
        let algorithm = match self.variant {
            Argon2Variant::Id => argon2::Algorithm::Argon2id,
            Argon2Variant::I => argon2::Algorithm::Argon2i,
            Argon2Variant::D => argon2::Algorithm::Argon2d,
        };
        let fail = |e: argon2::Error| Error::Digest(format!("Argon2: {e}"));
        let params = argon2::Params::new(
            self.memory_kib,
            self.passes,
            self.lanes,
            Some(self.key.len()),
        )
        .map_err(fail)?;
        let mut out = vec![0u8; self.key.len()];
        argon2::Argon2::new(algorithm, argon2::Version::V0x13, params)
            .hash_password_into(password, &self.salt, &mut out)
            .map_err(fail)?;
        Ok(out.ct_eq(&self.key).into())
    }
}

impl fmt::Display for Argon2Digest {
    /// The PHC form Authelia writes and [`Argon2Digest::parse`] reads:
    /// `$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<key>`, both in standard base64
    /// without padding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = match self.variant {
            Argon2Variant::Id => "argon2id",
            Argon2Variant::I => "argon2i",
            Argon2Variant::D => "argon2d",
        };
        let b64 = base64::engine::general_purpose::STANDARD_NO_PAD;
        write!(
            f,
            "${id}$v=19$m={},t={},p={}${}${}",
            self.memory_kib,
            self.passes,
            self.lanes,
            b64.encode(&self.salt),
            b64.encode(&self.key)
        )
    }
}

/// Authelia's default Argon2 cost for user passwords: argon2id, 64 MiB, 3 passes, 4 lanes,
/// a 32-byte key from a 16-byte salt (internal/configuration/schema/authentication.go:203-210).
pub const ARGON2_DEFAULT_MEMORY_KIB: u32 = 64 * 1024;
/// See [`ARGON2_DEFAULT_MEMORY_KIB`].
pub const ARGON2_DEFAULT_PASSES: u32 = 3;
/// See [`ARGON2_DEFAULT_MEMORY_KIB`].
pub const ARGON2_DEFAULT_LANES: u32 = 4;
/// See [`ARGON2_DEFAULT_MEMORY_KIB`].
pub const ARGON2_DEFAULT_KEY_LEN: usize = 32;

/// Hashes `password` with argon2id at the given cost and salt (the salt is taken as it is:
/// reproducible vectors and tests).
pub fn argon2id_with(
    password: &str,
    salt: &[u8],
    memory_kib: u32,
    passes: u32,
    lanes: u32,
) -> Result<String> {
    let fail = |e: argon2::Error| Error::Digest(format!("Argon2: {e}"));
    let params = argon2::Params::new(memory_kib, passes, lanes, Some(ARGON2_DEFAULT_KEY_LEN))
        .map_err(fail)?;
    let mut key = vec![0u8; ARGON2_DEFAULT_KEY_LEN];
    argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
        .hash_password_into(password.as_bytes(), salt, &mut key)
        .map_err(fail)?;
    Ok(Argon2Digest {
        variant: Argon2Variant::Id,
        memory_kib,
        passes,
        lanes,
        salt: salt.to_vec(),
        key,
    }
    .to_string())
}

/// Hashes a user's password into Authelia's default form,
/// `$argon2id$v=19$m=65536,t=3,p=4$<salt>$<key>`, with a fresh 16-byte salt: the digest
/// `users_database.yml` holds.
pub fn argon2id_digest(password: &str) -> Result<String> {
    let mut salt = [0u8; SALT_LEN];
    os_random(&mut salt)?;
    argon2id_with(
        password,
        &salt,
        ARGON2_DEFAULT_MEMORY_KIB,
        ARGON2_DEFAULT_PASSES,
        ARGON2_DEFAULT_LANES,
    )
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

/// A digest [`verify`] can check, parsed (and within the cost caps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Checkable {
    /// `$plaintext$<secret>`.
    Plaintext(String),
    /// A PBKDF2 digest.
    Pbkdf2(Pbkdf2Digest),
    /// An Argon2 digest.
    Argon2(Argon2Digest),
}

impl Checkable {
    /// Parses a digest; an error says why it cannot be checked (malformed, an algorithm this
    /// tool does not verify, or a cost over the caps), which is never a mismatch.
    pub fn parse(digest: &str) -> Result<Self> {
        let digest = digest.trim();
        if let Some(plain) = digest.strip_prefix("$plaintext$") {
            return Ok(Checkable::Plaintext(plain.to_string()));
        }
        if digest.starts_with("$pbkdf2") {
            return Ok(Checkable::Pbkdf2(Pbkdf2Digest::parse(digest)?));
        }
        if digest.starts_with("$argon2") {
            return Ok(Checkable::Argon2(Argon2Digest::parse(digest)?));
        }
        let alg = digest.split('$').nth(1).unwrap_or("");
        Err(Error::Digest(
            if !digest.starts_with('$') || alg.is_empty() {
                format!(
                    "'{}' (expected $pbkdf2-sha512$... or $argon2id$...)",
                    shorten(digest)
                )
            } else {
                format!(
                    "algorithm '{alg}' is not supported; PBKDF2 and Argon2 digests can be verified"
                )
            },
        ))
    }

    /// Whether `password` matches, compared in constant time.
    pub fn matches(&self, password: &str) -> Result<bool> {
        match self {
            Checkable::Plaintext(p) => Ok(p.as_bytes().ct_eq(password.as_bytes()).into()),
            Checkable::Pbkdf2(d) => Ok(d.matches(password.as_bytes())),
            Checkable::Argon2(d) => d.matches(password.as_bytes()),
        }
    }
}

/// Checks `password` against a digest: any PBKDF2 or Argon2 variant Authelia accepts, or
/// `$plaintext$`. Other algorithms (bcrypt, scrypt, ...), malformed digests and costs over the
/// caps are reported as an error rather than a mismatch.
pub fn verify(password: &str, digest: &str) -> Result<bool> {
    Checkable::parse(digest)?.matches(password)
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

    /// Authelia's own test digest of `password` (internal/authentication/
    /// file_user_provider_test.go:939, checked with `password` at :193).
    const AUTHELIA_ARGON2ID: &str = "$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM";
    /// Authelia's template users database: `authelia` (internal/authentication/
    /// users_database.template.yml:13, "Password is 'authelia'").
    const AUTHELIA_TEMPLATE: &str = "$argon2id$v=19$m=32768,t=1,p=8$eUhVT1dQa082YVk2VUhDMQ$E8QI4jHbUBt3EdsU1NFDu4Bq5jObKNx7nBKSn1EYQxk";
    /// The reference implementation's example (P-H-C/phc-winner-argon2 README, "Command-line
    /// utility": `echo -n "password" | ./argon2 somesalt -t 2 -m 16 -p 4 -l 24`).
    const REFERENCE_ARGON2I: &str =
        "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";

    #[test]
    fn argon2_golden_digests_verify() {
        assert!(verify("password", AUTHELIA_ARGON2ID).unwrap());
        assert!(!verify("wrong_password", AUTHELIA_ARGON2ID).unwrap());
        assert!(verify("authelia", AUTHELIA_TEMPLATE).unwrap());
        assert!(!verify("Authelia", AUTHELIA_TEMPLATE).unwrap());
        assert!(verify("password", REFERENCE_ARGON2I).unwrap());
        assert!(!verify("passwore", REFERENCE_ARGON2I).unwrap());
        // The variant is part of the hash: the argon2i digest read as argon2id or argon2d fails.
        for other in ["$argon2id$", "$argon2d$"] {
            let d = REFERENCE_ARGON2I.replacen("$argon2i$", other, 1);
            assert!(!verify("password", &d).unwrap(), "{d}");
        }
    }

    #[test]
    fn argon2id_hash_reproduces_authelias_digest_and_defaults() {
        // Authelia's test digest, rebuilt from its salt and cost: the encoding is go-crypt's.
        let d = Argon2Digest::parse(AUTHELIA_ARGON2ID).unwrap();
        let again = argon2id_with("password", &d.salt, 65536, 3, 2).unwrap();
        assert_eq!(again, AUTHELIA_ARGON2ID);
        let fresh = argon2id_digest("correct horse").unwrap();
        assert!(
            fresh.starts_with("$argon2id$v=19$m=65536,t=3,p=4$"),
            "{fresh}"
        );
        let parsed = Argon2Digest::parse(&fresh).unwrap();
        assert_eq!((parsed.salt.len(), parsed.key.len()), (16, 32));
        assert!(
            !fresh.rsplit('$').take(2).any(|p| p.contains('=')),
            "{fresh}"
        );
        assert!(verify("correct horse", &fresh).unwrap());
        assert!(!verify("correct horsE", &fresh).unwrap());
        assert_ne!(fresh, argon2id_digest("correct horse").unwrap());
    }

    #[test]
    fn argon2_parameters_are_read_as_go_crypt_reads_them() {
        // Any order (decoder.go:117 reads the two parts as one list of key=value pairs).
        let reordered = AUTHELIA_TEMPLATE.replacen("m=32768,t=1,p=8", "p=8,t=1,m=32768", 1);
        assert!(verify("authelia", &reordered).unwrap());
        // Absent t and m take go-crypt's defaults, 1 and 32768 (decoder.go:165-175).
        let defaults = AUTHELIA_TEMPLATE.replacen("m=32768,t=1,p=8", "p=8", 1);
        assert!(verify("authelia", &defaults).unwrap());
        // A key length option (`k`) is ignored (decoder.go:140-141).
        let with_k = AUTHELIA_TEMPLATE.replacen("p=8", "p=8,k=32", 1);
        assert!(verify("authelia", &with_k).unwrap());
        let d = Argon2Digest::parse(AUTHELIA_ARGON2ID).unwrap();
        assert_eq!(
            (d.variant, d.memory_kib, d.passes, d.lanes, d.key.len()),
            (Argon2Variant::Id, 65536, 3, 2, 32)
        );
    }

    #[test]
    fn malformed_argon2_digests_are_errors_not_mismatches() {
        for bad in [
            // Authelia's own malformed cases (file_user_provider_test.go:1130, 1145, 1156).
            "$argon2id$v=19$m65536,t3,p2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2id$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$^^vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2id$v=19$m=65536,t=3,p=2$^^LnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            // Version 16, an unknown option, a repeated one, a missing part, too short a salt.
            "$argon2id$v=16$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2id$v=19$m=65536,t=3,p=2,x=1$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2id$v=19$m=65536,t=3,t=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2id$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2id$v=19$m=65536,t=3,p=2$YWJj$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2x$v=19$m=65536,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
            "$argon2id$v=19$m=99999999999,t=3,p=2$BpLnfgDsc2WD8F2q$o/vzA4myCqZZ36bUGsDY//8mKUYNZZaR0t4MFFSs+iM",
        ] {
            assert!(
                matches!(verify("password", bad), Err(Error::Digest(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn argon2_costs_over_the_caps_are_refused_before_any_work() {
        let with = |params: &str| AUTHELIA_ARGON2ID.replacen("m=65536,t=3,p=2", params, 1);
        for (params, word) in [
            ("m=4194304,t=1,p=2", "memory"),
            ("m=65536,t=1000,p=2", "passes"),
            ("m=1048576,t=8,p=2", "work"),
            ("m=65536,t=3,p=4096", "lanes"),
        ] {
            let e = Checkable::parse(&with(params)).unwrap_err().to_string();
            assert!(e.contains("cap") && e.contains(word), "{params}: {e}");
            assert!(!e.contains('\n'), "{e}");
        }
        // At the caps it parses (and is not run here).
        assert!(Checkable::parse(&with("m=1048576,t=4,p=255")).is_ok());
    }

    #[test]
    fn unsupported_algorithms_name_what_is_supported() {
        let e = verify(
            "x",
            "$2b$12$WApznUPhDubN0oeveSXHp.Uka5bMCMzlTijNPCdUhEVqZBGBMkNKm",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("'2b'") && e.contains("Argon2"), "{e}");
    }
}
