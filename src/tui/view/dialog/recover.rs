//! Drafts of earlier sessions to restore.

use super::frame::{dim, hint_line, list_popup};
use crate::config::keymap::{Context, DialogAction};
use crate::core::record::JournalRecord;
use crate::tui::app::Model;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

pub(super) fn draw(
    model: &Model,
    items: &[JournalRecord],
    (selected, confirm, armed): (usize, bool, bool),
    frame: &mut Canvas,
    area: Rect,
) -> Option<Position> {
    let head = vec![
        Line::from("Drafts from an earlier session that Outlook does not have yet:"),
        Line::raw(""),
    ];
    let list = items
        .iter()
        .map(|r| {
            let when = crate::util::local_time(&r.updated);
            ListItem::new(Line::from(vec![
                Span::raw(r.title()),
                Span::styled(format!("  {when} · {}", r.state()), dim()),
            ]))
        })
        .collect();
    let mut tail = vec![Line::raw("")];
    match items.get(selected).filter(|_| confirm) {
        Some(r) => {
            let key = model
                .session
                .keymap
                .dialog_key(Context::Recover, DialogAction::Confirm);
            tail.push(Line::styled(
                format!(
                    "Delete the local copy of “{}”? Its text is not on the server and is gone for good. {key} deletes it; any other key keeps it.",
                    r.title()
                ),
                model.session.palette().warn(),
            ));
        }
        // Keys answer it once it has been seen; typing before that goes
        // to a new draft (the hints appear when keys count).
        None if !armed => tail.push(Line::styled(
            "Typing now starts a new draft and keeps these for later.",
            dim(),
        )),
        None => tail.push(hint_line(model, Context::Recover, |_| true)),
    }
    list_popup(
        frame,
        area,
        " Recover a draft ",
        90,
        (head, list, selected, tail),
    )
}
