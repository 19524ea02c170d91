//! The terminal wizard: pick an app, fill in the details, preview and copy the values, review
//! the diff of `configuration.yml`, write. With authentik chosen on the Details screen (for apps
//! authentik documents), the preview shows the blueprint and the review saves it as a file.
//!
//! The shape is State / Msg / update / view:
//! [`state`] holds everything, [`update::update`] is all the behavior (no I/O) and returns
//! [`msg::Effect`]s, [`view::view`] draws. This module is the runtime: it sets up and restores
//! the terminal (also on error and panic), runs the event loop, and runs the effects (the digest
//! on a worker thread, the clipboard, reading, merging and writing the configuration, writing
//! the blueprint, saving preferences), feeding every result back as a [`msg::Msg`].

pub mod clipboard;
pub mod keymap;
pub mod msg;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;
pub mod words;

use crate::error::Result;
use crate::{catalog, config, exit, prefs, secret};
use crossterm::event::{self, Event, KeyEventKind, MouseEventKind};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use msg::{Effect, Msg};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use state::{Init, Review, State};
use std::collections::VecDeque;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;
pub use theme::ColorChoice;

/// Options of the wizard from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--config` (each file or directory, as given).
    pub config: Vec<PathBuf>,
    /// `--color`.
    pub color: ColorChoice,
    /// `--mouse`.
    pub mouse: bool,
}

/// What to say when there is no terminal.
pub const NO_TERMINAL: &str = "the wizard needs a terminal on stdin and stdout; without one use the subcommands: \
'oidc-wizard apps' lists the apps, 'oidc-wizard add APP --domain D' prints the client and the values \
(add '--config PATH --yes' to merge it), 'oidc-wizard secret' makes a secret and its digest";

/// Opens the wizard. Returns the exit code: 0 when the user quits, 130 on Ctrl-C, 2 without
/// a terminal.
pub fn launch(opts: Options) -> Result<u8> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        eprintln!("oidc-wizard: {NO_TERMINAL}");
        return Ok(exit::USAGE);
    }
    let prefs = prefs::load();
    // The flag's paths, else the last used one, else X_AUTHELIA_CONFIG's; the wizard shows
    // the first and reads them all.
    let config_set = if !opts.config.is_empty() {
        opts.config.clone()
    } else if let Some(p) = prefs.config_path.clone() {
        vec![p]
    } else {
        config::sources::from_env()
    };
    let config_path = config_set.first().cloned();
    // The custom app comes last: for anything the catalog does not know.
    let catalog = catalog::with_custom()?;
    let color = theme::Theme::detect(opts.color).color;
    // crossterm drops colors by itself when NO_COLOR is set; `--color` decides here.
    crossterm::style::force_color_output(color);
    let size = terminal::size()?;
    let mut state = State::new(
        catalog,
        Init {
            config_path,
            prefs,
            color,
            size,
        },
    );
    let _guard = TerminalGuard::enter(opts.mouse)?;
    let mut term = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let mut rt = Runtime {
        config_set,
        mouse: opts.mouse,
        ..Runtime::default()
    };
    rt.clipboard.probe();
    run(&mut term, &mut state, &mut rt)
}

/// Puts the terminal in raw mode and the alternate screen; restores it when dropped and on
/// panic.
struct TerminalGuard {
    mouse: bool,
}

fn restore(mouse: bool) {
    let mut out = std::io::stdout();
    if mouse {
        let _ = crossterm::execute!(out, event::DisableMouseCapture);
    }
    let _ = crossterm::execute!(
        out,
        event::DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = terminal::disable_raw_mode();
}

impl TerminalGuard {
    fn enter(mouse: bool) -> Result<Self> {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore(mouse);
            prev(info);
        }));
        terminal::enable_raw_mode()?;
        let guard = TerminalGuard { mouse };
        let mut out = std::io::stdout();
        crossterm::execute!(
            out,
            EnterAlternateScreen,
            event::EnableBracketedPaste,
            terminal::Clear(terminal::ClearType::All)
        )?;
        if mouse {
            crossterm::execute!(out, event::EnableMouseCapture)?;
        }
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore(self.mouse);
    }
}

