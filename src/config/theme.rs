//! Colours: four roles in the 16 ANSI colours, so the terminal's own palette
//! decides the shades and graft reads well on dark and light backgrounds.
//! The view draws with the default roles; a theme remaps them afterwards.

use ratatui::style::Color;

/// The default roles' colours: what the view draws with before a theme remaps them.
pub const ACCENT: Color = Color::Cyan;
pub const ERROR: Color = Color::Red;
pub const OK: Color = Color::Green;
pub const WARN: Color = Color::Yellow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Theme {
    /// Focus, keys, titles.
    pub accent: Color,
    /// Success.
    pub ok: Color,
    /// Waiting, unsaved, the demo badge.
    pub warn: Color,
    /// Errors.
    pub error: Color,
    /// No colour at all (like NO_COLOR).
    pub mono: bool,
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
    pub fn colour(name: &str) -> Option<Color> {
        name.trim().parse::<Color>().ok()
    }

    /// What a colour drawn with the default roles becomes.
    pub fn map(&self, c: Color) -> Color {
        let d = Theme::default();
        match c {
            c if c == d.accent => self.accent,
            c if c == d.ok => self.ok,
            c if c == d.warn => self.warn,
            c if c == d.error => self.error,
            c => c,
        }
    }
}
