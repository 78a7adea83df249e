//! Drafts: create, update (with `If-Match`), find by graft's key, where a
//! draft is now, `create*` answers, delete.

use super::client::GraphClient;
use super::mail::valid_time_zone;
use super::model::bad_response;
use super::model::saved_from_value;
use super::model::{Error, SavedMessage};
use super::model::{bounded, saved_from};
use super::transport::{Attempt, Call, Failed};
use crate::core::content::DRAFT_KEY_PROPERTY;
use crate::core::mailbox::MAX_ID;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Where a draft made with a client key is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whereabouts {
    /// Still a draft (perhaps moved to another folder, with a new id).
    Draft(SavedMessage),
    /// Sent: the copy in Sent Items.
    Sent(SavedMessage),
    /// Deleted by the user: it lies in Deleted Items.
    Deleted(SavedMessage),
    /// Nowhere in the mailbox.
    Gone,
}

/// The graft key a listed message carries (its expanded extended property).
pub(crate) fn key_of(m: &Value) -> Option<String> {
    m.get("singleValueExtendedProperties")
        .and_then(Value::as_array)
        .and_then(|props| {
            props.iter().find(|p| {
                p.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(DRAFT_KEY_PROPERTY))
            })
        })
        .and_then(|p| p.get("value").and_then(Value::as_str))
        .filter(|k| k.len() <= MAX_ID)
        .map(str::to_string)
}

impl GraphClient {
    /// `POST …/messages`: creates a draft.
    pub async fn create_draft(&self, body: &Value) -> Result<SavedMessage, Error> {
        self.create_draft_as(body, &Attempt::default()).await
    }

    /// `POST …/messages` as this try of one request.
    pub(crate) async fn create_draft_as(
        &self,
        body: &Value,
        attempt: &Attempt,
    ) -> Result<SavedMessage, Error> {
        self.resolve_folder().await?;
        let call = Call::new(Method::POST, self.create_url())
            .body(body)
            .attempt(attempt);
        self.send_message(call).await
    }

    /// `PATCH …/messages/{id}`: updates the draft with the fields in `body`.
    pub async fn update_draft(&self, id: &str, body: &Value) -> Result<SavedMessage, Error> {
        self.update_draft_as(id, body, &Attempt::default()).await
    }

    /// `PATCH …/messages/{id}` as this try of one request.
    pub(crate) async fn update_draft_as(
        &self,
        id: &str,
        body: &Value,
        attempt: &Attempt,
    ) -> Result<SavedMessage, Error> {
        let call = Call::new(Method::PATCH, self.message_url(id))
            .body(body)
            .attempt(attempt);
        self.send_message(call).await
    }

    /// Finds the message created with this client key, if the mailbox has
    /// it (in any folder: a draft moved, sent or deleted keeps its key).
    pub async fn find_by_key(&self, key: &str) -> Result<Option<SavedMessage>, Error> {
        let url = self.find_by_key_url(key);
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let list: super::model::MessageList =
            super::model::decode(status, &request_id, &bytes, "the answer is not a list")?;
        list.value
            .into_iter()
            .next()
            .map(|m| saved_from(status, m, request_id))
            .transpose()
    }

