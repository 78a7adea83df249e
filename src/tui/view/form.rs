//! The form: four one-line fields (To, Cc, Bcc, Subject) and the body.

use crate::tui::app::{Field, Model};
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui_textarea::TextArea;
use std::hash::{Hash, Hasher};

const LABEL_W: u16 = 10;

/// A screen this high or lower gives the rows of an empty Cc and Bcc to
/// the body (each comes back when it has the focus or any text).
const SMALL: u16 = 16;

/// The one-line fields shown on a screen `height` rows high.
fn shown_fields(model: &Model, height: u16) -> impl Iterator<Item = &'static Field> + '_ {
    Field::ALL[..4].iter().filter(move |f| {
        height > SMALL
            || !matches!(f, Field::Cc | Field::Bcc)
            || model.form.focus == **f
            || model.field(**f).lines().iter().any(|l| !l.is_empty())
            || model.error(**f).is_some()
    })
}

/// Where a one-line field is among the shown ones (rows from the first),
/// if it is shown.
pub(crate) fn field_row(model: &Model, height: u16, f: Field) -> Option<u16> {
    let mut row = 0;
    for shown in shown_fields(model, height) {
        if *shown == f {
            return Some(row);
        }
        row += if model.error(*shown).is_some() { 2 } else { 1 };
    }
    None
}

/// Rows for the one-line fields, plus one per field showing an error.
pub(crate) fn header_fields_height(model: &Model, height: u16) -> u16 {
    shown_fields(model, height)
        .map(|f| if model.error(*f).is_some() { 2 } else { 1 })
        .sum()
}

/// Draws the one-line fields; returns where the terminal cursor belongs.
pub(crate) fn draw_fields(model: &Model, frame: &mut Canvas, fields: Rect) -> Option<Position> {
    let p = model.session.palette();
    let mut cursor = None;
    let mut y = fields.y;
    for f in shown_fields(model, frame.area().height) {
        if y >= fields.bottom() {
            break;
        }
        let row = Rect::new(fields.x, y, fields.width, 1);
        if let Some(pos) = draw_line_field(model, frame, *f, row) {
            cursor = Some(pos);
        }
        y += 1;
        if let Some(err) = model.error(*f) {
            if y < fields.bottom() {
                let line = Line::from(vec![
                    Span::raw(" ".repeat(LABEL_W as usize)),
                    Span::styled(format!("{}{err}", p.say("✗ ", "error: ")), p.error()),
                ]);
                frame.render_widget(
                    Paragraph::new(line),
                    Rect::new(fields.x, y, fields.width, 1),
                );
            }
            y += 1;
        }
    }
    cursor
}

/// Everything `draw_fields` reads besides its rect (`ui::part_key` hashes
/// that), for a frame that redraws only what changed.
pub(crate) fn fields_key(model: &Model, fields: Rect, h: &mut impl Hasher) {
    model.dialog.is_none().hash(h);
    model.spell.version.hash(h);
    for f in &Field::ALL[..4] {
        (model.form.focus == *f).hash(h);
        label_style(model, *f).hash(h);
        model.error(*f).map(|e| e.to_string()).hash(h);
        let ta = model.field(*f);
        if model.form.focus == *f {
            textarea_key(ta, h);
        } else {
            let line = ta.lines().first().map(String::as_str).unwrap_or("");
            visible_text(*f, line, fields.width.saturating_sub(LABEL_W)).hash(h);
        }
    }
}

/// What a text area's drawing depends on: its text, cursor, selection and
/// where its view starts (the widget's other settings never change).
fn textarea_key(ta: &TextArea<'_>, h: &mut impl Hasher) {
    ta.lines().hash(h);
    let c = ta.cursor();
    (c.0, c.1).hash(h);
    ta.selection_range().hash(h);
    ta.scroll_offset().hash(h);
}

