//! `update`: the only place the model changes. It never awaits and never touches
//! a file, socket or terminal; what should happen outside comes back as `Effect`s.

use super::dialog::Routed;
use super::model::{Dialog, Field, Model, StatusEntry};
use super::save;
use crate::config::keymap::Action;
use crate::core::record::JournalRecord;
use crate::graph::SavedMessage;
use crate::util::sanitize;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde_json::Value;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerKind {
    /// Time to write the journal (debounced after edits).
    Journal,
    /// One second of an automatic retry's countdown.
    Retry,
    /// One second of the sign-in code's countdown.
    SignIn,
    /// Typing paused: time to ask Graph's people search.
    People,
    /// Typing in the F8 search box paused: time to ask `$search`.
    MailSearch,
    /// The recovery offer has been on screen long enough for keys to answer it.
    Arm,
}

#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Plain characters typed in a row (a burst the terminal delivered at
    /// once): the same as a `Key` for each, handled in one go.
    Typed(String),
    Paste(String),
    /// The terminal changed size: the text areas' views start again from the
    /// top left (see `model::reset_view`), and the screen is redrawn.
    Resize,
    /// A save request ended. `at` is the wall-clock time it ended (UTC, HH:MM:SS).
    SaveDone {
        req: u64,
        at: String,
        /// The result, what the save learnt, and what became of its files.
        outcome: Box<crate::service::save::SaveOutcome>,
    },
    /// A file to attach was checked (exists, readable, within limits) or not.
    FileChecked(Result<crate::core::attach::AttachedFile, String>),
    /// Path completions for the attach dialog's input.
    PathCandidates {
        input: String,
        found: Vec<(String, bool)>,
    },
    /// An upload of save `req` moved on.
    UploadProgress {
        req: u64,
        name: String,
        done: u64,
        total: u64,
    },
    /// Who each bare name could be (people search; empty when not found),
    /// or why the search itself failed.
    NamesResolved(Vec<(String, Result<Vec<crate::core::address::Address>, String>)>),
    /// A feature was refused for want of a permission (403, or the token
    /// lacks its scope): it is turned off, with one line saying why.
    Refused {
        feature: crate::auth::Feature,
        why: String,
    },
    /// The scopes a new sign-in carries (`None`: not known): what they
    /// allow is turned on, as at a signed-in start.
    Granted(Option<Vec<String>>),
    /// The mailbox's message size limit (bytes), from MailTips.
    MailboxLimit(u64),
    /// A draft chosen in the history came back from Graph (or did not).
    DraftLoaded {
        id: String,
        result: Result<super::history::Loaded, super::history::LoadFailure>,
    },
    /// A timer set by `Effect::Timer` fired.
    Tick {
        kind: TimerKind,
        seq: u64,
    },
    /// A journal write or removal finished.
    JournalDone {
        result: Result<(), String>,
    },
    /// A queued draft (from an earlier session, or one this session
    /// switched away from) was saved in the background, or not.
    Synced {
        title: String,
        result: Result<SavedMessage, String>,
    },
    /// A draft saved in the background, for the history (F6).
    SyncedEntry(crate::core::history::HistoryEntry),
    /// SIGTERM or SIGHUP: write the journal and leave.
    Terminate,
    /// The identity service gave a device code (or refused to).
    SignInCode(Result<crate::auth::device::DeviceCode, String>),
    /// Device sign-in finished: the account, or why not.
    SignedIn(Result<String, String>),
    /// The external editor returned the new body (or why it did not).
    EditorDone(Result<String, String>),
    /// Opening a link in the browser worked (or why not).
    Opened(Result<(), String>),
    /// The mailbox's master categories, to offer in the F3 panel.
    Categories(Vec<String>),
    /// A page of messages for the F8 list (`more`: a further page), or why not.
    MailListed {
        seq: u64,
        more: bool,
        result: Result<(Vec<crate::core::answer::MailSummary>, Option<String>), String>,
    },
    /// A message to read came back (or did not).
    MailRead {
        id: String,
        /// When it was read (UTC, RFC 3339).
        at: String,
        result: Result<Value, String>,
    },
    /// The version of the draft on the server, asked for when graft got
    /// the terminal back.
    VersionChecked {
        id: String,
        result: Result<String, String>,
    },
    /// graft has the terminal again (after Ctrl-Z and `fg`).
    Resumed,
    /// Where the history's drafts are now: (id, `changed`/`sent`/`deleted`/`gone`).
    HistoryStates(Vec<(String, String)>),
    /// A draft graft made was deleted (it is in Deleted Items), or why not.
    DraftDeleted {
        id: String,
        result: Result<(), String>,
    },
    /// The dictionaries are loaded (their names), or why not (`say`: the
    /// profile asked for them, so the status pane says it).
    SpellReady {
        result: Result<String, String>,
        say: bool,
    },
    /// The words of this edit generation's Subject and Body that no
    /// dictionary knows.
    Spelled {
        generation: u64,
        subject: Vec<crate::core::spell::Miss>,
        body: Vec<crate::core::spell::Miss>,
    },
    /// Suggestions for a misspelled word.
    Suggested {
        field: Field,
        miss: crate::core::spell::Miss,
        suggestions: Vec<String>,
    },
    /// The body's new pictures, checked: inline attachments, or what is
    /// wrong with each.
    ImagesChecked(Vec<Result<crate::core::attach::AttachedFile, String>>),
    /// The templates were read (or why not), with today's date.
    Templates {
        result: Result<Vec<crate::core::template::Template>, String>,
        today: String,
    },
    /// A word went into the personal word list (or why not).
    Learned(Result<String, String>),
    /// People search results for a query (empty on failure: completion just has less).
    People {
        query: String,
        found: Vec<crate::core::address::Address>,
    },
}

