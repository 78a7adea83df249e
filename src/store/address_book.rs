//! Addresses used in saved drafts (`<state>/addresses.json`), for completion.

use crate::core::address::Address;

/// `<state>/addresses.json` (`addresses-demo.json` for the demo).
pub(crate) fn path(demo: bool) -> Option<std::path::PathBuf> {
    let name = if demo {
        "addresses-demo.json"
    } else {
        "addresses.json"
    };
    crate::util::fs::state_dir().map(|d| d.join(name))
}

/// The addresses kept by earlier sessions (none if the file is missing or unreadable).
pub(crate) fn load(path: &std::path::Path) -> Vec<Address> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Keeps the list (best effort).
pub(crate) fn save(path: &std::path::Path, list: &[Address]) {
    if let Ok(json) = serde_json::to_vec(list) {
        let _ = crate::util::fs::write_atomic(path, &json);
    }
}
