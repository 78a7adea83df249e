//! Completing saves from the journal without the form: `graft sync`, and the
//! background sync of queued drafts when graft starts.

use crate::core::attach::AttachedFile;
use crate::core::content::DraftContent;
use crate::core::record::JournalRecord;
use crate::graph::{self, Attempt, GraphClient, SavedMessage, Whereabouts};
use serde_json::Value;
use std::path::PathBuf;

/// What a save learnt besides its result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SaveInfo {
    /// The create found the draft an earlier, unanswered create had made.
    pub adopted: bool,
    /// The mailbox refused the client key (its named-property quota is
    /// full): the draft was saved without it.
    pub unkeyed: bool,
    /// The draft is not where the save expected it: sent, deleted, or gone.
    /// Only with a failed result; the text was not saved over it.
    pub elsewhere: Option<Whereabouts>,
}

/// The whole answer to one save of the form.
#[derive(Clone, Debug)]
pub struct SaveOutcome {
    pub result: Result<SavedMessage, graph::Error>,
    pub info: SaveInfo,
    /// What happened to the attachments this save carried.
    pub files: crate::service::save::FilesOutcome,
}

/// The failure shown when the draft turned out to be elsewhere.
fn elsewhere_failure(w: &Whereabouts) -> graph::Error {
    let (code, message) = match w {
        Whereabouts::Sent(_) => (
            "DraftSent",
            "The draft was sent from Outlook; it is in Sent Items now.",
        ),
        Whereabouts::Deleted(_) => (
            "DraftDeleted",
            "The draft was deleted in Outlook; it is in Deleted Items.",
        ),
        _ => (
            "ErrorItemNotFound",
            "The draft is gone from the mailbox (sent or deleted elsewhere).",
        ),
    };
    graph::Error {
        status: Some(404),
        status_text: "Not Found".into(),
        ..graph::Error::local(crate::graph::FailureKind::Http, code, message)
    }
}

/// Whether the mailbox refused a named extended property (its quota of
/// named properties is used up: 403 `ErrorQuotaExceeded`, "Cannot get ID
/// from name.", msgraph-sdk-java issue 767).
pub fn key_refused(f: &graph::Error) -> bool {
    f.code == "ErrorQuotaExceeded"
}

/// Creates with the client key, or (after a lost answer) finds and updates
/// the draft that key already made. Never creates a second draft for one
/// key. A draft the key made that was sent or deleted since is not saved
/// over: that comes back as `elsewhere` (deleted means deleted; saving anew
/// is the user's call). A mailbox that refuses the key gets the draft
/// without it (`unkeyed`).
pub async fn create_or_adopt(
    client: &GraphClient,
    body: &Value,
    lookup_key: Option<&str>,
    attempt: &Attempt,
) -> (SaveInfo, Result<SavedMessage, graph::Error>) {
    let mut info = SaveInfo::default();
    if let Some(key) = lookup_key {
        match client.locate(key).await {
            Ok(Whereabouts::Draft(found)) => {
                let mut patch = body.clone();
                if let Some(o) = patch.as_object_mut() {
                    o.remove("singleValueExtendedProperties");
                    // Attachments are not a property one can PATCH; they are reconciled after.
                    o.remove("attachments");
                }
                info.adopted = true;
                let result = client.update_draft_as(&found.id, &patch, attempt).await;
                return (info, result);
            }
            Ok(Whereabouts::Gone) => {}
            Ok(w) => {
                let f = elsewhere_failure(&w);
                info.elsewhere = Some(w);
                return (info, Err(f));
            }
            Err(e) => return (info, Err(e)),
        }
    }
    let result = match client.create_draft_as(body, attempt).await {
        Err(f) if key_refused(&f) && body.get("singleValueExtendedProperties").is_some() => {
            let mut plain = body.clone();
            if let Some(o) = plain.as_object_mut() {
                o.remove("singleValueExtendedProperties");
            }
            info.unkeyed = true;
            tracing::warn!(
                "the mailbox refused the draft key (named-property quota); saving without it"
            );
            client.create_draft_as(&plain, attempt).await
        }
        other => other,
    };
    (info, result)
}

/// `PATCH` of a draft; if its id no longer answers (the user moved it, and
/// every move gives a message a new REST id), the draft is found by its key
/// and updated where it is now, unless it was sent or deleted.
pub async fn update_or_follow(
    client: &GraphClient,
    id: &str,
    body: &Value,
    key: &str,
    attempt: &Attempt,
) -> (SaveInfo, Result<SavedMessage, graph::Error>) {
    let mut info = SaveInfo::default();
    let result = match client.update_draft_as(id, body, attempt).await {
        Err(f) if f.status == Some(404) => match client.locate(key).await {
            Ok(Whereabouts::Draft(found)) if found.id != id => {
                tracing::info!("the draft moved; updating it in its new folder");
                client.update_draft_as(&found.id, body, attempt).await
            }
            Ok(Whereabouts::Draft(_)) => Err(f),
            Ok(w) => {
                info.elsewhere = Some(w);
                Err(f)
            }
            Err(_) => Err(f),
        },
        other => other,
    };
    (info, result)
}

