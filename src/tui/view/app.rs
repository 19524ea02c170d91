//! Screen 1, App: the filter field and the fuzzy-filtered list of apps.

use super::super::state::State;
use super::widgets;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let [filter, list, detail] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);

    let block = Block::bordered()
        .border_style(t.focus())
        .title(Span::styled(" Which app? Type to filter ", t.focus()));
    let inner = block.inner(filter);
    f.render_widget(block, filter);
    let (line, cx) = widgets::input_line(
        &s.filter,
        inner.width.saturating_sub(2),
        t.text(),
        "name, slug or description",
        t.dim(),
    );
    f.render_widget(
        Paragraph::new(Line::from(vec![Span::styled("> ", t.key())]).patch_style(t.text())),
        inner,
    );
    f.render_widget(
        Paragraph::new(line),
        Rect {
            x: inner.x + 2,
            width: inner.width.saturating_sub(2),
            ..inner
        },
    );
    if s.reveal.is_none() && !s.help {
        f.set_cursor_position((inner.x + 2 + cx, inner.y));
    }

    let count = format!(" {} of {} apps ", s.matches.len(), s.catalog.len());
    let block = Block::bordered()
        .border_style(t.border())
        .title(Span::styled(count, t.dim()));
    let inner = block.inner(list);
    f.render_widget(block, list);
    let h = usize::from(inner.height);
    let offset = s.selected.saturating_sub(h.saturating_sub(1));
    let name_w = s
        .matches
        .iter()
        .map(|&i| s.catalog[i].name.chars().count())
        .max()
        .unwrap_or(8)
        .clamp(8, 24);
    let cat_w = 12usize;
    let mut lines = Vec::new();
    for (row, &i) in s.matches.iter().enumerate().skip(offset).take(h) {
        let e = &s.catalog[i];
        let sel = row == s.selected;
        let name: String = e.name.chars().take(name_w).collect();
        let cat: String = e.category.chars().take(cat_w - 1).collect();
        let used = 2 + name_w + 1 + cat_w;
        let desc: String = e
            .description
            .chars()
            .take(usize::from(inner.width).saturating_sub(used))
            .collect();
        let text = format!(
            "{}{:<name_w$} {:<cat_w$}{}",
            if sel { "> " } else { "  " },
            name,
            cat,
            desc
        );
        lines.push(if sel {
            Line::styled(
                format!("{text:<w$}", w = usize::from(inner.width)),
                t.selected(),
            )
        } else {
            Line::from(vec![
                Span::raw(format!("  {name:<name_w$} ")),
                Span::styled(format!("{cat:<cat_w$}"), t.dim()),
                Span::raw(desc),
            ])
        });
    }
    if s.matches.is_empty() {
        lines.push(Line::styled(
            "  No app matches; Ctrl-U clears the filter.",
            t.warn(),
        ));
    }
    f.render_widget(Paragraph::new(lines), inner);

    if let Some(e) = s.matches.get(s.selected).map(|&i| &s.catalog[i]) {
        let mut facts = vec![format!("slug {}", e.slug)];
        if !e.tested.authelia.is_empty() {
            facts.push(format!(
                "tested with Authelia {}",
                e.tested.authelia.join(", ")
            ));
        }
        if !e.variants.is_empty() {
            facts.push(format!("{} setups", e.variants.len() + 1));
        }
        if let Some(h) = &e.homepage {
            facts.push(h.clone());
        }
        let lines = vec![
            Line::from(vec![
                Span::styled(format!(" {}", e.name), t.title()),
                Span::styled(format!("  {}", facts.join(" · ")), t.dim()),
            ]),
            Line::raw(format!(" {}", e.description)),
        ];
        f.render_widget(Paragraph::new(lines), detail);
    }
}
