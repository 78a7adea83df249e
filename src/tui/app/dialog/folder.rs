//! Alt-G: the mailbox's folders as Outlook names them (`Inbox/Clients`),
//! to choose where new drafts go. The header says the folder; saves made
//! from then on create their drafts there.

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::{Effect, Outcome, Reply};
use crate::tui::app::state::dialogs::{Dialog, FolderDialog};
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

/// The default, first in the list.
const DRAFTS: &str = "Drafts";

pub(crate) fn open(model: &mut Model) -> Outcome {
    model.dialog = Some(Dialog::Folder(FolderDialog {
        loading: true,
        ..Default::default()
    }));
    Outcome::redraw().with(vec![Effect::ListFolders])
}

/// The folders came back: Drafts first, then the mailbox's, the one in use
/// selected.
pub(crate) fn on_listed(model: &mut Model, result: Result<(Vec<String>, bool), String>) -> Outcome {
    let current = model.session.mailbox.folder.clone();
    let Some(Dialog::Folder(d)) = &mut model.dialog else {
        return Outcome::none();
    };
    d.loading = false;
    match result {
        Ok((paths, whole)) => {
            d.paths = std::iter::once(DRAFTS.to_string())
                .chain(paths.into_iter().filter(|p| p != DRAFTS))
                .collect();
            d.selected = current
                .and_then(|c| d.paths.iter().position(|p| p.eq_ignore_ascii_case(&c)))
                .unwrap_or(0);
            if !whole {
                d.message =
                    Some("The first folders only: give a deeper one with --folder PATH.".into());
            }
        }
        Err(e) => {
            d.paths = vec![DRAFTS.to_string()];
            d.message = Some(e);
        }
    }
    Outcome::redraw()
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let action = model.session.keymap.in_dialog(Context::Folder, &key);
    let Some(Dialog::Folder(d)) = &mut model.dialog else {
        return Reply::Pass;
    };
    let n = d.paths.len();
    match action {
        _ if super::step(&mut d.selected, n, action) => Reply::Stay(Outcome::redraw()),
        Some(DialogAction::Choose) if n > 0 => {
            let path = d.paths[d.selected].clone();
            let folder = (path != DRAFTS).then_some(path.clone());
            model.session.mailbox.folder = folder.clone();
            let saved = model.save.server.id.is_some();
            model.status.push(StatusEntry::Info(if saved {
                format!(
                    "New drafts go to {path}. This one is saved already and stays where it is (move it in Outlook)."
                )
            } else {
                format!("This draft and new ones go to {path}.")
            }));
            Reply::Close(Outcome::redraw().with(vec![Effect::UseFolder(folder)]))
        }
        Some(DialogAction::Close) => Reply::Close(Outcome::redraw()),
        _ => Reply::Stay(Outcome::none()),
    }
}
