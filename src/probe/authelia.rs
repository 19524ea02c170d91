//! Authelia itself: validate the configuration with its own `authelia config validate` (the
//! binary on `PATH`, or inside a running container whose image is Authelia's) and find the
//! restart command that fits (that container, or systemd's `authelia.service`).

use super::Line;
use super::run::{Runner, TIMEOUT};
use std::path::PathBuf;

/// Where Authelia runs here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// An `authelia` binary on `PATH`.
    Binary,
    /// A running container (its name) whose image is Authelia's.
    Container(String),
    /// Neither was found.
    None,
}

/// Whether a container image is Authelia's: `authelia/authelia`, `ghcr.io/authelia/authelia`,
/// `docker.io/authelia/authelia:4.39`, or a digest form of them.
pub fn is_authelia_image(image: &str) -> bool {
    let name = image.split('@').next().unwrap_or(image);
    // The tag follows the last ':' after the last '/' (a registry may have a port).
    let name = match name.rfind(':') {
        Some(c) if name.rfind('/').is_none_or(|s| c > s) => &name[..c],
        _ => name,
    };
    name == "authelia/authelia" || name.ends_with("/authelia/authelia")
}

/// The running containers with Authelia's image, from `docker ps --format '{{.Names}} {{.Image}}'`.
pub fn authelia_containers(ps: &str) -> Vec<String> {
    ps.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let name = it.next()?;
            let image = it.next()?;
            is_authelia_image(image).then(|| name.to_string())
        })
        .collect()
}

/// Finds Authelia: the binary first, then a running container.
pub fn find(runner: &dyn Runner) -> Install {
    if runner.on_path("authelia") {
        return Install::Binary;
    }
    if runner.on_path("docker") {
        let args = ["ps", "--format", "{{.Names}} {{.Image}}"].map(String::from);
        if let Ok(r) = runner.run("docker", &args, TIMEOUT)
            && r.ok()
            && let Some(name) = authelia_containers(&r.text).into_iter().next()
        {
            return Install::Container(name);
        }
    }
    Install::None
}

/// The command that validates the configuration for an install.
pub fn validate_command(install: &Install, paths: &[PathBuf]) -> (String, Vec<String>) {
    let mut args: Vec<String> = vec![];
    let program = match install {
        Install::Container(name) => {
            args.extend(["exec".into(), name.clone(), "authelia".into()]);
            "docker"
        }
        _ => "authelia",
    };
    args.extend(["config".into(), "validate".into()]);
    // Inside a container the files are at the container's own paths: let it use its own
    // X_AUTHELIA_CONFIG or default.
    if !matches!(install, Install::Container(_)) {
        for p in paths {
            args.push("--config".into());
            args.push(p.display().to_string());
        }
    }
    (program.into(), args)
}

/// The command as one line for a message.
pub fn shown(program: &str, args: &[String]) -> String {
    let mut out = program.to_string();
    for a in args {
        out.push(' ');
        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || "'\"$`\\{}".contains(c)) {
            out.push('\'');
            out.push_str(&a.replace('\'', "'\\''"));
            out.push('\'');
        } else {
            out.push_str(a);
        }
    }
    out
}

