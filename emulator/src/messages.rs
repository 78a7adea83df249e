//! The message endpoints: create (in `/me`, `/users/{id}`, folders), get, update, delete.

use super::{AppState, Ctx, Prefs, error, not_found, now_iso};
use axum::Extension;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use base64::Engine as _;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::str::FromStr;

/// A message in the emulated mailbox.
pub(super) struct Stored {
    pub seq: u64,
    /// Stays the same while the message is in this mailbox, whatever folder
    /// it moves to (concepts/outlook-immutable-id.md).
    pub immutable_id: String,
    /// The default id: it "change[s] ... if the item is moved" (same page),
    /// sending (to Sent Items) and deleting (to Deleted Items) included.
    pub rest_id: String,
    /// The properties GET returns, except `id` and `webLink` (which depend on
    /// the id type asked for) and the body's form (which depends on
    /// `outlook.body-content-type`).
    pub props: Map<String, Value>,
    /// Write-once or hidden properties that GET does not return by default.
    pub hidden: Map<String, Value>,
    pub owner: String,
    /// File attachments, in the order they were added.
    pub attachments: Vec<super::attachments::Attachment>,
}

impl Stored {
    /// As stored: REST id, the body as it was sent.
    pub fn public(&self) -> Value {
        let mut o = self.props.clone();
        o.insert("id".into(), Value::String(self.rest_id.clone()));
        o.insert("webLink".into(), Value::String(web_link(&self.rest_id)));
        Value::Object(o)
    }

    /// As a request with these preferences sees it.
    pub fn view(&self, prefs: &Prefs) -> Map<String, Value> {
        let mut o = self.props.clone();
        let id = if prefs.immutable_ids {
            &self.immutable_id
        } else {
            &self.rest_id
        };
        o.insert("id".into(), Value::String(id.clone()));
        // The link is made from the id the request asked for; only the REST
        // form opens (see `Emulator::link_opens`).
        o.insert("webLink".into(), Value::String(web_link(id)));
        if let Some(body) = o.get_mut("body") {
            *body = body_as(body, prefs.text_body);
        }
        o
    }

    /// Whether it sits in this well-known folder.
    pub fn in_folder(&self, name: &str) -> bool {
        self.props.get("parentFolderId") == Some(&Value::String(folder_id(name)))
    }
}

/// The body in the form asked for. Stored text comes back as HTML unless
/// text is asked for, stored HTML as text when it is (message-get.md). The
/// exact markup Exchange produces for a text body is not documented; the
/// emulator escapes the text, breaks lines with `<br>` and wraps it like the
/// HTML bodies in the docs' examples, so a client must not rely on it.
fn body_as(body: &Value, text: bool) -> Value {
    let ct = body
        .get("contentType")
        .and_then(Value::as_str)
        .unwrap_or("text");
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    match (ct, text) {
        ("html", true) => json!({"contentType": "text", "content": html_to_text(content)}),
        ("text", false) => {
            json!({"contentType": "html", "content": wrap_html(&text_to_html(content))})
        }
        _ => body.clone(),
    }
}

/// Outlook's HTML document around a fragment (the docs' create examples).
pub(super) fn wrap_html(fragment: &str) -> String {
    format!(
        "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n{fragment}\r\n</body>\r\n</html>\r\n"
    )
}

/// `&`, `<` and `>` as HTML entities.
pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub(super) fn text_to_html(text: &str) -> String {
    format!("<div>{}</div>", escape(text).replace('\n', "<br>\r\n"))
}

/// What is inside a document's `<body>` (all of it, if there is none).
pub(super) fn body_inner(html: &str) -> &str {
    match (html.find("<body"), html.rfind("</body>")) {
        (Some(a), Some(b)) if a < b => {
            let start = html[a..].find('>').map(|i| a + i + 1).unwrap_or(a);
            &html[start..b]
        }
        _ => html,
    }
}

/// Tags out, line breaks for `<br>` and block ends, entities decoded.
pub(super) fn html_to_text(html: &str) -> String {
    let body = body_inner(html);
    let mut out = String::new();
    let mut tag = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let t = tag.trim().to_ascii_lowercase();
                if t.starts_with("br") || t.starts_with("/p") || t.starts_with("/div") {
                    out.push('\n');
                }
            }
            (true, c) => tag.push(c),
            (false, '\r') => {}
            (false, '\n') => {}
            (false, c) => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .trim_end_matches('\n')
        .to_string()
}

impl super::Mailbox {
    /// The immutable id of the message a REST or immutable id names.
    pub(super) fn resolve(&self, id: &str) -> Option<String> {
        if self.messages.contains_key(id) {
            return Some(id.to_string());
        }
        self.rest_index.get(id).cloned()
    }

    pub(super) fn insert(&mut self, m: Stored) {
        self.rest_index
            .insert(m.rest_id.clone(), m.immutable_id.clone());
        self.messages.insert(m.immutable_id.clone(), m);
    }

    /// Removes a message for good.
    pub(super) fn purge(&mut self, key: &str) -> bool {
        match self.messages.remove(key) {
            Some(m) => {
                self.rest_index.remove(&m.rest_id);
                true
            }
            None => false,
        }
    }

