//! The form's behaviour through `update` alone: no terminal, no network.

use crate::common;

use common::{alt, ctrl, key, model, type_text};
use crossterm::event::KeyCode;
use graft::graph::{self, FailureKind, SavedMessage};
use graft::tui::app::{Dialog, Effect, Field, Msg, SaveKind, StatusEntry, update};
use serde_json::json;

fn saved(status: u16, id: &str) -> SavedMessage {
    SavedMessage {
        status,
        status_text: if status == 201 { "Created" } else { "OK" }.into(),
        id: id.into(),
        web_link: format!("https://outlook.office365.com/owa/?ItemID={id}&exvsurl=1"),
        change_key: "CQAAAB".into(),
        created: "2026-11-28T09:00:00Z".into(),
        last_modified: "2026-11-28T09:00:00Z".into(),
        parent_folder_id: "AQMk".into(),
        is_draft: true,
        request_id: Some("req-1".into()),
    }
}

fn done(req: u64, result: Result<SavedMessage, graph::Error>) -> Msg {
    common::save_done(req, "09:00:00 UTC", result, Default::default())
}

fn fill(m: &mut graft::tui::app::Model) {
    type_text(m, "alice@contoso.com; \"Smith, Bob\" <bob@contoso.com>");
    update(m, key(KeyCode::Tab));
    type_text(m, "carol@fabrikam.com");
    update(m, key(KeyCode::Tab));
    update(m, key(KeyCode::Tab));
    type_text(m, "Quarterly numbers");
    update(m, key(KeyCode::Tab));
    type_text(m, "Hi all,\nnumbers below.");
}

#[test]
fn tab_and_shift_tab_walk_the_fields_in_order_and_wrap() {
    let mut m = model();
    let mut seen = vec![m.form.focus];
    for _ in 0..5 {
        update(&mut m, key(KeyCode::Tab));
        seen.push(m.form.focus);
    }
    assert_eq!(
        seen,
        vec![
            Field::To,
            Field::Cc,
            Field::Bcc,
            Field::Subject,
            Field::Body,
            Field::To
        ]
    );
    update(&mut m, key(KeyCode::BackTab));
    assert_eq!(m.form.focus, Field::Body);
    update(&mut m, key(KeyCode::BackTab));
    assert_eq!(m.form.focus, Field::Subject);
}

#[test]
fn typing_goes_to_the_focused_field_and_enter_never_breaks_a_single_line_field() {
    let mut m = model();
    type_text(&mut m, "a@b.co");
    assert_eq!(m.text(Field::To), "a@b.co");
    update(&mut m, key(KeyCode::Enter));
    assert_eq!(
        m.form.focus,
        Field::Cc,
        "Enter in a one-line field moves on"
    );
    assert_eq!(m.field(Field::To).lines().len(), 1);
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    type_text(&mut m, "one\ntwo");
    assert_eq!(m.text(Field::Body), "one\ntwo");
    assert!(m.is_dirty());
}

#[test]
fn paste_lands_whole_and_single_line_fields_fold_newlines() {
    let mut m = model();
    update(
        &mut m,
        Msg::Paste("a@x.com\r\nb@y.org;\n\nCarol <c@z.net>".into()),
    );
    assert_eq!(m.text(Field::To), "a@x.com, b@y.org, Carol <c@z.net>");
    m.form.focus = Field::Subject;
    update(&mut m, Msg::Paste("Line one\nline two\u{1b}[31m".into()));
    assert_eq!(m.text(Field::Subject), "Line one line two");
    m.form.focus = Field::Body;
    update(&mut m, Msg::Paste("p1\r\np2\n\tindented 日本語 🎉".into()));
    assert_eq!(m.text(Field::Body), "p1\np2\n\tindented 日本語 🎉");
}

#[test]
fn invalid_address_blocks_the_save_and_names_the_culprit() {
    let mut m = model();
    type_text(&mut m, "ok@contoso.com, bob");
    update(&mut m, key(KeyCode::Tab));
    type_text(&mut m, "carol@");
    let out = update(&mut m, ctrl('s'));
    assert!(out.effects.is_empty(), "nothing is sent");
    let to = m.error(Field::To).expect("To is flagged");
    assert_eq!(to.item, "bob");
    let cc = m.error(Field::Cc).expect("Cc is flagged");
    assert_eq!(cc.item, "carol@");
    assert_eq!(
        m.form.focus,
        Field::To,
        "focus jumps to the first bad field"
    );
    match m.status.last() {
        Some(StatusEntry::Invalid(t)) => {
            assert!(t.contains("'bob'") && t.contains("'carol@'"), "{t}")
        }
        other => panic!("expected an Invalid entry, got {other:?}"),
    }
    // Editing the field clears its error.
    type_text(&mut m, "x");
    assert!(m.error(Field::To).is_none());
}

#[test]
fn leaving_a_recipient_field_checks_it() {
    let mut m = model();
    type_text(&mut m, "nobody");
    update(&mut m, key(KeyCode::Tab));
    assert!(m.error(Field::To).is_some());
}

#[test]
fn first_save_posts_everything_second_save_patches_only_changes() {
    let mut m = model();
    fill(&mut m);
    let out = update(&mut m, ctrl('s'));
    let [
        Effect::Create {
            req,
            body,
            lookup_key,
            ..
        },
    ] = out.effects.as_slice()
    else {
        panic!("expected one Create, got {:?}", out.effects)
    };
    assert_eq!(
        body,
        &json!({
            "subject": "Quarterly numbers",
            "body": {"contentType": "text", "content": "Hi all,\nnumbers below."},
            "toRecipients": [
                {"emailAddress": {"address": "alice@contoso.com"}},
                {"emailAddress": {"address": "bob@contoso.com", "name": "Smith, Bob"}}
            ],
            "ccRecipients": [{"emailAddress": {"address": "carol@fabrikam.com"}}],
            "bccRecipients": [],
            "singleValueExtendedProperties": [
                {"id": graft::core::content::DRAFT_KEY_PROPERTY, "value": m.draft_key}
            ]
        })
    );
    assert_eq!(lookup_key, &None, "a first create needs no lookup");
    assert!(matches!(
        m.status.last(),
        Some(StatusEntry::Saving {
            kind: SaveKind::Create,
            ..
        })
    ));

    update(&mut m, done(*req, Ok(saved(201, "AAMk/first+id="))));
    assert!(!m.is_dirty());
    assert_eq!(m.save.server.id.as_deref(), Some("AAMk/first+id="));
    match m.status.last() {
        Some(StatusEntry::Saved {
            status,
            id,
            web_link,
            folder,
            ..
        }) => {
            assert_eq!(*status, 201);
            assert_eq!(id, "AAMk/first+id=");
            assert!(web_link.starts_with("https://outlook.office365.com/owa/"));
            assert_eq!(folder, "Drafts");
        }
        other => panic!("expected Saved, got {other:?}"),
    }

    m.form.focus = Field::Subject;
    type_text(&mut m, " v2");
    let out = update(&mut m, key(KeyCode::F(2)));
    match out.effects.as_slice() {
        [Effect::Update { id, body, .. }] => {
            assert_eq!(id, "AAMk/first+id=");
            assert_eq!(body, &json!({"subject": "Quarterly numbers v2"}));
        }
        other => panic!("expected one Update, got {other:?}"),
    }
}

