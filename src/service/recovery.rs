//! What a start does with the journals earlier sessions left: saves that
//! were queued for this mailbox are completed in the background; every other
//! draft is offered to the user. Both front ends ask the same question.

use crate::core::mailbox::Mailbox;
use crate::core::record::JournalRecord;
use crate::store::journal::{JournalStore, Unreadable};

/// Whether a journal belongs to this session's mailbox: the same Graph root
/// and the same user (demo journals belong to every demo session).
pub(crate) fn same_mailbox(
    rec: &JournalRecord,
    mailbox: &Mailbox,
    graph_url: &str,
    demo: bool,
) -> bool {
    (demo || rec.graph_url == graph_url) && rec.user == mailbox.user
}

/// The earlier sessions' journals, sorted for a start.
#[derive(Debug, Default)]
pub struct Recovery {
    /// Queued saves for this mailbox: complete them in the background.
    pub(crate) sync: Vec<JournalRecord>,
    /// Everything else: the user chooses.
    pub(crate) recover: Vec<JournalRecord>,
    /// Files that could not be read (kept, and said).
    pub(crate) unreadable: Vec<Unreadable>,
}

impl Recovery {
    /// For the demo: its emulator's mailbox starts empty every run, so the
    /// drafts earlier demo runs saved are not there. Their server state is
    /// forgotten (they are saved anew, not reported "sent or deleted
    /// elsewhere"); returns how many that was.
    pub(crate) fn forget_demo_mailbox(&mut self) -> usize {
        let mut n = 0;
        for r in self.sync.iter_mut().chain(self.recover.iter_mut()) {
            if r.server_id.is_some() || r.create_uncertain {
                r.server_id = None;
                r.web_link = None;
                r.saved = None;
                r.create_uncertain = false;
                r.attachments.iter_mut().for_each(|a| a.server_id = None);
                r.detached.clear();
                n += 1;
            }
        }
        n
    }

    /// A line for each unreadable file.
    pub(crate) fn notices(&self) -> Vec<String> {
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
