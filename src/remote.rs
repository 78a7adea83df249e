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
    }
}

fn encode(id: &str) -> String {
    percent_encoding::utf8_percent_encode(id, percent_encoding::NON_ALPHANUMERIC).to_string()
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
    let mut rows: Vec<(HistoryEntry, Result<Value, crate::graph::GraphFailure>)> = Vec::new();
    for chunk in entries.chunks(crate::batch::MAX_PER_BATCH) {
        let requests: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let owner = if e.owner.is_empty() { "me" } else { e.owner.as_str() };
                json!({
                    "id": i.to_string(),
                    "method": "GET",
                    "url": format!(
                        "/{owner}/messages/{}?$select=id,subject,lastModifiedDateTime,isDraft,webLink,hasAttachments",
                        encode(&e.id)
                    ),
                })
            })
            .collect();
        let answers = rt.block_on(s.client.batch(&requests)).map_err(|f| {
            (
                exit_code_for(&f),
                format!("cannot reach Graph: {}", describe_failure(&f)),
            )
        })?;
        rows.extend(chunk.iter().cloned().zip(answers));
    }
    let mut gone = Vec::new();
    let mut json_rows = Vec::new();
    for (e, r) in &rows {
        let (state, subject, when, link) = match r {
            Ok(v) => {
                let s =
                    |k: &str| crate::sanitize::line(v.get(k).and_then(Value::as_str).unwrap_or(""));
                let state = if v.get("isDraft") == Some(&Value::Bool(false)) {
                    "sent"
                } else {
                    "draft"
                };
                (
                    state.to_string(),
                    s("subject"),
                    s("lastModifiedDateTime"),
                    s("webLink"),
                )
            }
            Err(f) if f.status == Some(404) => {
                gone.push(e.id.clone());
                (
                    "gone".into(),
                    e.subject.clone(),
                    e.saved.clone(),
                    String::new(),
                )
            }
            Err(f) => (
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
    if !gone.is_empty() {
        let mut list = history::load(&path);
        list.retain(|e| !gone.contains(&e.id));
        if let Ok(json) = serde_json::to_vec(&list) {
            let _ = crate::fsutil::write_atomic(&path, &json);
        }
    }
    Ok(())
}