#[test]
fn saving_an_unchanged_saved_draft_sends_nothing() {
    let mut m = model();
    fill(&mut m);
    let out = update(&mut m, ctrl('s'));
    let Effect::Create { req, .. } = out.effects[0].clone() else {
        panic!()
    };
    update(&mut m, done(req, Ok(saved(201, "AAMkX"))));
    let out = update(&mut m, ctrl('s'));
    assert!(out.effects.is_empty());
    assert!(matches!(m.status.last(), Some(StatusEntry::Info(t)) if t.contains("No changes")));
}

#[test]
fn save_during_a_save_is_queued_never_a_second_create() {
    let mut m = model();
    fill(&mut m);
    let out = update(&mut m, ctrl('s'));
    let Effect::Create { req, .. } = out.effects[0].clone() else {
        panic!()
    };
    type_text(&mut m, " more");
    let out = update(&mut m, ctrl('s'));
    assert!(
        out.effects.is_empty(),
        "no second POST while the first is in flight"
    );
    assert!(m.save.queued);
    let out = update(&mut m, done(req, Ok(saved(201, "AAMkQ"))));
    match out.effects.as_slice() {
        [Effect::Update { id, body, .. }, ..] => {
            assert_eq!(id, "AAMkQ");
            assert_eq!(
                body["body"]["content"],
                json!("Hi all,\nnumbers below. more")
            );
        }
        other => panic!("expected the queued save as an Update, got {other:?}"),
    }
    assert!(m.is_dirty(), "the queued changes are not saved yet");
}

#[test]
fn stale_and_unknown_results_are_ignored() {
    let mut m = model();
    fill(&mut m);
    let out = update(&mut m, ctrl('s'));
    let Effect::Create { req, .. } = out.effects[0].clone() else {
        panic!()
    };
    let before = m.status.len();
    let out = update(&mut m, done(req + 7, Ok(saved(201, "AAMkStale"))));
    assert!(!out.redraw);
    assert_eq!(m.status.len(), before);
    assert!(m.save.server.id.is_none());
    update(&mut m, done(req, Ok(saved(201, "AAMkReal"))));
    // A duplicate delivery of the same answer changes nothing.
    let out = update(&mut m, done(req, Ok(saved(201, "AAMkDup"))));
    assert!(!out.redraw);
    assert_eq!(m.save.server.id.as_deref(), Some("AAMkReal"));
}

#[test]
fn a_failure_is_shown_with_code_message_and_request_id_and_keeps_the_text() {
    let mut m = model();
    fill(&mut m);
    let out = update(&mut m, ctrl('s'));
    let Effect::Create { req, .. } = out.effects[0].clone() else {
        panic!()
    };
    let failure = graph::Error {
        kind: FailureKind::Http,
        status: Some(400),
        status_text: "Bad Request".into(),
        code: "ErrorInvalidRecipients".into(),
        message: "Recipient 'x' isn't resolved.".into(),
        request_id: Some("0b8e6d0c-1111".into()),
        retry_after: None,
    };
    update(&mut m, done(req, Err(failure)));
    match m.status.last() {
        Some(StatusEntry::Failed {
            status,
            code,
            message,
            request_id,
            ..
        }) => {
            assert_eq!(*status, Some(400));
            assert_eq!(code, "ErrorInvalidRecipients");
            assert!(message.contains("isn't resolved"));
            assert_eq!(request_id.as_deref(), Some("0b8e6d0c-1111"));
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(m.is_dirty());
    assert_eq!(m.text(Field::Subject), "Quarterly numbers");
    assert!(m.save.server.id.is_none());
    // The next save is a create again (nothing exists on the server).
    let out = update(&mut m, ctrl('s'));
    assert!(matches!(out.effects.as_slice(), [Effect::Create { .. }]));
}

#[test]
fn quit_asks_when_there_are_unsaved_changes() {
    let mut m = model();
    update(&mut m, ctrl('q'));
    assert!(m.should_quit, "an untouched form quits at once");

    let mut m = model();
    type_text(&mut m, "a@b.co");
    update(&mut m, ctrl('q'));
    assert!(!m.should_quit);
    assert_eq!(m.dialog, Some(Dialog::ConfirmQuit));
    update(&mut m, key(KeyCode::Esc));
    assert_eq!(m.dialog, None);
    assert_eq!(m.text(Field::To), "a@b.co", "cancelling keeps the text");
    update(&mut m, ctrl('q'));
    update(&mut m, key(KeyCode::Char('y')));
    assert!(m.should_quit);
}

#[test]
fn save_then_quit_waits_for_the_server() {
    let mut m = model();
    fill(&mut m);
    update(&mut m, ctrl('q'));
    let out = update(&mut m, key(KeyCode::Char('s')));
    let [Effect::Create { req, .. }] = out.effects.as_slice() else {
        panic!()
    };
    assert!(!m.should_quit, "not before the answer");
    update(&mut m, done(*req, Ok(saved(201, "AAMkZ"))));
    assert!(m.should_quit);
}

#[test]
fn help_opens_and_any_key_closes_it_without_typing() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(1)));
    assert_eq!(m.dialog, Some(Dialog::Help { scroll: 0 }));
    update(&mut m, key(KeyCode::Char('x')));
    assert_eq!(m.dialog, None);
    assert_eq!(m.text(Field::To), "");
}

fn failure(
    kind: FailureKind,
    status: Option<u16>,
    code: &str,
    retry_after: Option<u64>,
) -> graph::Error {
    graph::Error {
        kind,
        status,
        status_text: String::new(),
        code: code.into(),
        message: "m".into(),
        request_id: None,
        retry_after: retry_after.map(std::time::Duration::from_secs),
    }
}

/// Answers request `req` with this failure.
fn fail(
    m: &mut graft::tui::app::Model,
    req: u64,
    kind: FailureKind,
    status: Option<u16>,
    code: &str,
    retry_after: Option<u64>,
) -> graft::tui::app::Outcome {
    update(m, done(req, Err(failure(kind, status, code, retry_after))))
}

