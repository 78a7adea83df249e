//! Only what the user chose leaves the machine: text from elsewhere (a
//! received mail, a merge's fields, `--var`, a mailto: link, a paste, a
//! comment in HTML) never names a local file to send, and only a real
//! picture goes inline. Each story counts the bytes the emulator received.

use crate::common;

use common::pty::Pty;
use common::said;
use graft_emulator::{DEMO_TOKEN, Emulator, EmulatorConfig, Received};
use std::path::Path;
use std::sync::Arc;

const TAB: &str = "\t";
const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";

/// A private key-like file and a real picture in `dir`.
fn files(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let secret = dir.join("id_rsa");
    std::fs::write(
        &secret,
        "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET-BYTES-1234\n-----END OPENSSH PRIVATE KEY-----\n",
    )
    .unwrap();
    let png = dir.join("chart.png");
    std::fs::write(&png, common::as_png(vec![7u8; 4_000])).unwrap();
    (secret, png)
}

/// No request the emulator saw carried the secret's bytes, and no draft
/// has an attachment with them.
fn never_sent(emu: &Emulator) {
    for m in emu.messages() {
        let id = m["id"].as_str().unwrap_or("");
        for (name, _, bytes) in emu.attachments(id) {
            assert!(
                !String::from_utf8_lossy(&bytes).contains("SECRET-BYTES"),
                "{name} carries the secret"
            );
        }
        assert!(
            !m.to_string().contains("SECRET-BYTES"),
            "a message carries the secret"
        );
    }
}

fn cli(emu: &Emulator, state: &Path, args: &[&str]) -> std::process::Output {
    let c = common::scenario::command_on(&emu.graph_url(), state, args);
    common::scenario::within(c, 60).expect("graft ended within a minute")
}

/// A received mail naming a private file as pictures (relative, absolute,
/// `file://`), answered in Markdown, then continued with F6 and saved: the
/// file never reaches the server; the quote is never read for pictures.
#[test]
fn a_received_mail_cannot_take_a_file_from_this_machine() {
    let state = Arc::new(tempfile::tempdir().unwrap());
    let (secret, _) = files(state.path());
    let mail = Received {
        from: ("Mallory".into(), "mallory@fabrikam.example".into()),
        to: vec![(
            "Adele".into(),
            EmulatorConfig::default().user_principal_name,
        )],
        cc: vec![],
        reply_to: vec![],
        subject: "Invoice".into(),
        html: true,
        body: format!(
            "<html><body><p>See</p><img src=\"id_rsa\"><img src=\"{}\"><img src=\"file://{}\"></body></html>",
            secret.display(),
            secret.display()
        ),
        received: "2026-11-30T09:00:00Z".into(),
        thread: "invoice".into(),
        attachments: vec![],
    };
    let emu = Emulator::start(EmulatorConfig {
        inbox: vec![mail],
        ..EmulatorConfig::default()
    })
    .unwrap();
    let id = emu
        .messages()
        .into_iter()
        .find(|m| m["subject"] == "Invoice")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    for format in ["--markdown", "--html"] {
        let o = cli(
            &emu,
            state.path(),
            &["reply", &id, format, "--body", "Thanks."],
        );
        assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    }
    never_sent(&emu);
    // Continued in the form with F6 and saved.
    let url = emu.graph_url();
    let mut t = Pty::spawn_with_state(
        &["--graph-url", &url],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
        state.clone(),
    );
    t.wait_text("Ready.");
    t.send("\x1b[17~");
    t.wait_text("Drafts saved from graft");
    t.send("\r");
    t.wait_text("Loaded");
    t.send(" More.");
    t.send(CTRL_S);
    t.wait_text("updated");
    never_sent(&emu);
    t.send(CTRL_Q);
}

