//! The draft changed in Outlook where graft's text changed too. Nothing
//! was saved over it; this dialog shows both versions (Outlook's HTML as
//! text, saying what a text draft cannot keep) and settles it: the merged
//! text (when the two edits do not overlap: shown first, Enter saves it),
//! Outlook's version (graft's text stays in the local journal as a copy
//! to recover), graft's version over Outlook's (after a confirmation), or
//! graft's text as a new draft. Esc decides later.
//!
//! Also here: asking the server which version it holds when graft gets
//! the terminal back (after Ctrl-Z, after `$EDITOR`), so the user learns
//! early, without polling while idle.

use crate::config::keymap::{Context, DialogAction};
use crate::core::content::{BodyFormat, DraftContent};
use crate::core::merge::{Body, Merged, Theirs};
use crate::core::record::{Fields, JournalRecord, MoreText};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::state::dialogs::ConflictDialog;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::dialogs::Stage;
use crate::tui::app::state::save::ServerDraft;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

/// Opens the dialog on a save that met Outlook's edits.
/// What graft now knows the server holds: Outlook's version.
fn server_is_theirs(model: &mut Model, d: &ConflictDialog, form: Option<DraftContent>) {
    let theirs_content = DraftContent {
        quote: d.mine.quote.clone(),
        signature: d.mine.signature.clone(),
        ..d.theirs.content.clone()
    };
    model.save.server = ServerDraft {
        change_key: Some(d.theirs.change_key.clone()),
        seen: Some(crate::core::merge::fingerprint_html(&d.theirs.html)),
        sending: None,
        saved: Some(form.unwrap_or(theirs_content)),
        ..model.save.server.clone()
    };
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let action = model.session.keymap.in_dialog(Context::Conflict, &key);
    let answer = model_is_answer(model);
    let Some(Dialog::Conflict(d)) = &mut model.dialog else {
        return Reply::Stay(Outcome::none());
    };
    match (d.stage, action) {
        (_, Some(DialogAction::Up)) => {
            d.scroll = d.scroll.saturating_sub(1);
            Reply::Stay(Outcome::redraw())
        }
        (_, Some(DialogAction::Down)) => {
            d.scroll = d.scroll.saturating_add(1);
            Reply::Stay(Outcome::redraw())
        }
        (Stage::Choose, Some(DialogAction::Merge)) if d.can_merge() => {
            d.stage = Stage::Preview;
            d.scroll = 0;
            Reply::Stay(Outcome::redraw())
        }
        (Stage::Preview, Some(DialogAction::Choose)) => {
            let d = take(model);
            // The merged text in the form; saved over Outlook's version,
            // which the merge already holds.
            model.set_content(&d.merged.content);
            server_is_theirs(model, &d, None);
            model.status.push(StatusEntry::Info(
                "Merged Outlook's edits and yours; saving.".into(),
            ));
            Reply::Close(Outcome::save())
        }
        (Stage::Choose, Some(DialogAction::Theirs)) => {
            let d = take(model);
            Reply::Close(keep_theirs(model, &d))
        }
        (Stage::Choose, Some(DialogAction::Mine)) => {
            d.stage = Stage::ConfirmMine;
            Reply::Stay(Outcome::redraw())
        }
        (Stage::ConfirmMine, Some(DialogAction::Confirm)) => {
            let d = take(model);
            server_is_theirs(model, &d, None);
            model.form.edited();
            model.status.push(StatusEntry::Info(
                "Saving your version over the one edited in Outlook.".into(),
            ));
            Reply::Close(Outcome::save())
        }
        // An answer stays one: a new draft of it would be a second answer.
        (Stage::Choose, Some(DialogAction::New)) if answer => Reply::Stay(Outcome::none()),
        (Stage::Choose, Some(DialogAction::New)) => {
            let _ = take(model);
            // A new draft of this text; the one edited in Outlook stays as it is.
            model.draft_key = model.fresh_key();
            model.save.server = ServerDraft::default();
            model.save.create_uncertain = false;
            model.form.mark_unsaved();
            model.status.push(StatusEntry::Info(
                "Your text goes to a new draft; the one edited in Outlook is left as it is.".into(),
            ));
            Reply::Close(Outcome::save())
        }
        (Stage::Preview | Stage::ConfirmMine, Some(DialogAction::Close)) => {
            d.stage = Stage::Choose;
            Reply::Stay(Outcome::redraw())
        }
        (_, Some(DialogAction::Close)) => {
            let key = model
                .session
                .keymap
                .keys_label(crate::config::keymap::Action::Save);
            model.status.push(StatusEntry::Info(format!(
                "Not saved: the draft was changed in Outlook too. {key} shows both versions again."
            )));
            Reply::Close(Outcome::redraw())
        }
        (Stage::ConfirmMine, _) => {
            d.stage = Stage::Choose;
            Reply::Stay(Outcome::redraw())
        }
        _ => Reply::Stay(Outcome::none()),
    }
}

