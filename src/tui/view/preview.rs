//! Screen 3, Preview: the client YAML (highlighted) beside the values and app-side steps when
//! the terminal is wide, as two tabs when it is narrow. Every copyable value has its hotkey in
//! brackets beside its label.

use super::super::state::{Pane, Provider, State};
use super::super::theme::Theme;
use super::widgets;
use crate::render;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// From this many columns on, the YAML and the values are side by side.
pub const WIDE: u16 = 100;

pub(super) fn draw(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let Some(plan) = &s.plan else {
        let msg = match &s.secret_error {
            Some(e) => Line::styled(format!("✗ {e}"), t.error()),
            None => Line::styled(
                format!(
                    "{} Generating the client secret…",
                    widgets::spinner(s.spinner)
                ),
                t.dim(),
            ),
        };
        f.render_widget(
            Paragraph::new(msg).block(Block::bordered().border_style(t.border())),
            area,
        );
        return;
    };
    let bp = s
        .blueprint
        .as_deref()
        .filter(|_| s.provider == Provider::Authentik);
    let yaml_title = if let Some(bp) = bp {
        format!(" Blueprint {} ", bp.file_name)
    } else if s.digest_pending() {
        format!(
            " Client YAML  {} computing the digest… ",
            widgets::spinner(s.spinner)
        )
    } else {
        " Client YAML for configuration.yml ".to_string()
    };
    let values_title = format!(" Values for {} ", plan.app_name);
    if area.width >= WIDE {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(area);
        pane(
            s,
            f,
            left,
            &yaml_title,
            s.pane == Pane::Yaml,
            yaml_lines(s, left.width.saturating_sub(2)),
            (s.yaml_scroll, s.yaml_hscroll),
        );
        pane(
            s,
            f,
            right,
            &values_title,
            s.pane == Pane::Values,
            value_lines(s, right.width.saturating_sub(2)),
            (s.values_scroll, 0),
        );
    } else {
        let [tabs, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area);
        let tab = |label: &str, on: bool| {
            if on {
                Span::styled(format!(" {label} "), t.selected())
            } else {
                Span::styled(format!(" {label} "), t.dim())
            }
        };
        let spin = if s.digest_pending() {
            format!("  {} digest…", widgets::spinner(s.spinner))
        } else {
            String::new()
        };
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" Tab ", t.key()),
                tab("Values & steps", s.pane == Pane::Values),
                Span::styled("│", t.dim()),
                tab(
                    if bp.is_some() {
                        "Blueprint"
                    } else {
                        "Client YAML"
                    },
                    s.pane == Pane::Yaml,
                ),
                Span::styled(spin, t.dim()),
            ])),
            tabs,
        );
        match s.pane {
            Pane::Values => pane(
                s,
                f,
                body,
                &values_title,
                true,
                value_lines(s, body.width.saturating_sub(2)),
                (s.values_scroll, 0),
            ),
            Pane::Yaml => pane(
                s,
                f,
                body,
                &yaml_title,
                true,
                yaml_lines(s, body.width.saturating_sub(2)),
                (s.yaml_scroll, s.yaml_hscroll),
            ),
        }
    }
}

fn pane(
    s: &State,
    f: &mut Frame,
    area: Rect,
    title: &str,
    focused: bool,
    lines: Vec<Line<'static>>,
    (scroll, hscroll): (u16, u16),
) {
    let t = s.theme;
    let block = Block::bordered()
        .border_style(if focused { t.focus() } else { t.border() })
        .title(Span::styled(
            title.to_string(),
            if focused { t.focus() } else { t.title() },
        ));
    let inner = block.inner(area);
    let total = lines.len();
    let off = widgets::clamp_scroll(scroll, total, inner.height);
    if total > usize::from(inner.height) {
        let shown = (off + usize::from(inner.height)).min(total);
        f.render_widget(
            block.title_bottom(
                Line::styled(format!(" {}-{} of {} ", off + 1, shown, total), t.dim())
                    .right_aligned(),
            ),
            area,
        );
    } else {
        f.render_widget(block, area);
    }
    let widest = lines.iter().map(Line::width).max().unwrap_or(0);
    let room = usize::from(inner.width);
    let h = usize::from(hscroll).min(widest.saturating_sub(room));
    if widest > room {
        // Say that lines run off the pane, and how to see them.
        let at = if h == 0 {
            "→ more"
        } else {
            "← → sideways"
        };
        f.render_widget(
            Paragraph::new(Line::styled(format!(" {at} "), t.dim())),
            Rect::new(
                area.x + 1,
                area.y + area.height.saturating_sub(1),
                14.min(area.width.saturating_sub(2)),
                1,
            ),
        );
    }
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(off)
        .take(usize::from(inner.height))
        .collect();
    f.render_widget(
        Paragraph::new(visible).scroll((0, u16::try_from(h).unwrap_or(u16::MAX))),
        inner,
    );
}

