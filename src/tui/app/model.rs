//! The whole state of the form, as plain data.

use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::core::address::AddressError;
use crate::core::content::{BodyFormat, DraftContent, Importance, ListField};
use crate::core::history::HistoryEntry;
use crate::core::mailbox::Mailbox;
use crate::core::record::MoreText;
use crate::core::record::{Fields, JournalRecord};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    To,
    Cc,
    Bcc,
    Subject,
    Body,
}

impl Field {
    pub const ALL: [Field; 5] = [
        Field::To,
        Field::Cc,
        Field::Bcc,
        Field::Subject,
        Field::Body,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
    pub fn next(self) -> Field {
        Field::ALL[(self.index() + 1) % Field::ALL.len()]
    }
    pub fn prev(self) -> Field {
        Field::ALL[(self.index() + Field::ALL.len() - 1) % Field::ALL.len()]
    }
    pub fn label(self) -> &'static str {
        match self {
            Field::To => "To",
            Field::Cc => "Cc",
            Field::Bcc => "Bcc",
            Field::Subject => "Subject",
            Field::Body => "Body",
        }
    }
    pub fn is_recipients(self) -> bool {
        matches!(self, Field::To | Field::Cc | Field::Bcc)
    }
    pub fn is_single_line(self) -> bool {
        self != Field::Body
    }
}

/// Which request a save is: the first one creates the draft, every later
/// one updates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveKind {
    Create,
    Update,
}

impl SaveKind {
    /// The HTTP method Graph is sent.
    pub fn http(self) -> &'static str {
        match self {
            SaveKind::Create => "POST",
            SaveKind::Update => "PATCH",
        }
    }
}

/// What a successful save did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedHow {
    Created,
    Updated,
    /// A create found the draft an unanswered earlier create had made.
    Adopted,
    /// The draft had been moved in Outlook; it was updated where it is.
    Moved,
    /// Graph made the answer (`createReply`, …) and the user's part went in.
    Made,
}

impl SavedHow {
    pub fn said(self) -> &'static str {
        match self {
            SavedHow::Created => "created",
            SavedHow::Updated => "updated",
            SavedHow::Adopted => "found the draft an unanswered save had made, updated",
            SavedHow::Moved => "updated where it was moved in Outlook",
            SavedHow::Made => "made by Graph in Drafts",
        }
    }
}

/// One line of news in the status pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusEntry {
    Info(String),
    /// A save held by a check (a forgotten attachment, an empty subject…).
    Check(String),
    /// A request is on its way.
    Saving {
        kind: SaveKind,
        url: String,
    },
    Saved {
        at: String,
        how: SavedHow,
        status: u16,
        status_text: String,
        id: String,
        web_link: String,
        folder: String,
        request_id: Option<String>,
        /// The attachments now on the draft, when there are any.
        files: Option<String>,
    },
    Failed {
        at: String,
        /// What failed, said for the user: `POST`, `PATCH`, `attach a.pdf`.
        what: String,
        status: Option<u16>,
        status_text: String,
        code: String,
        message: String,
        request_id: Option<String>,
        hint: Option<String>,
    },
    /// Nothing was sent because the form is not valid.
    Invalid(String),
    /// A failed save waits for an automatic retry (`Model::retry` has the countdown).
    Waiting {
        reason: String,
        detail: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// F1: every key; `scroll` is the first line shown.
    Help {
        scroll: u16,
    },
    ConfirmQuit,
    /// Quitting an answer Graph made that nobody wrote into: delete it
    /// from Drafts (the default), keep it, or stay.
    EmptyAnswer,
    /// Drafts from earlier sessions that the server does not hold yet.
    Recover {
        items: Vec<JournalRecord>,
        selected: usize,
        /// The delete key was pressed: the confirm key deletes the
        /// selected draft's local copy, any other key keeps it.
        confirm: bool,
        /// It has been on screen long enough for a key to answer it; a
        /// key before that (typed ahead at start) goes to the form and
        /// the offer steps aside.
        armed: bool,
    },
    /// An update got 404: the draft was sent or deleted elsewhere.
    DraftGone,
    /// The draft was found by its key, sent or in Deleted Items: the text
    /// was not saved over it.
    DraftElsewhere(Elsewhere),
    /// Device-code sign-in inside the form.
    SignIn(SignInStage),
    /// The F3 fields; `row` has the focus.
    More {
        row: super::more::Row,
    },
    /// Ctrl-O: add, list and remove attachments.
    Attach(super::attach::AttachDialog),
    /// F6: drafts saved by graft in this profile, to continue one.
    History(super::history::HistoryDialog),
    /// F8: messages to answer, and one open to read.
    Mail(Box<super::dialog::mail::MailDialog>),
    /// Alt-Q: the quoted original of the answer being written, to read.
    Quote {
        scroll: u16,
    },
    /// F9: suggestions for a misspelled word.
    Spell(Box<super::spell::SpellDialog>),
    /// Alt-P: the draft as the recipient will see it; `scroll` is the
    /// first line shown.
    Preview {
        scroll: u16,
    },
    /// Alt-T: the templates, to start from one.
    Template(Box<super::dialog::template::TemplateDialog>),
    /// The draft changed in Outlook where graft's text changed too: both
    /// versions, and the ways to settle it.
    Conflict(Box<super::dialog::conflict::ConflictDialog>),
    /// Pictures of local files a paste named, before they are first sent:
    /// send them, or leave them out.
    Pictures(Vec<String>),
}

