//! Screen 4, Review: the unified diff of the configuration file, colored and scrollable, with
//! the merge's warnings; a duplicate client id offers rotate / replace / another id.

use super::super::state::{Provider, Review, State};
use super::widgets;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw(s: &State, f: &mut Frame, area: Rect) {
    if s.provider == Provider::Authentik {
        return draw_blueprint(s, f, area);
    }
    let t = s.theme;
    let path = s.config_path.as_ref().map(|p| p.display().to_string());
    let title = match &path {
        Some(p) => format!(" Review: {p} "),
        None => " Review ".to_string(),
    };
    let block = Block::bordered()
        .border_style(t.border())
        .title(Span::styled(title, t.title()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = usize::from(inner.width.max(10));
    match &s.review {
        Review::Idle | Review::SavePath | Review::Overwrite(_) => {}
        Review::AskPath => {
            let [l1, input, l3] = Layout::vertical([
                Constraint::Length(2),
                Constraint::Length(3),
                Constraint::Min(0),
            ])
            .areas(inner);
            f.render_widget(
                Paragraph::new(vec![
                    Line::raw(if s.config_path.is_some() {
                        " Which configuration file should the client go into?"
                    } else {
                        " No configuration file is known yet."
                    }),
                    Line::styled(
                        " Type the path of Authelia's configuration.yml, then Enter.",
                        t.dim(),
                    ),
                ]),
                l1,
            );
            let b = Block::bordered()
                .border_style(t.focus())
                .title(Span::styled(" Path ", t.focus()));
            let ii = b.inner(input);
            f.render_widget(b, input);
            let (line, cx) = widgets::input_line(
                &s.path_input,
                ii.width,
                t.text(),
                "/etc/authelia/configuration.yml",
                t.dim(),
            );
            f.render_widget(Paragraph::new(line), ii);
            if !s.help {
                f.set_cursor_position((ii.x + cx, ii.y));
            }
            f.render_widget(
                Paragraph::new(Line::styled(
                    " The file is changed only after you have seen the diff and pressed y.",
                    t.dim(),
                )),
                l3,
            );
        }
        Review::Failed(msg) | Review::WriteFailed(msg) => {
            let head = if matches!(s.review, Review::WriteFailed(_)) {
                " Writing failed; the file is unchanged:"
            } else {
                " The configuration cannot be merged:"
            };
            let mut lines = vec![Line::styled(head, t.error())];
            lines.extend(
                widgets::wrap(msg, w.saturating_sub(2))
                    .into_iter()
                    .map(|l| Line::raw(format!(" {l}"))),
            );
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled(" c", t.key()),
                Span::raw(" use another file"),
            ]));
            lines.push(Line::from(vec![
                Span::styled(" Esc", t.key()),
                Span::raw(" back to the values: copy the YAML and add it by hand"),
            ]));
            f.render_widget(Paragraph::new(lines), inner);
        }
        Review::Working(msg) => {
            f.render_widget(
                Paragraph::new(Line::styled(
                    format!(" {} {msg}…", widgets::spinner(s.spinner)),
                    t.dim(),
                )),
                inner,
            );
        }
        Review::Writing => {
            f.render_widget(
                Paragraph::new(Line::styled(
                    format!(" {} Writing…", widgets::spinner(s.spinner)),
                    t.dim(),
                )),
                inner,
            );
        }
        Review::Duplicate(id) => {
            let mut lines = vec![
                Line::styled(
                    format!(" A client with id '{id}' is already in this file."),
                    t.warn(),
                ),
                Line::raw(""),
            ];
            for (k, d) in [
                (
                    "r",
                    "rotate: keep that client; only its client_secret changes",
                ),
                ("p", "replace: this client takes its place"),
                ("i", "another id: go back and choose a different one"),
            ] {
                lines.push(Line::from(vec![
                    Span::styled(format!("  [{k}] "), t.key()),
                    Span::raw(d),
                ]));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(" Esc goes back to the values.", t.dim()));
            f.render_widget(Paragraph::new(lines), inner);
        }
        Review::Ready(out) => {
            let mut head: Vec<Line> = Vec::new();
            if out.warnings.is_empty()
                && let Some(what) = crate::config::provider_keys_text(&out.provider_keys_added)
            {
                head.push(Line::styled(
                    format!(" First client: the OpenID Connect provider is set up too ({what})."),
                    t.warn(),
                ));
            }
            for wn in &out.warnings {
                for (j, l) in widgets::wrap(wn, w.saturating_sub(3))
                    .into_iter()
                    .enumerate()
                {
                    head.push(Line::styled(
                        format!("{}{l}", if j == 0 { " ! " } else { "   " }),
                        t.warn(),
                    ));
                }
            }
            head.push(Line::from(vec![
                Span::styled(" y", t.key()),
                Span::raw(" writes the file (the old one is kept as a backup)   "),
                Span::styled("Esc", t.key()),
                Span::raw(" back"),
            ]));
            let hh = (head.len() as u16).min(inner.height / 2);
            let [top, diff] =
                Layout::vertical([Constraint::Length(hh), Constraint::Min(1)]).areas(inner);
            f.render_widget(Paragraph::new(head), top);
            let lines: Vec<Line> = out
                .diff
                .lines()
                .map(|l| {
                    let st = if l.starts_with("+++") || l.starts_with("---") {
                        t.title()
                    } else if l.starts_with('+') {
                        t.diff_add()
                    } else if l.starts_with('-') {
                        t.diff_del()
                    } else if l.starts_with("@@") {
                        t.diff_hunk()
                    } else {
                        t.text()
                    };
                    Line::styled(l.to_string(), st)
                })
                .collect();
            let total = lines.len();
            let b = Block::bordered().border_style(t.border());
            let di = b.inner(diff);
            let off = widgets::clamp_scroll(s.diff_scroll, total, di.height);
            let b = if total > usize::from(di.height) {
                b.title_bottom(
                    Line::styled(
                        format!(
                            " {}-{} of {} ",
                            off + 1,
                            (off + usize::from(di.height)).min(total),
                            total
                        ),
                        t.dim(),
                    )
                    .right_aligned(),
                )
            } else {
                b
            };
            f.render_widget(b, diff);
            let visible: Vec<Line> = lines
                .into_iter()
                .skip(off)
                .take(usize::from(di.height))
                .collect();
            f.render_widget(Paragraph::new(visible), di);
        }
    }
}

