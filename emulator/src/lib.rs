//! A local Microsoft Graph emulator: a real HTTP server on 127.0.0.1 that `--demo`
//! and the tests talk to. It is strict on purpose (unknown properties, bad shapes,
//! bad tokens and bad ids are refused with Graph's error envelope), because a
//! lenient fake hides client bugs. Tests inject faults through [`Emulator::inject`].
//!
//! Every behaviour cites its public source where it is modelled;
//! `docs/graph-behaviour.md` maps them all to their sources and tests. Where
//! the sources disagree, or say nothing, [`EmulatorConfig`] has a switch and
//! the tests run both ways.

// Handlers return early with a ready `Response` as the error, the usual axum shape;
// its size does not matter on this test-only path.
#![allow(clippy::result_large_err)]

mod answers;
mod attachments;
mod batch;
mod identity;
mod messages;
mod wire;

#[cfg(test)]
mod tests;

pub use answers::{Received, seeded_inbox};
pub use identity::DeviceStep;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// A recipient's MailTips beyond its scope.
#[derive(Clone, Debug, Default)]
pub struct RecipientTip {
    pub address: String,
    /// Automatic replies on, with this message.
    pub away: Option<String>,
    /// A distribution list: its members, and those outside.
    pub members: Option<(u64, u64)>,
    pub moderated: bool,
    pub restricted: bool,
}

