//! Who is who: `/me`, people search, the master categories.

use super::client::GraphClient;
use super::model::Error;
use super::transport::{Call, Failed};
use crate::util::sanitize;
use reqwest::Method;

/// The signed-in user, as `GET /me` describes them.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    #[serde(default)]
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) user_principal_name: Option<String>,
    #[serde(default)]
    pub(crate) mail: Option<String>,
}

impl Me {
    pub(crate) fn account(&self) -> String {
        crate::util::sanitize::line(
            self.user_principal_name
                .as_deref()
                .or(self.mail.as_deref())
                .unwrap_or(&self.id),
        )
    }
}

impl GraphClient {
    /// Graph's people search: relevant people for `query`, as addresses.
    pub async fn people(&self, query: &str) -> Result<Vec<crate::core::address::Address>, Error> {
        #[derive(serde::Deserialize)]
        struct Scored {
            address: String,
        }
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Person {
            #[serde(default)]
            display_name: Option<String>,
            #[serde(default)]
            scored_email_addresses: Vec<Scored>,
        }
        #[derive(serde::Deserialize)]
        struct List {
            value: Vec<Person>,
        }
        let mut url = self.url(&["people"]);
        url.query_pairs_mut()
            .append_pair("$search", &format!("\"{}\"", query.replace('"', "")))
            .append_pair("$top", "10");
        // Without this header the search finds only people from the user's
        // own mailbox, not colleagues never mailed (concepts/people-example.md).
        let call =
            Call::new(Method::GET, url).header("X-PeopleQuery-QuerySources", "Mailbox,Directory");
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        let list: List = super::model::decode(status, &request_id, &bytes, "not a people list")?;
        Ok(list
            .value
            .into_iter()
            .filter_map(|p| {
                let addr = p.scored_email_addresses.into_iter().next()?.address;
                Some(crate::core::address::Address {
                    name: p
                        .display_name
                        .map(|n| sanitize::line(&n))
                        .filter(|n| !n.is_empty()),
                    address: sanitize::line(&addr),
                })
            })
            .collect())
    }

    /// The mailbox's master category names (`GET …/outlook/masterCategories`).
    pub async fn master_categories(&self) -> Result<Vec<String>, Error> {
        #[derive(serde::Deserialize)]
        struct Cat {
            #[serde(rename = "displayName")]
            display_name: String,
        }
        #[derive(serde::Deserialize)]
        struct List {
            value: Vec<Cat>,
        }
        let url = self.url(&["outlook", "masterCategories"]);
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let list: List = super::model::decode(status, &request_id, &bytes, "not a category list")?;
        Ok(list
            .value
            .into_iter()
            .map(|c| sanitize::line(&c.display_name))
            .collect())
    }

    /// `GET /me`: who the token belongs to (also opens the connection ahead of a save).
    pub async fn me(&self) -> Result<Me, Error> {
        let mut url = self.transport.root.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty().push("me");
        }
        url.query_pairs_mut()
            .append_pair("$select", "id,userPrincipalName,mail");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        super::model::decode(status, &request_id, &bytes, "the answer is not a user")
    }
}
