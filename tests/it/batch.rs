//! `graft draft --batch`: many drafts through `$batch`, throttled, rerun.

use crate::common;

use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault};
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
    // 3 create batches + one for the throttled ones (no lookup batches:
    // the mailbox's graft drafts were listed once).
    assert!(batches <= 5, "{batches} batches");
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
    assert_eq!(report[1]["to"], "a@contoso.com +2");
    assert_eq!(emu.messages().len(), 1);
    // For a person: one line a draft (file line, who, subject, what
    // happened), then the totals; no ids.
    let o = graft(&emu, dir.path(), &["--batch", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(4));
    let out = String::from_utf8_lossy(&o.stdout);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(
        rows[0].starts_with("line    1  a@contoso.com ")
            && rows[0].contains(" ok ")
            && rows[0].ends_with("  existing"),
        "{out}"
    );
    assert!(
        rows[1].starts_with("line    2  a@contoso.com +2 ")
            && rows[1].contains(" too many ")
            && rows[1].contains("  failed: ")
            && rows[1].contains("ErrorTooManyRecipients"),
        "{out}"
    );
    assert_eq!(
        rows[0].find(" ok "),
        rows[1].find(" too many "),
        "columns line up:\n{out}"
    );
    assert!(!out.contains("AAMk") && !out.contains("https://"), "{out}");
    assert!(
        rows[2].starts_with("0 created, 1 already there, 1 failed (2 lines)."),
        "{out}"
    );
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
    // The create batch is applied but its answer is lost.
    emu.inject(
        Fault::action(graft_emulator::FaultAction::DropAfter)
            .on("POST")
            .at("$batch"),
    );
    let report = batch_ok(&emu, dir.path(), &file);
    assert_eq!(emu.messages().len(), 5, "no duplicates after a lost answer");
    assert!(report.iter().all(|l| l["status"] == "created"));
}

fn write_lines(path: &std::path::Path, n: usize, tag: &str) {
    let text: String = (1..=n)
        .map(|i| {
            format!(
                "{{\"to\":\"u{i}@contoso.com\",\"subject\":\"{tag} {i}\",\"body\":\"Hi {i}\"}}\n"
            )
        })
        .collect();
    std::fs::write(path, text).unwrap();
}

/// Requests that reach the mailbox, as Outlook counts them: each one inside
/// a `$batch`, not the envelope.
fn mailbox_requests(emu: &Emulator) -> usize {
    emu.requests()
        .iter()
        .filter(|r| r.path != "/v1.0/$batch")
        .count()
}

/// A first run spends one create per draft and a few requests in all to
/// learn what earlier runs made; a rerun of a finished file costs a few
/// requests in all, whatever its length (the listing is paged: 1,050
/// drafts are two pages).
#[test]
fn a_merge_costs_one_request_per_draft_and_a_rerun_almost_none() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merge.jsonl");
    write_lines(&file, 1050, "Merge");
    let report = batch_ok(&emu, dir.path(), &file);
    assert_eq!(report.len(), 1050);
    assert_eq!(emu.messages().len(), 1050);
    let first = mailbox_requests(&emu);
    assert!(
        first as f64 <= 1050.0 * 1.1,
        "{first} requests for 1050 drafts"
    );
    let before = emu.requests().len();
    let report = batch_ok(&emu, dir.path(), &file);
    assert!(report.iter().all(|l| l["status"] == "existing"));
    let rerun: Vec<_> = emu.requests()[before..].to_vec();
    assert!(
        rerun.len() as f64 <= 1050.0 * 0.1,
        "{} requests to rerun 1050 lines: {rerun:?}",
        rerun.len()
    );
    // The listing's second page was read (the first holds 1,000).
    assert!(
        rerun
            .iter()
            .filter(|r| r.path.ends_with("/messages"))
            .count()
            >= 2,
        "{rerun:?}"
    );
    assert_eq!(emu.messages().len(), 1050);
}

