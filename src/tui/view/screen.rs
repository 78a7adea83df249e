//! Frames that redraw only what changed.
//!
//! ratatui's `Terminal` draws every widget into a fresh buffer each frame and
//! then compares the whole screen with the last one. graft's screen is a stack
//! of parts (header, fields, body, status, footer); a keystroke in the body
//! changes the body, a save's answer changes the header and the status. Here
//! each part carries a fingerprint of everything it reads (`ui::part_key`);
//! a frame draws and compares only the parts whose fingerprint changed and
//! leaves the rest of the screen as it is. A dialog or the completion list
//! covers several parts: those frames are drawn whole.
//!
//! Debug builds check every frame: the screen built from parts must equal the
//! whole view drawn from scratch, so a fingerprint that misses an input fails
//! the tests instead of leaving stale text on a user's screen.

use super::{Canvas, Part, Plan, draw_all, draw_part, part_key, plan};
use crate::tui::app::Model;
use ratatui::backend::Backend;
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Rect, Size};

#[derive(Clone, Copy)]
struct Drawn {
    key: u64,
    cursor: Option<Position>,
}

/// The terminal, as graft draws on it.
pub struct Screen<B: Backend> {
    backend: B,
    /// What the terminal shows.
    shown: Buffer,
    /// Where a part (or a whole frame) is drawn before it is compared.
    scratch: Buffer,
    /// The shown cells of the part being compared.
    old: Buffer,
    /// Per part: the fingerprint it was last drawn with, and its cursor.
    drawn: [Option<Drawn>; 5],
    /// What the last frame drew: each part, or everything.
    last: Redrawn,
    cursor_hidden: bool,
    /// Where the last frame drew the body's pane (a frame of parts).
    body: Option<Rect>,
    /// The terminal's size as the loop last heard it (a resize event), so
    /// frames do not ask the terminal; `None` asks before the next frame.
    known: Option<Size>,
    /// The terminal and `shown` are blank (a new screen, cleared, or
    /// resized): the next frame draws straight into `shown`.
    blank: bool,
}

/// What one frame drew.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Redrawn {
    /// The whole screen (a dialog or the completion list is open, or the
    /// screen is too small for the parts).
    pub(crate) whole: bool,
    /// Otherwise, the parts whose fingerprint changed.
    pub(crate) parts: Vec<Part>,
}

