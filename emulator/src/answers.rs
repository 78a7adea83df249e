//! Received mail and answering it: a seeded Inbox, and `createReply`,
//! `createReplyAll`, `createForward` (api/message-createreply.md,
//! message-createreplyall.md, message-createforward.md).
//!
//! What the docs say, and what is modelled:
//! - JSON format: "Specify either a comment or the **body** property of the
//!   `message` parameter. Specifying both will return an HTTP 400".
//! - Forward: "Specify either the `toRecipients` parameter or the
//!   **toRecipients** property of the `message` parameter. Specifying both
//!   or specifying neither will return an HTTP 400" — while the same page's
//!   example posts no body at all. Both are modelled
//!   ([`EmulatorConfig::forward_needs_recipients`](super::EmulatorConfig)).
//! - "If **replyTo** is specified in the original message … send the reply
//!   to the recipients in **replyTo**, and not the recipients in **from**."
//! - The draft is a message (201) in Drafts, `isDraft`, in the original's
//!   conversation; its subject is Outlook's `RE: ` / `FW: ` (not doubled);
//!   its body is HTML: whatever the `comment` or `message.body` gave, then
//!   Outlook's header block (`divRplyFwdMsg`: From, Sent, To, Cc, Subject)
//!   and the original body, as Outlook on the web writes replies. A
//!   forward carries the original's attachments.
//! - Writable properties in `message` are set on the draft, as on a
//!   create; extended properties only with
//!   [`EmulatorConfig::answer_keeps_extended_properties`](super::EmulatorConfig)
//!   (the pages do not say they are kept; the documented reading drops them).
//! - Every call makes a new draft: the actions are not idempotent.
//! - `Prefer: outlook.timezone` writes the header block's "Sent:" time in
//!   that zone (the pages list the header); without it, UTC.

use super::messages::{Stored, body_inner, escape, folder_id, fresh_props, random_id};
use super::{AppState, Ctx, error};

use axum::Extension;
use axum::extract::{Path, State};

use axum::response::Response;
use bytes::Bytes;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// A message someone sent the user, for the seeded Inbox.
#[derive(Clone, Debug)]
pub struct Received {
    pub from: (String, String),
    pub to: Vec<(String, String)>,
    pub cc: Vec<(String, String)>,
    pub reply_to: Vec<(String, String)>,
    pub subject: String,
    /// HTML when true, else plain text.
    pub html: bool,
    pub body: String,
    /// `receivedDateTime`, ISO 8601 UTC.
    pub received: String,
    /// Messages with the same thread share a `conversationId`.
    pub thread: String,
    /// (name, content type, bytes).
    pub attachments: Vec<(String, String, Vec<u8>)>,
}

fn person(name: &str, address: &str) -> (String, String) {
    (name.to_string(), address.to_string())
}

