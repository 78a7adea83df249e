//! The Microsoft identity platform, emulated: device code sign-in (RFC 8628)
//! with a scripted outcome, refresh with rotation, token expiry, and `GET /me`.

use super::{AppState, Ctx};
use axum::Extension;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// What the user does at the verification page, one step per poll.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceStep {
    /// Not yet: `authorization_pending`.
    Pending,
    /// The client polls too fast: `slow_down`.
    SlowDown,
    /// The user approved: tokens.
    Approve,
    /// The user refused: `authorization_declined`.
    Decline,
    /// The code ran out: `expired_token`.
    Expire,
}

struct DeviceSession {
    steps: VecDeque<DeviceStep>,
    expires: Instant,
    /// The scopes the client asked for (short names).
    requested: Vec<String>,
}

/// What a refresh token may be redeemed for.
struct Grant {
    /// Asked for at sign-in: a refresh may ask for these or fewer ("the
    /// scopes requested ... must be equivalent to or a subset of the scopes
    /// requested in the original authorization_code request leg":
    /// entra-docs v2-oauth2-auth-code-flow.md).
    requested: Vec<String>,
}

#[derive(Default)]
pub(super) struct Identity {
    device: HashMap<String, DeviceSession>,
    refresh: HashMap<String, Grant>,
    /// Access token → expiry and the scopes it carries.
    access: HashMap<String, (Instant, Vec<String>)>,
}

impl Identity {
    /// Whether this bearer token was issued here and is still valid, and its scopes.
    pub(super) fn access_state(&self, token: &str) -> Option<(bool, Vec<String>)> {
        self.access
            .get(token)
            .map(|(exp, scopes)| (Instant::now() < *exp, scopes.clone()))
    }
    pub(super) fn expire_access(&mut self) {
        let past = Instant::now() - Duration::from_secs(1);
        for v in self.access.values_mut() {
            v.0 = past;
        }
    }
    pub(super) fn revoke_refresh(&mut self) {
        self.refresh.clear();
    }
}

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/{tenant}/oauth2/v2.0/devicecode", post(devicecode))
        .route("/{tenant}/oauth2/v2.0/token", post(token))
}

pub(super) fn graph_routes() -> Router<AppState> {
    Router::new()
        .route("/v1.0/me", get(me))
        .route("/v1.0/me/outlook/masterCategories", get(master_categories))
        .route("/v1.0/me/people", get(people))
        .route("/v1.0/me/getMailTips", post(mail_tips))
        .route("/v1.0/me/mailboxSettings/timeZone", get(time_zone))
}

/// `GET /me/mailboxSettings/timeZone` (user-get-mailboxsettings.md,
/// "Get specific settings": `{"value": "Pacific Standard Time"}`).
async fn time_zone(State(state): State<AppState>) -> Response {
    axum::Json(serde_json::json!({
        "@odata.context": format!("{}/$metadata#users('{}')/mailboxSettings/timeZone", state.base_url, state.config.user_object_id),
        "value": state.config.time_zone,
    }))
    .into_response()
}

async fn people(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Response {
    // "By default, Microsoft Graph serves mailbox-only results ... To
    // retrieve organizational wide directory results, specify a HTTP header"
    // `X-PeopleQuery-QuerySources: Mailbox,Directory` (concepts/people-example.md).
    let directory = headers
        .get("x-peoplequery-querysources")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|s| s.trim().eq_ignore_ascii_case("directory"))
        });
    let term = q
        .get("$search")
        .map(|s| s.trim_matches('"').to_lowercase())
        .unwrap_or_default();
    let top: usize = q.get("$top").and_then(|t| t.parse().ok()).unwrap_or(10);
    let value: Vec<_> = state
        .config
        .people
        .iter()
        .filter(|p| p.in_mailbox || directory)
        .filter(|p| {
            // Every word typed starts a word of the name (or the address starts with it).
            let name = p.name.to_lowercase();
            term.is_empty()
                || p.address.to_lowercase().starts_with(&term)
                || term
                    .split_whitespace()
                    .all(|t| name.split_whitespace().any(|w| w.starts_with(t)))
        })
        .take(top)
        .map(
            |super::Person {
                 name,
                 address: addr,
                 ..
             }| {
                json!({
                    "id": uuid::Uuid::new_v4().to_string(),
                    "displayName": name,
                    "scoredEmailAddresses": [{"address": addr, "relevanceScore": 8.0}],
                    "personType": {"class": "Person", "subclass": "OrganizationUser"},
                })
            },
        )
        .collect();
    axum::Json(json!({ "value": value })).into_response()
}

