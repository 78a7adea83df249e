//! Answering a message: a reply, reply-all or forward made by Graph
//! (`createReply`, `createReplyAll`, `createForward`), which the user
//! writes above the quote Graph put in its body.
//!
//! The quote is kept byte for byte. Graph's own ways of adding text lose
//! some of it (the `comment` parameter is plain text; rewriting the whole
//! body from the form would drop the quoted history), so graft inserts the
//! user's part into the created body, right after its `<body>` tag, every
//! time it saves.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Reply,
    ReplyAll,
    Forward,
}

impl AnswerKind {
    /// The Graph action that makes the draft.
    pub(crate) fn action(self) -> &'static str {
        match self {
            AnswerKind::Reply => "createReply",
            AnswerKind::ReplyAll => "createReplyAll",
            AnswerKind::Forward => "createForward",
        }
    }

    /// As the user reads it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            AnswerKind::Reply => "Reply",
            AnswerKind::ReplyAll => "Reply all",
            AnswerKind::Forward => "Forward",
        }
    }
}

/// An answer being written: what it answers, and the body Graph made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub(crate) kind: AnswerKind,
    /// The original message's id.
    pub(crate) original_id: String,
    /// The original's subject and sender, for the title and the history.
    pub(crate) original_subject: String,
    pub(crate) original_from: String,
    /// The body Graph made (HTML, with its quote): the user's part goes in
    /// it, the rest is sent as it is. Empty until Graph has made the answer.
    pub quote_html: String,
    /// The original's conversation: a made answer is in it, which finds an
    /// answer whose key Graph did not keep.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) conversation_id: String,
    /// No answer graft made for this can be older than this (UTC, RFC
    /// 3339): when the original was read, before anything was asked of Graph.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) requested: String,
    /// A forward's recipients (Graph's `toRecipients` parameter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) forward_to: Vec<crate::core::address::Address>,
}

impl Answer {
    /// An answer to `original`, not made yet.
    pub fn new(kind: AnswerKind, original: &MailSummary, requested: &str) -> Answer {
        Answer {
            kind,
            original_id: original.id.clone(),
            original_subject: original.subject.clone(),
            original_from: original.from.clone(),
            quote_html: String::new(),
            conversation_id: original.conversation_id.clone(),
            requested: requested.to_string(),
            forward_to: Vec::new(),
        }
    }

    /// Graph has made it (its body, with the quote, is known).
    pub(crate) fn made(&self) -> bool {
        !self.quote_html.is_empty()
    }

    /// Whether a draft with `subject` can be the answer Graph made: Outlook's
    /// prefix (`RE: `, `FW: `, or a localised one like `AW: `) and the
    /// original's subject.
    pub(crate) fn subject_fits(&self, subject: &str) -> bool {
        let want = self.original_subject.trim().to_lowercase();
        let got = subject.trim().to_lowercase();
        let bare = |s: &str| {
            let mut s = s.trim().to_string();
            // Outlook's prefixes are short words before a colon.
            while let Some((head, rest)) = s.split_once(':') {
                if head.chars().count() <= 4 && !head.contains(' ') && !head.is_empty() {
                    s = rest.trim_start().to_string();
                } else {
                    break;
                }
            }
            s
        };
        bare(&got) == bare(&want)
    }

    /// `Reply to Dana Lee: Q3 budget review`.
    pub(crate) fn title(&self) -> String {
        let to = match self.kind {
            AnswerKind::Forward => "Forward of",
            AnswerKind::Reply => "Reply to",
            AnswerKind::ReplyAll => "Reply all to",
        };
        format!("{to} {}: {}", self.original_from, self.original_subject)
    }
}

/// The created body with the user's part (HTML) inserted right after its
/// `<body …>` tag (or at the start, if it has none). Everything Graph made
/// stays as it was, byte for byte.
pub fn insert_above_quote(created: &str, user_html: &str) -> String {
    let at = body_start(created).unwrap_or(0);
    let mut out = String::with_capacity(created.len() + user_html.len() + 2);
    out.push_str(&created[..at]);
    out.push_str(user_html);
    out.push_str(&created[at..]);
    out
}

