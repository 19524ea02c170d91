//! Copying to the user's clipboard.
//!
//! OSC 52 is always emitted: the terminal (even at the far end of an SSH session) puts the text
//! on the user's own clipboard. Inside tmux the plain sequence works when tmux's
//! `set-clipboard` is `on`, and a copy wrapped in tmux's passthrough works when
//! `allow-passthrough` is on; both are sent (GNU screen gets its own wrapper the same way), and
//! the text also goes to tmux's buffer by `tmux load-buffer -w -` (on stdin). When a local
//! display exists (`DISPLAY` or `WAYLAND_DISPLAY` is set), the text is also handed to the
//! system clipboard through `arboard`. [`report`] turns what each way did into the status line
//! (a pure function, tested here); it names tmux's `set-clipboard` when that drops OSC 52.
//! Terminals that support none of these still have the reveal popup of the preview screen.

use base64::Engine as _;
use std::io::Write;

/// The OSC 52 sequence that sets the clipboard (`c`) to `text`.
pub fn osc52(text: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{b64}\x07")
}

/// A sequence wrapped in tmux's passthrough (every ESC inside doubled).
pub fn tmux_passthrough(seq: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", seq.replace('\x1b', "\x1b\x1b"))
}

/// A sequence wrapped in GNU screen's passthrough.
pub fn screen_passthrough(seq: &str) -> String {
    format!("\x1bP{seq}\x1b\\")
}

/// Everything to write for a copy: the plain sequence, plus the multiplexer's wrapped copy.
pub fn sequences(text: &str, tmux: bool, screen: bool) -> String {
    let plain = osc52(text);
    let mut out = plain.clone();
    if tmux {
        out.push_str(&tmux_passthrough(&plain));
    } else if screen {
        out.push_str(&screen_passthrough(&plain));
    }
    out
}

/// Whether a local display exists for the system clipboard.
pub fn has_display(display: Option<&str>, wayland: Option<&str>) -> bool {
    display.is_some_and(|d| !d.is_empty()) || wayland.is_some_and(|d| !d.is_empty())
}

/// What the environment says about where a copy can go (read once, then fixed).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    /// Inside tmux (`$TMUX` set).
    pub tmux: bool,
    /// Inside GNU screen (`$STY` set).
    pub screen: bool,
    /// A local display exists (`DISPLAY` or `WAYLAND_DISPLAY`).
    pub display: bool,
    /// tmux's `set-clipboard` option (`on`, `external`, `off`), when it was read.
    pub set_clipboard: Option<String>,
}

/// What each way of copying did (the default: OSC 52 written, nothing else tried).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Results {
    /// Writing the OSC 52 sequence to the terminal (the error in words).
    pub osc52: Result<(), String>,
    /// `tmux load-buffer -w -` (only tried inside tmux).
    pub tmux_buffer: Option<Result<(), String>>,
    /// The local clipboard (only tried when there is a display).
    pub local: Option<Result<(), String>>,
}

impl Default for Results {
    fn default() -> Self {
        Results {
            osc52: Ok(()),
            tmux_buffer: None,
            local: None,
        }
    }
}

/// Whether tmux, by its `set-clipboard` option, drops the OSC 52 sequence of an application.
pub fn tmux_drops_osc52(f: &Facts) -> bool {
    f.tmux && matches!(f.set_clipboard.as_deref(), Some("external" | "off"))
}

