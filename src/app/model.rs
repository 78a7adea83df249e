//! The whole state of the form, as plain data.

use super::keymap::Keymap;
use crate::draft::address::{self, AddressError};
use crate::draft::content::DraftContent;
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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    Help,
    ConfirmQuit,
}

/// A request graft is waiting for.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub req: u64,
    pub method: String,
    /// What the request sends: the server holds this once it succeeds.
    pub snapshot: DraftContent,
    /// The edit generation the snapshot was taken at.
    pub generation: u64,
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
}

fn new_field(field: Field) -> TextArea<'static> {
    let mut ta = TextArea::default();
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
    pub fn new(target: Target, demo: bool, keymap: Keymap) -> Model {
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
        self.field(f).lines().join("\n")
    }

    pub fn set_text(&mut self, f: Field, text: &str) {
        let mut ta = new_field(f);
        ta.insert_str(text);
        self.fields[f.index()] = ta;
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
        self.generation != self.saved_generation
    }

    /// Parses the recipient fields; on failure records the error on each bad field.
    pub fn validated_content(&mut self) -> Result<DraftContent, Vec<(Field, AddressError)>> {
        let mut lists = Vec::new();
        let mut bad = Vec::new();
        for f in [Field::To, Field::Cc, Field::Bcc] {
            match address::parse_list(&self.text(f)) {
                Ok(list) => {
                    self.errors[f.index()] = None;
                    lists.push(list);
                }
                Err(e) => {
                    self.errors[f.index()] = Some(e.clone());
                    bad.push((f, e));
                    lists.push(Vec::new());
                }
            }
        }
        if !bad.is_empty() {
            return Err(bad);
        }
        let bcc = lists.pop().unwrap_or_default();
        let cc = lists.pop().unwrap_or_default();
        let to = lists.pop().unwrap_or_default();
        Ok(DraftContent {
            to,
            cc,
            bcc,
            subject: self.text(Field::Subject),
            body: self.text(Field::Body),
        })
    }
}