fn first_create(m: &mut graft::tui::app::Model) -> u64 {
    let out = update(m, ctrl('s'));
    match out.effects.first() {
        Some(Effect::Create { req, .. }) => *req,
        other => panic!("expected a Create, got {other:?}"),
    }
}

#[test]
fn throttling_counts_down_from_retry_after_then_saves_again() {
    use graft::tui::app::TimerKind;
    let mut m = model();
    fill(&mut m);
    let req = first_create(&mut m);
    let out = fail(
        &mut m,
        req,
        FailureKind::Http,
        Some(429),
        "ApplicationThrottled",
        Some(3),
    );
    let wait = m.save.retry.clone().expect("a retry is scheduled");
    // Retry-After: 3 is honoured; jitter (a quarter of 3 s, rounded down) adds nothing here.
    assert_eq!(wait.remaining_secs, 3, "{wait:?}");
    assert!(matches!(
        out.effects.as_slice(),
        [
            Effect::Timer {
                kind: TimerKind::Retry,
                ..
            },
            ..
        ]
    ));
    assert!(
        matches!(m.status.last(), Some(StatusEntry::Waiting { reason, .. }) if reason.contains("429"))
    );
    // Stale ticks do nothing; real ticks count down and then save.
    assert!(
        !update(
            &mut m,
            Msg::Tick {
                kind: TimerKind::Retry,
                seq: wait.seq + 99
            }
        )
        .redraw
    );
    let mut effects = Vec::new();
    for _ in 0..wait.remaining_secs {
        effects = update(
            &mut m,
            Msg::Tick {
                kind: TimerKind::Retry,
                seq: wait.seq,
            },
        )
        .effects;
    }
    assert!(m.save.retry.is_none());
    assert!(
        matches!(
            effects.as_slice(),
            [
                Effect::Create {
                    lookup_key: None,
                    ..
                },
                ..
            ]
        ),
        "a 429 did not create anything, so no lookup: {effects:?}"
    );
}

#[test]
fn a_lost_answer_to_a_create_makes_the_retry_look_up_first() {
    let mut m = model();
    fill(&mut m);
    let req = first_create(&mut m);
    fail(&mut m, req, FailureKind::Timeout, None, "Timeout", None);
    assert!(m.save.create_uncertain);
    // It retries by itself; a timeout is not "offline" (the server was reached).
    assert!(!m.save.retry.as_ref().unwrap().offline);
    // Ctrl-S during the countdown retries now, with the lookup.
    let out = update(&mut m, ctrl('s'));
    match out.effects.as_slice() {
        [
            Effect::Create {
                lookup_key: Some(k),
                ..
            },
            ..,
        ] => assert_eq!(k, &m.draft_key),
        other => panic!("{other:?}"),
    }
}

#[test]
fn esc_cancels_an_automatic_retry_and_other_4xx_are_not_retried() {
    let mut m = model();
    fill(&mut m);
    let req = first_create(&mut m);
    fail(
        &mut m,
        req,
        FailureKind::Http,
        Some(503),
        "serviceNotAvailable",
        None,
    );
    assert!(m.save.retry.is_some());
    update(&mut m, key(KeyCode::Esc));
    assert!(m.save.retry.is_none());
    assert_eq!(
        m.text(Field::Subject),
        "Quarterly numbers",
        "Esc does not touch the text"
    );

    let req = first_create(&mut m);
    fail(
        &mut m,
        req,
        FailureKind::Http,
        Some(400),
        "RequestBodyRead",
        None,
    );
    assert!(m.save.retry.is_none(), "a 400 is final");
    assert!(matches!(m.status.last(), Some(StatusEntry::Failed { .. })));
}

#[test]
fn a_404_on_update_offers_a_new_draft_with_a_new_key() {
    let mut m = model();
    fill(&mut m);
    let req = first_create(&mut m);
    update(&mut m, done(req, Ok(saved(201, "AAMkOld"))));
    let old_key = m.draft_key.clone();
    type_text(&mut m, "!");
    let out = update(&mut m, ctrl('s'));
    let Some(Effect::Update { req, .. }) = out.effects.first().cloned() else {
        panic!()
    };
    fail(
        &mut m,
        req,
        FailureKind::Http,
        Some(404),
        "ErrorItemNotFound",
        None,
    );
    assert_eq!(m.dialog, Some(Dialog::DraftGone));
    let out = update(&mut m, key(KeyCode::Char('y')));
    assert!(matches!(out.effects.first(), Some(Effect::Create { .. })));
    assert_ne!(
        m.draft_key, old_key,
        "a sent copy carrying the old key must not be adopted"
    );
    assert!(out.effects.contains(&Effect::RemoveJournal(old_key)));
}

#[test]
fn recovery_restores_every_field_and_the_server_state() {
    use graft::core::record::{Fields, JournalRecord};
    let rec = JournalRecord {
        pid: 1,
        session: "5e55105e55".into(),
        updated: "2026-11-28T09:00:00Z".into(),
        fields: Fields {
            to: "bob".into(),
            cc: "c@x.io".into(),
            bcc: String::new(),
            subject: "Recovered 日本".into(),
            body: "line 1\nline 2 🎉".into(),
        },
        server_id: Some("AAMkSrv".into()),
        web_link: Some("https://x".into()),
        format: Default::default(),
        ..JournalRecord::blank(
            "abc123".into(),
            "http://127.0.0.1:1/v1.0",
            &Default::default(),
        )
    };
    let mut m = model();
    m.dialog = Some(Dialog::Recover {
        armed: true,
        confirm: false,
        items: vec![rec.clone(), rec.clone()],
        selected: 0,
    });
    update(&mut m, key(KeyCode::Down));
    // Letters that words and addresses contain delete nothing ("todd@…").
    for c in "todd".chars() {
        update(&mut m, key(KeyCode::Char(c)));
    }
    assert!(
        matches!(&m.dialog, Some(Dialog::Recover { items, confirm: false, .. }) if items.len() == 2)
    );
    // Deleting is Del, then a different key to confirm; another key keeps it.
    update(&mut m, key(KeyCode::Delete));
    assert!(
        matches!(&m.dialog, Some(Dialog::Recover { items, confirm: true, .. }) if items.len() == 2)
    );
    update(&mut m, key(KeyCode::Delete));
    assert!(
        matches!(&m.dialog, Some(Dialog::Recover { items, confirm: false, .. }) if items.len() == 2),
        "Del twice is not a confirmation"
    );
    update(&mut m, key(KeyCode::Delete));
    update(&mut m, key(KeyCode::Char('y')));
    assert!(matches!(&m.dialog, Some(Dialog::Recover { items, .. }) if items.len() == 1));
    update(&mut m, key(KeyCode::Enter));
    assert_eq!(m.dialog, None);
    assert_eq!(
        m.text(Field::To),
        "bob",
        "even invalid input comes back as typed"
    );
    assert_eq!(m.text(Field::Cc), "c@x.io");
    assert_eq!(m.text(Field::Subject), "Recovered 日本");
    assert_eq!(m.text(Field::Body), "line 1\nline 2 🎉");
    assert_eq!(m.draft_key, "abc123");
    assert_eq!(m.save.server.id.as_deref(), Some("AAMkSrv"));
    assert!(m.is_dirty());
}

