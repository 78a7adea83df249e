//! The faults a real machine has: crashes at the wrong moment, two grafts at
//! once, hostile or broken servers, huge inputs. Each test names the item of
//! the hardening list it holds graft to; each would fail without its fix.

use crate::common;

use common::pty::{Pty, journal_texts, unwrapped};
use graft::core::record::{Fields, JournalRecord};
use graft::graph::GraphClient;
use graft::store::journal::JournalStore;
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";
const CTRL_O: &str = "\x0f";
const TAB: &str = "\t";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const F6: &str = "\x1b[17~";

fn args(emu: &Emulator) -> Vec<String> {
    vec!["--graph-url".into(), emu.graph_url()]
}

fn spawn(emu: &Emulator, state: Arc<tempfile::TempDir>) -> Pty {
    let a = args(emu);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let t = Pty::spawn_with_state(&a, &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)], 100, 30, state);
    t.wait_text("Ready.");
    t
}

fn open(emu: &Emulator) -> Pty {
    spawn(emu, Arc::new(tempfile::tempdir().unwrap()))
}

fn client(emu: &Emulator) -> GraphClient {
    common::emulator_client(emu, 10)
}

/// graft on a Graph root nothing may be listening on yet, with a journal
/// queued earlier in `state`, waiting until it says the draft is queued.
fn spawn_offline(url: &str, state: Arc<tempfile::TempDir>) -> Pty {
    let t = Pty::spawn_with_state(
        &["--graph-url", url],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
        state,
    );
    t.wait_text("still queued");
    t
}

/// A queued journal of another (ended) session, for `url`.
fn queued(state: &std::path::Path, url: &str, key: &str, subject: &str, pid: u32) {
    let store = JournalStore::open(state.join("journal")).unwrap();
    store
        .write(&JournalRecord {
            pid,
            fields: Fields {
                to: "a@contoso.com".into(),
                subject: subject.into(),
                body: "queued text".into(),
                ..Fields::default()
            },
            create_uncertain: true,
            queued: true,
            ..JournalRecord::blank(key.into(), url, &Default::default())
        })
        .unwrap();
    // The session that wrote it is over.
    store.release_all();
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

// 1. Switching drafts during a retry countdown.
#[test]
fn f6_during_a_retry_countdown_never_sends_the_edit_to_the_other_draft() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("b@contoso.com");
    for _ in 0..3 {
        t.send(TAB);
    }
    t.send("Draft B");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let b_id = emu.messages()[0]["id"].as_str().unwrap().to_string();
    t.send(F6);
    t.wait_text("Drafts saved from graft");
    t.send("n");
    t.wait_text("New draft.");
    t.send("a@contoso.com");
    for _ in 0..3 {
        t.send(TAB);
    }
    t.send("Draft A");
    // A is throttled; its retry would be slow to answer; B loads slowly.
    emu.inject(Fault::throttle(1).on("POST").at("/messages"));
    emu.inject(
        Fault::action(FaultAction::Delay(Duration::from_secs(3)))
            .on("POST")
            .at("/messages")
            .after(1),
    );
    emu.inject(
        Fault::action(FaultAction::Delay(Duration::from_secs(2)))
            .on("GET")
            .at("/messages/"),
    );
    t.send(CTRL_S);
    t.wait_text("retrying in");
    t.send(F6);
    t.wait_text("Drafts saved from graft");
    t.send(ENTER);
    t.wait_text("Loaded “Draft B”");
    t.send(" edited");
    t.wait_text(" edited");
    t.send(CTRL_S);
    t.wait_text("200 OK");
    // A is saved in the background, as A.
    common::wait_until("draft A", 20, || emu.messages().len() == 2);
    let msgs = emu.messages();
    let b = msgs.iter().find(|m| m["id"] == json!(b_id)).expect("B");
    assert_eq!(b["subject"], json!("Draft B"));
    assert_eq!(b["body"]["content"], json!(" edited"), "the edit went to B");
    let a = msgs.iter().find(|m| m["id"] != json!(b_id)).unwrap();
    assert_eq!(a["subject"], json!("Draft A"), "A holds A's text: {a}");
    let patches: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1, "{patches:?}");
    t.send(CTRL_Q);
}

