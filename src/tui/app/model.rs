//! The whole state of the form, as plain data.

use crate::config::keymap::Keymap;
use crate::core::address::AddressError;
use crate::core::content::{BodyFormat, DraftContent, Importance, ListField};
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

/// One line of news in the status pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusEntry {
    Info(String),
    /// A request is on its way.
    Saving {
        method: String,
        url: String,
    },
    Saved {
        at: String,
        method: String,
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
        method: String,
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
    Help,
    ConfirmQuit,
    /// Drafts from earlier sessions that the server does not hold yet.
    Recover {
        items: Vec<JournalRecord>,
        selected: usize,
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
        row: usize,
    },
    /// Ctrl-O: add, list and remove attachments.
    Attach(super::attach::AttachDialog),
    /// F6: drafts saved by graft in this profile, to continue one.
    History(super::history::HistoryDialog),
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
    pub method: String,
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
}

/// Where drafts go, for display.
#[derive(Clone, Debug, Default)]
pub struct Target {
    /// `me` or `users/…`
    pub owner: String,
    /// The `--user` value, if any.
    pub user: Option<String>,
    /// `None` is the default (Drafts); otherwise the `--folder` value.
    pub folder: Option<String>,
    /// The Graph root, shown in the help overlay.
    pub graph_url: String,
}

#[derive(Clone, Debug)]
pub struct Model {
    pub fields: Vec<TextArea<'static>>,
    pub focus: Field,
    pub errors: [Option<AddressError>; 3],
    pub target: Target,
    pub demo: bool,
    pub server: ServerDraft,
    pub in_flight: Option<InFlight>,
    /// Ctrl-S pressed while a save was in flight: save again when it ends.
    pub save_queued: bool,
    pub next_req: u64,
    /// Bumped on every edit; equal to `saved_generation` when nothing is unsaved.
    pub generation: u64,
    pub saved_generation: u64,
    pub status: Vec<StatusEntry>,
    pub dialog: Option<Dialog>,
    pub quit_after_save: bool,
    pub should_quit: bool,
    pub keymap: Keymap,
    /// This draft's stable client key (journal file name and Graph extended property).
    pub draft_key: String,
    /// A create may have reached the server without an answer: look up before creating.
    pub create_uncertain: bool,
    /// The save being tried (its client-request-id stays the same across
    /// its automatic retries).
    pub attempt: Option<crate::graph::Attempt>,
    /// The mailbox refused the client key (named-property quota full):
    /// drafts are created without it.
    pub key_refused: bool,
    pub retry: Option<RetryWait>,
    /// Failed attempts in a row, for backoff.
    pub failures: u32,
    pub journal: JournalState,
    /// Sequence number for timers; stale ticks are ignored.
    pub timer_seq: u64,
    /// State for jitter (xorshift), so `update` stays pure and repeatable.
    pub rng: u64,
    /// This process's id, recorded in the journal.
    pub pid: u32,
    /// Device-code sign-in is available (no fixed token was given).
    pub can_sign_in: bool,
    /// Save once sign-in succeeds (a save waited for it).
    pub save_after_sign_in: bool,
    /// `NO_COLOR` is set: styles only, no colours.
    pub no_color: bool,
    /// Plain text, HTML, or Markdown (sent as HTML).
    pub body_format: BodyFormat,
    /// Reply-To, importance, receipts, categories, follow-up flag (F3).
    pub more: MoreState,
    /// Addresses used before, most recent first (for completion).
    pub known: Vec<crate::core::address::Address>,
    /// Completion suggestions on screen.
    pub suggest: super::complete::Suggestions,
    /// The mailbox's master categories (offered in the F3 panel).
    pub master_categories: Vec<String>,
    /// Signed in: completion may ask Graph's people search.
    pub can_search_people: bool,
    /// The profile wants people search (it stays off while not permitted).
    pub people_wanted: bool,
    /// Features already said to be off for want of a permission (said once).
    pub refused: Vec<crate::auth::Feature>,
    /// The mailbox's message size limit in bytes (Exchange Online's default
    /// until the profile or MailTips tell otherwise).
    pub max_message_bytes: u64,
    /// The limit came from the profile or MailTips, not the default.
    pub max_message_known: bool,
    /// Why device sign-in cannot work as configured (said instead of trying).
    pub sign_in_problem: Option<String>,
    /// People search answers by query.
    pub people_cache: std::collections::HashMap<String, Vec<crate::core::address::Address>>,
    /// The query waiting for its debounce, with its timer.
    pub people_query: Option<(String, u64)>,
    /// Attached files and what the server still needs to hear about them.
    pub files: crate::core::attach::Files,
    /// An upload in progress (the status pane shows a bar).
    pub upload: Option<crate::core::attach::Upload>,
    /// Drafts saved from graft in this profile, newest first.
    pub history: Vec<crate::core::history::HistoryEntry>,
    /// The profile's signature, for new drafts.
    pub signature: Option<String>,
    /// Waiting for the people search to resolve names typed without an address.
    pub resolving: bool,
    /// The body's lines outside the text widget (long bodies only).
    pub body_outside: super::body::Outside,
    /// The terminal's height (the body never shows more lines than this).
    pub screen_rows: usize,
    /// Colours (from the config file's `[theme]`).
    pub theme: crate::config::theme::Theme,
}

