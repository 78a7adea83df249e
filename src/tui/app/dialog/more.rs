//! The F3 panel: Reply-To, importance, read and delivery receipts, categories
//! and the follow-up flag. Hidden until asked for; saved like every other field.

use crate::config::keymap::Action;
use crate::tui::app::model::Model;
use crate::tui::app::msg::Outcome;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::dialogs::Row;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::form::paste_for;
use crossterm::event::{KeyCode, KeyEvent};

fn changed(model: &mut Model) -> Outcome {
    model.form.edited();
    Outcome::redraw()
}

pub(crate) fn open(model: &mut Model) -> Outcome {
    model.dialog = Some(Dialog::More { row: Row::ReplyTo });
    Outcome::redraw()
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> crate::tui::app::msg::Reply {
    use crate::config::keymap::{Context, DialogAction};
    use crate::tui::app::msg::Reply;
    let Some(Dialog::More { row }) = model.dialog else {
        return Reply::Stay(Outcome::none());
    };
    let keymap = &model.session.keymap;
    match keymap.in_dialog(Context::More, &key) {
        Some(DialogAction::Close) => return Reply::Close(Outcome::redraw()),
        Some(DialogAction::Up) => return Reply::Stay(go(model, row.prev())),
        Some(DialogAction::Down) => return Reply::Stay(go(model, row.next())),
        Some(DialogAction::Toggle) if !row.is_text() => return Reply::Stay(toggle(model, row)),
        Some(DialogAction::Toggle) if key.code == KeyCode::Enter => {
            return Reply::Stay(go(model, row.next()));
        }
        _ => {}
    }
    match keymap.action_for(&key) {
        Some(Action::Save) => {
            model.dialog = None;
            return Reply::Stay(Outcome::save());
        }
        Some(Action::NextField) => return Reply::Stay(go(model, row.next())),
        Some(Action::PrevField) => return Reply::Stay(go(model, row.prev())),
        Some(Action::More | Action::Cancel) => return Reply::Close(Outcome::redraw()),
        _ => {}
    }
    match (row, key.code) {
        (Row::Importance, KeyCode::Right | KeyCode::Left) => Reply::Stay(toggle(model, row)),
        (r, _) if r.is_text() => {
            let ta = if r == Row::ReplyTo {
                &mut model.form.more.reply_to
            } else {
                &mut model.form.more.categories
            };
            if ta.input(key) {
                if r == Row::ReplyTo {
                    model.form.more.reply_to_error = None;
                }
                Reply::Stay(changed(model))
            } else {
                Reply::Stay(Outcome::redraw())
            }
        }
        _ => Reply::Stay(Outcome::none()),
    }
}

/// Switches a switch row: importance cycles, the others turn on or off.
fn toggle(model: &mut Model, row: Row) -> Outcome {
    let m = &mut model.form.more;
    match row {
        Row::Importance => m.importance = m.importance.next(),
        Row::ReadReceipt => m.read_receipt = !m.read_receipt,
        Row::DeliveryReceipt => m.delivery_receipt = !m.delivery_receipt,
        Row::FollowUp => m.flagged = !m.flagged,
        Row::ReplyTo | Row::Categories => return Outcome::none(),
    }
    changed(model)
}

fn go(model: &mut Model, to: Row) -> Outcome {
    if let Some(Dialog::More { row }) = &mut model.dialog {
        if *row == Row::ReplyTo {
            let text = model.form.more.reply_to.lines().join(" ");
            model.form.more.reply_to_error = crate::core::address::parse_list(&text).err();
        }
        *row = to;
    }
    Outcome::redraw()
}

/// Pasting into a text row of the panel.
pub(crate) fn on_paste(model: &mut Model, text: &str) -> Outcome {
    let Some(Dialog::More { row }) = model.dialog else {
        return Outcome::none();
    };
    if !row.is_text() {
        return Outcome::none();
    }
    // Reply-To folds like a recipient field, Categories like a subject.
    let field = if row == Row::ReplyTo {
        Field::To
    } else {
        Field::Subject
    };
    let clean = paste_for(field, text);
    let ta = if row == Row::ReplyTo {
        &mut model.form.more.reply_to
    } else {
        &mut model.form.more.categories
    };
    ta.insert_str(&clean);
    changed(model)
}