impl<B: Backend> Screen<B> {
    /// A screen of the backend's size, assumed blank (a fresh alternate screen).
    pub fn new(backend: B) -> Result<Self, B::Error> {
        let size = backend.size()?;
        let area = Rect::new(0, 0, size.width, size.height);
        Ok(Screen {
            backend,
            shown: Buffer::empty(area),
            scratch: Buffer::empty(Rect::default()),
            old: Buffer::empty(Rect::default()),
            drawn: [None; 5],
            last: Redrawn::default(),
            cursor_hidden: false,
            body: None,
            known: Some(size),
            blank: true,
        })
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }

    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }

    /// What the last frame drew (for the tests).
    #[cfg(test)]
    fn redrawn(&self) -> &Redrawn {
        &self.last
    }

    pub(crate) fn size(&self) -> Result<Size, B::Error> {
        match self.known {
            Some(size) => Ok(size),
            None => self.backend.size(),
        }
    }

    /// The terminal has this size now (the loop saw a resize).
    pub fn resized(&mut self, width: u16, height: u16) {
        self.known = Some(Size { width, height });
        // The backend learns its new width (its wrap margin) when it asks
        // the terminal, which it does only when asked: once per resize.
        let _ = self.backend.size();
    }

    /// Something else had the terminal (an editor): ask its size again.
    pub(crate) fn forget_size(&mut self) {
        self.known = None;
    }

    /// Clears the terminal; the next frame draws everything.
    pub fn clear(&mut self) -> Result<(), B::Error> {
        self.backend.clear()?;
        self.shown.reset();
        self.drawn = [None; 5];
        self.blank = true;
        Ok(())
    }

    /// Writes the character `c`, typed but not yet handled, where the frame
    /// after it will put it (`view::echo_at`): what the user typed shows as
    /// soon as it is read, before `update` and the frame. The frame that
    /// follows compares against it like any shown cell.
    pub fn echo(&mut self, model: &Model, c: char) -> Result<(), B::Error> {
        let area = self.shown.area;
        let Some(body) = self
            .body
            .filter(|_| self.drawn[Part::Body as usize].is_some())
        else {
            return Ok(());
        };
        let Some((at, style)) = super::echo_at(model, body, c) else {
            return Ok(());
        };
        if !area.contains(at) {
            return Ok(());
        }
        let mut cell = Cell::EMPTY;
        cell.set_char(c).set_style(style);
        self.backend.draw(std::iter::once((at.x, at.y, &cell)))?;
        self.backend.flush()?;
        let i = self.shown.index_of(at.x, at.y);
        self.shown.content[i] = cell;
        Ok(())
    }

    /// Makes the buffers later frames draw into (a part, or a whole screen
    /// under a dialog) as large as the screen, now: a first frame on a blank
    /// screen needs neither, and the first keystroke or dialog after it
    /// should not wait for 60 pages of new memory.
    pub fn prepare(&mut self) {
        let area = self.shown.area;
        self.scratch.resize(area);
        self.old.content.resize(area.area() as usize, Cell::EMPTY);
        self.old.content.clear();
    }

    /// Draws `model`: only the parts that changed since the last frame.
    pub fn draw(&mut self, model: &Model) -> Result<(), B::Error> {
        let size = self.size()?;
        self.known = Some(size);
        let area = Rect::new(0, 0, size.width, size.height);
        if area != self.shown.area {
            // A new size: start from a clear screen, as ratatui does.
            self.shown = Buffer::empty(area);
            self.drawn = [None; 5];
            self.backend.clear()?;
            self.blank = true;
        }
        self.last.whole = false;
        self.last.parts.clear();
        let plan = plan(model, area).filter(|plan| !plan.overlay && tiles(plan, area));
        let cursor = match plan {
            _ if self.blank => self.draw_on_blank(model, plan.as_ref(), area)?,
            Some(plan) => self.draw_parts(model, &plan)?,
            None => self.draw_whole(model, area)?,
        };
        #[cfg(debug_assertions)]
        self.check(model, cursor);
        match cursor {
            None => {
                self.backend.hide_cursor()?;
                self.cursor_hidden = true;
            }
            Some(p) => {
                self.backend.show_cursor()?;
                self.cursor_hidden = false;
                self.backend.set_cursor_position(p)?;
            }
        }
        self.backend.flush()
    }

    /// A frame on a blank screen (the first, or the first after a clear or
    /// a resize) is drawn straight into `shown`: there is nothing to compare
    /// with but blank cells, so no copy of the screen or of a part is made
    /// (a first frame at 100x30 touched 50 more pages of memory for them).
    /// What is not blank is written, row by row.
    fn draw_on_blank(
        &mut self,
        model: &Model,
        plan: Option<&Plan<'_>>,
        area: Rect,
    ) -> Result<Option<Position>, B::Error> {
        self.blank = false;
        let mut canvas = Canvas::new(&mut self.shown, area).with_palette(model.session.palette());
        let cursor = match plan {
            // The parts one after another, each remembered as drawn.
            Some(plan) => {
                let mut cursor = None;
                for part in Part::ALL {
                    let key = part_key(model, plan, part);
                    draw_part(model, plan, part, &mut canvas);
                    let part_cursor = canvas.cursor.take();
                    self.drawn[part as usize] = Some(Drawn {
                        key,
                        cursor: part_cursor,
                    });
                    self.last.parts.push(part);
                    cursor = cursor.or(part_cursor);
                }
                self.body = Some(plan.rect(Part::Body));
                cursor
            }
            None => {
                draw_all(model, &mut canvas);
                self.drawn = [None; 5];
                self.body = None;
                self.last.whole = true;
                canvas.cursor()
            }
        };
        // One row at a time, swapped out of `shown` and back, against a blank row.
        let width = area.width as usize;
        let mut blank = Buffer::empty(Rect::new(area.x, area.y, area.width, 1));
        let mut row = blank.clone();
        for y in area.top()..area.bottom() {
            let cells = (y - area.y) as usize * width..(y - area.y + 1) as usize * width;
            blank.area.y = y;
            row.area.y = y;
            row.content
                .swap_with_slice(&mut self.shown.content[cells.clone()]);
            let written = self.backend.draw(blank.diff_iter(&row));
            row.content.swap_with_slice(&mut self.shown.content[cells]);
            written?;
        }
        Ok(cursor)
    }

    fn draw_whole(&mut self, model: &Model, area: Rect) -> Result<Option<Position>, B::Error> {
        self.scratch.resize(area);
        self.scratch.reset();
        let mut canvas = Canvas::new(&mut self.scratch, area).with_palette(model.session.palette());
        draw_all(model, &mut canvas);
        let cursor = canvas.cursor();
        self.backend.draw(self.shown.diff_iter(&self.scratch))?;
        std::mem::swap(&mut self.shown, &mut self.scratch);
        // Whatever covered the parts is gone next frame only if they are redrawn.
        self.drawn = [None; 5];
        self.body = None;
        self.last.whole = true;
        Ok(cursor)
    }

    fn draw_parts(&mut self, model: &Model, plan: &Plan<'_>) -> Result<Option<Position>, B::Error> {
        let area = self.shown.area;
        let width = area.width as usize;
        let mut cursor = None;
        self.body = Some(plan.rect(Part::Body));
        for part in Part::ALL {
            let key = part_key(model, plan, part);
            if let Some(d) = self.drawn[part as usize]
                && d.key == key
            {
                cursor = cursor.or(d.cursor);
                continue;
            }
            let rect = plan.rect(part);
            self.scratch.resize(rect);
            self.scratch.reset();
            let mut canvas =
                Canvas::new(&mut self.scratch, area).with_palette(model.session.palette());
            draw_part(model, plan, part, &mut canvas);
            let part_cursor = canvas.cursor();
            // Parts are whole rows: their cells are one run of the screen's.
            // That run is swapped out to compare against and the new cells are
            // swapped in: cells move, none is cloned.
            let rows = rect.y as usize * width..rect.bottom() as usize * width;
            self.old.area = rect;
            self.old.content.resize(rows.len(), Cell::EMPTY);
            self.old
                .content
                .swap_with_slice(&mut self.shown.content[rows.clone()]);
            let written = self.backend.draw(self.old.diff_iter(&self.scratch));
            self.shown.content[rows].swap_with_slice(&mut self.scratch.content);
            written?;
            self.drawn[part as usize] = Some(Drawn {
                key,
                cursor: part_cursor,
            });
            self.last.parts.push(part);
            cursor = cursor.or(part_cursor);
        }
        Ok(cursor)
    }

    /// The screen built from parts equals the whole view drawn afresh.
    #[cfg(debug_assertions)]
    fn check(&self, model: &Model, cursor: Option<Position>) {
        let area = self.shown.area;
        let mut whole = Buffer::empty(area);
        let mut canvas = Canvas::new(&mut whole, area).with_palette(model.session.palette());
        draw_all(model, &mut canvas);
        let want = canvas.cursor();
        if let Some(i) =
            (0..whole.content.len()).find(|&i| whole.content[i] != self.shown.content[i])
        {
            let w = area.width as usize;
            let (x, y) = (i % w, i / w);
            panic!(
                "stale cell at ({x}, {y}): shown {:?}, the view draws {:?}",
                self.shown.content[i], whole.content[i]
            );
        }
        assert_eq!(cursor, want, "the cursor is not where the view puts it");
    }
}

