//! The user's inputs: base domain, URLs, client id and policy, parsed and validated.
//!
//! Every check here fails with one line that says what is wrong and what is expected, so the
//! CLI can print it as is and the wizard can show it beside the field.

use crate::error::{Error, Result};
use std::fmt;

/// The authorization policy of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Policy {
    /// Username and password.
    OneFactor,
    /// Username, password and a second factor (Authelia's default).
    #[default]
    TwoFactor,
}

impl Policy {
    /// Authelia's name for the policy.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::OneFactor => "one_factor",
            Policy::TwoFactor => "two_factor",
        }
    }

    /// Parses `one_factor` / `two_factor` (also with a dash).
    pub fn parse(s: &str) -> Result<Self> {
        match s.trim() {
            "one_factor" | "one-factor" => Ok(Policy::OneFactor),
            "two_factor" | "two-factor" => Ok(Policy::TwoFactor),
            other => Err(Error::input(format!(
                "unknown policy '{other}': use one_factor or two_factor"
            ))),
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Validates a base domain (`example.com`) and returns it lower-cased, an internationalized
/// one (`bücher.example`) in its ASCII form (`xn--bcher-kva.example`), the form every URL and
/// cookie domain is written with.
pub fn parse_domain(input: &str) -> Result<String> {
    let d = input.trim();
    if d.is_empty() {
        return Err(Error::input(
            "domain is empty: give the base domain, e.g. example.com",
        ));
    }
    if d.contains("://") {
        return Err(Error::input(format!(
            "domain '{d}' has a scheme: give only the host name, e.g. example.com"
        )));
    }
    if d.chars().any(char::is_whitespace) {
        return Err(Error::input(format!("domain '{d}' contains a space")));
    }
    let d = d.strip_suffix('.').unwrap_or(d);
    let ascii = to_ascii(d).map_err(|why| Error::input(format!("domain '{d}' {why}")))?;
    check_hostname(&ascii)
        .map_err(|why| Error::input(format!("domain '{d}' is not a host name: {why}")))?;
    Ok(ascii)
}

/// A host name lower-cased; with non-ASCII letters, its IDNA (UTS #46) ASCII form. Refused
/// when IDNA refuses it.
fn to_ascii(host: &str) -> std::result::Result<String, String> {
    let lower = host.to_lowercase();
    // ASCII without an `xn--` label needs no mapping; an `xn--` label must be valid Punycode.
    if lower.is_ascii() && !lower.split('.').any(|l| l.starts_with("xn--")) {
        return Ok(lower);
    }
    idna::domain_to_ascii_strict(&lower)
        .map_err(|_| "is not a valid internationalized domain name (IDNA refuses it)".to_string())
}

fn check_hostname(h: &str) -> std::result::Result<(), String> {
    if h.is_empty() {
        return Err("it is empty".into());
    }
    if h.len() > 253 {
        return Err("it is longer than 253 characters".into());
    }
    for label in h.split('.') {
        if label.is_empty() {
            return Err("it has an empty label (two dots in a row?)".into());
        }
        if label.len() > 63 {
            return Err(format!("label '{label}' is longer than 63 characters"));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
        {
            return Err(format!("'{c}' is not allowed in a host name"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("label '{label}' starts or ends with '-'"));
        }
    }
    Ok(())
}

/// An absolute http(s) URL without query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl {
    /// `http` or `https`.
    pub scheme: String,
    /// Host name or address, lower-cased.
    pub host: String,
    /// Explicit port, if any.
    pub port: Option<u16>,
    /// Path without its trailing slash (`""` for the root).
    pub path: String,
}

impl HttpUrl {
    /// Parses and validates; `what` names the field in messages (`app URL`).
    pub fn parse(input: &str, what: &str) -> Result<Self> {
        let s = input.trim();
        let err = |why: &str| Error::input(format!("{what} '{s}' {why}"));
        if s.is_empty() {
            return Err(Error::input(format!("{what} is empty")));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(err("contains a space"));
        }
        let (scheme, rest) = s
            .split_once("://")
            .ok_or_else(|| err("is not absolute: it must start with https:// or http://"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(err("must use https:// or http://"));
        }
        if s.contains('?') {
            return Err(err("must not have a query (?...)"));
        }
        if s.contains('#') {
            return Err(err("must not have a fragment (#...)"));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains('@') {
            return Err(err("must not carry a user name or password"));
        }
        let (host, port) = if let Some(stripped) = authority.strip_prefix('[') {
            let (h, tail) = stripped
                .split_once(']')
                .ok_or_else(|| err("has an unterminated [IPv6] host"))?;
            let port = match tail.strip_prefix(':') {
                Some(p) => Some(p),
                None if tail.is_empty() => None,
                None => return Err(err("has text after the [IPv6] host")),
            };
            (format!("[{h}]"), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        let port = match port {
            None => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or_else(|| err("has an invalid port"))?,
            ),
        };
        let host = if host.starts_with('[') {
            host.to_ascii_lowercase()
        } else {
            to_ascii(&host).map_err(|why| err(&format!("has a host that {why}")))?
        };
        if !host.starts_with('[') {
            check_hostname(&host).map_err(|why| err(&format!("has an invalid host: {why}")))?;
        }
        let path = path.trim_end_matches('/').to_string();
        if path.contains("//") {
            return Err(err("has an empty path segment (//)"));
        }
        Ok(HttpUrl {
            scheme,
            host,
            port,
            path,
        })
    }

    /// `host` or `host:port`.
    pub fn authority(&self) -> String {
        match self.port {
            Some(p) => format!("{}:{p}", self.host),
            None => self.host.clone(),
        }
    }

    /// The URL without a trailing slash (`https://auth.example.com`).
    pub fn base(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority(), self.path)
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/", self.base())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains() {
        assert_eq!(parse_domain(" Example.COM ").unwrap(), "example.com");
        assert_eq!(parse_domain("example.com.").unwrap(), "example.com");
        for bad in [
            "",
            "https://example.com",
            "exa mple.com",
            "a..b",
            "-a.com",
            "a/b",
        ] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn internationalized_domains_become_ascii() {
        assert_eq!(
            parse_domain("Bücher.Example").unwrap(),
            "xn--bcher-kva.example"
        );
        assert_eq!(
            parse_domain("xn--bcher-kva.example").unwrap(),
            "xn--bcher-kva.example"
        );
        let u = HttpUrl::parse("https://auth.bücher.example/", "Authelia URL").unwrap();
        assert_eq!(u.base(), "https://auth.xn--bcher-kva.example");
        // A label may not start with a combining mark; `xn--a` is not valid Punycode.
        for bad in ["\u{0301}x.example", "xn--a.example"] {
            let e = parse_domain(bad).unwrap_err().to_string();
            assert!(e.contains("IDNA refuses it"), "{bad}: {e}");
            assert!(!e.contains('\n'));
        }
        assert!(HttpUrl::parse("https://xn--a.example/", "URL").is_err());
    }

    #[test]
    fn urls() {
        let u = HttpUrl::parse("https://Auth.Example.com/", "Authelia URL").unwrap();
        assert_eq!(u.base(), "https://auth.example.com");
        assert_eq!(u.to_string(), "https://auth.example.com/");
        let u = HttpUrl::parse("http://10.0.0.2:8080/sub/", "x").unwrap();
        assert_eq!(u.base(), "http://10.0.0.2:8080/sub");
        for bad in [
            "auth.example.com",
            "ftp://x.com",
            "https://x.com/?a=1",
            "https://x.com/#f",
            "https://u:p@x.com",
            "https://x.com:99999",
            "https://",
        ] {
            assert!(HttpUrl::parse(bad, "URL").is_err(), "{bad}");
        }
    }

    #[test]
    fn policies() {
        assert_eq!(Policy::parse("one_factor").unwrap(), Policy::OneFactor);
        assert!(Policy::parse("deny").is_err());
    }
}
