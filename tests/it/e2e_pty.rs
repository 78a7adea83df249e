//! The real binary in a pseudo-terminal against the emulator: type, save, update.

use crate::common;

use common::pty::{Pty, unwrapped};
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Fault, FaultAction};
use serde_json::json;
use std::time::Duration;

const TAB: &str = "\t";
const SHIFT_TAB: &str = "\x1b[Z";
const ENTER: &str = "\r";
const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";

/// graft on the emulator with this state directory (and so its config
/// file and folders), not yet waited on.
fn open_in(emu: &Emulator, state: &std::sync::Arc<tempfile::TempDir>, extra: &[&str]) -> Pty {
    let url = emu.graph_url();
    let mut args = vec!["--graph-url", url.as_str()];
    args.extend_from_slice(extra);
    Pty::spawn_with_state(
        &args,
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
        state.clone(),
    )
}

/// A state directory whose config spells with the small dictionary the
/// tests ship (en_TEST).
fn state_with_test_dictionary() -> std::sync::Arc<tempfile::TempDir> {
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let dicts = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hunspell");
    std::fs::write(
        state.path().join("config.toml"),
        format!("spell = [\"en_TEST\"]\nspell_path = [\"{dicts}\"]\n"),
    )
    .unwrap();
    state
}

/// graft on the emulator with `$EDITOR` the shell script `script`, ready.
fn with_editor(emu: &Emulator, script: &std::path::Path) -> Pty {
    let editor = format!("sh {}", script.display());
    let url = emu.graph_url();
    let t = Pty::spawn(
        &["--graph-url", &url],
        &[
            ("GRAFT_ACCESS_TOKEN", DEMO_TOKEN),
            ("EDITOR", editor.as_str()),
            ("VISUAL", ""),
        ],
        100,
        30,
    );
    t.wait_text("Ready.");
    t
}

fn open(emu: &Emulator) -> Pty {
    let url = emu.graph_url();
    let pty = Pty::spawn(
        &["--graph-url", &url],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
    );
    pty.wait_text("Ready.");
    pty
}

/// The same keys, then a storm of resizes (from 10x2 to 200x60) with no pause
/// between them: the screen ends exactly as a graft started at the final size
/// shows it. (Sizes down to 1x1 are covered through `view` by the property
/// tests: the test's terminal emulator, vt100, itself panics when text wraps
/// on a one-row screen.)
#[test]
fn a_resize_storm_leaves_the_screen_a_fresh_start_would_draw() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let keys = [
        TAB,
        TAB,
        TAB,
        "Storm subject",
        TAB,
        "Line one",
        ENTER,
        "Line two 日本語 🎉",
    ];
    let typed = |t: &mut Pty| {
        for k in keys {
            t.send(k);
        }
        t.wait_text("Line two 日本語");
    };
    let mut storm = open(&emu);
    typed(&mut storm);
    let sizes = [
        (40, 10),
        (10, 2),
        (20, 5),
        (200, 60),
        (12, 3),
        (80, 24),
        (120, 40),
        (10, 2),
    ];
    for round in 0..4 {
        for (i, &(cols, rows)) in sizes.iter().enumerate() {
            storm.resize(cols + round * 3 + i as u16, rows);
        }
    }
    storm.resize(90, 28);

    let mut fresh = Pty::spawn(
        &["--graph-url", &emu.graph_url()],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        90,
        28,
    );
    fresh.wait_text("Ready.");
    typed(&mut fresh);
    // Blank cells once written read as spaces, never-written ones as nothing:
    // the same on a terminal, so lines are compared without trailing blanks.
    let seen = |s: &str| s.lines().map(str::trim_end).collect::<Vec<_>>().join("\n");
    let want = seen(&fresh.screen());
    let what = format!("the screen a fresh start draws:\n{want}");
    storm.wait_for(&what, 20, |s| seen(s) == want);
    assert_eq!(storm.cursor(), fresh.cursor());
}

#[test]
fn type_every_field_save_then_update_the_same_draft() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);

    t.send(r#"alice@contoso.com; "Smith, Bob" <bob@contoso.com>"#);
    t.send(TAB);
    t.send("carol@fabrikam.com");
    t.send(TAB);
    t.send("Audit <audit@contoso.com>");
    t.send(TAB);
    t.send("Quarterly numbers");
    t.send(TAB);
    t.send("Hello team,");
    t.send(ENTER);
    t.send("the numbers are in. 日本語");
    t.wait_text("the numbers are in. 日本語");
    t.send(CTRL_S);
    let screen = t.wait_text("201 Created");

    let msgs = emu.messages();
    assert_eq!(msgs.len(), 1, "exactly one draft");
    let m = &msgs[0];
    let id = m["id"].as_str().unwrap();
    let link = m["webLink"].as_str().unwrap();
    let flat = unwrapped(&screen);
    assert!(flat.contains(id), "full id on screen:\n{screen}");
    assert!(flat.contains(link), "full webLink on screen:\n{screen}");
    assert!(screen.contains("folder Drafts"));
    assert_eq!(m["subject"], json!("Quarterly numbers"));
    assert_eq!(
        m["body"]["content"],
        json!("Hello team,\nthe numbers are in. 日本語")
    );
    let to: Vec<_> = m["toRecipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["emailAddress"]["address"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(to, ["alice@contoso.com", "bob@contoso.com"]);
    assert_eq!(
        m["toRecipients"][1]["emailAddress"]["name"],
        json!("Smith, Bob")
    );
    assert_eq!(
        m["ccRecipients"][0]["emailAddress"]["address"],
        json!("carol@fabrikam.com")
    );
    assert_eq!(
        m["bccRecipients"][0]["emailAddress"]["name"],
        json!("Audit")
    );

    // Edit the subject and save again: same draft, updated.
    t.send(SHIFT_TAB);
    t.send(" v2");
    t.wait_text("Quarterly numbers v2");
    t.send(CTRL_S);
    t.wait_text("200 OK");
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 1, "still exactly one draft");
    assert_eq!(msgs[0]["id"], json!(id));
    assert_eq!(msgs[0]["subject"], json!("Quarterly numbers v2"));
    // The form opens its connection early with GET /me; the saves are one
    // POST, then the version check (did Outlook change it?) and one PATCH.
    let methods: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/messages") || r.path.contains("/messages/"))
        .map(|r| r.method)
        .collect();
    assert_eq!(methods, ["POST", "GET", "PATCH"]);

    // Alt-W puts the webLink on the local clipboard with OSC 52.
    t.send("\x1bw");
    t.wait_text("Copied the draft's webLink");
    let osc = graft::terminal::osc::osc52(link);
    assert!(
        t.raw().windows(osc.len()).any(|w| w == osc.as_bytes()),
        "OSC 52 with the webLink"
    );

    // Alt-O has no display to open a browser on here, and says what to do.
    t.send("\x1bo");
    t.wait_text("No display here");

    // Everything is saved, so Ctrl-Q quits at once and prints the link,
    // as an OSC 8 hyperlink since stdout is a terminal.
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
    let osc8 = format!("\x1b]8;;{link}\x1b\\");
    let raw = t.raw();
    assert!(
        raw.windows(osc8.len()).any(|w| w == osc8.as_bytes()),
        "OSC 8 link on exit"
    );
}

#[test]
fn typing_continues_while_a_slow_save_is_in_flight() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(
        Fault::action(FaultAction::Delay(Duration::from_secs(3)))
            .on("POST")
            .at("/messages"),
    );
    let mut t = open(&emu);
    t.send("dana@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Slow link");
    t.send(TAB);
    t.send("first words");
    t.wait_text("first words");
    t.send(CTRL_S);
    t.wait_text("saving…");
    t.send(" and more while saving");
    // The echo arrives while the request is still in flight.
    t.wait_for("echo during the save", 20, |s| {
        s.contains("first words and more while saving") && s.contains("saving…")
    });
    assert!(emu.messages().is_empty(), "the server has not answered yet");
    let screen = t.wait_text("201 Created");
    assert!(
        screen.contains("unsaved changes"),
        "text typed after the snapshot is still unsaved"
    );
    assert_eq!(emu.messages().len(), 1);

    // Quitting now asks first, and cancelling keeps everything.
    t.send(CTRL_Q);
    t.wait_text("Quit?");
    t.send("n");
    t.wait_for("dialog closed", 10, |s| !s.contains("Quit?"));
    t.send(CTRL_Q);
    t.wait_text("Quit?");
    t.send("s");
    assert_eq!(t.wait_exit(20), 0);
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 1);
    assert_eq!(
        msgs[0]["body"]["content"],
        json!("first words and more while saving")
    );
}

