//! "Quit?" with what is not saved yet.

use super::{Canvas, hint_rows, popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
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
            "Quitting keeps it in the local journal: graft offers it next time, and `graft sync` completes a queued save.",
            Style::default().add_modifier(Modifier::DIM),
        ),
        Line::raw(""),
    ];
    lines.extend(hint_rows(model, Context::ConfirmQuit));
    popup(frame, area, lines, " Quit? ", 64);
}
