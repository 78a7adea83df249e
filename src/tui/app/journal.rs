//! The local journal's schedule, in one place: `update` compares a cheap mark
//! of what the journal holds before and after each message, and when it
//! moved, a write is scheduled (debounced); when the timer fires the draft
//! is written, or its file removed once the server holds it all.

use super::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::TimerKind;
use std::time::Duration;

/// How soon after an edit the journal is written. Text typed more than this
/// (plus a disk write) before a crash is on disk.
pub(crate) const JOURNAL_DELAY: Duration = Duration::from_millis(300);

/// What the journal file would say, in a few numbers: equal marks, equal
/// files (the text itself is covered by the edit generation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mark {
    generation: u64,
    saved_generation: u64,
    files: (usize, usize, usize),
    in_flight: Option<u64>,
    retrying: bool,
    queued: bool,
    create_uncertain: bool,
    server: bool,
    key: u64,
}

impl Mark {
    pub(crate) fn of(model: &Model) -> Mark {
        use std::hash::BuildHasher;
        let f = &model.form.files;
        Mark {
            generation: model.form.generation,
            saved_generation: model.form.saved_generation,
            files: (
                f.list.len(),
                f.detached.len(),
                f.list.iter().filter(|a| a.server_id.is_some()).count(),
            ),
            in_flight: model.save.in_flight.as_ref().map(|f| f.req),
            retrying: model.save.retry.is_some(),
            queued: model.save.queued,
            create_uncertain: model.save.create_uncertain,
            server: model.save.server.id.is_some(),
            key: foldhash::fast::FixedState::with_seed(0).hash_one(&model.draft_key),
        }
    }
}

/// After a message: if what the journal should hold moved since `before`,
/// schedule a write (one timer at a time).
pub(crate) fn after_update(model: &mut Model, before: Mark, out: &mut Outcome) {
    if Mark::of(model) != before {
        out.effects.extend(schedule(model));
    }
}

/// Schedules the pause after an edit (the journal's write, the body's
/// count, the spelling check), unless one is already scheduled. Without a journal the pause
/// still counts the body.
fn schedule(model: &mut Model) -> Option<Effect> {
    if model.journal.armed {
        return None;
    }
    model.journal.armed = true;
    model.timer_seq += 1;
    Some(Effect::Timer {
        after: JOURNAL_DELAY,
        kind: TimerKind::Journal,
        seq: model.timer_seq,
    })
}

/// The timer fired: write the draft, or remove it once the server has it all.
pub(crate) fn on_tick(model: &mut Model) -> Outcome {
    model.journal.armed = false;
    let counted = model.form.counts;
    let dirty = model.is_dirty();
    model.settle_if_unchanged();
    model.count_body();
    let mut effects = if !model.journal.enabled {
        Vec::new()
    } else if model.needs_journal() {
        model.journal.on_disk = true;
        vec![Effect::WriteJournal(Box::new(model.journal_record()))]
    } else if model.journal.on_disk {
        model.journal.on_disk = false;
        vec![Effect::RemoveJournal(model.draft_key.clone())]
    } else {
        Vec::new()
    };
    effects.extend(super::spell::check_effect(model));
    effects.extend(ask_tips(model));
    // The body's new pictures are read now, so the frame lists them (with
    // their sizes) before anything is sent.
    if model.form.generation != model.form.saved_generation {
        effects.extend(super::images::list_new(model));
    }
    Outcome {
        then: None,
        effects,
        // The body's frame shows the new count; the header, a draft back
        // to as it was saved.
        redraw: model.form.counts != counted || model.is_dirty() != dirty,
    }
}

/// Recipients most asked about at once (MailTips takes up to 100).
const TIPS_AT_ONCE: usize = 100;

/// Recipients added since the last pause are asked about once (debounced
/// by the pause: one request for all of them).
fn ask_tips(model: &mut Model) -> Option<Effect> {
    use crate::tui::app::state::form::Field;
    let mut new: Vec<String> = Vec::new();
    // Each recipient field on its own (one half-typed elsewhere does not
    // stop the others), and only the addresses: the body is not read.
    for field in [Field::To, Field::Cc, Field::Bcc] {
        let text = model.text(field);
        let Ok(list) = crate::core::address::parse_list(&text) else {
            continue;
        };
        // The address being typed is not one yet: in the field with the
        // cursor, the last one counts once a separator or Tab ends it.
        let typing = model.form.focus == field && !text.trim_end().ends_with([',', ';']);
        let done = list.len() - usize::from(typing && !list.is_empty());
        for a in &list[..done] {
            let a = a.address.to_lowercase();
            if new.len() < TIPS_AT_ONCE && model.completion.tips_asked.insert(a.clone()) {
                new.push(a);
            }
        }
    }
    (!new.is_empty()).then_some(Effect::AskTips(new))
}

/// The tenant's word on recipients: kept for the checks, and what a
/// person should know said at once (away, outside, a group, moderated).
pub(crate) fn on_tips(
    model: &mut Model,
    result: Result<Vec<crate::core::checks::Tip>, String>,
) -> Outcome {
    let Ok(tips) = result else {
        return Outcome::none();
    };
    let mut news = Vec::new();
    for tip in tips {
        news.extend(tip.news());
        model.completion.tips.retain(|t| t.address != tip.address);
        model.completion.tips.push(tip);
    }
    if news.is_empty() {
        return Outcome::none();
    }
    // One entry for all of them: the status pane shows its last.
    model
        .status
        .push(crate::tui::app::state::status::StatusEntry::Info(
            news.join(" · "),
        ));
    Outcome::redraw()
}

/// A journal write or removal finished: a failure is said once, and its
/// notice goes when writing works again.
pub(crate) fn on_done(model: &mut Model, result: Result<(), String>) -> Outcome {
    let was = model.journal.last_error.take();
    match result {
        Ok(()) => Outcome {
            then: None,
            effects: Vec::new(),
            redraw: was.is_some(),
        },
        Err(e) => {
            if was.is_none() {
                model.status.push(crate::tui::app::state::status::StatusEntry::Info(format!(
                    "Could not write the local journal ({e}); your text is only on screen until this is fixed."
                )));
            }
            model.journal.last_error = Some(e);
            Outcome::redraw()
        }
    }
}
