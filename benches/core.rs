//! `cargo bench`: the per-keystroke path (update), full-frame rendering at two
//! sizes with a small and a 1 MiB body, and serialising a large request body.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use graft::app::model::Target;
use graft::app::{Field, Keymap, Model, Msg, update};
use graft::draft::address::parse_list;
use graft::draft::content::DraftContent;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn main() {
    divan::main();
}

fn model() -> Model {
    Model::new(
        Target {
            owner: "me".into(),
            user: None,
            folder: None,
            graph_url: "https://graph.microsoft.com/v1.0".into(),
        },
        false,
        Keymap::defaults(),
    )
}

/// About 1 MiB of prose in lines of ~70 characters.
fn big_body() -> String {
    let line = "The quarterly figures are attached; please review them before Friday.\n";
    line.repeat((1 << 20) / line.len())
}

fn with_body(body: &str) -> Model {
    let mut m = model();
    m.focus = Field::Body;
    update(&mut m, Msg::Paste(body.to_string()));
    m
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
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

#[divan::bench(args = [(100, 30, "small"), (100, 30, "1MiB"), (200, 60, "small"), (200, 60, "1MiB")])]
fn render_full_frame(bencher: divan::Bencher, (w, h, size): (u16, u16, &str)) {
    let body = if size == "small" {
        "Hello team,\n".to_string()
    } else {
        big_body()
    };
    let m = with_body(&body);
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    bencher.bench_local(|| {
        // A fresh buffer each time: the whole frame is drawn, not a diff.
        terminal.clear().unwrap();
        terminal.draw(|f| graft::ui::view(&m, f)).unwrap();
    });
}

/// One key typed and the frame drawn (diffed against the previous one), as the
/// event loop does it.
#[divan::bench(args = ["small", "1MiB"])]
fn type_and_draw_one_key(bencher: divan::Bencher, size: &str) {
    let body = if size == "small" {
        "Hello team,\n".to_string()
    } else {
        big_body()
    };
    let mut m = with_body(&body);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal.draw(|f| graft::ui::view(&m, f)).unwrap();
    bencher.bench_local(|| {
        update(&mut m, key('x'));
        terminal.draw(|f| graft::ui::view(&m, f)).unwrap();
    });
}

/// A 1 MiB bracketed paste into an empty body, drawn.
#[divan::bench(sample_count = 20)]
fn paste_1mib_and_draw(bencher: divan::Bencher) {
    let body = big_body();
    bencher
        .with_inputs(|| {
            let mut m = model();
            m.focus = Field::Body;
            (m, Terminal::new(TestBackend::new(100, 30)).unwrap())
        })
        .bench_local_values(|(mut m, mut terminal)| {
            update(&mut m, Msg::Paste(body.clone()));
            terminal.draw(|f| graft::ui::view(&m, f)).unwrap();
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
        format: Default::default(),
        more: Default::default(),
    };
    bencher.bench_local(|| serde_json::to_vec(&content.create_body(Some("key"))).unwrap());
}
