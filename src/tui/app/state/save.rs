//! Where saving stands, as plain data: the request in flight, the draft the
//! server holds, retries, the journal's schedule.

use crate::core::content::DraftContent;

/// Which request a save is: the first one creates the draft, every later
/// one updates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveKind {
    Create,
    Update,
}

impl SaveKind {
    /// The HTTP method Graph is sent.
    pub(crate) fn http(self) -> &'static str {
        match self {
            SaveKind::Create => "POST",
            SaveKind::Update => "PATCH",
        }
    }
}

/// What a successful save did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavedHow {
    Created,
    Updated,
    /// A create found the draft an unanswered earlier create had made.
    Adopted,
    /// The draft had been moved in Outlook; it was updated where it is.
    Moved,
    /// Graph made the answer (`createReply`, …) and the user's part went in.
    Made,
}

impl SavedHow {
    pub(crate) fn said(self) -> &'static str {
        match self {
            SavedHow::Created => "created",
            SavedHow::Updated => "updated",
            SavedHow::Adopted => "found the draft an unanswered save had made, updated",
            SavedHow::Moved => "updated where it was moved in Outlook",
            SavedHow::Made => "made by Graph in Drafts",
        }
    }
}

/// Where a draft went that graft will not save over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elsewhere {
    /// Sent from Outlook (it is in Sent Items).
    Sent,
    /// Deleted in Outlook (it is in Deleted Items).
    Deleted,
}

/// Why an automatic retry is waiting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryWait {
    pub remaining_secs: u64,
    pub(crate) attempt: u32,
    /// e.g. `throttled (429 ApplicationThrottled)` or `offline`.
    pub(crate) reason: String,
    pub offline: bool,
    pub seq: u64,
}

/// The local journal's bookkeeping.
#[derive(Clone, Debug, Default)]
pub struct JournalState {
    /// Off when there is no state directory (then a notice says so).
    pub enabled: bool,
    /// A write is scheduled.
    pub(crate) armed: bool,
    /// A journal file for this draft may exist.
    pub(crate) on_disk: bool,
    pub(crate) last_error: Option<String>,
}

/// A request graft is waiting for.
#[derive(Clone, Debug)]
pub struct InFlight {
    pub req: u64,
    /// The draft it was sent for: its answer applies to that draft only.
    pub(crate) key: String,
    pub(crate) kind: SaveKind,
    /// What the request sends: the server holds this once it succeeds.
    pub(crate) snapshot: DraftContent,
    /// The edit generation the snapshot was taken at.
    pub(crate) generation: u64,
    /// The attachment work this save carries.
    pub(crate) files: crate::core::attach::Files,
}

/// The draft as the server holds it.
#[derive(Clone, Debug, Default)]
pub struct ServerDraft {
    pub id: Option<String>,
    pub web_link: Option<String>,
    pub(crate) change_key: Option<String>,
    /// The content of the last successful save.
    pub(crate) saved: Option<DraftContent>,
    /// The body's fingerprint as graft last read it from the server (once
    /// it took Outlook's version); else derived from `saved`.
    pub(crate) seen: Option<u64>,
    /// The fingerprint of a body an earlier session was sending when it
    /// stopped (it may be on the server unrecorded: graft's own).
    pub(crate) sending: Option<u64>,
}

/// Saving: what the server holds, the request in flight, the retries.
#[derive(Clone, Debug)]
pub struct SaveState {
    pub server: ServerDraft,
    pub in_flight: Option<InFlight>,
    /// Ctrl-S pressed while a save was in flight: save again when it ends.
    pub queued: bool,
    pub(crate) next_req: u64,
    /// Quit once the save in progress has succeeded.
    pub(crate) quit_after: bool,
    /// Save once sign-in succeeds (a save waited for it).
    pub(crate) after_sign_in: bool,
    /// An automatic retry counting down.
    pub retry: Option<RetryWait>,
    /// The one retry policy's count for the current save.
    pub(crate) tries: crate::graph::retry::Tries,
    /// The save being tried (its client-request-id stays the same across
    /// its automatic retries).
    pub(crate) attempt: Option<crate::graph::Attempt>,
    /// A create may have reached the server without an answer: look up before creating.
    pub create_uncertain: bool,
    /// An upload in progress (the status pane shows a bar).
    pub upload: Option<crate::core::attach::Upload>,
    /// The form's generation whose checks were shown: saving it again
    /// unchanged saves anyway.
    pub(crate) checked: Option<u64>,
    /// What the save under way did so far, newest last (its requests, and
    /// those that failed): shown under "saving…" once one has failed.
    pub(crate) steps: Vec<String>,
    /// A request of the save under way failed (timed out, dropped, busy).
    pub(crate) troubled: bool,
    /// The checks' reasons this draft was saved past (`Warning::reasons`):
    /// they do not hold it again.
    pub(crate) passed: Vec<String>,
    /// The body's new pictures are being read.
    pub(crate) images_pending: bool,
    /// A save waits for them and goes on after.
    pub(crate) images_for_save: bool,
}

impl SaveState {
    pub(crate) fn new() -> SaveState {
        SaveState {
            server: ServerDraft::default(),
            in_flight: None,
            queued: false,
            next_req: 1,
            quit_after: false,
            after_sign_in: false,
            retry: None,
            tries: crate::graph::retry::Tries::new(crate::graph::retry::Limits::KEEP_TRYING),
            attempt: None,
            create_uncertain: false,
            upload: None,
            checked: None,
            passed: Vec::new(),
            steps: Vec::new(),
            troubled: false,
            images_pending: false,
            images_for_save: false,
        }
    }

    /// The save is over (done, or failed for good): the next one counts its
    /// tries afresh.
    pub(crate) fn settle(&mut self) {
        self.tries.reset();
        self.attempt = None;
    }

    /// The save failed for good: nothing follows it by itself — no queued
    /// save, no quitting after it.
    pub(crate) fn give_up(&mut self) {
        self.settle();
        self.queued = false;
        self.quit_after = false;
    }
}
