//! Killing graft mid-typing, for real, in a pseudo-terminal: the journal brings
//! the text back on the next start.

use crate::common;

use common::pty::{Pty, journal_texts};
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use std::time::{Duration, Instant};

const TAB: &str = "\t";
const ENTER: &str = "\r";

fn start(emu: &Emulator, state: Option<std::sync::Arc<tempfile::TempDir>>) -> Pty {
    let url = emu.graph_url();
    let args = ["--graph-url", url.as_str()];
    let env = [("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)];
    match state {
        Some(s) => Pty::spawn_with_state(&args, &env, 100, 30, s),
        None => Pty::spawn(&args, &env, 100, 30),
    }
}

#[test]
fn sigkill_while_typing_loses_at_most_the_last_half_second() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = start(&emu, None);
    t.wait_text("Ready.");
    t.send("kim@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Crash test");
    t.send(TAB);
    t.send("Typed well before the crash.");
    t.send(ENTER);
    t.send("Second line, also early.");
    t.wait_text("Second line, also early.");
    let echoed = Instant::now();
    // The guarantee is about time: text typed more than 500 ms before the kill.
    while echoed.elapsed() < Duration::from_millis(550) {
        std::thread::sleep(Duration::from_millis(25));
    }
    t.send(" late");
    t.signal(libc::SIGKILL);
    t.wait_exit(10);
    let files = t.journal_files();
    assert_eq!(files.len(), 1, "one journal survives the kill");

    let state = t.state.clone();
    drop(t);
    let mut t = start(&emu, Some(state));
    let screen = t.wait_text("blank draft (keeps these)");
    assert!(screen.contains("Crash test"), "{screen}");
    assert!(screen.contains("not saved"), "{screen}");
    t.send(ENTER);
    let screen = t.wait_text("Recovered");
    assert!(screen.contains("kim@contoso.com"), "{screen}");
    assert!(screen.contains("Crash test"));
    assert!(screen.contains("Typed well before the crash."));
    assert!(screen.contains("Second line, also early."));
    // And the recovered draft saves normally.
    t.send("\x13");
    t.wait_text("201 Created");
    let m = &emu.messages()[0];
    assert!(
        m["body"]["content"]
            .as_str()
            .unwrap()
            .starts_with("Typed well before the crash.\nSecond line, also early.")
    );
    t.send("\x11");
    assert_eq!(t.wait_exit(10), 0);
    assert!(
        t.journal_files().is_empty(),
        "saved, so the journal is gone"
    );
}

#[test]
fn sighup_loses_nothing() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = start(&emu, None);
    t.wait_text("Ready.");
    t.send("lee@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Hangup");
    t.send(TAB);
    t.send("every last word");
    t.wait_text("every last word");
    // Well inside the journal's debounce: only the hangup path can save this.
    t.signal(libc::SIGHUP);
    t.wait_exit(10);
    let files = t.journal_files();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("every last word"), "{text}");

    let state = t.state.clone();
    drop(t);
    let mut t = start(&emu, Some(state));
    t.wait_text("blank draft (keeps these)");
    t.send(ENTER);
    let screen = t.wait_text("Recovered");
    assert!(screen.contains("every last word"), "{screen}");
    assert!(screen.contains("Hangup"));
    assert!(screen.contains("lee@contoso.com"));
    t.send("\x11");
    t.wait_text("Quit?");
    t.send("y");
    assert_eq!(t.wait_exit(10), 0);
    assert_eq!(
        t.journal_files().len(),
        1,
        "quitting without saving keeps the journal"
    );
}

/// A hang-up the moment the form appears (a prefilled form, an ssh link
/// that drops at once) still leaves the form's text in the journal: the
/// signals are watched before anything is on screen. The hang-up is sent as
/// soon as the form's first bytes arrive, not at the next look at the screen.
#[test]
fn a_hangup_as_the_form_appears_loses_nothing() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let url = emu.graph_url();
    for round in 0..8 {
        let subject = format!("Prefilled-subject-{round}");
        let args = ["--graph-url", url.as_str(), "--subject", subject.as_str()];
        let mut t = Pty::spawn(&args, &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)], 100, 30);
        let deadline = Instant::now() + Duration::from_secs(20);
        while !String::from_utf8_lossy(&t.raw()).contains(&subject) {
            assert!(Instant::now() < deadline, "no form: {}", t.screen());
            std::thread::yield_now();
        }
        t.signal(libc::SIGHUP);
        t.wait_exit(10);
        let texts = journal_texts(t.state_dir());
        assert!(
            texts.iter().any(|j| j.contains(&subject)),
            "round {round}: the form was on screen, the journal holds {texts:?}"
        );
    }
}

