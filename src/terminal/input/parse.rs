//! Terminal input bytes → key and paste events, as xterm-compatible
//! terminals send them (and as crossterm reads them, so keys mean the same):
//! UTF-8 characters, C0 controls as Ctrl-letters, `ESC x` as Alt-x, CSI and
//! SS3 sequences for arrows, Home/End, PageUp/PageDown, Insert/Delete and
//! F1–F12 with their modifiers, and bracketed paste. Mouse and focus reports
//! and sequences graft has no use for are skipped whole.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

/// Bytes read but not yet turned into events.
#[derive(Debug, Default)]
pub(crate) struct Parser {
    buf: Vec<u8>,
    /// Where the next event starts in `buf`.
    at: usize,
    /// Inside a bracketed paste: the text so far.
    paste: Option<Vec<u8>>,
}

/// What the bytes at the start of the buffer are.
enum Step {
    Event(Event, usize),
    /// Nothing graft uses: skip this many bytes.
    Skip(usize),
    /// Not all there yet.
    Incomplete,
}

const PASTE_START: &[u8] = b"\x1b[200~";
const PASTE_END: &[u8] = b"\x1b[201~";
/// A CSI sequence longer than this is garbage, not a sequence still arriving.
const MAX_SEQUENCE: usize = 64;

impl Parser {
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if self.at > 0 && self.at == self.buf.len() {
            self.buf.clear();
            self.at = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Whether bytes wait that do not make an event yet (a lone ESC, part of
    /// a sequence or of a character, an unfinished paste).
    pub(crate) fn pending(&self) -> bool {
        self.at < self.buf.len() || self.paste.is_some()
    }

    /// The next complete event. `settled`: no more bytes are coming soon, so
    /// a lone ESC is the Esc key and an unfinished sequence is keys.
    pub(crate) fn next(&mut self, settled: bool) -> Option<Event> {
        loop {
            if self.paste.is_some() {
                return self.paste_step();
            }
            let rest = &self.buf[self.at..];
            if rest.is_empty() {
                return None;
            }
            match step(rest, settled) {
                Step::Event(ev, n) => {
                    self.at += n;
                    self.compact();
                    return Some(ev);
                }
                Step::Skip(n) => {
                    if rest.starts_with(PASTE_START) {
                        self.paste = Some(Vec::new());
                    }
                    self.at += n;
                    self.compact();
                }
                Step::Incomplete => return None,
            }
        }
    }

    fn compact(&mut self) {
        if self.at == self.buf.len() {
            self.buf.clear();
            self.at = 0;
        } else if self.at > 4096 {
            self.buf.drain(..self.at);
            self.at = 0;
        }
    }

    /// Inside a paste: everything up to the end marker is text.
    fn paste_step(&mut self) -> Option<Event> {
        let rest = &self.buf[self.at..];
        let paste = self.paste.as_mut()?;
        match find(rest, PASTE_END) {
            Some(i) => {
                paste.extend_from_slice(&rest[..i]);
                self.at += i + PASTE_END.len();
                let text =
                    String::from_utf8_lossy(&self.paste.take().unwrap_or_default()).into_owned();
                self.compact();
                Some(Event::Paste(text))
            }
            None => {
                // Keep what could be the start of the end marker.
                let keep = (1..PASTE_END.len())
                    .rev()
                    .find(|k| rest.len() >= *k && rest.ends_with(&PASTE_END[..*k]))
                    .unwrap_or(0);
                paste.extend_from_slice(&rest[..rest.len() - keep]);
                self.at += rest.len() - keep;
                self.compact();
                None
            }
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
    Event::Key(KeyEvent::new(code, modifiers))
}

/// A character as a key: upper case carries Shift (as crossterm reads it).
fn char_key(c: char, extra: KeyModifiers) -> Event {
    let shift = if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    key(KeyCode::Char(c), shift | extra)
}

fn step(b: &[u8], settled: bool) -> Step {
    match b[0] {
        0x1b => escape(b, settled),
        b'\r' => Step::Event(key(KeyCode::Enter, KeyModifiers::NONE), 1),
        // In raw mode Enter is CR; a line feed is Ctrl-J.
        b'\n' => Step::Event(key(KeyCode::Char('j'), KeyModifiers::CONTROL), 1),
        b'\t' => Step::Event(key(KeyCode::Tab, KeyModifiers::NONE), 1),
        0x7f => Step::Event(key(KeyCode::Backspace, KeyModifiers::NONE), 1),
        0x00 => Step::Event(key(KeyCode::Char(' '), KeyModifiers::CONTROL), 1),
        c @ 0x01..=0x1a => Step::Event(
            key(KeyCode::Char((c - 1 + b'a') as char), KeyModifiers::CONTROL),
            1,
        ),
        c @ 0x1c..=0x1f => Step::Event(
            key(
                KeyCode::Char((c - 0x1c + b'4') as char),
                KeyModifiers::CONTROL,
            ),
            1,
        ),
        _ => match utf8(b, settled) {
            Some(Ok((c, n))) => Step::Event(char_key(c, KeyModifiers::NONE), n),
            Some(Err(n)) => Step::Skip(n),
            None => Step::Incomplete,
        },
    }
}

/// One UTF-8 character: `Ok((char, len))`, `Err(bytes to skip)` for an
/// invalid one, `None` when it is cut off (and more may come).
fn utf8(b: &[u8], settled: bool) -> Option<Result<(char, usize), usize>> {
    let len = match b[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Some(Err(1)),
    };
    if b.len() < len {
        return if settled { Some(Err(b.len())) } else { None };
    }
    match std::str::from_utf8(&b[..len]) {
        Ok(s) => s.chars().next().map(|c| Ok((c, len))),
        Err(_) => Some(Err(1)),
    }
}

fn escape(b: &[u8], settled: bool) -> Step {
    if b.len() == 1 {
        return if settled {
            Step::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1)
        } else {
            Step::Incomplete
        };
    }
    match b[1] {
        b'[' => csi(b, settled),
        b'O' => ss3(b, settled),
        0x1b => Step::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        // Esc then a control key (Esc, Ctrl-S typed fast): two keys, not
        // Alt+Ctrl (which terminals hardly send and graft binds to nothing).
        0x00..=0x1f => Step::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        _ => {
            // ESC then a key: that key with Alt.
            match step(&b[1..], settled) {
                Step::Event(Event::Key(k), n) => {
                    Step::Event(key(k.code, k.modifiers | KeyModifiers::ALT), n + 1)
                }
                Step::Event(_, n) | Step::Skip(n) => Step::Skip(n + 1),
                Step::Incomplete => Step::Incomplete,
            }
        }
    }
}

/// `ESC O x`: arrows and Home/End in application mode, F1–F4.
fn ss3(b: &[u8], settled: bool) -> Step {
    if b.len() < 3 {
        return if settled {
            Step::Event(char_key('O', KeyModifiers::ALT), 2)
        } else {
            Step::Incomplete
        };
    }
    let code = match b[2] {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        b'R' => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        _ => return Step::Event(char_key('O', KeyModifiers::ALT), 2),
    };
    Step::Event(key(code, KeyModifiers::NONE), 3)
}

/// xterm's modifier parameter: 1 + Shift 1, Alt 2, Ctrl 4, Meta 8.
fn modifiers(p: Option<u16>) -> KeyModifiers {
    let bits = p.unwrap_or(1).saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    if bits & 1 != 0 {
        m |= KeyModifiers::SHIFT;
    }
    if bits & 2 != 0 {
        m |= KeyModifiers::ALT;
    }
    if bits & 4 != 0 {
        m |= KeyModifiers::CONTROL;
    }
    if bits & 8 != 0 {
        m |= KeyModifiers::META;
    }
    m
}

// Long by design: one arm per CSI sequence the terminals send.
fn csi(b: &[u8], settled: bool) -> Step {
    if b.len() == 2 {
        return if settled {
            Step::Event(char_key('[', KeyModifiers::ALT), 2)
        } else {
            Step::Incomplete
        };
    }
    // The Linux console's F1–F5: `ESC [ [ A`…`E`.
    if b[2] == b'[' {
        return match b.get(3) {
            Some(c @ b'A'..=b'E') => {
                Step::Event(key(KeyCode::F(c - b'A' + 1), KeyModifiers::NONE), 4)
            }
            Some(_) => Step::Skip(4),
            None if settled => Step::Skip(3),
            None => Step::Incomplete,
        };
    }
    // X10 mouse report: three more bytes.
    if b[2] == b'M' {
        return if b.len() >= 6 {
            Step::Skip(6)
        } else if settled {
            Step::Skip(b.len())
        } else {
            Step::Incomplete
        };
    }
    let Some(fin) = b[2..].iter().position(|c| (0x40..=0x7e).contains(c)) else {
        return if b.len() > MAX_SEQUENCE || settled {
            Step::Skip(1)
        } else {
            Step::Incomplete
        };
    };
    let end = 2 + fin;
    let len = end + 1;
    let body = &b[2..end];
    if body
        .first()
        .is_some_and(|c| matches!(c, b'<' | b'?' | b'>' | b'='))
    {
        // SGR mouse, private replies: nothing graft uses.
        return Step::Skip(len);
    }
    let params: Vec<Option<u16>> = std::str::from_utf8(body)
        .unwrap_or("")
        .split(';')
        .map(|p| p.split(':').next().and_then(|n| n.parse().ok()))
        .collect();
    let p = |i: usize| params.get(i).copied().flatten();
    let arrow = |code| Step::Event(key(code, modifiers(p(1))), len);
    match b[end] {
        b'A' => arrow(KeyCode::Up),
        b'B' => arrow(KeyCode::Down),
        b'C' => arrow(KeyCode::Right),
        b'D' => arrow(KeyCode::Left),
        b'H' => arrow(KeyCode::Home),
        b'F' => arrow(KeyCode::End),
        b'P' => arrow(KeyCode::F(1)),
        b'Q' => arrow(KeyCode::F(2)),
        b'R' if p(1).is_some() => arrow(KeyCode::F(3)),
        b'S' => arrow(KeyCode::F(4)),
        b'Z' => Step::Event(key(KeyCode::BackTab, KeyModifiers::SHIFT), len),
        b'~' => {
            let code = match p(0) {
                Some(1) | Some(7) => KeyCode::Home,
                Some(2) => KeyCode::Insert,
                Some(3) => KeyCode::Delete,
                Some(4) | Some(8) => KeyCode::End,
                Some(5) => KeyCode::PageUp,
                Some(6) => KeyCode::PageDown,
                Some(n @ 11..=15) => KeyCode::F((n - 10) as u8),
                Some(n @ 17..=21) => KeyCode::F((n - 11) as u8),
                Some(n @ 23..=26) => KeyCode::F((n - 12) as u8),
                Some(n @ 28..=29) => KeyCode::F((n - 13) as u8),
                Some(n @ 31..=34) => KeyCode::F((n - 14) as u8),
                // 200: a paste begins (the caller enters paste mode); a stray 201.
                _ => return Step::Skip(len),
            };
            Step::Event(key(code, modifiers(p(1))), len)
        }
        // Focus in/out, cursor reports, kitty keys: not used.
        _ => Step::Skip(len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(bytes: &[u8]) -> Vec<Event> {
        let mut p = Parser::default();
        p.feed(bytes);
        std::iter::from_fn(|| p.next(true)).collect()
    }

    fn k(code: KeyCode, m: KeyModifiers) -> Event {
        key(code, m)
    }

    #[test]
    fn characters_controls_and_alt() {
        use KeyModifiers as M;
        assert_eq!(
            all("aÉ日🎉".as_bytes()),
            vec![
                k(KeyCode::Char('a'), M::NONE),
                k(KeyCode::Char('É'), M::SHIFT),
                k(KeyCode::Char('日'), M::NONE),
                k(KeyCode::Char('🎉'), M::NONE),
            ]
        );
        assert_eq!(
            all(b"\x13\x11\r\t\x7f\x08"),
            vec![
                k(KeyCode::Char('s'), M::CONTROL),
                k(KeyCode::Char('q'), M::CONTROL),
                k(KeyCode::Enter, M::NONE),
                k(KeyCode::Tab, M::NONE),
                k(KeyCode::Backspace, M::NONE),
                k(KeyCode::Char('h'), M::CONTROL),
            ]
        );
        assert_eq!(
            all(b"\x1bw\x1bW\x1b\x7f\x1b\x13\x1b"),
            vec![
                k(KeyCode::Char('w'), M::ALT),
                k(KeyCode::Char('W'), M::ALT | M::SHIFT),
                k(KeyCode::Backspace, M::ALT),
                k(KeyCode::Esc, M::NONE),
                k(KeyCode::Char('s'), M::CONTROL),
                k(KeyCode::Esc, M::NONE),
            ]
        );
    }

    #[test]
    fn sequences_with_modifiers() {
        use KeyModifiers as M;
        assert_eq!(
            all(b"\x1b[A\x1b[1;5C\x1bOP\x1b[17~\x1b[3~\x1b[5;2~\x1b[Z\x1b[H\x1b[4~\x1b[24~"),
            vec![
                k(KeyCode::Up, M::NONE),
                k(KeyCode::Right, M::CONTROL),
                k(KeyCode::F(1), M::NONE),
                k(KeyCode::F(6), M::NONE),
                k(KeyCode::Delete, M::NONE),
                k(KeyCode::PageUp, M::SHIFT),
                k(KeyCode::BackTab, M::SHIFT),
                k(KeyCode::Home, M::NONE),
                k(KeyCode::End, M::NONE),
                k(KeyCode::F(12), M::NONE),
            ]
        );
        // Mouse and focus reports are skipped whole.
        assert_eq!(
            all(b"\x1b[<0;3;4M\x1b[Ix"),
            vec![k(KeyCode::Char('x'), M::NONE)]
        );
    }

    #[test]
    fn pieces_wait_for_the_rest() {
        let mut p = Parser::default();
        p.feed(b"\x1b[1");
        assert_eq!(p.next(false), None);
        assert!(p.pending());
        p.feed(b";5A");
        assert_eq!(p.next(false), Some(k(KeyCode::Up, KeyModifiers::CONTROL)));
        p.feed("日".as_bytes().split_at(1).0);
        assert_eq!(p.next(false), None);
        p.feed("日".as_bytes().split_at(1).1);
        assert_eq!(
            p.next(false),
            Some(k(KeyCode::Char('日'), KeyModifiers::NONE))
        );
        // A lone ESC is Esc only once nothing more is coming.
        p.feed(b"\x1b");
        assert_eq!(p.next(false), None);
        assert_eq!(p.next(true), Some(k(KeyCode::Esc, KeyModifiers::NONE)));
        assert!(!p.pending());
    }

    #[test]
    fn bracketed_paste_in_pieces_with_escapes_inside() {
        let mut p = Parser::default();
        p.feed(b"a\x1b[200~line 1\r\nline \x1b[A 2\x1b[20");
        assert_eq!(
            p.next(false),
            Some(k(KeyCode::Char('a'), KeyModifiers::NONE))
        );
        assert_eq!(p.next(false), None);
        p.feed(b"1~b");
        assert_eq!(
            p.next(false),
            Some(Event::Paste("line 1\r\nline \x1b[A 2".into()))
        );
        assert_eq!(
            p.next(false),
            Some(k(KeyCode::Char('b'), KeyModifiers::NONE))
        );
    }

    #[test]
    fn a_big_burst_parses_whole() {
        let text: String = "abcdefghij".repeat(6_000);
        let events = all(text.as_bytes());
        assert_eq!(events.len(), 60_000);
    }
}
