//! `graft sync`: completes the saves earlier sessions queued.

use super::drafts;
use crate::config::Error;
use crate::config::args::Cli;
use crate::config::session::journal_store;
use crate::config::session::runtime;
use crate::config::session::session;
use std::io::Write;

pub(crate) fn run_sync(cli: &Cli) -> Result<(), Error> {
    let s = session(cli)?;
    let store = journal_store(cli.demo).map_err(Error::service)?;
    let (records, _) = store.orphans();
    let (queued, elsewhere): (Vec<_>, Vec<_>) =
        records.into_iter().filter(|r| r.queued).partition(|r| {
            crate::service::recovery::same_mailbox(r, &s.mailbox, &s.graph_url, cli.demo)
        });
    let rt = runtime()?;
    let mut failed = 0;
    let mut out = std::io::stdout();
    for r in &elsewhere {
        // Queued for another Graph root or mailbox: say which, and how.
        let _ = writeln!(
            out,
            "skipped {}  queued for {}{}; run graft sync --graph-url {}{} to save it",
            r.title(),
            r.graph_url,
            r.user
                .as_ref()
                .map(|u| format!(" (mailbox {u})"))
                .unwrap_or_default(),
            r.graph_url,
            r.user
                .as_ref()
                .map(|u| format!(" --user {u}"))
                .unwrap_or_default(),
        );
    }
    if queued.is_empty() && elsewhere.is_empty() {
        let _ = writeln!(out, "Nothing queued.");
    }
    for rec in queued {
        // Another graft may be completing it right now: it is theirs.
        let Some(claim) = store.claim(&rec) else {
            let _ = writeln!(
                out,
                "skipped {}  another graft is saving it or has it open",
                rec.title()
            );
            continue;
        };
        // The record goes on in this run's own file (the claim keeps the
        // earlier one until this run is done with it).
        let mut rec = rec;
        let mut journal = |r: &crate::core::record::JournalRecord| {
            let _ = store.write(r);
        };
        let mut on_wait = |_: &crate::graph::Error, _: std::time::Duration| {};
        match rt.block_on(crate::service::save::sync_with_retries(
            &s.client,
            &mut rec,
            Some(0),
            &mut on_wait,
            &mut journal,
        )) {
            Ok(saved) => {
                let _ = store.remove(&rec.key);
                let _ = claim.remove();
                if let Some(dir) = crate::store::sources::dir(cli.demo) {
                    crate::store::sources::write(
                        &dir,
                        &rec.key,
                        &rec.source(&saved.id, &saved.change_key),
                    );
                }
                // Saved drafts join the history (F6, `graft drafts --remote`).
                let subject = rec
                    .saved
                    .as_ref()
                    .map(|c| c.subject.clone())
                    .unwrap_or_else(|| rec.fields.subject.clone());
                let mut entry = drafts::entry(&s, &rec.key, &subject, rec.format, &saved);
                entry.answers = rec.answer.as_ref().map(|a| a.title()).unwrap_or_default();
                drafts::record(&s, cli.demo, vec![entry]);
                let _ = writeln!(
                    out,
                    "saved  {}  {} {}\n    {}",
                    rec.title(),
                    saved.status,
                    saved.status_text,
                    saved.web_link
                );
            }
            Err(e) => {
                failed += 1;
                let word = if rec.conflict { "kept  " } else { "queued" };
                let _ = writeln!(out, "{word} {}  {e}", rec.title());
                // Its progress is in this run's file now; the earlier one goes.
                store.release(&rec.key);
                let _ = claim.remove();
            }
        }
    }
    if failed > 0 {
        return Err(Error::service(format!(
            "{} still queued",
            crate::util::count(failed, "draft is", "drafts are")
        )));
    }
    Ok(())
}
