//! Fault injection: throttling, service errors, lost connections, lost answers,
//! timeouts, refused tokens, no network, a deleted draft. Each story ends with
//! exactly one message on the server holding the final text, and no journal left.

use crate::common;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use graft::auth::{AccessToken, Credentials};
use graft::core::mailbox::Mailbox;
use graft::graph::GraphClient;
use graft::store::journal::JournalStore;
use graft::tui::app::{Keymap, Model, Session, Startup};
use graft::tui::run::{Runner, run_loop};
use graft::tui::view::screen::Screen;
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction};
use serde_json::{Value, json};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

type Events = UnboundedSender<std::io::Result<Event>>;

/// The real event loop with a real journal, driven by scripted keys.
struct Harness {
    keys: Events,
    task: JoinHandle<(Result<graft::tui::run::LoopEnd, String>, Model)>,
    store: JournalStore,
    screen: common::probe::Screen,
}

fn client(url: &str, timeout: Duration, token_cmd: Option<String>) -> GraphClient {
    let c = common::client(url).timeout_of(timeout);
    match token_cmd {
        Some(cmd) => c.credentials(Credentials::Command {
            token: AccessToken::new(DEMO_TOKEN),
            cmd,
            timeout: graft::auth::command::TOKEN_CMD_TIMEOUT,
        }),
        None => c,
    }
    .build()
}

impl Harness {
    fn start(url: &str, state: &std::path::Path, client: GraphClient) -> Harness {
        let store = JournalStore::open(state.join("journal")).unwrap();
        let (keys, mut rx) = unbounded_channel::<std::io::Result<Event>>();
        let events = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        let mut startup = Startup {
            seed: 42,
            journal: true,
            ..Startup::default()
        };
        let found = graft::service::recovery::scan(&store, &Mailbox::default(), url, false);
        let initial = graft::tui::recovered(found, &mut startup);
        let mut session = Session::new(Mailbox::default(), url, false, Keymap::defaults());
        session.pid = std::process::id();
        let mut model = Model::new(session, startup);
        let s2 = store.clone();
        let (backend, screen) = common::probe::Probe::new(100, 30);
        let task = tokio::spawn(async move {
            let mut terminal = Screen::new(backend).unwrap();
            let (runner, mut results) = Runner::new(client, Some(s2.clone()));
            let r = run_loop(
                &mut terminal,
                &mut model,
                events,
                &runner,
                &mut results,
                initial,
            )
            .await;
            graft::tui::run::finish_session(runner, Some(&s2), &model);
            (r, model)
        });
        Harness {
            keys,
            task,
            store,
            screen,
        }
    }

    fn key(&self, code: KeyCode, mods: KeyModifiers) {
        self.keys
            .send(Ok(Event::Key(KeyEvent::new(code, mods))))
            .unwrap();
    }
    fn text(&self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }
    fn tab(&self) {
        self.key(KeyCode::Tab, KeyModifiers::NONE);
    }
    fn save(&self) {
        self.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    }
    fn fill(&self, to: &str, subject: &str, body: &str) {
        self.text(to);
        self.tab();
        self.tab();
        self.tab();
        self.text(subject);
        self.tab();
        self.text(body);
    }
    /// Quits (confirming if asked) and returns the final model and screen.
    async fn quit(self, confirm: bool) -> (Model, String) {
        self.key(KeyCode::Char('q'), KeyModifiers::CONTROL);
        if confirm {
            self.text("y");
        }
        let Ok(joined) = tokio::time::timeout(Duration::from_secs(15), self.task).await else {
            panic!("graft did not quit");
        };
        let (r, model) = joined.unwrap();
        r.unwrap();
        (model, self.screen.text())
    }
    /// Waits until the header says the server holds everything.
    async fn until_saved(&self, secs: u64) {
        let screen = self.screen.clone();
        until("“✓ saved”", secs, move || {
            screen.text().contains("✓ saved")
        })
        .await;
    }
    fn journal_count(&self) -> usize {
        self.store.list().0.len()
    }
}

