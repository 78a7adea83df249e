//! Drafts earlier sessions left that the server does not hold: restore
//! one, delete its local copy, or start blank (they stay in the journal).

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

/// How long the offer is on screen before a key answers it: keys typed
/// ahead of it (the address someone started typing the moment graft
/// opened) are not answers to a question they never saw.
pub(crate) const ARM_AFTER: std::time::Duration = std::time::Duration::from_millis(700);

/// The offer has been on screen for a moment: keys answer it from now on.
pub(crate) fn arm(model: &mut Model) -> Outcome {
    match &mut model.dialog {
        Some(Dialog::Recover { armed, .. }) if !*armed => {
            *armed = true;
            Outcome::redraw()
        }
        _ => Outcome::none(),
    }
}

/// Whether the offer is waiting to be seen: a key now steps it aside.
pub(crate) fn unarmed(model: &Model) -> bool {
    matches!(&model.dialog, Some(Dialog::Recover { armed: false, .. }))
}

/// Typing reached the offer before it was seen: it steps aside (the
/// drafts stay in the journal, F6 offers them) and the key goes to the form.
pub(crate) fn step_aside(model: &mut Model) {
    if let Some(Dialog::Recover { items, .. }) = model.dialog.take() {
        model.set_aside_recovery(items);
    }
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let action = model.session.keymap.in_dialog(Context::Recover, &key);
    let Some(Dialog::Recover {
        items,
        selected,
        confirm,
        ..
    }) = &mut model.dialog
    else {
        return Reply::Stay(Outcome::none());
    };
    // Deleting unsaved text asks first: the confirm key (a different one)
    // deletes, any other key keeps the draft (and does nothing else).
    let asked = std::mem::take(confirm);
    if asked && action != Some(DialogAction::Confirm) {
        return Reply::Stay(Outcome::redraw());
    }
    match action {
        Some(DialogAction::Up) => *selected = selected.saturating_sub(1),
        Some(DialogAction::Down) => *selected = (*selected + 1).min(items.len().saturating_sub(1)),
        Some(DialogAction::Choose) => {
            let Some(rec) = items.get(*selected).cloned() else {
                return Reply::Close(Outcome::redraw());
            };
            model.dialog = None;
            model.restore(&rec);
            model.status.push(StatusEntry::Info(format!(
                "Recovered “{}” ({}).{}",
                rec.title(),
                rec.state(),
                if rec.server_id.is_some() {
                    " Saving updates the same draft on the server."
                } else {
                    ""
                }
            )));
            // This session's copy first, then the old file goes.
            let mut effects = Vec::new();
            if model.journal.enabled {
                model.journal.on_disk = true;
                effects.push(Effect::WriteJournal(Box::new(model.journal_record())));
            }
            effects.push(Effect::DropJournal(Box::new(rec)));
            return Reply::Stay(Outcome::redraw().with(effects));
        }
        Some(DialogAction::Delete) if *selected < items.len() => {
            *confirm = true;
            return Reply::Stay(Outcome::redraw());
        }
        Some(DialogAction::Confirm) if asked && *selected < items.len() => {
            let rec = items.remove(*selected);
            *selected = (*selected).min(items.len().saturating_sub(1));
            let last = items.is_empty();
            model.status.push(StatusEntry::Info(format!(
                "Deleted the local copy of “{}”.",
                rec.title()
            )));
            let out = Outcome::redraw().with(vec![Effect::DropJournal(Box::new(rec))]);
            return if last {
                Reply::Close(out)
            } else {
                Reply::Stay(out)
            };
        }
        Some(DialogAction::Close) => {
            let list = model.session.drafts_command();
            model.status.push(StatusEntry::Info(format!(
                "Started a blank draft; the earlier drafts stay in the local journal (`{list}` lists them)."
            )));
            return Reply::Close(Outcome::redraw());
        }
        _ => return Reply::Stay(Outcome::none()),
    }
    Reply::Stay(Outcome::redraw())
}
