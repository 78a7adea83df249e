//! Runs what `update` asks for, outside it: requests as tokio tasks,
//! journal files on one ordered writer thread, small files in the
//! background. Every result comes back as a `Msg` on one channel. One file
//! per family: `mail` (saves, drafts, queued journals), `people` (search,
//! names, the warm-up), `journal` (the writer), `local` (files, timers,
//! the clipboard, the browser), `signin`.

mod answer;
mod journal;
mod local;
mod mail;
mod people;
mod signin;
mod spell;

use crate::graph::GraphClient;
use crate::service::save::SaveJob;
use crate::store::journal::JournalStore;
use crate::tui::app::{Effect, Msg};
use journal::{JournalOp, Writer};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// Runs effects: HTTP as tasks, journal files on one ordered writer thread.
pub struct Runner {
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    /// Where addresses used before are kept, for completion.
    address_book: Option<std::path::PathBuf>,
    /// Where the history of saved drafts is kept (per profile).
    history: Option<std::path::PathBuf>,
    /// Where what graft wrote of saved drafts is kept (`store::sources`).
    sources: Option<std::path::PathBuf>,
    /// The device sign-in being polled, so Esc can stop it.
    sign_in: std::sync::Mutex<Option<tokio::task::AbortHandle>>,
    /// The folder new drafts go to, once the form chose one (Alt-G).
    folder: std::sync::Mutex<Option<Option<String>>>,
    /// Saves under way, by request, so Esc can stop one.
    saves: std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<u64, tokio::sync::oneshot::Sender<()>>>,
    >,
    /// What the profile turns on (people search, categories, MailTips).
    features: crate::auth::Features,
    /// The only strong reference: tasks hold weak ones, so ending the
    /// session (dropping this) ends the writer thread even while a task
    /// still waits on the network.
    journal: Option<(std::sync::Arc<Writer>, std::thread::JoinHandle<()>)>,
    /// The store itself, to claim other sessions' files before acting on them.
    store: Option<JournalStore>,
    /// The spelling worker (none: spelling is off).
    spell: Option<std::sync::mpsc::Sender<spell::SpellOp>>,
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
                    if let Some(result) = journal::journal_op(&store, op) {
                        journal::report_journal(&back, &failed, result, true);
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
                saves: Default::default(),
                folder: Default::default(),
                features: crate::auth::Features::default(),
                address_book: None,
                history: None,
                sources: None,
                journal,
                store: kept,
                spell: None,
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
    pub(crate) fn with_address_book(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.address_book = path;
        self
    }

    pub(crate) fn with_history(mut self, path: Option<std::path::PathBuf>) -> Self {
        self.history = path;
        self
    }

    pub(crate) fn with_sources(mut self, dir: Option<std::path::PathBuf>) -> Self {
        self.sources = dir;
        self
    }

    /// The features the profile turns on.
    pub(crate) fn with_features(mut self, features: crate::auth::Features) -> Self {
        self.features = features;
        self
    }

    /// A sender for messages from outside (signals).
    pub(crate) fn sender(&self) -> UnboundedSender<Msg> {
        self.tx.clone()
    }

    /// Starts an effect; its result comes back on the channel as a `Msg`.
    pub(crate) fn run(&self, effect: Effect) {
        match effect {
            Effect::Create {
                req,
                body,
                lookup_key,
                files,
                attempt,
            } => self.save(req, SaveJob::Create { body, lookup_key }, files, attempt),
            Effect::Answer {
                req,
                job,
                files,
                attempt,
            } => self.save(req, SaveJob::Answer(job), files, attempt),
            Effect::Update {
                req,
                id,
                body,
                files,
                key,
                attempt,
                guard,
            } => self.save(
                req,
                SaveJob::Update {
                    id,
                    body,
                    key,
                    guard,
                },
                files,
                attempt,
            ),
            Effect::LoadDraft { id, key, text } => self.load_draft(id, key, text),
            Effect::Sync(rec) => self.sync(rec),
            Effect::ResolveNames(names) => self.resolve_names(names),
            Effect::SearchPeople(query) => self.search_people(query),
            Effect::ListMail {
                seq,
                folder,
                search,
                next,
            } => self.list_mail(seq, folder, search, next),
            Effect::ReadMail { id } => self.read_mail(id),
            Effect::DeleteDraft { id } => self.delete_draft(id),
            Effect::CheckVersion { id } => self.check_version(id),
            Effect::CheckHistory(entries) => self.check_history(entries),
            Effect::AskTips(addresses) => {
                // Only with the profile's MailTips on (Mail.Read).
                if !self.features.mail_tips {
                    return;
                }
                let (client, tx) = (self.client.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let result = client
                        .recipient_tips(&addresses)
                        .await
                        .map_err(|f| f.to_string());
                    let _ = tx.send(Msg::Tips(result));
                });
            }
            Effect::ListFolders => {
                let (client, tx) = (self.client.clone(), self.tx.clone());
                tokio::spawn(async move {
                    let result = client
                        .folder_tree()
                        .await
                        .map(|(all, whole)| (all.into_iter().map(|(_, p)| p).collect(), whole))
                        .map_err(|f| format!("The folders could not be listed: {f}"));
                    let _ = tx.send(Msg::Folders(result));
                });
            }
            Effect::UseFolder(folder) => {
                if let Ok(mut f) = self.folder.lock() {
                    *f = Some(folder);
                }
            }
            Effect::StopSave(req) => {
                let stop = self.saves.lock().ok().and_then(|mut s| s.remove(&req));
                if let Some(stop) = stop {
                    let _ = stop.send(());
                }
            }
            Effect::KeepSource { key, source } => {
                if let Some(dir) = self.sources.clone() {
                    self.in_background(move || crate::store::sources::write(&dir, &key, &source));
                }
            }
            Effect::WarmUp => self.warm_up(),
            Effect::Spell {
                generation,
                subject,
                body,
                format,
            } => self.spell(spell::SpellOp::Check {
                generation,
                subject,
                body,
                format,
            }),
            Effect::Suggest { field, miss } => self.spell(spell::SpellOp::Suggest { field, miss }),
            Effect::Learn(word) => self.spell(spell::SpellOp::Learn(word)),
            Effect::CheckImages(images) => self.check_images(images),
            Effect::ListTemplates => self.list_templates(),
            Effect::StartSignIn => self.start_sign_in(),
            Effect::CancelSignIn => self.cancel_sign_in(),
            Effect::CheckFile(input) => self.check_file(input),
            Effect::CompletePath(input) => self.complete_path(input),
            Effect::SaveHistory(list) => self.save_history(list),
            Effect::RememberAddresses(list) => self.remember_addresses(list),
            Effect::Timer { after, kind, seq } => self.timer(after, kind, seq),
            Effect::Copy(text) => crate::terminal::osc::copy_to_clipboard(&text),
            Effect::OpenUrl(url) => {
                let _ = self
                    .tx
                    .send(Msg::Opened(crate::terminal::osc::open_url(&url)));
            }
            // The event loop hands the terminal over itself; see `LoopEnd::Editor`.
            Effect::OpenEditor { .. } | Effect::Suspend | Effect::Repaint => {}
            Effect::WriteJournal(rec) => self.journal(JournalOp::Write(rec)),
            Effect::NoteCreate(rec) => self.note_create(rec),
            Effect::RemoveJournal(key) => self.journal(JournalOp::Remove(key)),
            Effect::ReleaseJournal(key) => self.journal(JournalOp::Release(key)),
            Effect::DropJournal(rec) => self.journal(JournalOp::Drop(rec)),
        }
    }

