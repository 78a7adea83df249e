//! "Quit?" when the draft is not all on the server: save then quit, quit
//! anyway (the journal keeps the text), or keep editing.

use super::Reply;
use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::save;
use crate::tui::app::update::Outcome;
use crossterm::event::KeyEvent;

pub fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    match model.session.keymap.in_dialog(Context::ConfirmQuit, &key) {
        Some(DialogAction::Discard) => {
            model.should_quit = true;
            Reply::Close(Outcome::redraw())
        }
        Some(DialogAction::SaveQuit) => {
            model.dialog = None;
            model.save.quit_after = true;
            let out = save::save(model);
            if model.save.in_flight.is_none()
                && !model.save.queued
                && model.save.retry.is_none()
                && !model.should_quit
            {
                // Nothing could be sent (invalid form): stay, the status says why.
                model.save.quit_after = false;
            }
            Reply::Stay(out)
        }
        Some(DialogAction::Close) => Reply::Close(Outcome::redraw()),
        _ => Reply::Stay(Outcome::none()),
    }
}
