//! People search, name lookup and the warm-up after a start or a sign-in.

use super::Runner;
use crate::graph::GraphClient;
use crate::tui::app::Msg;
use tokio::sync::mpsc::UnboundedSender;

impl Runner {
    pub(super) fn resolve_names(&self, names: Vec<String>) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let mut found = Vec::new();
            for name in names {
                let people = match client.people(&name).await {
                    Ok(p) => Ok(p),
                    Err(f) => Err(people_failure(&tx, &f)),
                };
                found.push((name, people));
            }
            let _ = tx.send(Msg::NamesResolved(found));
        });
    }

    pub(super) fn search_people(&self, query: String) {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        tokio::spawn(async move {
            let found = match client.people(&query).await {
                Ok(found) => found,
                Err(f) => {
                    people_failure(&tx, &f);
                    Vec::new()
                }
            };
            let _ = tx.send(Msg::People { query, found });
        });
    }

    pub(super) fn warm_up(&self) {
        let client = self.client.clone();
        let target_user = client.mailbox.user.clone();
        tokio::spawn(warm_up(client, self.tx.clone(), self.features, target_user));
    }
}

/// Why a people search failed, for the field's error; a refusal (403) also
/// turns people search off, with one line naming the permission.
fn people_failure(tx: &UnboundedSender<Msg>, f: &crate::graph::Error) -> String {
    use crate::auth::Feature;
    if f.status == Some(403) {
        let why = format!("Graph refused the people search (403 {})", f.code);
        let _ = tx.send(Msg::Refused {
            feature: Feature::PeopleSearch,
            why: why.clone(),
        });
        return format!("{why}: it needs People.Read");
    }
    if f.is_offline() {
        return format!("could not reach Graph to look this name up ({})", f.message);
    }
    format!(
        "the people search failed ({} {})",
        f.status.map(|s| s.to_string()).unwrap_or_default(),
        f.code
    )
}

/// Opens the (TLS) connection and refreshes the token now, so the first
/// save is one request on a warm connection; then learns what the form can
/// offer: the categories, the mailbox's size limit, where Deleted Items is.
/// A feature the token was not granted is said to be off, not tried.
async fn warm_up(
    client: GraphClient,
    tx: UnboundedSender<Msg>,
    features: crate::auth::Features,
    target_user: Option<String>,
) {
    use crate::auth::Feature;
    let me = client.me().await.ok();
    let granted = client.granted().await;
    let refused = |feature: Feature, why: String| {
        let _ = tx.send(Msg::Refused { feature, why });
    };
    // A draft the user deleted is told apart by this folder's id.
    let _ = client.folder_id("deleteditems").await;
    let address = target_user.or_else(|| me.as_ref().map(|m| m.account()));
    if let (true, Some(address)) = (features.mail_tips, address) {
        if !Feature::MailTips.granted(granted.as_deref()) {
            refused(
                Feature::MailTips,
                "this sign-in was not granted it, so graft assumes Exchange Online's default of 35 MB".into(),
            );
        } else {
            match client.max_message_size(&address).await {
                Ok(bytes) => {
                    let _ = tx.send(Msg::MailboxLimit(bytes));
                }
                Err(f) if f.status == Some(403) => refused(
                    Feature::MailTips,
                    format!(
                        "Graph refused the MailTips (403 {}), so graft assumes Exchange Online's default of 35 MB",
                        f.code
                    ),
                ),
                Err(_) => {}
            }
        }
    }
    // Last, so that when the list is in, the warm-up is over.
    if features.categories {
        if !Feature::Categories.granted(granted.as_deref()) {
            refused(
                Feature::Categories,
                "this sign-in was not granted it".into(),
            );
        } else {
            match client.master_categories().await {
                Ok(list) => {
                    let _ = tx.send(Msg::Categories(list));
                }
                Err(f) if f.status == Some(403) => {
                    refused(
                        Feature::Categories,
                        format!("Graph refused it (403 {})", f.code),
                    );
                }
                Err(_) => {}
            }
        }
    }
}
