//! "Quit?" when the draft is not all on the server: save then quit, quit
//! anyway (the journal keeps the text for the next start), discard the
//! text (its local copy goes), or keep editing.

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Reply;
use crate::tui::app::msg::{Next, Outcome};
use crossterm::event::KeyEvent;

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    match model.session.keymap.in_dialog(Context::ConfirmQuit, &key) {
        Some(DialogAction::Discard) => {
            model.should_quit = true;
            Reply::Close(Outcome::redraw())
        }
        Some(DialogAction::Delete) => {
            model.should_quit = true;
            model.discarded = true;
            Reply::Close(Outcome::redraw())
        }
        Some(DialogAction::SaveQuit) => {
            model.dialog = None;
            Reply::Stay(Outcome::redraw().then(Next::SaveThenQuit))
        }
        Some(DialogAction::Close) => Reply::Close(Outcome::redraw()),
        _ => Reply::Stay(Outcome::none()),
    }
}
