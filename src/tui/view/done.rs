//! Screen 5, Done: where the file and its backup are, what to restart, what to check.

use super::super::state::{Provider, State};
use super::widgets;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

pub(super) fn draw(s: &State, f: &mut Frame, area: Rect) {
    if s.provider == Provider::Authentik {
        return draw_blueprint(s, f, area);
    }
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
        if s.on_dup == crate::config::OnDuplicate::Rotate {
            // The app still holds the old secret, which Authelia drops at its restart.
            let app = s.plan.as_ref().map_or("the app", |p| p.app_name.as_str());
            let w = usize::from(inner.width.max(20)).saturating_sub(4);
            let text = format!(
                "Put the new client secret into {app} now (Esc shows it to copy): the old one stops working when Authelia restarts."
            );
            for (i, l) in widgets::wrap(&text, w).into_iter().enumerate() {
                let lead = if i == 0 { " ! " } else { "   " };
                lines.push(Line::styled(format!("{lead}{l}"), t.warn()));
            }
        }
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
    lines.push(Line::raw(
        if s.on_dup == crate::config::OnDuplicate::Rotate {
            " Restart Authelia so it reads the new secret:"
        } else {
            " Restart Authelia so it reads the new client:"
        },
    ));
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

/// authentik's Done: where the blueprint is, where it goes, how to check it applied.
fn draw_blueprint(s: &State, f: &mut Frame, area: Rect) {
    let t = s.theme;
    let block = Block::bordered()
        .border_style(t.border())
        .title(Span::styled(" Done ", t.ok()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let w = usize::from(inner.width.max(20)).saturating_sub(4);
    let mut lines = Vec::new();
    // A bullet: wrapped, continuation lines under its text.
    let para = |lines: &mut Vec<Line<'static>>, text: &str| {
        for (i, l) in widgets::wrap(text, w.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            lines.push(Line::raw(format!(
                "   {}{l}",
                if i == 0 { "• " } else { "  " }
            )));
        }
    };
    if let (Some(p), Some(bp)) = (&s.blueprint_written, &s.blueprint) {
        lines.push(Line::styled(" ✓ The blueprint is written.", t.ok()));
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled("   File  ", t.dim()),
            Span::raw(p.display().to_string()),
        ]));
        if bp.client_secret.is_some() {
            for l in widgets::wrap(
                "mode 0600: it holds the client secret in plaintext; the worker must be able to read it",
                w.saturating_sub(7),
            ) {
                lines.push(Line::styled(format!("         {l}"), t.dim()));
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(" Apply it in authentik, either way:"));
        para(
            &mut lines,
            "copy it into the authentik worker's /blueprints directory (e.g. a host folder mounted at /blueprints/custom); the worker applies it by itself",
        );
        para(
            &mut lines,
            "or in the admin interface: Customization > Blueprints > Import (or create a blueprint and paste the text)",
        );
        lines.push(Line::raw(""));
        lines.push(Line::raw(" Check that it applied:"));
        para(
            &mut lines,
            &format!(
                "Customization > Blueprints lists '{}' as successful, and Applications lists {} (slug {})",
                bp.blueprint_name, bp.app_name, bp.application_slug
            ),
        );
        para(
            &mut lines,
            &format!("from {}'s host the provider answers:", bp.app_name),
        );
        // The command wraps whole (a cut-off URL would be copied wrong).
        for l in widgets::wrap(
            &format!("curl -fsS {}", bp.endpoints.discovery_url),
            w.saturating_sub(2),
        ) {
            lines.push(Line::styled(format!("     {l}"), t.key()));
        }
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
