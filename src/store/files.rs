//! Files on this machine to attach: checked before they join the list,
//! completed as paths are typed, read when they go inside a request.

use crate::core::attach::{AttachedFile, MAX_FILE, content_type, human_size};
use std::path::{Path, PathBuf};

/// `~/x` → `$HOME/x`.
pub(crate) fn expand_home(input: &str) -> PathBuf {
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
    let shown = crate::util::sanitize::line(trimmed);
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
        .map(|n| crate::util::sanitize::line(&n.to_string_lossy()))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "attachment".into());
    Ok(AttachedFile {
        content_type: content_type(&name).to_string(),
        name,
        size: meta.len(),
        path,
        server_id: None,
        inline: false,
        content_id: None,
    })
}

/// `len` bytes of an attached file from `start`, refused when the file is
/// no longer the size it had when it was attached (it changed on disk).
pub(crate) fn read_range(f: &AttachedFile, start: u64, len: u64) -> Result<Vec<u8>, String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file =
        std::fs::File::open(&f.path).map_err(|e| format!("{}: cannot read it: {e}", f.name))?;
    let now = file.metadata().map(|m| m.len()).unwrap_or(0);
    if now != f.size {
        return Err(format!(
            "{} changed on disk since it was attached ({} → {}); attach it again.",
            f.name,
            human_size(f.size),
            human_size(now)
        ));
    }
    file.seek(SeekFrom::Start(start))
        .map_err(|e| format!("{}: {e}", f.name))?;
    let mut buf = vec![0; len as usize];
    file.read_exact(&mut buf)
        .map_err(|e| format!("{}: {e}", f.name))?;
    Ok(buf)
}

/// Files in a directory whose names start as typed, for path completion:
/// (the completed input, whether it is a directory).
pub(crate) fn complete_path(input: &str) -> Vec<(String, bool)> {
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

/// The largest picture graft sends inline (a picture in a mail body, not
/// a file to attach).
pub(crate) const MAX_PICTURE: u64 = 25_000_000;

/// What kind of picture these first bytes start, if any: PNG, JPEG, GIF,
/// WebP, BMP. (Not SVG: it is a document that can carry scripts and links,
/// and Outlook does not show it inline.)
pub(crate) fn picture_kind(head: &[u8]) -> Option<&'static str> {
    match head {
        [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n', ..] => Some("image/png"),
        [0xff, 0xd8, 0xff, ..] => Some("image/jpeg"),
        [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        [b'B', b'M', ..] if head.len() >= 14 => Some("image/bmp"),
        _ => None,
    }
}

/// A picture named in a body: a regular file (never a device, a FIFO or
/// one of the kernel's files under /proc, /sys, /dev), no larger than
/// [`MAX_PICTURE`], whose bytes are a picture; its content type from its
/// bytes, not its name.
pub(crate) fn check_picture(input: &str) -> Result<AttachedFile, String> {
    use std::io::Read;
    let path = expand_home(input.trim());
    let shown = crate::util::sanitize::line(input.trim());
    let real = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    if ["/proc/", "/sys/", "/dev/"]
        .iter()
        .any(|p| real.starts_with(p) || path.starts_with(p))
    {
        return Err(format!(
            "{shown} is not a picture (a system file); nothing was sent."
        ));
    }
    let f = check(input)?;
    if f.size > MAX_PICTURE {
        return Err(format!(
            "{shown} is {}; pictures in the body go up to {} (attach it with Ctrl-O instead).",
            human_size(f.size),
            human_size(MAX_PICTURE)
        ));
    }
    let mut head = [0u8; 16];
    let n = std::fs::File::open(&path)
        .and_then(|mut file| file.read(&mut head))
        .map_err(|e| format!("{shown}: cannot read it: {e}"))?;
    match picture_kind(&head[..n]) {
        Some(kind) => Ok(AttachedFile {
            content_type: kind.to_string(),
            ..f
        }),
        None => Err(format!(
            "{shown} is not a picture (PNG, JPEG, GIF, WebP or BMP, by its bytes); nothing was sent."
        )),
    }
}

/// Checks the pictures a body shows (source, content id) and makes each an
/// inline attachment; `Err` names the picture and what is wrong with it.
/// A relative path starts from `base` (a batch file's folder; empty: where
/// graft runs).
pub(crate) fn check_images(
    images: &[(String, String)],
    base: &Path,
) -> Vec<Result<AttachedFile, String>> {
    images
        .iter()
        .map(|(src, cid)| {
            let path = crate::core::inline::path_of(src);
            let path = if Path::new(&path).is_relative() && !path.starts_with('~') {
                base.join(&path).to_string_lossy().into_owned()
            } else {
                path
            };
            check_picture(&path)
                .map(|f| AttachedFile {
                    inline: true,
                    content_id: Some(cid.clone()),
                    ..f
                })
                .map_err(|e| format!("the picture {}: {e}", crate::util::sanitize::line(src)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::attach::common_prefix;

    #[test]
    fn a_picture_must_be_one_by_its_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        std::fs::write(&png, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR....").unwrap();
        assert_eq!(
            check_picture(png.to_str().unwrap()).unwrap().content_type,
            "image/png"
        );
        let key = dir.path().join("id_rsa");
        std::fs::write(&key, b"-----BEGIN OPENSSH PRIVATE KEY-----\n").unwrap();
        assert!(
            check_picture(key.to_str().unwrap())
                .unwrap_err()
                .contains("not a picture")
        );
        // Named like a picture, still not one.
        let fake = dir.path().join("fake.jpg");
        std::fs::write(&fake, b"hello").unwrap();
        assert!(
            check_picture(fake.to_str().unwrap())
                .unwrap_err()
                .contains("not a picture")
        );
        assert!(
            check_picture("/proc/self/environ")
                .unwrap_err()
                .contains("not a picture")
        );
        assert!(check_picture("/dev/zero").is_err());
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