/// An answer's body as Graph made it, from one that may carry text saved
/// above the quote since: what lies between `<body…>` and the first mark
/// Outlook puts before the quote (`appendonsend`, the rule, the header
/// block) goes. Without a mark the body is taken as it is.
pub(crate) fn without_text_above(html: &str) -> String {
    let Some(start) = body_start(html) else {
        return html.to_string();
    };
    let lower = html[start..].to_ascii_lowercase();
    let mark = [
        "<div id=\"appendonsend\"",
        "<hr",
        "<div id=\"divrplyfwdmsg\"",
    ]
    .iter()
    .filter_map(|m| lower.find(m))
    .min();
    match mark {
        Some(at) => format!("{}{}", &html[..start], &html[start + at..]),
        None => html.to_string(),
    }
}

/// What lies between `<body…>` and Outlook's first mark before the quote:
/// the text written above it (empty in an answer as Graph made it).
pub(crate) fn text_above(html: &str) -> &str {
    let Some(start) = body_start(html) else {
        return "";
    };
    let lower = html[start..].to_ascii_lowercase();
    let mark = [
        "<div id=\"appendonsend\"",
        "<hr",
        "<div id=\"divrplyfwdmsg\"",
    ]
    .iter()
    .filter_map(|m| lower.find(m))
    .min();
    match mark {
        Some(at) => &html[start..start + at],
        None => "",
    }
}

/// Just after the document's `<body…>` start tag, read as HTML (a
/// `<body` in a comment or in `<head>`'s `<style>` is not it).
fn body_start(html: &str) -> Option<usize> {
    crate::core::html::body_start(html)
}

/// A message id from what a user pastes: the id itself, or a webLink from
/// Outlook on the web (`…?ItemID=<id, URL-encoded>&…`).
pub(crate) fn message_id_from(input: &str) -> Option<String> {
    let t = input.trim();
    if t.starts_with("https://") || t.starts_with("http://") {
        let url = url::Url::parse(t).ok()?;
        return url
            .query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("itemid"))
            .map(|(_, v)| v.into_owned())
            .filter(|id| valid(id));
    }
    valid(t).then(|| t.to_string())
}

use crate::core::mailbox::valid_id as valid;

/// One received message in a list (the picker).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MailSummary {
    pub(crate) id: String,
    pub from: String,
    pub subject: String,
    /// `receivedDateTime`, as Graph gives it.
    pub(crate) received: String,
    pub(crate) preview: String,
    pub(crate) has_attachments: bool,
    /// `conversationId`, when the list asked for it.
    pub(crate) conversation_id: String,
}

/// At most `max` characters of a server's one-line text, sanitised.
fn line(v: Option<&Value>, max: usize) -> String {
    let s = v.and_then(Value::as_str).unwrap_or("");
    crate::util::sanitize::line(&s.chars().take(max).collect::<String>())
}

/// `Name <address>`, or the address alone.
pub(crate) fn person(v: Option<&Value>) -> String {
    let name = line(v.and_then(|v| v.pointer("/emailAddress/name")), 120);
    let addr = line(v.and_then(|v| v.pointer("/emailAddress/address")), 320);
    if name.is_empty() || name == addr {
        addr
    } else {
        format!("{name} <{addr}>")
    }
}

impl MailSummary {
    /// From one message of a list answer; `None` if it has no usable id.
    pub fn from_value(v: &Value) -> Option<MailSummary> {
        let id = v.get("id").and_then(Value::as_str)?;
        if !valid(id) {
            return None;
        }
        // The sender's name, or the address when it has none.
        let name = line(v.pointer("/from/emailAddress/name"), 120);
        let from = if name.is_empty() {
            person(v.get("from"))
        } else {
            name
        };
        Some(MailSummary {
            id: id.to_string(),
            from,
            subject: line(v.get("subject"), 400),
            received: line(v.get("receivedDateTime"), 40),
            preview: line(v.get("bodyPreview"), 255),
            has_attachments: v.get("hasAttachments").and_then(Value::as_bool) == Some(true),
            conversation_id: line(v.get("conversationId"), 512),
        })
    }
}

