//! Attachments on a draft that exists: small files with `POST …/attachments`,
//! large ones through an Outlook upload session in ordered chunks that resume
//! from the server's `nextExpectedRanges` after a failed or unanswered chunk.

use super::client::GraphClient;
use super::model::bad_response;
use super::model::{Error, FailureKind};
use super::transport::{header, http_failure, parse_retry_after, transport_failure};
use crate::core::attach::{AttachedFile, CHUNK};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Chunk failures in a row before the upload gives up (the draft keeps the rest).
pub(crate) const MAX_CHUNK_RETRIES: u32 = 5;

/// An attachment as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct RemoteAttachment {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub size: u64,
    /// A picture in the body (attachment resource: `isInline`).
    #[serde(default, rename = "isInline")]
    pub is_inline: bool,
}

fn file_failure(msg: impl Into<String>) -> Error {
    Error::local(FailureKind::File, "FileUnreadable", msg)
}

impl GraphClient {
    /// `POST …/messages/{id}/attachments` with a file attachment; its new id.
    pub async fn add_attachment(&self, message_id: &str, att: &Value) -> Result<String, Error> {
        let url = self.url(&["messages", message_id, "attachments"]);
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(att)).await?;
        let r: RemoteAttachment =
            super::model::decode(status, &request_id, &bytes, "not an attachment")?;
        if !crate::core::mailbox::valid_id(&r.id) {
            return Err(bad_response(
                status,
                request_id,
                "the attachment's id is not an id",
            ));
        }
        Ok(r.id)
    }

    /// The draft's attachments (id, name, size).
    pub async fn list_attachments(&self, message_id: &str) -> Result<Vec<RemoteAttachment>, Error> {
        #[derive(serde::Deserialize)]
        struct List {
            value: Vec<RemoteAttachment>,
        }
        let mut url = self.url(&["messages", message_id, "attachments"]);
        url.query_pairs_mut()
            .append_pair("$select", "id,name,size,isInline");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let l: List = super::model::decode(status, &request_id, &bytes, "not an attachment list")?;
        // Ids graft can use, names as the terminal may show them.
        Ok(l.value
            .into_iter()
            .filter(|a| crate::core::mailbox::valid_id(&a.id))
            .map(|a| RemoteAttachment {
                name: crate::util::sanitize::line(&a.name.chars().take(255).collect::<String>()),
                ..a
            })
            .collect())
    }

    /// Removes an attachment. A 404 may mean the attachment is gone, or
    /// that the message's id no longer answers (it moved): the list says
    /// which, and only an attachment not on it counts as removed.
    pub async fn delete_attachment(&self, message_id: &str, id: &str) -> Result<(), Error> {
        let url = self.url(&["messages", message_id, "attachments", id]);
        match self.send(Method::DELETE, url, None).await {
            Ok(_) => Ok(()),
            Err(f) if f.status == Some(404) => {
                let list = self.list_attachments(message_id).await?;
                if list.iter().any(|a| a.id == id) {
                    Err(f)
                } else {
                    Ok(())
                }
            }
            Err(f) => Err(f),
        }
    }

    /// Cancels an upload session (`DELETE uploadUrl`), so it leaves nothing behind.
    async fn cancel_upload(&self, upload_url: &str) {
        if let Ok(http) = self.http() {
            let _ = http.delete(upload_url).send().await;
        }
    }

    async fn create_upload_session(
        &self,
        message_id: &str,
        f: &AttachedFile,
    ) -> Result<String, Error> {
        let url = self.url(&["messages", message_id, "attachments", "createUploadSession"]);
        let mut item = json!({
            "attachmentType": "file",
            "name": f.name,
            "size": f.size,
            "contentType": f.content_type,
        });
        // An inline picture: attachment-createuploadsession.md's
        // attachmentItem takes `isInline` and `contentId`.
        if let Some(cid) = f.content_id.as_ref().filter(|_| f.inline) {
            item["isInline"] = json!(true);
            item["contentId"] = json!(cid);
        }
        let body = json!({ "AttachmentItem": item });
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(&body)).await?;
        let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let upload = v.get("uploadUrl").and_then(Value::as_str).unwrap_or("");
        match url::Url::parse(upload) {
            // The URL carries its own authorisation: only over TLS (or to loopback).
            Ok(u) if u.scheme() == "https" || crate::graph::client::is_loopback(&u) => {
                Ok(upload.to_string())
            }
            _ => Err(bad_response(
                status,
                request_id,
                "the upload session has no usable uploadUrl",
            )),
        }
    }

    /// Where the server wants the next byte (`GET uploadUrl`).
    async fn upload_offset(&self, upload_url: &str) -> Result<u64, Error> {
        let resp = self
            .http()?
            .get(upload_url)
            .send()
            .await
            .map_err(transport_failure)?;
        let status = resp.status();
        let request_id = header(&resp, "request-id");
        let bytes = resp.bytes().await.map_err(transport_failure)?;
        if !status.is_success() {
            return Err(http_failure(status, &bytes, request_id, None));
        }
        next_offset(&bytes).ok_or_else(|| bad_response(status, request_id, "no nextExpectedRanges"))
    }
}