/// Work for the event loop to do outside `update`.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// `POST …/messages` with this body. With `lookup_key`, first look for a
    /// draft an earlier unanswered create made, and update that one instead.
    Create {
        req: u64,
        body: Value,
        lookup_key: Option<String>,
        /// Attachments to send (small ones inside the create when they fit).
        files: crate::core::attach::Files,
        /// Its client-request-id and try.
        attempt: crate::graph::Attempt,
    },
    /// Have Graph make an answer (or find the one an earlier try made),
    /// then save the user's part into it and send its files.
    Answer {
        req: u64,
        job: Box<crate::service::save::AnswerJob>,
        files: crate::core::attach::Files,
        attempt: crate::graph::Attempt,
    },
    /// `PATCH …/messages/{id}` with the changed fields, then the attachment
    /// work. If the id no longer answers, the draft is followed by `key`.
    Update {
        req: u64,
        id: String,
        body: Value,
        files: crate::core::attach::Files,
        key: String,
        attempt: crate::graph::Attempt,
        /// Check first for edits made in Outlook (see `service::save::Guard`).
        guard: Option<Box<crate::service::save::Guard>>,
    },
    /// Check a file for the attachment list.
    CheckFile(String),
    /// List path completions for this input.
    CompletePath(String),
    /// Look these names up with the people search before saving.
    ResolveNames(Vec<String>),
    /// Fetch a draft (and its attachment list) to continue editing it; if
    /// its id no longer answers, find it by its client key. With `text`, its
    /// body is asked for as plain text.
    LoadDraft { id: String, key: String, text: bool },
    /// Keep the history of saved drafts.
    SaveHistory(Vec<crate::core::history::HistoryEntry>),
    /// Send `Msg::Tick { kind, seq }` after this long.
    Timer {
        after: Duration,
        kind: TimerKind,
        seq: u64,
    },
    /// Write this journal record (atomically, off the UI thread).
    WriteJournal(Box<JournalRecord>),
    /// Note in the journal, before a create leaves, that it may reach the
    /// server (so a crash now is followed by a lookup, not a second create).
    NoteCreate(Box<JournalRecord>),
    /// Remove this session's journal of this draft key.
    RemoveJournal(String),
    /// This session stops keeping this draft's journal (it stays, for recovery).
    ReleaseJournal(String),
    /// Remove another session's journal file (recovered here, or deleted by the user).
    DropJournal(Box<JournalRecord>),
    /// Save a draft queued in an earlier session.
    Sync(Box<JournalRecord>),
    /// Start device-code sign-in; the code and the outcome come back as messages.
    StartSignIn,
    /// Stop polling for a sign-in.
    CancelSignIn,
    /// Put text on the local clipboard (OSC 52; works through ssh and tmux).
    Copy(String),
    /// Open the connection to Graph ahead of the first save (and refresh the token).
    WarmUp,
    /// Hand the terminal to `$EDITOR` with this body; the event loop does this itself.
    OpenEditor(String),
    /// Stop graft for the shell's job control (Ctrl-Z); the loop hands the
    /// terminal back, as for the editor.
    Suspend,
    /// Open this URL with the system opener, if there is a display.
    OpenUrl(String),
    /// Keep these addresses for completion next time.
    RememberAddresses(Vec<crate::core::address::Address>),
    /// `GET /me/people?$search=` for this text.
    SearchPeople(String),
    /// A page of a folder's messages, or what `$search` finds there.
    ListMail {
        seq: u64,
        folder: String,
        search: String,
        /// The next page's link (a further page of the same list).
        next: Option<String>,
    },
    /// A message to read (headers and a text body).
    ReadMail { id: String },
    /// Check the spelling of the Subject and Body (as of this generation).
    Spell {
        generation: u64,
        subject: String,
        body: String,
        format: crate::core::content::BodyFormat,
    },
    /// Suggestions for this word.
    Suggest {
        field: Field,
        miss: crate::core::spell::Miss,
    },
    /// Add this word to the personal word list.
    Learn(String),
    /// Read the templates.
    ListTemplates,
    /// Check the body's new pictures (source, content id) to attach inline.
    CheckImages(Vec<(String, String)>),
    /// Delete a draft graft made (it goes to Deleted Items).
    DeleteDraft { id: String },
    /// Ask where the history's drafts are now (changed in Outlook, sent…).
    CheckHistory(Vec<crate::core::history::HistoryEntry>),
    /// Keep what graft wrote of a saved draft (to reopen it as written).
    KeepSource {
        key: String,
        source: Box<crate::core::history::Source>,
    },
    /// Ask which version of the draft the server holds (graft regained the
    /// terminal: did Outlook change it meanwhile?).
    CheckVersion { id: String },
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub redraw: bool,
}

