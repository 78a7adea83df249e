//! What every dialog is drawn with: a centred box, a list, a text box, and
//! the hint lines from the keymap.

use crate::config::keymap::{Context, DialogAction};
use crate::config::theme::Palette;
use crate::tui::app::Model;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, List, ListItem, ListState, Paragraph, Wrap};

/// A box as large as the screen allows (100 wide at most) with `lines`
/// scrolled by `scroll` (stopped at the end), `bottom` lines under them and
/// `hint` in the bottom border.
pub(super) fn text_box(
    frame: &mut Canvas,
    area: Rect,
    title: &str,
    (lines, scroll): (Vec<Line<'_>>, u16),
    bottom: Vec<Line<'_>>,
    hint: Line<'_>,
) {
    let p = frame.palette();
    let w = area.width.min(100);
    let inner_w = w.saturating_sub(2);
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let total = para.line_count(inner_w) as u16;
    let foot = Paragraph::new(bottom).wrap(Wrap { trim: false });
    let fh = foot.line_count(inner_w) as u16;
    let h = (total + fh + 2).min(area.height);
    let rect = centered(area, w, h);
    frame.render_widget(Clear, rect);
    let block = p
        .bordered()
        .title(title.to_string())
        .border_style(p.warn())
        .title_bottom(hint.right_aligned());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // The cursor at the start of the text, where a screen reader begins.
    frame.set_cursor_position(Position::new(inner.x, inner.y));
    let shown = inner.height.saturating_sub(fh);
    let scroll = scroll.min(total.saturating_sub(shown));
    let text_area = Rect {
        height: shown,
        ..inner
    };
    frame.render_widget(para.scroll((scroll, 0)), text_area);
    if fh > 0 {
        let foot_area = Rect {
            y: inner.y + shown,
            height: fh.min(inner.height),
            ..inner
        };
        frame.render_widget(foot, foot_area);
    }
}

/// A box `w` × `h` in the middle of `area` (clipped to it).
pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    area.centered(Constraint::Length(w), Constraint::Length(h))
}

/// Draws `lines` in a bordered box centred in `area`; returns the box.
pub(super) fn popup(
    frame: &mut Canvas,
    area: Rect,
    lines: Vec<Line<'_>>,
    title: &str,
    width: u16,
) -> Rect {
    let p = frame.palette();
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let w = area.width.min(width);
    let rect = centered(area, w, para.line_count(w.saturating_sub(2)) as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        para.block(p.bordered().title(title).border_style(p.warn())),
        rect,
    );
    // The cursor at the start of the text (a dialog with a field or a list
    // puts it there instead).
    frame.set_cursor_position(Position::new(rect.x + 1, rect.y + 1));
    rect
}

/// A box with `head` lines, a list that scrolls to keep `selected` in view
/// (ratatui's `List` and `ListState`), and `tail` lines, centred in `area`.
/// Returns the start of the selected row: the terminal's cursor goes there,
/// so a screen reader or braille display reads the line the user is on.
pub(super) fn list_popup(
    frame: &mut Canvas,
    area: Rect,
    title: &str,
    width: u16,
    (head, items, selected, tail): (Vec<Line<'_>>, Vec<ListItem<'_>>, usize, Vec<Line<'_>>),
) -> Option<Position> {
    let p = frame.palette();
    let w = area.width.min(width);
    let inner_w = w.saturating_sub(2);
    let head = Paragraph::new(head).wrap(Wrap { trim: false });
    let tail = Paragraph::new(tail).wrap(Wrap { trim: false });
    let (hh, th) = (
        head.line_count(inner_w) as u16,
        tail.line_count(inner_w) as u16,
    );
    let heights: Vec<u16> = items.iter().map(|i| i.height() as u16).collect();
    let rows: u16 = heights.iter().sum();
    let room = area.height.saturating_sub(hh + th + 2).max(1);
    // A list longer than the room says so on a row of its own.
    let cut = rows > room && room > 1;
    let rect = centered(area, w, hh + th + rows.min(room) + 2);
    frame.render_widget(Clear, rect);
    let block = p.bordered().title(title).border_style(p.warn());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [top, list, more, bottom] = inner.layout(&Layout::vertical([
        Constraint::Length(hh),
        Constraint::Fill(1),
        Constraint::Length(u16::from(cut)),
        Constraint::Length(th),
    ]));
    frame.render_widget(head, top);
    let total = items.len();
    let mut state = ListState::default().with_selected(Some(selected));
    let list_widget = List::new(items)
        .highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .highlight_symbol(p.say("▸ ", "> "));
    frame.render_stateful_widget(list_widget, list, &mut state);
    if cut {
        let first = state.offset().min(total);
        let mut used = 0u16;
        let shown = heights[first..]
            .iter()
            .take_while(|h| {
                used += **h;
                used <= list.height
            })
            .count();
        let below = total.saturating_sub(first + shown);
        let said = match (first, below) {
            (0, b) => format!("  …and {b} more (↓)"),
            (a, 0) => format!("  {a} above (↑)"),
            (a, b) => format!("  {a} above, {b} more below (↑/↓)"),
        };
        frame.render_widget(Paragraph::new(Line::styled(said, dim())), more);
    }
    frame.render_widget(tail, bottom);
    let offset = state.offset().min(selected);
    let above: u16 = heights.get(offset..selected)?.iter().sum();
    (selected < heights.len() && above < list.height).then(|| Position::new(list.x, list.y + above))
}

pub(super) fn key(p: Palette) -> Style {
    p.accent().add_modifier(Modifier::BOLD)
}

pub(super) fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

/// A dialog's hint line from the keymap (`Enter restore  ↑/↓ choose …`),
/// with only the actions `keep` allows.
pub(super) fn hint_line(
    model: &Model,
    context: Context,
    keep: impl Fn(DialogAction) -> bool,
) -> Line<'static> {
    let p = model.session.palette();
    let mut spans = Vec::new();
    for (action, keys, hint) in model.session.keymap.hints(context) {
        if !keep(action) {
            continue;
        }
        spans.push(Span::styled(format!(" {keys}"), key(p)));
        spans.push(Span::raw(format!(" {hint} ")));
    }
    Line::from(spans)
}

/// One hint a line, for the short question dialogs: `s  save, then quit`.
pub(super) fn hint_rows(model: &Model, context: Context) -> Vec<Line<'static>> {
    let p = model.session.palette();
    model
        .session
        .keymap
        .hints(context)
        .into_iter()
        .map(|(_, keys, hint)| {
            Line::from(vec![
                Span::styled(keys, key(p)),
                Span::raw(format!("  {hint}")),
            ])
        })
        .collect()
}
