//! Long random key and paste sequences, with resizes down to 1x1, through
//! `update` and `view`: nothing panics, and the text in the model is exactly
//! what was typed. Seeds are fixed so a failure repeats.

use crate::common;

use common::{key, model};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use graft::tui::app::state::form::paste_for;
use graft::tui::app::{Field, Model, Msg, SavedHow, update};
use graft::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

const CHARS: &[char] = &[
    'a', 'Z', ' ', '@', '.', ',', ';', '"', '<', '>', 'é', '日', '本', '🎉', '\t',
];
const PASTES: &[&str] = &[
    "alice@contoso.com",
    "Bob <bob@x.io>\r\ncarol@y.org;",
    "line one\nline two\n\nthree",
    "会議の議事録 ✉️",
    "\u{1b}[31mred\u{1b}[0m text",
    "",
];
const SIZES: &[(u16, u16)] = &[
    (1, 1),
    (20, 5),
    (40, 12),
    (80, 24),
    (100, 30),
    (200, 60),
    (7, 3),
];

/// Keys for the random sessions: movement, editing, focus, dialogs, and
/// characters that start completions (m), separate recipients (,) or are wide.
const KEYS: &[KeyCode] = &[
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::Delete,
    KeyCode::Backspace,
    KeyCode::Enter,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Esc,
    KeyCode::F(1),
    KeyCode::F(2),
    KeyCode::F(3),
    KeyCode::F(4),
    KeyCode::Char(' '),
    KeyCode::Char('a'),
    KeyCode::Char('m'),
    KeyCode::Char('t'),
    KeyCode::Char('x'),
    KeyCode::Char(','),
    KeyCode::Char('日'),
];

fn draw(t: &mut Terminal<TestBackend>, m: &Model) {
    t.draw(|f| view(m, f)).expect("draw");
}

/// The text of each field as a person typing at the end would have it.
#[derive(Default, Clone)]
struct Shadow {
    fields: [String; 5],
}

#[test]
fn random_typing_pasting_and_resizing_keeps_the_text_exact() {
    for seed in 1..=20u64 {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ seed.wrapping_mul(0x2545_f491_4f6c_dd1d));
        let mut m = model();
        let mut shadow = Shadow::default();
        let (w, h) = *rng.pick(SIZES);
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        for step in 0..250 {
            let focus = m.form.focus;
            let i = focus.index();
            match rng.below(10) {
                0..=5 => {
                    let c = *rng.pick(CHARS);
                    update(&mut m, key(KeyCode::Char(c)));
                    shadow.fields[i].push(c);
                }
                6 => {
                    let p = *rng.pick(PASTES);
                    update(&mut m, Msg::Paste(p.to_string()));
                    shadow.fields[i].push_str(&paste_for(focus, p));
                }
                7 => {
                    update(&mut m, key(KeyCode::Enter));
                    if focus == Field::Body {
                        shadow.fields[i].push('\n');
                    }
                }
                8 => {
                    // Backspace takes one grapheme cluster (CRLF, an emoji
                    // with joiners, a letter and its accent).
                    update(&mut m, key(KeyCode::Backspace));
                    use unicode_segmentation::UnicodeSegmentation;
                    let f = &mut shadow.fields[i];
                    let n = f.graphemes(true).next_back().map_or(0, str::len);
                    f.truncate(f.len() - n);
                }
                _ => {
                    let back = rng.below(2) == 0;
                    let code = if back { KeyCode::BackTab } else { KeyCode::Tab };
                    let mods = if back {
                        KeyModifiers::SHIFT
                    } else {
                        KeyModifiers::NONE
                    };
                    update(&mut m, Msg::Key(KeyEvent::new(code, mods)));
                }
            }
            if rng.below(15) == 0 {
                let (w, h) = *rng.pick(SIZES);
                t.backend_mut().resize(w, h);
                update(&mut m, Msg::Resize);
            }
            draw(&mut t, &m);
            for f in Field::ALL {
                assert_eq!(
                    m.text(f),
                    shadow.fields[f.index()],
                    "seed {seed}, step {step}, field {f:?}"
                );
                if f.is_single_line() {
                    assert_eq!(
                        m.field(f).lines().len(),
                        1,
                        "one-line field {f:?} got a newline"
                    );
                }
            }
        }
    }
}

