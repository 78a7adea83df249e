//! Private files written atomically: a temporary file in the same directory
//! (mode 0600), fsync, rename over the target, fsync of the directory.

use std::io::Write;
use std::path::Path;

/// Creates `dir` (mode 0700) if needed.
pub(crate) fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Replaces `path` with `bytes` so a reader sees the old file or the new one, whole.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, true)
}

/// [`write_atomic`] without waiting for the disk: the new file is in place
/// (and survives this process being killed) as soon as this returns, but a
/// power cut may still lose it.
pub(crate) fn write_atomic_fast(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    replace(path, bytes, false)
}

fn replace(path: &Path, bytes: &[u8], durable: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent directory"))?;
    // tempfile creates the file with mode 0600.
    let mut tmp = tempfile::Builder::new()
        .prefix(".graft-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    if durable {
        tmp.as_file().sync_all()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    if durable {
        sync_dir(dir);
    }
    Ok(())
}

/// Removes `path`; a file that is already gone is fine.
pub(crate) fn remove(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => {
            if let Some(d) = path.parent() {
                sync_dir(d);
            }
            Ok(())
        }
    }
}

fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// graft's state directory: `$GRAFT_STATE_DIR`, else XDG state (`~/.local/state/graft`),
/// else the local data directory.
pub(crate) fn state_dir() -> Option<std::path::PathBuf> {
    std::env::var_os("GRAFT_STATE_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| dirs::state_dir().map(|d| d.join("graft")))
        .or_else(|| dirs::data_local_dir().map(|d| d.join("graft")))
}

/// A profile name made safe for a file name: letters, digits, `-` and `_` kept,
/// anything else (a `/`, a space, a dot) becomes `_`.
pub fn file_name_for(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Reads a small text file a setting names (a signature, a template): a
/// regular file of at most `cap` bytes, UTF-8. `/dev/zero`, a FIFO or a
/// huge file is refused, never read forever.
pub(crate) fn read_small(path: &Path, cap: u64) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("is not a regular file".into());
    }
    if meta.len() > cap {
        return Err(format!("is larger than {} KiB", cap / 1024));
    }
    let mut out = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(cap + 1).read_to_end(&mut out))
        .map_err(|e| e.to_string())?;
    if out.len() as u64 > cap {
        return Err(format!("is larger than {} KiB", cap / 1024));
    }
    String::from_utf8(out).map_err(|_| "is not UTF-8 text".into())
}