#[test]
fn graph_errors_show_in_the_status_pane_and_the_text_stays() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(
        Fault::status(
            403,
            "ErrorAccessDenied",
            "Access is denied. Check credentials and try again.",
        )
        .on("POST")
        .at("/messages"),
    );
    let mut t = open(&emu);
    t.send("erin@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Kept");
    t.send(CTRL_S);
    let screen = t.wait_text("403 Forbidden");
    assert!(screen.contains("ErrorAccessDenied: Access is denied."));
    assert!(screen.contains("request-id"));
    assert!(screen.contains("erin@contoso.com") && screen.contains("Kept"));
    assert!(emu.messages().is_empty());
    t.send(CTRL_S);
    t.wait_text("201 Created");
    assert_eq!(emu.messages().len(), 1);
}

#[test]
fn throttling_shows_a_countdown_and_retries_by_itself() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(Fault::throttle(2).on("POST").at("/messages"));
    let mut t = open(&emu);
    t.send("erin@contoso.com");
    t.send(CTRL_S);
    let screen = t.wait_text("retrying in");
    assert!(
        screen.contains("throttled (429 ApplicationThrottled)"),
        "{screen}"
    );
    t.wait_text("201 Created");
    assert_eq!(emu.messages().len(), 1);
    let statuses: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 201]);
}

#[test]
fn demo_mode_needs_no_account() {
    let mut t = Pty::spawn(&["--demo"], &[], 100, 30);
    t.wait_text("DEMO");
    t.send("demo@contoso.com");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
}

#[test]
fn emulator_subcommand_serves_graph_on_the_given_port() {
    use std::io::{BufRead, BufReader};
    let mut child = common::graft_command()
        .args(["emulator", "--port", "0", "--accept-token", "tok-e2e"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1.0"),
        "{line}"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (created, deleted, gone) = rt.block_on(async {
        let http = reqwest::Client::new();
        let r = http
            .post(format!("{url}/me/messages"))
            .bearer_auth("tok-e2e")
            .json(&json!({"subject": "by hand"}))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let v: serde_json::Value = r.json().await.unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        let mut u = url::Url::parse(&url).unwrap();
        u.path_segments_mut()
            .unwrap()
            .extend(["me", "messages", &id]);
        let d = http
            .delete(u.clone())
            .bearer_auth("tok-e2e")
            .send()
            .await
            .unwrap();
        let g = http.get(u).bearer_auth("tok-e2e").send().await.unwrap();
        (status, d.status().as_u16(), g.status().as_u16())
    });
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!((created, deleted, gone), (201, 204, 404));
}

#[test]
fn sign_in_from_the_form_then_save_and_a_warm_start_next_time() {
    use base64::Engine as _;
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let (graph, authority) = (emu.graph_url(), emu.authority_url());
    let args = [
        "--graph-url",
        graph.as_str(),
        "--authority-url",
        authority.as_str(),
    ];
    let env = [("GRAFT_CONFIG", "/nonexistent/graft.toml")];
    let mut t = Pty::spawn(&args, &env, 100, 30);
    t.wait_text("You are not signed in");
    t.send(ENTER);
    let screen = t.wait_text("Code: ");
    assert!(
        screen.contains("https://microsoft.com/devicelogin"),
        "{screen}"
    );
    let code = screen
        .split("enter the code ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    let osc = format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(&code)
    );
    assert!(
        t.raw().windows(osc.len()).any(|w| w == osc.as_bytes()),
        "the code went to the clipboard with OSC 52"
    );
    // The emulated user approves on the second poll.
    t.wait_text("Signed in as adele.vance@contoso.onmicrosoft.com");
    t.send("ola@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("confidential body words");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    assert_eq!(emu.messages().len(), 1);
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);

    // Tokens are cached (0600) and never shown.
    // The default profile's store for this Graph root (the emulator's).
    let port = url::Url::parse(&emu.graph_url()).unwrap().port().unwrap();
    let name = graft::util::fs::file_name_for(&format!("default@127.0.0.1_{port}"));
    let cache = t.state.path().join("tokens").join(format!("{name}.json"));
    let tokens: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    let raw = String::from_utf8_lossy(&t.raw()).to_string();
    assert!(
        !raw.contains(access),
        "the token never reaches the terminal"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cache).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // The log file has the requests and never a token, a code or the text.
    let logs: String = std::fs::read_dir(t.state.path().join("logs"))
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .collect();
    assert!(
        logs.contains("graph request") && logs.contains("status=201"),
        "{logs}"
    );
    assert!(logs.contains("device sign-in approved"), "{logs}");
    let refresh = tokens["refresh_token"].as_str().unwrap();
    for secret in [access, refresh, code.as_str(), "confidential body words"] {
        assert!(!logs.contains(secret), "the log holds {secret:?}");
    }

    // Next start: signed in already; the connection opens before the first save.
    let before_conns = emu.connections();
    let before_reqs = emu.requests().len();
    let state = t.state.clone();
    drop(t);
    let mut t = Pty::spawn_with_state(&args, &env, 100, 30, state);
    t.wait_text("Ready.");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    // The warm-up: GET /me, then the category list for the F3 panel.
    while !emu.requests()[before_reqs..]
        .iter()
        .any(|r| r.path.ends_with("/masterCategories"))
    {
        assert!(std::time::Instant::now() < deadline, "no warm-up request");
        std::thread::sleep(Duration::from_millis(10));
    }
    // The warm-up is over once its last answer is read (the categories are
    // offered in F3's Categories row): only then is the connection free.
    t.send("\x1bOR");
    t.send("\t\t\t\t");
    t.wait_text("Your categories:");
    t.send("\x1b");
    t.wait_for("the panel closed", 10, |s| !s.contains("Your categories:"));
    t.send("pia@contoso.com");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let after: Vec<_> = emu.requests()[before_reqs..]
        .iter()
        // Background look-ups (categories, people search, the mailbox's
        // size limit, where Deleted Items is) are not on the save path.
        .filter(|r| {
            !r.path.ends_with("/masterCategories")
                && !r.path.ends_with("/people")
                && !r.path.ends_with("/getMailTips")
                && !r.path.contains("/mailFolders/")
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        after,
        ["GET /v1.0/me", "POST /v1.0/me/messages"],
        "one request on the save path"
    );
    assert_eq!(
        emu.connections(),
        before_conns + 1,
        "the save reused the warm connection"
    );
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
}

#[test]
fn typing_in_the_body_writes_a_few_bytes_per_key() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("\t\t\t\t");
    t.send("start ");
    t.wait_text("● unsaved changes");
    t.wait_for("the cursor after 'start '", 10, |_| true);
    let typed = "graft is quick";
    let before = t.raw().len();
    for i in 1..=typed.len() {
        // ASCII only, so byte and character positions agree.
        t.send(&typed[i - 1..i]);
        let want = format!("start {}", &typed[..i]);
        t.wait_for(&want, 10, |s| s.contains(&want));
    }
    // The cursor is already at the insertion point: each key is its character.
    let per_key = (t.raw().len() - before) as f64 / typed.len() as f64;
    assert!(per_key <= 4.0, "{per_key} bytes per key");
}

#[test]
fn a_mailto_url_and_prefill_flags_open_the_form_filled_in() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let url = emu.graph_url();
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.txt");
    std::fs::write(&body, "Body from a file\nsecond line").unwrap();
    let body_arg = body.display().to_string();
    let mut t = Pty::spawn(
        &[
            "--graph-url",
            &url,
            "--cc",
            "copy@contoso.com",
            "--body-file",
            &body_arg,
            "mailto:ann@contoso.com,bo%40contoso.com?subject=Hello%20from%20mailto&bcc=hidden@contoso.com",
        ],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
    );
    let screen = t.wait_text("Hello from mailto");
    assert!(
        screen.contains("ann@contoso.com,bo@contoso.com"),
        "{screen}"
    );
    assert!(screen.contains("copy@contoso.com") && screen.contains("hidden@contoso.com"));
    assert!(screen.contains("Body from a file") && screen.contains("second line"));
    assert!(
        screen.contains("unsaved changes"),
        "prefilled text is not saved yet"
    );
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let m = &emu.messages()[0];
    assert_eq!(m["subject"], json!("Hello from mailto"));
    assert_eq!(m["toRecipients"].as_array().unwrap().len(), 2);
    assert_eq!(
        m["bccRecipients"][0]["emailAddress"]["address"],
        json!("hidden@contoso.com")
    );
    assert_eq!(m["body"]["content"], json!("Body from a file\nsecond line"));
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);

    // A broken URL stops before the form, with the reason.
    let out = common::graft_command()
        .args(["--graph-url", &url, "mailto:a@b.co?subject=%FF"])
        .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn the_body_round_trips_through_a_scripted_editor() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("editor.sh");
    // Appends a line to whatever the body was, as an editor session would.
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf '\\nadded in the editor ✍' >> \"$1\"\n",
    )
    .unwrap();
    let mut t = with_editor(&emu, &script);
    t.send("ed@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("written in the form");
    t.wait_text("written in the form");
    t.send("\x07"); // Ctrl-G
    t.wait_text("Body updated from the editor.");
    let screen = t.wait_text("added in the editor ✍");
    assert!(screen.contains("written in the form"), "{screen}");
    // The form is live again: typing and saving work.
    t.send("!");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    assert_eq!(
        emu.messages()[0]["body"]["content"],
        json!("written in the form\nadded in the editor ✍!")
    );
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);

    // An editor that fails leaves the body as it was.
    let url = emu.graph_url();
    let mut t = Pty::spawn(
        &["--graph-url", &url],
        &[
            ("GRAFT_ACCESS_TOKEN", DEMO_TOKEN),
            ("EDITOR", "false"),
            ("VISUAL", ""),
        ],
        100,
        30,
    );
    t.wait_text("Ready.");
    t.send("\t\t\t\tkeep me");
    t.wait_text("keep me");
    t.send("\x07");
    let screen = t.wait_text("exited with");
    assert!(
        screen.contains("The body is as it was.") && screen.contains("keep me"),
        "{screen}"
    );
}