/// The status line for a copy of `what` (e.g. "Client Secret, 72 characters"): what reached
/// which clipboard, and what did not and why. Starts with "Copied" when a clipboard holding
/// the text is known (local clipboard, tmux's buffer), "Sent" when only the OSC 52 sequence
/// went to the terminal, and "Not copied" when nothing went anywhere.
pub fn report(what: &str, f: &Facts, r: &Results) -> String {
    let dropped = tmux_drops_osc52(f);
    let osc_sent = r.osc52.is_ok() && !dropped;
    let mut done = Vec::new();
    if matches!(r.local, Some(Ok(()))) {
        done.push("copied to the local clipboard".to_string());
    }
    if matches!(r.tmux_buffer, Some(Ok(()))) {
        done.push("put in tmux's buffer".to_string());
    }
    let mut notes = Vec::new();
    if let Some(Err(e)) = &r.local {
        notes.push(format!("the local clipboard failed ({e})"));
    }
    if let Some(Err(e)) = &r.tmux_buffer {
        notes.push(format!("tmux's buffer failed ({e})"));
    }
    if let Err(e) = &r.osc52 {
        notes.push(format!("could not write OSC 52 to the terminal ({e})"));
    } else if dropped {
        notes.push(format!(
            "OSC 52 is dropped by tmux (set-clipboard is {}); fix: tmux set -g set-clipboard on",
            f.set_clipboard.as_deref().unwrap_or("off")
        ));
    }
    let mut out = if !done.is_empty() {
        if osc_sent {
            done.push("sent to the terminal clipboard (OSC 52)".to_string());
        }
        format!("Copied {what}: {}", done.join(", "))
    } else if osc_sent {
        format!("Sent {what} to the terminal clipboard (OSC 52)")
    } else {
        format!("Not copied {what}")
    };
    if !notes.is_empty() {
        out.push_str("; ");
        out.push_str(&notes.join("; "));
    }
    if done.is_empty() && !osc_sent {
        out.push_str("; press r to reveal it and select it by hand");
    }
    out
}

