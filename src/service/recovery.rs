//! What a start does with the journals earlier sessions left: saves that
//! were queued for this mailbox are completed in the background; every other
//! draft is offered to the user. Both front ends ask the same question.

use crate::core::mailbox::Mailbox;
use crate::core::record::JournalRecord;
use crate::store::journal::{JournalStore, Unreadable};

/// Whether a journal belongs to this session's mailbox: the same Graph root
/// and the same user (demo journals belong to every demo session).
pub fn same_mailbox(rec: &JournalRecord, mailbox: &Mailbox, graph_url: &str, demo: bool) -> bool {
    (demo || rec.graph_url == graph_url) && rec.user == mailbox.user
}

/// The earlier sessions' journals, sorted for a start.
#[derive(Debug, Default)]
pub struct Recovery {
    /// Queued saves for this mailbox: complete them in the background.
    pub sync: Vec<JournalRecord>,
    /// Everything else: the user chooses.
    pub recover: Vec<JournalRecord>,
    /// Files that could not be read (kept, and said).
    pub unreadable: Vec<Unreadable>,
}

impl Recovery {
    /// A line for each unreadable file.
    pub fn notices(&self) -> Vec<String> {
        self.unreadable
            .iter()
            .map(|u| {
                format!(
                    "A journal file could not be read and was kept: {} ({})",
                    u.path.display(),
                    u.reason
                )
            })
            .collect()
    }
}

/// Claims the journals no live session holds and sorts them.
pub fn scan(store: &JournalStore, mailbox: &Mailbox, graph_url: &str, demo: bool) -> Recovery {
    let (records, unreadable) = store.orphans();
    let (sync, recover) = records
        .into_iter()
        .partition(|r| r.queued && same_mailbox(r, mailbox, graph_url, demo));
    Recovery {
        sync,
        recover,
        unreadable,
    }
}
