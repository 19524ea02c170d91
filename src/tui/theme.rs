//! Colors and text styles of the wizard.
//!
//! Two themes: colored, and monochrome for `NO_COLOR`, `--color never` or a dumb terminal. The
//! monochrome theme keeps everything readable with bold, reverse video and underline only; the
//! selection is always visible (reverse video plus a `>` marker drawn by the views).

use ratatui::style::{Color, Modifier, Style};

/// When to color the wizard (the command line's `--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Color when the terminal supports it and NO_COLOR is unset.
    #[default]
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

/// The styles the views use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Whether colors are used.
    pub color: bool,
}

/// Whether to use colors for a `--color` choice, given `NO_COLOR` and `TERM`.
pub fn use_color(choice: ColorChoice, no_color: Option<&str>, term: Option<&str>) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => no_color.is_none_or(str::is_empty) && term != Some("dumb"),
    }
}

impl Theme {
    /// The theme for a `--color` choice and the process environment.
    pub fn detect(choice: ColorChoice) -> Self {
        let no_color = std::env::var("NO_COLOR").ok();
        let term = std::env::var("TERM").ok();
        Theme {
            color: use_color(choice, no_color.as_deref(), term.as_deref()),
        }
    }

    /// The colored theme.
    pub const COLOR: Theme = Theme { color: true };
    /// The monochrome theme.
    pub const MONO: Theme = Theme { color: false };

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::new()
    }
    /// Secondary text: help lines, placeholders, comments.
    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }
    /// Headings and titles.
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// The selected row or the active element.
    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
    /// A key name in hints and hotkeys.
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }
    /// An error.
    pub fn error(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    /// A warning.
    pub fn warn(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Yellow)
        } else {
            Style::new().add_modifier(Modifier::UNDERLINED)
        }
    }
    /// Success.
    pub fn ok(&self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    /// The focused input's frame and label.
    pub fn focus(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    /// Borders.
    pub fn border(&self) -> Style {
        self.fg(Color::DarkGray)
    }
    /// A line the diff adds.
    pub fn diff_add(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Green)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    /// A line the diff removes.
    pub fn diff_del(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Red)
        } else {
            Style::new().add_modifier(Modifier::CROSSED_OUT)
        }
    }
    /// A diff hunk header.
    pub fn diff_hunk(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }
    /// A YAML key.
    pub fn yaml_key(&self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::BOLD)
    }
    /// A YAML scalar value.
    pub fn yaml_value(&self) -> Style {
        self.fg(Color::Green)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_choice() {
        assert!(use_color(ColorChoice::Auto, None, Some("xterm")));
        assert!(!use_color(ColorChoice::Auto, Some("1"), Some("xterm")));
        assert!(use_color(ColorChoice::Auto, Some(""), None));
        assert!(!use_color(ColorChoice::Auto, None, Some("dumb")));
        assert!(use_color(ColorChoice::Always, Some("1"), Some("dumb")));
        assert!(!use_color(ColorChoice::Never, None, None));
    }

    #[test]
    fn monochrome_still_marks_the_selection() {
        let s = Theme::MONO.selected();
        assert!(s.add_modifier.contains(Modifier::REVERSED));
        assert_eq!(s.fg, None);
    }
}
