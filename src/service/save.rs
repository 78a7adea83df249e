//! The one save path. Every write of a draft to a mailbox goes through
//! here, whichever front end asked and whatever kind of draft it is (a new
//! one, an answer Graph makes, a batch line's files, a queued journal):
//!
//! 1. **prepare**: the content from the record as typed ([`prepare`]:
//!    recipients parsed, the signature, an answer's quote, the 4 MB
//!    request limit checked before anything leaves);
//! 2. **journal**: the record, with its key, is on disk before a create
//!    leaves (the form's `NoteCreate`; [`save_record`]'s `journal`);
//! 3. **create or adopt, once per key**: `POST …/messages` or
//!    `createReply`/`createReplyAll`/`createForward` with the key; after
//!    any uncertain outcome the draft is looked up (by key, and an answer
//!    also in its conversation) before anything is created again, and the
//!    lookup is retried until it answers ([`create_or_adopt`], [`make_answer`]);
//! 4. **update** what changed ([`update_or_follow`]);
//! 5. **files**: removals, then uploads, after listing what the draft has
//!    whenever an earlier try may have sent some ([`send_files`]);
//! 6. the caller records the history.
//!
//! The form drives one attempt at a time ([`save_with_files`], its retries
//! kept in its model); every other front end calls [`save_record`], which
//! runs the same attempts under the one retry policy.

use crate::core::answer::Answer;
use crate::core::attach::{AttachedFile, Files};
use crate::core::content::DraftContent;
use crate::core::record::JournalRecord;
use crate::graph::{self, Attempt, GraphClient, SavedMessage, Whereabouts};
use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// What a save learnt besides its result.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SaveInfo {
    /// The create found the draft an earlier, unanswered create had made.
    pub adopted: bool,
    /// The mailbox refused the client key (its named-property quota is
    /// full): the draft was saved without it.
    pub(crate) unkeyed: bool,
    /// The draft is not where the save expected it: sent, deleted, or gone.
    /// Only with a failed result; the text was not saved over it.
    pub(crate) elsewhere: Option<Whereabouts>,
}

/// An answer Graph made during a save (or that the save found made).
#[derive(Clone, Debug, PartialEq)]
pub struct Made {
    /// The draft as Graph made it.
    pub(crate) saved: SavedMessage,
    /// Its recipients, subject and body (the quote) as Graph made them:
    /// what the server holds before the user's text goes in.
    pub(crate) graph: DraftContent,
    /// The files Graph copied into a forward from the original (on the
    /// server already): listed with the draft's own, so they can be seen
    /// and removed.
    pub(crate) carried: Vec<crate::core::attach::AttachedFile>,
}

/// The whole answer to one save.
#[derive(Clone, Debug)]
pub struct SaveOutcome {
    pub result: Result<SavedMessage, graph::Error>,
    pub info: SaveInfo,
    /// What happened to the attachments this save carried.
    pub files: FilesOutcome,
    /// An answer Graph made in this save: it exists now, whatever became
    /// of the rest (the next save updates it, never makes another).
    pub made: Option<Made>,
    /// What the server holds after this save when it is not what was asked
    /// to be sent: an answer's, with Graph's recipients and its quote; a
    /// draft merged with Outlook's edits.
    pub sent: Option<DraftContent>,
    /// The draft had changed in Outlook since graft's last save: how the
    /// two were merged, or (with a failed result) the conflict to settle.
    pub merge: Option<Box<MergeOutcome>>,
}

/// What the save found of Outlook's edits and did with them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergeOutcome {
    pub(crate) merged: crate::core::merge::Merged,
    /// The server's version: what a decision is taken against.
    pub(crate) theirs: crate::core::merge::Theirs,
}

