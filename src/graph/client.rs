//! One `reqwest::Client` (keep-alive, rustls) for every Graph call.

use super::model::{ErrorEnvelope, FailureKind, GraphFailure, MessageResponse, SavedMessage};
use crate::auth::store::TokenStore;
use crate::auth::{AuthConfig, AuthErrorKind, TokenSet};
use crate::sanitize;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use url::Url;

/// A bearer token. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(s: impl Into<String>) -> Option<Self> {
        let s = s.into().trim().to_string();
        (!s.is_empty()).then_some(AccessToken(s))
    }
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(…)")
    }
}

/// Whose mailbox and which folder new drafts go to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mailbox {
    /// `None` is `/me`; otherwise `/users/{id or UPN}`.
    pub user: Option<String>,
    /// `None` is the default (Drafts) via `/messages`; otherwise `/mailFolders/{folder}/messages`.
    pub folder: Option<String>,
}

impl Mailbox {
    /// The folder as the user should read it.
    pub fn folder_label(&self) -> String {
        self.folder.clone().unwrap_or_else(|| "Drafts".to_string())
    }
    /// `me` or `users/alice@contoso.com`.
    pub fn owner_label(&self) -> String {
        match &self.user {
            Some(u) => format!("users/{u}"),
            None => "me".to_string(),
        }
    }
}

/// The single-value extended property that carries a draft's client key, so a
/// create whose answer was lost can be found again instead of repeated.
pub const DRAFT_KEY_PROPERTY: &str =
    "String {b5d9f5a2-3c4e-4f1b-9a7d-6e2c8f0a1b37} Name GraftDraftKey";