#[test]
fn a_save_that_needs_sign_in_opens_the_dialog_and_resumes_after_it() {
    use graft::tui::app::state::session::SignInStage;
    let mut m = model();
    m.session.can_sign_in = true;
    fill(&mut m);
    let req = first_create(&mut m);
    fail(
        &mut m,
        req,
        FailureKind::SignInNeeded,
        None,
        "SignInRequired",
        None,
    );
    assert!(matches!(
        m.dialog,
        Some(Dialog::SignIn(SignInStage::Offer { .. }))
    ));
    assert!(
        m.save.retry.is_none(),
        "no automatic retry without a sign-in"
    );
    assert_eq!(
        m.text(Field::Body),
        "Hi all,\nnumbers below.",
        "the draft waits intact"
    );
    let out = update(&mut m, key(KeyCode::Enter));
    assert_eq!(out.effects, vec![Effect::StartSignIn]);
    update(
        &mut m,
        Msg::SignInCode(Ok(graft::auth::device::DeviceCode {
            device_code: "d".into(),
            user_code: "ABCD12345".into(),
            verification_uri: "https://microsoft.com/devicelogin".into(),
            expires_in: 900,
            interval: Some(5),
            message: "To sign in, open https://microsoft.com/devicelogin and enter ABCD12345."
                .into(),
        })),
    );
    assert!(
        matches!(&m.dialog, Some(Dialog::SignIn(SignInStage::Waiting { user_code, .. })) if user_code == "ABCD12345")
    );
    let out = update(&mut m, Msg::SignedIn(Ok("adele@contoso.com".into())));
    assert_eq!(m.dialog, None);
    assert!(
        matches!(out.effects.first(), Some(Effect::Create { .. })),
        "the waiting save goes out"
    );
}

#[test]
fn declining_sign_in_keeps_the_draft_and_closes_the_dialog() {
    let mut m = model();
    m.session.can_sign_in = true;
    fill(&mut m);
    graft::tui::app::signin::offer(&mut m, "You are not signed in.");
    update(&mut m, key(KeyCode::Enter));
    let out = update(&mut m, key(KeyCode::Esc));
    assert_eq!(out.effects, vec![Effect::CancelSignIn]);
    assert_eq!(m.dialog, None);
    assert_eq!(m.text(Field::Subject), "Quarterly numbers");
}

#[test]
fn an_oversized_body_is_refused_before_sending_and_kept() {
    let mut m = model();
    type_text(&mut m, "a@b.co");
    m.form.focus = Field::Body;
    let big = "x".repeat(4_200_000);
    update(&mut m, Msg::Paste(big.clone()));
    let out = update(&mut m, ctrl('s'));
    assert!(out.effects.is_empty(), "nothing is sent");
    assert!(
        matches!(m.status.last(), Some(StatusEntry::Invalid(t)) if t.contains("4.2 MB") && t.contains("at most"))
    );
    assert_eq!(m.text(Field::Body).len(), big.len(), "the text is kept");
}

#[test]
fn ctrl_t_cycles_the_body_format_and_markdown_is_sent_as_html() {
    use graft::core::content::BodyFormat;
    let mut m = model();
    type_text(&mut m, "a@b.co");
    m.form.focus = Field::Body;
    type_text(&mut m, "**bold** text");
    update(&mut m, ctrl('t'));
    assert_eq!(m.form.body_format, BodyFormat::Markdown);
    let out = update(&mut m, ctrl('s'));
    let Some(Effect::Create { body, .. }) = out.effects.first() else {
        panic!()
    };
    assert_eq!(body["body"]["contentType"], json!("html"));
    assert!(
        body["body"]["content"]
            .as_str()
            .unwrap()
            .contains("<strong>bold</strong>")
    );
    assert_eq!(
        m.text(Field::Body),
        "**bold** text",
        "the Markdown stays in the form"
    );
    assert_eq!(
        m.journal_record().format,
        BodyFormat::Markdown,
        "and in the journal"
    );
    update(&mut m, ctrl('t'));
    assert_eq!(m.form.body_format, BodyFormat::Html);
    update(&mut m, ctrl('t'));
    assert_eq!(m.form.body_format, BodyFormat::Text);
}

/// The profile's signature is kept apart from the body: the body starts
/// empty, a form holding only its signature has nothing to save, the
/// save puts it below what was typed (a text signature below `-- ` in a
/// text body; HTML once the body is Markdown, so a format change never
/// touches it), and Alt-S drops it from this draft.
#[test]
fn a_signature_goes_below_the_body_and_survives_a_format_change() {
    use graft::core::content::{BodyFormat, Signature};
    let mut session = graft::tui::app::Session::offline();
    session.signature = Some(Signature {
        text: "Dana Park\nContoso".into(),
        format: BodyFormat::Text,
    });
    let mut m = graft::tui::app::Model::new(session, Default::default());
    assert_eq!(m.text(Field::Body), "", "not in the text typed");
    assert!(!m.is_dirty(), "nothing to save yet");
    type_text(&mut m, "dana@contoso.com");
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    type_text(&mut m, "Hello *there*");
    let content = m.validated_content().unwrap();
    assert_eq!(
        content.graph_body(),
        (
            "text",
            "Hello *there*\n\n-- \nDana Park\nContoso".to_string()
        )
    );
    update(&mut m, ctrl('t'));
    assert_eq!(m.form.body_format, BodyFormat::Markdown);
    let (ct, html) = m.validated_content().unwrap().graph_body();
    assert_eq!(ct, "html");
    assert!(
        html.starts_with("<p dir=\"auto\">Hello <em>there</em></p>")
            && html.contains(
                "<div id=\"Signature\"><div>-- </div><div dir=\"auto\">Dana Park<br>\r\nContoso</div>"
            ),
        "{html}"
    );
    update(&mut m, alt('s'));
    assert!(m.validated_content().unwrap().signature.is_none());
    assert!(
        matches!(m.status.last(), Some(StatusEntry::Info(s)) if s.contains("dropped")),
        "{:?}",
        m.status.last()
    );
    update(&mut m, alt('s'));
    assert!(m.validated_content().unwrap().signature.is_some(), "back");
}

