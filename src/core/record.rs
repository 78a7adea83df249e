//! The draft as the user typed it and as graft keeps it between sessions:
//! the fields (unparsed, so even invalid input survives), the F3 fields, and
//! the record a journal file holds.

use crate::core::content::DraftContent;
use serde::{Deserialize, Serialize};

/// The F3 fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoreText {
    pub(crate) reply_to: String,
    pub(crate) categories: String,
    pub(crate) importance: crate::core::content::Importance,
    pub(crate) read_receipt: bool,
    pub(crate) delivery_receipt: bool,
    pub(crate) flagged: bool,
}

impl MoreText {
    /// The F3 fields of a draft as the form shows them.
    pub(crate) fn of(c: &DraftContent) -> MoreText {
        MoreText {
            reply_to: crate::core::address::format_list(&c.more.reply_to),
            categories: c.more.categories.join(", "),
            importance: c.more.importance,
            read_receipt: c.more.read_receipt,
            delivery_receipt: c.more.delivery_receipt,
            flagged: c.more.flagged,
        }
    }
}

/// The form's fields as typed (not parsed, so even invalid input survives).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
}

impl Fields {
    /// A draft's fields as the form shows them (recipients formatted).
    pub(crate) fn of(c: &DraftContent) -> Fields {
        use crate::core::address::format_list;
        Fields {
            to: format_list(&c.to),
            cc: format_list(&c.cc),
            bcc: format_list(&c.bcc),
            subject: c.subject.clone(),
            body: c.body.clone(),
        }
    }