impl Outcome {
    pub(crate) fn redraw() -> Outcome {
        Outcome {
            effects: Vec::new(),
            redraw: true,
        }
    }
    pub(crate) fn none() -> Outcome {
        Outcome::default()
    }
    pub(crate) fn with(mut self, effects: Vec<Effect>) -> Outcome {
        self.effects.extend(effects);
        self
    }
    pub(crate) fn with_redraw(mut self) -> Outcome {
        self.redraw = true;
        self
    }
}

pub fn update(model: &mut Model, msg: Msg) -> Outcome {
    // The journal's schedule is kept here, for every message at once: when
    // what it would hold moved, a write is scheduled.
    let before = super::journal::Mark::of(model);
    let mut out = dispatch(model, msg);
    super::journal::after_update(model, before, &mut out);
    out
}

// Long by design: one arm per message, each a call into its family.
fn dispatch(model: &mut Model, msg: Msg) -> Outcome {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => Outcome::none(),
        Msg::Key(key) => on_key(model, key),
        Msg::Typed(text) => on_typed(model, &text),
        Msg::Paste(text) => on_paste(model, &text),
        Msg::Resize => {
            let more = &mut model.form.more;
            for ta in model
                .form
                .fields
                .iter_mut()
                .chain([&mut more.reply_to, &mut more.categories])
            {
                super::model::reset_view(ta);
            }
            Outcome::redraw()
        }
        Msg::SaveDone { req, at, outcome } => save::on_save_done(model, req, at, outcome),
        Msg::FileChecked(result) => super::attach::on_checked(model, result),
        Msg::PathCandidates { input, found } => super::attach::on_candidates(model, input, found),
        Msg::UploadProgress {
            req,
            name,
            done,
            total,
        } => super::attach::on_progress(model, req, name, done, total),
        Msg::DraftLoaded { id, result } => super::history::on_loaded(model, id, result),
        Msg::NamesResolved(found) => super::resolve::on_resolved(model, found),
        Msg::Refused { feature, why } => {
            super::signin::refuse(model, feature, &why);
            Outcome::redraw()
        }
        Msg::Granted(scopes) => {
            super::signin::apply_grants(model, scopes.as_deref());
            Outcome::redraw()
        }
        Msg::MailboxLimit(bytes) => {
            model.session.max_message_bytes = bytes;
            model.session.max_message_known = true;
            Outcome::none()
        }
        Msg::Tick {
            kind: TimerKind::SignIn,
            seq,
        } => super::signin::on_tick(model, seq),
        Msg::Tick {
            kind: TimerKind::People,
            seq,
        } => super::complete::on_tick(model, seq),
        Msg::Tick {
            kind: TimerKind::MailSearch,
            seq,
        } => super::dialog::mail::on_tick(model, seq),
        Msg::MailListed { seq, more, result } => {
            super::dialog::mail::on_listed(model, seq, more, result)
        }
        Msg::MailRead { id, at, result } => super::dialog::mail::on_read(model, &id, at, result),
        Msg::Tick {
            kind: TimerKind::Arm,
            ..
        } => super::dialog::recover::arm(model),
        Msg::DraftDeleted { id, result } => super::history::on_deleted(model, &id, result),
        Msg::Resumed => super::dialog::conflict::check_version(model),
        Msg::HistoryStates(states) => super::history::on_states(model, states),
        Msg::VersionChecked { id, result } => {
            super::dialog::conflict::on_version(model, &id, result)
        }
        Msg::People { query, found } => super::complete::on_people(model, query, found),
        Msg::SpellReady { result, say } => super::spell::on_ready(model, result, say),
        Msg::Spelled {
            generation,
            subject,
            body,
        } => super::spell::on_checked(model, generation, subject, body),
        Msg::Suggested {
            field,
            miss,
            suggestions,
        } => super::spell::on_suggested(model, field, miss, suggestions),
        Msg::Learned(result) => super::spell::on_learned(model, result),
        Msg::ImagesChecked(found) => super::images::on_checked(model, found),
        Msg::Templates { result, today } => {
            super::dialog::template::on_listed(model, result, today)
        }
        Msg::Tick { kind, seq } => save::on_tick(model, kind, seq),
        Msg::JournalDone { result } => super::journal::on_done(model, result),
        Msg::SyncedEntry(entry) => {
            crate::core::history::upsert(&mut model.history, entry);
            Outcome::none().with(vec![Effect::SaveHistory(model.history.clone())])
        }
        Msg::Synced { title, result } => {
            model.status.push(match result {
                Ok(s) => StatusEntry::Info(format!(
                    "Saved “{title}”, queued in an earlier session: {} {} · {}",
                    s.status, s.status_text, s.web_link
                )),
                Err(e) => StatusEntry::Info(format!(
                    "“{title}” from an earlier session is still queued: {e}. `graft sync` or the next start will try again."
                )),
            });
            Outcome::redraw()
        }
        Msg::Terminate => {
            model.should_quit = true;
            Outcome::redraw()
        }
        Msg::SignInCode(result) => super::signin::on_code(model, result),
        Msg::SignedIn(result) => super::signin::on_done(model, result),
        Msg::EditorDone(Ok(text)) => {
            let text = text.replace("\r\n", "\n");
            if text == model.text(Field::Body) {
                model.status.push(StatusEntry::Info(
                    "The editor left the body unchanged.".into(),
                ));
                return super::dialog::conflict::check_version(model).with_redraw();
            }
            model.set_text(Field::Body, &text);
            model.form.focus = Field::Body;
            model
                .status
                .push(StatusEntry::Info("Body updated from the editor.".into()));
            // Outlook may have edited the draft meanwhile: said early.
            super::dialog::conflict::check_version(model).with_redraw()
        }
        Msg::Categories(list) => {
            model.session.categories = list;
            Outcome {
                effects: Vec::new(),
                redraw: matches!(model.dialog, Some(Dialog::More { .. })),
            }
        }
        Msg::Opened(result) => {
            model.status.push(StatusEntry::Info(match result {
                Ok(()) => "Opened the draft in your browser.".to_string(),
                Err(e) => e,
            }));
            Outcome::redraw()
        }
        Msg::EditorDone(Err(e)) => {
            model
                .status
                .push(StatusEntry::Info(format!("{e} The body is as it was.")));
            Outcome::redraw()
        }
    }
}