#[derive(Clone, Debug)]
pub struct GraphClient {
    http: reqwest::Client,
    root: Url,
    /// Shared by clones so a refreshed token serves every later request.
    token: Arc<RwLock<Option<AccessToken>>>,
    /// Run again (once) when Graph refuses the token mid-session.
    token_cmd: Option<String>,
    /// Signed-in tokens (cache, refresh), when no fixed token was given.
    signin: Option<Arc<SignIn>>,
    pub mailbox: Mailbox,
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl GraphClient {
    pub fn new(
        root: Url,
        token: Option<AccessToken>,
        mailbox: Mailbox,
        timeout: Duration,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("graft/", env!("CARGO_PKG_VERSION")))
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| format!("cannot set up HTTPS: {e}"))?;
        Ok(GraphClient {
            http,
            root,
            token: Arc::new(RwLock::new(token)),
            token_cmd: None,
            signin: None,
            mailbox,
        })
    }

    /// Re-runs `cmd` for a fresh token when Graph answers 401 (once per request).
    pub fn with_token_cmd(mut self, cmd: Option<String>) -> Self {
        self.token_cmd = cmd;
        self
    }

    /// Uses signed-in tokens from `store` (refreshing them) instead of a fixed token.
    pub fn with_sign_in(mut self, cfg: AuthConfig, store: TokenStore) -> Self {
        let tokens = store.load();
        self.signin = Some(Arc::new(SignIn {
            cfg,
            store,
            tokens: tokio::sync::Mutex::new(tokens),
        }));
        self
    }

    pub fn sign_in(&self) -> Option<&SignIn> {
        self.signin.as_deref()
    }

    /// The shared HTTP client (one connection pool for Graph and sign-in).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Stores freshly signed-in tokens (memory and cache file).
    pub async fn set_tokens(&self, tokens: TokenSet) -> std::io::Result<()> {
        let Some(s) = &self.signin else {
            return Ok(());
        };
        let saved = s.store.save(&tokens);
        *s.tokens.lock().await = Some(tokens);
        saved
    }

    /// Records the signed-in account with the current tokens (which a refresh
    /// may have replaced since sign-in).
    pub async fn set_account(&self, account: &str) -> std::io::Result<()> {
        let Some(s) = &self.signin else {
            return Ok(());
        };
        let mut slot = s.tokens.lock().await;
        match slot.as_mut() {
            Some(t) => {
                t.account = Some(account.to_string());
                s.store.save(t)
            }
            None => Ok(()),
        }
    }

    /// The token to send now. Signed-in tokens are refreshed shortly before they expire.
    async fn bearer(&self) -> Result<AccessToken, GraphFailure> {
        let Some(s) = &self.signin else {
            return self.token.read().ok().and_then(|t| t.clone()).ok_or_else(|| {
                GraphFailure::local(
                    FailureKind::NoToken,
                    "NoAccessToken",
                    "No access token: set GRAFT_ACCESS_TOKEN or pass --token-cmd (or try --demo).",
                )
            });
        };
        let mut slot = s.tokens.lock().await;
        let Some(current) = slot.clone() else {
            return Err(sign_in_needed("Not signed in."));
        };
        if current.needs_refresh() {
            match crate::auth::refresh(&self.http, &s.cfg, &current).await {
                Ok(fresh) => {
                    let _ = s.store.save(&fresh);
                    *slot = Some(fresh);
                }
                Err(e) if e.kind == AuthErrorKind::InvalidGrant => {
                    *slot = None;
                    let _ = s.store.delete();
                    return Err(sign_in_needed(&e.explain()));
                }
                // Offline: the old token may still be good for a few minutes.
                Err(e) if crate::auth::now_secs() >= current.expires_at => {
                    return Err(GraphFailure::local(
                        FailureKind::Network,
                        "SignInUnreachable",
                        e.explain(),
                    ));
                }
                Err(_) => {}
            }
        }
        slot.as_ref()
            .and_then(|t| AccessToken::new(t.access_token.clone()))
            .ok_or_else(|| sign_in_needed("Not signed in."))
    }

    /// After a 401: get a different token if possible (re-run the command, or refresh).
    async fn renew_after_401(&self, refused: &AccessToken) -> bool {
        if let Some(s) = &self.signin {
            let mut slot = s.tokens.lock().await;
            let Some(current) = slot.clone() else {
                return false;
            };
            if current.access_token != refused.secret() {
                return true; // another request refreshed it meanwhile
            }
            return match crate::auth::refresh(&self.http, &s.cfg, &current).await {
                Ok(fresh) => {
                    let _ = s.store.save(&fresh);
                    *slot = Some(fresh);
                    true
                }
                Err(e) => {
                    if e.kind == AuthErrorKind::InvalidGrant {
                        *slot = None;
                        let _ = s.store.delete();
                    }
                    false
                }
            };
        }
        self.refresh_token().await
    }

    async fn refresh_token(&self) -> bool {
        let Some(cmd) = self.token_cmd.clone() else {
            return false;
        };
        let fresh = tokio::task::spawn_blocking(move || crate::config::run_token_cmd(&cmd, false))
            .await
            .ok()
            .and_then(Result::ok);
        match (fresh, self.token.write()) {
            (Some(t), Ok(mut slot)) => {
                *slot = Some(t);
                true
            }
            _ => false,
        }
    }

    pub fn root(&self) -> &Url {
        &self.root
    }

    pub(super) fn url(&self, tail: &[&str]) -> Url {
        let mut url = self.root.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty();
            match &self.mailbox.user {
                Some(u) => segs.extend(["users", u.as_str()]),
                None => segs.push("me"),
            };
            // `extend` percent-encodes each segment, so ids with `/`, `+`, `=` survive.
            segs.extend(tail);
        }
        url
    }

    /// The URL a first save posts to.
    pub fn create_url(&self) -> Url {
        match &self.mailbox.folder {
            Some(f) => self.url(&["mailFolders", f, "messages"]),
            None => self.url(&["messages"]),
        }
    }

    pub fn message_url(&self, id: &str) -> Url {
        self.url(&["messages", id])
    }

    /// `POST …/messages`: creates a draft.
    pub async fn create_draft(&self, body: &Value) -> Result<SavedMessage, GraphFailure> {
        self.send_message(Method::POST, self.create_url(), Some(body))
            .await
    }

    /// `PATCH …/messages/{id}`: updates the draft with the fields in `body`.
    pub async fn update_draft(&self, id: &str, body: &Value) -> Result<SavedMessage, GraphFailure> {
        self.send_message(Method::PATCH, self.message_url(id), Some(body))
            .await
    }

    /// `…/messages?$filter=` for the draft with this client key.
    pub fn find_by_key_url(&self, key: &str) -> Url {
        let mut url = self.url(&["messages"]);
        let filter = format!(
            "singleValueExtendedProperties/Any(ep: ep/id eq '{}' and ep/value eq '{}')",
            DRAFT_KEY_PROPERTY,
            key.replace('\'', "''")
        );
        url.query_pairs_mut()
            .append_pair("$filter", &filter)
            .append_pair(
                "$select",
                "id,webLink,changeKey,createdDateTime,lastModifiedDateTime,parentFolderId",
            );
        url
    }

    /// A URL below the Graph root as `$batch` wants it: `/me/messages?…`.
    pub fn relative(&self, url: &Url) -> String {
        let full = url.as_str();
        let root = self.root.as_str().trim_end_matches('/');
        full.strip_prefix(root).unwrap_or(full).to_string()
    }

    /// `POST /$batch`: the answers in the order of `requests` (matched by id),
    /// each the inner body on 2xx or the inner failure.
    pub async fn batch(
        &self,
        requests: &[Value],
    ) -> Result<Vec<Result<Value, GraphFailure>>, GraphFailure> {
        #[derive(serde::Deserialize)]
        struct Answer {
            id: String,
            status: u16,
            #[serde(default)]
            headers: serde_json::Map<String, Value>,
            #[serde(default)]
            body: Value,
        }
        #[derive(serde::Deserialize)]
        struct Answers {
            responses: Vec<Answer>,
        }
        let mut url = self.root.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty().push("$batch");
        }
        let body = serde_json::json!({ "requests": requests });
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(&body)).await?;
        let answers: Answers = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id.clone(),
                &format!("not a batch answer: {e}"),
            )
        })?;
        let mut by_id: std::collections::HashMap<String, Answer> = answers
            .responses
            .into_iter()
            .map(|a| (a.id.to_ascii_lowercase(), a))
            .collect();
        Ok(requests
            .iter()
            .map(|r| {
                let id = r
                    .get("id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let Some(a) = by_id.remove(&id) else {
                    return Err(bad_response(
                        status,
                        request_id.clone(),
                        "the batch answer lacks a request",
                    ));
                };
                let header = |name: &str| {
                    a.headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .and_then(|(_, v)| v.as_str())
                        .map(str::to_string)
                };
                if (200..300).contains(&a.status) {
                    return Ok(a.body);
                }
                let code = StatusCode::from_u16(a.status).unwrap_or(StatusCode::BAD_GATEWAY);
                let retry_after = header("retry-after").and_then(|v| parse_retry_after(&v));
                Err(http_failure(
                    code,
                    a.body.to_string().as_bytes(),
                    request_id.clone(),
                    retry_after,
                ))
            })
            .collect())
    }

    /// Finds the draft created with this client key, if the server has it.
    pub async fn find_by_key(&self, key: &str) -> Result<Option<SavedMessage>, GraphFailure> {
        let url = self.find_by_key_url(key);
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let list: super::model::MessageList = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id.clone(),
                &format!("the answer is not a list: {e}"),
            )
        })?;
        Ok(list
            .value
            .into_iter()
            .next()
            .map(|m| saved_from(status, m, request_id)))
    }

    /// `GET …/messages/{id}` with the fields the form edits, as JSON.
    pub async fn message_json(&self, id: &str) -> Result<Value, GraphFailure> {
        let mut url = self.message_url(id);
        url.query_pairs_mut().append_pair(
            "$select",
            "id,subject,body,toRecipients,ccRecipients,bccRecipients,replyTo,importance,isReadReceiptRequested,isDeliveryReceiptRequested,categories,flag,webLink,isDraft,parentFolderId,lastModifiedDateTime",
        );
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a message: {e}")))
    }

    /// `GET …/messages/{id}`.
    pub async fn get_message(&self, id: &str) -> Result<SavedMessage, GraphFailure> {
        self.send_message(Method::GET, self.message_url(id), None)
            .await
    }

    async fn send_message(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<SavedMessage, GraphFailure> {
        let (status, request_id, bytes) = self.send(method, url, body).await?;
        let msg: MessageResponse = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id.clone(),
                &format!("the answer is not a message: {e}"),
            )
        })?;
        Ok(saved_from(status, msg, request_id))
    }

    /// Sends one request; on a refused token, refreshes it once and sends again.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Option<String>, bytes::Bytes), GraphFailure> {
        let mut refreshed = false;
        loop {
            let token = self.bearer().await?;
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.secret())
                .header("client-request-id", uuid::Uuid::new_v4().to_string())
                .header("Prefer", "IdType=\"ImmutableId\"");
            if let Some(b) = body {
                req = req.json(b);
            }
            let started = std::time::Instant::now();
            let resp = req.send().await.map_err(|e| {
                let f = transport_failure(e);
                tracing::warn!(method = %method, path = url.path(), code = %f.code, error = %f.message, "graph request failed");
                f
            })?;
            let status = resp.status();
            let request_id = header(&resp, "request-id");
            tracing::info!(
                method = %method,
                path = url.path(),
                status = status.as_u16(),
                request_id = request_id.as_deref().unwrap_or("-"),
                ms = started.elapsed().as_millis() as u64,
                "graph request"
            );
            let retry_after = header(&resp, "retry-after").and_then(|v| parse_retry_after(&v));
            let bytes = resp.bytes().await.map_err(transport_failure)?;
            if status.is_success() {
                return Ok((status, request_id, bytes));
            }
            let failure = http_failure(status, &bytes, request_id, retry_after);
            if status == StatusCode::UNAUTHORIZED
                && !refreshed
                && self.renew_after_401(&token).await
            {
                refreshed = true;
                continue;
            }
            if status == StatusCode::UNAUTHORIZED
                && self.signin.is_some()
                && self.sign_in_tokens_gone().await
            {
                return Err(sign_in_needed("The sign-in is no longer valid."));
            }
            return Err(failure);
        }
    }

    async fn sign_in_tokens_gone(&self) -> bool {
        match &self.signin {
            Some(s) => s.tokens.lock().await.is_none(),
            None => false,
        }
    }

    /// Graph's people search: relevant people for `query`, as addresses.
    pub async fn people(
        &self,
        query: &str,
    ) -> Result<Vec<crate::draft::address::Address>, GraphFailure> {
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
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let list: List = serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a people list: {e}")))?;
        Ok(list
            .value
            .into_iter()
            .filter_map(|p| {
                let addr = p.scored_email_addresses.into_iter().next()?.address;
                Some(crate::draft::address::Address {
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
    pub async fn master_categories(&self) -> Result<Vec<String>, GraphFailure> {
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
        let list: List = serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a category list: {e}")))?;
        Ok(list
            .value
            .into_iter()
            .map(|c| sanitize::line(&c.display_name))
            .collect())
    }

    /// `GET /me`: who the token belongs to (also opens the connection ahead of a save).
    pub async fn me(&self) -> Result<Me, GraphFailure> {
        let mut url = self.root.clone();
        if let Ok(mut segs) = url.path_segments_mut() {
            segs.pop_if_empty().push("me");
        }
        url.query_pairs_mut()
            .append_pair("$select", "id,displayName,userPrincipalName,mail");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id,
                &format!("the answer is not a user: {e}"),
            )
        })
    }
}

/// The signed-in user, as `GET /me` describes them.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
}

impl Me {
    pub fn account(&self) -> String {
        crate::sanitize::line(
            self.user_principal_name
                .as_deref()
                .or(self.mail.as_deref())
                .unwrap_or(&self.id),
        )
    }
}

/// Sign-in settings and the cached tokens, shared by every clone of the client.
#[derive(Debug)]
pub struct SignIn {
    pub cfg: AuthConfig,
    pub store: TokenStore,
    tokens: tokio::sync::Mutex<Option<TokenSet>>,
}

impl SignIn {
    pub async fn current(&self) -> Option<TokenSet> {
        self.tokens.lock().await.clone()
    }
}

fn sign_in_needed(why: &str) -> GraphFailure {
    GraphFailure::local(
        FailureKind::SignInNeeded,
        "SignInRequired",
        format!("{why} Sign in again; your draft waits."),
    )
}

pub(super) fn bad_response(
    status: StatusCode,
    request_id: Option<String>,
    msg: &str,
) -> GraphFailure {
    GraphFailure {
        kind: FailureKind::BadResponse,
        status: Some(status.as_u16()),
        status_text: reason(status),
        code: "BadResponse".into(),
        message: sanitize::line(msg),
        request_id,
        retry_after: None,
    }
}

/// A message in a `$batch` answer, as a saved draft.
pub fn saved_from_value(status: u16, v: &Value) -> Option<SavedMessage> {
    let msg: MessageResponse = serde_json::from_value(v.clone()).ok()?;
    let status = StatusCode::from_u16(status).ok()?;
    Some(saved_from(status, msg, None))
}

fn saved_from(
    status: StatusCode,
    msg: MessageResponse,
    request_id: Option<String>,
) -> SavedMessage {
    SavedMessage {
        status: status.as_u16(),
        status_text: reason(status),
        id: sanitize::line(&msg.id),
        web_link: sanitize::line(&msg.web_link),
        change_key: sanitize::line(&msg.change_key),
        created: sanitize::line(&msg.created_date_time),
        last_modified: sanitize::line(&msg.last_modified_date_time),
        parent_folder_id: sanitize::line(&msg.parent_folder_id),
        request_id,
    }
}

fn reason(status: StatusCode) -> String {
    status.canonical_reason().unwrap_or("").to_string()
}

pub(super) fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(sanitize::line)
}

