//! Drafts of earlier sessions to restore.

use super::{Canvas, hint_line, popup};
use crate::config::keymap::Context;
use crate::core::record::JournalRecord;
use crate::tui::app::Model;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub(super) fn draw(
    model: &Model,
    items: &[JournalRecord],
    selected: usize,
    frame: &mut Canvas,
    area: Rect,
) {
    let mut lines = vec![
        Line::from("Drafts from an earlier session that Outlook does not have yet:"),
        Line::raw(""),
    ];
    for (i, r) in items.iter().enumerate() {
        let when = r
            .updated
            .replace('T', " ")
            .trim_end_matches('Z')
            .to_string();
        let style = if i == selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let marker = if i == selected { "▸" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker} {}", r.title()), style),
            Span::styled(
                format!("  {when} UTC · {}", r.state()),
                Style::default().add_modifier(Modifier::DIM),
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(hint_line(model, Context::Recover, |_| true));
    popup(frame, area, lines, " Recover a draft ", 90);
}