/// Highlights one line of YAML: key, value, comment.
pub fn yaml_line(line: &str, t: Theme) -> Line<'static> {
    let indent_len = line.len() - line.trim_start().len();
    let (indent, rest) = line.split_at(indent_len);
    let mut spans = vec![Span::raw(indent.to_string())];
    if rest.starts_with('#') {
        spans.push(Span::styled(rest.to_string(), t.dim()));
        return Line::from(spans);
    }
    let mut rest = rest;
    while let Some(r) = rest.strip_prefix("- ") {
        spans.push(Span::styled("- ", t.dim()));
        rest = r;
    }
    let (body, comment) = match rest.find("  #") {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let key_end = if body.starts_with(['\'', '"']) {
        None
    } else {
        body.find(": ")
            .or_else(|| body.ends_with(':').then(|| body.len() - 1))
    };
    match key_end {
        Some(k) => {
            spans.push(Span::styled(body[..k].to_string(), t.yaml_key()));
            spans.push(Span::raw(":"));
            spans.push(Span::styled(body[k + 1..].to_string(), t.yaml_value()));
        }
        None => spans.push(Span::styled(body.to_string(), t.yaml_value())),
    }
    if let Some(c) = comment {
        spans.push(Span::styled(c.to_string(), t.dim()));
    }
    Line::from(spans)
}

fn yaml_lines(s: &State, width: u16) -> Vec<Line<'static>> {
    let Some(out) = &s.output else {
        return Vec::new();
    };
    // The provider's text as its output holds it (the client YAML, the blueprint).
    let (yaml, whole) = (out.client_text.clone(), out.client_label);
    let what = if whole == "Client YAML" {
        " copies this YAML".to_string()
    } else {
        format!(" copies the {}", whole.to_lowercase())
    };
    let mut out = Vec::new();
    let key = s
        .copy_items()
        .into_iter()
        .find(|it| it.label == whole)
        .map(|it| it.key);
    if let Some(k) = key {
        out.push(Line::from(vec![
            Span::styled(format!("[{k}]"), s.theme.key()),
            Span::styled(what, s.theme.dim()),
        ]));
    }
    // Never wrapped: a wrapped YAML line is another value when selected (a folded scalar) or
    // no YAML at all. Long lines run off the pane; ←/→ scroll sideways.
    let _ = width;
    for l in yaml.lines() {
        out.push(yaml_line(l, s.theme));
    }
    out
}

