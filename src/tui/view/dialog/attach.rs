//! Ctrl-O: the path field, completions and the attachment list.

use super::frame::{dim, hint_line, key, popup};
use crate::config::keymap::{Context, DialogAction};
use crate::core::attach::human_size;
use crate::tui::app::Model;
use crate::tui::app::state::dialogs::AttachDialog;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The tail of `s` that fits in `room` columns (a long path shows its end).
fn tail(s: &str, room: usize) -> String {
    if s.width() <= room {
        return s.to_string();
    }
    let mut out: Vec<char> = Vec::new();
    let mut w = 1; // the ellipsis
    for c in s.chars().rev() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw > room {
            break;
        }
        w += cw;
        out.push(c);
    }
    out.reverse();
    format!("…{}", out.into_iter().collect::<String>())
}

/// The part of `line` (at most `room` columns) that holds the cursor at
/// character `col`, and the cursor's column in it: the whole line when it
/// fits, else ending at the cursor (or at the line's end) with `…` before.
fn around(line: &str, col: usize, room: usize) -> (String, usize) {
    let at = line.char_indices().nth(col).map_or(line.len(), |(i, _)| i);
    if line.width() < room {
        return (line.to_string(), line[..at].width());
    }
    // Show up to the cursor, or past it as far as the room allows.
    let before = tail(&line[..at], room.saturating_sub(1));
    let used = before.width();
    let mut after = String::new();
    for c in line[at..].chars() {
        if used + after.width() + c.to_string().width() >= room {
            break;
        }
        after.push(c);
    }
    (format!("{before}{after}"), used)
}

/// The attach dialog; returns where the cursor goes (in the path input).
pub(super) fn draw(
    model: &Model,
    d: &AttachDialog,
    frame: &mut Canvas,
    area: Rect,
) -> Option<Position> {
    let p = model.session.palette();
    let width = area.width.min(84);
    let room = (width as usize).saturating_sub(2 + 7);
    // The path around its cursor, as the form's one-line fields show theirs.
    let typed = crate::util::sanitize::line(d.input.text());
    let (shown, cursor_col) = around(&typed, d.input.cursor_chars(), room);
    let mut lines = vec![Line::from(vec![
        Span::styled(" File: ", key(model.session.palette())),
        Span::raw(shown.clone()),
    ])];
    const MAX_CANDIDATES: usize = 6;
    for c in d.candidates.iter().take(MAX_CANDIDATES) {
        lines.push(Line::styled(
            format!("       {}", tail(&crate::util::sanitize::line(c), room)),
            dim(),
        ));
    }
    if d.candidates.len() > MAX_CANDIDATES {
        lines.push(Line::styled(
            format!(
                "       … {} more: type more of the name",
                d.candidates.len() - MAX_CANDIDATES
            ),
            dim(),
        ));
    }
    if let Some(m) = &d.message {
        let bad =
            !(m.starts_with("Attached") || m.starts_with("Removed") || m.starts_with("Checking"));
        lines.push(Line::styled(
            format!(" {m}"),
            if bad { p.error() } else { dim() },
        ));
    }
    lines.push(Line::raw(""));
    let files: Vec<&crate::core::attach::AttachedFile> =
        crate::tui::app::attach::files_only(&model.form.files).collect();
    if files.is_empty() {
        lines.push(Line::styled(" No files attached yet.", dim()));
    } else {
        lines.push(Line::from(format!(
            " On this draft: {}, {}",
            crate::util::count(files.len(), "file", "files"),
            human_size(files.iter().map(|f| f.size).sum())
        )));
        for (i, f) in files.iter().enumerate() {
            let selected = d.selected == Some(i);
            let state = match (&f.server_id, f.large()) {
                (Some(_), _) => "on the server",
                (None, true) => "to upload (chunks)",
                (None, false) => "to send",
            };
            let style = if selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        " {} {:<32} {:>9}",
                        if selected { "▸" } else { " " },
                        f.name,
                        human_size(f.size)
                    ),
                    style,
                ),
                Span::styled(format!("  {state}"), dim()),
            ]));
        }
    }
    let pictures: Vec<_> = model.form.files.list.iter().filter(|f| f.inline).collect();
    if !pictures.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::from(format!(
            " Pictures in the body (inline; they go with the body): {}",
            pictures.len()
        )));
        for f in pictures {
            let state = if f.server_id.is_some() {
                "on the server"
            } else {
                "to send"
            };
            lines.push(Line::from(vec![
                Span::raw(format!("   {:<32} {:>9}", f.name, human_size(f.size))),
                Span::styled(format!("  {state}"), dim()),
            ]));
        }
    }
    lines.push(Line::raw(""));
    let has_files = !files.is_empty();
    lines.push(hint_line(model, Context::Attach, |a| {
        has_files || !matches!(a, DialogAction::Up | DialogAction::Delete)
    }));
    let rect = popup(
        frame,
        area,
        lines,
        " Attach files (up to 150 MB each) ",
        width,
    );
    if rect.height < 3 || d.selected.is_some() {
        return None;
    }
    let x = rect.x + 1 + 7 + cursor_col as u16;
    (x < rect.right().saturating_sub(1)).then_some(Position::new(x, rect.y + 1))
}
