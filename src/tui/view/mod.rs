//! Drawing: `view(&State, &mut Frame)`. Views only read the state; one file per screen plus
//! shared widgets.

mod app;
mod details;
mod done;
mod preview;
mod review;
pub mod widgets;

use super::state::{Screen, State};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

/// Below this many columns the wizard shows "terminal too small" instead of its screens.
pub const MIN_WIDTH: u16 = 60;
/// Below this many rows the wizard shows "terminal too small".
pub const MIN_HEIGHT: u16 = 16;

/// Draws the whole state.
pub fn view(s: &State, f: &mut Frame) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        widgets::too_small(s, f, area);
        return;
    }
    let [title, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    widgets::title_bar(s, f, title);
    match s.screen {
        Screen::App => app::draw(s, f, body),
        Screen::Details => details::draw(s, f, body),
        Screen::Preview => preview::draw(s, f, body),
        Screen::Review => review::draw(s, f, body),
        Screen::Done => done::draw(s, f, body),
    }
    widgets::status_line(s, f, status);
    widgets::hint_bar(s, f, hints);
    if s.reveal.is_some() && s.screen == Screen::Preview {
        preview::reveal_popup(s, f, area);
    }
    if s.help {
        widgets::help_popup(s, f, area);
    }
    if s.quit_ask.is_some() {
        widgets::quit_popup(s, f, area);
    }
}

/// Whether every line of `value` fits a screen `width` columns wide unwrapped (then the reveal
/// popup shows it as it is; otherwise the plain terminal does).
pub fn fits_on_screen(value: &str, width: u16) -> bool {
    value
        .lines()
        .all(|l| ratatui::text::Line::raw(l).width() <= usize::from(width))
}