/// How strict and how large the emulated service is.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Bearer tokens the service accepts.
    pub tokens: Vec<String>,
    /// The signed-in user's UPN; `/users/{upn}` and `/users/{object id}` both reach `/me`.
    pub user_principal_name: String,
    pub user_object_id: String,
    /// Whether a syntactically bad recipient address is refused at create/update
    /// (`ErrorInvalidRecipients`). The reference marks this *unverified*: the real
    /// service may accept it until send. Strict by default.
    pub reject_invalid_recipients: bool,
    /// Recipients allowed in To+Cc+Bcc together.
    pub max_recipients: usize,
    /// Requests one mailbox may have in flight before 429 `ApplicationThrottled`.
    pub max_concurrent: usize,
    /// Largest request body accepted (bytes) before 413.
    pub max_body_bytes: usize,
    /// What the user does on the device-login page, one step per poll.
    pub device_script: Vec<DeviceStep>,
    /// Seconds between device-code polls the client is told to keep.
    pub device_interval: u64,
    /// Lifetime of a device code (seconds).
    pub device_expires_in: u64,
    /// Lifetime of issued access tokens.
    pub access_token_lifetime: Duration,
    /// "Allow public client flows" on the app registration.
    pub public_client_flows: bool,
    /// Client ids the directory knows (`None`: any).
    pub client_ids: Option<Vec<String>>,
    /// The mailbox's master category list (`GET /me/outlook/masterCategories`).
    pub master_categories: Vec<String>,
    /// Folders the user made, as paths of display names under the mailbox's
    /// root (`Projects`) or another folder (`Inbox/Clients`, a well-known
    /// folder by its English display name). Listed by `GET …/mailFolders`
    /// (top level) and `…/mailFolders/{id}/childFolders`, both with
    /// `$filter=displayName eq '…'` (user-list-mailfolders.md,
    /// mailfolder-list-childfolders.md); drafts may be posted to their ids.
    pub folders: Vec<String>,
    /// What `getMailTips` says of some recipients beyond their scope
    /// (user-getmailtips.md; resources/mailtips.md: `automaticReplies`,
    /// `totalMemberCount`, `externalMemberCount`, `isModerated`,
    /// `deliveryRestricted`).
    pub recipient_tips: Vec<RecipientTip>,
    /// The organisation's domains: MailTips' `recipientScope` is
    /// `internal` for an address in one, `external` for any other.
    pub accepted_domains: Vec<String>,
    /// People `/me/people?$search=` finds.
    pub people: Vec<Person>,
    /// The scopes the configured fixed `tokens` carry. `None`: a token of
    /// unknown scope that every route accepts (as a token from another broker
    /// may be). Routes check scopes only for tokens that carry them.
    pub token_scopes: Option<Vec<String>>,
    /// What the directory lets the user consent to at sign-in (the rest of
    /// what the client asks for is left out of the token, as when an admin
    /// consented only some permissions). `None`: everything asked for.
    pub grantable_scopes: Option<Vec<String>>,
    /// Other mailboxes the signed-in user has full access to (shared
    /// mailboxes), reached as `/users/{upn}`; needs `Mail.ReadWrite.Shared`.
    pub shared_mailboxes: Vec<String>,
    /// Whether `DELETE` moves a message to Deleted Items (with a new REST id)
    /// rather than removing it. The message-delete page does not say; the
    /// separate `permanentDelete` action ("place it in the Purges folder")
    /// implies that delete is the soft kind, as it is in Outlook.
    pub delete_moves_to_deleted_items: bool,
    /// Whether an attachment's `size` is larger than its bytes, as reported
    /// (microsoft-graph-docs-contrib issue 4601: an 816-byte file lists as
    /// 1053; concepts/outlook-large-attachments.md uploads 3,483,322 bytes
    /// and reads back 3,640,066). The docs call `size` "the length of the
    /// attachment in bytes", so both are modelled.
    pub attachment_size_overhead: bool,
    /// Whether `GET uploadUrl` reports `nextExpectedRanges`. Documented for
    /// OneDrive upload sessions (driveitem-createuploadsession.md, "Resume an
    /// in-progress upload"), not for Outlook attachments: unknown there.
    pub upload_session_get: bool,
    /// The mailbox's named-property quota is used up: a create or update
    /// that carries a named extended property (`{GUID} Name x`) fails with
    /// 403 `ErrorQuotaExceeded` "Cannot get ID from name." (msgraph-sdk-java
    /// issue 767; OfficeDocs-O365ServiceDescriptions issue 527).
    pub named_property_quota_exhausted: bool,
    /// Whether the mailbox's message size limit counts attachments as they
    /// are once MIME-encoded (base64, about 4/3 of the bytes) or as raw bytes.
    /// Field reports differ (Exchange is said to keep 25% headroom for
    /// encoding, OWA to pre-adjust by 25%); both are modelled.
    pub message_size_counts_encoding: bool,
    /// The outer status of a `$batch` in which a request was throttled: 424
    /// (concepts/throttling.md: "The batch itself fails with a status code of
    /// 424") or 200 (concepts/json-batching.md: the outer status says nothing
    /// of the inner ones). Either way the body holds every inner answer.
    pub throttled_batch_status: u16,
    /// Files from this size up must use an upload session; smaller ones must not
    /// (`ErrorAttachmentSizeShouldNotBeLessThanMinimumSize`). "3 MB" in the docs.
    pub inline_attachment_max: usize,
    /// Largest file an upload session takes (150 MB).
    pub max_attachment_bytes: usize,
    /// Largest total of attachments on one message (the mailbox limit; Exchange
    /// Online's default is 35 MB, tenants may raise it to 150 MB).
    pub max_message_bytes: usize,
    /// Whether a `PUT` to an upload URL that carries an `Authorization` header is
    /// refused (401). The docs say not to send one; the exact reaction is unverified.
    pub upload_refuses_authorization: bool,
    /// Outlook's request-rate limit: at most this many requests per mailbox
    /// in any sliding window of this length, each request inside a `$batch`
    /// counted (concepts/throttling-limits.md, Outlook service limits:
    /// "10,000 API requests in a 10 minute period" per app ID and mailbox;
    /// concepts/json-batching.md: the requests in a batch are evaluated
    /// against throttling limits one by one). Over it: 429
    /// `ApplicationThrottled` with a `Retry-After` saying when the window
    /// frees up (throttling.md: a 429 carries `Retry-After`). Throttled
    /// requests count too ("requests that are throttled still count against
    /// your usage", throttling.md best practices). `None`: no limit.
    pub rate_limit: Option<(usize, Duration)>,
    /// Time each mailbox request (not the `$batch` envelope) spends before
    /// it is handled, drawn evenly from the range: a real round trip to
    /// Exchange, for benchmarks. `None`: answer at once.
    pub latency: Option<(Duration, Duration)>,
    /// Messages in the Inbox at start ([`seeded_inbox`] for a believable one;
    /// none by default, so a test's mailbox holds only what it made).
    pub inbox: Vec<Received>,
    /// Whether `createForward` without recipients (neither the
    /// `toRecipients` parameter nor the message's) is refused with 400, as
    /// message-createforward.md's text says, or makes a draft without
    /// recipients, as the same page's example (no body) implies.
    pub forward_needs_recipients: bool,
    /// Whether `createReply`/`createReplyAll`/`createForward` keep the
    /// extended properties given in their `message` parameter. The pages
    /// (message-createreply.md, message-createreplyall.md,
    /// message-createforward.md) say the parameter takes "writeable
    /// properties" without naming extended ones, which are documented for
    /// `POST …/messages` and `PATCH` only
    /// (singlevalue-extendedproperty-post-singlevalueextendedproperties.md):
    /// the documented reading drops them (the default).
    pub answer_keeps_extended_properties: bool,
    /// The mailbox's time zone (`GET …/mailboxSettings/timeZone`,
    /// user-get-mailboxsettings.md), a Windows name.
    pub time_zone: String,
    /// The status of a `PATCH` whose `If-Match` change key is not the
    /// item's: 412 `ErrorIrresolvableConflict` in the field reports
    /// (microsoft-graph-docs-contrib issue 7934, msgraph-sdk-dotnet issue
    /// 1201, msgraph-sdk-powershell issue 2080); one error catalogue lists
    /// the code under 409. Both are modelled.
    pub conflict_status: u16,
    /// Whether a `PATCH` without `If-Match` after another client (Outlook)
    /// wrote the message is refused the same way, as some of those reports
    /// have it ("sometimes with no key sent"). Off by default.
    pub conflict_without_if_match: bool,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            tokens: vec![DEMO_TOKEN.to_string()],
            user_principal_name: "adele.vance@contoso.onmicrosoft.com".into(),
            user_object_id: "3f0c2a1e-7d55-4c1b-8e0a-5b9d6c4e2f10".into(),
            reject_invalid_recipients: true,
            max_recipients: 500,
            max_concurrent: 4,
            max_body_bytes: 4 * 1024 * 1024,
            device_script: vec![DeviceStep::Pending, DeviceStep::Approve],
            device_interval: 1,
            device_expires_in: 900,
            access_token_lifetime: Duration::from_secs(3599),
            public_client_flows: true,
            client_ids: None,
            master_categories: vec![
                "Red category".into(),
                "Finance".into(),
                "Follow up".into(),
                "Travel".into(),
            ],
            folders: Vec::new(),
            recipient_tips: Vec::new(),
            accepted_domains: vec!["contoso.com".into(), "contoso.onmicrosoft.com".into()],
            people: vec![
                Person::mailbox("Megan Bowen", "megan.bowen@contoso.onmicrosoft.com"),
                Person::mailbox("Miriam Graham", "miriam.graham@contoso.onmicrosoft.com"),
                Person::mailbox("Nestor Wilke", "nestor.wilke@contoso.onmicrosoft.com"),
                Person::mailbox("Lee Gu", "lee.gu@contoso.onmicrosoft.com"),
                // A colleague never mailed: found only in the directory.
                Person::directory("Pradeep Gupta", "pradeep.gupta@contoso.onmicrosoft.com"),
            ],
            token_scopes: Some(FULL_SCOPES.iter().map(|s| s.to_string()).collect()),
            grantable_scopes: None,
            shared_mailboxes: vec!["shared.finance@contoso.onmicrosoft.com".into()],
            inline_attachment_max: 3_000_000,
            max_attachment_bytes: 150 * 1024 * 1024,
            // Exchange Online's default; tenants may raise it to 150 MB.
            max_message_bytes: 35 * 1024 * 1024,
            upload_refuses_authorization: true,
            delete_moves_to_deleted_items: true,
            attachment_size_overhead: true,
            upload_session_get: false,
            named_property_quota_exhausted: false,
            message_size_counts_encoding: false,
            throttled_batch_status: 424,
            rate_limit: Some((10_000, Duration::from_secs(600))),
            latency: None,
            inbox: Vec::new(),
            forward_needs_recipients: true,
            answer_keeps_extended_properties: false,
            time_zone: "Pacific Standard Time".into(),
            conflict_status: 412,
            conflict_without_if_match: false,
        }
    }
}

