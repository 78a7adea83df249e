//! Attachments against the emulator: inline in the create request, the
//! attachments endpoint, upload sessions with failing chunks resumed, and every
//! limit refused before anything is sent.

use crate::common;

use graft::core::attach::{self, AttachedFile};
use graft::graph::GraphClient;
use graft::graph::upload::{attach_pending, detach};
use graft_emulator::{Emulator, EmulatorConfig, Fault, FaultAction};
use serde_json::{Value, json};
use std::process::Output;

fn client(emu: &Emulator) -> GraphClient {
    common::emulator_client(emu, 20)
}

/// Bytes that differ at every position (a shifted chunk would not compare equal).
fn pattern(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> AttachedFile {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    graft::store::files::check(p.to_str().unwrap()).unwrap()
}

async fn new_draft(c: &GraphClient) -> String {
    c.create_draft(&json!({"subject": "with files"}))
        .await
        .unwrap()
        .id
}

/// Uploads 10 MiB whose chunk 2 fails with 503 and whose chunk 3 is stored
/// with its answer lost; returns the emulator and the draft id, checked:
/// one attachment, byte for byte, no session left open.
async fn upload_through_faults(session_get: bool) -> (Emulator, String, usize) {
    let emu = Emulator::start(EmulatorConfig {
        upload_session_get: session_get,
        ..EmulatorConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(10 * 1024 * 1024, 7);
    let f = write_file(dir.path(), "logs.tar.gz", &data);
    assert!(f.large());
    let c = client(&emu);
    let id = new_draft(&c).await;
    emu.inject(
        Fault::status(503, "ServiceUnavailable", "try later")
            .on("PUT")
            .after(1),
    );
    emu.inject(Fault::action(FaultAction::DropAfter).on("PUT").after(2));
    let mut seen: Vec<(u64, u64)> = Vec::new();
    let mut progress = |name: &str, done: u64, total: u64| {
        assert_eq!(name, "logs.tar.gz");
        seen.push((done, total));
    };
    let out = attach_pending(
        &c,
        &id,
        std::slice::from_ref(&f),
        &common::disk(),
        false,
        &mut progress,
    )
    .await;
    assert!(out.failed.is_none(), "{:?}", out.failed);
    assert_eq!(out.done.len(), 1);
    let stored = emu.attachments(&id);
    assert_eq!(stored.len(), 1, "exactly one copy");
    assert_eq!(stored[0].0, "logs.tar.gz");
    assert_eq!(stored[0].1, "application/gzip");
    assert!(stored[0].2 == data, "stored bytes differ from the file");
    assert_eq!(emu.open_upload_sessions(), 0);
    assert_eq!(seen.last(), Some(&(data.len() as u64, data.len() as u64)));
    let msg = emu.messages().into_iter().find(|m| m["id"] == id).unwrap();
    assert_eq!(msg["hasAttachments"], json!(true));
    (emu, id, data.len())
}

#[tokio::test]
async fn ten_mb_upload_resumes_after_a_failed_and_an_unanswered_chunk() {
    // Where the session can say where it is (documented for OneDrive).
    let (emu, _, len) = upload_through_faults(true).await;
    let reqs = emu.requests();
    let puts: Vec<_> = reqs.iter().filter(|r| r.method == "PUT").collect();
    // 4 chunks of 2.8 MiB plus the refused one sent again; the unanswered
    // one landed, so the client asks where to resume instead of resending.
    let chunks = len.div_ceil(attach::CHUNK as usize);
    assert_eq!(puts.len(), chunks + 1, "{puts:?}");
    assert_eq!(puts.iter().filter(|r| r.status == 503).count(), 1);
    assert!(
        reqs.iter()
            .any(|r| r.method == "GET" && r.path.starts_with("/upload/")),
        "resumed from the session's nextExpectedRanges"
    );
}

#[tokio::test]
async fn without_a_session_status_a_lost_chunk_starts_over_in_a_new_session() {
    // Outlook documents no GET on its upload URL: the place in the session is
    // lost with the answer, so the file goes again, whole, in a new session.
    let (emu, _, _) = upload_through_faults(false).await;
    let reqs = emu.requests();
    let sessions = reqs
        .iter()
        .filter(|r| r.path.ends_with("/createUploadSession"))
        .count();
    assert_eq!(
        sessions, 2,
        "the lost place is not guessed: a new session: {reqs:?}"
    );
    assert!(
        reqs.iter()
            .any(|r| r.method == "DELETE" && r.path.starts_with("/upload/")),
        "the old session is cancelled"
    );
}

#[tokio::test]
async fn small_files_use_the_endpoint_and_can_be_removed() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = write_file(dir.path(), "a.pdf", &pattern(1500, 1));
    let b = write_file(dir.path(), "b.png", &pattern(2_500_000, 2));
    let c = client(&emu);
    let id = new_draft(&c).await;
    let mut files = vec![a, b];
    let out = attach_pending(&c, &id, &files, &common::disk(), false, &mut |_, _, _| {}).await;
    assert!(out.failed.is_none());
    for (i, aid) in out.done {
        files[i].server_id = Some(aid);
    }
    assert_eq!(emu.attachments(&id).len(), 2);
    assert_eq!(emu.attachments(&id)[1].2, pattern(2_500_000, 2));
    // Reconciling finds both there: nothing is uploaded twice.
    let mut again = files.clone();
    for f in &mut again {
        f.server_id = None;
    }
    let posts_before = emu.requests().iter().filter(|r| r.method == "POST").count();
    let out = attach_pending(&c, &id, &again, &common::disk(), true, &mut |_, _, _| {}).await;
    assert_eq!(out.done.len(), 2);
    assert_eq!(
        emu.requests().iter().filter(|r| r.method == "POST").count(),
        posts_before
    );
    // Remove one by id, and one whose id is unknown (found by name and size).
    let mut unknown = files[1].clone();
    unknown.server_id = Some(String::new());
    detach(&c, &id, &[files[0].clone(), unknown]).await.unwrap();
    assert!(emu.attachments(&id).is_empty());
    let msg = emu.messages().into_iter().find(|m| m["id"] == id).unwrap();
    assert_eq!(msg["hasAttachments"], json!(false));
}

fn graft(emu: &Emulator, state: &std::path::Path, args: &[&str]) -> Output {
    let mut all = vec!["draft"];
    all.extend_from_slice(args);
    common::graft_cli(&emu.graph_url(), state, &all)
}

#[test]
fn graft_draft_attach_sends_small_files_inline_and_large_ones_in_chunks() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let small = dir.path().join("notes.txt");
    std::fs::write(&small, b"hello").unwrap();
    let big = dir.path().join("data.bin");
    std::fs::write(&big, pattern(4_000_000, 9)).unwrap();
    let o = graft(
        &emu,
        dir.path(),
        &[
            "--to",
            "a@contoso.com",
            "--subject",
            "files",
            "--attach",
            small.to_str().unwrap(),
            "--attach",
            big.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = v["id"].as_str().unwrap();
    let stored = emu.attachments(id);
    assert_eq!(
        stored.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
        ["notes.txt", "data.bin"]
    );
    assert_eq!(stored[0].2, b"hello");
    assert_eq!(stored[1].2, pattern(4_000_000, 9));
    assert_eq!(v["attachments"][1]["attached"], json!(true));
    let reqs = emu.requests();
    // The small file rode in the create request: no separate POST for it.
    assert!(
        !reqs
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/attachments"))
    );
    assert_eq!(reqs.iter().filter(|r| r.method == "PUT").count(), 2);
}

#[test]
fn bad_attachments_are_refused_before_anything_is_sent() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.iso");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(attach::MAX_FILE + 1)
        .unwrap();
    let cases: [(&str, &str); 3] = [
        (huge.to_str().unwrap(), "up to 150.0 MB"),
        ("/nonexistent/file.pdf", "no such file"),
        (dir.path().to_str().unwrap(), "is a directory"),
    ];
    for (path, says) in cases {
        let o = graft(
            &emu,
            dir.path(),
            &["--to", "a@contoso.com", "--attach", path],
        );
        assert_eq!(o.status.code(), Some(2), "{path}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(says), "{path}: {err}");
    }
    assert!(emu.requests().is_empty(), "nothing reached the server");
    assert!(emu.messages().is_empty());
}

#[tokio::test]
async fn a_lost_answer_to_the_last_chunk_is_not_an_error_and_not_a_second_copy() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = pattern(4_000_000, 5);
    let f = write_file(dir.path(), "two-chunks.bin", &data);
    let c = client(&emu);
    let id = new_draft(&c).await;
    emu.inject(Fault::action(FaultAction::DropAfter).on("PUT").after(1));
    let out = attach_pending(
        &c,
        &id,
        std::slice::from_ref(&f),
        &common::disk(),
        false,
        &mut |_, _, _| {},
    )
    .await;
    assert!(out.failed.is_none(), "{:?}", out.failed);
    let stored = emu.attachments(&id);
    assert_eq!(stored.len(), 1);
    assert!(stored[0].2 == data);
}

#[tokio::test]
async fn a_file_gone_before_the_save_does_not_stop_the_message() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kept = write_file(dir.path(), "kept.txt", b"still here");
    let gone = write_file(dir.path(), "gone.txt", b"about to vanish");
    std::fs::remove_file(&gone.path).unwrap();
    let c = client(&emu);
    let files = graft::core::attach::Files {
        list: vec![kept.clone(), gone],
        detached: vec![],
    };
    let job = graft::service::save::SaveJob::Create {
        body: json!({"subject": "with files"}),
        lookup_key: None,
    };
    let done = graft::service::save::save_with_files(
        &c,
        job,
        &files,
        &graft::graph::Attempt::default(),
        &mut |_, _, _| {},
    )
    .await;
    let saved = done.result.expect("the message is saved");
    let (name, f) = done.files.failed.expect("the missing file is named");
    assert_eq!(name, "gone.txt");
    assert!(f.message.contains("cannot read it"), "{}", f.message);
    // The readable file went up; the message exists once, with it.
    assert_eq!(emu.messages().len(), 1);
    let stored = emu.attachments(&saved.id);
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].2, b"still here");
}