/// Exchange Online's default message size limit (tenants may raise it to
/// 150 MB): the whole message, attachments included.
pub const DEFAULT_MAX_MESSAGE_BYTES: u64 = 35 * 1024 * 1024;

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

impl Target {
    pub fn folder_label(&self) -> String {
        self.folder.clone().unwrap_or_else(|| "Drafts".to_string())
    }
}

impl Model {
    /// How many bytes of attachments a draft may hold: three quarters of the
    /// mailbox's limit, which counts the message as sent, attachments in
    /// base64 (a third larger); Outlook on the web keeps the same headroom.
    pub fn attachment_budget(&self) -> u64 {
        self.max_message_bytes / 4 * 3
    }

    /// A fresh form. `seed` feeds jitter and new draft keys.
    pub fn new(target: Target, demo: bool, keymap: Keymap) -> Model {
        Model::with_seed(target, demo, keymap, 0x9e37_79b9_7f4a_7c15, 0)
    }

    pub fn with_seed(target: Target, demo: bool, keymap: Keymap, seed: u64, pid: u32) -> Model {
        let mut m = Model::blank(target, demo, keymap);
        m.rng = seed | 1;
        m.pid = pid;
        m.draft_key = m.fresh_key();
        m
    }

    fn blank(target: Target, demo: bool, keymap: Keymap) -> Model {
        Model {
            fields: Field::ALL.iter().map(|f| new_field(*f)).collect(),
            focus: Field::To,
            errors: [None, None, None],
            target,
            demo,
            server: ServerDraft::default(),
            in_flight: None,
            save_queued: false,
            next_req: 1,
            generation: 0,
            saved_generation: 0,
            status: Vec::new(),
            dialog: None,
            quit_after_save: false,
            should_quit: false,
            keymap,
            draft_key: String::new(),
            create_uncertain: false,
            attempt: None,
            key_refused: false,
            retry: None,
            failures: 0,
            journal: JournalState::default(),
            timer_seq: 0,
            rng: 1,
            pid: 0,
            can_sign_in: false,
            save_after_sign_in: false,
            no_color: false,
            body_format: BodyFormat::Text,
            more: MoreState::default(),
            known: Vec::new(),
            suggest: Default::default(),
            master_categories: Vec::new(),
            can_search_people: false,
            people_wanted: true,
            refused: Vec::new(),
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
            max_message_known: false,
            sign_in_problem: None,
            people_cache: Default::default(),
            people_query: None,
            files: Default::default(),
            upload: None,
            history: Vec::new(),
            signature: None,
            resolving: false,
            body_outside: Default::default(),
            screen_rows: super::body::DEFAULT_ROWS,
            theme: Default::default(),
        }
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
        self.is_dirty() || self.in_flight.is_some() || self.retry.is_some() || self.create_uncertain
    }