/// The token `--demo` uses.
pub const DEMO_TOKEN: &str = "graft-demo-token";

/// What a token of a user who granted everything graft asks for carries
/// (the demo token's scopes, so the demo shows what a real account shows).
pub const FULL_SCOPES: &[&str] = &[
    "Mail.ReadWrite",
    "Mail.Read",
    "Mail.ReadWrite.Shared",
    "MailboxSettings.Read",
    "People.Read",
    "User.Read",
    "offline_access",
];

/// Someone `/me/people` can find.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub address: String,
    /// A contact or someone mailed before. Others (the rest of the
    /// organisation) are found only with `X-PeopleQuery-QuerySources:
    /// Mailbox,Directory` (concepts/people-example.md, "Types of results
    /// included": "By default, Microsoft Graph serves mailbox-only results").
    pub in_mailbox: bool,
}

impl Person {
    pub fn mailbox(name: &str, address: &str) -> Person {
        Person {
            name: name.into(),
            address: address.into(),
            in_mailbox: true,
        }
    }
    pub fn directory(name: &str, address: &str) -> Person {
        Person {
            in_mailbox: false,
            ..Person::mailbox(name, address)
        }
    }
}

/// What an injected fault does to the next matching request.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    /// Answer with this status and Graph error, without touching the mailbox.
    Respond {
        status: u16,
        code: String,
        message: String,
        retry_after: Option<String>,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Close the connection without answering and without handling the request.
    DropBefore,
    /// Handle the request (the mailbox changes), then close the connection without answering.
    DropAfter,
    /// Handle the request, then wait this long before answering.
    DelayAfter(Duration),
    /// Handle the request (the mailbox changes), then answer with its
    /// status and half its body: unreadable JSON.
    BreakBody,
    /// Answer 200 with a body of this many bytes, without handling the
    /// request (a broken or hostile server; the bytes are streamed).
    HugeBody(usize),
    /// Answer with this redirect status to `Location: to`, without handling.
    Redirect { status: u16, to: String },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    /// Only requests with this method (e.g. "POST"); `None` matches any.
    pub method: Option<String>,
    /// Only requests whose path contains this (e.g. "/attachments"); `None` matches any.
    pub path: Option<String>,
    /// Let this many matching requests through first.
    pub skip: usize,
    pub action: FaultAction,
}

impl Fault {
    pub fn status(status: u16, code: &str, message: &str) -> Self {
        Fault {
            method: None,
            path: None,
            skip: 0,
            action: FaultAction::Respond {
                status,
                code: code.into(),
                message: message.into(),
                retry_after: None,
            },
        }
    }
    pub fn throttle(retry_after_secs: u64) -> Self {
        Fault {
            method: None,
            path: None,
            skip: 0,
            action: FaultAction::Respond {
                status: 429,
                code: "ApplicationThrottled".into(),
                message: "Application is over its MailboxConcurrency limit.".into(),
                retry_after: Some(retry_after_secs.to_string()),
            },
        }
    }
    pub fn action(action: FaultAction) -> Self {
        Fault {
            method: None,
            path: None,
            skip: 0,
            action,
        }
    }
    pub fn on(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }
    /// Only for paths containing `part`.
    pub fn at(mut self, part: &str) -> Self {
        self.path = Some(part.to_string());
        self
    }
    /// After `n` matching requests have passed.
    pub fn after(mut self, n: usize) -> Self {
        self.skip = n;
        self
    }
    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m == method)
            && self.path.as_deref().is_none_or(|p| path.contains(p))
    }
}

/// One request as the emulator saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Time the emulator's handler spent on the request (after reading it,
    /// before answering).
    pub micros: u64,
    /// Time at the emulator's socket, from the request's first byte read to
    /// the last write of its answer (0 for the requests inside a `$batch`).
    pub wire_micros: u64,
    /// The `client-request-id` the client sent (one made up if it sent none).
    pub client_request_id: String,
}