/// The body's pictures of local files arrive inline, byte for byte: a
/// Markdown `![alt](path)` and an HTML `<img src>` each become an
/// attachment with `isInline` and the `contentId` the body's `cid:` names
/// (a small one inside the create, a large one through an upload session,
/// whose attachmentItem carries both), while a picture of a URL is left as
/// it is; `hasAttachments` stays false, as Graph documents for a message
/// whose attachments are all inline. A missing picture sends nothing.
#[test]
fn pictures_in_the_body_arrive_inline_byte_for_byte() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, common::as_png(pattern(5_000, 3))).unwrap();
    let chart = dir.path().join("chart one.png");
    std::fs::write(&chart, common::as_png(pattern(3_500_000, 5))).unwrap();
    let body = format!(
        "Hello,\n\n![logo]({})\n\n![chart](<{}>)\n\n![web](https://contoso.com/x.png)\n",
        logo.display(),
        chart.display()
    );
    let args = [
        "--to",
        "a@contoso.com",
        "--subject",
        "pictures",
        "--markdown",
        "--body",
        &body,
        "--json",
    ];
    let o = graft(&emu, dir.path(), &args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = v["id"].as_str().unwrap();
    // --json names each picture that left, by its path and size.
    let pictures = v["pictures"].as_array().expect("pictures listed");
    assert_eq!(pictures.len(), 2, "{v}");
    assert!(
        pictures.iter().any(|p| p["path"].as_str() == logo.to_str()),
        "{v}"
    );
    let m = emu.message(id).unwrap();
    let html = m["body"]["content"].as_str().unwrap();
    let listed = emu.attachment_list(id);
    let stored = emu.attachments(id);
    assert_eq!(listed.len(), 2, "{listed:?}");
    for (a, (file, bytes)) in listed.iter().zip([
        ("logo.png", common::as_png(pattern(5_000, 3))),
        ("chart one.png", common::as_png(pattern(3_500_000, 5))),
    ]) {
        assert_eq!(a["name"], file);
        assert_eq!(a["isInline"], true);
        assert_eq!(a["contentType"], "image/png");
        let cid = a["contentId"].as_str().unwrap();
        assert!(html.contains(&format!("src=\"cid:{cid}\"")), "{html}");
        let s = stored.iter().find(|s| s.0 == file).unwrap();
        assert!(s.2 == bytes, "{file} arrived byte for byte");
    }
    assert!(html.contains("src=\"https://contoso.com/x.png\""), "{html}");
    assert_eq!(m["hasAttachments"], false, "inline ones do not count");
    // The large one went through an upload session.
    assert!(emu.requests().iter().any(|r| r.method == "PUT"));

    // An HTML body's <img src> the same way; a missing one sends nothing.
    let html_body = format!("<p>Hi <img src=\"{}\" alt=\"logo\"></p>", logo.display());
    let o = graft(
        &emu,
        dir.path(),
        &[
            "--to",
            "a@contoso.com",
            "--html",
            "--body",
            &html_body,
            "--json",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let listed = emu.attachment_list(v["id"].as_str().unwrap());
    assert_eq!(listed[0]["isInline"], true);
    let before = emu.messages().len();
    let o = graft(
        &emu,
        dir.path(),
        &[
            "--to",
            "a@contoso.com",
            "--markdown",
            "--body",
            "![x](/nonexistent/pic.png)",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("/nonexistent/pic.png") && err.contains("no such file"),
        "{err}"
    );
    assert_eq!(emu.messages().len(), before, "nothing was sent");
}

/// Uploads read through `Contents`, never a path: bytes held in memory go
/// up as a small attachment and as a chunked one, byte for byte; a
/// shorter source than the file said is an error naming the file.
#[tokio::test]
async fn uploads_take_bytes_not_paths() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let c = client(&emu);
    let id = new_draft(&c).await;
    let small = pattern(2_000, 3);
    let large = pattern(5 * 1024 * 1024, 9);
    let file = |name: &str, size: usize| AttachedFile {
        path: format!("/nowhere/{name}").into(),
        name: name.into(),
        size: size as u64,
        content_type: "application/octet-stream".into(),
        server_id: None,
        inline: false,
        content_id: None,
    };
    let files = [
        file("small.bin", small.len()),
        file("large.bin", large.len()),
    ];
    let bytes: std::collections::HashMap<String, Vec<u8>> = [
        ("small.bin".to_string(), small.clone()),
        ("large.bin".to_string(), large.clone()),
    ]
    .into();
    let contents: std::sync::Arc<dyn graft::graph::upload::Contents> = std::sync::Arc::new(bytes);
    let out = attach_pending(&c, &id, &files, &contents, false, &mut |_, _, _| {}).await;
    assert!(out.failed.is_none(), "{:?}", out.failed);
    let mut stored = emu.attachments(&id);
    stored.sort();
    assert_eq!(stored.len(), 2);
    assert_eq!((stored[0].0.as_str(), &stored[0].2), ("large.bin", &large));
    assert_eq!((stored[1].0.as_str(), &stored[1].2), ("small.bin", &small));
    let short = [file("missing.bin", 10)];
    let out = attach_pending(&c, &id, &short, &contents, false, &mut |_, _, _| {}).await;
    let (name, e) = out.failed.expect("refused");
    assert_eq!(name, "missing.bin");
    assert!(e.message.contains("missing.bin"), "{}", e.message);
}