/// Reads tmux's `set-clipboard` option (`tmux show -gv set-clipboard`).
fn read_set_clipboard() -> Option<String> {
    let o = std::process::Command::new("tmux")
        .args(["show", "-gv", "set-clipboard"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let v = String::from_utf8_lossy(&o.stdout).trim().to_string();
    (o.status.success() && !v.is_empty()).then_some(v)
}

/// Hands `text` to tmux's buffer (and, by `-w`, to the clipboard tmux manages). The text goes
/// on stdin, never in the arguments (which other users can see in the process list).
fn tmux_load_buffer(text: &str) -> Result<(), String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("tmux")
        .args(["load-buffer", "-w", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run tmux: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| format!("writing to tmux: {e}"))?;
    }
    let o = child
        .wait_with_output()
        .map_err(|e| format!("waiting for tmux: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&o.stderr).trim().to_string();
        Err(if err.is_empty() {
            format!("tmux exited with {}", o.status)
        } else {
            err
        })
    }
}

fn env_set(v: &str) -> bool {
    std::env::var_os(v).is_some_and(|v| !v.is_empty())
}

/// The clipboard: OSC 52 to the terminal, tmux's buffer inside tmux, plus the system clipboard
/// when there is a display.
#[derive(Default)]
pub struct Clipboard {
    local: Option<arboard::Clipboard>,
    tried: bool,
    /// tmux's `set-clipboard`, read by a worker thread started by [`Clipboard::probe`].
    set_clipboard: Option<std::sync::Arc<std::sync::OnceLock<Option<String>>>>,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clipboard")
            .field("local", &self.local.is_some())
            .finish()
    }
}

impl Clipboard {
    /// Inside tmux, starts reading tmux's `set-clipboard` option once, off the UI thread.
    pub fn probe(&mut self) {
        if !env_set("TMUX") || self.set_clipboard.is_some() {
            return;
        }
        let cell = std::sync::Arc::new(std::sync::OnceLock::new());
        self.set_clipboard = Some(cell.clone());
        std::thread::spawn(move || {
            let _ = cell.set(read_set_clipboard());
        });
    }

    /// The facts of this environment.
    pub fn facts(&self) -> Facts {
        let display = std::env::var("DISPLAY").ok();
        let wayland = std::env::var("WAYLAND_DISPLAY").ok();
        Facts {
            tmux: env_set("TMUX"),
            screen: env_set("STY"),
            display: has_display(display.as_deref(), wayland.as_deref()),
            set_clipboard: self
                .set_clipboard
                .as_ref()
                .and_then(|c| c.get().cloned().flatten()),
        }
    }

    /// Copies `text` every way this environment offers: OSC 52 to `out`, tmux's buffer inside
    /// tmux, the system clipboard when there is a display. Returns the facts and what each did.
    pub fn copy(&mut self, out: &mut impl Write, text: &str) -> (Facts, Results) {
        let f = self.facts();
        let osc52 = out
            .write_all(sequences(text, f.tmux, f.screen).as_bytes())
            .and_then(|_| out.flush())
            .map_err(|e| e.to_string());
        let tmux_buffer = f.tmux.then(|| tmux_load_buffer(text));
        let local = f.display.then(|| {
            if !self.tried {
                self.tried = true;
                self.local = arboard::Clipboard::new().ok();
            }
            match self.local.as_mut() {
                Some(c) => c.set_text(text.to_string()).map_err(|e| e.to_string()),
                None => Err("no clipboard service".to_string()),
            }
        });
        (
            f,
            Results {
                osc52,
                tmux_buffer,
                local,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_carries_base64() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
        assert_eq!(sequences("hi", false, false), "\x1b]52;c;aGk=\x07");
        assert_eq!(
            sequences("hi", true, false),
            "\x1b]52;c;aGk=\x07\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
        );
        assert_eq!(
            sequences("hi", false, true),
            "\x1b]52;c;aGk=\x07\x1bP\x1b]52;c;aGk=\x07\x1b\\"
        );
    }

    fn ok() -> Results {
        Results::default()
    }

    #[test]
    fn report_says_what_reached_where() {
        let what = "Client Secret, 72 characters";
        // Plain terminal: only the OSC 52 sequence went out.
        let plain = Facts::default();
        assert_eq!(
            report(what, &plain, &ok()),
            "Sent Client Secret, 72 characters to the terminal clipboard (OSC 52)"
        );
        // A display and arboard worked.
        let r = Results {
            local: Some(Ok(())),
            ..ok()
        };
        let m = report(
            what,
            &Facts {
                display: true,
                ..plain.clone()
            },
            &r,
        );
        assert!(m.starts_with("Copied Client Secret, 72 characters: copied to the local clipboard, sent to the terminal clipboard (OSC 52)"), "{m}");
        // The write to the terminal failed and there is nothing else: not copied.
        let r = Results {
            osc52: Err("broken pipe".into()),
            ..ok()
        };
        let m = report(what, &plain, &r);
        assert!(m.starts_with("Not copied"), "{m}");
        assert!(m.contains("broken pipe"), "{m}");
        assert!(!m.contains("Copied") && !m.contains("Sent"), "{m}");
    }

    #[test]
    fn report_inside_tmux_names_set_clipboard() {
        let what = "Client ID, 20 characters";
        for opt in ["external", "off"] {
            let f = Facts {
                tmux: true,
                set_clipboard: Some(opt.into()),
                ..Facts::default()
            };
            let r = Results {
                tmux_buffer: Some(Ok(())),
                ..ok()
            };
            let m = report(what, &f, &r);
            assert!(
                m.starts_with("Copied Client ID, 20 characters: put in tmux's buffer;"),
                "{m}"
            );
            assert!(!m.contains("sent to the terminal clipboard"), "{m}");
            assert!(
                m.contains(&format!(
                    "OSC 52 is dropped by tmux (set-clipboard is {opt})"
                )),
                "{m}"
            );
            assert!(m.contains("set -g set-clipboard on"), "{m}");
            // tmux's buffer failed too: nothing reached a clipboard.
            let r = Results {
                tmux_buffer: Some(Err("no server running".into())),
                ..ok()
            };
            let m = report(what, &f, &r);
            assert!(m.starts_with("Not copied"), "{m}");
            assert!(
                m.contains("no server running") && m.contains("set -g set-clipboard on"),
                "{m}"
            );
        }
        let on = Facts {
            tmux: true,
            set_clipboard: Some("on".into()),
            ..Facts::default()
        };
        let r = Results {
            tmux_buffer: Some(Ok(())),
            ..ok()
        };
        assert_eq!(
            report(what, &on, &r),
            "Copied Client ID, 20 characters: put in tmux's buffer, sent to the terminal clipboard (OSC 52)"
        );
    }

    #[test]
    fn display_detection() {
        assert!(!has_display(None, None));
        assert!(!has_display(Some(""), None));
        assert!(has_display(Some(":0"), None));
        assert!(has_display(None, Some("wayland-0")));
    }

    #[test]
    fn copy_without_display_writes_osc52_only() {
        // The environment of the test runner may have a display; only check the OSC 52 part.
        let mut out = Vec::new();
        let mut c = Clipboard::default();
        let (_, r) = c.copy(&mut out, "secret");
        assert!(r.osc52.is_ok());
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("]52;c;c2VjcmV0\x07"), "{s:?}");
    }
}
