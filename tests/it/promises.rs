//! Every way of writing a draft keeps the promises: a draft made once, an
//! answer made once, files sent once, nothing lost at start. Each story
//! runs the real binary against the emulator with its faults (kill -9 at
//! moments spread over a range, answers lost after Graph acted, lookups
//! refused, two processes at once) and counts what the server holds.

use crate::common;
use common::said;

use common::pty::{Pty, journal_texts};
use graft_emulator::{
    DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction, Received, seeded_inbox,
};
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";

fn with_inbox(config: EmulatorConfig) -> Emulator {
    let inbox = seeded_inbox(&config.user_principal_name);
    Emulator::start(EmulatorConfig { inbox, ..config }).unwrap()
}

fn original(emu: &Emulator, subject: &str) -> Value {
    emu.messages()
        .into_iter()
        .find(|m| m["subject"] == subject && m["isDraft"] == false)
        .unwrap_or_else(|| panic!("no message {subject}"))
}

/// Drafts in Drafts (not what was deleted).
fn drafts(emu: &Emulator) -> Vec<Value> {
    let trash = emu.folder_id("deleteditems");
    emu.messages()
        .into_iter()
        .filter(|m| m["isDraft"] == true && m["parentFolderId"] != trash.as_str())
        .collect()
}

fn body(m: &Value) -> String {
    m["body"]["content"].as_str().unwrap_or("").to_string()
}

/// graft as a command against `url`, with its own state directory.
fn command(url: &str, state: &Path, args: &[&str]) -> Command {
    common::scenario::command_on(url, state, args)
}

fn run(url: &str, state: &Path, args: &[&str]) -> std::process::Output {
    command(url, state, args).output().expect("run graft")
}

