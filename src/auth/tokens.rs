//! The token a request carries, owned by the sign-in side: a fixed token, a
//! command run again when Graph refuses one, or signed-in tokens refreshed
//! shortly before they expire (and after a refusal). The Graph client asks
//! for the token to send and, after a 401, for a different one; it never
//! sees how they are kept.

use super::store::TokenStore;
use super::{AccessToken, AuthConfig, AuthErrorKind, Credentials, TokenSet};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use url::Url;

/// Why there is no token to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TokenError {
    pub(crate) kind: TokenErrorKind,
    pub(crate) message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenErrorKind {
    /// No token was given at all.
    NoToken,
    /// Not signed in, or the sign-in is no longer valid: sign in again.
    SignInNeeded,
    /// The identity service could not be reached and the token has expired.
    Unreachable,
}

impl TokenError {
    fn sign_in(why: &str) -> TokenError {
        TokenError {
            kind: TokenErrorKind::SignInNeeded,
            message: why.to_string(),
        }
    }
}

/// Where this session's tokens come from, shared by every clone of the client.
#[derive(Clone, Debug)]
pub(crate) struct Tokens {
    /// A fixed token, or the command's latest.
    token: Arc<RwLock<Option<AccessToken>>>,
    /// Run again (once) when Graph refuses the token mid-session.
    token_cmd: Option<String>,
    /// How long the token command may run.
    token_timeout: Duration,
    /// Signed-in tokens (cache, refresh), when no fixed token was given.
    signin: Option<Arc<SignIn>>,
}

/// Sign-in settings and the cached tokens, shared by every clone of the client.
#[derive(Debug)]
pub struct SignIn {
    pub(crate) cfg: AuthConfig,
    pub(crate) store: TokenStore,
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
    pub(crate) fn set_aside(&self) -> Option<&str> {
        self.set_aside.as_deref()
    }

    pub(crate) async fn current(&self) -> Option<TokenSet> {
        self.tokens.lock().await.clone()
    }
}

impl Tokens {
    /// Tokens from `credentials` for the Graph root `root`: signed-in
    /// tokens issued for another root, authority, tenant or app are never
    /// taken.
    pub(crate) fn new(credentials: impl Into<Credentials>, root: &Url) -> Tokens {
        let mut t = Tokens {
            token: Arc::new(RwLock::new(None)),
            token_cmd: None,
            token_timeout: super::command::TOKEN_CMD_TIMEOUT,
            signin: None,
        };
        match credentials.into() {
            Credentials::Fixed(token) => t.token = Arc::new(RwLock::new(token)),
            Credentials::Command {
                token,
                cmd,
                timeout,
            } => {
                t.token = Arc::new(RwLock::new(token));
                // Run again (once a request) when Graph answers 401.
                t.token_cmd = Some(cmd);
                t.token_timeout = timeout;
            }
            Credentials::SignIn { cfg, store } => {
                let mut set_aside = None;
                let tokens = store.load().filter(|t| {
                    set_aside = t.not_for(&cfg, root);
                    set_aside.is_none()
                });
                t.signin = Some(Arc::new(SignIn {
                    cfg,
                    store,
                    tokens: tokio::sync::Mutex::new(tokens),
                    set_aside,
                }));
            }
        }
        t
    }

    pub(crate) fn sign_in(&self) -> Option<&SignIn> {
        self.signin.as_deref()
    }

    /// The scopes the current token carries, when known (signed-in tokens
    /// say; a token from `GRAFT_ACCESS_TOKEN` or `--token-cmd` does not).
    pub(crate) async fn granted(&self) -> Option<Vec<String>> {
        self.signin.as_ref()?.current().await?.scopes
    }

    /// Stores freshly signed-in tokens (memory and cache file), bound to
    /// the Graph root `root` and the authority that issued them.
    pub(crate) async fn set_tokens(&self, mut tokens: TokenSet, root: &Url) -> std::io::Result<()> {
        let Some(s) = &self.signin else {
            return Ok(());
        };
        tokens.graph_root = root.to_string();
        tokens.authority = s.cfg.authority.to_string();
        let saved = s.store.save(&tokens);
        *s.tokens.lock().await = Some(tokens);
        saved
    }

    /// Records the signed-in account with the current tokens (which a refresh
    /// may have replaced since sign-in).
    pub(crate) async fn set_account(&self, account: &str) -> std::io::Result<()> {
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

    /// The token to send now. Signed-in tokens are refreshed shortly before
    /// they expire (through `http`, the session's one connection pool).
    pub(crate) async fn bearer(
        &self,
        http: &reqwest::Client,
        root: &Url,
    ) -> Result<AccessToken, TokenError> {
        let Some(s) = &self.signin else {
            return self.token.read().ok().and_then(|t| t.clone()).ok_or_else(|| TokenError {
                kind: TokenErrorKind::NoToken,
                message: "No access token: set GRAFT_ACCESS_TOKEN or pass --token-cmd (or try --demo).".into(),
            });
        };
        let mut slot = s.tokens.lock().await;
        let Some(current) = slot.clone() else {
            return Err(TokenError::sign_in(&match &s.set_aside {
                Some(why) => format!(
                    "Not signed in for {root}: the profile's stored sign-in is {why}, and is not sent here."
                ),
                None => "Not signed in.".to_string(),
            }));
        };
        if current.needs_refresh() {
            match super::refresh(http, &s.cfg, &current).await {
                Ok(fresh) => {
                    let _ = s.store.save(&fresh);
                    *slot = Some(fresh);
                }
                Err(e) if e.kind == AuthErrorKind::InvalidGrant => {
                    *slot = None;
                    let _ = s.store.delete();
                    return Err(TokenError::sign_in(&e.explain()));
                }
                // Offline: the old token may still be good for a few minutes.
                Err(e) if super::now_secs() >= current.expires_at => {
                    return Err(TokenError {
                        kind: TokenErrorKind::Unreachable,
                        message: e.explain(),
                    });
                }
                Err(_) => {}
            }
        }
        slot.as_ref()
            .and_then(|t| AccessToken::new(t.access_token.clone()))
            .ok_or_else(|| TokenError::sign_in("Not signed in."))
    }

    /// After a 401: get a different token if possible (re-run the command, or refresh).
    pub(crate) async fn renew_after_401(
        &self,
        http: &reqwest::Client,
        refused: &AccessToken,
    ) -> bool {
        if let Some(s) = &self.signin {
            let mut slot = s.tokens.lock().await;
            let Some(current) = slot.clone() else {
                return false;
            };
            if current.access_token != refused.secret() {
                return true; // another request refreshed it meanwhile
            }
            return match super::refresh(http, &s.cfg, &current).await {
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
        self.run_command_again().await
    }

    async fn run_command_again(&self) -> bool {
        let Some(cmd) = self.token_cmd.clone() else {
            return false;
        };
        let timeout = self.token_timeout;
        let fresh = tokio::task::spawn_blocking(move || {
            super::command::run_token_cmd(&cmd, false, timeout)
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

    /// Signed in once, and the tokens have since been dropped (the
    /// refresh token was refused).
    pub(crate) async fn sign_in_gone(&self) -> bool {
        match &self.signin {
            Some(s) => s.tokens.lock().await.is_none(),
            None => false,
        }
    }
}
