//! End-to-end: the real binary in a pseudo-terminal (portable-pty), its screen read back with
//! vt100, driven by the keyboard contract: filter, Enter, Ctrl-U + domain, Enter, a `[N]` copy,
//! Enter, `y`, `q`. HOME and the XDG directories point into a temp dir so preferences do not
//! leak.
//!
//! The write step needs the real `config::merge` (issue 3, another branch). The test finds out
//! by asking the library: when `config::load` works, it requires the full write and checks the
//! written digest against the secret carried by the OSC 52 sequence; while the merge API is the
//! stub, it checks everything up to the review screen and says so loudly.

use base64::Engine as _;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_oidc-wizard");

const CONFIG: &str = "\
server:
  address: 'tcp://:9091'
session:
  secret: 'insecure_session_secret'
  cookies:
    - domain: 'example.com'
      authelia_url: 'https://auth.example.com'
identity_providers:
  oidc:
    hmac_secret: 'this_is_a_secret_abc123abc123abc123abc123'
    jwks:
      - key_id: 'main'
        key: |
          -----BEGIN PRIVATE KEY-----
          MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7
          -----END PRIVATE KEY-----
    clients:
      - client_id: 'grafana'
        client_name: 'Grafana'
        client_secret: '$pbkdf2-sha512$310000$c8p78n7pUMln0jzvd4aK4Q$JNRBzwAo0ek5qKn50cFzzvE9RXV88h1wJn5KGiHrD0YKtZaR/nCb2CJPOsKaPK0hjf.9yHxzQGZziziccp6Yng'
        public: false
        authorization_policy: 'two_factor'
        redirect_uris:
          - 'https://grafana.example.com/login/generic_oauth'
        scopes: ['openid', 'profile', 'email']
";

struct Pty {
    master: Box<dyn portable_pty::MasterPty + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    fn spawn(args: &[&str], home: &Path) -> Pty {
        Self::spawn_env(args, home, &[])
    }