/// Moments spread over a range, the same every run (xorshift on the trial).
fn moment(trial: u64, from_ms: u64, to_ms: u64) -> Duration {
    let mut x = (trial + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    let span = to_ms - from_ms;
    Duration::from_millis(from_ms + x.wrapping_mul(0x2545_f491_4f6c_dd1d) % span.max(1))
}

/// Exactly one answer, with `text` in it once, above the quote.
fn one_answer_with(emu: &Emulator, text: &str, quoted: &str) {
    let d = drafts(emu);
    assert_eq!(
        d.len(),
        1,
        "one answer: {:#?}",
        d.iter().map(body).collect::<Vec<_>>()
    );
    let b = body(&d[0]);
    assert_eq!(b.matches(text).count(), 1, "the text once: {b}");
    assert!(b.find(text).unwrap() < b.find(quoted).unwrap(), "{b}");
}

/// `graft reply ID --body …` killed (-9) while Graph makes the answer,
/// then the same command again: one answer with the text, whether Graph
/// kept the key given to `createReply` or not (the documented reading:
/// not). The kill lands anywhere from before the request to just before
/// its answer.
#[test]
fn a_reply_killed_while_graph_answers_is_made_once_by_the_rerun() {
    let trials = 8u64;
    for trial in 0..trials {
        let keeps = trial % 2 == 1;
        let emu = with_inbox(EmulatorConfig {
            answer_keeps_extended_properties: keeps,
            ..EmulatorConfig::default()
        });
        // Graph makes the answer at once and answers 1.2 s later.
        emu.inject(
            Fault::action(FaultAction::DelayAfter(Duration::from_millis(1200)))
                .on("POST")
                .at("/createReply"),
        );
        let state = tempfile::tempdir().unwrap();
        let id = original(&emu, "Lunch on Thursday?")["id"]
            .as_str()
            .unwrap()
            .to_string();
        let args = ["reply", &id, "--body", "Thursday works."];
        let mut child = command(&emu.graph_url(), state.path(), &args)
            .spawn()
            .unwrap();
        std::thread::sleep(moment(trial, 30, 1150));
        let _ = child.kill();
        let _ = child.wait();
        let o = run(&emu.graph_url(), state.path(), &args);
        assert_eq!(o.status.code(), Some(0), "trial {trial}: {}", said(&o));
        one_answer_with(&emu, "Thursday works.", "free for lunch");
        assert!(
            journal_texts(state.path()).is_empty(),
            "trial {trial}: the journal is done"
        );
    }
}

/// The answer to `createReply` is lost after Graph made it, and the first
/// lookup is refused (503, a reset, 500): graft keeps looking, and "not
/// there" only ever comes from a lookup that answered. Then: a 201 whose
/// body cannot be read, and a PATCH of the text that is throttled or
/// refused busy: retried, one answer.
#[test]
fn lost_answers_refused_lookups_and_busy_updates_make_one_answer() {
    let faults: Vec<(&str, Vec<Fault>)> = vec![
        (
            "lost answer, lookup 503",
            vec![
                Fault::action(FaultAction::DropAfter)
                    .on("POST")
                    .at("/createReply"),
                Fault::status(503, "ServiceUnavailable", "busy")
                    .on("GET")
                    .at("/me/messages")
                    .after(1),
            ],
        ),
        (
            "lost answer, lookup reset",
            vec![
                Fault::action(FaultAction::DropAfter)
                    .on("POST")
                    .at("/createReply"),
                Fault::action(FaultAction::DropBefore)
                    .on("GET")
                    .at("/me/messages")
                    .after(1),
            ],
        ),
        (
            "lost answer, lookup 500",
            vec![
                Fault::action(FaultAction::DropAfter)
                    .on("POST")
                    .at("/createReply"),
                Fault::status(500, "InternalServerError", "oops")
                    .on("GET")
                    .at("/me/messages")
                    .after(1),
            ],
        ),
        (
            "201 with a broken body",
            vec![
                Fault::action(FaultAction::BreakBody)
                    .on("POST")
                    .at("/createReply"),
            ],
        ),
        ("PATCH throttled", vec![Fault::throttle(1).on("PATCH")]),
        (
            "PATCH 503",
            vec![Fault::status(503, "ServiceUnavailable", "busy").on("PATCH")],
        ),
    ];
    for (what, list) in faults {
        let emu = with_inbox(EmulatorConfig::default());
        for f in list {
            emu.inject(f);
        }
        let state = tempfile::tempdir().unwrap();
        let id = original(&emu, "Lunch on Thursday?")["id"]
            .as_str()
            .unwrap()
            .to_string();
        let o = run(
            &emu.graph_url(),
            state.path(),
            &["reply", &id, "--body", "Thursday works."],
        );
        assert_eq!(o.status.code(), Some(0), "{what}: {}", said(&o));
        one_answer_with(&emu, "Thursday works.", "free for lunch");
    }
}

/// Two `graft draft --batch` of one file at once: every line once.
#[test]
fn two_merges_of_one_file_at_once_make_each_line_once() {
    for trial in 0..3 {
        let emu = Emulator::start(EmulatorConfig::default()).unwrap();
        let state = tempfile::tempdir().unwrap();
        let file = state.path().join("list.jsonl");
        let lines: String = (0..60)
            .map(|i| {
                format!(
                    "{{\"to\":\"p{i}@contoso.com\",\"subject\":\"Invite {i}\",\"body\":\"Hello {i}\"}}\n"
                )
            })
            .collect();
        std::fs::write(&file, lines).unwrap();
        let args = ["draft", "--batch", file.to_str().unwrap()];
        let a = command(&emu.graph_url(), state.path(), &args)
            .spawn()
            .unwrap();
        let b = command(&emu.graph_url(), state.path(), &args)
            .spawn()
            .unwrap();
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert_eq!(a.status.code(), Some(0), "trial {trial}: {}", said(&a));
        assert_eq!(b.status.code(), Some(0), "trial {trial}: {}", said(&b));
        assert_eq!(drafts(&emu).len(), 60, "trial {trial}: one draft per line");
        let waited = format!("{}{}", said(&a), said(&b));
        assert!(
            waited.contains("waiting for it to finish") || waited.contains("60 already there"),
            "trial {trial}: {waited}"
        );
    }
}

/// A PNG's bytes (the signature, then filler), `n` long.
fn png(n: usize) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.resize(n, 7);
    v
}