/// Everything `draw_body` reads besides its rect and the keymap (for the
/// attach key), which `ui::part_key` hashes for every part.
pub(crate) fn body_key(model: &Model, h: &mut impl Hasher) {
    (model.form.focus == Field::Body).hash(h);
    model.dialog.is_none().hash(h);
    body_title(model).hash(h);
    model.body_lines_total().hash(h);
    model.form.counts.hash(h);
    model.spell.version.hash(h);
    model.form.signature.hash(h);
    // The quote's fold: whether Graph has made the answer, and what it answers.
    model
        .form
        .answer
        .as_ref()
        .map(|a| (a.made(), a.title()))
        .hash(h);
    crate::tui::app::attach::summary(&model.form.files).hash(h);
    textarea_key(model.field(Field::Body), h);
}

/// Whether the completion list is on screen (it covers other panes).
pub(crate) fn suggestions_shown(model: &Model) -> bool {
    let s = &model.completion.suggest;
    !s.items.is_empty() && s.field == Some(model.form.focus) && model.dialog.is_none()
}

fn label_style(model: &Model, f: Field) -> Style {
    let p = model.session.palette();
    let focused = model.form.focus == f;
    let mut s = Style::default();
    if model.error(f).is_some() {
        s = s.patch(p.error());
    } else if focused {
        s = s.patch(p.accent());
    }
    if focused {
        s = s.add_modifier(Modifier::BOLD);
    }
    s
}

fn draw_line_field(model: &Model, frame: &mut Canvas, f: Field, row: Rect) -> Option<Position> {
    let focused = model.form.focus == f && model.dialog.is_none();
    let marker = if model.form.focus == f {
        model.session.palette().say("▸", ">")
    } else {
        " "
    };
    let label = format!("{marker}{:<w$}", f.label(), w = LABEL_W as usize - 2);
    let label_area = Rect::new(row.x, row.y, LABEL_W.min(row.width), 1);
    frame.render_widget(
        Paragraph::new(Span::styled(label, label_style(model, f))),
        label_area,
    );
    if row.width <= LABEL_W {
        return None;
    }
    let area = Rect::new(row.x + LABEL_W, row.y, row.width - LABEL_W, 1);
    let ta = model.field(f);
    if focused {
        let line = ta.lines().first().map(String::as_str).unwrap_or("");
        // The text widget keeps its view in 16-bit columns: past that it
        // would show the wrong part. Such a line is drawn here, ending at
        // the cursor, so what is typed is always in sight.
        if line.len() > LONG_LINE {
            return Some(draw_around_cursor(line, ta.cursor().1, frame, area));
        }
        render_text_area(ta, frame, area);
        if f == Field::Subject {
            let view_col = ta.scroll_offset().1 as usize;
            let rows = [(0, 0, 0, usize::MAX)];
            let misses = &model.spell.subject;
            underline_misses(model, (ta.lines(), 0), &rows, view_col, area, misses, frame);
        }
        return Some(cursor_in(ta, area));
    }
    // Unfocused: draw just the visible start, so a 500-recipient To line costs
    // nothing while typing elsewhere.
    let line = ta.lines().first().map(String::as_str).unwrap_or("");
    if line.is_empty() {
        render_text_area(ta, frame, area); // the placeholder
    } else {
        frame.render_widget(Paragraph::new(visible_text(f, line, area.width)), area);
        if f == Field::Subject {
            let rows = [(0, 0, 0, usize::MAX)];
            let misses = &model.spell.subject;
            underline_misses(model, (ta.lines(), 0), &rows, 0, area, misses, frame);
        }
    }
    None
}

fn body_title(model: &Model) -> Line<'static> {
    let answer = model
        .form
        .answer
        .as_ref()
        .map(|a| format!("· {} ", a.title()))
        .unwrap_or_default();
    // On a plain screen the focus is said, not drawn as a thick border.
    let body = if model.session.plain && model.form.focus == Field::Body {
        ">Body "
    } else {
        " Body "
    };
    Line::from(vec![
        Span::styled(body, label_style(model, Field::Body)),
        Span::styled(answer, model.session.palette().accent()),
        Span::styled(
            match model.form.more.set_count() {
                0 => format!("· {} ", model.form.body_format.label()),
                n => format!(
                    "· {} · {} set (F3) ",
                    model.form.body_format.label(),
                    crate::util::count(n, "more field", "more fields")
                ),
            },
            Style::default().add_modifier(Modifier::DIM),
        ),
    ])
}