#[test]
fn keys_from_the_config_file_replace_the_defaults() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[keys]\nsave = [\"f9\"]\n").unwrap();
    let cfg_arg = cfg.display().to_string();
    let url = emu.graph_url();
    let mut t = Pty::spawn(
        &["--graph-url", &url],
        &[
            ("GRAFT_ACCESS_TOKEN", DEMO_TOKEN),
            ("GRAFT_CONFIG", cfg_arg.as_str()),
        ],
        100,
        30,
    );
    // F9 was spelling's only key: said at start.
    let screen = t.wait_text("[keys] took f9 from spell, which has no key now");
    assert!(
        screen.contains("F9  save"),
        "the footer shows the new key: {screen}"
    );
    t.send("kay@contoso.com");
    t.send(CTRL_S);
    // Once the key after Ctrl-S is on screen, Ctrl-S has been handled: it saved nothing.
    t.send(",");
    t.wait_text("kay@contoso.com,");
    assert!(
        emu.requests()
            .iter()
            .all(|r| !(r.method == "POST" && r.path.ends_with("/messages"))),
        "Ctrl-S is no longer save"
    );
    t.send("\x7f"); // Backspace
    t.send("\x1b[20~"); // F9
    t.wait_text("201 Created");
    assert_eq!(emu.messages().len(), 1);
}

#[test]
fn addresses_from_earlier_saves_complete_in_the_next_session() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let url = emu.graph_url();
    let env = [("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)];
    let mut t = Pty::spawn(&["--graph-url", &url], &env, 100, 30);
    t.wait_text("Ready.");
    t.send("Kim Lee <kim.lee@contoso.com>");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
    let state = t.state.clone();
    drop(t);

    let mut t = Pty::spawn_with_state(&["--graph-url", &url], &env, 100, 30, state);
    t.wait_text("Ready.");
    t.send("ki");
    let screen = t.wait_text("↑↓ Tab");
    assert!(screen.contains("Kim Lee <kim.lee@contoso.com>"), "{screen}");
    t.send(TAB);
    t.wait_for("the completed address", 10, |s| {
        s.contains("To       Kim Lee <kim.lee@contoso.com>,") && !s.contains("↑↓ Tab")
    });
}

#[test]
fn people_from_the_directory_complete_after_a_pause() {
    let mut t = Pty::spawn(&["--demo"], &[], 100, 30);
    t.wait_text("Demo: drafts are saved");
    t.send("meg");
    let screen = t.wait_text("Megan Bowen <megan.bowen@contoso.onmicrosoft.com>");
    assert!(screen.contains("↑↓ Tab"), "{screen}");
    t.send(TAB);
    t.wait_text("To       Megan Bowen <megan.bowen@contoso.onmicrosoft.com>,");
}

#[test]
fn attach_a_file_by_path_with_completion_and_save_it_in_chunks() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data: Vec<u8> = (0..4_200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(dir.path().join("quarterly-report.bin"), &data).unwrap();
    let mut t = open(&emu);
    t.send("alice@contoso.com");
    t.send("\x0f"); // Ctrl-O
    t.wait_text("Attach files");
    t.send(&format!("{}/quar", dir.path().display()));
    t.send(TAB);
    t.wait_text("quarterly-report.bin");
    t.send(ENTER);
    t.wait_text("to upload (chunks)");
    t.send("\x1b"); // Esc closes the dialog
    let screen = t.wait_for("the dialog to close", 10, |s| !s.contains("Attach files"));
    assert!(screen.contains("Attached: quarterly-report.bin 4.2 MB (1 to upload)"));
    t.send(CTRL_S);
    t.wait_text("1 attached (4.2 MB): quarterly-report.bin");
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 1);
    let stored = emu.attachments(msgs[0]["id"].as_str().unwrap());
    assert_eq!(stored.len(), 1);
    assert!(stored[0].2 == data, "the bytes arrived intact");
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
}

#[test]
fn a_bare_name_is_resolved_through_the_people_search_before_saving() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("Miriam Graham");
    t.wait_text("Miriam Graham");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let screen = t.wait_text("Miriam Graham <miriam.graham@contoso.onmicrosoft.com>");
    assert!(screen.contains("To"));
    let msgs = emu.messages();
    assert_eq!(
        msgs[0]["toRecipients"][0]["emailAddress"]["address"],
        json!("miriam.graham@contoso.onmicrosoft.com")
    );
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
}

#[test]
fn works_with_term_xterm_and_screen() {
    for term in ["xterm", "screen", "tmux-256color"] {
        let emu = Emulator::start(EmulatorConfig::default()).unwrap();
        let url = emu.graph_url();
        let mut t = Pty::spawn(
            &["--graph-url", &url],
            &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN), ("TERM", term)],
            80,
            24,
        );
        t.wait_text("Ready.");
        t.send("a@contoso.com");
        t.send(TAB);
        t.send(TAB);
        t.send(TAB);
        t.send("Under ");
        t.send(term);
        t.send(CTRL_S);
        let screen = t.wait_text("201 Created");
        assert!(
            screen.contains(&format!("Subject  Under {term}")),
            "{term}:\n{screen}"
        );
        assert_eq!(emu.messages()[0]["subject"], json!(format!("Under {term}")));
        t.send(CTRL_Q);
        assert_eq!(t.wait_exit(10), 0, "{term}");
    }
}