impl SaveOutcome {
    fn failed(info: SaveInfo, f: graph::Error) -> SaveOutcome {
        SaveOutcome {
            result: Err(f),
            info,
            files: FilesOutcome::default(),
            made: None,
            sent: None,
            merge: None,
        }
    }
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
pub(crate) fn key_refused(f: &graph::Error) -> bool {
    f.code == "ErrorQuotaExceeded"
}

/// What a 403 means for the user, in the terms that fix it: saving into
/// another mailbox needs `Mail.ReadWrite.Shared`, one's own `Mail.ReadWrite`.
pub(crate) fn permission_hint(user: Option<&str>) -> String {
    match user {
        Some(u) => format!(
            "Graph refused access to {u}'s mailbox: saving there needs the Mail.ReadWrite.Shared permission for this app (`graft login` asks for it; an admin may have to consent) and full access to that mailbox. `graft whoami` lists what was granted."
        ),
        None => "Graph refused access: saving drafts needs the Mail.ReadWrite permission (`graft login` asks for it; an admin may have to consent). `graft whoami` lists what was granted.".to_string(),
    }
}

/// A lookup that must answer before anything is created again. "Not
/// there" comes only from a lookup that answered: a lookup that fails
/// fails the save, which creates nothing (its caller's retry policy tries
/// the lookup again, showing the wait). A GET is safe to repeat, so a
/// server error (500 too, which a create is not retried after) is asked
/// again here a few times first.
async fn answered<T, F, Fut>(mut ask: F) -> Result<T, graph::Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, graph::Error>>,
{
    let mut tries = crate::graph::retry::Tries::new(crate::graph::retry::Limits {
        offline: Some(0),
        ..crate::graph::retry::Limits::chunk(3)
    });
    loop {
        match ask().await {
            Ok(v) => return Ok(v),
            Err(f) => match tries.after(&f, None) {
                Some(wait) => {
                    tracing::info!(code = %f.code, "lookup failed; asking again");
                    tokio::time::sleep(wait).await
                }
                None => return Err(f),
            },
        }
    }
}

/// Creates with the client key, or (after a lost answer) finds and updates
/// the draft that key already made. Never creates a second draft for one
/// key: a lookup that fails is asked again, and if it never answers the
/// save fails without creating. A draft the key made that was sent or
/// deleted since is not saved over: that comes back as `elsewhere`
/// (deleted means deleted; saving anew is the user's call). A mailbox that
/// refuses the key gets the draft without it (`unkeyed`).
pub(crate) async fn create_or_adopt(
    client: &GraphClient,
    body: &Value,
    lookup_key: Option<&str>,
    attempt: &Attempt,
) -> (SaveInfo, Result<SavedMessage, graph::Error>) {
    let mut info = SaveInfo::default();
    if let Some(key) = lookup_key {
        match answered(|| client.locate(key)).await {
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

/// An answer to make (or to find made) and the user's part of it.
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerJob {
    pub(crate) answer: Answer,
    /// What the user wrote: the text above the quote, recipients to add, a
    /// subject of their own, the F3 fields, the signature.
    pub(crate) content: DraftContent,
    pub(crate) key: String,
    /// Send the key (off when the mailbox refuses it).
    pub(crate) keyed: bool,
    /// An earlier `create*` may have made it: look before making one.
    pub(crate) lookup: bool,
}

/// How far back from `requested` a found answer may have been made:
/// the machine's clock and the server's may differ.
const CLOCK_SLACK: Duration = Duration::from_secs(600);

/// Where an answer already made is, if anywhere.
enum Found {
    Draft {
        saved: SavedMessage,
        v: Value,
        keyed: bool,
    },
    Elsewhere(Whereabouts),
    Nothing,
}

/// The answer an earlier `create*` made: by its key (in the `message`
/// parameter, or set by the first update), else (Graph may not keep an
/// extended property given to `create*`: message-createreply.md documents
/// "writeable properties" without naming them) the draft in the
/// original's conversation with the answer's subject, made after
/// `requested`, that carries no other graft key. Every lookup must answer.
async fn find_answer(
    client: &GraphClient,
    answer: &Answer,
    key: &str,
) -> Result<Found, graph::Error> {
    match answered(|| client.locate(key)).await? {
        Whereabouts::Draft(found) => {
            let v = answered(|| client.message_json(&found.id, false)).await?;
            return Ok(Found::Draft {
                saved: found,
                v,
                keyed: true,
            });
        }
        Whereabouts::Gone => {}
        w => return Ok(Found::Elsewhere(w)),
    }
    if answer.conversation_id.is_empty() {
        return Ok(Found::Nothing);
    }
    let since = parse_time(&answer.requested).map(|t| t - CLOCK_SLACK);
    let drafts = answered(|| client.conversation_drafts(&answer.conversation_id)).await?;
    for (saved, subject, other_key) in drafts {
        let fits = saved.is_draft
            && other_key.is_none()
            && answer.subject_fits(&subject)
            && since.is_none_or(|s| parse_time(&saved.created).is_some_and(|c| c >= s));
        if !fits {
            continue;
        }
        // Not one the user deleted since.
        if let Whereabouts::Draft(found) = answered(|| client.classify(saved.clone())).await? {
            let v = answered(|| client.message_json(&found.id, false)).await?;
            tracing::info!("an answer made without its key was found in its conversation");
            return Ok(Found::Draft {
                saved: found,
                v,
                keyed: false,
            });
        }
    }
    Ok(Found::Nothing)
}

fn parse_time(s: &str) -> Option<std::time::SystemTime> {
    let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()?;
    Some(std::time::SystemTime::from(t))
}

/// The answer Graph makes, or the one an earlier `create*` made (with
/// `lookup`): its draft, its JSON, and whether it carries the key.
async fn make_answer(
    client: &GraphClient,
    job: &AnswerJob,
    attempt: &Attempt,
) -> (SaveInfo, Result<(SavedMessage, Value, bool), graph::Error>) {
    let mut info = SaveInfo::default();
    if job.lookup {
        match find_answer(client, &job.answer, &job.key).await {
            Ok(Found::Draft { saved, v, keyed }) => {
                info.adopted = true;
                return (info, Ok((saved, v, keyed)));
            }
            Ok(Found::Elsewhere(w)) => {
                let f = elsewhere_failure(&w);
                info.elsewhere = Some(w);
                return (info, Err(f));
            }
            Ok(Found::Nothing) => {}
            Err(e) => return (info, Err(e)),
        }
    }
    let tz = client.time_zone().await;
    let key = job.keyed.then_some(job.key.as_str());
    let made = match client
        .create_answer(&job.answer, key, tz.as_deref(), attempt)
        .await
    {
        Err(f) if key_refused(&f) && key.is_some() => {
            info.unkeyed = true;
            client
                .create_answer(&job.answer, None, tz.as_deref(), attempt)
                .await
        }
        other => other,
    };
    (info, made.map(|(saved, v)| (saved, v, false)))
}

/// Makes (or finds) the answer, then saves the user's part into it: the
/// text above the quote, recipients added to Graph's, and the key, which
/// Graph may not have kept from `create*`, so a later lookup finds it.
async fn save_answer(client: &GraphClient, job: &AnswerJob, attempt: &Attempt) -> SaveOutcome {
    let (info, made) = make_answer(client, job, attempt).await;
    let (saved, v, keyed) = match made {
        Ok(m) => m,
        Err(f) => return SaveOutcome::failed(info, f),
    };
    let mut graph = crate::core::content::content_from_message(&v);
    let mut quote = v
        .pointer("/body/content")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if info.adopted {
        // Found made: an earlier save may have put text above the quote
        // already; the quote is what Graph made, from its marker on.
        quote = crate::core::answer::without_text_above(&quote);
    }
    graph.body = String::new();
    graph.format = crate::core::content::BodyFormat::Text;
    graph.quote = Some(quote);
    let sent = crate::core::content::answer_content(&graph, &job.content);
    let mut patch = sent.patch_body(Some(&graph));
    if job.keyed && !keyed && !info.unkeyed {
        patch["singleValueExtendedProperties"] = serde_json::json!([{
            "id": crate::core::content::DRAFT_KEY_PROPERTY,
            "value": job.key,
        }]);
    }
    // A forward carries the original's files: listed (a list that fails
    // leaves them unlisted, on the draft all the same).
    let carried = if job.answer.kind == crate::core::answer::AnswerKind::Forward {
        client
            .list_attachments(&saved.id)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|a| !a.is_inline)
            .map(|a| crate::core::attach::AttachedFile::on_server(&a.id, &a.name, a.size, false))
            .collect()
    } else {
        Vec::new()
    };
    let made = Made {
        saved: saved.clone(),
        graph,
        carried,
    };
    let result = if patch.as_object().is_some_and(|o| o.is_empty()) {
        Ok(saved)
    } else {
        client.update_draft_as(&saved.id, &patch, attempt).await
    };
    SaveOutcome {
        result,
        info,
        files: FilesOutcome::default(),
        made: Some(made),
        sent: Some(sent),
        merge: None,
    }
}

/// `PATCH` of a draft; if its id no longer answers (the user moved it, and
/// every move gives a message a new REST id), the draft is found by its key
/// and updated where it is now, unless it was sent or deleted.
pub(crate) async fn update_or_follow(
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

/// What an update checks first: the version graft last saw, what it
/// saved then, and what it has now.
#[derive(Clone, Debug, PartialEq)]
pub struct Guard {
    pub(crate) change_key: String,
    pub(crate) base: DraftContent,
    pub(crate) mine: DraftContent,
    /// Fingerprints of bodies graft itself put on the server besides the
    /// base's (`core::merge::merge`'s `ours`).
    pub(crate) ours: Vec<u64>,
}

/// One save: create (or adopt), make an answer, or update.
#[derive(Clone, Debug, PartialEq)]
pub enum SaveJob {
    Create {
        body: Value,
        lookup_key: Option<String>,
    },
    Answer(Box<AnswerJob>),
    Update {
        id: String,
        body: Value,
        /// The draft's client key, to follow it if it moved.
        key: String,
        /// Check for edits made elsewhere first (graft knows the version
        /// it last saw); `None` updates as it is.
        guard: Option<Box<Guard>>,
    },
}

/// The local failure a conflict is reported as.
fn conflict_failure() -> graph::Error {
    graph::Error {
        status: Some(412),
        status_text: "Precondition Failed".into(),
        ..graph::Error::local(
            crate::graph::FailureKind::Http,
            "ChangedInOutlook",
            "The draft was changed in Outlook since graft saved it, in the same places: nothing was saved over it.",
        )
    }
}

/// What the server holds now (the body as HTML), for a merge.
async fn theirs(
    client: &GraphClient,
    id: &str,
) -> Result<crate::core::merge::Theirs, graph::Error> {
    let v = client.message_json(id, false).await?;
    let list = client.list_attachments(id).await?;
    Ok(crate::core::merge::Theirs {
        content: crate::core::content::content_from_message(&v),
        html: v
            .pointer("/body/content")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        change_key: crate::util::sanitize::line(
            v.get("changeKey").and_then(Value::as_str).unwrap_or(""),
        ),
        attachments: list.into_iter().map(|a| (a.id, a.name)).collect(),
    })
}

/// The `PATCH` of a merge: what differs from the server's version, the
/// body only when graft's (or the merged one) is to go.
fn merge_patch(
    m: &crate::core::merge::Merged,
    g: &Guard,
    theirs: &crate::core::merge::Theirs,
) -> Value {
    use crate::core::merge::Body;
    let mut shape = m.content.clone();
    let t = &theirs.content;
    shape.subject = t.subject.clone();
    shape.to = t.to.clone();
    shape.cc = t.cc.clone();
    shape.bcc = t.bcc.clone();
    shape.more = t.more.clone();
    let send_body = match m.body {
        Body::Merged => true,
        Body::Mine => {
            g.base.body != g.mine.body
                || g.base.format != g.mine.format
                || g.base.signature != g.mine.signature
        }
        Body::Theirs | Body::Conflict(_) => false,
    };
    if send_body {
        shape.body.push('\u{0}');
    }
    m.content.patch_body(Some(&shape))
}

/// An update that checks first whether the draft changed elsewhere (its
/// change key against the one graft last saw): unchanged, the `PATCH`
/// names that version (`If-Match`); changed, graft's edits and Outlook's
/// are merged (`core::merge`) and only a merge without overlap is saved;
/// a conflict comes back for the user, nothing saved over it.
async fn update_guarded(
    client: &GraphClient,
    id: &str,
    body: &Value,
    key: &str,
    g: &Guard,
    attempt: &Attempt,
) -> SaveOutcome {
    // A failure here fails the save, nothing written: the caller's retry
    // policy (which shows its waits) tries again.
    let now = match client.version(id).await {
        Ok(v) => v,
        // Moved, sent or deleted: the unguarded path follows it by its key.
        Err(f) if f.status == Some(404) => {
            let (info, result) = update_or_follow(client, id, body, key, attempt).await;
            return SaveOutcome {
                result,
                ..SaveOutcome::failed(
                    info,
                    graph::Error::local(crate::graph::FailureKind::Http, "", ""),
                )
            };
        }
        Err(f) => return SaveOutcome::failed(SaveInfo::default(), f),
    };
    if !now.is_draft {
        let w = Whereabouts::Sent(now);
        let f = elsewhere_failure(&w);
        return SaveOutcome::failed(
            SaveInfo {
                elsewhere: Some(w),
                ..SaveInfo::default()
            },
            f,
        );
    }
    if now.change_key == g.change_key {
        match client
            .update_draft_if(id, body, &g.change_key, attempt)
            .await
        {
            Err(f) if f.changed_elsewhere() => {}
            result => {
                return SaveOutcome {
                    result,
                    ..SaveOutcome::failed(SaveInfo::default(), conflict_failure())
                };
            }
        }
    }
    // Changed in Outlook (or by another graft): merge, a few times if it
    // keeps changing under us.
    let mut last = conflict_failure();
    for _ in 0..3 {
        let theirs = match theirs(client, id).await {
            Ok(t) => t,
            Err(f) => return SaveOutcome::failed(SaveInfo::default(), f),
        };
        let merged = crate::core::merge::merge(&g.base, &g.mine, &theirs, &g.ours);
        let conflict = merged.conflict();
        let out = MergeOutcome { merged, theirs };
        if conflict {
            return SaveOutcome {
                merge: Some(Box::new(out)),
                ..SaveOutcome::failed(SaveInfo::default(), conflict_failure())
            };
        }
        let patch = merge_patch(&out.merged, g, &out.theirs);
        let result = if patch.as_object().is_some_and(|o| o.is_empty()) {
            client.version(id).await
        } else {
            client
                .update_draft_if(id, &patch, &out.theirs.change_key, attempt)
                .await
        };
        match result {
            Err(f) if f.changed_elsewhere() => last = f,
            result => {
                return SaveOutcome {
                    result,
                    sent: Some(out.merged.content.clone()),
                    merge: Some(Box::new(out)),
                    ..SaveOutcome::failed(SaveInfo::default(), conflict_failure())
                };
            }
        }
    }
    SaveOutcome::failed(SaveInfo::default(), last)
}

/// The check before an update, when graft knows the version it last saw.
pub(crate) fn guard(
    change_key: Option<&str>,
    base: Option<&DraftContent>,
    mine: &DraftContent,
    ours: Vec<u64>,
) -> Option<Box<Guard>> {
    match (change_key.filter(|k| !k.is_empty()), base) {
        (Some(k), Some(b)) => Some(Box::new(Guard {
            change_key: k.to_string(),
            base: b.clone(),
            mine: mine.clone(),
            ours,
        })),
        _ => None,
    }
}

impl SaveJob {
    /// The job for a record's next save of `content`: a create until the
    /// server holds it (an answer's through Graph's `create*`), an update
    /// of what changed since `rec.saved` after. `keyed`: the mailbox takes
    /// the key.
    pub(crate) fn for_record(rec: &JournalRecord, content: &DraftContent, keyed: bool) -> SaveJob {
        let key = keyed.then_some(rec.key.as_str());
        match (&rec.server_id, &rec.answer) {
            (Some(id), _) => SaveJob::Update {
                id: id.clone(),
                body: content.patch_body(rec.saved.as_ref()),
                key: rec.key.clone(),
                guard: guard(
                    rec.change_key.as_deref(),
                    rec.saved.as_ref(),
                    content,
                    rec.seen.into_iter().chain(rec.sending).collect(),
                ),
            },
            (None, Some(answer)) => SaveJob::Answer(Box::new(AnswerJob {
                answer: answer.clone(),
                content: DraftContent {
                    quote: None,
                    ..content.clone()
                },
                key: rec.key.clone(),
                keyed,
                lookup: rec.create_uncertain,
            })),
            (None, None) => SaveJob::Create {
                body: content.create_body(key),
                lookup_key: (rec.create_uncertain && keyed).then(|| rec.key.clone()),
            },
        }
    }

    /// It may make a draft (the journal must say so before it leaves).
    pub(crate) fn creates(&self) -> bool {
        !matches!(self, SaveJob::Update { .. })
    }
}

/// Saves the message, then does the attachment work: removals, then uploads
/// (small files ride inside a create when they fit). `progress` hears
/// (file, bytes done, size).
pub async fn save_with_files(
    client: &GraphClient,
    job: SaveJob,
    files: &Files,
    attempt: &Attempt,
    progress: &mut (dyn FnMut(&str, u64, u64) + Send),
) -> SaveOutcome {
    let mut out = FilesOutcome::default();
    let mut list = files.list.clone();
    let (mut outcome, reconcile) = match job {
        SaveJob::Create { body, lookup_key } => {
            // Reading files happens off the async threads; with no files there is
            // nothing to read. A file that cannot be read now does not stop the
            // message: it goes without inline files, and the upload step names it.
            let (body, inline) = if list.iter().any(|f| f.server_id.is_none() && !f.large()) {
                let plain = body.clone();
                let list = list.clone();
                tokio::task::spawn_blocking(move || body_with_attachments(body, &list))
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
            (
                SaveOutcome {
                    result,
                    ..SaveOutcome::failed(info, conflict_failure())
                },
                reconcile,
            )
        }
        SaveJob::Answer(job) => {
            let o = save_answer(client, &job, attempt).await;
            let reconcile = o.info.adopted;
            (o, reconcile)
        }
        SaveJob::Update {
            id,
            body,
            key,
            guard,
        } => {
            let outcome = match guard {
                Some(g) => update_guarded(client, &id, &body, &key, &g, attempt).await,
                None => {
                    let (info, result) = update_or_follow(client, &id, &body, &key, attempt).await;
                    SaveOutcome {
                        result,
                        ..SaveOutcome::failed(info, conflict_failure())
                    }
                }
            };
            (outcome, true)
        }
    };
    let Ok(saved) = &outcome.result else {
        return outcome;
    };
    let id = saved.id.clone();
    let sent = send_files(client, &id, &list, &files.detached, reconcile, progress).await;
    let touched = !sent.attached.is_empty() || !sent.detached.is_empty();
    out.attached.extend(sent.attached);
    out.detached = sent.detached;
    out.failed = sent.failed;
    outcome.files = out;
    // Files change the draft's version: the one graft saw last is the one
    // after them, or the next save would take its own uploads for Outlook's.
    if touched
        && let Ok(v) = client.version(&id).await
        && let Ok(saved) = outcome.result.as_mut()
    {
        saved.change_key = v.change_key;
    }
    outcome
}

/// The file work on a draft that exists: removals, then the files not on
/// the server yet. With `reconcile` (an earlier try, or another process,
/// may have sent some without the answer being kept), the draft's
/// attachments are listed first and a file already there (by its
/// `contentId` for a picture, else by its name) is not sent again.
pub(crate) async fn send_files(
    client: &GraphClient,
    message_id: &str,
    list: &[AttachedFile],
    detached: &[AttachedFile],
    reconcile: bool,
    progress: &mut (dyn FnMut(&str, u64, u64) + Send),
) -> FilesOutcome {
    use crate::graph::upload::{attach_pending, detach_keeping};
    let mut out = FilesOutcome::default();
    if !detached.is_empty() {
        match detach_keeping(client, message_id, detached, list).await {
            Ok(()) => out.detached = detached.to_vec(),
            Err(e) => {
                let name = detached.first().map(|f| f.name.clone()).unwrap_or_default();
                out.failed = Some((format!("(removing {name})"), e));
                return out;
            }
        }
    }
    let disk: std::sync::Arc<dyn crate::graph::upload::Contents> = std::sync::Arc::new(Disk);
    let done = attach_pending(client, message_id, list, &disk, reconcile, progress).await;
    for (i, id) in done.done {
        out.attached.push((list[i].path.clone(), id));
    }
    out.failed = done.failed;
    out
}

/// The files' bytes, read from the disk as they are sent (refused when a
/// file changed since it was attached).
pub struct Disk;

impl crate::graph::upload::Contents for Disk {
    fn read(&self, f: &AttachedFile, start: u64, len: u64) -> Result<Vec<u8>, String> {
        crate::store::files::read_range(f, start, len)
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
pub(crate) fn body_with_attachments(
    mut body: serde_json::Value,
    files: &[AttachedFile],
) -> Result<(serde_json::Value, Vec<usize>), String> {
    let size = body.to_string().len();
    let inline = crate::core::attach::plan_inline(files, size);
    if !inline.is_empty() {
        let list = inline
            .iter()
            .map(|i| {
                let f = &files[*i];
                crate::store::files::read_range(f, 0, f.size)
                    .map(|bytes| crate::graph::upload::inline_attachment(f, &bytes))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(o) = body.as_object_mut() {
            o.insert("attachments".into(), serde_json::Value::Array(list));
        }
    }
    Ok((body, inline))
}

/// The draft a record describes, as it is sent: recipients parsed, the
/// signature, an answer's quote; or what is wrong with it. Refused before
/// anything leaves when it is larger than Graph takes in one request.
pub(crate) fn prepare(rec: &JournalRecord) -> Result<DraftContent, String> {
    let content = DraftContent::from_typed(&rec.fields, rec.format, &rec.more)
        .map_err(|bad| {
            bad.iter()
                .map(|(which, e)| format!("{}: {e}", which.label()))
                .collect::<Vec<_>>()
                .join("; ")
        })?
        .with_quote(
            rec.answer
                .as_ref()
                .filter(|a| a.made())
                .map(|a| a.quote_html.as_str()),
        );
    let content = DraftContent {
        signature: rec.signature.clone(),
        not_mine: rec.not_mine.clone(),
        ..content
    };
    too_large(&content).map_or(Ok(content), Err)
}

/// Why `content` cannot be saved in one request (Graph refuses requests
/// over about 4 MB with 413), naming the size and the limit; an answer's
/// quote counts, as it is sent with every change of the body.
pub(crate) fn too_large(content: &DraftContent) -> Option<String> {
    too_large_with(content, 0)
}

/// [`too_large`], with a quote of `quote_len` bytes still to come (an
/// answer Graph has not made yet quotes at least the original's body).
pub(crate) fn too_large_with(content: &DraftContent, quote_len: usize) -> Option<String> {
    use crate::core::limits::MAX_REQUEST_BYTES;
    use crate::core::limits::json_len;
    let size = json_len(&content.graph_body().1) + json_len(&content.subject) + quote_len;
    (size > MAX_REQUEST_BYTES).then(|| {
        let quoted = content.quote.as_ref().map_or(quote_len, |q| q.len() + quote_len);
        let quote = if quoted > 0 {
            format!(
                " (the quoted message alone is {:.1} MB)",
                quoted as f64 / 1_000_000.0
            )
        } else {
            String::new()
        };
        format!(
            "the message is {:.1} MB{quote} and Graph takes at most {:.1} MB in one request; nothing was sent",
            size as f64 / 1_000_000.0,
            MAX_REQUEST_BYTES as f64 / 1_000_000.0
        )
    })
}

/// Applies what a save did to the record that describes the draft: its
/// place on the server, what the server holds, an answer's quote, the
/// files now there. `content` is what the save sent.
/// Files on `list` that Outlook removed, found by a merge that went
/// through: they are off graft's list too (removed on one side, untouched
/// on the other), never sent again.
pub(crate) fn removed_in_outlook(out: &SaveOutcome, list: &[AttachedFile]) -> Vec<usize> {
    match (&out.result, &out.merge) {
        (Ok(_), Some(m)) => crate::core::merge::removed_there(list, &m.theirs.attachments),
        _ => Vec::new(),
    }
}

pub(crate) fn apply(rec: &mut JournalRecord, content: &DraftContent, out: &SaveOutcome) {
    for i in removed_in_outlook(out, &rec.attachments).into_iter().rev() {
        rec.attachments.remove(i);
    }
    if let Some(made) = &out.made {
        rec.server_id = Some(made.saved.id.clone());
        rec.web_link = Some(made.saved.web_link.clone());
        rec.saved = Some(made.graph.clone());
        rec.change_key = Some(made.saved.change_key.clone());
        rec.create_uncertain = false;
        if let (Some(a), Some(q)) = (rec.answer.as_mut(), made.graph.quote.as_ref()) {
            a.quote_html = q.clone();
        }
    }
    match &out.result {
        Ok(saved) => {
            rec.server_id = Some(saved.id.clone());
            rec.web_link = Some(saved.web_link.clone());
            rec.change_key = Some(saved.change_key.clone());
            rec.saved = Some(out.sent.clone().unwrap_or_else(|| content.clone()));
            rec.create_uncertain = false;
        }
        Err(f) if rec.server_id.is_none() && f.may_have_applied() => rec.create_uncertain = true,
        Err(_) => {}
    }
    for (path, id) in &out.files.attached {
        if let Some(f) = rec
            .attachments
            .iter_mut()
            .find(|f| &f.path == path && f.server_id.is_none())
        {
            f.server_id = Some(id.clone());
        }
    }
    rec.detached.retain(|d| !out.files.detached.contains(d));
}

/// Why a save without the form did not complete.
#[derive(Clone, Debug)]
pub struct SyncFailure {
    pub message: String,
    /// The failure, when trying again later may go better (offline, busy).
    pub(crate) retryable: Option<graph::Error>,
    /// The failure itself, when Graph's (for the exit code).
    pub(crate) error: Option<graph::Error>,
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
            error: None,
        }
    }
}

/// How a save without the form runs: its retries, what it says while it
/// waits, its uploads' progress, and where the record is journalled.
pub struct Run<'a> {
    pub limits: crate::graph::retry::Limits,
    /// Hears each wait before a retry.
    pub on_wait: &'a mut (dyn FnMut(&graph::Error, Duration) + Send),
    pub progress: &'a mut (dyn FnMut(&str, u64, u64) + Send),
    /// Writes the record (before a create leaves, and after every step).
    pub journal: &'a mut (dyn FnMut(&JournalRecord) + Send),
}

/// What a save without the form did, once it succeeded.
#[derive(Clone, Debug)]
pub struct Done {
    pub(crate) saved: SavedMessage,
    pub(crate) info: SaveInfo,
}

/// The one save, for every front end but the form (`graft draft`, `graft
/// reply`, `graft sync`, the queued journals a start completes): brings
/// the server up to date with `rec` under the one retry policy. The record
/// is journalled before a create leaves and after every step, so a kill at
/// any moment leaves a record whose next save finds what this one made.
pub async fn save_record(
    client: &GraphClient,
    rec: &mut JournalRecord,
    run: Run<'_>,
) -> Result<Done, SyncFailure> {
    let content = prepare(rec).map_err(SyncFailure::fin)?;
    let mut tries = crate::graph::retry::Tries::new(run.limits);
    let mut keyed = true;
    let mut info = SaveInfo::default();
    let attempt_id = uuid::Uuid::new_v4().to_string();
    loop {
        // The quote is known once the answer is made: the content follows.
        let content = match rec.answer.as_ref().filter(|a| a.made()) {
            Some(a) if content.quote.is_none() => content.clone().with_quote(Some(&a.quote_html)),
            _ => content.clone(),
        };
        let job = SaveJob::for_record(rec, &content, keyed);
        let was_uncertain = rec.create_uncertain;
        let creates = job.creates();
        rec.queued = true;
        if creates {
            // Journalled before it leaves: a kill now is followed by a lookup.
            rec.create_uncertain = true;
        } else {
            // An update that may land unrecorded: its body is graft's own.
            rec.sending = Some(crate::core::merge::fingerprint(&content));
        }
        (run.journal)(rec);
        let files = Files {
            list: rec.attachments.clone(),
            detached: rec.detached.clone(),
        };
        let attempt = Attempt {
            client_request_id: Some(attempt_id.clone()),
            retry: tries.attempt,
        };
        let out = save_with_files(client, job, &files, &attempt, run.progress).await;
        if out.info.unkeyed {
            keyed = false;
        }
        info.adopted |= out.info.adopted;
        info.unkeyed |= out.info.unkeyed;
        apply(rec, &content, &out);
        if out.result.is_ok() {
            rec.sending = None;
        }
        if let Some(m) = &out.merge {
            if out.result.is_err() && m.merged.conflict() {
                // Changed in Outlook where this text changed too: kept as a
                // conflict copy, never saved over; the form settles it.
                rec.conflict = true;
                rec.queued = false;
                (run.journal)(rec);
                return Err(SyncFailure::fin(
                    "the draft was changed in Outlook too, where this text changed: nothing was saved over it; your text is kept in the local journal, and opening graft (it is offered at the start) shows both versions".to_string(),
                ));
            }
            rec.seen = (m.merged.body == crate::core::merge::Body::Theirs)
                .then(|| crate::core::merge::fingerprint_html(&m.theirs.html));
            if out.result.is_ok() {
                rec.fields = crate::core::record::Fields::of(&m.merged.content);
            }
        }
        // Refused with an answer (throttled, invalid): nothing was made.
        if creates
            && rec.server_id.is_none()
            && out.result.as_ref().is_err_and(|f| !f.may_have_applied())
        {
            rec.create_uncertain = was_uncertain;
        }
        let failure = match (&out.result, &out.files.failed) {
            (Ok(saved), None) => {
                rec.queued = false;
                (run.journal)(rec);
                return Ok(Done {
                    saved: saved.clone(),
                    info: SaveInfo {
                        elsewhere: None,
                        ..info
                    },
                });
            }
            (Ok(_), Some((name, f))) => {
                (run.journal)(rec);
                SyncFailure {
                    message: format!("the message is saved but attaching {name} failed: {f}"),
                    retryable: None,
                    error: Some(f.clone()),
                }
            }
            (Err(e), _) => {
                (run.journal)(rec);
                if let Some(w) = &out.info.elsewhere {
                    return Err(SyncFailure::fin(elsewhere_message(w)));
                }
                let mut message = e.to_string();
                if e.status == Some(403) {
                    message = format!("{message}. {}", permission_hint(rec.user.as_deref()));
                }
                SyncFailure {
                    message,
                    retryable: None,
                    error: Some(e.clone()),
                }
            }
        };
        let f = failure.error.clone().unwrap_or_else(|| {
            graph::Error::local(crate::graph::FailureKind::Http, "Failed", &failure.message)
        });
        let jitter = uuid::Uuid::new_v4().as_u128() as u64;
        let Some(wait) = tries.after(&f, Some(jitter)) else {
            return Err(SyncFailure {
                retryable: crate::graph::retry::retryable(&f).then_some(f),
                ..failure
            });
        };
        (run.on_wait)(&f, wait);
        tokio::time::sleep(wait).await;
    }
}

/// What a draft found elsewhere means for the text a save still holds.
fn elsewhere_message(w: &Whereabouts) -> String {
    match w {
        Whereabouts::Sent(_) => "the draft was sent from Outlook since; open graft to save this text as a new draft".to_string(),
        Whereabouts::Deleted(_) => "the draft was deleted in Outlook (it is in Deleted Items); open graft to save this text as a new draft".to_string(),
        _ => "the draft is gone on the server (sent or deleted elsewhere); open graft to save it as a new one".to_string(),
    }
}

/// Brings the server up to date with one journal by the one retry policy
/// (no answer: for as long as `offline_tries` allows, `None` without end;
/// a busy service: a few times). `on_wait` hears each wait; `journal`
/// keeps the record's progress (its file is the caller's to remove).
pub async fn sync_with_retries(
    client: &GraphClient,
    rec: &mut JournalRecord,
    offline_tries: Option<u32>,
    on_wait: &mut (dyn FnMut(&graph::Error, Duration) + Send),
    journal: &mut (dyn FnMut(&JournalRecord) + Send),
) -> Result<SavedMessage, SyncFailure> {
    let limits = crate::graph::retry::Limits {
        offline: offline_tries,
        ..crate::graph::retry::Limits::KEEP_TRYING
    };
    let mut progress = |_: &str, _: u64, _: u64| {};
    save_record(
        client,
        rec,
        Run {
            limits,
            on_wait,
            progress: &mut progress,
            journal,
        },
    )
    .await
    .map(|d| d.saved)
}
