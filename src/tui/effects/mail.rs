//! Saves, drafts and queued journals: the requests, run as tasks.

use super::Runner;
use super::journal::{JournalOp, Writer};
use crate::core::attach::Files;
use crate::core::record::JournalRecord;
use crate::graph::{Attempt, GraphClient};
use crate::service::save::SaveJob;
use crate::store::journal::JournalStore;
use crate::tui::app::Msg;
use tokio::sync::mpsc::UnboundedSender;

impl Runner {
    /// A save; it leaves only after the journal's note that it may land (a
    /// create is looked up after a crash, an update's body is known for
    /// graft's own).
    pub(super) fn save(&self, req: u64, job: SaveJob, files: Files, attempt: Attempt) {
        // Each request of this save is told to the form as it goes, and a
        // new draft goes to the folder the form chose, if it chose one.
        let steps = self.tx.clone();
        let chosen = self.folder.lock().ok().and_then(|f| f.clone());
        let client = match chosen {
            Some(folder) => self.client.in_folder(folder),
            None => self.client.clone(),
        };
        let client = client.observed(crate::graph::Observer(std::sync::Arc::new(move |step| {
            let _ = steps.send(Msg::SaveStep {
                req,
                at: crate::util::clock(),
                step,
            });
        })));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        if let Ok(mut saves) = self.saves.lock() {
            saves.insert(req, stop);
        }
        let saves = self.saves.clone();
        let task = save_task(client, self.tx.clone(), req, job, files, attempt);
        self.after_journal(async move {
            // Esc stops the save where it is (the form said so already).
            tokio::select! {
                () = task => {}
                Ok(()) = stopped => tracing::info!(req, "save stopped"),
            }
            if let Ok(mut s) = saves.lock() {
                s.remove(&req);
            }
        });
    }

    pub(super) fn load_draft(&self, id: String, key: String, text: bool) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        let sources = self.sources.clone();
        tokio::spawn(async move {
            let result = crate::service::remote::load(&client, &id, &key, text)
                .await
                .map(|mut l| {
                    l.source = sources.and_then(|d| crate::store::sources::read(&d, &key));
                    l
                });
            let _ = tx.send(Msg::DraftLoaded { id, result });
        });
    }

    pub(super) fn sync(&self, rec: Box<JournalRecord>) {
        let writer = self
            .journal
            .as_ref()
            .map(|(j, _)| std::sync::Arc::downgrade(j));
        let task = sync_task(
            self.client.clone(),
            self.tx.clone(),
            writer,
            (self.store.clone(), self.sources.clone()),
            rec,
        );
        tokio::spawn(task);
    }
}

/// Saves the message and its attachments; progress and the end come back as messages.
async fn save_task(
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    req: u64,
    job: SaveJob,
    files: Files,
    attempt: Attempt,
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
        at: crate::util::clock(),
        outcome: Box::new(outcome),
    });
}

/// Completes a queued journal in the background by the one retry policy:
/// another session's file once claimed (two grafts never complete one
/// journal), or one this session switched away from. On success the file
/// goes and the draft joins the history.
async fn sync_task(
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    jtx: Option<std::sync::Weak<Writer>>,
    (store, sources): (Option<JournalStore>, Option<std::path::PathBuf>),
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
    let mut rec = rec;
    let ttx = tx.clone();
    let mut on_wait = |f: &crate::graph::Error, wait: std::time::Duration| {
        if !told {
            told = true;
            let _ = ttx.send(Msg::Synced {
                title: title.clone(),
                result: Err(format!(
                    "{}; trying again in {} s, and after that by itself",
                    f.message,
                    crate::graph::retry::whole_seconds(wait)
                )),
            });
        }
    };
    // Its progress goes to this session's file (made on the first write),
    // through the writer, in order; the earlier file stays claimed until done.
    let wtx = jtx.clone();
    let mut journal = |r: &JournalRecord| {
        if let Some(w) = wtx.as_ref().and_then(std::sync::Weak::upgrade) {
            let _ = w.send(JournalOp::Write(Box::new(r.clone())));
        }
    };
    let result = crate::service::save::sync_with_retries(
        &client,
        &mut rec,
        None,
        &mut on_wait,
        &mut journal,
    )
    .await;
    // The earlier session's file has been taken over by this session's
    // (which holds the progress): it goes either way.
    if let Some(c) = claim {
        let _ = c.remove();
    }
    if let Ok(saved) = &result {
        if let Some(jtx) = jtx.as_ref().and_then(std::sync::Weak::upgrade) {
            let _ = jtx.send(JournalOp::Remove(rec.key.clone()));
        }
        if let Some(dir) = &sources {
            crate::store::sources::write(dir, &rec.key, &rec.source(&saved.id, &saved.change_key));
        }
        let _ = tx.send(Msg::SyncedEntry(rec.history_entry(
            &saved.id,
            &saved.web_link,
            &saved.last_modified,
        )));
    }
    let _ = tx.send(Msg::Synced {
        title: rec.title(),
        result: result.map_err(|e| e.message),
    });
}