    /// Moves a message to a well-known folder: a new REST id and changeKey.
    pub(super) fn move_to(&mut self, key: &str, folder: &str) -> Option<String> {
        let m = self.messages.get_mut(key)?;
        let old = std::mem::replace(&mut m.rest_id, new_rest_id());
        m.props.insert(
            "parentFolderId".into(),
            Value::String(folder_id(&folder.to_ascii_lowercase())),
        );
        let change_key = random_id("CQAAABYAAAD", 18);
        m.props.insert(
            "@odata.etag".into(),
            Value::String(format!("W/\"{change_key}\"")),
        );
        m.props
            .insert("changeKey".into(), Value::String(change_key));
        m.props
            .insert("lastModifiedDateTime".into(), Value::String(now_iso()));
        let rest = m.rest_id.clone();
        self.rest_index.remove(&old);
        self.rest_index.insert(rest.clone(), key.to_string());
        Some(rest)
    }
}

fn new_rest_id() -> String {
    random_id("AAMkAGI2THVSAAA=", 105)
}

const WELL_KNOWN_FOLDERS: &[&str] = &[
    "archive",
    "clutter",
    "conflicts",
    "conversationhistory",
    "deleteditems",
    "drafts",
    "inbox",
    "junkemail",
    "localfailures",
    "msgfolderroot",
    "outbox",
    "recoverableitemsdeletions",
    "scheduled",
    "searchfolders",
    "sentitems",
    "serverfailures",
    "syncissues",
];

/// Properties a client may set, and whether only at create.
const SETTABLE: &[(&str, bool)] = &[
    ("subject", false),
    ("body", false),
    ("toRecipients", false),
    ("ccRecipients", false),
    ("bccRecipients", false),
    ("replyTo", false),
    ("from", false),
    ("sender", false),
    ("importance", false),
    ("isReadReceiptRequested", false),
    ("isDeliveryReceiptRequested", false),
    ("categories", false),
    ("flag", false),
    ("internetMessageId", false),
    ("inferenceClassification", false),
    ("isRead", false),
    ("singleValueExtendedProperties", false),
    ("multiValueExtendedProperties", false),
    ("internetMessageHeaders", true),
    ("attachments", true),
];

const RECIPIENT_LISTS: &[&str] = &["toRecipients", "ccRecipients", "bccRecipients", "replyTo"];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1.0/me/messages", post(create).get(list))
        .route(
            "/v1.0/me/mailFolders/{folder}/messages",
            post(create).get(list),
        )
        .route("/v1.0/users/{user}/messages", post(create).get(list))
        .route(
            "/v1.0/users/{user}/mailFolders/{folder}/messages",
            post(create).get(list),
        )
        .route("/v1.0/me/mailFolders", get(folder_list))
        .route("/v1.0/users/{user}/mailFolders", get(folder_list))
        .route("/v1.0/me/mailFolders/{folder}", get(folder_get))
        .route("/v1.0/users/{user}/mailFolders/{folder}", get(folder_get))
        .route(
            "/v1.0/me/mailFolders/{folder}/childFolders",
            get(folder_children),
        )
        .route(
            "/v1.0/users/{user}/mailFolders/{folder}/childFolders",
            get(folder_children),
        )
        .route(
            "/v1.0/me/messages/{id}",
            patch(update).get(get_one).delete(delete_one),
        )
        .route(
            "/v1.0/users/{user}/messages/{id}",
            patch(update).get(get_one).delete(delete_one),
        )
        .merge(super::attachments::routes())
}

type Params = Path<HashMap<String, String>>;

/// Resolves `/me` or `/users/{id}` to the mailbox owner, or a 404 `ErrorInvalidUser`.
pub(super) fn owner(
    state: &AppState,
    ctx: &Ctx,
    params: &HashMap<String, String>,
) -> Result<String, Response> {
    let cfg = &state.config;
    match params.get("user") {
        None => Ok(cfg.user_object_id.clone()),
        Some(u)
            if u.eq_ignore_ascii_case(&cfg.user_principal_name)
                || u.eq_ignore_ascii_case(&cfg.user_object_id) =>
        {
            Ok(cfg.user_object_id.clone())
        }
        Some(u)
            if cfg
                .shared_mailboxes
                .iter()
                .any(|s| s.eq_ignore_ascii_case(u)) =>
        {
            Ok(u.to_lowercase())
        }
        Some(u) => Err(error(
            ctx,
            404,
            "ErrorInvalidUser",
            &format!("The requested user '{u}' is invalid."),
        )),
    }
}

pub(super) fn folder_id(name: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD;
    format!(
        "AQMkADAwATM0MDAAMS1i{}AAAA",
        b64.encode(format!("folder:{name}"))
    )
}

pub(super) fn random_id(prefix: &str, bytes: usize) -> String {
    let raw: Vec<u8> = (0..bytes.div_ceil(16))
        .flat_map(|_| uuid::Uuid::new_v4().into_bytes())
        .take(bytes)
        .collect();
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::STANDARD.encode(raw)
    )
}

pub(super) fn web_link(id: &str) -> String {
    let enc: String = url::form_urlencoded::byte_serialize(id.as_bytes()).collect();
    format!("https://outlook.office365.com/owa/?ItemID={enc}&exvsurl=1&viewmodel=ReadMessageItem")
}

