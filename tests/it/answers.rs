//! Replies, reply-all and forwards: the emulator's received mail and
//! `create*` actions as Graph documents them, the answer made once even when
//! its reply is lost, the user's text above a quote kept byte for byte, the
//! command line, and the form (F8, pick by search, answer, save twice).

use crate::common;

use common::pty::Pty;
use graft::core::answer::{AnswerKind, MailSummary, insert_above_quote};
use graft::core::content::as_html;
use graft::core::record::JournalRecord;
use graft::graph::GraphClient;
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction, seeded_inbox};
use serde_json::{Value, json};

fn with_inbox(config: EmulatorConfig) -> Emulator {
    let inbox = seeded_inbox(&config.user_principal_name);
    Emulator::start(EmulatorConfig { inbox, ..config }).unwrap()
}

fn client(emu: &Emulator) -> GraphClient {
    common::emulator_client(emu, 10)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The seeded message with this subject.
fn original(emu: &Emulator, subject: &str) -> Value {
    emu.messages()
        .into_iter()
        .find(|m| m["subject"] == subject)
        .unwrap_or_else(|| panic!("no message {subject}"))
}

fn drafts(emu: &Emulator) -> Vec<Value> {
    emu.messages()
        .into_iter()
        .filter(|m| m["isDraft"] == true)
        .collect()
}

fn addresses(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["emailAddress"]["address"].as_str().unwrap().to_string())
        .collect()
}

async fn post(emu: &Emulator, id: &str, action: &str, body: Value) -> (u16, Value) {
    let url = format!(
        "{}/me/messages/{}/{action}",
        emu.graph_url(),
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    );
    let r = reqwest::Client::new()
        .post(url)
        .bearer_auth(DEMO_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn answers_follow_graphs_documented_rules() {
    let emu = with_inbox(EmulatorConfig::default());
    let budget = original(&emu, "Q3 budget review");
    let id = budget["id"].as_str().unwrap();
    // Reply: the sender; reply all: the sender and the other recipients
    // (not me), the Cc kept.
    let (s, reply) = post(&emu, id, "createReply", json!({})).await;
    assert_eq!(s, 201);
    assert_eq!(
        addresses(&reply["toRecipients"]),
        ["dana.lee@contoso.onmicrosoft.com"]
    );
    assert_eq!(reply["subject"], "RE: Q3 budget review");
    assert_eq!(reply["isDraft"], true);
    assert_eq!(reply["conversationId"], budget["conversationId"]);
    let quote = reply["body"]["content"].as_str().unwrap();
    assert!(
        quote.contains("divRplyFwdMsg") && quote.contains("travel"),
        "{quote}"
    );
    let (_, all) = post(&emu, id, "createReplyAll", json!({})).await;
    assert_eq!(
        addresses(&all["toRecipients"]),
        [
            "dana.lee@contoso.onmicrosoft.com",
            "megan.bowen@contoso.onmicrosoft.com"
        ]
    );
    assert_eq!(
        addresses(&all["ccRecipients"]),
        ["lee.gu@contoso.onmicrosoft.com"]
    );
    // Reply-To wins over From (message-createreply.md).
    let hall = original(&emu, "Register for the December town hall");
    let (_, r) = post(&emu, hall["id"].as_str().unwrap(), "createReply", json!({})).await;
    assert_eq!(
        addresses(&r["toRecipients"]),
        ["events-replies@contoso.onmicrosoft.com"]
    );
    // RE: is not doubled.
    let re = original(&emu, "RE: Q3 budget review");
    let (_, r) = post(&emu, re["id"].as_str().unwrap(), "createReply", json!({})).await;
    assert_eq!(r["subject"], "RE: Q3 budget review");
    // A forward carries the original's attachments.
    let fab = original(&emu, "Contract draft for Fabrikam");
    let to = json!([{"emailAddress": {"address": "lee@contoso.com"}}]);
    let (s, fw) = post(
        &emu,
        fab["id"].as_str().unwrap(),
        "createForward",
        json!({"toRecipients": to}),
    )
    .await;
    assert_eq!(s, 201);
    assert_eq!(fw["subject"], "FW: Contract draft for Fabrikam");
    let files = emu.attachments(fw["id"].as_str().unwrap());
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].2, b"CONTRACT DRAFT\n1. Scope\n2. Terms\n");
}

