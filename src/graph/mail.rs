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
        let found = self.child_folders(None, Some(name)).await?;
        Ok(found.into_iter().next().map(|(id, ..)| id))
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

    /// What the tenant knows of these recipients (MailTips, one request
    /// for all): automatic replies, whether each is outside the
    /// organisation, a group's member counts, moderation and delivery
    /// restrictions (user-getmailtips.md; resources/mailtips.md).
    pub(crate) async fn recipient_tips(
        &self,
        addresses: &[String],
    ) -> Result<Vec<crate::core::checks::Tip>, Error> {
        let url = self.url(&["getMailTips"]);
        let body = serde_json::json!({
            "EmailAddresses": addresses,
            "MailTipsOptions": "automaticReplies, recipientScope, totalMemberCount, externalMemberCount, moderationStatus, deliveryRestriction",
        });
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(&body)).await?;
        let v: Value = super::model::decode(status, &request_id, &bytes, "not MailTips")?;
        let tips = v
            .get("value")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .take(addresses.len())
                    .filter_map(|t| {
                        let address = t
                            .pointer("/emailAddress/address")
                            .and_then(Value::as_str)?
                            .to_lowercase();
                        let away = t
                            .pointer("/automaticReplies/message")
                            .and_then(Value::as_str)
                            .filter(|m| !m.is_empty())
                            .map(|m| {
                                // Often HTML: its text, one line, bounded.
                                let text = crate::core::content::html_text(m);
                                sanitize::line(&text.chars().take(400).collect::<String>())
                            });
                        let scope = t.get("recipientScope").and_then(Value::as_str);
                        let external = scope.map(|s| s.to_lowercase().contains("external"));
                        let total = t.get("totalMemberCount").and_then(Value::as_u64);
                        let ext = t.get("externalMemberCount").and_then(Value::as_u64);
                        Some(crate::core::checks::Tip {
                            address: sanitize::line(&address),
                            away,
                            external,
                            // A person counts one (Graph may say 0 or 1 for one).
                            members: total.filter(|n| *n > 1).map(|n| (n, ext.unwrap_or(0))),
                            moderated: t.get("isModerated").and_then(Value::as_bool) == Some(true),
                            restricted: t.get("deliveryRestricted").and_then(Value::as_bool)
                                == Some(true),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(tips)
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

/// Folder names Graph takes in a path in place of an id (the mailFolder
/// resource's well-known folder names).
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

/// Folders looked through for a name not found at the top (a mailbox
/// with more is asked for the path).
const FOLDERS_WALKED: usize = 300;

/// Whether Graph takes `given` in a folder path as it is: a well-known
/// name (any case) or an id. Anything else is a name as Outlook shows it.
pub(crate) fn folder_as_is(given: &str) -> bool {
    WELL_KNOWN_FOLDERS.contains(&given.to_ascii_lowercase().as_str())
        || (given.len() >= 60 && valid_id(given))
}

/// A folder that is not there, or a name several folders have.
fn folder_failure(status: u16, code: &str, message: String) -> Error {
    Error {
        status: Some(status),
        status_text: if status == 404 {
            "Not Found"
        } else {
            "Bad Request"
        }
        .into(),
        ..Error::local(super::model::FailureKind::Http, code, message)
    }
}

impl GraphClient {
    /// Makes the draft folder of this client's mailbox one Graph takes: a
    /// name as Outlook shows it (`Projects`, `Inbox/Clients`) is looked up
    /// once ([`GraphClient::folder_by_path`]) and its id used from then on
    /// by [`GraphClient::create_url`]. Well-known names and ids need no
    /// lookup.
    pub(crate) async fn resolve_folder(&self) -> Result<(), Error> {
        let Some(given) = self.mailbox.folder.clone() else {
            return Ok(());
        };
        let key = format!("path:{given}");
        let known = self
            .folders
            .lock()
            .ok()
            .is_some_and(|f| f.contains_key(&key));
        if folder_as_is(&given) || known {
            return Ok(());
        }
        let id = self.folder_by_path(&given).await?;
        if let Ok(mut f) = self.folders.lock() {
            f.insert(key, id);
        }
        Ok(())
    }

    /// The id of the folder at `path`, display names joined by `/`
    /// (`Inbox/Clients/Contoso`; the first may be a well-known name). One
    /// name alone that is not at the top is looked for among all folders
    /// (up to [`FOLDERS_WALKED`]): found once, that folder; in several
    /// places, an error naming them.
    pub(crate) async fn folder_by_path(&self, path: &str) -> Result<String, Error> {
        let parts: Vec<&str> = path
            .split('/')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let Some(first) = parts.first() else {
            return Err(folder_failure(
                400,
                "FolderNotNamed",
                "no folder named".into(),
            ));
        };
        let mut parent: Option<String> = None;
        let mut walked = String::new();
        for (i, part) in parts.iter().enumerate() {
            let lower = part.to_ascii_lowercase();
            if i == 0 && WELL_KNOWN_FOLDERS.contains(&lower.as_str()) {
                parent = Some(lower);
                walked = part.to_string();
                continue;
            }
            let found = self.child_folders(parent.as_deref(), Some(part)).await?;
            match found.as_slice() {
                [(id, _, _)] => parent = Some(id.clone()),
                [] if parts.len() == 1 => return self.folder_anywhere(first).await,
                [] => {
                    let place = if walked.is_empty() {
                        "at the top of the mailbox".to_string()
                    } else {
                        format!("in “{walked}”")
                    };
                    return Err(folder_failure(
                        404,
                        "FolderNotFound",
                        format!("no folder named “{}” {place}", sanitize::line(part)),
                    ));
                }
                several => {
                    return Err(folder_failure(
                        400,
                        "FolderAmbiguous",
                        format!(
                            "{} folders are named “{}”: give its id",
                            several.len(),
                            sanitize::line(part)
                        ),
                    ));
                }
            }
            walked = if walked.is_empty() {
                part.to_string()
            } else {
                format!("{walked}/{part}")
            };
        }
        parent.ok_or_else(|| folder_failure(400, "FolderNotNamed", "no folder named".into()))
    }

    /// The folders under `parent` (the top without one), those named
    /// `name` if given: (id, display name, child folder count).
    async fn child_folders(
        &self,
        parent: Option<&str>,
        name: Option<&str>,
    ) -> Result<Vec<(String, String, u64)>, Error> {
        let mut url = match parent {
            None => self.url(&["mailFolders"]),
            Some(p) => self.url(&["mailFolders", p, "childFolders"]),
        };
        {
            let mut q = url.query_pairs_mut();
            if let Some(n) = name {
                q.append_pair(
                    "$filter",
                    &format!("displayName eq '{}'", n.replace('\'', "''")),
                );
            }
            q.append_pair("$select", "id,displayName,childFolderCount")
                .append_pair("$top", "250");
        }
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let v: Value = super::model::decode(status, &request_id, &bytes, "not a folder list")?;
        Ok(v.get("value")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|f| {
                        let id = f
                            .get("id")
                            .and_then(Value::as_str)
                            .filter(|i| valid_id(i))?;
                        let name = f.get("displayName").and_then(Value::as_str).unwrap_or("");
                        let kids = f
                            .get("childFolderCount")
                            .and_then(Value::as_u64)
                            .unwrap_or(0);
                        Some((id.to_string(), sanitize::line(name), kids))
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The mailbox's folders, walked from the top, level by level: (id,
    /// path as `Inbox/Clients`), at most [`FOLDERS_WALKED`]; `true` when
    /// the walk saw them all.
    pub(crate) async fn folder_tree(&self) -> Result<(Vec<(String, String)>, bool), Error> {
        let mut queue: std::collections::VecDeque<(Option<String>, String)> =
            std::collections::VecDeque::from([(None, String::new())]);
        let mut out: Vec<(String, String)> = Vec::new();
        while let Some((parent, path)) = queue.pop_front() {
            for (id, display, kids) in self.child_folders(parent.as_deref(), None).await? {
                let here = if path.is_empty() {
                    display.clone()
                } else {
                    format!("{path}/{display}")
                };
                out.push((id.clone(), here.clone()));
                if kids > 0 {
                    queue.push_back((Some(id), here));
                }
            }
            if out.len() >= FOLDERS_WALKED {
                return Ok((out, false));
            }
        }
        Ok((out, true))
    }

    /// `name` among all folders, walked from the top (at most
    /// [`FOLDERS_WALKED`]).
    async fn folder_anywhere(&self, name: &str) -> Result<String, Error> {
        let (all, complete) = self.folder_tree().await?;
        let seen = if complete { 0 } else { FOLDERS_WALKED };
        let found: Vec<(String, String)> = all
            .into_iter()
            .filter(|(_, path)| {
                path.rsplit('/')
                    .next()
                    .is_some_and(|last| last.eq_ignore_ascii_case(name))
            })
            .collect();
        match found.as_slice() {
            [(id, _)] => Ok(id.clone()),
            [] => Err(folder_failure(
                404,
                "FolderNotFound",
                format!(
                    "no folder named “{}” in this mailbox{}",
                    sanitize::line(name),
                    if seen >= FOLDERS_WALKED {
                        " (among the first folders; give its path, as Inbox/Projects)"
                    } else {
                        ""
                    }
                ),
            )),
            several => {
                let paths: Vec<&str> = several.iter().map(|(_, p)| p.as_str()).collect();
                Err(folder_failure(
                    400,
                    "FolderAmbiguous",
                    format!(
                        "{} folders are named “{}”: {}; give its path",
                        several.len(),
                        sanitize::line(name),
                        paths.join(", ")
                    ),
                ))
            }
        }
    }
}
