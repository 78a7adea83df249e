//! A lean crossterm backend: it remembers where the terminal's cursor is, which
//! style is active and whether the cursor is shown, and writes only what
//! changes. Typing one character in the body then costs a few bytes on the wire
//! (the character itself, at the cursor that is already there) instead of the
//! ~40 bytes of a move, the character, four style resets, a cursor show and a
//! move back. Over ssh on a slow link that is the difference you feel.

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;

#[derive(Clone, Copy, PartialEq, Eq)]
struct Pen {
    fg: Color,
    bg: Color,
    /// The underline's own colour (SGR 58; terminals without it ignore it).
    underline: Color,
    modifier: Modifier,
}

pub struct LeanBackend<W: Write> {
    out: W,
    /// Where the terminal's cursor is, when known.
    at: Option<(u16, u16)>,
    /// The active SGR state, when known.
    pen: Option<Pen>,
    cursor_shown: Option<bool>,
    /// The terminal's width (where the cursor wraps), as last asked: at
    /// start and whenever `size` asks the terminal (the screen does after
    /// every resize), never per frame.
    width: std::cell::Cell<u16>,
    /// The size given by a test or benchmark; or the one asked when the
    /// backend was made, the answer to the first question (a start asks
    /// the terminal once, not twice: each question opens /dev/tty).
    size: std::cell::Cell<Option<Size>>,
    /// The size was given (tests, benchmarks): never ask a terminal for it.
    fixed: bool,
}

impl<W: Write> LeanBackend<W> {
    pub(crate) fn new(out: W) -> Self {
        let asked = crossterm::terminal::size().ok();
        let b = Self::with_width(out, asked.map_or(u16::MAX, |(w, _)| w));
        b.size
            .set(asked.map(|(width, height)| Size { width, height }));
        b
    }

    /// For tests and benchmarks: a backend of a known size writing into `out`.
    pub fn with_size(out: W, width: u16, height: u16) -> Self {
        let mut b = Self::with_width(out, width);
        b.set_size_for_test(width, height);
        b
    }

    /// For tests: the terminal now has this size.
    pub(crate) fn set_size_for_test(&mut self, width: u16, height: u16) {
        self.size.set(Some(Size { width, height }));
        self.width.set(width);
        self.fixed = true;
    }

    /// For tests: a backend of a known width writing into `out`.
    pub(crate) fn with_width(out: W, width: u16) -> Self {
        LeanBackend {
            out,
            at: None,
            pen: None,
            cursor_shown: None,
            width: std::cell::Cell::new(width),
            size: std::cell::Cell::new(None),
            fixed: false,
        }
    }

    /// Something else wrote to the terminal (an editor): assume nothing.
    pub(crate) fn forget(&mut self) {
        self.at = None;
        self.pen = None;
        self.cursor_shown = None;
    }

    /// What was written (for the tests).
    #[cfg(test)]
    pub(crate) fn writer(&self) -> &W {
        &self.out
    }

    fn move_to(&mut self, x: u16, y: u16) -> io::Result<()> {
        if self.at != Some((x, y)) {
            write!(self.out, "\x1b[{};{}H", y + 1, x + 1)?;
            self.at = Some((x, y));
        }
        Ok(())
    }

    fn set_pen(&mut self, pen: Pen) -> io::Result<()> {
        if self.pen == Some(pen) {
            return Ok(());
        }
        // One sequence: reset, then the attributes and colours of this cell.
        let mut sgr = String::from("\x1b[0");
        for (m, code) in [
            (Modifier::BOLD, "1"),
            (Modifier::DIM, "2"),
            (Modifier::ITALIC, "3"),
            (Modifier::UNDERLINED, "4"),
            (Modifier::SLOW_BLINK, "5"),
            (Modifier::RAPID_BLINK, "6"),
            (Modifier::REVERSED, "7"),
            (Modifier::HIDDEN, "8"),
            (Modifier::CROSSED_OUT, "9"),
        ] {
            if pen.modifier.contains(m) {
                sgr.push(';');
                sgr.push_str(code);
            }
        }
        colour(&mut sgr, pen.fg, false);
        colour(&mut sgr, pen.bg, true);
        if pen.modifier.contains(Modifier::UNDERLINED) {
            underline_colour(&mut sgr, pen.underline);
        }
        sgr.push('m');
        self.out.write_all(sgr.as_bytes())?;
        self.pen = Some(pen);
        Ok(())
    }
}

fn colour(sgr: &mut String, c: Color, background: bool) {
    let base = |n: u8| if background { n + 10 } else { n };
    let code = match c {
        Color::Reset => return,
        Color::Black => base(30).to_string(),
        Color::Red => base(31).to_string(),
        Color::Green => base(32).to_string(),
        Color::Yellow => base(33).to_string(),
        Color::Blue => base(34).to_string(),
        Color::Magenta => base(35).to_string(),
        Color::Cyan => base(36).to_string(),
        Color::Gray => base(37).to_string(),
        Color::DarkGray => base(90).to_string(),
        Color::LightRed => base(91).to_string(),
        Color::LightGreen => base(92).to_string(),
        Color::LightYellow => base(93).to_string(),
        Color::LightBlue => base(94).to_string(),
        Color::LightMagenta => base(95).to_string(),
        Color::LightCyan => base(96).to_string(),
        Color::White => base(97).to_string(),
        Color::Indexed(i) => format!("{};5;{i}", if background { 48 } else { 38 }),
        Color::Rgb(r, g, b) => format!("{};2;{r};{g};{b}", if background { 48 } else { 38 }),
    };
    sgr.push(';');
    sgr.push_str(&code);
}

