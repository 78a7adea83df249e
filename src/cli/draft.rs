//! `graft draft`: one draft from flags, or many with `--batch`, without a terminal.

use super::{batch, drafts};
use crate::config::Error;
use crate::config::args::Cli;
use crate::config::session::Session;
use crate::config::session::runtime;
use crate::config::session::session;
use std::io::{IsTerminal, Write};

/// Checks `--attach` files before anything is sent; each gets its own name.
pub(crate) fn check_attachments(
    paths: &[std::path::PathBuf],
) -> Result<Vec<crate::core::attach::AttachedFile>, String> {
    let mut out: Vec<crate::core::attach::AttachedFile> = Vec::new();
    for p in paths {
        let mut f = crate::store::files::check(&p.to_string_lossy())?;
        let taken: Vec<&str> = out.iter().map(|x| x.name.as_str()).collect();
        f.name = crate::core::attach::unique_name(&f.name, &taken);
        out.push(f);
    }
    Ok(out)
}

/// The body's pictures of local files, as inline attachments (each must
/// be readable: nothing is sent otherwise).
pub(crate) fn pictures(
    content: &crate::core::content::DraftContent,
) -> Result<Vec<crate::core::attach::AttachedFile>, Error> {
    let plan = crate::core::inline::plan(content, &[]);
    crate::store::files::check_images(&plan.check, std::path::Path::new(""))
        .into_iter()
        .collect::<Result<Vec<_>, String>>()
        .map_err(|e| Error::usage(format!("{e}; nothing was sent")))
}

/// Refuses attachments that cannot fit in the mailbox's message size limit
/// before anything is uploaded. Over Exchange Online's default, the real
/// limit is asked of MailTips (tenants may allow up to 150 MB).
fn check_budget(
    s: &Session,
    rt: &tokio::runtime::Runtime,
    files: &[crate::core::attach::AttachedFile],
) -> Result<(), Error> {
    use crate::core::limits::DEFAULT_MAX_MESSAGE_BYTES;
    let total: u64 = files.iter().map(|f| f.size).sum();
    let budget = |limit: u64| limit / 4 * 3;
    let configured = s.settings.as_ref().and_then(|st| st.max_message_size);
    let mut limit = configured.unwrap_or(DEFAULT_MAX_MESSAGE_BYTES);
    if total > budget(limit) && configured.is_none() {
        let address = match &s.mailbox.user {
            Some(u) => Some(u.clone()),
            None => rt.block_on(s.client.me()).ok().map(|m| m.account()),
        };
        if let Some(a) = address {
            if let Ok(l) = rt.block_on(s.client.max_message_size(&a)) {
                limit = l;
            }
        }
    }
    if total > budget(limit) {
        return Err(Error::usage(format!(
            "--attach: the files come to {}; the mailbox takes messages up to {} (set max_message_size in the profile if yours is larger), which leaves room for {} of attachments once encoded for sending. Nothing was sent.",
            crate::core::attach::human_size(total),
            crate::core::limits::limit_label(limit),
            crate::core::attach::human_size(budget(limit)),
        )));
    }
    Ok(())
}

/// The checks a save makes first (`[checks]`): without `--force`, a
/// draft that meets one is not sent (exit 2) and the checks are named (as
/// JSON with `--json`); with it they are only returned, for the report.
pub(crate) fn held_by_checks(
    (checks, spell): (
        &crate::core::checks::Checks,
        &crate::store::spelling::SpellConfig,
    ),
    content: &crate::core::content::DraftContent,
    attached: usize,
    force: bool,
    json: bool,
) -> Result<Vec<crate::core::checks::Warning>, Error> {
    let mut warnings = crate::core::checks::check(content, attached, checks);
    if checks.enabled && checks.misspelled {
        warnings.extend(misspelled(content, spell));
    }
    if warnings.is_empty() || force {
        return Ok(warnings);
    }
    if json {
        let v = serde_json::json!({"saved": false, "warnings": warnings_json(&warnings)});
        let _ = writeln!(std::io::stdout(), "{v}");
    }
    let list: Vec<String> = warnings.iter().map(ToString::to_string).collect();
    Err(Error::usage(format!(
        "not saved: {}. --force saves it anyway; [checks] in the config file turns a check off.",
        list.join("; ")
    )))
}

