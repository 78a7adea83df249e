//! Where the drafts graft saved are now, as Outlook has them: by id first,
//! then (for ids that moved, were sent or deleted) by their client key;
//! and one such draft loaded whole, to continue it.

use crate::core::history::HistoryEntry;
use serde_json::{Value, json};

/// The mailbox a history entry's `owner` names (`me`, `users/…`).
pub(crate) fn owner_user(owner: &str) -> Option<&str> {
    owner.strip_prefix("users/")
}

/// What Outlook has now for one history entry.
pub(crate) enum Now {
    /// `draft`, `sent` or `deleted`, and the message (`$select`ed fields).
    Found {
        state: &'static str,
        message: Value,
    },
    Gone,
    Unknown(crate::graph::Error),
}

const LIST_FIELDS: &str =
    "id,subject,lastModifiedDateTime,isDraft,webLink,hasAttachments,parentFolderId,changeKey";

/// Each entry as Outlook has it now, in `$batch` requests of 20: first by
/// id; an id that no longer answers (the draft moved, was sent or deleted,
/// each of which gives it a new REST id) by the draft's client key.
pub(crate) async fn where_now(
    client: &crate::graph::GraphClient,
    entries: &[HistoryEntry],
) -> Result<Vec<(HistoryEntry, Now)>, crate::graph::Error> {
    let mut by_id: Vec<Result<Value, crate::graph::Error>> = Vec::new();
    for chunk in entries.chunks(crate::service::batch::MAX_PER_BATCH) {
        let requests: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let mut url = client.url_in(owner_user(&e.owner), &["messages", &e.id]);
                url.query_pairs_mut().append_pair("$select", LIST_FIELDS);
                json!({"id": i.to_string(), "method": "GET", "url": client.relative(&url)})
            })
            .collect();
        by_id.extend(client.batch(&requests).await?);
    }
    // The ones to look for by key.
    let lost: Vec<usize> = by_id
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r, Err(f) if f.status == Some(404)))
        .map(|(i, _)| i)
        .collect();
    let mut by_key: std::collections::HashMap<usize, Result<Value, crate::graph::Error>> =
        Default::default();
    for chunk in lost.chunks(crate::service::batch::MAX_PER_BATCH) {
        let requests: Vec<Value> = chunk
            .iter()
            .map(|i| {
                let e = &entries[*i];
                let url = client.find_by_key_url_in(owner_user(&e.owner), &e.key);
                json!({"id": i.to_string(), "method": "GET", "url": client.relative(&url)})
            })
            .collect();
        let answers = client.batch(&requests).await?;
        by_key.extend(chunk.iter().copied().zip(answers));
    }
    let trash = if by_id.iter().any(Result::is_ok) || !by_key.is_empty() {
        Some(client.folder_id("deleteditems").await?)
    } else {
        None
    };
    let state_of = |m: &Value, e: &HistoryEntry| -> &'static str {
        let key = m.get("changeKey").and_then(Value::as_str).unwrap_or("");
        if m.get("isDraft") == Some(&Value::Bool(false)) {
            "sent"
        } else if trash.is_some()
            && m.get("parentFolderId").and_then(Value::as_str) == trash.as_deref()
        {
            "deleted"
        } else if !e.change_key.is_empty() && !key.is_empty() && key != e.change_key {
            // Another version than graft's last: edited in Outlook since.
            "changed"
        } else {
            "draft"
        }
    };
    Ok(entries
        .iter()
        .cloned()
        .zip(by_id)
        .enumerate()
        .map(|(i, (e, r))| {
            let now = match r {
                Ok(message) => Now::Found {
                    state: state_of(&message, &e),
                    message,
                },
                Err(f) if f.status == Some(404) => match by_key.remove(&i) {
                    Some(Ok(list)) => match list["value"].as_array().and_then(|l| l.first()) {
                        Some(m) => Now::Found {
                            state: state_of(m, &e),
                            message: m.clone(),
                        },
                        None => Now::Gone,
                    },
                    Some(Err(f)) => Now::Unknown(f),
                    None => Now::Gone,
                },
                Err(f) => Now::Unknown(f),
            };
            (e, now)
        })
        .collect())
}

/// A draft loaded from Graph: its id now (a draft the user moved has a new
/// one), its JSON and its attachments (id, name, size).
#[derive(Clone, Debug, PartialEq)]
pub struct Loaded {
    pub id: String,
    pub message: serde_json::Value,
    pub attachments: Vec<crate::graph::upload::RemoteAttachment>,
    /// What graft wrote, if it kept it (`store::sources`): given back when
    /// the server still holds that version.
    pub source: Option<crate::store::sources::Source>,
}

/// Why a draft from the history could not be loaded.
#[derive(Clone, Debug, PartialEq)]
pub enum LoadFailure {
    Failed(crate::graph::Error),
    /// It was sent (it is in Sent Items now).
    Sent,
    /// The user deleted it (it is in Deleted Items).
    Deleted,
    /// It is nowhere in the mailbox.
    Gone,
}

/// A draft and its attachment list, for continuing it in the form. An id
/// that no longer answers (the draft moved, was sent or deleted: every move
/// gives a message a new REST id) is followed by the draft's client key.
pub(crate) async fn load(
    client: &crate::graph::GraphClient,
    id: &str,
    key: &str,
    text: bool,
) -> Result<Loaded, LoadFailure> {
    use crate::graph::Whereabouts;
    use LoadFailure;
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
    Ok(Loaded {
        id,
        message,
        attachments,
        source: None,
    })
}
