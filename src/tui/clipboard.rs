//! Copying to the user's clipboard.
//!
//! OSC 52 is always emitted: the terminal (even at the far end of an SSH session) puts the text
//! on the user's own clipboard. Inside tmux the plain sequence works when tmux's
//! `set-clipboard` is `on`, and a copy wrapped in tmux's passthrough works when
//! `allow-passthrough` is on; both are sent (GNU screen gets its own wrapper the same way). When a local
//! display exists (`DISPLAY` or `WAYLAND_DISPLAY` is set), the text is also handed to the
//! system clipboard through `arboard`. Terminals that support neither still have the reveal
//! popup of the preview screen.

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

/// The clipboard: OSC 52 to the terminal, plus the system clipboard when there is a display.
#[derive(Default)]
pub struct Clipboard {
    local: Option<arboard::Clipboard>,
    tried: bool,
}

impl std::fmt::Debug for Clipboard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Clipboard")
            .field("local", &self.local.is_some())
            .finish()
    }
}

impl Clipboard {
    /// Copies `text`: writes OSC 52 to `out` and, when there is a display, sets the system
    /// clipboard. Returns whether the system clipboard was set too.
    pub fn copy(&mut self, out: &mut impl Write, text: &str) -> std::io::Result<bool> {
        let set = |v: &str| std::env::var_os(v).is_some_and(|v| !v.is_empty());
        out.write_all(sequences(text, set("TMUX"), set("STY")).as_bytes())?;
        out.flush()?;
        let display = std::env::var("DISPLAY").ok();
        let wayland = std::env::var("WAYLAND_DISPLAY").ok();
        if !has_display(display.as_deref(), wayland.as_deref()) {
            return Ok(false);
        }
        if !self.tried {
            self.tried = true;
            self.local = arboard::Clipboard::new().ok();
        }
        Ok(self
            .local
            .as_mut()
            .is_some_and(|c| c.set_text(text.to_string()).is_ok()))
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
        let _ = c.copy(&mut out, "secret");
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("]52;c;c2VjcmV0\x07"), "{s:?}");
    }
}