/// Where the body's text goes inside its pane `area`: the frame's inside,
/// less a row for each fold (the answer's quote, the signature) while
/// there is room, as `draw_body` lays it out.
pub(crate) fn body_text_rect(model: &Model, area: Rect) -> Rect {
    let mut inner = Block::bordered().inner(area);
    let folds =
        usize::from(model.form.answer.is_some()) + usize::from(signature_line(model).is_some());
    for _ in 0..folds {
        if inner.height < 2 {
            break;
        }
        inner.height -= 1;
    }
    inner
}

/// The body's frame and text; returns where the cursor belongs when focused.
pub(crate) fn draw_body(model: &Model, frame: &mut Canvas, area: Rect) -> Option<Position> {
    let p = model.session.palette();
    let f = Field::Body;
    let focused = model.form.focus == f;
    let border = if focused {
        p.accent()
    } else {
        Style::default().add_modifier(Modifier::DIM)
    };
    let lines = model.body_lines_total();
    let title = body_title(model);
    let counts = {
        let (words, chars) = model.form.counts;
        let count = crate::util::count;
        format!(
            " {} · {} · {} ",
            count(words, "word", "words"),
            count(chars, "char", "chars"),
            count(lines, "line", "lines")
        )
    };
    let mut block = if p.is_plain() {
        p.bordered()
    } else {
        Block::bordered().border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
    }
    .border_style(border)
    .title(title)
    .title_bottom(Line::from(counts.clone()).right_aligned());
    // On a plain screen an underline is not enough: the misspelled words
    // are said (the first three, and how many more).
    let misses: Vec<&str> = model
        .spell
        .subject
        .iter()
        .chain(&model.spell.body)
        .map(|m| m.word.as_str())
        .collect();
    if p.is_plain() && !misses.is_empty() {
        let more = misses.len().saturating_sub(3);
        let mut said = format!(" misspelled: {}", misses[..misses.len().min(3)].join(", "));
        if more > 0 {
            said.push_str(&format!(" and {more} more"));
        }
        let key = model
            .session
            .keymap
            .keys_label(crate::tui::app::Action::Spell);
        block = block.title_bottom(Line::styled(format!("{said} ({key}) "), p.error()));
    }
    if let Some((names, waiting)) = crate::tui::app::attach::summary(&model.form.files) {
        let key = model
            .session
            .keymap
            .keys_label(crate::tui::app::Action::Attach);
        // As many names as fit beside the counts, then how many more.
        let taken = unicode_width::UnicodeWidthStr::width(counts.as_str());
        let budget = (area.width as usize).saturating_sub(taken + 16 + key.len());
        let files = names_that_fit(&names, waiting, budget);
        block = block.title_bottom(Line::from(vec![
            Span::styled(" Attached: ", p.accent()),
            Span::raw(format!("{files} ")),
            Span::styled(
                format!("({key}) "),
                Style::default().add_modifier(Modifier::DIM),
            ),
        ]));
    }
    let mut inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return None;
    }
    // An answer: the quote Graph made follows what is typed, folded to one
    // line at the foot of the body (Alt-Q reads it whole); the signature
    // goes between them, one line naming it.
    let folds = [
        model.form.answer.as_ref().map(|a| {
            (
                if a.made() {
                    p.say("┄ quoted below: ", "quoted below: ")
                } else {
                    p.say(
                        "┄ being made by Graph, the quote goes below: ",
                        "being made by Graph, the quote goes below: ",
                    )
                },
                format!("{} · {} ", a.original_from, a.original_subject),
                crate::tui::app::Action::Quote,
                "reads it",
            )
        }),
        signature_line(model).map(|l| {
            (
                p.say("┄ signature: ", "signature: "),
                format!("{l} "),
                crate::tui::app::Action::Signature,
                "drops it",
            )
        }),
    ];
    for (what, text, action, does) in folds.into_iter().flatten() {
        if inner.height < 2 {
            break;
        }
        inner.height -= 1;
        let key = model.session.keymap.keys_label(action);
        let fold = Line::from(vec![
            Span::styled(what, p.accent()),
            Span::styled(text, Style::default().add_modifier(Modifier::DIM)),
            Span::styled(format!("({key} {does})"), p.accent()),
        ]);
        let foot = Rect {
            y: inner.y + inner.height,
            height: 1,
            ..inner
        };
        frame.render_widget(Paragraph::new(fold), foot);
    }
    debug_assert_eq!(body_text_rect(model, area), inner);
    let ta = model.field(f);
    let on_long_line = || {
        let row = ta.cursor().0;
        ta.lines()
            .get(row)
            .is_some_and(|l| l.len() > Model::LONG_LINE)
    };
    if model.form.body_long && on_long_line() {
        return draw_long_body(ta, frame, inner).filter(|_| focused && model.dialog.is_none());
    }
    render_text_area(ta, frame, inner);
    if !model.spell.body.is_empty() && !ta.is_empty() {
        let first = model.form.body_outside.before.len();
        let rows = shown_rows(ta, inner);
        underline_misses(
            model,
            (ta.lines(), first),
            &rows,
            0,
            inner,
            &model.spell.body,
            frame,
        );
    }
    (focused && model.dialog.is_none()).then(|| cursor_in(ta, inner))
}