#[test]
fn history_loads_an_earlier_draft_and_the_next_save_patches_it() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("first@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("First draft");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    // F6, then n: a new blank draft.
    t.send("\x1b[17~");
    t.wait_text("Drafts saved from graft");
    t.send("n");
    t.wait_text("New draft.");
    t.send("second@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Second draft");
    t.send(CTRL_S);
    t.wait_for("the second save", 10, |s| {
        s.contains("201 Created") && s.contains("Second draft")
    });
    assert_eq!(emu.messages().len(), 2);
    // Back to the first one: newest is listed first, so go down one.
    t.send("\x1b[17~");
    t.wait_text("Drafts saved from graft");
    t.send("\x1b[B");
    t.send(ENTER);
    t.wait_text("Loaded “First draft” from Outlook");
    let screen = t.screen();
    assert!(screen.contains("first@contoso.com"), "{screen}");
    assert!(!screen.contains("second@contoso.com"), "{screen}");
    // Edit and save: the first draft is updated, nothing new is created.
    t.send(" (v2)");
    t.wait_text("(v2)");
    t.send(CTRL_S);
    t.wait_text("200 OK");
    let msgs = emu.messages();
    assert_eq!(msgs.len(), 2);
    let first = msgs
        .iter()
        .find(|m| m["toRecipients"][0]["emailAddress"]["address"] == "first@contoso.com")
        .unwrap();
    assert_eq!(
        first["subject"],
        json!("First draft"),
        "the body was edited, not the subject"
    );
    let patches: Vec<_> = emu
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1);
    assert!(
        patches[0].path.starts_with("/v1.0/me/messages/"),
        "{:?}",
        patches[0]
    );
    assert_eq!(first["body"]["content"], json!(" (v2)"));
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
    // The history the form kept is what `graft drafts --remote` reads (the
    // first draft, saved last, comes first).
    let out = common::graft_command()
        .args([
            "drafts",
            "--remote",
            "--json",
            "--graph-url",
            &emu.graph_url(),
        ])
        .env("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)
        .env("GRAFT_STATE_DIR", t.state_dir())
        .env("GRAFT_CONFIG", t.state_dir().join("config.toml"))
        .output()
        .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let subjects: Vec<_> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].clone())
        .collect();
    assert_eq!(subjects, [json!("First draft"), json!("Second draft")]);
}

/// Ctrl-Z suspends graft to a job-control shell (the text is in the journal
/// first); `fg` brings the form back, redrawn, with the text as it was.
#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_brings_the_form_back() {
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut t = common::pty::Pty::spawn_program(
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[("PS1", "shell$ ")],
        100,
        30,
        state.clone(),
    );
    t.wait_text("shell$");
    t.send(&format!("{} --demo\r", env!("CARGO_BIN_EXE_graft")));
    t.wait_text("DEMO");
    t.send("kept@contoso.com");
    t.wait_text("kept@contoso.com");
    t.send("\x1a");
    let screen = t.wait_text("Stopped");
    assert!(
        !screen.contains("DEMO"),
        "the shell has the terminal:\n{screen}"
    );
    let journal = state.path().join("journal-demo");
    let kept = std::fs::read_dir(&journal)
        .unwrap()
        .filter_map(Result::ok)
        .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|s| s.contains("kept@contoso.com")));
    assert!(kept, "the text is in the journal while graft is stopped");
    t.send("fg\r");
    let screen = t.wait_text("DEMO");
    assert!(screen.contains("kept@contoso.com"), "{screen}");
    t.send("!");
    t.wait_text("kept@contoso.com!");
}

/// The demo keeps its journal apart and says so: a draft saved in one demo
/// run and left unsaved is recovered in the next and saved anew (the demo's
/// mailbox starts empty), never reported as sent or deleted elsewhere. The
/// config file's keys apply to the demo too.
#[test]
fn the_demo_recovers_its_own_drafts_and_honours_the_config() {
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    std::fs::write(
        state.path().join("config.toml"),
        "[keys]\nsave = [\"f9\"]\n",
    )
    .unwrap();
    let mut t = Pty::spawn_with_state(&["--demo"], &[], 100, 30, state.clone());
    t.wait_text("DEMO");
    t.send("first@contoso.com");
    t.send("\x1b[20~"); // F9, the configured save key
    t.wait_text("201 Created");
    t.send(", second@contoso.com");
    t.wait_text("unsaved changes");
    t.send(CTRL_Q);
    t.wait_text("Quit?");
    t.send("y");
    assert_eq!(t.wait_exit(10), 0);

    let mut t = Pty::spawn_with_state(&["--demo"], &[], 100, 30, state);
    t.wait_text("blank draft (keeps these)");
    t.send(ENTER);
    t.wait_text("first@contoso.com, second@contoso.com");
    t.send("\x1b[20~");
    let screen = t.wait_text("201 Created");
    assert!(
        !screen.contains("elsewhere") && !screen.contains("gone"),
        "{screen}"
    );
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
}

/// The forgotten-attachment check in the real form: warned, then saved
/// anyway with Ctrl-S again.
#[test]
fn a_forgotten_attachment_is_warned_then_saved_anyway() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("dana@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Q3");
    t.send(TAB);
    t.send("Numbers attached.");
    t.send(CTRL_S);
    t.wait_text("nothing is attached");
    assert!(emu.messages().is_empty(), "held");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    assert_eq!(emu.messages().len(), 1);
}

/// Spelling in the real form, against the small dictionary the tests ship:
/// misspelled words in the Subject and Body are underlined once typing
/// pauses, F9 offers suggestions and Enter replaces the word (the saved
/// draft has the right one), `a` adds a word to the personal list (kept
/// in the config folder, and no longer underlined); addresses, URLs and
/// CAPS are never underlined.
#[test]
fn a_misspelled_word_is_underlined_then_replaced_or_learnt() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = state_with_test_dictionary();
    // A cache of its own: the dictionary's word list is made for this run.
    let cache = state.path().join("cache");
    let mut t = Pty::spawn_with_state(
        &["--graph-url", &emu.graph_url()],
        &[
            ("GRAFT_ACCESS_TOKEN", DEMO_TOKEN),
            ("XDG_CACHE_HOME", cache.to_str().unwrap()),
        ],
        100,
        30,
        state.clone(),
    );
    t.wait_text("Ready.");
    t.send("dana@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Quarter reprot");
    t.send(TAB);
    t.send("Hello Dana, the budegt is below. See https://contoso.com/wrng or ASAP, Graftly.");
    t.wait_for("the words underlined", 10, |_| {
        t.underlined() == ["reprot", "budegt", "Graftly"]
    });
    // Checked against the dictionary's word list, made once in the cache.
    let lists: Vec<String> = std::fs::read_dir(cache.join("graft/spell"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        lists.len() == 1 && lists[0].starts_with("en_TEST-") && lists[0].ends_with(".words"),
        "{lists:?}"
    );
    // F9 in the body: the word at the cursor or the next one — from the
    // end of the body, around to the first.
    t.send("\x1b[20~");
    let screen = t.wait_for("the suggestions", 10, |s| {
        s.contains("“budegt” is not in en_TEST") && s.contains("add to word list")
    });
    assert!(screen.contains("budget"), "{screen}");
    t.send(ENTER);
    t.wait_text("the budget is below");
    t.wait_for("only the others underlined", 10, |_| {
        t.underlined() == ["reprot", "Graftly"]
    });
    // The next one: learnt into the personal word list.
    t.send("\x1b[20~");
    t.wait_text("“Graftly” is not in");
    t.send("a");
    t.wait_text("Added “Graftly” to your word list.");
    assert_eq!(
        std::fs::read_to_string(state.path().join("words.txt")).unwrap(),
        "Graftly\n"
    );
    t.wait_for("the learnt word no longer underlined", 10, |_| {
        t.underlined() == ["reprot"]
    });
    // In the subject.
    t.send(SHIFT_TAB);
    t.send("\x1b[20~");
    t.wait_text("“reprot” is not in");
    t.send(ENTER);
    t.wait_text("Quarter report");
    t.wait_for("nothing underlined", 10, |_| t.underlined().is_empty());
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let m = &emu.messages()[0];
    assert_eq!(m["subject"], "Quarter report");
    let body = m["body"]["content"].as_str().unwrap();
    assert!(body.contains("the budget is below"), "{body}");
}

