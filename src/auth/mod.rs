//! Signing in with the Microsoft identity platform: the device authorization
//! grant (works on a headless machine over ssh), refresh with rotation, and a
//! private token cache per profile.

pub mod command;
pub mod device;
pub mod store;
pub(crate) mod tokens;

pub use command::AccessToken;
use serde::{Deserialize, Serialize};
use url::Url;

/// The well-known public client id of "Microsoft Graph Command Line Tools".
/// A fallback so graft works out of the box; organisations should register their own.
pub const DEFAULT_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub(crate) const DEFAULT_TENANT: &str = "common";
pub(crate) const DEFAULT_AUTHORITY: &str = "https://login.microsoftonline.com";

/// Where the Graph client's access tokens come from, decided once at start
/// and handed to the client (which asks again through it when Graph refuses
/// a token).
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A token given outright (`GRAFT_ACCESS_TOKEN`, the demo), or none.
    Fixed(Option<AccessToken>),
    /// `--token-cmd`: its first token, and the command, run again (within
    /// `timeout`) when Graph refuses the token.
    Command {
        token: Option<AccessToken>,
        cmd: String,
        timeout: std::time::Duration,
    },
    /// Device-code sign-in: tokens from the profile's `store`, refreshed there.
    SignIn {
        cfg: AuthConfig,
        store: store::TokenStore,
    },
}

impl From<Option<AccessToken>> for Credentials {
    fn from(token: Option<AccessToken>) -> Self {
        Credentials::Fixed(token)
    }
}

/// Where and as whom to sign in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthConfig {
    pub authority: Url,
    pub tenant: String,
    pub client_id: String,
    /// Space-separated scopes, with the cloud's Graph host.
    pub scopes: String,
}

/// A part of graft that needs a permission beyond drafting itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Feature {
    /// Completion from the directory and names resolved to addresses
    /// (`/me/people`: People.Read, concepts/people-example.md).
    PeopleSearch,
    /// The mailbox's category list in the F3 panel (`masterCategories`:
    /// MailboxSettings.Read, outlookuser-list-mastercategories).
    Categories,
    /// The mailbox's real message size limit (`getMailTips`: Mail.Read,
    /// user-getmailtips).
    MailTips,
    /// Drafts in another (shared) mailbox (`/users/{id}`: the `.Shared`
    /// permissions, concepts/outlook-share-messages-folders.md).
    SharedMailbox,
}

impl Feature {
    /// The delegated permission it needs.
    pub(crate) fn scope(self) -> &'static str {
        match self {
            Feature::PeopleSearch => "People.Read",
            Feature::Categories => "MailboxSettings.Read",
            Feature::MailTips => "Mail.Read",
            Feature::SharedMailbox => "Mail.ReadWrite.Shared",
        }
    }
    /// What the user loses without it, as a sentence start.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Feature::PeopleSearch => "People search (completion and names without an address)",
            Feature::Categories => "Your mailbox's categories in the F3 panel",
            Feature::MailTips => {
                "Learning the mailbox's message size limit and what the tenant says of recipients"
            }
            Feature::SharedMailbox => "Saving into the other mailbox",
        }
    }
    /// Whether a token with these scopes (`None`: not known) may use it.
    pub(crate) fn granted(self, scopes: Option<&[String]>) -> bool {
        scopes.is_none_or(|s| s.iter().any(|x| x.eq_ignore_ascii_case(self.scope())))
    }
}

/// The features a profile turns on (each costs a permission at sign-in).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    pub people_search: bool,
    pub categories: bool,
    pub mail_tips: bool,
    /// Drafts go to `/users/{user}` (set by `--user` / `user =`).
    pub shared_mailbox: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            people_search: true,
            categories: true,
            mail_tips: true,
            shared_mailbox: false,
        }
    }
}

impl Features {
    /// The features switched on, in order.
    pub(crate) fn on(&self) -> Vec<Feature> {
        [
            (self.people_search, Feature::PeopleSearch),
            (self.categories, Feature::Categories),
            (self.mail_tips, Feature::MailTips),
            (self.shared_mailbox, Feature::SharedMailbox),
        ]
        .into_iter()
        .filter_map(|(on, f)| on.then_some(f))
        .collect()
    }
}

impl AuthConfig {
    /// Scopes for drafting with the default features: Mail.ReadWrite,
    /// offline_access (refresh), User.Read (whoami), and what the default
    /// features need; Mail.Send only when sending is enabled.
    pub fn scopes_for(graph_root: &Url, send: bool) -> String {
        let mut s = Self::scopes_with(graph_root, &Features::default());
        if send {
            s.push_str(&format!(" {}/Mail.Send", scope_host(graph_root)));
        }
        s
    }

    /// Scopes for drafting and each feature that is on, on the cloud's Graph
    /// host ("any scope that includes a host must use that cloud's Graph
    /// host": concepts/sdks/national-clouds.md).
    pub fn scopes_with(graph_root: &Url, features: &Features) -> String {
        let host = scope_host(graph_root);
        let mut s = format!("{host}/Mail.ReadWrite offline_access {host}/User.Read");
        for f in features.on() {
            s.push_str(&format!(" {host}/{}", f.scope()));
        }
        s
    }

