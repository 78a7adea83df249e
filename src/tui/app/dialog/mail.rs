//! F8: the messages to answer. A list of a folder's messages (Inbox first,
//! Tab for the next folder), a search box that asks Graph's `$search` once
//! typing pauses, more pages on PgDn at the end; Enter opens one to read,
//! and from there r / a / f make the reply, reply-all or forward.
//!
//! Graph calls leave as effects and come back as messages carrying the
//! dialog's sequence number, so an answer to an older search never
//! replaces a newer one and the keyboard never waits.

use crate::config::keymap::{Context, DialogAction};
use crate::core::address::Address;
use crate::core::answer::{AnswerKind, MailSummary};
use crate::core::line::LineEdit;
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::msg::TimerKind;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::dialogs::MailDialog;
use crate::tui::app::state::dialogs::Reading;
use crossterm::event::KeyEvent;
use serde_json::Value;
use std::time::Duration;

/// The folders Tab goes through.
pub(crate) const FOLDERS: &[(&str, &str)] = &[("inbox", "Inbox"), ("sentitems", "Sent Items")];

/// Typing in the search box asks Graph after this pause.
pub(crate) const SEARCH_PAUSE: Duration = Duration::from_millis(300);

/// Messages asked for per page.
pub(crate) const PAGE: usize = 25;

fn dialog(model: &mut Model) -> Option<&mut MailDialog> {
    match &mut model.dialog {
        Some(Dialog::Mail(d)) => Some(d),
        _ => None,
    }
}

/// Opens the list on the Inbox: one request.
pub(crate) fn open(model: &mut Model) -> Outcome {
    let seq = model.next_seq();
    model.dialog = Some(Dialog::Mail(Box::new(MailDialog {
        loading: true,
        seq,
        ..MailDialog::default()
    })));
    Outcome::redraw().with(vec![list(0, "", None, seq)])
}

/// The list to ask for: a `folder:Name` word in the search box picks a
/// folder by the name Outlook shows (`folder:"Sent Items"` too); the rest
/// is the search.
fn list(folder: usize, search: &str, next: Option<String>, seq: u64) -> Effect {
    let (named, rest) = folder_in(search);
    Effect::ListMail {
        seq,
        folder: named
            .map(|n| format!("name:{n}"))
            .unwrap_or_else(|| FOLDERS[folder].0.to_string()),
        search: rest,
        next,
    }
}

/// `folder:Projects budget` → (`Projects`, `budget`).
pub(crate) fn folder_in(search: &str) -> (Option<String>, String) {
    let Some(at) = search.find("folder:") else {
        return (None, search.trim().to_string());
    };
    let after = &search[at + "folder:".len()..];
    let (name, rest) = match after.strip_prefix('"') {
        Some(q) => match q.find('"') {
            Some(end) => (&q[..end], &q[end + 1..]),
            None => (q, ""),
        },
        None => match after.find(' ') {
            Some(end) => (&after[..end], &after[end..]),
            None => (after, ""),
        },
    };
    let query = format!("{} {}", &search[..at], rest);
    let name = name.trim();
    (
        (!name.is_empty()).then(|| name.to_string()),
        query.split_whitespace().collect::<Vec<_>>().join(" "),
    )
}

