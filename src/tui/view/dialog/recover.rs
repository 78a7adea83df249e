//! Drafts of earlier sessions to restore.

use super::{Canvas, dim, hint_line, list_popup};
use crate::config::keymap::Context;
use crate::core::record::JournalRecord;
use crate::tui::app::Model;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

pub(super) fn draw(
    model: &Model,
    items: &[JournalRecord],
    selected: usize,
    frame: &mut Canvas,
    area: Rect,
) {
    let head = vec![
        Line::from("Drafts from an earlier session that Outlook does not have yet:"),
        Line::raw(""),
    ];
    let list = items
        .iter()
        .map(|r| {
            let when = r.updated.replace('T', " ");
            let when = when.trim_end_matches('Z');
            ListItem::new(Line::from(vec![
                Span::raw(r.title()),
                Span::styled(format!("  {when} UTC · {}", r.state()), dim()),
            ]))
        })
        .collect();
    let tail = vec![Line::raw(""), hint_line(model, Context::Recover, |_| true)];
    list_popup(
        frame,
        area,
        " Recover a draft ",
        90,
        (head, list, selected, tail),
    );
}
