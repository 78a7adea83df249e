//! `view`: draws the model. Pure: it reads the `Model` and writes the frame.

pub(crate) mod canvas;
mod dialog;
mod form;
mod markdown;
pub mod screen;
pub(crate) mod status;
mod wrap;
pub(crate) use canvas::Canvas;

use crate::tui::app::Model;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Draws the whole screen.
pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    let mut canvas = Canvas::new(frame.buffer_mut(), area).with_palette(model.session.palette());
    draw_all(model, &mut canvas);
    if let Some(p) = canvas.cursor {
        frame.set_cursor_position(p);
    }
}

/// The screen's parts, top to bottom. They tile the screen; anything drawn
/// over them (dialogs, the completion list) is an overlay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    Header,
    Fields,
    Body,
    Status,
    Footer,
}

impl Part {
    pub(crate) const ALL: [Part; 5] = [
        Part::Header,
        Part::Fields,
        Part::Body,
        Part::Status,
        Part::Footer,
    ];
}

/// How one frame divides the screen.
pub(crate) struct Plan<'m> {
    rects: [Rect; 5],
    status: status::Pane<'m>,
    /// A dialog or the completion list covers several parts.
    pub(crate) overlay: bool,
}

impl Plan<'_> {
    pub(crate) fn rect(&self, part: Part) -> Rect {
        self.rects[part as usize]
    }
}

/// The layout of a frame; `None` when the screen is too small to draw on.
pub(crate) fn plan(model: &Model, area: Rect) -> Option<Plan<'_>> {
    if area.width < 2 || area.height < 2 {
        return None;
    }
    let fields_h = form::header_fields_height(model, area.height);
    let status = status::pane(model, area.width, area.height);
    let status_h = status::height(&status, area.height);
    Some(Plan {
        rects: stack(area, fields_h, status_h),
        status,
        overlay: model.dialog.is_some() || form::suggestions_shown(model),
    })
}

/// The parts' rows, top to bottom: a row each for the header and the footer,
/// the fields' and the status pane's heights, and the rest (at least 3) for
/// the body. When they fit, that is plain addition, which is what the layout
/// solver gives (a test holds the two equal) without its cost on every
/// frame, the first one most of all (0.15 ms cold); a screen too small for
/// them all is left to the solver.
fn stack(area: Rect, fields_h: u16, status_h: u16) -> [Rect; 5] {
    let fixed = 2u16.saturating_add(fields_h).saturating_add(status_h);
    let Some(body) = area.height.checked_sub(fixed).filter(|b| *b >= 3) else {
        return solved(area, fields_h, status_h);
    };
    let mut y = area.y;
    [1, fields_h, body, status_h, 1].map(|h| {
        let r = Rect::new(area.x, y, area.width, h);
        y += h;
        r
    })
}

/// The parts' rows as the layout solver places them.
fn solved(area: Rect, fields_h: u16, status_h: u16) -> [Rect; 5] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(fields_h),
        Constraint::Min(3),
        Constraint::Length(status_h),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// Where the frame after typing `c` into the body will put it, and in
/// which style, asked *before* `update` handles the key (whose text layout
/// costs more than the rest of the key's way to the screen): known when the
/// body has the focus, nothing covers it, nothing is selected, `c` takes one
/// column and no key binding, and the cursor sits at the end of its line
/// with room to spare before the pane's right edge, so the text neither
/// shifts, wraps nor scrolls. The loop writes `c` there at once (the echo),
/// then updates and draws the frame, which compares against that cell like
/// any shown one: a guess that turned out wrong is put right in that frame.
/// `body` is where the last frame drew the body's pane.
pub fn echo_at(model: &Model, body: Rect, c: char) -> Option<(ratatui::layout::Position, Style)> {
    use crate::tui::app::Field;
    let plain = c.is_ascii_graphic() || c == ' ';
    if !plain
        || model.dialog.is_some()
        || model.form.focus != Field::Body
        || model.form.body_long
        || form::suggestions_shown(model)
        || model
            .session
            .keymap
            .action_for(&crate::tui::app::update::char_key(c))
            .is_some()
    {
        return None;
    }
    let ta = model.field(Field::Body);
    let ratatui_textarea::DataCursor(row, col) = ta.cursor();
    if ta.is_selecting() || ta.lines().get(row)?.chars().count() != col {
        return None;
    }
    let inner = form::body_text_rect(model, body);
    let sc = ta.screen_cursor();
    let (top, left) = ta.scroll_offset();
    let (top, left) = (top as usize, left as usize);
    let (height, width) = (inner.height as usize, inner.width as usize);
    // Two columns to spare: the character and the cursor after it.
    if sc.row < top || sc.row >= top + height || sc.col < left || sc.col - left + 2 >= width {
        return None;
    }
    let x = inner.x + (sc.col - left) as u16;
    let y = inner.y + (sc.row - top) as u16;
    Some((ratatui::layout::Position::new(x, y), ta.style()))
}

