//! What the subcommands share: one save through the service's save path,
//! finishing a draft an earlier run left, and the exit code for Graph's answer.

use super::progress;
use crate::cli::progress::progress_printer;
use crate::config::Error;
use crate::config::exit;
use crate::config::session::Session;

/// Exit code for a failed Graph call.
pub(crate) fn exit_code_for(f: &crate::graph::Error) -> u8 {
    use crate::graph::FailureKind;
    match (f.kind, f.status) {
        (FailureKind::NoToken | FailureKind::SignInNeeded, _) => exit::SIGN_IN,
        (FailureKind::File, _) => exit::USAGE,
        (_, Some(401)) | (_, Some(403)) => exit::SIGN_IN,
        (_, Some(st)) if (400..500).contains(&st) && st != 429 => exit::REJECTED,
        _ => exit::SERVICE,
    }
}

/// One draft through the one save path without the form (`graft draft`,
/// `graft reply`): the record is journalled before anything leaves and
/// after each step; on success its file goes (and `claim`, an earlier
/// run's file this one finishes); a failure that may still complete
/// (the server may have acted, or it was busy or out of reach) keeps it
/// for `graft sync` or the next start, and says so.
pub(crate) fn save_one(
    s: &Session,
    rt: &tokio::runtime::Runtime,
    rec: &mut crate::core::record::JournalRecord,
    store: Option<&crate::store::journal::JournalStore>,
    claim: Option<crate::store::journal::Claim>,
    (retries, quiet): (u32, bool),
) -> Result<crate::service::save::Done, Error> {
    use std::io::{IsTerminal, Write};
    let mut on_wait = |f: &crate::graph::Error, wait: std::time::Duration| {
        if !quiet {
            let why = match f.status {
                Some(st) => format!("{st} {}", f.code),
                None => f.message.clone(),
            };
            let _ = writeln!(
                std::io::stderr(),
                "graft: {why}; retrying in {} s",
                crate::graph::retry::whole_seconds(wait)
            );
        }
    };
    let mut progress = progress_printer(!quiet && std::io::stderr().is_terminal());
    let mut journal = |r: &crate::core::record::JournalRecord| {
        if let Some(store) = store
            && let Err(e) = store.write(r)
        {
            tracing::warn!(error = %e, "journal write failed");
        }
    };
    let result = rt.block_on(crate::service::save::save_record(
        &s.client,
        rec,
        crate::service::save::Run {
            limits: crate::graph::retry::Limits::at_most(retries),
            on_wait: &mut on_wait,
            progress: &mut progress,
            journal: &mut journal,
        },
    ));
    progress::end(!quiet && std::io::stderr().is_terminal());
    match result {
        Ok(done) => {
            if let Some(store) = store {
                let _ = store.remove(&rec.key);
            }
            if let Some(c) = claim {
                let _ = c.remove();
            }
            Ok(done)
        }
        Err(e) => {
            let unfinished = rec.server_id.is_some()
                || rec.create_uncertain && e.error.as_ref().is_some_and(|f| f.may_have_applied())
                || e.retryable.is_some();
            let code = e.error.as_ref().map(exit_code_for).unwrap_or(exit::USAGE);
            let mut message = e.message;
            match store {
                Some(store) if rec.conflict => {
                    message.push_str(&format!(" ({})", store.path(&rec.key).display()));
                    store.release(&rec.key);
                    if let Some(c) = claim {
                        let _ = c.remove();
                    }
                }
                Some(store) if unfinished => {
                    message.push_str(&format!(
                        "\n  the draft is kept in the local journal ({}): `graft sync` finishes it; running the same command again does too",
                        store.path(&rec.key).display()
                    ));
                    // This run's own file is left for the next; an earlier
                    // run's file it took over goes (its record lives on here).
                    store.release(&rec.key);
                    if let Some(c) = claim {
                        let _ = c.remove();
                    }
                }
                Some(store) => {
                    let _ = store.remove(&rec.key);
                }
                None => {}
            }
            Err(Error::new(code, message))
        }
    }
}

/// An earlier run's journal of the same draft that no running graft holds
/// (same mailbox, same `same` test), taken over: a rerun finishes what a
/// killed or failed run began instead of making another.
pub(crate) fn take_over(
    store: Option<&crate::store::journal::JournalStore>,
    s: &Session,
    demo: bool,
    same: impl Fn(&crate::core::record::JournalRecord) -> bool,
) -> Option<(
    crate::core::record::JournalRecord,
    crate::store::journal::Claim,
)> {
    let store = store?;
    let (orphans, _) = store.orphans();
    orphans
        .into_iter()
        .filter(|r| crate::service::recovery::same_mailbox(r, &s.mailbox, &s.graph_url, demo))
        .filter(|r| r.folder == s.mailbox.folder)
        .filter(|r| same(r))
        .find_map(|r| store.claim(&r).map(|c| (r, c)))
}