/// What a start does first: the recovery offer is armed once it has been
/// seen for a moment; a pre-filled draft is journalled at once, before
/// anything can replace it.
pub fn startup(model: &mut Model) -> Vec<Effect> {
    let mut effects = Vec::new();
    if super::dialog::recover::unarmed(model) {
        effects.push(Effect::Timer {
            after: super::dialog::recover::ARM_AFTER,
            kind: TimerKind::Arm,
            seq: model.next_seq(),
        });
    }
    if model.journal.enabled && model.is_dirty() {
        model.journal.on_disk = true;
        effects.push(Effect::WriteJournal(Box::new(model.journal_record())));
    }
    effects
}

/// A character as the key that types it (upper case carries Shift).
fn char_key(c: char) -> KeyEvent {
    let m = if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    KeyEvent::new(KeyCode::Char(c), m)
}

/// Characters typed in a row: inserted at once where that is exactly what
/// typing them one by one would do (a field has the focus, no dialog, no
/// character bound to an action); otherwise one key at a time.
fn on_typed(model: &mut Model, text: &str) -> Outcome {
    if super::dialog::recover::unarmed(model) {
        super::dialog::recover::step_aside(model);
    }
    let one_by_one = text.chars().nth(1).is_none()
        || model.dialog.is_some()
        || text
            .chars()
            .any(|c| model.session.keymap.action_for(&char_key(c)).is_some());
    if one_by_one {
        let mut out = Outcome::none();
        for c in text.chars() {
            let o = on_key(model, char_key(c));
            out.redraw |= o.redraw;
            out.effects.extend(o.effects);
        }
        return out;
    }
    let focus = model.form.focus;
    if focus == Field::Body {
        model.form.before_paste = None;
        model.body_insert(text);
    } else {
        let max = field_max(focus).unwrap_or(usize::MAX);
        let room = max.saturating_sub(model.text(focus).chars().count());
        let fit: String = text.chars().take(room).collect();
        if fit.len() < text.len() {
            model.status.push(StatusEntry::Info(format!(
                "{} holds at most {max} characters.",
                focus.label()
            )));
        }
        model.field_mut(focus).insert_str(&fit);
    }
    edited(model, focus)
}

