//! The templates, and the question for a variable's value.

use super::frame::{dim, hint_line, key, list_popup, popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::app::state::dialogs::TemplateDialog;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

pub(super) fn draw(
    model: &Model,
    d: &TemplateDialog,
    frame: &mut Canvas,
    area: Rect,
) -> Option<Position> {
    if let Some((name, input, vars)) = &d.asking {
        let t = &d.list[d.selected];
        let text = crate::util::sanitize::line(input.text());
        let asks = t.asks();
        let fallback = asks
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, f)| f.as_deref());
        let left = asks.len().saturating_sub(vars.len() + 1);
        let lines = vec![
            Line::from(format!(
                " “{}” needs a value for {{{{{}}}}} ({} of {}):",
                crate::util::sanitize::line(&t.name),
                crate::util::sanitize::line(name),
                vars.len() + 1,
                asks.len()
            )),
            Line::from(vec![
                Span::styled(" Value: ", key(model.session.palette())),
                Span::raw(text.clone()),
            ]),
            Line::styled(
                match (fallback, left) {
                    (Some(f), _) => format!(
                        " Enter keeps “{}”, or type another value · {} after this",
                        crate::util::sanitize::line(f),
                        crate::util::count(left, "more", "more")
                    ),
                    (None, 0) => " The last one: Enter fills the form".to_string(),
                    (None, n) => format!(" {} after this", crate::util::count(n, "more", "more")),
                },
                dim(),
            ),
            Line::raw(""),
            hint_line(model, Context::Template, |a| {
                matches!(
                    a,
                    crate::config::keymap::DialogAction::Choose
                        | crate::config::keymap::DialogAction::Close
                )
            }),
        ];
        let rect = popup(frame, area, lines, " Template ", 70);
        let col = unicode_width::UnicodeWidthStr::width(
            text.chars()
                .take(input.cursor_chars())
                .collect::<String>()
                .as_str(),
        ) as u16;
        return Some(Position::new(
            (rect.x + 1 + 8 + col).min(rect.right().saturating_sub(2)),
            rect.y + 2,
        ));
    }
    let mut head = vec![Line::styled(
        " Start from a template (in the config folder's templates/):",
        dim(),
    )];
    // A message wraps in the head; list items are one line each.
    if let Some(m) = &d.message {
        head.push(Line::raw(""));
        head.push(Line::raw(format!(" {m}")));
    }
    let items: Vec<ListItem> = if d.loading {
        vec![ListItem::new(Line::styled("Reading…", dim()))]
    } else if d.message.is_some() {
        Vec::new()
    } else {
        d.list
            .iter()
            .map(|t| {
                // A file's text never controls the terminal: bidi
                // overrides and controls show as placeholders.
                let clean = crate::util::sanitize::line;
                let needs: Vec<String> = t.needs().iter().map(|n| clean(n)).collect();
                let mut spans = vec![Span::raw(clean(&t.name))];
                if !t.subject.is_empty() {
                    spans.push(Span::styled(format!("  {}", clean(&t.subject)), dim()));
                }
                if !needs.is_empty() {
                    spans.push(Span::styled(
                        format!("  · asks {}", needs.join(", ")),
                        dim(),
                    ));
                }
                ListItem::new(Line::from(spans))
            })
            .collect()
    };
    let tail = vec![Line::raw(""), hint_line(model, Context::Template, |_| true)];
    list_popup(
        frame,
        area,
        " Templates ",
        80,
        (head, items, d.selected, tail),
    )
}
