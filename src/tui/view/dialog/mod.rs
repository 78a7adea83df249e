//! The dialogs drawn over the form, one file per dialog (as `app::dialog`
//! has them), with the box they share and hint lines made from the keymap.

mod attach;
mod confirm_quit;
mod conflict;
mod draft_gone;
mod folder;
mod frame;
mod help;
mod history;
mod mail;
mod more;
mod pictures;
mod preview;
mod recover;
mod signin;
mod spell;
mod template;

use crate::tui::app::{Dialog, Model};
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};

/// Draws the open dialog; returns where the cursor goes: a text field's
/// insertion point, or the start of a list's selected row.
pub(super) fn draw(
    model: &Model,
    frame: &mut Canvas,
    area: Rect,
    word_row: Option<u16>,
) -> Option<Position> {
    match model.dialog.as_ref()? {
        Dialog::Help { scroll } => help::draw(model, *scroll, frame, area),
        Dialog::ConfirmQuit => confirm_quit::draw(model, frame, area),
        Dialog::EmptyAnswer => confirm_quit::draw_empty_answer(model, frame, area),
        Dialog::Recover {
            items,
            selected,
            confirm,
            armed,
        } => return recover::draw(model, items, (*selected, *confirm, *armed), frame, area),
        Dialog::DraftGone => draft_gone::draw(model, None, frame, area),
        Dialog::DraftElsewhere(w) => draft_gone::draw(model, Some(*w), frame, area),
        Dialog::SignIn(stage) => signin::draw(model, stage, frame, area),
        Dialog::More { row } => return more::draw(model, *row, frame, area),
        Dialog::Attach(d) => return attach::draw(model, d, frame, area),
        Dialog::History(d) => return history::draw(model, d, frame, area),
        Dialog::Mail(d) => return mail::draw(model, d, frame, area),
        Dialog::Quote { scroll } => mail::quote(model, *scroll, frame, area),
        Dialog::Spell(d) => return spell::draw(model, d, frame, (area, word_row)),
        Dialog::Preview { scroll } => preview::draw(model, *scroll, frame, area),
        Dialog::Template(d) => return template::draw(model, d, frame, area),
        Dialog::Folder(d) => return folder::draw(model, d, frame, area),
        Dialog::Conflict(d) => conflict::draw(model, d, frame, area),
        Dialog::Pictures(list) => pictures::draw(model, list, frame, area),
    }
    None
}
