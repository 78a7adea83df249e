//! The history of drafts graft saved: `graft drafts --remote`, and loading one
//! back into the form (GET, then PATCH with only what changed).

use crate::common;

use common::{ctrl, key, model, type_text};
use crossterm::event::KeyCode;
use graft::core::content::content_from_message;
use graft::core::history::HistoryEntry;
use graft::graph::upload::RemoteAttachment;
use graft::tui::app::history::Loaded;
use graft::tui::app::{Dialog, Effect, Field, Msg, update};
use graft_emulator::{Emulator, EmulatorConfig};
use serde_json::{Value, json};
use std::process::Output;

fn graft(emu: &Emulator, state: &std::path::Path, args: &[&str]) -> Output {
    common::graft_cli(&emu.graph_url(), state, args)
}

#[test]
fn drafts_remote_lists_what_graft_made_as_outlook_has_it_now() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    for subject in ["First", "Second"] {
        let o = graft(
            &emu,
            dir.path(),
            &[
                "draft",
                "--to",
                "a@contoso.com",
                "--subject",
                subject,
                "--json",
            ],
        );
        assert_eq!(o.status.code(), Some(0));
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    // Someone sends or deletes the first one in Outlook.
    assert!(emu.delete_message(&ids[0]));
    let o = graft(&emu, dir.path(), &["drafts", "--remote", "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    // Newest first.
    assert_eq!(rows[0]["subject"], "Second");
    assert_eq!(rows[0]["state"], "draft");
    assert_eq!(rows[0]["folder"], "Drafts");
    assert!(
        rows[0]["webLink"]
            .as_str()
            .unwrap()
            .starts_with("https://outlook.office365.com/owa/")
    );
    assert_eq!(rows[1]["state"], "gone");
    // The gone one is dropped from the history.
    let o = graft(&emu, dir.path(), &["drafts", "--remote"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("Second") && !text.contains("First"), "{text}");
    assert!(emu.requests().iter().any(|r| r.path == "/v1.0/$batch"));
}

fn message() -> Value {
    json!({
        "id": "AAMkLoaded",
        "subject": "Budget",
        "body": {"contentType": "text", "content": "Line one\r\nLine two \u{1b}[31mred"},
        "toRecipients": [{"emailAddress": {"address": "a@contoso.com", "name": "a@contoso.com"}},
                         {"emailAddress": {"address": "bo@contoso.com", "name": "Smith, Bo"}}],
        "ccRecipients": [], "bccRecipients": [],
        "replyTo": [{"emailAddress": {"address": "team@contoso.com"}}],
        "importance": "high",
        "isReadReceiptRequested": true,
        "isDeliveryReceiptRequested": false,
        "categories": ["Finance"],
        "flag": {"flagStatus": "flagged"},
        "webLink": "https://outlook.office365.com/owa/?ItemID=AAMkLoaded",
        "isDraft": true
    })
}

#[test]
fn a_message_from_graph_becomes_the_form_content() {
    let c = content_from_message(&message());
    assert_eq!(c.subject, "Budget");
    assert_eq!(
        c.body, "Line one\nLine two red",
        "CRLF folded, escapes removed"
    );
    assert_eq!(c.to.len(), 2);
    assert_eq!(c.to[0].name, None, "a name equal to the address is no name");
    assert_eq!(c.to[1].name.as_deref(), Some("Smith, Bo"));
    assert_eq!(c.more.reply_to[0].address, "team@contoso.com");
    assert_eq!(c.more.importance, graft::core::content::Importance::High);
    assert!(c.more.read_receipt && c.more.flagged && !c.more.delivery_receipt);
    assert_eq!(c.more.categories, vec!["Finance"]);
}

fn entry() -> HistoryEntry {
    HistoryEntry {
        change_key: String::new(),
        id: "AAMkLoaded".into(),
        key: "7d1f2c3a-0000-4000-8000-000000000001".into(),
        subject: "Budget".into(),
        saved: "2026-11-28T09:00:00Z".into(),
        folder: "Drafts".into(),
        web_link: "https://outlook.office365.com/owa/?ItemID=AAMkLoaded".into(),
        owner: "me".into(),
        format: Some(graft::core::content::BodyFormat::Text),
        answers: String::new(),
    }
}

#[test]
fn loading_a_draft_fills_the_form_and_the_next_save_patches_only_changes() {
    let mut m = model();
    m.journal.enabled = true;
    m.history = vec![entry()];
    type_text(&mut m, "unsaved@contoso.com");
    update(&mut m, key(KeyCode::F(6)));
    assert!(matches!(m.dialog, Some(Dialog::History(_))));
    let out = update(&mut m, key(KeyCode::Enter));
    assert!(out.effects.contains(&Effect::LoadDraft {
        id: "AAMkLoaded".into(),
        key: entry().key,
        text: true,
    }));
    let out = update(
        &mut m,
        Msg::DraftLoaded {
            id: "AAMkLoaded".into(),
            result: Ok(Loaded {
                source: None,
                id: "AAMkLoaded".into(),
                message: message(),
                attachments: vec![RemoteAttachment {
                    id: "AAMkAtt".into(),
                    name: "q3.xlsx".into(),
                    size: 2048,
                    is_inline: false,
                }],
            }),
        },
    );
    // The text that was on screen goes to the journal before it is replaced.
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::WriteJournal(r) if r.fields.to == "unsaved@contoso.com"))
    );
    assert!(m.dialog.is_none());
    assert_eq!(m.text(Field::Subject), "Budget");
    assert_eq!(
        m.text(Field::To),
        "a@contoso.com, \"Smith, Bo\" <bo@contoso.com>"
    );
    assert_eq!(m.save.server.id.as_deref(), Some("AAMkLoaded"));
    assert_eq!(m.draft_key, entry().key);
    assert_eq!(m.form.files.list[0].server_id.as_deref(), Some("AAMkAtt"));
    assert!(!m.is_dirty(), "freshly loaded is saved");
    // Change the subject only: the save is a PATCH of the subject alone.
    m.form.focus = Field::Subject;
    type_text(&mut m, " v2");
    let out = update(&mut m, ctrl('s'));
    // The journal's note that it may land goes first, then the update.
    match out.effects.as_slice() {
        [Effect::NoteCreate(_), Effect::Update { id, body, .. }] => {
            assert_eq!(id, "AAMkLoaded");
            assert_eq!(body, &json!({"subject": "Budget v2"}));
        }
        other => panic!("expected a note and an Update, got {other:?}"),
    }
}