pub(super) fn check_body(
    ctx: &Ctx,
    headers: &HeaderMap,
    body: &Bytes,
    max: usize,
) -> Result<Map<String, Value>, Response> {
    if body.len() > max {
        return Err(error(
            ctx,
            413,
            "RequestEntityTooLarge",
            "The request is larger than the allowed size.",
        ));
    }
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("application/json") {
        return Err(error(
            ctx,
            415,
            "RequestBodyRead",
            "A missing or empty content type header was found when trying to read a message. The content type header is required.",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(error(
            ctx,
            400,
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
        )),
    }
}

fn shape_error(ctx: &Ctx, prop: &str) -> Response {
    error(
        ctx,
        400,
        "BadRequest",
        &format!("Property {prop} in payload has a value that does not match schema."),
    )
}

/// Validates a create or update body against the message type. Returns the
/// body with enums lower-cased.
// Long by design: one rule after another from the message resource's
// documentation, each with its source, in the order Graph reports them.
fn validate(
    state: &AppState,
    ctx: &Ctx,
    mut m: Map<String, Value>,
    creating: bool,
) -> Result<Map<String, Value>, Response> {
    for key in m.keys() {
        match SETTABLE.iter().find(|(k, _)| k == key) {
            Some((_, true)) if !creating => {
                return Err(error(
                    ctx,
                    400,
                    "ErrorInvalidPropertyUpdateSentMessage",
                    &format!("The property '{key}' can only be set when the message is created."),
                ));
            }
            Some(_) => {}
            None => {
                return Err(error(
                    ctx,
                    400,
                    "RequestBodyRead",
                    &format!(
                        "The property '{key}' does not exist on type 'Microsoft.OutlookServices.Message'. Make sure to only use property names that are defined by the type or mark the type as open type."
                    ),
                ));
            }
        }
    }
    for key in ["subject", "internetMessageId"] {
        if m.get(key).is_some_and(|v| !v.is_string() && !v.is_null()) {
            return Err(shape_error(ctx, key));
        }
    }
    let named = |v: &Value| {
        v.as_array().is_some_and(|l| {
            l.iter().any(|p| {
                p.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|id| id.contains(" Name "))
            })
        })
    };
    if state.config.named_property_quota_exhausted
        && [
            "singleValueExtendedProperties",
            "multiValueExtendedProperties",
        ]
        .iter()
        .any(|k| m.get(*k).is_some_and(named))
    {
        // A named property needs a new name-to-id mapping in the mailbox,
        // and there is no room for one.
        return Err(error(
            ctx,
            403,
            "ErrorQuotaExceeded",
            "Cannot get ID from name.",
        ));
    }
    for key in [
        "isReadReceiptRequested",
        "isDeliveryReceiptRequested",
        "isRead",
    ] {
        if m.get(key).is_some_and(|v| !v.is_boolean()) {
            return Err(shape_error(ctx, key));
        }
    }
    if let Some(b) = m.get_mut("body") {
        let ok = b.as_object_mut().is_some_and(|o| {
            let ct = o
                .get("contentType")
                .map(|v| v.as_str().map(str::to_ascii_lowercase));
            let ct_ok = matches!(ct, None | Some(Some(_)))
                && ct
                    .clone()
                    .flatten()
                    .is_none_or(|c| c == "text" || c == "html");
            let content_ok = o.get("content").is_none_or(Value::is_string);
            let keys_ok = o.keys().all(|k| k == "contentType" || k == "content");
            if let Some(Some(c)) = ct {
                o.insert("contentType".into(), Value::String(c));
            }
            ct_ok && content_ok && keys_ok
        });
        if !ok {
            return Err(shape_error(ctx, "body"));
        }
    }
    if let Some(v) = m.get_mut("importance") {
        match v.as_str().map(str::to_ascii_lowercase) {
            Some(s) if ["low", "normal", "high"].contains(&s.as_str()) => *v = Value::String(s),
            _ => return Err(shape_error(ctx, "importance")),
        }
    }
    if m.get("categories")
        .is_some_and(|v| !v.as_array().is_some_and(|a| a.iter().all(Value::is_string)))
    {
        return Err(shape_error(ctx, "categories"));
    }
    let mut total = 0;
    for key in RECIPIENT_LISTS {
        let Some(v) = m.get(*key) else { continue };
        let Some(list) = v.as_array() else {
            return Err(shape_error(ctx, key));
        };
        for r in list {
            let email = r
                .as_object()
                .and_then(|o| (o.len() == 1).then(|| o.get("emailAddress")).flatten());
            let Some(email) = email.and_then(Value::as_object) else {
                return Err(shape_error(ctx, key));
            };
            let keys_ok = email.keys().all(|k| k == "address" || k == "name");
            let name_ok = email.get("name").is_none_or(Value::is_string);
            let Some(addr) = email.get("address").and_then(Value::as_str) else {
                return Err(shape_error(ctx, key));
            };
            if !keys_ok || !name_ok {
                return Err(shape_error(ctx, key));
            }
            if state.config.reject_invalid_recipients
                && email_address::EmailAddress::from_str(addr).is_err()
            {
                return Err(error(
                    ctx,
                    400,
                    "ErrorInvalidRecipients",
                    &format!(
                        "At least one recipient isn't valid., Recipient '{addr}' isn't resolved."
                    ),
                ));
            }
        }
        if *key != "replyTo" {
            total += list.len();
        }
    }
    if total > state.config.max_recipients {
        return Err(error(
            ctx,
            400,
            "ErrorTooManyRecipients",
            &format!(
                "A message can't have more than {} recipients.",
                state.config.max_recipients
            ),
        ));
    }
    if let Some(h) = m.get("internetMessageHeaders") {
        let Some(list) = h.as_array() else {
            return Err(shape_error(ctx, "internetMessageHeaders"));
        };
        if list.len() > 5 {
            return Err(error(
                ctx,
                400,
                "InvalidInternetMessageHeaderCollection",
                "Maximum number of headers in one message should be less than or equal to 5.",
            ));
        }
        for item in list {
            let name = item.get("name").and_then(Value::as_str).unwrap_or("");
            if !name.to_ascii_lowercase().starts_with("x-") {
                return Err(error(
                    ctx,
                    400,
                    "InvalidInternetMessageHeader",
                    &format!(
                        "The internet message header name '{name}' should start with 'x-' or 'X-'."
                    ),
                ));
            }
        }
    }
    if let Some(f) = m.get("flag") {
        if f.get("dueDateTime").is_some() && f.get("startDateTime").is_none() {
            return Err(error(
                ctx,
                400,
                "ErrorInvalidArgument",
                "The due date can't be set without a start date.",
            ));
        }
    }
    Ok(m)
}

/// Fills in what the server derives: names from the "directory", body wrapping, preview.
fn apply(props: &mut Map<String, Value>, changes: Map<String, Value>) {
    for (k, mut v) in changes {
        if RECIPIENT_LISTS.contains(&k.as_str()) {
            if let Some(list) = v.as_array_mut() {
                for r in list {
                    if let Some(e) = r.get_mut("emailAddress").and_then(Value::as_object_mut) {
                        if !e.contains_key("name") {
                            let a = e.get("address").cloned().unwrap_or(Value::Null);
                            e.insert("name".into(), a);
                        }
                    }
                }
            }
        }
        if k == "body" {
            let ct = v
                .get("contentType")
                .and_then(Value::as_str)
                .unwrap_or("text")
                .to_string();
            let content = v
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let preview = if ct == "html" {
                strip_tags(&content)
            } else {
                content.clone()
            };
            let preview: String = preview.split_whitespace().collect::<Vec<_>>().join(" ");
            props.insert(
                "bodyPreview".into(),
                Value::String(preview.chars().take(255).collect()),
            );
            let content = if ct == "html" && !content.trim_start().starts_with("<html") {
                format!(
                    "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n{content}\r\n</body>\r\n</html>\r\n"
                )
            } else {
                content
            };
            v = json!({"contentType": ct, "content": content});
        }
        props.insert(k, v);
    }
    new_version(props);
}

/// A body as Outlook keeps it once edited there: HTML (a text body is
/// escaped and wrapped, as the emulator serves text to HTML readers).
pub(super) fn outlook_html(body: &Value) -> Value {
    let ct = body
        .get("contentType")
        .and_then(Value::as_str)
        .unwrap_or("text");
    let content = body.get("content").and_then(Value::as_str).unwrap_or("");
    let html = if ct.eq_ignore_ascii_case("html") {
        if content.trim_start().starts_with("<html") {
            content.to_string()
        } else {
            wrap_html(content)
        }
    } else {
        wrap_html(&text_to_html(content))
    };
    json!({"contentType": "html", "content": html})
}

/// A new version of the message: "every time the message is changed,
/// ChangeKey changes as well" (resources/message.md, `changeKey`), its
/// `@odata.etag` with it; attachments added or removed change it too.
pub(super) fn new_version(props: &mut Map<String, Value>) {
    let change_key = random_id("CQAAABYAAAD", 18);
    let now = now_iso();
    props.insert(
        "@odata.etag".into(),
        Value::String(format!("W/\"{change_key}\"")),
    );
    props.insert("changeKey".into(), Value::String(change_key));
    props.insert("lastModifiedDateTime".into(), Value::String(now));
}

/// Whether a `PATCH` meets a version it did not see: its `If-Match` names
/// another change key (field reports: 412 `ErrorIrresolvableConflict`,
/// "The change key passed in the request does not match the current change
/// key for the item."; microsoft-graph-docs-contrib issue 7934,
/// msgraph-sdk-dotnet issue 1201, msgraph-sdk-powershell issue 2080), or
/// (configurable, as some reports have it with no key sent) another client
/// wrote the message since this one last did.
fn irresolvable(state: &AppState, headers: &HeaderMap, stored: &Stored) -> bool {
    let current = stored
        .props
        .get("changeKey")
        .and_then(Value::as_str)
        .unwrap_or("");
    match headers.get("if-match").and_then(|v| v.to_str().ok()) {
        Some(tag) if tag.trim() != "*" => {
            let key = tag
                .trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_string();
            key != current
        }
        Some(_) => false,
        None => {
            state.config.conflict_without_if_match
                && stored.hidden.get("lastWriter").and_then(Value::as_str) == Some("outlook")
        }
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

// Long by design: the documented create, step by step (validate, key,
// quota, folder, the stored message); splitting it would scatter the sources.
/// The properties a new draft starts with (user-post-messages.md's answer):
/// empty lists, a text body, a conversation of its own, in `parent`.
pub(super) fn fresh_props(state: &AppState, owner: &str, parent: String) -> Map<String, Value> {
    let now = now_iso();
    let mut props = Map::new();
    props.insert(
        "@odata.context".into(),
        Value::String(format!(
            "{}/$metadata#users('{owner}')/messages/$entity",
            state.base_url
        )),
    );
    props.insert("createdDateTime".into(), Value::String(now.clone()));
    props.insert("receivedDateTime".into(), Value::String(now.clone()));
    props.insert("sentDateTime".into(), Value::String(now));
    props.insert("hasAttachments".into(), Value::Bool(false));
    props.insert(
        "internetMessageId".into(),
        Value::String(format!(
            "<{}@EMULATOR.contoso.prod.outlook.com>",
            uuid::Uuid::new_v4().simple()
        )),
    );
    props.insert("subject".into(), Value::String(String::new()));
    props.insert("bodyPreview".into(), Value::String(String::new()));
    props.insert("importance".into(), Value::String("normal".into()));
    props.insert("parentFolderId".into(), Value::String(parent));
    props.insert(
        "conversationId".into(),
        Value::String(random_id("AAQkAGI2", 40)),
    );
    props.insert(
        "conversationIndex".into(),
        Value::String(random_id("AQH", 19)),
    );
    props.insert("isDeliveryReceiptRequested".into(), Value::Bool(false));
    props.insert("isReadReceiptRequested".into(), Value::Bool(false));
    props.insert("isRead".into(), Value::Bool(true));
    props.insert("isDraft".into(), Value::Bool(true));
    props.insert(
        "inferenceClassification".into(),
        Value::String("focused".into()),
    );
    props.insert("categories".into(), json!([]));
    props.insert("body".into(), json!({"contentType": "text", "content": ""}));
    for key in RECIPIENT_LISTS {
        props.insert((*key).into(), json!([]));
    }
    props.insert("flag".into(), json!({"flagStatus": "notFlagged"}));
    props
}

async fn create(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let owner = match owner(&state, &ctx, &params) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let parent = match params.get("folder") {
        None => folder_id("drafts"),
        Some(f) => match known_folder(&state, f) {
            Some((id, _, _)) => id,
            None => return bad_folder(&ctx, f),
        },
    };
    let m = match check_body(&ctx, &headers, &body, state.config.max_body_bytes)
        .and_then(|m| validate(&state, &ctx, m, true))
    {
        Ok(m) => m,
        Err(r) => return r,
    };
    let rest_id = new_rest_id();
    let immutable_id = random_id("AAkALgAAAAAAHYQDEapmEc2byACqAC-EWg0A", 60);
    let mut props = fresh_props(&state, &owner, parent);
    let mut m = m;
    let attachments = match m.remove("attachments") {
        None => Vec::new(),
        Some(Value::Array(list)) => {
            let mut out = Vec::new();
            for a in list {
                match super::attachments::parse_file_attachment(&state, &ctx, a) {
                    Ok(a) => out.push(a),
                    Err(r) => return r,
                }
            }
            out
        }
        Some(_) => return shape_error(&ctx, "attachments"),
    };
    props.insert(
        "hasAttachments".into(),
        Value::Bool(super::attachments::has_attachments(&attachments)),
    );
    let mut visible = Map::new();
    let mut hidden = Map::new();
    for (k, v) in m {
        if k == "internetMessageHeaders" || k.ends_with("ExtendedProperties") {
            hidden.insert(k, v);
        } else {
            visible.insert(k, v);
        }
    }
    apply(&mut props, visible);
    let stored = Stored {
        seq: 0,
        immutable_id,
        rest_id,
        props,
        hidden,
        owner,
        attachments,
    };
    store_new(&state, &ctx, stored)
}

/// Stores a message just made and answers 201 with it, as the asking
/// request sees it.
pub(super) fn store_new(state: &AppState, ctx: &Ctx, stored: Stored) -> Response {
    let out = Value::Object(stored.view(&ctx.prefs));
    let mut mb = state.lock();
    let seq = mb.messages.len() as u64 + mb.log.len() as u64;
    mb.insert(Stored { seq, ..stored });
    (StatusCode::CREATED, axum::Json(out)).into_response()
}

/// The name Outlook shows for a well-known folder (resources/mailfolder.md:
/// Inbox, Drafts, Sent Items, Deleted Items, …).
fn display_name(well_known: &str) -> String {
    match well_known {
        "inbox" => "Inbox",
        "drafts" => "Drafts",
        "sentitems" => "Sent Items",
        "deleteditems" => "Deleted Items",
        "junkemail" => "Junk Email",
        "archive" => "Archive",
        "outbox" => "Outbox",
        "conversationhistory" => "Conversation History",
        other => other,
    }
    .to_string()
}

/// `GET …/mailFolders?$filter=displayName eq '…'` (user-list-mailfolders.md):
/// the top-level folders, or those of that name.
async fn folder_list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = owner(&state, &ctx, &params) {
        return r;
    }
    let wanted = match display_name_filter(&ctx, &q) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let root = folder_id("msgfolderroot");
    let value = children(&state, &root, wanted.as_deref());
    axum::Json(json!({ "value": value })).into_response()
}

/// A folder list's `$filter=displayName eq '…'` (the only one modelled),
/// lower case; any other filter is refused as Graph refuses it.
fn display_name_filter(ctx: &Ctx, q: &HashMap<String, String>) -> Result<Option<String>, Response> {
    match q.get("$filter") {
        None => Ok(None),
        Some(f) => literal_after(f, "displayName eq")
            .map(|n| Some(n.to_lowercase()))
            .ok_or_else(|| error(ctx, 400, "BadRequest", "Invalid filter clause")),
    }
}

/// Every folder of the mailbox: (id, display name, parent id). The
/// well-known ones a mailbox shows at the top, then the user's.
fn all_folders(state: &AppState) -> Vec<(String, String, String)> {
    let root = folder_id("msgfolderroot");
    let mut out: Vec<(String, String, String)> = [
        "inbox",
        "drafts",
        "sentitems",
        "deleteditems",
        "junkemail",
        "archive",
        "outbox",
    ]
    .iter()
    .map(|f| (folder_id(f), display_name(f), root.clone()))
    .collect();
    for path in &state.config.folders {
        let mut parent = root.clone();
        let mut so_far = String::new();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            so_far = if so_far.is_empty() {
                part.to_string()
            } else {
                format!("{so_far}/{part}")
            };
            let existing = out
                .iter()
                .find(|(_, d, p)| *p == parent && d.eq_ignore_ascii_case(part))
                .map(|(id, ..)| id.clone());
            parent = match existing {
                Some(id) => id,
                None => {
                    let id = folder_id(&format!("user:{so_far}"));
                    out.push((id.clone(), part.to_string(), parent.clone()));
                    id
                }
            };
        }
    }
    out
}

/// The folders under `parent`, those named `wanted` (any case) if given.
fn children(state: &AppState, parent: &str, wanted: Option<&str>) -> Vec<Value> {
    let all = all_folders(state);
    all.iter()
        .filter(|(_, _, p)| p == parent)
        .filter(|(_, d, _)| wanted.is_none_or(|w| d.to_lowercase() == w))
        .map(|(id, d, p)| {
            let kids = all.iter().filter(|(_, _, q)| q == id).count();
            json!({"id": id, "displayName": d, "parentFolderId": p, "childFolderCount": kids})
        })
        .collect()
}

/// A folder named in a path as Graph takes it: a well-known name (any
/// case) or a folder's id. (id, display name, parent id).
fn known_folder(state: &AppState, given: &str) -> Option<(String, String, String)> {
    let lower = given.to_ascii_lowercase();
    if let Some(known) = WELL_KNOWN_FOLDERS.iter().find(|f| **f == lower) {
        return Some((
            folder_id(known),
            display_name(known),
            folder_id("msgfolderroot"),
        ));
    }
    if let Some(known) = WELL_KNOWN_FOLDERS.iter().find(|f| folder_id(f) == given) {
        return Some((
            given.to_string(),
            display_name(known),
            folder_id("msgfolderroot"),
        ));
    }
    all_folders(state).into_iter().find(|(id, ..)| id == given)
}

/// A folder segment that is neither a well-known name nor a known id: an
/// id-shaped one is not found (404); anything else, a display name such
/// as `Projects`, is refused as Graph refuses it: 400
/// `ErrorInvalidIdMalformed` "Id is malformed." (reported for
/// `POST /me/mailFolders/Projects/messages`).
fn bad_folder(ctx: &Ctx, given: &str) -> Response {
    if given.len() >= 60 && given.to_ascii_lowercase().starts_with("aqmk") {
        return not_found(ctx);
    }
    error(ctx, 400, "ErrorInvalidIdMalformed", "Id is malformed.")
}

/// `GET …/mailFolders/{id}/childFolders[?$filter=displayName eq '…']`
/// (mailfolder-list-childfolders.md): the folders directly under it.
async fn folder_children(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = owner(&state, &ctx, &params) {
        return r;
    }
    let given = params.get("folder").cloned().unwrap_or_default();
    let Some((id, ..)) = known_folder(&state, &given) else {
        return bad_folder(&ctx, &given);
    };
    let wanted = match display_name_filter(&ctx, &q) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let value = children(&state, &id, wanted.as_deref());
    axum::Json(json!({ "value": value })).into_response()
}

/// `GET …/mailFolders/{well-known name or id}` (mailfolder-get.md): the
/// folder, with its id. Well-known names are case-insensitive.
async fn folder_get(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
) -> Response {
    if let Err(r) = owner(&state, &ctx, &params) {
        return r;
    }
    let name = params.get("folder").cloned().unwrap_or_default();
    let Some((id, display, parent)) = known_folder(&state, &name) else {
        return bad_folder(&ctx, &name);
    };
    let child_count = all_folders(&state)
        .iter()
        .filter(|(_, _, p)| *p == id)
        .count();
    let count = state
        .lock()
        .messages
        .values()
        .filter(|m| m.props.get("parentFolderId") == Some(&Value::String(id.clone())))
        .count();
    axum::Json(json!({
        "id": id,
        "displayName": display,
        "parentFolderId": parent,
        "childFolderCount": child_count,
        "unreadItemCount": 0,
        "totalItemCount": count,
    }))
    .into_response()
}

/// Looks a message up for this owner: 400 for a malformed id, 404 for an unknown one.
pub(super) fn find_id(
    state: &AppState,
    ctx: &Ctx,
    params: &HashMap<String, String>,
) -> Result<String, Response> {
    let owner = owner(state, ctx, params)?;
    let id = params.get("id").cloned().unwrap_or_default();
    let well_formed = id.len() >= 20
        && id.starts_with("AA")
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+/=-_".contains(c));
    if !well_formed {
        return Err(error(
            ctx,
            400,
            "ErrorInvalidIdMalformed",
            "Id is malformed.",
        ));
    }
    let mb = state.lock();
    match mb.resolve(&id).and_then(|k| mb.messages.get(&k)) {
        Some(m) if m.owner == owner => Ok(m.immutable_id.clone()),
        _ => Err(not_found(ctx)),
    }
}

async fn get_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
) -> Response {
    match find_id(&state, &ctx, &params) {
        Ok(id) => {
            let mb = state.lock();
            match mb.messages.get(&id) {
                Some(m) => axum::Json(Value::Object(m.view(&ctx.prefs))).into_response(),
                None => not_found(&ctx),
            }
        }
        Err(r) => r,
    }
}