/// Where a draft went that graft will not save over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elsewhere {
    /// Sent from Outlook (it is in Sent Items).
    Sent,
    /// Deleted in Outlook (it is in Deleted Items).
    Deleted,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignInStage {
    /// Asking whether to sign in now.
    Offer {
        why: String,
    },
    /// Waiting for the device code from the identity service.
    Starting,
    /// Showing the service's message and code; polling in the background.
    Waiting {
        message: String,
        user_code: String,
        remaining_secs: u64,
        seq: u64,
    },
    Failed(String),
}

/// Why an automatic retry is waiting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryWait {
    pub remaining_secs: u64,
    pub attempt: u32,
    /// e.g. `throttled (429 ApplicationThrottled)` or `offline`.
    pub reason: String,
    pub offline: bool,
    pub seq: u64,
}

/// The local journal's bookkeeping.
#[derive(Clone, Debug, Default)]
pub struct JournalState {
    /// Off when there is no state directory (then a notice says so).
    pub enabled: bool,
    /// A write is scheduled.
    pub armed: bool,
    /// A journal file for this draft may exist.
    pub on_disk: bool,
    pub last_error: Option<String>,
}

/// The F3 fields as the form holds them.
#[derive(Clone, Debug)]
pub struct MoreState {
    pub reply_to: TextArea<'static>,
    pub categories: TextArea<'static>,
    pub importance: Importance,
    pub read_receipt: bool,
    pub delivery_receipt: bool,
    pub flagged: bool,
    pub reply_to_error: Option<AddressError>,
}

impl Default for MoreState {
    fn default() -> Self {
        let mut reply_to = new_field(Field::Subject);
        reply_to.set_placeholder_text("where replies should go (default: you)");
        let mut categories = new_field(Field::Subject);
        categories.set_placeholder_text("Finance, Q3");
        MoreState {
            reply_to,
            categories,
            importance: Importance::Normal,
            read_receipt: false,
            delivery_receipt: false,
            flagged: false,
            reply_to_error: None,
        }
    }
}

impl MoreState {
    pub const ROWS: usize = 6;

    pub fn text(&self) -> MoreText {
        MoreText {
            reply_to: self.reply_to.lines().join(" "),
            categories: self.categories.lines().join(" "),
            importance: self.importance,
            read_receipt: self.read_receipt,
            delivery_receipt: self.delivery_receipt,
            flagged: self.flagged,
        }
    }

    pub fn set(&mut self, t: &MoreText) {
        *self = MoreState::default();
        self.reply_to.insert_str(&t.reply_to);
        self.categories.insert_str(&t.categories);
        self.importance = t.importance;
        self.read_receipt = t.read_receipt;
        self.delivery_receipt = t.delivery_receipt;
        self.flagged = t.flagged;
    }

    /// How many of them differ from the defaults (for the body title).
    pub fn set_count(&self) -> usize {
        let t = self.text();
        [
            !t.reply_to.trim().is_empty(),
            t.importance != Importance::Normal,
            t.read_receipt,
            t.delivery_receipt,
            !t.categories.trim().is_empty(),
            t.flagged,
        ]
        .iter()
        .filter(|b| **b)
        .count()
    }
}

/// A request graft is waiting for.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub req: u64,
    /// The draft it was sent for: its answer applies to that draft only.
    pub key: String,
    pub kind: SaveKind,
    /// What the request sends: the server holds this once it succeeds.
    pub snapshot: DraftContent,
    /// The edit generation the snapshot was taken at.
    pub generation: u64,
    /// The attachment work this save carries.
    pub files: crate::core::attach::Files,
}

