//! The draft is gone on the server: save as new, or keep editing.

use super::frame::{hint_rows, popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub(super) fn draw(
    model: &Model,
    elsewhere: Option<crate::tui::app::state::save::Elsewhere>,
    frame: &mut Canvas,
    area: Rect,
) {
    use crate::tui::app::state::save::Elsewhere;
    let (what, title) = match elsewhere {
        None => (
            "The draft is gone on the server: it was sent or deleted elsewhere.",
            " Draft not found ",
        ),
        Some(Elsewhere::Sent) => (
            "The draft was sent from Outlook; your text here was not saved over it.",
            " Draft was sent ",
        ),
        Some(Elsewhere::Deleted) => (
            "The draft was deleted in Outlook (it is in Deleted Items); it was not saved over.",
            " Draft was deleted ",
        ),
    };
    let mut lines = vec![Line::from(what), Line::raw("")];
    lines.extend(hint_rows(model, Context::DraftGone));
    popup(frame, area, lines, title, 80);
}
