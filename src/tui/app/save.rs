//! Saving: create then update, one request at a time, automatic retries that
//! respect the service, no duplicate drafts, and the local journal's schedule.

use super::model::Model;
use crate::graph::{self, FailureKind};
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::TimerKind;
use crate::tui::app::state::dialogs::{ConflictDialog, Dialog};
use crate::tui::app::state::save::InFlight;
use crate::tui::app::state::save::RetryWait;
use crate::tui::app::state::save::SaveKind;
use crate::tui::app::state::save::SavedHow;
use crate::tui::app::state::status::StatusEntry;
use std::time::Duration;

pub(crate) fn on_tick(model: &mut Model, kind: TimerKind, seq: u64) -> Outcome {
    match kind {
        TimerKind::SignIn | TimerKind::People | TimerKind::MailSearch | TimerKind::Arm => {
            Outcome::none()
        }
        TimerKind::Journal => super::journal::on_tick(model),
        TimerKind::Retry => {
            let loading = matches!(&model.dialog, Some(Dialog::History(d)) if d.loading);
            let Some(wait) = model.save.retry.as_mut().filter(|w| w.seq == seq) else {
                return Outcome::none();
            };
            if loading && wait.remaining_secs <= 1 {
                // Another draft is being loaded in its place: this one waits
                // (and goes to the journal still queued), rather than be sent
                // while the form changes hands.
                return Outcome::none().with(vec![Effect::Timer {
                    after: Duration::from_secs(1),
                    kind: TimerKind::Retry,
                    seq,
                }]);
            }
            wait.remaining_secs = wait.remaining_secs.saturating_sub(1);
            if wait.remaining_secs > 0 {
                let seq = wait.seq;
                return Outcome::redraw().with(vec![Effect::Timer {
                    after: Duration::from_secs(1),
                    kind: TimerKind::Retry,
                    seq,
                }]);
            }
            model.save.retry = None;
            save(model)
        }
    }
}

/// A step of the save under way: kept (the last few) for the status pane.
pub(crate) fn on_step(
    model: &mut Model,
    req: u64,
    at: String,
    step: crate::graph::Step,
) -> Outcome {
    if model.save.in_flight.as_ref().is_none_or(|f| f.req != req) {
        return Outcome::none();
    }
    let line = match step {
        crate::graph::Step::Sent { method, path } => format!("{at} {method} {path}"),
        crate::graph::Step::Failed { method, path, why } => {
            model.save.troubled = true;
            format!("{at} {method} {path}: {why}")
        }
    };
    model.save.steps.push(crate::util::sanitize::line(&line));
    let len = model.save.steps.len();
    if len > STEPS_SHOWN {
        model.save.steps.drain(..len - STEPS_SHOWN);
    }
    // A save going well is not redrawn for each request.
    if model.save.troubled {
        Outcome::redraw()
    } else {
        Outcome::none()
    }
}

/// Steps of a save shown under "saving…".
const STEPS_SHOWN: usize = 4;

/// Esc while saving: the save stops where it is. A create may have reached
/// Outlook: the next save looks for it by its key before making one.
pub(crate) fn stop(model: &mut Model) -> Outcome {
    let Some(flight) = model.save.in_flight.take() else {
        return Outcome::none();
    };
    model.save.upload = None;
    model.save.quit_after = false;
    model.save.queued = false;
    if flight.kind != SaveKind::Update {
        model.save.create_uncertain = true;
    }
    let whereabouts = if model.journal.enabled {
        format!(
            "your text is in the local journal ({} lists it)",
            model.session.drafts_command()
        )
    } else {
        "your text is only on this screen (no local journal)".to_string()
    };
    model.status.push(StatusEntry::Info(format!(
        "Save stopped; {whereabouts}. It may have reached Outlook: Ctrl-S looks for it first, so it is never made twice."
    )));
    Outcome::redraw().with(vec![Effect::StopSave(flight.req)])
}

