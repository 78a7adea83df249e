//! One `reqwest::Client` (keep-alive, rustls) for every Graph call.

use super::model::{Error, ErrorEnvelope, FailureKind, MessageResponse, SavedMessage};
use crate::auth::store::TokenStore;
use crate::auth::{AuthConfig, AuthErrorKind, Credentials, TokenSet};
use crate::util::sanitize;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use url::Url;

use crate::auth::AccessToken;

pub use crate::core::content::DRAFT_KEY_PROPERTY;
use crate::core::mailbox::Mailbox;

/// One logical request's identity across its tries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attempt {
    /// Sent as `client-request-id`, the same on every try of one request
    /// (the Graph SDKs' retry handler clones the request headers, so its
    /// retries keep it: msgraph-sdk-dotnet-core GraphTelemetryHandler).
    pub client_request_id: Option<String>,
    /// Which try this is (0 = the first); from the second on it is sent as
    /// `Retry-Attempt`, as kiota's RetryHandler does.
    pub retry: u32,
}

/// Where a draft made with a client key is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Whereabouts {
    /// Still a draft (perhaps moved to another folder, with a new id).
    Draft(SavedMessage),
    /// Sent: the copy in Sent Items.
    Sent(SavedMessage),
    /// Deleted by the user: it lies in Deleted Items.
    Deleted(SavedMessage),
    /// Nowhere in the mailbox.
    Gone,
}

/// The most graft reads of one answer. Graph's answers about drafts are
/// small (a loaded draft with its attachment list is a few hundred KB); a
/// larger one is a broken or hostile server, not a draft.
pub const MAX_ANSWER_BYTES: usize = 16 * 1024 * 1024;

/// The longest wait a `Retry-After` can ask for: the official SDKs cap it at
/// 180 s (kiota RetryHandlerOption, "MaxDelay").
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(180);

#[derive(Clone, Debug)]
pub struct GraphClient {
    http: reqwest::Client,
    root: Url,
    /// Well-known folder name → folder id (folder ids never change:
    /// concepts/outlook-immutable-id.md, "their regular IDs were already constant").
    folders: Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>,
    /// Shared by clones so a refreshed token serves every later request.
    token: Arc<RwLock<Option<AccessToken>>>,
    /// Run again (once) when Graph refuses the token mid-session.
    token_cmd: Option<String>,
    /// How long the token command may run.
    token_timeout: Duration,
    /// Signed-in tokens (cache, refresh), when no fixed token was given.
    signin: Option<Arc<SignIn>>,
    pub mailbox: Mailbox,
    /// How long a request may take.
    timeout: Duration,
}

pub use crate::util::is_loopback;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

