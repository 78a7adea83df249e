//! The history file of one profile and Graph root
//! (`<state>/history/<profile>[@host_port].json`): the one place it is read
//! and written.

use crate::core::history::{HistoryEntry, upsert};

/// `<state>/history/<profile>.json` for Microsoft's global Graph, and a
/// list of its own for any other root (as the tokens are kept): drafts
/// saved to an emulator never show up as Outlook's, nor the other way round.
pub(crate) fn path(profile: &str, graph_root: &url::Url) -> Option<std::path::PathBuf> {
    let name = crate::core::mailbox::profile_for_root(profile, graph_root);
    let safe = crate::util::fs::file_name_for(&name);
    crate::util::fs::state_dir().map(|d| d.join("history").join(format!("{safe}.json")))
}

pub(crate) fn load(path: &std::path::Path) -> Vec<HistoryEntry> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Writes the list (best effort: a failure only loses the list entry).
pub(crate) fn save(path: &std::path::Path, list: &[HistoryEntry]) {
    if let Some(dir) = path.parent() {
        let _ = crate::util::fs::private_dir(dir);
    }
    if let Ok(json) = serde_json::to_vec(list) {
        let _ = crate::util::fs::write_atomic(path, &json);
    }
}

/// Adds drafts to the file's list, newest first.
pub(crate) fn add(path: &std::path::Path, entries: Vec<HistoryEntry>) {
    let mut list = load(path);
    for e in entries.into_iter().rev() {
        upsert(&mut list, e);
    }
    save(path, &list);
}