/// A terminal that really goes away (tmux closes the pty: SIGHUP, then every
/// read and write on it fails). Needs tmux; skipped without it.
#[test]
fn closing_the_terminal_loses_nothing() {
    use std::process::Command;
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let sock = format!("graft-test-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .arg("-L")
            .arg(&sock)
            .args(args)
            .output()
            .unwrap()
    };
    let cmd = format!(
        "GRAFT_STATE_DIR={} GRAFT_ACCESS_TOKEN={DEMO_TOKEN} exec {} --graph-url {}",
        state.path().display(),
        env!("CARGO_BIN_EXE_graft"),
        emu.graph_url()
    );
    let out = tmux(&[
        "new-session",
        "-d",
        "-s",
        "g",
        "-x",
        "100",
        "-y",
        "30",
        &cmd,
    ]);
    assert!(out.status.success(), "{out:?}");
    let screen = |t: &dyn Fn(&[&str]) -> std::process::Output| {
        String::from_utf8_lossy(&t(&["capture-pane", "-p", "-t", "g"]).stdout).to_string()
    };
    let wait = |what: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !screen(&tmux).contains(what) {
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    wait("Ready.");
    tmux(&[
        "send-keys",
        "-t",
        "g",
        "nia@contoso.com",
        "Tab",
        "Tab",
        "Tab",
        "Link dropped",
        "Tab",
    ]);
    tmux(&["send-keys", "-t", "g", "-l", "the very last words"]);
    wait("the very last words");
    tmux(&["kill-server"]);
    let journal = state.path().join("journal");
    let deadline = Instant::now() + Duration::from_secs(10);
    let file = loop {
        let found = std::fs::read_dir(&journal).ok().and_then(|d| {
            d.flatten()
                .map(|e| e.path())
                .find(|p| p.extension().is_some_and(|x| x == "json"))
        });
        if let Some(f) = found {
            break f;
        }
        assert!(
            Instant::now() < deadline,
            "no journal written after the terminal closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    // The file appears atomically (renamed into place), so it is whole when seen.
    let rec: graft::core::record::JournalRecord =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(rec.fields.body, "the very last words");
    assert_eq!(rec.fields.subject, "Link dropped");
    assert_eq!(rec.fields.to, "nia@contoso.com");
}

/// A graft whose create (of a draft with `subject`) is still on its way
/// when SIGTERM arrives; it has exited.
fn terminated_while_saving(emu: &Emulator, subject: &str) -> Pty {
    emu.inject(
        graft_emulator::Fault::action(graft_emulator::FaultAction::Delay(Duration::from_secs(30)))
            .on("POST")
            .at("/messages"),
    );
    let mut t = start(emu, None);
    t.wait_text("Ready.");
    t.send("max@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send(subject);
    t.send("\x13");
    t.wait_text("saving…");
    t.signal(libc::SIGTERM);
    t.wait_exit(10);
    t
}

#[test]
fn sigterm_keeps_a_save_that_was_in_flight_and_sync_completes_it() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let t = terminated_while_saving(&emu, "Terminated");
    let files = t.journal_files();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(&files[0]).unwrap();
    assert!(text.contains("\"queued\": true"), "{text}");

    // A sync against another Graph root leaves it, and says why and how.
    let other = Emulator::start(EmulatorConfig::default()).unwrap();
    let out = common::graft_command()
        .args(["sync", "--graph-url", &other.graph_url()])
        .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
        .env("GRAFT_STATE_DIR", t.state.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("skipped")
            && stdout.contains(&format!("queued for {}", emu.graph_url()))
            && stdout.contains(&format!("graft sync --graph-url {}", emu.graph_url())),
        "{stdout}"
    );
    assert!(!stdout.contains("Nothing queued"), "{stdout}");
    assert_eq!(t.journal_files().len(), 1, "still queued");

    // `graft sync` completes it: the slow create may still land, and the key lookup
    // makes sure there is one draft either way.
    let out = common::graft_command()
        .args(["sync", "--graph-url", &emu.graph_url()])
        .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
        .env("GRAFT_STATE_DIR", t.state.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("saved") && stdout.contains("Terminated"),
        "{stdout}"
    );
    assert!(t.journal_files().is_empty());
    let titles: Vec<_> = emu
        .messages()
        .iter()
        .map(|m| m["subject"].clone())
        .collect();
    assert_eq!(titles, [serde_json::json!("Terminated")]);

    let out = common::graft_command()
        .args(["drafts"])
        .env("GRAFT_STATE_DIR", t.state.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No local drafts"));
    // The draft sync saved is in the history, for F6 and `drafts --remote`.
    let out = common::graft_cli(
        &emu.graph_url(),
        t.state.path(),
        &["drafts", "--remote", "--json"],
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["subject"], "Terminated");
    assert_eq!(rows[0]["state"], "draft");
}

/// A save queued when graft ended is completed by the next start in the
/// background, and the draft joins the history F6 shows.
#[test]
fn a_queued_save_completed_at_the_next_start_joins_the_history() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let t = terminated_while_saving(&emu, "Finished later");
    let state = t.state.clone();
    drop(t);
    let mut t = start(&emu, Some(state));
    t.wait_text("queued in an earlier session");
    t.send("\x1b[17~");
    let screen = t.wait_text("Drafts saved from graft");
    // The history's row: subject, then time · folder · mailbox.
    let row = screen
        .lines()
        .find(|l| l.contains("· Drafts · me"))
        .unwrap_or_else(|| panic!("no history row: {screen}"));
    assert!(row.contains("Finished later"), "{screen}");
    assert_eq!(emu.messages().len(), 1);
}