async fn update(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let id = match find_id(&state, &ctx, &params) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let m = match check_body(&ctx, &headers, &body, state.config.max_body_bytes)
        .and_then(|m| validate(&state, &ctx, m, false))
    {
        Ok(m) => m,
        Err(r) => return r,
    };
    let mut mb = state.lock();
    let Some(stored) = mb.messages.get_mut(&id) else {
        return not_found(&ctx);
    };
    if irresolvable(&state, &headers, stored) {
        return error(
            &ctx,
            state.config.conflict_status,
            "ErrorIrresolvableConflict",
            "The change key passed in the request does not match the current change key for the item.",
        );
    }
    stored
        .hidden
        .insert("lastWriter".into(), Value::String("client".into()));
    let is_draft = stored.props.get("isDraft") == Some(&Value::Bool(true));
    if !is_draft {
        if let Some(k) = ["subject", "body", "replyTo", "internetMessageId"]
            .iter()
            .find(|k| m.contains_key(**k))
        {
            return error(
                &ctx,
                400,
                "ErrorInvalidPropertyUpdateSentMessage",
                &format!("Update operation is not allowed on property '{k}' of a sent message."),
            );
        }
    }
    let mut visible = Map::new();
    for (k, v) in m {
        if k.ends_with("ExtendedProperties") {
            stored.hidden.insert(k, v);
        } else {
            visible.insert(k, v);
        }
    }
    apply(&mut stored.props, visible);
    axum::Json(Value::Object(stored.view(&ctx.prefs))).into_response()
}