    /// What the journal file holds for this draft.
    pub fn journal_record(&self) -> JournalRecord {
        JournalRecord {
            version: JournalRecord::VERSION,
            key: self.draft_key.clone(),
            pid: self.pid,
            session: String::new(),
            host: String::new(),
            updated: String::new(),
            graph_url: self.target.graph_url.clone(),
            user: self.target.user.clone(),
            folder: self.target.folder.clone(),
            fields: self.fields_text(),
            server_id: self.server.id.clone(),
            web_link: self.server.web_link.clone(),
            saved: self.server.saved.clone(),
            // A create on its way may reach the server whatever becomes of
            // this process: the next one looks the key up before creating.
            create_uncertain: self.create_uncertain
                || self.in_flight.as_ref().is_some_and(|f| f.method == "POST"),
            queued: self.in_flight.is_some() || self.retry.is_some() || self.save_queued,
            format: self.body_format,
            more: self.more.text(),
            attachments: self.files.list.clone(),
            detached: self.files.detached.clone(),
        }
    }

    /// Appends the signature to the body (`-- ` line first), cursor at the top.
    /// A form holding only its signature has nothing unsaved.
    pub fn add_signature(&mut self, signature: &str) {
        let clean = self.generation == self.saved_generation;
        let body = self.text(Field::Body);
        let text = format!("{body}\n\n-- \n{signature}");
        self.set_text(Field::Body, &text);
        self.body_jump(0, 0);
        if clean {
            self.saved_generation = self.generation;
        }
    }

    /// Fills the form with text (a mailto: URL, prefill flags). Unsaved until saved.
    pub fn fill(&mut self, f: &Fields) {
        for (field, text) in by_field(f) {
            let text = crate::tui::app::update::paste_for(field, text);
            self.set_text(field, &text);
        }
        // Start where the writing is: the body if recipients are there, else To.
        self.focus = if f.to.trim().is_empty() {
            Field::To
        } else {
            Field::Body
        };
    }

    /// Fills the form from a journal; the draft takes over its key and server state.
    pub fn restore(&mut self, rec: &JournalRecord) {
        for (field, text) in by_field(&rec.fields) {
            self.set_text(field, text);
        }
        self.draft_key = rec.key.clone();
        self.server = ServerDraft {
            id: rec.server_id.clone(),
            web_link: rec.web_link.clone(),
            change_key: None,
            saved: rec.saved.clone(),
        };
        self.create_uncertain = rec.create_uncertain;
        self.body_format = rec.format;
        self.more.set(&rec.more);
        self.files = crate::core::attach::Files {
            list: rec.attachments.clone(),
            detached: rec.detached.clone(),
        };
        self.errors = [None, None, None];
        self.generation += 1;
        let unchanged = self
            .validated_content()
            .ok()
            .is_some_and(|c| rec.saved.as_ref() == Some(&c));
        if unchanged {
            self.saved_generation = self.generation;
        }
    }

    pub fn field(&self, f: Field) -> &TextArea<'static> {
        &self.fields[f.index()]
    }

    pub fn field_mut(&mut self, f: Field) -> &mut TextArea<'static> {
        &mut self.fields[f.index()]
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
        } else {
            let mut ta = new_field(f);
            ta.insert_str(text);
            self.fields[f.index()] = ta;
        }
        self.generation += 1;
    }

    pub fn error(&self, f: Field) -> Option<&AddressError> {
        if f.is_recipients() {
            self.errors[f.index()].as_ref()
        } else {
            None
        }
    }

    pub fn is_dirty(&self) -> bool {
        self.generation != self.saved_generation || self.files.pending()
    }

    /// Parses the recipient fields; on failure records the error on each bad field.
    /// Parses the recipient fields; on failure records the error on each bad
    /// field (`None` for Reply-To, which lives behind F3).
    pub fn validated_content(
        &mut self,
    ) -> Result<DraftContent, Vec<(Option<Field>, AddressError)>> {
        let result =
            DraftContent::from_typed(&self.fields_text(), self.body_format, &self.more.text());
        self.errors = [None, None, None];
        self.more.reply_to_error = None;
        result.map_err(|bad| {
            bad.into_iter()
                .map(|(which, e)| {
                    let field = match which {
                        ListField::To => Some(Field::To),
                        ListField::Cc => Some(Field::Cc),
                        ListField::Bcc => Some(Field::Bcc),
                        ListField::ReplyTo => None,
                    };
                    match field {
                        Some(f) => self.errors[f.index()] = Some(e.clone()),
                        None => self.more.reply_to_error = Some(e.clone()),
                    }
                    (field, e)
                })
                .collect()
        })
    }
}
