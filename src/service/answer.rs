//! Answering a message, for both front ends: finding the message (an id, a
//! webLink, or a search), the record of the answer to make (saved through
//! the one save path, which makes it exactly once), and the checks that
//! run before Graph makes anything.

use crate::core::address::Address;
use crate::core::answer::{Answer, AnswerKind, MailSummary};
use crate::core::content::DraftContent;
use crate::core::record::{Fields, JournalRecord};
use crate::graph::GraphClient;
use serde_json::Value;

/// The message `target` names: a message id, or a webLink from Outlook on
/// the web; or, with `search`, the newest match in the Inbox. With it, the
/// message as read (its recipients tell whom the answer will go to).
pub(crate) async fn find(
    client: &GraphClient,
    target: Option<&str>,
    search: Option<&str>,
) -> Result<(MailSummary, Value), String> {
    let id = match target {
        Some(t) => crate::core::answer::message_id_from(t).ok_or_else(|| {
            format!("'{t}' is neither a message id nor a link to a message in Outlook on the web")
        })?,
        None => {
            let q = search.unwrap_or("");
            let url = client.mail_list_url("inbox", Some(q), 5);
            let (found, _) = client
                .mail_page(url)
                .await
                .map_err(|f| format!("cannot search the Inbox: {f}"))?;
            found
                .into_iter()
                .next()
                .ok_or_else(|| format!("no message in the Inbox matches \"{q}\""))?
                .id
        }
    };
    let v = client
        .read_mail(&id)
        .await
        .map_err(|f| format!("cannot read that message: {f}"))?;
    let summary =
        MailSummary::from_value(&v).ok_or_else(|| "the message has no usable id".to_string())?;
    Ok((summary, v))
}

/// The record of an answer not made yet: the key it will be made with,
/// what it answers, and what the user adds (recipients, the text).
pub fn record(
    key: String,
    answer: Answer,
    fields: Fields,
    graph_url: &str,
    mailbox: &crate::core::mailbox::Mailbox,
) -> JournalRecord {
    JournalRecord {
        fields,
        answer: Some(answer),
        ..JournalRecord::blank(key, graph_url, mailbox)
    }
}

/// The answer as the checks see it before Graph makes it: the recipients
/// Graph will give it (from the original as read) and the ones the user
/// adds; the subject as Graph will set it (Outlook's prefix and the original's).
pub(crate) fn provisional(
    kind: AnswerKind,
    original: &Value,
    me: Option<&str>,
    mine: &DraftContent,
    forward_to: &[Address],
) -> DraftContent {
    let (to, cc) = crate::core::answer::predicted_recipients(kind, original, me);
    let to = if kind == AnswerKind::Forward {
        forward_to.to_vec()
    } else {
        to
    };
    let subject = original
        .get("subject")
        .and_then(Value::as_str)
        .unwrap_or("");
    let prefix = if kind == AnswerKind::Forward {
        "FW: "
    } else {
        "RE: "
    };
    let graph = DraftContent {
        to,
        cc,
        subject: format!("{prefix}{subject}"),
        ..Default::default()
    };
    crate::core::content::answer_content(&graph, mine)
}

/// Why an answer to `original` cannot be saved in one request: the quote
/// Graph puts in it is at least the original's body, sent again with every
/// change of the text (Graph refuses requests over about 4 MB with 413).
/// Known before Graph makes anything.
pub(crate) fn too_large(original: &Value, provisional: &DraftContent) -> Option<String> {
    crate::service::save::too_large_with(provisional, quote_len(original))
}

/// The least an answer to `original` quotes: its body.
pub(crate) fn quote_len(original: &Value) -> usize {
    original
        .pointer("/body/content")
        .and_then(Value::as_str)
        .map_or(0, str::len)
}

/// An earlier run's record of the same answer (the same message, kind and
/// text) that no running graft holds: a rerun finishes it instead of
/// answering again.
pub(crate) fn earlier<'a>(
    orphans: &'a [JournalRecord],
    answer: &Answer,
    fields: &Fields,
) -> Option<&'a JournalRecord> {
    orphans.iter().find(|r| {
        r.answer
            .as_ref()
            .is_some_and(|a| a.kind == answer.kind && a.original_id == answer.original_id)
            && r.fields.body == fields.body
    })
}