/// `{"nextExpectedRanges": ["2949120"]}` or `["2949120-"]` → 2949120.
fn next_offset(bytes: &[u8]) -> Option<u64> {
    let v: Value = serde_json::from_slice(bytes).ok()?;
    let first = v.get("nextExpectedRanges")?.as_array()?.first()?.as_str()?;
    first.split('-').next()?.trim().parse().ok()
}

/// `…/Attachments('AAMk…')` → `AAMk…`, whatever the case of the segment
/// (the docs show `Attachments('…')`; a v1.0 URL is spelled `attachments`).
fn id_from_location(loc: &str) -> Option<String> {
    let lower = loc.to_ascii_lowercase();
    let start = lower.rfind("attachments('")? + "attachments('".len();
    let end = loc[start..].find("')")? + start;
    let id = &loc[start..end];
    crate::core::mailbox::valid_id(id).then(|| id.to_string())
}

/// The attachment on the server that is this file, when its id is not
/// known: one with the file's name whose id no other file on the list has
/// claimed. Not by size: Graph's `size` is not the file's byte count
/// (microsoft-graph-docs-contrib issue 4601). Names are unique on a draft's
/// list (see `attach::unique_name`), so the name alone tells.
fn same_file<'a>(
    present: &'a [RemoteAttachment],
    name: &str,
    claimed: &[String],
) -> Option<&'a RemoteAttachment> {
    present
        .iter()
        .find(|r| r.name == name && !claimed.contains(&r.id))
}

enum Chunk {
    Next(u64),
    Done(String),
}

async fn put_chunk(
    client: &GraphClient,
    url: &str,
    start: u64,
    data: Vec<u8>,
    total: u64,
) -> Result<Chunk, Error> {
    let end = start + data.len() as u64 - 1;
    // No Authorization header: the upload URL is pre-authorised.
    let resp = client
        .http()?
        .put(url)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Range", format!("bytes {start}-{end}/{total}"))
        .body(data)
        .send()
        .await
        .map_err(transport_failure)?;
    let status = resp.status();
    let request_id = header(&resp, "request-id");
    let location = header(&resp, "location");
    let retry_after = header(&resp, "retry-after").and_then(|v| parse_retry_after(&v));
    let bytes = resp.bytes().await.map_err(transport_failure)?;
    match status {
        StatusCode::CREATED => Ok(Chunk::Done(
            location
                .as_deref()
                .and_then(id_from_location)
                .unwrap_or_default(),
        )),
        s if s.is_success() => next_offset(&bytes)
            .map(Chunk::Next)
            .ok_or_else(|| bad_response(status, request_id, "no nextExpectedRanges after a chunk")),
        _ => Err(http_failure(status, &bytes, request_id, retry_after)),
    }
}

/// Where the bytes of the files to upload come from (graft reads them from
/// the disk, checking they did not change since they were attached; a test
/// may hand over bytes). The Graph layer reads through this, never a path.
pub trait Contents: Send + Sync + 'static {
    /// `len` bytes of `f` from `start`, or why not (unreadable, changed).
    fn read(&self, f: &AttachedFile, start: u64, len: u64) -> Result<Vec<u8>, String>;
}

/// The bytes themselves, for a caller that holds them (`name` → bytes).
impl Contents for std::collections::HashMap<String, Vec<u8>> {
    fn read(&self, f: &AttachedFile, start: u64, len: u64) -> Result<Vec<u8>, String> {
        let all = self
            .get(&f.name)
            .ok_or_else(|| format!("{}: no such file", f.name))?;
        let (start, end) = (start as usize, (start + len) as usize);
        all.get(start..end)
            .map(<[u8]>::to_vec)
            .ok_or_else(|| format!("{}: shorter than said", f.name))
    }
}

async fn read_chunk(
    contents: &std::sync::Arc<dyn Contents>,
    f: &AttachedFile,
    start: u64,
    len: u64,
) -> Result<Vec<u8>, Error> {
    let (contents, f) = (contents.clone(), f.clone());
    tokio::task::spawn_blocking(move || contents.read(&f, start, len).map_err(file_failure))
        .await
        .map_err(|e| file_failure(e.to_string()))?
}