/// authentik's Review: where to save the blueprint (an existing file is overwritten only after
/// `y`).
fn draw_blueprint(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let block = Block::bordered()
        .border_style(t.border())
        .title(Span::styled(" Review: save the blueprint ", t.title()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = usize::from(inner.width.max(10));
    let Some(bp) = &s.blueprint else { return };
    let [l1, input, rest] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(3),
        Constraint::Min(0),
    ])
    .areas(inner);
    let mut head = vec![Line::raw(" Where should the blueprint be saved?")];
    for l in widgets::wrap(
        "A relative path is taken from the current directory; the file goes to the authentik worker afterwards.",
        w.saturating_sub(2),
    ) {
        head.push(Line::styled(format!(" {l}"), t.dim()));
    }
    f.render_widget(Paragraph::new(head), l1);
    let focused = matches!(s.review, Review::SavePath);
    let b = Block::bordered()
        .border_style(if focused { t.focus() } else { t.border() })
        .title(Span::styled(" Path ", t.focus()));
    let ii = b.inner(input);
    f.render_widget(b, input);
    let (line, cx) = widgets::input_line(&s.path_input, ii.width, t.text(), &bp.file_name, t.dim());
    f.render_widget(Paragraph::new(line), ii);
    if focused && !s.help {
        f.set_cursor_position((ii.x + cx, ii.y));
    }
    let mut lines = Vec::new();
    match &s.review {
        Review::Overwrite(p) => {
            for l in widgets::wrap(
                &format!("{} already exists.", p.display()),
                w.saturating_sub(2),
            ) {
                lines.push(Line::styled(format!(" {l}"), t.warn()));
            }
            lines.push(Line::from(vec![
                Span::styled(" y", t.key()),
                Span::raw(" overwrites it   "),
                Span::styled("Esc", t.key()),
                Span::raw(" choose another path"),
            ]));
        }
        Review::Writing => lines.push(Line::styled(
            format!(" {} Writing…", widgets::spinner(s.spinner)),
            t.dim(),
        )),
        _ => lines.push(Line::from(vec![
            Span::styled(" Enter", t.key()),
            Span::raw(" saves   "),
            Span::styled("Esc", t.key()),
            Span::raw(" back to the blueprint"),
        ])),
    }
    lines.push(Line::raw(""));
    let private = if bp.client_secret.is_some() {
        "It holds the client secret in plaintext, so it is written with mode 0600 (owner only)."
    } else {
        "It holds no secret (public client)."
    };
    for l in widgets::wrap(
        &format!("An existing file is never overwritten without y. {private}"),
        w.saturating_sub(2),
    ) {
        lines.push(Line::styled(format!(" {l}"), t.dim()));
    }
    f.render_widget(Paragraph::new(lines), rest);
}
