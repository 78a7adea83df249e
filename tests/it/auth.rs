//! Signing in against the emulated identity platform: the device flow and its
//! errors, refresh before expiry, one refresh on 401, revoked sign-ins.

use crate::common;
use graft::auth::device::{self, Poll};
use graft::auth::store::TokenStore;
use graft::auth::{AuthConfig, AuthErrorKind, DEFAULT_CLIENT_ID};
use graft::graph::{FailureKind, GraphClient};
use graft_emulator::{DeviceStep, Emulator, EmulatorConfig};
use serde_json::json;
use std::time::{Duration, Instant};

fn emulator(script: Vec<DeviceStep>) -> Emulator {
    Emulator::start(EmulatorConfig {
        device_script: script,
        ..EmulatorConfig::default()
    })
    .unwrap()
}

fn cfg(emu: &Emulator) -> AuthConfig {
    let graph = url::Url::parse(&emu.graph_url()).unwrap();
    AuthConfig {
        authority: url::Url::parse(&emu.authority_url()).unwrap(),
        tenant: "common".into(),
        client_id: DEFAULT_CLIENT_ID.into(),
        scopes: AuthConfig::scopes_for(&graph, false),
    }
}

fn client(emu: &Emulator, store: TokenStore) -> GraphClient {
    common::client(&emu.graph_url())
        .credentials(graft::auth::Credentials::SignIn {
            cfg: cfg(emu),
            store,
        })
        .build()
}

/// A client signed in to the emulator, with its token cache.
async fn signed_in(emu: &Emulator) -> (GraphClient, TokenStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::at(dir.path().join("tokens/default.json"));
    let c = client(emu, store.clone());
    sign_in(emu, &c).await;
    (c, store, dir)
}

async fn sign_in(emu: &Emulator, c: &GraphClient) -> String {
    let dc = device::start(c.http().unwrap(), &cfg(emu)).await.unwrap();
    let tokens = device::wait_for_tokens(c.http().unwrap(), &cfg(emu), &dc, |_| {})
        .await
        .unwrap();
    graft::service::signin::finish(c, tokens).await
}

#[tokio::test]
async fn device_flow_shows_the_service_message_and_obeys_slow_down() {
    let emu = emulator(vec![
        DeviceStep::Pending,
        DeviceStep::SlowDown,
        DeviceStep::Approve,
    ]);
    let http = reqwest::Client::new();
    let dc = device::start(&http, &cfg(&emu)).await.unwrap();
    assert_eq!(dc.user_code.len(), 9);
    assert!(
        dc.message.contains(&dc.user_code)
            && dc.message.contains("https://microsoft.com/devicelogin")
    );
    assert_eq!(dc.interval(), Duration::from_secs(1));
    let started = Instant::now();
    let mut ticks = 0;
    let tokens = device::wait_for_tokens(&http, &cfg(&emu), &dc, |_| ticks += 1)
        .await
        .unwrap();
    // Three polls, one second apart, then six after slow_down: at least 1 + 1 + 6 s.
    assert!(
        started.elapsed() >= Duration::from_secs(8),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(ticks, 3);
    assert!(tokens.refresh_token.is_some());
    assert!(!tokens.needs_refresh());
}

#[tokio::test]
async fn declined_expired_and_unknown_codes_end_with_clear_messages() {
    for (step, kind, words) in [
        (DeviceStep::Decline, AuthErrorKind::Declined, "declined"),
        (DeviceStep::Expire, AuthErrorKind::Expired, "expired"),
    ] {
        let emu = emulator(vec![step]);
        let http = reqwest::Client::new();
        let dc = device::start(&http, &cfg(&emu)).await.unwrap();
        let e = device::wait_for_tokens(&http, &cfg(&emu), &dc, |_| {})
            .await
            .unwrap_err();
        assert_eq!(e.kind, kind);
        assert!(e.explain().contains(words), "{}", e.explain());
    }
    let emu = emulator(vec![DeviceStep::Pending]);
    let http = reqwest::Client::new();
    let mut dc = device::start(&http, &cfg(&emu)).await.unwrap();
    dc.device_code = "not-a-code".into();
    let e = device::poll(&http, &cfg(&emu), &dc).await.unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::BadCode);
}