#[derive(Default)]
struct Mailbox {
    /// Bearer tokens accepted now (starts as the config's; tests rotate them).
    tokens: Vec<String>,
    /// The scopes those tokens carry (`None`: unknown, every route accepts them).
    token_scopes: Option<Vec<String>>,
    identity: identity::Identity,
    /// Immutable id → stored message (full Graph JSON plus private fields).
    messages: BTreeMap<String, messages::Stored>,
    /// Current REST id → immutable id. REST ids change when a message moves.
    rest_index: std::collections::HashMap<String, String>,
    faults: VecDeque<Fault>,
    log: Vec<RequestRecord>,
    /// Upload sessions in progress, by session id.
    sessions: std::collections::HashMap<String, attachments::Session>,
}

struct Shared {
    config: EmulatorConfig,
    mailbox: Mutex<Mailbox>,
    in_flight: AtomicUsize,
    connections: AtomicUsize,
    /// When each mailbox's recent requests arrived, for the rate limit.
    window: Mutex<std::collections::HashMap<String, VecDeque<std::time::Instant>>>,
    base_url: String,
    /// The whole service, for running the requests inside a `$batch`.
    /// (Taken out when the emulator stops, which ends the reference cycle.)
    router: Mutex<Option<Router>>,
}

impl Shared {
    /// Counts a request against its mailbox's rate window; over the limit,
    /// how long until the window has room again.
    fn over_rate(&self, path: &str) -> Option<Duration> {
        let (limit, window) = self.config.rate_limit?;
        let mailbox = path_user(path)
            .unwrap_or_else(|| "me".into())
            .to_ascii_lowercase();
        let now = std::time::Instant::now();
        let mut all = self.window.lock().unwrap_or_else(|p| p.into_inner());
        let seen = all.entry(mailbox).or_default();
        while seen
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            seen.pop_front();
        }
        let over = seen.len() >= limit;
        let free_at = seen.front().map(|t| *t + window);
        seen.push_back(now);
        // Bounded: a client that ignores Retry-After keeps only a window's worth.
        while seen.len() > limit * 2 {
            seen.pop_front();
        }
        if over {
            free_at.map(|t| t.saturating_duration_since(now))
        } else {
            None
        }
    }

    /// A round trip's time, from the configured range.
    fn latency(&self) -> Option<Duration> {
        let (lo, hi) = self.config.latency?;
        let span = hi.saturating_sub(lo).as_micros() as u64;
        let r = (uuid::Uuid::new_v4().as_u128() as u64) % (span + 1);
        Some(lo + Duration::from_micros(r))
    }

    fn lock(&self) -> MutexGuard<'_, Mailbox> {
        // A poisoned lock only means a handler unwound on purpose (DropAfter); the data is intact.
        self.mailbox.lock().unwrap_or_else(|p| p.into_inner())
    }
}

