//! What the view draws into: a frame's buffer with its size, the same for the
//! full frame and a partial redraw.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

/// Where the view draws: a buffer covering the whole screen or one pane of it
/// (see `screen`), and where the terminal cursor goes.
pub(crate) struct Canvas<'a> {
    buf: &'a mut Buffer,
    screen: Rect,
    pub(super) cursor: Option<Position>,
    palette: crate::config::theme::Palette,
}

impl<'a> Canvas<'a> {
    pub(crate) fn new(buf: &'a mut Buffer, screen: Rect) -> Self {
        Canvas {
            buf,
            screen,
            cursor: None,
            palette: Default::default(),
        }
    }

    /// The styles to draw with.
    pub(crate) fn with_palette(mut self, palette: crate::config::theme::Palette) -> Self {
        self.palette = palette;
        self
    }

    pub(crate) fn palette(&self) -> crate::config::theme::Palette {
        self.palette
    }

    pub(crate) fn render_widget<W: Widget>(&mut self, widget: W, area: Rect) {
        widget.render(area, self.buf);
    }

    pub(crate) fn render_stateful_widget<W: ratatui::widgets::StatefulWidget>(
        &mut self,
        widget: W,
        area: Rect,
        state: &mut W::State,
    ) {
        widget.render(area, self.buf, state);
    }

    /// The whole screen (the buffer may hold only part of it).
    pub(crate) fn area(&self) -> Rect {
        self.screen
    }

    pub(crate) fn buffer_mut(&mut self) -> &mut Buffer {
        self.buf
    }

    pub(crate) fn set_cursor_position(&mut self, p: Position) {
        self.cursor = Some(p);
    }

    pub(crate) fn cursor(&self) -> Option<Position> {
        self.cursor
    }
}
