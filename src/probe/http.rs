//! The probe's HTTP client: `ureq` over rustls (no OpenSSL), 5-second timeouts, redirects never
//! followed (the probe reads where a redirect goes), Mozilla's roots plus the `--ca` file's
//! certificates, or no verification with `--insecure`. No credential is ever attached: the
//! probe sends no cookie, no `Authorization` header and no client secret.

use crate::error::{Error, Result};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use ureq::tls::{Certificate, RootCerts, TlsConfig};

/// How long a whole request may take (connect, TLS, headers, body).
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// The most of a response body the probe reads.
const BODY_LIMIT: u64 = 1 << 20;

/// How the client trusts the server.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    /// Extra root certificates (PEM), on top of Mozilla's.
    pub ca_pem: Option<Vec<u8>>,
    /// Skip certificate verification (a homelab's self-signed certificate).
    pub insecure: bool,
}

impl Trust {
    /// Reads `--ca FILE` (PEM, one or more certificates).
    pub fn with_ca_file(mut self, path: &Path) -> Result<Trust> {
        let pem = std::fs::read(path)
            .map_err(|e| Error::input(format!("--ca {}: {e}", path.display())))?;
        if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(Error::input(format!(
                "--ca {}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file",
                path.display()
            )));
        }
        self.ca_pem = Some(pem);
        Ok(self)
    }
}

/// A response as the probe needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The `Location` header, if any.
    pub location: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body (at most 1 MiB, lossy UTF-8).
    pub body: String,
}

/// An HTTP client set up for the probe.
pub struct Client {
    agent: ureq::Agent,
}

impl Client {
    /// A client with the given trust.
    pub fn new(trust: &Trust) -> Result<Client> {
        let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .map(|c| Certificate::from_der(c.as_ref()).to_owned())
            .collect();
        if let Some(pem) = &trust.ca_pem {
            for item in ureq::tls::parse_pem(pem) {
                match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => roots.push(c),
                    Ok(_) => {}
                    Err(e) => return Err(Error::input(format!("--ca: {e}"))),
                }
            }
        }
        let tls = TlsConfig::builder()
            .root_certs(RootCerts::Specific(Arc::new(roots)))
            .disable_verification(trust.insecure)
            .build();
        let config = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .max_redirects(0)
            .http_status_as_error(false)
            .proxy(None)
            .tls_config(tls)
            .user_agent(concat!("oidc-wizard/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(Client {
            agent: config.into(),
        })
    }

    /// GETs `url`; `Err` is a one-line reason (refused, timed out, TLS, DNS).
    pub fn get(&self, url: &str) -> std::result::Result<Reply, String> {
        let mut resp = self
            .agent
            .get(url)
            .header("Accept", "application/json, text/html;q=0.5")
            .call()
            .map_err(|e| reason(&e))?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let location = header("location");
        let content_type = header("content-type");
        let status = resp.status().as_u16();
        let bytes = resp
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(|e| reason(&e))?;
        Ok(Reply {
            status,
            location,
            content_type,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    }
}

/// One line saying why a request failed, with the usual cause.
fn reason(e: &ureq::Error) -> String {
    let text = e.to_string();
    match e {
        ureq::Error::Timeout(_) => format!("timed out after {}s ({text})", TIMEOUT.as_secs()),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            format!("connection refused ({text}): is Authelia running and listening there?")
        }
        ureq::Error::HostNotFound => format!("host not found ({text})"),
        // rustls's verdict on the certificate reaches ureq as an I/O error.
        _ if matches!(e, ureq::Error::Tls(_) | ureq::Error::Rustls(_))
            || text.contains("certificate") =>
        {
            format!(
                "TLS failed ({text}): for your own CA pass --ca FILE, for a self-signed certificate --insecure"
            )
        }
        _ => text,
    }
}