async fn delete_one(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
) -> Response {
    match find_id(&state, &ctx, &params) {
        Ok(key) => {
            let mut mb = state.lock();
            let in_trash = mb
                .messages
                .get(&key)
                .is_some_and(|m| m.in_folder("deleteditems"));
            if state.config.delete_moves_to_deleted_items && !in_trash {
                mb.move_to(&key, "deleteditems");
            } else {
                mb.purge(&key);
            }
            StatusCode::NO_CONTENT.into_response()
        }
        Err(r) => r,
    }
}

/// Whether a message matches every term of a `$search` (lower-cased).
fn matches_search(m: &Stored, search: &str) -> bool {
    let text = |k: &str| {
        m.props
            .get(k)
            .map(|v| v.to_string().to_lowercase())
            .unwrap_or_default()
    };
    let (from, to, subject, body) = (
        text("from"),
        format!("{} {}", text("toRecipients"), text("ccRecipients")),
        text("subject"),
        text("body"),
    );
    search
        .split_whitespace()
        .all(|term| match term.split_once(':') {
            Some(("from", t)) => from.contains(t),
            Some(("to", t)) => to.contains(t),
            Some(("subject", t)) => subject.contains(t),
            Some(("body", t)) => body.contains(t),
            _ => from.contains(term) || subject.contains(term) || body.contains(term),
        })
}

