//! The journal's writer thread: operations run in order, so a removal
//! never races an earlier write; a failure is reported once.

use crate::core::record::JournalRecord;
use crate::store::journal::JournalStore;
use crate::tui::app::Msg;
use tokio::sync::mpsc::UnboundedSender;

pub(super) enum JournalOp {
    Write(Box<JournalRecord>),
    /// Written without waiting for the disk (a create is about to leave).
    WriteFast(Box<JournalRecord>),
    Remove(String),
    Release(String),
    /// Another session's file: removed once claimed.
    Drop(Box<JournalRecord>),
    /// Another small file to keep (address book, history), or a request to
    /// start once the journal writes before it are done, off the UI thread.
    Task(Box<dyn FnOnce() + Send>),
}

/// The journal writer's queue, counting what it has not finished yet.
pub(super) struct Writer {
    pub(super) tx: std::sync::mpsc::Sender<JournalOp>,
    pub(super) busy: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The last journal write failed (the form says so until one works).
    pub(super) failing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Writer {
    /// Queues `op`; gives it back if the writer has stopped.
    pub(super) fn send(&self, op: JournalOp) -> Result<(), JournalOp> {
        use std::sync::atomic::Ordering;
        self.busy.fetch_add(1, Ordering::AcqRel);
        self.tx.send(op).map_err(|e| {
            self.busy.fetch_sub(1, Ordering::AcqRel);
            e.0
        })
    }

    /// Has the writer make the spare files for the next note that a
    /// create is leaving.
    pub(super) fn prepare(&self, store: &Option<JournalStore>) {
        if let Some(store) = store.clone() {
            let _ = self.send(JournalOp::Task(Box::new(move || store.prepare())));
        }
    }

    /// Nothing queued or running.
    pub(super) fn idle(&self) -> bool {
        self.busy.load(std::sync::atomic::Ordering::Acquire) == 0
    }
}

/// Tells the form how a journal operation went: always when asked
/// (`always`), else only a failure or the first success after one.
pub(super) fn report_journal(
    tx: &UnboundedSender<Msg>,
    failing: &std::sync::atomic::AtomicBool,
    result: std::io::Result<()>,
    always: bool,
) {
    use std::sync::atomic::Ordering;
    let was_failing = failing.swap(result.is_err(), Ordering::AcqRel);
    if let Err(e) = &result {
        tracing::warn!(error = %e, "journal failed");
    } else if !always && !was_failing {
        return;
    }
    let _ = tx.send(Msg::JournalDone {
        result: result.map_err(|e| e.to_string()),
    });
}

/// One journal operation on the writer thread; `None` for those that report
/// nothing back.
pub(super) fn journal_op(store: &JournalStore, op: JournalOp) -> Option<std::io::Result<()>> {
    match op {
        JournalOp::Task(task) => {
            task();
            None
        }
        JournalOp::Write(rec) => {
            tracing::debug!(key = %rec.key, queued = rec.queued, "journal write");
            Some(store.write(&rec))
        }
        JournalOp::WriteFast(rec) => {
            tracing::debug!(key = %rec.key, "journal: a create may be in flight");
            Some(store.write_fast(&rec))
        }
        JournalOp::Remove(key) => {
            tracing::debug!(key = %key, "journal removed");
            Some(store.remove(&key))
        }
        JournalOp::Release(key) => {
            store.release(&key);
            None
        }
        // Taken by another graft meanwhile (no claim): it is theirs now.
        JournalOp::Drop(rec) => store.claim(&rec).map(|claim| claim.remove()),
    }
}