#[test]
fn a_draft_gone_from_outlook_leaves_the_history_and_the_form_alone() {
    let mut m = model();
    m.history = vec![entry()];
    type_text(&mut m, "keep@contoso.com");
    update(&mut m, key(KeyCode::F(6)));
    update(&mut m, key(KeyCode::Enter));
    let out = update(
        &mut m,
        Msg::DraftLoaded {
            id: "AAMkLoaded".into(),
            result: Err(graft::tui::app::history::LoadFailure::Gone),
        },
    );
    assert!(m.history.is_empty());
    assert!(out.effects.contains(&Effect::SaveHistory(vec![])));
    assert_eq!(m.text(Field::To), "keep@contoso.com");
    match &m.dialog {
        Some(Dialog::History(d)) => assert!(d.message.as_deref().unwrap().contains("gone")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn n_in_the_history_starts_a_blank_draft_with_a_new_key() {
    let mut m = model();
    m.journal.enabled = true;
    m.session.signature = Some(graft::core::content::Signature {
        text: "Adele".into(),
        format: Default::default(),
    });
    type_text(&mut m, "x@contoso.com");
    let key_before = m.draft_key.clone();
    update(&mut m, key(KeyCode::F(6)));
    let out = update(&mut m, key(KeyCode::Char('n')));
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::WriteJournal(_)))
    );
    assert_eq!(m.text(Field::To), "");
    assert_eq!(m.text(Field::Body), "");
    assert_eq!(
        m.form.signature.as_ref().map(|s| s.text.as_str()),
        Some("Adele"),
        "the new draft carries the signature"
    );
    assert_ne!(m.draft_key, key_before);
    assert!(m.save.server.id.is_none());
    assert!(!m.is_dirty());
}

/// Drafts saved to one Graph root are listed only for that root: asking
/// another (an emulator, a national cloud) neither shows them nor, finding
/// them missing there, drops them as "gone".
#[test]
fn the_history_is_kept_per_graph_root() {
    let a = Emulator::start(EmulatorConfig::default()).unwrap();
    let b = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = graft(
        &a,
        dir.path(),
        &["draft", "--to", "a@contoso.com", "--subject", "Only on A"],
    );
    assert_eq!(o.status.code(), Some(0));
    let o = graft(&b, dir.path(), &["drafts", "--remote", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "[]");
    assert!(b.requests().is_empty(), "nothing asked of the other root");
    let o = graft(&a, dir.path(), &["drafts", "--remote", "--json"]);
    let rows: Vec<Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["subject"], "Only on A");
    assert_eq!(rows[0]["state"], "draft");
}
