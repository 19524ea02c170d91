//! The wizard's responsiveness.
//!
//! * `first_frame/in_process`: building the state (catalog parse + search) and drawing the
//!   first frame into a byte buffer, at 80x24 and 120x40.
//! * `first_frame/binary_in_pty`: the real binary started in a pseudo-terminal until the first
//!   frame's text arrives (goal: <= 50 ms).
//! * `keystroke/*`: one navigation key (update + redraw) and the bytes it writes to the
//!   terminal, printed beside a full redraw's bytes (goal: only the changed cells).

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use oidc_wizard::catalog;
use oidc_wizard::tui::msg::Msg;
use oidc_wizard::tui::state::{Init, State};
use oidc_wizard::tui::{update, view};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::cell::Cell;
use std::io::Read;
use std::rc::Rc;
use std::time::{Duration, Instant};

/// A terminal that only counts the bytes written to it.
#[derive(Clone, Default)]
struct Counter(Rc<Cell<usize>>);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<CrosstermBackend<Counter>>;

fn terminal(w: u16, h: u16) -> (Term, Counter) {
    let c = Counter::default();
    let t = Terminal::with_options(
        CrosstermBackend::new(c.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .unwrap();
    (t, c)
}

fn state(w: u16, h: u16) -> State {
    State::new(
        catalog::all().unwrap(),
        Init {
            config_path: None,
            prefs: Default::default(),
            color: true,
            size: (w, h),
        },
    )
}

fn key(s: &mut State, code: KeyCode) {
    update::update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// Bytes written by drawing after `step`, with the frame before already on screen.
fn bytes_of(term: &mut (Term, Counter), s: &mut State, step: impl FnOnce(&mut State)) -> usize {
    term.0.draw(|f| view::view(s, f)).unwrap();
    term.1.0.set(0);
    step(s);
    term.0.draw(|f| view::view(s, f)).unwrap();
    term.1.0.get()
}

fn report_bytes() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let mut term = terminal(w, h);
        let mut s = state(w, h);
        term.0.draw(|f| view::view(&s, f)).unwrap();
        let full = term.1.0.get();
        let down = bytes_of(&mut term, &mut s, |s| key(s, KeyCode::Down));
        let up = bytes_of(&mut term, &mut s, |s| key(s, KeyCode::Up));
        let typed = bytes_of(&mut term, &mut s, |s| key(s, KeyCode::Char('m')));
        let idle = bytes_of(&mut term, &mut s, |_| {});
        let mut p = state(w, h);
        for c in "memos".chars() {
            key(&mut p, KeyCode::Char(c));
        }
        key(&mut p, KeyCode::Enter);
        let mut term2 = terminal(w, h);
        let tab = bytes_of(&mut term2, &mut p, |s| key(s, KeyCode::Tab));
        eprintln!(
            "bytes at {w}x{h}: first frame {full}; Down {down}; Up {up}; typed char {typed}; \
             Tab between fields {tab}; no change {idle}"
        );
    }
}

fn in_process(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_frame");
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        g.bench_function(format!("in_process_{w}x{h}"), |b| {
            b.iter(|| {
                let s = state(w, h);
                let (mut term, count) = terminal(w, h);
                term.draw(|f| view::view(&s, f)).unwrap();
                count.0.get()
            })
        });
    }
    g.finish();
}

/// Starts the binary in a pseudo-terminal and returns the time until the first frame's text.
fn binary_first_frame() -> Duration {
    let pty = native_pty_system();
    let pair = pty
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_oidc-wizard"));
    cmd.env("HOME", home.path());
    cmd.env("XDG_CONFIG_HOME", home.path());
    cmd.env("TERM", "xterm-256color");
    let start = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    let elapsed = loop {
        let n = reader.read(&mut buf).unwrap();
        assert!(n > 0, "the wizard ended before its first frame");
        seen.extend_from_slice(&buf[..n]);
        if seen.windows(10).any(|w| w == b"Which app?") {
            break start.elapsed();
        }
    };
    let mut w = pair.master.take_writer().unwrap();
    let _ = w.write_all(b"\x03");
    let _ = child.wait();
    elapsed
}

use std::io::Write as _;

fn binary(c: &mut Criterion) {
    let mut g = c.benchmark_group("first_frame");
    g.sample_size(10);
    g.bench_function("binary_in_pty_80x24", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| binary_first_frame()).sum())
    });
    g.finish();
}

fn keystroke(c: &mut Criterion) {
    report_bytes();
    let mut g = c.benchmark_group("keystroke");
    let (w, h) = (120, 40);
    let (mut term, count) = terminal(w, h);
    let mut s = state(w, h);
    term.draw(|f| view::view(&s, f)).unwrap();
    let mut down = true;
    g.bench_function("down_up_redraw_120x40", |b| {
        b.iter(|| {
            key(&mut s, if down { KeyCode::Down } else { KeyCode::Up });
            down = !down;
            count.0.set(0);
            term.draw(|f| view::view(&s, f)).unwrap();
            count.0.get()
        })
    });
    g.finish();
}

criterion_group!(benches, in_process, binary, keystroke);
criterion_main!(benches);