#[test]
fn f3_more_fields_are_edited_saved_and_journaled() {
    let mut m = model();
    type_text(&mut m, "a@b.co");
    update(&mut m, key(KeyCode::F(3)));
    assert_eq!(
        m.dialog,
        Some(Dialog::More {
            row: graft::tui::app::state::dialogs::Row::ReplyTo
        })
    );
    type_text(&mut m, "Replies <replies@contoso.com>");
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Char(' '))); // importance normal → high
    update(&mut m, key(KeyCode::Down));
    update(&mut m, key(KeyCode::Char(' '))); // read receipt on
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Tab));
    type_text(&mut m, "Finance, Q3");
    update(&mut m, key(KeyCode::Tab));
    update(&mut m, key(KeyCode::Enter)); // follow-up flag on
    update(&mut m, key(KeyCode::Esc));
    assert_eq!(m.dialog, None);
    assert_eq!(
        m.text(Field::To),
        "a@b.co",
        "typing in the panel did not touch the form"
    );
    let out = update(&mut m, ctrl('s'));
    let Some(Effect::Create { body, .. }) = out.effects.first() else {
        panic!("{:?}", out.effects)
    };
    assert_eq!(
        body["replyTo"],
        json!([{"emailAddress": {"address": "replies@contoso.com", "name": "Replies"}}])
    );
    assert_eq!(body["importance"], json!("high"));
    assert_eq!(body["isReadReceiptRequested"], json!(true));
    assert_eq!(body["categories"], json!(["Finance", "Q3"]));
    assert_eq!(body["flag"], json!({"flagStatus": "flagged"}));
    // The journal keeps them, and restoring brings them back.
    let rec = m.journal_record();
    let mut again = model();
    again.restore(&rec);
    assert_eq!(again.form.more.text(), m.form.more.text());
}

#[test]
fn a_bad_reply_to_blocks_the_save_and_opens_the_panel() {
    let mut m = model();
    update(&mut m, key(KeyCode::F(3)));
    type_text(&mut m, "nobody");
    update(&mut m, key(KeyCode::Esc));
    let out = update(&mut m, ctrl('s'));
    assert!(out.effects.is_empty());
    assert_eq!(
        m.dialog,
        Some(Dialog::More {
            row: graft::tui::app::state::dialogs::Row::ReplyTo
        })
    );
    assert!(matches!(m.status.last(), Some(StatusEntry::Invalid(t)) if t.contains("Reply-To")));
}

fn known(list: &str) -> Vec<graft::core::address::Address> {
    graft::core::address::parse_list(list).unwrap()
}

#[test]
fn completion_offers_addresses_used_before_and_tab_takes_one() {
    let mut m = model();
    m.completion.known =
        known(r#"Dana Park <dana@contoso.com>, "Lee, Ann" <ann.lee@fabrikam.com>, dan@x.io"#);
    type_text(&mut m, "da");
    let names: Vec<_> = m
        .completion
        .suggest
        .items
        .iter()
        .map(|a| a.address.clone())
        .collect();
    assert_eq!(names, ["dana@contoso.com", "dan@x.io"]);
    update(&mut m, key(KeyCode::Down));
    update(&mut m, key(KeyCode::Up));
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(m.text(Field::To), "Dana Park <dana@contoso.com>, ");
    assert_eq!(
        m.form.focus,
        Field::To,
        "Tab took the suggestion instead of moving on"
    );
    assert!(m.completion.suggest.items.is_empty());
    // The next address: by a word of the name; already chosen ones are not offered.
    type_text(&mut m, "lee");
    update(&mut m, key(KeyCode::Enter));
    assert_eq!(
        m.text(Field::To),
        r#"Dana Park <dana@contoso.com>, "Lee, Ann" <ann.lee@fabrikam.com>, "#
    );
    type_text(&mut m, "da");
    let names: Vec<_> = m
        .completion
        .suggest
        .items
        .iter()
        .map(|a| a.address.clone())
        .collect();
    assert_eq!(names, ["dan@x.io"]);
    // Esc hides them; Tab then moves on as usual.
    update(&mut m, key(KeyCode::Esc));
    update(&mut m, key(KeyCode::Tab));
    assert_eq!(m.form.focus, Field::Cc);
}

#[test]
fn saved_recipients_are_remembered_most_recent_first() {
    let mut m = model();
    m.completion.known = known("old@x.io, dana@contoso.com");
    type_text(&mut m, "Dana <dana@contoso.com>, new@y.org");
    let req = first_create(&mut m);
    let out = update(&mut m, done(req, Ok(saved(201, "AAMk1"))));
    let addrs: Vec<_> = m
        .completion
        .known
        .iter()
        .map(|a| a.address.as_str())
        .collect();
    assert_eq!(addrs, ["dana@contoso.com", "new@y.org", "old@x.io"]);
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::RememberAddresses(l) if l.len() == 3))
    );
}

#[test]
fn people_search_is_debounced_cached_and_merged_after_local_matches() {
    use graft::tui::app::TimerKind;
    let mut m = model();
    m.completion.can_search_people = true;
    m.completion.known = known("meg.local@x.io");
    type_text(&mut m, "m");
    let out = update(&mut m, key(KeyCode::Char('e')));
    let seq = match out.effects.iter().find_map(|e| match e {
        Effect::Timer {
            kind: TimerKind::People,
            seq,
            ..
        } => Some(*seq),
        _ => None,
    }) {
        Some(s) => s,
        None => panic!("a debounce timer: {:?}", out.effects),
    };
    // More typing replaces the pending query; the old tick does nothing.
    let out = update(&mut m, key(KeyCode::Char('g')));
    let seq2 = out
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::Timer {
                kind: TimerKind::People,
                seq,
                ..
            } => Some(*seq),
            _ => None,
        })
        .unwrap();
    assert!(
        update(
            &mut m,
            Msg::Tick {
                kind: TimerKind::People,
                seq
            }
        )
        .effects
        .is_empty()
    );
    let out = update(
        &mut m,
        Msg::Tick {
            kind: TimerKind::People,
            seq: seq2,
        },
    );
    assert_eq!(out.effects, vec![Effect::SearchPeople("meg".into())]);
    update(
        &mut m,
        Msg::People {
            query: "meg".into(),
            found: known("Megan Bowen <megan.bowen@contoso.com>, meg.local@x.io"),
        },
    );
    let addrs: Vec<_> = m
        .completion
        .suggest
        .items
        .iter()
        .map(|a| a.address.as_str())
        .collect();
    assert_eq!(
        addrs,
        ["meg.local@x.io", "megan.bowen@contoso.com"],
        "local first, no duplicates"
    );
    // Cached: the same text again asks nobody.
    update(&mut m, key(KeyCode::Backspace));
    let out = update(&mut m, key(KeyCode::Char('g')));
    assert!(!out.effects.iter().any(|e| matches!(
        e,
        Effect::Timer {
            kind: TimerKind::People,
            ..
        }
    )));
    assert_eq!(m.completion.suggest.items.len(), 2);
}

