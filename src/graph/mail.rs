//! Mail to answer and the mailbox's settings: lists and `$search`, one
//! message read, folders by name, the time zone, the MailTips size limit.

use super::client::GraphClient;
use super::model::Error;
use super::model::bad_response;
use super::transport::{Call, Failed};
use crate::core::mailbox::valid_id;
use crate::util::sanitize;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

/// The cache slot of the mailbox's time zone (beside the folder ids).
pub(super) const TIME_ZONE: &str = "\u{0}timeZone";

/// A time zone name as Windows or IANA spell them (`Pacific Standard
/// Time`, `Europe/Berlin`): nothing that could break out of a header.
pub(super) fn valid_time_zone(tz: &str) -> bool {
    !tz.is_empty()
        && tz.len() <= 100
        && tz
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-+/().:".contains(c))
}

impl GraphClient {
    /// The mailbox's time zone (`GET …/mailboxSettings/timeZone`,
    /// user-get-mailboxsettings.md), asked once per client; `None` when it
    /// cannot be had (no `MailboxSettings.Read`, say): answers then quote
    /// times in UTC, as Graph does without `Prefer: outlook.timezone`.
    pub(crate) async fn time_zone(&self) -> Option<String> {
        if let Some(tz) = self
            .folders
            .lock()
            .ok()
            .and_then(|f| f.get(TIME_ZONE).cloned())
        {
            return (!tz.is_empty()).then_some(tz);
        }
        let url = self.url(&["mailboxSettings", "timeZone"]);
        let tz = match self.send(Method::GET, url, None).await {
            Ok((_, _, bytes)) => serde_json::from_slice::<Value>(&bytes)
                .ok()
                .and_then(|v| v.get("value").and_then(Value::as_str).map(sanitize::line))
                .filter(|t| valid_time_zone(t))
                .unwrap_or_default(),
            // Refused: not asked again. No answer: asked again next time.
            Err(f) if f.status.is_some() => String::new(),
            Err(_) => return None,
        };
        if let Ok(mut f) = self.folders.lock() {
            f.insert(TIME_ZONE.to_string(), tz.clone());
        }
        (!tz.is_empty()).then_some(tz)
    }

    /// The first page of a folder's messages (`inbox`, `sentitems`, a
    /// folder id), newest first; or, with `search`, what `$search` finds
    /// there (KQL: `from:dana budget`). `$search` cannot be combined with
    /// `$orderby` or `$filter` and returns at most 1,000 results, ordered by
    /// date sent, newest first ("sorted by the date and time that the
    /// message was sent", concepts/search-query-parameter.md), not relevance.
    pub fn mail_list_url(&self, folder: &str, search: Option<&str>, top: usize) -> Url {
        let mut url = self.url(&["mailFolders", folder, "messages"]);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair(
                "$select",
                "id,from,subject,receivedDateTime,bodyPreview,hasAttachments,conversationId",
            )
            .append_pair("$top", &top.to_string());
            match search.map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) => {
                    // A KQL string in double quotes; a quote inside is dropped.
                    q.append_pair("$search", &format!("\"{}\"", s.replace('"', "")));
                }
                None => {
                    q.append_pair("$orderby", "receivedDateTime desc");
                }
            }
        }
        url
    }

    /// One page of a message list, and the next page's link (only under this
    /// Graph root).
    pub async fn mail_page(
        &self,
        url: Url,
    ) -> Result<(Vec<crate::core::answer::MailSummary>, Option<Url>), Error> {
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let page: Value =
            super::model::decode(status, &request_id, &bytes, "the answer is not a list")?;
        let items = page
            .get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(1000)
            .filter_map(crate::core::answer::MailSummary::from_value)
            .collect();
        let next = self.next_link(&page, status, request_id)?;
        Ok((items, next))
    }

    /// A list answer's `@odata.nextLink`, if it stays under this client's
    /// Graph root (the token goes nowhere else).
    pub(super) fn next_link(
        &self,
        page: &Value,
        status: StatusCode,
        request_id: Option<String>,
    ) -> Result<Option<Url>, Error> {
        let Some(next) = page.get("@odata.nextLink").and_then(Value::as_str) else {
            return Ok(None);
        };
        match Url::parse(next) {
            Ok(n)
                if n.origin() == self.transport.root.origin()
                    && n.path()
                        .starts_with(self.transport.root.path().trim_end_matches('/')) =>
            {
                Ok(Some(n))
            }
            _ => Err(bad_response(
                status,
                request_id,
                "the next page's link leaves the Graph root",
            )),
        }
    }

    /// The id of the folder named `name` (as Outlook shows it: "Archive",
    /// "Projects"), among the mailbox's top-level folders.
    pub async fn folder_by_name(&self, name: &str) -> Result<Option<String>, Error> {
        let mut url = self.url(&["mailFolders"]);
        url.query_pairs_mut()
            .append_pair(
                "$filter",
                &format!("displayName eq '{}'", name.replace('\'', "''")),
            )
            .append_pair("$select", "id,displayName");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let v: Value = super::model::decode(status, &request_id, &bytes, "not a folder list")?;
        Ok(v.pointer("/value/0/id")
            .and_then(Value::as_str)
            .filter(|id| valid_id(id))
            .map(str::to_string))
    }

    /// A received message to read (headers and a text body).
    pub(crate) async fn read_mail(&self, id: &str) -> Result<Value, Error> {
        let mut url = self.message_url(id);
        url.query_pairs_mut().append_pair(
            "$select",
            "id,subject,from,toRecipients,ccRecipients,replyTo,receivedDateTime,body,hasAttachments,conversationId",
        );
        let call =
            Call::new(Method::GET, url).header("Prefer", "outlook.body-content-type=\"text\"");
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        super::model::decode(status, &request_id, &bytes, "not a message")
    }

    /// The id of a well-known folder (`deleteditems`, `sentitems`), asked
    /// once per client: folder ids do not change.
    pub(crate) async fn folder_id(&self, name: &str) -> Result<String, Error> {
        if let Some(id) = self.folders.lock().ok().and_then(|f| f.get(name).cloned()) {
            return Ok(id);
        }
        let mut url = self.url(&["mailFolders", name]);
        url.query_pairs_mut().append_pair("$select", "id");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let id = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("id").and_then(Value::as_str).map(sanitize::line))
            .ok_or_else(|| bad_response(status, request_id, "the answer is not a folder"))?;
        if let Ok(mut f) = self.folders.lock() {
            f.insert(name.to_string(), id.clone());
        }
        Ok(id)
    }

    /// The mailbox's largest message, as MailTips tell it (bytes).
    pub(crate) async fn max_message_size(&self, own_address: &str) -> Result<u64, Error> {
        let url = self.url(&["getMailTips"]);
        let body = serde_json::json!({
            "EmailAddresses": [own_address],
            "MailTipsOptions": "maxMessageSize",
        });
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(&body)).await?;
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v["value"][0]["maxMessageSize"].as_u64())
            .ok_or_else(|| bad_response(status, request_id, "no maxMessageSize in the MailTips"))
    }
}
