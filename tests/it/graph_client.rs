//! The Graph client against the local emulator: success and every kind of failure.

use crate::common;
use graft::core::address::parse_list;
use graft::core::content::DraftContent;
use graft::core::mailbox::Mailbox;
use graft::graph::{FailureKind, GraphClient};
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction};
use serde_json::json;
use std::time::Duration;

fn start() -> Emulator {
    Emulator::start(EmulatorConfig::default()).expect("emulator starts")
}

fn client_for(emu: &Emulator, token: &str, mailbox: Mailbox, timeout: Duration) -> GraphClient {
    common::client(&emu.graph_url())
        .token(token)
        .mailbox(mailbox)
        .timeout_of(timeout)
        .build()
}

fn client(emu: &Emulator) -> GraphClient {
    client_for(emu, DEMO_TOKEN, Mailbox::default(), Duration::from_secs(10))
}

fn content() -> DraftContent {
    DraftContent {
        to: parse_list(r#"alice@contoso.com, "Smith, Bob" <bob@contoso.com>"#).unwrap(),
        cc: vec![],
        bcc: parse_list("audit@contoso.com").unwrap(),
        subject: "Quarterly numbers".into(),
        body: "Hello 世界 🎉\nLine two".into(),
        format: Default::default(),
        more: Default::default(),
        quote: None,
        signature: None,
        not_mine: vec![],
    }
}

#[tokio::test]
async fn create_returns_201_with_id_weblink_and_the_server_holds_it() {
    let emu = start();
    let c = client(&emu);
    let saved = c
        .create_draft(&content().create_body(None))
        .await
        .expect("created");
    assert_eq!(saved.status, 201);
    assert_eq!(saved.status_text, "Created");
    assert!(saved.id.len() > 100, "long realistic id: {}", saved.id);
    assert!(
        saved
            .web_link
            .starts_with("https://outlook.office365.com/owa/?ItemID=")
    );
    assert!(saved.request_id.is_some());
    assert!(!saved.change_key.is_empty());

    let all = emu.messages();
    assert_eq!(all.len(), 1);
    let m = &all[0];
    assert_eq!(m["id"], json!(saved.id));
    assert_eq!(m["isDraft"], json!(true));
    assert_eq!(m["subject"], json!("Quarterly numbers"));
    assert_eq!(m["body"]["content"], json!("Hello 世界 🎉\nLine two"));
    assert_eq!(
        m["toRecipients"][1]["emailAddress"]["name"],
        json!("Smith, Bob")
    );
    assert_eq!(m["toRecipients"].as_array().unwrap().len(), 2);
    assert_eq!(m["ccRecipients"], json!([]));
    assert_eq!(
        m["@odata.etag"],
        json!(format!("W/\"{}\"", saved.change_key))
    );
}

#[tokio::test]
async fn update_patches_by_id_even_with_slashes_and_plus_in_it() {
    let emu = start();
    let c = client(&emu);
    // Ids are base64 and nearly always hold `/` or `+`; make sure this one does.
    let mut saved = c.create_draft(&content().create_body(None)).await.unwrap();
    while !saved.id.contains(['/', '+']) {
        saved = c.create_draft(&content().create_body(None)).await.unwrap();
    }
    let updated = c
        .update_draft(&saved.id, &json!({"subject": "Quarterly numbers v2"}))
        .await
        .expect("updated");
    assert_eq!(updated.status, 200);
    assert_eq!(updated.id, saved.id);
    assert_ne!(updated.change_key, saved.change_key);
    let got = c.get_message(&saved.id).await.unwrap();
    assert_eq!(got.change_key, updated.change_key);
    let m = emu
        .messages()
        .into_iter()
        .find(|m| m["id"] == json!(saved.id))
        .unwrap();
    assert_eq!(m["subject"], json!("Quarterly numbers v2"));
    assert_eq!(
        m["body"]["content"],
        json!("Hello 世界 🎉\nLine two"),
        "PATCH merges"
    );
}

#[tokio::test]
async fn users_and_folder_paths() {
    let emu = start();
    let upn = EmulatorConfig::default().user_principal_name;
    let c = client_for(
        &emu,
        DEMO_TOKEN,
        Mailbox {
            user: Some(upn),
            folder: Some("Drafts".into()),
        },
        Duration::from_secs(5),
    );
    assert!(
        c.create_url()
            .path()
            .ends_with("/mailFolders/Drafts/messages")
    );
    let saved = c.create_draft(&content().create_body(None)).await.unwrap();
    assert_eq!(saved.status, 201);
    c.update_draft(&saved.id, &json!({"subject": "x"}))
        .await
        .unwrap();

    let nobody = client_for(
        &emu,
        DEMO_TOKEN,
        Mailbox {
            user: Some("nobody@contoso.com".into()),
            folder: None,
        },
        Duration::from_secs(5),
    );
    let e = nobody
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (Some(404), "ErrorInvalidUser"));

    let bad_folder = client_for(
        &emu,
        DEMO_TOKEN,
        Mailbox {
            user: None,
            folder: Some("no-such-folder".into()),
        },
        Duration::from_secs(5),
    );
    let e = bad_folder
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    // A folder that is neither a well-known name nor an id is a name as
    // Outlook shows it: looked up, and not there (nothing is posted).
    assert_eq!((e.status, e.code.as_str()), (Some(404), "FolderNotFound"));
    assert!(
        e.message.contains("no folder named “no-such-folder”"),
        "{e:?}"
    );
}