type AppState = Arc<Shared>;

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    shared: AppState,
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Emulator {
    /// Starts on a free loopback port, on its own thread and runtime.
    pub fn start(config: EmulatorConfig) -> std::io::Result<Emulator> {
        Self::start_on(config, 0)
    }

    /// Starts on `127.0.0.1:port` (0 picks a free port).
    pub fn start_on(config: EmulatorConfig, port: u16) -> std::io::Result<Emulator> {
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let tokens = config.tokens.clone();
        let token_scopes = config.token_scopes.clone();
        let shared = Arc::new(Shared {
            config,
            mailbox: Mutex::new(Mailbox {
                tokens,
                token_scopes,
                ..Mailbox::default()
            }),
            in_flight: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
            window: Mutex::new(Default::default()),
            base_url: format!("http://{addr}/v1.0"),
            router: Mutex::new(None),
        });
        answers::seed(&shared);
        let app = router(shared.clone());
        if let Ok(mut slot) = shared.router.lock() {
            *slot = Some(app.clone());
        }
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("graph-emulator".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(_) => return,
                };
                rt.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(std_listener) else {
                        return;
                    };
                    let listener = wire::Listener {
                        inner: listener,
                        shared: state,
                    };
                    // `/users('…')` keys are rewritten before routing.
                    let app = tower::util::MapRequest::new(app, normalize_users_key);
                    let app = axum::ServiceExt::<Request>::into_make_service_with_connect_info::<
                        wire::Wire,
                    >(app);
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async {
                            let _ = stop_rx.await;
                        })
                        .await;
                });
            })?;
        Ok(Emulator {
            shared,
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The Graph root to point a client at, e.g. `http://127.0.0.1:41234/v1.0`.
    pub fn graph_url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Edits a message as Outlook on the web does when someone opens the
    /// draft's webLink and types (a second client of the same draft):
    /// `edit` changes its properties (Graph JSON), the body is stored as
    /// HTML (Outlook edits HTML), and the message gets a new change key.
    /// `false` if there is no such message.
    pub fn edit_as_outlook(
        &self,
        id: &str,
        edit: impl FnOnce(&mut serde_json::Map<String, Value>),
    ) -> bool {
        let mut mb = self.shared.lock();
        let Some(key) = mb.resolve(id) else {
            return false;
        };
        let Some(m) = mb.messages.get_mut(&key) else {
            return false;
        };
        edit(&mut m.props);
        if let Some(body) = m.props.get("body").cloned() {
            m.props.insert("body".into(), messages::outlook_html(&body));
        }
        m.hidden
            .insert("lastWriter".into(), Value::String("outlook".into()));
        messages::new_version(&mut m.props);
        true
    }

    /// Removes the attachment named `name` as Outlook does when someone
    /// clicks its ✕ in the draft (a new change key, as every write gives).
    /// `false` if there is no such message or attachment.
    pub fn remove_attachment_as_outlook(&self, id: &str, name: &str) -> bool {
        let mut mb = self.shared.lock();
        let Some(key) = mb.resolve(id) else {
            return false;
        };
        let Some(m) = mb.messages.get_mut(&key) else {
            return false;
        };
        let before = m.attachments.len();
        m.attachments.retain(|a| a.name != name);
        if m.attachments.len() == before {
            return false;
        }
        messages::new_version(&mut m.props);
        true
    }

    /// Outlook adds a paragraph at the end of the draft's text (before an
    /// answer's quote and the signature, where Outlook puts the caret).
    pub fn outlook_adds_paragraph(&self, id: &str, text: &str) -> bool {
        let para = format!("<div>{}</div>", messages::escape(text));
        self.edit_as_outlook(id, |props| {
            let html = messages::outlook_html(props.get("body").unwrap_or(&Value::Null));
            let content = html["content"].as_str().unwrap_or("").to_string();
            let lower = content.to_ascii_lowercase();
            let at = [
                "<div id=\"signature\"",
                "<div id=\"appendonsend\"",
                "</body>",
            ]
            .iter()
            .filter_map(|m| lower.find(m))
            .min()
            .unwrap_or(content.len());
            let content = format!("{}{para}\r\n{}", &content[..at], &content[at..]);
            props.insert(
                "body".into(),
                serde_json::json!({"contentType": "html", "content": content}),
            );
        })
    }

    /// The id of a well-known folder (`drafts`, `deleteditems`, …), as
    /// messages name it in `parentFolderId`.
    pub fn folder_id(&self, name: &str) -> String {
        messages::folder_id(name)
    }

    /// Queues a fault for the next matching request (first in, first out).
    pub fn inject(&self, fault: Fault) {
        self.shared.lock().faults.push_back(fault);
    }

    /// Replaces the accepted tokens: earlier ones now get 401 (an expired token).
    pub fn set_tokens(&self, tokens: &[&str]) {
        self.shared.lock().tokens = tokens.iter().map(|t| t.to_string()).collect();
    }

    /// Every access token issued so far expires now (Graph answers 401).
    pub fn expire_access_tokens(&self) {
        self.shared.lock().identity.expire_access();
    }

    /// Every refresh token is revoked (a password change, an admin's sign-out).
    pub fn revoke_refresh_tokens(&self) {
        self.shared.lock().identity.revoke_refresh();
    }

    /// The authority URL to point sign-in at (`http://127.0.0.1:port`).
    pub fn authority_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Removes a message for good (purged: no folder holds it any more).
    pub fn delete_message(&self, id: &str) -> bool {
        let mut mb = self.shared.lock();
        match mb.resolve(id) {
            Some(key) => mb.purge(&key),
            None => false,
        }
    }

    /// The user sends the draft from Outlook: it moves to Sent Items, is no
    /// longer a draft, and gets a new REST id (its immutable id stays). Its
    /// extended properties go with it: a tool can "tag the message with a
    /// custom identifier, then find it in Sent Items after you've sent it"
    /// (microsoft-graph-docs issue 3766, answered by Microsoft). Returns the
    /// new REST id.
    pub fn send_message(&self, id: &str) -> Option<String> {
        let mut mb = self.shared.lock();
        let key = mb.resolve(id)?;
        let rest = mb.move_to(&key, "sentitems")?;
        if let Some(m) = mb.messages.get_mut(&key) {
            m.props.insert("isDraft".into(), Value::Bool(false));
            m.props
                .insert("sentDateTime".into(), Value::String(now_iso()));
        }
        Some(rest)
    }

    /// The user moves a message to another folder (a well-known name) in
    /// Outlook; like every move, it gets a new REST id. Returns it.
    pub fn move_message(&self, id: &str, folder: &str) -> Option<String> {
        let mut mb = self.shared.lock();
        let key = mb.resolve(id)?;
        mb.move_to(&key, folder)
    }

    /// Whether a `webLink` opens a message in Outlook on the web. Only a
    /// link carrying a message's current REST id does: the link Graph gives
    /// under `Prefer: IdType="ImmutableId"` carries the immutable id, and
    /// Outlook on the web answers it with "This message might have been
    /// moved or deleted" (msgraph-sdk-go issue 795; office-js issue 1095:
    /// "Without the headeroptions message.WebLink provides a useful link,
    /// with the headeroptions message.WebLink provides broken link").
    pub fn link_opens(&self, link: &str) -> bool {
        let Ok(url) = url::Url::parse(link) else {
            return false;
        };
        if url.scheme() != "https" || url.host_str() != Some("outlook.office365.com") {
            return false;
        }
        let Some((_, item)) = url.query_pairs().find(|(k, _)| k == "ItemID") else {
            return false;
        };
        self.shared.lock().rest_index.contains_key(item.as_ref())
    }

    /// Every message in the mailbox as stored (REST ids, bodies as sent).
    pub fn messages(&self) -> Vec<Value> {
        let mb = self.shared.lock();
        let mut all: Vec<&messages::Stored> = mb.messages.values().collect();
        all.sort_by_key(|m| m.seq);
        all.iter().map(|m| m.public()).collect()
    }

    /// One message as stored, by its REST or immutable id.
    pub fn message(&self, id: &str) -> Option<Value> {
        let mb = self.shared.lock();
        let key = mb.resolve(id)?;
        mb.messages.get(&key).map(messages::Stored::public)
    }

    /// The file attachments stored on a message: (name, content type, bytes).
    pub fn attachments(&self, message_id: &str) -> Vec<(String, String, Vec<u8>)> {
        let mb = self.shared.lock();
        mb.resolve(message_id)
            .and_then(|k| mb.messages.get(&k))
            .map(attachments::of_message)
            .unwrap_or_default()
    }

    /// The attachments of a message as Graph lists them (`isInline`,
    /// `contentId`, …), without their bytes.
    pub fn attachment_list(&self, message_id: &str) -> Vec<Value> {
        let mb = self.shared.lock();
        mb.resolve(message_id)
            .and_then(|k| mb.messages.get(&k))
            .map(attachments::listed)
            .unwrap_or_default()
    }

    /// Replaces the scopes the fixed tokens carry (`None`: unknown scopes).
    pub fn set_token_scopes(&self, scopes: Option<&[&str]>) {
        self.shared.lock().token_scopes = scopes.map(|l| l.iter().map(|s| s.to_string()).collect());
    }

    /// Upload sessions not finished or cancelled.
    pub fn open_upload_sessions(&self) -> usize {
        self.shared.lock().sessions.len()
    }

    /// Empties the rate-limit windows: as if the next request came after a
    /// quiet window (a benchmark's rerun "ten minutes later").
    pub fn forget_rate_window(&self) {
        self.shared
            .window
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.lock().log.clone()
    }

    /// TCP connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// Blocks until the server stops (for `graft emulator`).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Ok(mut slot) = self.shared.router.lock() {
            slot.take();
        }
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

fn router(state: AppState) -> Router {
    messages::routes()
        .merge(answers::routes())
        .merge(identity::graph_routes())
        .merge(batch::routes())
        .fallback(unknown_segment)
        // The handlers check Graph's own limits and answer in its envelope.
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024))
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        // The identity endpoints take no bearer token.
        .merge(identity::routes())
        .with_state(state)
}

