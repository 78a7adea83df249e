//! Text that came from outside (the server, a token command, a paste) is cleaned
//! before it can reach a terminal cell: control characters, including the ESC that
//! starts every escape sequence, never get through.

/// What a bidi override or isolate shows as: visible, one cell, so a
/// file's, a server's or a dictionary's text cannot reorder what the user
/// sees, and the user sees that something was there.
pub(crate) const PLACEHOLDER: char = '\u{fffd}';

/// A bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Removes C0/C1 control characters and escape sequences from `s`, keeping tabs
/// and newlines only when `keep_newlines` is set. Bidi overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) show as [`PLACEHOLDER`], so a
/// string from outside cannot reorder what the user sees.
pub(crate) fn clean(s: &str, keep_newlines: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\n' if keep_newlines => out.push('\n'),
            '\t' => out.push(if keep_newlines { '\t' } else { ' ' }),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c if is_bidi_control(c) => out.push(PLACEHOLDER),
            // Line and paragraph separators: a line break where one is kept.
            '\u{2028}' | '\u{2029}' => out.push(if keep_newlines { '\n' } else { ' ' }),
            c => out.push(c),
        }
    }
    out
}

/// Credentials that can appear inside text (an upload URL's `authtoken=…`,
/// `access_token=…`, a `Bearer …` value) replaced by `…`, so an error message
/// or a log line never carries one.
pub(crate) fn redact(s: &str) -> String {
    let mut out = s.to_string();
    for marker in ["authtoken=", "access_token=", "refresh_token=", "code="] {
        let mut from = 0;
        while let Some(i) = out[from..].to_ascii_lowercase().find(marker) {
            let start = from + i + marker.len();
            let end = out[start..]
                .find(['&', ' ', ')', '"', '\''])
                .map(|j| start + j)
                .unwrap_or(out.len());
            out.replace_range(start..end, "…");
            from = start + "…".len();
        }
    }
    if let Some(i) = out.find("Bearer ") {
        let start = i + "Bearer ".len();
        let end = out[start..]
            .find(|c: char| c.is_whitespace() || c == '"')
            .map(|j| start + j)
            .unwrap_or(out.len());
        out.replace_range(start..end, "…");
    }
    out
}

/// Convenience for one-line server values (ids, links, error messages).
pub(crate) fn line(s: &str) -> String {
    clean(s, false)
}

fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        // CSI: ESC [ params... final byte in 0x40..=0x7e
        Some('[') => {
            chars.next();
            for c in chars.by_ref() {
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
        // OSC / DCS / APC / PM / SOS: up to BEL or ESC \
        Some(']') | Some('P') | Some('_') | Some('^') | Some('X') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        // Two-character escape.
        Some(_) => {
            chars.next();
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_osc_and_controls() {
        let evil = "ok\u{1b}[2J\u{1b}]52;c;aGk=\u{7}done\u{7}\r\nnext\u{202e}x";
        assert_eq!(clean(evil, false), "okdone  next\u{fffd}x");
        assert_eq!(clean(evil, true), "okdone \nnext\u{fffd}x");
    }

    #[test]
    fn credentials_are_redacted() {
        let m = redact(
            "PUT https://outlook.office.com/api/v2.0/AttachmentSessions('x')?authtoken=eyJ0eXA.abc&x=1 failed; Bearer eyJhbG.c2",
        );
        assert!(!m.contains("eyJ"), "{m}");
        assert!(
            m.contains("authtoken=…&x=1") && m.contains("Bearer …"),
            "{m}"
        );
    }

    #[test]
    fn keeps_unicode() {
        assert_eq!(line("日本語 ✉️ café"), "日本語 ✉️ café");
    }

    #[test]
    fn osc_terminated_by_st() {
        assert_eq!(line("a\u{1b}]8;;http://x\u{1b}\\b"), "ab");
    }
}
