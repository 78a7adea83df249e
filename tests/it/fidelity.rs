//! Graph as it really behaves, not as graft would like it to: each test runs
//! against the emulator configured like the real service (see
//! docs/graph-behaviour.md for the sources) and would fail on a client that
//! trusted the friendlier model.

use crate::common;

use common::pty::{Pty, unwrapped};
use graft::core::attach::AttachedFile;
use graft::graph::{Attempt, GraphClient};
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction};
use serde_json::{Value, json};
use std::time::Duration;

const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";
const TAB: &str = "\t";
const ENTER: &str = "\r";
const F6: &str = "\x1b[17~";

fn client_in(emu: &Emulator, user: Option<&str>) -> GraphClient {
    common::client(&emu.graph_url()).user(user).build()
}

fn client(emu: &Emulator) -> GraphClient {
    client_in(emu, None)
}

fn open(emu: &Emulator) -> Pty {
    let url = emu.graph_url();
    let pty = Pty::spawn(
        &["--graph-url", &url],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
    );
    // The status pane shows its last news: "Ready.", or a feature the
    // token does not allow that was turned off after it.
    pty.wait_for("the form ready", 20, |s| {
        s.contains("Ready.") || s.contains(" is off")
    });
    pty
}

fn json_lines(out: &std::process::Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn keyed(subject: &str, key: &str) -> Value {
    json!({
        "subject": subject,
        "singleValueExtendedProperties": [
            {"id": graft::core::content::DRAFT_KEY_PROPERTY, "value": key}
        ],
    })
}

// 1. The webLink must open.

#[tokio::test]
async fn a_saved_drafts_weblink_is_the_one_that_opens_in_outlook() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let saved = client(&emu)
        .create_draft(&json!({"subject": "link"}))
        .await
        .unwrap();
    assert!(
        emu.link_opens(&saved.web_link),
        "an ImmutableId link answers 'moved or deleted': {}",
        saved.web_link
    );
    assert_eq!(emu.messages()[0]["id"], json!(saved.id), "the REST id");
}

#[test]
fn the_form_shows_and_copies_a_link_that_opens() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("dana@contoso.com");
    t.send(CTRL_S);
    let screen = t.wait_text("201 Created");
    let stored = emu.messages()[0]["webLink"].as_str().unwrap().to_string();
    assert!(emu.link_opens(&stored));
    assert!(
        unwrapped(&screen).contains(&stored),
        "the status pane shows the link that opens:\n{screen}"
    );
    t.send("\x1bw"); // Alt-W copies it
    t.wait_text("Copied the draft's webLink");
    use base64::Engine as _;
    let osc = format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(&stored)
    );
    let raw = String::from_utf8_lossy(&t.raw()).to_string();
    assert!(
        raw.contains(&osc),
        "Alt-W puts that same link on the clipboard"
    );
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
}

#[test]
fn a_history_entry_follows_its_draft_to_sent_items_by_its_key() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let out = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--subject",
            "Sent later",
            "--json",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let made = &json_lines(&out)[0];
    assert!(emu.link_opens(made["webLink"].as_str().unwrap()));
    // The user sends it from Outlook: it moves, and its REST id changes.
    let new_id = emu.send_message(made["id"].as_str().unwrap()).unwrap();
    assert_ne!(json!(new_id), made["id"]);
    let out = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &["drafts", "--remote", "--json"],
    );
    assert!(out.status.success(), "{out:?}");
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], json!("sent"), "not 'gone': {rows:?}");
    assert!(emu.link_opens(rows[0]["webLink"].as_str().unwrap()));
}

// 2. Permissions.

#[test]
fn sign_in_asks_for_what_the_configured_features_need() {
    use graft::auth::{AuthConfig, Features};
    let graph = url::Url::parse("https://graph.microsoft.com/v1.0").unwrap();
    let all = AuthConfig::scopes_with(
        &graph,
        &Features {
            shared_mailbox: true,
            ..Features::default()
        },
    );
    for s in [
        "Mail.ReadWrite",
        "User.Read",
        "offline_access",
        "People.Read",
        "MailboxSettings.Read",
        "Mail.Read",
        "Mail.ReadWrite.Shared",
    ] {
        assert!(all.split(' ').any(|x| x.ends_with(s)), "{s} in {all}");
    }
    let lean = AuthConfig::scopes_with(
        &graph,
        &Features {
            people_search: false,
            categories: false,
            mail_tips: false,
            shared_mailbox: false,
        },
    );
    assert!(!lean.contains("People.Read") && !lean.contains("MailboxSettings"));
}