/// A key that types a plain character (no Ctrl, no Alt).
pub fn plain_char(k: &KeyEvent) -> Option<char> {
    match k.code {
        KeyCode::Char(c)
            if k.kind == KeyEventKind::Press
                && (k.modifiers - KeyModifiers::SHIFT).is_empty()
                && !c.is_control() =>
        {
            Some(c)
        }
        _ => None,
    }
}

fn on_key(model: &mut Model, key: KeyEvent) -> Outcome {
    // Typed ahead of the recovery offer: not an answer to it.
    if super::dialog::recover::unarmed(model) {
        super::dialog::recover::step_aside(model);
    }
    // A dialog takes the key first; what it passes on is a global action
    // or nothing (it never reaches the form underneath).
    match super::dialog::on_key(model, key) {
        Routed::Done(out) => return out,
        Routed::Global => {
            return match model.session.keymap.action_for(&key) {
                Some(action) => on_action(model, action),
                None => Outcome::none(),
            };
        }
        Routed::NoDialog => {}
    }
    if let Some(out) = super::complete::on_key(model, &key) {
        return out;
    }
    match model.session.keymap.action_for(&key) {
        Some(action) => on_action(model, action),
        None => edit(model, key),
    }
}

fn on_action(model: &mut Model, action: Action) -> Outcome {
    match action {
        Action::NextField => move_focus(model, model.form.focus.next()),
        Action::PrevField => move_focus(model, model.form.focus.prev()),
        Action::Help => {
            model.dialog = Some(Dialog::Help { scroll: 0 });
            Outcome::redraw()
        }
        Action::Quit => {
            if model.is_dirty() || model.save.in_flight.is_some() || model.save.retry.is_some() {
                model.dialog = Some(Dialog::ConfirmQuit);
            } else if model.untouched_answer() {
                // Graph made it and nobody wrote into it: not left in Drafts unasked.
                model.dialog = Some(Dialog::EmptyAnswer);
            } else {
                model.should_quit = true;
            }
            Outcome::redraw()
        }
        Action::Save => save::save(model),
        Action::Editor => Outcome::redraw().with(vec![Effect::OpenEditor(model.text(Field::Body))]),
        Action::Suspend => Outcome::none().with(vec![Effect::Suspend]),
        Action::Clear => clear(model),
        Action::Answer => super::dialog::mail::open(model),
        Action::Spell => super::spell::on_key(model),
        Action::Signature => toggle_signature(model),
        Action::Template => super::dialog::template::open(model),
        Action::Preview => {
            model.dialog = Some(Dialog::Preview { scroll: 0 });
            Outcome::redraw()
        }
        Action::Quote => {
            if model.form.answer.is_some() {
                model.dialog = Some(Dialog::Quote { scroll: 0 });
            } else {
                let key = model.session.keymap.keys_label(Action::Answer);
                model.status.push(StatusEntry::Info(format!(
                    "This draft answers nothing, so there is no quote: {key} picks a message to answer."
                )));
            }
            Outcome::redraw()
        }
        Action::Details => {
            model.status_whole = !model.status_whole;
            if model.save.server.id.is_none() {
                model.status.push(StatusEntry::Info(
                    "No draft saved yet: its id and webLink show here after the first save.".into(),
                ));
            }
            Outcome::redraw()
        }
        Action::More => super::more::open(model),
        Action::Attach => super::attach::open(model),
        Action::History => super::history::open(model),
        Action::OpenLink => match model.save.server.web_link.clone() {
            Some(link) if outlook_link(&link) => Outcome::none().with(vec![Effect::OpenUrl(link)]),
            Some(link) => {
                // Whatever a server says, only Outlook's own https pages open.
                model.status.push(StatusEntry::Info(format!(
                    "Not opened: the draft's link is not an Outlook on the web address ({}). Alt-W copies it if you want it anyway.",
                    crate::util::sanitize::line(&link.chars().take(120).collect::<String>())
                )));
                Outcome::redraw()
            }
            None => {
                model.status.push(StatusEntry::Info(
                    "Nothing to open yet: save the draft first (Ctrl-S).".into(),
                ));
                Outcome::redraw()
            }
        },
        Action::CycleFormat => {
            model.form.body_format = model.form.body_format.next();
            model.form.edited();
            model.status.push(StatusEntry::Info(format!(
                "Body format: {}.",
                model.form.body_format.label()
            )));
            Outcome::redraw()
        }
        Action::Cancel if model.save.retry.is_some() => save::cancel_retry(model),
        Action::Cancel => Outcome::none(),
        Action::CopyLink | Action::CopyId => {
            let (what, value) = match action {
                Action::CopyLink => ("webLink", model.save.server.web_link.clone()),
                _ => ("id", model.save.server.id.clone()),
            };
            match value {
                Some(v) => {
                    model.status.push(StatusEntry::Info(format!(
                        "Copied the draft's {what} to your clipboard (OSC 52: the terminal must allow it; tmux needs set-clipboard on)."
                    )));
                    Outcome::redraw().with(vec![Effect::Copy(v)])
                }
                None => {
                    model.status.push(StatusEntry::Info(format!(
                        "Nothing to copy yet: the draft has no {what} until it is saved (Ctrl-S)."
                    )));
                    Outcome::redraw()
                }
            }
        }
    }
}

