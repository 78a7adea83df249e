//! The dialogs over the form, as plain data: which one is open and what it
//! holds. Their keys are handled in `dialog/`, one file each.

use super::form::Field;
use crate::core::answer::AnswerKind;
use crate::core::answer::MailSummary;
use crate::core::content::BodyFormat;
use crate::core::content::DraftContent;
use crate::core::line::LineEdit;
use crate::core::merge::Body;
use crate::core::merge::Merged;
use crate::core::merge::Theirs;
use crate::core::record::JournalRecord;
use crate::core::spell::Miss;
use crate::core::template::Template;
use crate::core::template::Vars;
use crate::tui::app::state::save::Elsewhere;
use crate::tui::app::state::session::SignInStage;
use serde_json::Value;

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
        row: crate::tui::app::state::dialogs::Row,
    },
    /// Ctrl-O: add, list and remove attachments.
    Attach(crate::tui::app::state::dialogs::AttachDialog),
    /// F6: drafts saved by graft in this profile, to continue one.
    History(crate::tui::app::state::dialogs::HistoryDialog),
    /// F8: messages to answer, and one open to read.
    Mail(Box<crate::tui::app::state::dialogs::MailDialog>),
    /// Alt-Q: the quoted original of the answer being written, to read.
    Quote {
        scroll: u16,
    },
    /// F9: suggestions for a misspelled word.
    Spell(Box<crate::tui::app::state::dialogs::SpellDialog>),
    /// Alt-P: the draft as the recipient will see it; `scroll` is the
    /// first line shown.
    Preview {
        scroll: u16,
    },
    /// Alt-T: the templates, to start from one.
    Template(Box<crate::tui::app::state::dialogs::TemplateDialog>),
    Folder(FolderDialog),
    /// The draft changed in Outlook where graft's text changed too: both
    /// versions, and the ways to settle it.
    Conflict(Box<crate::tui::app::state::dialogs::ConflictDialog>),
    /// Pictures of local files a paste named, before they are first sent:
    /// send them, or leave them out.
    Pictures(Vec<String>),
}

impl Dialog {
    /// Whose keys the dialog reads (`assets/keymap.toml`, `[[dialog]]`).
    pub(crate) fn context(&self) -> crate::config::keymap::Context {
        use crate::config::keymap::Context;
        match self {
            Dialog::Help { .. } | Dialog::Quote { .. } | Dialog::Preview { .. } => Context::Help,
            Dialog::ConfirmQuit => Context::ConfirmQuit,
            Dialog::EmptyAnswer => Context::EmptyAnswer,
            Dialog::Recover { .. } => Context::Recover,
            Dialog::DraftGone | Dialog::DraftElsewhere(_) => Context::DraftGone,
            Dialog::SignIn(_) => Context::SignIn,
            Dialog::More { .. } => Context::More,
            Dialog::Attach(_) => Context::Attach,
            Dialog::History(_) => Context::History,
            Dialog::Mail(m) if m.reading.is_some() => Context::Reader,
            Dialog::Mail(_) => Context::Mail,
            Dialog::Spell(_) => Context::Spell,
            Dialog::Template(_) => Context::Template,
            Dialog::Folder(_) => Context::Folder,
            Dialog::Conflict(_) => Context::Conflict,
            Dialog::Pictures(_) => Context::Pictures,
        }
    }
}

/// The panel's rows, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Row {
    ReplyTo,
    Importance,
    ReadReceipt,
    DeliveryReceipt,
    Categories,
    FollowUp,
}

impl Row {
    pub(crate) const ALL: [Row; 6] = [
        Row::ReplyTo,
        Row::Importance,
        Row::ReadReceipt,
        Row::DeliveryReceipt,
        Row::Categories,
        Row::FollowUp,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Row::ReplyTo => "Reply-To",
            Row::Importance => "Importance",
            Row::ReadReceipt => "Read receipt",
            Row::DeliveryReceipt => "Delivery receipt",
            Row::Categories => "Categories",
            Row::FollowUp => "Follow-up flag",
        }
    }

    fn index(self) -> usize {
        Row::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    /// The row below, wrapping to the top.
    pub(crate) fn next(self) -> Row {
        Row::ALL[(self.index() + 1) % Row::ALL.len()]
    }

    /// The row above, wrapping to the bottom.
    pub(crate) fn prev(self) -> Row {
        Row::ALL[(self.index() + Row::ALL.len() - 1) % Row::ALL.len()]
    }

    /// A row of text (the others are switches).
    pub(crate) fn is_text(self) -> bool {
        matches!(self, Row::ReplyTo | Row::Categories)
    }
}

