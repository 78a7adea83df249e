//! Two editors, one draft: the webLink opens the draft in Outlook, which
//! edits and autosaves it; graft never overwrites what was written there.
//! The emulator edits as Outlook does (`Emulator::edit_as_outlook`), gives
//! every write a new change key and answers a stale `If-Match` with 412.

use crate::common;

use common::pty::{Pty, journal_texts};
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, seeded_inbox};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

const TAB: &str = "\t";
const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";

fn form(emu: &Emulator, state: &Arc<tempfile::TempDir>, env: &[(&str, &str)]) -> Pty {
    let url = emu.graph_url();
    let mut vars = vec![("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)];
    vars.extend_from_slice(env);
    let t = Pty::spawn_with_state(&["--graph-url", &url], &vars, 100, 34, state.clone());
    t.wait_for("the form", 10, |s| {
        s.contains("Ready.") || s.contains("blank draft (keeps these)")
    });
    t
}

fn only_draft(emu: &Emulator) -> Value {
    let d: Vec<Value> = emu
        .messages()
        .into_iter()
        .filter(|m| m["isDraft"] == true)
        .collect();
    assert_eq!(d.len(), 1, "one draft");
    d[0].clone()
}

fn body(m: &Value) -> String {
    m["body"]["content"].as_str().unwrap_or("").to_string()
}

/// graft saves a paragraph; the draft is opened from its link in Outlook.
fn saved_then_opened_in_outlook(emu: &Emulator, t: &mut Pty) -> String {
    t.send("kim@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Plan");
    t.send(TAB);
    t.send("First paragraph from the terminal.");
    t.wait_text("First paragraph from the terminal.");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    only_draft(emu)["id"].as_str().unwrap().to_string()
}

/// Both changed the body: nothing is saved over Outlook's paragraph; the
/// screen names the conflict with both versions; the merge (the two edits
/// do not overlap) is shown, then saved with both edits in it.
#[test]
fn both_edited_the_body_the_conflict_is_shown_and_merged_when_chosen() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let mut t = form(&emu, &state, &[]);
    let id = saved_then_opened_in_outlook(&emu, &mut t);
    assert!(emu.outlook_adds_paragraph(&id, "Second paragraph typed in Outlook."));
    t.send(" And a sentence from graft.");
    t.send(CTRL_S);
    let screen = t.wait_text("Changed in Outlook too");
    assert!(
        screen.contains("Second paragraph typed in Outlook."),
        "{screen}"
    );
    assert!(screen.contains("And a sentence from graft."), "{screen}");
    // Nothing was saved over Outlook's text.
    let b = body(&only_draft(&emu));
    assert!(b.contains("Second paragraph typed in Outlook."), "{b}");
    assert!(!b.contains("And a sentence from graft."), "{b}");
    t.send("m");
    t.wait_text("Both edits, merged");
    t.send("\r");
    t.wait_text("updated");
    let b = body(&only_draft(&emu));
    assert!(b.contains("Second paragraph typed in Outlook."), "{b}");
    assert!(
        b.contains("First paragraph from the terminal. And a sentence from graft."),
        "{b}"
    );
    // Saved again with nothing new: no question, the same draft.
    t.send(" More.");
    t.send(CTRL_S);
    t.wait_text("More.");
    t.wait_for("the next save", 10, |_| {
        body(&only_draft(&emu)).contains("More.")
    });
    t.send(CTRL_Q);
}

/// The same, settled the other ways: Outlook's version taken (graft's
/// text kept as a draft of its own in the journal, the server untouched),
/// and graft's kept over it after a confirmation.
#[test]
fn a_conflict_settled_for_outlook_keeps_graft_s_text_in_the_journal_or_for_graft_after_asking() {
    for choice in ["o", "k"] {
        let emu = Emulator::start(EmulatorConfig::default()).unwrap();
        let state = Arc::new(tempfile::tempdir().unwrap());
        let mut t = form(&emu, &state, &[]);
        let id = saved_then_opened_in_outlook(&emu, &mut t);
        // Outlook rewrote the same line.
        emu.edit_as_outlook(&id, |p| {
            p.insert(
                "body".into(),
                json!({"contentType": "html", "content": "<html><body><div>First paragraph, reworded in Outlook.</div></body></html>"}),
            );
        });
        t.send(" Graft's addition.");
        t.send(CTRL_S);
        let screen = t.wait_text("Changed in Outlook too");
        assert!(screen.contains("No merge"), "{screen}");
        t.send(choice);
        if choice == "o" {
            t.wait_text("Took Outlook's version");
            let b = body(&only_draft(&emu));
            assert!(
                b.contains("reworded in Outlook") && !b.contains("Graft's addition"),
                "{b}"
            );
            assert!(
                journal_texts(state.path())
                    .iter()
                    .any(|j| j.contains("Graft's addition.")),
                "graft's text is kept in the journal"
            );
            t.wait_text("reworded in Outlook");
        } else {
            t.wait_text("Save your version over");
            assert!(body(&only_draft(&emu)).contains("reworded in Outlook"));
            t.send("y");
            t.wait_text("updated");
            let b = body(&only_draft(&emu));
            assert!(
                b.contains("Graft's addition.") && !b.contains("reworded"),
                "{b}"
            );
        }
        t.send(CTRL_Q);
        assert_eq!(t.wait_exit(10), 0);
    }
}

/// Outlook renamed the subject and added a recipient; graft changed the
/// body: all of it is on the server, without a question.
#[test]
fn fields_changed_on_one_side_each_merge_without_a_question() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let mut t = form(&emu, &state, &[]);
    let id = saved_then_opened_in_outlook(&emu, &mut t);
    emu.edit_as_outlook(&id, |p| {
        p.insert("subject".into(), json!("Plan (from Outlook)"));
        let mut to = p["toRecipients"].as_array().cloned().unwrap_or_default();
        to.push(json!({"emailAddress": {"address": "lee@contoso.com", "name": "Lee"}}));
        p.insert("toRecipients".into(), Value::Array(to));
    });
    t.send(" Edited in graft.");
    t.send(CTRL_S);
    let screen = t.wait_text("both sets of changes are kept");
    assert!(!screen.contains("Changed in Outlook too"), "{screen}");
    let d = only_draft(&emu);
    assert_eq!(d["subject"], "Plan (from Outlook)");
    let to: Vec<&str> = d["toRecipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["emailAddress"]["address"].as_str().unwrap())
        .collect();
    assert_eq!(to, ["kim@contoso.com", "lee@contoso.com"]);
    assert!(body(&d).contains("First paragraph from the terminal. Edited in graft."));
    // The form shows what the server holds.
    t.wait_text("Plan (from Outlook)");
    t.wait_text("lee@contoso.com");
    t.send(CTRL_Q);
}

/// graft as a command against `url`, with this state directory.
fn cli(url: &str, state: &Path, args: &[&str]) -> std::process::Output {
    common::scenario::command_on(url, state, args)
        .output()
        .expect("run graft")
}

/// A save that could not finish (the service was busy) waits in the
/// journal; meanwhile Outlook changed the draft. `graft sync` completes it
/// without losing anything of Outlook's: Outlook's new subject merges with
/// the queued body; a body changed on both sides is kept as a conflict
/// copy for the form (never saved over Outlook's).
#[test]
fn a_queued_save_completed_by_sync_never_overwrites_outlook() {
    for same_lines in [false, true] {
        let emu = Emulator::start(EmulatorConfig::default()).unwrap();
        let state = Arc::new(tempfile::tempdir().unwrap());
        let mut t = form(&emu, &state, &[]);
        let id = saved_then_opened_in_outlook(&emu, &mut t);
        // The service is busy: the next save waits to be retried, and
        // graft is quit during the wait (the journal keeps it queued).
        emu.inject(Fault::status(503, "ServiceUnavailable", "busy").on("GET"));
        t.send(" Queued words.");
        t.send(CTRL_S);
        t.wait_text("service unavailable");
        t.send(CTRL_Q);
        t.wait_text("Quit?");
        t.send("y");
        t.wait_exit(10);
        drop(t);
        assert!(
            journal_texts(state.path())
                .iter()
                .any(|j| j.contains("Queued words.") && j.contains("\"queued\": true")),
            "queued in the journal"
        );
        if same_lines {
            emu.edit_as_outlook(&id, |p| {
                p.insert(
                    "body".into(),
                    json!({"contentType": "html", "content": "<html><body><div>First paragraph, Outlook's words.</div></body></html>"}),
                );
            });
        } else {
            emu.edit_as_outlook(&id, |p| {
                p.insert("subject".into(), json!("Plan, renamed in Outlook"));
            });
        }
        let o = cli(&emu.graph_url(), state.path(), &["sync"]);
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let b = body(&only_draft(&emu));
        if same_lines {
            assert_ne!(o.status.code(), Some(0), "{out}");
            assert!(out.contains("changed in Outlook too"), "{out}");
            assert!(
                b.contains("Outlook's words") && !b.contains("Queued words"),
                "{b}"
            );
            assert!(
                journal_texts(state.path())
                    .iter()
                    .any(|j| j.contains("Queued words.") && j.contains("\"conflict\": true")),
                "the text is kept as a conflict copy"
            );
        } else {
            assert_eq!(o.status.code(), Some(0), "{out}");
            assert_eq!(only_draft(&emu)["subject"], "Plan, renamed in Outlook");
            assert!(b.contains("Queued words."), "{b}");
            assert!(journal_texts(state.path()).is_empty());
        }
    }
}

/// F6 on a Markdown draft Outlook has not touched: the Markdown source
/// comes back (not the HTML Graph returns); once Outlook changed it, it
/// reopens as HTML with a line saying why. F6 marks it changed in Outlook.
#[test]
fn reopening_a_markdown_draft_gives_the_source_back_until_outlook_changes_it() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let mut t = form(&emu, &state, &[]);
    t.send("kim@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Notes");
    t.send(TAB);
    t.send("\x14"); // Ctrl-T: Markdown
    t.send("# Heading\r\rSome **bold** words.");
    t.wait_text("Some **bold** words.");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    assert!(body(&only_draft(&emu)).contains("<h1 dir=\"auto\">Heading</h1>"));
    t.send(CTRL_Q);
    t.wait_exit(10);
    drop(t);
    let mut t = form(&emu, &state, &[]);
    t.send("\x1b[17~");
    t.wait_text("Drafts saved from graft");
    t.send("\r");
    let screen = t.wait_text("as the Markdown you wrote");
    assert!(screen.contains("# Heading"), "{screen}");
    assert!(screen.contains("Some **bold** words."), "{screen}");
    assert!(screen.contains("Markdown"), "{screen}");
    assert!(!screen.contains("<h1>"), "{screen}");
    t.send(CTRL_Q);
    t.wait_exit(10);
    drop(t);
    // Outlook changes it: reopened as HTML, and said why.
    let id = only_draft(&emu)["id"].as_str().unwrap().to_string();
    emu.outlook_adds_paragraph(&id, "Added in Outlook.");
    let mut t = form(&emu, &state, &[]);
    t.send("\x1b[17~");
    t.wait_text("changed in Outlook");
    t.send("\r");
    let screen = t.wait_text("Markdown you wrote no longer says");
    assert!(screen.contains("Added in Outlook."), "{screen}");
    assert!(screen.contains("HTML"), "{screen}");
    t.send(CTRL_Q);
    t.wait_exit(10);
}