/// Hosts Outlook on the web answers on, in each cloud (global and GCC,
/// GCC High, DoD, 21Vianet, and outlook.com).
const OUTLOOK_HOSTS: &[&str] = &[
    "outlook.office365.com",
    "outlook.office.com",
    "outlook.live.com",
    "outlook.office365.us",
    "outlook-dod.office365.us",
    "partner.outlook.cn",
];

/// Whether a link is one to hand to the browser: https, on Outlook's host.
pub fn outlook_link(link: &str) -> bool {
    url::Url::parse(link).is_ok_and(|u| {
        u.scheme() == "https"
            && u.username().is_empty()
            && u.password().is_none()
            && u.port().is_none()
            && u.host_str().is_some_and(|h| OUTLOOK_HOSTS.contains(&h))
    })
}

fn move_focus(model: &mut Model, to: Field) -> Outcome {
    model.completion.suggest = Default::default();
    model.form.before_paste = None;
    let from = model.form.focus;
    if from.is_recipients() {
        // Check the field the user just left, so mistakes show early.
        let text = model.text(from);
        model.form.errors[from.index()] = crate::core::address::parse_list(&text).err();
    }
    model.form.focus = to;
    Outcome::redraw()
}

/// Empties the field the cursor is in; the undo key right after brings it back.
fn clear(model: &mut Model) -> Outcome {
    let focus = model.form.focus;
    if model.text(focus).is_empty() {
        return Outcome::none();
    }
    if focus == Field::Body {
        // A long body is windowed, so the widget's undo could not hold it all.
        let before = super::model::BodyBefore {
            text: model.body_text(),
            cursor: model.body_cursor(),
            what: "The cleared body was",
        };
        model.set_text(Field::Body, "");
        model.form.before_paste = Some(before);
        model.status.push(StatusEntry::Info(
            "Body cleared; Ctrl-U right away brings it back.".into(),
        ));
    } else {
        let ta = model.field_mut(focus);
        ta.select_all();
        ta.cut();
    }
    edited(model, focus)
}

