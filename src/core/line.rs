//! One line of text being edited, for the fields that are not text-area
//! widgets (the attach dialog's path): a cursor, the usual moves, undo, and
//! "typing replaces" after a failed attempt (the text is kept, shown, and
//! given up only when the user types something new).

/// A line and its cursor (a byte offset on a character boundary).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEdit {
    text: String,
    cursor: usize,
    undo: Vec<(String, usize)>,
    /// The next typed character replaces the whole line.
    replace_next: bool,
    /// The last insert did not fit whole.
    cut: bool,
}

impl LineEdit {
    /// The most a one-line input holds (a search, a path, a variable's
    /// value): a paste beyond it is cut there, and [`LineEdit::was_cut`] says so.
    pub const MAX: usize = 2_000;

    /// Whether the last insert was cut at [`LineEdit::MAX`].
    pub(crate) fn was_cut(&self) -> bool {
        self.cut
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The cursor as a character count from the start.
    pub(crate) fn cursor_chars(&self) -> usize {
        self.text[..self.cursor].chars().count()
    }

    /// Replaces the text (undoably); the cursor goes to the end.
    pub(crate) fn set(&mut self, text: impl Into<String>) {
        self.remember();
        self.text = text.into();
        self.cursor = self.text.len();
        self.replace_next = false;
    }

    /// Empties the line (undoably).
    pub(crate) fn clear(&mut self) {
        self.set(String::new());
    }

    /// The text stays, but what is typed next replaces it.
    pub(crate) fn replace_on_type(&mut self) {
        self.replace_next = true;
    }

    fn remember(&mut self) {
        if self.undo.last().is_none_or(|(t, _)| *t != self.text) {
            self.undo.push((self.text.clone(), self.cursor));
            if self.undo.len() > 100 {
                self.undo.remove(0);
            }
        }
    }

    pub(crate) fn insert(&mut self, s: &str) {
        self.remember();
        if std::mem::take(&mut self.replace_next) {
            self.text.clear();
            self.cursor = 0;
        }
        let room = Self::MAX.saturating_sub(self.text.chars().count());
        let fit: String = s.chars().take(room).collect();
        self.cut = fit.len() < s.len();
        self.text.insert_str(self.cursor, &fit);
        self.cursor += fit.len();
    }

    /// The grapheme cluster before the cursor (an emoji with joiners, a
    /// letter and its accent: one thing to the eye), in bytes.
    fn before(&self) -> Option<usize> {
        use unicode_segmentation::UnicodeSegmentation;
        self.text[..self.cursor]
            .graphemes(true)
            .next_back()
            .map(str::len)
    }

    /// The grapheme cluster after the cursor, in bytes.
    fn after(&self) -> Option<usize> {
        use unicode_segmentation::UnicodeSegmentation;
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map(str::len)
    }

    pub(crate) fn backspace(&mut self) {
        self.replace_next = false;
        if let Some(n) = self.before() {
            self.remember();
            self.cursor -= n;
            self.text.replace_range(self.cursor..self.cursor + n, "");
        }
    }

    pub(crate) fn delete(&mut self) {
        self.replace_next = false;
        if let Some(n) = self.after() {
            self.remember();
            self.text.replace_range(self.cursor..self.cursor + n, "");
        }
    }

    pub(crate) fn left(&mut self) {
        self.replace_next = false;
        if let Some(n) = self.before() {
            self.cursor -= n;
        }
    }

    pub(crate) fn right(&mut self) {
        self.replace_next = false;
        if let Some(n) = self.after() {
            self.cursor += n;
        }
    }

    pub(crate) fn home(&mut self) {
        self.replace_next = false;
        self.cursor = 0;
    }

    pub(crate) fn end(&mut self) {
        self.replace_next = false;
        self.cursor = self.text.len();
    }

    /// Deletes from the cursor to the end of the line.
    pub(crate) fn kill_to_end(&mut self) {
        self.replace_next = false;
        if self.cursor < self.text.len() {
            self.remember();
            self.text.truncate(self.cursor);
        }
    }

    /// Deletes from the start of the line to the cursor.
    pub(crate) fn kill_to_start(&mut self) {
        self.replace_next = false;
        if self.cursor > 0 {
            self.remember();
            self.text.drain(..self.cursor);
            self.cursor = 0;
        }
    }

    /// Takes back the last change.
    pub(crate) fn undo(&mut self) {
        self.replace_next = false;
        if let Some((text, cursor)) = self.undo.pop() {
            self.text = text;
            self.cursor = cursor.min(self.text.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Backspace, Delete and the arrows take a whole grapheme cluster.
    #[test]
    fn edits_go_by_grapheme_cluster() {
        let mut l = LineEdit::default();
        l.insert("a👩\u{200d}👩\u{200d}👧e\u{301}");
        l.backspace();
        assert_eq!(l.text(), "a👩\u{200d}👩\u{200d}👧");
        l.left();
        l.delete();
        assert_eq!(l.text(), "a");
        l.insert("日本");
        l.left();
        l.right();
        l.insert("x");
        assert_eq!(l.text(), "a日本x");
    }

    #[test]
    fn edits_in_place_with_undo_and_replace_on_type() {
        let mut l = LineEdit::default();
        l.insert("/home/u/rport.pdf");
        for _ in 0.."port.pdf".len() {
            l.left();
        }
        l.insert("e");
        assert_eq!(l.text(), "/home/u/report.pdf");
        assert_eq!(l.cursor_chars(), 10);
        l.home();
        l.delete();
        assert_eq!(l.text(), "home/u/report.pdf");
        l.undo();
        assert_eq!(l.text(), "/home/u/report.pdf");
        l.end();
        l.backspace();
        assert_eq!(l.text(), "/home/u/report.pd");
        l.home();
        l.right();
        l.kill_to_end();
        assert_eq!(l.text(), "/");
        l.undo();
        l.replace_on_type();
        l.end();
        l.insert("x");
        assert_eq!(l.text(), "/home/u/report.pdx", "a move keeps the text");
        l.replace_on_type();
        l.insert("n");
        assert_eq!(l.text(), "n", "typing replaces it");
        let mut w = LineEdit::default();
        w.insert("日本");
        w.left();
        w.backspace();
        assert_eq!(w.text(), "本");
    }
}
