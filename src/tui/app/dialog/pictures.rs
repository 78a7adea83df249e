//! Pictures of local files that a paste named, before they are first
//! sent: pasted text is often someone else's (a wiki page, a mail), and a
//! picture is a file leaving this machine. `y` sends them; `n` leaves
//! them out (the text stays, the files never go); Esc saves nothing yet.

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::state::dialogs::Dialog;
use crossterm::event::KeyEvent;

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let action = model.session.keymap.in_dialog(Context::Pictures, &key);
    let yes = match action {
        Some(DialogAction::Confirm) => true,
        Some(DialogAction::Discard) => false,
        Some(DialogAction::Close) => return Reply::Close(Outcome::redraw()),
        _ => return Reply::Stay(Outcome::none()),
    };
    let Some(Dialog::Pictures(list)) = model.dialog.take() else {
        return Reply::Close(Outcome::none());
    };
    Reply::Close(crate::tui::app::images::confirm_pasted(model, list, yes))
}
