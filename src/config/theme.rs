//! Colours: four roles in the 16 ANSI colours, so the terminal's own palette
//! decides the shades and graft reads well on dark and light backgrounds.
//! The view draws with a [`Palette`]: the theme's styles for each role
//! (without colours under `NO_COLOR` or the `mono` theme).

use ratatui::style::Color;

/// The default roles' colours.
pub(crate) const ACCENT: Color = Color::Cyan;
pub(crate) const ERROR: Color = Color::Red;
pub(crate) const OK: Color = Color::Green;
pub(crate) const WARN: Color = Color::Yellow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Theme {
    /// Focus, keys, titles.
    pub(crate) accent: Color,
    /// Success.
    pub(crate) ok: Color,
    /// Waiting, unsaved, the demo badge.
    pub(crate) warn: Color,
    /// Errors.
    pub(crate) error: Color,
    /// No colour at all (like NO_COLOR).
    pub(crate) mono: bool,
}

impl Default for Theme {
    fn default() -> Self {
        Theme {
            accent: ACCENT,
            ok: OK,
            warn: WARN,
            error: ERROR,
            mono: false,
        }
    }
}

impl Theme {
    /// `default` (dark or light terminals), `light` (no yellow on white), `mono`.
    pub fn preset(name: &str) -> Option<Theme> {
        match name {
            "default" | "dark" => Some(Theme::default()),
            "light" => Some(Theme {
                accent: Color::Blue,
                ok: Color::Green,
                warn: Color::Magenta,
                error: Color::Red,
                mono: false,
            }),
            "mono" => Some(Theme {
                mono: true,
                ..Theme::default()
            }),
            _ => None,
        }
    }

    /// One of the 16 colour names (`blue`, `lightred`, `darkgray`…), or `#rrggbb`.
    pub(crate) fn colour(name: &str) -> Option<Color> {
        name.trim().parse::<Color>().ok()
    }
}

/// The styles the view draws with: each role's colour, or (without colours)
/// none, the text's own weight carrying the meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Palette {
    theme: Theme,
    colour: bool,
    plain: bool,
}

impl Theme {
    /// The styles for this theme; `no_color` (NO_COLOR is set) drops colours.
    pub(crate) fn palette(self, no_color: bool) -> Palette {
        Palette {
            theme: self,
            colour: !no_color && !self.mono,
            plain: false,
        }
    }
}

impl Default for Palette {
    fn default() -> Self {
        Theme::default().palette(false)
    }
}

/// Borders of blanks: the plain screen keeps the layout and the titles,
/// without box drawing.
const BLANK_BORDER: ratatui::symbols::border::Set<'static> = ratatui::symbols::border::Set {
    top_left: " ",
    top_right: " ",
    bottom_left: " ",
    bottom_right: " ",
    vertical_left: " ",
    vertical_right: " ",
    horizontal_top: " ",
    horizontal_bottom: " ",
};

impl Palette {
    /// The plain screen (`--plain`): no box drawing, states in words.
    pub(crate) fn plain(mut self, on: bool) -> Palette {
        self.plain = on;
        self
    }

    pub(crate) fn is_plain(&self) -> bool {
        self.plain
    }

    /// A bordered block: lines of box drawing, or blanks on a plain screen.
    pub(crate) fn bordered(&self) -> ratatui::widgets::Block<'static> {
        let b = ratatui::widgets::Block::bordered();
        if self.plain {
            b.border_set(BLANK_BORDER)
        } else {
            b
        }
    }

    /// `fancy` on a normal screen, `words` on a plain one.
    pub(crate) fn say<'a>(&self, fancy: &'a str, words: &'a str) -> &'a str {
        if self.plain { words } else { fancy }
    }
    fn fg(&self, c: Color) -> ratatui::style::Style {
        let s = ratatui::style::Style::default();
        if self.colour { s.fg(c) } else { s }
    }
    /// Focus, keys, titles.
    pub(crate) fn accent(&self) -> ratatui::style::Style {
        self.fg(self.theme.accent)
    }
    /// Success.
    pub(crate) fn ok(&self) -> ratatui::style::Style {
        self.fg(self.theme.ok)
    }
    /// Waiting, unsaved.
    pub(crate) fn warn(&self) -> ratatui::style::Style {
        self.fg(self.theme.warn)
    }
    /// Errors.
    pub(crate) fn error(&self) -> ratatui::style::Style {
        self.fg(self.theme.error)
    }
    /// A badge (the demo's): dark text on the warning colour; reverse video
    /// without colours, so it still stands out.
    pub(crate) fn badge(&self) -> ratatui::style::Style {
        use ratatui::style::{Modifier, Style};
        if self.colour {
            Style::default().fg(Color::Black).bg(self.theme.warn)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }
}