/// The draft's signature as one line of text (`Dana Park · Contoso`).
fn signature_line(model: &Model) -> Option<String> {
    use crate::core::content::BodyFormat;
    let s = model.form.signature.as_ref()?;
    let text = match s.format {
        BodyFormat::Html => crate::core::content::html_text(&s.text),
        _ => s.text.clone(),
    };
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect();
    Some(crate::util::sanitize::line(&lines.join(" · ")))
}

/// The rows a wrapping text widget shows in `area` after drawing: (screen
/// row, line, first character, end character or `usize::MAX`).
fn shown_rows(ta: &TextArea<'_>, area: Rect) -> Vec<(u16, usize, usize, usize)> {
    let top = ta.scroll_offset().0 as usize;
    let mut rows = Vec::with_capacity(area.height as usize);
    let mut last = None;
    for r in 0..area.height {
        let ratatui_textarea::DataCursor(row, start) = ta.screen_to_data(top + r as usize, 0);
        if last == Some((row, start)) {
            break; // past the text's end
        }
        last = Some((row, start));
        let next = ta.screen_to_data(top + r as usize + 1, 0);
        let end = if next.0 == row && next.1 > start {
            next.1
        } else {
            usize::MAX
        };
        rows.push((r, row, start, end));
    }
    rows
}

/// Underlines the misspelled words shown in `area` where the text still
/// says them. `rows`: what each screen row shows ([`shown_rows`]); `first`:
/// the whole text's line number of `lines[0]`; `view_col`: the column the
/// view starts at (a one-line field scrolled sideways). Costs nothing
/// without misspelled words.
fn underline_misses(
    model: &Model,
    (lines, first): (&[String], usize),
    rows: &[(u16, usize, usize, usize)],
    view_col: usize,
    area: Rect,
    misses: &[crate::core::spell::Miss],
    frame: &mut Canvas,
) {
    use unicode_width::UnicodeWidthChar;
    let style = Style::default()
        .add_modifier(Modifier::UNDERLINED)
        .underline_color(model.session.palette().error().fg.unwrap_or_default());
    for &(r, row, start, end) in rows {
        let Some(text) = lines.get(row) else { break };
        let whole = first + row;
        let from = misses.partition_point(|m| m.line < whole);
        for m in misses[from..].iter().take_while(|m| m.line == whole) {
            if m.end <= start || m.start >= end || !crate::tui::app::spell::still_there(text, m) {
                continue;
            }
            let mut x = 0usize;
            for (k, c) in text.chars().enumerate().skip(start) {
                if k >= end.min(m.end) {
                    break;
                }
                let w = if c == '\t' { 4 } else { c.width().unwrap_or(0) };
                if k >= m.start && x >= view_col {
                    let cx = area.x as usize + x - view_col;
                    if cx + w > area.right() as usize {
                        break;
                    }
                    for dx in 0..w {
                        if let Some(cell) = frame
                            .buffer_mut()
                            .cell_mut((cx as u16 + dx as u16, area.y + r))
                        {
                            cell.set_style(style);
                        }
                    }
                }
                x += w;
            }
        }
    }
}