/// Per-request context handlers use in error bodies.
#[derive(Clone, Debug)]
struct Ctx {
    request_id: String,
    client_request_id: String,
    prefs: Prefs,
}

/// What the request's own `Prefer` headers ask for. A `$batch` request's
/// headers do not reach the requests inside it: each inner request is run
/// with its own `headers` only (concepts/json-batching.md lists `headers` per
/// request), so a preference on the envelope changes nothing inside.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Prefs {
    /// `Prefer: IdType="ImmutableId"`: ids (and the webLink) in immutable
    /// form. "This header only applies to the request it is included with"
    /// (concepts/outlook-immutable-id.md).
    pub immutable_ids: bool,
    /// `Prefer: outlook.body-content-type="text"`. Without it, bodies come
    /// back as HTML ("Specify Prefer: outlook.body-content-type="html", or
    /// just skip the header, to return the message body in HTML format":
    /// api-reference/v1.0/api/message-get.md).
    pub text_body: bool,
    /// `Prefer: outlook.timezone="…"`: times the service writes (an
    /// answer's "Sent:" line) in that zone (message-createreply.md lists the
    /// header), as an offset in minutes; `None`: UTC.
    pub time_zone: Option<(i32, &'static str)>,
}

/// The zones the emulator knows (standard offsets, as in December; the
/// real service applies daylight saving too).
const ZONES: &[(&str, i32)] = &[
    ("UTC", 0),
    ("GMT Standard Time", 0),
    ("W. Europe Standard Time", 60),
    ("Romance Standard Time", 60),
    ("Eastern Standard Time", -300),
    ("Central Standard Time", -360),
    ("Pacific Standard Time", -480),
    ("Tokyo Standard Time", 540),
    ("Israel Standard Time", 120),
];

impl Prefs {
    fn of(headers: &axum::http::HeaderMap) -> Prefs {
        let mut p = Prefs::default();
        for v in headers
            .get_all("prefer")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            for item in v.split(',') {
                let item: String = item
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if let Some(name) = item
                    .strip_prefix("outlook.timezone=\"")
                    .and_then(|z| z.strip_suffix('"'))
                {
                    // Spaces were squeezed out above: compare without them.
                    p.time_zone = ZONES
                        .iter()
                        .find(|(n, _)| n.replace(' ', "").eq_ignore_ascii_case(name))
                        .map(|(n, o)| (*o, *n));
                    continue;
                }
                match item.as_str() {
                    "idtype=\"immutableid\"" => p.immutable_ids = true,
                    "outlook.body-content-type=\"text\"" => p.text_body = true,
                    "outlook.body-content-type=\"html\"" => p.text_body = false,
                    _ => {}
                }
            }
        }
        p
    }
}

/// `/v1.0/users('$x@y.com')/…` → `/v1.0/users/%24x%40y.com/…`, marked as
/// quoted. A UPN that begins with `$` must be written this way: "the GET
/// request URL syntax `/users/$x@y.com` fails with a 400 Bad Request"
/// (api-reference/v1.0/api/user-get.md); inside the quotes `'` is doubled.
fn normalize_users_key(mut req: Request) -> Request {
    let path = req.uri().path();
    let Some(rest) = path.strip_prefix("/v1.0/users('") else {
        return req;
    };
    let Some(end) = rest.find("')") else {
        return req;
    };
    let raw = percent_encoding::percent_decode_str(&rest[..end]).decode_utf8_lossy();
    let upn = raw.replace("''", "'");
    let seg: String =
        percent_encoding::utf8_percent_encode(&upn, percent_encoding::NON_ALPHANUMERIC).to_string();
    let tail = &rest[end + 2..];
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    if let Ok(uri) = format!("/v1.0/users/{seg}{tail}{query}").parse() {
        *req.uri_mut() = uri;
        req.extensions_mut().insert(QuotedUser);
    }
    req
}

/// The request named its mailbox as `/users('…')`.
#[derive(Clone, Copy, Debug)]
struct QuotedUser;