/// What the runtime keeps between effects.
#[derive(Debug, Default)]
pub struct Runtime {
    clipboard: clipboard::Clipboard,
    /// All the configuration paths given; read together when the first is loaded.
    config_set: Vec<PathBuf>,
    /// The files last read, to check a merge of their target against the others.
    sources: Option<config::Sources>,
    /// Whether the mouse is captured (released while a value is shown on the plain terminal).
    mouse: bool,
    /// The screen was left (a value shown on the plain terminal): redraw all of it.
    needs_clear: bool,
}

fn expand_home(p: &Path) -> PathBuf {
    match p.to_str().and_then(|s| s.strip_prefix("~/")) {
        Some(rest) => match std::env::var_os("HOME") {
            Some(h) if !h.is_empty() => PathBuf::from(h).join(rest),
            _ => p.to_path_buf(),
        },
        None => p.to_path_buf(),
    }
}

impl Runtime {
    /// Runs one effect. Quick results go to `queue`; the digest's arrives later on `tx`.
    pub fn run_effect<W: Write>(
        &mut self,
        e: Effect,
        out: &mut W,
        queue: &mut VecDeque<Msg>,
        tx: &mpsc::Sender<Msg>,
    ) {
        match e {
            Effect::LoadConfig(path) => {
                let set: Vec<PathBuf> = if self.config_set.first() == Some(&path) {
                    self.config_set.iter().map(|p| expand_home(p)).collect()
                } else {
                    vec![expand_home(&path)]
                };
                let r = config::load_sources(&set).map(|s| {
                    let doc = s.target().clone();
                    self.sources = Some(s);
                    doc
                });
                queue.push_back(Msg::ConfigLoaded(path, r));
            }
            Effect::GenerateSecret => {
                queue.push_back(Msg::SecretGenerated(secret::generate(
                    secret::DEFAULT_LENGTH,
                    secret::Charset::default(),
                )));
            }
            Effect::Digest(plain) => {
                let rx = secret::digest_in_background(plain.clone());
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let result = rx
                        .recv()
                        .unwrap_or_else(|_| Err(crate::Error::Digest("the worker stopped".into())));
                    let _ = tx.send(Msg::Digested {
                        plaintext: plain,
                        result,
                    });
                });
            }
            Effect::Copy { label, value } => {
                let (facts, results) = self.clipboard.copy(out, &value);
                queue.push_back(Msg::Copied(clipboard::report(&label, &facts, &results)));
            }
            Effect::Merge { doc, plan, on_dup } => {
                let r = config::merge(&doc, &plan, on_dup).and_then(|out| {
                    match &self.sources {
                        Some(s) if s.target().path == doc.path => s.check_merge(&out)?,
                        _ => {}
                    }
                    Ok(out)
                });
                queue.push_back(Msg::Merged(r.map(msg::Merged::from)));
            }
            Effect::Write { doc, merged } => {
                let r = match &merged.output {
                    Some(out) => config::write(&doc, out),
                    None => Err(crate::Error::file(&doc.path, "no merge to write")),
                };
                queue.push_back(Msg::Written(r));
            }
            Effect::SavePrefs(p) => {
                let _ = prefs::save(&p);
            }
            Effect::ShowPlain { label, value } => {
                show_plain(out, &label, &value, self.mouse);
                self.needs_clear = true;
            }
            Effect::SaveBlueprint {
                path,
                plan,
                overwrite,
            } => {
                let full = expand_home(&path);
                if !overwrite && full.symlink_metadata().is_ok() && !full.is_dir() {
                    queue.push_back(Msg::BlueprintExists(path));
                } else {
                    let r = crate::provider::authentik::write_blueprint(&full, &plan, overwrite)
                        .map(|p| std::path::absolute(&p).unwrap_or(p));
                    // A file that appeared since the check: ask, as for one that was there.
                    queue.push_back(match r {
                        Err(crate::Error::Exists { .. }) => Msg::BlueprintExists(path),
                        other => Msg::BlueprintWritten(other),
                    });
                }
            }
        }
    }
}