    /// Writes the draft's journal behind the writes already queued (so an
    /// older one never lands after it) and waits, at most `limit`, until
    /// it is on disk: before graft stops for the shell's job control.
    pub(crate) fn journal_now(
        &self,
        rec: crate::core::record::JournalRecord,
        limit: std::time::Duration,
    ) {
        self.journal(JournalOp::Write(Box::new(rec)));
        let until = std::time::Instant::now() + limit;
        while self.journal.is_some() && !self.writer_idle() && std::time::Instant::now() < until {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    /// Waits for every journal operation already asked for.
    pub(crate) fn finish(self) {
        if let Some((writer, handle)) = self.journal {
            drop(writer);
            let _ = handle.join();
        }
        if let Some(store) = &self.store {
            store.discard_spares();
        }
    }
}

/// The journal's writer, as the runner uses it (`journal.rs` has the writer).
impl Runner {
    fn journal(&self, op: JournalOp) {
        if let Some((jtx, _)) = &self.journal {
            let _ = jtx.send(op);
        }
    }

    /// Nothing is waiting for the journal writer. Work for this draft is
    /// only ever queued from this thread (a background completion queues
    /// work for other drafts only), so this draft's order is kept.
    pub(super) fn writer_idle(&self) -> bool {
        self.journal.as_ref().is_some_and(|(w, _)| w.idle())
    }

    /// The note that a create is about to leave. With the writer idle it is
    /// written here, at once (a small file, no fsync), sparing the request
    /// two thread hand-overs; otherwise it queues behind earlier writes.
    pub(super) fn note_create(&self, rec: Box<crate::core::record::JournalRecord>) {
        match &self.store {
            Some(store) if self.writer_idle() => {
                if let (Some(result), Some((writer, _))) = (
                    journal::journal_op(store, JournalOp::WriteFast(rec)),
                    &self.journal,
                ) {
                    // A success changes nothing on screen unless one failed
                    // before; saying nothing spares the loop a wake-up.
                    journal::report_journal(&self.tx, &writer.failing, result, false);
                }
            }
            _ => self.journal(JournalOp::WriteFast(rec)),
        }
    }
}

/// The spelling worker, as the runner uses it (`spell.rs` has the worker).
impl Runner {
    /// Spelling as the profile asks; the dictionaries load meanwhile.
    pub(crate) fn with_spelling(mut self, config: crate::store::spelling::SpellConfig) -> Self {
        self.spell = spell::start(config, self.tx.clone());
        self
    }

    fn spell(&self, op: spell::SpellOp) {
        if let Some(s) = &self.spell {
            let _ = s.send(op);
        }
    }
}
