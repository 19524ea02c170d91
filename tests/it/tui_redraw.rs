//! What a keystroke costs on the wire: ratatui's diffing must send only the changed cells, so
//! a navigation key over SSH is a few hundred bytes, not a full screen. (Byte counts, not time:
//! the timing lives in benches/first_frame.rs.)

use crate::tui_common;

use crossterm::event::KeyCode;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::Cell;
use std::rc::Rc;
use tui_common::*;

#[derive(Clone, Default)]
struct Counter(Rc<Cell<usize>>, Rc<std::cell::RefCell<Vec<u8>>>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        self.1.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn navigation_sends_only_changed_cells() {
    let (w, h) = (80, 24);
    let c = Counter::default();
    let mut t = Terminal::with_options(
        CrosstermBackend::new(c.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .unwrap();
    let mut s = state();
    t.draw(|f| oidc_wizard::tui::view::view(&s, f)).unwrap();
    let full = c.0.get();
    assert!(full > 1500, "a full frame is {full} bytes");

    c.0.set(0);
    t.draw(|f| oidc_wizard::tui::view::view(&s, f)).unwrap();
    let idle = c.0.get();
    assert!(idle < 64, "an unchanged redraw wrote {idle} bytes");

    c.0.set(0);
    c.1.borrow_mut().clear();
    key(&mut s, KeyCode::Down);
    t.draw(|f| oidc_wizard::tui::view::view(&s, f)).unwrap();
    let down = c.0.get();
    assert!(
        down * 3 < full,
        "Down wrote {down} bytes of a {full}-byte frame"
    );
    // No clear-screen in a keystroke's output.
    let out = String::from_utf8_lossy(&c.1.borrow()).to_string();
    assert!(!out.contains("\x1b[2J"), "{out:?}");

    c.0.set(0);
    key(&mut s, KeyCode::Char('e'));
    t.draw(|f| oidc_wizard::tui::view::view(&s, f)).unwrap();
    assert!(c.0.get() < full, "typing wrote {} bytes", c.0.get());
}
