//! F1: every key (and Alt-Q: the quoted original of an answer). The
//! arrows and page keys scroll it; any other key closes it.

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::state::dialogs::Dialog;
use crossterm::event::KeyEvent;

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let action = model.session.keymap.in_dialog(Context::Help, &key);
    // A page is the screen less the box's borders; the view stops the
    // scroll at the last line.
    let page = (model.form.screen_rows.saturating_sub(4)).max(1) as u16;
    // The help and the quoted original scroll alike.
    let (Some(Dialog::Help { scroll })
    | Some(Dialog::Quote { scroll })
    | Some(Dialog::Preview { scroll })) = &mut model.dialog
    else {
        return Reply::Stay(Outcome::none());
    };
    *scroll = match action {
        Some(DialogAction::Up) => scroll.saturating_sub(1),
        Some(DialogAction::Down) => scroll.saturating_add(1),
        Some(DialogAction::PageUp) => scroll.saturating_sub(page),
        Some(DialogAction::PageDown) => scroll.saturating_add(page),
        _ => return Reply::Close(Outcome::redraw()),
    };
    Reply::Stay(Outcome::redraw())
}