/// The journal's schedule is kept in one place: any change to what the
/// journal would hold (text, the body format, F3 fields, a save's state)
/// arms one debounced write; nothing else does.
#[test]
fn every_change_the_journal_holds_schedules_one_write() {
    use graft::tui::app::TimerKind;
    let journal_timer = |out: &graft::tui::app::Outcome| common::timers(out, TimerKind::Journal);
    let mut m = model();
    m.journal.enabled = true;
    let first = update(&mut m, key(KeyCode::Char('a')));
    let seq = journal_timer(&first);
    assert_eq!(seq.len(), 1, "an edit arms a write: {:?}", first.effects);
    let again = update(&mut m, key(KeyCode::Char('b')));
    assert!(journal_timer(&again).is_empty(), "one timer at a time");
    let tick = update(
        &mut m,
        Msg::Tick {
            kind: TimerKind::Journal,
            seq: seq[0],
        },
    );
    assert!(
        matches!(tick.effects.as_slice(), [Effect::WriteJournal(r)] if r.fields.to == "ab"),
        "{:?}",
        tick.effects
    );
    // Moving the cursor changes nothing the journal holds.
    let moved = update(&mut m, key(KeyCode::Left));
    assert!(journal_timer(&moved).is_empty());
    // Switching the body format does.
    let format = update(&mut m, ctrl('t'));
    assert_eq!(journal_timer(&format).len(), 1, "{:?}", format.effects);
}

/// Every bad recipient is reported at once, each naming its text and what
/// is wrong with it (no bare "Invalid character.").
#[test]
fn every_bad_recipient_is_named_at_once() {
    let mut m = model();
    type_text(&mut m, "ok@contoso.com, bob smith@contoso.com, carol@");
    update(&mut m, key(KeyCode::Tab));
    type_text(&mut m, "dave@contoso.com; erin@exa mple.com");
    update(&mut m, ctrl('s'));
    let Some(StatusEntry::Invalid(text)) = m.status.last() else {
        panic!("{:?}", m.status.last());
    };
    for want in [
        "To: 'bob smith@contoso.com': a space is not allowed before the '@'",
        "To: 'carol@': no domain after the '@'",
        "Cc: 'erin@exa mple.com': a space is not allowed in the domain",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(!text.contains("Invalid character"), "{text}");
    assert_eq!(m.form.focus, Field::To, "the first bad field has the focus");
}

/// A large paste (which bypasses the text widget) is taken back whole by
/// the undo key right after it; after another edit, undo is the widget's.
#[test]
fn undo_right_after_a_large_paste_takes_it_back() {
    let mut m = model();
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    type_text(&mut m, "Dear all,\n");
    let big = "pasted line\n".repeat(5000);
    update(&mut m, Msg::Paste(big.clone()));
    assert!(m.text(Field::Body).len() > big.len());
    update(&mut m, ctrl('7'));
    assert_eq!(
        m.text(Field::Body),
        "Dear all,\n",
        "the paste is gone, the text before it kept"
    );
    assert!(matches!(m.status.last(), Some(StatusEntry::Info(t)) if t.contains("taken back")));
    // Once something else happened, undo is the widget's own again.
    update(&mut m, Msg::Paste(big));
    type_text(&mut m, "x");
    update(&mut m, ctrl('7'));
    assert!(
        m.text(Field::Body).len() > 50_000,
        "only the typed x was undone"
    );
}

/// Alt-K clears the field the cursor is in; in the body (however long) and
/// in a one-line field, undo (Ctrl-_) right after brings the text back.
#[test]
fn the_clear_key_empties_a_field_and_undo_brings_it_back() {
    let mut m = model();
    type_text(&mut m, "dana@contoso.com");
    update(&mut m, alt('k'));
    assert_eq!(m.text(Field::To), "");
    assert!(
        !m.is_dirty(),
        "a new draft with nothing in it is not a draft"
    );
    update(&mut m, ctrl('7'));
    assert_eq!(m.text(Field::To), "dana@contoso.com");

    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    let long = (0..3000)
        .map(|i| format!("line {i}"))
        .collect::<Vec<_>>()
        .join("\n");
    m.set_text(Field::Body, &long);
    update(&mut m, alt('k'));
    assert_eq!(m.text(Field::Body), "");
    assert!(
        matches!(m.status.last(), Some(StatusEntry::Info(t)) if t.contains("Body cleared")),
        "{:?}",
        m.status.last()
    );
    update(&mut m, ctrl('7'));
    assert!(m.text(Field::Body) == long, "the whole body is back");
    assert!(matches!(m.status.last(), Some(StatusEntry::Info(t)) if t.contains("taken back")));
    // After another edit the whole-body undo is gone: undo is the widget's.
    update(&mut m, alt('k'));
    type_text(&mut m, "x");
    update(&mut m, ctrl('7'));
    assert_eq!(m.text(Field::Body), "");
}

/// A body that mentions an attachment, with none attached: the save is held
/// and says why; Ctrl-S again saves it as it is; an edit checks again.
#[test]
fn a_forgotten_attachment_holds_the_save_once_and_ctrl_s_again_saves_anyway() {
    let mut m = model();
    type_text(&mut m, "dana@contoso.com");
    for _ in 0..3 {
        update(&mut m, key(KeyCode::Tab));
    }
    type_text(&mut m, "Q3");
    update(&mut m, key(KeyCode::Tab));
    type_text(&mut m, "The numbers are attached.");
    let held = update(&mut m, ctrl('s'));
    assert!(
        !held
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Create { .. })),
        "{:?}",
        held.effects
    );
    let Some(StatusEntry::Check(why)) = m.status.last() else {
        panic!("{:?}", m.status.last());
    };
    assert!(
        why.contains("“attached”") && why.contains("again saves"),
        "{why}"
    );
    // An edit is checked again.
    type_text(&mut m, " Really.");
    let again = update(&mut m, ctrl('s'));
    assert!(
        !again
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Create { .. }))
    );
    // Unchanged: saved as it is.
    let forced = update(&mut m, ctrl('s'));
    let Some(Effect::Create { req, .. }) = forced
        .effects
        .iter()
        .find(|e| matches!(e, Effect::Create { .. }))
        .cloned()
    else {
        panic!("{:?}", forced.effects);
    };
    update(&mut m, done(req, Ok(saved(201, "AAMkQ3"))));
    // Saved past once: later saves of this draft are not held for it.
    type_text(&mut m, " More numbers.");
    let later = update(&mut m, ctrl('s'));
    assert!(
        later
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Update { .. })),
        "not held again for the same reason: {:?} {:?}",
        later.effects,
        m.status.last()
    );
    let Some(Effect::Update { req, .. }) = later
        .effects
        .iter()
        .find(|e| matches!(e, Effect::Update { .. }))
        .cloned()
    else {
        unreachable!()
    };
    update(&mut m, done(req, Ok(saved(200, "AAMkQ3"))));
    // A new reason (more recipients than the check's 25) still holds once.
    for _ in 0..3 {
        update(&mut m, key(KeyCode::BackTab));
    }
    let many: Vec<String> = (0..25).map(|i| format!("p{i}@contoso.com")).collect();
    type_text(&mut m, &many.join(", "));
    let held = update(&mut m, ctrl('s'));
    assert!(
        !held
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Update { .. })),
        "{:?}",
        held.effects
    );
    let Some(StatusEntry::Check(why)) = m.status.last() else {
        panic!("{:?}", m.status.last());
    };
    assert!(
        why.contains("26 recipients") && !why.contains("attached"),
        "{why}"
    );
}