/// The message's extended property `id` (ids compare case-insensitively).
fn extended<'a>(m: &'a Stored, id: &str) -> Option<&'a Value> {
    m.hidden
        .get("singleValueExtendedProperties")
        .and_then(Value::as_array)?
        .iter()
        .find(|p| {
            p.get("id")
                .and_then(Value::as_str)
                .is_some_and(|i| i.eq_ignore_ascii_case(id))
        })
}

/// Reads the next `'…'` OData string literal after `marker` (`''` is a quote).
fn literal_after(filter: &str, marker: &str) -> Option<String> {
    let start = filter.find(marker)? + marker.len();
    let rest = filter[start..].trim_start().strip_prefix('\'')?;
    let mut out = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            return Some(out);
        }
        out.push(c);
    }
    None
}

enum Filter {
    All,
    ExtendedProperty {
        id: String,
        value: String,
    },
    /// Every message that has the property, whatever its value
    /// (`ep/value ne null`: extended-properties-overview.md and the Outlook
    /// add-ins' custom-properties page, "filter … and ep/value ne null").
    HasExtendedProperty {
        id: String,
    },
    InternetMessageId(String),
    /// `conversationId eq '…'` (the message resource lists conversationId
    /// as filterable).
    Conversation(String),
}

fn parse_filter(f: Option<&String>) -> Option<Filter> {
    let Some(f) = f else { return Some(Filter::All) };
    let t = f.trim();
    if t.starts_with("singleValueExtendedProperties/Any(") {
        let id = literal_after(t, "ep/id eq")?;
        if t.trim_end_matches(')')
            .trim_end()
            .ends_with("ep/value ne null")
        {
            return Some(Filter::HasExtendedProperty { id });
        }
        let value = literal_after(t, "ep/value eq")?;
        return Some(Filter::ExtendedProperty { id, value });
    }
    if t.starts_with("internetMessageId eq") {
        return literal_after(t, "internetMessageId eq").map(Filter::InternetMessageId);
    }
    if t.starts_with("conversationId eq") {
        return literal_after(t, "conversationId eq").map(Filter::Conversation);
    }
    None
}

