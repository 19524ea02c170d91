//! Pieces every screen uses: title bar, status line, hint bar, help popup, text inputs,
//! wrapping, spinner, "terminal too small".

use super::super::keymap;
use super::super::state::{Input, Screen, State};
use super::{MIN_HEIGHT, MIN_WIDTH};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// The spinner's frame `n`.
pub fn spinner(n: usize) -> char {
    SPINNER[n % SPINNER.len()]
}

/// Shown instead of the screens when the terminal is below the minimum size.
pub fn too_small(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let lines = vec![
        Line::styled("Terminal too small", t.error()),
        Line::raw(format!(
            "{}x{} here; the wizard needs {MIN_WIDTH}x{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::raw("Enlarge the window, or press q to quit."),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + area.height.saturating_sub(h) / 2;
    let p = Paragraph::new(lines)
        .alignment(Alignment::Center)
        .wrap(ratatui::widgets::Wrap { trim: true });
    f.render_widget(
        p,
        Rect::new(area.x, y, area.width, area.height - (y - area.y)),
    );
}

/// The top line: the steps with the current one marked, and the picked app.
pub fn title_bar(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let mut spans = vec![Span::styled(" oidc-wizard ", t.title()), Span::raw(" ")];
    for (i, sc) in Screen::ALL.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" › ", t.dim()));
        }
        let label = format!("{} {}", i + 1, sc.name());
        spans.push(if *sc == s.screen {
            Span::styled(format!("[{label}]"), t.selected())
        } else {
            Span::styled(label, t.dim())
        });
    }
    let left = Line::from(spans);
    let right = match s.entry() {
        Some(e) if s.screen != Screen::App => format!("{} → {} ", e.name, s.provider.name()),
        _ => format!("{} ", s.provider.name()),
    };
    let lw = left.width() as u16;
    f.render_widget(Paragraph::new(left), area);
    let rw = right.chars().count() as u16;
    if lw + rw < area.width {
        let r = Rect::new(area.x + area.width - rw, area.y, rw, 1);
        f.render_widget(Paragraph::new(Span::styled(right, t.title())), r);
    }
}

/// The status line: the last message, or nothing.
pub fn status_line(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    if let Some(msg) = &s.status {
        // A copy that reached a clipboard ("Copied ...") or the terminal ("Sent ...").
        let style = if msg.starts_with("Copied ") || msg.starts_with("Sent ") {
            t.ok()
        } else {
            t.warn()
        };
        f.render_widget(Paragraph::new(Line::styled(format!(" {msg}"), style)), area);
    }
}

/// The bottom line: the screen's keys from the keymap, as many as fit.
pub fn hint_bar(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1usize;
    for (k, d) in keymap::hints_in(s) {
        let need = k.chars().count() + d.chars().count() + 3;
        if used + need > area.width as usize {
            break;
        }
        spans.push(Span::styled(k, t.key()));
        spans.push(Span::styled(format!(" {d}  "), t.dim()));
        used += need;
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// A centered rectangle of at most `w` x `h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    area.centered(
        Constraint::Length(w.min(area.width)),
        Constraint::Length(h.min(area.height)),
    )
}

/// The help popup: every binding of the screen, from the keymap.
pub fn help_popup(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let rows: Vec<_> = keymap::bindings(s.screen).collect();
    let kw = rows
        .iter()
        .map(|b| b.label.chars().count())
        .max()
        .unwrap_or(4)
        + 2;
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<kw$}", b.label), t.key()),
                Span::raw(b.desc.to_string()),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" Esc, ? or F1 closes this help", t.dim()));
    let w = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let h = lines.len() as u16 + 2;
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    let block = Block::bordered()
        .border_style(t.focus())
        .title(Span::styled(
            format!(" Keys: {} ", s.screen.name()),
            t.title(),
        ));
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// "Quit without writing?": asked when a secret the user has seen is in no file yet.
pub fn quit_popup(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let mut lines = vec![
        Line::styled(" Quit without writing? The secret shown is lost:", t.warn()),
        Line::raw(" it is in no file yet, and the next run draws a new one."),
        Line::raw(""),
    ];
    for bd in keymap::quit_ask_bindings().filter(|bd| bd.hint.is_some()) {
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<6}", bd.label), t.key()),
            Span::raw(bd.desc.to_string()),
        ]));
    }
    let w = lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4;
    let h = lines.len() as u16 + 2;
    let r = centered(area, w, h);
    f.render_widget(Clear, r);
    let block = Block::bordered()
        .border_style(t.focus())
        .title(Span::styled(" Quit? ", t.title()));
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// A text input as one line of `width` cells: the visible part of the text (scrolled so the
/// cursor shows) and the cursor's column. An empty input shows `placeholder` dimmed.
pub fn input_line<'a>(
    inp: &Input,
    width: u16,
    style: Style,
    placeholder: &str,
    dim: Style,
) -> (Line<'a>, u16) {
    let width = usize::from(width.max(1));
    if inp.value.is_empty() {
        let ph: String = placeholder.chars().take(width.saturating_sub(1)).collect();
        return (Line::styled(ph, dim), 0);
    }
    let chars: Vec<char> = inp.value.chars().collect();
    let start = (inp.cursor + 1).saturating_sub(width);
    let shown: String = chars[start..].iter().take(width).collect();
    (Line::styled(shown, style), (inp.cursor - start) as u16)
}

/// Wraps text to `width` columns at spaces where it can, hard-breaking long words (URLs,
/// secrets). Every line of the input stays at least one line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line = String::new();
        let mut len = 0usize;
        for word in raw.split_inclusive(' ') {
            let wl = word.chars().count();
            if len + wl > width && len > 0 {
                out.push(line.trim_end().to_string());
                line.clear();
                len = 0;
            }
            if wl > width {
                for c in word.chars() {
                    if len == width {
                        out.push(std::mem::take(&mut line));
                        len = 0;
                    }
                    line.push(c);
                    len += 1;
                }
            } else {
                line.push_str(word);
                len += wl;
            }
        }
        out.push(line.trim_end().to_string());
    }
    out
}

/// Clamps a scroll offset so the last page stays full.
pub fn clamp_scroll(scroll: u16, total: usize, height: u16) -> usize {
    usize::from(scroll).min(total.saturating_sub(usize::from(height)))
}

/// `text` cut to `width` columns, with `…` when something was cut.
pub fn ellipsis(text: &str, width: u16) -> String {
    let w = usize::from(width);
    if text.chars().count() <= w {
        return text.to_string();
    }
    let mut out: String = text.chars().take(w.saturating_sub(1)).collect();
    out.push('…');
    out
}
