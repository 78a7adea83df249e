//! Suggestions for a misspelled word.

use super::frame::{dim, hint_line, list_popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::app::state::dialogs::SpellDialog;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

pub(super) fn draw(
    model: &Model,
    d: &SpellDialog,
    frame: &mut Canvas,
    (area, word_row): (Rect, Option<u16>),
) -> Option<Position> {
    let p = model.session.palette();
    let head = vec![Line::from(vec![
        Span::styled(
            format!("“{}”", crate::util::sanitize::line(&d.miss.word)),
            p.error(),
        ),
        Span::styled(
            format!(
                " is not in {}",
                model.spell.ready.as_deref().unwrap_or("the dictionaries")
            ),
            dim(),
        ),
    ])];
    let items: Vec<ListItem> = if d.suggestions.is_empty() {
        vec![ListItem::new(Line::styled("(no suggestions)", dim()))]
    } else {
        d.suggestions
            .iter()
            // A dictionary's words never control the terminal.
            .map(|s| ListItem::new(Line::raw(crate::util::sanitize::line(s))))
            .collect()
    };
    let tail = vec![Line::raw(""), hint_line(model, Context::Spell, |_| true)];
    // The word's line stays in sight: the dialog takes the larger side of
    // the screen above or below it.
    let room = match word_row {
        Some(y) if y - area.y < area.bottom() - y - 1 => {
            Rect::new(area.x, y + 1, area.width, area.bottom() - y - 1)
        }
        Some(y) => Rect::new(area.x, area.y, area.width, y - area.y),
        None => area,
    };
    let room = if room.height >= 5 { room } else { area };
    list_popup(
        frame,
        room,
        " Spelling ",
        60,
        (head, items, d.selected, tail),
    )
}