/// The completion list, just under the focused recipient field.
pub(crate) fn draw_suggestions(model: &Model, frame: &mut Canvas, fields: Rect) {
    let s = &model.completion.suggest;
    if !suggestions_shown(model) {
        return;
    }
    // The field's row: one per field above it, plus one per error line.
    let mut y = fields.y;
    for f in &Field::ALL[..4] {
        if *f == model.form.focus {
            break;
        }
        y += if model.error(*f).is_some() { 2 } else { 1 };
    }
    let area = frame.area();
    let top = y + 1;
    let x = fields.x + LABEL_W.min(fields.width);
    let w = area.width.saturating_sub(x).min(60);
    let h = (s.items.len() as u16 + 2).min(area.height.saturating_sub(top));
    if w < 8 || h < 3 {
        return;
    }
    let lines: Vec<Line> = s
        .items
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let text = crate::core::address::format_list(std::slice::from_ref(a));
            let style = if i == s.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::styled(text, style)
        })
        .collect();
    let rect = Rect::new(x, top, w, h);
    frame.render_widget(ratatui::widgets::Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(
            model
                .session
                .palette()
                .bordered()
                .title(" ↑↓ Tab ")
                .border_style(Style::default().add_modifier(Modifier::DIM)),
        ),
        rect,
    );
}

/// The longest start of `line` that fits in `width` cells.
/// Lines longer than this (in bytes, so at most this many columns) are drawn
/// without the text widget; well under its 65,535-column view.
const LONG_LINE: usize = 60_000;

/// Draws the part of `line` that ends at the cursor (character `col`), the
/// cursor one column from the right edge; returns the cursor's position.
fn draw_around_cursor(line: &str, col: usize, frame: &mut Canvas, area: Rect) -> Position {
    use unicode_width::UnicodeWidthChar;
    let at = line
        .char_indices()
        .nth(col)
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    let room = area.width.saturating_sub(1) as usize;
    let mut start = at;
    let mut used = 0usize;
    for (i, c) in line[..at].char_indices().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        start = i;
    }
    let shown = visible_prefix(&line[start..], area.width);
    frame.render_widget(Paragraph::new(shown), area);
    Position::new(area.x + used as u16, area.y)
}

/// A body holding a line longer than [`Model::LONG_LINE`]: the text widget
/// does not wrap it (that would cost each key a pass over the line), so the
/// rows are drawn here, wrapped by character, a pane's worth around the
/// cursor. The rows are counted from a fixed point before the cursor (a
/// whole number of ASCII pages back), so they stay put while typing. Only
/// the cursor's line shows while it is a long one.
fn draw_long_body(ta: &TextArea<'_>, frame: &mut Canvas, area: Rect) -> Option<Position> {
    use unicode_width::UnicodeWidthChar;
    let ratatui_textarea::DataCursor(row, col) = ta.cursor();
    let line = ta.lines().get(row).map(String::as_str).unwrap_or("");
    let (w, h) = (area.width as usize, area.height as usize);
    if w < 2 || h == 0 {
        return None;
    }
    // Wrap from a fixed anchor: a whole number of pages of characters back.
    let page = w * h;
    let anchor = col - col % (page * (4096 / page).max(1));
    let from = line
        .char_indices()
        .nth(anchor)
        .map_or(line.len(), |(b, _)| b);
    let mut starts = Vec::new(); // the byte each row starts at
    let (mut start, mut used) = (from, 0usize);
    let mut cursor = None; // (row, column)
    for (k, (b, c)) in line[from..].char_indices().enumerate() {
        let cw = c.width().unwrap_or(1);
        if used + cw > w && used > 0 {
            starts.push(start);
            (start, used) = (from + b, 0);
            if cursor.is_some_and(|(r, _)| starts.len() >= r + h) {
                break;
            }
        }
        if anchor + k == col {
            cursor = Some((starts.len(), used));
        }
        used += cw;
    }
    let cursor = cursor.unwrap_or_else(|| {
        // At the line's end.
        if used >= w {
            starts.push(start);
            (start, used) = (line.len(), 0);
        }
        (starts.len(), used)
    });
    starts.push(start);
    // Pages of `h` rows: the one holding the cursor.
    let top = cursor.0 - cursor.0 % h;
    for (i, &s) in starts.iter().enumerate().skip(top).take(h) {
        let end = starts.get(i + 1).copied().unwrap_or(line.len());
        let text = crate::util::sanitize::clean(visible_prefix(&line[s..end], area.width), false);
        let at = Rect::new(area.x, area.y + (i - top) as u16, area.width, 1);
        frame.render_widget(Paragraph::new(text), at);
    }
    Some(Position::new(
        area.x + cursor.1.min(w - 1) as u16,
        area.y + (cursor.0 - top) as u16,
    ))
}

