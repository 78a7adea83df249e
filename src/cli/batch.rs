//! `graft draft --batch`: reads the file, creates each draft once, reports
//! each line.

use super::exit_code_for;
use crate::config::Error;
use crate::graph::SavedMessage;
use crate::service::batch::{Item, LineResult, create_all, parse};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

/// The file's lines as drafts to make, every line checked before anything
/// is sent.
fn read_items(file: &Path) -> Result<Vec<Item>, Error> {
    let (text, base) = if file.as_os_str() == "-" {
        let mut buf = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Error::usage(format!("--batch -: {e}")))?;
        (buf, PathBuf::from("."))
    } else {
        let t = std::fs::read_to_string(file)
            .map_err(|e| Error::usage(format!("--batch {}: {e}", file.display())))?;
        (t, file.parent().map(Path::to_path_buf).unwrap_or_default())
    };
    let items = parse(&text, &base).map_err(|errs| {
        Error::usage(format!(
            "--batch {}: nothing was sent.\n  {}",
            file.display(),
            errs.join("\n  ")
        ))
    })?;
    if items.is_empty() {
        return Err(Error::usage(format!(
            "--batch {}: no drafts in the file",
            file.display()
        )));
    }
    Ok(items)
}

/// `--again`: lines whose drafts were sent or deleted since are made anew,
/// each under a key of its own (derived from the old draft, so a rerun with
/// --again finds these instead of making more).
fn make_again(
    client: &crate::graph::GraphClient,
    rt: &tokio::runtime::Runtime,
    items: &[Item],
    results: &mut [LineResult],
    retries: u32,
    bar: &mut (impl FnMut(usize, usize) + Send),
) {
    // Lines whose drafts were sent or deleted since are made anew, each
    // under a key of its own (derived from the old draft, so a rerun
    // with --again finds these instead of making more).
    let redo: Vec<(usize, Item)> = items
        .iter()
        .zip(results.iter())
        .enumerate()
        .filter_map(|(i, (item, r))| match r {
            LineResult::Sent(old) | LineResult::Deleted(old) => Some((i, item.again(&old.id))),
            _ => None,
        })
        .collect();
    if !redo.is_empty() {
        let fresh: Vec<Item> = redo.iter().map(|(_, it)| it.clone()).collect();
        let made = rt.block_on(create_all(client, &fresh, retries, bar));
        for ((i, _), r) in redo.into_iter().zip(made) {
            results[i] = r;
        }
    }
}

/// `graft draft --batch`: reads, checks, creates, reports. Exit 0 only if every line worked.
pub fn run(
    cli: &crate::config::args::Cli,
    file: &Path,
    json_out: bool,
    retries: u32,
    again: bool,
) -> Result<(), Error> {
    let items = read_items(file)?;
    let s = super::session(cli)?;
    let rt = super::runtime()?;
    let tty = std::io::stderr().is_terminal() && !json_out;
    let mut bar = super::progress::count_printer(tty);
    let mut results = rt.block_on(create_all(&s.client, &items, retries, &mut bar));
    if again {
        make_again(&s.client, &rt, &items, &mut results, retries, &mut bar);
    }
    super::progress::end(tty);
    let made: Vec<_> = items
        .iter()
        .zip(&results)
        .filter_map(|(item, r)| match r {
            LineResult::Created(sv) | LineResult::Existing(sv) => Some(super::drafts::entry(
                &s,
                &item.key,
                &item.subject,
                item.format,
                sv,
            )),
            LineResult::Sent(_) | LineResult::Deleted(_) | LineResult::Failed(_) => None,
        })
        .collect();
    super::drafts::record(&s, cli.demo, made);
    let mut out = std::io::stdout();
    let mut worst = 0u8;
    let mut counts = [0usize; 4];
    for (item, r) in items.iter().zip(results) {
        let mut attach_failed = None;
        // The draft was there already: its attachments are reconciled, not added.
        let (state, saved, existing) = match r {
            LineResult::Created(sv) => {
                counts[0] += 1;
                ("created", Some(sv), false)
            }
            LineResult::Existing(sv) => {
                counts[1] += 1;
                ("existing", Some(sv), true)
            }
            LineResult::Sent(sv) | LineResult::Deleted(sv) => {
                counts[3] += 1;
                let state = if sv.is_draft { "deleted" } else { "sent" };
                print_line(&mut out, json_out, item, state, Some(&sv), None);
                continue;
            }
            LineResult::Failed(f) => {
                counts[2] += 1;
                worst = worst.max(exit_code_for(&f));
                print_line(
                    &mut out,
                    json_out,
                    item,
                    "failed",
                    None,
                    Some(&f.to_string()),
                );
                continue;
            }
        };
        if let Some(sv) = &saved {
            // Files too large for the create request; a rerun reconciles what is there.
            let needs = item.files.iter().any(|f| f.server_id.is_none());
            if needs {
                let mut p = super::progress_printer(tty);
                let o = rt.block_on(crate::graph::upload::attach_pending(
                    &s.client,
                    &sv.id,
                    &item.files,
                    existing,
                    &mut p,
                ));
                if let Some((name, f)) = o.failed {
                    worst = worst.max(exit_code_for(&f));
                    attach_failed = Some(format!("attaching {name} failed: {}", f));
                }
            }
        }
        print_line(
            &mut out,
            json_out,
            item,
            state,
            saved.as_ref(),
            attach_failed.as_deref(),
        );
    }
    if !json_out {
        let _ = writeln!(
            out,
            "{} created, {} already there, {} failed{} ({} lines).",
            counts[0],
            counts[1],
            counts[2],
            if counts[3] > 0 {
                format!(
                    ", {} sent or deleted since (--again makes them anew)",
                    counts[3]
                )
            } else {
                String::new()
            },
            items.len()
        );
    }
    if worst != 0 {
        return Err(Error::new(
            worst,
            format!(
                "{} of {} drafts failed{}",
                counts[2],
                items.len(),
                if counts[2] == 0 {
                    " (but an attachment did)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(())
}

fn print_line(
    out: &mut impl Write,
    json_out: bool,
    item: &Item,
    state: &str,
    saved: Option<&SavedMessage>,
    error: Option<&str>,
) {
    if json_out {
        let mut v = json!({"line": item.line, "status": state, "subject": item.subject});
        if let Some(s) = saved {
            v["id"] = json!(s.id);
            v["webLink"] = json!(s.web_link);
            v["createdDateTime"] = json!(s.created);
        }
        if let Some(e) = error {
            v["error"] = json!(e);
        }
        let _ = writeln!(out, "{v}");
    } else {
        match (saved, error) {
            (Some(s), None) => {
                let _ = writeln!(
                    out,
                    "line {:>3}: {state:<8} {}  {}",
                    item.line, s.id, s.web_link
                );
            }
            (Some(s), Some(e)) => {
                let _ = writeln!(out, "line {:>3}: {state:<8} {} but {e}", item.line, s.id);
            }
            (None, e) => {
                let _ = writeln!(out, "line {:>3}: failed   {}", item.line, e.unwrap_or(""));
            }
        }
    }
}
