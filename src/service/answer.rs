//! Answering a message, for both front ends: finding the message (an id, a
//! webLink, or a search), and opening the answer Graph makes — exactly once,
//! even when the answer to `createReply` is lost.

use crate::core::address::Address;
use crate::core::answer::{Answer, AnswerKind, MailSummary};
use crate::core::content::{DraftContent, content_from_message};
use crate::graph::{self, GraphClient, SavedMessage};
use serde_json::Value;

/// An answer draft Graph made, ready for the form or a script.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The client key it was made with.
    pub key: String,
    pub saved: SavedMessage,
    /// To, Cc and Subject as Graph set them (the body is the user's part:
    /// empty).
    pub content: DraftContent,
    pub answer: Answer,
}

/// The message `target` names: a message id, or a webLink from Outlook on
/// the web; or, with `search`, the best match in the Inbox.
pub async fn find(
    client: &GraphClient,
    target: Option<&str>,
    search: Option<&str>,
) -> Result<MailSummary, String> {
    if let Some(t) = target {
        let id = crate::core::answer::message_id_from(t).ok_or_else(|| {
            format!("'{t}' is neither a message id nor a link to a message in Outlook on the web")
        })?;
        let v = client
            .read_mail(&id)
            .await
            .map_err(|f| format!("cannot read that message: {f}"))?;
        return MailSummary::from_value(&v).ok_or_else(|| "the message has no usable id".into());
    }
    let q = search.unwrap_or("");
    let url = client.mail_list_url("inbox", Some(q), 5);
    let (found, _) = client
        .mail_page(url)
        .await
        .map_err(|f| format!("cannot search the Inbox: {f}"))?;
    found
        .into_iter()
        .next()
        .ok_or_else(|| format!("no message in the Inbox matches \"{q}\""))
}

/// Makes the answer with `key`. A `create*` whose reply was lost (a
/// timeout, a reset, a 5xx that may have been applied) is looked up by the
/// key before it is tried again, so there is one draft whatever happened.
pub async fn open(
    client: &GraphClient,
    kind: AnswerKind,
    original: &MailSummary,
    key: &str,
    forward_to: &[Address],
    retries: u32,
) -> Result<Opened, graph::Error> {
    let mut policy = crate::graph::retry::Tries::new(crate::graph::retry::Limits::at_most(retries));
    let mut uncertain = false;
    loop {
        if uncertain && let Ok(Some(found)) = client.find_by_key(key).await {
            let v = client.message_json(&found.id, false).await?;
            return Ok(opened(kind, original, key, found, &v));
        }
        let f = match client
            .create_answer(kind, &original.id, key, forward_to)
            .await
        {
            Ok((saved, v)) => return Ok(opened(kind, original, key, saved, &v)),
            Err(f) => f,
        };
        uncertain |= f.may_have_applied();
        let Some(wait) = policy.after(&f, None) else {
            return Err(f);
        };
        tokio::time::sleep(wait).await;
    }
}

fn opened(
    kind: AnswerKind,
    original: &MailSummary,
    key: &str,
    saved: SavedMessage,
    v: &Value,
) -> Opened {
    let quote = v
        .pointer("/body/content")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut content = content_from_message(v);
    // The form holds what the user writes; the quote is kept apart.
    content.body = String::new();
    content.format = crate::core::content::BodyFormat::Text;
    let answer = Answer {
        kind,
        original_id: original.id.clone(),
        original_subject: original.subject.clone(),
        original_from: original.from.clone(),
        quote_html: quote,
    };
    content.quote = Some(answer.quote_html.clone());
    Opened {
        key: key.to_string(),
        saved,
        content,
        answer,
    }
}
