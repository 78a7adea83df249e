//! The Graph client: one connection pool (keep-alive, rustls) and one
//! transport for every call, the mailbox it saves into, and the URLs of
//! that mailbox. The endpoints are beside it, by what they serve:
//! `drafts`, `mail`, `directory`, `batch`, `upload`.

use super::model::{Error, MessageResponse, SavedMessage, saved_from};
use super::transport::{Answer, Call, Failed, Transport};
use crate::auth::tokens::{SignIn, Tokens};
use crate::auth::{Credentials, TokenSet};
use crate::core::mailbox::Mailbox;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

pub(crate) use crate::core::content::DRAFT_KEY_PROPERTY;
pub(crate) use crate::util::is_loopback;

#[derive(Clone, Debug)]
pub struct GraphClient {
    pub(super) transport: Transport,
    /// Well-known folder name → folder id (folder ids never change:
    /// concepts/outlook-immutable-id.md, "their regular IDs were already constant").
    pub(super) folders: Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>,
    pub(crate) mailbox: Mailbox,
}

impl GraphClient {
    /// A client for the Graph root `root`, with its tokens from
    /// `credentials`, saving into `mailbox`.
    pub fn new(
        root: Url,
        credentials: impl Into<Credentials>,
        mailbox: Mailbox,
        timeout: Duration,
    ) -> Self {
        let http = super::transport::Pool::new(root.scheme() == "https", timeout);
        let tokens = Tokens::new(credentials, &root);
        GraphClient {
            transport: Transport {
                http,
                root,
                tokens,
                timeout,
                observer: None,
            },
            folders: Default::default(),
            mailbox,
        }
    }

    /// The same client (pool, tokens, folders), telling `observer` of each
    /// request as it goes and as it fails.
    pub fn observed(&self, observer: super::transport::Observer) -> GraphClient {
        let mut c = self.clone();
        c.transport.observer = Some(observer);
        c
    }

    /// The same client with new drafts going to `folder` (the form's folder
    /// picker); the pool, the tokens and the folders found are shared.
    pub(crate) fn in_folder(&self, folder: Option<String>) -> GraphClient {
        let mut c = self.clone();
        c.mailbox.folder = folder;
        c
    }

    pub fn sign_in(&self) -> Option<&SignIn> {
        self.transport.tokens.sign_in()
    }

    /// The scopes the current token carries, when known (signed-in tokens
    /// say; a token from `GRAFT_ACCESS_TOKEN` or `--token-cmd` does not).
    pub(crate) async fn granted(&self) -> Option<Vec<String>> {
        self.transport.tokens.granted().await
    }

    /// The shared HTTP client (one connection pool for Graph and sign-in),
    /// made at its first use.
    pub fn http(&self) -> Result<&reqwest::Client, Error> {
        self.transport.http.client()
    }

    /// Stores freshly signed-in tokens (memory and cache file), bound to
    /// this client's Graph root and the authority that issued them.
    pub(crate) async fn set_tokens(&self, tokens: TokenSet) -> std::io::Result<()> {
        self.transport
            .tokens
            .set_tokens(tokens, &self.transport.root)
            .await
    }

    /// Records the signed-in account with the current tokens (which a refresh
    /// may have replaced since sign-in).
    pub(crate) async fn set_account(&self, account: &str) -> std::io::Result<()> {
        self.transport.tokens.set_account(account).await
    }

    pub fn root(&self) -> &Url {
        &self.transport.root
    }

    pub(super) fn url(&self, tail: &[&str]) -> Url {
        self.url_in(self.mailbox.user.as_deref(), tail)
    }

    /// `{root}/me/…` or `{root}/users/{user}/…`, each segment percent-encoded
    /// as data: an id is never path syntax (`..` stays an id), and a UPN is
    /// written the way Graph reads it (see [`mailbox_path`]).
    pub(crate) fn url_in(&self, user: Option<&str>, tail: &[&str]) -> Url {
        let mut path = self.transport.root.path().trim_end_matches('/').to_string();
        path.push('/');
        path.push_str(&mailbox_path(user));
        for seg in tail {
            path.push('/');
            path.push_str(&encode_segment(seg));
        }
        let mut url = self.transport.root.clone();
        url.set_path(&path);
        url
    }

    /// The URL a first save posts to: the folder's id once a name was
    /// looked up (`resolve_folder`), else the folder as given.
    pub fn create_url(&self) -> Url {
        match &self.mailbox.folder {
            Some(f) => {
                let resolved = self
                    .folders
                    .lock()
                    .ok()
                    .and_then(|m| m.get(&format!("path:{f}")).cloned());
                self.url(&["mailFolders", resolved.as_deref().unwrap_or(f), "messages"])
            }
            None => self.url(&["messages"]),
        }
    }

