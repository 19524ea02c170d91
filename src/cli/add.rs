//! Handler of `oidc-wizard add`: the flags become the application layer's choice and request;
//! the output is printed, merged into a configuration, or saved as the provider's file.

use super::{AddArgs, new_file, print_json};
use crate::app::{self, Choice};
use crate::error::{Error, Result};
use crate::plan::Request;
use crate::provider::Output;
use crate::{exit, secret};
use serde_json::Value;
use std::path::PathBuf;

/// Turns `--set KEY=VALUE` flags into a map.
pub fn parse_sets(sets: &[String]) -> Result<std::collections::BTreeMap<String, String>> {
    let mut m = std::collections::BTreeMap::new();
    for s in sets {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| Error::input(format!("--set '{s}' is not KEY=VALUE")))?;
        if m.insert(k.trim().to_string(), v.to_string()).is_some() {
            return Err(Error::input(format!("--set {k} is given twice")));
        }
    }
    Ok(m)
}

/// The request the flags describe, the domain possibly empty (a configuration may give it; a
/// random client id is drawn here when asked for).
pub fn request_parts(args: &AddArgs) -> Result<Request> {
    let client_id = if args.random_client_id {
        Some(secret::random_client_id(64)?)
    } else {
        args.client_id.clone()
    };
    Ok(Request {
        domain: args.domain.clone().unwrap_or_default(),
        app_url: args.app_url.clone(),
        auth_url: args.auth_url.clone(),
        client_id,
        policy: args.policy.clone(),
        values: parse_sets(&args.set)?,
    })
}

/// The domain is required once every source of defaults was asked (an empty `--domain ""` is
/// given, and refused later as a value).
pub fn require_domain(args: &AddArgs, req: &Request) -> Result<()> {
    if args.domain.is_none() && req.domain.is_empty() {
        return Err(Error::Usage(
            "the following required argument was not provided: --domain <D>".into(),
        ));
    }
    Ok(())
}

/// The request the flags describe, with the domain required.
pub fn request_of(args: &AddArgs) -> Result<Request> {
    let req = request_parts(args)?;
    require_domain(args, &req)?;
    Ok(req)
}

/// The provider, app and setup the flags choose.
pub fn choice_of(args: &AddArgs) -> Result<Choice> {
    Choice::find(&args.provider, &args.app, args.variant.as_deref())
}

/// Builds the provider's output for a request (taken from the flags, possibly completed from a
/// configuration), with a fresh secret.
pub fn build_for(args: &AddArgs, choice: &Choice, req: &Request) -> Result<Output> {
    let charset: secret::Charset = args.charset.parse()?;
    let secret = app::draw_secret(choice.secret_need(), args.length, charset)?;
    choice.build(req, secret)
}

/// Runs `oidc-wizard add`: print the plan, merge it into a configuration, or make a blueprint.
pub fn run(args: AddArgs, config: Vec<PathBuf>) -> Result<u8> {
    let provider = crate::provider::by_id(&args.provider)
        .ok_or_else(|| Error::Usage(format!("unknown provider '{}'", args.provider)))?;
    if !provider.edits_configuration() {
        if args.chmod {
            return Err(Error::input(format!(
                "--chmod applies to --config; a {} file that holds a secret is always written with mode 0600",
                provider.name()
            )));
        }
        return new_file::add_command(&args, provider);
    }
    if args.apply {
        return Err(Error::input(
            "--apply makes Pocket ID's API calls; use it with --provider pocket-id",
        ));
    }
    if args.out.is_some() {
        let ids: Vec<_> = crate::provider::all()
            .iter()
            .filter(|p| !p.edits_configuration())
            .map(|p| p.id())
            .collect();
        return Err(Error::input(format!(
            "--out writes the file of a provider that takes no configuration.yml; use it with --provider {}",
            ids.join(", ")
        )));
    }
    if !config.is_empty() {
        return super::config::add_command(&args, &config);
    }
    for (flag, set) in [
        ("--dry-run", args.dry_run),
        ("--replace", args.replace),
        ("--rotate", args.rotate),
        ("--chmod", args.chmod),
    ] {
        if set {
            return Err(Error::input(format!("{flag} needs --config <PATH>")));
        }
    }
    let out = build_for(&args, &choice_of(&args)?, &request_of(&args)?)?;
    if args.json {
        print_json(&Value::Object(out.json));
    } else {
        print!("{}", out.report);
    }
    Ok(exit::OK)
}