/// `GET …/messages` with the two filters graft uses, `$select`, `$top` and paging.
// Long by design: the OData options Graph takes on a list, one after another.
async fn list(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    Path(params): Params,
    Query(q): Query<HashMap<String, String>>,
    uri: axum::http::Uri,
) -> Response {
    let owner = match owner(&state, &ctx, &params) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let Some(filter) = parse_filter(q.get("$filter")) else {
        return error(&ctx, 400, "BadRequest", "Invalid filter clause");
    };
    // `$search` on messages (concepts/search-query-parameter.md): KQL terms,
    // `from:`, `subject:`, `to:`, `body:` or any of from/subject/body; it
    // cannot be combined with `$filter` or `$orderby`, and returns at most
    // 1,000 results.
    let search = q
        .get("$search")
        .map(|s| s.trim().trim_matches('"').to_lowercase());
    if search.is_some() && (q.contains_key("$filter") || q.contains_key("$orderby")) {
        return error(
            &ctx,
            400,
            "ErrorInvalidUrlQuery",
            "The query parameter '$orderby' or '$filter' is invalid with '$search'.",
        );
    }
    let by_received = match q.get("$orderby").map(|o| o.trim()) {
        None => false,
        Some("receivedDateTime desc") | Some("receivedDateTime DESC") => true,
        Some(_) => return error(&ctx, 400, "BadRequest", "Invalid $orderby clause"),
    };
    let top: usize = match q.get("$top").map(|t| t.parse::<usize>()) {
        None => 10,
        Some(Ok(n)) if (1..=1000).contains(&n) => n,
        Some(_) => return error(&ctx, 400, "BadRequest", "Invalid $top value."),
    };
    let skip: usize = q.get("$skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    let folder = match params.get("folder") {
        None => None,
        Some(f) => match known_folder(&state, f) {
            Some((id, _, _)) => Some(id),
            None => return bad_folder(&ctx, f),
        },
    };
    let select: Option<Vec<String>> = q
        .get("$select")
        .map(|s| s.split(',').map(|p| p.trim().to_string()).collect());
    let mb = state.lock();
    let mut hits: Vec<&Stored> = mb
        .messages
        .values()
        .filter(|m| m.owner == owner)
        .filter(|m| {
            folder
                .as_ref()
                .is_none_or(|f| m.props.get("parentFolderId") == Some(&Value::String(f.clone())))
        })
        .filter(|m| match &filter {
            Filter::All => true,
            Filter::InternetMessageId(v) => {
                m.props.get("internetMessageId").and_then(Value::as_str) == Some(v)
            }
            Filter::Conversation(v) => {
                m.props.get("conversationId").and_then(Value::as_str) == Some(v)
            }
            Filter::ExtendedProperty { id, value } => extended(m, id)
                .is_some_and(|v| v.get("value").and_then(Value::as_str) == Some(value)),
            Filter::HasExtendedProperty { id } => extended(m, id).is_some(),
        })
        .filter(|m| search.as_deref().is_none_or(|s| matches_search(m, s)))
        .collect();
    // `$expand=singleValueExtendedProperties($filter=id eq '…')`: the one
    // property, with each message (a create's answer never carries it;
    // extended-properties-overview.md).
    let expand = match q.get("$expand") {
        None => None,
        Some(e) if e.trim_start().starts_with("singleValueExtendedProperties(") => {
            match literal_after(e, "id eq") {
                Some(id) => Some(id),
                None => return error(&ctx, 400, "BadRequest", "Invalid $expand clause"),
            }
        }
        Some(_) => {
            return error(
                &ctx,
                400,
                "BadRequest",
                "Parsing OData Select and Expand failed",
            );
        }
    };
    if by_received || search.is_some() {
        let received = |m: &Stored| {
            m.props
                .get("receivedDateTime")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        hits.sort_by(|a, b| received(b).cmp(&received(a)).then(b.seq.cmp(&a.seq)));
    } else {
        hits.sort_by_key(|m| std::cmp::Reverse(m.seq));
    }
    if search.is_some() {
        hits.truncate(1000);
    }
    let total = hits.len();
    let page: Vec<Value> = hits
        .into_iter()
        .skip(skip)
        .take(top)
        .map(|m| {
            let mut view = m.view(&ctx.prefs);
            if let Some(id) = &expand {
                let found: Vec<Value> = extended(m, id).into_iter().cloned().collect();
                view.insert("singleValueExtendedProperties".into(), Value::Array(found));
            }
            match &select {
                None => Value::Object(view),
                Some(fields) => {
                    let mut o = Map::new();
                    for k in ["@odata.etag", "id", "singleValueExtendedProperties"]
                        .iter()
                        .map(|s| s.to_string())
                        .chain(fields.iter().cloned())
                    {
                        if let Some(v) = view.get(&k) {
                            o.insert(k, v.clone());
                        }
                    }
                    Value::Object(o)
                }
            }
        })
        .collect();
    let mut body = json!({ "value": page });
    if skip + top < total {
        // The next page of the same list (the same mailbox and folder).
        let origin = state.base_url.trim_end_matches("/v1.0");
        let mut next =
            url::Url::parse(&format!("{origin}{}", uri.path())).expect("base url is valid");
        {
            let mut qp = next.query_pairs_mut();
            for (k, v) in &q {
                if k != "$skip" {
                    qp.append_pair(k, v);
                }
            }
            qp.append_pair("$skip", &(skip + top).to_string());
        }
        body["@odata.nextLink"] = Value::String(next.to_string());
    }
    axum::Json(body).into_response()
}