#[tokio::test]
async fn aadsts_errors_say_what_they_usually_mean() {
    let emu = Emulator::start(EmulatorConfig {
        public_client_flows: false,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let e = device::start(&reqwest::Client::new(), &cfg(&emu))
        .await
        .unwrap_err();
    assert_eq!(e.aadsts(), Some("AADSTS7000218"));
    assert!(
        e.explain().contains("public client flows"),
        "{}",
        e.explain()
    );

    let emu = Emulator::start(EmulatorConfig {
        client_ids: Some(vec!["someone-else".into()]),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let e = device::start(&reqwest::Client::new(), &cfg(&emu))
        .await
        .unwrap_err();
    assert!(e.explain().contains("AADSTS700016"), "{}", e.explain());
}

#[tokio::test]
async fn pending_polls_report_pending() {
    let emu = emulator(vec![DeviceStep::Pending]);
    let http = reqwest::Client::new();
    let dc = device::start(&http, &cfg(&emu)).await.unwrap();
    assert!(matches!(
        device::poll(&http, &cfg(&emu), &dc).await.unwrap(),
        Poll::Pending
    ));
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire_and_rotated() {
    // Tokens that live less than the refresh margin are refreshed before each use.
    let emu = Emulator::start(EmulatorConfig {
        access_token_lifetime: Duration::from_secs(120),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = TokenStore::at(dir.path().join("tokens/default.json"));
    let c = client(&emu, store.clone());
    let account = sign_in(&emu, &c).await;
    assert_eq!(account, "adele.vance@contoso.onmicrosoft.com");
    let first = store.load().unwrap();
    assert_eq!(first.account.as_deref(), Some(account.as_str()));

    c.create_draft(&json!({"subject": "fresh"})).await.unwrap();
    let second = store.load().unwrap();
    assert_ne!(
        second.refresh_token, first.refresh_token,
        "the new refresh token is stored"
    );
    assert_ne!(second.access_token, first.access_token);
    // The old refresh token is spent.
    let e = graft::auth::refresh(c.http().unwrap(), &cfg(&emu), &first)
        .await
        .unwrap_err();
    assert_eq!(e.kind, AuthErrorKind::InvalidGrant);
    // No 401 was needed.
    assert!(emu.requests().iter().all(|r| r.status != 401));
}

#[tokio::test]
async fn a_401_refreshes_once_and_the_save_goes_through() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let (c, _store, _dir) = signed_in(&emu).await;
    emu.expire_access_tokens();
    let saved = c
        .create_draft(&json!({"subject": "after 401"}))
        .await
        .unwrap();
    assert_eq!(saved.status, 201);
    let statuses: Vec<u16> = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/messages"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [401, 201]);
    assert_eq!(emu.messages().len(), 1);
}

#[tokio::test]
async fn a_revoked_sign_in_asks_for_sign_in_and_forgets_the_tokens() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let (c, store, _dir) = signed_in(&emu).await;
    emu.expire_access_tokens();
    emu.revoke_refresh_tokens();
    let e = c.create_draft(&json!({"subject": "x"})).await.unwrap_err();
    assert_eq!(e.kind, FailureKind::SignInNeeded, "{e:?}");
    assert!(store.load().is_none(), "a revoked sign-in is not kept");
    assert!(emu.messages().is_empty());
    // Signing in again makes the next save work.
    sign_in(&emu, &c).await;
    c.create_draft(&json!({"subject": "x"})).await.unwrap();
    assert_eq!(emu.messages().len(), 1);
}

#[tokio::test]
async fn not_signed_in_is_sign_in_needed_not_a_crash() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let c = client(&emu, TokenStore::at(dir.path().join("t.json")));
    let e = c.create_draft(&json!({})).await.unwrap_err();
    assert_eq!(e.kind, FailureKind::SignInNeeded);
    assert!(emu.requests().is_empty(), "nothing is sent without a token");
}

/// A sign-in belongs to the Graph root (and authority, tenant, app) it was
/// made for: the same profile pointed at another root sends nothing, says
/// why, and the first root's sign-in still works. Profiles keep one store
/// per Graph root, so trying an emulator never replaces a real sign-in.
#[tokio::test]
async fn a_sign_in_is_never_sent_to_another_graph_root() {
    let a = emulator(vec![DeviceStep::Approve]);
    let b = emulator(vec![DeviceStep::Approve]);
    let (_, store, _dir) = signed_in(&a).await;
    let other = common::client(&b.graph_url())
        .credentials(graft::auth::Credentials::SignIn {
            cfg: cfg(&b),
            store: store.clone(),
        })
        .build();
    assert!(!other.sign_in().unwrap().signed_in());
    let err = other.me().await.unwrap_err();
    assert_eq!(err.kind, graft::graph::FailureKind::SignInNeeded);
    assert!(err.message.contains("is not sent here"), "{}", err.message);
    assert!(err.message.contains(&a.graph_url()), "{}", err.message);
    assert!(b.requests().is_empty(), "nothing reached the other root");
    // The first root's sign-in is untouched.
    let again = client(&a, store);
    assert!(again.me().await.is_ok());
    // One store per Graph root (only paths are compared: nothing is read).
    let global = url::Url::parse("https://graph.microsoft.com/v1.0").unwrap();
    let local = url::Url::parse(&a.graph_url()).unwrap();
    let (g, l) = (
        TokenStore::for_profile("default", &global).unwrap(),
        TokenStore::for_profile("default", &local).unwrap(),
    );
    assert_ne!(g.location(), l.location());
}
