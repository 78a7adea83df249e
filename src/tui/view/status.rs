//! The status pane: what the last save did. Ids and links wrap, never cut.

use super::Canvas;
use crate::tui::app::{Model, StatusEntry};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

// Long by design: one arm per kind of status entry.
fn lines_for<'a>(model: &'a Model, entry: &'a StatusEntry) -> Vec<Line<'a>> {
    let p = model.session.palette();
    match entry {
        StatusEntry::Info(t) => vec![Line::from(format!("· {t}"))],
        StatusEntry::Invalid(t) => vec![Line::styled(format!("✗ {t}"), p.error())],
        StatusEntry::Waiting { reason, detail } => {
            let head = match &model.save.retry {
                Some(w) => format!(
                    "⟳ {reason} — retrying in {} s (attempt {}). Esc cancels, Ctrl-S retries now.",
                    w.remaining_secs,
                    w.attempt + 1
                ),
                None => format!("⟳ {reason} — retry stopped."),
            };
            let mut out = vec![Line::styled(head, p.warn())];
            if model.save.retry.as_ref().is_some_and(|w| w.offline) {
                out.push(Line::from(
                    "offline — will save when the connection returns. Your text is in the local journal.",
                ));
            }
            out.push(Line::styled(detail.as_str(), dim()));
            out
        }
        StatusEntry::Saving { kind, url } => vec![Line::styled(
            format!("⟳ saving… {} {url}", kind.http()),
            p.warn(),
        )],
        StatusEntry::Saved {
            at,
            how,
            status,
            status_text,
            id,
            web_link,
            folder,
            request_id: _,
            files,
        } => {
            let verb = how.said();
            let mut lines = vec![Line::from(vec![
                Span::styled(
                    format!("✓ {status} {status_text}"),
                    p.ok().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(" · {verb} {at} · folder {folder}")),
            ])];
            if let Some(f) = files {
                lines.push(Line::from(f.as_str()));
            }
            lines.extend([
                Line::styled("id", dim()),
                Line::from(id.as_str()),
                Line::styled("webLink", dim()),
                Line::from(web_link.as_str()),
            ]);
            lines
        }
        StatusEntry::Failed {
            at,
            what,
            status,
            status_text,
            code,
            message,
            request_id,
            hint,
        } => {
            let head = match status {
                Some(s) => format!("✗ {s} {status_text}"),
                None => "✗ not saved".to_string(),
            };
            let mut out = vec![Line::from(vec![
                Span::styled(head, p.error().add_modifier(Modifier::BOLD)),
                Span::raw(format!(" · {what} failed {at}")),
            ])];
            let detail = if code.is_empty() {
                message.clone()
            } else {
                format!("{code}: {message}")
            };
            out.push(Line::from(detail));
            if let Some(r) = request_id {
                out.push(Line::from(vec![
                    Span::styled("request-id ", dim()),
                    Span::raw(r.as_str()),
                ]));
            }
            if let Some(h) = hint {
                out.push(Line::styled(h.as_str(), p.warn()));
            }
            out
        }
    }
}

/// `Uploading big.zip  [#######.......]  45%  4.7 / 10.5 MB`.
fn progress_line(
    u: &crate::core::attach::Upload,
    p: crate::config::theme::Palette,
) -> Line<'static> {
    use crate::core::attach::human_size;
    let pct = (u.done * 100).checked_div(u.total).unwrap_or(100).min(100);
    let width = 20usize;
    let fill = pct as usize * width / 100;
    Line::from(vec![
        Span::raw(format!("Uploading {} ", u.name)),
        Span::styled("━".repeat(fill), p.ok()),
        Span::styled("─".repeat(width - fill), dim()),
        Span::raw(format!(
            " {pct:>3}%  {} / {}",
            human_size(u.done),
            human_size(u.total)
        )),
    ])
}

fn text(model: &Model) -> Vec<Line<'_>> {
    let mut lines = match model.status.last() {
        Some(e) => lines_for(model, e),
        None => vec![Line::styled(
            format!(
                "Ready. {} saves the draft to {} · {}.",
                model
                    .session
                    .keymap
                    .keys_label(crate::tui::app::Action::Save),
                model.session.mailbox.owner_label(),
                model.session.mailbox.folder_label()
            ),
            dim(),
        )],
    };
    if let Some(u) = &model.save.upload {
        lines.push(progress_line(u, model.session.palette()));
    }
    lines
}