fn edited(model: &mut Model, field: Field) -> Outcome {
    model.form.edited();
    if field == Field::Body {
        model.fit_body_wrap();
    }
    if field.is_recipients() {
        model.form.errors[field.index()] = None;
    }
    let effects = super::complete::refresh(model);
    Outcome::redraw().with(effects)
}

/// PageDown / Ctrl-V (down) and PageUp / Alt-V (up): a page in the body.
fn page_key(key: &KeyEvent) -> Option<bool> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match key.code {
        KeyCode::PageDown => Some(true),
        KeyCode::PageUp => Some(false),
        KeyCode::Char('v') if ctrl => Some(true),
        KeyCode::Char('v') if alt => Some(false),
        _ => None,
    }
}

fn edit(model: &mut Model, key: KeyEvent) -> Outcome {
    let focus = model.form.focus;
    let newline = matches!(key.code, KeyCode::Enter)
        || (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('m'));
    if focus.is_single_line() && newline {
        return move_focus(model, focus.next());
    }
    if plain_char(&key).is_some()
        && let Some(max) = field_max(focus)
        && model.text(focus).chars().count() >= max
    {
        model.status.push(StatusEntry::Info(format!(
            "{} holds at most {max} characters.",
            focus.label()
        )));
        return Outcome::redraw();
    }
    if focus == Field::Body {
        // Undo right after a large paste takes the paste back whole.
        let undo = key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('u');
        match model.form.before_paste.take() {
            Some(b) if undo => {
                model.set_text(Field::Body, &b.text);
                model.body_jump(b.cursor.0, b.cursor.1);
                model
                    .status
                    .push(StatusEntry::Info(format!("{} taken back.", b.what)));
                return edited(model, focus);
            }
            _ => {}
        }
        if let Some(down) = page_key(&key) {
            model.body_page(down);
            return Outcome::redraw();
        }
        model.body_before_key(&key);
    }
    let ta = model.field_mut(focus);
    let before = ta.cursor();
    let changed = ta.input(key);
    if focus == Field::Body {
        model.body_reframe();
    }
    // A single-line field must never hold a newline (e.g. from the yank buffer).
    if changed && focus.is_single_line() && model.field(focus).lines().len() > 1 {
        let joined = model.field(focus).lines().join(" ");
        model.set_text(focus, &joined);
    }
    if changed {
        return edited(model, focus);
    }
    // Cursor moves and scrolling change the screen too.
    let moved = model.field(focus).cursor() != before;
    Outcome {
        effects: Vec::new(),
        redraw: moved || !matches!(key.code, KeyCode::F(_) | KeyCode::Null),
    }
}