fn model_is_answer(model: &Model) -> bool {
    model.form.answer.is_some()
}

fn take(model: &mut Model) -> ConflictDialog {
    match model.dialog.take() {
        Some(Dialog::Conflict(d)) => *d,
        other => {
            model.dialog = other;
            ConflictDialog {
                theirs: Theirs {
                    content: DraftContent::default(),
                    html: String::new(),
                    change_key: String::new(),
                    attachments: Vec::new(),
                },
                merged: Merged {
                    content: DraftContent::default(),
                    body: Body::Mine,
                    subject: None,
                    lossy: None,
                },
                mine: DraftContent::default(),
                stage: Stage::Choose,
                scroll: 0,
            }
        }
    }
}

/// Outlook's version into the form; graft's text into the local journal
/// as a draft of its own (F6 and the next start offer it).
fn keep_theirs(model: &mut Model, d: &ConflictDialog) -> Outcome {
    let mut effects = Vec::new();
    let copy = JournalRecord {
        pid: model.session.pid,
        fields: Fields::of(&d.mine),
        format: d.mine.format,
        more: MoreText::of(&d.mine),
        signature: d.mine.signature.clone(),
        ..JournalRecord::blank(
            model.fresh_key(),
            &model.session.graph_url,
            &model.session.mailbox,
        )
    };
    if model.journal.enabled {
        effects.push(Effect::WriteJournal(Box::new(copy.clone())));
        effects.push(Effect::ReleaseJournal(copy.key.clone()));
    }
    model.pending_recover.push(copy);
    let (body, format) = d.theirs_in_form();
    let mut now = DraftContent {
        body,
        format,
        quote: d.mine.quote.clone(),
        signature: d.mine.signature.clone(),
        ..d.theirs.content.clone()
    };
    if d.mine.quote.is_some() {
        now.format = BodyFormat::Html;
    }
    model.set_content(&now);
    let held = model.validated_content().ok();
    server_is_theirs(model, d, held);
    model.form.mark_saved();
    let f6 = model
        .session
        .keymap
        .keys_label(crate::config::keymap::Action::History);
    let lossy = d
        .merged
        .lossy
        .as_ref()
        .map(|l| format!(" As text it loses {l}."))
        .unwrap_or_default();
    model.status.push(StatusEntry::Info(format!(
        "Took Outlook's version.{lossy} Your text is kept as a draft of its own in the local journal ({f6} lists it)."
    )));
    Outcome::redraw().with(effects)
}

/// graft has the terminal again: ask which version the server holds, if
/// graft saved this draft (one small request; none while idle).
pub(crate) fn check_version(model: &mut Model) -> Outcome {
    match (&model.save.server.id, &model.save.server.change_key) {
        (Some(id), Some(_)) if model.save.in_flight.is_none() => {
            Outcome::none().with(vec![Effect::CheckVersion { id: id.clone() }])
        }
        _ => Outcome::none(),
    }
}

/// The server's version came back: a different one means Outlook (or
/// another graft) changed the draft since graft saved it.
pub(crate) fn on_version(model: &mut Model, id: &str, result: Result<String, String>) -> Outcome {
    if model.save.server.id.as_deref() != Some(id) {
        return Outcome::none();
    }
    match result {
        Ok(key) if model.save.server.change_key.as_deref() != Some(key.as_str()) => {
            let save = model
                .session
                .keymap
                .keys_label(crate::config::keymap::Action::Save);
            model.status.push(StatusEntry::Info(format!(
                "This draft was changed in Outlook since graft saved it: {save} merges the changes, and asks where both changed the same thing."
            )));
            Outcome::redraw()
        }
        _ => Outcome::none(),
    }
}