    fn spawn_env(args: &[&str], home: &Path, env: &[(&str, &str)]) -> Pty {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 30,
                cols: 110,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.cwd(home);
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("xdg-config"));
        cmd.env("XDG_DATA_HOME", home.join("xdg-data"));
        cmd.env("XDG_CACHE_HOME", home.join("xdg-cache"));
        cmd.env("TERM", "xterm-256color");
        for v in [
            "DISPLAY",
            "WAYLAND_DISPLAY",
            "TMUX",
            "NO_COLOR",
            "X_AUTHELIA_CONFIG",
        ] {
            cmd.env_remove(v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(30, 110, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (s2, r2) = (screen.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s2.lock().unwrap().process(&buf[..n]);
                r2.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty {
            master: pair.master,
            child,
            writer,
            screen,
            raw,
        }
    }

    fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Give the wizard a moment so keys are not read as one paste-like burst.
        std::thread::sleep(Duration::from_millis(30));
    }

    fn typ(&mut self, s: &str) {
        for c in s.chars() {
            self.send(&c.to_string());
        }
    }

    fn wait_for(&self, what: &str, cond: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let t = self.text();
            if cond(&t) {
                return t;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("timed out waiting for {what}; screen:\n{t}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn resize(&self, rows: u16, cols: u16) {
        self.screen
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
    }

    fn wait_exit(&mut self) -> u32 {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st.exit_code();
            }
            if start.elapsed() > Duration::from_secs(10) {
                let _ = self.child.kill();
                panic!("the wizard did not exit; screen:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

/// The payloads of every OSC 52 sequence in the output.
fn osc52_payloads(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(i) = rest.find("\x1b]52;c;") {
        let after = &rest[i + 7..];
        let end = after.find('\x07').unwrap_or(after.len());
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&after[..end])
            .unwrap();
        out.push(String::from_utf8(bytes).unwrap());
        rest = &after[end..];
    }
    out
}

/// The hotkey shown beside a label, e.g. `[2] Client Secret`.
fn hotkey(screen: &str, label: &str) -> char {
    let i = screen
        .find(&format!("] {label}"))
        .unwrap_or_else(|| panic!("no '{label}' on:\n{screen}"));
    screen[..i].chars().last().unwrap()
}

fn merge_available(path: &Path) -> bool {
    oidc_wizard::config::load(path).is_ok()
}

#[test]
fn whole_flow_in_a_pseudo_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let config: PathBuf = home.join("configuration.yml");
    std::fs::write(&config, CONFIG).unwrap();
    let real_merge = merge_available(&config);

    let mut p = Pty::spawn(&["--config", config.to_str().unwrap()], home);
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    p.typ("memos");
    p.wait_for("memos highlighted", |t| t.contains("> Memos"));
    p.send("\r");
    p.wait_for("the details screen", |t| t.contains("Memos: details"));
    p.send("\x15");
    p.typ("example.com");
    let t = p.wait_for("valid details", |t| t.contains("All set"));
    assert!(t.contains("https://memos.example.com/"), "{t}");
    p.send("\r");
    let t = p.wait_for("the preview with the digest", |t| {
        t.contains("Client YAML for configuration.yml") && t.contains("Client Secret")
    });
    let k = hotkey(&t, "Client Secret");
    p.send(&k.to_string());
    p.wait_for("the copy status", |t| {
        t.contains("Sent Client Secret, 72 characters to the terminal clipboard (OSC 52)")
    });
    let copied = osc52_payloads(&p.raw.lock().unwrap());
    assert_eq!(copied.len(), 1, "{copied:?}");
    let secret = copied[0].clone();
    assert_eq!(secret.chars().count(), 72);
    // The secret on the screen is the one copied.
    assert!(p.text().contains(&secret[..30]));

    p.send("\r");
    p.wait_for("the review screen", |t| t.contains("[4 Review]"));
    if real_merge {
        let t = p.wait_for("the diff", |t| t.contains("writes the file"));
        assert!(t.contains("memos"), "{t}");
        p.send("y");
        p.wait_for("the done screen", |t| {
            t.contains("[5 Done]") && t.contains("Backup")
        });
        let written = std::fs::read_to_string(&config).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_str(&written).unwrap();
        let clients = doc["identity_providers"]["oidc"]["clients"]
            .as_sequence()
            .unwrap();
        let memos = clients
            .iter()
            .find(|c| c["client_id"].as_str() == Some("memos"))
            .unwrap();
        let digest = memos["client_secret"].as_str().unwrap();
        assert!(
            oidc_wizard::secret::verify(&secret, digest).unwrap(),
            "the copied secret does not match {digest}"
        );
        assert!(
            clients
                .iter()
                .any(|c| c["client_id"].as_str() == Some("grafana"))
        );
        assert!(
            !written.contains(&secret),
            "the plaintext secret was written"
        );
    } else {
        eprintln!(
            "WARNING: config::merge is still the stub in this build: the end-to-end test checked \
             everything up to the review screen but NOT the write (it will once the merge branch is in)"
        );
        p.wait_for("the merge error", |t| t.contains("cannot be merged"));
        assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);
    }
    p.send("q");
    let code = p.wait_exit();
    assert_eq!(code, 0, "screen:\n{}", p.text());
    let raw = p.raw.lock().unwrap().clone();
    let tail = String::from_utf8_lossy(&raw[raw.len().saturating_sub(200)..]).to_string();
    assert!(
        tail.contains("\x1b[?1049l"),
        "alternate screen not left: {tail:?}"
    );

    // Preferences: saved in the temp XDG dir, never the secret.
    let prefs = std::fs::read_to_string(home.join("xdg-config/oidc-wizard/prefs.json")).unwrap();
    assert!(prefs.contains("example.com"), "{prefs}");
    assert!(!prefs.contains(&secret));
}

#[test]
fn ctrl_c_quits_with_130_and_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Pty::spawn(&[], dir.path());
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    p.typ("q");
    p.send("\x03");
    assert_eq!(p.wait_exit(), 130);
    let raw = String::from_utf8_lossy(&p.raw.lock().unwrap()).to_string();
    assert!(raw.contains("\x1b[?1049h") && raw.contains("\x1b[?1049l"));
}

#[test]
fn too_small_terminal_says_so_and_q_quits() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Pty::spawn(&["--color", "never"], dir.path());
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    // Shrink the terminal below the minimum: the wizard redraws with the message; grow it
    // back: the screen returns.
    p.resize(10, 40);
    p.wait_for("the too-small message", |t| {
        t.contains("Terminal too small")
    });
    p.resize(30, 110);
    p.wait_for("the app screen again", |t| t.contains("Which app?"));
    p.send("\x1b");
    assert_eq!(p.wait_exit(), 0);
}

#[test]
fn without_a_terminal_it_names_the_subcommands_and_exits_2() {
    let out = std::process::Command::new(BIN)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("oidc-wizard add") && err.contains("oidc-wizard apps"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

fn has_color(raw: &[u8]) -> bool {
    let s = String::from_utf8_lossy(raw);
    // crossterm writes colors as 38;5;N / 48;5;N (or 38;2;...); monochrome uses none.
    s.contains("[38;") || s.contains("[48;") || s.contains(";38;") || s.contains(";48;")
}

#[test]
fn no_color_is_monochrome_but_shows_the_selection() {
    let dir = tempfile::tempdir().unwrap();
    let mut p = Pty::spawn_env(&[], dir.path(), &[("NO_COLOR", "1")]);
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    p.send("\x03");
    p.wait_exit();
    let raw = p.raw.lock().unwrap().clone();
    assert!(!has_color(&raw), "colors despite NO_COLOR");
    let s = String::from_utf8_lossy(&raw);
    assert!(
        s.contains("\x1b[7m"),
        "the selection is not in reverse video"
    );

    // --color always wins over NO_COLOR; the default (auto) without NO_COLOR colors.
    for (args, env) in [
        (&["--color", "always"][..], &[("NO_COLOR", "1")][..]),
        (&[][..], &[][..]),
    ] {
        let mut p = Pty::spawn_env(args, dir.path(), env);
        p.wait_for("the app screen", |t| t.contains("Which app?"));
        p.send("\x03");
        p.wait_exit();
        assert!(
            has_color(&p.raw.lock().unwrap()),
            "no colors with {args:?} {env:?}"
        );
    }
    // --color never without NO_COLOR.
    let mut p = Pty::spawn(&["--color", "never"], dir.path());
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    p.send("\x03");
    p.wait_exit();
    assert!(!has_color(&p.raw.lock().unwrap()));
}

#[test]
fn mouse_capture_only_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    for (args, want) in [(&[][..], false), (&["--mouse"][..], true)] {
        let mut p = Pty::spawn(args, dir.path());
        p.wait_for("the app screen", |t| t.contains("Which app?"));
        p.send("\x1b");
        assert_eq!(p.wait_exit(), 0);
        let raw = String::from_utf8_lossy(&p.raw.lock().unwrap()).to_string();
        assert_eq!(raw.contains("\x1b[?1000h"), want, "{args:?}");
        if want {
            assert!(raw.contains("\x1b[?1000l"), "mouse capture not released");
        }
    }
}

#[test]
fn duplicate_id_rotate_in_a_pseudo_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let config: PathBuf = home.join("configuration.yml");
    let with_memos = CONFIG.replace("client_id: 'grafana'", "client_id: 'memos'");
    std::fs::write(&config, &with_memos).unwrap();
    if !merge_available(&config) {
        eprintln!(
            "WARNING: config::merge is still the stub in this build: the duplicate-id end-to-end \
             test is skipped (it runs once the merge branch is in)"
        );
        return;
    }
    let mut p = Pty::spawn(&["--config", config.to_str().unwrap()], home);
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    p.typ("memos");
    p.wait_for("memos highlighted", |t| t.contains("> Memos"));
    p.send("\r");
    p.wait_for("the details screen", |t| t.contains("Memos: details"));
    p.send("\r");
    let t = p.wait_for("the preview with the digest", |t| {
        t.contains("Client YAML for configuration.yml") && t.contains("Client Secret")
    });
    p.send(&hotkey(&t, "Client Secret").to_string());
    p.wait_for("the copy status", |t| t.contains("Sent Client Secret"));
    let secret = osc52_payloads(&p.raw.lock().unwrap()).pop().unwrap();
    p.send("\r");
    p.wait_for("the duplicate choice", |t| {
        t.contains("already in this file")
    });
    p.send("r");
    p.wait_for("the rotate diff", |t| t.contains("writes the file"));
    p.send("y");
    let t = p.wait_for("the done screen", |t| t.contains("[5 Done]"));
    assert!(
        t.contains("Put the new client secret into Memos now"),
        "{t}"
    );
    p.send("q");
    assert_eq!(p.wait_exit(), 0);
    let written = std::fs::read_to_string(&config).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&written).unwrap();
    let clients = doc["identity_providers"]["oidc"]["clients"]
        .as_sequence()
        .unwrap();
    assert_eq!(clients.len(), 1, "rotate must not add a client");
    let digest = clients[0]["client_secret"].as_str().unwrap();
    assert!(oidc_wizard::secret::verify(&secret, digest).unwrap());
    // Rotate changes only the secret: the rest of the client is as it was.
    assert_eq!(clients[0]["client_name"].as_str(), Some("Grafana"));
}

#[test]
fn authentik_blueprint_in_a_pseudo_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let config: PathBuf = home.join("configuration.yml");
    std::fs::write(&config, CONFIG).unwrap();
    // An old file at the chosen path: the wizard must ask before replacing it.
    let out = home.join("memos-blueprint.yaml");
    std::fs::write(&out, "old\n").unwrap();

