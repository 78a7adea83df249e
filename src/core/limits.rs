//! The service's size limits, in one place.

/// Graph's request size ceiling is about 4 MB (a larger request is refused
/// with 413: "Attach files to Outlook messages" in the Graph docs, and the
/// JSON around the text needs room): a create or update, base64
/// attachments included, stays under this.
pub const MAX_REQUEST_BYTES: usize = 3_900_000;

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