/// F6 on a draft with a signature: the signature is kept apart (not in
/// the body's text) and saving again neither doubles nor drops it.
#[test]
fn reopening_a_signed_draft_keeps_the_signature_apart() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    std::fs::write(
        state.path().join("config.toml"),
        "[profiles.default]\nsignature = \"Dana Park\\nContoso\"\n",
    )
    .unwrap();
    for outlook_edits in [false, true] {
        let mut t = form(&emu, &state, &[]);
        t.send("\x1b[17~");
        let screen = t.wait_for("the history", 10, |s| s.contains("Drafts saved from graft"));
        if screen.contains("No drafts saved") {
            t.send("\x1b");
            t.wait_for("the form", 10, |s| !s.contains("Drafts saved from graft"));
            t.send("kim@contoso.com");
            t.send(TAB);
            t.send(TAB);
            t.send(TAB);
            t.send("Signed");
            t.send(TAB);
            t.send("<b>Body</b> text.");
            t.send("\x14\x14"); // Markdown, then HTML
            t.wait_text("HTML");
            t.send(CTRL_S);
            t.wait_text("201 Created");
            t.send(CTRL_Q);
            t.wait_exit(10);
            drop(t);
            if outlook_edits {
                let id = only_draft(&emu)["id"].as_str().unwrap().to_string();
                emu.outlook_adds_paragraph(&id, "From Outlook.");
            }
            t = form(&emu, &state, &[]);
            t.send("\x1b[17~");
            t.wait_text("Drafts saved from graft");
        }
        t.send("\r");
        let screen = t.wait_text("Loaded");
        assert!(screen.contains("┄ signature:"), "{screen}");
        let typed: Vec<&str> = screen
            .lines()
            .filter(|l| l.starts_with('┃') && !l.contains("┄ signature"))
            .collect();
        assert!(
            !typed.iter().any(|l| l.contains("Dana Park")),
            "the signature is not body text: {screen}"
        );
        t.send(" More.");
        t.send(CTRL_S);
        t.wait_text("updated");
        let b = body(&only_draft(&emu));
        assert_eq!(b.matches("Dana Park").count(), 1, "{b}");
        assert_eq!(b.matches("id=\"Signature\"").count(), 1, "{b}");
        t.send(CTRL_Q);
        t.wait_exit(10);
        drop(t);
    }
}