/// A picture in a Markdown body, in the real form: saved as an inline
/// attachment byte for byte (the body frame names it apart from files),
/// not sent again by a later save, and still inline after the draft is
/// loaded back from Outlook (F6) and saved again.
#[test]
fn a_picture_in_the_body_arrives_inline_and_stays_inline_after_reloading() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    let bytes: Vec<u8> = common::as_png((0..20_000u32).map(|i| (i * 7 % 251) as u8).collect());
    std::fs::write(&logo, &bytes).unwrap();
    let mut t = open(&emu);
    t.send("dana@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Logo");
    t.send(TAB);
    t.send("\x14"); // Ctrl-T: Markdown
    t.wait_text("Markdown");
    t.send(&format!("Our logo: ![logo]({})", logo.display()));
    // Listed with its size once typing pauses, before anything is sent.
    t.wait_text("picture logo.png 20 KB (1 to upload)");
    assert!(emu.messages().is_empty());
    t.send(CTRL_S);
    t.wait_text("201 Created");
    t.wait_text("picture logo.png 20 KB");
    let id = emu.messages()[0]["id"].as_str().unwrap().to_string();
    let check = |emu: &Emulator| {
        let listed = emu.attachment_list(&id);
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0]["isInline"], true);
        let cid = listed[0]["contentId"].as_str().unwrap().to_string();
        let html = emu.message(&id).unwrap()["body"]["content"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(html.contains(&format!("cid:{cid}")), "{html}");
        assert!(emu.attachments(&id)[0].2 == bytes, "byte for byte");
    };
    check(&emu);
    t.send(" Thanks.");
    t.send(CTRL_S);
    t.wait_text("200 OK");
    check(&emu);
    assert!(
        !emu.requests()
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with("/attachments")),
        "the picture went once, inside the create"
    );
    // Back from Outlook, edited and saved again: still the one inline picture.
    t.send("\x1b[17~");
    t.wait_text("Drafts saved from graft");
    t.send(ENTER);
    t.wait_text("Loaded “Logo” from Outlook");
    t.send(" Again.");
    t.send(CTRL_S);
    t.wait_for("the save after loading", 10, |s| {
        s.contains("200 OK") && s.contains("Again.")
    });
    check(&emu);
    assert_eq!(emu.messages().len(), 1);
}

/// An HTML signature with a logo, in the real form: named at the body's
/// foot (not in the text typed), saved below the body with the logo as an
/// inline picture byte for byte (its relative path is beside the
/// signature file), untouched by a format change, and Alt-S drops it
/// (and its logo) at the next save.
#[test]
fn an_html_signature_with_a_logo_goes_below_the_body() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let sigdir = state.path().join("sig");
    std::fs::create_dir(&sigdir).unwrap();
    let logo: Vec<u8> = common::as_png((0..3_000u32).map(|i| (i * 13 % 256) as u8).collect());
    std::fs::write(sigdir.join("logo.png"), &logo).unwrap();
    std::fs::write(
        sigdir.join("signature.html"),
        "<p><b>Dana Park</b><br>Contoso</p><img src=\"logo.png\" alt=\"Contoso\">\n",
    )
    .unwrap();
    std::fs::write(
        state.path().join("config.toml"),
        format!(
            "[profiles.default]\nsignature_file = \"{}\"\n",
            sigdir.join("signature.html").display()
        ),
    )
    .unwrap();
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    t.wait_text("┄ signature: Dana Park · Contoso");
    t.send("dana@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Signed");
    t.send(TAB);
    t.send("Plain *text* first.");
    // Markdown, HTML, and back to plain text: the signature is not touched.
    t.send("\x14");
    t.send("\x14");
    t.send("\x14");
    t.wait_text("plain text");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let m = emu.messages()[0].clone();
    let id = m["id"].as_str().unwrap().to_string();
    let html = m["body"]["content"].as_str().unwrap();
    assert_eq!(
        m["body"]["contentType"], "html",
        "an HTML signature makes it HTML"
    );
    let typed = html.find("Plain *text* first.").expect(html);
    let sig = html
        .find("<div id=\"Signature\"><p><b>Dana Park</b><br>Contoso</p>")
        .expect(html);
    assert!(typed < sig, "{html}");
    let listed = emu.attachment_list(&id);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["isInline"], true);
    let cid = listed[0]["contentId"].as_str().unwrap();
    assert!(
        html.contains(&format!("<img src=\"cid:{cid}\" alt=\"Contoso\">")),
        "{html}"
    );
    assert!(emu.attachments(&id)[0].2 == logo, "the logo byte for byte");
    // Alt-S drops it: the next save has neither the signature nor its logo.
    t.send("\x1bs");
    t.wait_text("Signature dropped from this draft.");
    t.send(CTRL_S);
    t.wait_text("200 OK");
    let m = emu.message(&id).unwrap();
    let html = m["body"]["content"].as_str().unwrap();
    assert!(!html.contains("Dana Park"), "{html}");
    assert!(emu.attachment_list(&id).is_empty(), "the logo went with it");
}

/// Templates in the real form: `graft --template NAME --var k=v` opens
/// the form filled in; Alt-T lists the templates, asks for each variable
/// the chosen one needs (here the recipient comes from the form's To),
/// fills the empty fields and the body, and the draft saves as filled.
#[test]
fn a_template_with_variables_fills_the_form() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let dir = state.path().join("templates");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("invite.md"),
        "To: {{name}} <{{email}}>\nSubject: {{event}} for {{first_name}}\n\nDear {{first_name}},\n\nJoin us for **{{event}}**.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("thanks.txt"),
        "Subject: Thanks, {{first_name}}\n\nThank you for {{what}}, {{first_name}}.\n\n{{closing|Best}}\n",
    )
    .unwrap();
    let t = open_in(
        &emu,
        &state,
        &[
            "--template",
            "invite",
            "--var",
            "name=Dana Park",
            "--var",
            "email=dana@contoso.com",
            "--var",
            "event=the launch",
        ],
    );
    let screen = t.wait_for("the form filled in", 10, |s| {
        s.contains("Ready.") && s.contains("Join us for **the launch**.")
    });
    assert!(screen.contains("Dana Park <dana@contoso.com>"), "{screen}");
    assert!(screen.contains("the launch for Dana"), "{screen}");
    assert!(screen.contains("Join us for **the launch**."), "{screen}");
    assert!(screen.contains("Markdown"), "{screen}");
    drop(t);

    let mut t = open_in(&emu, &state, &[]);
    // The filled-in form of the first start was journaled: kept for later.
    t.wait_text("blank draft (keeps these)");
    t.send("\x1b");
    t.wait_for("the blank form", 10, |s| !s.contains("Recover a draft"));
    t.send("Lee Chen <lee.chen@contoso.com>");
    t.send("\x1bt"); // Alt-T
    let screen = t.wait_for("the templates listed", 10, |s| {
        s.contains("Templates") && s.contains("thanks")
    });
    assert!(screen.contains("invite"), "{screen}");
    assert!(screen.contains("asks what"), "{screen}");
    t.send("\x1b[B"); // down to "thanks"
    t.send(ENTER);
    // How many are asked, and a fallback offered: Enter keeps it.
    t.wait_text("needs a value for {{what}} (1 of 2)");
    t.wait_text("1 more after this");
    t.send("the review");
    t.send(ENTER);
    t.wait_text("needs a value for {{closing}} (2 of 2)");
    t.wait_text("Enter keeps “Best”");
    t.send(ENTER);
    t.wait_text("Started from the template “thanks”.");
    let screen = t.screen();
    assert!(screen.contains("Thanks, Lee"), "{screen}");
    assert!(
        screen.contains("Thank you for the review, Lee."),
        "{screen}"
    );
    assert!(screen.contains("┃Best"), "{screen}");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let m = &emu.messages()[0];
    assert_eq!(m["subject"], "Thanks, Lee");
    assert_eq!(
        m["toRecipients"][0]["emailAddress"]["address"],
        "lee.chen@contoso.com"
    );
    assert_eq!(
        m["body"]["content"],
        "Thank you for the review, Lee.\n\nBest"
    );
}

