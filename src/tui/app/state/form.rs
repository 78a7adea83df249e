//! The form's fields as plain data: which field, the text widgets, what
//! lies outside the body's window, completion, the F3 fields.

use crate::core::address::Address;
use crate::core::address::AddressError;
use crate::core::content::{BodyFormat, Importance};
use crate::core::record::MoreText;
use crate::util::sanitize;
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
    pub(crate) fn next(self) -> Field {
        Field::ALL[(self.index() + 1) % Field::ALL.len()]
    }
    pub(crate) fn prev(self) -> Field {
        Field::ALL[(self.index() + Field::ALL.len() - 1) % Field::ALL.len()]
    }
    pub(crate) fn label(self) -> &'static str {
        match self {
            Field::To => "To",
            Field::Cc => "Cc",
            Field::Bcc => "Bcc",
            Field::Subject => "Subject",
            Field::Body => "Body",
        }
    }
    pub(crate) fn is_recipients(self) -> bool {
        matches!(self, Field::To | Field::Cc | Field::Bcc)
    }
    pub fn is_single_line(self) -> bool {
        self != Field::Body
    }
}

/// The F3 fields as the form holds them.
#[derive(Clone, Debug)]
pub struct MoreState {
    pub(crate) reply_to: TextArea<'static>,
    pub(crate) categories: TextArea<'static>,
    pub(crate) importance: Importance,
    pub(crate) read_receipt: bool,
    pub(crate) delivery_receipt: bool,
    pub(crate) flagged: bool,
    pub(crate) reply_to_error: Option<AddressError>,
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

    pub(crate) fn set(&mut self, t: &MoreText) {
        *self = MoreState::default();
        self.reply_to.insert_str(&t.reply_to);
        self.categories.insert_str(&t.categories);
        self.importance = t.importance;
        self.read_receipt = t.read_receipt;
        self.delivery_receipt = t.delivery_receipt;
        self.flagged = t.flagged;
    }

    /// How many of them differ from the defaults (for the body title).
    pub(crate) fn set_count(&self) -> usize {
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

/// What the user wrote: the fields, the F3 fields, the attachment list.
#[derive(Clone, Debug)]
pub struct Form {
    pub(crate) fields: Vec<TextArea<'static>>,
    pub focus: Field,
    pub(crate) errors: [Option<AddressError>; 3],
    /// Plain text, HTML, or Markdown (sent as HTML).
    pub body_format: BodyFormat,
    /// Reply-To, importance, receipts, categories, follow-up flag (F3).
    pub more: MoreState,
    /// Attached files and what the server still needs to hear about them.
    pub files: crate::core::attach::Files,
    /// Bumped on every edit ([`Form::edited`]); equal to `saved_generation`
    /// when nothing is unsaved.
    pub generation: u64,
    pub(crate) saved_generation: u64,
    /// The body's lines outside the text widget (long bodies only).
    pub(crate) body_outside: crate::tui::app::state::form::Outside,
    /// The terminal's height (the body never shows more lines than this).
    pub(crate) screen_rows: usize,
    /// The body and its cursor before a large paste or clearing it (both
    /// bypass the text widget and its undo): the undo key right after
    /// brings it back.
    pub(crate) before_paste: Option<BodyBefore>,
    /// What this draft answers (a reply, reply-all or forward Graph made).
    pub(crate) answer: Option<crate::core::answer::Answer>,
    /// The body's words and characters, as last counted: when typing
    /// pauses (with the journal's write), so a key still costs one byte on
    /// the wire; and whenever the body is set whole.
    pub counts: (usize, usize),
    /// The signature this draft carries, added below the body when it is
    /// sent (not part of the text typed, so a format change never touches it).
    pub signature: Option<crate::core::content::Signature>,
    /// Local picture sources named by text that came from elsewhere (a
    /// server's body, a mailto: link): never sent.
    pub(crate) not_mine: Vec<String>,
    /// Local picture sources that arrived in a paste and are not confirmed
    /// yet: the first save that would send them asks first.
    pub(crate) pasted: Vec<String>,
    /// Pictures that could not be read when listed (said once).
    pub(crate) picture_errors: Vec<(String, String)>,
    /// The body wraps by character (it has a very long line).
    pub(crate) body_long: bool,
}

/// The whole body as it was before one step the widget's undo cannot take back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BodyBefore {
    pub(crate) text: String,
    pub(crate) cursor: (usize, usize),
    /// What the undo takes back, for the status pane ("the paste").
    pub(crate) what: &'static str,
}

impl Form {
    pub(crate) fn new() -> Form {
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
            screen_rows: crate::tui::app::state::form::DEFAULT_ROWS,
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
    pub(crate) fn edited(&mut self) {
        self.generation += 1;
    }

    /// What the form holds now is what the server holds.
    pub(crate) fn mark_saved(&mut self) {
        self.saved_generation = self.generation;
    }

    /// Nothing the form holds is on the server (a new draft of the same text).
    pub(crate) fn mark_unsaved(&mut self) {
        self.saved_generation = u64::MAX;
    }
}

/// Address completion and name resolution.
#[derive(Clone, Debug, Default)]
pub struct Completion {
    /// Addresses used before, most recent first.
    pub known: Vec<crate::core::address::Address>,
    /// Suggestions on screen.
    pub suggest: crate::tui::app::state::form::Suggestions,
    /// Signed in and permitted: completion may ask Graph's people search.
    pub can_search_people: bool,
    /// People search answers by query.
    pub(crate) people_cache: std::collections::HashMap<String, Vec<crate::core::address::Address>>,
    /// The query waiting for its debounce, with its timer.
    pub(crate) people_query: Option<(String, u64)>,
    /// Waiting for the people search to resolve names typed without an address.
    pub(crate) resolving: bool,
    /// What the tenant said of recipients (MailTips), by address.
    pub(crate) tips: Vec<crate::core::checks::Tip>,
    /// Addresses MailTips were asked for (each once a session).
    pub(crate) tips_asked: std::collections::HashSet<String>,
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

/// Rows assumed for the body before the terminal's size is known.
pub(crate) const DEFAULT_ROWS: usize = 60;

/// The body's lines outside the window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outside {
    /// Lines above the window, in order.
    pub(crate) before: Vec<String>,
    /// Lines below the window, last line first (so moving lines is cheap).
    pub(crate) after_rev: Vec<String>,
}

impl Outside {
    pub(crate) fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after_rev.is_empty()
    }
}

/// Suggestions on screen, and the chosen one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suggestions {
    pub(crate) field: Option<Field>,
    pub items: Vec<Address>,
    pub(crate) selected: usize,
}

/// The most a one-line field holds: a subject is one line a person reads
/// (Outlook itself keeps 255 characters), a recipient list up to Graph's
/// 500 recipients. The body is not bounded here (4 MB is said at the save).
pub(crate) fn field_max(field: Field) -> Option<usize> {
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