    let mut p = Pty::spawn(&["--config", config.to_str().unwrap()], home);
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    p.typ("memos");
    p.wait_for("memos highlighted", |t| t.contains("> Memos"));
    p.send("\r");
    p.wait_for("the details screen", |t| t.contains("Memos: details"));
    p.send("\x15");
    p.typ("example.com");
    p.wait_for("valid details", |t| t.contains("All set"));
    // Tab to the provider choice (domain, app URL, provider), then Right: authentik.
    p.send("\t");
    p.send("\t");
    p.send("\x1b[C");
    let t = p.wait_for("authentik chosen", |t| {
        t.contains("authentik URL") && t.contains("https://authentik.example.com")
    });
    assert!(t.contains("Memos → authentik"), "{t}");
    assert!(t.contains("not used by authentik"), "{t}");
    p.send("\r");
    let t = p.wait_for("the blueprint preview", |t| {
        t.contains("Blueprint oidc-wizard-memos.yaml") && t.contains("Client Secret")
    });
    assert!(!t.contains("digest"), "no digest for authentik:\n{t}");
    let k = hotkey(&t, "Client Secret");
    p.send(&k.to_string());
    p.wait_for("the copy status", |t| {
        t.contains("Sent Client Secret, 72 characters to the terminal clipboard (OSC 52)")
    });
    let copied = osc52_payloads(&p.raw.lock().unwrap());
    assert_eq!(copied.len(), 1, "{copied:?}");
    let secret = copied[0].clone();