#[tokio::test]
async fn the_request_shapes_are_checked_and_sources_that_disagree_are_both_modelled() {
    let emu = with_inbox(EmulatorConfig::default());
    let id = original(&emu, "Lunch on Thursday?")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let both =
        json!({"comment": "hi", "message": {"body": {"contentType": "text", "content": "x"}}});
    assert_eq!(post(&emu, &id, "createReply", both).await.0, 400);
    assert_eq!(
        post(&emu, &id, "createReply", json!({"bogus": 1})).await.0,
        400
    );
    // A forward names its recipients once: not neither, not both.
    assert_eq!(post(&emu, &id, "createForward", json!({})).await.0, 400);
    let to = json!([{"emailAddress": {"address": "a@contoso.com"}}]);
    let twice = json!({"toRecipients": to, "message": {"toRecipients": to}});
    assert_eq!(post(&emu, &id, "createForward", twice).await.0, 400);
    // The page's example posts no body at all: modelled too.
    let lenient = with_inbox(EmulatorConfig {
        forward_needs_recipients: false,
        ..Default::default()
    });
    let id = original(&lenient, "Lunch on Thursday?")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(post(&lenient, &id, "createForward", json!({})).await.0, 201);
}

#[tokio::test]
async fn search_finds_by_sender_and_words_and_is_not_combined_with_orderby() {
    let emu = with_inbox(EmulatorConfig::default());
    let c = client(&emu);
    let (found, _) = c
        .mail_page(c.mail_list_url("inbox", Some("from:dana budget"), 25))
        .await
        .unwrap();
    let subjects: Vec<&str> = found.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects, ["Q3 budget review"]);
    assert_eq!(found[0].from, "Dana Lee");
    // The Inbox newest first, in pages.
    let (page, next) = c
        .mail_page(c.mail_list_url("inbox", None, 2))
        .await
        .unwrap();
    assert_eq!(page[0].subject, "RE: Q3 budget review");
    let (rest, _) = c.mail_page(next.expect("a second page")).await.unwrap();
    assert_eq!(rest.len(), 2);
    // Any folder by the name Outlook shows.
    let sent = c
        .folder_by_name("Sent Items")
        .await
        .unwrap()
        .expect("Sent Items");
    let (none, _) = c.mail_page(c.mail_list_url(&sent, None, 5)).await.unwrap();
    assert!(none.is_empty());
    assert_eq!(c.folder_by_name("No such folder").await.unwrap(), None);
    // `$search` with `$orderby` is refused (search-query-parameter.md).
    let mut bad = c.mail_list_url("inbox", Some("budget"), 5);
    bad.query_pairs_mut()
        .append_pair("$orderby", "receivedDateTime desc");
    assert!(c.mail_page(bad).await.is_err());
}

fn summary(emu: &Emulator, subject: &str) -> MailSummary {
    MailSummary::from_value(&original(emu, subject)).unwrap()
}

/// An answer made through the one save path, as `graft reply` and the
/// form make it: the record (journalled by `journal`), then the save.
fn answer_through_the_save_path(
    c: &GraphClient,
    kind: AnswerKind,
    original: &MailSummary,
    body: &str,
    journal: &mut (dyn FnMut(&JournalRecord) + Send),
) -> Result<JournalRecord, String> {
    let answer = graft::core::answer::Answer::new(kind, original, &graft::util::now_rfc3339());
    let mut rec = graft::service::answer::record(
        format!("answer-{}", uuid::Uuid::new_v4().simple()),
        answer,
        graft::core::record::Fields {
            body: body.into(),
            ..Default::default()
        },
        c.root().as_ref(),
        &Default::default(),
    );
    let mut on_wait = |_: &graft::graph::Error, _: std::time::Duration| {};
    let mut progress = |_: &str, _: u64, _: u64| {};
    rt().block_on(graft::service::save::save_record(
        c,
        &mut rec,
        graft::service::save::Run {
            limits: graft::graph::retry::Limits::at_most(4),
            on_wait: &mut on_wait,
            progress: &mut progress,
            journal,
        },
    ))
    .map_err(|e| e.message)?;
    Ok(rec)
}