/// The Ctrl-O dialog's state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttachDialog {
    /// The path being typed, edited in place like the other fields.
    pub input: crate::core::line::LineEdit,
    /// The highlighted file on the list (for removal), if any.
    pub(crate) selected: Option<usize>,
    /// Path completions for the input.
    pub candidates: Vec<String>,
    /// The last problem (a missing file, too large…) or news.
    pub message: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HistoryDialog {
    pub(crate) selected: usize,
    /// Waiting for Graph to return the chosen draft.
    pub(crate) loading: bool,
    pub message: Option<String>,
    /// The delete key was pressed: the confirm key deletes the selected
    /// draft from Outlook (to Deleted Items), any other key keeps it.
    pub(crate) confirm_delete: bool,
    /// Where each draft is now, as Outlook says when the list opens (by
    /// id): `changed` (in Outlook since graft saved it), `sent`, `deleted`,
    /// `gone`; none yet while it is asked.
    pub(crate) states: std::collections::HashMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailDialog {
    /// Which of [`FOLDERS`].
    pub(crate) folder: usize,
    pub search: LineEdit,
    pub(crate) items: Vec<MailSummary>,
    pub(crate) selected: usize,
    /// The next page's link, when there is one.
    pub(crate) next: Option<String>,
    pub(crate) loading: bool,
    /// Answers to older requests carry an older number and are dropped.
    pub(crate) seq: u64,
    pub message: Option<String>,
    /// A message open to read.
    pub(crate) reading: Option<Reading>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Reading {
    pub(crate) summary: MailSummary,
    /// Headers, a blank line, then the text body (sanitised), or `None`
    /// while it loads.
    pub(crate) lines: Option<Vec<String>>,
    pub(crate) scroll: u16,
    /// Forwarding: whom to (typed here, then Enter).
    pub(crate) forward_to: Option<LineEdit>,
    pub(crate) error: Option<String>,
    /// Who the message went to and came from (`from`, `toRecipients`,
    /// `ccRecipients`, `replyTo`), once read: whom an answer will go to.
    pub(crate) people: Option<Value>,
    /// When it was read (UTC, RFC 3339): no answer made for it is older.
    pub(crate) read_at: String,
    /// An answer the checks held once: the same key again makes it anyway.
    pub(crate) held: Option<AnswerKind>,
    /// The original's body, in bytes: the least an answer quotes.
    pub(crate) quote_len: usize,
}

/// Alt-G: the mailbox's folders, to choose where new drafts go.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderDialog {
    /// Paths as Outlook names them (`Inbox/Clients`); the first is the
    /// default, Drafts. Empty until read.
    pub(crate) paths: Vec<String>,
    pub(crate) selected: usize,
    pub(crate) loading: bool,
    /// Why the list is empty, or that it is not whole.
    pub(crate) message: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplateDialog {
    /// The templates (none until read).
    pub(crate) list: Vec<Template>,
    pub(crate) selected: usize,
    /// Still reading the folder.
    pub(crate) loading: bool,
    /// Why the list is empty or a template could not be read.
    pub(crate) message: Option<String>,
    /// `{{date}}`'s value, from when the list was read.
    pub(crate) today: String,
    /// Asking for a variable: its name, what is typed, the values so far.
    pub(crate) asking: Option<(String, LineEdit, Vars)>,
}

/// Where the dialog stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Both versions, and the choices.
    #[default]
    Choose,
    /// The merged text, before it is saved.
    Preview,
    /// Keep graft's over Outlook's: the confirmation.
    ConfirmMine,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictDialog {
    /// What the server holds now.
    pub(crate) theirs: Theirs,
    /// The merge: the merged content when the edits do not overlap.
    pub(crate) merged: Merged,
    /// What graft had when it tried to save.
    pub(crate) mine: DraftContent,
    pub(crate) stage: Stage,
    pub(crate) scroll: u16,
}

impl ConflictDialog {
    /// The dialog as it opens: both versions, the choice to make.
    pub(crate) fn new(theirs: Theirs, merged: Merged, mine: DraftContent) -> ConflictDialog {
        ConflictDialog {
            theirs,
            merged,
            mine,
            stage: Stage::Choose,
            scroll: 0,
        }
    }

    /// The body merged without overlap, if it could be.
    pub(crate) fn can_merge(&self) -> bool {
        self.merged.body == Body::Merged
    }

    /// Outlook's body as the form would hold it (text for a text draft,
    /// else its HTML), without the signature and an answer's quote.
    pub(crate) fn theirs_in_form(&self) -> (String, BodyFormat) {
        let text = self.mine.format == BodyFormat::Text;
        let base = DraftContent {
            quote: self.mine.quote.clone(),
            signature: self.mine.signature.clone(),
            ..Default::default()
        };
        crate::core::merge::theirs_for_form(&self.theirs, &base, text)
    }
}

/// The dialog: suggestions for one word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpellDialog {
    pub(crate) field: Field,
    pub(crate) miss: Miss,
    pub(crate) suggestions: Vec<String>,
    pub(crate) selected: usize,
}