    /// Every message of the mailbox that carries a graft key (any folder: a
    /// draft moved, sent or deleted keeps it), with its key, listed once in
    /// pages of 1,000: `$filter=singleValueExtendedProperties/Any(ep: ep/id
    /// eq '…' and ep/value ne null)` with the property expanded, as
    /// extended-properties-overview.md and the Outlook add-ins'
    /// custom-properties page document; `$top` up to 1,000
    /// (user-list-messages.md), following `@odata.nextLink` (only under this
    /// Graph root). `keep` picks the keys worth holding, so memory stays
    /// bounded by what the caller asked for; each page is retried by the one
    /// policy. Returns the kept messages and the requests it took.
    pub(crate) async fn keyed_messages(
        &self,
        keep: &mut (dyn FnMut(&str) -> bool + Send),
        limits: super::retry::Limits,
    ) -> Result<(Vec<(String, SavedMessage)>, usize), Error> {
        const MAX_PAGES: usize = 10_000;
        let mut url = self.url(&["messages"]);
        url.query_pairs_mut()
            .append_pair(
                "$filter",
                &format!(
                    "singleValueExtendedProperties/Any(ep: ep/id eq '{DRAFT_KEY_PROPERTY}' and ep/value ne null)"
                ),
            )
            .append_pair(
                "$expand",
                &format!("singleValueExtendedProperties($filter=id eq '{DRAFT_KEY_PROPERTY}')"),
            )
            .append_pair(
                "$select",
                "id,webLink,changeKey,createdDateTime,lastModifiedDateTime,parentFolderId,isDraft",
            )
            .append_pair("$top", "1000");
        let mut found = Vec::new();
        let mut requests = 0;
        let mut tries = super::retry::Tries::new(limits);
        for _ in 0..MAX_PAGES {
            requests += 1;
            let (status, request_id, bytes) = match self.send(Method::GET, url.clone(), None).await
            {
                Ok(a) => a,
                Err(f) => match tries.after(&f, None) {
                    Some(wait) => {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    None => return Err(f),
                },
            };
            tries.reset();
            let page: Value =
                super::model::decode(status, &request_id, &bytes, "the answer is not a list")?;
            for m in page
                .get("value")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(key) = key_of(m) else {
                    continue;
                };
                if keep(&key)
                    && let Some(saved) = saved_from_value(200, m)
                {
                    found.push((key, saved));
                }
            }
            match self.next_link(&page, status, request_id)? {
                Some(next) => url = next,
                None => return Ok((found, requests)),
            }
        }
        Err(bad_response(
            StatusCode::OK,
            None,
            "more pages of drafts than graft will read",
        ))
    }

    /// `POST …/messages/{id}/createReply|createReplyAll|createForward`: a
    /// draft answering the message, made by Graph (threaded, `RE:`/`FW:`,
    /// the quote in its body). The draft's client key goes in the `message`
    /// parameter ("any writeable properties", message-createreply.md);
    /// whether Graph keeps it there is not documented (extended properties
    /// are documented for create and update only), so the caller sets it
    /// again with the first update. A forward names its recipients in the
    /// `toRecipients` parameter. With `time_zone` (the mailbox's, from
    /// mailboxSettings), `Prefer: outlook.timezone` makes the quote's
    /// "Sent:" line the user's time. Returns the draft as Graph made it.
    pub(crate) async fn create_answer(
        &self,
        answer: &crate::core::answer::Answer,
        key: Option<&str>,
        time_zone: Option<&str>,
        attempt: &Attempt,
    ) -> Result<(SavedMessage, Value), Error> {
        let url = self.url(&["messages", &answer.original_id, answer.kind.action()]);
        let mut body = serde_json::json!({});
        if let Some(key) = key {
            body["message"] = serde_json::json!({
                "singleValueExtendedProperties": [{"id": DRAFT_KEY_PROPERTY, "value": key}],
            });
        }
        if answer.kind == crate::core::answer::AnswerKind::Forward {
            let to = crate::core::content::DraftContent {
                to: answer.forward_to.clone(),
                ..Default::default()
            }
            .patch_body(None);
            body["toRecipients"] = to["toRecipients"].clone();
        }
        let mut call = Call::new(Method::POST, url).body(&body).attempt(attempt);
        let zone;
        if let Some(tz) = time_zone.filter(|t| valid_time_zone(t)) {
            zone = format!("outlook.timezone=\"{tz}\"");
            call = call.header("Prefer", &zone);
        }
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        let v: Value = super::model::decode(status, &request_id, &bytes, "not a message")?;
        let saved = saved_from_value(status.as_u16(), &v).ok_or_else(|| {
            bad_response(
                status,
                request_id,
                "the answer is not a message graft can use",
            )
        })?;
        Ok((saved, v))
    }