/// An answer reopened with F6 is an answer again: the user's part above,
/// the quote exactly as the server has it (not rewritten), after Outlook
/// changed it too.
#[test]
fn reopening_an_answer_keeps_its_quote_as_the_server_has_it() {
    let inbox = seeded_inbox(&EmulatorConfig::default().user_principal_name);
    let emu = Emulator::start(EmulatorConfig {
        inbox,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let id = emu
        .messages()
        .into_iter()
        .find(|m| m["subject"] == "Q3 budget review")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let o = cli(
        &emu.graph_url(),
        state.path(),
        &["reply", &id, "--body", "Looks right."],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let draft = only_draft(&emu);
    let quote_at = |b: &str| b.find("<div id=\"appendonsend\">").unwrap();
    let before = body(&draft);
    let quote = before[quote_at(&before)..].to_string();
    emu.outlook_adds_paragraph(draft["id"].as_str().unwrap(), "Outlook line.");
    let mut t = form(&emu, &state, &[]);
    t.send("\x1b[17~");
    t.wait_text("Drafts saved from graft");
    t.send("\r");
    let screen = t.wait_text("Loaded");
    assert!(screen.contains("quoted below"), "{screen}");
    t.send(" Also fine.");
    t.send(CTRL_S);
    t.wait_text("updated");
    let after = body(&only_draft(&emu));
    assert!(after.contains("<div id=\"appendonsend\">"), "{after}");
    assert_eq!(&after[quote_at(&after)..], quote, "the quote byte for byte");
    assert!(
        after.contains("Outlook line.") && after.contains("Also fine."),
        "{after}"
    );
    assert!(after.find("Also fine.").unwrap() < quote_at(&after));
    t.send(CTRL_Q);
    t.wait_exit(10);
}

/// 412 for a stale `If-Match` (and 409, one catalogue's code), and
/// (configured) for no `If-Match` after Outlook wrote: each is "changed
/// elsewhere" to graft, never a plain refusal.
#[test]
fn a_stale_version_is_refused_412_or_409_and_graft_reads_both_as_changed() {
    for (status, without) in [(412, false), (409, false), (412, true)] {
        let emu = Emulator::start(EmulatorConfig {
            conflict_status: status,
            conflict_without_if_match: without,
            ..EmulatorConfig::default()
        })
        .unwrap();
        let c = common::emulator_client(&emu, 10);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let saved = rt
            .block_on(c.create_draft(&json!({"subject": "v1"})))
            .unwrap();
        emu.edit_as_outlook(&saved.id, |p| {
            p.insert("subject".into(), json!("v2 from Outlook"));
        });
        let f = rt
            .block_on(c.update_draft_if(
                &saved.id,
                &json!({"subject": "v3"}),
                &saved.change_key,
                &Default::default(),
            ))
            .unwrap_err();
        assert_eq!(f.status, Some(status));
        assert!(f.changed_elsewhere(), "{f:?}");
        let unconditional = rt.block_on(c.update_draft(&saved.id, &json!({"subject": "v3"})));
        assert_eq!(unconditional.is_err(), without, "{unconditional:?}");
        // Through the one save path: merged, not refused.
        let mut rec = graft::core::record::JournalRecord {
            server_id: Some(saved.id.clone()),
            change_key: Some(saved.change_key.clone()),
            saved: Some(graft::core::content::DraftContent {
                subject: "v1".into(),
                ..Default::default()
            }),
            fields: graft::core::record::Fields {
                subject: "v1".into(),
                body: "Body from graft.".into(),
                ..Default::default()
            },
            ..graft::core::record::JournalRecord::blank(
                "k-412".into(),
                &emu.graph_url(),
                &Default::default(),
            )
        };
        let mut on_wait = |_: &graft::graph::Error, _: std::time::Duration| {};
        let mut journal = |_: &graft::core::record::JournalRecord| {};
        rt.block_on(graft::service::save::sync_with_retries(
            &c,
            &mut rec,
            Some(0),
            &mut on_wait,
            &mut journal,
        ))
        .unwrap();
        let m = emu.message(&saved.id).unwrap();
        assert!(
            m["subject"] == "v2 from Outlook" || m["subject"] == "v3",
            "{}",
            m["subject"]
        );
        assert!(body(&m).contains("Body from graft."));
    }
}

/// After `$EDITOR` (and after Ctrl-Z) graft asks which version the server
/// holds, once: an Outlook edit meanwhile is said before the next save.
#[test]
fn coming_back_from_the_editor_says_the_draft_changed_in_outlook() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let mut t = form(&emu, &state, &[("EDITOR", "true"), ("VISUAL", "")]);
    let id = saved_then_opened_in_outlook(&emu, &mut t);
    emu.outlook_adds_paragraph(&id, "Meanwhile in Outlook.");
    let before = emu.requests().len();
    t.send("\x07"); // Ctrl-G: the editor
    t.wait_text("changed in Outlook since graft saved it");
    let asked: Vec<String> = emu.requests()[before..]
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(asked, ["GET"], "one small request");
    t.send(CTRL_Q);
}

/// `graft drafts --remote` says which drafts changed in Outlook.
#[test]
fn graft_drafts_remote_marks_drafts_changed_in_outlook() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let o = cli(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--subject",
            "Report",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let id = serde_json::from_slice::<Value>(&o.stdout).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let rows = |emu: &Emulator| -> Value {
        let o = cli(
            &emu.graph_url(),
            state.path(),
            &["drafts", "--remote", "--json"],
        );
        serde_json::from_slice(&o.stdout).unwrap()
    };
    assert_eq!(rows(&emu)[0]["state"], "draft");
    emu.outlook_adds_paragraph(&id, "Edited in Outlook.");
    assert_eq!(rows(&emu)[0]["state"], "changed");
}

/// A file removed in Outlook stays removed: graft, whose list still had
/// it, changes the body and saves; the merge takes the file off graft's
/// list (and says so), nothing is uploaded again, and a file attached in
/// graft afterwards goes up beside what Outlook kept.
#[test]
fn a_file_removed_in_outlook_is_not_sent_again() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let dir = tempfile::tempdir().unwrap();
    for n in ["keep.txt", "drop.txt", "later.txt"] {
        std::fs::write(dir.path().join(n), format!("bytes of {n}")).unwrap();
    }
    let mut t = form(&emu, &state, &[]);
    let attach = |t: &mut Pty, name: &str| {
        t.send("\x0f"); // Ctrl-O
        t.wait_text("Attach files");
        t.send(&format!("{}/{name}", dir.path().display()));
        t.send("\r");
        t.wait_text(&format!("{name} "));
        t.send("\x1b");
        t.wait_for("the dialog to close", 10, |s| !s.contains("Attach files"));
    };
    t.send("kim@contoso.com");
    attach(&mut t, "keep.txt");
    attach(&mut t, "drop.txt");
    t.send(&TAB.repeat(3));
    t.send("Files");
    t.send(TAB);
    t.send("Two files.");
    t.send(CTRL_S);
    t.wait_text("2 attached");
    let id = only_draft(&emu)["id"].as_str().unwrap().to_string();
    assert!(emu.remove_attachment_as_outlook(&id, "drop.txt"));
    t.send(" And more.");
    t.send(CTRL_S);
    t.wait_for("the removal said", 10, |s| {
        let s = common::pty::unwrapped(s);
        s.contains("removed in Outlook, so off") && s.contains("list too: drop.txt.")
    });
    let names = |emu: &Emulator| -> Vec<String> {
        let mut n: Vec<String> = emu.attachments(&id).into_iter().map(|a| a.0).collect();
        n.sort();
        n
    };
    assert_eq!(names(&emu), ["keep.txt"]);
    attach(&mut t, "later.txt");
    t.send(CTRL_S);
    t.wait_for("the third save", 10, |s| {
        s.contains("later.txt") && s.contains("200 OK")
    });
    assert_eq!(names(&emu), ["keep.txt", "later.txt"]);
    t.send(CTRL_Q);
}
