//! The drafts graft saved, newest first: what the F6 list and `graft drafts
//! --remote` show, kept per profile.

use crate::core::content::BodyFormat;
use serde::{Deserialize, Serialize};

/// How many drafts the history keeps.
pub(crate) const MAX_ENTRIES: usize = 200;

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
    /// Its version (`changeKey`) right after graft's last save: another
    /// one on the server means it was changed elsewhere (Outlook) since.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub change_key: String,
}

/// What graft wrote of a draft: its body as typed (a Markdown source, a
/// text), its signature and an answer's quote, with the version
/// (`changeKey`) the server had right after graft saved it (kept by
/// `store::sources`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The draft's id when it was saved.
    pub(crate) id: String,
    /// Its version right after graft saved it.
    pub(crate) change_key: String,
    pub(crate) format: BodyFormat,
    pub(crate) body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) signature: Option<crate::core::content::Signature>,
    /// What it answers and the quote Graph made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) answer: Option<crate::core::answer::Answer>,
}

/// Puts `e` first (replacing the same draft's older entry).
pub(crate) fn upsert(list: &mut Vec<HistoryEntry>, e: HistoryEntry) {
    list.retain(|x| x.id != e.id && x.key != e.key);
    list.insert(0, e);
    list.truncate(MAX_ENTRIES);
}
