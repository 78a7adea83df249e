//! The service's size limits, in one place.

/// Graph's request size ceiling is about 4 MB (a larger request is refused
/// with 413: "Attach files to Outlook messages" in the Graph docs, and the
/// JSON around the text needs room): a create or update, base64
/// attachments included, stays under this.
pub const MAX_REQUEST_BYTES: usize = 3_900_000;

/// How many bytes `s` takes inside the request's JSON: a quote, a
/// backslash and a line break take two, other control characters six.
/// (HTML is full of quotes and line breaks: counting its own length let
/// a body through that the server then refused with 413.)
pub(crate) fn json_len(s: &str) -> usize {
    s.len()
        + s.bytes()
            .map(|b| match b {
                b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 1,
                0..=0x1f => 5,
                _ => 0,
            })
            .sum::<usize>()
}

/// Exchange Online's default message size limit (tenants may raise it to
/// 150 MB): the whole message, attachments included.
pub(crate) const DEFAULT_MAX_MESSAGE_BYTES: u64 = 35 * 1024 * 1024;

/// The largest file an upload session takes (150 MB).
pub const MAX_FILE: u64 = 150_000_000;

/// Upload chunk: 9 × 320 KiB, under Outlook's advised 4 MB per chunk and a
/// multiple of the 320 KiB OneDrive asks for.
pub const CHUNK: u64 = 9 * 320 * 1024;

/// A mailbox limit as Exchange writes it: `35 MB` (binary megabytes).
pub(crate) fn limit_label(bytes: u64) -> String {
    let mib = 1024 * 1024;
    if bytes % mib == 0 {
        format!("{} MB", bytes / mib)
    } else {
        crate::core::attach::human_size(bytes)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_len_is_the_length_serde_writes() {
        for s in ["plain", "<p dir=\"auto\">x</p>\r\n", "a\\b\u{1}\t", "שלום"] {
            assert_eq!(
                super::json_len(s),
                serde_json::to_string(s).unwrap().len() - 2,
                "{s:?}"
            );
        }
    }
}