// 2. Two grafts on one draft.
#[test]
fn two_grafts_on_one_draft_each_keep_their_unsaved_text() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let mut one = spawn(&emu, state.clone());
    one.send("one@contoso.com");
    one.send(CTRL_S);
    one.wait_text("201 Created");
    // The history is written just after the frame that shows the save.
    common::wait_until("the history", 10, || {
        std::fs::read_dir(state.path().join("history"))
            .map(|d| {
                d.flatten()
                    .any(|f| std::fs::metadata(f.path()).is_ok_and(|m| m.len() > 2))
            })
            .unwrap_or(false)
    });
    let mut two = spawn(&emu, state.clone());
    two.send(F6);
    two.wait_text("Drafts saved from graft");
    two.send(ENTER);
    two.wait_text("Loaded");
    two.send("typed in two");
    common::wait_until("two's journal", 10, || {
        journal_texts(state.path())
            .iter()
            .any(|t| t.contains("typed in two"))
    });
    // The first saves (and removes its own journal)...
    one.send(TAB);
    one.send(TAB);
    one.send(TAB);
    one.send("from one");
    one.send(CTRL_S);
    one.wait_text("200 OK");
    // ...and the second is killed: its text survives.
    two.signal(libc::SIGKILL);
    assert!(
        journal_texts(state.path())
            .iter()
            .any(|t| t.contains("typed in two")),
        "the second graft's text is still in its journal"
    );
    one.send(CTRL_Q);
    assert_eq!(one.wait_exit(10), 0);
    let three = spawn_recovering(&emu, state);
    three.wait_text("typed in two");
}

fn spawn_recovering(emu: &Emulator, state: Arc<tempfile::TempDir>) -> Pty {
    let a = args(emu);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    Pty::spawn_with_state(&a, &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)], 100, 30, state)
}

// 3. A pid now used by an unrelated process.
#[test]
fn a_journal_whose_pid_is_alive_but_unrelated_is_still_completed() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    // pid 1 is alive on every machine: it is not the graft that wrote this.
    queued(
        state.path(),
        &emu.graph_url(),
        "3a3a3a3a-1111-4222-8333-444444444444",
        "Pid reused",
        1,
    );
    let out = common::graft_cli(&emu.graph_url(), state.path(), &["drafts"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("open in a running graft"), "{text}");
    let out = common::graft_cli(&emu.graph_url(), state.path(), &["sync"]);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("saved"));
    assert_eq!(emu.messages().len(), 1);
    assert!(journal_texts(state.path()).is_empty());
}

// 4. A batch line seen before but sent since.
#[test]
fn a_batch_rerun_reports_sent_lines_and_again_makes_them_anew() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("two.jsonl");
    std::fs::write(
        &file,
        "{\"to\":\"x@contoso.com\",\"subject\":\"one\"}\n{\"to\":\"y@contoso.com\",\"subject\":\"two\"}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let mut a = vec!["draft", "--batch", file.to_str().unwrap(), "--json"];
        a.extend_from_slice(extra);
        let out = common::graft_cli(&emu.graph_url(), dir.path(), &a);
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap())
            .collect::<Vec<_>>()
    };
    let first = run(&[]);
    let sent_id = first[0]["id"].as_str().unwrap().to_string();
    emu.send_message(&sent_id).unwrap();
    let rerun = run(&[]);
    assert_eq!(rerun[0]["status"], json!("sent"));
    assert_eq!(rerun[1]["status"], json!("existing"));
    assert_eq!(emu.messages().len(), 2, "nothing created");
    let again = run(&["--again"]);
    assert_eq!(again[0]["status"], json!("created"));
    assert_eq!(emu.messages().len(), 3);
    let again2 = run(&["--again"]);
    assert_eq!(
        again2[0]["status"],
        json!("existing"),
        "--again twice is once"
    );
    assert_eq!(emu.messages().len(), 3);
}