impl GraphClient {
    /// A client for the Graph root `root`, with its tokens from
    /// `credentials`, saving into `mailbox`.
    pub fn new(
        root: Url,
        credentials: impl Into<Credentials>,
        mailbox: Mailbox,
        timeout: Duration,
    ) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("graft/", env!("CARGO_PKG_VERSION")))
            // A redirect would re-send the draft (and the bearer token) to
            // whatever host it names: Graph's answers about messages never
            // redirect, so none is followed (a 3xx is reported as it is).
            .redirect(reqwest::redirect::Policy::none())
            .https_only(root.scheme() == "https")
            .timeout(timeout)
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(300))
            .build()
            .map_err(|e| format!("cannot set up HTTPS: {e}"))?;
        let mut client = GraphClient {
            http,
            root,
            folders: Default::default(),
            token: Arc::new(RwLock::new(None)),
            token_cmd: None,
            token_timeout: crate::auth::command::TOKEN_CMD_TIMEOUT,
            signin: None,
            mailbox,
            timeout,
        };
        match credentials.into() {
            Credentials::Fixed(token) => client.token = Arc::new(RwLock::new(token)),
            Credentials::Command {
                token,
                cmd,
                timeout,
            } => {
                client.token = Arc::new(RwLock::new(token));
                // Run again (once a request) when Graph answers 401.
                client.token_cmd = Some(cmd);
                client.token_timeout = timeout;
            }
            Credentials::SignIn { cfg, store } => {
                // Signed-in tokens from `store`, refreshed there; never
                // tokens issued for another Graph root, authority, tenant or app.
                let mut set_aside = None;
                let tokens = store.load().filter(|t| {
                    set_aside = t.not_for(&cfg, &client.root);
                    set_aside.is_none()
                });
                client.signin = Some(Arc::new(SignIn {
                    cfg,
                    store,
                    tokens: tokio::sync::Mutex::new(tokens),
                    set_aside,
                }));
            }
        }
        Ok(client)
    }

    pub fn sign_in(&self) -> Option<&SignIn> {
        self.signin.as_deref()
    }

    /// The scopes the current token carries, when known (signed-in tokens
    /// say; a token from `GRAFT_ACCESS_TOKEN` or `--token-cmd` does not).
    pub async fn granted(&self) -> Option<Vec<String>> {
        self.signin.as_ref()?.current().await?.scopes
    }

    /// The shared HTTP client (one connection pool for Graph and sign-in).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Stores freshly signed-in tokens (memory and cache file), bound to
    /// this client's Graph root and the authority that issued them.
    pub async fn set_tokens(&self, mut tokens: TokenSet) -> std::io::Result<()> {
        let Some(s) = &self.signin else {
            return Ok(());
        };
        tokens.graph_root = self.root.to_string();
        tokens.authority = s.cfg.authority.to_string();
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
    async fn bearer(&self) -> Result<AccessToken, Error> {
        let Some(s) = &self.signin else {
            return self.token.read().ok().and_then(|t| t.clone()).ok_or_else(|| {
                Error::local(
                    FailureKind::NoToken,
                    "NoAccessToken",
                    "No access token: set GRAFT_ACCESS_TOKEN or pass --token-cmd (or try --demo).",
                )
            });
        };
        let mut slot = s.tokens.lock().await;
        let Some(current) = slot.clone() else {
            return Err(sign_in_needed(&match &s.set_aside {
                Some(why) => format!(
                    "Not signed in for {}: the profile's stored sign-in is {why}, and is not sent here.",
                    self.root
                ),
                None => "Not signed in.".to_string(),
            }));
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
                    return Err(Error::local(
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
        let timeout = self.token_timeout;
        let fresh = tokio::task::spawn_blocking(move || {
            crate::auth::command::run_token_cmd(&cmd, false, timeout)
        })
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
        self.url_in(self.mailbox.user.as_deref(), tail)
    }

    /// `{root}/me/…` or `{root}/users/{user}/…`, each segment percent-encoded
    /// as data: an id is never path syntax (`..` stays an id), and a UPN is
    /// written the way Graph reads it (see [`mailbox_path`]).
    pub fn url_in(&self, user: Option<&str>, tail: &[&str]) -> Url {
        let mut path = self.root.path().trim_end_matches('/').to_string();
        path.push('/');
        path.push_str(&mailbox_path(user));
        for seg in tail {
            path.push('/');
            path.push_str(&encode_segment(seg));
        }
        let mut url = self.root.clone();
        url.set_path(&path);
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
    pub async fn create_draft(&self, body: &Value) -> Result<SavedMessage, Error> {
        self.create_draft_as(body, &Attempt::default()).await
    }

    /// `POST …/messages` as this try of one request.
    pub async fn create_draft_as(
        &self,
        body: &Value,
        attempt: &Attempt,
    ) -> Result<SavedMessage, Error> {
        let call = Call::new(Method::POST, self.create_url())
            .body(body)
            .attempt(attempt);
        self.send_message(call).await
    }

    /// `PATCH …/messages/{id}`: updates the draft with the fields in `body`.
    pub async fn update_draft(&self, id: &str, body: &Value) -> Result<SavedMessage, Error> {
        self.update_draft_as(id, body, &Attempt::default()).await
    }

    /// `PATCH …/messages/{id}` as this try of one request.
    pub async fn update_draft_as(
        &self,
        id: &str,
        body: &Value,
        attempt: &Attempt,
    ) -> Result<SavedMessage, Error> {
        let call = Call::new(Method::PATCH, self.message_url(id))
            .body(body)
            .attempt(attempt);
        self.send_message(call).await
    }

    /// `…/messages?$filter=` for the draft with this client key.
    pub fn find_by_key_url(&self, key: &str) -> Url {
        self.find_by_key_url_in(self.mailbox.user.as_deref(), key)
    }

    /// The same in another mailbox (`None`: `/me`).
    pub fn find_by_key_url_in(&self, user: Option<&str>, key: &str) -> Url {
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
        let root = self.root.as_str().trim_end_matches('/');
        full.strip_prefix(root).unwrap_or(full).to_string()
    }

    /// `POST /$batch`: the answers in the order of `requests` (matched by id),
    /// each the inner body on 2xx or the inner failure.
    pub async fn batch(&self, requests: &[Value]) -> Result<Vec<Result<Value, Error>>, Error> {
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
        // A throttled batch may answer 424 (throttling.md) as well as 200
        // (json-batching.md): whenever the body holds the inner answers,
        // they are what counts, whatever the outer status.
        let (status, request_id, bytes) = match self
            .send_call(Call::new(Method::POST, url).body(&body))
            .await
        {
            Ok(answer) => answer,
            Err(Failed::Http(status, request_id, bytes, failure)) => {
                match serde_json::from_slice::<Answers>(&bytes) {
                    Ok(_) => (status, request_id, bytes),
                    Err(_) => return Err(*failure),
                }
            }
            Err(Failed::Other(f)) => return Err(f),
        };
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

    /// Finds the message created with this client key, if the mailbox has
    /// it (in any folder: a draft moved, sent or deleted keeps its key).
    pub async fn find_by_key(&self, key: &str) -> Result<Option<SavedMessage>, Error> {
        let url = self.find_by_key_url(key);
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let list: super::model::MessageList = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id.clone(),
                &format!("the answer is not a list: {e}"),
            )
        })?;
        list.value
            .into_iter()
            .next()
            .map(|m| saved_from(status, m, request_id))
            .transpose()
    }

    /// Every message of the mailbox that carries a graft key (any folder: a
    /// draft moved, sent or deleted keeps it), with its key, listed once in
    /// pages of 1,000: `$filter=singleValueExtendedProperties/Any(ep: ep/id
    /// eq '…' and ep/value ne null)` with the property expanded, as
    /// extended-properties-overview.md and the Outlook add-ins'
    /// custom-properties page document; `$top` up to 1,000
    /// (user-list-messages.md), following `@odata.nextLink` (only under this
    /// Graph root). `keep` picks the keys worth holding, so memory stays
    /// bounded by what the caller asked for; each page is retried by the one
    /// policy. Returns the kept messages and the requests it took.
    pub async fn keyed_messages(
        &self,
        keep: &mut (dyn FnMut(&str) -> bool + Send),
        limits: super::retry::Limits,
    ) -> Result<(Vec<(String, SavedMessage)>, usize), Error> {
        const MAX_PAGES: usize = 10_000;
        let mut url = self.url(&["messages"]);
        url.query_pairs_mut()
            .append_pair(
                "$filter",
                &format!(
                    "singleValueExtendedProperties/Any(ep: ep/id eq '{DRAFT_KEY_PROPERTY}' and ep/value ne null)"
                ),
            )
            .append_pair(
                "$expand",
                &format!("singleValueExtendedProperties($filter=id eq '{DRAFT_KEY_PROPERTY}')"),
            )
            .append_pair(
                "$select",
                "id,webLink,changeKey,createdDateTime,lastModifiedDateTime,parentFolderId,isDraft",
            )
            .append_pair("$top", "1000");
        let mut found = Vec::new();
        let mut requests = 0;
        let mut tries = super::retry::Tries::new(limits);
        for _ in 0..MAX_PAGES {
            requests += 1;
            let (status, request_id, bytes) = match self.send(Method::GET, url.clone(), None).await
            {
                Ok(a) => a,
                Err(f) => match tries.after(&f, None) {
                    Some(wait) => {
                        tokio::time::sleep(wait).await;
                        continue;
                    }
                    None => return Err(f),
                },
            };
            tries.reset();
            let page: Value = serde_json::from_slice(&bytes).map_err(|e| {
                bad_response(
                    status,
                    request_id.clone(),
                    &format!("the answer is not a list: {e}"),
                )
            })?;
            for m in page
                .get("value")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(key) = key_of(m) else {
                    continue;
                };
                if keep(&key)
                    && let Some(saved) = saved_from_value(200, m)
                {
                    found.push((key, saved));
                }
            }
            match self.next_link(&page, status, request_id)? {
                Some(next) => url = next,
                None => return Ok((found, requests)),
            }
        }
        Err(bad_response(
            StatusCode::OK,
            None,
            "more pages of drafts than graft will read",
        ))
    }

    /// `POST …/messages/{id}/createReply|createReplyAll|createForward`: a
    /// draft answering the message, made by Graph (threaded, `RE:`/`FW:`,
    /// the quote in its body). The draft's client key goes in the `message`
    /// parameter ("any writeable properties", message-createreply.md);
    /// whether Graph keeps it there is not documented (extended properties
    /// are documented for create and update only), so the caller sets it
    /// again with the first update. A forward names its recipients in the
    /// `toRecipients` parameter. With `time_zone` (the mailbox's, from
    /// mailboxSettings), `Prefer: outlook.timezone` makes the quote's
    /// "Sent:" line the user's time. Returns the draft as Graph made it.
    pub async fn create_answer(
        &self,
        answer: &crate::core::answer::Answer,
        key: Option<&str>,
        time_zone: Option<&str>,
        attempt: &Attempt,
    ) -> Result<(SavedMessage, Value), Error> {
        let url = self.url(&["messages", &answer.original_id, answer.kind.action()]);
        let mut body = serde_json::json!({});
        if let Some(key) = key {
            body["message"] = serde_json::json!({
                "singleValueExtendedProperties": [{"id": DRAFT_KEY_PROPERTY, "value": key}],
            });
        }
        if answer.kind == crate::core::answer::AnswerKind::Forward {
            let to = crate::core::content::DraftContent {
                to: answer.forward_to.clone(),
                ..Default::default()
            }
            .patch_body(None);
            body["toRecipients"] = to["toRecipients"].clone();
        }
        let mut call = Call::new(Method::POST, url).body(&body).attempt(attempt);
        let zone;
        if let Some(tz) = time_zone.filter(|t| valid_time_zone(t)) {
            zone = format!("outlook.timezone=\"{tz}\"");
            call = call.header("Prefer", &zone);
        }
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(status, request_id.clone(), &format!("not a message: {e}"))
        })?;
        let saved = saved_from_value(status.as_u16(), &v).ok_or_else(|| {
            bad_response(
                status,
                request_id,
                "the answer is not a message graft can use",
            )
        })?;
        Ok((saved, v))
    }

    /// The drafts of a conversation, with the graft key each carries (if
    /// any), newest first: where an answer Graph made without keeping its
    /// key is found (`$filter=conversationId eq '…'`, message resource:
    /// `conversationId` is filterable).
    pub async fn conversation_drafts(
        &self,
        conversation_id: &str,
    ) -> Result<Vec<(SavedMessage, String, Option<String>)>, Error> {
        let mut url = self.url(&["messages"]);
        url.query_pairs_mut()
            .append_pair(
                "$filter",
                &format!(
                    "conversationId eq '{}'",
                    conversation_id.replace('\'', "''")
                ),
            )
            .append_pair(
                "$expand",
                &format!("singleValueExtendedProperties($filter=id eq '{DRAFT_KEY_PROPERTY}')"),
            )
            .append_pair(
                "$select",
                "id,subject,webLink,changeKey,createdDateTime,lastModifiedDateTime,parentFolderId,isDraft",
            )
            .append_pair("$top", "50");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let page: Value = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id,
                &format!("the answer is not a list: {e}"),
            )
        })?;
        Ok(page
            .get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|m| {
                let saved = saved_from_value(200, m)?;
                let subject = bounded(m.get("subject").and_then(Value::as_str).unwrap_or(""), 1000);
                Some((saved, subject, key_of(m)))
            })
            .collect())
    }

    /// The mailbox's time zone (`GET …/mailboxSettings/timeZone`,
    /// user-get-mailboxsettings.md), asked once per client; `None` when it
    /// cannot be had (no `MailboxSettings.Read`, say): answers then quote
    /// times in UTC, as Graph does without `Prefer: outlook.timezone`.
    pub async fn time_zone(&self) -> Option<String> {
        if let Some(tz) = self
            .folders
            .lock()
            .ok()
            .and_then(|f| f.get(TIME_ZONE).cloned())
        {
            return (!tz.is_empty()).then_some(tz);
        }
        let url = self.url(&["mailboxSettings", "timeZone"]);
        let tz = match self.send(Method::GET, url, None).await {
            Ok((_, _, bytes)) => serde_json::from_slice::<Value>(&bytes)
                .ok()
                .and_then(|v| v.get("value").and_then(Value::as_str).map(sanitize::line))
                .filter(|t| valid_time_zone(t))
                .unwrap_or_default(),
            // Refused: not asked again. No answer: asked again next time.
            Err(f) if f.status.is_some() => String::new(),
            Err(_) => return None,
        };
        if let Ok(mut f) = self.folders.lock() {
            f.insert(TIME_ZONE.to_string(), tz.clone());
        }
        (!tz.is_empty()).then_some(tz)
    }

    /// `DELETE …/messages/{id}`: the draft goes to Deleted Items, as when
    /// Outlook deletes it (message-delete.md).
    pub async fn delete_message(&self, id: &str) -> Result<(), Error> {
        self.send(Method::DELETE, self.message_url(id), None)
            .await
            .map(|_| ())
    }

    /// The first page of a folder's messages (`inbox`, `sentitems`, a
    /// folder id), newest first; or, with `search`, what `$search` finds
    /// there (KQL: `from:dana budget`). `$search` cannot be combined with
    /// `$orderby` or `$filter` and returns at most 1,000 results, ordered by
    /// date sent, newest first ("sorted by the date and time that the
    /// message was sent", concepts/search-query-parameter.md), not relevance.
    pub fn mail_list_url(&self, folder: &str, search: Option<&str>, top: usize) -> Url {
        let mut url = self.url(&["mailFolders", folder, "messages"]);
        {
            let mut q = url.query_pairs_mut();
            q.append_pair(
                "$select",
                "id,from,subject,receivedDateTime,bodyPreview,hasAttachments,conversationId",
            )
            .append_pair("$top", &top.to_string());
            match search.map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) => {
                    // A KQL string in double quotes; a quote inside is dropped.
                    q.append_pair("$search", &format!("\"{}\"", s.replace('"', "")));
                }
                None => {
                    q.append_pair("$orderby", "receivedDateTime desc");
                }
            }
        }
        url
    }

    /// One page of a message list, and the next page's link (only under this
    /// Graph root).
    pub async fn mail_page(
        &self,
        url: Url,
    ) -> Result<(Vec<crate::core::answer::MailSummary>, Option<Url>), Error> {
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let page: Value = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id.clone(),
                &format!("the answer is not a list: {e}"),
            )
        })?;
        let items = page
            .get("value")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .take(1000)
            .filter_map(crate::core::answer::MailSummary::from_value)
            .collect();
        let next = self.next_link(&page, status, request_id)?;
        Ok((items, next))
    }

    /// A list answer's `@odata.nextLink`, if it stays under this client's
    /// Graph root (the token goes nowhere else).
    fn next_link(
        &self,
        page: &Value,
        status: StatusCode,
        request_id: Option<String>,
    ) -> Result<Option<Url>, Error> {
        let Some(next) = page.get("@odata.nextLink").and_then(Value::as_str) else {
            return Ok(None);
        };
        match Url::parse(next) {
            Ok(n)
                if n.origin() == self.root.origin()
                    && n.path().starts_with(self.root.path().trim_end_matches('/')) =>
            {
                Ok(Some(n))
            }
            _ => Err(bad_response(
                status,
                request_id,
                "the next page's link leaves the Graph root",
            )),
        }
    }

    /// The id of the folder named `name` (as Outlook shows it: "Archive",
    /// "Projects"), among the mailbox's top-level folders.
    pub async fn folder_by_name(&self, name: &str) -> Result<Option<String>, Error> {
        let mut url = self.url(&["mailFolders"]);
        url.query_pairs_mut()
            .append_pair(
                "$filter",
                &format!("displayName eq '{}'", name.replace('\'', "''")),
            )
            .append_pair("$select", "id,displayName");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let v: Value = serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a folder list: {e}")))?;
        Ok(v.pointer("/value/0/id")
            .and_then(Value::as_str)
            .filter(|id| valid_id(id))
            .map(str::to_string))
    }

    /// A received message to read (headers and a text body).
    pub async fn read_mail(&self, id: &str) -> Result<Value, Error> {
        let mut url = self.message_url(id);
        url.query_pairs_mut().append_pair(
            "$select",
            "id,subject,from,toRecipients,ccRecipients,replyTo,receivedDateTime,body,hasAttachments,conversationId",
        );
        let call =
            Call::new(Method::GET, url).header("Prefer", "outlook.body-content-type=\"text\"");
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a message: {e}")))
    }

    /// The id of a well-known folder (`deleteditems`, `sentitems`), asked
    /// once per client: folder ids do not change.
    pub async fn folder_id(&self, name: &str) -> Result<String, Error> {
        if let Some(id) = self.folders.lock().ok().and_then(|f| f.get(name).cloned()) {
            return Ok(id);
        }
        let mut url = self.url(&["mailFolders", name]);
        url.query_pairs_mut().append_pair("$select", "id");
        let (status, request_id, bytes) = self.send(Method::GET, url, None).await?;
        let id = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("id").and_then(Value::as_str).map(sanitize::line))
            .ok_or_else(|| bad_response(status, request_id, "the answer is not a folder"))?;
        if let Ok(mut f) = self.folders.lock() {
            f.insert(name.to_string(), id.clone());
        }
        Ok(id)
    }

    /// Where the message this key made is: still a draft (wherever the user
    /// moved it), sent, deleted, or gone.
    pub async fn locate(&self, key: &str) -> Result<Whereabouts, Error> {
        let Some(found) = self.find_by_key(key).await? else {
            return Ok(Whereabouts::Gone);
        };
        self.classify(found).await
    }

    /// Sorts a found message: sent, deleted (in Deleted Items) or a draft.
    pub async fn classify(&self, found: SavedMessage) -> Result<Whereabouts, Error> {
        if !found.is_draft {
            return Ok(Whereabouts::Sent(found));
        }
        let trash = self.folder_id("deleteditems").await?;
        Ok(if found.parent_folder_id == trash {
            Whereabouts::Deleted(found)
        } else {
            Whereabouts::Draft(found)
        })
    }

    /// `GET …/messages/{id}` with the fields the form edits, as JSON. With
    /// `text`, the body comes back as plain text; otherwise as HTML, which
    /// is what Graph returns without `Prefer: outlook.body-content-type`
    /// (message-get.md) even for a draft saved as text.
    pub async fn message_json(&self, id: &str, text: bool) -> Result<Value, Error> {
        let mut url = self.message_url(id);
        url.query_pairs_mut().append_pair(
            "$select",
            "id,subject,body,toRecipients,ccRecipients,bccRecipients,replyTo,importance,isReadReceiptRequested,isDeliveryReceiptRequested,categories,flag,webLink,isDraft,parentFolderId,lastModifiedDateTime",
        );
        let mut call = Call::new(Method::GET, url);
        if text {
            call = call.header("Prefer", "outlook.body-content-type=\"text\"");
        }
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a message: {e}")))
    }

    /// `GET …/messages/{id}`.
    pub async fn get_message(&self, id: &str) -> Result<SavedMessage, Error> {
        self.send_message(Call::new(Method::GET, self.message_url(id)))
            .await
    }

    /// Which version of the draft the server holds (its `changeKey`), and
    /// where it is: a small `GET` with `$select`, before an update.
    pub async fn version(&self, id: &str) -> Result<SavedMessage, Error> {
        let mut url = self.message_url(id);
        url.query_pairs_mut().append_pair(
            "$select",
            "id,changeKey,webLink,createdDateTime,lastModifiedDateTime,parentFolderId,isDraft",
        );
        self.send_message(Call::new(Method::GET, url)).await
    }

    /// `PATCH …/messages/{id}` only if the draft is still the version
    /// `change_key` (`If-Match: W/"<changeKey>"`, the message's
    /// `@odata.etag`); another version answers 412 (or 409)
    /// `ErrorIrresolvableConflict` ([`Error::changed_elsewhere`]).
    pub async fn update_draft_if(
        &self,
        id: &str,
        body: &Value,
        change_key: &str,
        attempt: &Attempt,
    ) -> Result<SavedMessage, Error> {
        let tag = format!("W/\"{}\"", change_key.replace('"', ""));
        let call = Call::new(Method::PATCH, self.message_url(id))
            .body(body)
            .header("If-Match", &tag)
            .attempt(attempt);
        self.send_message(call).await
    }

    /// The mailbox's largest message, as MailTips tell it (bytes).
    pub async fn max_message_size(&self, own_address: &str) -> Result<u64, Error> {
        let url = self.url(&["getMailTips"]);
        let body = serde_json::json!({
            "EmailAddresses": [own_address],
            "MailTipsOptions": "maxMessageSize",
        });
        let (status, request_id, bytes) = self.send(Method::POST, url, Some(&body)).await?;
        serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v["value"][0]["maxMessageSize"].as_u64())
            .ok_or_else(|| bad_response(status, request_id, "no maxMessageSize in the MailTips"))
    }

    async fn send_message(&self, call: Call<'_>) -> Result<SavedMessage, Error> {
        let (status, request_id, bytes) =
            self.send_call(call).await.map_err(Failed::into_failure)?;
        let msg: MessageResponse = serde_json::from_slice(&bytes).map_err(|e| {
            bad_response(
                status,
                request_id.clone(),
                &format!("the answer is not a message: {e}"),
            )
        })?;
        saved_from(status, msg, request_id)
    }

    /// Sends one request; on a refused token, refreshes it once and sends again.
    pub(super) async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<&Value>,
    ) -> Result<(StatusCode, Option<String>, bytes::Bytes), Error> {
        let mut call = Call::new(method, url);
        call.body = body;
        self.send_call(call).await.map_err(Failed::into_failure)
    }

    /// Sends one request; on a refused token, refreshes it once and sends
    /// again (with the same `client-request-id`). No `Prefer: IdType` is
    /// sent: REST ids are what `webLink` is made of, and only those links
    /// open in Outlook on the web (msgraph-sdk-go issue 795).
    // Long by design: one request's whole life (token, send, bounded read,
    // redirects refused, error mapping), in the order it happens.
    pub(super) async fn send_call(&self, call: Call<'_>) -> Result<Answer, Failed> {
        let Call {
            method,
            url,
            body,
            headers,
            attempt,
        } = call;
        let request_id = attempt
            .client_request_id
            .clone()
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let mut refreshed = false;
        loop {
            let token = self.bearer().await.map_err(Failed::Other)?;
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(token.secret())
                .header("client-request-id", &request_id);
            if attempt.retry > 0 {
                req = req.header("Retry-Attempt", attempt.retry.to_string());
            }
            for (k, v) in &headers {
                req = req.header(*k, v);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            let started = std::time::Instant::now();
            let resp = req.send().await.map_err(|e| {
                let mut f = transport_failure(e);
                if f.code == "Timeout" {
                    f.message = format!(
                        "timed out after {} s: the server accepted the connection but did not answer (--timeout sets the limit)",
                        self.timeout.as_secs()
                    );
                }
                tracing::warn!(method = %method, path = url.path(), code = %f.code, error = %f.message, "graph request failed");
                Failed::Other(f)
            })?;
            let status = resp.status();
            let rid = header(&resp, "request-id");
            tracing::info!(
                method = %method,
                path = url.path(),
                status = status.as_u16(),
                request_id = rid.as_deref().unwrap_or("-"),
                ms = started.elapsed().as_millis() as u64,
                "graph request"
            );
            let retry_after = header(&resp, "retry-after").and_then(|v| parse_retry_after(&v));
            let location = header(&resp, "location");
            let bytes = read_capped(resp, status, rid.clone())
                .await
                .map_err(Failed::Other)?;
            if status.is_success() {
                return Ok((status, rid, bytes));
            }
            if status.is_redirection() {
                let to = location.unwrap_or_else(|| "nowhere".into());
                let f = Error {
                    message: format!(
                        "Graph answered with a redirect (to {}); graft does not follow redirects, so nothing was sent there.",
                        crate::util::sanitize::line(&to.chars().take(200).collect::<String>())
                    ),
                    ..http_failure(status, b"", rid, None)
                };
                return Err(Failed::Other(f));
            }
            let failure = http_failure(status, &bytes, rid.clone(), retry_after);
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
                return Err(Failed::Other(sign_in_needed(
                    "The sign-in is no longer valid.",
                )));
            }
            return Err(Failed::Http(status, rid, bytes, Box::new(failure)));
        }
    }

    async fn sign_in_tokens_gone(&self) -> bool {
        match &self.signin {
            Some(s) => s.tokens.lock().await.is_none(),
            None => false,
        }
    }

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
        let list: List = serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a people list: {e}")))?;
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
        let list: List = serde_json::from_slice(&bytes)
            .map_err(|e| bad_response(status, request_id, &format!("not a category list: {e}")))?;
        Ok(list
            .value
            .into_iter()
            .map(|c| sanitize::line(&c.display_name))
            .collect())
    }

    /// `GET /me`: who the token belongs to (also opens the connection ahead of a save).
    pub async fn me(&self) -> Result<Me, Error> {
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

/// The cache slot of the mailbox's time zone (beside the folder ids).
const TIME_ZONE: &str = "\u{0}timeZone";

/// A time zone name as Windows or IANA spell them (`Pacific Standard
/// Time`, `Europe/Berlin`): nothing that could break out of a header.
fn valid_time_zone(tz: &str) -> bool {
    !tz.is_empty()
        && tz.len() <= 100
        && tz
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " _-+/().:".contains(c))
}