/// A believable Inbox for `--demo` and the tests: threads, HTML and text
/// bodies, Reply-To on some, an attachment, newest first.
pub fn seeded_inbox(me: &str) -> Vec<Received> {
    let me = person("Adele Vance", me);
    let dana = person("Dana Lee", "dana.lee@contoso.onmicrosoft.com");
    let megan = person("Megan Bowen", "megan.bowen@contoso.onmicrosoft.com");
    let lee = person("Lee Gu", "lee.gu@contoso.onmicrosoft.com");
    let nestor = person("Nestor Wilke", "nestor.wilke@contoso.onmicrosoft.com");
    let news = person("Contoso News", "news@contoso.onmicrosoft.com");
    let replies = person("Contoso Events", "events-replies@contoso.onmicrosoft.com");
    vec![
        Received {
            from: dana.clone(),
            to: vec![me.clone(), megan.clone()],
            cc: vec![lee.clone()],
            reply_to: vec![],
            subject: "Q3 budget review".into(),
            html: true,
            body: "<html><head></head><body><div>Hi both,</div><div><br></div><div>the Q3 budget is attached. Could you check the <b>travel</b> line before Friday?</div><div><br></div><div>Thanks,<br>Dana</div></body></html>".into(),
            received: "2026-11-30T09:12:00Z".into(),
            thread: "q3-budget".into(),
            attachments: vec![(
                "Q3 budget.csv".into(),
                "text/csv".into(),
                b"line,amount\ntravel,12000\nsoftware,8000\n".to_vec(),
            )],
        },
        Received {
            from: megan.clone(),
            to: vec![me.clone()],
            cc: vec![],
            reply_to: vec![],
            subject: "Lunch on Thursday?".into(),
            html: false,
            body: "Hi Adele,\n\nare you free for lunch on Thursday? The new place on 5th.\n\nMegan".into(),
            received: "2026-11-29T16:40:00Z".into(),
            thread: "lunch".into(),
            attachments: vec![],
        },
        Received {
            from: news.clone(),
            to: vec![me.clone()],
            cc: vec![],
            reply_to: vec![replies.clone()],
            subject: "Register for the December town hall".into(),
            html: true,
            body: "<html><body><p>The December town hall is on the 12th. Reply to this message to register.</p></body></html>".into(),
            received: "2026-11-28T08:00:00Z".into(),
            thread: "town-hall".into(),
            attachments: vec![],
        },
        Received {
            from: lee.clone(),
            to: vec![dana.clone(), me.clone()],
            cc: vec![nestor.clone()],
            reply_to: vec![],
            subject: "RE: Q3 budget review".into(),
            html: false,
            body: "Dana, the software line looks right to me.\n\nLee".into(),
            received: "2026-11-30T11:05:00Z".into(),
            thread: "q3-budget".into(),
            attachments: vec![],
        },
        Received {
            from: nestor.clone(),
            to: vec![me.clone()],
            cc: vec![],
            reply_to: vec![],
            subject: "Contract draft for Fabrikam".into(),
            html: true,
            body: "<html><body><div>Adele,</div><div>here is the contract draft for Fabrikam. Legal wants comments by the 10th.</div><div>Nestor</div></body></html>".into(),
            received: "2026-11-27T14:20:00Z".into(),
            thread: "fabrikam".into(),
            attachments: vec![(
                "Fabrikam contract.txt".into(),
                "text/plain".into(),
                b"CONTRACT DRAFT\n1. Scope\n2. Terms\n".to_vec(),
            )],
        },
    ]
}

fn address_list(people: &[(String, String)]) -> Value {
    Value::Array(
        people
            .iter()
            .map(|(n, a)| json!({"emailAddress": {"name": n, "address": a}}))
            .collect(),
    )
}

/// Puts the seeded messages into the owner's Inbox.
pub(super) fn seed(state: &AppState) {
    let owner = state.config.user_object_id.clone();
    for r in &state.config.inbox {
        let mut props = fresh_props(state, &owner, folder_id("inbox"));
        let from = address_list(std::slice::from_ref(&r.from));
        props.insert("from".into(), from[0].clone());
        props.insert("sender".into(), from[0].clone());
        props.insert("toRecipients".into(), address_list(&r.to));
        props.insert("ccRecipients".into(), address_list(&r.cc));
        props.insert("replyTo".into(), address_list(&r.reply_to));
        props.insert("subject".into(), Value::String(r.subject.clone()));
        props.insert(
            "body".into(),
            json!({"contentType": if r.html { "html" } else { "text" }, "content": r.body}),
        );
        let text = if r.html {
            super::messages::html_to_text(&r.body)
        } else {
            r.body.clone()
        };
        let preview: String = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .take(255)
            .collect();
        props.insert("bodyPreview".into(), Value::String(preview));
        props.insert("receivedDateTime".into(), Value::String(r.received.clone()));
        props.insert("sentDateTime".into(), Value::String(r.received.clone()));
        props.insert("createdDateTime".into(), Value::String(r.received.clone()));
        props.insert(
            "lastModifiedDateTime".into(),
            Value::String(r.received.clone()),
        );
        props.insert("isDraft".into(), Value::Bool(false));
        props.insert("isRead".into(), Value::Bool(false));
        props.insert(
            "conversationId".into(),
            Value::String(conversation(&r.thread)),
        );
        props.insert(
            "hasAttachments".into(),
            Value::Bool(!r.attachments.is_empty()),
        );
        let attachments = r
            .attachments
            .iter()
            .map(|(name, ct, bytes)| super::attachments::Attachment {
                id: random_id("AAMkAGI2THVSAAABEgAQA", 30),
                name: name.clone(),
                content_type: ct.clone(),
                is_inline: false,
                content_id: None,
                bytes: bytes.clone(),
                last_modified: r.received.clone(),
            })
            .collect();
        let mut mb = state.lock();
        let seq = mb.messages.len() as u64;
        mb.insert(Stored {
            seq,
            immutable_id: random_id("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A", 60),
            rest_id: random_id("AAMkAGI2THVSAAA=", 105),
            props,
            hidden: Map::new(),
            owner: owner.clone(),
            attachments,
        });
    }
}