/// The recipients Graph will give an answer to `original` (its JSON, as
/// read): a reply goes to Reply-To, else the sender; a reply-all also to
/// every To and Cc but `me` (message-createreply.md, -createreplyall.md);
/// a forward only to whom it is forwarded. Known before Graph makes it, so
/// the checks run first and a held answer leaves nothing in Drafts.
pub(crate) fn predicted_recipients(
    kind: AnswerKind,
    original: &Value,
    me: Option<&str>,
) -> (
    Vec<crate::core::address::Address>,
    Vec<crate::core::address::Address>,
) {
    use crate::core::address::Address;
    let list = |k: &str| -> Vec<Address> {
        original
            .get(k)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(1000)
            .filter_map(address_of)
            .collect()
    };
    let me = me.map(str::to_lowercase);
    let not_me = |a: &Address| me.as_deref() != Some(a.address.to_lowercase().as_str());
    let reply_to = list("replyTo");
    let sender: Vec<Address> = if reply_to.is_empty() {
        original
            .get("from")
            .and_then(address_of)
            .into_iter()
            .collect()
    } else {
        reply_to
    };
    match kind {
        AnswerKind::Forward => (Vec::new(), Vec::new()),
        AnswerKind::Reply => (sender, Vec::new()),
        AnswerKind::ReplyAll => {
            let mut to = sender;
            for a in list("toRecipients").into_iter().filter(not_me) {
                if !to
                    .iter()
                    .any(|t| t.address.eq_ignore_ascii_case(&a.address))
                {
                    to.push(a);
                }
            }
            let cc = list("ccRecipients").into_iter().filter(not_me).collect();
            (to, cc)
        }
    }
}

/// `{"emailAddress": {"name": …, "address": …}}` as an address.
fn address_of(v: &Value) -> Option<crate::core::address::Address> {
    let address = line(v.pointer("/emailAddress/address"), 320);
    if address.is_empty() {
        return None;
    }
    let name = line(v.pointer("/emailAddress/name"), 120);
    Some(crate::core::address::Address {
        name: (!name.is_empty() && name != address).then_some(name),
        address,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_text_goes_after_the_body_tag_and_the_rest_stays_byte_for_byte() {
        let created = "<html>\r\n<head><meta x></head>\r\n<BODY dir=\"ltr\">\r\n<div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\">From: Dana</div><div>quoted &amp; kept</div>\r\n</BODY>\r\n</html>\r\n";
        let out = insert_above_quote(created, "<p>Thanks!</p>");
        let at = created.find("<BODY dir=\"ltr\">").unwrap() + "<BODY dir=\"ltr\">".len();
        assert_eq!(&out[..at], &created[..at]);
        assert_eq!(&out[at..at + 14], "<p>Thanks!</p>");
        assert_eq!(&out[at + 14..], &created[at..]);
        // No body tag: the user's text comes first; `<bodyx>` is not one.
        assert_eq!(insert_above_quote("<div>q</div>", "A"), "A<div>q</div>");
        assert_eq!(insert_above_quote("<bodyx><body>q", "A"), "<bodyx><body>Aq");
        // A `<body` inside the head's style comment is not the body.
        let tricky = "<html><head><style>/* <body class=x> */</style></head><body><div>quote</div></body></html>";
        let out = insert_above_quote(tricky, "<p>Mine</p>");
        assert!(out.contains("<body><p>Mine</p><div>quote</div>"), "{out}");
        assert!(out.contains("/* <body class=x> */</style>"), "{out}");
    }

    #[test]
    fn ids_come_from_a_pasted_id_or_an_outlook_weblink() {
        let id = "AAMkAGI2THVSAAA=ab/cd+ef";
        assert_eq!(message_id_from(id).as_deref(), Some(id));
        let link = "https://outlook.office365.com/owa/?ItemID=AAMkAGI2THVSAAA%3Dab%2Fcd%2Bef&exvsurl=1&viewmodel=ReadMessageItem";
        assert_eq!(message_id_from(link).as_deref(), Some(id));
        assert_eq!(message_id_from("not an id"), None);
        assert_eq!(message_id_from("https://example.com/?x=1"), None);
    }
}