/// SGR 58: the underline's colour, as a 256-colour index or RGB.
fn underline_colour(sgr: &mut String, c: Color) {
    let named = [
        Color::Black,
        Color::Red,
        Color::Green,
        Color::Yellow,
        Color::Blue,
        Color::Magenta,
        Color::Cyan,
        Color::Gray,
        Color::DarkGray,
        Color::LightRed,
        Color::LightGreen,
        Color::LightYellow,
        Color::LightBlue,
        Color::LightMagenta,
        Color::LightCyan,
        Color::White,
    ];
    let code = match c {
        Color::Reset => return,
        Color::Indexed(i) => format!("58;5;{i}"),
        Color::Rgb(r, g, b) => format!("58;2;{r};{g};{b}"),
        named_colour => match named.iter().position(|n| *n == named_colour) {
            Some(i) => format!("58;5;{i}"),
            None => return,
        },
    };
    sgr.push(';');
    sgr.push_str(&code);
}

impl<W: Write> Backend for LeanBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            self.move_to(x, y)?;
            self.set_pen(Pen {
                fg: cell.fg,
                bg: cell.bg,
                underline: cell.underline_color,
                modifier: cell.modifier,
            })?;
            let sym = cell.symbol();
            self.out.write_all(sym.as_bytes())?;
            let w = UnicodeWidthStr::width(sym).max(1) as u16;
            let nx = x.saturating_add(w);
            // At the right margin terminals differ (pending wrap): forget the position.
            self.at = if nx >= self.width.get() {
                None
            } else {
                Some((nx, y))
            };
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(false) {
            self.out.write_all(b"\x1b[?25l")?;
            self.cursor_shown = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.cursor_shown != Some(true) {
            self.out.write_all(b"\x1b[?25h")?;
            self.cursor_shown = Some(true);
        }
        Ok(())
    }

    /// Never asks the terminal (a round trip over a slow link, and a reply that
    /// could mix with typed keys): graft is full-screen, and ratatui only uses this
    /// to put the cursor back after clearing.
    fn get_cursor_position(&mut self) -> io::Result<Position> {
        let (x, y) = self.at.unwrap_or((0, 0));
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let p = position.into();
        self.move_to(p.x, p.y)
    }

    /// Clears everything, and forgets what the terminal was believed to
    /// have (the pen, the cursor's place and visibility): a full clear is
    /// also the repair after another program wrote over the screen (Ctrl-L),
    /// which may have left any of them changed.
    fn clear(&mut self) -> io::Result<()> {
        self.pen = None;
        self.at = None;
        self.cursor_shown = None;
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Erasing paints with the current background: use the default one.
        self.set_pen(Pen {
            fg: Color::Reset,
            bg: Color::Reset,
            underline: Color::Reset,
            modifier: Modifier::empty(),
        })?;
        let seq: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.out.write_all(seq)
    }

    fn size(&self) -> io::Result<Size> {
        // Asked only when the screen does not know (at start, after an
        // editor had the terminal): the loop tells it of every resize. A
        // given size is never asked for (a test run from a terminal would
        // otherwise get that terminal's size).
        if let (true, Some(size)) = (self.fixed, self.size.get()) {
            return Ok(size);
        }
        if let Some(size) = self.size.take() {
            return Ok(size);
        }
        let (width, height) = crossterm::terminal::size()?;
        self.width.set(width);
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let ws = crossterm::terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: ws.columns,
                height: ws.rows,
            },
            pixels: Size {
                width: ws.width,
                height: ws.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        // Not asking the size here: that is three system calls per frame
        // (and per echoed key), for a width that changes only on a resize.
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    fn cells(buf: &Buffer) -> Vec<(u16, u16, &Cell)> {
        let a = buf.area;
        (a.y..a.bottom())
            .flat_map(|y| (a.x..a.right()).map(move |x| (x, y)))
            .map(|(x, y)| (x, y, &buf[(x, y)]))
            .collect()
    }

    #[test]
    fn typing_at_the_cursor_writes_just_the_character() {
        let mut b = LeanBackend::with_width(Vec::new(), 80);
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        buf[(0, 0)].set_symbol("a");
        b.draw(cells(&buf).into_iter().take(1)).unwrap();
        b.set_cursor_position(Position::new(1, 0)).unwrap();
        b.show_cursor().unwrap();
        let before = b.writer().len();
        // The next key lands where the cursor already is.
        buf[(1, 0)].set_symbol("b");
        b.draw(cells(&buf).into_iter().skip(1).take(1)).unwrap();
        b.set_cursor_position(Position::new(2, 0)).unwrap();
        b.show_cursor().unwrap();
        assert_eq!(&b.writer()[before..], b"b");
    }

    #[test]
    fn styles_and_moves_are_written_when_they_change() {
        let mut b = LeanBackend::with_width(Vec::new(), 80);
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 2));
        buf[(0, 1)]
            .set_symbol("x")
            .set_fg(Color::Red)
            .set_style(ratatui::style::Style::default().add_modifier(Modifier::BOLD));
        b.draw(std::iter::once((0, 1, &buf[(0, 1)]))).unwrap();
        let s = String::from_utf8(b.writer().clone()).unwrap();
        assert_eq!(s, "\x1b[2;1H\x1b[0;1;31mx");
    }

    #[test]
    fn wide_characters_advance_two_columns() {
        let mut b = LeanBackend::with_width(Vec::new(), 80);
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf[(0, 0)].set_symbol("日");
        b.draw(std::iter::once((0, 0, &buf[(0, 0)]))).unwrap();
        let n = b.writer().len();
        b.set_cursor_position(Position::new(2, 0)).unwrap();
        assert_eq!(b.writer().len(), n, "already there");
    }
}