// Long by design: the list's keys and the reader's, one table each.
pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let reading = matches!(&model.dialog, Some(Dialog::Mail(d)) if d.reading.is_some());
    if reading {
        return on_reader_key(model, key);
    }
    let action = model.session.keymap.in_dialog(Context::Mail, &key);
    if let (None, Some(crate::config::keymap::Action::Quit)) =
        (action, model.session.keymap.action_for(&key))
    {
        return Reply::Pass;
    }
    let page = model.form.screen_rows.saturating_sub(8).max(1) / 2;
    // A new number only for what asks Graph (it is taken below if used).
    let seq = model.timer_seq + 1;
    let Some(d) = dialog(model) else {
        return Reply::Stay(Outcome::none());
    };
    let n = d.items.len();
    let out = match action {
        Some(DialogAction::Close) => return Reply::Close(Outcome::redraw()),
        Some(DialogAction::Up) if n > 0 => {
            d.selected = d.selected.saturating_sub(1);
            Outcome::redraw()
        }
        Some(DialogAction::Down) if n > 0 => {
            d.selected = (d.selected + 1).min(n - 1);
            Outcome::redraw()
        }
        Some(DialogAction::PageUp) => {
            d.selected = d.selected.saturating_sub(page);
            Outcome::redraw()
        }
        Some(DialogAction::PageDown) => {
            if n > 0 && d.selected + 1 < n {
                d.selected = (d.selected + page).min(n - 1);
                return Reply::Stay(Outcome::redraw());
            }
            // At the end: the next page, if there is one.
            match d.next.clone() {
                Some(next) if !d.loading => {
                    d.loading = true;
                    d.seq = seq;
                    Outcome::redraw().with(vec![list(d.folder, d.search.text(), Some(next), seq)])
                }
                _ => Outcome::none(),
            }
        }
        Some(DialogAction::Folder) => {
            d.folder = (d.folder + 1) % FOLDERS.len();
            restart(d, seq)
        }
        Some(DialogAction::Choose) if n > 0 => {
            let summary = d.items[d.selected.min(n - 1)].clone();
            let id = summary.id.clone();
            d.reading = Some(Reading {
                summary,
                ..Reading::default()
            });
            Outcome::redraw().with(vec![Effect::ReadMail { id }])
        }
        _ => match super::line::edit_line(&mut d.search, &key) {
            None => Outcome::none(),
            Some(_) => {
                // Asked once typing pauses; the keys echo at once.
                d.seq = seq;
                Outcome::redraw().with(vec![Effect::Timer {
                    after: SEARCH_PAUSE,
                    kind: TimerKind::MailSearch,
                    seq,
                }])
            }
        },
    };
    if matches!(&model.dialog, Some(Dialog::Mail(d)) if d.seq == seq) {
        model.timer_seq = seq;
    }
    Reply::Stay(out)
}

/// The list again from its first page (another folder, a new search).
fn restart(d: &mut MailDialog, seq: u64) -> Outcome {
    d.items.clear();
    d.selected = 0;
    d.next = None;
    d.loading = true;
    d.seq = seq;
    d.message = None;
    Outcome::redraw().with(vec![list(d.folder, d.search.text(), None, seq)])
}

pub(crate) fn on_paste(model: &mut Model, text: &str) -> Outcome {
    let seq = model.next_seq();
    let Some(d) = dialog(model) else {
        return Outcome::none();
    };
    let line = crate::util::sanitize::line(text.lines().next().unwrap_or("").trim());
    let cut = match d.reading.as_mut().and_then(|r| r.forward_to.as_mut()) {
        Some(to) => {
            to.insert(&line);
            to.was_cut()
        }
        None => {
            d.search.insert(&line);
            d.search.was_cut()
        }
    };
    if cut {
        d.message = Some(format!(
            "This line holds at most {} characters: the rest of the paste was left out.",
            LineEdit::MAX
        ));
    }
    d.seq = seq;
    Outcome::redraw().with(vec![Effect::Timer {
        after: SEARCH_PAUSE,
        kind: TimerKind::MailSearch,
        seq,
    }])
}

/// Typing paused: ask Graph (if nothing newer was typed since).
pub(crate) fn on_tick(model: &mut Model, seq: u64) -> Outcome {
    match dialog(model) {
        Some(d) if d.seq == seq && d.reading.is_none() => restart(d, seq),
        _ => Outcome::none(),
    }
}

/// A page came back (or did not).
pub(crate) fn on_listed(
    model: &mut Model,
    seq: u64,
    more: bool,
    result: Result<(Vec<MailSummary>, Option<String>), String>,
) -> Outcome {
    let Some(d) = dialog(model) else {
        return Outcome::none();
    };
    if d.seq != seq {
        return Outcome::none();
    }
    d.loading = false;
    match result {
        Ok((items, next)) => {
            if !more {
                d.items.clear();
                d.selected = 0;
            }
            d.items.extend(items);
            d.next = next;
            d.message = d.items.is_empty().then(|| {
                if d.search.text().trim().is_empty() {
                    format!("No messages in {}.", FOLDERS[d.folder].1)
                } else {
                    format!("Nothing in {} matches that search.", FOLDERS[d.folder].1)
                }
            });
        }
        Err(e) => d.message = Some(e),
    }
    Outcome::redraw()
}

/// The message to read came back (or did not), with when it was read.
pub(crate) fn on_read(
    model: &mut Model,
    id: &str,
    at: String,
    result: Result<Value, String>,
) -> Outcome {
    let Some(r) = dialog(model).and_then(|d| d.reading.as_mut()) else {
        return Outcome::none();
    };
    if r.summary.id != id {
        return Outcome::none();
    }
    match result {
        Ok(v) => {
            r.lines = Some(reading_lines(&v));
            let mut people = serde_json::Map::new();
            for k in ["from", "toRecipients", "ccRecipients", "replyTo", "subject"] {
                if let Some(x) = v.get(k) {
                    people.insert(k.into(), x.clone());
                }
            }
            r.people = Some(Value::Object(people));
            r.quote_len = crate::service::answer::quote_len(&v);
            if let Some(c) = v.get("conversationId").and_then(Value::as_str) {
                r.summary.conversation_id = crate::util::sanitize::line(c);
            }
            r.read_at = at;
        }
        Err(e) => r.error = Some(e),
    }
    Outcome::redraw()
}