fn conversation(thread: &str) -> String {
    use base64::Engine;
    format!(
        "AAQkAGI2{}",
        base64::engine::general_purpose::STANDARD.encode(format!("thread:{thread}"))
    )
}

/// Which answer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Reply,
    ReplyAll,
    Forward,
}

pub(super) fn routes() -> axum::Router<AppState> {
    use axum::routing::post;
    axum::Router::new()
        .route("/v1.0/me/messages/{id}/{action}", post(answer))
        .route("/v1.0/users/{user}/messages/{id}/{action}", post(answer))
}

fn addresses(v: Option<&Value>) -> Vec<Value> {
    v.and_then(Value::as_array).cloned().unwrap_or_default()
}

fn address_of(v: &Value) -> String {
    v.pointer("/emailAddress/address")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// Outlook's prefix, not doubled ("RE: RE: x" is not what Outlook writes).
fn prefixed(prefix: &str, subject: &str) -> String {
    let bare = subject.trim_start();
    if bare
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    {
        bare.to_string()
    } else {
        format!("{prefix}{bare}")
    }
}

fn people_line(list: &[Value]) -> String {
    list.iter()
        .map(|r| {
            let name = r
                .pointer("/emailAddress/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let addr = r
                .pointer("/emailAddress/address")
                .and_then(Value::as_str)
                .unwrap_or("");
            if name.is_empty() || name == addr {
                escape(addr)
            } else {
                format!("{} &lt;{}&gt;", escape(name), escape(addr))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The original's body as HTML, inside its `<body>` (a text body escaped).
fn original_html(props: &Map<String, Value>) -> String {
    let body = props.get("body");
    let ct = body
        .and_then(|b| b.get("contentType"))
        .and_then(Value::as_str)
        .unwrap_or("text");
    let content = body
        .and_then(|b| b.get("content"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if ct == "html" {
        body_inner(content).to_string()
    } else {
        super::messages::text_to_html(content)
    }
}

/// The reply's HTML: the user's part, then Outlook's header block and the
/// original (the `divRplyFwdMsg` block Outlook on the web writes).
fn quoted(top: &str, o: &Map<String, Value>, zone: Option<(i32, &str)>) -> String {
    let from = people_line(&o.get("from").cloned().into_iter().collect::<Vec<_>>());
    let to = people_line(&addresses(o.get("toRecipients")));
    let cc = people_line(&addresses(o.get("ccRecipients")));
    let sent = o.get("sentDateTime").and_then(Value::as_str).unwrap_or("");
    let sent = match (
        zone,
        time::OffsetDateTime::parse(sent, &time::format_description::well_known::Rfc3339),
    ) {
        (Some((minutes, name)), Ok(t)) => {
            let local = t + time::Duration::minutes(minutes as i64);
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}:{:02} ({name})",
                local.year(),
                local.month() as u8,
                local.day(),
                local.hour(),
                local.minute(),
                local.second()
            )
        }
        _ => sent.replace('T', " ").replace('Z', " UTC"),
    };
    let subject = escape(o.get("subject").and_then(Value::as_str).unwrap_or(""));
    let mut header =
        format!("<b>From:</b> {from}<br>\r\n<b>Sent:</b> {sent}<br>\r\n<b>To:</b> {to}<br>\r\n");
    if !cc.is_empty() {
        header.push_str(&format!("<b>Cc:</b> {cc}<br>\r\n"));
    }
    header.push_str(&format!("<b>Subject:</b> {subject}"));
    super::messages::wrap_html(&format!(
        "{top}<div id=\"appendonsend\"></div>\r\n<hr style=\"display:inline-block;width:98%\" tabindex=\"-1\">\r\n<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" style=\"font-size:11pt\" color=\"#000000\">{header}</font>\r\n<div>&nbsp;</div>\r\n</div>\r\n{}",
        original_html(o)
    ))
}

// Long by design: the three actions' documented request rules and the
// draft each makes, in one place.
async fn answer(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Path<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let kind = match params.get("action").map(String::as_str) {
        Some("createReply") => Kind::Reply,
        Some("createReplyAll") => Kind::ReplyAll,
        Some("createForward") => Kind::Forward,
        _ => {
            return error(
                &ctx,
                400,
                "BadRequest",
                "Resource not found for the segment.",
            );
        }
    };
    let owner = match super::messages::owner(&state, &ctx, &params) {
        Ok(o) => o,
        Err(r) => return r,
    };
    // No body is fine (the docs' examples send none); a body is JSON.
    let req: Map<String, Value> = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(m)) => m,
            _ => {
                return error(
                    &ctx,
                    400,
                    "BadRequest",
                    "Empty Payload. JSON content expected.",
                );
            }
        }
    };
    for k in req.keys() {
        let known = matches!(k.as_str(), "comment" | "message")
            || (kind == Kind::Forward && k == "toRecipients");
        if !known {
            return error(
                &ctx,
                400,
                "RequestBodyRead",
                &format!(
                    "The parameter '{k}' in the request payload is not a valid parameter for the operation."
                ),
            );
        }
    }
    let message = match req.get("message") {
        None => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => return error(&ctx, 400, "RequestBodyRead", "'message' must be a message."),
    };
    let comment = req.get("comment").and_then(Value::as_str);
    if comment.is_some() && message.contains_key("body") {
        return error(
            &ctx,
            400,
            "ErrorInvalidRequest",
            "A comment and a message body cannot both be given.",
        );
    }
    let to_param = req.get("toRecipients").cloned();
    if kind == Kind::Forward {
        let both = to_param.is_some() && message.contains_key("toRecipients");
        let neither = to_param.is_none() && !message.contains_key("toRecipients");
        if both || (neither && state.config.forward_needs_recipients) {
            return error(
                &ctx,
                400,
                "ErrorInvalidRecipients",
                "Specify the recipients either as toRecipients or in the message, not both and not neither.",
            );
        }
    }
    let (original, files) = {
        let mb = state.lock();
        let Some(key) = mb.resolve(&params["id"]) else {
            return super::not_found(&ctx);
        };
        let m = &mb.messages[&key];
        if m.owner != owner {
            return super::not_found(&ctx);
        }
        (m.props.clone(), m.attachments.clone())
    };
    let me = state.config.user_principal_name.to_ascii_lowercase();
    let not_me = |list: Vec<Value>| -> Vec<Value> {
        list.into_iter().filter(|r| address_of(r) != me).collect()
    };
    let reply_to = addresses(original.get("replyTo"));
    let sender: Vec<Value> = if reply_to.is_empty() {
        original.get("from").cloned().into_iter().collect()
    } else {
        reply_to
    };
    let (to, cc, prefix) = match kind {
        Kind::Reply => (sender, Vec::new(), "RE: "),
        Kind::ReplyAll => {
            let mut to = sender;
            for r in not_me(addresses(original.get("toRecipients"))) {
                if !to.iter().any(|t| address_of(t) == address_of(&r)) {
                    to.push(r);
                }
            }
            (to, not_me(addresses(original.get("ccRecipients"))), "RE: ")
        }
        Kind::Forward => (addresses(to_param.as_ref()), Vec::new(), "FW: "),
    };
    let top = match (comment, message.get("body")) {
        (Some(c), _) => format!("<div>{}</div>\r\n", escape(c)),
        (None, Some(b)) => b
            .get("content")
            .and_then(Value::as_str)
            .map(|c| format!("{c}\r\n"))
            .unwrap_or_default(),
        (None, None) => String::new(),
    };
    let mut props = fresh_props(&state, &owner, folder_id("drafts"));
    props.insert("toRecipients".into(), Value::Array(to));
    props.insert("ccRecipients".into(), Value::Array(cc));
    let subject = original
        .get("subject")
        .and_then(Value::as_str)
        .unwrap_or("");
    props.insert("subject".into(), Value::String(prefixed(prefix, subject)));
    props.insert(
        "body".into(),
        json!({"contentType": "html", "content": quoted(&top, &original, ctx.prefs.time_zone)}),
    );
    if let Some(c) = original.get("conversationId") {
        props.insert("conversationId".into(), c.clone());
    }
    let attachments = if kind == Kind::Forward {
        files
    } else {
        Vec::new()
    };
    props.insert(
        "hasAttachments".into(),
        Value::Bool(!attachments.is_empty()),
    );
    // The message parameter's writable properties, as on a create.
    let mut hidden = Map::new();
    let mut visible = Map::new();
    for (k, v) in message {
        if k.ends_with("ExtendedProperties") {
            if state.config.answer_keeps_extended_properties {
                hidden.insert(k, v);
            }
        } else if k == "internetMessageHeaders" {
            hidden.insert(k, v);
        } else if k != "body" {
            visible.insert(k, v);
        }
    }
    for (k, v) in visible {
        props.insert(k, v);
    }
    let stored = Stored {
        seq: 0,
        immutable_id: random_id("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A", 60),
        rest_id: random_id("AAMkAGI2THVSAAA=", 105),
        props,
        hidden,
        owner,
        attachments,
    };
    super::messages::store_new(&state, &ctx, stored)
}
