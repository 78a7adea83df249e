//! `graft drafts --remote`, and the history entries `graft draft` adds.

use super::shared::exit_code_for;
use crate::config::Error;
use crate::config::args::Cli;
use crate::config::session::Session;
use crate::config::session::journal_store;
use crate::core::history::HistoryEntry;
use crate::service::remote::{Now, where_now};
use crate::store::history;
use serde_json::{Value, json};
use std::io::Write;

/// Adds drafts to the profile's history (best effort: a failure only loses the list entry).
pub(crate) fn record(s: &Session, demo: bool, entries: Vec<HistoryEntry>) {
    let Some(path) = s.history_path(demo) else {
        return;
    };
    history::add(&path, entries);
}

/// A history entry for a draft just saved.
pub(crate) fn entry(
    s: &Session,
    key: &str,
    subject: &str,
    format: crate::core::content::BodyFormat,
    saved: &crate::graph::SavedMessage,
) -> HistoryEntry {
    HistoryEntry {
        id: saved.id.clone(),
        key: key.to_string(),
        subject: crate::util::sanitize::line(subject),
        saved: if saved.last_modified.is_empty() {
            saved.created.clone()
        } else {
            saved.last_modified.clone()
        },
        folder: s.mailbox.folder_label(),
        web_link: saved.web_link.clone(),
        owner: s.mailbox.owner_label(),
        format: Some(format),
        answers: String::new(),
        change_key: saved.change_key.clone(),
    }
}