/// Signs in with `graft login` against an emulator that grants `grant`.
fn login(emu: &Emulator, state: &std::path::Path) -> std::process::Output {
    common::graft_command()
        .args([
            "login",
            "--graph-url",
            &emu.graph_url(),
            "--authority-url",
            &emu.authority_url(),
        ])
        .env_remove("GRAFT_ACCESS_TOKEN")
        .env("GRAFT_STATE_DIR", state)
        .env("GRAFT_CONFIG", state.join("none.toml"))
        .env("GRAFT_TOKEN_STORE", "file")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_sign_in_without_people_read_turns_people_search_off_with_one_clear_line() {
    let emu = Emulator::start(EmulatorConfig {
        grantable_scopes: Some(
            [
                "Mail.ReadWrite",
                "Mail.Read",
                "User.Read",
                "MailboxSettings.Read",
                "offline_access",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        ),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let out = login(&emu, state.path());
    assert!(out.status.success(), "{out:?}");
    let who = common::graft_command()
        .args([
            "whoami",
            "--graph-url",
            &emu.graph_url(),
            "--authority-url",
            &emu.authority_url(),
        ])
        .env_remove("GRAFT_ACCESS_TOKEN")
        .env("GRAFT_STATE_DIR", state.path())
        .env("GRAFT_CONFIG", state.path().join("none.toml"))
        .env("GRAFT_TOKEN_STORE", "file")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&who.stdout);
    assert!(
        text.contains("granted") && text.contains("Mail.ReadWrite"),
        "{text}"
    );
    assert!(text.contains("missing      People.Read"), "{text}");
    let url = emu.graph_url();
    let auth = emu.authority_url();
    let mut t = Pty::spawn_with_state(
        &["--graph-url", &url, "--authority-url", &auth],
        &[],
        100,
        30,
        state,
    );
    let screen = t.wait_text("People.Read");
    assert!(
        unwrapped(&screen)
            .contains("People search (completion and names without an address) is off"),
        "{screen}"
    );
    // A bare name is not sent to a search that would be refused.
    t.send("Megan Bowen");
    t.send(CTRL_S);
    let screen = t.wait_text("Not saved");
    assert!(!screen.contains("offline"), "never the network: {screen}");
    assert!(
        !emu.requests().iter().any(|r| r.path.ends_with("/people")),
        "no people search was tried"
    );
    t.send(CTRL_Q);
}

#[test]
fn a_refused_people_search_says_which_permission_not_offline() {
    // A token from elsewhere, of unknown scopes, that lacks People.Read.
    let emu = Emulator::start(EmulatorConfig {
        token_scopes: Some(vec!["Mail.ReadWrite".into(), "User.Read".into()]),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let mut t = open(&emu);
    t.send("Megan Bowen");
    t.send(CTRL_S);
    // The field says why (the status pane may show other news by now):
    // the refused search, or (when the search as you type was refused
    // first) that people search is off.
    let screen = t.wait_for("the reason", 20, |s| {
        s.contains("refused the people search") || s.contains("people search is off")
    });
    let flat = unwrapped(&screen);
    assert!(
        flat.contains("People.Read") || flat.contains("403"),
        "{screen}"
    );
    assert!(
        !flat.contains("offline"),
        "a 403 is not the network: {screen}"
    );
    t.send(CTRL_Q);
}

#[tokio::test]
async fn colleagues_never_mailed_are_found_in_the_directory() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let found = client(&emu).people("Pradeep").await.unwrap();
    assert_eq!(
        found.len(),
        1,
        "X-PeopleQuery-QuerySources asks the directory too"
    );
    assert_eq!(found[0].address, "pradeep.gupta@contoso.onmicrosoft.com");
}

#[test]
fn the_demo_token_carries_realistic_scopes() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    // The demo's token has what a full sign-in has; nothing less works.
    emu.set_token_scopes(Some(&["User.Read"]));
    let state = tempfile::tempdir().unwrap();
    let out = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--subject",
            "no Mail.ReadWrite",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("403"), "{err}");
}

// 3. Attachments by id, never by Graph's `size`.

fn small_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> AttachedFile {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    graft::store::files::check(p.to_str().unwrap()).unwrap()
}

async fn save(
    c: &GraphClient,
    job: graft::service::save::SaveJob,
    files: &graft::core::attach::Files,
) -> graft::service::save::SaveOutcome {
    graft::service::save::save_with_files(c, job, files, &Attempt::default(), &mut |_, _, _| {})
        .await
}

#[tokio::test]
async fn a_file_sent_inside_the_create_can_be_removed_later() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = small_file(dir.path(), "notes.txt", &[b'x'; 816]);
    let c = client(&emu);
    let files = graft::core::attach::Files {
        list: vec![f.clone()],
        detached: vec![],
    };
    let out = save(
        &c,
        graft::service::save::SaveJob::Create {
            body: json!({"subject": "inline"}),
            lookup_key: None,
        },
        &files,
    )
    .await;
    let saved = out.result.unwrap();
    assert_eq!(
        out.files.attached[0].1, "",
        "its id is not in the create's answer"
    );
    let listed = c.list_attachments(&saved.id).await.unwrap();
    assert_ne!(listed[0].size, 816, "Graph's size is not the byte count");
    // Removed from the list, then saved: gone from the server too.
    let removed = AttachedFile {
        server_id: Some(String::new()),
        ..f
    };
    let out = save(
        &c,
        graft::service::save::SaveJob::Update {
            id: saved.id.clone(),
            body: json!({}),
            key: "k".into(),
            guard: None,
        },
        &graft::core::attach::Files {
            list: vec![],
            detached: vec![removed],
        },
    )
    .await;
    assert!(out.files.failed.is_none(), "{:?}", out.files.failed);
    assert!(
        emu.attachments(&saved.id).is_empty(),
        "removed on the server"
    );
}

#[tokio::test]
async fn a_lost_create_answer_with_files_leaves_each_file_once() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let f = small_file(dir.path(), "q3.csv", &[b'1'; 5000]);
    let c = client(&emu);
    let files = graft::core::attach::Files {
        list: vec![f],
        detached: vec![],
    };
    emu.inject(Fault::action(FaultAction::DropAfter).on("POST"));
    let first = save(
        &c,
        graft::service::save::SaveJob::Create {
            body: keyed("lost", "key-1"),
            lookup_key: None,
        },
        &files,
    )
    .await;
    assert!(first.result.is_err(), "the answer was lost");
    let again = save(
        &c,
        graft::service::save::SaveJob::Create {
            body: keyed("lost", "key-1"),
            lookup_key: Some("key-1".into()),
        },
        &files,
    )
    .await;
    let saved = again.result.unwrap();
    assert!(again.info.adopted);
    assert_eq!(emu.messages().len(), 1);
    assert_eq!(
        emu.attachments(&saved.id).len(),
        1,
        "the file that went up with the lost create is found, not sent again"
    );
}