    p.send("\r");
    p.wait_for("the save screen", |t| {
        t.contains("save the blueprint") && t.contains("oidc-wizard-memos.yaml")
    });
    p.send("\x15");
    p.typ(out.to_str().unwrap());
    p.send("\r");
    p.wait_for("the overwrite question", |t| t.contains("already exists"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old\n");
    p.send("y");
    let t = p.wait_for("the done screen", |t| {
        t.contains("[5 Done]") && t.contains("The blueprint is written")
    });
    assert!(t.contains("/blueprints"), "{t}");
    assert!(t.contains("Customization > Blueprints"), "{t}");

    let text = std::fs::read_to_string(&out).unwrap();
    let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    assert_eq!(doc["version"].as_u64(), Some(1), "{text}");
    let entries = doc["entries"].as_sequence().unwrap();
    let provider = entries
        .iter()
        .find(|e| e["model"].as_str() == Some("authentik_providers_oauth2.oauth2provider"))
        .unwrap_or_else(|| panic!("no provider entry:\n{text}"));
    assert_eq!(
        provider["attrs"]["client_secret"].as_str(),
        Some(secret.as_str()),
        "the copied secret is the blueprint's"
    );
    assert_eq!(provider["attrs"]["client_id"].as_str(), Some("memos"));
    assert!(
        entries
            .iter()
            .any(|e| e["model"].as_str() == Some("authentik_core.application"))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the blueprint holds a secret");
    }
    // Authelia's configuration is untouched.
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);

    p.send("q");
    assert_eq!(p.wait_exit(), 0, "screen:\n{}", p.text());
    let prefs =
        std::fs::read_to_string(home.join("xdg-config/oidc-wizard/prefs.json")).unwrap_or_default();
    assert!(!prefs.contains(&secret));
    assert!(!prefs.contains("authentik.example.com"), "{prefs}");
}

#[test]
fn quitting_after_the_secret_was_shown_asks_in_a_pseudo_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let config: PathBuf = home.join("configuration.yml");
    std::fs::write(&config, CONFIG).unwrap();
    let mut p = Pty::spawn(&["--config", config.to_str().unwrap()], home);
    p.wait_for("the app screen", |t| t.contains("Which app?"));
    p.typ("memos");
    p.wait_for("memos highlighted", |t| t.contains("> Memos"));
    p.send("\r");
    p.wait_for("the details screen", |t| t.contains("Memos: details"));
    p.send("\x15");
    p.typ("example.com");
    p.wait_for("valid details", |t| t.contains("All set"));
    p.send("\r");
    p.wait_for("the preview with the secret", |t| {
        t.contains("Client Secret")
    });
    p.send("q");
    p.wait_for("the quit question", |t| {
        t.contains("Quit without writing? The secret shown is lost")
    });
    p.send("n");
    p.wait_for("the preview again", |t| {
        !t.contains("Quit without writing") && t.contains("Client Secret")
    });
    p.send("\x03");
    p.wait_for("the quit question after Ctrl-C", |t| {
        t.contains("Quit without writing?")
    });
    p.send("y");
    assert_eq!(p.wait_exit(), 130, "screen:\n{}", p.text());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);
}
