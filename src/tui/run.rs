//! The event loop: the one place with `tokio::select!`, `terminal.draw` and
//! `tokio::spawn`. It waits on terminal events and effect results, drains
//! whatever is already queued, then draws once — and only if something changed.
//! There is no periodic tick: an idle form costs no CPU and writes no bytes.
//! (Timers exist only while a journal write or a retry countdown is pending.)

use crate::core::record::JournalRecord;
use crate::graph::GraphClient;
use crate::store::journal::JournalStore;
use crate::tui::app::{Effect, Model, Msg, update};
use crate::tui::view::screen::Screen;
use crossterm::event::Event;
use futures_util::{Stream, StreamExt};
use ratatui::backend::Backend;
use std::collections::VecDeque;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// Turns a terminal event into a message (or nothing, for events graft ignores).
/// The screen's height decides how much of a long body the text widget holds.
fn note_size(model: &mut Model, ev: &Event) {
    if let Event::Resize(_, rows) = ev {
        model.body_set_rows(*rows as usize);
    }
}

/// Queues a terminal event; plain characters join the typed run before
/// them, so a burst is one message.
fn push_event(queue: &mut VecDeque<Msg>, ev: Event) {
    if let Event::Key(k) = &ev
        && let Some(c) = crate::tui::app::update::plain_char(k)
    {
        if let Some(Msg::Typed(s)) = queue.back_mut() {
            s.push(c);
        } else {
            queue.push_back(Msg::Typed(c.to_string()));
        }
        return;
    }
    queue.extend(event_to_msg(ev));
}

pub fn event_to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

/// Saves the message and its attachments; progress and the end come back as messages.
async fn save_task(
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    req: u64,
    job: crate::service::save::SaveJob,
    files: crate::core::attach::Files,
    attempt: crate::graph::Attempt,
) {
    let ptx = tx.clone();
    let mut progress = move |name: &str, done: u64, total: u64| {
        let _ = ptx.send(Msg::UploadProgress {
            req,
            name: name.to_string(),
            done,
            total,
        });
    };
    let outcome =
        crate::service::save::save_with_files(&client, job, &files, &attempt, &mut progress).await;
    let _ = tx.send(Msg::SaveDone {
        req,
        at: clock(),
        outcome: Box::new(outcome),
    });
}

/// A draft and its attachment list, for continuing it in the form. An id
/// that no longer answers (the draft moved, was sent or deleted: every move
/// gives a message a new REST id) is followed by the draft's client key.
async fn load_draft(
    client: &GraphClient,
    id: &str,
    key: &str,
    text: bool,
) -> Result<crate::tui::app::history::Loaded, crate::tui::app::history::LoadFailure> {
    use crate::graph::Whereabouts;
    use crate::tui::app::history::LoadFailure;
    let failed = LoadFailure::Failed;
    let (id, message) = match client.message_json(id, text).await {
        Ok(m) => (id.to_string(), m),
        Err(f) if f.status == Some(404) => match client.locate(key).await.map_err(failed)? {
            Whereabouts::Draft(found) => {
                let m = client.message_json(&found.id, text).await.map_err(failed)?;
                (found.id, m)
            }
            Whereabouts::Sent(_) => return Err(LoadFailure::Sent),
            Whereabouts::Deleted(_) => return Err(LoadFailure::Deleted),
            Whereabouts::Gone => return Err(LoadFailure::Gone),
        },
        Err(f) => return Err(failed(f)),
    };
    let attachments = client.list_attachments(&id).await.map_err(failed)?;
    Ok(crate::tui::app::history::Loaded {
        id,
        message,
        attachments,
    })
}