    pub fn message_url(&self, id: &str) -> Url {
        self.url(&["messages", id])
    }

    /// `…/messages?$filter=` for the draft with this client key.
    pub(crate) fn find_by_key_url(&self, key: &str) -> Url {
        self.find_by_key_url_in(self.mailbox.user.as_deref(), key)
    }

    /// The same in another mailbox (`None`: `/me`).
    pub(crate) fn find_by_key_url_in(&self, user: Option<&str>, key: &str) -> Url {
        let mut url = self.url_in(user, &["messages"]);
        let filter = format!(
            "singleValueExtendedProperties/Any(ep: ep/id eq '{}' and ep/value eq '{}')",
            DRAFT_KEY_PROPERTY,
            key.replace('\'', "''")
        );
        url.query_pairs_mut()
            .append_pair("$filter", &filter)
            .append_pair(
                "$select",
                "id,webLink,changeKey,createdDateTime,lastModifiedDateTime,parentFolderId,isDraft",
            );
        url
    }

    /// A URL below the Graph root as `$batch` wants it: `/me/messages?…`.
    pub fn relative(&self, url: &Url) -> String {
        let full = url.as_str();
        let root = self.transport.root.as_str().trim_end_matches('/');
        full.strip_prefix(root).unwrap_or(full).to_string()
    }

    pub(super) async fn send_message(&self, call: Call<'_>) -> Result<SavedMessage, Error> {
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        let msg: MessageResponse =
            super::model::decode(status, &request_id, &bytes, "the answer is not a message")?;
        saved_from(status, msg, request_id)
    }

    /// Sends one request; on a refused token, refreshes it once and sends again.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Option<String>, bytes::Bytes), Error> {
        self.transport.send(method, url, body).await
    }

    /// Sends one request as [`Transport::send_call`] does.
    pub(super) async fn send_call(&self, call: Call<'_>) -> Result<Answer, Failed> {
        self.transport.send_call(call).await
    }
}

/// Bytes kept as they are in a path segment; everything else (`/`, `+`,
/// `#`, `'`, `$`, spaces, non-ASCII) is percent-encoded.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'~')
    .remove(b'.')
    .remove(b'@');

/// Inside `users('…')`: the quotes and a leading `$` stay as they are.
const QUOTED: &percent_encoding::AsciiSet = &SEGMENT.remove(b'\'').remove(b'$');

/// One path segment, percent-encoded as data. A segment of dots alone
/// (`.`, `..`) would be path syntax even encoded (URLs treat `%2E%2E` as
/// `..`): its dots go as literal `%2E` text, which no server takes for a path.
pub fn encode_segment(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c == '.') {
        return "%252E".repeat(s.len());
    }
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

/// `me`, `users/{upn}`, or `users('{upn}')` for a UPN beginning with `$` or
/// holding a `'`: "the GET request URL syntax /users/$x@y.com fails with a
/// 400 Bad Request … enclose the userPrincipalName in parentheses and single
/// quotes" (user-get.md), with `'` doubled inside the quotes as OData
/// literals are. `#` becomes `%23` ("encode the hash (#) character", same
/// page), as do `+` and non-ASCII characters.
pub(crate) fn mailbox_path(user: Option<&str>) -> String {
    match user {
        None => "me".to_string(),
        Some(u) if u.starts_with('$') || u.contains('\'') => {
            let quoted = u.replace('\'', "''");
            let enc = percent_encoding::utf8_percent_encode(&quoted, QUOTED);
            format!("users('{enc}')")
        }
        Some(u) => format!("users/{}", encode_segment(u)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(user: Option<&str>, folder: Option<&str>) -> GraphClient {
        GraphClient::new(
            Url::parse("https://graph.microsoft.com/v1.0").unwrap(),
            None,
            Mailbox {
                user: user.map(Into::into),
                folder: folder.map(Into::into),
            },
            Duration::from_secs(30),
        )
    }

    #[test]
    fn urls_for_me_users_and_folders() {
        assert_eq!(
            client(None, None).create_url().as_str(),
            "https://graph.microsoft.com/v1.0/me/messages"
        );
        assert_eq!(
            client(Some("al@contoso.com"), Some("drafts"))
                .create_url()
                .as_str(),
            "https://graph.microsoft.com/v1.0/users/al@contoso.com/mailFolders/drafts/messages"
        );
        assert_eq!(
            client(None, Some("AQMk/x+y="))
                .message_url("AAMk/a+b=")
                .as_str(),
            "https://graph.microsoft.com/v1.0/me/messages/AAMk%2Fa%2Bb%3D"
        );
    }
}
