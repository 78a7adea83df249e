//! What graft wrote, kept beside the history: a draft's body as typed (its
//! Markdown source, its text), its signature and an answer's quote, with
//! the version (`changeKey`) the server had right after graft saved it.
//! Reopening a draft the server still holds in that version gives the
//! source back instead of the HTML Graph returns; a draft changed in
//! Outlook since reopens as its HTML. One small file per draft
//! (`<state>/sources/<key>.json`, mode 0600): kept on this machine, never
//! sent (an extended property on the message would carry the text to every
//! client and spend the mailbox's named-property quota).

use std::path::{Path, PathBuf};

pub(crate) use crate::core::history::Source;

/// The folder (`sources`, or `sources-demo` for the demo's drafts).
pub(crate) fn dir(demo: bool) -> Option<PathBuf> {
    crate::util::fs::state_dir().map(|d| d.join(if demo { "sources-demo" } else { "sources" }))
}

fn file(dir: &Path, key: &str) -> Option<PathBuf> {
    let ok = !key.is_empty()
        && key.len() <= 128
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then(|| dir.join(format!("{key}.json")))
}

/// Keeps a draft's source (best effort: without it the draft reopens as HTML).
pub(crate) fn write(dir: &Path, key: &str, source: &Source) {
    let Some(path) = file(dir, key) else {
        return;
    };
    if crate::util::fs::private_dir(dir).is_err() {
        return;
    }
    if let Ok(json) = serde_json::to_vec(source) {
        let _ = crate::util::fs::write_atomic(&path, &json);
    }
}

/// A draft's source, if kept (a file too large to be one is not read).
pub(crate) fn read(dir: &Path, key: &str) -> Option<Source> {
    let path = file(dir, key)?;
    let meta = std::fs::metadata(&path).ok()?;
    if meta.len() > 64 * 1024 * 1024 {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// Forgets the sources of drafts no longer in the history.
pub(crate) fn prune(dir: &Path, keep: &[String]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if let Some(key) = name.strip_suffix(".json")
            && !keep.iter().any(|k| k == key)
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}