/// Completes a queued journal in the background by the one retry policy:
/// another session's file once claimed (two grafts never complete one
/// journal), or one this session switched away from. On success the file
/// goes and the draft joins the history.
async fn sync_task(
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    jtx: Option<std::sync::Weak<Writer>>,
    store: Option<JournalStore>,
    rec: Box<JournalRecord>,
) {
    let own = rec.session.is_empty();
    let claim = match (&store, own) {
        (Some(store), false) => match store.claim(&rec) {
            Some(c) => Some(c),
            // Another graft is completing or editing it.
            None => return,
        },
        _ => None,
    };
    let mut told = false;
    let title = rec.title();
    let result = crate::service::save::sync_with_retries(&client, &rec, None, |f, wait| {
        if !told {
            told = true;
            let _ = tx.send(Msg::Synced {
                title: title.clone(),
                result: Err(format!(
                    "{}; trying again in {} s, and after that by itself",
                    f.message,
                    crate::graph::retry::whole_seconds(wait)
                )),
            });
        }
    })
    .await;
    if let Ok(saved) = &result {
        match (claim, &jtx) {
            (Some(c), _) => {
                let _ = c.remove();
            }
            (None, Some(jtx)) => {
                if let Some(jtx) = jtx.upgrade() {
                    let _ = jtx.send(JournalOp::Remove(rec.key.clone()));
                }
            }
            _ => {}
        }
        let _ = tx.send(Msg::SyncedEntry(crate::core::history::HistoryEntry {
            id: saved.id.clone(),
            key: rec.key.clone(),
            subject: crate::util::sanitize::line(&rec.fields.subject),
            saved: saved.last_modified.clone(),
            folder: rec.folder.clone().unwrap_or_else(|| "Drafts".into()),
            web_link: saved.web_link.clone(),
            owner: rec
                .user
                .as_ref()
                .map(|u| format!("users/{u}"))
                .unwrap_or_else(|| "me".into()),
            format: Some(rec.format),
        }));
    }
    let _ = tx.send(Msg::Synced {
        title: rec.title(),
        result: result.map_err(|e| e.message),
    });
}

/// Why a people search failed, for the field's error; a refusal (403) also
/// turns people search off, with one line naming the permission.
fn people_failure(tx: &UnboundedSender<Msg>, f: &crate::graph::Error) -> String {
    use crate::auth::Feature;
    if f.status == Some(403) {
        let why = format!("Graph refused the people search (403 {})", f.code);
        let _ = tx.send(Msg::Refused {
            feature: Feature::PeopleSearch,
            why: why.clone(),
        });
        return format!("{why}: it needs People.Read");
    }
    if f.is_offline() {
        return format!("could not reach Graph to look this name up ({})", f.message);
    }
    format!(
        "the people search failed ({} {})",
        f.status.map(|s| s.to_string()).unwrap_or_default(),
        f.code
    )
}

/// Opens the (TLS) connection and refreshes the token now, so the first
/// save is one request on a warm connection; then learns what the form can
/// offer: the categories, the mailbox's size limit, where Deleted Items is.
/// A feature the token was not granted is said to be off, not tried.
async fn warm_up(
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    features: crate::auth::Features,
    target_user: Option<String>,
) {
    use crate::auth::Feature;
    let me = client.me().await.ok();
    let granted = client.granted().await;
    let refused = |feature: Feature, why: String| {
        let _ = tx.send(Msg::Refused { feature, why });
    };
    // A draft the user deleted is told apart by this folder's id.
    let _ = client.folder_id("deleteditems").await;
    let address = target_user.or_else(|| me.as_ref().map(|m| m.account()));
    if let (true, Some(address)) = (features.mail_tips, address) {
        if !Feature::MailTips.granted(granted.as_deref()) {
            refused(
                Feature::MailTips,
                "this sign-in was not granted it, so graft assumes Exchange Online's default of 35 MB".into(),
            );
        } else {
            match client.max_message_size(&address).await {
                Ok(bytes) => {
                    let _ = tx.send(Msg::MailboxLimit(bytes));
                }
                Err(f) if f.status == Some(403) => refused(
                    Feature::MailTips,
                    format!(
                        "Graph refused the MailTips (403 {}), so graft assumes Exchange Online's default of 35 MB",
                        f.code
                    ),
                ),
                Err(_) => {}
            }
        }
    }
    // Last, so that when the list is in, the warm-up is over.
    if features.categories {
        if !Feature::Categories.granted(granted.as_deref()) {
            refused(
                Feature::Categories,
                "this sign-in was not granted it".into(),
            );
        } else {
            match client.master_categories().await {
                Ok(list) => {
                    let _ = tx.send(Msg::Categories(list));
                }
                Err(f) if f.status == Some(403) => {
                    refused(
                        Feature::Categories,
                        format!("Graph refused it (403 {})", f.code),
                    );
                }
                Err(_) => {}
            }
        }
    }
}