fn form(emu: &Emulator, state: Option<std::sync::Arc<tempfile::TempDir>>, extra: &[&str]) -> Pty {
    let url = emu.graph_url();
    let mut args = vec!["--graph-url", url.as_str()];
    args.extend_from_slice(extra);
    let env = [("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)];
    match state {
        Some(s) => Pty::spawn_with_state(&args, &env, 100, 30, s),
        None => Pty::spawn(&args, &env, 100, 30),
    }
}

/// kill -9 while a 4 MB picture in the body uploads (its chunks slowed),
/// then a restart: the draft ends with one copy of the picture. Half the
/// trials make the draft with the picture; the other half save it first
/// and add the picture to the saved draft.
#[test]
fn a_picture_upload_killed_mid_way_ends_with_one_copy() {
    for trial in 0..6u64 {
        let later = trial % 2 == 1;
        let emu = Emulator::start(EmulatorConfig::default()).unwrap();
        let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
        let pic = state.path().join("chart.png");
        std::fs::write(&pic, png(4_000_000)).unwrap();
        let mut t = form(&emu, Some(state.clone()), &[]);
        t.wait_text("Ready.");
        t.send("kim@contoso.com\t\t\tChart\t");
        t.send("\x14"); // Ctrl-T: Markdown
        if later {
            t.send("First the words.");
            t.wait_text("First the words.");
            t.send(CTRL_S);
            t.wait_text("201 Created");
            t.send(" ");
        }
        for _ in 0..8 {
            emu.inject(
                Fault::action(FaultAction::Delay(Duration::from_millis(250)))
                    .on("PUT")
                    .at("/upload/"),
            );
        }
        t.send(&format!("Here: ![chart]({})", pic.display()));
        t.wait_text("Here:");
        t.send(CTRL_S);
        t.wait_for("the upload", 20, |s| {
            s.contains("chart.png") && s.contains('%')
        });
        std::thread::sleep(moment(trial, 0, 900));
        t.kill9();
        drop(t);
        let mut t = form(&emu, Some(state.clone()), &[]);
        // A save in flight is finished at the start, in the background; a
        // draft the journal had not yet marked queued is offered: restored
        // and saved.
        let screen = t.wait_for("the start", 10, |s| {
            s.contains("Ready.") || s.contains("blank draft (keeps these)") || s.contains("Saved")
        });
        if screen.contains("blank draft (keeps these)") {
            t.send("\r");
            t.wait_text("Here:");
            t.send(CTRL_S);
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let d = drafts(&emu);
            let done = d.len() == 1
                && emu
                    .attachments(d[0]["id"].as_str().unwrap())
                    .iter()
                    .any(|a| a.0 == "chart.png" && a.2.len() == 4_000_000)
                && journal_texts(state.path()).is_empty();
            if done {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "trial {trial}: no picture: {} drafts, {:?}, journal {:?}\n{}",
                d.len(),
                d.first().map(|m| emu
                    .attachments(m["id"].as_str().unwrap())
                    .iter()
                    .map(|a| (a.0.clone(), a.2.len()))
                    .collect::<Vec<_>>()),
                journal_texts(state.path()),
                t.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
        let d = drafts(&emu);
        let atts = emu.attachments(d[0]["id"].as_str().unwrap());
        assert_eq!(
            atts.len(),
            1,
            "trial {trial}: one copy: {:?}",
            atts.iter().map(|a| &a.0).collect::<Vec<_>>()
        );
        t.send(CTRL_Q);
        t.wait_exit(10);
    }
}

/// A draft left from an earlier session, and someone typing an address the
/// moment graft opens: the keys go to a new draft, the earlier one stays in
/// the journal (F6 offers it), nothing is deleted.
#[test]
fn typing_ahead_of_the_recovery_offer_loses_neither_draft() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = form(&emu, None, &[]);
    t.wait_text("Ready.");
    t.send("kept@contoso.com\t\t\tEarlier draft\tText to keep.");
    t.wait_for("the journal", 10, |_| {
        journal_texts(t.state_dir())
            .iter()
            .any(|j| j.contains("Text to keep."))
    });
    t.kill9();
    let state = t.state.clone();
    drop(t);
    let mut t = form(&emu, Some(state.clone()), &[]);
    // Typed before the offer could be read ("dd" used to delete it).
    t.send("todd@contoso.com");
    // The whole frame: the address in To and the line about the earlier draft.
    let screen = t.wait_for("the typed address", 10, |s| {
        s.contains("todd@contoso.com") && s.contains("1 earlier draft")
    });
    assert!(!screen.contains("Recover a draft"), "{screen}");
    common::wait_until("both in the journal", 10, || {
        let texts = journal_texts(state.path());
        texts.iter().any(|j| j.contains("Text to keep."))
            && texts.iter().any(|j| j.contains("todd@contoso.com"))
    });
    // F6 offers the earlier draft; Enter restores it.
    t.send("\x1b[17~");
    t.wait_text("Recover a draft");
    t.wait_text("restore");
    t.send("\r");
    t.wait_text("Text to keep.");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let d = drafts(&emu);
    assert_eq!(d.len(), 1);
    assert!(body(&d[0]).contains("Text to keep."));
    t.send(CTRL_Q);
}

/// A pre-filled start (flags, a mailto: link) with an older draft waiting:
/// the offer stays out of its way, the pre-filled draft is journalled at
/// once, and Enter is just a key in the form.
#[test]
fn a_pre_filled_start_is_journalled_and_not_replaced() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = form(&emu, None, &[]);
    t.wait_text("Ready.");
    t.send("old@contoso.com\t\t\tOld draft\tOlder text.");
    t.wait_for("the journal", 10, |_| {
        journal_texts(t.state_dir())
            .iter()
            .any(|j| j.contains("Older text."))
    });
    t.kill9();
    let state = t.state.clone();
    drop(t);
    for start in [
        vec!["--to", "dana@contoso.com", "--subject", "Pre-filled"],
        vec!["mailto:dana@contoso.com?subject=Pre-filled&body=From%20a%20link"],
    ] {
        let mut t = form(&emu, Some(state.clone()), &start);
        let screen = t.wait_text("Pre-filled");
        assert!(!screen.contains("Recover a draft"), "{screen}");
        assert!(screen.contains("earlier draft"), "{screen}");
        common::wait_until("the pre-filled draft journalled", 5, || {
            journal_texts(state.path())
                .iter()
                .any(|j| j.contains("Pre-filled"))
        });
        t.send("\r");
        let screen = t.wait_text("Pre-filled");
        assert!(!screen.contains("Older text."), "{screen}");
        t.kill9();
        let texts = journal_texts(state.path());
        assert!(texts.iter().any(|j| j.contains("Pre-filled")));
        assert!(texts.iter().any(|j| j.contains("Older text.")));
        // The next start offers both; this test removes the pre-filled one.
        for f in std::fs::read_dir(state.path().join("journal"))
            .unwrap()
            .flatten()
        {
            if std::fs::read_to_string(f.path()).is_ok_and(|t| t.contains("Pre-filled")) {
                let _ = std::fs::remove_file(f.path());
            }
        }
    }
}

/// The form: F8, a message, r pressed twice (and r then a) while Graph
/// takes 1.5 s to make the answer: one answer; the second key says so.
#[test]
fn answer_keys_pressed_twice_while_graph_answers_make_one() {
    let emu = with_inbox(EmulatorConfig::default());
    let mut t = form(&emu, None, &[]);
    t.wait_text("Ready.");
    for second in ["r", "a"] {
        emu.inject(
            Fault::action(FaultAction::DelayAfter(Duration::from_millis(1500)))
                .on("POST")
                .at("/createReply"),
        );
        t.select_in_f8("Megan Bowen", "Lunch on Thursday?", 2);
        t.send("\r");
        t.wait_text("From:     Megan Bowen");
        t.send("r");
        t.wait_text("being made by Graph");
        t.select_in_f8("Megan Bowen", "Lunch on Thursday?", 2);
        t.send("\r");
        t.wait_text("From:     Megan Bowen");
        t.send(second);
        t.wait_text("still being made");
        t.send("\x1b");
        t.send("\x1b");
        t.wait_for("the reply made", 10, |s| s.contains("quoted below"));
        t.send("Noted.");
        t.send(CTRL_S);
        t.wait_text("updated");
    }
    let d = drafts(&emu);
    assert_eq!(d.len(), 2, "one answer per r, none for the second key");
    t.send(CTRL_Q);
}

/// The form killed while Graph makes the answer it asked for: the next
/// start finishes it (one answer, the text typed meanwhile in it) and says so.
#[test]
fn an_answer_killed_while_graph_makes_it_is_finished_at_the_next_start() {
    for trial in 0..3u64 {
        let emu = with_inbox(EmulatorConfig::default());
        emu.inject(
            Fault::action(FaultAction::DelayAfter(Duration::from_millis(1500)))
                .on("POST")
                .at("/createReply"),
        );
        let mut t = form(&emu, None, &[]);
        t.wait_text("Ready.");
        t.select_in_f8("Megan Bowen", "Lunch on Thursday?", 2);
        t.send("\r");
        t.wait_text("From:     Megan Bowen");
        t.send("r");
        t.wait_text("being made by Graph");
        t.send("See you there.");
        t.wait_for("the journal", 10, |_| {
            journal_texts(t.state_dir())
                .iter()
                .any(|j| j.contains("See you there."))
        });
        std::thread::sleep(moment(trial, 0, 800));
        t.kill9();
        let state = t.state.clone();
        drop(t);
        let mut t = form(&emu, Some(state.clone()), &[]);
        t.wait_text("Saved “RE: Lunch on Thursday?”");
        common::wait_until("the journal to clear", 10, || {
            journal_texts(state.path()).is_empty()
        });
        one_answer_with(&emu, "See you there.", "free for lunch");
        t.send(CTRL_Q);
        t.wait_exit(10);
    }
}

/// Quitting an answer nobody wrote into: asked, and deleted by default
/// (to Deleted Items); F6 lists answers from the moment they exist.
#[test]
fn quitting_an_empty_answer_deletes_it_from_drafts() {
    let emu = with_inbox(EmulatorConfig::default());
    let mut t = form(&emu, None, &[]);
    t.wait_text("Ready.");
    t.select_in_f8("Megan Bowen", "Lunch on Thursday?", 2);
    t.send("\r");
    t.wait_text("From:     Megan Bowen");
    t.send("r");
    t.wait_text("quoted below");
    assert_eq!(drafts(&emu).len(), 1);
    t.send("\x1b[17~");
    t.wait_text("RE: Lunch on Thursday?");
    t.send("\x1b");
    t.send(CTRL_Q);
    t.wait_text("delete the empty answer");
    t.send("\r");
    assert_eq!(t.wait_exit(10), 0);
    assert!(drafts(&emu).is_empty(), "no empty RE: left in Drafts");
}

/// Reply-all to 31 people: the recipient-count check holds it before
/// Graph makes anything (nothing in Drafts); --force makes exactly one.
#[test]
fn a_held_reply_all_makes_nothing_and_force_makes_one() {
    let me = EmulatorConfig::default().user_principal_name;
    let many: Vec<(String, String)> = (0..30)
        .map(|i| (format!("P{i}"), format!("p{i}@contoso.com")))
        .collect();
    let big = Received {
        from: ("Dana Lee".into(), "dana.lee@contoso.onmicrosoft.com".into()),
        to: many,
        cc: vec![("Adele".into(), me.clone())],
        reply_to: vec![],
        subject: "All hands".into(),
        html: false,
        body: "Everyone, please read.".into(),
        received: "2026-11-30T09:00:00Z".into(),
        thread: "all-hands".into(),
        attachments: vec![],
    };
    let emu = Emulator::start(EmulatorConfig {
        inbox: vec![big],
        ..EmulatorConfig::default()
    })
    .unwrap();
    let state = tempfile::tempdir().unwrap();
    let id = original(&emu, "All hands")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = run(
        &emu.graph_url(),
        state.path(),
        &["reply-all", &id, "--body", "Read it."],
    );
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(said(&o).contains("31 recipients"), "{}", said(&o));
    assert!(drafts(&emu).is_empty(), "nothing made");
    let o = run(
        &emu.graph_url(),
        state.path(),
        &["reply-all", &id, "--body", "Read it.", "--force"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert_eq!(drafts(&emu).len(), 1);
}

/// An answer whose quote is over Graph's 4 MB request limit: said before
/// anything is sent, naming the size and the limit.
#[test]
fn an_answer_too_large_for_one_request_is_refused_before_anything_is_sent() {
    let huge = Received {
        from: ("Dana Lee".into(), "dana.lee@contoso.onmicrosoft.com".into()),
        to: vec![(
            "Adele".into(),
            EmulatorConfig::default().user_principal_name,
        )],
        cc: vec![],
        reply_to: vec![],
        subject: "Big log".into(),
        html: false,
        body: "log line\n".repeat(500_000),
        received: "2026-11-30T09:00:00Z".into(),
        thread: "big".into(),
        attachments: vec![],
    };
    let emu = Emulator::start(EmulatorConfig {
        inbox: vec![huge],
        max_body_bytes: 64 * 1024 * 1024,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let state = tempfile::tempdir().unwrap();
    let id = original(&emu, "Big log")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = run(
        &emu.graph_url(),
        state.path(),
        &["reply", &id, "--body", "Seen."],
    );
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    let out = said(&o);
    assert!(
        out.contains("the quoted message alone is 4.5 MB") && out.contains("3.9 MB in one request"),
        "{out}"
    );
    assert!(drafts(&emu).is_empty(), "nothing sent");
}

/// `graft reply --markdown` with a picture: the picture goes inline, as
/// in the form; the quote's "Sent:" line is in the mailbox's time zone.
#[test]
fn a_markdown_reply_sends_its_picture_and_quotes_in_the_users_time() {
    let emu = with_inbox(EmulatorConfig::default());
    let state = tempfile::tempdir().unwrap();
    let pic = state.path().join("map.png");
    std::fs::write(&pic, png(5_000)).unwrap();
    let id = original(&emu, "Lunch on Thursday?")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let text = format!("Here: ![map]({})", pic.display());
    let o = run(
        &emu.graph_url(),
        state.path(),
        &["reply", &id, "--markdown", "--body", &text, "--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let d = drafts(&emu);
    assert_eq!(d.len(), 1);
    let atts = emu.attachment_list(d[0]["id"].as_str().unwrap());
    assert_eq!(atts.len(), 1, "{atts:?}");
    assert_eq!(atts[0]["isInline"], true);
    let cid = atts[0]["contentId"].as_str().unwrap();
    assert!(
        body(&d[0]).contains(&format!("cid:{cid}")),
        "{}",
        body(&d[0])
    );
    assert!(
        body(&d[0]).contains("(Pacific Standard Time)"),
        "{}",
        body(&d[0])
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["attachments"][0]["inline"], true);
}

/// `graft draft --user` refused 403: the message names the permission.
#[test]
fn a_refused_shared_mailbox_names_the_permission() {
    let emu = Emulator::start(EmulatorConfig {
        token_scopes: Some(vec!["Mail.ReadWrite".into(), "User.Read".into()]),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let state = tempfile::tempdir().unwrap();
    let o = run(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--user",
            "shared.finance@contoso.onmicrosoft.com",
            "--to",
            "a@contoso.com",
            "--subject",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(3), "{}", said(&o));
    assert!(said(&o).contains("Mail.ReadWrite.Shared"), "{}", said(&o));
}

/// `graft drafts --remote --delete ID` deletes a draft graft made (to
/// Deleted Items) and drops it from the history; an id it did not make is
/// refused.
#[test]
fn graft_drafts_remote_deletes_a_draft_graft_made() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let o = run(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--subject",
            "Left over",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = v["id"].as_str().unwrap().to_string();
    let o = run(
        &emu.graph_url(),
        state.path(),
        &["drafts", "--remote", "--delete", "AAMkNotOneOfGrafts0000"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert_eq!(drafts(&emu).len(), 1);
    let o = run(
        &emu.graph_url(),
        state.path(),
        &["drafts", "--remote", "--delete", &id],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(said(&o).contains("deleted Left over"), "{}", said(&o));
    assert!(drafts(&emu).is_empty());
    let o = run(
        &emu.graph_url(),
        state.path(),
        &["drafts", "--remote", "--json"],
    );
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
}