/// The misspelled-words check: the profile's dictionaries over the subject
/// and the body (a missing dictionary is said, and the check skipped).
fn misspelled(
    content: &crate::core::content::DraftContent,
    spell: &crate::store::spelling::SpellConfig,
) -> Option<crate::core::checks::Warning> {
    use crate::core::content::BodyFormat;
    let speller = match crate::store::spelling::load(spell) {
        Ok(s) => s,
        Err(why) => {
            let _ = writeln!(std::io::stderr(), "graft: {why}");
            return None;
        }
    };
    let mut found = speller.misspelled([content.subject.as_str()], BodyFormat::Text);
    found.extend(speller.misspelled(content.body.split('\n'), content.format));
    let on = crate::core::checks::Checks {
        misspelled: true,
        ..Default::default()
    };
    crate::core::checks::spelling(found.iter().map(|m| m.word.as_str()), &on)
}

/// `[{"check": "forgotten_attachment", "message": "…"}]`.
pub(crate) fn warnings_json(warnings: &[crate::core::checks::Warning]) -> serde_json::Value {
    serde_json::Value::Array(
        warnings
            .iter()
            .map(|w| serde_json::json!({"check": w.code(), "message": w.to_string()}))
            .collect(),
    )
}

/// The draft from `graft draft`'s flags, as typed: the fields, the format,
/// the F3 fields.
fn typed_from(
    args: &crate::config::args::DraftArgs,
) -> Result<
    (
        crate::core::record::Fields,
        crate::core::content::BodyFormat,
        crate::core::record::MoreText,
    ),
    Error,
> {
    use crate::core::content::Importance;
    // No body given and none from a template: text piped in is the body
    // (`echo … | graft draft --to …`, as `mail` reads it); on a terminal,
    // say that the draft has none rather than wait for typing.
    let body = if args.text.given() || args.template.is_some() {
        args.text.read()?
    } else if crate::config::prefill::stdin_piped() {
        crate::config::prefill::read_body(None, Some(std::path::Path::new("-")))?
    } else {
        if std::io::stdin().is_terminal() {
            eprintln!(
                "graft: no body given (--body TEXT, --body-file PATH, or text piped in): saved without one"
            );
        }
        String::new()
    };
    let mut typed = crate::core::record::Fields {
        to: args.to.join(", "),
        cc: args.cc.join(", "),
        bcc: args.bcc.join(", "),
        subject: args.subject.clone(),
        body,
    };
    let mut format = args.text.format();
    // A template fills what the flags leave (its body unless one is given).
    if let Some(name) = &args.template {
        let (mut t, fmt) = crate::config::prefill::from_template(name, &args.var, &typed.to)?;
        if args.text.given() {
            t.body.clear();
        } else {
            format = fmt;
        }
        typed = typed.or(t);
    }
    let more = crate::core::record::MoreText {
        importance: match args.importance.as_deref() {
            Some("low") => Importance::Low,
            Some("high") => Importance::High,
            _ => Importance::Normal,
        },
        ..Default::default()
    };
    Ok((typed, format, more))
}

/// Typed fields as a draft, or every bad recipient at once, one a line,
/// each naming its flag.
pub(crate) fn parse_typed(
    typed: &crate::core::record::Fields,
    format: crate::core::content::BodyFormat,
    more: &crate::core::record::MoreText,
) -> Result<crate::core::content::DraftContent, Error> {
    crate::core::content::DraftContent::from_typed(typed, format, more).map_err(|bad| {
        let lines: Vec<String> = bad
            .iter()
            .map(|(which, e)| format!("--{}: {e}", which.label().to_lowercase()))
            .collect();
        Error::usage(lines.join("\n  "))
    })
}

