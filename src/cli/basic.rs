//! Handlers of the small subcommands: `apps`, `secret`, `hash`, `verify`.

use super::print_json;
use crate::error::{Error, Result};
use crate::{catalog, exit, secret};
use serde_json::json;
use std::io::BufRead;

pub fn apps(json: bool) -> Result<u8> {
    let all = catalog::all()?;
    if json {
        let list: Vec<_> = all
            .iter()
            .map(|e| {
                json!({
                    "slug": e.slug,
                    "name": e.name,
                    "description": e.description,
                    "category": e.category,
                    "homepage": e.homepage,
                    "aliases": e.aliases,
                    "subdomain": e.subdomain,
                    "guide": e.guide,
                    "tested": {"authelia": e.tested.authelia, "app": e.tested.app},
                    "variants": e.variants.iter().map(|v| json!({"id": v.id, "label": v.label})).collect::<Vec<_>>(),
                    "inputs": e.inputs.iter().map(|i| i.key.clone()).collect::<Vec<_>>(),
                    "authentik": crate::provider::authentik::supports(&e.slug),
                    "providers": crate::provider::all()
                        .iter()
                        .filter(|p| p.supports(e).is_ok())
                        .map(|p| p.id())
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        print_json(&serde_json::Value::Array(list));
    } else {
        let width = all.iter().map(|e| e.slug.len()).max().unwrap_or(0);
        for e in all {
            let variants = if e.variants.is_empty() {
                String::new()
            } else {
                let ids: Vec<_> = e.variants.iter().map(|v| v.id.as_str()).collect();
                format!(" [variants: {}]", ids.join(", "))
            };
            println!(
                "{:<width$}  {} - {}{variants}",
                e.slug, e.name, e.description
            );
        }
    }
    Ok(exit::OK)
}

pub fn secret(length: usize, charset: &str, json: bool) -> Result<u8> {
    let charset: secret::Charset = charset.parse()?;
    let s = secret::generate(length, charset)?;
    let d = secret::digest(&s)?;
    if json {
        print_json(&json!({"secret": s, "digest": d, "length": length, "charset": charset.name()}));
    } else {
        println!("Secret: {s}");
        println!("Digest: {d}");
    }
    Ok(exit::OK)
}

/// Reads the password: one line from stdin, without its line ending.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::input(format!("cannot read the password from stdin: {e}")))?;
    let p = line.strip_suffix('\n').unwrap_or(&line);
    let p = p.strip_suffix('\r').unwrap_or(p);
    if p.is_empty() {
        return Err(Error::input("no password on stdin (give it as one line)"));
    }
    Ok(p.to_string())
}

pub fn hash() -> Result<u8> {
    let p = read_password()?;
    println!("{}", secret::digest(&p)?);
    Ok(exit::OK)
}

/// `verify`: exit 0 on a match, 1 on a mismatch, 2 for a digest it cannot check (malformed,
/// unsupported, or over the iteration cap), which is not a mismatch.
pub fn verify(digest: &str) -> Result<u8> {
    // Check the digest's form (and its cost) before waiting on stdin.
    let checkable = match secret::Checkable::parse(digest) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("oidc-wizard: {e}");
            return Ok(exit::USAGE);
        }
    };
    let p = read_password()?;
    if checkable.matches(&p)? {
        println!("match");
        Ok(exit::OK)
    } else {
        eprintln!("oidc-wizard: the password does not match the digest");
        Ok(exit::ERROR)
    }
}