// 4. Bodies come back as they were written.

#[test]
fn a_plain_text_draft_reloads_as_the_text_that_was_typed() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("text@contoso.com");
    for _ in 0..3 {
        t.send(TAB);
    }
    t.send("Plain");
    t.send(TAB);
    t.send("Line one <b>not bold</b>");
    t.send(ENTER);
    t.send("Line two & more");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    // A new draft, then back to the first through the history.
    t.send(F6);
    t.wait_text("Drafts saved from graft");
    t.send("n");
    t.wait_text("New draft.");
    t.send(F6);
    t.wait_text("Drafts saved from graft");
    t.send(ENTER);
    let screen = t.wait_text("Loaded “Plain” from Outlook");
    assert!(screen.contains("Line one <b>not bold</b>"), "{screen}");
    assert!(screen.contains("Line two & more"), "{screen}");
    assert!(
        !screen.contains("<div>") && !screen.contains("&amp;"),
        "{screen}"
    );
    assert!(
        screen.contains("plain text"),
        "still a plain-text body: {screen}"
    );
    // Unchanged, so a save sends nothing.
    t.send(CTRL_S);
    t.wait_text("No changes since the last save");
    t.send(CTRL_Q);
}

#[test]
fn an_html_body_loads_without_outlooks_wrapper() {
    let html = "<html>\r\n<head>\r\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\r\n</head>\r\n<body>\r\n<p>Hi <b>all</b></p>\r\n</body>\r\n</html>\r\n";
    assert_eq!(
        graft::core::content::unwrap_html(html),
        "<p>Hi <b>all</b></p>"
    );
    let c = graft::core::content::content_from_message(&json!({
        "body": {"contentType": "html", "content": html}
    }));
    assert_eq!(c.body, "<p>Hi <b>all</b></p>");
}