/// Over Outlook's request rate the emulator answers 429 with the
/// Retry-After of its window; the merge slows down at once, waits it out,
/// and still makes each draft once.
#[test]
fn over_the_rate_limit_a_merge_waits_for_the_window_and_makes_each_draft_once() {
    let emu = Emulator::start(EmulatorConfig {
        rate_limit: Some((30, std::time::Duration::from_secs(2))),
        ..Default::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("merge.jsonl");
    write_lines(&file, 60, "Paced");
    let started = std::time::Instant::now();
    let report = batch_ok(&emu, dir.path(), &file);
    assert!(
        report.iter().all(|l| l["status"] == "created"),
        "{report:?}"
    );
    assert_eq!(emu.messages().len(), 60);
    let throttled: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.status == 429)
        .collect();
    assert!(!throttled.is_empty(), "the limit was reached");
    // One window's wait at least (60 creates and a listing over 30 per 2 s).
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
}

/// CSV with a header row, for lists kept in a spreadsheet: quoted commas,
/// several recipients, attachments separated by `;`, a bad column named.
#[test]
fn csv_merges_like_json_lines() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "A").unwrap();
    std::fs::write(dir.path().join("b.txt"), "B").unwrap();
    let file = dir.path().join("list.csv");
    std::fs::write(
        &file,
        "to,cc,subject,body,format,attach\n\
         dana@contoso.com,,\"Q3, final\",\"Numbers, attached.\",text,a.txt;b.txt\n\
         \"lee@contoso.com, Megan Bowen <megan@contoso.com>\",boss@contoso.com,Plan,**Draft** plan,markdown,\n",
    )
    .unwrap();
    let report = batch_ok(&emu, dir.path(), &file);
    assert_eq!(report.len(), 2);
    let msgs = emu.messages();
    let q3 = msgs.iter().find(|m| m["subject"] == "Q3, final").unwrap();
    assert_eq!(q3["body"]["content"], "Numbers, attached.");
    assert_eq!(emu.attachments(q3["id"].as_str().unwrap()).len(), 2);
    let plan = msgs.iter().find(|m| m["subject"] == "Plan").unwrap();
    assert_eq!(plan["toRecipients"].as_array().unwrap().len(), 2);
    assert_eq!(plan["body"]["contentType"], "html");
    // A rerun of the CSV finds both.
    let again = batch_ok(&emu, dir.path(), &file);
    assert!(again.iter().all(|l| l["status"] == "existing"), "{again:?}");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "to,subjekt\na@contoso.com,x\n").unwrap();
    let o = graft(&emu, dir.path(), &["--batch", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 2") && err.contains("subjekt"), "{err}");
}

/// `kill -9` at any moment of a merge, then a rerun: every line exactly
/// once (the rerun lists what the killed run made, and creates the rest).
#[test]
fn a_merge_killed_at_any_moment_and_rerun_makes_every_draft_once() {
    for (trial, kill_after_ms) in [40u64, 150, 300].into_iter().enumerate() {
        let emu = Emulator::start(EmulatorConfig {
            latency: Some((
                std::time::Duration::from_millis(5),
                std::time::Duration::from_millis(15),
            )),
            ..Default::default()
        })
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("merge.jsonl");
        write_lines(&file, 100, "Killed");
        let mut child = common::graft_command()
            .args(["draft", "--batch", file.to_str().unwrap(), "--json"])
            .args(["--graph-url", &emu.graph_url()])
            .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
            .env("GRAFT_STATE_DIR", dir.path())
            .env("GRAFT_CONFIG", dir.path().join("none.toml"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill once the merge is under way (or at the time, if it is quick).
        let deadline = std::time::Instant::now() + std::time::Duration::from_millis(kill_after_ms);
        while std::time::Instant::now() < deadline && child.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let _ = child.kill();
        let _ = child.wait();
        let made = emu.messages().len();
        let report = batch_ok(&emu, dir.path(), &file);
        assert_eq!(report.len(), 100);
        let msgs = emu.messages();
        let mut subjects: Vec<&str> = msgs
            .iter()
            .map(|m| m["subject"].as_str().unwrap())
            .collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(
            (msgs.len(), subjects.len()),
            (100, 100),
            "trial {trial}: killed after {made} drafts; the rerun must make the rest once"
        );
    }
}

/// A mail merge from a template: 50 CSV rows are the variables of one
/// template (its To, Subject and Markdown body), each draft filled in
/// from its row, the profile's signature below; a rerun makes none; a row
/// without a variable the template needs stops the run before anything
/// is sent, naming the line; each line passes the checks (a line that
/// speaks of an attachment it lacks is held unless --force).
#[test]
fn a_template_with_a_csv_of_variables_makes_fifty_drafts_once() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates").join("invite.md"),
        "To: {{name}} <{{email}}>\nSubject: {{event}}, {{first_name}}\n\nDear {{first_name}},\n\nJoin us for **{{event}}** on {{day|Friday}}.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("none.toml"),
        "[profiles.default]\nsignature = \"Lee Chen\"\n",
    )
    .unwrap();
    let mut csv = String::from("name,email,event,day\n");
    for i in 0..50 {
        let day = if i % 2 == 0 { "Monday" } else { "" };
        csv.push_str(&format!(
            "Guest{i} Park,guest{i}@contoso.com,Launch {i},{day}\n"
        ));
    }
    let file = dir.path().join("guests.csv");
    std::fs::write(&file, &csv).unwrap();
    let args = |extra: &[&str]| {
        let mut a = vec![
            "draft",
            "--batch",
            file.to_str().unwrap(),
            "--template",
            "invite",
            "--json",
        ];
        a.extend_from_slice(extra);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let run = |a: Vec<String>| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        common::graft_cli(&emu.graph_url(), dir.path(), &a)
    };
    let o = run(args(&[]));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 50);
    for i in [0usize, 7, 49] {
        let m = msgs
            .iter()
            .find(|m| {
                m["toRecipients"][0]["emailAddress"]["address"] == format!("guest{i}@contoso.com")
            })
            .unwrap();
        assert_eq!(
            m["toRecipients"][0]["emailAddress"]["name"],
            format!("Guest{i} Park")
        );
        assert_eq!(m["subject"], format!("Launch {i}, Guest{i}"));
        let html = m["body"]["content"].as_str().unwrap();
        let day = if i % 2 == 0 { "Monday" } else { "Friday" };
        assert!(
            html.contains(&format!("<p dir=\"auto\">Dear Guest{i},</p>"))
                && html.contains(&format!(
                    "Join us for <strong>Launch {i}</strong> on {day}."
                ))
                && html.contains("Lee Chen"),
            "{html}"
        );
    }
    // Again: nothing new.
    let o = run(args(&[]));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(emu.messages().len(), 50, "a rerun makes none");

    // A row without a needed variable: nothing is sent, the line is named.
    std::fs::write(&file, "name,email,day\nAda,ada@contoso.com,Monday\n").unwrap();
    let o = run(args(&[]));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 2") && err.contains("needs event"),
        "{err}"
    );
    // The checks hold a line that mentions an attachment it lacks.
    std::fs::write(
        &file,
        "name,email,event\nAda,ada@contoso.com,the attached plan\n",
    )
    .unwrap();
    let o = run(args(&[]));
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("line 2: not saved") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(emu.messages().len(), 50);
    let o = run(args(&["--force"]));
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(emu.messages().len(), 51);
}

