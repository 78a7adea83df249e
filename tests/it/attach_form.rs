//! Attachments in the form: the Ctrl-O dialog, saving with files, removing one,
//! upload progress and failures, the journal; drawn with `TestBackend`.

use crate::common;

use common::{ctrl, key, model, type_text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use graft::core::attach::AttachedFile;
use graft::graph::{self, FailureKind, SavedMessage};
use graft::service::save::FilesOutcome;
use graft::tui::app::{Dialog, Effect, Field, Model, Msg, StatusEntry, update};
use graft::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;

fn file(name: &str, size: u64) -> AttachedFile {
    AttachedFile {
        path: PathBuf::from(format!("/home/u/{name}")),
        name: name.into(),
        size,
        content_type: "application/octet-stream".into(),
        server_id: None,
        inline: false,
        content_id: None,
    }
}

fn screen(m: &Model, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view(m, f)).unwrap();
    let buf = t.backend().buffer().clone();
    (0..h)
        .map(|y| (0..w).map(|x| buf[(x, y)].symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn saved(id: &str) -> SavedMessage {
    SavedMessage {
        status: 201,
        status_text: "Created".into(),
        id: id.into(),
        web_link: "https://outlook.office365.com/owa/?ItemID=x".into(),
        change_key: "CQ".into(),
        created: String::new(),
        last_modified: String::new(),
        parent_folder_id: String::new(),
        is_draft: true,
        request_id: None,
    }
}

fn done(req: u64, files: FilesOutcome) -> Msg {
    common::save_done(req, "09:00:00 UTC", Ok(saved("AAMkDraft")), files)
}

fn in_flight_req(m: &Model) -> u64 {
    m.save.in_flight.as_ref().expect("a save is in flight").req
}

/// A form with a recipient and `files` attached through the dialog.
fn with_files(files: &[AttachedFile]) -> Model {
    let mut m = model();
    type_text(&mut m, "a@contoso.com");
    update(&mut m, ctrl('o'));
    for f in files {
        type_text(&mut m, f.path.to_str().unwrap());
        let out = update(&mut m, key(KeyCode::Enter));
        assert_eq!(
            out.effects,
            vec![Effect::CheckFile(f.path.to_str().unwrap().into())]
        );
        update(&mut m, Msg::FileChecked(Ok(f.clone())));
    }
    update(&mut m, key(KeyCode::Esc));
    m
}

#[test]
fn the_dialog_checks_files_and_lists_them() {
    let mut m = model();
    update(&mut m, ctrl('o'));
    assert!(matches!(m.dialog, Some(Dialog::Attach(_))));
    type_text(&mut m, "/nope.pdf");
    update(&mut m, key(KeyCode::Enter));
    update(
        &mut m,
        Msg::FileChecked(Err("/nope.pdf: no such file.".into())),
    );
    let s = screen(&m, 100, 30);
    assert!(s.contains("/nope.pdf: no such file."), "{s}");
    assert!(m.form.files.list.is_empty());
    assert!(!m.is_dirty());
    update(
        &mut m,
        KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL).into_msg(),
    );
    update(&mut m, Msg::FileChecked(Ok(file("big.bin", 10_485_760))));
    update(&mut m, Msg::FileChecked(Ok(file("notes.txt", 1200))));
    update(&mut m, Msg::FileChecked(Ok(file("notes.txt", 1200))));
    assert_eq!(m.form.files.list.len(), 2, "the same path is attached once");
    assert!(m.is_dirty());
    let s = screen(&m, 100, 30);
    assert!(s.contains("notes.txt is attached already."), "{s}");
    assert!(
        s.contains("big.bin") && s.contains("10.5 MB") && s.contains("to upload (chunks)"),
        "{s}"
    );
    assert!(s.contains("2 files, 10.5 MB"), "{s}");
    // Tiny and narrow terminals do not break the dialog.
    for (w, h) in [(20, 5), (1, 1), (40, 12)] {
        screen(&m, w, h);
    }
    // Closed, the body's frame names the files.
    update(&mut m, key(KeyCode::Esc));
    let s = screen(&m, 100, 30);
    assert!(
        s.contains("Attached: big.bin 10.5 MB · notes.txt 2 KB (2 to upload)"),
        "{s}"
    );
    // More files than the frame's foot holds: the ones that fit, then how
    // many more (never a name cut in half).
    for i in 0..6 {
        update(
            &mut m,
            Msg::FileChecked(Ok(file(&format!("quarterly-figures-{i}.xlsx"), 2048))),
        );
    }
    let s = screen(&m, 100, 30);
    let foot = s.lines().find(|l| l.contains("Attached: ")).unwrap();
    assert!(
        foot.contains("big.bin 10.5 MB · notes.txt 2 KB · …and 6 more (8 to upload)")
            || foot.contains(" more (8 to upload)"),
        "{foot}"
    );
    let shown = foot.matches(" KB").count() + foot.matches(" MB").count();
    let more: usize = foot
        .split("…and ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{foot}"));
    assert_eq!(shown + more, 8, "{foot}");
    assert!(foot.contains("words"), "the counts stay: {foot}");
}

trait IntoMsg {
    fn into_msg(self) -> Msg;
}
impl IntoMsg for KeyEvent {
    fn into_msg(self) -> Msg {
        Msg::Key(self)
    }
}

#[test]
fn tab_completes_the_path_from_the_candidates() {
    let mut m = model();
    update(&mut m, ctrl('o'));
    type_text(&mut m, "/home/u/rep");
    let out = update(&mut m, key(KeyCode::Tab));
    assert_eq!(
        out.effects,
        vec![Effect::CompletePath("/home/u/rep".into())]
    );
    update(
        &mut m,
        Msg::PathCandidates {
            input: "/home/u/rep".into(),
            found: vec![
                ("/home/u/report-2025.pdf".into(), false),
                ("/home/u/report-2026.pdf".into(), false),
            ],
        },
    );
    match &m.dialog {
        Some(Dialog::Attach(d)) => {
            assert_eq!(d.input.text(), "/home/u/report-202");
            assert_eq!(d.candidates.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    // An answer for an input the user has moved on from is ignored.
    type_text(&mut m, "6");
    update(
        &mut m,
        Msg::PathCandidates {
            input: "/home/u/report-202".into(),
            found: vec![("/home/u/report-2099.pdf".into(), false)],
        },
    );
    match &m.dialog {
        Some(Dialog::Attach(d)) => assert_eq!(d.input.text(), "/home/u/report-2026"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn saving_sends_the_files_and_records_what_the_server_took() {
    let big = file("big.bin", 10_485_760);
    let small = file("notes.txt", 1200);
    let mut m = with_files(&[big.clone(), small.clone()]);
    let out = update(&mut m, ctrl('s'));
    let req = match out.effects.first() {
        Some(Effect::Create { req, files, .. }) => {
            assert_eq!(files.list, vec![big.clone(), small.clone()]);
            *req
        }
        other => panic!("{other:?}"),
    };
    // Progress shows as a bar; answers for other saves are ignored.
    update(
        &mut m,
        Msg::UploadProgress {
            req: req + 7,
            name: "x".into(),
            done: 1,
            total: 2,
        },
    );
    assert!(m.save.upload.is_none());
    update(
        &mut m,
        Msg::UploadProgress {
            req,
            name: "big.bin".into(),
            done: 4_718_592,
            total: 10_485_760,
        },
    );
    let s = screen(&m, 100, 30);
    assert!(
        s.contains("Uploading big.bin") && s.contains("45%") && s.contains("4.7 MB / 10.5 MB"),
        "{s}"
    );
    update(
        &mut m,
        done(
            req,
            FilesOutcome {
                attached: vec![
                    (small.path.clone(), String::new()),
                    (big.path.clone(), "AAMkAtt1".into()),
                ],
                ..Default::default()
            },
        ),
    );
    assert!(m.save.upload.is_none());
    assert!(!m.is_dirty(), "every file is on the server");
    assert_eq!(m.form.files.list[0].server_id.as_deref(), Some("AAMkAtt1"));
    match m.status.last() {
        Some(StatusEntry::Saved { files: Some(f), .. }) => {
            assert_eq!(f, "2 attached (10.5 MB): big.bin, notes.txt")
        }
        other => panic!("{other:?}"),
    }
    // Saving again with nothing new sends nothing.
    let out = update(&mut m, ctrl('s'));
    assert!(
        !out.effects
            .iter()
            .any(|e| matches!(e, Effect::Update { .. }))
    );

    // Remove the big one: the next save deletes it on the server, nothing else.
    update(&mut m, ctrl('o'));
    update(&mut m, key(KeyCode::Down));
    update(&mut m, key(KeyCode::Delete));
    update(&mut m, key(KeyCode::Esc));
    assert!(m.is_dirty());
    assert_eq!(m.form.files.detached.len(), 1);
    let out = update(&mut m, ctrl('s'));
    let req = match out.effects.first() {
        Some(Effect::Update {
            req, body, files, ..
        }) => {
            assert_eq!(body, &serde_json::json!({}));
            assert_eq!(files.detached[0].name, "big.bin");
            *req
        }
        other => panic!("{other:?}"),
    };
    let removed = m.form.files.detached.clone();
    update(
        &mut m,
        done(
            req,
            FilesOutcome {
                detached: removed,
                ..Default::default()
            },
        ),
    );
    assert!(m.form.files.detached.is_empty());
    assert!(!m.is_dirty());
}

#[test]
fn a_failed_attachment_is_named_and_stays_pending() {
    let big = file("big.bin", 10_485_760);
    let mut m = with_files(std::slice::from_ref(&big));
    update(&mut m, ctrl('s'));
    let req = in_flight_req(&m);
    let failure = common::http_failure(
        400,
        "ErrorMessageSizeExceeded",
        "The message exceeds the maximum supported size.",
    );
    update(
        &mut m,
        done(
            req,
            FilesOutcome {
                failed: Some(("big.bin".into(), failure)),
                ..Default::default()
            },
        ),
    );
    assert_eq!(
        m.save.server.id.as_deref(),
        Some("AAMkDraft"),
        "the message itself is saved"
    );
    assert!(m.is_dirty(), "the file still waits");
    match m.status.last() {
        Some(StatusEntry::Failed {
            what, code, hint, ..
        }) => {
            assert_eq!(what, "attach big.bin");
            assert_eq!(code, "ErrorMessageSizeExceeded");
            assert!(hint.as_deref().unwrap().contains("35 MB"));
        }
        other => panic!("{other:?}"),
    }
    // A network failure of an upload retries by itself.
    update(&mut m, ctrl('s'));
    let req = in_flight_req(&m);
    update(
        &mut m,
        done(
            req,
            FilesOutcome {
                failed: Some((
                    "big.bin".into(),
                    graph::Error::local(FailureKind::Network, "NetworkError", "reset"),
                )),
                ..Default::default()
            },
        ),
    );
    assert!(m.save.retry.is_some());
}

#[test]
fn the_journal_keeps_the_list_and_restores_it() {
    let big = file("big.bin", 10_485_760);
    let m = with_files(std::slice::from_ref(&big));
    let rec = m.journal_record();
    assert_eq!(rec.attachments, vec![big.clone()]);
    let json = serde_json::to_string(&rec).unwrap();
    let back: graft::core::record::JournalRecord = serde_json::from_str(&json).unwrap();
    let mut fresh = model();
    fresh.restore(&back);
    assert_eq!(fresh.form.files.list, vec![big]);
    assert!(fresh.is_dirty(), "a restored pending file is unsaved");
    assert_eq!(fresh.text(Field::To), "a@contoso.com");
    // Older journals without the field still read.
    let old = json.replace(",\"attachments\":", ",\"ignored_attachments\":");
    assert!(serde_json::from_str::<graft::core::record::JournalRecord>(&old).is_ok());
}

#[test]
fn a_draft_gone_on_the_server_is_saved_anew_with_its_local_files() {
    let big = file("big.bin", 10_485_760);
    let mut m = with_files(std::slice::from_ref(&big));
    // One file is on the server only (as when a draft is loaded from the history).
    m.form.files.list.push(AttachedFile {
        path: PathBuf::new(),
        name: "remote.xlsx".into(),
        size: 2048,
        content_type: String::new(),
        server_id: Some("AAMkRemote".into()),
        inline: false,
        content_id: None,
    });
    update(&mut m, ctrl('s'));
    let req = in_flight_req(&m);
    update(
        &mut m,
        done(
            req,
            FilesOutcome {
                attached: vec![(big.path.clone(), "AAMkAtt1".into())],
                ..Default::default()
            },
        ),
    );
    // The next update finds the draft gone; the user saves it as a new one.
    m.form.focus = Field::Subject;
    type_text(&mut m, "more");
    update(&mut m, ctrl('s'));
    let req = in_flight_req(&m);
    update(
        &mut m,
        common::save_done(
            req,
            "09:01:00 UTC",
            Err(common::http_failure(404, "ErrorItemNotFound", "gone")),
            Default::default(),
        ),
    );
    assert!(matches!(m.dialog, Some(Dialog::DraftGone)));
    let out = update(&mut m, key(KeyCode::Char('y')));
    match out.effects.first() {
        Some(Effect::Create { files, .. }) => {
            assert_eq!(
                files.list.len(),
                1,
                "the server-only file cannot go up again"
            );
            assert_eq!(files.list[0].name, "big.bin");
            assert!(
                files.list[0].server_id.is_none(),
                "uploaded again to the new draft"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        m.status
            .iter()
            .any(|e| matches!(e, StatusEntry::Info(t) if t.contains("remote.xlsx")))
    );
}

#[test]
fn quit_works_from_the_attach_dialog_and_asks_about_pending_files() {
    let mut m = with_files(&[file("a.pdf", 100)]);
    update(&mut m, ctrl('o'));
    update(&mut m, ctrl('q'));
    assert!(
        matches!(m.dialog, Some(Dialog::ConfirmQuit)),
        "{:?}",
        m.dialog
    );
    assert!(!m.should_quit);
}

#[test]
fn a_removal_made_while_a_save_runs_is_not_forgotten() {
    let mut m = model();
    type_text(&mut m, "a@contoso.com");
    // Two files that are only on the server (loaded from the history: no path).
    for (name, id) in [("one.xlsx", "AAMkOne"), ("two.xlsx", "AAMkTwo")] {
        m.form.files.list.push(AttachedFile {
            path: PathBuf::new(),
            name: name.into(),
            size: 10,
            content_type: String::new(),
            server_id: Some(id.into()),
            inline: false,
            content_id: None,
        });
    }
    update(&mut m, ctrl('o'));
    update(&mut m, key(KeyCode::Down));
    update(&mut m, key(KeyCode::Delete));
    update(&mut m, ctrl('s'));
    let req = in_flight_req(&m);
    let sent = m.form.files.detached.clone();
    // While that save runs, the other one is removed too.
    update(&mut m, ctrl('o'));
    update(&mut m, key(KeyCode::Down));
    update(&mut m, key(KeyCode::Delete));
    update(
        &mut m,
        done(
            req,
            FilesOutcome {
                detached: sent,
                ..Default::default()
            },
        ),
    );
    assert_eq!(
        m.form.files.detached.len(),
        1,
        "the second removal still waits"
    );
    assert_eq!(
        m.form.files.detached[0].server_id.as_deref(),
        Some("AAMkTwo")
    );
    assert!(m.is_dirty());
}

/// The path field edits in place (Home/Ctrl-A, arrows, Ctrl-_ undoes as in
/// the form), a path that failed stays to be fixed and new typing replaces
/// it, and `file://` URLs are taken as paths.
#[test]
fn the_path_field_edits_in_place_and_takes_file_urls() {
    let path = |m: &Model| match &m.dialog {
        Some(Dialog::Attach(d)) => d.input.text().to_string(),
        other => panic!("{other:?}"),
    };
    let checked = |out: &graft::tui::app::Outcome| {
        out.effects.iter().find_map(|e| match e {
            Effect::CheckFile(p) => Some(p.clone()),
            _ => None,
        })
    };
    let mut m = model();
    update(&mut m, ctrl('o'));
    type_text(&mut m, "home/u/rport.pdf");
    update(&mut m, ctrl('a'));
    type_text(&mut m, "/");
    for _ in 0.."home/u/r".len() {
        update(&mut m, key(KeyCode::Right));
    }
    type_text(&mut m, "e");
    assert_eq!(path(&m), "/home/u/report.pdf");
    update(&mut m, ctrl('7'));
    assert_eq!(
        path(&m),
        "/home/u/rport.pdf",
        "ctrl-_ undoes, as in the form"
    );
    type_text(&mut m, "e");
    let out = update(&mut m, key(KeyCode::Enter));
    assert_eq!(checked(&out).as_deref(), Some("/home/u/report.pdf"));
    update(
        &mut m,
        Msg::FileChecked(Err("/home/u/report.pdf: no such file.".into())),
    );
    assert_eq!(path(&m), "/home/u/report.pdf", "the failed path stays");
    update(&mut m, key(KeyCode::End));
    update(&mut m, key(KeyCode::Backspace));
    assert_eq!(path(&m), "/home/u/report.pd", "and can be fixed");
    update(
        &mut m,
        Msg::FileChecked(Err("/home/u/report.pd: no such file.".into())),
    );
    type_text(&mut m, "file:///tmp/a%20b.txt");
    assert_eq!(path(&m), "file:///tmp/a%20b.txt", "new typing replaces it");
    let out = update(&mut m, key(KeyCode::Enter));
    assert_eq!(checked(&out).as_deref(), Some("/tmp/a b.txt"));
}
