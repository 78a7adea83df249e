//! What the screen shows, drawn with ratatui's `TestBackend` at several sizes.

use crate::common;

use common::{alt, ctrl, key, model, type_text};
use crossterm::event::KeyCode;
use graft::tui::app::{Field, Model, StatusEntry, update};
use graft::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Position;

fn draw(m: &Model, w: u16, h: u16) -> (Vec<String>, Option<Position>) {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view(m, f)).unwrap();
    let buf = t.backend().buffer().clone();
    let rows = (0..h)
        .map(|y| {
            let mut s = String::new();
            let mut skip = 0;
            for x in 0..w {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                s.push_str(sym);
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            }
            s
        })
        .collect();
    let b = t.backend();
    (rows, b.cursor_visible().then(|| b.cursor_position()))
}

/// The status pane's text with borders and line breaks removed, for wrapped values.
fn status_text(rows: &[String]) -> String {
    let start = rows
        .iter()
        .position(|r| r.contains(" Status "))
        .expect("status pane");
    rows[start + 1..]
        .iter()
        .take_while(|r| !r.starts_with('└'))
        .map(|r| r.trim_start_matches('│').trim_end_matches('│').trim_end())
        .collect::<Vec<_>>()
        .join("")
}

fn long_id() -> String {
    let mut id = "AAMkAGI2THVSAAA=".to_string();
    while id.len() < 152 {
        id.push_str("Zx9+Qm1/ZkR4C0Jp7a0E");
    }
    id
}

