//! Screen 5, Done: where the file and its backup are, what to restart, what to check.

use super::super::state::State;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let block = Block::bordered()
        .border_style(t.border())
        .title(Span::styled(" Done ", t.ok()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = Vec::new();
    if let Some(w) = &s.written {
        let what = match s.on_dup {
            crate::config::OnDuplicate::Rotate => {
                " ✓ The client's secret is rotated in the configuration."
            }
            crate::config::OnDuplicate::Replace => {
                " ✓ The client is replaced in the configuration."
            }
            crate::config::OnDuplicate::Refuse => " ✓ The client is in the configuration.",
        };
        lines.push(Line::styled(what, t.ok()));
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("   File    ", t.dim()),
            Span::raw(w.path.display().to_string()),
        ]));
        lines.push(Line::from(vec![
            Span::styled("   Backup  ", t.dim()),
            Span::raw(w.backup_path.display().to_string()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(" Restart Authelia so it reads the new client:"));
    lines.push(Line::from(vec![
        Span::styled("   docker restart authelia", t.key()),
        Span::styled("      (Docker, Compose)", t.dim()),
    ]));
    lines.push(Line::from(vec![
        Span::styled("   systemctl restart authelia", t.key()),
        Span::styled("   (systemd)", t.dim()),
    ]));
    if let Some(p) = &s.plan {
        lines.push(Line::raw(""));
        lines.push(Line::raw(format!(
            " Then check from {}'s host that the provider answers:",
            p.app_name
        )));
        lines.push(Line::styled(
            format!("   curl -fsS {}", p.endpoints.discovery_url),
            t.key(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(" Esc", t.key()),
        Span::raw(" shows the values to copy again   "),
        Span::styled("q", t.key()),
        Span::raw(" quits"),
    ]));
    f.render_widget(Paragraph::new(lines), inner);
}