/// The mailbox a `/users/{key}/…` path names, decoded (`None` for `/me`).
fn path_user(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/v1.0/users/")?;
    let seg = rest.split('/').next().unwrap_or("");
    Some(
        percent_encoding::percent_decode_str(seg)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

/// The permissions a request needs (any one of them), as each API's
/// permissions table gives them: messages and attachments
/// (user-post-messages, message-update, message-get: Mail.ReadWrite; reading:
/// Mail.ReadBasic/Mail.Read), another user's mailbox the `.Shared` forms
/// (concepts/outlook-share-messages-folders.md), people (People.Read,
/// concepts/people-example.md), master categories (MailboxSettings.Read,
/// outlookuser-list-mastercategories), MailTips (Mail.Read,
/// user-getmailtips), `/me` (User.Read, user-get).
fn required_scopes(method: &str, path: &str, own: bool) -> Option<&'static [&'static str]> {
    let tail = if let Some(t) = path.strip_prefix("/v1.0/me") {
        t
    } else if let Some(rest) = path.strip_prefix("/v1.0/users/") {
        rest.find('/').map(|i| &rest[i..]).unwrap_or("")
    } else {
        return None;
    };
    let read = method == "GET";
    Some(match tail {
        "" => &[
            "User.Read",
            "User.ReadWrite",
            "User.ReadBasic.All",
            "User.Read.All",
        ],
        "/people" => &["People.Read", "People.Read.All"],
        "/outlook/masterCategories" | "/mailboxSettings/timeZone" => {
            &["MailboxSettings.Read", "MailboxSettings.ReadWrite"]
        }
        "/getMailTips" => &["Mail.Read", "Mail.Read.Shared"],
        t if t.ends_with("/send") => {
            if own {
                &["Mail.Send"]
            } else {
                &["Mail.Send.Shared"]
            }
        }
        _ => match (own, read) {
            (true, true) => &["Mail.ReadBasic", "Mail.Read", "Mail.ReadWrite"],
            (true, false) => &["Mail.ReadWrite"],
            (false, true) => &["Mail.Read.Shared", "Mail.ReadWrite.Shared"],
            (false, false) => &["Mail.ReadWrite.Shared"],
        },
    })
}

/// Builds a Graph error response.
fn error(ctx: &Ctx, status: u16, code: &str, message: &str) -> Response {
    let body = json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": now_iso().trim_end_matches('Z'),
                "request-id": ctx.request_id,
                "client-request-id": ctx.client_request_id,
            }
        }
    });
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(body)).into_response()
}

/// `404 ErrorItemNotFound`, as Graph words it.
fn not_found(ctx: &Ctx) -> Response {
    error(
        ctx,
        404,
        "ErrorItemNotFound",
        "The specified object was not found in the store.",
    )
}