/// `graft draft`: one draft, no form, through the one save path. Exit
/// codes: 0 created, 2 bad input, 3 sign-in needed or refused, 4 Graph
/// rejected it, 5 network or service failure.
pub(crate) fn draft(cli: &Cli, args: &crate::config::args::DraftArgs) -> Result<(), Error> {
    if args.batch.is_some() {
        return batch::run(cli, args);
    }
    let s = session(cli)?;
    let (typed, format, more) = typed_from(args)?;
    let mut content = parse_typed(&typed, format, &more)?;
    content.signature = args.text.signature(s.signature());
    if let Some(why) = crate::service::save::too_large(&content) {
        return Err(Error::usage(why));
    }
    let mut files =
        check_attachments(&args.attach).map_err(|e| Error::usage(format!("--attach {e}")))?;
    let attached = files.len();
    files.extend(pictures(&content)?);
    let checks = (&s.checks(), &s.spell());
    let warnings = held_by_checks(checks, &content, attached, args.force, args.json)?;
    let rt = runtime()?;
    check_budget(&s, &rt, &files)?;
    let store = crate::config::session::journal_store(cli.demo).ok();
    let same = |r: &crate::core::record::JournalRecord| {
        r.answer.is_none()
            && r.fields == typed
            && r.format == format
            && r.more == more
            && r.attachments
                .iter()
                .map(|f| &f.path)
                .eq(files.iter().map(|f| &f.path))
    };
    let (mut rec, claim) = match super::shared::take_over(store.as_ref(), &s, cli.demo, same) {
        Some((rec, claim)) => (rec, Some(claim)),
        None => (
            crate::core::record::JournalRecord {
                fields: typed.clone(),
                format,
                more: more.clone(),
                attachments: files.clone(),
                signature: content.signature.clone(),
                pid: std::process::id(),
                ..crate::core::record::JournalRecord::blank(
                    uuid::Uuid::new_v4().to_string(),
                    &s.graph_url,
                    &s.mailbox,
                )
            },
            None,
        ),
    };
    let done = super::shared::save_one(
        &s,
        &rt,
        &mut rec,
        store.as_ref(),
        claim,
        (args.retries, args.json),
    )?;
    let saved = &done.saved;
    if let Some(dir) = crate::store::sources::dir(cli.demo) {
        crate::store::sources::write(&dir, &rec.key, &rec.source(&saved.id, &saved.change_key));
    }
    if done.info.unkeyed {
        let _ = writeln!(
            std::io::stderr(),
            "graft: note: this mailbox has no room for graft's draft key (its named-property quota is full: ErrorQuotaExceeded); the draft was saved without it, so the duplicate guard is off for this mailbox: after a lost answer, look in Drafts before running again."
        );
    }
    drafts::record(
        &s,
        cli.demo,
        vec![drafts::entry(
            &s,
            &rec.key,
            &content.subject,
            content.format,
            saved,
        )],
    );
    let folder = s.mailbox.folder_label();
    let mut out = std::io::stdout();
    if args.json {
        let atts: Vec<_> = rec
            .attachments
            .iter()
            .map(|f| {
                serde_json::json!({
                    "name": f.name,
                    "size": f.size,
                    "attached": f.server_id.is_some(),
                    "inline": f.inline,
                    "path": f.path,
                })
            })
            .collect();
        let mut v = serde_json::json!({
            "id": saved.id,
            "webLink": saved.web_link,
            "createdDateTime": saved.created,
            "status": saved.status,
            "folder": folder,
        });
        if !warnings.is_empty() {
            v["warnings"] = warnings_json(&warnings);
        }
        if !rec.attachments.is_empty() {
            v["attachments"] = serde_json::Value::Array(atts);
        }
        // The local files that went inline, by the path the body named:
        // what left this machine as pictures.
        let pictures: Vec<_> = rec
            .attachments
            .iter()
            .filter(|f| f.inline && f.server_id.is_some())
            .map(|f| serde_json::json!({"path": f.path, "name": f.name, "size": f.size}))
            .collect();
        if !pictures.is_empty() {
            v["pictures"] = serde_json::Value::Array(pictures);
        }
        let _ = writeln!(out, "{v}");
    } else {
        let _ = writeln!(
            out,
            "Draft saved ({} {}) in {folder}.\nid:      {}\nwebLink: {}",
            saved.status,
            saved.status_text,
            saved.id,
            crate::terminal::osc::hyperlink(&saved.web_link, std::io::stdout().is_terminal())
        );
        for f in rec.attachments.iter().filter(|f| f.server_id.is_some()) {
            let _ = writeln!(
                out,
                "{}: {} ({})",
                if f.inline { "picture" } else { "attached" },
                f.name,
                crate::core::attach::human_size(f.size)
            );
        }
    }
    Ok(())
}