/// A text area as the widget draws it, except its placeholder, which starts
/// where typed text starts (the widget puts a cursor cell before it; graft
/// shows the terminal's own cursor there, over the placeholder's start).
fn render_text_area(ta: &TextArea<'_>, frame: &mut Canvas, area: Rect) {
    if ta.is_empty() && !ta.placeholder().lines.is_empty() {
        frame.render_widget(Paragraph::new(ta.placeholder().clone()), area);
    } else {
        frame.render_widget(ta, area);
    }
}

/// `a.pdf 1 KB · b.png 2 KB · …and 3 more (1 to upload)` in `width`
/// columns at most: the names that fit whole, then how many more.
fn names_that_fit(names: &[String], waiting: usize, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let tail = if waiting > 0 {
        format!(" ({waiting} to upload)")
    } else {
        String::new()
    };
    let mut out = String::new();
    for (i, n) in names.iter().enumerate() {
        let next = if out.is_empty() {
            n.clone()
        } else {
            format!("{out} · {n}")
        };
        let rest = names.len() - i - 1;
        let more = if rest > 0 {
            format!(" · …and {rest} more").width()
        } else {
            0
        };
        if next.width() + more + tail.width() > width {
            let left = names.len() - i;
            if out.is_empty() {
                return format!("{} files{tail}", left);
            }
            return format!("{out} · …and {left} more{tail}");
        }
        out = next;
    }
    out + &tail
}

/// What an unfocused field shows of its line in `width` columns: a
/// recipient field the recipients that fit whole and how many more
/// (`a@x.com, b@y.com … +3 more`), any other the start of its text.
fn visible_text(f: Field, line: &str, width: u16) -> std::borrow::Cow<'_, str> {
    use unicode_width::UnicodeWidthStr;
    let w = width as usize;
    if f == Field::Subject || line.width() <= w {
        return visible_prefix(line, width).into();
    }
    // Recipients: split at commas and semicolons outside quotes.
    let mut parts: Vec<&str> = Vec::new();
    let (mut quoted, mut from) = (false, 0);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => {
                parts.push(&line[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&line[from..]);
    let parts: Vec<&str> = parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let total = parts.len();
    let more = |n: usize| format!(" … +{n} more");
    let mut shown = String::new();
    for (i, p) in parts.iter().enumerate() {
        let next = if shown.is_empty() {
            p.to_string()
        } else {
            format!("{shown}, {p}")
        };
        let rest = total - i - 1;
        let tail = if rest > 0 { more(rest).width() } else { 0 };
        if next.width() + tail > w {
            if shown.is_empty() && total == 1 {
                return visible_prefix(line, width).into();
            }
            if shown.is_empty() {
                // Not even the first fits: its start, cut, then the count.
                let tail = more(total - 1);
                let room = w.saturating_sub(tail.width() + 1) as u16;
                return format!("{}…{tail}", visible_prefix(p, room)).into();
            }
            shown.push_str(&more(total - i));
            return shown.into();
        }
        shown = next;
    }
    shown.into()
}

fn visible_prefix(line: &str, width: u16) -> &str {
    let mut used = 0usize;
    for (i, c) in line.char_indices() {
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used > width as usize {
            return &line[..i];
        }
    }
    line
}

/// The screen position of a text area's cursor, after it was rendered into `area`.
fn cursor_in(ta: &TextArea<'_>, area: Rect) -> Position {
    let sc = ta.screen_cursor();
    let (top_row, top_col) = ta.scroll_offset();
    let dx = (sc.col as u16).saturating_sub(top_col);
    let dy = (sc.row as u16).saturating_sub(top_row);
    Position::new(
        (area.x + dx).min(area.right().saturating_sub(1)),
        (area.y + dy).min(area.bottom().saturating_sub(1)),
    )
}
