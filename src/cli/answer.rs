//! `graft reply`, `graft reply-all`, `graft forward`: an answer to a
//! message (by id, by webLink, or by a search), saved with the text given
//! on the command line through the one save path, or handed to the form
//! to write. The checks run before Graph makes anything; the record is
//! journalled before `create*` leaves, so a rerun of the same command
//! after a kill finishes the answer the first run made.

use super::drafts;
use crate::config::Error;
use crate::config::args::{AnswerArgs, Cli};
use crate::config::session::Session;
use crate::config::session::runtime;
use crate::config::session::session;
use crate::core::answer::AnswerKind;
use crate::core::record::JournalRecord;
use std::io::{IsTerminal, Write};

/// What the command leads to.
pub(crate) enum Next {
    /// Saved without the form; the report is printed.
    Done,
    /// The form is to open on this answer, which it makes first (the front
    /// end's part), in this session and runtime (its connections stay open).
    Form(Box<(JournalRecord, Session, tokio::runtime::Runtime)>),
}

/// Finds the message, checks the answer, and saves it with the text given
/// (or leaves it to the form).
pub(crate) fn run(cli: &Cli, kind: AnswerKind, args: &AnswerArgs) -> Result<Next, Error> {
    let text_given = args.text.given();
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !text_given && !terminal {
        // Checked before anything is made: no stray draft.
        return Err(Error::new(
            1,
            "the form needs a terminal (over ssh: `ssh -t`); give --body or --body-file to save the answer without it",
        ));
    }
    if kind == AnswerKind::Forward && args.to.is_empty() {
        return Err(Error::usage("forward: say whom to forward it to with --to"));
    }
    let body = args.text.read()?;
    let format = args.text.format();
    let s = session(cli)?;
    // For a forward, --to is whom to; for a reply, recipients to add.
    let fields = crate::core::record::Fields {
        to: if kind == AnswerKind::Forward {
            String::new()
        } else {
            args.to.join(", ")
        },
        cc: args.cc.join(", "),
        body,
        ..Default::default()
    };
    let more = crate::core::record::MoreText::default();
    let mut mine = super::draft::parse_typed(&fields, format, &more)?;
    mine.signature = args.text.signature(s.signature());
    let forward_to = if kind == AnswerKind::Forward {
        crate::core::address::parse_list_all(&args.to.join(", ")).map_err(|bad| {
            Error::usage(
                bad.iter()
                    .map(|e| format!("--to: {e}"))
                    .collect::<Vec<_>>()
                    .join("\n  "),
            )
        })?
    } else {
        Vec::new()
    };
    let mut files = super::draft::check_attachments(&args.attach)
        .map_err(|e| Error::usage(format!("--attach {e}")))?;
    let attached = files.len();
    files.extend(super::draft::pictures(&mine)?);
    let rt = runtime()?;
    let (original, read) = rt
        .block_on(crate::service::answer::find(
            &s.client,
            args.message.as_deref(),
            args.search.as_deref(),
        ))
        .map_err(|e| Error::new(crate::config::exit::NOT_FOUND, e))?;
    let mut answer = crate::core::answer::Answer::new(kind, &original, &crate::util::now_rfc3339());
    answer.forward_to = forward_to;
    // Every check before Graph makes anything: a held answer leaves nothing.
    let me = s.mailbox.user.clone().or_else(|| {
        rt.block_on(s.client.me())
            .ok()
            .map(|m| m.account().to_lowercase())
    });
    let provisional =
        crate::service::answer::provisional(kind, &read, me.as_deref(), &mine, &answer.forward_to);
    if let Some(why) = crate::service::answer::too_large(&read, &provisional) {
        return Err(Error::usage(why));
    }
    let warnings = if text_given {
        super::draft::held_by_checks(
            (&s.checks(), &s.spell()),
            &provisional,
            attached,
            args.force,
            args.json,
        )?
    } else {
        Vec::new()
    };
    let store = crate::config::session::journal_store(cli.demo).ok();
    let same_answer = answer.clone();
    let same_fields = fields.clone();
    let earlier = super::shared::take_over(store.as_ref(), &s, cli.demo, |r| {
        crate::service::answer::earlier(std::slice::from_ref(r), &same_answer, &same_fields)
            .is_some()
    });
    let (mut rec, claim) = match earlier {
        Some((rec, claim)) => {
            let _ = writeln!(
                std::io::stderr(),
                "graft: finishing the {} an earlier run began",
                kind.label().to_lowercase()
            );
            (rec, Some(claim))
        }
        None => {
            let mut rec = crate::service::answer::record(
                uuid::Uuid::new_v4().to_string(),
                answer,
                fields,
                &s.graph_url,
                &s.mailbox,
            );
            rec.format = format;
            rec.attachments = files;
            rec.signature = mine.signature.clone();
            rec.pid = std::process::id();
            (rec, None)
        }
    };
    if !text_given {
        // The form makes it, as its first save; an earlier run's file is
        // the form's now (it writes the record as its own).
        if let Some(c) = claim {
            let _ = c.remove();
        }
        return Ok(Next::Form(Box::new((rec, s, rt))));
    }
    let done = super::shared::save_one(
        &s,
        &rt,
        &mut rec,
        store.as_ref(),
        claim,
        (args.retries, args.json),
    )?;
    report(cli, &s, &rec, &done, args.json, &warnings);
    Ok(Next::Done)
}

/// The answer saved: the history learns it, and the report is printed.
fn report(
    cli: &Cli,
    s: &Session,
    rec: &JournalRecord,
    done: &crate::service::save::Done,
    json: bool,
    warnings: &[crate::core::checks::Warning],
) {
    let saved = &done.saved;
    let Some(answer) = rec.answer.as_ref() else {
        return;
    };
    if let Some(dir) = crate::store::sources::dir(cli.demo) {
        crate::store::sources::write(&dir, &rec.key, &rec.source(&saved.id, &saved.change_key));
    }
    let subject = rec
        .saved
        .as_ref()
        .map(|c| c.subject.clone())
        .unwrap_or_default();
    let mut entry = drafts::entry(s, &rec.key, &subject, rec.format, saved);
    entry.answers = answer.title();
    drafts::record(s, cli.demo, vec![entry]);
    let mut out = std::io::stdout();
    if json {
        let mut v = serde_json::json!({
            "id": saved.id,
            "webLink": saved.web_link,
            "createdDateTime": saved.created,
            "status": saved.status,
            "folder": "Drafts",
            "answers": answer.title(),
            "subject": subject,
        });
        if !warnings.is_empty() {
            v["warnings"] = super::draft::warnings_json(warnings);
        }
        let pictures: Vec<_> = rec
            .attachments
            .iter()
            .map(|f| serde_json::json!({"name": f.name, "size": f.size, "inline": f.inline, "attached": f.server_id.is_some()}))
            .collect();
        if !pictures.is_empty() {
            v["attachments"] = serde_json::Value::Array(pictures);
        }
        let _ = writeln!(out, "{v}");
    } else {
        let _ = writeln!(
            out,
            "{} saved ({} {}) in Drafts: {}\nsubject: {}\nid:      {}\nwebLink: {}",
            answer.kind.label(),
            saved.status,
            saved.status_text,
            answer.title(),
            subject,
            saved.id,
            crate::terminal::osc::hyperlink(&saved.web_link, std::io::stdout().is_terminal())
        );
    }
}