// 5. The China cloud and the default client id.

#[test]
fn the_china_cloud_says_to_register_an_app_before_trying_the_default_one() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let out = common::graft_command()
        .args([
            "login",
            "--cloud",
            "china",
            "--graph-url",
            &emu.graph_url(),
            "--authority-url",
            &emu.authority_url(),
        ])
        .env_remove("GRAFT_ACCESS_TOKEN")
        .env("GRAFT_STATE_DIR", state.path())
        .env("GRAFT_CONFIG", state.path().join("none.toml"))
        .env("GRAFT_TOKEN_STORE", "file")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--client-id") && err.contains("21Vianet"),
        "{err}"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("devicelogin")
            && !err.contains("devicelogin"),
        "no device code was asked for"
    );
}

// 6. $batch: the envelope's headers do not reach the requests inside.

#[tokio::test]
async fn a_batch_envelopes_prefer_header_changes_nothing_inside() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let c = client(&emu);
    let saved = c
        .create_draft(&json!({"subject": "t", "body": {"contentType": "text", "content": "a\nb"}}))
        .await
        .unwrap();
    let body = json!({"requests": [
        {"id": "1", "method": "GET", "url": format!("/me/messages/{}", graft::graph::client::encode_segment(&saved.id))},
        {"id": "2", "method": "GET", "url": format!("/me/messages/{}", graft::graph::client::encode_segment(&saved.id)),
         "headers": {"Prefer": "outlook.body-content-type=\"text\", IdType=\"ImmutableId\""}},
    ]});
    let resp = reqwest::Client::new()
        .post(format!("{}/$batch", emu.graph_url()))
        .bearer_auth(DEMO_TOKEN)
        .header(
            "Prefer",
            "outlook.body-content-type=\"text\", IdType=\"ImmutableId\"",
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    let v: Value = resp.json().await.unwrap();
    let by = |id: &str| {
        v["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()["body"]
            .clone()
    };
    assert_eq!(
        by("1")["id"],
        json!(saved.id),
        "REST id: the envelope's Prefer is not inherited"
    );
    assert_eq!(by("1")["body"]["contentType"], json!("html"));
    assert_ne!(by("2")["id"], json!(saved.id), "its own Prefer applies");
    assert_eq!(by("2")["body"]["content"], json!("a\nb"));
}

// 7. A throttled batch answers 424, with the inner answers in its body.

#[test]
fn a_424_batch_with_one_throttled_create_still_makes_every_draft_once() {
    for outer in [424, 200] {
        let emu = Emulator::start(EmulatorConfig {
            throttled_batch_status: outer,
            ..EmulatorConfig::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("five.jsonl");
        let lines: String = (0..5)
            .map(|i| format!("{{\"to\":\"p{i}@contoso.com\",\"subject\":\"s{i}\"}}\n"))
            .collect();
        std::fs::write(&file, lines).unwrap();
        emu.inject(Fault::throttle(1).on("POST").at("/me/messages").after(2));
        let out = common::graft_cli(
            &emu.graph_url(),
            dir.path(),
            &["draft", "--batch", file.to_str().unwrap(), "--json"],
        );
        assert!(out.status.success(), "outer {outer}: {out:?}");
        let rows = json_lines(&out);
        assert!(
            rows.iter().all(|r| r["status"] == "created"),
            "outer {outer}: no line reported failed while its draft exists: {rows:?}"
        );
        assert_eq!(emu.messages().len(), 5, "outer {outer}");
    }
}

// 8. Deleted means deleted.

fn queued_journal(state: &std::path::Path, url: &str, key: &str, body: &str) {
    use graft::core::record::{Fields, JournalRecord};
    use graft::store::journal::JournalStore;
    let store = JournalStore::open(state.join("journal")).unwrap();
    store
        .write(&JournalRecord {
            pid: 0,
            fields: Fields {
                to: "a@contoso.com".into(),
                subject: "Queued".into(),
                body: body.into(),
                ..Fields::default()
            },
            create_uncertain: true,
            queued: true,
            ..JournalRecord::blank(key.into(), url, &Default::default())
        })
        .unwrap();
}

#[tokio::test]
async fn a_draft_deleted_in_outlook_is_not_saved_over_by_a_queued_save() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let key = "0d0d0d0d-1111-4222-8333-444444444444";
    let c = client(&emu);
    // The lost create made it; then the user deleted it in Outlook.
    let saved = c.create_draft(&keyed("old text", key)).await.unwrap();
    reqwest::Client::new()
        .delete(c.message_url(&saved.id))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    let state = tempfile::tempdir().unwrap();
    queued_journal(state.path(), &emu.graph_url(), key, "new text");
    let out = common::graft_cli(&emu.graph_url(), state.path(), &["sync"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("deleted in Outlook"), "{text}");
    assert!(!out.status.success());
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 1, "nothing created");
    assert_eq!(
        msgs[0]["subject"],
        json!("old text"),
        "nothing saved over it"
    );
    // And the history view calls it deleted, not a draft.
    let state2 = tempfile::tempdir().unwrap();
    let out = common::graft_cli(
        &emu.graph_url(),
        state2.path(),
        &[
            "draft",
            "--to",
            "b@contoso.com",
            "--subject",
            "to delete",
            "--json",
        ],
    );
    let id = json_lines(&out)[0]["id"].as_str().unwrap().to_string();
    reqwest::Client::new()
        .delete(c.message_url(&id))
        .bearer_auth(DEMO_TOKEN)
        .send()
        .await
        .unwrap();
    let out = common::graft_cli(
        &emu.graph_url(),
        state2.path(),
        &["drafts", "--remote", "--json"],
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["state"], json!("deleted"), "{rows:?}");
}

#[test]
fn both_ways_of_deleting_are_modelled() {
    for moves in [true, false] {
        let emu = Emulator::start(EmulatorConfig {
            delete_moves_to_deleted_items: moves,
            ..EmulatorConfig::default()
        })
        .unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let c = client(&emu);
        let key = "1d1d1d1d-1111-4222-8333-444444444444";
        let saved = rt.block_on(c.create_draft(&keyed("x", key))).unwrap();
        rt.block_on(
            reqwest::Client::new()
                .delete(c.message_url(&saved.id))
                .bearer_auth(DEMO_TOKEN)
                .send(),
        )
        .unwrap();
        let w = rt.block_on(c.locate(key)).unwrap();
        match (moves, w) {
            (true, graft::graph::Whereabouts::Deleted(_)) => {}
            (false, graft::graph::Whereabouts::Gone) => {}
            (m, w) => panic!("moves {m}: {w:?}"),
        }
    }
}

// 9. A mailbox out of named properties.

#[test]
fn a_mailbox_that_refuses_the_key_gets_the_draft_without_it_and_is_told() {
    let emu = Emulator::start(EmulatorConfig {
        named_property_quota_exhausted: true,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let state = tempfile::tempdir().unwrap();
    let out = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &["draft", "--to", "a@contoso.com", "--subject", "quota"],
    );
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("duplicate guard is off"), "{err}");
    assert_eq!(emu.messages().len(), 1);
}

#[test]
fn the_form_says_once_that_the_duplicate_guard_is_off() {
    let emu = Emulator::start(EmulatorConfig {
        named_property_quota_exhausted: true,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let mut t = open(&emu);
    t.send("a@contoso.com");
    t.send(CTRL_S);
    let screen = t.wait_text("duplicate guard is off");
    assert!(screen.contains("saved"), "{screen}");
    // The next new draft goes without the key at once: one request.
    t.send(F6);
    t.wait_text("Drafts saved from graft");
    t.send("n");
    t.wait_text("New draft.");
    let before = emu.requests().len();
    t.send("b@contoso.com");
    t.send(CTRL_S);
    t.wait_for("the second create", 10, |s| {
        s.contains("201 Created") && s.contains("b@contoso.com")
    });
    let creates: Vec<_> = emu.requests()[before..]
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .map(|r| r.status)
        .collect();
    assert_eq!(creates, [201]);
    t.send(CTRL_Q);
}

// 10. The mailbox's real size limit.

fn sparse(dir: &std::path::Path, name: &str, len: u64) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::File::create(&p).unwrap().set_len(len).unwrap();
    p
}

#[test]
fn a_file_that_cannot_fit_is_refused_before_anything_is_uploaded() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let big = sparse(dir.path(), "video.mp4", 30 * 1024 * 1024);
    let out = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--attach",
            big.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("35 MB") && err.contains("Nothing was sent"),
        "{err}"
    );
    assert!(
        emu.requests()
            .iter()
            .all(|r| !r.path.contains("/messages") && r.method != "PUT"),
        "no draft, no upload"
    );
}

#[test]
fn a_larger_limit_learnt_from_mailtips_lets_it_through() {
    let emu = Emulator::start(EmulatorConfig {
        max_message_bytes: 150 * 1024 * 1024,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let big = sparse(dir.path(), "video.mp4", 30 * 1024 * 1024);
    let out = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--attach",
            big.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    assert!(
        emu.requests()
            .iter()
            .any(|r| r.path.ends_with("/getMailTips"))
    );
    let id = json_lines(&out)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(emu.attachments(&id).len(), 1);
}

#[test]
fn the_form_refuses_a_file_over_the_mailbox_budget() {
    use common::{ctrl, model};
    let dir = tempfile::tempdir().unwrap();
    let p = sparse(dir.path(), "big.iso", 30 * 1024 * 1024);
    let mut m = model();
    graft::tui::app::update(&mut m, ctrl('o'));
    let f = graft::store::files::check(p.to_str().unwrap()).unwrap();
    graft::tui::app::update(&mut m, graft::tui::app::Msg::FileChecked(Ok(f)));
    assert!(m.form.files.list.is_empty(), "not attached");
    match &m.dialog {
        Some(graft::tui::app::Dialog::Attach(d)) => {
            let msg = d.message.as_deref().unwrap();
            assert!(
                msg.contains("was not attached") && msg.contains("35 MB"),
                "{msg}"
            );
        }
        other => panic!("{other:?}"),
    }
    // With the mailbox's real limit known, it fits.
    graft::tui::app::update(
        &mut m,
        graft::tui::app::Msg::MailboxLimit(150 * 1024 * 1024),
    );
    let f = graft::store::files::check(p.to_str().unwrap()).unwrap();
    graft::tui::app::update(&mut m, graft::tui::app::Msg::FileChecked(Ok(f)));
    assert_eq!(m.form.files.list.len(), 1);
}

#[tokio::test]
async fn the_size_limit_is_enforced_either_way_the_sources_count_it() {
    // Raw bytes, or as encoded for sending (a third more).
    for encoded in [false, true] {
        let emu = Emulator::start(EmulatorConfig {
            max_message_bytes: 4 * 1024 * 1024,
            message_size_counts_encoding: encoded,
            ..EmulatorConfig::default()
        })
        .unwrap();
        let c = client(&emu);
        let id = c
            .create_draft(&json!({"subject": "size"}))
            .await
            .unwrap()
            .id;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.bin");
        std::fs::write(&p, vec![7u8; 3_500_000]).unwrap();
        let f = graft::store::files::check(p.to_str().unwrap()).unwrap();
        let r =
            graft::graph::upload::upload_file(&c, &id, &f, &common::disk(), &[], &mut |_, _| {})
                .await;
        match (encoded, r) {
            (false, Ok(_)) => {}
            (true, Err(e)) => assert_eq!(e.code, "ErrorMessageSizeExceeded"),
            (e, r) => panic!("encoded {e}: {r:?}"),
        }
    }
}

// 11. Retry-After and the retries of one request.

#[test]
fn retry_after_may_be_fractional_or_absurd() {
    use graft::graph::transport::parse_retry_after;
    assert_eq!(
        parse_retry_after("2.128"),
        Some(Duration::from_millis(2128))
    );
    assert_eq!(
        parse_retry_after("18446744073709551615"),
        Some(Duration::from_secs(180)),
        "capped as the SDKs cap it"
    );
    assert_eq!(parse_retry_after("-3"), None);
}

#[test]
fn the_retries_of_one_create_share_a_client_request_id_and_a_503_is_looked_up() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::status(503, "ServiceUnavailable", "busy").on("POST"));
    emu.inject(Fault::status(503, "ServiceUnavailable", "busy").on("POST"));
    let state = tempfile::tempdir().unwrap();
    let out = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &["draft", "--to", "a@contoso.com", "--subject", "retried"],
    );
    assert!(out.status.success(), "{out:?}");
    let reqs = emu.requests();
    let creates: Vec<_> = reqs.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(creates.len(), 3);
    assert!(
        creates
            .iter()
            .all(|r| r.client_request_id == creates[0].client_request_id),
        "{creates:?}"
    );
    // A 503 may have been stored: the key is looked up before the next create.
    let seq: Vec<&str> = reqs.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(seq, ["POST", "GET", "POST", "GET", "POST"], "{reqs:?}");
    assert_eq!(emu.messages().len(), 1);
}