/// Where `line` splits into rows at most `width` columns wide, as (span, byte)
/// positions: after the last space that fits, or mid-word when a word (an id,
/// a link) is wider than a row. Empty when the line fits.
fn breaks(line: &Line<'_>, width: usize) -> Vec<(usize, usize)> {
    use unicode_width::UnicodeWidthChar;
    let mut breaks = Vec::new();
    if line.width() <= width {
        return breaks;
    }
    let (mut used, mut after_space, mut since_space) = (0usize, None, 0usize);
    for (si, span) in line.spans.iter().enumerate() {
        for (bi, c) in span.content.char_indices() {
            let w = c.width().unwrap_or(0);
            if c.is_whitespace() && used + w > width {
                // A space that does not fit ends the row (and is not shown).
                breaks.push((si, bi + c.len_utf8()));
                (used, since_space, after_space) = (0, 0, None);
                continue;
            }
            while used + w > width && used > 0 {
                if let Some(at) = after_space.take() {
                    // After the row's last space: the word moves down whole.
                    breaks.push(at);
                    used = since_space;
                } else {
                    // No space to break at: the word is cut here.
                    breaks.push((si, bi));
                    (used, since_space) = (0, 0);
                }
            }
            used += w;
            since_space += w;
            if c.is_whitespace() {
                after_space = Some((si, bi + c.len_utf8()));
                since_space = 0;
            }
        }
    }
    breaks
}

/// Whether nothing of `line` follows the break at `at` (a space ended the last row).
fn nothing_after(line: &Line<'_>, (si, bi): (usize, usize)) -> bool {
    line.spans[si].content.len() == bi && line.spans[si + 1..].iter().all(|s| s.content.is_empty())
}

/// How many rows `line` takes at `width`, without building them.
fn row_count(line: &Line<'_>, width: usize) -> usize {
    let b = breaks(line, width.max(1));
    match b.last() {
        Some(&last) if nothing_after(line, last) => b.len(),
        _ => b.len() + 1,
    }
}

/// Splits `line` into its rows (see `breaks`), each span keeping its style.
fn wrap_line<'a>(line: Line<'a>, width: usize, rows: &mut Vec<Line<'a>>) {
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
fn wrap(lines: Vec<Line<'_>>, width: u16) -> Vec<Line<'_>> {
    let inner = width.saturating_sub(2) as usize;
    let mut rows = Vec::with_capacity(lines.len() + 4);
    for line in lines {
        wrap_line(line, inner, &mut rows);
    }
    rows
}

/// The pane, wrapped once per frame: its rows of text.
pub struct Pane<'a> {
    rows: Vec<Line<'a>>,
    /// Rows kept for the last saved draft's id and link, so the body does not
    /// change size as entries come and go after the first save.
    keep: u16,
    /// A fingerprint of the text, taken once per frame.
    key: u64,
}

/// Builds the pane for a screen `width` wide.
pub fn pane(model: &Model, width: u16) -> Pane<'_> {
    let rows = wrap(text(model), width);
    let keep = saved_rows(model, width, &rows);
    Pane {
        key: fingerprint(&rows),
        rows,
        keep,
    }
}

fn fingerprint(rows: &[Line<'_>]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(1).hash_one(rows)
}

/// How many rows the last saved draft's entry takes (0 before the first save).
fn saved_rows(model: &Model, width: u16, shown: &[Line<'_>]) -> u16 {
    let last_saved = model
        .status
        .iter()
        .rev()
        .find(|e| matches!(e, StatusEntry::Saved { .. }));
    match last_saved {
        None => 0,
        // On screen now with nothing under it: those are its rows.
        Some(saved)
            if model.save.upload.is_none()
                && model.status.last().is_some_and(|l| std::ptr::eq(l, saved)) =>
        {
            shown.len() as u16
        }
        Some(saved) => {
            let inner = width.saturating_sub(2) as usize;
            let rows: usize = lines_for(model, saved)
                .iter()
                .map(|l| row_count(l, inner))
                .sum();
            rows as u16
        }
    }
}

/// The pane's height: what the last entry needs (or the room kept for a saved
/// draft, if more), within what the screen allows.
pub fn height(pane: &Pane<'_>, screen_height: u16) -> u16 {
    // Leave room for the header, four field rows, a 3-row body and the footer.
    let room = screen_height.saturating_sub(1 + 4 + 3 + 1).max(3);
    let lines = (pane.rows.len() as u16).max(pane.keep);
    lines.saturating_add(2).clamp(3, room)
}

impl std::hash::Hash for Pane<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.keep.hash(state);
    }
}

pub fn draw(pane: &Pane<'_>, frame: &mut Canvas, area: Rect) {
    let p = frame.palette();
    if area.height == 0 {
        return;
    }
    let shown = area.height.saturating_sub(2);
    let mut block = Block::bordered().border_style(dim()).title(" Status ");
    if pane.rows.len() > shown as usize {
        block = block
            .title_bottom(Line::styled(" more: enlarge the terminal ", p.warn()).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    for (y, row) in (inner.y..inner.bottom()).zip(&pane.rows) {
        buf.set_line(inner.x, y, row, inner.width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Color;

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
            ["id ", "AAAAAAAAAA", "AAAAAAAAAA", "AAAAA"],
            "a word wider than the row is cut at the row's end"
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
            Span::raw(" · created 09:15:02 UTC"),
        ]);
        let mut rows = Vec::new();
        wrap_line(line, 9, &mut rows);
        assert_eq!(
            texts(&rows),
            ["✓ 201 ", "Created · ", "created ", "09:15:02 ", "UTC"]
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
