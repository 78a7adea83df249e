//! F8's Graph calls: a page of a folder's messages (or what `$search`
//! finds), a message to read, and the answer Graph makes.

use super::Runner;
use crate::core::address::Address;
use crate::core::answer::{AnswerKind, MailSummary};
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
            let result = client
                .read_mail(&id)
                .await
                .map_err(|f| format!("Could not read the message: {f}"));
            let _ = tx.send(Msg::MailRead { id, result });
        });
    }

    pub(super) fn open_answer(
        &self,
        kind: AnswerKind,
        original: MailSummary,
        key: String,
        forward_to: Vec<Address>,
    ) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let result = crate::service::answer::open(
                &client,
                kind,
                &original,
                &key,
                &forward_to,
                crate::graph::retry::MAX_SERVICE_RETRIES,
            )
            .await
            .map(Box::new)
            .map_err(|f| format!("The {} was not made: {f}", kind.label().to_lowercase()));
            let _ = tx.send(Msg::AnswerOpened(result));
        });
    }
}
