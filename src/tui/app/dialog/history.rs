//! Drafts graft saved in this profile (kept locally, newest first), and loading
//! one back from Graph into the form to continue it (GET, then PATCH on save).

use crate::core::attach::AttachedFile;
use crate::core::content::BodyFormat;
use crate::core::content::content_from_message;
use crate::core::record::{Fields, JournalRecord, MoreText};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::dialogs::HistoryDialog;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;
use serde_json::Value;

pub(crate) fn open(model: &mut Model) -> Outcome {
    // Earlier drafts the start set aside come first: they are not on the
    // server, and only here can they be taken up again.
    if !model.pending_recover.is_empty() {
        model.dialog = Some(Dialog::Recover {
            items: std::mem::take(&mut model.pending_recover),
            selected: 0,
            confirm: false,
            armed: true,
        });
        return Outcome::redraw();
    }
    let message = model.history.is_empty().then(|| {
        "No drafts saved from graft in this profile yet. Saved drafts appear here.".to_string()
    });
    model.dialog = Some(Dialog::History(HistoryDialog {
        selected: 0,
        loading: false,
        message,
        confirm_delete: false,
        states: Default::default(),
    }));
    // The list as its file holds it now, and where each is now (changed
    // in Outlook, sent, deleted): asked once as the list opens, in a few
    // batched requests.
    Outcome::redraw().with(vec![Effect::CheckHistory(model.history.clone())])
}

/// The history file was read as F6 opened: drafts saved since this graft
/// started (by another graft, or `graft draft`) join the list, newest first.
pub(crate) fn on_read(model: &mut Model, list: Vec<crate::core::history::HistoryEntry>) -> Outcome {
    let before = model.history.len();
    for e in list {
        if !model.history.iter().any(|h| h.id == e.id) {
            model.history.push(e);
        }
    }
    if model.history.len() == before {
        return Outcome::none();
    }
    model.history.sort_by(|a, b| b.saved.cmp(&a.saved));
    if let Some(Dialog::History(d)) = &mut model.dialog {
        d.message = None;
        d.selected = d.selected.min(model.history.len().saturating_sub(1));
    }
    Outcome::redraw()
}