/// The draft as the server holds it.
#[derive(Clone, Debug, Default)]
pub struct ServerDraft {
    pub id: Option<String>,
    pub web_link: Option<String>,
    pub change_key: Option<String>,
    /// The content of the last successful save.
    pub saved: Option<DraftContent>,
    /// The body's fingerprint as graft last read it from the server (once
    /// it took Outlook's version); else derived from `saved`.
    pub seen: Option<u64>,
    /// The fingerprint of a body an earlier session was sending when it
    /// stopped (it may be on the server unrecorded: graft's own).
    pub sending: Option<u64>,
}

/// Who the form works for and how it looks: set at start, changed only by
/// sign-in and by what the service says about the mailbox.
#[derive(Clone, Debug)]
pub struct Session {
    /// Whose mailbox, which folder.
    pub mailbox: Mailbox,
    /// The Graph root, shown in the help overlay and kept in the journal.
    pub graph_url: String,
    /// The built-in emulator, not a real mailbox.
    pub demo: bool,
    pub keymap: Keymap,
    /// Colours (from the config file's `[theme]`).
    pub theme: Theme,
    /// `NO_COLOR` is set: styles only, no colours.
    pub no_color: bool,
    /// This process's id, recorded in the journal.
    pub pid: u32,
    /// Device-code sign-in is available (no fixed token was given).
    pub can_sign_in: bool,
    /// Why device sign-in cannot work as configured (said instead of trying).
    pub sign_in_problem: Option<String>,
    /// The profile wants people search (it stays off while not permitted).
    pub people_wanted: bool,
    /// Features already said to be off for want of a permission (said once).
    pub refused: Vec<crate::auth::Feature>,
    /// The mailbox refused the client key (named-property quota full):
    /// drafts are created without it.
    pub key_refused: bool,
    /// The mailbox's message size limit in bytes (Exchange Online's default
    /// until the profile or MailTips tell otherwise).
    pub max_message_bytes: u64,
    /// The limit came from the profile or MailTips, not the default.
    pub max_message_known: bool,
    /// The mailbox's master categories (offered in the F3 panel).
    pub categories: Vec<String>,
    /// The profile's signature, for new drafts.
    pub signature: Option<crate::core::content::Signature>,
    /// What a save checks first.
    pub checks: crate::core::checks::Checks,
}

impl Session {
    pub fn new(
        mailbox: Mailbox,
        graph_url: impl Into<String>,
        demo: bool,
        keymap: Keymap,
    ) -> Session {
        Session {
            mailbox,
            graph_url: graph_url.into(),
            demo,
            keymap,
            theme: Theme::default(),
            no_color: false,
            pid: 0,
            can_sign_in: false,
            sign_in_problem: None,
            people_wanted: true,
            refused: Vec::new(),
            key_refused: false,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            max_message_known: false,
            categories: Vec::new(),
            signature: None,
            checks: Default::default(),
        }
    }

    /// A session on `/me` at an address nothing listens on: for tests and
    /// benchmarks that drive `update` and the view alone.
    pub fn offline() -> Session {
        Session::new(
            Mailbox::default(),
            "http://127.0.0.1:1/v1.0",
            false,
            Keymap::defaults(),
        )
    }

    /// The command that lists this session's local drafts.
    pub fn drafts_command(&self) -> &'static str {
        if self.demo {
            "graft drafts --demo"
        } else {
            "graft drafts"
        }
    }

    /// The styles the view draws with (the theme, without colours under NO_COLOR).
    pub fn palette(&self) -> crate::config::theme::Palette {
        self.theme.palette(self.no_color)
    }

    /// How many bytes of attachments a draft may hold: three quarters of the
    /// mailbox's limit, which counts the message as sent, attachments in
    /// base64 (a third larger); Outlook on the web keeps the same headroom.
    pub fn attachment_budget(&self) -> u64 {
        self.max_message_bytes / 4 * 3
    }
}

/// What the user wrote: the fields, the F3 fields, the attachment list.
#[derive(Clone, Debug)]
pub struct Form {
    pub fields: Vec<TextArea<'static>>,
    pub focus: Field,
    pub errors: [Option<AddressError>; 3],
    /// Plain text, HTML, or Markdown (sent as HTML).
    pub body_format: BodyFormat,
    /// Reply-To, importance, receipts, categories, follow-up flag (F3).
    pub more: MoreState,
    /// Attached files and what the server still needs to hear about them.
    pub files: crate::core::attach::Files,
    /// Bumped on every edit ([`Form::edited`]); equal to `saved_generation`
    /// when nothing is unsaved.
    pub generation: u64,
    pub saved_generation: u64,
    /// The body's lines outside the text widget (long bodies only).
    pub body_outside: super::body::Outside,
    /// The terminal's height (the body never shows more lines than this).
    pub screen_rows: usize,
    /// The body and its cursor before a large paste or clearing it (both
    /// bypass the text widget and its undo): the undo key right after
    /// brings it back.
    pub before_paste: Option<BodyBefore>,
    /// What this draft answers (a reply, reply-all or forward Graph made).
    pub answer: Option<crate::core::answer::Answer>,
    /// The body's words and characters, as last counted: when typing
    /// pauses (with the journal's write), so a key still costs one byte on
    /// the wire; and whenever the body is set whole.
    pub counts: (usize, usize),
    /// The signature this draft carries, added below the body when it is
    /// sent (not part of the text typed, so a format change never touches it).
    pub signature: Option<crate::core::content::Signature>,
    /// Local picture sources named by text that came from elsewhere (a
    /// server's body, a mailto: link): never sent.
    pub not_mine: Vec<String>,
    /// Local picture sources that arrived in a paste and are not confirmed
    /// yet: the first save that would send them asks first.
    pub pasted: Vec<String>,
    /// Pictures that could not be read when listed (said once).
    pub picture_errors: Vec<(String, String)>,
    /// The body wraps by character (it has a very long line).
    pub body_long: bool,
}