/// A merge's CSV value, a `--var` and a mailto: body that name a private
/// file as a picture: text, never a picture; a comma in a value never adds
/// a recipient.
#[test]
fn template_values_csv_fields_and_mailto_bodies_are_data() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = tempfile::tempdir().unwrap();
    let (secret, _) = files(state.path());
    let templates = state.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        templates.join("note.md"),
        "To: {{name}} <{{email}}>\nSubject: Note for {{name}}\n\nHi {{name}},\n\n{{comment}}\n",
    )
    .unwrap();
    std::fs::write(state.path().join("config.toml"), "").unwrap();
    let evil = format!("![ ]({})", secret.display());
    let csv = state.path().join("list.csv");
    std::fs::write(
        &csv,
        format!("name,email,comment\nDana,dana@contoso.com,\"{evil}\"\n"),
    )
    .unwrap();
    let o = cli(
        &emu,
        state.path(),
        &[
            "draft",
            "--batch",
            csv.to_str().unwrap(),
            "--template",
            "note",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    let o = cli(
        &emu,
        state.path(),
        &[
            "draft",
            "--template",
            "note",
            "--var",
            "name=Lee",
            "--var",
            "email=lee@contoso.com",
            "--var",
            &format!("comment={evil}"),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    never_sent(&emu);
    for m in emu.messages() {
        assert!(emu.attachments(m["id"].as_str().unwrap()).is_empty());
        assert!(
            m["body"]["content"].as_str().unwrap().contains("![ ]("),
            "{m}"
        );
    }
    // A comma in a name would add a recipient: refused, nothing made.
    let before = emu.messages().len();
    let o = cli(
        &emu,
        state.path(),
        &[
            "draft",
            "--template",
            "note",
            "--var",
            "name=evil@attacker.example, Dana Park",
            "--var",
            "email=dana@contoso.com",
            "--var",
            "comment=x",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", said(&o));
    assert!(
        said(&o).contains("{{name}}") && said(&o).contains("To"),
        "{}",
        said(&o)
    );
    assert_eq!(emu.messages().len(), before);
}

/// A mailto: link whose body names a private file, made Markdown in the
/// form and saved: the picture is text; a real PNG typed by the user
/// still goes inline.
#[test]
fn a_mailto_body_names_no_picture_but_the_users_own_does() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let (secret, png) = files(state.path());
    let link = format!(
        "mailto:dana@contoso.com?subject=Hi&body=%21%5Bx%5D%28{}%29",
        secret.display().to_string().replace('/', "%2F")
    );
    let url = emu.graph_url();
    let mut t = Pty::spawn_with_state(
        &["--graph-url", &url, &link],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
        state.clone(),
    );
    t.wait_text("![x](");
    t.send("\x14"); // Markdown
    t.wait_text("Markdown");
    t.send(&format!(" Mine: ![chart]({})", png.display()));
    t.wait_text("picture chart.png");
    t.send(CTRL_S);
    t.wait_text("201 Created");
    never_sent(&emu);
    let m = &emu.messages()[0];
    let atts = emu.attachments(m["id"].as_str().unwrap());
    assert_eq!(atts.len(), 1);
    assert_eq!(atts[0].0, "chart.png");
    t.send(CTRL_Q);
}

/// A paste naming a private file as a picture asks before anything goes;
/// "n" leaves it out; an HTML comment or script naming one is not a
/// picture; a file that is not a picture is never sent even when allowed.
#[test]
fn a_paste_asks_and_html_comments_name_no_pictures() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let state = Arc::new(tempfile::tempdir().unwrap());
    let (secret, _) = files(state.path());
    let url = emu.graph_url();
    let mut t = Pty::spawn_with_state(
        &["--graph-url", &url],
        &[("GRAFT_ACCESS_TOKEN", DEMO_TOKEN)],
        100,
        30,
        state.clone(),
    );
    t.wait_text("Ready.");
    t.send("dana@contoso.com");
    t.send(TAB);
    t.send(TAB);
    t.send(TAB);
    t.send("Pasted");
    t.send(TAB);
    t.send("\x14\x14"); // HTML
    t.wait_text("HTML");
    t.send(&format!(
        "<!-- <img src=\"{}\"> --><script>var i='<img src={}>'</script>",
        secret.display(),
        secret.display()
    ));
    // A paste (bracketed) naming it as a picture.
    t.send(&format!(
        "\x1b[200~<p>from a wiki</p><img src=\"{}\">\x1b[201~",
        secret.display()
    ));
    t.send(CTRL_S);
    let screen = t.wait_text("Pictures from a paste");
    assert!(screen.contains("id_rsa"), "{screen}");
    t.send("n");
    t.wait_text("201 Created");
    never_sent(&emu);
    assert!(
        emu.attachments(emu.messages()[0]["id"].as_str().unwrap())
            .is_empty()
    );
    t.send(CTRL_Q);
}

/// Spelling on, with the test dictionary; the misspelled-words check too.
fn spelling_on(state: &Path) {
    let dicts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hunspell");
    std::fs::write(
        state.join("config.toml"),
        format!(
            "spell = [\"en_TEST\"]\nspell_path = [{:?}]\n[checks]\nmisspelled = true\n",
            dicts.display().to_string()
        ),
    )
    .unwrap();
}

/// Hostile bodies (half a megabyte of `<` in Markdown, 300 KB of `&` in
/// HTML, deep quoting), spelling checked: each `graft draft` ends in
/// seconds (they took minutes), and the same `&` body in the form saves
/// and echoes what is typed after it.
#[test]
fn pathological_bodies_finish_quickly_on_every_path() {
    let world = common::Scenario::new();
    spelling_on(world.dir());
    let bodies = [
        ("lt.md", "--markdown", "<".repeat(500_000)),
        ("amp.html", "--html", "&".repeat(300_000)),
        ("nest.md", "--markdown", "> ".repeat(100_000)),
    ];
    for (name, format, body) in &bodies {
        let path = world.dir().join(name);
        std::fs::write(&path, body).unwrap();
        let path = path.to_str().unwrap();
        let args = [
            "draft",
            format,
            "--to",
            "a@contoso.com",
            "--body-file",
            path,
        ];
        let out = world
            .run_within(&args, 20)
            .unwrap_or_else(|| panic!("{name}: still running after 20 s"));
        // Saved, or refused as too large: never stuck.
        assert!(
            matches!(out.status.code(), Some(0 | 2)),
            "{name}: {}",
            said(&out)
        );
    }
    let world = common::Scenario::on(world.emu);
    spelling_on(world.dir());
    let mut t = world.form(&[], &[], 100, 30);
    t.wait_text("Ready.");
    t.send("dana@contoso.com");
    t.send(&TAB.repeat(3));
    t.send("Ampersands");
    t.send(TAB);
    t.send("\x14\x14"); // HTML
    t.wait_text("HTML");
    t.send(&format!("\x1b[200~{}\x1b[201~", "&".repeat(300_000)));
    t.send("QZX");
    t.wait_for("the typed text", 20, |s| s.contains("&QZX"));
    t.send(CTRL_S);
    t.wait_for("the save", 20, |s| s.contains("201 Created"));
    t.send(CTRL_Q);
}
