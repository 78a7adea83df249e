//! `graft reply`, `graft reply-all`, `graft forward`: the answer Graph makes
//! to a message (by id, by webLink, or by a search), saved with the text
//! given on the command line, or handed to the form to write.

use super::{Session, drafts, exit_code_for, progress_printer, runtime, session};
use crate::config::Error;
use crate::config::args::{AnswerArgs, Cli};
use crate::core::answer::AnswerKind;
use crate::service::answer::Opened;
use std::io::{IsTerminal, Write};

/// What the command leads to.
pub enum Next {
    /// Saved without the form; the report is printed.
    Done,
    /// The form is to open on this answer (the front end's part), in this
    /// session and runtime (its connections stay open).
    Form(Box<(Opened, Session, tokio::runtime::Runtime)>),
}

/// Finds the message, makes the answer, and saves it with the text given
/// (or leaves it to the form).
pub fn run(cli: &Cli, kind: AnswerKind, args: &AnswerArgs) -> Result<Next, Error> {
    let text_given = args.text.given();
    let terminal = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    if !text_given && !terminal {
        // Checked before anything is made: no stray draft.
        return Err(Error::new(
            1,
            "the form needs a terminal (over ssh: `ssh -t`); give --body or --body-file to save the answer without it",
        ));
    }
    let parse = |flag: &str, list: &[String]| {
        crate::core::address::parse_list_all(&list.join(", ")).map_err(|bad| {
            Error::usage(
                bad.iter()
                    .map(|e| format!("--{flag}: {e}"))
                    .collect::<Vec<_>>()
                    .join("\n  "),
            )
        })
    };
    let to = parse("to", &args.to)?;
    let cc = parse("cc", &args.cc)?;
    if kind == AnswerKind::Forward && to.is_empty() {
        return Err(Error::usage("forward: say whom to forward it to with --to"));
    }
    let body = args.text.read()?;
    let files = super::draft::check_attachments(&args.attach)
        .map_err(|e| Error::usage(format!("--attach {e}")))?;
    let s = session(cli)?;
    if text_given {
        // What can be checked before Graph makes anything (the text, the
        // files, the recipients given here), so a held answer leaves
        // nothing; the subject is Graph's to set.
        let provisional = crate::core::content::DraftContent {
            to: to.clone(),
            cc: cc.clone(),
            body: body.clone(),
            ..Default::default()
        };
        let before = crate::core::checks::Checks {
            empty_subject: false,
            ..s.checks()
        };
        let spell = s.spell();
        let checks = (&before, &spell);
        super::draft::held_by_checks(checks, &provisional, files.len(), args.force, args.json)?;
    }
    let rt = runtime()?;
    let original = rt
        .block_on(crate::service::answer::find(
            &s.client,
            args.message.as_deref(),
            args.search.as_deref(),
        ))
        .map_err(|e| Error::new(4, e))?;
    let key = uuid::Uuid::new_v4().to_string();
    let forward_to = if kind == AnswerKind::Forward {
        to.clone()
    } else {
        Vec::new()
    };
    let mut opened = rt
        .block_on(crate::service::answer::open(
            &s.client,
            kind,
            &original,
            &key,
            &forward_to,
            args.retries,
        ))
        .map_err(|f| {
            Error::new(
                exit_code_for(&f),
                format!("{} not created: {f}", kind.label().to_lowercase()),
            )
        })?;
    // Recipients added on the command line join Graph's.
    let base = opened.content.clone();
    if kind != AnswerKind::Forward {
        opened.content.to.extend(to);
    }
    opened.content.cc.extend(cc);
    if !text_given {
        return Ok(Next::Form(Box::new((opened, s, rt))));
    }
    opened.content.body = body;
    opened.content.format = args.text.format();
    opened.content.signature = args.text.signature(s.signature());
    // The answer exists already (Graph made it); a held one stays as Graph
    // made it, in Drafts, and is said so.
    let warnings = super::draft::held_by_checks(
        (&s.checks(), &s.spell()),
        &opened.content,
        files.len(),
        args.force,
        args.json,
    )
    .map_err(|e| {
        Error::new(
            e.code,
            format!(
                "{} (the {} Graph made is in Drafts without your text: {})",
                e.message,
                kind.label().to_lowercase(),
                opened.saved.web_link
            ),
        )
    })?;
    save(
        cli,
        &s,
        &rt,
        (&opened, &base),
        files,
        (args.json, &warnings),
    )?;
    Ok(Next::Done)
}

/// The user's text into the answer (a `PATCH` of what changed, the body
/// being the created one with the text above its quote), then the files.
fn save(
    cli: &Cli,
    s: &Session,
    rt: &tokio::runtime::Runtime,
    (opened, base): (&Opened, &crate::core::content::DraftContent),
    files: Vec<crate::core::attach::AttachedFile>,
    (json, warnings): (bool, &[crate::core::checks::Warning]),
) -> Result<(), Error> {
    let patch = opened.content.patch_body(Some(base));
    let saved = rt
        .block_on(s.client.update_draft(&opened.saved.id, &patch))
        .map_err(|f| {
            Error::new(
                exit_code_for(&f),
                format!(
                    "the answer was created (id {}) but saving the text failed: {f}",
                    opened.saved.id
                ),
            )
        })?;
    let mut entry = drafts::entry(
        s,
        &opened.key,
        &opened.content.subject,
        opened.content.format,
        &saved,
    );
    entry.answers = opened.answer.title();
    drafts::record(s, cli.demo, vec![entry]);
    let mut progress = progress_printer(!json && std::io::stderr().is_terminal());
    let outcome = rt.block_on(crate::graph::upload::attach_pending(
        &s.client,
        &saved.id,
        &files,
        false,
        &mut progress,
    ));
    let mut out = std::io::stdout();
    let answers = opened.answer.title();
    if json {
        let mut v = serde_json::json!({
            "id": saved.id,
            "webLink": saved.web_link,
            "createdDateTime": saved.created,
            "status": saved.status,
            "folder": "Drafts",
            "answers": answers,
            "subject": opened.content.subject,
        });
        if !warnings.is_empty() {
            v["warnings"] = super::draft::warnings_json(warnings);
        }
        let _ = writeln!(out, "{v}");
    } else {
        let _ = writeln!(
            out,
            "{} saved ({} {}) in Drafts: {}\nsubject: {}\nid:      {}\nwebLink: {}",
            opened.answer.kind.label(),
            saved.status,
            saved.status_text,
            answers,
            opened.content.subject,
            saved.id,
            crate::terminal::osc::hyperlink(&saved.web_link, std::io::stdout().is_terminal())
        );
    }
    if let Some((name, f)) = outcome.failed {
        return Err(Error::new(
            exit_code_for(&f),
            format!("the answer was saved but attaching {name} failed: {f}"),
        ));
    }
    Ok(())
}
