//! Long bodies stay fast to edit. The text widget re-wraps all of its text on
//! every change, so for a body longer than a window and a half it holds only a
//! window around the cursor — the body pane's height and some slack on each
//! side, cut at the body's ends — and the lines above and below wait here,
//! untouched. Typing costs the same in a 1 MiB body as in a short one. When the
//! cursor comes within a pane's height of the window's edge the window moves
//! (keeping the screen where it was).
//! Undo history does not cross a move.

use super::model::Model;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::form::Outside;
use crate::tui::app::state::form::styled_field;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

/// Pastes this large go straight into the whole body.
const BIG_PASTE: usize = 16 * 1024;

fn char_to_byte(s: &str, col: usize) -> usize {
    s.char_indices().nth(col).map(|(i, _)| i).unwrap_or(s.len())
}

impl Model {
    /// Lines the text widget holds for a long body: the screen's rows above and
    /// below the cursor, and slack so the window does not move on every line.
    fn window(&self) -> usize {
        2 * self.margin() + 24
    }

    /// The window moves when the cursor is this close to its edge: as many
    /// lines as the body can show, so the view never runs past the window.
    /// The body gets at most the screen less the header, four field rows, the
    /// status pane's three and the footer.
    fn margin(&self) -> usize {
        self.form.screen_rows.saturating_sub(1 + 4 + 3 + 1).max(4) + 2
    }

    /// Bodies with more lines than this are windowed.
    fn trigger(&self) -> usize {
        self.window() * 3 / 2
    }