// 12. Upload sessions and attachment removals.

#[tokio::test]
async fn a_404_on_removing_an_attachment_is_checked_not_assumed() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let c = client(&emu);
    let saved = c.create_draft(&json!({"subject": "moves"})).await.unwrap();
    let att = c
        .add_attachment(
            &saved.id,
            &json!({"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": "aGk="}),
        )
        .await
        .unwrap();
    // The user files the draft elsewhere: its old id answers 404.
    emu.move_message(&saved.id, "archive").unwrap();
    let r = c.delete_attachment(&saved.id, &att).await;
    assert!(r.is_err(), "the attachment is still there: {r:?}");
}

// 13. Mailbox names that need encoding.

#[tokio::test]
async fn mailboxes_with_dollar_quote_hash_plus_and_accents_work_everywhere() {
    let odd = [
        "$o'neil#ops+x@contoso.onmicrosoft.com",
        "élodie.müller@contoso.onmicrosoft.com",
    ];
    let emu = Emulator::start(EmulatorConfig {
        shared_mailboxes: odd.iter().map(|s| s.to_string()).collect(),
        ..EmulatorConfig::default()
    })
    .unwrap();
    for upn in odd {
        let c = client_in(&emu, Some(upn));
        let key = format!("k-{}", upn.len());
        let saved = c.create_draft(&keyed("shared", &key)).await.unwrap();
        c.update_draft(&saved.id, &json!({"subject": "shared v2"}))
            .await
            .unwrap();
        assert!(c.list_attachments(&saved.id).await.unwrap().is_empty());
        assert!(c.find_by_key(&key).await.unwrap().is_some(), "{upn}");
        let url = c.message_url(&saved.id);
        let answers = c
            .batch(&[json!({"id": "1", "method": "GET", "url": c.relative(&url)})])
            .await
            .unwrap();
        assert!(answers[0].is_ok(), "{upn} in $batch: {:?}", answers[0]);
    }
    let stored = emu.messages();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|m| m["subject"] == "shared v2"));
}

#[test]
fn the_form_does_not_save_over_a_draft_deleted_in_outlook() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("dana@contoso.com");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let id = emu.messages()[0]["id"].as_str().unwrap().to_string();
    // Deleted in Outlook: into Deleted Items, with a new id.
    let c = client(&emu);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(
        reqwest::Client::new()
            .delete(c.message_url(&id))
            .bearer_auth(DEMO_TOKEN)
            .send(),
    )
    .unwrap();
    t.send(", lee@contoso.com");
    t.send(CTRL_S);
    let screen = t.wait_text("Draft was deleted");
    assert!(screen.contains("Deleted Items"), "{screen}");
    let patched: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH" && r.status < 300)
        .collect();
    assert!(patched.is_empty(), "nothing saved over it: {patched:?}");
    // Asked, it saves the text as a new draft.
    t.send("y");
    t.wait_for("a new draft", 10, |s| s.contains("201 Created"));
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 2);
    assert_eq!(
        msgs.iter()
            .filter(|m| m["toRecipients"].as_array().unwrap().len() == 2)
            .count(),
        1
    );
    t.send(CTRL_Q);
}