// 5. kill -9 while a create is on its way.
#[test]
fn kill_9_while_a_create_is_on_its_way_leaves_one_draft() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    // The server stores the draft, then takes its time to answer.
    emu.inject(
        Fault::action(FaultAction::DelayAfter(Duration::from_millis(600)))
            .on("POST")
            .at("/messages"),
    );
    let state = Arc::new(tempfile::tempdir().unwrap());
    let mut t = spawn(&emu, state.clone());
    t.send("kill@contoso.com");
    common::wait_until("the journal", 10, || {
        !journal_texts(state.path()).is_empty()
    });
    t.send(CTRL_S);
    common::wait_until("the draft on the server", 10, || emu.messages().len() == 1);
    t.signal(libc::SIGKILL);
    drop(t);
    let mut again = spawn_recovering(&emu, state.clone());
    let screen = again.wait_for("the start", 10, |s| {
        s.contains("Ready") || s.contains("Recover") || s.contains("Saved")
    });
    if screen.contains("Recover") {
        // Whatever is offered, saving it must not make a second draft.
        again.send(ENTER);
        again.send(CTRL_S);
    }
    common::wait_until("the journal to clear", 20, || {
        journal_texts(state.path()).is_empty()
    });
    assert_eq!(emu.messages().len(), 1, "one draft, never two");
    again.send(CTRL_Q);
}

// 6. Two `graft sync` at once.
#[test]
fn two_syncs_at_once_complete_a_queued_journal_once() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    // Slow lookups, so the two would overlap.
    emu.inject(Fault::action(FaultAction::Delay(Duration::from_millis(800))).on("GET"));
    emu.inject(Fault::action(FaultAction::Delay(Duration::from_millis(800))).on("GET"));
    let state = tempfile::tempdir().unwrap();
    queued(
        state.path(),
        &emu.graph_url(),
        "6b6b6b6b-1111-4222-8333-444444444444",
        "Twice?",
        0,
    );
    let spawn_sync = || {
        common::graft_command()
            .args(["sync", "--graph-url", &emu.graph_url()])
            .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
            .env("GRAFT_STATE_DIR", state.path())
            .env("GRAFT_CONFIG", state.path().join("none.toml"))
            .env("GRAFT_TOKEN_STORE", "file")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let a = spawn_sync();
    let b = spawn_sync();
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert_eq!(emu.messages().len(), 1, "{a:?} {b:?}");
}

// 7. A 2xx whose body cannot be read.
#[test]
fn a_201_whose_body_cannot_be_read_is_looked_up_not_created_again() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(
        Fault::action(FaultAction::BreakBody)
            .on("POST")
            .at("/messages"),
    );
    let mut t = open(&emu);
    t.send("odd@contoso.com");
    t.send(CTRL_S);
    t.wait_text("BadResponse");
    t.send(CTRL_S);
    t.wait_text("200 OK");
    assert_eq!(emu.messages().len(), 1);
    t.send(CTRL_Q);
}