/// The graft key a listed message carries (its expanded extended property).
pub fn key_of(m: &Value) -> Option<String> {
    m.get("singleValueExtendedProperties")
        .and_then(Value::as_array)
        .and_then(|props| {
            props.iter().find(|p| {
                p.get("id")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(DRAFT_KEY_PROPERTY))
            })
        })
        .and_then(|p| p.get("value").and_then(Value::as_str))
        .filter(|k| k.len() <= MAX_ID)
        .map(str::to_string)
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
        crate::util::sanitize::line(
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
    /// Why the stored tokens were not taken (issued for another root…).
    set_aside: Option<String>,
}

impl SignIn {
    /// Tokens are at hand (stored ones for this root, or a sign-in since).
    pub fn signed_in(&self) -> bool {
        self.tokens.try_lock().map_or(true, |t| t.is_some())
    }

    /// Why the profile's stored tokens are not used with this root.
    pub fn set_aside(&self) -> Option<&str> {
        self.set_aside.as_deref()
    }

    pub async fn current(&self) -> Option<TokenSet> {
        self.tokens.lock().await.clone()
    }
}

fn sign_in_needed(why: &str) -> Error {
    Error::local(
        FailureKind::SignInNeeded,
        "SignInRequired",
        format!("{why} Sign in again; your draft waits."),
    )
}