/// The pause after typing counts the body and redraws (a key alone does not
/// change the frame's count).
#[test]
fn the_pause_after_typing_counts_the_body_and_redraws() {
    let mut m = model();
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    assert!(!m.journal.enabled, "no journal: the pause still comes");
    let typed = type_text(&mut m, "two words");
    assert!(
        typed.iter().flat_map(|o| &o.effects).any(|e| matches!(
            e,
            Effect::Timer {
                kind: graft::tui::app::TimerKind::Journal,
                ..
            }
        )),
        "the pause is scheduled"
    );
    assert_eq!(m.form.counts, (0, 0));
    let tick = || Msg::Tick {
        kind: graft::tui::app::TimerKind::Journal,
        seq: 0,
    };
    let out = update(&mut m, tick());
    assert_eq!(m.form.counts, (2, 9));
    assert!(out.redraw);
    assert!(!update(&mut m, tick()).redraw, "nothing new to show");
}

/// Spelling runs on the pause after typing, never per key: keys ask for
/// no check, the pause asks for one (the Subject and the whole Body as of
/// that edit), a pause without an edit asks for none. A result older than
/// one already shown is dropped; F9 on a found word asks for suggestions,
/// and choosing one replaces the word (undo takes it back).
#[test]
fn spelling_is_checked_when_typing_pauses_and_a_suggestion_replaces_the_word() {
    use graft::core::spell::Miss;
    let mut m = model();
    let out = update(
        &mut m,
        Msg::SpellReady {
            result: Ok("en_TEST".into()),
            say: true,
        },
    );
    assert!(
        !out.effects
            .iter()
            .any(|e| matches!(e, Effect::Spell { .. })),
        "nothing typed yet: nothing to check"
    );
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    let typed = type_text(&mut m, "teh end");
    assert!(
        !typed
            .iter()
            .flat_map(|o| &o.effects)
            .any(|e| matches!(e, Effect::Spell { .. })),
        "no check per key"
    );
    let tick = || Msg::Tick {
        kind: graft::tui::app::TimerKind::Journal,
        seq: 0,
    };
    let out = update(&mut m, tick());
    let asked: Vec<_> = out
        .effects
        .iter()
        .filter_map(|e| match e {
            Effect::Spell {
                generation, body, ..
            } => Some((*generation, body.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(asked, [(m.form.generation, "teh end".to_string())]);
    assert!(
        !update(&mut m, tick())
            .effects
            .iter()
            .any(|e| matches!(e, Effect::Spell { .. })),
        "no edit since: no second check"
    );
    let miss = Miss {
        line: 0,
        start: 0,
        end: 3,
        word: "teh".into(),
    };
    let gen_now = m.form.generation;
    let out = update(
        &mut m,
        Msg::Spelled {
            generation: gen_now,
            subject: vec![],
            body: vec![miss.clone()],
        },
    );
    assert!(out.redraw);
    assert_eq!(m.spell.body, std::slice::from_ref(&miss));
    // An older answer arriving late changes nothing.
    update(
        &mut m,
        Msg::Spelled {
            generation: gen_now - 1,
            subject: vec![],
            body: vec![],
        },
    );
    assert_eq!(m.spell.body, std::slice::from_ref(&miss));
    // F9: suggestions for the word (the cursor is after it, at the end).
    let out = update(&mut m, key(KeyCode::F(9)));
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::Suggest { miss: w, .. } if *w == miss)),
        "{:?}",
        out.effects
    );
    update(
        &mut m,
        Msg::Suggested {
            field: Field::Body,
            miss: miss.clone(),
            suggestions: vec!["the".into(), "tea".into()],
        },
    );
    assert!(matches!(m.dialog, Some(Dialog::Spell(_))));
    update(&mut m, key(KeyCode::Enter));
    assert!(m.dialog.is_none());
    assert_eq!(m.text(Field::Body), "the end");
    assert!(m.spell.body.is_empty(), "no underline on the right word");
    assert_ne!(
        m.form.generation, gen_now,
        "an edit: saved and checked again"
    );
    update(&mut m, ctrl('7'));
    assert_eq!(
        m.text(Field::Body),
        "teh end",
        "undo takes the replacement back"
    );
}

/// Without a dictionary the spell key says why, naming the package, and a
/// profile that asked for spelling hears it at start.
#[test]
fn without_a_dictionary_the_spell_key_says_what_to_install() {
    let mut m = model();
    let why = "Spelling is off: no Hunspell dictionary en_US in /usr/share/hunspell; install hunspell-en-us (or set spell = [] in the config).";
    let out = update(
        &mut m,
        Msg::SpellReady {
            result: Err(why.into()),
            say: false,
        },
    );
    assert!(!out.redraw, "not asked for: not said at start");
    update(&mut m, key(KeyCode::F(9)));
    assert!(
        matches!(m.status.last(), Some(StatusEntry::Info(s)) if s.contains("hunspell-en-us")),
        "{:?}",
        m.status.last()
    );
}

/// With `misspelled = true` in `[checks]`, a save with words still
/// underlined is held once, naming them; Ctrl-S again saves anyway. Off
/// (the default), the same draft saves at once.
#[test]
fn the_misspelled_words_check_holds_a_save_once_when_turned_on() {
    use graft::core::spell::Miss;
    let mut m = model();
    type_text(&mut m, "dana@contoso.com");
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    type_text(&mut m, "teh end");
    let generation = m.form.generation;
    let miss = Miss {
        line: 0,
        start: 0,
        end: 3,
        word: "teh".into(),
    };
    update(
        &mut m,
        Msg::Spelled {
            generation,
            subject: vec![],
            body: vec![miss],
        },
    );
    let mut on = m.clone();
    on.session.checks.misspelled = true;
    let out = update(&mut on, ctrl('s'));
    assert!(
        !out.effects
            .iter()
            .any(|e| matches!(e, Effect::Create { .. }))
    );
    assert!(
        matches!(on.status.last(), Some(StatusEntry::Check(s)) if s.contains("words not in the dictionary: teh")),
        "{:?}",
        on.status.last()
    );
    let out = update(&mut on, ctrl('s'));
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::Create { .. })),
        "saved anyway"
    );
    let out = update(&mut m, ctrl('s'));
    assert!(
        out.effects
            .iter()
            .any(|e| matches!(e, Effect::Create { .. })),
        "off by default"
    );
}