/// `POST /me/getMailTips` (user-getmailtips.md): only `maxMessageSize` is
/// modelled, "the maximum message size that has been configured for the
/// recipient's organization or mailbox" (resources/mailtips.md), in bytes.
async fn mail_tips(
    State(state): State<AppState>,
    Extension(ctx): Extension<Ctx>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let m = match super::messages::check_body(&ctx, &headers, &body, state.config.max_body_bytes) {
        Ok(m) => m,
        Err(r) => return r,
    };
    let (Some(addresses), Some(options)) = (
        m.get("EmailAddresses").and_then(|v| v.as_array()),
        m.get("MailTipsOptions").and_then(|v| v.as_str()),
    ) else {
        return super::error(
            &ctx,
            400,
            "ErrorInvalidParameter",
            "EmailAddresses and MailTipsOptions are required.",
        );
    };
    let want = |name: &str| {
        options
            .split(',')
            .any(|o| o.trim().eq_ignore_ascii_case(name))
    };
    let value: Vec<_> = addresses
        .iter()
        .filter_map(|a| a.as_str())
        .map(|a| {
            let mut tip = json!({"emailAddress": {"name": "", "address": a}});
            if want("maxMessageSize") {
                tip["maxMessageSize"] = json!(state.config.max_message_bytes);
            }
            let known = state
                .config
                .recipient_tips
                .iter()
                .find(|t| t.address.eq_ignore_ascii_case(a));
            if want("recipientScope") {
                let domain = a.rsplit('@').next().unwrap_or("").to_lowercase();
                let inside = state
                    .config
                    .accepted_domains
                    .iter()
                    .any(|d| d.eq_ignore_ascii_case(&domain));
                tip["recipientScope"] = json!(if inside { "internal" } else { "external" });
            }
            if want("automaticReplies") {
                tip["automaticReplies"] = json!({
                    "message": known.and_then(|t| t.away.clone()).unwrap_or_default(),
                });
            }
            if let Some((n, ext)) = known.and_then(|t| t.members) {
                if want("totalMemberCount") {
                    tip["totalMemberCount"] = json!(n);
                }
                if want("externalMemberCount") {
                    tip["externalMemberCount"] = json!(ext);
                }
            }
            if want("moderationStatus") {
                tip["isModerated"] = json!(known.is_some_and(|t| t.moderated));
            }
            if want("deliveryRestriction") {
                tip["deliveryRestricted"] = json!(known.is_some_and(|t| t.restricted));
            }
            tip
        })
        .collect();
    axum::Json(json!({
        "@odata.context": format!("{}/$metadata#Collection(microsoft.graph.mailTips)", state.base_url),
        "value": value,
    }))
    .into_response()
}

async fn master_categories(State(state): State<AppState>) -> Response {
    let colours = ["preset0", "preset1", "preset4", "preset7"];
    let value: Vec<_> = state
        .config
        .master_categories
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({
                "id": uuid::Uuid::new_v4().to_string(),
                "displayName": name,
                "color": colours[i % colours.len()],
            })
        })
        .collect();
    axum::Json(json!({ "value": value })).into_response()
}

fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    let code: u32 = description
        .strip_prefix("AADSTS")
        .and_then(|d| d.split(':').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let body = json!({
        "error": error,
        "error_description": description,
        "error_codes": [code],
        "timestamp": super::now_iso().replace('T', " ").trim_end_matches('Z'),
        "trace_id": uuid::Uuid::new_v4().to_string(),
        "correlation_id": uuid::Uuid::new_v4().to_string(),
    });
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
        axum::Json(body),
    )
        .into_response()
}

fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

fn check_client(state: &AppState, f: &HashMap<String, String>) -> Result<(), Response> {
    let Some(client) = f.get("client_id").filter(|c| !c.is_empty()) else {
        return Err(oauth_error(
            400,
            "invalid_request",
            "AADSTS900144: The request body must contain the following parameter: 'client_id'.",
        ));
    };
    if !state.config.public_client_flows {
        return Err(oauth_error(
            401,
            "invalid_client",
            "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    }
    if f.contains_key("client_secret") {
        return Err(oauth_error(
            401,
            "invalid_client",
            "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
        ));
    }
    if state
        .config
        .client_ids
        .as_ref()
        .is_some_and(|ids| !ids.contains(client))
    {
        return Err(oauth_error(
            400,
            "unauthorized_client",
            &format!(
                "AADSTS700016: Application with identifier '{client}' was not found in the directory."
            ),
        ));
    }
    Ok(())
}

fn user_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(9)
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

async fn devicecode(
    State(state): State<AppState>,
    Path(_tenant): Path<String>,
    body: String,
) -> Response {
    let f = form(&body);
    if let Err(r) = check_client(&state, &f) {
        return r;
    }
    if f.get("scope").is_none_or(|s| s.trim().is_empty()) {
        return oauth_error(
            400,
            "invalid_scope",
            "AADSTS70011: The provided request must include a 'scope' input parameter.",
        );
    }
    let device_code = format!("DAQABAAEAAAD{}", uuid::Uuid::new_v4().simple());
    let code = user_code();
    let expires_in = state.config.device_expires_in;
    state.lock().identity.device.insert(
        device_code.clone(),
        DeviceSession {
            steps: state.config.device_script.iter().copied().collect(),
            expires: Instant::now() + Duration::from_secs(expires_in),
            requested: short_scopes(f.get("scope").map(String::as_str).unwrap_or("")),
        },
    );
    let uri = "https://microsoft.com/devicelogin";
    axum::Json(json!({
        "user_code": code,
        "device_code": device_code,
        "verification_uri": uri,
        "expires_in": expires_in,
        "interval": state.config.device_interval,
        "message": format!("To sign in, use a web browser to open the page {uri} and enter the code {code} to authenticate."),
    }))
    .into_response()
}

/// `https://graph.microsoft.com/Mail.ReadWrite offline_access` → `["Mail.ReadWrite", "offline_access"]`.
fn short_scopes(s: &str) -> Vec<String> {
    s.split_whitespace()
        .map(|sc| sc.rsplit('/').next().unwrap_or(sc).to_string())
        .filter(|sc| !sc.is_empty())
        .collect()
}

/// Tokens for what was asked, less what the directory does not let this
/// user consent to. The answer's `scope` lists what the token carries.
fn issue_tokens(state: &AppState, requested: Vec<String>) -> Response {
    let access = format!("emu-at-{}", uuid::Uuid::new_v4().simple());
    let refresh = format!("emu-rt-{}", uuid::Uuid::new_v4().simple());
    let lifetime = state.config.access_token_lifetime;
    let granted: Vec<String> = requested
        .iter()
        .filter(|s| {
            state
                .config
                .grantable_scopes
                .as_ref()
                .is_none_or(|g| g.iter().any(|x| x.eq_ignore_ascii_case(s)))
        })
        .cloned()
        .collect();
    let listed = granted
        .iter()
        .filter(|s| !["offline_access", "openid", "profile", "email"].contains(&s.as_str()))
        .map(|s| format!("https://graph.microsoft.com/{s}"))
        .collect::<Vec<_>>()
        .join(" ");
    {
        let mut mb = state.lock();
        mb.identity
            .access
            .insert(access.clone(), (Instant::now() + lifetime, granted));
        mb.identity
            .refresh
            .insert(refresh.clone(), Grant { requested });
    }
    axum::Json(json!({
        "token_type": "Bearer",
        "scope": listed,
        "expires_in": lifetime.as_secs(),
        "ext_expires_in": lifetime.as_secs(),
        "access_token": access,
        "refresh_token": refresh,
    }))
    .into_response()
}

// Long by design: the token endpoint's grant types and their errors, as
// the identity platform documents them.
async fn token(
    State(state): State<AppState>,
    Path(_tenant): Path<String>,
    body: String,
) -> Response {
    let f = form(&body);
    if let Err(r) = check_client(&state, &f) {
        return r;
    }
    match f.get("grant_type").map(String::as_str) {
        Some("urn:ietf:params:oauth:grant-type:device_code") => {
            let code = f.get("device_code").cloned().unwrap_or_default();
            let step = {
                let mut mb = state.lock();
                let Some(session) = mb.identity.device.get_mut(&code) else {
                    return oauth_error(
                        400,
                        "bad_verification_code",
                        "AADSTS70019: Verification code expired or not recognized.",
                    );
                };
                if Instant::now() > session.expires {
                    Some(DeviceStep::Expire)
                } else {
                    Some(session.steps.pop_front().unwrap_or(DeviceStep::Pending))
                }
            };
            let done = |state: &AppState| {
                state.lock().identity.device.remove(&code);
            };
            match step {
                Some(DeviceStep::Pending) | None => oauth_error(
                    400,
                    "authorization_pending",
                    "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                ),
                Some(DeviceStep::SlowDown) => oauth_error(
                    400,
                    "slow_down",
                    "AADSTS70016: Polling too fast; slow down.",
                ),
                Some(DeviceStep::Decline) => {
                    done(&state);
                    oauth_error(
                        400,
                        "authorization_declined",
                        "AADSTS70000: The user denied the authorization request.",
                    )
                }
                Some(DeviceStep::Expire) => {
                    done(&state);
                    oauth_error(
                        400,
                        "expired_token",
                        "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
                    )
                }
                Some(DeviceStep::Approve) => {
                    let requested = state
                        .lock()
                        .identity
                        .device
                        .get(&code)
                        .map(|d| d.requested.clone())
                        .unwrap_or_default();
                    done(&state);
                    issue_tokens(&state, requested)
                }
            }
        }
        Some("refresh_token") => {
            let rt = f.get("refresh_token").cloned().unwrap_or_default();
            // Rotation: the old refresh token is spent.
            let Some(grant) = state.lock().identity.refresh.remove(&rt) else {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
                );
            };
            let asked = short_scopes(f.get("scope").map(String::as_str).unwrap_or(""));
            let asked = if asked.is_empty() {
                grant.requested.clone()
            } else {
                asked
            };
            if let Some(extra) = asked
                .iter()
                .find(|s| !grant.requested.iter().any(|r| r.eq_ignore_ascii_case(s)))
            {
                return oauth_error(
                    400,
                    "invalid_grant",
                    &format!(
                        "AADSTS65001: The user or administrator has not consented to use the application for the scope '{extra}'. Send an interactive authorization request for this user and resource."
                    ),
                );
            }
            issue_tokens(&state, asked)
        }
        _ => oauth_error(
            400,
            "unsupported_grant_type",
            "AADSTS70003: The app requested an unsupported grant type.",
        ),
    }
}

async fn me(State(state): State<AppState>, Extension(_ctx): Extension<Ctx>) -> Response {
    let c = &state.config;
    axum::Json(json!({
        "@odata.context": format!("{}/$metadata#users/$entity", state.base_url),
        "id": c.user_object_id,
        "displayName": "Adele Vance",
        "userPrincipalName": c.user_principal_name,
        "mail": c.user_principal_name,
    }))
    .into_response()
}
