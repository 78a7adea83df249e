//! Quitting an answer Graph made that nobody wrote into: it would sit in
//! Drafts as an empty `RE:`, so graft asks, and deletes it by default
//! (to Deleted Items, as Outlook does); keeping it or staying are a key away.

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    match model.session.keymap.in_dialog(Context::EmptyAnswer, &key) {
        Some(DialogAction::Delete) => {
            let Some(id) = model.save.server.id.clone() else {
                model.should_quit = true;
                return Reply::Close(Outcome::redraw());
            };
            model.quit_after_delete = Some(id.clone());
            model.status.push(StatusEntry::Info(
                "Deleting the empty answer from Drafts, then quitting…".into(),
            ));
            Reply::Close(Outcome::redraw().with(vec![Effect::DeleteDraft { id }]))
        }
        Some(DialogAction::Discard) => {
            model.should_quit = true;
            Reply::Close(Outcome::redraw())
        }
        Some(DialogAction::Close) => Reply::Close(Outcome::redraw()),
        _ => Reply::Stay(Outcome::none()),
    }
}