#[tokio::test]
async fn bad_token_is_401_with_code_message_and_request_id() {
    let emu = start();
    let c = client_for(&emu, "wrong", Mailbox::default(), Duration::from_secs(5));
    let e = c
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Http);
    assert_eq!(e.status, Some(401));
    assert_eq!(e.code, "InvalidAuthenticationToken");
    assert!(!e.message.is_empty());
    assert!(e.request_id.as_deref().is_some_and(|r| r.len() == 36));
    assert!(emu.messages().is_empty());
}

#[tokio::test]
async fn invalid_recipient_is_400_error_invalid_recipients() {
    let emu = start();
    let body = json!({"toRecipients": [{"emailAddress": {"address": "not-an-address"}}]});
    let e = client(&emu).create_draft(&body).await.unwrap_err();
    assert_eq!(e.status, Some(400));
    assert_eq!(e.code, "ErrorInvalidRecipients");
    assert!(e.message.contains("not-an-address"));
}

#[tokio::test]
async fn unknown_id_is_404_and_malformed_id_is_400() {
    let emu = start();
    let c = client(&emu);
    let e = c
        .update_draft(
            "AAMkAGI2THVSAAA=doesnotexist0000000000",
            &json!({"subject": "x"}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code.as_str()),
        (Some(404), "ErrorItemNotFound")
    );
    assert!(e.request_id.is_some());
    let e = c
        .update_draft("garbage", &json!({"subject": "x"}))
        .await
        .unwrap_err();
    assert_eq!(
        (e.status, e.code.as_str()),
        (Some(400), "ErrorInvalidIdMalformed")
    );
}

#[tokio::test]
async fn throttling_429_carries_retry_after() {
    let emu = start();
    emu.inject(Fault::throttle(7));
    let e = client(&emu)
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    assert_eq!(e.status, Some(429));
    assert_eq!(e.code, "ApplicationThrottled");
    assert_eq!(
        e.message,
        "Application is over its MailboxConcurrency limit."
    );
    assert_eq!(e.retry_after, Some(Duration::from_secs(7)));
    assert!(e.request_id.is_some(), "request-id comes from the header");
    assert!(emu.messages().is_empty());
}

#[tokio::test]
async fn server_error_500_is_surfaced() {
    let emu = start();
    emu.inject(Fault::status(
        500,
        "generalException",
        "An internal server error occurred.",
    ));
    let e = client(&emu)
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    assert_eq!(e.status, Some(500));
    assert_eq!(e.status_text, "Internal Server Error");
    assert_eq!(e.code, "generalException");
    assert_eq!(e.message, "An internal server error occurred.");
    assert!(e.request_id.is_some());
}