    fn endpoint(&self, name: &str) -> Url {
        let mut u = self.authority.clone();
        if let Ok(mut segs) = u.path_segments_mut() {
            segs.pop_if_empty()
                .extend([self.tenant.as_str(), "oauth2", "v2.0", name]);
        }
        u
    }
}

/// The resource part of a scope: the cloud's Graph host (the global one
/// for a loopback emulator).
fn scope_host(graph_root: &Url) -> String {
    match graph_root.host_str() {
        Some(h) if h == "127.0.0.1" || h == "localhost" => "https://graph.microsoft.com".into(),
        Some(h) => format!("{}://{h}", graph_root.scheme()),
        None => "https://graph.microsoft.com".into(),
    }
}

/// `https://graph.microsoft.com/Mail.ReadWrite openid` → `["Mail.ReadWrite", "openid"]`.
pub(crate) fn short_scopes(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|sc| sc.rsplit('/').next().unwrap_or(sc).to_string())
        .filter(|sc| !sc.is_empty())
        .collect()
}

/// What the cache holds for a profile. Never printed or logged.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TokenSet {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Unix seconds.
    pub(crate) expires_at: u64,
    /// `user@contoso.com`, learnt from `GET /me` after sign-in.
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub(crate) tenant: String,
    #[serde(default)]
    pub(crate) client_id: String,
    /// The scopes the token carries, as the token answer listed them (short
    /// names); `None` for tokens stored before graft kept them.
    #[serde(default)]
    pub(crate) scopes: Option<Vec<String>>,
    /// The authority that issued them and the Graph root they were
    /// issued for: they are sent there only. Empty in tokens stored before
    /// graft kept them.
    #[serde(default)]
    pub(crate) authority: String,
    #[serde(default)]
    pub(crate) graph_root: String,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("expires_at", &self.expires_at)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