/// Shows `value` on the plain terminal, where the terminal wraps it itself, so a selection
/// takes it whole; waits for Enter; clears the screen and its scrollback (the value may be a
/// secret) and goes back to the wizard's screen.
fn show_plain<W: Write>(out: &mut W, label: &str, value: &str, mouse: bool) {
    if mouse {
        let _ = crossterm::execute!(out, event::DisableMouseCapture);
    }
    let _ = crossterm::execute!(out, LeaveAlternateScreen, crossterm::cursor::Show);
    let _ = terminal::disable_raw_mode();
    let _ = write!(
        out,
        "\n{label}: select it with the mouse (it is exactly the value, however the terminal wraps it)\n\n{value}\n\nPress Enter to go back to the wizard (the screen is cleared). "
    );
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
    // Clear the screen and the scrollback: the value may be the client secret.
    let _ = write!(out, "\x1b[H\x1b[2J\x1b[3J");
    let _ = terminal::enable_raw_mode();
    let _ = crossterm::execute!(
        out,
        EnterAlternateScreen,
        terminal::Clear(terminal::ClearType::All)
    );
    if mouse {
        let _ = crossterm::execute!(out, event::EnableMouseCapture);
    }
}

fn busy(s: &State) -> bool {
    s.digest_pending() || matches!(s.review, Review::Working(_) | Review::Writing)
}

/// Turns a terminal event into a message.
pub fn msg_of(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => Some(Msg::Key(k)),
        Event::Paste(text) => Some(Msg::Paste(text)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(Msg::Scroll(true)),
            MouseEventKind::ScrollDown => Some(Msg::Scroll(false)),
            _ => None,
        },
        _ => None,
    }
}

/// The event loop: draw, run effects, wait for a key or a worker, update; until quit.
pub fn run<W: Write>(
    term: &mut Terminal<CrosstermBackend<W>>,
    s: &mut State,
    rt: &mut Runtime,
) -> Result<u8> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let mut effects = update::init(s);
    let mut queue = VecDeque::new();
    // Start crossterm's event source (and its SIGWINCH handler) before the first frame, so a
    // resize that comes right after the first frame is not lost.
    let _ = event::poll(Duration::ZERO);
    // Draw only when a message came in: an idle terminal gets no bytes at all.
    let mut dirty = true;
    loop {
        if let Some(code) = s.quit {
            return Ok(code);
        }
        if dirty {
            term.draw(|f| view::view(s, f))?;
            dirty = false;
        }
        for e in effects.drain(..) {
            rt.run_effect(e, term.backend_mut(), &mut queue, &tx);
        }
        if rt.needs_clear {
            rt.needs_clear = false;
            term.clear()?;
            dirty = true;
            continue;
        }
        if !queue.is_empty() {
            while let Some(m) = queue.pop_front() {
                effects.extend(update::update(s, m));
            }
            dirty = true;
            continue;
        }
        let timeout = if busy(s) {
            Duration::from_millis(80)
        } else {
            Duration::from_millis(1000)
        };
        if event::poll(timeout)? {
            loop {
                if let Some(m) = msg_of(event::read()?) {
                    effects.extend(update::update(s, m));
                    dirty = true;
                }
                if s.quit.is_some() || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        while let Ok(m) = rx.try_recv() {
            effects.extend(update::update(s, m));
            dirty = true;
        }
        if !dirty && busy(s) {
            effects.extend(update::update(s, Msg::Tick));
            dirty = true;
        }
    }
}
