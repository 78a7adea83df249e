//! Attached files: checking them before anything is sent, and deciding how each
//! one travels (inside the create request, `POST …/attachments`, or an upload session).

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Files under this size go in one request (Graph: "under 3 MB"); from here up
/// they need an upload session (which refuses smaller files).
pub const INLINE_MAX: u64 = 3_000_000;
/// The largest file an upload session takes (150 MB).
pub const MAX_FILE: u64 = 150_000_000;
/// Upload chunk: 9 × 320 KiB, under Outlook's advised 4 MB per chunk and a
/// multiple of the 320 KiB OneDrive asks for.
pub const CHUNK: u64 = 9 * 320 * 1024;
/// The create request (JSON, base64 attachments included) stays under this.
pub const REQUEST_BUDGET: usize = 3_900_000;

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
}

impl AttachedFile {
    /// Whether this file needs an upload session.
    pub fn large(&self) -> bool {
        self.size >= INLINE_MAX
    }
    /// Bytes it adds to a JSON request when sent inline (base64 plus the object).
    pub fn inline_cost(&self) -> usize {
        (self.size as usize).div_ceil(3) * 4 + self.name.len() + self.content_type.len() + 160
    }
}

/// `1.2 MB`, `340 KB`, `12 B`.
pub fn human_size(n: u64) -> String {
    match n {
        n if n >= 1_000_000 => format!("{:.1} MB", n as f64 / 1_000_000.0),
        n if n >= 1_000 => format!("{} KB", n.div_ceil(1_000)),
        n => format!("{n} B"),
    }
}

/// A MIME type from the file name's extension (the server infers one otherwise).
pub fn content_type(name: &str) -> &'static str {
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

/// `~/x` → `$HOME/x`.
pub fn expand_home(input: &str) -> PathBuf {
    match input.strip_prefix("~/") {
        Some(rest) => dirs::home_dir()
            .map(|h| h.join(rest))
            .unwrap_or_else(|| PathBuf::from(input)),
        None => PathBuf::from(input),
    }
}

/// Checks a file before it joins the list: it exists, is a regular file, can be
/// read, and is within Graph's 150 MB limit. The message says what is wrong.
pub fn check(input: &str) -> Result<AttachedFile, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err("Type the path of a file to attach.".into());
    }
    let path = expand_home(trimmed);
    let shown = crate::sanitize::line(trimmed);
    let meta = std::fs::metadata(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("{shown}: no such file."),
        std::io::ErrorKind::PermissionDenied => format!("{shown}: permission denied."),
        _ => format!("{shown}: {e}"),
    })?;
    if meta.is_dir() {
        return Err(format!("{shown} is a directory; attach files one by one."));
    }
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file."));
    }
    if meta.len() > MAX_FILE {
        return Err(format!(
            "{shown} is {}; Outlook takes attachments up to {}.",
            human_size(meta.len()),
            human_size(MAX_FILE)
        ));
    }
    std::fs::File::open(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => {
            format!("{shown}: permission denied (cannot read it).")
        }
        _ => format!("{shown}: cannot read it: {e}"),
    })?;
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let name = path
        .file_name()
        .map(|n| crate::sanitize::line(&n.to_string_lossy()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "attachment".into());
    Ok(AttachedFile {
        content_type: content_type(&name).to_string(),
        name,
        size: meta.len(),
        path,
        server_id: None,
    })
}

/// `name`, or `report (2).pdf`, `report (3).pdf` … the first not in
/// `taken`: every file on a draft has its own name, so an attachment whose
/// id was never learnt (one that went inside the create request, or whose
/// answer was lost) can be told by its name alone.
pub fn unique_name(name: &str, taken: &[&str]) -> String {
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

/// Reads a file for an inline attachment and checks it has not changed size
/// since it was attached (a changed file is re-checked, not silently sent).
pub fn read_inline(f: &AttachedFile) -> Result<serde_json::Value, String> {
    use base64::Engine as _;
    let bytes = std::fs::read(&f.path).map_err(|e| format!("{}: cannot read it: {e}", f.name))?;
    if bytes.len() as u64 != f.size {
        return Err(format!(
            "{} changed on disk since it was attached ({} → {}); attach it again.",
            f.name,
            human_size(f.size),
            human_size(bytes.len() as u64)
        ));
    }
    Ok(serde_json::json!({
        "@odata.type": "#microsoft.graph.fileAttachment",
        "name": f.name,
        "contentType": f.content_type,
        "contentBytes": base64::engine::general_purpose::STANDARD.encode(&bytes),
    }))
}

/// Which files ride in the create request: small ones, in order, while the
/// request stays under Graph's size limit. The rest go to the attachments endpoint.
pub fn plan_inline(files: &[AttachedFile], body_bytes: usize) -> Vec<usize> {
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

/// Files in a directory whose names start as typed, for path completion:
/// (the completed input, whether it is a directory).
pub fn complete_path(input: &str) -> Vec<(String, bool)> {
    let (dir_part, stem) = match input.rfind('/') {
        Some(i) => (&input[..=i], &input[i + 1..]),
        None => ("", input),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else {
        expand_home(dir_part)
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(stem) || (stem.is_empty() && name.starts_with('.')) {
                return None;
            }
            let is_dir = e.file_type().map(|t| t.is_dir()).unwrap_or(false)
                || (e.file_type().map(|t| t.is_symlink()).unwrap_or(false)
                    && Path::new(&dir).join(&name).is_dir());
            Some((
                format!("{dir_part}{name}{}", if is_dir { "/" } else { "" }),
                is_dir,
            ))
        })
        .collect();
    out.sort();
    out.truncate(200);
    out
}

/// The longest common prefix of the candidates (what Tab can fill in at once).
pub fn common_prefix(cands: &[(String, bool)]) -> Option<String> {
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

    #[test]
    fn checks_name_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.pdf");
        assert!(
            check(missing.to_str().unwrap())
                .unwrap_err()
                .contains("no such file")
        );
        assert!(
            check(dir.path().to_str().unwrap())
                .unwrap_err()
                .contains("directory")
        );
        let ok = dir.path().join("r.pdf");
        std::fs::write(&ok, b"%PDF").unwrap();
        let a = check(ok.to_str().unwrap()).unwrap();
        assert_eq!(
            (a.name.as_str(), a.size, a.content_type.as_str()),
            ("r.pdf", 4, "application/pdf")
        );
        let big = dir.path().join("big.bin");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_FILE + 1).unwrap();
        assert!(
            check(big.to_str().unwrap())
                .unwrap_err()
                .contains("up to 150.0 MB")
        );
    }

    #[test]
    fn completion_lists_matches_and_common_prefix() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report-2025.pdf"), b"x").unwrap();
        std::fs::write(dir.path().join("report-2026.pdf"), b"x").unwrap();
        std::fs::create_dir(dir.path().join("reports")).unwrap();
        let base = format!("{}/rep", dir.path().display());
        let c = complete_path(&base);
        assert_eq!(c.len(), 3);
        assert!(c.iter().any(|(p, d)| p.ends_with("reports/") && *d));
        assert_eq!(
            common_prefix(&c).unwrap(),
            format!("{}/report", dir.path().display())
        );
    }
}