/// `Retry-After` is either delta-seconds or an HTTP date.
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

pub(super) fn http_failure(
    status: StatusCode,
    bytes: &[u8],
    request_id: Option<String>,
    retry_after: Option<Duration>,
) -> GraphFailure {
    let (code, message, inner_id) = match serde_json::from_slice::<ErrorEnvelope>(bytes) {
        Ok(env) => (
            env.error.code,
            env.error.message,
            env.error.inner.and_then(|i| i.request_id),
        ),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes);
            let text: String = text.chars().take(300).collect();
            (String::new(), text, None)
        }
    };
    GraphFailure {
        kind: FailureKind::Http,
        status: Some(status.as_u16()),
        status_text: reason(status),
        code: sanitize::line(&code),
        message: sanitize::line(&message),
        request_id: request_id.or(inner_id.map(|s| sanitize::line(&s))),
        retry_after,
    }
}

pub(super) fn transport_failure(e: reqwest::Error) -> GraphFailure {
    let kind = if e.is_timeout() {
        FailureKind::Timeout
    } else {
        FailureKind::Network
    };
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    let code = match kind {
        FailureKind::Timeout => "Timeout",
        _ => "NetworkError",
    };
    GraphFailure::local(kind, code, sanitize::line(&msg))
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
            DEFAULT_TIMEOUT,
        )
        .unwrap()
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
            "https://graph.microsoft.com/v1.0/me/messages/AAMk%2Fa+b="
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("12"), Some(Duration::from_secs(12)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn token_debug_is_redacted() {
        let t = AccessToken::new("  secret-value \n").unwrap();
        assert_eq!(t.secret(), "secret-value");
        assert!(!format!("{t:?}").contains("secret"));
        assert!(AccessToken::new("  ").is_none());
    }
}