async fn until(what: &str, secs: u64, f: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    while !f() {
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn only_message(emu: &Emulator) -> Value {
    let all = emu.messages();
    assert_eq!(all.len(), 1, "exactly one draft on the server: {all:#?}");
    all.into_iter().next().unwrap()
}

async fn until_body(emu: &Emulator, body: &str, secs: u64) {
    let want = json!(body);
    until(&format!("a draft with body {body:?}"), secs, || {
        emu.messages().iter().any(|m| m["body"]["content"] == want)
    })
    .await;
}

/// Saves, waits for the server to hold `body`, quits, and checks the story's end.
async fn ends_with_one_draft(h: Harness, emu: &Emulator, body: &str, secs: u64) -> Model {
    until_body(emu, body, secs).await;
    h.until_saved(secs).await;
    let (model, _) = h.quit(false).await;
    let m = only_message(emu);
    assert_eq!(m["body"]["content"], json!(body));
    assert_eq!(model.save.server.id.as_deref(), m["id"].as_str());
    assert!(!model.is_dirty());
    model
}

fn state() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[tokio::test]
async fn throttled_twice_with_retry_after_then_saved() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::throttle(1));
    emu.inject(Fault::throttle(1));
    let dir = state();
    let h = Harness::start(
        &emu.graph_url(),
        dir.path(),
        client(&emu.graph_url(), Duration::from_secs(5), None),
    );
    h.fill("a@contoso.com", "Throttled", "final words");
    h.save();
    let store = h.store.clone();
    ends_with_one_draft(h, &emu, "final words", 20).await;
    let statuses: Vec<u16> = emu.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 429, 201]);
    assert!(store.list().0.is_empty(), "journal cleared");
}

#[tokio::test]
async fn service_unavailable_then_saved() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::status(
        503,
        "serviceNotAvailable",
        "Service unavailable",
    ));
    let dir = state();
    let h = Harness::start(
        &emu.graph_url(),
        dir.path(),
        client(&emu.graph_url(), Duration::from_secs(5), None),
    );
    h.fill("a@contoso.com", "503", "after 503");
    h.save();
    let store = h.store.clone();
    ends_with_one_draft(h, &emu, "after 503", 20).await;
    assert!(store.list().0.is_empty());
}

#[tokio::test]
async fn connection_reset_before_the_request_is_processed() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::action(FaultAction::DropBefore).on("POST"));
    let dir = state();
    let h = Harness::start(
        &emu.graph_url(),
        dir.path(),
        client(&emu.graph_url(), Duration::from_secs(5), None),
    );
    h.fill("a@contoso.com", "Reset", "reset body");
    h.save();
    let store = h.store.clone();
    ends_with_one_draft(h, &emu, "reset body", 20).await;
    // The retry looked for an earlier create before creating.
    // (MailTips for the recipient, asked at the pause, are not the save's.)
    let methods: Vec<String> = emu
        .requests()
        .iter()
        .filter(|r| !r.path.ends_with("/getMailTips"))
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(methods, ["POST", "GET", "POST"]);
    assert!(store.list().0.is_empty());
}

#[tokio::test]
async fn stored_but_the_connection_drops_before_the_answer() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::action(FaultAction::DropAfter).on("POST"));
    let dir = state();
    let h = Harness::start(
        &emu.graph_url(),
        dir.path(),
        client(&emu.graph_url(), Duration::from_secs(5), None),
    );
    h.fill("a@contoso.com", "Ambiguous", "first");
    h.save();
    until("the lost create to reach the server", 10, || {
        emu.messages().len() == 1
    })
    .await;
    // Keep typing while graft waits to retry: the final text must win.
    h.text(" and second");
    let store = h.store.clone();
    let model = ends_with_one_draft(h, &emu, "first and second", 20).await;
    let calls: Vec<String> = emu
        .requests()
        .iter()
        .filter(|r| !r.path.ends_with("/getMailTips"))
        .map(|r| format!("{} {}", r.method, r.path.rsplit('/').next().unwrap_or("")))
        .collect();
    assert_eq!(calls.len(), 4, "{calls:?}");
    assert_eq!(calls[0], "POST messages");
    assert_eq!(calls[1], "GET messages", "the key lookup");
    // Where Deleted Items is (asked once): a draft deleted in Outlook is
    // not saved over.
    assert_eq!(calls[2], "GET deleteditems");
    assert!(
        calls[3].starts_with("PATCH "),
        "found by key and updated, not created twice: {calls:?}"
    );
    assert!(!model.save.create_uncertain);
    assert!(store.list().0.is_empty());
}

#[tokio::test]
async fn stored_and_answered_after_the_client_gave_up() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::action(FaultAction::DelayAfter(Duration::from_millis(1500))).on("POST"));
    let dir = state();
    let h = Harness::start(
        &emu.graph_url(),
        dir.path(),
        client(&emu.graph_url(), Duration::from_millis(400), None),
    );
    h.fill("a@contoso.com", "Slow", "slow body");
    h.save();
    let store = h.store.clone();
    ends_with_one_draft(h, &emu, "slow body", 20).await;
    assert!(store.list().0.is_empty());
}

