//! Alt-G: the mailbox's folders.

use super::frame::{dim, hint_line, list_popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::app::state::dialogs::FolderDialog;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::ListItem;

pub(super) fn draw(
    model: &Model,
    d: &FolderDialog,
    frame: &mut Canvas,
    area: Rect,
) -> Option<Position> {
    let mut head = vec![Line::styled(
        format!(
            " New drafts go to {} now. Choose where they go:",
            model.session.mailbox.folder_label()
        ),
        dim(),
    )];
    if let Some(m) = &d.message {
        head.push(Line::raw(format!(" {m}")));
    }
    let items: Vec<ListItem> = if d.loading {
        vec![ListItem::new(Line::styled("Asking Outlook…", dim()))]
    } else {
        // A folder's name never controls the terminal.
        d.paths
            .iter()
            .map(|p| ListItem::new(Line::raw(crate::util::sanitize::line(p))))
            .collect()
    };
    let tail = vec![Line::raw(""), hint_line(model, Context::Folder, |_| true)];
    list_popup(frame, area, " Folder ", 70, (head, items, d.selected, tail))
}
