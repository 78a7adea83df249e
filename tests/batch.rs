//! `graft draft --batch`: many drafts through `$batch`, throttled, rerun.

mod common;

use graft::emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault};
use serde_json::Value;
use std::process::Output;

fn graft(emu: &Emulator, state: &std::path::Path, args: &[&str]) -> Output {
    let mut all = vec!["draft"];
    all.extend_from_slice(args);
    common::graft_cli(&emu.graph_url(), state, &all)
}

/// Runs `--batch FILE --json`, expects success, and returns the report lines.
fn batch_ok(emu: &Emulator, state: &std::path::Path, file: &std::path::Path) -> Vec<Value> {
    let o = graft(emu, state, &["--batch", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    lines(&o)
}

fn lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn forty_five_drafts_with_throttling_are_created_once_and_a_rerun_creates_none() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("drafts.jsonl");
    let text: String = (1..=45)
        .map(|n| {
            format!(
                "{{\"to\":\"user{n}@contoso.com\",\"subject\":\"Report {n}\",\"body\":\"Body {n}\"}}\n"
            )
        })
        .collect();
    std::fs::write(&file, text).unwrap();
    // Inner creates are throttled: three in the first batch, one in a later one.
    for skip in [0, 0, 3, 25] {
        emu.inject(Fault::throttle(1).on("POST").at("/me/messages").after(skip));
    }
    let report = batch_ok(&emu, dir.path(), &file);
    assert_eq!(report.len(), 45);
    assert!(
        report.iter().all(|l| l["status"] == "created"),
        "{report:?}"
    );
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 45, "exactly one draft per line");
    let mut subjects: Vec<String> = msgs
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!(subjects.len(), 45);
    let reqs = emu.requests();
    assert_eq!(
        reqs.iter().filter(|r| r.status == 429).count(),
        4,
        "the throttling happened"
    );
    let batches = reqs.iter().filter(|r| r.path == "/v1.0/$batch").count();
    // 3 lookup batches + 3 create batches + one round for the throttled ones.
    assert!(batches <= 8, "{batches} batches");
    // Report lines carry the id and link of each draft.
    let ids: std::collections::HashSet<&str> =
        msgs.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(
        report
            .iter()
            .all(|l| ids.contains(l["id"].as_str().unwrap()))
    );

    // The same file again: everything is found, nothing is created.
    let o = graft(&emu, dir.path(), &["--batch", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("0 created, 45 already there, 0 failed"),
        "{out}"
    );
    assert_eq!(emu.messages().len(), 45);
}

#[test]
fn a_rejected_line_fails_alone_and_sets_the_exit_code() {
    let emu = Emulator::start(EmulatorConfig {
        max_recipients: 2,
        ..Default::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.jsonl");
    std::fs::write(
        &file,
        "{\"to\":\"a@contoso.com\",\"subject\":\"ok\"}\n{\"to\":[\"a@contoso.com\",\"b@contoso.com\",\"c@contoso.com\"],\"subject\":\"too many\"}\n",
    )
    .unwrap();
    let o = graft(
        &emu,
        dir.path(),
        &["--batch", file.to_str().unwrap(), "--json"],
    );
    assert_eq!(o.status.code(), Some(4));
    let report = lines(&o);
    assert_eq!(report[0]["status"], "created");
    assert_eq!(report[1]["status"], "failed");
    assert!(
        report[1]["error"]
            .as_str()
            .unwrap()
            .contains("ErrorTooManyRecipients")
    );
    assert_eq!(emu.messages().len(), 1);
}

#[test]
fn a_bad_file_sends_nothing() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.jsonl");
    std::fs::write(
        &file,
        "{\"to\":\"a@contoso.com\"}\n{\"to\":\"a@contoso.com\",\"subjct\":\"x\"}\n",
    )
    .unwrap();
    let o = graft(&emu, dir.path(), &["--batch", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 2") && err.contains("subjct"), "{err}");
    assert!(emu.requests().is_empty());
}

#[test]
fn a_batch_whose_answer_is_lost_is_looked_up_not_repeated() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.jsonl");
    let text: String = (1..=5)
        .map(|n| format!("{{\"to\":\"u{n}@contoso.com\",\"subject\":\"S{n}\"}}\n"))
        .collect();
    std::fs::write(&file, text).unwrap();
    // The lookup batch passes; the create batch is applied but its answer is lost.
    emu.inject(
        Fault::action(graft::emulator::FaultAction::DropAfter)
            .on("POST")
            .at("$batch")
            .after(1),
    );
    let report = batch_ok(&emu, dir.path(), &file);
    assert_eq!(emu.messages().len(), 5, "no duplicates after a lost answer");
    assert!(report.iter().all(|l| l["status"] == "created"));
}

#[tokio::test]
async fn the_emulator_batch_is_strict() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/$batch", emu.graph_url());
    let send = |body: Value| http.post(&url).bearer_auth(DEMO_TOKEN).json(&body).send();
    let get = |id: &str| serde_json::json!({"id": id, "method": "GET", "url": "/me"});
    let many: Vec<Value> = (0..21).map(|i| get(&i.to_string())).collect();
    assert_eq!(
        send(serde_json::json!({"requests": many}))
            .await
            .unwrap()
            .status(),
        400
    );
    let dup = serde_json::json!({"requests": [get("a"), get("A")]});
    assert_eq!(send(dup).await.unwrap().status(), 400);
    let no_ct = serde_json::json!({"requests": [{"id": "1", "method": "POST", "url": "/me/messages", "body": {}}]});
    assert_eq!(send(no_ct).await.unwrap().status(), 400);
    let chain = serde_json::json!({"requests": [
        {"id": "1", "method": "GET", "url": "/me/messages/AAMkbad"},
        {"id": "2", "method": "GET", "url": "/me", "dependsOn": ["1"]}
    ]});
    let r: Value = send(chain).await.unwrap().json().await.unwrap();
    let status = |id: &str| {
        r["responses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("1"), 400);
    assert_eq!(status("2"), 424);
}
