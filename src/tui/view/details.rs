//! Screen 2, Details: the form. The domain first; derived values follow it live; invalid
//! fields say why on the line below them.

use super::super::state::State;
use super::widgets;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let Some(entry) = s.entry() else { return };
    let block = Block::bordered()
        .border_style(t.border())
        .title(Span::styled(
            format!(" {}: details ", entry.name),
            t.title(),
        ));
    let inner = block.inner(area);
    let label_w = s
        .fields
        .iter()
        .map(|fl| fl.label.chars().count())
        .max()
        .unwrap_or(10)
        .clamp(10, 24)
        + 1;
    let value_x = inner.x + 2 + label_w as u16 + 1;
    let value_w = (inner.x + inner.width).saturating_sub(value_x);

    // Two lines per field: the value, then its error (or the focused field's help).
    let per = 2u16;
    let total = s.fields.len() as u16 * per + 2;
    let h = inner.height;
    let offset = if total <= h {
        0
    } else {
        // Whole fields only: round up to a field boundary.
        (s.focus as u16 * per + per)
            .saturating_sub(h.saturating_sub(2))
            .div_ceil(per)
            * per
    };
    // Say when fields are out of sight (small terminals, apps with many inputs).
    let hidden_above = s
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| (*i as u16 * per) < offset)
        .count();
    let hidden_below = s
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            let row = *i as u16 * per;
            row >= offset && row - offset + 1 >= h
        })
        .count();
    let block = match (hidden_above, hidden_below) {
        (0, 0) => block,
        (a, b) => {
            let mut parts = Vec::new();
            if a > 0 {
                parts.push(format!("↑ {a} more"));
            }
            if b > 0 {
                parts.push(format!("↓ {b} more"));
            }
            block.title_bottom(
                Line::styled(format!(" {} (Tab) ", parts.join(" · ")), t.warn()).right_aligned(),
            )
        }
    };
    f.render_widget(block, area);
    let mut cursor = None;
    for (i, fl) in s.fields.iter().enumerate() {
        let row = i as u16 * per;
        if row < offset || row - offset + 1 >= h {
            continue;
        }
        let y = inner.y + row - offset;
        let focused = i == s.focus;
        let marker = if focused { "> " } else { "  " };
        let lstyle = if focused {
            t.focus()
        } else if fl.disabled {
            t.dim()
        } else {
            t.text()
        };
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(marker, t.key()),
                Span::styled(format!("{:<label_w$}", fl.label), lstyle),
            ])),
            Rect::new(inner.x, y, inner.width.min(label_w as u16 + 3), 1),
        );
        let varea = Rect::new(value_x, y, value_w, 1);
        if fl.is_text() {
            let vstyle = if focused { t.selected() } else { t.text() };
            let (line, cx) = widgets::input_line(
                &fl.input,
                value_w,
                if focused { t.text() } else { vstyle },
                &fl.placeholder,
                t.dim(),
            );
            f.render_widget(Paragraph::new(line), varea);
            if focused {
                cursor = Some((value_x + cx, y));
            }
        } else {
            let label = fl.choices.get(fl.choice).map_or("", |c| c.1.as_str());
            let style = if fl.disabled {
                t.dim()
            } else if focused {
                t.selected()
            } else {
                t.text()
            };
            let text = if focused && fl.choices.len() > 1 && !fl.disabled {
                format!("◀ {label} ▶")
            } else {
                label.to_string()
            };
            f.render_widget(Paragraph::new(Span::styled(text, style)), varea);
        }
        let below = Rect::new(value_x, y + 1, value_w, 1);
        if let Some(err) = &fl.error {
            f.render_widget(
                Paragraph::new(Span::styled(
                    widgets::ellipsis(&format!("✗ {err}"), value_w),
                    t.error(),
                )),
                below,
            );
        } else if let Some(note) = &fl.note {
            f.render_widget(
                Paragraph::new(Span::styled(widgets::ellipsis(note, value_w), t.dim())),
                below,
            );
        } else if focused && !fl.help.is_empty() {
            f.render_widget(
                Paragraph::new(Span::styled(widgets::ellipsis(&fl.help, value_w), t.dim())),
                below,
            );
        }
    }
    let foot_y = inner.y + inner.height.saturating_sub(1);
    // The redirect URIs follow the form live, when there is room below the fields.
    if let Some(uris) = s.redirect_preview() {
        let n = uris.len() as u16;
        let used = s.fields.len() as u16 * per;
        if used + n + 2 <= inner.height {
            for (i, u) in uris.iter().enumerate() {
                let label = if i == 0 { "Redirect URI" } else { "" };
                let y = foot_y - 1 - n + i as u16;
                f.render_widget(
                    Paragraph::new(Line::from(vec![
                        Span::styled(format!("  {label:<label_w$} "), t.dim()),
                        Span::styled(widgets::ellipsis(u, value_w), t.dim()),
                    ])),
                    Rect::new(inner.x, y, inner.width, 1),
                );
            }
        }
    }
    let dup = s.duplicate_id();
    let foot = match &s.form_error {
        Some(e) => Line::styled(format!("✗ {e}"), t.error()),
        None if dup.is_some() && s.fields.iter().all(|fl| fl.error.is_none()) => Line::styled(
            format!(
                "! '{}' exists: Review offers r rotate, p replace; or edit the id",
                dup.unwrap_or_default()
            ),
            t.warn(),
        ),
        None if s.fields.iter().all(|fl| fl.error.is_none()) => Line::styled(
            if s.provider == super::super::state::Provider::Authentik {
                "All set: Enter shows the blueprint and the values for the app."
            } else {
                "All set: Enter shows the client and the values for the app."
            },
            t.ok(),
        ),
        None => Line::styled("Fix the fields marked ✗ to continue.", t.dim()),
    };
    f.render_widget(
        Paragraph::new(foot),
        Rect::new(inner.x + 2, foot_y, inner.width.saturating_sub(2), 1),
    );
    if let Some(c) = cursor
        && s.reveal.is_none()
        && !s.help
    {
        f.set_cursor_position(c);
    }
}
