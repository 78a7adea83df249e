//! `graft draft --batch`: reads the file, creates each draft once, reports
//! each line.

use super::shared::exit_code_for;
use crate::config::Error;
use crate::graph::SavedMessage;
use crate::service::batch::{Item, LineResult, Merge, Options, Source, WAVE, read};
use serde_json::json;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The source of `--batch FILE|-` (standard input is read whole; a file is
/// streamed, twice).
fn source(file: &Path) -> Result<Source, Error> {
    if file.as_os_str() == "-" {
        let mut buf = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Error::usage(format!("--batch -: {e}")))?;
        return Ok(Source::Text(buf));
    }
    Ok(Source::File(file.to_path_buf()))
}

/// What every line shares: the template (`--template`), the profile's
/// signature (unless `--no-signature`), the checks (unless `--force`).
fn options(
    cli: &crate::config::args::Cli,
    args: &crate::config::args::DraftArgs,
) -> Result<Options, Error> {
    if !args.var.is_empty() {
        return Err(Error::usage(
            "--var with --batch: each line's fields are the template's variables",
        ));
    }
    let settings = crate::config::session::settings(cli)?;
    let template = match &args.template {
        Some(name) => Some(
            crate::store::templates::load(crate::config::templates_dir().as_deref(), name)
                .map_err(Error::usage)?,
        ),
        None => None,
    };
    Ok(Options {
        template,
        today: crate::util::today(),
        signature: args.text.signature(settings.signature.as_ref()),
        checks: (!args.force).then_some(settings.checks),
    })
}

/// Every line checked before anything is sent: the keys of the good ones
/// (all of them, or nothing is sent) and how many there are.
fn check_all(
    file: &Path,
    src: &Source,
    opts: &Options,
) -> Result<(std::collections::HashSet<String>, usize), Error> {
    let mut keys = std::collections::HashSet::new();
    let lines = read(src, opts, &mut |item| {
        keys.insert(item.key);
    })
    .map_err(|errs| {
        Error::usage(format!(
            "--batch {}: nothing was sent.\n  {}",
            file.display(),
            errs.join("\n  ")
        ))
    })?;
    if lines == 0 {
        return Err(Error::usage(format!(
            "--batch {}: no drafts in the file",
            file.display()
        )));
    }
    Ok((keys, lines))
}

/// What the run did, line by line, for the summary and the exit code.
#[derive(Default)]
struct Report {
    worst: u8,
    /// created, existing, failed, sent or deleted since.
    counts: [usize; 4],
    lines: usize,
}

/// `graft draft --batch`: reads, checks, creates, reports. Exit 0 only if every line worked.
pub(crate) fn run(
    cli: &crate::config::args::Cli,
    args: &crate::config::args::DraftArgs,
) -> Result<(), Error> {
    let (json_out, retries, again) = (args.json, args.retries, args.again);
    let file = args.batch.as_deref().unwrap_or(Path::new("-"));
    let src = source(file)?;
    let opts = options(cli, args)?;
    let (keys, total) = check_all(file, &src, &opts)?;
    let s = crate::config::session::session(cli)?;
    // One merge into a mailbox at a time: two at once would both find
    // nothing made yet and make every line twice (and Outlook runs only a
    // few requests per mailbox at once anyway).
    let _merging = merge_lock(&s, cli.demo)?;
    let rt = crate::config::session::runtime()?;
    let tty = std::io::stderr().is_terminal() && !json_out;
    let mut merge = rt
        .block_on(Merge::start(&s.client, &keys, total, retries, again))
        .map_err(|f| {
            Error::new(
                exit_code_for(&f),
                format!("cannot list the drafts graft made before: {f}"),
            )
        })?;
    drop(keys);
    let mut bar = super::progress::merge_printer(tty);
    let mut out = std::io::stdout();
    let mut report = Report::default();
    let mut wave: Vec<Item> = Vec::with_capacity(WAVE);
    let run = Run {
        s: &s,
        demo: cli.demo,
        rt: &rt,
        tty,
        json_out,
    };
    let mut flush = |wave: &mut Vec<Item>, merge: &mut Merge, report: &mut Report| {
        let results = rt.block_on(merge.wave(wave, &mut bar));
        finish_wave(&run, wave, results, &mut out, report);
        wave.clear();
    };
    // The file was checked whole: reading it again cannot fail on a line
    // (a file changed in between is read as it is now, and checked again).
    read(&src, &opts, &mut |item| {
        wave.push(item);
        if wave.len() == WAVE {
            flush(&mut wave, &mut merge, &mut report);
        }
    })
    .map_err(|errs| {
        Error::usage(format!(
            "--batch {}: the file changed while it was read; the rest was not sent.\n  {}",
            file.display(),
            errs.join("\n  ")
        ))
    })?;
    if !wave.is_empty() {
        flush(&mut wave, &mut merge, &mut report);
    }
    super::progress::end(tty);
    let [created, existing, failed, gone] = report.counts;
    if !json_out {
        let _ = writeln!(
            out,
            "{created} created, {existing} already there, {failed} failed{} ({}). `graft drafts --remote` lists them with their links.",
            if gone > 0 {
                format!(", {gone} sent or deleted since (--again makes them anew)")
            } else {
                String::new()
            },
            crate::util::count(report.lines, "line", "lines")
        );
    }
    tracing::info!(
        requests = merge.tally.requests,
        throttled = merge.tally.throttled,
        lines = report.lines,
        "batch done"
    );
    if report.worst != 0 {
        return Err(Error::new(
            report.worst,
            format!(
                "{failed} of {} drafts failed{}",
                report.lines,
                if failed == 0 {
                    " (but an attachment did)"
                } else {
                    ""
                }
            ),
        ));
    }
    Ok(())
}

