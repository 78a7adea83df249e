//! The attach dialog (Ctrl-O) and the history of saved drafts (F6).

use super::Canvas;
use super::{ACCENT, ERROR, WARN};
use crate::core::attach::human_size;
use crate::tui::app::Model;
use crate::tui::app::attach::AttachDialog;
use crate::tui::app::history::HistoryDialog;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

fn key() -> Style {
    Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
}

fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

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

/// The attach dialog; returns where the cursor goes (end of the path input).
pub fn draw_attach(
    model: &Model,
    d: &AttachDialog,
    frame: &mut Canvas,
    area: Rect,
) -> Option<Position> {
    let width = area.width.min(84);
    let room = (width as usize).saturating_sub(2 + 7);
    let shown = tail(&crate::util::sanitize::line(&d.input), room);
    let mut lines = vec![Line::from(vec![
        Span::styled(" File: ", key()),
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
            if bad {
                Style::default().fg(ERROR)
            } else {
                dim()
            },
        ));
    }
    lines.push(Line::raw(""));
    let files = &model.form.files.list;
    if files.is_empty() {
        lines.push(Line::styled(" No files attached yet.", dim()));
    } else {
        lines.push(Line::from(format!(
            " On this draft: {} file(s), {}",
            files.len(),
            human_size(model.form.files.total())
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
    lines.push(Line::raw(""));
    let mut hints = vec![
        Span::styled(" Enter", key()),
        Span::raw(" attach  "),
        Span::styled("Tab", key()),
        Span::raw(" complete  "),
    ];
    if !files.is_empty() {
        hints.extend([
            Span::styled("↑↓", key()),
            Span::raw(" choose  "),
            Span::styled("Del", key()),
            Span::raw(" remove  "),
        ]);
    }
    hints.extend([Span::styled("Esc", key()), Span::raw(" close")]);
    lines.push(Line::from(hints));
    let rect = super::help::popup(
        frame,
        area,
        lines,
        " Attach files (up to 150 MB each) ",
        width,
    );
    if rect.height < 3 || d.selected.is_some() {
        return None;
    }
    let x = rect.x + 1 + 7 + shown.width() as u16;
    (x < rect.right().saturating_sub(1)).then_some(Position::new(x, rect.y + 1))
}

pub fn draw_history(model: &Model, d: &HistoryDialog, frame: &mut Canvas, area: Rect) {
    let mut lines = Vec::new();
    let room = area.height.saturating_sub(8).max(3) as usize;
    let n = model.history.len();
    // Keep the selection in view.
    let start = d
        .selected
        .saturating_sub(room.saturating_sub(1))
        .min(n.saturating_sub(room));
    for (i, e) in model.history.iter().enumerate().skip(start).take(room) {
        let selected = i == d.selected;
        let when = e.saved.replace('T', " ");
        let when = when.trim_end_matches('Z');
        let subject = if e.subject.is_empty() {
            "(no subject)"
        } else {
            e.subject.as_str()
        };
        let style = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {} {subject}", if selected { "▸" } else { " " }),
                style,
            ),
            Span::styled(format!("  {when} · {} · {}", e.folder, e.owner), dim()),
        ]));
        if selected {
            lines.push(Line::styled(format!("     {}", e.web_link), dim()));
        }
    }
    if let Some(m) = &d.message {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {m}"), Style::default().fg(WARN)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled(" Enter", key()),
        Span::raw(" continue this draft  "),
        Span::styled("↑↓", key()),
        Span::raw(" choose  "),
        Span::styled("n", key()),
        Span::raw(" new draft  "),
        Span::styled("Esc", key()),
        Span::raw(" close"),
    ]));
    super::help::popup(frame, area, lines, " Drafts saved from graft ", 100);
}