/// Another program writes over the screen (as `wall` or a background job
/// does, straight to the terminal, with its own colour and cursor place):
/// graft does not know, so the text stays. Ctrl-L clears the terminal and
/// draws everything again; the screen is then what graft shows.
#[test]
fn ctrl_l_repaints_what_another_program_wrote_over() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut pty = open(&emu);
    pty.send(&TAB.repeat(4));
    pty.wait_text("┏ Body");
    pty.send("Hello from graft");
    pty.wait_text("Hello from graft");
    let pid = pty.pid().expect("graft's pid");
    let tty = std::fs::read_link(format!("/proc/{pid}/fd/0")).expect("graft's terminal");
    let mut other = std::fs::OpenOptions::new()
        .write(true)
        .open(&tty)
        .expect("the terminal, as another program opens it");
    use std::io::Write;
    other
        .write_all(b"\x1b[12;5H\x1b[31mBroadcast message from root: NOISE\x1b[H")
        .unwrap();
    pty.wait_text("NOISE");
    pty.send("\x0c");
    let screen = pty.wait_for("the noise gone", 5, |s| !s.contains("NOISE"));
    assert!(screen.contains("Hello from graft"), "{screen}");
    assert!(!screen.contains("Broadcast"), "{screen}");
    // Typing goes on where it was.
    pty.send("!");
    pty.wait_text("Hello from graft!");
}

/// Esc and the next key quickly (one write, as a fast typist over ssh
/// sends them) arrive as Alt+key. In F6's list, whose `n` starts a new
/// draft, Esc then "nning" closes the list and types "nning" where the
/// user was: the draft is neither replaced nor left with a list open.
#[test]
fn esc_then_a_key_in_one_write_closes_the_dialog_and_types_the_key() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send("first@contoso.com");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    t.send(TAB.repeat(3).as_str());
    t.send("Pla");
    t.send("\x1b[17~");
    t.wait_text("Drafts saved from graft");
    t.send("\x1bnning");
    let screen = t.wait_text("Planning");
    assert!(!screen.contains("Drafts saved from graft"), "{screen}");
    assert!(!screen.contains("New draft."), "{screen}");
    assert!(screen.contains("first@contoso.com"), "{screen}");
}

/// Readline keys as a terminal sends them: Ctrl-U (0x15) deletes to the
/// start of the line, Ctrl-_ (0x1F) undoes, Ctrl-J (0x0A) is a newline.
#[test]
fn readline_keys_as_the_terminal_sends_them() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    t.send(TAB.repeat(4).as_str());
    t.wait_text("┏ Body");
    t.send("Kind regards");
    t.wait_text("Kind regards");
    t.send("\x15");
    t.wait_for("the line deleted", 5, |s| !s.contains("Kind regards"));
    t.send("\x1f");
    t.wait_text("Kind regards");
    t.send("\nDana");
    let screen = t.wait_text("Dana");
    let lines: Vec<&str> = screen.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("Kind regards"))
        .unwrap();
    assert!(lines[at + 1].contains("Dana"), "{screen}");
}

/// Untouched drafts are not drafts: `x` then Backspace leaves nothing to
/// ask about or keep (Ctrl-Q quits at once, no journal, no offer next
/// time); a draft with text asks, and `d` discards it, saying so, with no
/// local copy left to offer.
#[test]
fn an_untouched_draft_is_not_kept_and_d_discards_a_written_one() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    t.send("x");
    t.wait_text("unsaved");
    t.send("\x7f");
    t.wait_for("clean again", 5, |s| !s.contains("unsaved"));
    t.send(CTRL_Q);
    assert_eq!(t.wait_exit(10), 0);
    assert!(t.journal_files().is_empty(), "an empty draft was kept");

    let mut t = open_in(&emu, &state, &[]);
    let screen = t.wait_text("Ready.");
    assert!(!screen.contains("earlier draft"), "{screen}");
    t.send("dana@contoso.com");
    t.send(CTRL_Q);
    t.wait_text("discard the text");
    t.send("d");
    assert_eq!(t.wait_exit(10), 0);
    assert!(t.journal_files().is_empty(), "a discarded draft was kept");
    assert!(
        String::from_utf8_lossy(&t.raw()).contains("discarded"),
        "graft says the text was discarded"
    );
    let t = open_in(&emu, &state, &[]);
    let screen = t.wait_text("Ready.");
    assert!(!screen.contains("dana@contoso.com"), "{screen}");
    assert_eq!(emu.messages().len(), 0);
}

/// The terminal's cursor is where the user is: in a list dialog, at the
/// start of the selected row (a screen reader or braille display follows
/// the cursor), and it moves with the selection.
#[test]
fn the_cursor_sits_on_the_selected_row_of_a_list() {
    let me = EmulatorConfig::default().user_principal_name;
    let emu = Emulator::start(EmulatorConfig {
        inbox: graft_emulator::seeded_inbox(&me),
        ..EmulatorConfig::default()
    })
    .unwrap();
    let mut t = open(&emu);
    for to in ["first@contoso.com", "second@contoso.com"] {
        t.send(to);
        t.send(CTRL_S);
        t.wait_for("saved", 10, |s| s.contains("201 Created") && s.contains(to));
        t.send("\x1b[17~");
        t.wait_text("Drafts saved from graft");
        t.send("n");
        t.wait_text("New draft.");
    }
    t.send("\x1b[17~");
    let screen = t.wait_text("Drafts saved from graft");
    // The list's mark (the form's focused field has one too, outside the box).
    let row_of_mark = |screen: &str| screen.lines().position(|l| l.contains("│▸")).unwrap() as u16;
    let (row, col) = t.cursor();
    assert_eq!(row, row_of_mark(&screen), "{screen}");
    assert!(
        screen
            .lines()
            .nth(row as usize)
            .unwrap()
            .chars()
            .nth(col as usize)
            == Some('▸')
    );
    t.send("\x1b[B");
    t.wait_for("the cursor on the newly selected row", 5, |s| {
        row_of_mark(s) != row && t.cursor().0 == row_of_mark(s)
    });
    t.send("\x1b");
    t.wait_for("F6 closed", 5, |s| !s.contains("Drafts saved from graft"));
    // F8's list too.
    t.send("\x1b[19~");
    t.wait_for("the cursor on F8's selected message", 10, |s| {
        s.contains("Answer a message") && s.contains("│▸") && t.cursor().0 == row_of_mark(s)
    });
}

/// The recovery offer's list: the cursor on the selected draft.
#[test]
fn the_cursor_sits_on_the_recovery_offers_selected_draft() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    t.send("kept@contoso.com");
    t.wait_for("the journal", 10, |_| !t.journal_files().is_empty());
    t.kill9();
    let t = open_in(&emu, &state, &[]);
    t.wait_for("the cursor on the offered draft", 10, |s| {
        s.contains("Drafts from an earlier session")
            && s.lines().position(|l| l.contains("│▸")).map(|r| r as u16) == Some(t.cursor().0)
    });
}