/// The mailbox's merge lock, waited for (and said) when another graft
/// holds it; no lock at all without a state directory.
fn merge_lock(
    s: &crate::config::session::Session,
    demo: bool,
) -> Result<Option<crate::store::journal::Held>, Error> {
    let Some(dir) = crate::store::journal::JournalStore::default_dir(demo) else {
        return Ok(None);
    };
    let mailbox = format!(
        "{}\n{}",
        s.graph_url,
        s.mailbox.user.as_deref().unwrap_or("me").to_lowercase()
    );
    let name = format!(
        "merge-{:016x}",
        mailbox.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
        })
    );
    match crate::store::journal::lock_named(&dir, &name) {
        Ok(Ok(held)) => Ok(Some(held)),
        Ok(Err(waiting)) => {
            let _ = writeln!(
                std::io::stderr(),
                "graft: another graft draft --batch is writing to this mailbox; waiting for it to finish (lines it made are not made again)…"
            );
            waiting
                .wait()
                .map(Some)
                .map_err(|e| Error::service(format!("cannot wait for the other merge: {e}")))
        }
        Err(e) => {
            tracing::warn!(error = %e, "no merge lock");
            Ok(None)
        }
    }
}

/// What finishing a wave needs of the run.
struct Run<'a> {
    s: &'a crate::config::session::Session,
    demo: bool,
    rt: &'a tokio::runtime::Runtime,
    /// Progress bars on standard error.
    tty: bool,
    json_out: bool,
}

/// A wave's lines: files too large for the create request uploaded, the
/// drafts added to the history, one report line each, in line order.
fn finish_wave(
    run: &Run,
    items: &[Item],
    results: Vec<LineResult>,
    out: &mut impl Write,
    report: &mut Report,
) {
    let Run {
        s,
        demo,
        rt,
        tty,
        json_out,
    } = *run;
    let made: Vec<_> = items
        .iter()
        .zip(&results)
        .filter_map(|(item, r)| match r {
            LineResult::Created(sv) | LineResult::Existing(sv) => Some(super::drafts::entry(
                s,
                &item.key,
                &item.subject,
                item.format,
                sv,
            )),
            LineResult::Sent(_) | LineResult::Deleted(_) | LineResult::Failed(_) => None,
        })
        .collect();
    super::drafts::record(s, demo, made);
    for (item, r) in items.iter().zip(results) {
        report.lines += 1;
        let mut attach_failed = None;
        // The draft was there already: its attachments are reconciled, not added.
        let (state, saved, existing) = match r {
            LineResult::Created(sv) => {
                report.counts[0] += 1;
                ("created", sv, false)
            }
            LineResult::Existing(sv) => {
                report.counts[1] += 1;
                ("existing", sv, true)
            }
            LineResult::Sent(sv) | LineResult::Deleted(sv) => {
                report.counts[3] += 1;
                let state = if sv.is_draft { "deleted" } else { "sent" };
                print_line(out, json_out, item, state, Some(&sv), None);
                continue;
            }
            LineResult::Failed(f) => {
                report.counts[2] += 1;
                report.worst = report.worst.max(exit_code_for(&f));
                print_line(out, json_out, item, "failed", None, Some(&f.to_string()));
                continue;
            }
        };
        // Files too large for the create request; a rerun reconciles what is there.
        if item.files.iter().any(|f| f.server_id.is_none()) {
            let mut p = super::progress::progress_printer(tty);
            let o = rt.block_on(crate::service::save::send_files(
                &s.client,
                &saved.id,
                &item.files,
                &[],
                existing,
                &mut p,
            ));
            if let Some((name, f)) = o.failed {
                report.worst = report.worst.max(exit_code_for(&f));
                attach_failed = Some(format!("attaching {name} failed: {}", f));
            }
        }
        print_line(
            out,
            json_out,
            item,
            state,
            Some(&saved),
            attach_failed.as_deref(),
        );
    }
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
        let mut v =
            json!({"line": item.line, "status": state, "to": item.to, "subject": item.subject});
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
        // One line a draft: the file's line, who, what, and what happened
        // (the links: `graft drafts --remote`, or --json).
        let what = match error {
            Some(e) if state == "failed" => format!("failed: {e}"),
            Some(e) => format!("{state}, but {e}"),
            None => state.to_string(),
        };
        let subject = if item.subject.is_empty() {
            "(no subject)"
        } else {
            item.subject.as_str()
        };
        let _ = writeln!(
            out,
            "line {:>4}  {}  {}  {what}",
            item.line,
            crate::util::fit(&item.to, 28),
            crate::util::fit(subject, 32),
        );
    }
}