    /// The drafts of a conversation, with the graft key each carries (if
    /// any), newest first: where an answer Graph made without keeping its
    /// key is found (`$filter=conversationId eq '…'`, message resource:
    /// `conversationId` is filterable).
    pub(crate) async fn conversation_drafts(
        &self,
        conversation_id: &str,
    ) -> Result<Vec<(SavedMessage, String, Option<String>)>, Error> {
        let mut url = self.url(&["messages"]);
        url.query_pairs_mut()
            .append_pair(
                "$filter",
                &format!(
                    "conversationId eq '{}'",
                    conversation_id.replace('\'', "''")
                ),
            )
            .append_pair(
                "$expand",
                &format!("singleValueExtendedProperties($filter=id eq '{DRAFT_KEY_PROPERTY}')"),
            )
            .append_pair(
                "$select",
                "id,subject,webLink,changeKey,createdDateTime,lastModifiedDateTime,parentFolderId,isDraft",
            )
            .append_pair("$top", "50");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let page: Value =
            super::model::decode(status, &request_id, &bytes, "the answer is not a list")?;
        Ok(page
            .get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                let saved = saved_from_value(200, m)?;
                let subject = bounded(m.get("subject").and_then(Value::as_str).unwrap_or(""), 1000);
                Some((saved, subject, key_of(m)))
            })
            .collect())
    }

    /// `DELETE …/messages/{id}`: the draft goes to Deleted Items, as when
    /// Outlook deletes it (message-delete.md).
    pub(crate) async fn delete_message(&self, id: &str) -> Result<(), Error> {
        self.send(Method::DELETE, self.message_url(id), None)
            .await
            .map(|_| ())
    }

    /// Where the message this key made is: still a draft (wherever the user
    /// moved it), sent, deleted, or gone.
    pub async fn locate(&self, key: &str) -> Result<Whereabouts, Error> {
        let Some(found) = self.find_by_key(key).await? else {
            return Ok(Whereabouts::Gone);
        };
        self.classify(found).await
    }

    /// Sorts a found message: sent, deleted (in Deleted Items) or a draft.
    pub(crate) async fn classify(&self, found: SavedMessage) -> Result<Whereabouts, Error> {
        if !found.is_draft {
            return Ok(Whereabouts::Sent(found));
        }
        let trash = self.folder_id("deleteditems").await?;
        Ok(if found.parent_folder_id == trash {
            Whereabouts::Deleted(found)
        } else {
            Whereabouts::Draft(found)
        })
    }

    /// `GET …/messages/{id}` with the fields the form edits, as JSON. With
    /// `text`, the body comes back as plain text; otherwise as HTML, which
    /// is what Graph returns without `Prefer: outlook.body-content-type`
    /// (message-get.md) even for a draft saved as text.
    pub(crate) async fn message_json(&self, id: &str, text: bool) -> Result<Value, Error> {
        let mut url = self.message_url(id);
        url.query_pairs_mut().append_pair(
            "$select",
            "id,subject,body,toRecipients,ccRecipients,bccRecipients,replyTo,importance,isReadReceiptRequested,isDeliveryReceiptRequested,categories,flag,webLink,isDraft,parentFolderId,lastModifiedDateTime",
        );
        let mut call = Call::new(Method::GET, url);
        if text {
            call = call.header("Prefer", "outlook.body-content-type=\"text\"");
        }
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        super::model::decode(status, &request_id, &bytes, "not a message")
    }

    /// `GET …/messages/{id}`.
    pub async fn get_message(&self, id: &str) -> Result<SavedMessage, Error> {
        self.send_message(Call::new(Method::GET, self.message_url(id)))
            .await
    }

    /// Which version of the draft the server holds (its `changeKey`), and
    /// where it is: a small `GET` with `$select`, before an update.
    pub(crate) async fn version(&self, id: &str) -> Result<SavedMessage, Error> {
        let mut url = self.message_url(id);
        url.query_pairs_mut().append_pair(
            "$select",
            "id,changeKey,webLink,createdDateTime,lastModifiedDateTime,parentFolderId,isDraft",
        );
        self.send_message(Call::new(Method::GET, url)).await
    }

    /// `PATCH …/messages/{id}` only if the draft is still the version
    /// `change_key` (`If-Match: W/"<changeKey>"`, the message's
    /// `@odata.etag`); another version answers 412 (or 409)
    /// `ErrorIrresolvableConflict` ([`Error::changed_elsewhere`]).
    pub async fn update_draft_if(
        &self,
        id: &str,
        body: &Value,
        change_key: &str,
        attempt: &Attempt,
    ) -> Result<SavedMessage, Error> {
        let tag = format!("W/\"{}\"", change_key.replace('"', ""));
        let call = Call::new(Method::PATCH, self.message_url(id))
            .body(body)
            .header("If-Match", &tag)
            .attempt(attempt);
        self.send_message(call).await
    }
}
