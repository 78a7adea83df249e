//! Wrapping styled lines into rows of a width, for the status pane: words
//! move down whole, a word wider than a row (an id, a link) is cut, wide
//! characters never straddle a row's end, styles stay with their text.

use ratatui::text::{Line, Span};

/// Where `line` splits into rows at most `width` columns wide, as (span, byte)
/// positions: after the last space that fits, or mid-word when a word (an id,
/// a link) is wider than a row. Empty when the line fits.
fn breaks(line: &Line<'_>, width: usize) -> Vec<(usize, usize)> {
    use unicode_width::UnicodeWidthChar;
    let mut breaks = Vec::new();
    if line.width() <= width {
        return breaks;
    }
    // Every character with its place and width, and for each the width of
    // the word it is in: a word wider than a row is cut where the row ends
    // (after its label, say), not moved down first.
    let chars: Vec<(usize, usize, char, usize)> = line
        .spans
        .iter()
        .enumerate()
        .flat_map(|(si, span)| {
            span.content
                .char_indices()
                .map(move |(bi, c)| (si, bi, c, c.width().unwrap_or(0)))
        })
        .collect();
    let mut word_w = vec![0usize; chars.len()];
    let mut start = 0;
    for i in 0..=chars.len() {
        if i == chars.len() || chars[i].2.is_whitespace() {
            let w: usize = chars[start..i].iter().map(|c| c.3).sum();
            word_w[start..i].fill(w);
            start = i + 1;
        }
    }
    let (mut used, mut after_space, mut since_space) = (0usize, None, 0usize);
    for (i, &(si, bi, c, w)) in chars.iter().enumerate() {
        if c.is_whitespace() && used + w > width {
            // A space that does not fit ends the row (and is not shown).
            breaks.push((si, bi + c.len_utf8()));
            (used, since_space, after_space) = (0, 0, None);
            continue;
        }
        while used + w > width && used > 0 {
            match after_space.take() {
                // After the row's last space: the word moves down whole,
                // when a row can hold it.
                Some(at) if word_w[i] <= width => {
                    breaks.push(at);
                    used = since_space;
                }
                // No space to break at, or a word no row holds: cut here.
                _ => {
                    breaks.push((si, bi));
                    (used, since_space) = (0, 0);
                }
            }
        }
        used += w;
        since_space += w;
        if c.is_whitespace() {
            after_space = Some((si, bi + c.len_utf8()));
            since_space = 0;
        }
    }
    breaks
}

/// Whether nothing of `line` follows the break at `at` (a space ended the last row).
fn nothing_after(line: &Line<'_>, (si, bi): (usize, usize)) -> bool {
    line.spans[si].content.len() == bi && line.spans[si + 1..].iter().all(|s| s.content.is_empty())
}

/// How many rows `line` takes at `width`, without building them.
pub(crate) fn row_count(line: &Line<'_>, width: usize) -> usize {
    let b = breaks(line, width.max(1));
    match b.last() {
        Some(&last) if nothing_after(line, last) => b.len(),
        _ => b.len() + 1,
    }
}

/// Splits `line` into its rows (see `breaks`), each span keeping its style.
pub(crate) fn wrap_line<'a>(line: Line<'a>, width: usize, rows: &mut Vec<Line<'a>>) {
    let breaks = breaks(&line, width.max(1));
    if breaks.is_empty() {
        rows.push(line);
        return;
    }
    let last_empty = breaks.last().is_some_and(|&b| nothing_after(&line, b));
    let Line {
        style,
        alignment,
        spans,
    } = line;
    let mut row: Vec<Span<'a>> = Vec::new();
    let mut next = breaks.into_iter().peekable();
    for (si, span) in spans.into_iter().enumerate() {
        let mut from = 0;
        while let Some(&(bs, bb)) = next.peek() {
            if bs != si {
                break;
            }
            next.next();
            if bb > from {
                row.push(Span::styled(span.content[from..bb].to_string(), span.style));
            }
            from = bb;
            rows.push(Line {
                style,
                alignment,
                spans: std::mem::take(&mut row),
            });
        }
        if from == 0 {
            row.push(span);
        } else if from < span.content.len() {
            row.push(Span::styled(span.content[from..].to_string(), span.style));
        }
    }
    if !last_empty {
        rows.push(Line {
            style,
            alignment,
            spans: row,
        });
    }
}

