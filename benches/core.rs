//! `cargo bench`: the per-keystroke path (update, then update and the frame it
//! costs), full-frame rendering at two sizes with a small and a 1 MiB body, a
//! save's answer drawn, a 1 MiB paste, and serialising a large request body.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use graft::core::address::parse_list;
use graft::core::content::DraftContent;
use graft::core::mailbox::Mailbox;
use graft::terminal::backend::LeanBackend;
use graft::tui::app::{Field, Keymap, Model, Msg, Session, Startup, update};
use graft::tui::app::{SavedHow, StatusEntry};
use graft::tui::view::screen::Screen;

fn main() {
    divan::main();
}

fn model() -> Model {
    Model::new(
        Session::new(
            Mailbox::default(),
            "https://graph.microsoft.com/v1.0",
            false,
            Keymap::defaults(),
        ),
        Startup::default(),
    )
}

/// About 1 MiB of prose in lines of ~70 characters.
fn big_body() -> String {
    let line = "The quarterly figures are attached; please review them before Friday.\n";
    line.repeat((1 << 20) / line.len())
}

/// A model with `body` typed, sized for a 30-row terminal (as the event loop
/// sizes it from the terminal).
fn with_body(body: &str) -> Model {
    let mut m = model();
    m.body_set_rows(30);
    m.form.focus = Field::Body;
    update(&mut m, Msg::Paste(body.to_string()));
    m
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// What a start costs before its first frame: the default keys read, the
/// form's model made, and that first frame drawn (100x30).
#[divan::bench]
fn start_keymap() -> Keymap {
    Keymap::defaults()
}

/// For scale: the same file only parsed as TOML (how the keys were read before).
#[divan::bench]
fn start_keymap_as_toml() -> toml::Table {
    toml::from_str(include_str!("../assets/keymap.toml")).unwrap()
}

#[divan::bench]
fn start_model() -> Model {
    model()
}

#[divan::bench]
fn start_first_frame(bencher: divan::Bencher) {
    bencher
        .with_inputs(|| {
            let mut m = model();
            m.body_set_rows(30);
            (m, screen(100, 30))
        })
        .bench_local_refs(|(m, s)| s.draw(m).unwrap());
}

#[divan::bench(args = ["small", "1MiB"])]
fn update_one_key(bencher: divan::Bencher, size: &str) {
    let body = if size == "small" {
        "Hello team,\n".to_string()
    } else {
        big_body()
    };
    let mut m = with_body(&body);
    bencher.bench_local(|| update(&mut m, key('x')));
}

/// The screen graft draws on: the lean backend writing into nothing.
fn screen(w: u16, h: u16) -> Screen<LeanBackend<std::io::Sink>> {
    Screen::new(LeanBackend::with_size(std::io::sink(), w, h)).unwrap()
}

#[divan::bench(args = [(100, 30, "small"), (100, 30, "1MiB"), (200, 60, "small"), (200, 60, "1MiB")])]
fn render_full_frame(bencher: divan::Bencher, (w, h, size): (u16, u16, &str)) {
    let body = if size == "small" {
        "Hello team,\n".to_string()
    } else {
        big_body()
    };
    let mut m = with_body(&body);
    m.body_set_rows(h as usize);
    let mut screen = screen(w, h);
    bencher.bench_local(|| {
        // A cleared screen: every part is drawn and written, as at start or
        // after a resize.
        screen.clear().unwrap();
        screen.draw(&m).unwrap();
    });
}

/// One key typed and the frame drawn, as the event loop does it: only the
/// body is redrawn and compared.
#[divan::bench(args = ["small", "1MiB"])]
fn type_and_draw_one_key(bencher: divan::Bencher, size: &str) {
    let body = if size == "small" {
        "Hello team,\n".to_string()
    } else {
        big_body()
    };
    let mut m = with_body(&body);
    let mut screen = screen(100, 30);
    screen.draw(&m).unwrap();
    bencher.bench_local(|| {
        update(&mut m, key('x'));
        screen.draw(&m).unwrap();
    });
}

/// A save's answer drawn, alternating with "New draft." (a new draft after
/// each save): the status pane keeps its height, so only the pane is redrawn.
#[divan::bench]
fn draw_save_answer(bencher: divan::Bencher) {
    let mut m = with_body("Hello team,\n");
    let mut screen = screen(100, 30);
    screen.draw(&m).unwrap();
    let saved = StatusEntry::Saved {
        at: "14:02:11".into(),
        how: SavedHow::Created,
        status: 201,
        status_text: "Created".into(),
        id: "AAMkAGI2TG93AAA=".repeat(8),
        web_link: "https://outlook.office365.com/owa/?ItemID=AAMkAGI2TG93AAA%3D&exvsurl=1&viewmodel=ReadMessageItem".into(),
        folder: "Drafts".into(),
        request_id: None,
        files: None,
    };
    let mut n = 0u64;
    bencher.bench_local(|| {
        n += 1;
        m.status.push(if n % 2 == 0 {
            saved.clone()
        } else {
            StatusEntry::Info("New draft.".into())
        });
        screen.draw(&m).unwrap();
    });
}

/// A 1 MiB bracketed paste into an empty body, drawn.
#[divan::bench(sample_count = 20)]
fn paste_1mib_and_draw(bencher: divan::Bencher) {
    let body = big_body();
    bencher
        .with_inputs(|| {
            let mut m = model();
            m.body_set_rows(30);
            m.form.focus = Field::Body;
            (m, screen(100, 30))
        })
        .bench_local_values(|(mut m, mut screen)| {
            update(&mut m, Msg::Paste(body.clone()));
            screen.draw(&m).unwrap();
        });
}

#[divan::bench]
fn serialise_large_create_body(bencher: divan::Bencher) {
    let to: Vec<String> = (0..500)
        .map(|i| format!("Person {i} <p{i}@contoso.com>"))
        .collect();
    let content = DraftContent {
        to: parse_list(&to.join(", ")).unwrap(),
        cc: vec![],
        bcc: vec![],
        subject: "Large".into(),
        body: big_body(),
        ..Default::default()
    };
    bencher.bench_local(|| serde_json::to_vec(&content.create_body(Some("key"))).unwrap());
}

/// The profile's dictionary: Hunspell's en_US where it is installed, else
/// the small one the tests ship; read whole by Hunspell's reader
/// (`"hunspell"`), or as its word list (`"list"`, made once for the run in
/// a folder of its own, then mapped).
fn speller(how: &str) -> graft::core::spell::Speller {
    static LISTS: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let system = std::path::Path::new("/usr/share/hunspell");
    let (dir, name) = if system.join("en_US.aff").exists() {
        (system.to_path_buf(), "en_US")
    } else {
        (
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hunspell"),
            "en_TEST",
        )
    };
    let index = (how == "list").then(|| {
        LISTS
            .get_or_init(|| tempfile::tempdir().unwrap())
            .path()
            .to_path_buf()
    });
    graft::store::spelling::load(&graft::store::spelling::SpellConfig {
        languages: vec![name.into()],
        configured: true,
        dirs: vec![dir],
        words: None,
        index,
    })
    .expect("a dictionary")
}

const HOW: &[&str] = &["hunspell", "list"];

/// Loading the dictionary (once, on the worker, with the first check).
#[divan::bench(args = HOW, sample_count = 10)]
fn spell_load(b: divan::Bencher, how: &str) {
    speller(how);
    b.bench(|| speller(how));
}

/// A check of the whole body after a pause, on the worker: the first one
/// (every word looked up) and a later one (words seen before are cached).
#[divan::bench(args = ["small", "1MiB"], consts = [0, 1], sample_count = 10)]
fn spell_check<const LIST: usize>(b: divan::Bencher, size: &str) {
    let body = match size {
        "small" => "Hello Dana, the quartrly figures are below; plese review them.".to_string(),
        _ => big_body(),
    };
    let s = speller(HOW[LIST]);
    b.bench(|| s.misspelled(body.split('\n'), graft::core::content::BodyFormat::Text));
}

/// The first check of a 1 MiB body on a fresh speller (nothing cached).
#[divan::bench(args = HOW, sample_count = 5)]
fn spell_check_cold_1mib(b: divan::Bencher, how: &str) {
    let body = big_body();
    speller(how);
    b.with_inputs(|| speller(how))
        .bench_values(|s| s.misspelled(body.split('\n'), graft::core::content::BodyFormat::Text));
}

/// Suggestions for a slip (F9), on a speller that has not suggested yet:
/// with a list, the first suggestion also reads Hunspell's files.
#[divan::bench(args = HOW, sample_count = 5)]
fn spell_suggest_first(b: divan::Bencher, how: &str) {
    speller(how);
    b.with_inputs(|| speller(how))
        .bench_values(|s| s.suggest("shoud"));
}

/// Hostile or odd input, 1 MiB (300 KB for `&`) of one repeated character,
/// a long line, deep nesting: each conversion and check must stay linear.
fn pathological(kind: &str) -> String {
    match kind {
        "lt" => "<".repeat(1 << 20),
        "amp" => "&".repeat(300_000),
        "bracket" => "[".repeat(1 << 20),
        "star" => "*".repeat(1 << 20),
        "nest" => "> ".repeat(1 << 19),
        "img" => "<img src=a.png>".repeat((1 << 20) / 15),
        _ => "a".repeat(1 << 20),
    }
}

const PATHOLOGICAL: &[&str] = &["lt", "amp", "bracket", "star", "nest", "img", "aaa"];

/// The body as it is sent: Markdown to HTML (pictures made `cid:`).
#[divan::bench(args = PATHOLOGICAL, sample_count = 5)]
fn pathological_markdown_to_html(b: divan::Bencher, kind: &str) {
    let body = pathological(kind);
    b.bench(|| graft::core::inline::markdown_to_html(&body));
}

/// An HTML body as it is sent (its `<img>` read by the tokenizer).
#[divan::bench(args = PATHOLOGICAL, sample_count = 5)]
fn pathological_html_body(b: divan::Bencher, kind: &str) {
    let body = pathological(kind);
    b.bench(|| graft::core::inline::html_with_cids(&body));
}

/// HTML read back as text (the reader, Outlook's version in a conflict).
#[divan::bench(args = PATHOLOGICAL, sample_count = 5)]
fn pathological_html_text(b: divan::Bencher, kind: &str) {
    let body = pathological(kind);
    b.bench(|| graft::core::content::html_text(&body));
}

/// The pictures a body names, read both ways (what a paste or a server's
/// body is checked for).
#[divan::bench(args = PATHOLOGICAL, sample_count = 5)]
fn pathological_pictures(b: divan::Bencher, kind: &str) {
    let body = pathological(kind);
    b.bench(|| graft::core::inline::any_local_images(&body));
}

/// The checks before a save (forgotten attachment, recipients).
#[divan::bench(args = PATHOLOGICAL, sample_count = 5)]
fn pathological_checks(b: divan::Bencher, kind: &str) {
    let content = DraftContent {
        body: pathological(kind),
        ..Default::default()
    };
    let checks = graft::core::checks::Checks::default();
    b.bench(|| graft::core::checks::check(&content, 0, &checks));
}

/// A spelling check of such a body (one long "word").
#[divan::bench(args = PATHOLOGICAL, sample_count = 5)]
fn pathological_spell(b: divan::Bencher, kind: &str) {
    let body = pathological(kind);
    let s = speller("list");
    b.bench(|| s.misspelled(body.split('\n'), graft::core::content::BodyFormat::Markdown));
}

/// A key typed at the end of such a body (one line) and the frame drawn.
#[divan::bench(args = PATHOLOGICAL, sample_count = 10)]
fn pathological_type_and_draw(b: divan::Bencher, kind: &str) {
    let mut m = with_body(&pathological(kind));
    let mut screen = screen(100, 30);
    screen.draw(&m).unwrap();
    b.bench_local(|| {
        update(&mut m, key('x'));
        screen.draw(&m).unwrap();
    });
}
