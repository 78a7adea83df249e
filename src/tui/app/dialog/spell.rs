//! Suggestions for a misspelled word: pick one to replace it, or add the
//! word to the personal word list.

use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let action = model.session.keymap.in_dialog(Context::Spell, &key);
    let Some(Dialog::Spell(d)) = model.dialog.as_mut() else {
        return Reply::Pass;
    };
    let n = d.suggestions.len();
    match action {
        Some(DialogAction::Up) => {
            d.selected = d.selected.saturating_sub(1);
            Reply::Stay(Outcome::redraw())
        }
        Some(DialogAction::Down) => {
            d.selected = (d.selected + 1).min(n.saturating_sub(1));
            Reply::Stay(Outcome::redraw())
        }
        Some(DialogAction::Choose) => {
            let Some(with) = d.suggestions.get(d.selected).cloned() else {
                return Reply::Stay(Outcome::none());
            };
            let (field, miss) = (d.field, d.miss.clone());
            if !crate::tui::app::spell::replace(model, field, &miss, &with) {
                model.status.push(StatusEntry::Info(format!(
                    "“{}” changed meanwhile; not replaced.",
                    miss.word
                )));
            }
            Reply::Close(Outcome::redraw())
        }
        Some(DialogAction::Learn) => {
            let word = d.miss.word.clone();
            Reply::Close(Outcome::redraw().with(vec![Effect::Learn(word)]))
        }
        Some(DialogAction::Close) => Reply::Close(Outcome::redraw()),
        _ => Reply::Pass,
    }
}
