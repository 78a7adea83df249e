//! The drafts graft saved, newest first: what the F6 list and `graft drafts
//! --remote` show, kept per profile.

use crate::core::content::BodyFormat;
use serde::{Deserialize, Serialize};

/// How many drafts the history keeps.
pub const MAX_ENTRIES: usize = 200;

/// One draft graft saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: String,
    /// The draft's client key.
    pub key: String,
    pub subject: String,
    /// Last saved (UTC, RFC 3339).
    pub saved: String,
    pub folder: String,
    pub web_link: String,
    /// `me` or `users/…`.
    #[serde(default)]
    pub owner: String,
    /// The body's format at the last save (older entries do not say): a
    /// text draft is loaded back as text, the rest as HTML.
    #[serde(default)]
    pub format: Option<BodyFormat>,
    /// What the draft answers (`Reply to Dana Lee: Q3 budget`), if it is an answer.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub answers: String,
}

/// Puts `e` first (replacing the same draft's older entry).
pub fn upsert(list: &mut Vec<HistoryEntry>, e: HistoryEntry) {
    list.retain(|x| x.id != e.id && x.key != e.key);
    list.insert(0, e);
    list.truncate(MAX_ENTRIES);
}