fn now_iso() -> String {
    let now = time::OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    now.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn unknown_segment(axum::Extension(ctx): axum::Extension<Ctx>, req: Request) -> Response {
    let seg = req
        .uri()
        .path()
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_string();
    error(
        &ctx,
        400,
        "BadRequest",
        &format!("Resource not found for the segment '{seg}'."),
    )
}

struct InFlight<'a>(&'a AtomicUsize);
impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Every request passes here: ids, auth, throttling, injected faults, the log.
// Long by design: one table of the checks Graph makes before any handler
// (auth, throttling, faults, size), in the order the service makes them.
async fn gate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ctx = Ctx {
        request_id: uuid::Uuid::new_v4().to_string(),
        client_request_id: req
            .headers()
            .get("client-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
        prefs: Prefs::of(req.headers()),
    };
    req.extensions_mut().insert(ctx.clone());
    let req_wire = req
        .extensions()
        .get::<axum::extract::ConnectInfo<wire::Wire>>()
        .cloned();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();

    let is_batch = path == "/v1.0/$batch";
    let fault = {
        // Each matching fault counts this request; the first one due fires.
        let mut mb = state.lock();
        let mut fire = None;
        for (i, f) in mb.faults.iter_mut().enumerate() {
            if !f.matches(&method, &path) {
                continue;
            }
            if f.skip > 0 {
                f.skip -= 1;
            } else if fire.is_none() {
                fire = Some(i);
            }
        }
        fire.and_then(|i| mb.faults.remove(i))
    };

    // The batch envelope itself is not a mailbox request; its inner requests are.
    let counted = if is_batch {
        None
    } else {
        Some(InFlight(&state.in_flight))
    };
    let concurrent = if is_batch {
        0
    } else {
        state.in_flight.fetch_add(1, Ordering::SeqCst) + 1
    };
    let _guard = counted;

    // Upload URLs are pre-authorised by the token inside them.
    let auth = if path.starts_with("/upload/") {
        Ok(())
    } else {
        authorize(&state, &req, &ctx).and_then(|scopes| {
            let user = path_user(&path);
            if user.as_deref().is_some_and(|u| u.starts_with('$'))
                && req.extensions().get::<QuotedUser>().is_none()
            {
                return Err(error(
                    &ctx,
                    400,
                    "BadRequest",
                    "Resource not found for the segment: a key beginning with '$' must be written users('$…').",
                ));
            }
            let own = user.is_none_or(|u| {
                let c = &state.config;
                u.eq_ignore_ascii_case(&c.user_principal_name)
                    || u.eq_ignore_ascii_case(&c.user_object_id)
            });
            match (scopes, required_scopes(&method, &path, own)) {
                (Some(have), Some(need))
                    if !need
                        .iter()
                        .any(|n| have.iter().any(|h| h.eq_ignore_ascii_case(n))) =>
                {
                    Err(error(
                        &ctx,
                        403,
                        "ErrorAccessDenied",
                        "Access is denied. Check credentials and try again.",
                    ))
                }
                _ => Ok(()),
            }
        })
    };
    let mut resp = match (auth, fault.map(|f| f.action)) {
        (Err(resp), _) => resp,
        (
            Ok(()),
            Some(FaultAction::Respond {
                status,
                code,
                message,
                retry_after,
            }),
        ) => {
            // The whole request is read first, as a front end that answers
            // it would, so the client sees this answer, not a reset.
            let _ = axum::body::to_bytes(req.into_body(), usize::MAX).await;
            let mut r = if status == 429 {
                // Outlook's throttling body has no innerError.
                let status = StatusCode::TOO_MANY_REQUESTS;
                (
                    status,
                    axum::Json(json!({"error": {"code": code, "message": message}})),
                )
                    .into_response()
            } else {
                error(&ctx, status, &code, &message)
            };
            if let Some(ra) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                r.headers_mut().insert("retry-after", ra);
            }
            r
        }
        (Ok(()), Some(FaultAction::DropBefore)) => {
            record(&state, &ctx, &method, &path, 0, 0);
            // Unwinding ends this connection's task: the socket closes with no answer.
            std::panic::resume_unwind(Box::new("emulator: drop connection"));
        }
        (Ok(()), Some(FaultAction::DropAfter)) => {
            let r = next.run(req).await;
            record(&state, &ctx, &method, &path, r.status().as_u16(), 0);
            std::panic::resume_unwind(Box::new("emulator: drop connection"));
        }
        (Ok(()), Some(FaultAction::Delay(d))) => {
            tokio::time::sleep(d).await;
            next.run(req).await
        }
        (Ok(()), Some(FaultAction::DelayAfter(d))) => {
            let r = next.run(req).await;
            tokio::time::sleep(d).await;
            r
        }
        (Ok(()), Some(FaultAction::BreakBody)) => {
            let r = next.run(req).await;
            let (parts, body) = r.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            let mut parts = parts;
            parts.headers.remove("content-length");
            Response::from_parts(parts, axum::body::Body::from(half))
        }
        (Ok(()), Some(FaultAction::HugeBody(n))) => {
            let chunk = bytes::Bytes::from(vec![b' '; 64 * 1024]);
            let chunks = n / chunk.len() + 1;
            let stream = futures_util::stream::iter(
                (0..chunks).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
            );
            let mut r = Response::new(axum::body::Body::from_stream(stream));
            r.headers_mut()
                .insert("content-type", HeaderValue::from_static("application/json"));
            r
        }
        (Ok(()), Some(FaultAction::Redirect { status, to })) => {
            let mut r = Response::new(axum::body::Body::empty());
            *r.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::TEMPORARY_REDIRECT);
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert("location", v);
            }
            r
        }
        (Ok(()), None) if !is_batch && let Some(wait) = state.over_rate(&path) => {
            // The message text for this limit is not documented; the code,
            // status and Retry-After are (throttling.md).
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({"error": {"code": "ApplicationThrottled",
                    "message": "Application is over its MailboxRequests limit."}})),
            )
                .into_response();
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            if let Ok(v) = HeaderValue::from_str(&secs.max(1).to_string()) {
                r.headers_mut().insert("retry-after", v);
            }
            r
        }
        (Ok(()), None) if concurrent > state.config.max_concurrent => {
            let mut r = (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(json!({"error": {"code": "ApplicationThrottled",
                    "message": "Application is over its MailboxConcurrency limit."}})),
            )
                .into_response();
            r.headers_mut()
                .insert("retry-after", HeaderValue::from_static("1"));
            r
        }
        (Ok(()), None) => {
            if !is_batch && let Some(d) = state.latency() {
                tokio::time::sleep(d).await;
            }
            next.run(req).await
        }
    };
    let micros = started.elapsed().as_micros() as u64;
    let entry = record(&state, &ctx, &method, &path, resp.status().as_u16(), micros);
    if let Some(axum::extract::ConnectInfo(wire)) = req_wire {
        wire.logged(entry);
    }
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&ctx.request_id) {
        h.insert("request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&ctx.client_request_id) {
        h.insert("client-request-id", v);
    }
    resp
}

/// Logs a request; returns its place in the log.
fn record(state: &Shared, ctx: &Ctx, method: &str, path: &str, status: u16, micros: u64) -> usize {
    let mut mb = state.lock();
    mb.log.push(RequestRecord {
        method: method.to_string(),
        path: path.to_string(),
        status,
        micros,
        wire_micros: 0,
        client_request_id: ctx.client_request_id.clone(),
    });
    mb.log.len() - 1
}

/// Checks the bearer token; its scopes when it carries any.
fn authorize(state: &Shared, req: &Request, ctx: &Ctx) -> Result<Option<Vec<String>>, Response> {
    let auth = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let message = match auth.strip_prefix("Bearer ") {
        None if auth.is_empty() => "Access token is empty.",
        None => "Authorization header is not a Bearer token.",
        Some(t) => {
            let t = t.trim();
            let mb = state.lock();
            if mb.tokens.iter().any(|ok| ok == t) {
                return Ok(mb.token_scopes.clone());
            }
            match mb.identity.access_state(t) {
                Some((true, scopes)) => return Ok(Some(scopes)),
                Some((false, _)) => "Access token has expired or is not yet valid.",
                None => "CompactToken parsing failed with error code: 80049217",
            }
        }
    };
    let mut r = error(ctx, 401, "InvalidAuthenticationToken", message);
    r.headers_mut().insert(
        "www-authenticate",
        HeaderValue::from_static(
            "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
        ),
    );
    Err(r)
}
