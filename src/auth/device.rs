//! The device authorization grant (RFC 8628) against `/{tenant}/oauth2/v2.0/devicecode`.

use super::{AuthConfig, AuthError, TokenSet, oauth_error, post_form, token_set};
use serde::Deserialize;
use std::time::Duration;

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct DeviceCode {
    pub device_code: String,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: u64,
    #[serde(default)]
    pub interval: Option<u64>,
    /// The service's own instructions (URL and code), shown as given.
    pub message: String,
}

impl DeviceCode {
    /// Seconds between polls: the service's `interval`, 5 when absent (as MSAL does).
    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.interval.unwrap_or(5).max(1))
    }
}

#[derive(Debug)]
pub enum Poll {
    /// Keep polling after the interval.
    Pending,
    /// Keep polling, 5 seconds slower from now on (RFC 8628 §3.5).
    SlowDown,
    Done(TokenSet),
}

pub async fn start(http: &reqwest::Client, cfg: &AuthConfig) -> Result<DeviceCode, AuthError> {
    let (status, bytes) = post_form(
        http,
        cfg.endpoint("devicecode"),
        &[
            ("client_id", cfg.client_id.as_str()),
            ("scope", cfg.scopes.as_str()),
        ],
    )
    .await?;
    if !status.is_success() {
        return Err(oauth_error(&bytes, status));
    }
    let mut dc: DeviceCode = serde_json::from_slice(&bytes).map_err(|e| AuthError {
        kind: super::AuthErrorKind::Other,
        error: "bad_response".into(),
        description: e.to_string(),
    })?;
    tracing::info!(expires_in = dc.expires_in, interval = ?dc.interval, "device code issued");
    dc.message = crate::util::sanitize::line(&dc.message);
    dc.user_code = crate::util::sanitize::line(&dc.user_code);
    dc.verification_uri = crate::util::sanitize::line(&dc.verification_uri);
    Ok(dc)
}

pub async fn poll(
    http: &reqwest::Client,
    cfg: &AuthConfig,
    dc: &DeviceCode,
) -> Result<Poll, AuthError> {
    let (status, bytes) = post_form(
        http,
        cfg.endpoint("token"),
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", cfg.client_id.as_str()),
            ("device_code", dc.device_code.as_str()),
        ],
    )
    .await?;
    if status.is_success() {
        tracing::info!("device sign-in approved");
        return token_set(cfg, &bytes, None).map(Poll::Done);
    }
    let e = oauth_error(&bytes, status);
    tracing::debug!(error = %e.error, "device code poll");
    match e.error.as_str() {
        "authorization_pending" => Ok(Poll::Pending),
        "slow_down" => Ok(Poll::SlowDown),
        _ => Err(e),
    }
}

/// Polls until the user finishes, obeying `interval` and backing off on `slow_down`.
/// `tick` is called before each wait with the seconds left on the code.
pub async fn wait_for_tokens(
    http: &reqwest::Client,
    cfg: &AuthConfig,
    dc: &DeviceCode,
    mut tick: impl FnMut(u64),
) -> Result<TokenSet, AuthError> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(dc.expires_in);
    let mut interval = dc.interval();
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        if left.is_zero() {
            return Err(AuthError {
                kind: super::AuthErrorKind::Expired,
                error: "expired_token".into(),
                description: "the sign-in code expired".into(),
            });
        }
        tick(left.as_secs());
        tokio::time::sleep(interval.min(left)).await;
        match poll(http, cfg, dc).await? {
            Poll::Pending => {}
            Poll::SlowDown => interval += Duration::from_secs(5),
            Poll::Done(t) => return Ok(t),
        }
    }
}