pub use crate::util::{clock, now_rfc3339};

enum JournalOp {
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

/// Runs effects: HTTP as tasks, journal files on one ordered writer thread.
pub struct Runner {
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    /// Where addresses used before are kept, for completion.
    address_book: Option<std::path::PathBuf>,
    /// Where the history of saved drafts is kept (per profile).
    history: Option<std::path::PathBuf>,
    /// The device sign-in being polled, so Esc can stop it.
    sign_in: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
    /// What the profile turns on (people search, categories, MailTips).
    features: crate::auth::Features,
    /// The only strong reference: tasks hold weak ones, so ending the
    /// session (dropping this) ends the writer thread even while a task
    /// still waits on the network.
    journal: Option<(std::sync::Arc<Writer>, std::thread::JoinHandle<()>)>,
    /// The store itself, to claim other sessions' files before acting on them.
    store: Option<JournalStore>,
}

/// The journal writer's queue, counting what it has not finished yet.
struct Writer {
    tx: std::sync::mpsc::Sender<JournalOp>,
    busy: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// The last journal write failed (the form says so until one works).
    failing: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl Writer {
    /// Queues `op`; gives it back if the writer has stopped.
    fn send(&self, op: JournalOp) -> Result<(), JournalOp> {
        use std::sync::atomic::Ordering;
        self.busy.fetch_add(1, Ordering::AcqRel);
        self.tx.send(op).map_err(|e| {
            self.busy.fetch_sub(1, Ordering::AcqRel);
            e.0
        })
    }

    /// Has the writer make the spare files for the next note that a
    /// create is leaving.
    fn prepare(&self, store: &Option<JournalStore>) {
        if let Some(store) = store.clone() {
            let _ = self.send(JournalOp::Task(Box::new(move || store.prepare())));
        }
    }

    /// Nothing queued or running.
    fn idle(&self) -> bool {
        self.busy.load(std::sync::atomic::Ordering::Acquire) == 0
    }
}

/// Tells the form how a journal operation went: always when asked
/// (`always`), else only a failure or the first success after one.
fn report_journal(
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
fn journal_op(store: &JournalStore, op: JournalOp) -> Option<std::io::Result<()>> {
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

impl Runner {
    /// A runner and the channel its results come back on.
    pub fn new(
        client: GraphClient,
        store: Option<JournalStore>,
    ) -> (Runner, UnboundedReceiver<Msg>) {
        let (tx, rx) = unbounded_channel();
        let kept = store.clone();
        let busy = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let spares = store.clone();
        let journal = store.map(|store| {
            let (jtx, jrx) = std::sync::mpsc::channel::<JournalOp>();
            let back = tx.clone();
            let idle = busy.clone();
            let failing = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let failed = failing.clone();
            let handle = std::thread::spawn(move || {
                // Ops run in order, so a removal never races an earlier write.
                for op in jrx {
                    if let Some(result) = journal_op(&store, op) {
                        report_journal(&back, &failed, result, true);
                    }
                    idle.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
                }
            });
            let writer = Writer {
                tx: jtx,
                busy: busy.clone(),
                failing,
            };
            writer.prepare(&spares);
            (std::sync::Arc::new(writer), handle)
        });
        (
            Runner {
                client,
                tx,
                sign_in: std::sync::Mutex::new(None),
                features: crate::auth::Features::default(),
                address_book: None,
                history: None,
                journal,
                store: kept,
            },
            rx,
        )
    }

    /// Starts a request after the journal writes asked for before it (the
    /// note that a create may be in flight is on disk before it leaves).
    fn after_journal(&self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        let handle = tokio::runtime::Handle::current();
        match &self.journal {
            Some((writer, _)) if self.writer_idle() => {
                let (writer, store) = (std::sync::Arc::downgrade(writer), self.store.clone());
                tokio::spawn(async move {
                    task.await;
                    // Spares for the next note, once this answer is in and
                    // drawn (not competing with the frame for a core).
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    if let Some(writer) = writer.upgrade() {
                        writer.prepare(&store);
                    }
                });
            }
            Some((jtx, _)) => {
                let start: Box<dyn FnOnce() + Send> = Box::new(move || {
                    handle.spawn(task);
                });
                if let Err(JournalOp::Task(start)) = jtx.send(JournalOp::Task(start)) {
                    start();
                }
            }
            None => {
                tokio::spawn(task);
            }
        }
    }

    /// Small file writes go to the journal's writer thread (already running;
    /// no thread is started on the save path), else to the blocking pool.
    fn in_background(&self, task: impl FnOnce() + Send + 'static) {
        let task: Box<dyn FnOnce() + Send> = Box::new(task);
        let task = match &self.journal {
            Some((jtx, _)) => match jtx.send(JournalOp::Task(task)) {
                Ok(()) => return,
                Err(JournalOp::Task(t)) => t,
                Err(_) => return,
            },
            None => task,
        };
        tokio::task::spawn_blocking(task);
    }

    /// Keeps addresses used in saved drafts in this file (for completion).
    pub fn with_address_book(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.address_book = path;
        self
    }

    pub fn with_history(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.history = path;
        self
    }

    /// The features the profile turns on.
    pub fn with_features(mut self, features: crate::auth::Features) -> Self {
        self.features = features;
        self
    }

    /// A sender for messages from outside (signals).
    pub fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    fn journal(&self, op: JournalOp) {
        if let Some((jtx, _)) = &self.journal {
            let _ = jtx.send(op);
        }
    }

    /// Nothing is waiting for the journal writer. Work for this draft is
    /// only ever queued from this thread (a background completion queues
    /// work for other drafts only), so this draft's order is kept.
    fn writer_idle(&self) -> bool {
        self.journal.as_ref().is_some_and(|(w, _)| w.idle())
    }

    /// The note that a create is about to leave. With the writer idle it is
    /// written here, at once (a small file, no fsync), sparing the request
    /// two thread hand-overs; otherwise it queues behind earlier writes.
    fn note_create(&self, rec: Box<JournalRecord>) {
        match &self.store {
            Some(store) if self.writer_idle() => {
                if let (Some(result), Some((writer, _))) =
                    (journal_op(store, JournalOp::WriteFast(rec)), &self.journal)
                {
                    // A success changes nothing on screen unless one failed
                    // before; saying nothing spares the loop a wake-up.
                    report_journal(&self.tx, &writer.failing, result, false);
                }
            }
            _ => self.journal(JournalOp::WriteFast(rec)),
        }
    }

    /// Starts an effect; its result comes back on the channel as a `Msg`.
    pub fn run(&self, effect: Effect) {
        let client = self.client.clone();
        let tx = self.tx.clone();
        match effect {
            Effect::Create {
                req,
                body,
                lookup_key,
                files,
                attempt,
            } => {
                let job = crate::service::save::SaveJob::Create { body, lookup_key };
                self.after_journal(save_task(client, tx, req, job, files, attempt));
            }
            Effect::Update {
                req,
                id,
                body,
                files,
                key,
                attempt,
            } => {
                let job = crate::service::save::SaveJob::Update { id, body, key };
                tokio::spawn(save_task(client, tx, req, job, files, attempt));
            }
            Effect::CheckFile(input) => {
                tokio::task::spawn_blocking(move || {
                    let _ = tx.send(Msg::FileChecked(crate::store::files::check(&input)));
                });
            }
            Effect::CompletePath(input) => {
                tokio::task::spawn_blocking(move || {
                    let found = crate::store::files::complete_path(&input);
                    let _ = tx.send(Msg::PathCandidates { input, found });
                });
            }
            Effect::ResolveNames(names) => {
                tokio::spawn(async move {
                    let mut found = Vec::new();
                    for name in names {
                        let people = match client.people(&name).await {
                            Ok(p) => Ok(p),
                            Err(f) => Err(people_failure(&tx, &f)),
                        };
                        found.push((name, people));
                    }
                    let _ = tx.send(Msg::NamesResolved(found));
                });
            }
            Effect::LoadDraft { id, key, text } => {
                tokio::spawn(async move {
                    let result = load_draft(&client, &id, &key, text).await;
                    let _ = tx.send(Msg::DraftLoaded { id, result });
                });
            }
            Effect::SaveHistory(list) => {
                if let Some(path) = self.history.clone() {
                    self.in_background(move || {
                        if let Some(dir) = path.parent() {
                            let _ = crate::util::fs::private_dir(dir);
                        }
                        if let Ok(json) = serde_json::to_vec(&list) {
                            let _ = crate::util::fs::write_atomic(&path, &json);
                        }
                    });
                }
            }
            Effect::Timer { after, kind, seq } => {
                tokio::spawn(async move {
                    tokio::time::sleep(after).await;
                    let _ = tx.send(Msg::Tick { kind, seq });
                });
            }
            Effect::StartSignIn => {
                let handle = tokio::spawn(sign_in(client, tx));
                if let Ok(mut slot) = self.sign_in.lock() {
                    if let Some(old) = slot.replace(handle.abort_handle()) {
                        old.abort();
                    }
                }
            }
            Effect::CancelSignIn => {
                if let Some(h) = self.sign_in.lock().ok().and_then(|mut s| s.take()) {
                    h.abort();
                }
            }
            Effect::Copy(text) => copy_to_clipboard(&text),
            Effect::SearchPeople(query) => {
                tokio::spawn(async move {
                    let found = match client.people(&query).await {
                        Ok(found) => found,
                        Err(f) => {
                            people_failure(&tx, &f);
                            Vec::new()
                        }
                    };
                    let _ = tx.send(Msg::People { query, found });
                });
            }
            Effect::RememberAddresses(list) => {
                if let Some(path) = self.address_book.clone() {
                    self.in_background(move || {
                        if let Ok(json) = serde_json::to_vec(&list) {
                            let _ = crate::util::fs::write_atomic(&path, &json);
                        }
                    });
                }
            }
            Effect::OpenUrl(url) => {
                let _ = tx.send(Msg::Opened(open_url(&url)));
            }
            Effect::WarmUp => {
                let features = self.features;
                let target_user = client.mailbox.user.clone();
                tokio::spawn(warm_up(client, tx, features, target_user));
            }
            // The event loop hands the terminal over itself; see `LoopEnd::Editor`.
            Effect::OpenEditor(_) => {}
            Effect::WriteJournal(rec) => self.journal(JournalOp::Write(rec)),
            Effect::NoteCreate(rec) => self.note_create(rec),
            Effect::RemoveJournal(key) => self.journal(JournalOp::Remove(key)),
            Effect::ReleaseJournal(key) => self.journal(JournalOp::Release(key)),
            Effect::DropJournal(rec) => self.journal(JournalOp::Drop(rec)),
            Effect::Sync(rec) => {
                let jtx = self
                    .journal
                    .as_ref()
                    .map(|(j, _)| std::sync::Arc::downgrade(j));
                let store = self.store.clone();
                tokio::spawn(sync_task(client, tx, jtx, store, rec));
            }
        }
    }

    /// Waits for every journal operation already asked for.
    pub fn finish(self) {
        if let Some((writer, handle)) = self.journal {
            drop(writer);
            let _ = handle.join();
        }
        if let Some(store) = &self.store {
            store.discard_spares();
        }
    }
}

/// The OSC 52 sequence that puts `text` on the local clipboard, through ssh and tmux.
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// Writes OSC 52 when stdout is a terminal. The sequence moves no cursor, so the
/// screen ratatui knows stays as it is.
pub fn copy_to_clipboard(text: &str) {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    if out.is_terminal() {
        let _ = out.write_all(osc52(text).as_bytes());
        let _ = out.flush();
    }
}

/// `url` as an OSC 8 hyperlink when `terminal` (stdout is one), else plain.
pub fn hyperlink(url: &str, terminal: bool) -> String {
    if terminal {
        format!("\x1b]8;;{url}\x1b\\{url}\x1b]8;;\x1b\\")
    } else {
        url.to_string()
    }
}

/// Opens `url` with the system opener when there is a display to open it on.
pub fn open_url(url: &str) -> Result<(), String> {
    let gui = cfg!(target_os = "macos")
        || std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty());
    if !gui {
        return Err("No display here (an ssh session?): Alt-W copies the link to your own machine's clipboard.".into());
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reap it when it exits.
            std::thread::spawn(move || child.wait());
        })
        .map_err(|e| format!("Could not run {opener}: {e}. Alt-W copies the link instead."))
}

/// Device sign-in for the form: the code, then (after polling) the account.
async fn sign_in(client: GraphClient, tx: UnboundedSender<Msg>) {
    let Some(si) = client.sign_in() else {
        let _ = tx.send(Msg::SignInCode(Err(
            "sign-in is not used with a fixed token (GRAFT_ACCESS_TOKEN or --token-cmd)".into(),
        )));
        return;
    };
    let cfg = si.cfg.clone();
    let dc = match crate::auth::device::start(client.http(), &cfg).await {
        Ok(dc) => dc,
        Err(e) => {
            let _ = tx.send(Msg::SignInCode(Err(e.explain())));
            return;
        }
    };
    let _ = tx.send(Msg::SignInCode(Ok(dc.clone())));
    let result = match crate::auth::device::wait_for_tokens(client.http(), &cfg, &dc, |_| {}).await
    {
        Ok(tokens) => {
            let account = finish_sign_in(&client, tokens).await;
            let _ = tx.send(Msg::Granted(client.granted().await));
            Ok(account)
        }
        Err(e) => Err(e.explain()),
    };
    let _ = tx.send(Msg::SignedIn(result));
}

/// Stores new tokens, learns the account from `GET /me`, stores that too.
pub async fn finish_sign_in(client: &GraphClient, tokens: crate::auth::TokenSet) -> String {
    let _ = client.set_tokens(tokens).await;
    let account = client
        .me()
        .await
        .map(|m| m.account())
        .unwrap_or_else(|_| "your account".to_string());
    let _ = client.set_account(&account).await;
    account
}

/// Why the loop returned.
#[derive(Debug, PartialEq, Eq)]
pub enum LoopEnd {
    /// The user quit (or a signal asked to).
    Quit,
    /// The user asked for `$EDITOR` with this body: the caller drops the event
    /// stream (so nothing else reads the terminal), runs the editor, sends
    /// `Msg::EditorDone`, and starts the loop again.
    Editor(String),
}

/// The loop, generic over the terminal backend and the event source so tests can
/// drive it with `TestBackend` and a scripted stream.
/// How long a fresh save may take before its "saving…" frame is drawn.
const SAVE_GRACE: std::time::Duration = std::time::Duration::from_millis(4);

pub async fn run_loop<B, S>(
    terminal: &mut Screen<B>,
    model: &mut Model,
    mut events: S,
    runner: &Runner,
    rx: &mut UnboundedReceiver<Msg>,
    initial: Vec<Effect>,
) -> Result<LoopEnd, String>
where
    B: Backend,
    S: Stream<Item = std::io::Result<Event>> + Unpin,
{
    let draw = |terminal: &mut Screen<B>, model: &Model| {
        terminal
            .draw(model)
            .map_err(|e| format!("cannot draw: {e}"))
    };
    if let Ok(size) = terminal.size() {
        model.body_set_rows(size.height as usize);
    }
    for effect in initial {
        runner.run(effect);
    }
    draw(terminal, model)?;
    let mut input_open = true;
    loop {
        let mut queue: VecDeque<Msg> = VecDeque::new();
        tokio::select! {
            ev = events.next(), if input_open => match ev {
                Some(Ok(ev)) => {
                    note_size(model, &ev);
                    push_event(&mut queue, ev);
                }
                Some(Err(e)) => return Err(format!("terminal input failed: {e}")),
                None => input_open = false,
            },
            Some(msg) = rx.recv() => queue.push_back(msg),
            else => return Ok(LoopEnd::Quit),
        };
        let mut redraw = false;
        let mut spawned = false;
        let mut editor = None;
        // A save just went out: a fast server answers before a "saving…" frame
        // would be worth drawing, so wait a moment for it (one frame, not two).
        let mut save_grace: Option<tokio::time::Instant> = None;
        // Bookkeeping files (address book, history) are written after the frame,
        // so their work never competes with showing the answer.
        let mut later: Vec<Effect> = Vec::new();
        loop {
            while let Some(msg) = queue.pop_front() {
                let answered = matches!(msg, Msg::SaveDone { .. });
                let out = update(model, msg);
                redraw |= out.redraw;
                spawned |= !out.effects.is_empty();
                if answered {
                    save_grace = None;
                }
                for effect in out.effects {
                    match effect {
                        Effect::OpenEditor(text) => editor = Some(text),
                        Effect::Create { .. } | Effect::Update { .. } => {
                            save_grace = Some(tokio::time::Instant::now() + SAVE_GRACE);
                            runner.run(effect);
                        }
                        Effect::RememberAddresses(_) | Effect::SaveHistory(_) => later.push(effect),
                        other => runner.run(other),
                    }
                }
            }
            // Drain what is already waiting, so a burst costs one draw.
            if let Ok(msg) = rx.try_recv() {
                queue.push_back(msg);
                continue;
            }
            if input_open {
                // Everything the terminal already holds, before any of it is
                // handled: a burst of characters is then one message.
                let mut got = false;
                loop {
                    // Poll with this task's own waker (not a no-op one), so
                    // the stream still wakes us later when it had nothing now.
                    let ready = std::future::poll_fn(|cx| {
                        std::task::Poll::Ready(match events.poll_next_unpin(cx) {
                            std::task::Poll::Ready(x) => Some(x),
                            std::task::Poll::Pending => None,
                        })
                    })
                    .await;
                    match ready {
                        Some(Some(Ok(ev))) => {
                            note_size(model, &ev);
                            push_event(&mut queue, ev);
                            got = true;
                        }
                        Some(Some(Err(e))) => {
                            return Err(format!("terminal input failed: {e}"));
                        }
                        Some(None) => {
                            input_open = false;
                            break;
                        }
                        None => break,
                    }
                }
                if got {
                    continue;
                }
            }
            if let Some(deadline) = save_grace {
                // No answer by the deadline: draw "saving…" now.
                if let Ok(Some(msg)) = tokio::time::timeout_at(deadline, rx.recv()).await {
                    queue.push_back(msg);
                    continue;
                }
            }
            break;
        }
        if model.should_quit || editor.is_some() {
            for effect in later {
                runner.run(effect);
            }
            return Ok(match editor {
                Some(text) if !model.should_quit => LoopEnd::Editor(text),
                _ => LoopEnd::Quit,
            });
        }
        if spawned {
            // Let new tasks start (a save puts its request on the wire) before
            // spending time on the frame.
            tokio::task::yield_now().await;
        }
        if redraw {
            draw(terminal, model)?;
        }
        for effect in later {
            runner.run(effect);
        }
    }
}

/// After the loop, however it ended: finish journal work, then keep the draft's
/// final text if the server does not hold it all, or remove its journal.
/// Returns where the text was kept, if it was.
pub fn finish_session(
    runner: Runner,
    store: Option<&JournalStore>,
    model: &Model,
) -> Option<std::io::Result<std::path::PathBuf>> {
    runner.finish();
    let store = store?;
    let kept = if model.needs_journal() {
        Some(
            store
                .write(&model.journal_record())
                .map(|_| store.path(&model.draft_key)),
        )
    } else {
        let _ = store.remove(&model.draft_key);
        None
    };
    // The session is over: what it kept is for the next start.
    store.release_all();
    kept
}