/// Headers and the text body, each line sanitised and bounded.
fn reading_lines(v: &Value) -> Vec<String> {
    use crate::core::answer::person;
    let list = |k: &str| {
        v.get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .take(50)
                    .map(|r| person(Some(r)))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let mut lines = vec![
        format!("From:     {}", person(v.get("from"))),
        format!("To:       {}", list("toRecipients")),
    ];
    let cc = list("ccRecipients");
    if !cc.is_empty() {
        lines.push(format!("Cc:       {cc}"));
    }
    let reply_to = list("replyTo");
    if !reply_to.is_empty() {
        lines.push(format!("Reply-To: {reply_to}"));
    }
    let s = |k: &str| crate::util::sanitize::line(v.get(k).and_then(Value::as_str).unwrap_or(""));
    lines.push(format!(
        "Date:     {}",
        crate::util::local_time(&s("receivedDateTime"))
    ));
    lines.push(format!("Subject:  {}", s("subject")));
    if v.get("hasAttachments").and_then(Value::as_bool) == Some(true) {
        lines.push("(has attachments: a forward carries them)".into());
    }
    lines.push(String::new());
    let body = v
        .pointer("/body/content")
        .and_then(Value::as_str)
        .unwrap_or("");
    let html = v.pointer("/body/contentType").and_then(Value::as_str) == Some("html");
    // Bounded: a huge body shows its first 1 MB.
    let body: String = body.chars().take(1 << 20).collect();
    let text = if html {
        crate::core::content::html_text(&body)
    } else {
        crate::util::sanitize::clean(&body.replace("\r\n", "\n"), true)
    };
    lines.extend(text.lines().map(str::to_string));
    lines
}

fn on_reader_key(model: &mut Model, key: KeyEvent) -> Reply {
    let page = model.form.screen_rows.saturating_sub(6).max(1) as u16;
    let forwarding = matches!(&model.dialog, Some(Dialog::Mail(d))
        if d.reading.as_ref().is_some_and(|r| r.forward_to.is_some()));
    if forwarding {
        return on_forward_key(model, key);
    }
    let action = model.session.keymap.in_dialog(Context::Reader, &key);
    let Some(d) = dialog(model) else {
        return Reply::Stay(Outcome::none());
    };
    let Some(r) = d.reading.as_mut() else {
        return Reply::Stay(Outcome::none());
    };
    let kind = match action {
        Some(DialogAction::Close) => {
            d.reading = None;
            return Reply::Stay(Outcome::redraw());
        }
        Some(DialogAction::Up) => {
            r.scroll = r.scroll.saturating_sub(1);
            return Reply::Stay(Outcome::redraw());
        }
        Some(DialogAction::Down) => {
            r.scroll = r.scroll.saturating_add(1);
            return Reply::Stay(Outcome::redraw());
        }
        Some(DialogAction::PageUp) => {
            r.scroll = r.scroll.saturating_sub(page);
            return Reply::Stay(Outcome::redraw());
        }
        Some(DialogAction::PageDown) => {
            r.scroll = r.scroll.saturating_add(page);
            return Reply::Stay(Outcome::redraw());
        }
        Some(DialogAction::Reply) => AnswerKind::Reply,
        Some(DialogAction::ReplyAll) => AnswerKind::ReplyAll,
        Some(DialogAction::Forward) => {
            // Whom to forward it to, first (Graph would make a forward to
            // nobody, left for the user to fill in).
            r.forward_to = Some(LineEdit::default());
            return Reply::Stay(Outcome::redraw());
        }
        _ => return Reply::Stay(Outcome::none()),
    };
    let summary = r.summary.clone();
    answer(model, kind, summary, Vec::new())
}

/// Typing whom to forward to: Enter makes the forward, Esc goes back.
fn on_forward_key(model: &mut Model, key: KeyEvent) -> Reply {
    use crossterm::event::KeyCode;
    let Some(r) = dialog(model).and_then(|d| d.reading.as_mut()) else {
        return Reply::Stay(Outcome::none());
    };
    let Some(to) = r.forward_to.as_mut() else {
        return Reply::Stay(Outcome::none());
    };
    match key.code {
        KeyCode::Esc => {
            r.forward_to = None;
            r.error = None;
            Reply::Stay(Outcome::redraw())
        }
        KeyCode::Enter => match crate::core::address::parse_list_all(to.text()) {
            Ok(list) if !list.is_empty() => {
                let summary = r.summary.clone();
                answer(model, AnswerKind::Forward, summary, list)
            }
            Ok(_) => {
                r.error = Some("Whom to? Type one or more addresses.".into());
                Reply::Stay(Outcome::redraw())
            }
            Err(bad) => {
                r.error = Some(
                    bad.iter()
                        .map(|e| e.to_string())
                        .collect::<Vec<_>>()
                        .join("; "),
                );
                Reply::Stay(Outcome::redraw())
            }
        },
        _ => {
            super::line::edit_line(to, &key);
            Reply::Stay(Outcome::redraw())
        }
    }
}

/// Makes the answer: the checks first, with the recipients Graph will
/// give it (nothing is made when they hold it; the same key again makes it
/// anyway), then the form switches to it (what was on screen stays in the
/// local journal) and its first save makes it: journalled first, made
/// once, found again after a lost answer. One answer at a time: while one
/// is being made, another waits.
fn answer(model: &mut Model, kind: AnswerKind, original: MailSummary, to: Vec<Address>) -> Reply {
    if model.save.in_flight.is_some() {
        let what = match &model.form.answer {
            Some(a) if !a.made() => format!(
                "The {} is still being made; it opens here when Graph has made it.",
                a.kind.label().to_lowercase()
            ),
            _ => "A save is on its way; try again when it has finished.".to_string(),
        };
        if let Some(r) = dialog(model).and_then(|d| d.reading.as_mut()) {
            r.error = Some(what);
        }
        return Reply::Stay(Outcome::redraw());
    }
    let Some(r) = dialog(model).and_then(|d| d.reading.as_mut()) else {
        return Reply::Stay(Outcome::none());
    };
    let Some(people) = r.people.clone() else {
        r.error = Some("The message is still being read; a moment.".into());
        return Reply::Stay(Outcome::redraw());
    };
    let read_at = r.read_at.clone();
    let held_before = r.held == Some(kind);
    let quote_len = r.quote_len;
    let me = model.session.mailbox.user.clone();
    let mine = crate::core::content::DraftContent {
        signature: model.session.signature.clone(),
        ..Default::default()
    };
    let provisional = crate::service::answer::provisional(kind, &people, me.as_deref(), &mine, &to);
    if let Some(why) = crate::service::save::too_large_with(&provisional, quote_len) {
        if let Some(r) = dialog(model).and_then(|d| d.reading.as_mut()) {
            r.error = Some(format!("Not made: {why}."));
        }
        return Reply::Stay(Outcome::redraw());
    }
    let warnings: Vec<String> = crate::core::checks::check(&provisional, 0, &model.session.checks)
        .into_iter()
        // Nothing is written yet: only what the recipients tell counts now.
        .filter(|w| {
            matches!(
                w,
                crate::core::checks::Warning::ManyRecipients(..)
                    | crate::core::checks::Warning::Outside(_)
            )
        })
        .map(|w| w.to_string())
        .collect();
    if !warnings.is_empty() && !held_before {
        if let Some(r) = dialog(model).and_then(|d| d.reading.as_mut()) {
            r.held = Some(kind);
            r.forward_to = None;
            r.error = Some(format!(
                "Not made yet: {}. The same key again makes it anyway.",
                warnings.join("; ")
            ));
        }
        return Reply::Stay(Outcome::redraw());
    }
    let mut answer = crate::core::answer::Answer::new(kind, &original, &read_at);
    answer.forward_to = to;
    let rec = crate::core::record::JournalRecord {
        pid: model.session.pid,
        ..crate::core::record::JournalRecord::blank(
            model.fresh_key(),
            &model.session.graph_url,
            &model.session.mailbox,
        )
    };
    let effects = super::history::switch_to(model, &rec);
    model.start_answer(answer);
    model.dialog = None;
    Reply::Close(Outcome::save().with(effects))
}

#[cfg(test)]
mod tests {
    use super::folder_in;

    #[test]
    fn a_folder_word_picks_the_folder_and_the_rest_is_the_search() {
        assert_eq!(
            folder_in("folder:Projects budget"),
            (Some("Projects".into()), "budget".into())
        );
        assert_eq!(
            folder_in("from:dana folder:\"Sent Items\" plan"),
            (Some("Sent Items".into()), "from:dana plan".into())
        );
        assert_eq!(folder_in(" budget "), (None, "budget".into()));
        assert_eq!(folder_in("folder:"), (None, String::new()));
    }
}