fn saved_model() -> Model {
    let mut m = model();
    type_text(&mut m, "alice@contoso.com");
    let out = update(&mut m, ctrl('s'));
    assert_eq!(out.effects.len(), 1);
    let id = long_id();
    let link = format!(
        "https://outlook.office365.com/owa/?ItemID={}&exvsurl=1&viewmodel=ReadMessageItem",
        id.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    update(
        &mut m,
        common::save_done(
            1,
            "09:15:02 UTC",
            Ok(graft::graph::SavedMessage {
                status: 201,
                status_text: "Created".into(),
                id,
                web_link: link,
                change_key: "CQ".into(),
                created: String::new(),
                last_modified: String::new(),
                parent_folder_id: String::new(),
                is_draft: true,
                request_id: None,
            }),
            Default::default(),
        ),
    );
    m
}

fn web_link(m: &Model) -> String {
    m.save.server.web_link.clone().unwrap()
}

/// Where they fit in a third of the screen the id and webLink are shown
/// whole; on a short screen F7 shows them whole.
#[test]
fn full_id_and_weblink_are_on_screen_at_100x30_and_200x50_and_after_f7_at_80x24() {
    let mut m = saved_model();
    for (w, h) in [(100, 30), (200, 50), (80, 24)] {
        if (w, h) == (80, 24) {
            update(&mut m, key(KeyCode::F(7)));
        }
        let (rows, _) = draw(&m, w, h);
        let text = status_text(&rows);
        assert!(text.contains("201 Created"), "{w}x{h}: {text}");
        assert!(
            text.contains(&long_id()),
            "{w}x{h}: id cut off:\n{}",
            rows.join("\n")
        );
        assert!(
            text.contains(&web_link(&m)),
            "{w}x{h}: webLink cut off:\n{}",
            rows.join("\n")
        );
        assert!(!text.contains("more: enlarge"));
    }
}

#[test]
fn small_terminal_40x12_keeps_the_form_and_says_the_status_is_cut() {
    let m = saved_model();
    let (rows, cursor) = draw(&m, 40, 12);
    assert!(rows[1].contains("To"), "{}", rows.join("\n"));
    // Small: the empty Cc and Bcc give their rows to the body.
    assert!(rows[2].contains("Subject"), "{}", rows.join("\n"));
    assert!(rows.iter().any(|r| r.contains("Body")));
    assert!(rows.iter().any(|r| r.contains("201 Created")));
    assert!(
        rows.iter().any(|r| r.contains("more: enlarge")),
        "{}",
        rows.join("\n")
    );
    assert!(cursor.is_some());
}

#[test]
fn tiny_terminals_do_not_panic() {
    let m = saved_model();
    for (w, h) in [(1, 1), (2, 2), (5, 3), (20, 5), (11, 8), (300, 2)] {
        let _ = draw(&m, w, h);
    }
}

#[test]
fn cjk_and_emoji_render_and_the_cursor_follows_wide_characters() {
    let mut m = model();
    m.form.focus = Field::Subject;
    type_text(&mut m, "会議の議事録 🎉");
    let (rows, cursor) = draw(&m, 80, 24);
    assert!(rows[4].contains("会議の議事録 🎉"), "{}", rows[4]);
    // Label column is 10 cells; six CJK chars (12) + space (1) + emoji (2) = 15.
    assert_eq!(cursor, Some(Position::new(10 + 15, 4)));

    update(&mut m, key(KeyCode::Tab));
    type_text(&mut m, "こんにちは、世界。これは長い本文です。");
    let (rows, cursor) = draw(&m, 30, 16);
    let top = rows.iter().position(|r| r.contains("Body")).unwrap();
    let body: String = rows[top + 1..top + 5].join("");
    assert!(body.contains("こんにちは、世界。"), "{}", rows.join("\n"));
    assert!(
        body.contains("本文です。"),
        "soft-wrapped, not cut: {}",
        rows.join("\n")
    );
    // The cursor sits right after the last character of the wrapped body.
    let c = cursor.unwrap();
    let row = &rows[c.y as usize];
    let before: String = row.chars().skip(1).collect::<String>();
    assert!(
        before.trim_end_matches(['┃', ' ']).ends_with("です。"),
        "{row}"
    );
    let text_w = unicode_width::UnicodeWidthStr::width(before.trim_end_matches(['┃', ' ']));
    assert_eq!(c.x as usize, 1 + text_w, "cursor after the text on {row}");
}

#[test]
fn focus_marker_demo_badge_and_field_errors_are_visible() {
    let mut m = model();
    m.session.demo = true;
    type_text(&mut m, "bob");
    update(&mut m, key(KeyCode::Tab));
    let (rows, cursor) = draw(&m, 80, 24);
    assert!(rows[0].contains("DEMO"), "{}", rows[0]);
    assert!(rows[1].contains("To") && rows[1].contains("bob"));
    assert!(
        rows[2].contains("✗ 'bob': not an email address"),
        "{}",
        rows.join("\n")
    );
    assert!(rows[3].starts_with("▸Cc"), "{}", rows[3]);
    assert_eq!(cursor, Some(Position::new(10, 3)));
}

#[test]
fn footer_and_help_come_from_the_keymap() {
    let mut m = model();
    let (rows, _) = draw(&m, 80, 24);
    let footer = rows.last().unwrap();
    for part in ["^S", "save", "F1", "help", "F8", "answer", "^Q", "quit"] {
        assert!(footer.contains(part), "footer lacks {part}: {footer}");
    }
    update(&mut m, key(KeyCode::F(1)));
    let (rows, _) = draw(&m, 100, 50);
    let screen = rows.join("\n");
    for b in &m.session.keymap.bindings {
        let start: String = b.help.chars().take(14).collect();
        assert!(screen.contains(&start), "help lacks {}", b.help);
    }
}

#[test]
fn failure_shows_status_code_message_and_request_id() {
    let mut m = model();
    type_text(&mut m, "a@b.co");
    update(&mut m, ctrl('s'));
    m.status.push(StatusEntry::Failed {
        at: "09:00:00 UTC".into(),
        what: "POST".into(),
        status: Some(429),
        status_text: "Too Many Requests".into(),
        code: "ApplicationThrottled".into(),
        message: "Application is over its MailboxConcurrency limit.".into(),
        request_id: Some("0b8e6d0c-1111-4a2b-9c3d-222233334444".into()),
        hint: Some("The service is busy.".into()),
    });
    let (rows, _) = draw(&m, 80, 24);
    let text = status_text(&rows);
    assert!(text.contains("429 Too Many Requests"));
    assert!(
        text.contains("ApplicationThrottled: Application is over its MailboxConcurrency limit.")
    );
    assert!(text.contains("request-id 0b8e6d0c-1111-4a2b-9c3d-222233334444"));
}

#[test]
fn no_color_keeps_emphasis_but_draws_no_colour() {
    use ratatui::style::{Color, Modifier};
    let mut m = saved_model();
    m.session.demo = true;
    type_text(&mut m, "x");
    m.session.no_color = true;
    let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
    t.draw(|f| view(&m, f)).unwrap();
    let buf = t.backend().buffer();
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
    // The DEMO badge (a coloured background) is drawn in reverse video instead.
    let row0: String = (0..80).map(|x| buf[(x, 0)].symbol().to_string()).collect();
    let at = row0.find("DEMO").unwrap() as u16;
    assert!(buf[(at, 0)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn the_more_panel_offers_the_mailbox_categories_not_yet_chosen() {
    let mut m = model();
    m.session.categories = vec!["Finance".into(), "Travel".into()];
    update(&mut m, key(KeyCode::F(3)));
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Down));
    }
    type_text(&mut m, "finance");
    let (rows, cursor) = draw(&m, 100, 30);
    let screen = rows.join("\n");
    assert!(screen.contains("Your categories: Travel"), "{screen}");
    assert!(screen.contains("Categories") && screen.contains("finance"));
    assert!(cursor.is_some(), "the cursor is in the categories row");
}

#[test]
fn a_theme_recolours_the_screen_and_mono_has_no_colour() {
    use ratatui::style::Color;
    let mut m = model();
    type_text(&mut m, "x@contoso.com");
    let colours = |m: &Model| {
        let mut t = Terminal::new(TestBackend::new(80, 24)).unwrap();
        t.draw(|f| view(m, f)).unwrap();
        t.backend()
            .buffer()
            .content
            .iter()
            .flat_map(|c| [c.fg, c.bg])
            .collect::<std::collections::HashSet<Color>>()
    };
    assert!(
        colours(&m).contains(&Color::Cyan),
        "the focused field uses the accent"
    );
    m.session.theme = graft::config::theme::Theme::preset("light").unwrap();
    let light = colours(&m);
    assert!(light.contains(&Color::Blue) && !light.contains(&Color::Cyan));
    m.session.theme = graft::config::theme::Theme::preset("mono").unwrap();
    assert_eq!(colours(&m), [Color::Reset].into_iter().collect());
}

/// Dialog keys are keymap data: an override in `[keys]` changes what the
/// key does in its dialog and what the dialog's hint line says.
#[test]
fn a_dialog_key_override_changes_the_key_and_its_hint() {
    use graft::tui::app::Dialog;
    let overrides = std::collections::BTreeMap::from([(
        "confirm_quit.discard".to_string(),
        vec!["x".to_string()],
    )]);
    let mut m = model();
    m.session.keymap = graft::tui::app::Keymap::defaults()
        .with_overrides(&overrides)
        .unwrap();
    type_text(&mut m, "a@b.co");
    update(&mut m, ctrl('q'));
    assert_eq!(m.dialog, Some(Dialog::ConfirmQuit));
    let (rows, _) = draw(&m, 80, 24);
    let screen = rows.join("\n");
    assert!(screen.contains("x  quit, keep the text"), "{screen}");
    assert!(!screen.contains("y  quit, keep the text"), "{screen}");
    update(&mut m, key(KeyCode::Char('y')));
    assert!(!m.should_quit, "the old key no longer quits");
    update(&mut m, key(KeyCode::Char('x')));
    assert!(m.should_quit);
    // Unknown dialogs and actions are refused by name.
    let bad = std::collections::BTreeMap::from([("recover.fly".to_string(), vec!["f".into()])]);
    let err = graft::tui::app::Keymap::defaults()
        .with_overrides(&bad)
        .unwrap_err();
    assert!(err.contains("recover.fly"), "{err}");
}

/// A long recovery list scrolls with its selection (a List with its
/// ListState), and its hint line stays on screen, at 80x24.
#[test]
fn a_long_recovery_list_keeps_the_selection_and_the_hints_in_view() {
    use graft::core::record::{Fields, JournalRecord};
    use graft::tui::app::Dialog;
    let item = |n: usize| JournalRecord {
        updated: "2026-12-01T09:00:00Z".into(),
        fields: Fields {
            subject: format!("Draft number {n}"),
            ..Fields::default()
        },
        ..JournalRecord::blank(format!("k{n}"), "", &Default::default())
    };
    let mut m = model();
    m.dialog = Some(Dialog::Recover {
        armed: true,
        confirm: false,
        items: (0..40).map(item).collect(),
        selected: 0,
    });
    for _ in 0..35 {
        update(&mut m, key(KeyCode::Down));
    }
    let (rows, _) = draw(&m, 80, 24);
    let screen = rows.join("\n");
    assert!(screen.contains("▸ Draft number 35"), "{screen}");
    assert!(!screen.contains("Draft number 0 "), "scrolled: {screen}");
    assert!(
        screen.contains("restore"),
        "the hint line is shown: {screen}"
    );
}

/// PageDown (and Ctrl-V) in a short body moves the cursor to its end and
/// keeps the text in view; PageUp goes back to the top.
#[test]
fn page_down_in_a_short_body_keeps_the_text_in_view() {
    let mut m = model();
    m.body_set_rows(24);
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    type_text(&mut m, "first line\nsecond line\nthird line");
    update(&mut m, ctrl('<'));
    m.body_jump(0, 0);
    let _ = draw(&m, 80, 24);
    update(&mut m, key(KeyCode::PageDown));
    let (rows, _) = draw(&m, 80, 24);
    let screen = rows.join("\n");
    for line in ["first line", "second line", "third line"] {
        assert!(screen.contains(line), "{line} is out of view:\n{screen}");
    }
    assert_eq!(m.body_cursor().0, 2, "the cursor is on the last line");
    update(&mut m, ctrl('v'));
    let (rows, _) = draw(&m, 80, 24);
    assert!(rows.join("\n").contains("first line"));
    update(&mut m, key(KeyCode::PageUp));
    assert_eq!(m.body_cursor().0, 0);
}

fn pane_rows(rows: &[String]) -> usize {
    rows.iter()
        .skip_while(|r| !r.contains("Status"))
        .take_while(|r| !r.starts_with('└'))
        .count()
        + 1
}

/// Later news (a format switch, "no changes", a copy) never hides the saved
/// draft's link; at 80x24 the status pane leaves the body most of the
/// screen: the link is one line there, with the keys that show it whole
/// (F7) and copy it (Alt-W).
#[test]
fn the_saved_drafts_id_and_link_stay_under_later_news() {
    let mut m = saved_model();
    let (rows, _) = draw(&m, 80, 24);
    // The status, the link's line, the border: 4 rows (10 when the id and
    // link were always whole).
    assert_eq!(pane_rows(&rows), 4, "{}", rows.join("\n"));
    let body_rows = rows
        .iter()
        .skip_while(|r| !r.contains("Body"))
        .take_while(|r| !r.contains("Status"))
        .count();
    assert!(
        body_rows >= 13,
        "the body has {body_rows} of 24 rows:\n{}",
        rows.join("\n")
    );
    let text = status_text(&rows);
    let link = web_link(&m);
    assert!(text.contains(&link[..40]), "{text}");
    assert!(
        text.contains("F7 whole") && text.contains(" copy"),
        "{text}"
    );
    update(&mut m, ctrl('t'));
    let (rows, _) = draw(&m, 80, 24);
    let text = status_text(&rows);
    assert!(text.contains("Body format"), "{text}");
    assert!(
        text.contains(&link[..40]),
        "link gone:\n{}",
        rows.join("\n")
    );
    assert_eq!(pane_rows(&rows), 4, "{}", rows.join("\n"));
    // F7 shows both whole, under the news too; F7 again folds them.
    update(&mut m, key(KeyCode::F(7)));
    let (rows, _) = draw(&m, 80, 24);
    let text = status_text(&rows);
    assert!(text.contains(&long_id()), "id gone:\n{}", rows.join("\n"));
    assert!(text.contains(&link), "webLink gone:\n{}", rows.join("\n"));
    update(&mut m, key(KeyCode::F(7)));
    let (rows, _) = draw(&m, 80, 24);
    assert_eq!(pane_rows(&rows), 4, "{}", rows.join("\n"));
}

/// F1 lays out at every size down to 40x12: the key column never runs into
/// the text, and a help taller than the screen scrolls (and says so).
#[test]
fn help_fits_every_size_and_scrolls() {
    use graft::tui::app::Dialog;
    for (w, h) in [(200, 50), (100, 30), (80, 24), (40, 12)] {
        let mut m = model();
        m.body_set_rows(h as usize);
        update(&mut m, key(KeyCode::F(1)));
        assert_eq!(m.dialog, Some(Dialog::Help { scroll: 0 }));
        let (rows, _) = draw(&m, w, h);
        let screen = rows.join("\n");
        assert!(screen.contains("Help"), "{w}x{h}:\n{screen}");
        // Every key row has a gap between its keys and its text.
        for r in rows.iter().filter(|r| r.contains("Save the draft")) {
            let i = r.find("Save the draft").unwrap();
            assert!(
                r[..i].ends_with(' '),
                "{w}x{h}: keys run into the text: {r}"
            );
        }
        if h <= 30 {
            assert!(
                screen.contains("scroll"),
                "{w}x{h} says it scrolls:\n{screen}"
            );
            assert!(screen.contains("Keys"), "{w}x{h}:\n{screen}");
            for _ in 0..200 {
                update(&mut m, key(KeyCode::Down));
            }
            let (rows, _) = draw(&m, w, h);
            let screen = rows.join("\n");
            let heading = |r: &String| r.trim_matches(|c: char| c == '│' || c == ' ') == "Keys";
            assert!(!rows.iter().any(heading), "{w}x{h} scrolled:\n{screen}");
            assert!(
                screen.contains("Drafts go to"),
                "{w}x{h} at the end:\n{screen}"
            );
            update(&mut m, key(KeyCode::PageUp));
            assert!(
                matches!(m.dialog, Some(Dialog::Help { .. })),
                "paging keeps it open"
            );
        }
        update(&mut m, key(KeyCode::Char('x')));
        assert_eq!(m.dialog, None, "another key closes it");
    }
}

/// The body's frame counts its words and characters when typing pauses
/// (the journal's tick: a key itself still draws one character), and when
/// the body is set whole.
#[test]
fn the_body_counts_words_and_characters() {
    let mut m = model();
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    type_text(&mut m, "Hi both,\n\nthe Q3 figures are ready for review.");
    let pause = || graft::tui::app::Msg::Tick {
        kind: graft::tui::app::TimerKind::Journal,
        seq: 0,
    };
    update(&mut m, pause());
    let (rows, _) = draw(&m, 100, 30);
    assert!(
        rows.iter()
            .any(|r| r.contains(" 9 words · 46 chars · 3 lines ")),
        "{}",
        rows.join("\n")
    );
    let long = "word ".repeat(20_000);
    m.set_text(Field::Body, &long);
    let (rows, _) = draw(&m, 100, 30);
    assert!(
        rows.iter()
            .any(|r| r.contains(" 20000 words · 100000 chars · 1 line "))
    );
    type_text(&mut m, "x y");
    update(&mut m, pause());
    let text = m.text(Field::Body);
    let want = format!(
        " {} words · {} chars",
        text.split_whitespace().count(),
        text.chars().count()
    );
    let (rows, _) = draw(&m, 100, 30);
    assert!(rows.iter().any(|r| r.contains(&want)), "{want}");
}

/// Alt-P shows the Markdown body as the recipient will see it: rendered
/// (no asterisks or hashes), pictures named, the signature below; any
/// other key closes it.
#[test]
fn the_preview_shows_the_markdown_rendered_with_the_signature() {
    let mut m = model();
    m.session.signature = Some(graft::core::content::Signature {
        text: "**Lee Chen**".into(),
        format: graft::core::content::BodyFormat::Markdown,
    });
    m.form.signature = m.session.signature.clone();
    for _ in 0..4 {
        update(&mut m, key(KeyCode::Tab));
    }
    update(&mut m, ctrl('t'));
    for c in "# Plan\n\nShip **Friday**:\n\n- notes\n- ![chart](chart.png)".chars() {
        let k = if c == '\n' {
            key(KeyCode::Enter)
        } else {
            key(KeyCode::Char(c))
        };
        update(&mut m, k);
    }
    update(&mut m, alt('p'));
    let (rows, _) = draw(&m, 100, 30);
    let screen = rows.join("\n");
    for want in [
        "Preview · Markdown",
        "Plan",
        "Ship Friday:",
        "• notes",
        "[picture, sent inline: chart]",
        "Lee Chen",
    ] {
        assert!(screen.contains(want), "lacks {want}:\n{screen}");
    }
    // In the preview's box the line is rendered; the body behind it keeps
    // what was typed.
    assert!(
        rows.iter().any(|r| r.starts_with("│Ship Friday:")),
        "{screen}"
    );
    assert!(
        rows.iter().any(|r| r.starts_with("┃Ship **Friday**:")),
        "{screen}"
    );
    update(&mut m, key(KeyCode::Char('x')));
    assert!(m.dialog.is_none(), "any other key closes it");
}

/// Alt-T with no templates says where to put one, whole (wrapped), at 80x24.
#[test]
fn the_template_picker_says_where_templates_go_when_there_are_none() {
    let mut m = model();
    update(&mut m, alt('t'));
    let why = "No templates yet: put one in /home/dana/.config/graft/templates (headers such as To: and Subject:, a blank line, then the body; {{name}} for a variable).";
    update(
        &mut m,
        graft::tui::app::Msg::Templates {
            result: Err(why.into()),
            today: "2026-12-02".into(),
        },
    );
    let (rows, _) = draw(&m, 80, 24);
    let text: String = rows
        .iter()
        .map(|r| r.trim_matches(|c: char| c == '│' || c == ' ' || c == '┃'))
        .collect::<Vec<_>>()
        .join(" ");
    for part in ["/home/dana/.config/graft/templates", "for a variable)."] {
        assert!(text.contains(part), "lacks {part}:\n{}", rows.join("\n"));
    }
}

/// A body line longer than the widget wraps cheaply is drawn around the
/// cursor: what is typed shows at the cursor, the line's start shows after
/// Home, and a wide character keeps the cursor after it.
#[test]
fn a_megabyte_line_is_drawn_around_the_cursor() {
    let mut m = model();
    m.form.focus = Field::Body;
    let line: String = (0..40_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    update(
        &mut m,
        graft::tui::app::Msg::Paste(format!("first\n{line}")),
    );
    type_text(&mut m, "XYZ漢");
    let (rows, cursor) = draw(&m, 100, 30);
    let cursor = cursor.expect("cursor shown");
    let row = &rows[cursor.y as usize];
    let text = row.trim_end_matches(['┃', ' ']);
    assert!(text.ends_with("XYZ漢"), "{row:?}");
    let width = unicode_width::UnicodeWidthStr::width(text);
    assert_eq!(cursor.x as usize, width, "{row:?} cursor {cursor:?}");
    // The row holding the end is one of a fixed wrap: the pasted text fills
    // the rows above it to the pane's width.
    let above = &rows[cursor.y as usize - 1];
    assert_eq!(
        above.chars().filter(char::is_ascii_lowercase).count(),
        98,
        "{above:?}"
    );
    update(&mut m, key(KeyCode::Home));
    let (rows, cursor) = draw(&m, 100, 30);
    let cursor = cursor.unwrap();
    let row = &rows[cursor.y as usize];
    assert!(row.starts_with("┃abcdefgh"), "{row:?}");
    // Back to a short line: the widget wraps again and the first line shows.
    update(&mut m, key(KeyCode::Up));
    let (rows, _) = draw(&m, 100, 30);
    assert!(rows.iter().any(|r| r.starts_with("┃first")), "{rows:#?}");
}

/// A template file's name and subject never control the terminal: a bidi
/// override (it would turn the rest of the row around) shows as a
/// placeholder in the Alt-T list.
#[test]
fn a_bidi_override_in_a_template_shows_as_a_placeholder() {
    use graft::core::content::BodyFormat;
    use graft::core::template::Template;
    let mut m = model();
    update(&mut m, alt('t'));
    let t = Template::parse(
        "invoice\u{202e}fdp.exe",
        "Subject: Pay \u{2066}now\u{2069}\n\nHi {{name}}",
        BodyFormat::Text,
    )
    .unwrap();
    update(
        &mut m,
        graft::tui::app::Msg::Templates {
            result: Ok(vec![t]),
            today: "2026-12-02".into(),
        },
    );
    let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
    term.draw(|f| view(&m, f)).unwrap();
    let buf = term.backend().buffer();
    let all: String = buf.content().iter().map(|c| c.symbol()).collect();
    for c in ['\u{202e}', '\u{2066}', '\u{2069}'] {
        assert!(!all.contains(c), "{c:?} reached the screen");
    }
    assert!(all.contains("invoice\u{fffd}fdp.exe"), "{all}");
}

/// Wide and composed text keeps every line aligned: CJK and emoji in the
/// fields, the status pane and F6's list at 80x24 and 40x12 (truncated
/// where they do not fit). Every row is exactly the screen's width, the
/// full-width panes end in their border, and F6's box has its right border
/// in one column on every row: no wide character cut in half or pushing
/// the frame.
#[test]
fn wide_text_keeps_every_frame_aligned() {
    use graft::core::history::HistoryEntry;
    use unicode_width::UnicodeWidthStr;
    for (w, h) in [(80u16, 24u16), (40, 12)] {
        let mut m = model();
        type_text(&mut m, "\"山田太郎・営業部長\" <taro@contoso.com>");
        update(&mut m, key(KeyCode::Tab));
        update(&mut m, key(KeyCode::Tab));
        update(&mut m, key(KeyCode::Tab));
        type_text(
            &mut m,
            "第三四半期の予算会議について 👩‍👩‍👧 のお知らせと資料の確認のお願い",
        );
        update(&mut m, key(KeyCode::Tab));
        type_text(&mut m, "こんにちは、世界。שלום עולם。e\u{301}te\u{301}");
        m.status.push(StatusEntry::Info(
            "資料を添付しました：報告書（最終版）.pdf と 会議メモ.docx".into(),
        ));
        m.history = (0..3)
            .map(|i| HistoryEntry {
                change_key: String::new(),
                id: format!("AAMk{i}"),
                key: format!("7d1f2c3a-0000-4000-8000-00000000000{i}"),
                subject: format!("第{i}回 予算会議の議事録と次回の議題について 📎"),
                saved: "2026-11-28T09:00:00Z".into(),
                folder: "下書き".into(),
                web_link: format!("https://outlook.office365.com/owa/?ItemID=AAMk{i}"),
                owner: "me".into(),
                format: None,
                answers: String::new(),
            })
            .collect();
        for open in [false, true] {
            if open {
                update(&mut m, key(KeyCode::F(6)));
            }
            let (rows, _) = draw(&m, w, h);
            let screen = rows.join("\n");
            for r in &rows {
                assert_eq!(r.width(), w as usize, "{w}x{h}: {r:?}\n{screen}");
                let first = r.chars().next().unwrap();
                if matches!(first, '│' | '┃') && !open {
                    let last = r.chars().last().unwrap();
                    assert!(matches!(last, '│' | '┃'), "{w}x{h}: {r:?}\n{screen}");
                }
            }
            if open {
                // The column of the box's right border, from its top row.
                let top = rows
                    .iter()
                    .position(|r| r.contains("Drafts saved"))
                    .unwrap();
                let right = |r: &str| {
                    r.char_indices()
                        .filter(|(_, c)| matches!(c, '│' | '┐' | '┘'))
                        .map(|(i, _)| r[..i].width())
                        .max()
                };
                let col = right(&rows[top]).unwrap();
                let bottom = (top + 1..rows.len())
                    .find(|&i| rows[i].contains('┘'))
                    .unwrap();
                for r in &rows[top..=bottom] {
                    assert!(
                        r.char_indices()
                            .any(|(i, c)| matches!(c, '│' | '┐' | '┘') && r[..i].width() == col),
                        "{w}x{h}: the box's right border moved: {r:?}\n{screen}"
                    );
                }
            }
        }
    }
}

/// Lists say when they are cut: a To line longer than its row shows the
/// recipients that fit whole and how many more, and a dialog's list
/// longer than the screen says how many are below.
#[test]
fn cut_lists_say_how_many_more() {
    let mut m = model();
    let all: Vec<String> = (1..=12).map(|i| format!("person{i}@contoso.com")).collect();
    type_text(&mut m, &all.join(", "));
    update(&mut m, key(KeyCode::Tab));
    let (rows, _) = draw(&m, 80, 24);
    let to = rows.iter().find(|r| r.contains(" To ")).unwrap();
    let shown = to.matches("@contoso.com").count();
    let more = format!("… +{} more", 12 - shown);
    assert!(shown >= 2 && to.contains(&more), "{to}");
    assert!(
        to.contains("person1@contoso.com, person2@contoso.com"),
        "{to}"
    );

    // Thirty templates on a 24-row screen.
    update(&mut m, alt('t'));
    let list: Vec<graft::core::template::Template> = (1..=30)
        .map(|i| {
            graft::core::template::Template::parse(
                &format!("t{i:02}"),
                "Subject: s\n\nbody\n",
                graft::core::content::BodyFormat::Text,
            )
            .unwrap()
        })
        .collect();
    update(
        &mut m,
        graft::tui::app::Msg::Templates {
            result: Ok(list),
            today: "2026-12-02".into(),
        },
    );
    let (rows, _) = draw(&m, 80, 24);
    let listed = rows
        .iter()
        .filter(|r| {
            let r = r.trim_start_matches('│');
            (r.starts_with("▸ t") || r.starts_with("  t"))
                && r.chars().nth(3).is_some_and(|c| c.is_ascii_digit())
        })
        .count();
    let said = rows
        .iter()
        .find(|r| r.contains("…and ") && r.contains(" more (↓)"))
        .unwrap_or_else(|| panic!("{}", rows.join("\n")));
    let n: usize = said
        .split("…and ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert_eq!(n + listed, 30, "{}", rows.join("\n"));
    // At the end of the list: how many above.
    for _ in 0..29 {
        update(&mut m, key(KeyCode::Down));
    }
    let (rows, _) = draw(&m, 80, 24);
    assert!(
        rows.iter().any(|r| r.contains(" above (↑)")),
        "{}",
        rows.join("\n")
    );
}

/// The status pane gives rows back: rows kept for a saved draft's id and
/// link go once the form holds another draft (F6, n).
#[test]
fn the_status_pane_gives_back_the_rows_of_a_draft_no_longer_on_screen() {
    let pane = |rows: &[String]| {
        let top = rows.iter().position(|r| r.contains(" Status ")).unwrap();
        let bottom = rows[top..].iter().position(|r| r.starts_with('└')).unwrap();
        bottom - 1
    };
    let mut m = saved_model();
    let (rows, _) = draw(&m, 100, 40);
    assert!(pane(&rows) >= 4, "{}", rows.join("\n"));
    update(&mut m, key(KeyCode::F(6)));
    update(&mut m, key(KeyCode::Char('n')));
    assert!(m.save.server.id.is_none(), "a new draft");
    let (rows, _) = draw(&m, 100, 40);
    let shown: Vec<&String> = rows
        .iter()
        .skip_while(|r| !r.contains(" Status "))
        .skip(1)
        .take_while(|r| !r.starts_with('└'))
        .collect();
    assert!(
        shown.iter().all(|r| !r.trim_matches(['│', ' ']).is_empty()),
        "no empty rows in the pane:\n{}",
        rows.join("\n")
    );
    assert_eq!(pane(&rows), 1, "{}", rows.join("\n"));
}

/// At 80x24 the header keeps the draft's state and the mailbox in sight,
/// even with the demo's badge (which then says only DEMO); on a small
/// screen an empty Cc and Bcc give their rows to the body, and come back
/// when they have the focus or text.
#[test]
fn small_screens_keep_what_matters() {
    let mut m = model();
    m.session.demo = true;
    type_text(&mut m, "x@contoso.com");
    let (rows, _) = draw(&m, 80, 24);
    assert!(
        rows[0].contains("● unsaved") && rows[0].trim_end().ends_with("me · Drafts"),
        "{}",
        rows[0]
    );
    assert!(rows[0].contains("DEMO"), "{}", rows[0]);
    let (rows, _) = draw(&m, 100, 30);
    assert!(rows[0].contains("DEMO · local emulator, not a real mailbox"));
    assert!(rows[0].contains("● unsaved changes") && rows[0].contains("me · Drafts"));

    let labels = |rows: &[String]| -> Vec<String> {
        rows.iter()
            .filter_map(|r| {
                r.chars()
                    .skip(1)
                    .take(8)
                    .collect::<String>()
                    .trim()
                    .to_string()
                    .into()
            })
            .filter(|l: &String| ["To", "Cc", "Bcc", "Subject"].contains(&l.as_str()))
            .collect()
    };
    let (small, _) = draw(&m, 60, 12);
    assert_eq!(labels(&small), ["To", "Subject"], "{}", small.join("\n"));
    let body = small.iter().position(|r| r.contains("Body")).unwrap();
    let status = small.iter().position(|r| r.contains(" Status ")).unwrap();
    assert!(
        status - body - 2 >= 3,
        "three body rows:\n{}",
        small.join("\n")
    );
    // Tab to Cc: it shows while it has the focus; with text it stays.
    update(&mut m, key(KeyCode::Tab));
    let (small, _) = draw(&m, 60, 12);
    assert_eq!(
        labels(&small),
        ["To", "Cc", "Subject"],
        "{}",
        small.join("\n")
    );
    type_text(&mut m, "cc@contoso.com");
    update(&mut m, key(KeyCode::Tab));
    let (small, _) = draw(&m, 60, 12);
    assert!(
        small.iter().any(|r| r.contains("cc@contoso.com")),
        "{}",
        small.join("\n")
    );
    assert_eq!(
        labels(&small),
        ["To", "Cc", "Bcc", "Subject"],
        "Bcc has the focus:\n{}",
        small.join("\n")
    );
    // A tall screen shows all four, empty or not.
    update(&mut m, key(KeyCode::Tab));
    let (tall, _) = draw(&m, 80, 24);
    assert_eq!(labels(&tall), ["To", "Cc", "Bcc", "Subject"]);
    let (small, _) = draw(&m, 60, 12);
    assert_eq!(labels(&small), ["To", "Cc", "Subject"]);
}

/// A placeholder starts where typed text starts, in the one-line fields
/// and the body.
#[test]
fn placeholders_line_up_with_typed_text() {
    let col = |r: &str, what: &str| r.find(what).map(|b| r[..b].chars().count());
    let field = |rows: &[String], label: &str| -> String {
        rows.iter()
            .find(|r| {
                r.trim_start_matches(['▸', ' '])
                    .starts_with(&format!("{label} "))
            })
            .cloned()
            .unwrap()
    };
    let mut m = model();
    type_text(&mut m, "x");
    let (rows, _) = draw(&m, 80, 24);
    let to = field(&rows, "To");
    let subject = field(&rows, "Subject");
    let typed = col(&to, "x").unwrap();
    assert_eq!(
        col(&subject, "(no subject)"),
        Some(typed),
        "{to}\n{subject}"
    );
    let body = rows
        .iter()
        .find(|r| r.contains("Write your message"))
        .unwrap();
    assert!(body.starts_with("│Write your message"), "{body}");
    // Focused and empty: the cursor sits on the placeholder's first cell.
    update(&mut m, key(KeyCode::Tab));
    let (rows, cursor) = draw(&m, 80, 24);
    let cc = rows.iter().position(|r| r.starts_with("▸Cc")).unwrap();
    assert_eq!(cursor, Some(Position::new(typed as u16, cc as u16)));
}

/// F8's list in columns: when, from, subject, each column starting at the
/// same place on every row, the preview under the subject.
#[test]
fn the_f8_list_is_in_columns() {
    let mut m = model();
    let out = update(&mut m, key(KeyCode::F(8)));
    let seq = out
        .effects
        .iter()
        .find_map(|e| match e {
            graft::tui::app::Effect::ListMail { seq, .. } => Some(*seq),
            _ => None,
        })
        .expect("F8 asks for the list");
    let mail = |id: &str, from: &str, subject: &str, when: &str| {
        graft::core::answer::MailSummary::from_value(&serde_json::json!({
            "id": id,
            "from": {"emailAddress": {"name": from, "address": "x@contoso.com"}},
            "subject": subject,
            "receivedDateTime": when,
            "bodyPreview": format!("About {subject}"),
        }))
        .unwrap()
    };
    let list = vec![
        mail(
            "AAMkAGI2TAAAAAAAAAAAA1",
            "Megan Bowen",
            "Lunch?",
            "2026-11-30T09:12:00Z",
        ),
        mail(
            "AAMkAGI2TAAAAAAAAAAAA2",
            "Lee",
            "Budget for Q3 and the long subject that goes on",
            "2026-11-29T17:01:00Z",
        ),
        mail(
            "AAMkAGI2TAAAAAAAAAAAA3",
            "Miriam Graham-Wilkinson of Fabrikam",
            "Hi",
            "2026-11-28T08:00:00Z",
        ),
    ];
    update(
        &mut m,
        graft::tui::app::Msg::MailListed {
            seq,
            more: false,
            result: Ok((list, None)),
        },
    );
    let (rows, _) = draw(&m, 100, 30);
    let col = |r: &str, what: &str| r.find(what).map(|b| r[..b].chars().count());
    let row = |what: &str| rows.iter().find(|r| r.contains(what)).unwrap().clone();
    let (a, b, c) = (row("Lunch?"), row("Budget for Q3"), row("Hi"));
    assert_eq!(col(&a, "Megan"), col(&b, "Lee"), "{a}\n{b}");
    assert_eq!(col(&a, "Megan"), col(&c, "Miriam"));
    assert_eq!(col(&a, "Lunch?"), col(&b, "Budget"), "{a}\n{b}");
    assert_eq!(col(&a, "Lunch?"), col(&c, "Hi"), "{a}\n{c}");
    assert!(col(&a, "2026-").unwrap() < col(&a, "Megan").unwrap());
    let preview = row("About Lunch?");
    assert_eq!(col(&preview, "About"), col(&a, "Lunch?"));
}

/// The spelling dialog keeps the misspelled word's line in sight: it takes
/// the larger side of the screen above or below that line.
#[test]
fn the_spelling_dialog_leaves_the_words_line_in_sight() {
    use graft::core::spell::Miss;
    use graft::tui::app::Msg;
    for at in [2usize, 9, 16] {
        let mut m = model();
        update(
            &mut m,
            Msg::SpellReady {
                result: Ok("en_TEST".into()),
                say: true,
            },
        );
        m.form.focus = Field::Body;
        let lines: Vec<String> = (0..20)
            .map(|i| {
                if i == at {
                    "the budegt line".to_string()
                } else {
                    format!("line {i}")
                }
            })
            .collect();
        update(&mut m, Msg::Paste(lines.join("\n")));
        let miss = Miss {
            line: at,
            start: 4,
            end: 10,
            word: "budegt".into(),
        };
        let generation = m.form.generation;
        update(
            &mut m,
            Msg::Spelled {
                generation,
                subject: vec![],
                body: vec![miss.clone()],
            },
        );
        update(&mut m, key(KeyCode::F(9)));
        update(
            &mut m,
            Msg::Suggested {
                field: Field::Body,
                miss,
                suggestions: vec!["budget".into(), "budgets".into()],
            },
        );
        let (rows, _) = draw(&m, 80, 24);
        assert!(
            rows.iter().any(|r| r.contains("Spelling")),
            "{}",
            rows.join("\n")
        );
        assert!(
            rows.iter().any(|r| r.contains("the budegt line")),
            "line {at} in sight:\n{}",
            rows.join("\n")
        );
    }
}
