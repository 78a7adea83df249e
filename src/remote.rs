//! `graft drafts --remote`, and keeping the history of drafts graft made
//! (the form and `graft draft` both add to it, per profile).

use crate::app::history::{self, HistoryEntry};
use crate::cli::Cli;
use crate::commands::{Failure, Session, describe_failure, exit, exit_code_for};
use serde_json::{Value, json};
use std::io::Write;

/// The history file of the session's profile (none for the demo, whose mailbox ends with it).
pub fn history_path(s: &Session, demo: bool) -> Option<std::path::PathBuf> {
    if demo {
        return None;
    }
    history::path(&crate::commands::profile_name(s, demo))
}

/// Adds drafts to the profile's history (best effort: a failure only loses the list entry).
pub fn record(s: &Session, demo: bool, entries: Vec<HistoryEntry>) {
    let Some(path) = history_path(s, demo) else {
        return;
    };
    let mut list = history::load(&path);
    for e in entries.into_iter().rev() {
        history::upsert(&mut list, e);
    }
    if let Some(dir) = path.parent() {
        let _ = crate::fsutil::private_dir(dir);
    }
    if let Ok(json) = serde_json::to_vec(&list) {
        let _ = crate::fsutil::write_atomic(&path, &json);
    }
}

/// A history entry for a draft just saved.
pub fn entry(
    s: &Session,
    key: &str,
    subject: &str,
    format: crate::draft::content::BodyFormat,
    saved: &crate::graph::SavedMessage,
) -> HistoryEntry {
    HistoryEntry {
        id: saved.id.clone(),
        key: key.to_string(),
        subject: crate::sanitize::line(subject),
        saved: if saved.last_modified.is_empty() {
            saved.created.clone()
        } else {
            saved.last_modified.clone()
        },
        folder: s.target.folder_label(),
        web_link: saved.web_link.clone(),
        owner: s.target.owner.clone(),
        format: Some(format),
    }
}

/// The mailbox a history entry's `owner` names (`me`, `users/…`).
fn owner_user(owner: &str) -> Option<&str> {
    owner.strip_prefix("users/")
}

/// `graft drafts --remote`: the drafts graft saved in this profile, as Outlook has them now.
pub fn list(cli: &Cli, json_out: bool) -> Result<(), Failure> {
    let s = crate::commands::session(cli)?;
    let Some(path) = history_path(&s, cli.demo) else {
        return Err((exit::USAGE, "the demo keeps no history between runs".into()));
    };
    let entries = history::load(&path);
    let mut out = std::io::stdout();
    if entries.is_empty() {
        if json_out {
            let _ = writeln!(out, "[]");
        } else {
            let _ = writeln!(out, "No drafts saved from graft in this profile yet.");
        }
        return Ok(());
    }
    let rt = crate::commands::runtime()?;
    let rows = rt.block_on(where_now(&s.client, &entries)).map_err(|f| {
        (
            exit_code_for(&f),
            format!("cannot reach Graph: {}", describe_failure(&f)),
        )
    })?;
    let mut gone = Vec::new();
    let mut moved: Vec<(String, String)> = Vec::new();
    let mut json_rows = Vec::new();
    for (e, r) in &rows {
        let (state, subject, when, link) = match r {
            Now::Found { state, message } => {
                let s = |k: &str| {
                    crate::sanitize::line(message.get(k).and_then(Value::as_str).unwrap_or(""))
                };
                let id = s("id");
                if !id.is_empty() && id != e.id {
                    moved.push((e.id.clone(), id));
                }
                (
                    state.to_string(),
                    s("subject"),
                    s("lastModifiedDateTime"),
                    s("webLink"),
                )
            }
            Now::Gone => {
                gone.push(e.id.clone());
                (
                    "gone".into(),
                    e.subject.clone(),
                    e.saved.clone(),
                    String::new(),
                )
            }
            Now::Unknown(f) => (
                format!("unknown ({} {})", f.status.unwrap_or(0), f.code),
                e.subject.clone(),
                e.saved.clone(),
                e.web_link.clone(),
            ),
        };
        if json_out {
            json_rows.push(json!({
                "id": e.id, "subject": subject, "lastModifiedDateTime": when,
                "folder": e.folder, "mailbox": e.owner, "webLink": link, "state": state,
            }));
        } else {
            let subject = if subject.is_empty() {
                "(no subject)".to_string()
            } else {
                subject
            };
            let _ = writeln!(
                out,
                "{}  {:<6} {:<8} {subject}",
                when.replace('T', " ").trim_end_matches('Z'),
                state,
                e.folder
            );
            if !link.is_empty() {
                let _ = writeln!(
                    out,
                    "    {}",
                    crate::run::hyperlink(
                        &link,
                        std::io::IsTerminal::is_terminal(&std::io::stdout())
                    )
                );
            }
        }
    }
    if json_out {
        let _ = writeln!(out, "{}", Value::Array(json_rows));
    } else if !gone.is_empty() {
        let _ = writeln!(
            out,
            "{} sent or deleted elsewhere; dropped from the history.",
            gone.len()
        );
    }
    if !gone.is_empty() || !moved.is_empty() {
        // Gone ones leave the list; moved ones (sent, deleted, refiled) are
        // kept under their id now.
        let mut list = history::load(&path);
        list.retain(|e| !gone.contains(&e.id));
        for e in &mut list {
            if let Some((_, now)) = moved.iter().find(|(was, _)| *was == e.id) {
                e.id = now.clone();
            }
        }
        if let Ok(json) = serde_json::to_vec(&list) {
            let _ = crate::fsutil::write_atomic(&path, &json);
        }
    }
    Ok(())
}

/// What Outlook has now for one history entry.
pub enum Now {
    /// `draft`, `sent` or `deleted`, and the message (`$select`ed fields).
    Found {
        state: &'static str,
        message: Value,
    },
    Gone,
    Unknown(crate::graph::GraphFailure),
}

const LIST_FIELDS: &str =
    "id,subject,lastModifiedDateTime,isDraft,webLink,hasAttachments,parentFolderId";

/// Each entry as Outlook has it now, in `$batch` requests of 20: first by
/// id; an id that no longer answers (the draft moved, was sent or deleted,
/// each of which gives it a new REST id) by the draft's client key.
pub async fn where_now(
    client: &crate::graph::GraphClient,
    entries: &[HistoryEntry],
) -> Result<Vec<(HistoryEntry, Now)>, crate::graph::GraphFailure> {
    let mut by_id: Vec<Result<Value, crate::graph::GraphFailure>> = Vec::new();
    for chunk in entries.chunks(crate::batch::MAX_PER_BATCH) {
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
    let mut by_key: std::collections::HashMap<usize, Result<Value, crate::graph::GraphFailure>> =
        Default::default();
    for chunk in lost.chunks(crate::batch::MAX_PER_BATCH) {
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
    let state_of = |m: &Value| -> &'static str {
        if m.get("isDraft") == Some(&Value::Bool(false)) {
            "sent"
        } else if trash.is_some()
            && m.get("parentFolderId").and_then(Value::as_str) == trash.as_deref()
        {
            "deleted"
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
                    state: state_of(&message),
                    message,
                },
                Err(f) if f.status == Some(404) => match by_key.remove(&i) {
                    Some(Ok(list)) => match list["value"].as_array().and_then(|l| l.first()) {
                        Some(m) => Now::Found {
                            state: state_of(m),
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
