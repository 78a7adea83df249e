//! Attachments on a draft that exists: small files with `POST …/attachments`,
//! large ones through an Outlook upload session in ordered chunks that resume
//! from the server's `nextExpectedRanges` after a failed or unanswered chunk.

use super::client::{bad_response, header, http_failure, parse_retry_after, transport_failure};
use super::{FailureKind, GraphClient, GraphFailure};
use crate::draft::attach::{AttachedFile, CHUNK, read_inline};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

/// Chunk failures in a row before the upload gives up (the draft keeps the rest).
pub const MAX_CHUNK_RETRIES: u32 = 5;

/// An attachment as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct RemoteAttachment {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub size: u64,
}

fn file_failure(msg: impl Into<String>) -> GraphFailure {
    GraphFailure::local(FailureKind::File, "FileUnreadable", msg)
}

impl GraphClient {
    /// `POST …/messages/{id}/attachments` with a file attachment; its new id.
    pub async fn add_attachment(
        &self,
        message_id: &str,
        att: &Value,
    ) -> Result<String, GraphFailure> {
        let url = self.url(&["messages", message_id, "attachments"]);
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(att)).await?;
        let r: RemoteAttachment = serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not an attachment: {e}")))?;
        Ok(crate::sanitize::line(&r.id))
    }

    /// The draft's attachments (id, name, size).
    pub async fn list_attachments(
        &self,
        message_id: &str,
    ) -> Result<Vec<RemoteAttachment>, GraphFailure> {
        #[derive(serde::Deserialize)]
        struct List {
            value: Vec<RemoteAttachment>,
        }
        let mut url = self.url(&["messages", message_id, "attachments"]);
        url.query_pairs_mut().append_pair("$select", "id,name,size");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let l: List = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(status, request_id, &format!("not an attachment list: {e}"))
        })?;
        Ok(l.value)
    }

    /// Removes an attachment; one already gone counts as removed.
    pub async fn delete_attachment(&self, message_id: &str, id: &str) -> Result<(), GraphFailure> {
        let url = self.url(&["messages", message_id, "attachments", id]);
        match self.send(Method::DELETE, url, None).await {
            Ok(_) => Ok(()),
            Err(f) if f.status == Some(404) => Ok(()),
            Err(f) => Err(f),
        }
    }

    async fn create_upload_session(
        &self,
        message_id: &str,
        f: &AttachedFile,
    ) -> Result<String, GraphFailure> {
        let url = self.url(&["messages", message_id, "attachments", "createUploadSession"]);
        let body = json!({ "AttachmentItem": {
            "attachmentType": "file",
            "name": f.name,
            "size": f.size,
            "contentType": f.content_type,
        }});
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(&body)).await?;
        let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let upload = v.get("uploadUrl").and_then(Value::as_str).unwrap_or("");
        match url::Url::parse(upload) {
            // The URL carries its own authorisation: only over TLS (or to loopback).
            Ok(u) if u.scheme() == "https" || crate::config::is_loopback(&u) => {
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
    async fn upload_offset(&self, upload_url: &str) -> Result<u64, GraphFailure> {
        let resp = self
            .http()
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

/// `…/Attachments('AAMk…')` → `AAMk…`.
fn id_from_location(loc: &str) -> Option<String> {
    let start = loc.rfind("Attachments('")? + "Attachments('".len();
    let end = loc[start..].find("')")? + start;
    Some(crate::sanitize::line(&loc[start..end]))
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
) -> Result<Chunk, GraphFailure> {
    let end = start + data.len() as u64 - 1;
    // No Authorization header: the upload URL is pre-authorised.
    let resp = client
        .http()
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

async fn read_chunk(f: &AttachedFile, start: u64, len: u64) -> Result<Vec<u8>, GraphFailure> {
    let path = f.path.clone();
    let name = f.name.clone();
    let size = f.size;
    tokio::task::spawn_blocking(move || {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = std::fs::File::open(&path)
            .map_err(|e| file_failure(format!("{name}: cannot read it: {e}")))?;
        let now = file.metadata().map(|m| m.len()).unwrap_or(0);
        if now != size {
            return Err(file_failure(format!(
                "{name} changed on disk while uploading; attach it again."
            )));
        }
        file.seek(SeekFrom::Start(start))
            .map_err(|e| file_failure(format!("{name}: {e}")))?;
        let mut buf = vec![0; len as usize];
        file.read_exact(&mut buf)
            .map_err(|e| file_failure(format!("{name}: {e}")))?;
        Ok(buf)
    })
    .await
    .map_err(|e| file_failure(e.to_string()))?
}

/// Uploads one file to a draft and returns the attachment's id. `progress`
/// hears (bytes the server has, total) after each chunk.
pub async fn upload_file(
    client: &GraphClient,
    message_id: &str,
    f: &AttachedFile,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<String, GraphFailure> {
    if !f.large() {
        let att = tokio::task::spawn_blocking({
            let f = f.clone();
            move || read_inline(&f)
        })
        .await
        .map_err(|e| file_failure(e.to_string()))?
        .map_err(file_failure)?;
        let id = client.add_attachment(message_id, &att).await?;
        progress(f.size, f.size);
        return Ok(id);
    }
    let url = client.create_upload_session(message_id, f).await?;
    let mut next = 0u64;
    let mut failures = 0u32;
    progress(0, f.size);
    loop {
        let len = CHUNK.min(f.size.saturating_sub(next));
        if len == 0 {
            return Err(bad_response(
                StatusCode::OK,
                None,
                "the upload session took every byte but never finished",
            ));
        }
        let data = read_chunk(f, next, len).await?;
        let failure = match put_chunk(client, &url, next, data, f.size).await {
            Ok(Chunk::Done(id)) => {
                progress(f.size, f.size);
                return Ok(id);
            }
            Ok(Chunk::Next(n)) => {
                failures = 0;
                next = n;
                progress(next, f.size);
                continue;
            }
            Err(e) => e,
        };
        let range_error = failure.status == Some(416);
        let retryable = failure.is_offline()
            || failure.is_busy()
            || range_error
            || matches!(failure.status, Some(500) | Some(502));
        failures += 1;
        if !retryable || failures > MAX_CHUNK_RETRIES {
            // Leave nothing half-made on the server.
            let _ = client.http().delete(&url).send().await;
            return Err(failure);
        }
        if !range_error {
            let wait = failure
                .retry_after
                .unwrap_or_else(|| Duration::from_millis(500 << (failures - 1).min(6)));
            tracing::info!(
                file_bytes = f.size,
                at = next,
                wait_ms = wait.as_millis() as u64,
                "upload chunk failed; resuming"
            );
            tokio::time::sleep(wait).await;
        }
        // The chunk may have landed without an answer: ask where to resume.
        match client.upload_offset(&url).await {
            Ok(n) => {
                next = n;
                progress(next, f.size);
            }
            // The session is gone: if that was the last chunk, the file is there.
            Err(e) if e.status == Some(404) && next + len >= f.size => {
                let list = client.list_attachments(message_id).await?;
                if let Some(r) = list
                    .into_iter()
                    .find(|r| r.name == f.name && r.size == f.size)
                {
                    progress(f.size, f.size);
                    return Ok(r.id);
                }
                return Err(failure);
            }
            Err(_) => {}
        }
    }
}

/// What happened to the files a save had to upload.
#[derive(Debug, Default)]
pub struct AttachOutcome {
    /// Index into the list → the attachment's id on the server.
    pub done: Vec<(usize, String)>,
    /// The file that failed (its name) and why; later files were not tried.
    pub failed: Option<(String, GraphFailure)>,
}

/// Uploads every file of `files` that is not on the server yet, in order.
/// With `reconcile`, first asks which are there already (same name and size),
/// for when an earlier try may have uploaded some without an answer.
/// `progress` hears (file name, bytes done, file size).
pub async fn attach_pending(
    client: &GraphClient,
    message_id: &str,
    files: &[AttachedFile],
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
    for i in pending {
        let f = &files[i];
        if let Some(pos) = present
            .iter()
            .position(|r| r.name == f.name && r.size == f.size)
        {
            out.done.push((i, present.remove(pos).id));
            continue;
        }
        let name = f.name.clone();
        let mut each = |done: u64, total: u64| progress(&name, done, total);
        match upload_file(client, message_id, f, &mut each).await {
            Ok(id) => out.done.push((i, id)),
            Err(e) => {
                out.failed = Some((f.name.clone(), e));
                break;
            }
        }
    }
    out
}

/// Removes attachments from the draft. One whose id is not known (it went up
/// inside the create request) is found by name and size.
pub async fn detach(
    client: &GraphClient,
    message_id: &str,
    files: &[AttachedFile],
) -> Result<(), GraphFailure> {
    let mut listed: Option<Vec<RemoteAttachment>> = None;
    for f in files {
        let id = match f.server_id.as_deref() {
            Some(id) if !id.is_empty() => id.to_string(),
            _ => {
                if listed.is_none() {
                    listed = Some(client.list_attachments(message_id).await?);
                }
                let found = listed.as_mut().and_then(|l| {
                    l.iter()
                        .position(|r| r.name == f.name && r.size == f.size)
                        .map(|p| l.remove(p))
                });
                match found {
                    Some(r) => r.id,
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
    }
}