    fn body_ta(&self) -> &TextArea<'static> {
        self.field(Field::Body)
    }

    /// Lines in the whole body.
    /// Counts the body's words and characters (every line, the window's
    /// and those outside it).
    pub(crate) fn count_body(&mut self) {
        let o = &self.form.body_outside;
        let lines = o
            .before
            .iter()
            .chain(self.body_ta().lines())
            .chain(o.after_rev.iter().rev());
        let (mut words, mut chars, mut n) = (0usize, 0usize, 0usize);
        for l in lines {
            words += l.split_whitespace().count();
            chars += l.chars().count();
            n += 1;
        }
        // The line breaks are characters too.
        self.form.counts = (words, chars + n.saturating_sub(1));
    }

    pub fn body_lines_total(&self) -> usize {
        self.form.body_outside.before.len()
            + self.body_ta().lines().len()
            + self.form.body_outside.after_rev.len()
    }

    /// The cursor in the whole body: (line, character).
    pub fn body_cursor(&self) -> (usize, usize) {
        let ratatui_textarea::DataCursor(r, c) = self.body_ta().cursor();
        (self.form.body_outside.before.len() + r, c)
    }

    /// Line `n` of the whole body.
    pub(crate) fn body_line(&self, n: usize) -> Option<&str> {
        let o = &self.form.body_outside;
        let lines = self.body_ta().lines();
        if n < o.before.len() {
            return Some(&o.before[n]);
        }
        let n = n - o.before.len();
        if n < lines.len() {
            return Some(&lines[n]);
        }
        let n = n - lines.len();
        let after = o.after_rev.len();
        (n < after).then(|| o.after_rev[after - 1 - n].as_str())
    }

    /// The whole body.
    pub(crate) fn body_text(&self) -> String {
        let o = &self.form.body_outside;
        if o.is_empty() {
            return self.body_ta().lines().join("\n");
        }
        let mut all: Vec<&str> = Vec::with_capacity(self.body_lines_total());
        all.extend(o.before.iter().map(String::as_str));
        all.extend(self.body_ta().lines().iter().map(String::as_str));
        all.extend(o.after_rev.iter().rev().map(String::as_str));
        all.join("\n")
    }

    /// Replaces the body; the cursor goes to its end (like typing it).
    pub(crate) fn set_body(&mut self, text: &str) {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let last = lines.len() - 1;
        let col = lines[last].chars().count();
        // A body set whole (loaded, recovered, edited outside) is not a paste to take back.
        self.form.before_paste = None;
        self.form.body_outside = Outside::default();
        self.install_window(lines, (last, col), None);
    }

    /// Every line of the body, taking them out of the model (the widget is left empty).
    fn take_all_lines(&mut self) -> Vec<String> {
        let ta = std::mem::take(&mut self.form.fields[Field::Body.index()]);
        let o = std::mem::take(&mut self.form.body_outside);
        let mut all = o.before;
        all.extend(ta.into_lines());
        all.extend(o.after_rev.into_iter().rev());
        all
    }

    /// Puts `all` (the whole body) back with the window centred on `cursor`
    /// (whole-body coordinates) and, if given, the cursor that many screen rows
    /// below the viewport's top.
    fn install_window(
        &mut self,
        mut all: Vec<String>,
        cursor: (usize, usize),
        screen_offset: Option<usize>,
    ) {
        if all.is_empty() {
            all.push(String::new());
        }
        let n = all.len();
        let (start, end) = if n <= self.trigger() {
            (0, n)
        } else {
            // Half a window either side of the cursor, cut at the body's ends:
            // typing at the end of a long body wraps half a window, not a whole one.
            let half = self.window() / 2;
            let row = cursor.0.min(n - 1);
            (row.saturating_sub(half), (row + half + 1).min(n))
        };
        let after_rev: Vec<String> = all.drain(end..).rev().collect();
        let window: Vec<String> = all.drain(start..).collect();
        self.form.body_outside = Outside {
            before: all,
            after_rev,
        };
        let mut ta = styled_field(TextArea::new(window), Field::Body);
        let row = cursor.0.clamp(start, end - 1) - start;
        if let Some(off) = screen_offset {
            // Keep the cursor on the same screen row: put the viewport's top `off` rows above it.
            ta.scroll(((row.saturating_sub(off)).min(i16::MAX as usize) as i16, 0));
        }
        ta.move_cursor(CursorMove::Jump(
            row.min(u16::MAX as usize) as u16,
            cursor.1.min(u16::MAX as usize) as u16,
        ));
        self.form.fields[Field::Body.index()] = ta;
    }

    /// Moves the cursor to (line, character) of the whole body.
    pub fn body_jump(&mut self, row: usize, col: usize) {
        let before = self.form.body_outside.before.len();
        let len = self.body_ta().lines().len();
        if row >= before && row < before + len {
            self.form.fields[Field::Body.index()].move_cursor(CursorMove::Jump(
                (row - before) as u16,
                col.min(u16::MAX as usize) as u16,
            ));
            self.body_reframe();
            return;
        }
        self.recenter((row, col), None);
    }

    /// Rebuilds the window around `cursor` (whole-body coordinates).
    fn recenter(&mut self, cursor: (usize, usize), screen_offset: Option<usize>) {
        let all = self.take_all_lines();
        self.install_window(all, cursor, screen_offset);
    }

    /// The terminal's height changed: size the window for it.
    /// A page down or up in the body: the cursor moves by about the body's
    /// height and stops at the first or last line, and the view follows it
    /// only as far as it needs. (The text widget's own page scroll moves the
    /// view by a page whatever the text, so a short body scrolled out of
    /// sight, leaving one line.)
    pub(crate) fn body_page(&mut self, down: bool) {
        // The body gets the screen less the header, fields, status and
        // footer: about 12 rows at most.
        let page = self.form.screen_rows.saturating_sub(12).max(3);
        let (row, col) = self.body_cursor();
        let last = self.body_lines_total().saturating_sub(1);
        let to = if down {
            (row + page).min(last)
        } else {
            row.saturating_sub(page)
        };
        self.body_jump(to, col);
        crate::tui::app::state::form::reset_view(&mut self.form.fields[Field::Body.index()]);
    }

    pub fn body_set_rows(&mut self, rows: usize) {
        if rows == self.form.screen_rows {
            return;
        }
        self.form.screen_rows = rows;
        let total = self.body_lines_total();
        if self.form.body_outside.is_empty() && total <= self.trigger() {
            return;
        }
        self.recenter(self.body_cursor(), None);
    }

    /// After an edit or a move in a long body: moves the window if the cursor
    /// came near its edge, or puts the whole body back once it is short again.
    pub(crate) fn body_reframe(&mut self) {
        let ta = self.body_ta();
        let n = ta.lines().len();
        let ratatui_textarea::DataCursor(r, _) = ta.cursor();
        let o = &self.form.body_outside;
        let total = o.before.len() + n + o.after_rev.len();
        let margin = self.margin();
        let near_top = r < margin && !o.before.is_empty();
        let near_bottom = n - r <= margin && !o.after_rev.is_empty();
        let grown = n > 2 * self.window();
        let short_again = !o.is_empty() && total <= self.trigger();
        if !(near_top || near_bottom || grown || short_again) {
            return;
        }
        let screen = ta.screen_cursor().row;
        let top = ta.scroll_offset().0 as usize;
        let offset = screen.saturating_sub(top);
        self.recenter(self.body_cursor(), Some(offset));
    }

    /// Keys that go beyond the window (top and bottom of the body) move it first.
    pub(crate) fn body_before_key(&mut self, key: &KeyEvent) {
        if self.form.body_outside.is_empty() {
            return;
        }
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        // The widget's own Top/Bottom keep the column; so does the jump.
        let col = self.body_cursor().1;
        let last = self.body_lines_total() - 1;
        match key.code {
            KeyCode::Char('<') if alt => self.body_jump(0, col),
            KeyCode::Home if ctrl => self.body_jump(0, col),
            KeyCode::Char('>') if alt => self.body_jump(last, col),
            KeyCode::End if ctrl => self.body_jump(last, col),
            _ => {}
        }
    }

    /// Inserts pasted text at the cursor. Large pastes go into the whole body
    /// directly instead of through the widget (which would re-wrap it all).
    pub(crate) fn body_insert(&mut self, text: &str) {
        let total = self.body_lines_total();
        let pasted_lines = text.matches('\n').count();
        if text.len() < BIG_PASTE && total + pasted_lines <= self.trigger() {
            self.form.fields[Field::Body.index()].insert_str(text);
            return;
        }
        if text.len() < BIG_PASTE
            && !self.form.body_outside.is_empty()
            && pasted_lines < self.margin()
        {
            self.form.fields[Field::Body.index()].insert_str(text);
            self.body_reframe();
            return;
        }
        let (row, col) = self.body_cursor();
        self.form.before_paste = Some(crate::tui::app::state::form::BodyBefore {
            text: self.body_text(),
            cursor: (row, col),
            what: "The paste was",
        });
        let mut all = self.take_all_lines();
        let line = std::mem::take(&mut all[row]);
        let at = char_to_byte(&line, col);
        let (head, tail) = line.split_at(at);
        let mut parts: Vec<String> = text.split('\n').map(str::to_string).collect();
        let last = parts.len() - 1;
        let end_col = if last == 0 { col } else { 0 } + parts[last].chars().count();
        parts[0] = format!("{head}{}", parts[0]);
        parts[last].push_str(tail);
        let new_row = row + last;
        all.splice(row..=row, parts);
        self.install_window(all, (new_row, end_col), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::offline()
    }

    fn numbered(n: usize) -> String {
        (0..n)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_long_body_is_windowed_and_reads_back_whole() {
        let mut m = model();
        let text = numbered(5000);
        m.set_text(Field::Body, &text);
        // At either end of the body the window is the half on the body's side.
        let half = m.window() / 2;
        assert_eq!(m.field(Field::Body).lines().len(), half + 1);
        assert_eq!(m.body_lines_total(), 5000);
        assert_eq!(m.text(Field::Body), text);
        assert_eq!(m.body_cursor(), (4999, 9));
        m.body_jump(0, 0);
        assert_eq!(m.body_cursor(), (0, 0));
        assert_eq!(m.field(Field::Body).lines().len(), half + 1);
        assert_eq!(m.text(Field::Body), text);
        m.body_jump(2500, 3);
        assert_eq!(m.body_cursor(), (2500, 3));
        assert_eq!(m.field(Field::Body).lines().len(), 2 * half + 1);
        assert_eq!(m.form.body_outside.before.len(), 2500 - half);
    }

    #[test]
    fn big_pastes_land_at_the_cursor() {
        let mut m = model();
        m.set_text(Field::Body, "ab\ncd");
        m.body_jump(0, 1);
        let paste = numbered(1000);
        m.body_insert(&paste);
        let want = format!("a{paste}b\ncd");
        assert_eq!(m.text(Field::Body), want);
        assert_eq!(m.body_cursor(), (999, "line 999".len()));
        // Back to a short body: the window goes away.
        m.set_text(Field::Body, "short");
        assert!(m.form.body_outside.is_empty());
    }

    #[test]
    fn a_taller_terminal_gets_a_bigger_window() {
        let mut m = model();
        m.form.screen_rows = 30;
        m.set_text(Field::Body, &numbered(3000));
        let small = m.field(Field::Body).lines().len();
        m.body_set_rows(100);
        // The cursor is on the last line: a body pane's height of lines above it.
        let rows = 100 - 9;
        let big = m.field(Field::Body).lines().len();
        assert!(big > rows, "{big} lines cannot fill {rows} rows");
        assert_eq!(big - small, 100 - 30, "a line more for each row more");
        assert_eq!(m.body_cursor(), (2999, "line 2999".len()));
        assert_eq!(m.text(Field::Body), numbered(3000));
    }

    #[test]
    fn moving_near_the_edge_moves_the_window() {
        let mut m = model();
        m.set_text(Field::Body, &numbered(3000));
        m.body_jump(1500, 0);
        for _ in 0..200 {
            m.form.fields[Field::Body.index()].move_cursor(CursorMove::Up);
            m.body_reframe();
        }
        assert_eq!(m.body_cursor(), (1300, 0));
        assert_eq!(m.text(Field::Body), numbered(3000));
    }
}