/// The reply to `createReply` is lost after the server made the draft, and
/// Graph did not keep the key given to `create*` (the documented reading):
/// the answer is found in its conversation, not made twice; the key is set
/// on it, so the next lookup finds it by key.
#[test]
fn a_lost_create_reply_answer_still_makes_one_draft() {
    for keeps in [false, true] {
        let emu = with_inbox(EmulatorConfig {
            answer_keeps_extended_properties: keeps,
            ..EmulatorConfig::default()
        });
        emu.inject(
            Fault::action(FaultAction::DropAfter)
                .on("POST")
                .at("/createReply"),
        );
        let c = client(&emu);
        let mut notes = Vec::new();
        let rec = answer_through_the_save_path(
            &c,
            AnswerKind::Reply,
            &summary(&emu, "Lunch on Thursday?"),
            "Thursday works.",
            &mut |r| notes.push(r.clone()),
        )
        .unwrap();
        assert_eq!(drafts(&emu).len(), 1, "one reply draft (keeps: {keeps})");
        let d = &drafts(&emu)[0];
        assert_eq!(rec.server_id.as_deref(), d["id"].as_str());
        let body = d["body"]["content"].as_str().unwrap();
        assert!(body.find("Thursday works.").unwrap() < body.find("free for lunch").unwrap());
        assert_eq!(body.matches("Thursday works.").count(), 1);
        // Journalled before create* left: the first note knows no draft yet.
        assert!(notes[0].server_id.is_none() && notes[0].create_uncertain);
        assert!(
            rec.answer
                .as_ref()
                .unwrap()
                .quote_html
                .contains("free for lunch")
        );
        // Found by its key from now on.
        let found = rt().block_on(c.find_by_key(&rec.key)).unwrap();
        assert_eq!(found.map(|f| f.id), rec.server_id);
    }
}

/// What the user writes goes above the quote; the quote Graph made is sent
/// back byte for byte, on every save.
#[test]
fn the_users_text_goes_above_the_quote_and_the_quote_stays_byte_for_byte() {
    let emu = with_inbox(EmulatorConfig::default());
    let c = client(&emu);
    let rt = rt();
    let rec = answer_through_the_save_path(
        &c,
        AnswerKind::ReplyAll,
        &summary(&emu, "Q3 budget review"),
        "",
        &mut |_| {},
    )
    .unwrap();
    let created = rec.answer.as_ref().unwrap().quote_html.clone();
    let base = rec.saved.clone().unwrap();
    let id = rec.server_id.clone().unwrap();
    for text in [
        "Checked: fine.",
        "Checked: fine.\n\nOne more <thing> & done.",
    ] {
        let mut now = base.clone();
        now.body = text.to_string();
        rt.block_on(c.update_draft(&id, &now.patch_body(Some(&base))))
            .unwrap();
        let stored = emu.message(&id).unwrap();
        let body = stored["body"]["content"].as_str().unwrap();
        assert_eq!(
            body,
            insert_above_quote(&created, &as_html(text, Default::default()))
        );
        // The quote is all there, once, unchanged, after the user's part.
        let at = body.find("<div id=\"appendonsend\">").unwrap();
        assert_eq!(
            &body[at..],
            &created[created.find("<div id=\"appendonsend\">").unwrap()..]
        );
        assert!(body.find("Checked").unwrap() < at);
        assert_eq!(body.matches("divRplyFwdMsg").count(), 1);
    }
    assert_eq!(drafts(&emu).len(), 1);
}