pub(crate) fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl TokenSet {
    /// Why these tokens may not be used with `cfg` and the Graph root
    /// `root` (`None`: they may). Tokens stored before graft recorded where
    /// they belong are never sent to a root on this machine, where any
    /// program could be listening.
    pub(crate) fn not_for(&self, cfg: &AuthConfig, root: &Url) -> Option<String> {
        let differs = |stored: &str, now: &str| !stored.is_empty() && stored != now;
        if differs(&self.graph_root, root.as_str()) {
            return Some(format!("for the Graph root {}", self.graph_root));
        }
        if self.graph_root.is_empty() && crate::util::is_loopback(root) {
            return Some("from before graft recorded where a sign-in belongs".into());
        }
        if differs(&self.authority, cfg.authority.as_str()) {
            return Some(format!("from the authority {}", self.authority));
        }
        if differs(&self.tenant, &cfg.tenant) {
            return Some(format!("for the tenant {}", self.tenant));
        }
        if differs(&self.client_id, &cfg.client_id) {
            return Some(format!("for the app {}", self.client_id));
        }
        None
    }

    /// Refresh this long before expiry, so a save never meets an expired token.
    pub(crate) const REFRESH_MARGIN: u64 = 300;

    pub fn needs_refresh(&self) -> bool {
        now_secs() + Self::REFRESH_MARGIN >= self.expires_at
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthErrorKind {
    /// The user refused at the sign-in page.
    Declined,
    /// The code ran out before the user finished.
    Expired,
    /// The service did not recognise the device code.
    BadCode,
    /// The refresh token is expired or revoked: sign in again.
    InvalidGrant,
    /// No answer from the identity service.
    Network,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError {
    pub kind: AuthErrorKind,
    pub(crate) error: String,
    pub(crate) description: String,
}

impl AuthError {
    /// The `AADSTSnnnn` code, if the description has one.
    pub fn aadsts(&self) -> Option<&str> {
        let i = self.description.find("AADSTS")?;
        let rest = &self.description[i..];
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// A sentence for the user: what happened and, for AADSTS errors, what it usually means.
    pub fn explain(&self) -> String {
        let base = match self.kind {
            AuthErrorKind::Declined => "Sign-in was declined at the sign-in page.".to_string(),
            AuthErrorKind::Expired => {
                "The sign-in code expired before sign-in finished; run it again.".to_string()
            }
            AuthErrorKind::BadCode => {
                "The identity service did not recognise the sign-in code.".to_string()
            }
            AuthErrorKind::InvalidGrant => {
                "The saved sign-in has expired or was revoked; sign in again.".to_string()
            }
            AuthErrorKind::Network => {
                format!("Could not reach the identity service: {}", self.description)
            }
            AuthErrorKind::Other => format!("{}: {}", self.error, first_line(&self.description)),
        };
        match self.aadsts().and_then(aadsts_meaning) {
            Some(m) => format!("{base} ({}: {m})", self.aadsts().unwrap_or_default()),
            None => base,
        }
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// What common AADSTS codes usually mean for a terminal app.
pub(crate) fn aadsts_meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "AADSTS7000218" => {
            "public client flows are disabled on the app registration (turn on \"Allow public client flows\")"
        }
        "AADSTS700025" => "a public client must not send a secret",
        "AADSTS700016" => {
            "the client id is not registered in this tenant (check --client-id and --tenant)"
        }
        "AADSTS65001" | "AADSTS90094" => "an administrator must consent to this app's permissions",
        "AADSTS65002" => {
            "this first-party client id cannot request Graph mail scopes; use another client id"
        }
        "AADSTS50020" => {
            "the account is not in this tenant (try --tenant common or the right tenant)"
        }
        "AADSTS53003" => "blocked by a Conditional Access policy",
        "AADSTS50076" | "AADSTS50079" => "multi-factor authentication is required",
        "AADSTS70008" => "the refresh token expired or was revoked",
        "AADSTS50126" => "wrong user name or password",
        _ => return None,
    })
}

#[derive(Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: String,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    /// The scopes the token carries, which can be fewer than asked for
    /// (entra-docs v2-oauth2-auth-code-flow.md: "The scopes that the
    /// access_token is valid for").
    #[serde(default)]
    scope: Option<String>,
}

async fn post_form(
    http: &reqwest::Client,
    url: Url,
    form: &[(&str, &str)],
) -> Result<(reqwest::StatusCode, bytes::Bytes), AuthError> {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    let resp = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .map_err(network)?;
    let status = resp.status();
    let bytes = resp.bytes().await.map_err(network)?;
    Ok((status, bytes))
}

fn network(e: reqwest::Error) -> AuthError {
    AuthError {
        kind: AuthErrorKind::Network,
        error: "network".into(),
        description: crate::util::sanitize::line(&e.to_string()),
    }
}

fn oauth_error(bytes: &[u8], status: reqwest::StatusCode) -> AuthError {
    match serde_json::from_slice::<OAuthError>(bytes) {
        Ok(e) => {
            let kind = match e.error.as_str() {
                "authorization_declined" | "access_denied" => AuthErrorKind::Declined,
                "expired_token" => AuthErrorKind::Expired,
                "bad_verification_code" => AuthErrorKind::BadCode,
                "invalid_grant" | "interaction_required" | "consent_required" => {
                    AuthErrorKind::InvalidGrant
                }
                _ => AuthErrorKind::Other,
            };
            AuthError {
                kind,
                error: crate::util::sanitize::line(&e.error),
                description: crate::util::sanitize::clean(&e.error_description, true),
            }
        }
        Err(_) => AuthError {
            kind: AuthErrorKind::Other,
            error: format!("HTTP {status}"),
            description: crate::util::sanitize::line(
                &String::from_utf8_lossy(bytes)
                    .chars()
                    .take(200)
                    .collect::<String>(),
            ),
        },
    }
}

fn token_set(
    cfg: &AuthConfig,
    bytes: &[u8],
    previous_account: Option<String>,
) -> Result<TokenSet, AuthError> {
    let t: TokenResponse = serde_json::from_slice(bytes).map_err(|e| AuthError {
        kind: AuthErrorKind::Other,
        error: "bad_response".into(),
        description: e.to_string(),
    })?;
    Ok(TokenSet {
        access_token: t.access_token,
        refresh_token: t.refresh_token,
        expires_at: now_secs() + t.expires_in.unwrap_or(3600),
        account: previous_account,
        tenant: cfg.tenant.clone(),
        client_id: cfg.client_id.clone(),
        scopes: t.scope.as_deref().map(short_scopes),
        authority: cfg.authority.to_string(),
        graph_root: String::new(),
    })
}

/// The refresh grant. The answer carries a new refresh token: keep it, drop the old one.
pub async fn refresh(
    http: &reqwest::Client,
    cfg: &AuthConfig,
    current: &TokenSet,
) -> Result<TokenSet, AuthError> {
    let Some(rt) = current.refresh_token.as_deref() else {
        return Err(AuthError {
            kind: AuthErrorKind::InvalidGrant,
            error: "no_refresh_token".into(),
            description: "no refresh token is stored".into(),
        });
    };
    let (status, bytes) = post_form(
        http,
        cfg.endpoint("token"),
        &[
            ("client_id", cfg.client_id.as_str()),
            ("grant_type", "refresh_token"),
            ("refresh_token", rt),
            ("scope", cfg.scopes.as_str()),
        ],
    )
    .await?;
    if !status.is_success() {
        let e = oauth_error(&bytes, status);
        tracing::warn!(error = %e.error, aadsts = e.aadsts().unwrap_or("-"), "token refresh failed");
        return Err(e);
    }
    tracing::info!("token refreshed");
    token_set(cfg, &bytes, current.account.clone()).map(|mut t| {
        t.graph_root = current.graph_root.clone();
        t
    })
}