pub(super) fn bad_response(status: StatusCode, request_id: Option<String>, msg: &str) -> Error {
    Error {
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
    saved_from(status, msg, None).ok()
}

pub use crate::core::mailbox::{MAX_ID, valid_id};

/// At most `max` characters of a server's text.
fn bounded(s: &str, max: usize) -> String {
    sanitize::line(&s.chars().take(max).collect::<String>())
}

fn saved_from(
    status: StatusCode,
    msg: MessageResponse,
    request_id: Option<String>,
) -> Result<SavedMessage, Error> {
    if !valid_id(&msg.id) {
        return Err(bad_response(
            status,
            request_id,
            "the server gave a message id graft cannot use (empty, too long, or not an id)",
        ));
    }
    Ok(SavedMessage {
        status: status.as_u16(),
        status_text: reason(status),
        id: msg.id,
        web_link: bounded(&msg.web_link, 8 * 1024),
        change_key: bounded(&msg.change_key, 256),
        created: bounded(&msg.created_date_time, 64),
        last_modified: bounded(&msg.last_modified_date_time, 64),
        parent_folder_id: bounded(&msg.parent_folder_id, MAX_ID),
        is_draft: msg.is_draft.unwrap_or(true),
        request_id,
    })
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

/// `Retry-After` is delta-seconds (Graph's own example is fractional,
/// `Retry-After: 2.128`, concepts/throttling.md) or an HTTP date; whatever
/// it says, the wait is at most [`MAX_RETRY_AFTER`].
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return None;
        }
        return Some(Duration::from_secs_f64(
            secs.min(MAX_RETRY_AFTER.as_secs_f64()),
        ));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// A request to send: its method, URL, body, own headers and try.
pub(super) struct Call<'a> {
    method: Method,
    url: Url,
    body: Option<&'a Value>,
    headers: Vec<(&'static str, String)>,
    attempt: Attempt,
}

impl<'a> Call<'a> {
    pub(super) fn new(method: Method, url: Url) -> Self {
        Call {
            method,
            url,
            body: None,
            headers: Vec::new(),
            attempt: Attempt::default(),
        }
    }
    pub(super) fn body(mut self, body: &'a Value) -> Self {
        self.body = Some(body);
        self
    }
    pub(super) fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
    pub(super) fn attempt(mut self, attempt: &Attempt) -> Self {
        self.attempt = attempt.clone();
        self
    }
}

/// A successful answer: status, `request-id`, body.
pub(super) type Answer = (StatusCode, Option<String>, bytes::Bytes);

/// Why a request did not succeed: an error answer (with its body, for the
/// callers that read one, like `$batch`), or no usable answer at all.
pub(super) enum Failed {
    Http(StatusCode, Option<String>, bytes::Bytes, Box<Error>),
    Other(Error),
}

impl Failed {
    pub(super) fn into_failure(self) -> Error {
        match self {
            Failed::Http(.., f) => *f,
            Failed::Other(f) => f,
        }
    }
}

/// Reads an answer's body, at most [`MAX_ANSWER_BYTES`]; a larger one is a
/// server fault (nothing more is read, so it cannot fill the memory).
pub(super) async fn read_capped(
    mut resp: reqwest::Response,
    status: StatusCode,
    request_id: Option<String>,
) -> Result<bytes::Bytes, Error> {
    let too_big = |n: String| Error {
        kind: FailureKind::BadResponse,
        ..bad_response(
            status,
            request_id.clone(),
            &format!(
                "the answer is {n} bytes, more than graft reads ({} MiB): the server is misbehaving",
                MAX_ANSWER_BYTES / (1024 * 1024)
            ),
        )
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_ANSWER_BYTES as u64)
    {
        return Err(too_big(resp.content_length().unwrap_or(0).to_string()));
    }
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(transport_failure)? {
        if buf.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(too_big(format!("over {}", MAX_ANSWER_BYTES)));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
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
pub fn mailbox_path(user: Option<&str>) -> String {
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

pub(super) fn http_failure(
    status: StatusCode,
    bytes: &[u8],
    request_id: Option<String>,
    retry_after: Option<Duration>,
) -> Error {
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
    Error {
        kind: FailureKind::Http,
        status: Some(status.as_u16()),
        status_text: reason(status),
        code: sanitize::line(&code),
        message: sanitize::redact(&sanitize::line(&message)),
        request_id: request_id.or(inner_id.map(|s| sanitize::line(&s))),
        retry_after,
    }
}

/// No usable answer, said as what happened: not reachable (nothing was
/// sent), no answer in time, or the connection dropped. The error's URL is
/// left out: an upload URL carries its own credential (`authtoken=`).
pub fn transport_failure(e: reqwest::Error) -> Error {
    let timeout = e.is_timeout();
    let connect = e.is_connect();
    let e = e.without_url();
    let mut chain = Vec::new();
    let mut src: Option<&dyn std::error::Error> = Some(&e);
    while let Some(s) = src {
        chain.push(s.to_string());
        src = s.source();
    }
    let detail = chain.join(": ");
    let lower = detail.to_ascii_lowercase();
    let (kind, code, what) = if timeout {
        (
            FailureKind::Timeout,
            "Timeout",
            "no answer in time".to_string(),
        )
    } else if connect {
        (
            FailureKind::Network,
            "ConnectFailed",
            "could not reach Graph".to_string(),
        )
    } else if lower.contains("reset") || lower.contains("closed") || lower.contains("broken pipe") {
        (
            FailureKind::Network,
            "ConnectionReset",
            "the server closed the connection without answering".to_string(),
        )
    } else {
        (
            FailureKind::Network,
            "NetworkError",
            "the request did not complete".to_string(),
        )
    };
    Error::local(
        kind,
        code,
        sanitize::redact(&sanitize::line(&format!("{what} ({detail})"))),
    )
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
            "https://graph.microsoft.com/v1.0/me/messages/AAMk%2Fa%2Bb%3D"
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
