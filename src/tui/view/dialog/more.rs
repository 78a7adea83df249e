//! F3: the fields most drafts do without.

use super::frame::centered;
use crate::tui::app::Model;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

/// The F3 panel; returns where the cursor goes when a text row has the focus.
pub(super) fn draw(
    model: &Model,
    row: crate::tui::app::state::dialogs::Row,
    frame: &mut Canvas,
    area: Rect,
) -> Option<ratatui::layout::Position> {
    let p = model.session.palette();
    use crate::tui::app::state::dialogs::Row;
    let m = &model.form.more;
    let check = |b: bool| if b { "[x]" } else { "[ ]" };
    let values = [
        String::new(),
        format!("‹ {} ›", m.importance.as_str()),
        check(m.read_receipt).to_string(),
        check(m.delivery_receipt).to_string(),
        String::new(),
        check(m.flagged).to_string(),
    ];
    let w = area.width.min(76);
    let h = (Row::ALL.len() as u16 + 5).min(area.height);
    let rect = centered(area, w, h);
    frame.render_widget(Clear, rect);
    let block = p
        .bordered()
        .title(" More fields (F3 or Esc closes) ")
        .border_style(p.accent());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut cursor = None;
    for (i, r) in Row::ALL.into_iter().enumerate() {
        let label = r.label();
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let focused = r == row;
        let style = if focused {
            p.accent().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let marker = if focused { p.say("▸", ">") } else { " " };
        let lw = 19u16.min(inner.width);
        frame.render_widget(
            Paragraph::new(Span::styled(format!("{marker}{label:<17}"), style)),
            Rect::new(inner.x, y, lw, 1),
        );
        let field = Rect::new(inner.x + lw, y, inner.width.saturating_sub(lw), 1);
        match r {
            Row::ReplyTo | Row::Categories => {
                let ta = if r == Row::ReplyTo {
                    &m.reply_to
                } else {
                    &m.categories
                };
                frame.render_widget(ta, field);
                if focused && field.width > 0 {
                    let sc = ta.screen_cursor();
                    let (_, top_col) = ta.scroll_offset();
                    let dx = (sc.col as u16).saturating_sub(top_col);
                    cursor = Some(ratatui::layout::Position::new(
                        (field.x + dx).min(field.right().saturating_sub(1)),
                        y,
                    ));
                }
            }
            _ => frame.render_widget(
                Paragraph::new(Span::styled(values[i].clone(), style)),
                field,
            ),
        }
    }
    let hint_y = inner.y + Row::ALL.len() as u16 + 1;
    if hint_y < inner.bottom() {
        let taken = crate::core::content::split_categories(&m.categories.lines().join(" "));
        let offered: Vec<&str> = model
            .session
            .categories
            .iter()
            .filter(|c| !taken.iter().any(|t| t.eq_ignore_ascii_case(c)))
            .map(String::as_str)
            .collect();
        let text = match &m.reply_to_error {
            Some(e) => Line::styled(format!("{}Reply-To {e}", p.say("✗ ", "error: ")), p.error()),
            None if row == Row::Categories && !offered.is_empty() => Line::styled(
                format!("Your categories: {}", offered.join(", ")),
                p.accent(),
            ),
            None => Line::styled(
                "Tab/↑↓ move · Space toggles · ←→ importance · categories: comma-separated",
                Style::default().add_modifier(Modifier::DIM),
            ),
        };
        frame.render_widget(
            Paragraph::new(text),
            Rect::new(inner.x, hint_y, inner.width, 1),
        );
    }
    cursor
}