    /// These fields, each empty one filled from `other` (flags over a
    /// template, a template over a batch line's own fields).
    pub(crate) fn or(self, other: Fields) -> Fields {
        let pick = |a: String, b: String| if a.trim().is_empty() { b } else { a };
        Fields {
            to: pick(self.to, other.to),
            cc: pick(self.cc, other.cc),
            bcc: pick(self.bcc, other.bcc),
            subject: pick(self.subject, other.subject),
            body: pick(self.body, other.body),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalRecord {
    pub version: u32,
    /// The draft's stable client key, also sent to Graph as an extended property.
    pub key: String,
    /// The process that wrote it (for people: the lock says whether it lives).
    pub pid: u32,
    /// The editing session that owns this file (empty in files from before
    /// sessions: `<key>.json`).
    #[serde(default)]
    pub session: String,
    /// The host it was written on.
    #[serde(default)]
    pub host: String,
    /// When this record was written (UTC, RFC 3339).
    #[serde(default)]
    pub updated: String,
    pub graph_url: String,
    pub user: Option<String>,
    pub folder: Option<String>,
    pub fields: Fields,
    /// The draft's id on the server, once a save succeeded.
    pub server_id: Option<String>,
    pub web_link: Option<String>,
    /// The draft's `changeKey` after graft's last save (what it last saw).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_key: Option<String>,
    /// The body's fingerprint as graft last read it from the server (once
    /// it took Outlook's version), else derived from `saved`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<u64>,
    /// The fingerprint of a body an update was sending when this was
    /// written (it may have landed unrecorded: it is graft's own, not
    /// Outlook's edit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sending: Option<u64>,
    /// Changed in Outlook too, where this text also changed: kept here, not
    /// saved over it, until the user settles it in the form.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub conflict: bool,
    /// What the server holds (the content of the last successful save).
    pub saved: Option<DraftContent>,
    /// A create may have reached the server without an answer: look it up by key first.
    pub create_uncertain: bool,
    /// The user asked to save and the save has not completed yet.
    pub queued: bool,
    /// The body's format (Markdown is kept as Markdown here).
    #[serde(default)]
    pub format: crate::core::content::BodyFormat,
    #[serde(default)]
    pub more: MoreText,
    /// The attachment list (paths, sizes, server ids once uploaded).
    #[serde(default)]
    pub attachments: Vec<crate::core::attach::AttachedFile>,
    /// Removed from the list, still to be removed on the server.
    #[serde(default)]
    pub detached: Vec<crate::core::attach::AttachedFile>,
    /// What this draft answers, and the body Graph made for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<crate::core::answer::Answer>,
    /// The signature the draft carries (added below the body when sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<crate::core::content::Signature>,
    /// Local picture sources the body names that came from elsewhere (a
    /// server's body, a mailto: link): never sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_mine: Vec<String>,
}

impl JournalRecord {
    pub(crate) const VERSION: u32 = 1;

    /// Nothing written and nothing on the server: every field empty, no F3
    /// field set, no file, no answer, no save begun. Such a record is not a
    /// draft: never kept, never offered.
    pub(crate) fn is_blank(&self) -> bool {
        self.fields == Fields::default()
            && self.more == MoreText::default()
            && self.attachments.is_empty()
            && self.answer.is_none()
            && self.server_id.is_none()
            && !self.create_uncertain
            && !self.queued
    }

    /// An empty draft for `mailbox` at `graph_url`, not on the server.
    pub fn blank(key: String, graph_url: &str, mailbox: &crate::core::mailbox::Mailbox) -> Self {
        JournalRecord {
            version: JournalRecord::VERSION,
            key,
            pid: 0,
            session: String::new(),
            host: String::new(),
            updated: String::new(),
            graph_url: graph_url.to_string(),
            user: mailbox.user.clone(),
            folder: mailbox.folder.clone(),
            fields: Fields::default(),
            server_id: None,
            web_link: None,
            change_key: None,
            seen: None,
            sending: None,
            conflict: false,
            saved: None,
            create_uncertain: false,
            queued: false,
            format: crate::core::content::BodyFormat::Text,
            more: MoreText::default(),
            attachments: Vec::new(),
            detached: Vec::new(),
            answer: None,
            signature: None,
            not_mine: Vec::new(),
        }
    }

    /// A short word for lists: `queued`, `changed since save`, `not saved`.
    pub(crate) fn state(&self) -> &'static str {
        if self.conflict {
            "changed in Outlook too"
        } else if self.queued {
            "queued"
        } else if self.server_id.is_some() {
            "changed since save"
        } else {
            "not saved"
        }
    }

    /// One line for lists: the subject (an answer's, as Graph set it),
    /// what an answer answers, or the first words of the body.
    pub(crate) fn title(&self) -> String {
        let graphs = self
            .saved
            .as_ref()
            .map(|c| c.subject.trim())
            .filter(|s| !s.is_empty());
        let s = match (self.fields.subject.trim(), graphs, &self.answer) {
            ("", Some(g), _) => g,
            ("", None, Some(a)) => return crate::util::sanitize::line(&a.title()),
            (s, ..) => s,
        };
        let s = if s.is_empty() {
            self.fields
                .body
                .split_whitespace()
                .take(8)
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            s.to_string()
        };
        if s.is_empty() {
            "(empty)".to_string()
        } else {
            crate::util::sanitize::line(&s)
        }
    }

    /// Whose mailbox and which folder the draft was written for.
    pub(crate) fn mailbox(&self) -> crate::core::mailbox::Mailbox {
        crate::core::mailbox::Mailbox {
            user: self.user.clone(),
            folder: self.folder.clone(),
        }
    }

    /// What graft wrote of this draft (for reopening it as written), once
    /// the server holds it in version `change_key`.
    pub(crate) fn source(&self, id: &str, change_key: &str) -> crate::core::history::Source {
        crate::core::history::Source {
            id: id.to_string(),
            change_key: change_key.to_string(),
            format: self.format,
            body: self.fields.body.clone(),
            signature: self.signature.clone(),
            answer: self.answer.clone(),
        }
    }

    /// The history's entry for this draft once the server holds it: its
    /// id, link and last-modified time there.
    pub(crate) fn history_entry(
        &self,
        id: &str,
        web_link: &str,
        saved_at: &str,
    ) -> crate::core::history::HistoryEntry {
        let mailbox = self.mailbox();
        crate::core::history::HistoryEntry {
            id: id.to_string(),
            key: self.key.clone(),
            // An answer's subject is Graph's unless the user wrote one.
            subject: crate::util::sanitize::line(
                self.saved
                    .as_ref()
                    .map(|c| c.subject.as_str())
                    .filter(|s| !s.is_empty())
                    .unwrap_or(&self.fields.subject),
            ),
            saved: saved_at.to_string(),
            folder: mailbox.folder_label(),
            web_link: web_link.to_string(),
            owner: mailbox.owner_label(),
            format: Some(self.format),
            answers: self.answer.as_ref().map(|a| a.title()).unwrap_or_default(),
            change_key: self.change_key.clone().unwrap_or_default(),
        }
    }
}

/// Text as typed becomes a draft here, where the typed shapes live.
impl DraftContent {
    /// The draft from text as typed (the form, the journal, a batch line, flags):
    /// every recipient list parsed, or each bad one with what is wrong.
    pub(crate) fn from_typed(
        fields: &Fields,
        format: crate::core::content::BodyFormat,
        more: &MoreText,
    ) -> Result<
        DraftContent,
        Vec<(
            crate::core::content::ListField,
            crate::core::address::AddressError,
        )>,
    > {
        let mut bad = Vec::new();
        // Every bad item of every field, so one save names them all.
        let mut list = |which: crate::core::content::ListField, text: &str| {
            crate::core::address::parse_list_all(text).unwrap_or_else(|errors| {
                bad.extend(errors.into_iter().map(|e| (which, e)));
                Vec::new()
            })
        };
        let to = list(crate::core::content::ListField::To, &fields.to);
        let cc = list(crate::core::content::ListField::Cc, &fields.cc);
        let bcc = list(crate::core::content::ListField::Bcc, &fields.bcc);
        let reply_to = list(crate::core::content::ListField::ReplyTo, &more.reply_to);
        if !bad.is_empty() {
            return Err(bad);
        }
        Ok(DraftContent {
            to,
            cc,
            bcc,
            subject: fields.subject.clone(),
            body: fields.body.clone(),
            format,
            more: crate::core::content::More {
                reply_to,
                importance: more.importance,
                read_receipt: more.read_receipt,
                delivery_receipt: more.delivery_receipt,
                categories: crate::core::content::split_categories(&more.categories),
                flagged: more.flagged,
            },
            quote: None,
            signature: None,
            not_mine: Vec::new(),
        })
    }
}