/// The whole body as it was before one step the widget's undo cannot take back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyBefore {
    pub text: String,
    pub cursor: (usize, usize),
    /// What the undo takes back, for the status pane ("the paste").
    pub what: &'static str,
}

impl Form {
    fn new() -> Form {
        Form {
            fields: Field::ALL.iter().map(|f| new_field(*f)).collect(),
            focus: Field::To,
            errors: [None, None, None],
            body_format: BodyFormat::Text,
            more: MoreState::default(),
            files: Default::default(),
            generation: 0,
            saved_generation: 0,
            body_outside: Default::default(),
            screen_rows: super::body::DEFAULT_ROWS,
            before_paste: None,
            answer: None,
            counts: (0, 0),
            signature: None,
            not_mine: Vec::new(),
            pasted: Vec::new(),
            picture_errors: Vec::new(),
            body_long: false,
        }
    }

    /// Something the server should hear about changed.
    pub fn edited(&mut self) {
        self.generation += 1;
    }

    /// What the form holds now is what the server holds.
    pub fn mark_saved(&mut self) {
        self.saved_generation = self.generation;
    }

    /// Nothing the form holds is on the server (a new draft of the same text).
    pub fn mark_unsaved(&mut self) {
        self.saved_generation = u64::MAX;
    }
}

/// Saving: what the server holds, the request in flight, the retries.
#[derive(Clone, Debug)]
pub struct SaveState {
    pub server: ServerDraft,
    pub in_flight: Option<InFlight>,
    /// Ctrl-S pressed while a save was in flight: save again when it ends.
    pub queued: bool,
    pub next_req: u64,
    /// Quit once the save in progress has succeeded.
    pub quit_after: bool,
    /// Save once sign-in succeeds (a save waited for it).
    pub after_sign_in: bool,
    /// An automatic retry counting down.
    pub retry: Option<RetryWait>,
    /// The one retry policy's count for the current save.
    pub tries: crate::graph::retry::Tries,
    /// The save being tried (its client-request-id stays the same across
    /// its automatic retries).
    pub attempt: Option<crate::graph::Attempt>,
    /// A create may have reached the server without an answer: look up before creating.
    pub create_uncertain: bool,
    /// An upload in progress (the status pane shows a bar).
    pub upload: Option<crate::core::attach::Upload>,
    /// The form's generation whose checks were shown: saving it again
    /// unchanged saves anyway.
    pub checked: Option<u64>,
    /// The body's new pictures are being read.
    pub images_pending: bool,
    /// A save waits for them and goes on after.
    pub images_for_save: bool,
}

impl SaveState {
    fn new() -> SaveState {
        SaveState {
            server: ServerDraft::default(),
            in_flight: None,
            queued: false,
            next_req: 1,
            quit_after: false,
            after_sign_in: false,
            retry: None,
            tries: crate::graph::retry::Tries::new(crate::graph::retry::Limits::KEEP_TRYING),
            attempt: None,
            create_uncertain: false,
            upload: None,
            checked: None,
            images_pending: false,
            images_for_save: false,
        }
    }

    /// The save is over (done, or failed for good): the next one counts its
    /// tries afresh.
    pub fn settle(&mut self) {
        self.tries.reset();
        self.attempt = None;
    }

    /// The save failed for good: nothing follows it by itself — no queued
    /// save, no quitting after it.
    pub fn give_up(&mut self) {
        self.settle();
        self.queued = false;
        self.quit_after = false;
    }

    /// Work on the server is unfinished: in flight, or waiting to retry.
    pub fn busy(&self) -> bool {
        self.in_flight.is_some() || self.retry.is_some()
    }
}