/// A file as one `fileAttachment` inside a request (under 3 MB): its bytes
/// in base64, and for a picture in the body `isInline` with the `contentId`
/// its `<img src="cid:…">` names (fileattachment.md).
pub(crate) fn inline_attachment(f: &AttachedFile, bytes: &[u8]) -> Value {
    use base64::Engine as _;
    let mut v = serde_json::json!({
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": f.name,
        "contentType": f.content_type,
        "contentBytes": base64::engine::general_purpose::STANDARD.encode(bytes),
    });
    if let Some(cid) = f.content_id.as_ref().filter(|_| f.inline) {
        v["isInline"] = serde_json::json!(true);
        v["contentId"] = serde_json::json!(cid);
    }
    v
}

/// Times an upload may start over in a new session (after its place in the
/// old one was lost), before it gives up.
const MAX_RESTARTS: u32 = 2;

/// Uploads one file to a draft and returns the attachment's id. `progress`
/// hears (bytes the server has, total) after each chunk. `claimed` holds
/// the ids of the draft's other attachments (so a lost answer is never
/// mistaken for another file).
///
/// A chunk the server refused (it answered) is sent again. After a chunk
/// whose answer was lost, the position is unknown: the session is asked
/// (`GET uploadUrl`, which OneDrive documents; Outlook's docs do not), and
/// if it cannot say, the file is looked for on the draft (the lost chunk may
/// have been the last) or sent again from the start in a new session, the
/// old one cancelled: never a second copy, never a file with a gap.
pub async fn upload_file(
    client: &GraphClient,
    message_id: &str,
    f: &AttachedFile,
    contents: &std::sync::Arc<dyn Contents>,
    claimed: &[String],
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<String, Error> {
    if !f.large() {
        let bytes = read_chunk(contents, f, 0, f.size).await?;
        let id = client
            .add_attachment(message_id, &inline_attachment(f, &bytes))
            .await?;
        progress(f.size, f.size);
        return Ok(id);
    }
    let mut url = client.create_upload_session(message_id, f).await?;
    let mut next = 0u64;
    let mut tries = super::retry::Tries::new(super::retry::Limits::chunk(MAX_CHUNK_RETRIES));
    let mut restarts = 0u32;
    progress(0, f.size);
    loop {
        let len = CHUNK.min(f.size.saturating_sub(next));
        if len == 0 {
            client.cancel_upload(&url).await;
            return Err(bad_response(
                StatusCode::OK,
                None,
                "the upload session took every byte but never finished",
            ));
        }
        let data = read_chunk(contents, f, next, len).await?;
        let failure = match put_chunk(client, &url, next, data, f.size).await {
            Ok(Chunk::Done(id)) => {
                progress(f.size, f.size);
                if id.is_empty() {
                    // A 201 without a usable Location: find it by name.
                    let list = client.list_attachments(message_id).await?;
                    if let Some(r) = same_file(&list, &f.name, claimed) {
                        return Ok(r.id.clone());
                    }
                }
                return Ok(id);
            }
            Ok(Chunk::Next(n)) => {
                tries.reset();
                next = n;
                progress(next, f.size);
                continue;
            }
            Err(e) => e,
        };
        let range_error = failure.status == Some(416);
        let Some(wait) = tries.after(&failure, None) else {
            // Leave nothing half-made on the server.
            client.cancel_upload(&url).await;
            return Err(failure);
        };
        if !range_error {
            tracing::info!(
                file_bytes = f.size,
                at = next,
                wait_ms = wait.as_millis() as u64,
                "upload chunk failed; resuming"
            );
            tokio::time::sleep(wait).await;
        }
        // Refused with an answer: nothing of the chunk was kept; send it again.
        if !failure.is_offline() && !range_error {
            continue;
        }
        // The chunk may have landed without an answer: where are we?
        let last = next + len >= f.size;
        match client.upload_offset(&url).await {
            Ok(n) => {
                next = n;
                progress(next, f.size);
                continue;
            }
            Err(e) => {
                tracing::info!(status = ?e.status, "the upload session cannot say where it is");
            }
        }
        if last {
            // The session may be done and gone: the file may be on the draft.
            let list = client.list_attachments(message_id).await?;
            if let Some(r) = same_file(&list, &f.name, claimed) {
                progress(f.size, f.size);
                return Ok(r.id.clone());
            }
        }
        restarts += 1;
        client.cancel_upload(&url).await;
        if restarts > MAX_RESTARTS {
            return Err(failure);
        }
        url = client.create_upload_session(message_id, f).await?;
        next = 0;
        progress(0, f.size);
    }
}

/// What happened to the files a save had to upload.
#[derive(Debug, Default)]
pub struct AttachOutcome {
    /// Index into the list → the attachment's id on the server.
    pub done: Vec<(usize, String)>,
    /// The file that failed (its name) and why; later files were not tried.
    pub failed: Option<(String, Error)>,
}

/// Uploads every file of `files` that is not on the server yet, in order.
/// With `reconcile`, first asks which are there already (by name, among the
/// attachments no file on the list has claimed), for when an earlier try may
/// have uploaded some without an answer. `progress` hears (file name, bytes
/// done, file size).
pub async fn attach_pending(
    client: &GraphClient,
    message_id: &str,
    files: &[AttachedFile],
    contents: &std::sync::Arc<dyn Contents>,
    reconcile: bool,
    progress: &mut (dyn FnMut(&str, u64, u64) + Send),
) -> AttachOutcome {
    let mut out = AttachOutcome::default();
    let mut present: Vec<RemoteAttachment> = Vec::new();
    let pending: Vec<usize> = (0..files.len())
        .filter(|i| files[*i].server_id.is_none())
        .collect();
    if pending.is_empty() {
        return out;
    }
    if reconcile {
        match client.list_attachments(message_id).await {
            Ok(list) => present = list,
            Err(e) => {
                out.failed = Some((files[pending[0]].name.clone(), e));
                return out;
            }
        }
    }
    let mut claimed: Vec<String> = files
        .iter()
        .filter_map(|f| f.server_id.clone())
        .filter(|id| !id.is_empty())
        .collect();
    for i in pending {
        let f = &files[i];
        if let Some(r) = same_file(&present, &f.name, &claimed) {
            let id = r.id.clone();
            present.retain(|p| p.id != id);
            claimed.push(id.clone());
            out.done.push((i, id));
            continue;
        }
        let name = f.name.clone();
        let mut each = |done: u64, total: u64| progress(&name, done, total);
        match upload_file(client, message_id, f, contents, &claimed, &mut each).await {
            Ok(id) => {
                claimed.push(id.clone());
                out.done.push((i, id));
            }
            Err(e) => {
                out.failed = Some((f.name.clone(), e));
                break;
            }
        }
    }
    out
}

/// Removes attachments from the draft. One whose id is not known (it went
/// up inside the create request, whose answer does not list attachments) is
/// found by name among the attachments whose ids are not `keep`'s (the files
/// still on the list).
pub async fn detach(
    client: &GraphClient,
    message_id: &str,
    files: &[AttachedFile],
) -> Result<(), Error> {
    detach_keeping(client, message_id, files, &[]).await
}

/// [`detach`], never touching the attachments in `keep`.
pub(crate) async fn detach_keeping(
    client: &GraphClient,
    message_id: &str,
    files: &[AttachedFile],
    keep: &[AttachedFile],
) -> Result<(), Error> {
    let mut listed: Option<Vec<RemoteAttachment>> = None;
    let claimed: Vec<String> = keep
        .iter()
        .filter_map(|f| f.server_id.clone())
        .filter(|id| !id.is_empty())
        .collect();
    for f in files {
        let id = match f.server_id.as_deref() {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => {
                if listed.is_none() {
                    listed = Some(client.list_attachments(message_id).await?);
                }
                let found = listed
                    .as_ref()
                    .and_then(|l| same_file(l, &f.name, &claimed).cloned());
                match found {
                    Some(r) => {
                        if let Some(l) = listed.as_mut() {
                            l.retain(|x| x.id != r.id);
                        }
                        r.id
                    }
                    // Not there: nothing to remove.
                    None => continue,
                }
            }
        };
        client.delete_attachment(message_id, &id).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_locations() {
        assert_eq!(
            next_offset(br#"{"nextExpectedRanges":["2097152"]}"#),
            Some(2_097_152)
        );
        assert_eq!(next_offset(br#"{"nextExpectedRanges":["0-"]}"#), Some(0));
        assert_eq!(next_offset(br#"{"nextExpectedRanges":[]}"#), None);
        assert_eq!(
            id_from_location(
                "https://outlook.office.com/api/v2.0/Users('a')/Messages('b')/Attachments('AAMkX=')"
            )
            .as_deref(),
            Some("AAMkX=")
        );
        assert_eq!(
            id_from_location(
                "https://graph.microsoft.com/v1.0/users('a')/messages('b')/attachments('AAMkY=')"
            )
            .as_deref(),
            Some("AAMkY=")
        );
    }
}