/// The most a one-line field holds: a subject is one line a person reads
/// (Outlook itself keeps 255 characters), a recipient list up to Graph's
/// 500 recipients. The body is not bounded here (4 MB is said at the save).
pub fn field_max(field: Field) -> Option<usize> {
    match field {
        Field::Subject => Some(1_000),
        Field::To | Field::Cc | Field::Bcc => Some(100_000),
        Field::Body => None,
    }
}

/// Turns pasted text into what the focused field can hold.
pub fn paste_for(field: Field, text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = sanitize::clean(&text, true);
    match field {
        Field::Body => text,
        Field::Subject => text
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        _ => text
            .split('\n')
            .map(|l| l.trim().trim_end_matches([',', ';']))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn on_paste(model: &mut Model, text: &str) -> Outcome {
    if super::dialog::recover::unarmed(model) {
        super::dialog::recover::step_aside(model);
    }
    if matches!(model.dialog, Some(Dialog::More { .. })) {
        return super::more::on_paste(model, text);
    }
    if matches!(model.dialog, Some(Dialog::Attach(_))) {
        return super::attach::on_paste(model, text);
    }
    if matches!(model.dialog, Some(Dialog::Mail(_))) {
        return super::dialog::mail::on_paste(model, text);
    }
    if model.dialog.is_some() {
        return Outcome::none();
    }
    let focus = model.form.focus;
    let mut clean = paste_for(focus, text);
    if clean.is_empty() {
        return Outcome::none();
    }
    if let Some(max) = field_max(focus) {
        let room = max.saturating_sub(model.text(focus).chars().count());
        if clean.chars().count() > room {
            clean = clean.chars().take(room).collect();
            model.status.push(StatusEntry::Info(format!(
                "{} holds at most {max} characters: the rest of the paste was left out.",
                focus.label()
            )));
        }
    }
    if focus == Field::Body {
        model.form.before_paste = None;
        // Pictures a paste names are confirmed once before they are sent.
        for src in crate::core::inline::any_local_images(&clean) {
            if !model.form.pasted.contains(&src) {
                model.form.pasted.push(src);
            }
        }
        model.body_insert(&clean);
    } else {
        model.field_mut(focus).insert_str(&clean);
    }
    edited(model, focus)
}

/// Drops the signature from this draft, or adds the profile's back.
fn toggle_signature(model: &mut Model) -> Outcome {
    let said = match (&model.form.signature, &model.session.signature) {
        (Some(_), _) => {
            model.form.signature = None;
            "Signature dropped from this draft."
        }
        (None, Some(s)) => {
            model.form.signature = Some(s.clone());
            "Signature added: it goes below the body when saved."
        }
        (None, None) => {
            "This profile has no signature: set signature or signature_file in the config (text, Markdown or HTML)."
        }
    };
    model.status.push(StatusEntry::Info(said.into()));
    if model.session.signature.is_some() {
        model.form.edited();
    }
    Outcome::redraw()
}