#[test]
fn any_key_at_any_size_never_panics() {
    let mods = [
        KeyModifiers::NONE,
        KeyModifiers::CONTROL,
        KeyModifiers::ALT,
        KeyModifiers::SHIFT,
    ];
    for seed in 1..=15u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut m = model();
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        for _ in 0..300 {
            let msg = match rng.below(12) {
                0 => Msg::Paste(rng.pick(PASTES).to_string()),
                1 => {
                    let (w, h) = *rng.pick(SIZES);
                    t.backend_mut().resize(w, h);
                    Msg::Resize
                }
                _ => {
                    let c = *rng.pick(KEYS);
                    let md = *rng.pick(&mods);
                    // Quitting ends a session; keep this one going.
                    if md == KeyModifiers::CONTROL && matches!(c, KeyCode::Char('x')) {
                        Msg::Key(KeyEvent::new(KeyCode::Char('k'), md))
                    } else {
                        Msg::Key(KeyEvent::new(c, md))
                    }
                }
            };
            update(&mut m, msg);
            m.should_quit = false;
            draw(&mut t, &m);
            assert!(Field::ALL.contains(&m.form.focus));
            for f in &Field::ALL[..4] {
                assert_eq!(m.field(*f).lines().len(), 1);
            }
        }
    }
}

/// A long body is edited through a window of its lines; the result must be
/// exactly what the text widget alone would give for the same keys and pastes.
#[test]
fn a_windowed_long_body_edits_exactly_like_the_plain_widget() {
    use ratatui_textarea::TextArea;
    let start: String = (0..700)
        .map(|i| format!("line {i} of the long body"))
        .collect::<Vec<_>>()
        .join("\n");
    for seed in [3u64, 77, 1234] {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut m = model();
        m.form.focus = Field::Body;
        update(&mut m, Msg::Paste(start.clone()));
        let mut plain = TextArea::default();
        plain.insert_str(&start);
        let keys = [
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Enter,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::Char('x'),
            KeyCode::Char('日'),
        ];
        let mut log: Vec<String> = Vec::new();
        for step in 0..1500 {
            let roll = rng.below(100);
            log.push(format!("roll {roll} before {:?}", plain.cursor()));
            if roll < 2 {
                let text = rng
                    .pick(&["pasted\nacross\nlines", "one line paste"])
                    .to_string();
                update(&mut m, Msg::Paste(text.clone()));
                plain.insert_str(&text);
            } else if roll < 4 {
                // The very start or end of the whole body.
                use ratatui_textarea::CursorMove;
                let c = if rng.below(2) == 0 { '<' } else { '>' };
                let k = KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT);
                update(&mut m, Msg::Key(k));
                let (row, col) = match c {
                    '<' => (CursorMove::Top, CursorMove::Head),
                    _ => (CursorMove::Bottom, CursorMove::End),
                };
                plain.move_cursor(row);
                plain.move_cursor(col);
            } else if roll < 40 {
                // Runs of Up/Down so the window has to move.
                let code = if rng.below(2) == 0 {
                    KeyCode::Up
                } else {
                    KeyCode::Down
                };
                for _ in 0..rng.below(60) {
                    update(&mut m, key(code));
                    plain.input(KeyEvent::new(code, KeyModifiers::NONE));
                }
            } else {
                let code = *rng.pick(&keys);
                update(&mut m, key(code));
                plain.input(KeyEvent::new(code, KeyModifiers::NONE));
            }
            let c = plain.cursor();
            assert_eq!(
                m.body_cursor(),
                (c.0, c.1),
                "seed {seed} step {step} {:?}",
                &log[log.len().saturating_sub(4)..]
            );
            if step % 250 == 0 {
                assert_eq!(
                    m.text(Field::Body),
                    plain.lines().join("\n"),
                    "seed {seed} step {step}"
                );
            }
        }
        assert_eq!(m.text(Field::Body), plain.lines().join("\n"), "seed {seed}");
        assert_eq!(m.body_lines_total(), plain.lines().len());
    }
}

