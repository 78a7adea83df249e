//! The status pane's entries.

use crate::tui::app::state::save::SaveKind;
use crate::tui::app::state::save::SavedHow;

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
