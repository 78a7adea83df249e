//! "Send these pasted pictures?" with each file's path and size.

use super::frame::{hint_rows, popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::text::Line;

pub(super) fn draw(model: &Model, list: &[String], frame: &mut Canvas, area: Rect) {
    let mut lines = vec![
        Line::from("The text you pasted names files on this machine as pictures:"),
        Line::raw(""),
    ];
    for src in list.iter().take(10) {
        let size = model
            .form
            .files
            .list
            .iter()
            .find(|f| {
                f.inline && f.content_id.as_deref() == Some(&crate::core::inline::content_id(src))
            })
            .map(|f| format!(" ({})", crate::core::attach::human_size(f.size)))
            .unwrap_or_default();
        lines.push(Line::raw(format!(
            "  {}{size}",
            crate::util::sanitize::line(src)
        )));
    }
    if list.len() > 10 {
        lines.push(Line::raw(format!("  …and {} more", list.len() - 10)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(
        "Send them with the draft? Pasted text is often someone else's.",
    ));
    lines.push(Line::raw(""));
    lines.extend(hint_rows(model, Context::Pictures));
    popup(frame, area, lines, " Pictures from a paste ", 80);
}
