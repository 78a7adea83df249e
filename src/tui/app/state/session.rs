//! What a session brings: the account, mailbox, keys, theme and settings,
//! the sign-in stage, and what a start begins with.

use crate::config::keymap::Keymap;
use crate::config::theme::Theme;
use crate::core::history::HistoryEntry;
use crate::core::mailbox::Mailbox;
use crate::core::record::{Fields, JournalRecord};

pub(crate) use crate::core::limits::DEFAULT_MAX_MESSAGE_BYTES;

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

/// Who the form works for and how it looks: set at start, changed only by
/// sign-in and by what the service says about the mailbox.
#[derive(Clone, Debug)]
pub struct Session {
    /// Whose mailbox, which folder.
    pub(crate) mailbox: Mailbox,
    /// The Graph root, shown in the help overlay and kept in the journal.
    pub(crate) graph_url: String,
    /// The built-in emulator, not a real mailbox.
    pub demo: bool,
    pub keymap: Keymap,
    /// Colours (from the config file's `[theme]`).
    pub theme: Theme,
    /// `NO_COLOR` is set: styles only, no colours.
    pub no_color: bool,
    /// A plain screen (`--plain`, `plain = true`, TERM=dumb): no box
    /// drawing or decorative glyphs, states in words.
    pub plain: bool,
    /// This process's id, recorded in the journal.
    pub pid: u32,
    /// Device-code sign-in is available (no fixed token was given).
    pub can_sign_in: bool,
    /// Why device sign-in cannot work as configured (said instead of trying).
    pub(crate) sign_in_problem: Option<String>,
    /// The profile wants people search (it stays off while not permitted).
    pub(crate) people_wanted: bool,
    /// Features already said to be off for want of a permission (said once).
    pub(crate) refused: Vec<crate::auth::Feature>,
    /// The mailbox refused the client key (named-property quota full):
    /// drafts are created without it.
    pub(crate) key_refused: bool,
    /// The mailbox's message size limit in bytes (Exchange Online's default
    /// until the profile or MailTips tell otherwise).
    pub(crate) max_message_bytes: u64,
    /// The limit came from the profile or MailTips, not the default.
    pub(crate) max_message_known: bool,
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
            plain: false,
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
    pub(crate) fn drafts_command(&self) -> &'static str {
        if self.demo {
            "graft drafts --demo"
        } else {
            "graft drafts"
        }
    }

    /// The styles the view draws with (the theme, without colours under NO_COLOR).
    pub(crate) fn palette(&self) -> crate::config::theme::Palette {
        self.theme.palette(self.no_color).plain(self.plain)
    }

    /// How many bytes of attachments a draft may hold: three quarters of the
    /// mailbox's limit, which counts the message as sent, attachments in
    /// base64 (a third larger); Outlook on the web keeps the same headroom.
    pub(crate) fn attachment_budget(&self) -> u64 {
        self.max_message_bytes / 4 * 3
    }
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