/// `graft drafts --remote`: the drafts graft saved in this profile, as Outlook has them now.
pub(crate) fn list(cli: &Cli, json_out: bool) -> Result<(), Error> {
    let s = crate::config::session::session(cli)?;
    let Some(path) = s.history_path(cli.demo) else {
        return Err(Error::usage("the demo keeps no history between runs"));
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
    let rt = crate::config::session::runtime()?;
    let rows = rt
        .block_on(where_now(&s.client, &entries))
        .map_err(|f| Error::new(exit_code_for(&f), format!("cannot reach Graph: {}", f)))?;
    let mut gone = Vec::new();
    let mut moved: Vec<(String, String)> = Vec::new();
    let mut json_rows = Vec::new();
    for (e, r) in &rows {
        let (state, subject, when, link) = match r {
            Now::Found { state, message } => {
                let s = |k: &str| {
                    crate::util::sanitize::line(
                        message.get(k).and_then(Value::as_str).unwrap_or(""),
                    )
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
                "{}  {:<7} {:<8} {subject}",
                crate::util::local_time(&when),
                state,
                e.folder
            );
            if !link.is_empty() {
                let _ = writeln!(
                    out,
                    "    {}",
                    crate::terminal::osc::hyperlink(
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
            let _ = crate::util::fs::write_atomic(&path, &json);
        }
    }
    Ok(())
}

/// `graft drafts --remote --delete ID…`: deletes drafts graft saved (in
/// this profile's history) from Outlook, to Deleted Items, and drops them
/// from the history. Only drafts: a sent message is not touched.
pub(crate) fn delete(cli: &Cli, wanted: &[String]) -> Result<(), Error> {
    let s = crate::config::session::session(cli)?;
    let Some(path) = s.history_path(cli.demo) else {
        return Err(Error::usage("the demo keeps no history between runs"));
    };
    let entries = history::load(&path);
    let rt = crate::config::session::runtime()?;
    let mut out = std::io::stdout();
    let mut deleted = Vec::new();
    for w in wanted {
        let id = crate::core::answer::message_id_from(w).unwrap_or_else(|| w.trim().to_string());
        let Some(e) = entries
            .iter()
            .find(|e| e.id == id || e.web_link == w.trim())
        else {
            return Err(Error::usage(format!(
                "'{}' is not a draft graft saved in this profile (`graft drafts --remote` lists them)",
                crate::util::sanitize::line(w)
            )));
        };
        let still_draft = rt
            .block_on(s.client.message_json(&e.id, false))
            .map(|m| m.get("isDraft") != Some(&Value::Bool(false)))
            .map_err(|f| Error::new(exit_code_for(&f), format!("{}: {f}", e.subject)))?;
        if !still_draft {
            let _ = writeln!(out, "kept {}: it has been sent", e.subject);
            continue;
        }
        rt.block_on(s.client.delete_message(&e.id))
            .map_err(|f| Error::new(exit_code_for(&f), format!("{}: {f}", e.subject)))?;
        let _ = writeln!(out, "deleted {} (it is in Deleted Items)", e.subject);
        deleted.push(e.id.clone());
    }
    if !deleted.is_empty() {
        let mut list = history::load(&path);
        list.retain(|e| !deleted.contains(&e.id));
        if let Ok(json) = serde_json::to_vec(&list) {
            let _ = crate::util::fs::write_atomic(&path, &json);
        }
    }
    Ok(())
}

/// `graft drafts`: the local copies, newest first as the journal lists
/// them; with `--json`, one object each (unreadable files as well).
pub(crate) fn local(cli: &Cli, json_out: bool) -> Result<(), Error> {
    let store = journal_store(cli.demo).map_err(Error::service)?;
    let (records, unreadable) = store.list();
    let mut out = std::io::stdout();
    if json_out {
        let mut rows: Vec<Value> = records
            .iter()
            .map(|r| {
                json!({
                    "key": r.key, "subject": r.fields.subject, "to": r.fields.to,
                    "state": r.state(), "queued": r.queued, "updated": r.updated,
                    "id": r.server_id, "webLink": r.web_link,
                    "openIn": store.open_elsewhere(r).then_some(r.pid),
                    "path": store.record_path(r),
                })
            })
            .collect();
        rows.extend(
            unreadable
                .iter()
                .map(|u| json!({"path": u.path, "unreadable": u.reason})),
        );
        let _ = writeln!(out, "{}", Value::Array(rows));
        return Ok(());
    }
    if records.is_empty() && unreadable.is_empty() {
        let _ = writeln!(out, "No local drafts in {}.", store.dir().display());
    }
    for r in &records {
        let owner = if store.open_elsewhere(r) {
            format!(
                " (open in a running graft: pid {}{})",
                r.pid,
                if r.host.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", r.host)
                }
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "{}  {:<20} {}{}\n    {}",
            crate::util::local_time(&r.updated),
            r.state(),
            r.title(),
            owner,
            store.record_path(r).display()
        );
    }
    for u in &unreadable {
        let _ = writeln!(
            out,
            "unreadable: {} ({}) — kept",
            u.path.display(),
            u.reason
        );
    }
    Ok(())
}

/// `graft drafts --rm KEY… / --rm-older-than DAYS`: deletes local copies.
/// A draft open in a running graft is never touched (it is claimed first,
/// as recovery does), and an age limit keeps drafts still queued for a save.
pub(crate) fn remove(cli: &Cli, keys: &[String], older_than: Option<u64>) -> Result<(), Error> {
    let store = journal_store(cli.demo).map_err(Error::service)?;
    let (records, _) = store.list();
    let mut out = std::io::stdout();
    let mut removed = 0;
    for key in keys {
        let found: Vec<_> = records
            .iter()
            .filter(|r| {
                let file = store.record_path(r);
                let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
                r.key == *key || (key.len() >= 6 && name.starts_with(key.as_str()))
            })
            .collect();
        match found.as_slice() {
            [] => {
                return Err(Error::usage(format!(
                    "no local draft '{key}' (`graft drafts` lists them)"
                )));
            }
            [r] => removed += remove_one(&store, r, &mut out)?,
            _ => {
                return Err(Error::usage(format!(
                    "'{key}' names {} drafts; give more of it",
                    found.len()
                )));
            }
        }
    }
    if let Some(days) = older_than {
        let limit = days.saturating_mul(86_400);
        for r in &records {
            let age = age_secs(&r.updated);
            if !r.queued && age.is_some_and(|a| a >= limit) {
                removed += remove_one(&store, r, &mut out)?;
            }
        }
    }
    let _ = writeln!(
        out,
        "{} deleted.",
        crate::util::count(removed, "local draft", "local drafts")
    );
    Ok(())
}

fn remove_one(
    store: &crate::store::journal::JournalStore,
    r: &crate::core::record::JournalRecord,
    out: &mut impl Write,
) -> Result<usize, Error> {
    let Some(claim) = store.claim(r) else {
        let _ = writeln!(out, "kept {}: open in a running graft", r.title());
        return Ok(0);
    };
    claim
        .remove()
        .map_err(|e| Error::service(format!("{}: {e}", store.record_path(r).display())))?;
    let _ = writeln!(out, "deleted {} ({})", r.title(), r.state());
    Ok(1)
}

/// How long ago `rfc3339` was, in seconds (`None` if it does not parse).
fn age_secs(rfc3339: &str) -> Option<u64> {
    let then = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    u64::try_from((time::OffsetDateTime::now_utc() - then).whole_seconds()).ok()
}
