//! F8's Graph calls: a page of a folder's messages (or what `$search`
//! finds), a message to read; and deleting a draft graft made (F6, an
//! answer left empty).

use super::Runner;
use crate::tui::app::Msg;

impl Runner {
    pub(super) fn list_mail(&self, seq: u64, folder: String, search: String, next: Option<String>) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let more = next.is_some();
            let url = match next.as_deref().map(url::Url::parse) {
                Some(Ok(u)) => u,
                Some(Err(e)) => {
                    let _ = tx.send(Msg::MailListed {
                        seq,
                        more,
                        result: Err(format!("the next page's link is not a URL: {e}")),
                    });
                    return;
                }
                None => {
                    // A folder by the name Outlook shows (`folder:Projects`).
                    let folder = match folder.strip_prefix("name:") {
                        None => folder,
                        Some(name) => match client.folder_by_name(name).await {
                            Ok(Some(id)) => id,
                            Ok(None) => {
                                let _ = tx.send(Msg::MailListed {
                                    seq,
                                    more,
                                    result: Err(format!("No folder named “{name}”.")),
                                });
                                return;
                            }
                            Err(f) => {
                                let _ = tx.send(Msg::MailListed {
                                    seq,
                                    more,
                                    result: Err(format!("Could not find the folder: {f}")),
                                });
                                return;
                            }
                        },
                    };
                    let search = (!search.is_empty()).then_some(search.as_str());
                    client.mail_list_url(&folder, search, crate::tui::app::dialog::mail::PAGE)
                }
            };
            let result = client
                .mail_page(url)
                .await
                .map(|(items, next)| (items, next.map(|u| u.to_string())))
                .map_err(|f| format!("Could not list the messages: {f}"));
            let _ = tx.send(Msg::MailListed { seq, more, result });
        });
    }

    pub(super) fn read_mail(&self, id: String) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            // Taken before asking: no answer made for it can be older.
            let at = crate::util::now_rfc3339();
            let result = client
                .read_mail(&id)
                .await
                .map_err(|f| format!("Could not read the message: {f}"));
            let _ = tx.send(Msg::MailRead { id, at, result });
        });
    }

    /// Where the history's drafts are now (F6's states).
    pub(super) fn check_history(&self, mut entries: Vec<crate::core::history::HistoryEntry>) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        let path = self.history.clone();
        tokio::spawn(async move {
            use crate::service::remote::Now;
            // Drafts saved since this graft started, by another or by
            // `graft draft`, are in the file.
            if let Some(path) = path {
                let on_disk =
                    tokio::task::spawn_blocking(move || crate::store::history::load(&path))
                        .await
                        .unwrap_or_default();
                let new: Vec<_> = on_disk
                    .into_iter()
                    .filter(|d| !entries.iter().any(|e| e.id == d.id))
                    .collect();
                if !new.is_empty() {
                    entries.extend(new.iter().cloned());
                    let _ = tx.send(Msg::HistoryRead(new));
                }
            }
            if entries.is_empty() {
                return;
            }
            let Ok(rows) = crate::service::remote::where_now(&client, &entries).await else {
                return;
            };
            let states = rows
                .into_iter()
                .filter_map(|(e, now)| match now {
                    Now::Found { state, .. } => Some((e.id, state.to_string())),
                    Now::Gone => Some((e.id, "gone".to_string())),
                    Now::Unknown(_) => None,
                })
                .collect();
            let _ = tx.send(Msg::HistoryStates(states));
        });
    }

    /// Which version of the draft the server holds.
    pub(super) fn check_version(&self, id: String) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = client
                .version(&id)
                .await
                .map(|v| v.change_key)
                .map_err(|f| f.to_string());
            let _ = tx.send(Msg::VersionChecked { id, result });
        });
    }

    /// Deletes a draft graft made (to Deleted Items).
    pub(super) fn delete_draft(&self, id: String) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = client.delete_message(&id).await.map_err(|f| f.to_string());
            let _ = tx.send(Msg::DraftDeleted { id, result });
        });
    }
}
