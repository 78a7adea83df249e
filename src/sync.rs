//! Completing saves from the journal without the form: `graft sync`, and the
//! background sync of queued drafts when graft starts.

use crate::draft::content::DraftContent;
use crate::draft::journal::JournalRecord;
use crate::graph::{GraphClient, GraphFailure, SavedMessage};
use serde_json::Value;

/// Creates with the client key, or (after a lost answer) finds and updates the
/// draft that key already made. Never creates a second draft for one key.
pub async fn create_or_adopt(
    client: &GraphClient,
    body: &Value,
    lookup_key: Option<&str>,
) -> (bool, Result<SavedMessage, GraphFailure>) {
    let Some(key) = lookup_key else {
        return (false, client.create_draft(body).await);
    };
    match client.find_by_key(key).await {
        Ok(Some(found)) => {
            let mut patch = body.clone();
            if let Some(o) = patch.as_object_mut() {
                o.remove("singleValueExtendedProperties");
                // Attachments are not a property one can PATCH; they are reconciled after.
                o.remove("attachments");
            }
            (true, client.update_draft(&found.id, &patch).await)
        }
        Ok(None) => (false, client.create_draft(body).await),
        Err(e) => (false, Err(e)),
    }
}

fn describe(f: &GraphFailure) -> String {
    match f.status {
        Some(s) => format!("{s} {}: {} {}", f.status_text, f.code, f.message),
        None => f.message.clone(),
    }
}

/// Brings the server up to date with one journal. The journal is not touched here.
pub async fn sync_record(
    client: &GraphClient,
    rec: &JournalRecord,
) -> Result<SavedMessage, String> {
    let content = DraftContent::from_typed(&rec.fields, rec.format, &rec.more).map_err(|bad| {
        bad.iter()
            .map(|(which, e)| format!("{}: {e}", which.label()))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let job = match &rec.server_id {
        Some(id) => SaveJob::Update {
            id: id.clone(),
            body: content.patch_body(rec.saved.as_ref()),
        },
        // Always look up first: an earlier session may have created it unanswered.
        None => SaveJob::Create {
            body: content.create_body(Some(&rec.key)),
            lookup_key: Some(rec.key.clone()),
        },
    };
    let files = crate::app::attach::Files {
        list: rec.attachments.clone(),
        detached: rec.detached.clone(),
    };
    let updating = rec.server_id.is_some();
    let (_, result, out) = save_with_files(client, job, &files, &mut |_, _, _| {}).await;
    let saved = result.map_err(|e| {
        if updating && e.status == Some(404) {
            "the draft is gone on the server (sent or deleted elsewhere); open graft to save it as a new one".to_string()
        } else {
            describe(&e)
        }
    })?;
    match out.failed {
        Some((name, f)) => Err(format!(
            "the message is saved but attaching {name} failed: {}",
            describe(&f)
        )),
        None => Ok(saved),
    }
}

/// Creates one draft the way the form saves: on throttling, service errors and
/// network failures it waits (`Retry-After`, else 1 s, 2 s, 4 s … up to 60 s)
/// and tries again, and after an ambiguous failure it looks the draft up by its
/// key before creating. `on_wait` hears about each wait.
pub async fn create_with_retries(
    client: &GraphClient,
    body: &Value,
    key: &str,
    retries: u32,
    mut on_wait: impl FnMut(&GraphFailure, std::time::Duration),
) -> Result<SavedMessage, GraphFailure> {
    let mut uncertain = false;
    let mut attempt = 0u32;
    loop {
        let (_, result) = create_or_adopt(client, body, uncertain.then_some(key)).await;
        let f = match result {
            Ok(saved) => return Ok(saved),
            Err(f) => f,
        };
        uncertain |= f.may_have_applied();
        if attempt >= retries || !(f.is_offline() || f.is_busy()) {
            return Err(f);
        }
        attempt += 1;
        let wait = f.retry_after.unwrap_or_else(|| {
            std::time::Duration::from_secs((1u64 << (attempt - 1).min(6)).min(60))
        });
        on_wait(&f, wait);
        tokio::time::sleep(wait).await;
    }
}

/// One save of the form.
pub enum SaveJob {
    Create {
        body: Value,
        lookup_key: Option<String>,
    },
    Update {
        id: String,
        body: Value,
    },
}

/// Saves the message, then does the attachment work: removals, then uploads
/// (small files ride inside a create when they fit). `progress` hears
/// (file, bytes done, size). Returns whether a create adopted an earlier draft.
pub async fn save_with_files(
    client: &GraphClient,
    job: SaveJob,
    files: &crate::app::attach::Files,
    progress: &mut (dyn FnMut(&str, u64, u64) + Send),
) -> (
    bool,
    Result<SavedMessage, GraphFailure>,
    crate::app::attach::FilesOutcome,
) {
    use crate::graph::upload::{attach_pending, detach};
    let mut out = crate::app::attach::FilesOutcome::default();
    let mut list = files.list.clone();
    let (adopted, result, reconcile) = match job {
        SaveJob::Create { body, lookup_key } => {
            // Reading files happens off the async threads; with no files there is
            // nothing to read. A file that cannot be read now does not stop the
            // message: it goes without inline files, and the upload step names it.
            let (body, inline) = if list.iter().any(|f| f.server_id.is_none() && !f.large()) {
                let plain = body.clone();
                let list = list.clone();
                tokio::task::spawn_blocking(move || {
                    crate::commands::body_with_attachments(body, &list)
                })
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or((plain, Vec::new()))
            } else {
                (body, Vec::new())
            };
            let (adopted, result) = create_or_adopt(client, &body, lookup_key.as_deref()).await;
            if result.is_ok() && !adopted {
                for i in inline {
                    list[i].server_id = Some(String::new());
                    out.attached.push((list[i].path.clone(), String::new()));
                }
            }
            (adopted, result, adopted)
        }
        SaveJob::Update { id, body } => {
            let result = client.update_draft(&id, &body).await;
            (false, result, true)
        }
    };
    let saved = match result {
        Ok(s) => s,
        Err(e) => return (adopted, Err(e), out),
    };
    if !files.detached.is_empty() {
        match detach(client, &saved.id, &files.detached).await {
            Ok(()) => out.detached = files.detached.clone(),
            Err(e) => {
                let name = files
                    .detached
                    .first()
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                out.failed = Some((format!("(removing {name})"), e));
                return (adopted, Ok(saved), out);
            }
        }
    }
    let done = attach_pending(client, &saved.id, &list, reconcile, progress).await;
    for (i, id) in done.done {
        out.attached.push((list[i].path.clone(), id));
    }
    out.failed = done.failed;
    (adopted, Ok(saved), out)
}