pub(crate) fn cancel_retry(model: &mut Model) -> Outcome {
    model.save.retry = None;
    model.save.quit_after = false;
    model.status.push(StatusEntry::Info(
        "Automatic retry cancelled. Ctrl-S tries again; your text is kept in the local journal."
            .into(),
    ));
    Outcome::redraw()
}

pub(crate) fn save(model: &mut Model) -> Outcome {
    if model.save.in_flight.is_some() {
        model.save.queued = true;
        model.status.push(StatusEntry::Info(
            "Still saving; will save your latest changes as soon as this save finishes.".into(),
        ));
        return Outcome::redraw();
    }
    // Ctrl-S during a retry countdown means: now.
    model.save.retry = None;
    if let Some(wait) = super::resolve::before_save(model) {
        return wait;
    }
    let content = match sendable(model) {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    if let Some(wait) = super::images::before_save(model, &content) {
        return wait;
    }
    let unmade_answer = model.form.answer.as_ref().is_some_and(|a| !a.made());
    if !unmade_answer && let Some(held) = held_by_checks(model, &content) {
        return held;
    }
    let req = model.save.next_req;
    model.save.next_req += 1;
    let files = model.form.files.clone();
    // One client-request-id for a save and all its automatic retries.
    let attempt = match (&model.save.attempt, model.save.tries.attempt) {
        (Some(a), n) if n > 0 => crate::graph::Attempt {
            retry: n,
            ..a.clone()
        },
        _ => crate::graph::Attempt {
            client_request_id: Some(model.fresh_key()),
            retry: 0,
        },
    };
    model.save.attempt = Some(attempt.clone());
    // The one save path decides what this save is (service::save::SaveJob).
    let keyed = !model.session.key_refused;
    let rec = model.journal_record();
    let job = crate::service::save::SaveJob::for_record(&rec, &content, keyed);
    let (effect, kind, url) = match job {
        crate::service::save::SaveJob::Create { body, lookup_key } => (
            Effect::Create {
                req,
                body,
                lookup_key,
                files: files.clone(),
                attempt,
            },
            SaveKind::Create,
            format!("{}/messages", model.session.mailbox.path_label()),
        ),
        crate::service::save::SaveJob::Answer(job) => {
            let url = format!(
                "/{}/messages/{{id}}/{}",
                model.session.mailbox.owner_label(),
                job.answer.kind.action()
            );
            (
                Effect::Answer {
                    req,
                    job,
                    files: files.clone(),
                    attempt,
                },
                SaveKind::Create,
                url,
            )
        }
        crate::service::save::SaveJob::Update {
            id,
            body,
            key,
            guard,
        } => {
            if body.as_object().is_some_and(|o| o.is_empty()) && !files.pending() {
                model.form.mark_saved();
                model.status.push(StatusEntry::Info(
                    "No changes since the last save: the draft on the server is up to date.".into(),
                ));
                if model.save.quit_after {
                    model.should_quit = true;
                }
                return Outcome::redraw();
            }
            (
                Effect::Update {
                    req,
                    id,
                    body,
                    files: files.clone(),
                    key,
                    attempt,
                    guard,
                },
                SaveKind::Update,
                format!("/{}/messages/{{id}}", model.session.mailbox.owner_label()),
            )
        }
    };
    model.save.in_flight = Some(InFlight {
        req,
        key: model.draft_key.clone(),
        kind,
        snapshot: content,
        generation: model.form.generation,
        files,
    });
    // A save's retries keep what its earlier tries met: a slow or silent
    // server is seen at work, try after try.
    if model.save.tries.attempt == 0 {
        model.save.steps.clear();
        model.save.troubled = false;
    }
    model.status.push(StatusEntry::Saving { kind, url });
    let mut effects = Vec::new();
    if model.journal.enabled {
        // On disk before it leaves: a create that may land is looked up
        // after a crash, an update that may land is known for graft's own.
        model.journal.on_disk = true;
        effects.push(Effect::NoteCreate(Box::new(model.journal_record())));
    }
    effects.push(effect);
    Outcome {
        then: None,
        effects,
        redraw: true,
    }
}

/// The checks before a save (`[checks]` in the config file): a save that
/// meets one is held and says why; saving the same text again saves
/// anyway, and that reason does not hold this draft again (a new one does,
/// once).
fn held_by_checks(
    model: &mut Model,
    content: &crate::core::content::DraftContent,
) -> Option<Outcome> {
    // The body's pictures are not what "attached" speaks of.
    let attached = super::dialog::attach::files_only(&model.form.files).count();
    // The tenant's MailTips, where it gave them, in place of the guesses.
    let mut warnings = crate::core::checks::check_with_tips(
        content,
        attached,
        &model.session.checks,
        &model.completion.tips,
    );
    let live = super::spell::live_words(model);
    warnings.extend(crate::core::checks::spelling(
        live.iter().map(String::as_str),
        &model.session.checks,
    ));
    let passed = &model.save.passed;
    let warnings: Vec<_> = warnings
        .into_iter()
        .filter_map(|w| w.without(passed))
        .collect();
    if warnings.is_empty() {
        return None;
    }
    if model.save.checked == Some(model.form.generation) {
        // Saved past: these reasons are the user's choice now.
        model
            .save
            .passed
            .extend(warnings.iter().flat_map(|w| w.reasons()));
        return None;
    }
    model.save.checked = Some(model.form.generation);
    model.save.quit_after = false;
    let keys = &model.session.keymap;
    let save = keys.keys_label(crate::config::keymap::Action::Save);
    let forgot = warnings
        .iter()
        .any(|w| matches!(w, crate::core::checks::Warning::ForgottenAttachment(_)));
    let attach = if forgot {
        format!(
            " ({} attaches)",
            keys.keys_label(crate::config::keymap::Action::Attach)
        )
    } else {
        String::new()
    };
    let list: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    model.status.push(StatusEntry::Check(format!(
        "Not saved yet: {}{attach}. {save} again saves it as it is.",
        list.join("; ")
    )));
    Some(Outcome::redraw())
}

/// The draft as it would be sent, or why it is not sent: a field that is
/// not valid (focused, or the F3 panel opened on Reply-To), or a message
/// larger than Graph takes in one request.
fn sendable(model: &mut Model) -> Result<crate::core::content::DraftContent, Outcome> {
    let content = match model.validated_content() {
        Ok(c) => c,
        Err(bad) => {
            let text = bad
                .iter()
                .map(|(f, e)| format!("{}: {e}", f.map_or("Reply-To", |f| f.label())))
                .collect::<Vec<_>>()
                .join("; ");
            model
                .status
                .push(StatusEntry::Invalid(format!("Not saved. {text}")));
            match bad.first() {
                Some((Some(f), _)) => model.form.focus = *f,
                Some((None, _)) => {
                    model.dialog = Some(Dialog::More {
                        row: crate::tui::app::state::dialogs::Row::ReplyTo,
                    })
                }
                None => {}
            }
            model.save.quit_after = false;
            return Err(Outcome::redraw());
        }
    };
    // Graph refuses requests over about 4 MB (413); say so before sending.
    if let Some(why) = crate::service::save::too_large(&content) {
        let mut why = why;
        if let Some(c) = why.get_mut(..1) {
            c.make_ascii_uppercase();
        }
        model.status.push(StatusEntry::Invalid(format!(
            "Not saved. {why}. Your text is kept; shorten the body."
        )));
        model.save.quit_after = false;
        return Err(Outcome::redraw());
    }
    Ok(content)
}

/// `2 attached (9.0 MB): a.pdf, b.zip`, counting only what the server has.
fn files_line(model: &Model) -> Option<String> {
    let on: Vec<_> = model
        .form
        .files
        .list
        .iter()
        .filter(|f| f.server_id.is_some())
        .collect();
    if on.is_empty() {
        return None;
    }
    let total: u64 = on.iter().map(|f| f.size).sum();
    Some(format!(
        "{} attached ({}): {}",
        on.len(),
        crate::core::attach::human_size(total),
        on.iter()
            .map(|f| f.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

pub(crate) fn on_save_done(
    model: &mut Model,
    req: u64,
    at: String,
    outcome: Box<crate::service::save::SaveOutcome>,
) -> Outcome {
    let Some(flight) = model
        .save
        .in_flight
        .take_if(|f| f.req == req && f.key == model.draft_key)
    else {
        // An answer to a request this form no longer waits for, or one sent
        // for another draft: it is never applied to the one on screen.
        return Outcome::none();
    };
    model.save.upload = None;
    let crate::service::save::SaveOutcome {
        result,
        info,
        files,
        made,
        sent,
        merge,
    } = *outcome;
    let adopted = info.adopted;
    let mut flight = flight;
    let mut merge_note = None;
    if let Some(made) = &made {
        // Graph made the answer (or it was found made): it exists now,
        // whatever became of the rest; from here on it is updated.
        model.answer_made(made, sent.as_ref(), &flight.snapshot);
        // A forward's files, copied by Graph: on the list, to see or remove.
        for f in &made.carried {
            let listed = model
                .form
                .files
                .list
                .iter()
                .any(|x| x.server_id == f.server_id);
            if !listed {
                model.form.files.list.push(f.clone());
            }
        }
        model.save.server.id = Some(made.saved.id.clone());
        model.save.server.web_link = Some(made.saved.web_link.clone());
        model.save.server.change_key = Some(made.saved.change_key.clone());
        model.save.server.saved = Some(made.graph.clone());
        model.save.create_uncertain = false;
        if let Some(s) = sent.clone() {
            flight.snapshot = s;
        }
        if result.is_err() {
            flight.kind = SaveKind::Update;
            let entry = history_entry(model, &made.saved, &flight.snapshot);
            crate::core::history::upsert(&mut model.history, entry);
        }
    }
    let mut notice = None;
    if info.unkeyed && !model.session.key_refused {
        model.session.key_refused = true;
        notice = Some(StatusEntry::Info(
            "This mailbox has no room for graft's draft key (its named-property quota is full: ErrorQuotaExceeded), so drafts are saved without it and the duplicate guard is off: after a lost answer, check Outlook's Drafts before saving again.".into(),
        ));
    }
    if let Some(m) = merge {
        match &result {
            // Outlook changed it where graft did too: the user settles it.
            Err(_) if m.merged.conflict() => {
                model.save.give_up();
                model.status.push(StatusEntry::Info(
                    "Not saved: this draft was changed in Outlook too. Both versions are shown."
                        .into(),
                ));
                model.dialog = Some(Dialog::Conflict(Box::new(ConflictDialog::new(
                    m.theirs,
                    m.merged,
                    flight.snapshot,
                ))));
                return Outcome::redraw();
            }
            Ok(_) => {
                // Files Outlook removed are off the list too.
                let gone = crate::core::merge::removed_there(
                    &model.form.files.list,
                    &m.theirs.attachments,
                );
                let names: Vec<String> = gone
                    .iter()
                    .rev()
                    .map(|&i| model.form.files.list.remove(i).name)
                    .collect();
                let removed = if names.is_empty() {
                    String::new()
                } else {
                    format!(
                        "; removed in Outlook, so off this draft's list too: {}",
                        crate::util::sanitize::line(&names.join(", "))
                    )
                };
                // Merged without a question: the form holds the merge now.
                let untouched = model.form.generation == flight.generation;
                if untouched {
                    model.set_content(&m.merged.content);
                }
                if m.merged.body == crate::core::merge::Body::Theirs {
                    model.save.server.seen =
                        Some(crate::core::merge::fingerprint_html(&m.theirs.html));
                } else {
                    model.save.server.seen = None;
                }
                let lossy = m
                    .merged
                    .lossy
                    .as_ref()
                    .map(|l| format!(" (as text it loses {l})"))
                    .unwrap_or_default();
                merge_note = Some(StatusEntry::Info(format!(
                    "This draft was changed in Outlook too: both sets of changes are kept{lossy}{removed}."
                )));
                if let Some(s) = sent.clone() {
                    flight.snapshot = s;
                }
                if untouched {
                    flight.generation = model.form.generation;
                }
            }
            Err(_) => {}
        }
    } else if result.is_ok() && flight.kind == SaveKind::Update {
        // graft's own body went: what the server holds follows from it.
        model.save.server.seen = None;
    }
    match result {
        Ok(saved) => {
            let how = match (&made, adopted) {
                (_, true) => Some(SavedHow::Adopted),
                (Some(_), false) => Some(SavedHow::Made),
                (None, false) => None,
            };
            on_saved(model, flight, at, saved, files, how, notice.or(merge_note))
        }
        Err(f) => {
            if let Some(n) = notice {
                model.status.push(n);
            }
            on_failure(model, flight, at, f, info.elsewhere)
        }
    }
}

/// A save succeeded: the server's draft, the history and the address book
/// learn it, and what waited for it (a queued save, quitting) goes on.
fn on_saved(
    model: &mut Model,
    flight: InFlight,
    at: String,
    saved: crate::graph::SavedMessage,
    files: crate::service::save::FilesOutcome,
    how: Option<SavedHow>,
    mut notice: Option<StatusEntry>,
) -> Outcome {
    let at_copy = at.clone();
    super::dialog::attach::apply_outcome(model, &flight.files, &files);
    let moved = flight.kind == SaveKind::Update
        && model
            .save
            .server
            .id
            .as_deref()
            .is_some_and(|old| old != saved.id);
    let entry = history_entry(model, &saved, &flight.snapshot);
    crate::core::history::upsert(&mut model.history, entry);
    let history = Effect::SaveHistory(model.history.clone());
    // What graft wrote, to reopen it as written while Outlook leaves it be.
    let source = Effect::KeepSource {
        key: model.draft_key.clone(),
        source: Box::new(crate::core::history::Source {
            id: saved.id.clone(),
            change_key: saved.change_key.clone(),
            format: flight.snapshot.format,
            body: flight.snapshot.body.clone(),
            signature: flight.snapshot.signature.clone(),
            answer: model.form.answer.clone(),
        }),
    };
    model.save.settle();
    model.save.create_uncertain = false;
    model.save.server.sending = None;
    model.save.server.id = Some(saved.id.clone());
    model.save.server.web_link = Some(saved.web_link.clone());
    model.save.server.change_key = Some(saved.change_key.clone());
    let used: Vec<_> = [
        &flight.snapshot.to,
        &flight.snapshot.cc,
        &flight.snapshot.bcc,
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect();
    crate::core::address::remember(&mut model.completion.known, &used);
    let remembered = Effect::RememberAddresses(model.completion.known.clone());
    model.save.server.saved = Some(flight.snapshot);
    model.form.saved_generation = flight.generation;
    let how = match flight.kind {
        _ if how.is_some() => how.unwrap_or(SavedHow::Created),
        _ if moved => SavedHow::Moved,
        SaveKind::Create => SavedHow::Created,
        SaveKind::Update => SavedHow::Updated,
    };
    model.status.push(StatusEntry::Saved {
        at,
        how,
        status: saved.status,
        status_text: saved.status_text,
        id: saved.id,
        web_link: saved.web_link,
        folder: model.session.mailbox.folder_label(),
        request_id: saved.request_id,
        files: files_line(model),
    });
    if let Some(n) = notice.take() {
        model.status.push(n);
    }
    if let Some((name, f)) = files.failed {
        return on_attach_failure(model, at_copy, name, f, vec![remembered, history, source]);
    }
    if model.save.queued {
        model.save.queued = false;
        let mut out = save(model);
        out.redraw = true;
        out.effects.push(remembered);
        out.effects.push(history);
        out.effects.push(source);
        return out;
    }
    if model.save.quit_after && !model.is_dirty() {
        model.should_quit = true;
    }
    Outcome::redraw().with(vec![remembered, history, source])
}

/// The history's entry for the draft on screen, as the server has it now.
fn history_entry(
    model: &Model,
    saved: &crate::graph::SavedMessage,
    content: &crate::core::content::DraftContent,
) -> crate::core::history::HistoryEntry {
    crate::core::history::HistoryEntry {
        id: saved.id.clone(),
        key: model.draft_key.clone(),
        subject: crate::util::sanitize::line(&content.subject),
        saved: if saved.last_modified.is_empty() {
            saved.created.clone()
        } else {
            saved.last_modified.clone()
        },
        folder: if model.form.answer.is_some() {
            "Drafts".into()
        } else {
            model.session.mailbox.folder_label()
        },
        web_link: saved.web_link.clone(),
        owner: model.session.mailbox.owner_label(),
        format: Some(content.format),
        answers: model
            .form
            .answer
            .as_ref()
            .map(|a| a.title())
            .unwrap_or_default(),
        change_key: saved.change_key.clone(),
    }
}

/// The message was saved but an attachment was not: say which and why; retry
/// by itself when the network or the service was the cause.
fn on_attach_failure(
    model: &mut Model,
    at: String,
    name: String,
    f: graph::Error,
    effects: Vec<Effect>,
) -> Outcome {
    model.save.queued = false;
    if let Some(out) = schedule_retry(model, &f) {
        return out.with(effects);
    }
    model.save.give_up();
    let hint = match f.kind {
        FailureKind::File => Some(
            "Nothing was sent for this file. Fix it or remove it (Ctrl-O, select, Del), then Ctrl-S."
                .to_string(),
        ),
        _ if f.code == "ErrorMessageSizeExceeded" => Some(
            "The mailbox's message size limit (35 MB by default) is reached; remove a file.".into(),
        ),
        _ => Some("The message itself is saved. Ctrl-S tries the attachment again.".into()),
    };
    model
        .status
        .push(failed_entry(at, format!("attach {name}"), f, hint));
    Outcome::redraw().with(effects)
}

fn failed_entry(at: String, what: String, f: graph::Error, hint: Option<String>) -> StatusEntry {
    StatusEntry::Failed {
        at,
        what,
        status: f.status,
        status_text: f.status_text,
        code: f.code,
        message: f.message,
        request_id: f.request_id,
        hint,
    }
}

/// Whether a failed request may have changed the server anyway.
fn on_failure(
    model: &mut Model,
    flight: InFlight,
    at: String,
    f: graph::Error,
    elsewhere: Option<crate::graph::Whereabouts>,
) -> Outcome {
    use crate::graph::Whereabouts;
    if let Some(w) = elsewhere {
        // Sent or deleted in Outlook, or gone: nothing was saved over it.
        model.save.give_up();
        model.save.create_uncertain = false;
        model.dialog = Some(match w {
            Whereabouts::Sent(_) => {
                Dialog::DraftElsewhere(crate::tui::app::state::save::Elsewhere::Sent)
            }
            Whereabouts::Deleted(_) => {
                Dialog::DraftElsewhere(crate::tui::app::state::save::Elsewhere::Deleted)
            }
            _ => Dialog::DraftGone,
        });
        let hint = Some("Your text is kept here and in the local journal.".to_string());
        model
            .status
            .push(failed_entry(at, flight.kind.http().into(), f, hint));
        return Outcome::redraw();
    }
    if flight.kind == SaveKind::Create && f.may_have_applied() {
        if model.session.key_refused {
            // Without a key there is nothing to look the draft up by: say
            // so rather than risk a second copy.
            model.save.give_up();
            model.status.push(failed_entry(
                at,
                flight.kind.http().into(),
                f,
                Some("The draft may have reached Outlook. This mailbox has no duplicate guard: look in Drafts before pressing Ctrl-S, which saves it again.".into()),
            ));
            return Outcome::redraw();
        }
        // The draft may exist now: the next attempt looks it up by key first.
        model.save.create_uncertain = true;
    }
    // A retry (or the user's next Ctrl-S) saves the latest text: nothing else to queue.
    model.save.queued = false;
    if f.kind == FailureKind::SignInNeeded && model.session.can_sign_in {
        model.save.after_sign_in = true;
        model.dialog = Some(Dialog::SignIn(
            crate::tui::app::state::session::SignInStage::Offer {
                why: f.message.clone(),
            },
        ));
    }
    if let Some(out) = schedule_retry(model, &f) {
        return out;
    }
    model.save.give_up();
    if f.status == Some(404) && f.code == "ErrorItemNotFound" && flight.kind == SaveKind::Update {
        model.dialog = Some(Dialog::DraftGone);
    }
    let hint = hint_for(&f, flight.kind, model.session.mailbox.user.as_deref());
    model
        .status
        .push(failed_entry(at, flight.kind.http().into(), f, hint));
    Outcome::redraw()
}

/// Asks the one retry policy whether a failure retries by itself (no answer
/// at all: always, the save stays queued; a busy service: a few times) and
/// if so schedules it: the server's Retry-After (never less), else
/// exponential backoff with jitter, shown as a countdown in whole seconds.
/// `None` when the failure is to be shown as final.
fn schedule_retry(model: &mut Model, f: &graph::Error) -> Option<Outcome> {
    let jitter = model.random();
    let wait = model.save.tries.after(f, Some(jitter))?;
    let attempt = model.save.tries.attempt;
    let offline = f.is_offline();
    let secs = crate::graph::retry::whole_seconds(wait);
    model.timer_seq += 1;
    let seq = model.timer_seq;
    // Said as what happened: not reachable is "offline"; a server that
    // took too long or dropped the connection is not.
    let reason = if offline {
        match f.code.as_str() {
            "Timeout" => "no answer in time".to_string(),
            "ConnectionReset" => "connection dropped by the server".to_string(),
            "NetworkError" => "the request did not complete".to_string(),
            _ => "offline".to_string(),
        }
    } else {
        let code = if f.code.is_empty() {
            String::new()
        } else {
            format!(" {}", f.code)
        };
        format!(
            "{} ({}{code})",
            if f.status == Some(429) {
                "throttled"
            } else {
                "service unavailable"
            },
            f.status.unwrap_or(0)
        )
    };
    let detail = if offline {
        f.message.clone()
    } else {
        format!(
            "{}{}",
            f.message,
            f.request_id
                .as_ref()
                .map(|r| format!(" (request-id {r})"))
                .unwrap_or_default()
        )
    };
    model.save.retry = Some(RetryWait {
        remaining_secs: secs,
        attempt,
        reason: reason.clone(),
        // "Will save when the connection returns" only when there is none.
        offline: offline && f.code == "ConnectFailed",
        seq,
    });
    model.status.push(StatusEntry::Waiting { reason, detail });
    Some(Outcome::redraw().with(vec![Effect::Timer {
        after: Duration::from_secs(1),
        kind: TimerKind::Retry,
        seq,
    }]))
}

/// What a failure means for the user, in the terms that fix it. A 403 is
/// a permission, never the network.
fn hint_for(f: &graph::Error, kind: SaveKind, user: Option<&str>) -> Option<String> {
    if f.status == Some(403) {
        return Some(crate::service::save::permission_hint(user));
    }
    let h = match (f.kind, f.status, f.code.as_str()) {
        (FailureKind::NoToken, ..) => {
            "Nothing was sent. Your text is safe here and in the local journal."
        }
        (_, Some(401), _) => {
            "The token was refused (expired or for another service). Get a new one; your text is safe here."
        }
        (_, Some(404), "ErrorItemNotFound") if kind == SaveKind::Update => {
            "The draft is gone on the server (sent or deleted elsewhere)."
        }
        (_, Some(429), _) | (_, Some(503), _) | (_, Some(504), _) => {
            "The service is still busy after several tries. Press Ctrl-S to try again; your text is safe."
        }
        _ => return None,
    };
    Some(h.to_string())
}