/// The screen row of a field's cursor (the Subject's row, or the body's
/// cursor row in its pane), if it is on screen: a dialog about the text
/// there keeps clear of it.
pub(crate) fn cursor_row(model: &Model, area: Rect, field: crate::tui::app::Field) -> Option<u16> {
    use crate::tui::app::Field;
    let plan = plan(model, area)?;
    match field {
        Field::Body => {
            let inner = form::body_text_rect(model, plan.rect(Part::Body));
            let ta = model.field(Field::Body);
            let row = ta.screen_cursor().row as u16;
            let top = ta.scroll_offset().0;
            (row >= top && row - top < inner.height).then(|| inner.y + row - top)
        }
        f => {
            let fields = plan.rect(Part::Fields);
            let at = form::field_row(model, area.height, f)?;
            (at < fields.height).then(|| fields.y + at)
        }
    }
}

/// Draws one part of the screen; a focused field there sets the cursor.
pub(crate) fn draw_part(model: &Model, plan: &Plan<'_>, part: Part, frame: &mut Canvas) {
    let area = plan.rect(part);
    match part {
        Part::Header => draw_header(model, frame, area),
        Part::Fields => {
            if let Some(pos) = form::draw_fields(model, frame, area) {
                frame.set_cursor_position(pos);
            }
        }
        Part::Body => {
            if let Some(pos) = form::draw_body(model, frame, area) {
                frame.set_cursor_position(pos);
            }
        }
        Part::Status => status::draw(&plan.status, frame, area),
        Part::Footer => draw_footer(model, frame, area),
    }
}

/// A fingerprint of everything `draw_part` reads for `part`: equal keys, equal
/// cells. Frames skip the parts whose key did not change.
pub(crate) fn part_key(model: &Model, plan: &Plan<'_>, part: Part) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = foldhash::fast::FixedState::with_seed(0).build_hasher();
    let area = plan.rect(part);
    area.hash(&mut h);
    match part {
        Part::Header => header_line(model, false).hash(&mut h),
        Part::Fields => form::fields_key(model, area, &mut h),
        Part::Body => form::body_key(model, &mut h),
        Part::Status => plan.status.hash(&mut h),
        // The footer is the keymap's; the keymap is hashed for every part.
        Part::Footer => {}
    }
    // Session-wide settings every part is drawn with.
    (
        model.session.no_color,
        model.session.plain,
        &model.session.theme,
        &model.session.keymap,
    )
        .hash(&mut h);
    h.finish()
}

/// Draws the whole screen into `frame`.
pub(crate) fn draw_all(model: &Model, frame: &mut Canvas) {
    let Some(plan) = plan(model, frame.area()) else {
        return;
    };
    draw_part(model, &plan, Part::Header, frame);
    draw_part(model, &plan, Part::Fields, frame);
    draw_part(model, &plan, Part::Body, frame);
    form::draw_suggestions(model, frame, plan.rect(Part::Fields));
    draw_part(model, &plan, Part::Status, frame);
    draw_part(model, &plan, Part::Footer, frame);
    let cursor = frame.cursor.take();
    draw_overlays(model, frame, frame.area(), cursor);
}

fn draw_overlays(
    model: &Model,
    frame: &mut Canvas,
    area: Rect,
    cursor: Option<ratatui::layout::Position>,
) {
    // The spelling dialog keeps clear of the line its word is on.
    let word_row = match &model.dialog {
        Some(crate::tui::app::state::dialogs::Dialog::Spell(d)) => cursor_row(model, area, d.field),
        _ => None,
    };
    let dialog_cursor = dialog::draw(model, frame, area, word_row);
    // The form's cursor shows only while no dialog is over it; a dialog's
    // is its field's insertion point, its list's selected row, or else the
    // start of its text (its box set that), so a screen reader reads the
    // dialog.
    let cursor = if model.dialog.is_some() {
        dialog_cursor.or(frame.cursor.take())
    } else {
        cursor
    };
    if let Some(pos) = cursor {
        frame.set_cursor_position(pos);
    }
}