/// The plain screen (`--plain`, `plain = true`, TERM=dumb): no box drawing
/// anywhere (U+2500–U+257F), with dialogs open too, and states in words,
/// at 80x24 and 40x12.
#[test]
fn the_plain_screen_has_no_box_drawing_and_says_states_in_words() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let boxes = |s: &str| s.chars().any(|c| ('\u{2500}'..='\u{257F}').contains(&c));
    let url = emu.graph_url();
    for (args, env, cols, rows) in [
        (vec!["--plain"], vec![], 80, 24),
        (vec![], vec![("TERM", "dumb")], 40, 12),
    ] {
        let mut all = vec!["--graph-url", url.as_str()];
        all.extend(args);
        let mut vars = vec![("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)];
        vars.extend(env);
        let mut t = Pty::spawn(&all, &vars, cols, rows);
        let screen = t.wait_text("Ready");
        assert!(!boxes(&screen), "{screen}");
        t.send("dana@contoso.com");
        let screen = t.wait_text("unsaved changes");
        assert!(!boxes(&screen) && !screen.contains('●'), "{screen}");
        t.send(CTRL_S);
        let screen = t.wait_text("saved: 201");
        assert!(!boxes(&screen) && !screen.contains('✓'), "{screen}");
        for (key, title) in [("\x1bOP", "Help"), ("\x1b[17~", "Drafts saved")] {
            t.send(key);
            let screen = t.wait_text(title);
            assert!(!boxes(&screen), "{screen}");
            t.send("\x1b");
            t.wait_for("closed", 5, |s| !s.contains(title));
        }
        t.send("x");
        t.send(CTRL_Q);
        let screen = t.wait_text("Quit?");
        assert!(!boxes(&screen), "{screen}");
        t.send("d");
        t.wait_exit(10);
    }
    // A normal screen draws its boxes.
    let t = open(&emu);
    assert!(boxes(&t.screen()));
}

/// Text as an input method commits it (pre-composed CJK, an emoji with
/// joiners, combining marks, Hebrew) typed into the To name, Subject and
/// Body, at 80x24 and 40x12: shown whole, Backspace takes one grapheme,
/// and the server gets exactly what was typed.
#[test]
fn cjk_emoji_combining_and_rtl_text_round_trips_at_any_size() {
    for (cols, rows) in [(80u16, 24u16), (40, 12)] {
        let emu = Emulator::start(EmulatorConfig::default()).unwrap();
        let url = emu.graph_url();
        let mut t = Pty::spawn(
            &["--graph-url", &url],
            &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
            cols,
            rows,
        );
        t.wait_text("Ready");
        t.send("\"山田太郎\" <taro@contoso.com>");
        t.send(TAB);
        t.send(TAB);
        t.send(TAB);
        t.send("会議の件 👩‍👩‍👧 café");
        // Backspace takes a whole grapheme: the family emoji, the accented e.
        t.send("👩‍👩‍👧\x7f");
        t.send(TAB);
        t.send("こんにちは、世界\rשלום עולם\re\u{301}te\u{301}");
        t.send("e\u{301}\x7f");
        t.wait_text("会議の件");
        t.send(CTRL_S);
        t.wait_text("201");
        let m = &emu.messages()[0];
        assert_eq!(m["subject"], json!("会議の件 👩‍👩‍👧 café"));
        assert_eq!(
            m["toRecipients"][0]["emailAddress"]["name"],
            json!("山田太郎")
        );
        assert_eq!(
            m["body"]["content"],
            json!("こんにちは、世界\nשלום עולם\ne\u{301}te\u{301}")
        );
        // The line with the cursor is shown composed (at 40x12 the body has
        // one row; at 80x24 all three).
        let screen = t.screen();
        assert!(
            screen.contains("e\u{301}te\u{301}") || screen.contains("été"),
            "{screen}"
        );
        assert!(
            rows < 24 || screen.contains("こんにちは、世界"),
            "{cols}x{rows}\n{screen}"
        );
    }
}

/// An input method's text in the dialogs' inputs: a path with a Japanese
/// name (typed, a cluster erased and typed again) attaches that file, and
/// the F8 search box sends what was typed to Graph.
#[test]
fn cjk_text_in_the_attach_path_and_the_search_box() {
    let me = EmulatorConfig::default().user_principal_name;
    let mail = |subject: &str, thread: &str| graft_emulator::Received {
        from: ("田中".into(), "tanaka@contoso.com".into()),
        to: vec![("Adele".into(), me.clone())],
        cc: vec![],
        reply_to: vec![],
        subject: subject.into(),
        html: false,
        body: "本文".into(),
        received: "2026-11-30T09:00:00Z".into(),
        thread: thread.into(),
        attachments: vec![],
    };
    let emu = Emulator::start(EmulatorConfig {
        inbox: vec![mail("会議の議題", "a"), mail("Lunch", "b")],
        ..EmulatorConfig::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("報告書.txt"), b"hello").unwrap();
    let mut t = open(&emu);
    t.send("alice@contoso.com");
    t.send("\x0f");
    t.wait_text("Attach files");
    t.send(&format!("{}/報告書.txt👩‍👧\x7f", dir.path().display()));
    t.send(ENTER);
    t.wait_text("報告書.txt");
    t.send("\x1b");
    t.wait_for("the dialog to close", 10, |s| !s.contains("Attach files"));
    t.send(CTRL_S);
    t.wait_text("1 attached (5 B): 報告書.txt");
    let draft = emu
        .messages()
        .into_iter()
        .find(|m| m["isDraft"] == json!(true))
        .unwrap();
    let stored = emu.attachment_list(draft["id"].as_str().unwrap());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["name"], json!("報告書.txt"));

    t.send("\x1b[19~"); // F8
    t.wait_text("Answer a message");
    t.wait_text("Lunch");
    t.send("会議");
    // Graph was asked for the typed words: only the matching mail is left.
    let screen = t.wait_for("the search's answer", 10, |s| {
        s.contains("会議の議題") && !s.contains("Lunch")
    });
    assert!(screen.contains("Search 会議"), "{screen}");
}

/// A template's variable typed through an input method (CJK, a cluster
/// erased) fills the draft exactly.
#[test]
fn a_template_variable_typed_in_cjk_fills_the_draft() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let dir = state.path().join("templates");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("thanks.txt"),
        "Subject: {{what}}\n\n{{what}}をありがとう。\n",
    )
    .unwrap();
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    t.send("lee@contoso.com");
    t.send("\x1bt");
    t.wait_text("Templates");
    t.send(ENTER);
    t.wait_text("needs a value for {{what}}");
    t.send("資料のレビューe\u{301}\x7f");
    t.send(ENTER);
    t.wait_text("Started from the template");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let m = &emu.messages()[0];
    assert_eq!(m["subject"], "資料のレビュー");
    assert_eq!(m["body"]["content"], "資料のレビューをありがとう。");
}

/// The cursor on the selected row in the spelling suggestions and the
/// templates list too, following the selection.
#[test]
fn the_cursor_sits_on_the_selected_suggestion_and_template() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = state_with_test_dictionary();
    let dir = state.path().join("templates");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a-first.txt"), "Subject: One\n\nOne.\n").unwrap();
    std::fs::write(dir.join("b-second.txt"), "Subject: Two\n\nTwo.\n").unwrap();
    let row_of_mark = |s: &str| s.lines().position(|l| l.contains("│▸")).map(|r| r as u16);
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    t.send(TAB.repeat(4).as_str());
    t.send("the budegt");
    t.wait_for("underlined", 10, |_| t.underlined() == ["budegt"]);
    t.send("\x1b[20~");
    t.wait_for("the cursor on the first suggestion", 10, |s| {
        s.contains("is not in en_TEST") && row_of_mark(s) == Some(t.cursor().0)
    });
    t.send("\x1b");
    t.wait_for("closed", 5, |s| !s.contains("is not in en_TEST"));
    t.send("\x1bt");
    let first = t.wait_for("the cursor on the first template", 10, |s| {
        s.contains("Templates") && row_of_mark(s) == Some(t.cursor().0)
    });
    t.send("\x1b[B");
    t.wait_for("the cursor on the second template", 10, |s| {
        row_of_mark(s) != row_of_mark(&first) && row_of_mark(s) == Some(t.cursor().0)
    });
}

/// A dialog without a field or a list (help, the quit question) puts the
/// cursor at the start of its text, where a screen reader begins reading.
#[test]
fn the_cursor_starts_a_dialogs_text() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let mut t = open(&emu);
    // (row, column) of the first cell inside the box titled `title`.
    let text_start = |s: &str, title: &str| {
        let top = s.lines().position(|l| l.contains(title))?;
        let line = s.lines().nth(top)?;
        let at = line.find('┌')?;
        Some(((top + 1) as u16, line[..at].chars().count() as u16 + 1))
    };
    t.send("\x1bOP");
    t.wait_for("the cursor at the help's text", 10, |s| {
        text_start(s, " Help ") == Some(t.cursor())
    });
    t.send("\x1b");
    t.wait_for("help closed", 5, |s| !s.contains(" Help "));
    t.send("dana@contoso.com");
    t.send(CTRL_Q);
    t.wait_for("the cursor at the question", 10, |s| {
        text_start(s, " Quit? ") == Some(t.cursor())
    });
}

/// On a plain screen a misspelled word is said, not only underlined.
#[test]
fn the_plain_screen_says_misspelled_words() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = state_with_test_dictionary();
    let mut t = open_in(&emu, &state, &["--plain"]);
    t.wait_text("Ready.");
    t.send(TAB.repeat(4).as_str());
    t.send("the budegt is reprot");
    t.wait_text("misspelled: budegt, reprot (F9)");
}