/// Whether the parts cover the screen row by row (they do unless it is tiny).
fn tiles(plan: &Plan<'_>, area: Rect) -> bool {
    let mut y = area.y;
    for part in Part::ALL {
        let r = plan.rect(part);
        if r.x != area.x || r.width != area.width || r.y != y {
            return false;
        }
        y += r.height;
    }
    y == area.bottom()
}

impl<B: Backend> Drop for Screen<B> {
    fn drop(&mut self) {
        if self.cursor_hidden {
            let _ = self.backend.show_cursor();
            let _ = self.backend.flush();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::backend::LeanBackend;
    use crate::tui::app::{Field, Msg, SavedHow, StatusEntry, update};
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn model() -> Model {
        Model::offline()
    }

    type TestScreen = Screen<LeanBackend<Vec<u8>>>;

    /// A 100x30 screen with the first frame drawn, and the body focused.
    fn started() -> (Model, TestScreen) {
        let mut m = model();
        m.form.focus = Field::Body;
        let mut s = Screen::new(LeanBackend::with_size(Vec::new(), 100, 30)).unwrap();
        s.draw(&m).unwrap();
        (m, s)
    }

    fn key(c: char) -> Msg {
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn written(s: &TestScreen) -> usize {
        s.backend().writer().len()
    }

    /// Types `c` as the loop does: echo first, then `update` and the frame.
    /// Returns the bytes the echo wrote and those the frame wrote.
    fn type_key(m: &mut Model, s: &mut TestScreen, c: char) -> (Vec<u8>, Vec<u8>) {
        let before = written(s);
        s.echo(m, c).unwrap();
        let echo = s.backend().writer()[before..].to_vec();
        update(m, Msg::Typed(c.to_string()));
        let before = written(s);
        s.draw(m).unwrap();
        (echo, s.backend().writer()[before..].to_vec())
    }

    /// A key typed into the body is written, in a few bytes, before
    /// `update` and the frame, where that frame puts it: the frame then
    /// writes nothing for that cell, and what is shown equals the view drawn
    /// afresh (checked by `draw` in debug builds). Typed over several
    /// wrapped rows, every echoed character ends where the frame has it.
    /// Where the place is not sure (inside a line, at the pane's edge, a
    /// dialog over the form), nothing is echoed.
    #[test]
    fn a_typed_character_is_echoed_before_update_and_frame() {
        let (mut m, mut s) = started();
        for c in "Hi team".chars() {
            type_key(&mut m, &mut s, c);
        }
        let (echo, frame) = type_key(&mut m, &mut s, '!');
        assert!(echo.ends_with(b"!"), "{:?}", String::from_utf8_lossy(&echo));
        assert!(echo.len() <= 12, "{:?}", String::from_utf8_lossy(&echo));
        assert!(
            !frame.contains(&b'!'),
            "{:?}",
            String::from_utf8_lossy(&frame)
        );

        // Words across several wrapped rows, on the pane's last row (each
        // new row scrolls the view): each echo is where the frame puts the
        // character, and near the edge nothing is guessed.
        for _ in 0..40 {
            update(
                &mut m,
                Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            );
            s.draw(&m).unwrap();
        }
        let text = "the quick brown fox jumps over the lazy dog again and again ".repeat(6);
        let (mut echoed, mut held) = (0, 0);
        for c in text.chars() {
            let at = super::super::echo_at(&m, s.body.unwrap(), c);
            let (echo, _) = type_key(&mut m, &mut s, c);
            match at {
                Some((p, _)) => {
                    echoed += 1;
                    assert!(!echo.is_empty());
                    assert_eq!(s.shown[(p.x, p.y)].symbol(), c.to_string(), "at {p:?}");
                    let cursor = m.field(Field::Body).screen_cursor();
                    assert!(cursor.col > 0, "the cursor follows the echoed character");
                }
                None => {
                    held += 1;
                    assert!(echo.is_empty());
                }
            }
        }
        assert!(echoed > 300 && held > 0, "{echoed} echoed, {held} held");

        // Inside a line: nothing is guessed.
        update(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE)),
        );
        s.draw(&m).unwrap();
        let (echo, _) = type_key(&mut m, &mut s, 'x');
        assert!(echo.is_empty());
        // A dialog over the form: nothing either.
        update(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
        );
        s.draw(&m).unwrap();
        let (echo, _) = type_key(&mut m, &mut s, 'q');
        assert!(echo.is_empty());
    }

    #[test]
    fn a_frame_redraws_only_the_parts_that_changed() {
        let (mut m, mut s) = started();
        assert_eq!(
            s.redrawn().parts,
            Part::ALL.to_vec(),
            "the first frame draws all"
        );

        // Nothing changed: nothing drawn, nothing written.
        let before = written(&s);
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn(), &Redrawn::default());
        assert_eq!(written(&s), before);

        // A key in the body: the body, and the header (it now says "unsaved").
        update(&mut m, key('H'));
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn().parts, vec![Part::Header, Part::Body]);
        update(&mut m, key('i'));
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn().parts, vec![Part::Body]);

        // A status line: only the status pane (the same height).
        m.status.push(StatusEntry::Info("New draft.".into()));
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn().parts, vec![Part::Status]);

        // Focus moves: the fields and the body (its border and the cursor).
        update(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
        );
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn().parts, vec![Part::Fields, Part::Body]);

        // A dialog covers several parts: drawn whole, and whole again as it
        // closes; then back to parts.
        update(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
        );
        s.draw(&m).unwrap();
        assert!(s.redrawn().whole);
        update(
            &mut m,
            Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn().parts, Part::ALL.to_vec());
        s.draw(&m).unwrap();
        assert!(s.redrawn().parts.is_empty());
    }

    fn saved(id: &str) -> StatusEntry {
        StatusEntry::Saved {
            at: "09:15:02".into(),
            how: SavedHow::Created,
            status: 201,
            status_text: "Created".into(),
            id: id.into(),
            web_link: format!(
                "https://outlook.office365.com/owa/?ItemID={id}&exvsurl=1&viewmodel=ReadMessageItem"
            ),
            folder: "Drafts".into(),
            request_id: None,
            files: None,
        }
    }

    #[test]
    fn after_a_save_the_status_pane_keeps_its_height_while_that_draft_is_on_screen() {
        let (mut m, mut s) = started();
        let body = |s: &TestScreen, m: &Model| {
            let plan = super::plan(m, s.shown.area).unwrap();
            plan.rect(Part::Body)
        };
        let before = body(&s, &m);

        // The first save's entry (an id and a link that wrap) needs more rows:
        // the body gives them up.
        let id = "AAMkAGI2TG93AAA".repeat(8);
        m.status.push(saved(&id));
        m.save.server.id = Some(id.clone());
        s.draw(&m).unwrap();
        // The header says it is saved now.
        assert_eq!(
            s.redrawn().parts,
            vec![Part::Header, Part::Body, Part::Status]
        );
        let kept = body(&s, &m);
        assert!(kept.height < before.height);

        // Shorter news after it while that draft is on screen: the body
        // stays put (the id and link stay under the news) and only the
        // status pane is drawn.
        m.status.push(StatusEntry::Info("Copied.".into()));
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn().parts, vec![Part::Status]);
        assert_eq!(body(&s, &m), kept);

        // Another draft: the rows kept for the old one's id are given back.
        m.save.server.id = None;
        m.status.push(StatusEntry::Info("New draft.".into()));
        s.draw(&m).unwrap();
        assert_eq!(body(&s, &m), before);
        let id2 = id.replace('G', "H");
        m.status.push(saved(&id2));
        m.save.server.id = Some(id2);
        s.draw(&m).unwrap();
        assert_eq!(body(&s, &m), kept);

        // Longer news still gets its rows.
        let long = "The server said no. ".repeat(40);
        m.status.push(StatusEntry::Info(long));
        s.draw(&m).unwrap();
        assert!(body(&s, &m).height < kept.height);
    }

    /// What a terminal shows after `bytes`: every cell with its colours
    /// and attributes, and the cursor.
    fn on_terminal(bytes: &[u8], cols: u16, rows: u16) -> (Vec<u8>, (u16, u16), bool) {
        let mut vt = vt100::Parser::new(rows, cols, 0);
        vt.process(bytes);
        let screen = vt.screen();
        (
            screen.contents_formatted(),
            screen.cursor_position(),
            screen.hide_cursor(),
        )
    }

    /// A first frame drawn straight into the screen (no copies) shows what
    /// the frame drawn part by part against a blank screen shows: the same
    /// cells, colours, wide characters and cursor; with a dialog open too,
    /// and again after a clear.
    #[test]
    fn a_first_frame_on_a_blank_screen_shows_what_the_parts_would() {
        let mut m = model();
        m.form.focus = Field::Subject;
        for c in "Über 日本語 plans".chars() {
            update(&mut m, key(c));
        }
        m.form.focus = Field::Body;
        for c in "Hello 世界,\nsee the attached figures.".chars() {
            update(&mut m, key(c));
        }
        m.status.push(saved("AAMkAGI2TG93AAA="));
        for dialog in [false, true] {
            if dialog {
                update(
                    &mut m,
                    Msg::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
                );
                assert!(m.dialog.is_some(), "F1 opens the help");
            }
            let mut fresh = Screen::new(LeanBackend::with_size(Vec::new(), 100, 30)).unwrap();
            fresh.draw(&m).unwrap();
            let mut parts = Screen::new(LeanBackend::with_size(Vec::new(), 100, 30)).unwrap();
            parts.blank = false;
            parts.draw(&m).unwrap();
            assert!(!fresh.blank && fresh.redrawn() == parts.redrawn());
            let want = on_terminal(parts.backend().writer(), 100, 30);
            assert_eq!(on_terminal(fresh.backend().writer(), 100, 30), want);
            // Cleared, the next frame is drawn on blank again, to the same screen.
            fresh.clear().unwrap();
            let before = written(&fresh);
            fresh.draw(&m).unwrap();
            let again = &fresh.backend().writer()[before..];
            assert_eq!(on_terminal(again, 100, 30), want);
        }
    }

    #[test]
    fn a_resize_clears_and_draws_everything() {
        let m = model();
        let mut s = Screen::new(LeanBackend::with_size(Vec::new(), 100, 30)).unwrap();
        s.draw(&m).unwrap();
        s.backend_mut().set_size_for_test(80, 24);
        s.resized(80, 24);
        let before = written(&s);
        s.draw(&m).unwrap();
        assert_eq!(s.redrawn().parts, Part::ALL.to_vec());
        let out = String::from_utf8_lossy(&s.backend().writer()[before..]).to_string();
        assert!(
            out.contains("\x1b[2J"),
            "the screen is cleared first: {out:?}"
        );
    }

    /// Every size of a resize storm draws, part by part, what the whole
    /// view draws (the debug build's check panics on a stale cell): a
    /// header given no row draws nothing, even its right-hand label.
    #[test]
    fn a_resize_storm_draws_each_size_as_the_whole_view_would() {
        let (mut m, mut s) = started();
        m.form.focus = Field::Subject;
        for c in "Storm subject".chars() {
            update(&mut m, key(c));
        }
        m.form.focus = Field::Body;
        for c in "Line one".chars() {
            update(&mut m, key(c));
        }
        let sizes = [
            (40u16, 10u16),
            (10, 2),
            (20, 5),
            (200, 60),
            (12, 3),
            (80, 24),
            (120, 40),
            (10, 2),
        ];
        for round in 0..4u16 {
            for (i, &(cols, rows)) in sizes.iter().enumerate() {
                let cols = cols + round * 3 + i as u16;
                s.resized(cols, rows);
                s.backend_mut().set_size_for_test(cols, rows);
                s.draw(&m).unwrap();
            }
        }
    }
}