fn value_lines(s: &State, width: u16) -> Vec<Line<'static>> {
    let t = s.theme;
    let Some(plan) = &s.plan else {
        return Vec::new();
    };
    let w = usize::from(width.max(20));
    let items = s.copy_items();
    let label_w = items
        .iter()
        .filter(|i| !i.block)
        .map(|i| i.label.chars().count())
        .max()
        .unwrap_or(10)
        + 5;
    let mut out: Vec<Line<'static>> = Vec::new();
    let heading = |out: &mut Vec<Line<'static>>, text: String| {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(text, t.title()));
    };
    heading(&mut out, "Press a key in [ ] to copy its value".into());
    for (i, it) in items.iter().enumerate() {
        let sel = s.last_copied == Some(i);
        let key = Span::styled(format!("[{}] ", it.key), t.key());
        let label_style = if sel { t.ok() } else { t.text() };
        if it.block {
            let n = it.value.lines().count();
            out.push(Line::from(vec![
                key,
                Span::styled(it.label.clone(), label_style),
                Span::styled(format!("  ({n} lines)"), t.dim()),
            ]));
            continue;
        }
        let vw = w.saturating_sub(label_w).max(8);
        let shown = it.value.clone();
        let parts = widgets::wrap(&shown, vw);
        for (j, p) in parts.into_iter().enumerate() {
            if j == 0 {
                out.push(Line::from(vec![
                    key.clone(),
                    Span::styled(format!("{:<lw$}", it.label, lw = label_w - 4), label_style),
                    Span::raw(p),
                ]));
            } else {
                out.push(Line::raw(format!("{:<label_w$}{p}", "")));
            }
        }
    }
    let numbered = |out: &mut Vec<Line<'static>>, steps: &[String]| {
        for (i, step) in steps.iter().enumerate() {
            let num = format!("{:>2}. ", i + 1);
            for (j, p) in widgets::wrap(step, w.saturating_sub(4))
                .into_iter()
                .enumerate()
            {
                out.push(if j == 0 {
                    Line::from(vec![Span::styled(num.clone(), t.key()), Span::raw(p)])
                } else {
                    Line::raw(format!("    {p}"))
                });
            }
        }
    };
    let bp = s
        .blueprint
        .as_deref()
        .filter(|_| s.provider == Provider::Authentik);
    if let Some(bp) = bp {
        heading(&mut out, "In authentik".into());
        numbered(&mut out, &bp.authentik_steps);
    }
    if !plan.steps.is_empty() {
        heading(&mut out, format!("In {}", plan.app_name));
        numbered(&mut out, &plan.steps);
    }
    if !plan.env.is_empty() {
        heading(&mut out, ".env".into());
        for l in render::dotenv(plan).lines() {
            for p in widgets::wrap(l, w) {
                out.push(Line::raw(p));
            }
        }
    }
    for (path, _, content) in &plan.files {
        heading(&mut out, path.clone());
        for l in content.lines() {
            for p in widgets::wrap(l, w) {
                out.push(Line::raw(p));
            }
        }
    }
    let notes = s
        .output
        .as_ref()
        .map_or_else(|| plan.notes.clone(), |o| o.notes.clone());
    for (title, list, style) in [
        ("Notes", &notes, t.text()),
        ("Warnings", &plan.warnings, t.warn()),
    ] {
        if list.is_empty() {
            continue;
        }
        heading(&mut out, title.into());
        for n in list {
            for (j, p) in widgets::wrap(n, w.saturating_sub(2))
                .into_iter()
                .enumerate()
            {
                out.push(Line::styled(
                    format!("{}{p}", if j == 0 { "• " } else { "  " }),
                    style,
                ));
            }
        }
    }
    out
}

/// The reveal popup: one value, plain, with no border on its sides, for the terminal's own
/// selection (for terminals without OSC 52).
pub(super) fn reveal_popup(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let items = s.copy_items();
    let Some(it) = s.reveal.and_then(|i| items.get(i)) else {
        return;
    };
    let w = area.width;
    // Never wrapped: a row the wizard breaks is a line break in what the mouse selects. A value
    // wider than the screen goes to the plain terminal instead (Enter).
    let fits = super::fits_on_screen(&it.value, w);
    let all: Vec<String> = if fits {
        it.value.lines().map(str::to_string).collect()
    } else {
        let n = it.value.chars().count();
        widgets::wrap(
            &format!(
                "This value ({n} characters) is wider than the screen, and a wrapped row would put a line break in what you select. Press Enter to show it on the plain terminal, which wraps it itself so the selection takes it whole; Enter there comes back (and clears it from the screen)."
            ),
            usize::from(w.saturating_sub(2)).max(10),
        )
        .into_iter()
        .map(|l| format!(" {l}"))
        .collect()
    };
    let h = (all.len() as u16 + 3).min(area.height);
    let inner_h = h.saturating_sub(2);
    let off = widgets::clamp_scroll(s.reveal_scroll, all.len(), inner_h);
    let more = all.len() > usize::from(inner_h);
    let lines: Vec<Line> = all
        .into_iter()
        .skip(off)
        .take(usize::from(inner_h))
        .map(Line::raw)
        .collect();
    let r = Rect::new(area.x, area.y + area.height.saturating_sub(h) / 2, w, h);
    f.render_widget(Clear, r);
    let foot = if !fits {
        " Enter shows it on the plain terminal · ↑/↓ another value · Esc closes "
    } else if more {
        " select with the mouse · PgUp/PgDn scroll · ↑/↓ another value · Esc closes "
    } else {
        " select with the mouse · ↑/↓ or a key: another value · Esc closes "
    };
    let block = Block::default()
        .borders(Borders::TOP | Borders::BOTTOM)
        .border_style(t.focus())
        .title(Span::styled(
            format!(" [{}] {} ", it.key, it.label),
            t.title(),
        ))
        .title_bottom(Span::styled(foot, t.dim()));
    f.render_widget(Paragraph::new(lines).block(block), r);
}