#[tokio::test]
async fn token_refused_mid_session_is_refreshed_once_and_the_save_goes_through() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = state();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, DEMO_TOKEN).unwrap();
    let cmd = format!("cat {}", token_file.display());
    let h = Harness::start(
        &emu.graph_url(),
        dir.path(),
        client(&emu.graph_url(), Duration::from_secs(5), Some(cmd)),
    );
    h.fill("a@contoso.com", "Token", "v1");
    h.save();
    until_body(&emu, "v1", 10).await;
    // The token expires; the broker now hands out a new one.
    emu.set_tokens(&["second-token"]);
    std::fs::write(&token_file, "second-token").unwrap();
    h.text(" v2");
    h.save();
    let store = h.store.clone();
    ends_with_one_draft(h, &emu, "v1 v2", 20).await;
    let statuses: Vec<u16> = emu.requests().iter().map(|r| r.status).collect();
    // The update's version check meets the refused token, is sent again
    // with the new one, then the PATCH.
    assert_eq!(statuses, [201, 401, 200, 200]);
    assert!(store.list().0.is_empty());
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[tokio::test]
async fn no_network_then_network_the_queued_save_completes() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/v1.0");
    let dir = state();
    let h = Harness::start(&url, dir.path(), client(&url, Duration::from_secs(5), None));
    h.fill("a@contoso.com", "Offline", "written offline");
    h.save();
    // The journal records the queued save.
    let store = h.store.clone();
    until("a queued journal", 10, || {
        store.list().0.iter().any(|r| r.queued)
    })
    .await;
    let emu = Emulator::start_on(EmulatorConfig::default(), port).unwrap();
    ends_with_one_draft(h, &emu, "written offline", 30).await;
    assert!(store.list().0.is_empty());
}

#[tokio::test]
async fn a_save_queued_offline_completes_after_a_restart() {
    let port = free_port();
    let url = format!("http://127.0.0.1:{port}/v1.0");
    let dir = state();
    let h = Harness::start(&url, dir.path(), client(&url, Duration::from_secs(5), None));
    h.fill("a@contoso.com", "Across restart", "kept across a restart");
    h.save();
    let store = h.store.clone();
    until("a queued journal", 10, || {
        store.list().0.iter().any(|r| r.queued)
    })
    .await;
    // The journal says "queued" from the moment the create leaves; quit
    // once the form has heard it failed.
    let screen = h.screen.clone();
    until("the offline notice", 10, move || {
        screen.text().contains("offline")
    })
    .await;
    let (_, screen) = h.quit(true).await;
    assert!(screen.contains("offline"), "{screen}");
    let kept = store.list().0;
    assert_eq!(kept.len(), 1);
    assert!(kept[0].queued);
    assert_eq!(kept[0].fields.body, "kept across a restart");

    // The network is back; the next start saves it in the background.
    let emu = Emulator::start_on(EmulatorConfig::default(), port).unwrap();
    let h2 = Harness::start(&url, dir.path(), client(&url, Duration::from_secs(5), None));
    until_body(&emu, "kept across a restart", 20).await;
    until("the journal to be cleared", 10, || h2.journal_count() == 0).await;
    let (model, screen) = h2.quit(false).await;
    assert!(screen.contains("queued in an earlier session"), "{screen}");
    assert!(
        model.save.server.id.is_none(),
        "the fresh form is untouched"
    );
    only_message(&emu);
}

#[tokio::test]
async fn update_gets_404_and_the_text_is_saved_as_a_new_draft() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = state();
    let h = Harness::start(
        &emu.graph_url(),
        dir.path(),
        client(&emu.graph_url(), Duration::from_secs(5), None),
    );
    h.fill("a@contoso.com", "Gone", "one");
    h.save();
    until_body(&emu, "one", 10).await;
    // Sent or deleted elsewhere.
    let id = emu.messages()[0]["id"].as_str().unwrap().to_string();
    emu.delete_message(&id);
    h.text(" two");
    h.save();
    until("the 404", 10, || {
        emu.requests().iter().any(|r| r.status == 404)
    })
    .await;
    // The answer is on screen before the key that responds to it is typed.
    let screen = h.screen.clone();
    until("the question", 10, move || {
        screen.text().contains("The draft is gone on the server")
    })
    .await;
    h.text("y");
    let store = h.store.clone();
    let model = ends_with_one_draft(h, &emu, "one two", 20).await;
    assert_ne!(model.save.server.id.as_deref(), Some(id.as_str()));
    assert!(store.list().0.is_empty());
}