/// The pane's rows at a screen `width` (the borders take two columns).
pub(crate) fn wrap(lines: Vec<Line<'_>>, width: u16) -> Vec<Line<'_>> {
    let inner = width.saturating_sub(2) as usize;
    let mut rows = Vec::with_capacity(lines.len() + 4);
    for line in lines {
        wrap_line(line, inner, &mut rows);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::{Color, Style};

    fn texts(rows: &[Line<'_>]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn words_move_down_whole_and_long_ids_are_cut() {
        let mut rows = Vec::new();
        wrap_line(Line::from("saved to the Drafts folder"), 12, &mut rows);
        assert_eq!(texts(&rows), ["saved to the ", "Drafts ", "folder"]);
        // A space that does not fit ends its row and starts none.
        rows.clear();
        wrap_line(Line::from("saved "), 5, &mut rows);
        assert_eq!(texts(&rows), ["saved "]);
        rows.clear();
        wrap_line(Line::from(""), 5, &mut rows);
        assert_eq!(texts(&rows), [""]);
        rows.clear();
        let id = "A".repeat(25);
        wrap_line(Line::from(format!("id {id}")), 10, &mut rows);
        assert_eq!(
            texts(&rows),
            ["id AAAAAAA", "AAAAAAAAAA", "AAAAAAAA"],
            "a word wider than any row is cut at the row's end, right after its label"
        );
    }

    #[test]
    fn wide_characters_never_straddle_a_row_end() {
        let mut rows = Vec::new();
        wrap_line(Line::from("下書きを保存しました"), 5, &mut rows);
        assert_eq!(texts(&rows), ["下書", "きを", "保存", "しま", "した"]);
        // A row one column wide still takes a wide character (and moves on).
        rows.clear();
        wrap_line(Line::from("日本"), 1, &mut rows);
        assert_eq!(texts(&rows), ["日", "本"]);
    }

    #[test]
    fn styles_stay_with_their_text_across_rows() {
        let ok = Style::default().fg(Color::Green);
        let line = Line::from(vec![
            Span::styled("✓ 201 Created", ok),
            Span::raw(" · created 09:15:02"),
        ]);
        let mut rows = Vec::new();
        wrap_line(line, 9, &mut rows);
        assert_eq!(
            texts(&rows),
            ["✓ 201 ", "Created · ", "created ", "09:15:02"]
        );
        assert_eq!(rows[1].spans[0].style, ok);
        assert_eq!(rows[1].spans[1].content, " · ");
        assert_eq!(rows[1].spans[1].style, Style::default());
        assert_eq!(rows[2].spans[0].style, Style::default());
    }

    #[test]
    fn random_text_keeps_every_character_within_the_width() {
        use unicode_width::UnicodeWidthStr;
        // A small deterministic generator: words of ASCII, wide and mixed text.
        let words = [
            "a",
            "draft",
            "AAMkAGI2TG93AAA=",
            "日本語",
            "x y",
            "",
            "https://outlook.office.com/mail/id/AAMk",
        ];
        let mut seed = 7u64;
        for _ in 0..300 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = (seed >> 33) % 12;
            let text: Vec<&str> = (0..n)
                .map(|i| words[((seed >> (i * 3)) % words.len() as u64) as usize])
                .collect();
            let text = text.join(" ");
            let width = 1 + ((seed >> 40) % 30) as usize;
            let mut rows = Vec::new();
            wrap_line(Line::from(text.clone()), width, &mut rows);
            let joined: String = texts(&rows).concat();
            assert_eq!(joined, text, "wrapping loses nothing");
            assert_eq!(row_count(&Line::from(text.clone()), width), rows.len());
            for r in &rows {
                let s = r.to_string();
                let s = s.trim_end_matches(' ');
                assert!(
                    s.width() <= width || s.chars().count() == 1,
                    "{s:?} is wider than {width}"
                );
            }
        }
    }
}
