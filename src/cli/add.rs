//! Handler of `oidc-wizard add`: build the plan, then print it, merge it or make a blueprint.

use super::{AddArgs, ProviderChoice, authentik, print_json};
use crate::error::{Error, Result};
use crate::plan::{Plan, Request, SecretState, needs_secret, resolve};
use crate::{catalog, exit, render, secret};
use serde_json::{Map, Value, json};
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

/// The request the flags describe (a random client id is drawn here when asked for).
pub fn request_of(args: &AddArgs) -> Result<Request> {
    let client_id = if args.random_client_id {
        Some(secret::random_client_id(64)?)
    } else {
        args.client_id.clone()
    };
    Ok(Request {
        domain: args.domain.clone().ok_or_else(|| {
            Error::Usage("the following required argument was not provided: --domain <D>".into())
        })?,
        app_url: args.app_url.clone(),
        auth_url: args.auth_url.clone(),
        client_id,
        policy: args.policy.clone(),
        values: parse_sets(&args.set)?,
    })
}

/// Builds the Authelia plan for the flags, with a fresh secret and its digest.
pub fn build_plan(args: &AddArgs) -> Result<Plan> {
    build_plan_for(args, request_of(args)?)
}

/// [`build_plan`] for a request already taken from the flags (and possibly completed from a
/// configuration file's defaults).
pub fn build_plan_for(args: &AddArgs, req: Request) -> Result<Plan> {
    let entry = catalog::find(&args.app)?;
    let setup = catalog::setup_of(entry, args.variant.as_deref())?;
    let resolved = resolve(entry, &setup, &req)?;
    let charset: secret::Charset = args.charset.parse()?;
    let secret = if needs_secret(&setup) {
        let plain = secret::generate(args.length, charset)?;
        let digest = secret::digest(&plain)?;
        SecretState::Ready {
            plaintext: plain,
            digest,
        }
    } else {
        SecretState::None
    };
    Plan::build(entry, &setup, &resolved, secret)
}

/// The JSON object of `add --json` for Authelia (without the merge's keys).
pub fn plan_json(plan: &Plan) -> Map<String, Value> {
    let e = &plan.endpoints;
    let v = json!({
        "app": plan.app,
        "app_name": plan.app_name,
        "variant": plan.variant,
        "provider": "authelia",
        "client_id": plan.client.client_id,
        "client_secret": plan.secret.plaintext(),
        "client_secret_digest": plan.secret.digest(),
        "client": render::client_value(&plan.client),
        "client_yaml": render::client_yaml(plan),
        "claims_policy": plan.claims_policy.as_ref().map(|cp| Value::Object(render::claims_policy_value(cp))),
        "steps": plan.steps,
        "issuer": e.issuer,
        "endpoints": e,
        "redirect_uris": plan.client.redirect_uris,
        "env": plan.env.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect::<Map<_, _>>(),
        "dotenv": render::dotenv(plan),
        "compose": render::compose_env(plan),
        "files": plan.files.iter().map(|(p, l, c)| json!({"path": p, "language": l, "content": c})).collect::<Vec<_>>(),
        "notes": plan.notes,
        "differences": plan.differences,
        "warnings": plan.warnings,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Runs `oidc-wizard add`: print the plan, merge it into a configuration, or make a blueprint.
pub fn run(args: AddArgs, config: Vec<PathBuf>) -> Result<u8> {
    if args.chmod && args.provider == ProviderChoice::Authentik {
        return Err(Error::input(
            "--chmod applies to --config; an authentik blueprint that holds a secret is always written with mode 0600",
        ));
    }
    if args.provider == ProviderChoice::Authentik {
        return authentik::add_command(&args);
    }
    if args.out.is_some() {
        return Err(Error::input(
            "--out writes an authentik blueprint; use it with --provider authentik",
        ));
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
    let plan = build_plan(&args)?;
    if args.json {
        print_json(&Value::Object(plan_json(&plan)));
    } else {
        print!("{}", render::report(&plan));
    }
    Ok(exit::OK)
}