fn saved(id: &str) -> graft::tui::app::StatusEntry {
    graft::tui::app::StatusEntry::Saved {
        at: "09:15:02 UTC".into(),
        how: SavedHow::Created,
        status: 201,
        status_text: "Created".into(),
        id: id.into(),
        web_link: format!("https://outlook.office365.com/owa/?ItemID={id}&exvsurl=1"),
        folder: "Drafts".into(),
        request_id: None,
        files: None,
    }
}

/// Frames drawn part by part (only what changed) must show exactly what the
/// whole view drawn afresh shows, cursor included, whatever happens between
/// them: typing, pastes, focus moves, dialogs, the completion list, status
/// changes, saves, resizes, long bodies.
#[test]
fn frames_drawn_part_by_part_match_the_whole_view() {
    use graft::core::address::parse_list;
    use graft::tui::app::StatusEntry;
    use graft::tui::view::screen::Screen;
    use ratatui::backend::Backend;

    let long: String = (0..400)
        .map(|i| format!("line {i} of a long body\n"))
        .collect();
    for seed in 1..=8u64 {
        let mut rng = Rng(seed.wrapping_mul(0x2545_f491_4f6c_dd1d) | 1);
        let mut m = model();
        m.completion.known =
            parse_list("Megan Bowen <megan@contoso.com>, mark@contoso.com").unwrap();
        let (w, h) = *rng.pick(SIZES);
        let mut screen = Screen::new(TestBackend::new(w, h)).unwrap();
        let mut whole = Terminal::new(TestBackend::new(w, h)).unwrap();
        for step in 0..200 {
            let msg = match rng.below(20) {
                0 => Some(Msg::Paste(rng.pick(PASTES).to_string())),
                1 if rng.below(5) == 0 => Some(Msg::Paste(long.clone())),
                2 => {
                    let (w, h) = *rng.pick(SIZES);
                    screen.backend_mut().resize(w, h);
                    screen.resized(w, h);
                    whole.backend_mut().resize(w, h);
                    Some(Msg::Resize)
                }
                3 => {
                    // News in the status pane, with nothing else changed (a
                    // saved entry sets the room the pane keeps afterwards).
                    m.status.push(match rng.below(3) {
                        0 => StatusEntry::Info(format!("note {step}")),
                        1 => {
                            StatusEntry::Invalid("a long message that wraps ".repeat(rng.below(6)))
                        }
                        _ => saved(&"AAMkAGI2TG93AAA=".repeat(1 + rng.below(8))),
                    });
                    None
                }
                4 => Some(Msg::Key(KeyEvent::new(
                    KeyCode::Char('s'),
                    KeyModifiers::CONTROL,
                ))),
                _ => {
                    let mods = if rng.below(8) == 0 {
                        KeyModifiers::ALT
                    } else {
                        KeyModifiers::NONE
                    };
                    Some(Msg::Key(KeyEvent::new(*rng.pick(KEYS), mods)))
                }
            };
            if let Some(msg) = msg {
                update(&mut m, msg);
            }
            m.should_quit = false;
            screen.draw(&m).expect("draw parts");
            draw(&mut whole, &m);
            assert_eq!(
                screen.backend().buffer(),
                whole.backend().buffer(),
                "seed {seed}, step {step}"
            );
            assert_eq!(
                screen.backend_mut().get_cursor_position().unwrap(),
                whole.backend_mut().get_cursor_position().unwrap(),
                "seed {seed}, step {step}: cursor"
            );
        }
    }
}
