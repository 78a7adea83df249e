//! F6: drafts saved from graft in this profile.

use super::frame::{dim, hint_line, list_popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::app::state::dialogs::HistoryDialog;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::ListItem;

pub(super) fn draw(
    model: &Model,
    d: &HistoryDialog,
    frame: &mut Canvas,
    area: Rect,
) -> Option<Position> {
    let p = model.session.palette();
    let list = model
        .history
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let when = crate::util::local_time(&e.saved);
            let subject = if e.subject.is_empty() {
                "(no subject)"
            } else {
                e.subject.as_str()
            };
            let state = match d.states.get(&e.id).map(String::as_str) {
                Some("changed") => "  · changed in Outlook",
                Some("sent") => "  · sent",
                Some("deleted") => "  · deleted (in Deleted Items)",
                Some("gone") => "  · gone",
                _ => "",
            };
            let mut text = Text::from(Line::from(vec![
                Span::raw(subject.to_string()),
                Span::styled(format!("  {when} · {} · {}", e.folder, e.owner), dim()),
                Span::styled(state.to_string(), p.warn()),
            ]));
            if !e.answers.is_empty() {
                text.push_line(Line::styled(format!("  ↳ {}", e.answers), dim()));
            }
            // The selected draft shows where it opens.
            if i == d.selected {
                text.push_line(Line::styled(format!("  {}", e.web_link), dim()));
            }
            ListItem::new(text)
        })
        .collect();
    let mut tail = Vec::new();
    if let Some(m) = &d.message {
        tail.push(Line::raw(""));
        tail.push(Line::styled(format!(" {m}"), p.warn()));
    }
    tail.push(Line::raw(""));
    tail.push(hint_line(model, Context::History, |_| true));
    list_popup(
        frame,
        area,
        " Drafts saved from graft ",
        100,
        (Vec::new(), list, d.selected, tail),
    )
}