/// One-line inputs are bounded with a message: a 200 KB paste into the
/// Subject keeps 1,000 characters, typing past the end says so, and F8's
/// search keeps 2,000 (it asked Graph with the whole paste and failed).
#[test]
fn one_line_inputs_are_bounded_and_say_so() {
    let mut m = model();
    for _ in 0..3 {
        update(&mut m, key(KeyCode::Tab));
    }
    assert_eq!(m.form.focus, Field::Subject);
    update(&mut m, Msg::Paste("s".repeat(200_000)));
    assert_eq!(m.text(Field::Subject).chars().count(), 1_000);
    let said = |m: &graft::tui::app::Model| {
        m.status
            .iter()
            .any(|e| matches!(e, StatusEntry::Info(t) if t.contains("at most 1000 characters")))
    };
    assert!(said(&m));
    m.status.clear();
    type_text(&mut m, "x");
    assert_eq!(m.text(Field::Subject).chars().count(), 1_000);
    assert!(said(&m));
    // To holds a long list, still bounded.
    update(&mut m, key(KeyCode::BackTab));
    update(&mut m, key(KeyCode::BackTab));
    update(&mut m, key(KeyCode::BackTab));
    assert_eq!(m.form.focus, Field::To);
    update(&mut m, Msg::Paste("a@b.c, ".repeat(30_000)));
    assert!(m.text(Field::To).chars().count() <= 100_000);

    update(&mut m, key(KeyCode::F(8)));
    let Some(Dialog::Mail(_)) = &m.dialog else {
        panic!("F8 opens the mail list: {:?}", m.dialog)
    };
    update(&mut m, Msg::Paste("q".repeat(100_000)));
    let Some(Dialog::Mail(d)) = &m.dialog else {
        panic!()
    };
    assert_eq!(d.search.text().len(), graft::core::line::LineEdit::MAX);
    assert!(
        d.message.as_deref().is_some_and(|t| t.contains("at most")),
        "{:?}",
        d.message
    );
}

/// Readline and Emacs habits in the fields and the body: Ctrl-U deletes to
/// the start of the line, Ctrl-J is a newline in the body (the next field
/// in a one-line field), Ctrl-_ (Ctrl-7, as the terminal sends it) undoes,
/// Alt-< and Alt-> go to the body's very start and end; in a dialog's
/// one-line input Ctrl-U deletes to the start too.
#[test]
fn readline_keys_work_in_fields_and_the_body() {
    let mut m = model();
    type_text(&mut m, "dana@contoso.com");
    update(&mut m, key(KeyCode::Left));
    update(&mut m, ctrl('u'));
    assert_eq!(m.text(Field::To), "m");
    update(&mut m, ctrl('7'));
    assert_eq!(m.text(Field::To), "dana@contoso.com");
    update(&mut m, ctrl('j'));
    assert_eq!(
        m.form.focus,
        Field::Cc,
        "Ctrl-J in a one-line field: the next field"
    );

    for _ in 0..3 {
        update(&mut m, key(KeyCode::Tab));
    }
    assert_eq!(m.form.focus, Field::Body);
    type_text(&mut m, "first line");
    update(&mut m, ctrl('j'));
    type_text(&mut m, "second line");
    assert_eq!(m.text(Field::Body), "first line\nsecond line");
    update(&mut m, ctrl('u'));
    assert_eq!(m.text(Field::Body), "first line\n");
    update(&mut m, ctrl('7'));
    assert_eq!(m.text(Field::Body), "first line\nsecond line");
    update(&mut m, alt('<'));
    assert_eq!(m.body_cursor(), (0, 0));
    update(&mut m, alt('>'));
    assert_eq!(m.body_cursor(), (1, "second line".len()));

    update(&mut m, ctrl('o'));
    type_text(&mut m, "/tmp/report.pdf");
    update(&mut m, ctrl('u'));
    match &m.dialog {
        Some(Dialog::Attach(d)) => assert_eq!(d.input.text(), ""),
        other => panic!("{other:?}"),
    }
}

/// Dirty means different from what was saved: an edit that comes back to
/// the saved text is no change once typing pauses (no "unsaved changes",
/// no local copy kept, no quit question).
#[test]
fn an_edit_undone_by_hand_leaves_the_draft_saved() {
    let mut m = model();
    type_text(&mut m, "dana@contoso.com");
    let out = update(&mut m, ctrl('s'));
    let Some(Effect::Create { req, .. }) = out
        .effects
        .iter()
        .find(|e| matches!(e, Effect::Create { .. }))
        .cloned()
    else {
        panic!("{:?}", out.effects);
    };
    update(&mut m, done(req, Ok(saved(201, "AAMkSaved"))));
    assert!(!m.is_dirty());
    type_text(&mut m, "x");
    update(&mut m, key(KeyCode::Backspace));
    assert!(m.is_dirty(), "until the pause, a key is an edit");
    let tick = Msg::Tick {
        kind: graft::tui::app::TimerKind::Journal,
        seq: 0,
    };
    let out = update(&mut m, tick.clone());
    assert!(!m.is_dirty(), "back to the saved text");
    assert!(out.redraw, "the header says so");
    // A real change stays one.
    type_text(&mut m, "y");
    update(&mut m, tick);
    assert!(m.is_dirty());
}