// 8. kill -9 during an upload.
#[test]
fn kill_9_during_an_upload_never_uploads_the_file_twice() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.bin");
    std::fs::write(&file, vec![9u8; 3_500_000]).unwrap();
    // The last chunk is stored; its answer is slow to come.
    emu.inject(
        Fault::action(FaultAction::DelayAfter(Duration::from_secs(3)))
            .on("PUT")
            .after(1),
    );
    let state = Arc::new(tempfile::tempdir().unwrap());
    let mut t = spawn(&emu, state.clone());
    t.send("files@contoso.com");
    t.send(CTRL_O);
    t.wait_text("Attach");
    t.send(file.to_str().unwrap());
    t.send(ENTER);
    t.wait_text("Attached big.bin");
    t.send(ESC);
    t.wait_for("the dialog to close", 10, |s| !s.contains("Attach files"));
    t.send(CTRL_S);
    common::wait_until("the file on the server", 20, || {
        emu.messages()
            .first()
            .is_some_and(|m| !emu.attachments(m["id"].as_str().unwrap()).is_empty())
    });
    t.signal(libc::SIGKILL);
    drop(t);
    let mut again = spawn_recovering(&emu, state.clone());
    let screen = again.wait_for("the start", 10, |s| {
        s.contains("Ready") || s.contains("Recover") || s.contains("Saved")
    });
    if screen.contains("Recover") {
        again.send(ENTER);
        again.send(CTRL_S);
    }
    common::wait_until("the journal to clear", 20, || {
        journal_texts(state.path()).is_empty()
    });
    let id = emu.messages()[0]["id"].as_str().unwrap().to_string();
    assert_eq!(emu.messages().len(), 1);
    assert_eq!(emu.attachments(&id).len(), 1, "the file once");
    again.send(CTRL_Q);
}

// 9. The upload URL is a credential.
#[tokio::test]
async fn an_upload_urls_token_never_appears_in_a_message() {
    let e = reqwest::Client::new()
        .put("http://127.0.0.1:1/upload/AttachmentSessions/x?authtoken=SECRETSECRET")
        .send()
        .await
        .unwrap_err();
    let f = graft::graph::transport::transport_failure(e);
    assert!(!f.message.contains("SECRET"), "{}", f.message);
    assert!(!f.message.contains("authtoken"), "{}", f.message);
}

// 10. A redirect off the Graph host.
#[tokio::test]
async fn a_redirect_is_not_followed_with_the_draft() {
    let graph = Emulator::start(EmulatorConfig::default()).unwrap();
    let elsewhere = Emulator::start(EmulatorConfig::default()).unwrap();
    graph.inject(Fault::action(FaultAction::Redirect {
        status: 307,
        to: format!("{}/me/messages", elsewhere.graph_url()),
    }));
    let e = client(&graph)
        .create_draft(&json!({"subject": "secret plans"}))
        .await
        .unwrap_err();
    assert_eq!(e.status, Some(307));
    assert!(
        e.message.contains("does not follow redirects"),
        "{}",
        e.message
    );
    assert!(
        elsewhere.requests().is_empty(),
        "nothing went to the other host"
    );
}

// 11. Alt-O and hostile links.
#[test]
fn alt_o_opens_only_outlook_links() {
    use graft::tui::app::{Effect, update};
    for (link, opens) in [
        ("file:///etc/passwd", false),
        ("http://outlook.office365.com/owa/?ItemID=x", false),
        ("https://evil.example.com/owa/?ItemID=x", false),
        ("https://outlook.office365.com.evil.example/owa", false),
        ("https://outlook.office365.com/owa/?ItemID=x", true),
    ] {
        let mut m = common::model();
        m.save.server.id = Some("AAMk".into());
        m.save.server.web_link = Some(link.into());
        let out = update(
            &mut m,
            graft::tui::app::Msg::Key(crossterm::event::KeyEvent::new(
                crossterm::event::KeyCode::Char('o'),
                crossterm::event::KeyModifiers::ALT,
            )),
        );
        let opened = out.effects.iter().any(|e| matches!(e, Effect::OpenUrl(_)));
        assert_eq!(opened, opens, "{link}");
    }
}

// 12. A display name that is another address.
#[test]
fn a_name_that_is_another_address_is_refused_before_saving() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("bob@contoso.com <evil@example.com>");
    t.send(CTRL_S);
    let screen = t.wait_text("Not saved");
    assert!(
        unwrapped(&screen).contains("the mail goes to evil@example.com"),
        "{screen}"
    );
    assert!(emu.messages().is_empty());
    t.send(CTRL_Q);
}

