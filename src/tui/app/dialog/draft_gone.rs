//! The draft is gone on the server (sent, deleted, not found): save the
//! text as a new draft, or keep editing.

use super::Reply;
use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::{Model, StatusEntry};
use crate::tui::app::save;
use crate::tui::app::update::{Effect, Outcome};
use crossterm::event::KeyEvent;

pub fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    match model.session.keymap.in_dialog(Context::DraftGone, &key) {
        Some(DialogAction::Choose) => {
            model.dialog = None;
            let old = std::mem::take(&mut model.draft_key);
            model.draft_key = model.fresh_key();
            model.save.server = Default::default();
            model.save.create_uncertain = false;
            model.form.mark_unsaved();
            crate::tui::app::attach::for_new_draft(model);
            let out = save::save(model);
            Reply::Stay(out.with(vec![Effect::RemoveJournal(old)]))
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