/// Validates the configuration with Authelia itself.
pub fn validate(runner: &dyn Runner, install: &Install, paths: &[PathBuf]) -> Line {
    let (program, args) = validate_command(install, paths);
    let cmd = shown(&program, &args);
    if *install == Install::None {
        return Line::skip(
            "validate",
            "no authelia binary on PATH and no running container with Authelia's image",
            format!(
                "run where Authelia runs: {cmd} (in Docker: docker exec <container> authelia config validate)"
            ),
        );
    }
    match runner.run(&program, &args, TIMEOUT) {
        Err(e) => Line::skip(
            "validate",
            format!("could not run {program}: {e}"),
            format!("run: {cmd}"),
        ),
        Ok(r) if r.timed_out => Line::fail(
            "validate",
            format!("{cmd} did not finish within {}s", TIMEOUT.as_secs()),
            format!("run it by hand: {cmd}"),
        ),
        Ok(r) if r.ok() => Line::pass(
            "validate",
            format!("Authelia accepts the configuration ({cmd})"),
        ),
        Ok(r) => {
            let errors: Vec<&str> = r
                .text
                .lines()
                .map(|l| l.trim().trim_start_matches("- ").trim())
                .filter(|l| !l.is_empty() && !l.starts_with("Configuration parsed"))
                .take(3)
                .collect();
            let what = if errors.is_empty() {
                format!(
                    "exit {}",
                    r.code.map_or("by a signal".into(), |c| c.to_string())
                )
            } else {
                errors.join("; ")
            };
            Line::fail(
                "validate",
                format!("Authelia rejects the configuration: {what}"),
                format!(
                    "fix what it names (oidc-wizard explain --text '<line>' tells the field), then {cmd}"
                ),
            )
        }
    }
}

/// Where systemd keeps a unit file for `authelia.service`.
const UNIT_PATHS: &[&str] = &[
    "/etc/systemd/system/authelia.service",
    "/usr/lib/systemd/system/authelia.service",
    "/lib/systemd/system/authelia.service",
];

/// The restart command that fits: the container found, else systemd's unit; `None` when
/// neither is known.
pub fn restart_command(runner: &dyn Runner, install: &Install) -> Option<(String, Vec<String>)> {
    if let Install::Container(name) = install {
        return Some(("docker".into(), vec!["restart".into(), name.clone()]));
    }
    if UNIT_PATHS.iter().any(|p| runner.exists(p)) {
        return Some((
            "systemctl".into(),
            vec!["restart".into(), "authelia".into()],
        ));
    }
    None
}