#[test]
fn graft_reply_saves_from_the_command_line_and_joins_the_history() {
    let emu = with_inbox(EmulatorConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let link = original(&emu, "Lunch on Thursday?")["webLink"]
        .as_str()
        .unwrap()
        .to_string();
    let o = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &["reply", &link, "--body", "Thursday works.", "--json"],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["subject"], "RE: Lunch on Thursday?");
    assert!(v["answers"].as_str().unwrap().contains("Megan Bowen"));
    let d = drafts(&emu);
    assert_eq!(d.len(), 1);
    let body = d[0]["body"]["content"].as_str().unwrap();
    assert!(body.find("Thursday works.").unwrap() < body.find("free for lunch").unwrap());
    // Without a terminal and without text: said, and nothing made.
    let o = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &["reply-all", "--search", "budget"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(drafts(&emu).len(), 1);
    // A search that matches nothing: its own exit code (6), said, nothing made.
    let o = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &["reply", "--search", "zzzz-no-such-mail", "--body", "x"],
    );
    assert_eq!(o.status.code(), Some(6), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("matches \"zzzz-no-such-mail\""));
    assert_eq!(drafts(&emu).len(), 1);
    // A forward needs --to.
    let o = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &["forward", "--search", "fabrikam", "--body", "x"],
    );
    assert_eq!(o.status.code(), Some(2));
    let remote = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &["drafts", "--remote", "--json"],
    );
    let rows: Vec<Value> = serde_json::from_slice(&remote.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "RE: Lunch on Thursday?");
    // A forgotten attachment holds it before Graph makes anything; --force
    // saves it, and the report names the check.
    let o = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &["reply", &link, "--body", "Menu attached.", "--json"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(drafts(&emu).len(), 1, "nothing made");
    let o = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &[
            "reply",
            &link,
            "--body",
            "Menu attached.",
            "--json",
            "--force",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"][0]["check"], "forgotten_attachment");
    assert_eq!(drafts(&emu).len(), 2);
}

const F8: &str = "\x1b[19~";

/// The form on the emulator at `url` (with the state of an earlier run).
fn form(url: &str, state: Option<std::sync::Arc<tempfile::TempDir>>) -> Pty {
    let args = ["--graph-url", url];
    let env = [("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)];
    let t = match state {
        Some(s) => Pty::spawn_with_state(&args, &env, 110, 34, s),
        None => Pty::spawn(&args, &env, 110, 34),
    };
    t.wait_for("the form", 10, |s| {
        s.contains("Ready.") || s.contains("Recover a draft")
    });
    t
}
const CTRL_S: &str = "\x13";

/// The form: F8, a search, the message read, reply all, text above the
/// quote, saved, edited, saved again: one draft, threaded, quote intact.
#[test]
fn pick_by_search_reply_all_type_above_the_quote_and_save_twice() {
    let emu = with_inbox(EmulatorConfig::default());
    let url = emu.graph_url();
    let mut t = form(&url, None);
    t.send(F8);
    t.wait_text("Answer a message");
    t.wait_text("Lunch on Thursday?");
    t.send("from:dana");
    // The search box asks Graph once typing pauses: only Dana's message is left.
    t.wait_for("the search's answer", 10, |s| {
        s.contains("Q3 budget review") && !s.contains("Lunch on Thursday?")
    });
    t.send("\r");
    t.wait_text("From:     Dana Lee");
    t.send("a");
    // The whole frame, not the first part of it the terminal has read.
    let screen = t.wait_for("the answer in the form", 10, |s| {
        s.contains("Reply all to Dana Lee")
            && s.contains("quoted below")
            && s.contains("RE: Q3 budget review")
            && s.contains("200 OK")
    });
    assert!(screen.contains("RE: Q3 budget review"), "{screen}");
    assert!(
        screen.contains("megan.bowen@contoso.onmicrosoft.com"),
        "{screen}"
    );
    t.send("Travel line is fine.");
    t.send(CTRL_S);
    t.wait_text("updated");
    t.send(" Software too.");
    t.send(CTRL_S);
    t.wait_for("the second save", 10, |_| {
        drafts(&emu)
            .first()
            .and_then(|d| {
                d["body"]["content"]
                    .as_str()
                    .map(|b| b.contains("Software too."))
            })
            .unwrap_or(false)
    });
    let d = drafts(&emu);
    assert_eq!(d.len(), 1, "one draft");
    let budget = original(&emu, "Q3 budget review");
    assert_eq!(d[0]["conversationId"], budget["conversationId"]);
    let body = d[0]["body"]["content"].as_str().unwrap();
    let quote_at = body.find("<div id=\"appendonsend\">").unwrap();
    assert!(
        body[..quote_at].contains("Travel line is fine. Software too."),
        "{body}"
    );
    assert!(body[quote_at..].contains("Could you check the <b>travel</b> line"));
    assert_eq!(body.matches("divRplyFwdMsg").count(), 1);
}

/// Killed while writing an answer: the next start offers it back as the
/// answer it was, and saving it updates the same draft.
#[test]
fn an_answer_killed_mid_writing_is_recovered_as_an_answer() {
    let emu = with_inbox(EmulatorConfig::default());
    let url = emu.graph_url();
    let mut t = form(&url, None);
    t.select_in_f8("Megan Bowen", "Lunch on Thursday?", 2); // the third message
    t.send("\r");
    t.wait_text("From:     Megan Bowen");
    t.send("r");
    t.wait_for("the reply made", 10, |s| {
        s.contains("Reply to Megan Bowen") && s.contains("quoted below")
    });
    t.send("Yes, 12:30.");
    t.wait_for("the journal", 10, |_| {
        common::pty::journal_texts(t.state_dir())
            .iter()
            .any(|j| j.contains("Yes, 12:30."))
    });
    t.kill9();
    let state = t.state.clone();
    drop(t);
    let mut t = form(&url, Some(state));
    t.wait_text("blank draft (keeps these)");
    t.send("\r");
    t.wait_text("Reply to Megan Bowen");
    t.send(CTRL_S);
    t.wait_text("200 OK");
    let d = drafts(&emu);
    assert_eq!(d.len(), 1);
    let body = d[0]["body"]["content"].as_str().unwrap();
    assert!(body.find("Yes, 12:30.").unwrap() < body.find("free for lunch").unwrap());
}

/// A forward to an added recipient with a file of its own: the original's
/// attachment and the new one are both on the draft.
#[test]
fn a_forward_keeps_the_originals_attachment_and_takes_another() {
    let emu = with_inbox(EmulatorConfig::default());
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "my notes").unwrap();
    let o = common::graft_cli(
        &emu.graph_url(),
        dir.path(),
        &[
            "forward",
            "--search",
            "fabrikam",
            "--to",
            "Lee Gu <lee.gu@contoso.onmicrosoft.com>",
            "--attach",
            notes.to_str().unwrap(),
            "--body",
            "Lee, please review.",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let d = drafts(&emu);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0]["subject"], "FW: Contract draft for Fabrikam");
    assert_eq!(
        addresses(&d[0]["toRecipients"]),
        ["lee.gu@contoso.onmicrosoft.com"]
    );
    let mut names: Vec<String> = emu
        .attachments(d[0]["id"].as_str().unwrap())
        .into_iter()
        .map(|a| a.0)
        .collect();
    names.sort();
    assert_eq!(names, ["Fabrikam contract.txt", "notes.txt"]);
}

/// A forward's files, which Graph copies from the original, are listed in
/// the attach dialog (Ctrl-O) and can be removed: the next save deletes
/// the copy from the draft.
#[test]
fn a_forwards_attachments_are_listed_and_can_be_removed() {
    let emu = with_inbox(EmulatorConfig::default());
    let mut t = form(&emu.graph_url(), None);
    t.select_in_f8("Nestor Wilke", "Contract draft for Fabrikam", 4);
    t.send("\r");
    t.wait_text("From:     Nestor Wilke");
    t.send("f");
    t.wait_text("Forward to");
    t.send("lee.gu@contoso.onmicrosoft.com\r");
    t.wait_for("the forward made", 10, |s| s.contains("quoted below"));
    let id = drafts(&emu)[0]["id"].as_str().unwrap().to_string();
    assert_eq!(emu.attachments(&id).len(), 1, "Graph copied the file");
    t.send("\x0f"); // Ctrl-O
    t.wait_text("Fabrikam contract.txt");
    t.send("\x1b[B");
    t.send("\x1b[3~"); // Delete
    t.wait_text("Removed Fabrikam contract.txt.");
    t.send("\x1b");
    t.send(CTRL_S);
    t.wait_text("updated");
    let id = drafts(&emu)[0]["id"].as_str().unwrap().to_string();
    assert!(emu.attachments(&id).is_empty(), "the copy is gone");
}