#[tokio::test]
async fn dropped_connection_and_timeout_are_not_http_errors() {
    let emu = start();
    emu.inject(Fault::action(FaultAction::DropBefore));
    let e = client(&emu)
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Network, "{e:?}");
    assert_eq!(e.status, None);
    assert!(emu.messages().is_empty());

    emu.inject(Fault::action(FaultAction::Delay(Duration::from_secs(3))));
    let quick = client_for(
        &emu,
        DEMO_TOKEN,
        Mailbox::default(),
        Duration::from_millis(300),
    );
    let e = quick
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    assert_eq!(e.kind, FailureKind::Timeout, "{e:?}");
}

#[tokio::test]
async fn server_text_is_sanitised_before_it_reaches_the_screen() {
    let emu = start();
    emu.inject(Fault::status(
        400,
        "Evil\u{1b}[2J",
        "bad \u{1b}]52;c;aGk=\u{7}thing",
    ));
    let e = client(&emu)
        .create_draft(&content().create_body(None))
        .await
        .unwrap_err();
    assert_eq!(e.code, "Evil");
    assert_eq!(e.message, "bad thing");
}

#[tokio::test]
async fn one_connection_is_reused_for_several_saves() {
    let emu = start();
    let c = client(&emu);
    let saved = c.create_draft(&content().create_body(None)).await.unwrap();
    for i in 0..3 {
        c.update_draft(&saved.id, &json!({"subject": format!("v{i}")}))
            .await
            .unwrap();
    }
    assert_eq!(
        emu.connections(),
        1,
        "keep-alive: one TCP connection for four requests"
    );
    assert_eq!(emu.requests().len(), 4);
}

#[tokio::test]
async fn the_emulator_times_each_request_at_its_socket() {
    let emu = start();
    let c = client(&emu);
    let saved = c.create_draft(&content().create_body(None)).await.unwrap();
    // The second request on the same connection takes 300 ms in the handler.
    emu.inject(Fault::action(FaultAction::Delay(Duration::from_millis(300))).on("PATCH"));
    for subject in ["v2", "v3"] {
        c.update_draft(&saved.id, &json!({ "subject": subject }))
            .await
            .unwrap();
    }
    let log = emu.requests();
    assert_eq!(emu.connections(), 1);
    let [create, slow, quick] = &log[..] else {
        panic!("three requests: {log:?}");
    };
    // Socket time covers the handler's, and each request is timed from its
    // own arrival (not the connection's, nor the slow one's before it).
    for r in [create, slow, quick] {
        assert!(r.wire_micros >= r.micros && r.wire_micros > 0, "{r:?}");
    }
    assert!(slow.micros >= 300_000, "{slow:?}");
    assert!(slow.wire_micros < 600_000, "{slow:?}");
    assert!(quick.wire_micros < 300_000, "{quick:?}");
}

/// Raw requests, to check the emulator is as strict as the real service.
#[tokio::test]
async fn more_fields_are_accepted_and_stored() {
    use graft::core::content::{Importance, More};
    let emu = start();
    let mut c = content();
    c.more = More {
        reply_to: parse_list("replies@contoso.com").unwrap(),
        importance: Importance::Low,
        read_receipt: true,
        delivery_receipt: true,
        categories: vec!["Finance".into()],
        flagged: true,
    };
    client(&emu)
        .create_draft(&c.create_body(None))
        .await
        .unwrap();
    let m = &emu.messages()[0];
    assert_eq!(m["importance"], json!("low"));
    assert_eq!(m["isDeliveryReceiptRequested"], json!(true));
    assert_eq!(m["categories"], json!(["Finance"]));
    assert_eq!(m["flag"]["flagStatus"], json!("flagged"));
    assert_eq!(
        m["replyTo"][0]["emailAddress"]["address"],
        json!("replies@contoso.com")
    );
}

#[tokio::test]
async fn master_categories_are_listed() {
    let emu = start();
    let cats = client(&emu).master_categories().await.unwrap();
    assert_eq!(cats, EmulatorConfig::default().master_categories);
}