/// The header's left part (program, demo badge, save state) and right part (mailbox · folder).
/// The header: `graft`, the demo's badge, the draft's state on the left;
/// whose mailbox and which folder on the right. `short` says less (the
/// badge as `DEMO`, the state in one word), for a narrow screen.
fn header_line(model: &Model, short: bool) -> (Line<'static>, String) {
    let p = model.session.palette();
    let mut spans = vec![Span::styled(
        " graft ",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if model.session.demo {
        spans.push(Span::styled(
            if short {
                " DEMO "
            } else {
                " DEMO · local emulator, not a real mailbox "
            },
            p.badge().add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
    }
    let (state, style) = if model.save.in_flight.is_some() {
        ("saving…", p.warn())
    } else if model.save.retry.as_ref().is_some_and(|w| w.offline) {
        ("offline · save queued", p.warn())
    } else if model.save.retry.is_some() {
        ("save queued", p.warn())
    } else if model.is_dirty() && short {
        (p.say("● unsaved", "unsaved"), p.warn())
    } else if model.is_dirty() {
        (p.say("● unsaved changes", "unsaved changes"), p.warn())
    } else if model.save.server.id.is_some() {
        (p.say("✓ saved", "saved"), p.ok())
    } else {
        ("new draft", Style::default().add_modifier(Modifier::DIM))
    };
    spans.push(Span::styled(state, style));
    let left = Line::from(spans);
    let right = format!(
        "{} · {} ",
        model.session.mailbox.owner_label(),
        model.session.mailbox.folder_label()
    );
    (left, right)
}

fn draw_header(model: &Model, frame: &mut Canvas, area: Rect) {
    // A screen too short for it gives the header no row: nothing is drawn.
    if area.height == 0 {
        return;
    }
    // The whole header if it fits; else the short one, which keeps the
    // state and the mailbox in sight (the folder alone, if need be).
    let fits = |(l, r): &(Line<'static>, String)| {
        area.width as usize > l.width() + unicode_width::UnicodeWidthStr::width(r.as_str())
    };
    let mut line = header_line(model, false);
    if !fits(&line) {
        line = header_line(model, true);
    }
    if !fits(&line) {
        line.1 = format!("{} ", model.session.mailbox.folder_label());
    }
    let (left, right) = line;
    let right_w = unicode_width::UnicodeWidthStr::width(right.as_str()) as u16;
    let left_w = left.width() as u16;
    frame.render_widget(Paragraph::new(left), area);
    if area.width > right_w + left_w {
        let r = Rect::new(area.right() - right_w, area.y, right_w, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(
                right,
                Style::default().add_modifier(Modifier::DIM),
            )),
            r,
        );
    }
}

fn draw_footer(model: &Model, frame: &mut Canvas, area: Rect) {
    let mut items = model.session.keymap.footer();
    // ` ^S ` + ` save ` each; on a narrow screen the keys before the last
    // (quit) go first, help and save stay: F1 lists them all.
    let width = |items: &[(String, String)]| -> usize {
        items
            .iter()
            .map(|(k, l)| k.chars().count() + l.chars().count() + 4)
            .sum()
    };
    while width(&items) > area.width as usize && items.len() > 3 {
        items.remove(items.len() - 2);
    }
    let mut spans = Vec::new();
    for (key, label) in items {
        spans.push(Span::styled(
            format!(" {key} "),
            Style::default().add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(format!(" {label} ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The parts' rows by addition are the solver's, for every fields and
    /// status height, at the heights where they stop fitting, the tiniest
    /// and a tall one. (The solver is slow in test builds: no wider grid.)
    #[test]
    fn stack_is_the_solvers_layout() {
        for fields_h in 0..=6u16 {
            for status_h in 0..=12u16 {
                let fits = fields_h + status_h + 5;
                for height in (fits - 3..=fits + 2).chain([0, 1, 2, 100]) {
                    let area = Rect::new(3, 2, 80, height);
                    assert_eq!(
                        stack(area, fields_h, status_h),
                        solved(area, fields_h, status_h),
                        "height {height}, fields {fields_h}, status {status_h}"
                    );
                }
            }
        }
    }
}