/// One draft from a template with --var, and a missing variable named as
/// the flag to give.
#[test]
fn graft_draft_from_a_template_with_vars() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates").join("status.txt"),
        "To: {{who}}\nSubject: Status {{date}}\n\nHi {{first_name}}, {{project}} is on track.\n",
    )
    .unwrap();
    let url = emu.graph_url();
    let o = common::graft_cli(
        &url,
        dir.path(),
        &[
            "draft",
            "--template",
            "status",
            "--var",
            "who=dana.park@contoso.com",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("needs a value for project") && err.contains("--var project=…"),
        "{err}"
    );
    let o = common::graft_cli(
        &url,
        dir.path(),
        &[
            "draft",
            "--template",
            "status",
            "--var",
            "who=dana.park@contoso.com",
            "--var",
            "project=Atlas",
            "--json",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let m = &emu.messages()[0];
    assert_eq!(m["subject"], format!("Status {}", graft::util::today()));
    assert_eq!(m["body"]["content"], "Hi Dana, Atlas is on track.");
    let o = common::graft_cli(&url, dir.path(), &["draft", "--template", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("there: status"));
    // A template without a To of its own: --to is who it is for, as in
    // the form (recipient, first_name, recipient_email).
    std::fs::write(
        dir.path().join("templates").join("hello.txt"),
        "Subject: For {{recipient_email}}\n\nHi {{first_name}} ({{recipient}}).\n",
    )
    .unwrap();
    let o = common::graft_cli(
        &url,
        dir.path(),
        &[
            "draft",
            "--template",
            "hello",
            "--to",
            "Sam Lee <sam@contoso.com>",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let m = &emu.messages()[1];
    assert_eq!(m["subject"], "For sam@contoso.com");
    assert_eq!(m["body"]["content"], "Hi Sam (Sam Lee).");
}

/// Files as spreadsheets and editors save them: a BOM, bare CR, mixed
/// CRLF and LF, Excel's semicolon CSV with a quoted field over two lines;
/// JSON lines with a BOM and CRLF. Every line makes its draft; a broken
/// JSON line is named by the file's line, in words.
#[test]
fn batch_files_as_people_export_them() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let semicolons = dir.path().join("excel.csv");
    std::fs::write(
        &semicolons,
        "\u{feff}to;subject;body\r\
         dana@contoso.com;Bare CR;one\r\n\
         lee@contoso.com;Mixed;\"two\r\nlines; with a semicolon\"\n\
         megan@contoso.com;\"Plain; LF\";three\n",
    )
    .unwrap();
    let report = batch_ok(&emu, dir.path(), &semicolons);
    assert_eq!(report.len(), 3, "{report:?}");
    let msgs = emu.messages();
    let subjects: Vec<&str> = msgs.iter().filter_map(|m| m["subject"].as_str()).collect();
    for s in ["Bare CR", "Mixed", "Plain; LF"] {
        assert!(subjects.contains(&s), "{subjects:?}");
    }
    let mixed = msgs.iter().find(|m| m["subject"] == "Mixed").unwrap();
    assert!(
        mixed["body"]["content"]
            .as_str()
            .unwrap()
            .contains("lines; with a semicolon"),
        "{mixed}"
    );

    let jsonl = dir.path().join("list.jsonl");
    std::fs::write(
        &jsonl,
        "\u{feff}{\"to\":\"ann@contoso.com\",\"subject\":\"BOM\"}\r\n\
         {\"to\":\"bo@contoso.com\",\"subject\":\"CRLF\"}\r\n",
    )
    .unwrap();
    assert_eq!(batch_ok(&emu, dir.path(), &jsonl).len(), 2);

    let broken = dir.path().join("broken.jsonl");
    std::fs::write(
        &broken,
        "{\"to\":\"ann@contoso.com\",\"subject\":\"fine\"}\n\n{\"to\": \"bo@contoso.com\",\n",
    )
    .unwrap();
    let o = graft(&emu, dir.path(), &["--batch", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 3: not a JSON object"), "{err}");
    assert!(!err.contains("at line 1"), "parser positions: {err}");
}