/// Address completion and name resolution.
#[derive(Clone, Debug, Default)]
pub struct Completion {
    /// Addresses used before, most recent first.
    pub known: Vec<crate::core::address::Address>,
    /// Suggestions on screen.
    pub suggest: super::complete::Suggestions,
    /// Signed in and permitted: completion may ask Graph's people search.
    pub can_search_people: bool,
    /// People search answers by query.
    pub people_cache: std::collections::HashMap<String, Vec<crate::core::address::Address>>,
    /// The query waiting for its debounce, with its timer.
    pub people_query: Option<(String, u64)>,
    /// Waiting for the people search to resolve names typed without an address.
    pub resolving: bool,
}

/// The whole state of the form, in parts.
#[derive(Clone, Debug)]
pub struct Model {
    pub session: Session,
    pub form: Form,
    pub save: SaveState,
    pub journal: JournalState,
    pub completion: Completion,
    /// Drafts saved from graft in this profile, newest first.
    pub history: Vec<HistoryEntry>,
    pub dialog: Option<Dialog>,
    pub status: Vec<StatusEntry>,
    /// The saved draft's id and webLink shown whole even where the screen is
    /// short (they are a compact line there otherwise).
    pub status_whole: bool,
    /// This draft's stable client key (journal file name and Graph extended property).
    pub draft_key: String,
    pub should_quit: bool,
    /// Sequence number for timers; stale ticks are ignored.
    pub timer_seq: u64,
    /// State for jitter (xorshift), so `update` stays pure and repeatable.
    pub rng: u64,
    /// The dictionaries, and the words they do not know.
    pub spell: super::spell::SpellState,
    /// Earlier sessions' drafts not taken up yet (the offer stepped aside
    /// for a pre-filled start or typing): F6 offers them.
    pub pending_recover: Vec<JournalRecord>,
    /// Quit once this draft is deleted (an answer left empty).
    pub quit_after_delete: Option<String>,
}

/// What a start brings besides the session: earlier work and the text to begin with.
#[derive(Clone, Debug, Default)]
pub struct Startup {
    /// Feeds jitter and new draft keys.
    pub seed: u64,
    /// Text to begin with (a mailto: link, prefill flags, a template).
    pub prefill: Option<Fields>,
    /// Local picture sources the prefill names that came from elsewhere
    /// (a mailto: link's body): never sent.
    pub not_mine: Vec<String>,
    /// The body's format to begin with (a template's).
    pub format: Option<crate::core::content::BodyFormat>,
    /// Drafts of earlier sessions the server does not hold: offered first.
    pub recover: Vec<JournalRecord>,
    /// Lines for the status pane (an unreadable journal, no journal at all…).
    pub notices: Vec<String>,
    /// The local journal can be written.
    pub journal: bool,
    pub history: Vec<HistoryEntry>,
    pub known: Vec<crate::core::address::Address>,
}

pub use crate::core::limits::DEFAULT_MAX_MESSAGE_BYTES;

/// Each form field with its text in `f`.
fn by_field(f: &Fields) -> [(Field, &String); 5] {
    [
        (Field::To, &f.to),
        (Field::Cc, &f.cc),
        (Field::Bcc, &f.bcc),
        (Field::Subject, &f.subject),
        (Field::Body, &f.body),
    ]
}

/// Puts a text area's view back to where a fresh start would have it: from
/// the top left, scrolled only as far as the cursor needs. After a resize a
/// view scrolled for a smaller screen would hide text above blank rows.
pub(crate) fn reset_view(ta: &mut TextArea<'static>) {
    let ratatui_textarea::DataCursor(row, col) = ta.cursor();
    // The cursor goes back with a jump, which takes u16s: past that, leave it.
    let (Ok(row), Ok(col)) = (u16::try_from(row), u16::try_from(col)) else {
        return;
    };
    // Scrolls are i16 steps; a view can be up to u16::MAX off the top left.
    for _ in 0..3 {
        ta.scroll((-i16::MAX, -i16::MAX));
    }
    ta.move_cursor(ratatui_textarea::CursorMove::Jump(row, col));
}

pub(crate) fn new_field(field: Field) -> TextArea<'static> {
    styled_field(TextArea::default(), field)
}

