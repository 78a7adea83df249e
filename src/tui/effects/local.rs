//! Local work: file checks and path completion off the loop's thread, the
//! small files (history, address book) behind the journal's writes, timers.

use super::Runner;
use crate::tui::app::{Msg, TimerKind};
use std::time::Duration;

impl Runner {
    pub(super) fn check_file(&self, input: String) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.send(Msg::FileChecked(crate::store::files::check(&input)));
        });
    }

    pub(super) fn check_images(&self, images: Vec<(String, String)>) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let here = std::path::Path::new("");
            let found = crate::store::files::check_images(&images, here);
            let _ = tx.send(Msg::ImagesChecked(found));
        });
    }

    /// Reads every template in the config folder's templates/.
    pub(super) fn list_templates(&self) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let dir = crate::config::templates_dir();
            let result = match &dir {
                None => Err("no config folder to find templates in".to_string()),
                Some(d) => {
                    let found = crate::store::templates::list(d);
                    if found.is_empty() {
                        // Where to put one, by name.
                        Err(format!(
                            "No templates yet: put one in {} (headers such as To: and Subject:, a blank line, then the body; {{{{name}}}} for a variable).",
                            d.display()
                        ))
                    } else {
                        found
                            .iter()
                            .map(|(_, path)| crate::store::templates::read(path))
                            .collect()
                    }
                }
            };
            let _ = tx.send(Msg::Templates {
                result,
                today: crate::util::today(),
            });
        });
    }

    pub(super) fn complete_path(&self, input: String) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let found = crate::store::files::complete_path(&input);
            let _ = tx.send(Msg::PathCandidates { input, found });
        });
    }

    pub(super) fn save_history(&self, list: Vec<crate::core::history::HistoryEntry>) {
        if let Some(path) = self.history.clone() {
            let sources = self.sources.clone();
            self.in_background(move || {
                crate::store::history::save(&path, &list);
                // What graft wrote is kept only for drafts still listed.
                if let Some(dir) = sources {
                    let keys: Vec<String> = list.iter().map(|e| e.key.clone()).collect();
                    crate::store::sources::prune(&dir, &keys);
                }
            });
        }
    }

    pub(super) fn remember_addresses(&self, list: Vec<crate::core::address::Address>) {
        if let Some(path) = self.address_book.clone() {
            self.in_background(move || crate::store::address_book::save(&path, &list));
        }
    }

    pub(super) fn timer(&self, after: Duration, kind: TimerKind, seq: u64) {
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(after).await;
            let _ = tx.send(Msg::Tick { kind, seq });
        });
    }
}
