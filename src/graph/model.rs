//! What comes back from Graph, reduced to what graft shows and keeps.

use crate::core::mailbox::{MAX_ID, valid_id};
use crate::util::sanitize;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::Value;
use std::time::Duration;

/// A draft the server accepted (201 on create, 200 on update).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedMessage {
    pub status: u16,
    pub status_text: String,
    pub id: String,
    pub web_link: String,
    pub change_key: String,
    pub created: String,
    pub last_modified: String,
    pub parent_folder_id: String,
    /// `isDraft` (true when the answer does not say).
    pub is_draft: bool,
    pub request_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// The server answered with an error status.
    Http,
    /// No answer: refused, reset, DNS, TLS.
    Network,
    /// No answer within the time limit; the server may still have acted.
    Timeout,
    /// The server answered 2xx with something that is not a message.
    BadResponse,
    /// No token to send.
    NoToken,
    /// Signed-in tokens are missing, expired beyond refresh, or revoked.
    SignInNeeded,
    /// A local file (an attachment) could not be read or changed; nothing was sent for it.
    File,
}

/// Why a request failed, in the terms the status pane shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: FailureKind,
    pub status: Option<u16>,
    pub status_text: String,
    pub code: String,
    pub message: String,
    pub request_id: Option<String>,
    pub retry_after: Option<Duration>,
}

/// One line: `503 Service Unavailable: ServiceUnavailable busy (request-id …)`,
/// or `ConnectFailed: could not reach …` when no answer came. The CLI prints
/// it; the form shows the same parts in the status pane.
impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(st) => {
                write!(f, "{st} {}: ", self.status_text)?;
                if !self.code.is_empty() {
                    write!(f, "{} ", self.code)?;
                }
                f.write_str(&self.message)?;
                if let Some(id) = &self.request_id {
                    write!(f, " (request-id {id})")?;
                }
                Ok(())
            }
            None if self.code.is_empty() => f.write_str(&self.message),
            None => write!(f, "{}: {}", self.code, self.message),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// The request may have changed the server although no success came back
    /// (no answer, or a gateway/server error): a create must be looked up, not repeated.
    pub(crate) fn may_have_applied(&self) -> bool {
        // A connection never made sent nothing.
        (self.is_offline() && self.code != "ConnectFailed")
            || matches!(
                self.status,
                Some(500) | Some(502) | Some(503) | Some(504)
            )
            // A 2xx whose body could not be read: the server acted.
            || (self.kind == FailureKind::BadResponse
                && self.status.is_some_and(|s| (200..300).contains(&s)))
    }

    /// The draft changed since the version the request named: 412 (or,
    /// in one error catalogue, 409) `ErrorIrresolvableConflict`.
    pub fn changed_elsewhere(&self) -> bool {
        matches!(self.status, Some(412) | Some(409))
            && (self.code == "ErrorIrresolvableConflict" || self.code.is_empty())
    }

    /// No answer at all: unreachable, reset, timed out.
    pub(crate) fn is_offline(&self) -> bool {
        matches!(self.kind, FailureKind::Network | FailureKind::Timeout)
    }

    /// The service asks to come back later: 429, 503, 504.
    pub(crate) fn is_busy(&self) -> bool {
        matches!(self.status, Some(429) | Some(503) | Some(504))
    }

    pub fn local(kind: FailureKind, code: &str, message: impl Into<String>) -> Self {
        Error {
            kind,
            status: None,
            status_text: String::new(),
            code: code.to_string(),
            message: message.into(),
            request_id: None,
            retry_after: None,
        }
    }
}

/// The Graph error envelope. Real responses spell it `innerError`; the docs `innererror`.
#[derive(Deserialize, Debug)]
pub(crate) struct ErrorEnvelope {
    pub(crate) error: ErrorBody,
}

#[derive(Deserialize, Debug)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) message: String,
    #[serde(default, rename = "innerError", alias = "innererror")]
    pub(crate) inner: Option<InnerError>,
}

#[derive(Deserialize, Debug)]
pub(crate) struct InnerError {
    #[serde(rename = "request-id")]
    pub(crate) request_id: Option<String>,
}

/// The subset of the message resource graft reads.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageResponse {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) web_link: String,
    #[serde(default)]
    pub(crate) change_key: String,
    #[serde(default)]
    pub(crate) created_date_time: String,
    #[serde(default)]
    pub(crate) last_modified_date_time: String,
    #[serde(default)]
    pub(crate) parent_folder_id: String,
    #[serde(default)]
    pub(crate) is_draft: Option<bool>,
}

/// `{"value": [...]}` from a list or filter query.
#[derive(Deserialize, Debug)]
pub(crate) struct MessageList {
    #[serde(default)]
    pub(crate) value: Vec<MessageResponse>,
}

/// A message in a `$batch` answer, as a saved draft.
pub(crate) fn saved_from_value(status: u16, v: &Value) -> Option<SavedMessage> {
    let msg: MessageResponse = serde_json::from_value(v.clone()).ok()?;
    let status = StatusCode::from_u16(status).ok()?;
    saved_from(status, msg, None).ok()
}

/// At most `max` characters of a server's text.
pub(super) fn bounded(s: &str, max: usize) -> String {
    sanitize::line(&s.chars().take(max).collect::<String>())
}

pub(super) fn saved_from(
    status: StatusCode,
    msg: MessageResponse,
    request_id: Option<String>,
) -> Result<SavedMessage, Error> {
    if !valid_id(&msg.id) {
        return Err(bad_response(
            status,
            request_id,
            "the server gave a message id graft cannot use (empty, too long, or not an id)",
        ));
    }
    Ok(SavedMessage {
        status: status.as_u16(),
        status_text: reason(status),
        id: msg.id,
        web_link: bounded(&msg.web_link, 8 * 1024),
        change_key: bounded(&msg.change_key, 256),
        created: bounded(&msg.created_date_time, 64),
        last_modified: bounded(&msg.last_modified_date_time, 64),
        parent_folder_id: bounded(&msg.parent_folder_id, MAX_ID),
        is_draft: msg.is_draft.unwrap_or(true),
        request_id,
    })
}

/// The answer's JSON as `T`, or a `BadResponse` error saying `what` it is
/// not ("the answer is not a list") and why.
pub(super) fn decode<T: serde::de::DeserializeOwned>(
    status: StatusCode,
    request_id: &Option<String>,
    bytes: &[u8],
    what: &str,
) -> Result<T, Error> {
    serde_json::from_slice(bytes)
        .map_err(|e| bad_response(status, request_id.clone(), &format!("{what}: {e}")))
}

pub(super) fn bad_response(status: StatusCode, request_id: Option<String>, msg: &str) -> Error {
    Error {
        kind: FailureKind::BadResponse,
        status: Some(status.as_u16()),
        status_text: reason(status),
        code: "BadResponse".into(),
        message: sanitize::line(msg),
        request_id,
        retry_after: None,
    }
}

pub(super) fn reason(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("").to_string()
}
