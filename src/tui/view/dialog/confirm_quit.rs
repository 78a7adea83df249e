//! "Quit?" with what is not saved yet.

use super::frame::{hint_rows, popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

pub(super) fn draw(model: &Model, frame: &mut Canvas, area: Rect) {
    let what = if model.save.in_flight.is_some() {
        "A save is still in progress."
    } else if model.save.retry.is_some() {
        "A save is waiting to be retried."
    } else {
        "This draft has changes that are not saved to Outlook."
    };
    let mut lines = vec![
        Line::from(what),
        Line::styled(
            "Quitting keeps it in the local journal: graft offers it next time, and `graft sync` completes a queued save. Discarding deletes that local copy (what Outlook holds stays).",
            Style::default().add_modifier(Modifier::DIM),
        ),
        Line::raw(""),
    ];
    lines.extend(hint_rows(model, Context::ConfirmQuit));
    popup(frame, area, lines, " Quit? ", 64);
}

/// "Delete the empty answer?" when quitting an answer nobody wrote into.
pub(super) fn draw_empty_answer(model: &Model, frame: &mut Canvas, area: Rect) {
    let what = model
        .form
        .answer
        .as_ref()
        .map(|a| a.title())
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(format!(
            "The answer graft made has nothing of yours in it: {}",
            crate::util::sanitize::line(&what)
        )),
        Line::styled(
            "Left in Drafts it is an empty message. Deleting moves it to Deleted Items, as Outlook does.",
            Style::default().add_modifier(Modifier::DIM),
        ),
        Line::raw(""),
    ];
    lines.extend(hint_rows(model, Context::EmptyAnswer));
    popup(frame, area, lines, " Quit: delete the empty answer? ", 70);
}