/// The look and behaviour of a field's text widget.
pub(crate) fn styled_field(mut ta: TextArea<'static>, field: Field) -> TextArea<'static> {
    // The terminal's own cursor marks the insertion point; no fake block cursor.
    ta.set_cursor_style(Style::default());
    ta.set_cursor_line_style(Style::default());
    ta.set_selection_style(Style::default().add_modifier(Modifier::REVERSED));
    ta.set_max_histories(200);
    match field {
        Field::Body => {
            ta.set_wrap_mode(WrapMode::WordOrGlyph);
            ta.set_placeholder_text("Write your message here…");
        }
        Field::Subject => ta.set_placeholder_text("(no subject)"),
        Field::To => ta.set_placeholder_text("alice@contoso.com, Bob Smith <bob@contoso.com>"),
        _ => {}
    }
    ta.set_placeholder_style(Style::default().add_modifier(Modifier::DIM));
    ta
}

impl Model {
    /// A blank form on [`Session::offline`]: for tests and benchmarks.
    pub fn offline() -> Model {
        Model::new(Session::offline(), Startup::default())
    }

    /// A form for `session`, with what `startup` brings.
    pub fn new(session: Session, startup: Startup) -> Model {
        let signature = session.signature.clone();
        let mut m = Model {
            session,
            form: Form::new(),
            save: SaveState::new(),
            journal: JournalState {
                enabled: startup.journal,
                ..JournalState::default()
            },
            completion: Completion {
                known: startup.known,
                ..Completion::default()
            },
            history: startup.history,
            dialog: None,
            status: startup.notices.into_iter().map(StatusEntry::Info).collect(),
            status_whole: false,
            draft_key: String::new(),
            should_quit: false,
            timer_seq: 0,
            spell: Default::default(),
            pending_recover: Vec::new(),
            quit_after_delete: None,
            rng: (if startup.seed == 0 {
                0x9e37_79b9_7f4a_7c15
            } else {
                startup.seed
            }) | 1,
        };
        m.draft_key = m.fresh_key();
        if let Some(fields) = &startup.prefill {
            m.fill(fields);
        }
        m.form.not_mine = startup.not_mine.clone();
        if let Some(format) = startup.format {
            m.form.body_format = format;
        }
        m.form.signature = signature;
        if !startup.recover.is_empty() {
            if startup.prefill.is_some() {
                // A pre-filled start is what the user asked for: the offer
                // stays out of its way.
                m.set_aside_recovery(startup.recover);
            } else {
                m.dialog = Some(Dialog::Recover {
                    confirm: false,
                    items: startup.recover,
                    selected: 0,
                    armed: false,
                });
            }
        }
        m
    }

    /// Earlier drafts kept for later: F6 offers them, a line says so.
    pub fn set_aside_recovery(&mut self, items: Vec<JournalRecord>) {
        if items.is_empty() {
            return;
        }
        let n = items.len();
        self.pending_recover = items;
        let f6 = self
            .session
            .keymap
            .keys_label(crate::tui::app::Action::History);
        self.status.push(StatusEntry::Info(format!(
            "{n} earlier draft{} not saved yet, kept in the local journal: {f6} lists {}.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" }
        )));
    }

    /// An answer Graph made that nobody has written into yet (nothing
    /// typed above the quote, nothing else changed).
    pub fn untouched_answer(&self) -> bool {
        self.form.answer.as_ref().is_some_and(|a| a.made())
            && self.save.server.id.is_some()
            && !self.is_dirty()
            && self.text(Field::Body).trim().is_empty()
            && self.form.files.list.is_empty()
    }

    /// The next pseudo-random number (xorshift64*).
    pub fn random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A new draft key, shaped like a UUID.
    pub fn fresh_key(&mut self) -> String {
        let (a, b) = (self.random(), self.random());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }

    /// The fields as typed.
    pub fn fields_text(&self) -> Fields {
        Fields {
            to: self.text(Field::To),
            cc: self.text(Field::Cc),
            bcc: self.text(Field::Bcc),
            subject: self.text(Field::Subject),
            body: self.text(Field::Body),
        }
    }

    /// Whether the journal must hold this draft: unsaved text, or a save not finished.
    pub fn needs_journal(&self) -> bool {
        self.is_dirty()
            || self.save.in_flight.is_some()
            || self.save.retry.is_some()
            || self.save.create_uncertain
    }

    /// What the journal file holds for this draft.
    pub fn journal_record(&self) -> JournalRecord {
        JournalRecord {
            version: JournalRecord::VERSION,
            key: self.draft_key.clone(),
            pid: self.session.pid,
            session: String::new(),
            host: String::new(),
            updated: String::new(),
            graph_url: self.session.graph_url.clone(),
            user: self.session.mailbox.user.clone(),
            folder: self.session.mailbox.folder.clone(),
            fields: self.fields_text(),
            server_id: self.save.server.id.clone(),
            web_link: self.save.server.web_link.clone(),
            change_key: self.save.server.change_key.clone(),
            seen: self.save.server.seen,
            // An update on its way may land whatever becomes of this
            // process: its body is graft's own, not Outlook's edit.
            sending: self
                .save
                .in_flight
                .as_ref()
                .filter(|f| f.kind == SaveKind::Update)
                .map(|f| crate::core::merge::fingerprint(&f.snapshot))
                .or(self.save.server.sending),
            conflict: false,
            saved: self.save.server.saved.clone(),
            // A create on its way may reach the server whatever becomes of
            // this process: the next one looks the key up before creating.
            create_uncertain: self.save.create_uncertain
                || self
                    .save
                    .in_flight
                    .as_ref()
                    .is_some_and(|f| f.kind == SaveKind::Create),
            queued: self.save.in_flight.is_some() || self.save.retry.is_some() || self.save.queued,
            format: self.form.body_format,
            more: self.form.more.text(),
            attachments: self.form.files.list.clone(),
            detached: self.form.files.detached.clone(),
            answer: self.form.answer.clone(),
            signature: self.form.signature.clone(),
            not_mine: self.form.not_mine.clone(),
        }
    }

    /// Past this many bytes on one line, the body is not wrapped by the text
    /// widget: it wraps its whole text on every edit, tens of milliseconds
    /// per key along a megabyte line. The view draws the rows around the
    /// cursor instead (wrapped by character).
    pub const LONG_LINE: usize = 16 * 1024;

    /// The body's wrapping for what it holds now: by word, or none in the
    /// widget while a line is longer than [`Model::LONG_LINE`] (the cursor's
    /// line is checked on each edit; every line when typing pauses).
    pub fn fit_body_wrap(&mut self) {
        let ta = &self.form.fields[Field::Body.index()];
        let row = ta.cursor().0;
        let long = ta
            .lines()
            .get(row)
            .is_some_and(|l| l.len() > Self::LONG_LINE);
        let want = if long || (self.form.body_long && self.body_has_long_line()) {
            WrapMode::None
        } else {
            WrapMode::WordOrGlyph
        };
        self.form.body_long = want == WrapMode::None;
        let ta = &mut self.form.fields[Field::Body.index()];
        if ta.wrap_mode() != want {
            ta.set_wrap_mode(want);
        }
    }

    fn body_has_long_line(&self) -> bool {
        self.field(Field::Body)
            .lines()
            .iter()
            .any(|l| l.len() > Self::LONG_LINE)
    }

    /// Fills the form with text (a mailto: URL, prefill flags). Unsaved until saved.
    pub fn fill(&mut self, f: &Fields) {
        for (field, text) in by_field(f) {
            let text = crate::tui::app::update::paste_for(field, text);
            self.set_text(field, &text);
        }
        // Start where the writing is: the body if recipients are there, else To.
        self.form.focus = if f.to.trim().is_empty() {
            Field::To
        } else {
            Field::Body
        };
    }

    /// A fresh sequence number (for timers and for answers that must not
    /// be applied once something newer was asked).
    pub fn next_seq(&mut self) -> u64 {
        self.timer_seq += 1;
        self.timer_seq
    }

    /// The form on an answer to make: a new draft (its key fresh) that
    /// answers `answer`, its recipients and subject Graph's to set when it
    /// makes it, the cursor in the body. The first save makes it.
    pub fn start_answer(&mut self, answer: crate::core::answer::Answer) {
        for f in Field::ALL {
            self.set_text(f, "");
        }
        self.form.body_format = crate::core::content::BodyFormat::Text;
        self.form.more.set(&MoreText::default());
        self.form.files = Default::default();
        self.form.not_mine.clear();
        self.form.pasted.clear();
        self.form.answer = Some(answer);
        self.form.signature = self.session.signature.clone();
        self.save.server = ServerDraft::default();
        self.save.create_uncertain = false;
        self.save.checked = None;
        self.form.focus = Field::Body;
        self.form.edited();
    }

    /// Graph made the answer: To, Cc and Subject as it set them (with
    /// what the user added), where the user has not typed since the save
    /// left; the quote kept apart from the text.
    pub fn answer_made(
        &mut self,
        made: &crate::service::save::Made,
        sent: Option<&DraftContent>,
        asked: &DraftContent,
    ) {
        use crate::core::address::format_list;
        let Some(answer) = self.form.answer.as_mut() else {
            return;
        };
        answer.quote_html = made.graph.quote.clone().unwrap_or_default();
        let shown = sent.unwrap_or(&made.graph);
        let quiet = self.form.generation;
        for (field, value, was) in [
            (Field::To, format_list(&shown.to), format_list(&asked.to)),
            (Field::Cc, format_list(&shown.cc), format_list(&asked.cc)),
            (Field::Bcc, format_list(&shown.bcc), format_list(&asked.bcc)),
            (Field::Subject, shown.subject.clone(), asked.subject.clone()),
        ] {
            let untouched = self.text(field).trim() == was.trim();
            if untouched && self.text(field) != value {
                let focus_here = self.form.focus == field;
                let mut ta = new_field(field);
                ta.insert_str(&value);
                self.form.fields[field.index()] = ta;
                if focus_here {
                    self.form.focus = Field::Body;
                }
            }
        }
        // Filling in what Graph set is not an edit of the user's.
        self.form.generation = quiet;
    }

    /// Puts a draft's content in the form (every field, the body's format,
    /// the F3 fields), the cursor where it was.
    pub fn set_content(&mut self, c: &DraftContent) {
        let focus = self.form.focus;
        let f = Fields::of(c);
        for (field, text) in by_field(&f) {
            if self.text(field) != *text {
                self.set_text(field, text);
            }
        }
        self.form.body_format = c.format;
        self.form.more.set(&MoreText::of(c));
        self.form.signature = c.signature.clone();
        self.form.focus = focus;
        self.form.edited();
    }

    /// Fills the form from a journal; the draft takes over its key and server state.
    pub fn restore(&mut self, rec: &JournalRecord) {
        for (field, text) in by_field(&rec.fields) {
            self.set_text(field, text);
        }
        self.draft_key = rec.key.clone();
        self.save.server = ServerDraft {
            id: rec.server_id.clone(),
            web_link: rec.web_link.clone(),
            change_key: rec.change_key.clone(),
            saved: rec.saved.clone(),
            seen: rec.seen,
            sending: rec.sending,
        };
        self.save.create_uncertain = rec.create_uncertain;
        self.form.body_format = rec.format;
        self.form.more.set(&rec.more);
        self.form.files = crate::core::attach::Files {
            list: rec.attachments.clone(),
            detached: rec.detached.clone(),
        };
        self.form.answer = rec.answer.clone();
        self.form.signature = rec.signature.clone();
        self.form.not_mine = rec.not_mine.clone();
        self.form.pasted.clear();
        self.form.errors = [None, None, None];
        self.form.edited();
        let unchanged = self
            .validated_content()
            .ok()
            .is_some_and(|c| rec.saved.as_ref() == Some(&c));
        if unchanged {
            self.form.mark_saved();
        }
    }

    pub fn field(&self, f: Field) -> &TextArea<'static> {
        &self.form.fields[f.index()]
    }

    pub fn field_mut(&mut self, f: Field) -> &mut TextArea<'static> {
        &mut self.form.fields[f.index()]
    }

    /// The text of a field; single-line fields are one line by construction.
    pub fn text(&self, f: Field) -> String {
        if f == Field::Body {
            return self.body_text();
        }
        self.field(f).lines().join("\n")
    }

    pub fn set_text(&mut self, f: Field, text: &str) {
        if f == Field::Body {
            self.set_body(text);
            self.fit_body_wrap();
            self.count_body();
        } else {
            let mut ta = new_field(f);
            ta.insert_str(text);
            self.form.fields[f.index()] = ta;
        }
        self.form.edited();
    }

    pub fn error(&self, f: Field) -> Option<&AddressError> {
        if f.is_recipients() {
            self.form.errors[f.index()].as_ref()
        } else {
            None
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.form.generation != self.form.saved_generation || self.form.files.pending()
    }

    /// Parses the recipient fields; on failure records the error on each bad field.
    /// Parses the recipient fields; on failure records the error on each bad
    /// field (`None` for Reply-To, which lives behind F3).
    pub fn validated_content(
        &mut self,
    ) -> Result<DraftContent, Vec<(Option<Field>, AddressError)>> {
        let quote = self.form.answer.as_ref().map(|a| a.quote_html.as_str());
        let result = DraftContent::from_typed(
            &self.fields_text(),
            self.form.body_format,
            &self.form.more.text(),
        )
        .map(|c| DraftContent {
            signature: self.form.signature.clone(),
            not_mine: self.form.not_mine.clone(),
            ..c.with_quote(quote)
        });
        self.form.errors = [None, None, None];
        self.form.more.reply_to_error = None;
        result.map_err(|bad| {
            bad.into_iter()
                .map(|(which, e)| {
                    let field = match which {
                        ListField::To => Some(Field::To),
                        ListField::Cc => Some(Field::Cc),
                        ListField::Bcc => Some(Field::Bcc),
                        ListField::ReplyTo => None,
                    };
                    // A field shows its first bad item; the status pane lists all.
                    let slot = match field {
                        Some(f) => &mut self.form.errors[f.index()],
                        None => &mut self.form.more.reply_to_error,
                    };
                    slot.get_or_insert_with(|| e.clone());
                    (field, e)
                })
                .collect()
        })
    }
}