/// `$EDITOR` gets a file named for the body's format (`.md` for Markdown,
/// so its highlighting follows), and the newline an editor adds at the end
/// of the file does not become a new empty line in the body.
#[test]
fn the_editor_file_is_named_by_format_and_its_final_newline_dropped() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let names = dir.path().join("names");
    let script = dir.path().join("editor.sh");
    // Rewrites the file as vim would (a final newline) and notes its name.
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho \"$1\" >> {}\nprintf '# Plan\\n\\n- one\\n' > \"$1\"\n",
            names.display()
        ),
    )
    .unwrap();
    let mut t = with_editor(&emu, &script);
    t.send("ed@contoso.com");
    t.send(TAB.repeat(4).as_str());
    t.send("\x14"); // Ctrl-T: Markdown
    t.wait_text("Markdown");
    t.send("\x07"); // Ctrl-G
    t.wait_text("Body updated from the editor.");
    let name = std::fs::read_to_string(&names).unwrap();
    assert!(name.trim_end().ends_with(".md"), "{name}");
    let screen = t.wait_text("- one");
    assert!(screen.contains("3 lines"), "no empty fourth line: {screen}");
}

/// F6 reads the history again as it opens: a draft `graft draft` saved
/// while this graft was running is in the list.
#[test]
fn f6_lists_drafts_saved_since_graft_started() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    let o = common::graft_cli(
        &emu.graph_url(),
        state.path(),
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--subject",
            "Made from the shell",
            "--body",
            "x",
        ],
    );
    assert!(o.status.success(), "{o:?}");
    t.send("\x1b[17~"); // F6
    t.wait_for("the new draft listed", 10, |s| {
        s.contains("Drafts saved from graft") && s.contains("Made from the shell")
    });
}

/// A server that takes requests and never answers: the save shows each
/// request as it goes and each timeout with its time, under "saving…", and
/// Esc stops it, saying where the text is.
#[test]
fn a_save_that_gets_no_answer_shows_each_step_and_esc_stops_it() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    for _ in 0..12 {
        emu.inject(Fault::action(FaultAction::Delay(Duration::from_secs(60))).at("/messages"));
    }
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut t = open_in(&emu, &state, &["--timeout", "3"]);
    t.wait_text("Ready.");
    t.send("dana@contoso.com");
    t.send(CTRL_S);
    // The first create times out: the form's own retry says so.
    t.wait_text("no answer in time");
    // The next try (now): "saving…" says which attempt it is and what the
    // earlier ones met, each with its time.
    t.send(CTRL_S);
    let screen = t.wait_for("the earlier tries, with their times", 20, |s| {
        s.contains("saving…") && s.contains("(attempt ") && s.contains("stops this save")
    });
    assert!(
        screen.contains(" POST /me/messages: timed out after 3 s"),
        "{screen}"
    );
    // Esc stops it and says where the text is.
    t.send("\x1b");
    t.wait_text("Save stopped; your text is in the local journal");
    let screen = t.screen();
    assert!(!screen.contains("saving…"), "{screen}");
    assert!(screen.contains("looks for it first"), "{screen}");
}

/// Alt-G lists the mailbox's folders as Outlook names them; the one chosen
/// is in the header and the draft is created there.
#[test]
fn the_form_chooses_the_folder_from_the_mailboxs_folders() {
    let emu = Emulator::start(EmulatorConfig {
        folders: vec!["Projects".into(), "Inbox/Clients".into()],
        ..Default::default()
    })
    .unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    t.send("\x1bg"); // Alt-G
    t.wait_for("the folders", 10, |s| {
        s.contains(" Folder ") && s.contains("Inbox/Clients") && s.contains("Projects")
    });
    // Down to Inbox/Clients.
    for _ in 0..20 {
        if t.screen()
            .lines()
            .any(|l| l.contains("▸ ") && l.contains("Inbox/Clients"))
        {
            break;
        }
        let before = t.screen();
        t.send("\x1b[B");
        t.wait_for("the selection moved", 5, |s| s != before);
    }
    t.send(ENTER);
    t.wait_text("This draft and new ones go to Inbox/Clients.");
    assert!(
        t.screen()
            .lines()
            .next()
            .unwrap()
            .contains("me · Inbox/Clients")
    );
    t.send("dana@contoso.com");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    let m = &emu.messages()[0];
    assert_eq!(
        m["parentFolderId"],
        json!(emu.folder_id("user:Inbox/Clients"))
    );
}

/// MailTips when recipients are added: one request for those typed before
/// the pause; who is away (with the message), who is outside, a group's
/// size, said in the status pane; the checks count a group's members.
#[test]
fn recipients_added_are_told_as_the_tenant_knows_them() {
    let emu = Emulator::start(EmulatorConfig {
        recipient_tips: vec![
            graft_emulator::RecipientTip {
                address: "megan.bowen@contoso.onmicrosoft.com".into(),
                away: Some("<p>Back on Monday.</p>".into()),
                ..Default::default()
            },
            graft_emulator::RecipientTip {
                address: "everyone@contoso.com".into(),
                members: Some((120, 3)),
                ..Default::default()
            },
        ],
        ..Default::default()
    })
    .unwrap();
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    std::fs::write(
        state.path().join("config.toml"),
        "[checks]\nmax_recipients = 25\n",
    )
    .unwrap();
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    // The address being typed is not asked about until it is ended (a
    // comma, or Tab out of the field).
    t.send("megan.bowen@contoso.onmicrosoft.com, lee@fab");
    let away = t.wait_for("megan's tip", 10, |s| s.contains("is away"));
    // Wrapped rows joined, spaces aside.
    let text = unwrapped(&away).replace(' ', "");
    assert!(text.contains("isaway:“BackonMonday.”"), "{text}");
    assert!(
        !text.contains("lee@fabisoutside"),
        "not asked about yet: {text}"
    );
    t.send("rikam.com");
    t.send(TAB);
    let screen = t.wait_for("lee's tip", 10, |s| {
        unwrapped(s)
            .replace(' ', "")
            .contains("lee@fabrikam.comisoutside")
    });
    let text = unwrapped(&screen).replace(' ', "");
    assert!(
        text.contains("lee@fabrikam.comisoutsideyourorganisation"),
        "{text}"
    );
    let asked = emu
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/getMailTips"))
        .count();
    // In Cc now: a group, ended by Tab.
    t.send("everyone@contoso.com");
    t.send(TAB);
    t.wait_for("the group's size", 10, |s| {
        unwrapped(s)
            .replace(' ', "")
            .contains("everyone@contoso.comisagroupof120(3outsideyourorganisation)")
    });
    assert_eq!(
        emu.requests()
            .iter()
            .filter(|r| r.path.ends_with("/getMailTips"))
            .count(),
        asked + 1,
        "one request for the one added"
    );
    // The checks count the group's members.
    t.send(CTRL_S);
    t.wait_text("it goes to 122 recipients (more than 25)");
    assert!(emu.messages().is_empty());
}

/// Esc stops a save whose create reached Outlook but whose answer has not
/// come back: the next save finds that draft by its key and updates it,
/// so there is one draft, with the text as it is now.
#[test]
fn a_save_stopped_after_outlook_made_the_draft_is_not_made_twice() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    emu.inject(
        Fault::action(FaultAction::DelayAfter(Duration::from_secs(8)))
            .on("POST")
            .at("/messages"),
    );
    let state = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let mut t = open_in(&emu, &state, &[]);
    t.wait_text("Ready.");
    t.send("dana@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Stopped once");
    t.send(CTRL_S);
    t.wait_text("saving…");
    // Outlook has it; its answer is on its way.
    common::wait_until("the draft made", 10, || emu.messages().len() == 1);
    t.send("\x1b");
    t.wait_text("Save stopped");
    t.send(" and saved");
    t.send(CTRL_S);
    t.wait_for("the draft found and updated", 15, |s| {
        s.contains("200 OK") || s.contains("updated")
    });
    let drafts = emu.messages();
    assert_eq!(drafts.len(), 1, "one draft");
    assert_eq!(drafts[0]["subject"], "Stopped once and saved");
}