/// Why a journal could not be brought to the server.
#[derive(Clone, Debug)]
pub struct SyncFailure {
    pub message: String,
    /// The failure, when trying again later may go better (offline, busy).
    pub retryable: Option<graph::Error>,
}

impl std::fmt::Display for SyncFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl SyncFailure {
    fn fin(message: String) -> Self {
        SyncFailure {
            message,
            retryable: None,
        }
    }
}

/// Brings the server up to date with one journal, retrying by the one retry
/// policy (no answer: for as long as `offline_tries` allows, `None` without
/// end; a busy service: a few times). `on_wait` hears each wait. The journal
/// is not touched here.
pub async fn sync_with_retries(
    client: &GraphClient,
    rec: &JournalRecord,
    offline_tries: Option<u32>,
    mut on_wait: impl FnMut(&graph::Error, std::time::Duration),
) -> Result<SavedMessage, SyncFailure> {
    let mut tries = crate::graph::retry::Tries::new(crate::graph::retry::Limits {
        offline: offline_tries,
        ..crate::graph::retry::Limits::KEEP_TRYING
    });
    loop {
        let e = match sync_record(client, rec).await {
            Ok(s) => return Ok(s),
            Err(e) => e,
        };
        let Some(f) = e.retryable.clone() else {
            return Err(e);
        };
        let jitter = uuid::Uuid::new_v4().as_u128() as u64;
        let Some(wait) = tries.after(&f, Some(jitter)) else {
            return Err(e);
        };
        on_wait(&f, wait);
        tokio::time::sleep(wait).await;
    }
}

