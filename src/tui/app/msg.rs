//! What flows through the form's core: messages in (`Msg`), work out
//! (`Effect`), what one step did (`Outcome`, with a follow-up such as "save
//! now" for `update` to run), and a dialog's answer to a key (`Reply`).
//! The floor under everything in `tui::app` but its state: plain data.

use crate::core::record::JournalRecord;
use crate::graph::SavedMessage;
use crate::tui::app::state::form::Field;
use crossterm::event::KeyEvent;
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
        result: Result<crate::service::remote::Loaded, crate::service::remote::LoadFailure>,
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
    /// A save's request went, or failed on its way (`at`: local time of day).
    SaveStep {
        req: u64,
        at: String,
        step: crate::graph::Step,
    },
    /// MailTips for recipients just added, or why not.
    Tips(Result<Vec<crate::core::checks::Tip>, String>),
    /// The mailbox's folders (paths as Outlook names them; `true`: all of
    /// them), or why not.
    Folders(Result<(Vec<String>, bool), String>),
    /// The history as its file holds it now (other grafts, `graft draft`,
    /// may have added drafts since this one started).
    HistoryRead(Vec<crate::core::history::HistoryEntry>),
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
    /// Hand the terminal to `$EDITOR` with this body, in a file named for
    /// its format (`md`, `html`, `txt`: the editor's highlighting follows);
    /// the event loop does this itself.
    OpenEditor { text: String, ext: &'static str },
    /// Stop graft for the shell's job control (Ctrl-Z); the loop hands the
    /// terminal back, as for the editor.
    Suspend,
    /// Clear the terminal and draw everything (Ctrl-L): what another
    /// program wrote over the screen goes.
    Repaint,
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
    /// Stop this save where it is (Esc while saving).
    StopSave(u64),
    /// List the mailbox's folders (Alt-G).
    ListFolders,
    /// Ask the tenant about these recipients (MailTips, one request).
    AskTips(Vec<String>),
    /// New drafts go to this folder from now on (`None`: Drafts).
    UseFolder(Option<String>),
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
    /// What `update` does next, on behalf of a floor that cannot reach it
    /// (a dialog, a picture check, a name lookup asking to save now). It
    /// runs on the model as this step left it; its effects go out before
    /// this step's own (a save's before the removal of a journal it replaces).
    pub(crate) then: Option<Next>,
}

/// A follow-up a step asks `update` to run after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Save now, as the save key does (checks, names, pictures, the request).
    Save,
    /// Save, and quit once it is saved; stay if nothing could be sent.
    SaveThenQuit,
}

impl Outcome {
    pub(crate) fn redraw() -> Outcome {
        Outcome {
            redraw: true,
            ..Outcome::default()
        }
    }
    /// Asks `update` to run `next` after this step.
    pub(crate) fn then(mut self, next: Next) -> Outcome {
        self.then = Some(next);
        self
    }
    /// Save now (after this step).
    pub(crate) fn save() -> Outcome {
        Outcome::redraw().then(Next::Save)
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

/// A dialog's answer to a key.
pub(crate) enum Reply {
    /// Handled; the dialog stays (or has put another dialog in its place).
    Stay(Outcome),
    /// Handled; the dialog closes (unless it opened another one meanwhile).
    Close(Outcome),
    /// Not this dialog's key: the form's global keys have it.
    Pass,
}

/// Where a key went.
pub(crate) enum Routed {
    Done(Outcome),
    /// A dialog passed it on: only a global action may take it.
    Global,
    /// No dialog is open.
    NoDialog,
}
