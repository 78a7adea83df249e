//! The draft is gone on the server (sent, deleted, not found): save the
//! text as a new draft, or keep editing.

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Reply;
use crate::tui::app::msg::{Effect, Outcome};
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    match model.session.keymap.in_dialog(Context::DraftGone, &key) {
        Some(DialogAction::Choose) => {
            model.dialog = None;
            let old = std::mem::take(&mut model.draft_key);
            model.draft_key = model.fresh_key();
            model.save.server = Default::default();
            model.save.create_uncertain = false;
            model.form.mark_unsaved();
            crate::tui::app::dialog::attach::for_new_draft(model);
            Reply::Stay(Outcome::save().with(vec![Effect::RemoveJournal(old)]))
        }
        Some(DialogAction::Close) => {
            model.status.push(StatusEntry::Info(
                "Not saved. Your text stays here and in the local journal.".into(),
            ));
            Reply::Close(Outcome::redraw())
        }
        _ => Reply::Stay(Outcome::none()),
    }
}
