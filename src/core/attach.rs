//! Attached files: checking them before anything is sent, and deciding how each
//! one travels (inside the create request, `POST …/attachments`, or an upload session).

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Files under this size go in one request (Graph: "under 3 MB"); from here up
/// they need an upload session (which refuses smaller files).
pub(crate) const INLINE_MAX: u64 = 3_000_000;
pub use super::limits::{CHUNK, MAX_FILE, MAX_REQUEST_BYTES as REQUEST_BUDGET};

/// A file on the attachment list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedFile {
    pub path: PathBuf,
    /// The name the recipient sees.
    pub name: String,
    pub size: u64,
    pub content_type: String,
    /// The attachment's id on the server, once it is there.
    #[serde(default)]
    pub server_id: Option<String>,
    /// A picture in the body (`isInline`), not a file on the list.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inline: bool,
    /// The `contentId` the body's `cid:` reference names (inline pictures).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
}

impl AttachedFile {
    /// A file the draft holds on the server already (a forward's copies, a
    /// draft loaded from Outlook): no local path, so it is never read from
    /// disk or sent again; its name as the server gave it, made safe to show.
    pub(crate) fn on_server(id: &str, name: &str, size: u64, inline: bool) -> AttachedFile {
        AttachedFile {
            path: PathBuf::new(),
            name: crate::util::sanitize::line(name),
            size,
            content_type: String::new(),
            server_id: Some(id.to_string()),
            inline,
            content_id: None,
        }
    }

    /// Whether this file needs an upload session.
    pub fn large(&self) -> bool {
        self.size >= INLINE_MAX
    }
    /// Bytes it adds to a JSON request when sent inline (base64 plus the object).
    pub(crate) fn inline_cost(&self) -> usize {
        (self.size as usize).div_ceil(3) * 4 + self.name.len() + self.content_type.len() + 160
    }
}

/// `1.2 MB`, `340 KB`, `12 B`.
pub(crate) fn human_size(n: u64) -> String {
    match n {
        n if n >= 1_000_000 => format!("{:.1} MB", n as f64 / 1_000_000.0),
        n if n >= 1_000 => format!("{} KB", n.div_ceil(1_000)),
        n => format!("{n} B"),
    }
}

/// A MIME type from the file name's extension (the server infers one otherwise).
pub(crate) fn content_type(name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" | "log" | "md" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "ics" => "text/calendar",
        "eml" => "message/rfc822",
        _ => "application/octet-stream",
    }
}

/// `name`, or `report (2).pdf`, `report (3).pdf` … the first not in
/// `taken`: every file on a draft has its own name, so an attachment whose
/// id was never learnt (one that went inside the create request, or whose
/// answer was lost) can be told by its name alone.
pub(crate) fn unique_name(name: &str, taken: &[&str]) -> String {
    if !taken.contains(&name) {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (name, String::new()),
    };
    (2..)
        .map(|n| format!("{stem} ({n}){ext}"))
        .find(|c| !taken.contains(&c.as_str()))
        .unwrap_or_else(|| name.to_string())
}

/// Which files ride in the create request: small ones, in order, while the
/// request stays under Graph's size limit. The rest go to the attachments endpoint.
pub(crate) fn plan_inline(files: &[AttachedFile], body_bytes: usize) -> Vec<usize> {
    let mut used = body_bytes;
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        if f.large() || f.server_id.is_some() {
            continue;
        }
        if used + f.inline_cost() <= REQUEST_BUDGET {
            used += f.inline_cost();
            out.push(i);
        }
    }
    out
}

/// The longest common prefix of the candidates (what Tab can fill in at once).
pub(crate) fn common_prefix(cands: &[(String, bool)]) -> Option<String> {
    let first = &cands.first()?.0;
    let mut end = first.len();
    for (c, _) in &cands[1..] {
        end = end.min(
            first
                .char_indices()
                .zip(c.chars())
                .find(|((_, a), b)| a != b)
                .map(|((i, _), _)| i)
                .unwrap_or(end.min(c.len())),
        );
    }
    Some(first[..end].to_string())
}

/// The files of the draft and what is still to do on the server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Files {
    /// On the list, in order; `server_id` is set once the server has the file.
    pub list: Vec<AttachedFile>,
    /// Removed from the list but still on the server: deleted at the next save.
    pub detached: Vec<AttachedFile>,
}

impl Files {
    /// Something to upload or remove.
    pub(crate) fn pending(&self) -> bool {
        !self.detached.is_empty() || self.list.iter().any(|f| f.server_id.is_none())
    }
    pub(crate) fn total(&self) -> u64 {
        self.list.iter().map(|f| f.size).sum()
    }
}

/// An upload in progress, for the status pane's progress bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    pub(crate) name: String,
    pub(crate) done: u64,
    pub(crate) total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, size: u64) -> AttachedFile {
        AttachedFile {
            path: PathBuf::from(name),
            name: name.into(),
            size,
            content_type: content_type(name).into(),
            server_id: None,
            inline: false,
            content_id: None,
        }
    }

    #[test]
    fn names_on_a_draft_are_unique() {
        assert_eq!(unique_name("a.pdf", &[]), "a.pdf");
        assert_eq!(unique_name("a.pdf", &["a.pdf"]), "a (2).pdf");
        assert_eq!(unique_name("a.pdf", &["a.pdf", "a (2).pdf"]), "a (3).pdf");
        assert_eq!(unique_name("README", &["README"]), "README (2)");
        assert_eq!(unique_name(".env", &[".env"]), ".env (2)");
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(1_500), "2 KB");
        assert_eq!(human_size(10_485_760), "10.5 MB");
    }

    #[test]
    fn inline_plan_respects_the_request_budget() {
        let files = vec![
            f("a.pdf", 2_000_000),
            f("b.png", 1_500),
            f("c.zip", 5_000_000),
            f("d.txt", 2_000_000),
        ];
        // a (2.67 MB base64) fits; d would pass the 3.9 MB budget; c is large.
        assert_eq!(plan_inline(&files, 1_000), vec![0, 1]);
        // A big body leaves room only for the small one.
        assert_eq!(plan_inline(&files, 3_000_000), vec![1]);
    }
}