/// Offers the restart, or runs it when `confirmed` (`--restart`).
pub fn restart(runner: &dyn Runner, install: &Install, confirmed: bool) -> Line {
    let Some((program, args)) = restart_command(runner, install) else {
        return Line::skip(
            "restart",
            "no Authelia container and no authelia.service unit found",
            "restart Authelia the way you started it: it reads the configuration only at start",
        );
    };
    let cmd = shown(&program, &args);
    if !confirmed {
        return Line::skip(
            "restart",
            format!("Authelia reads the configuration only at start; restart it with: {cmd}"),
            format!("run {cmd}, or pass --restart to let oidc-wizard run it"),
        );
    }
    match runner.run(&program, &args, TIMEOUT) {
        Ok(r) if r.ok() => Line::pass("restart", format!("restarted ({cmd})")),
        Ok(r) => Line::fail(
            "restart",
            format!(
                "{cmd} failed: {}",
                r.text.lines().next().unwrap_or("no output").trim()
            ),
            format!("run it by hand (sudo for systemctl): {cmd}"),
        ),
        Err(e) => Line::fail(
            "restart",
            format!("could not run {cmd}: {e}"),
            format!("run it by hand: {cmd}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::Status;
    use crate::probe::run::Ran;
    use std::cell::RefCell;
    use std::time::Duration;

    /// A machine with some programs, files and containers; records what was run.
    struct Fake {
        path: Vec<&'static str>,
        files: Vec<&'static str>,
        ps: &'static str,
        validate_code: i32,
        ran: RefCell<Vec<String>>,
    }

    impl Runner for Fake {
        fn run(&self, program: &str, args: &[String], _t: Duration) -> Result<Ran, String> {
            let cmd = shown(program, args);
            self.ran.borrow_mut().push(cmd.clone());
            if cmd.starts_with("docker ps") {
                return Ok(Ran {
                    code: Some(0),
                    text: self.ps.into(),
                    timed_out: false,
                });
            }
            if cmd.contains("config validate") {
                let text = if self.validate_code == 0 {
                    "Configuration parsed and loaded successfully without errors.".into()
                } else {
                    "Configuration parsed and loaded with errors:\n\n\t - identity_providers: oidc: option `jwks` is required\n".into()
                };
                return Ok(Ran {
                    code: Some(self.validate_code),
                    text,
                    timed_out: false,
                });
            }
            Ok(Ran {
                code: Some(0),
                text: String::new(),
                timed_out: false,
            })
        }
        fn on_path(&self, program: &str) -> bool {
            self.path.contains(&program)
        }
        fn exists(&self, path: &str) -> bool {
            self.files.contains(&path)
        }
    }

    fn fake(path: &[&'static str], files: &[&'static str], ps: &'static str, code: i32) -> Fake {
        Fake {
            path: path.to_vec(),
            files: files.to_vec(),
            ps,
            validate_code: code,
            ran: RefCell::default(),
        }
    }

    #[test]
    fn a_container_is_found_validated_inside_and_restarted_only_when_confirmed() {
        let m = fake(
            &["docker"],
            &[],
            "proxy traefik:3\nauthelia ghcr.io/authelia/authelia:4.39\n",
            0,
        );
        let install = find(&m);
        assert_eq!(install, Install::Container("authelia".into()));
        let v = validate(
            &m,
            &install,
            &[PathBuf::from("/srv/authelia/configuration.yml")],
        );
        assert_eq!(v.status, Status::Pass, "{v:?}");
        assert!(
            m.ran
                .borrow()
                .contains(&"docker exec authelia authelia config validate".to_string())
        );
        let offered = restart(&m, &install, false);
        assert_eq!(offered.status, Status::Skip);
        assert!(
            offered.message.contains("docker restart authelia"),
            "{offered:?}"
        );
        assert!(
            !m.ran.borrow().iter().any(|c| c.contains("restart")),
            "nothing restarted without --restart"
        );
        let done = restart(&m, &install, true);
        assert_eq!(done.status, Status::Pass);
        assert!(
            m.ran
                .borrow()
                .contains(&"docker restart authelia".to_string())
        );
    }

    #[test]
    fn the_binary_validates_the_given_files_and_systemd_restarts() {
        let m = fake(
            &["authelia"],
            &["/etc/systemd/system/authelia.service"],
            "",
            1,
        );
        let install = find(&m);
        assert_eq!(install, Install::Binary);
        let v = validate(
            &m,
            &install,
            &[
                PathBuf::from("/etc/authelia/a.yml"),
                PathBuf::from("/etc/authelia/b.yml"),
            ],
        );
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("option `jwks` is required"), "{v:?}");
        assert!(m.ran.borrow().contains(&"authelia config validate --config /etc/authelia/a.yml --config /etc/authelia/b.yml".to_string()));
        assert_eq!(
            restart_command(&m, &install),
            Some((
                "systemctl".into(),
                vec!["restart".into(), "authelia".into()]
            ))
        );
    }

    #[test]
    fn with_neither_the_command_to_run_is_given() {
        let m = fake(&["docker"], &[], "web nginx:1\n", 0);
        let install = find(&m);
        assert_eq!(install, Install::None);
        let v = validate(&m, &install, &[PathBuf::from("/c.yml")]);
        assert_eq!(v.status, Status::Skip);
        assert!(
            v.fix
                .as_deref()
                .unwrap()
                .contains("authelia config validate --config /c.yml")
        );
        assert_eq!(restart(&m, &install, true).status, Status::Skip);
    }

    #[test]
    fn images_of_authelia_are_told_from_others() {
        for yes in [
            "authelia/authelia",
            "authelia/authelia:4.39.20",
            "ghcr.io/authelia/authelia:latest",
            "docker.io/authelia/authelia@sha256:abcd",
            "registry.local:5000/authelia/authelia:4",
        ] {
            assert!(is_authelia_image(yes), "{yes}");
        }
        for no in [
            "authelia",
            "myorg/authelia-helper",
            "nginx:authelia",
            "lldap/lldap",
        ] {
            assert!(!is_authelia_image(no), "{no}");
        }
        let ps = "web nginx:1.27\nauth ghcr.io/authelia/authelia:4.39\nldap lldap/lldap\n";
        assert_eq!(authelia_containers(ps), vec!["auth".to_string()]);
    }
}