/// Where the listed drafts are now came back.
pub(crate) fn on_states(model: &mut Model, states: Vec<(String, String)>) -> Outcome {
    match &mut model.dialog {
        Some(Dialog::History(d)) => {
            d.states = states.into_iter().collect();
            Outcome::redraw()
        }
        _ => Outcome::none(),
    }
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> crate::tui::app::msg::Reply {
    use crate::config::keymap::{Context, DialogAction};
    use crate::tui::app::msg::Reply;
    let n = model.history.len();
    let action = model.session.keymap.in_dialog(Context::History, &key);
    match (action, model.session.keymap.action_for(&key)) {
        (Some(DialogAction::Close), _)
        | (
            _,
            Some(crate::config::keymap::Action::History | crate::config::keymap::Action::Cancel),
        ) => {
            return Reply::Close(Outcome::redraw());
        }
        // Quit works from here too (it asks first if anything is unsaved).
        (_, Some(crate::config::keymap::Action::Quit)) => return Reply::Pass,
        _ => {}
    }
    let Some(Dialog::History(d)) = &mut model.dialog else {
        return Reply::Stay(Outcome::none());
    };
    if d.loading {
        return Reply::Stay(Outcome::none());
    }
    let asked = std::mem::take(&mut d.confirm_delete);
    if asked {
        if action != Some(DialogAction::Confirm) {
            d.message = Some("Kept.".into());
            return Reply::Stay(Outcome::redraw());
        }
        let Some(entry) = model
            .history
            .get(d.selected.min(n.saturating_sub(1)))
            .cloned()
        else {
            return Reply::Stay(Outcome::none());
        };
        d.message = Some(format!("Deleting “{}”…", entry.subject));
        return Reply::Stay(Outcome::redraw().with(vec![Effect::DeleteDraft { id: entry.id }]));
    }
    Reply::Stay(match action {
        Some(DialogAction::Delete) if n > 0 => {
            let subject = model.history[d.selected.min(n - 1)].subject.clone();
            let confirm = model
                .session
                .keymap
                .dialog_key(Context::History, DialogAction::Confirm);
            d.confirm_delete = true;
            d.message = Some(format!(
                "Delete “{subject}” from Outlook (it goes to Deleted Items)? {confirm} deletes it; any other key keeps it."
            ));
            Outcome::redraw()
        }
        _ if super::step(&mut d.selected, n, action) => Outcome::redraw(),
        Some(DialogAction::New) => new_draft(model),
        Some(DialogAction::Choose) if n > 0 => {
            let Some(entry) = model.history.get(d.selected.min(n - 1)).cloned() else {
                return Reply::Stay(Outcome::none());
            };
            if model.save.in_flight.is_some() {
                d.message = Some("A save is on its way; try again when it has finished.".into());
                return Reply::Stay(Outcome::redraw());
            }
            d.loading = true;
            d.message = Some(format!("Loading “{}” from Outlook…", entry.subject));
            Outcome::redraw().with(vec![Effect::LoadDraft {
                // An answer's quote stays HTML, whatever was typed above it.
                text: entry.format == Some(BodyFormat::Text) && entry.answers.is_empty(),
                id: entry.id,
                key: entry.key,
            }])
        }
        _ => Outcome::none(),
    })
}

/// A journal record for a draft of this form's mailbox: empty, not on the server.
fn blank_record(model: &Model, key: String) -> JournalRecord {
    JournalRecord {
        pid: model.session.pid,
        ..JournalRecord::blank(key, &model.session.graph_url, &model.session.mailbox)
    }
}

/// Puts `rec` in the form in place of the draft on screen, which stays in the
/// local journal if it has anything unsaved. The new draft counts as saved.
pub(crate) fn switch_to(model: &mut Model, rec: &JournalRecord) -> Vec<Effect> {
    let mut effects = Vec::new();
    if model.needs_journal() && model.journal.enabled {
        let old = model.journal_record();
        effects.push(Effect::WriteJournal(Box::new(old.clone())));
        if old.queued {
            // Its save was waiting to be tried again: it is finished in the
            // background, by the same rule, not dropped.
            effects.push(Effect::Sync(Box::new(old)));
            model.status.push(StatusEntry::Info(
                "The draft you were writing was waiting to be saved: it is saved in the background (and kept in the local journal until it is).".into(),
            ));
        } else {
            model.status.push(StatusEntry::Info(
                format!("The draft you were writing is kept in the local journal ({}; offered at the next start).", model.session.drafts_command()),
            ));
        }
    }
    if model.journal.enabled {
        // Its file is no longer this session's to keep open.
        effects.push(Effect::ReleaseJournal(model.draft_key.clone()));
    }
    model.restore(rec);
    model.save.retry = None;
    model.save.settle();
    model.form.mark_saved();
    model.journal.on_disk = false;
    model.dialog = None;
    effects
}

/// Starts a blank draft. The one on screen is saved already, or kept in the
/// local journal (offered at the next start and by `graft drafts`).
fn new_draft(model: &mut Model) -> Outcome {
    if model.save.in_flight.is_some() {
        if let Some(Dialog::History(d)) = &mut model.dialog {
            d.message = Some("A save is on its way; try again when it has finished.".into());
        }
        return Outcome::redraw();
    }
    let key = model.fresh_key();
    let rec = blank_record(model, key);
    let effects = switch_to(model, &rec);
    if !effects.iter().any(|e| matches!(e, Effect::WriteJournal(_))) {
        model.status.push(StatusEntry::Info("New draft.".into()));
    }
    model.form.signature = model.session.signature.clone();
    model.form.focus = Field::To;
    Outcome::redraw().with(effects)
}

/// A draft graft made was deleted from Outlook (or not): it leaves the
/// history; quitting that waited for it goes on.
pub(crate) fn on_deleted(model: &mut Model, id: &str, result: Result<(), String>) -> Outcome {
    let quitting = model.quit_after_delete.as_deref() == Some(id);
    match result {
        Ok(()) => {
            let subject = model
                .history
                .iter()
                .find(|e| e.id == id)
                .map(|e| e.subject.clone())
                .unwrap_or_default();
            model.history.retain(|e| e.id != id);
            let line = format!("Deleted “{subject}” from Drafts (it is in Deleted Items).");
            match &mut model.dialog {
                Some(Dialog::History(d)) => {
                    d.message = Some(line);
                    d.selected = d.selected.min(model.history.len().saturating_sub(1));
                }
                _ => model.status.push(StatusEntry::Info(line)),
            }
            if model.save.server.id.as_deref() == Some(id) {
                // The draft on screen is gone from the server: a save makes it anew.
                model.save.server = Default::default();
                model.form.answer = None;
                model.form.mark_unsaved();
            }
            if quitting {
                model.should_quit = true;
            }
            Outcome::redraw().with(vec![Effect::SaveHistory(model.history.clone())])
        }
        Err(e) => {
            model.quit_after_delete = None;
            let line = format!("Could not delete it: {e}");
            match &mut model.dialog {
                Some(Dialog::History(d)) => d.message = Some(line),
                _ => model.status.push(StatusEntry::Info(line)),
            }
            Outcome::redraw()
        }
    }
}

pub use crate::service::remote::{LoadFailure, Loaded};

/// The content ids of a reopened draft's pictures (the attachment list
/// does not give them: `contentId` cannot be selected on it), from the
/// body's own picture references, by file name: a picture the body names
/// is the one on the draft, never sent again.
fn name_pictures(rec: &mut JournalRecord) {
    let content = crate::core::content::DraftContent {
        body: rec.fields.body.clone(),
        format: rec.format,
        signature: rec.signature.clone(),
        ..Default::default()
    };
    let mut wanted = crate::core::inline::plan(&content, &[]).check;
    for f in rec
        .attachments
        .iter_mut()
        .filter(|f| f.inline && f.content_id.is_none())
    {
        let stem: String = f
            .name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            .take(40)
            .collect();
        if let Some(i) = wanted
            .iter()
            .position(|(_, cid)| cid.starts_with(&format!("{stem}.")))
        {
            f.content_id = Some(wanted.remove(i).1);
        }
    }
}

/// A draft from the server into `rec` as graft wrote it: its source (a
/// Markdown text, the signature apart, an answer's quote) when the server
/// still holds the version graft saved; else its HTML, the signature and
/// an answer's quote still kept apart from the editable text. Returns what
/// to say about it.
fn reopen(
    rec: &mut JournalRecord,
    content: &crate::core::content::DraftContent,
    raw: &str,
    source: Option<&crate::core::history::Source>,
    change_key: &str,
) -> String {
    use crate::core::content::Signature;
    if let Some(src) = source.filter(|s| !change_key.is_empty() && s.change_key == change_key) {
        rec.fields.body = src.body.clone();
        rec.format = src.format;
        rec.signature = src.signature.clone();
        rec.answer = src.answer.clone();
        return match src.format {
            BodyFormat::Markdown => " as the Markdown you wrote".into(),
            _ => String::new(),
        };
    }
    // What the server holds, read as the form reads it.
    rec.seen = Some(crate::core::merge::fingerprint_html(raw));
    let mut body = content.body.clone();
    if let Some(a) = source.and_then(|s| s.answer.as_ref()) {
        // Still an answer: the user's part above, the quote as the server has it.
        let quote = crate::core::answer::without_text_above(raw);
        body = crate::core::answer::text_above(raw).trim().to_string();
        rec.answer = Some(crate::core::answer::Answer {
            quote_html: quote,
            ..a.clone()
        });
        rec.format = BodyFormat::Html;
    }
    match content.format {
        BodyFormat::Text => {
            // A text signature below `-- `, as graft adds it.
            if let Some(sig) = source.and_then(|s| s.signature.clone())
                && let Some(at) = body.rfind("\n-- \n")
            {
                body.truncate(at);
                rec.signature = Some(sig);
            }
        }
        _ => {
            let (rest, sig) = crate::core::merge::split_signature(&body);
            if let Some(inner) = sig {
                body = rest.trim().to_string();
                rec.signature = Some(Signature {
                    text: inner,
                    format: BodyFormat::Html,
                });
            }
        }
    }
    // Whatever local file the server's body names was not written here:
    // it is never sent (graft itself always sends `cid:` references).
    rec.not_mine = crate::core::inline::any_local_images(&body);
    rec.fields.body = body;
    match source.map(|s| s.format) {
        Some(BodyFormat::Markdown) => {
            " as HTML: it was changed in Outlook since graft saved it, so the Markdown you wrote no longer says what it holds".into()
        }
        Some(_) if !change_key.is_empty() => " (changed in Outlook since graft saved it)".into(),
        _ => String::new(),
    }
}

pub(crate) fn on_loaded(
    model: &mut Model,
    id: String,
    result: Result<Loaded, LoadFailure>,
) -> Outcome {
    let Some(Dialog::History(d)) = &mut model.dialog else {
        return Outcome::none();
    };
    d.loading = false;
    let loaded = match result {
        Ok(l) => l,
        Err(LoadFailure::Failed(f)) => {
            d.message = Some(format!("Could not load it: {} {}", f.code, f.message));
            return Outcome::redraw();
        }
        Err(LoadFailure::Sent) => {
            d.message = Some(
                "That draft has been sent; it is in Sent Items now, no longer a draft.".into(),
            );
            return Outcome::redraw();
        }
        Err(LoadFailure::Deleted) => {
            d.message = Some(
                "That draft was deleted in Outlook (it is in Deleted Items); restore it there to continue it.".into(),
            );
            return Outcome::redraw();
        }
        Err(LoadFailure::Gone) => {
            d.message = Some("That draft is gone from Outlook; dropped from the list.".to_string());
            model.history.retain(|e| e.id != id);
            return Outcome::redraw().with(vec![Effect::SaveHistory(model.history.clone())]);
        }
    };
    if loaded.message.get("isDraft") == Some(&Value::Bool(false)) {
        d.message = Some("That message has been sent; it is no longer a draft.".into());
        return Outcome::redraw();
    }
    let key = model
        .history
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.key.clone())
        .unwrap_or_else(|| model.fresh_key());
    let content = content_from_message(&loaded.message);
    let mut rec = blank_record(model, key);
    rec.fields = Fields::of(&content);
    rec.format = content.format;
    rec.more = MoreText::of(&content);
    let change_key = crate::util::sanitize::line(
        loaded
            .message
            .get("changeKey")
            .and_then(Value::as_str)
            .unwrap_or(""),
    );
    let raw = loaded
        .message
        .pointer("/body/content")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    rec.change_key = (!change_key.is_empty()).then(|| change_key.clone());
    let reopened = reopen(
        &mut rec,
        &content,
        &raw,
        loaded.source.as_ref(),
        &change_key,
    );
    // A draft the user moved in Outlook has a new id: the list follows it.
    if loaded.id != id {
        for e in model.history.iter_mut().filter(|e| e.id == id) {
            e.id = loaded.id.clone();
        }
    }
    let moved = loaded.id != id;
    rec.server_id = Some(loaded.id.clone());
    rec.web_link = loaded
        .message
        .get("webLink")
        .and_then(Value::as_str)
        .map(crate::util::sanitize::line);
    rec.attachments = loaded
        .attachments
        .iter()
        .map(|a| AttachedFile::on_server(&a.id, &a.name, a.size, a.is_inline))
        .collect();
    name_pictures(&mut rec);
    let mut effects = switch_to(model, &rec);
    // What the server holds is what the form shows now, as the form reads it.
    model.save.server.saved = model.validated_content().ok();
    model.form.focus = Field::Body;
    model.status.push(StatusEntry::Info(format!(
        "Loaded “{}” from Outlook{}. Ctrl-S updates this draft.",
        if content.subject.is_empty() {
            "(no subject)"
        } else {
            &content.subject
        },
        reopened
    )));
    if moved {
        effects.push(Effect::SaveHistory(model.history.clone()));
    }
    Outcome::redraw().with(effects)
}