/// Brings the server up to date with one journal, once. The journal is not
/// touched here.
pub async fn sync_record(
    client: &GraphClient,
    rec: &JournalRecord,
) -> Result<SavedMessage, SyncFailure> {
    let content = DraftContent::from_typed(&rec.fields, rec.format, &rec.more)
        .map_err(|bad| {
            SyncFailure::fin(
                bad.iter()
                    .map(|(which, e)| format!("{}: {e}", which.label()))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })?
        .with_quote(rec.answer.as_ref().map(|a| a.quote_html.as_str()));
    let content = crate::core::content::DraftContent {
        signature: rec.signature.clone(),
        ..content
    };
    let job = match &rec.server_id {
        Some(id) => SaveJob::Update {
            id: id.clone(),
            body: content.patch_body(rec.saved.as_ref()),
            key: rec.key.clone(),
        },
        // Always look up first: an earlier session may have created it unanswered.
        None => SaveJob::Create {
            body: content.create_body(Some(&rec.key)),
            lookup_key: Some(rec.key.clone()),
        },
    };
    let files = crate::core::attach::Files {
        list: rec.attachments.clone(),
        detached: rec.detached.clone(),
    };
    let out = save_with_files(client, job, &files, &Attempt::default(), &mut |_, _, _| {}).await;
    let saved = out.result.map_err(|e| match &out.info.elsewhere {
        Some(Whereabouts::Sent(_)) => SyncFailure::fin(
            "the draft was sent from Outlook since; open graft to save this text as a new draft".to_string(),
        ),
        Some(Whereabouts::Deleted(_)) => SyncFailure::fin(
            "the draft was deleted in Outlook (it is in Deleted Items); open graft to save this text as a new draft".to_string(),
        ),
        Some(_) => SyncFailure::fin(
            "the draft is gone on the server (sent or deleted elsewhere); open graft to save it as a new one".to_string(),
        ),
        None => SyncFailure {
            message: e.to_string(),
            retryable: crate::graph::retry::retryable(&e).then_some(e),
        },
    })?;
    let out = out.files;
    match out.failed {
        Some((name, f)) => Err(SyncFailure {
            message: format!("the message is saved but attaching {name} failed: {}", f),
            retryable: crate::graph::retry::retryable(&f).then_some(f),
        }),
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
    mut on_wait: impl FnMut(&graph::Error, std::time::Duration),
) -> Result<(SavedMessage, SaveInfo), graph::Error> {
    let mut uncertain = false;
    let mut unkeyed = false;
    let mut body = std::borrow::Cow::Borrowed(body);
    let mut tries = Attempt {
        client_request_id: Some(uuid::Uuid::new_v4().to_string()),
        retry: 0,
    };
    let mut policy = crate::graph::retry::Tries::new(crate::graph::retry::Limits::at_most(retries));
    loop {
        let lookup = (uncertain && !unkeyed).then_some(key);
        let (info, result) = create_or_adopt(client, &body, lookup, &tries).await;
        if info.unkeyed && !unkeyed {
            // From here on without the key the mailbox refuses.
            unkeyed = true;
            let mut plain = body.into_owned();
            if let Some(o) = plain.as_object_mut() {
                o.remove("singleValueExtendedProperties");
            }
            body = std::borrow::Cow::Owned(plain);
        }
        let f = match result {
            Ok(saved) => {
                return Ok((saved, SaveInfo { unkeyed, ..info }));
            }
            Err(f) => f,
        };
        if unkeyed && f.may_have_applied() {
            // Nothing to look the draft up by: trying again could make two.
            return Err(f);
        }
        uncertain |= f.may_have_applied();
        let Some(wait) = policy.after(&f, None) else {
            return Err(f);
        };
        tries.retry = policy.attempt;
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
        /// The draft's client key, to follow it if it moved.
        key: String,
    },
}

/// Saves the message, then does the attachment work: removals, then uploads
/// (small files ride inside a create when they fit). `progress` hears
/// (file, bytes done, size). Returns whether a create adopted an earlier draft.
pub async fn save_with_files(
    client: &GraphClient,
    job: SaveJob,
    files: &crate::core::attach::Files,
    attempt: &Attempt,
    progress: &mut (dyn FnMut(&str, u64, u64) + Send),
) -> SaveOutcome {
    use crate::graph::upload::{attach_pending, detach_keeping};
    let mut out = crate::service::save::FilesOutcome::default();
    let mut list = files.list.clone();
    let (info, result, reconcile) = match job {
        SaveJob::Create { body, lookup_key } => {
            // Reading files happens off the async threads; with no files there is
            // nothing to read. A file that cannot be read now does not stop the
            // message: it goes without inline files, and the upload step names it.
            let (body, inline) = if list.iter().any(|f| f.server_id.is_none() && !f.large()) {
                let plain = body.clone();
                let list = list.clone();
                tokio::task::spawn_blocking(move || {
                    crate::service::save::body_with_attachments(body, &list)
                })
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or((plain, Vec::new()))
            } else {
                (body, Vec::new())
            };
            let (info, result) =
                create_or_adopt(client, &body, lookup_key.as_deref(), attempt).await;
            if result.is_ok() && !info.adopted {
                for i in inline {
                    list[i].server_id = Some(String::new());
                    out.attached.push((list[i].path.clone(), String::new()));
                }
            }
            let reconcile = info.adopted;
            (info, result, reconcile)
        }
        SaveJob::Update { id, body, key } => {
            let (info, result) = update_or_follow(client, &id, &body, &key, attempt).await;
            (info, result, true)
        }
    };
    let saved = match result {
        Ok(s) => s,
        Err(e) => {
            return SaveOutcome {
                result: Err(e),
                info,
                files: out,
            };
        }
    };
    if !files.detached.is_empty() {
        match detach_keeping(client, &saved.id, &files.detached, &list).await {
            Ok(()) => out.detached = files.detached.clone(),
            Err(e) => {
                let name = files
                    .detached
                    .first()
                    .map(|f| f.name.clone())
                    .unwrap_or_default();
                out.failed = Some((format!("(removing {name})"), e));
                return SaveOutcome {
                    result: Ok(saved),
                    info,
                    files: out,
                };
            }
        }
    }
    let done = attach_pending(client, &saved.id, &list, reconcile, progress).await;
    for (i, id) in done.done {
        out.attached.push((list[i].path.clone(), id));
    }
    out.failed = done.failed;
    SaveOutcome {
        result: Ok(saved),
        info,
        files: out,
    }
}

/// What the save did with the files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FilesOutcome {
    /// Uploaded: path → attachment id (empty when it went inside the create request).
    pub attached: Vec<(PathBuf, String)>,
    /// Removed from the server (as they were on the list of removals).
    pub detached: Vec<AttachedFile>,
    /// The file that failed and why; the message itself was saved.
    pub failed: Option<(String, crate::graph::Error)>,
}

/// The create body with as many small attachments inline as fit in one request.
/// Returns the body and which files it carries.
pub fn body_with_attachments(
    mut body: serde_json::Value,
    files: &[crate::core::attach::AttachedFile],
) -> Result<(serde_json::Value, Vec<usize>), String> {
    let size = body.to_string().len();
    let inline = crate::core::attach::plan_inline(files, size);
    if !inline.is_empty() {
        let list = inline
            .iter()
            .map(|i| crate::store::files::read_inline(&files[*i]))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(o) = body.as_object_mut() {
            o.insert("attachments".into(), serde_json::Value::Array(list));
        }
    }
    Ok((body, inline))
}