// 13. No core dumps.
#[test]
fn graft_turns_core_dumps_off() {
    let script = format!(
        "ulimit -c unlimited 2>/dev/null; exec {} --demo",
        env!("CARGO_BIN_EXE_graft")
    );
    let t = Pty::spawn_program(
        "sh",
        &["-c", &script],
        &[],
        100,
        30,
        Arc::new(tempfile::tempdir().unwrap()),
    );
    t.wait_text("DEMO");
    let pid = t.pid().unwrap();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap()
        .to_string();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}

// 14. Input bursts.
#[test]
fn a_60_kb_burst_without_paste_brackets_is_handled_whole() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    let burst = format!("{}END", "x".repeat(60_000));
    t.send(&burst);
    t.wait_text("END");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let body = emu.messages()[0]["body"]["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(body.len(), 60_003, "every byte arrived");
    t.send(CTRL_Q);
}

// 15. Answers of any size.
#[tokio::test]
async fn an_answer_over_the_cap_is_a_server_fault_read_no_further() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::action(FaultAction::HugeBody(200 * 1024 * 1024)).on("GET"));
    let started = Instant::now();
    let e = client(&emu)
        .get_message("AAMkAGI2THVSAAAanything00")
        .await
        .unwrap_err();
    assert_eq!(e.kind, graft::graph::FailureKind::BadResponse);
    assert!(e.message.contains("more than graft reads"), "{}", e.message);
    assert!(started.elapsed() < Duration::from_secs(10));
}

// 16. A token command that hangs, or prints a bad token.
#[test]
fn a_token_command_that_never_exits_is_stopped_and_a_bad_token_refused() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--token-cmd",
            "sleep 60",
            "--token-timeout",
            "1",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not finish within 1 s"));
    assert!(started.elapsed() < Duration::from_secs(10));
    let out = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--token-cmd",
            "printf 'abc\\ndef'",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("whitespace"));
    assert!(emu.messages().is_empty());
}

// 17. An absurd Retry-After.
#[test]
fn an_absurd_retry_after_counts_down_from_at_most_180_seconds() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault {
        method: Some("POST".into()),
        path: Some("/messages".into()),
        skip: 0,
        action: FaultAction::Respond {
            status: 429,
            code: "ApplicationThrottled".into(),
            message: "slow down".into(),
            retry_after: Some("18446744073709551615".into()),
        },
    });
    let mut t = open(&emu);
    t.send("a@contoso.com");
    t.send(CTRL_S);
    let screen = t.wait_text("retrying in");
    assert!(screen.contains("retrying in 180 s"), "{screen}");
    t.send(ESC);
    t.send(CTRL_Q);
}

// 18. Setting files that never end.
#[test]
fn a_signature_file_that_is_not_a_regular_file_is_refused() {
    let state = tempfile::tempdir().unwrap();
    let cfg = state.path().join("config.toml");
    std::fs::write(&cfg, "[profiles.default]\nsignature_file = \"/dev/zero\"\n").unwrap();
    let started = Instant::now();
    let out = common::graft_command()
        .args([
            "draft",
            "--to",
            "a@contoso.com",
            "--graph-url",
            "http://127.0.0.1:1/v1.0",
        ])
        .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
        .env("GRAFT_STATE_DIR", state.path())
        .env("GRAFT_CONFIG", &cfg)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a regular file"));
    assert!(started.elapsed() < Duration::from_secs(5));
}

// 19. Ids are data.
#[tokio::test]
async fn an_id_of_dots_is_an_id_not_a_path() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let c = client(&emu);
    assert!(
        !c.message_url("..").path().ends_with("/me/messages"),
        "{}",
        c.message_url("..")
    );
    let e = c
        .update_draft("..", &json!({"subject": "x"}))
        .await
        .unwrap_err();
    assert_eq!(e.code, "ErrorInvalidIdMalformed", "{e:?}");
    let reqs = emu.requests();
    assert!(
        reqs.iter().all(|r| r.path != "/v1.0/me/messages"),
        "{reqs:?}"
    );
}

