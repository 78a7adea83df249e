//! F1: every key, from the keymap, in two columns that fit the screen;
//! scrolled when it is taller than the screen.

use super::frame::centered;
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

pub(super) fn draw(model: &Model, scroll: u16, frame: &mut Canvas, area: Rect) {
    let p = model.session.palette();
    let key_style = p.accent().add_modifier(Modifier::BOLD);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let km = &model.session.keymap;
    let rows: Vec<(String, &str)> = km
        .bindings
        .iter()
        .map(|b| {
            let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
            (keys.join(" "), b.help.as_str())
        })
        .collect();
    let editing: Vec<(String, &str)> = km
        .editing
        .iter()
        .map(|e| (e.keys.clone(), e.help.as_str()))
        .collect();
    let w = area.width.min(100);
    let inner = w.saturating_sub(2) as usize;
    // The key column is as wide as its widest entry, at most 40% of the box:
    // a wider entry wraps in its column instead of running into the text.
    let widest = rows
        .iter()
        .chain(&editing)
        .map(|(k, _)| k.width())
        .max()
        .unwrap_or(0);
    let col = (widest + 2).min(inner * 2 / 5).max(4);
    let mut lines = vec![Line::styled("Keys", bold)];
    let two_columns = |lines: &mut Vec<Line<'static>>, list: &[(String, &str)]| {
        for (keys, help) in list {
            lines.extend(hanging(keys, help, col, inner, key_style));
        }
    };
    two_columns(&mut lines, &rows);
    lines.push(Line::raw(""));
    lines.push(Line::styled("Editing", bold));
    two_columns(&mut lines, &editing);
    lines.push(Line::raw(""));
    let mailbox = format!(
        "Drafts go to {} · {} at {}",
        model.session.mailbox.owner_label(),
        model.session.mailbox.folder_label(),
        model.session.graph_url
    );
    lines.extend(wrap_plain(&mailbox, inner).into_iter().map(Line::from));
    let total = lines.len() as u16;
    let height = total.saturating_add(2).min(area.height);
    let shown = height.saturating_sub(2);
    let scroll = scroll.min(total.saturating_sub(shown));
    let hint = if total > shown {
        let keys = km
            .hints(Context::Help)
            .into_iter()
            .map(|(_, k, h)| format!("{k} {h}"))
            .collect::<Vec<_>>()
            .join(" · ");
        format!(" {keys} · any other key closes ")
    } else {
        " any key closes ".to_string()
    };
    let rect = centered(area, w, height);
    frame.render_widget(Clear, rect);
    let block = p
        .bordered()
        .title(" Help ")
        .border_style(p.accent())
        .title_bottom(
            Line::styled(hint, Style::default().add_modifier(Modifier::DIM)).right_aligned(),
        );
    let body = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), body);
    // The cursor at the start of the text, where a screen reader begins.
    frame.set_cursor_position(ratatui::layout::Position::new(body.x, body.y));
}

/// `keys` in a column `col` wide and `help` beside it, both wrapped within
/// `width`; the help's later rows start under its first.
fn hanging(
    keys: &str,
    help: &str,
    col: usize,
    width: usize,
    key_style: Style,
) -> Vec<Line<'static>> {
    let text_w = width.saturating_sub(col).max(1);
    let key_rows = wrap_plain(keys, col.saturating_sub(1).max(1));
    let help_rows = wrap_plain(help, text_w);
    let n = key_rows.len().max(help_rows.len());
    (0..n)
        .map(|i| {
            let k = key_rows.get(i).cloned().unwrap_or_default();
            let h = help_rows.get(i).cloned().unwrap_or_default();
            let pad = col.saturating_sub(k.width());
            Line::from(vec![
                Span::styled(format!("{k}{}", " ".repeat(pad)), key_style),
                Span::raw(h),
            ])
        })
        .collect()
}

/// `text` in rows at most `width` columns wide, wrapped as the status pane
/// wraps (at spaces; a word wider than a row is cut).
fn wrap_plain(text: &str, width: usize) -> Vec<String> {
    let mut rows = Vec::new();
    super::super::wrap::wrap_line(Line::from(text), width, &mut rows);
    rows.iter()
        .map(|r| r.to_string().trim_end().to_string())
        .collect()
}