// 20. A save queued earlier, when the network returns.
#[test]
fn a_save_queued_earlier_is_retried_when_the_network_returns() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/v1.0");
    let state = Arc::new(tempfile::tempdir().unwrap());
    queued(
        state.path(),
        &url,
        "20202020-1111-4222-8333-444444444444",
        "Offline at start",
        0,
    );
    let mut t = spawn_offline(&url, state.clone());
    // The network comes back during the session.
    let emu = Emulator::start_on(EmulatorConfig::default(), port).unwrap();
    common::wait_until("the queued draft", 30, || emu.messages().len() == 1);
    common::wait_until("its journal to clear", 10, || {
        journal_texts(state.path()).is_empty()
    });
    t.send(CTRL_Q);
}

// 20, and quitting: a background save still retrying never holds graft
// open (the journal writer used to wait for the retrying task's handle on it).
#[test]
fn quitting_while_a_queued_save_is_retrying_exits_and_keeps_it() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/v1.0");
    let state = Arc::new(tempfile::tempdir().unwrap());
    let key = "20202020-1111-4222-8333-555555555555";
    queued(state.path(), &url, key, "Still offline at quit", 0);
    let mut t = spawn_offline(&url, state.clone());
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0, "graft ends while the retry waits");
    let texts = journal_texts(state.path());
    assert!(
        texts.iter().any(|j| j.contains("Still offline at quit")),
        "the queued draft is kept for the next start: {texts:?}"
    );
}

// 21. A server that hangs.
#[test]
fn a_server_that_hangs_is_said_to_time_out_not_to_be_offline() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(
        Fault::action(FaultAction::Delay(Duration::from_secs(5)))
            .on("POST")
            .at("/messages"),
    );
    let url = emu.graph_url();
    let mut t = Pty::spawn(
        &["--graph-url", &url, "--timeout", "1"],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
    );
    t.wait_text("Ready.");
    t.send("hang@contoso.com");
    t.send(CTRL_S);
    let screen = t.wait_text("no answer in time");
    let flat = unwrapped(&screen);
    assert!(flat.contains("timed out after 1 s"), "{screen}");
    assert!(!flat.contains("offline"), "{screen}");
    t.send(ESC);
    t.send(CTRL_Q);
}

// 22. A one-line field longer than 65,535 columns.
#[test]
fn typing_at_the_end_of_a_very_long_subject_stays_in_sight() {
    use graft::tui::app::{Field, Msg, update};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    let mut m = common::model();
    // The subject holds at most 1,000 characters (a paste is cut, and said);
    // a recipient list 100,000: a 70,000-column line to draw.
    m.form.focus = Field::Subject;
    update(&mut m, Msg::Paste("s".repeat(70_000)));
    assert_eq!(m.text(Field::Subject).len(), 1_000);
    assert!(format!("{:?}", m.status.last()).contains("at most 1000 characters"));
    m.form.focus = Field::To;
    update(&mut m, Msg::Paste("a".repeat(70_000)));
    common::type_text(&mut m, "XYZ");
    let mut term = Terminal::new(TestBackend::new(100, 30)).unwrap();
    term.draw(|f| graft::tui::view::view(&m, f)).unwrap();
    let buf = term.backend().buffer().clone();
    let rows: Vec<String> = (0..30)
        .map(|y| (0..100).map(|x| buf[(x, y)].symbol().to_string()).collect())
        .collect();
    let subject = rows.iter().find(|r| r.contains("▸To")).unwrap();
    assert!(subject.contains("aXYZ"), "{subject}");
    let pos = term.get_cursor_position().unwrap();
    assert_eq!(
        subject.chars().nth(pos.x as usize - 1),
        Some('Z'),
        "the cursor is right after what was typed"
    );
}
