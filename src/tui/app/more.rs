//! The F3 panel: Reply-To, importance, read and delivery receipts, categories
//! and the follow-up flag. Hidden until asked for; saved like every other field.

use super::model::{Dialog, Model};
use super::update::{Outcome, paste_for};
use super::{Field, save};
use crate::config::keymap::Action;
use crossterm::event::{KeyCode, KeyEvent};

pub const LABELS: [&str; 6] = [
    "Reply-To",
    "Importance",
    "Read receipt",
    "Delivery receipt",
    "Categories",
    "Follow-up flag",
];

fn is_text(row: usize) -> bool {
    row == 0 || row == 4
}

fn changed(model: &mut Model) -> Outcome {
    model.form.edited();
    Outcome::redraw()
}

pub fn open(model: &mut Model) -> Outcome {
    model.dialog = Some(Dialog::More { row: 0 });
    Outcome::redraw()
}

pub fn on_key(model: &mut Model, key: KeyEvent) -> Outcome {
    let Some(Dialog::More { row }) = model.dialog else {
        return Outcome::none();
    };
    match model.session.keymap.action_for(&key) {
        Some(Action::More) | Some(Action::Cancel) => {
            model.dialog = None;
            return Outcome::redraw();
        }
        Some(Action::Save) => {
            model.dialog = None;
            return save::save(model);
        }
        Some(Action::NextField) => return go(model, (row + 1) % LABELS.len()),
        Some(Action::PrevField) => return go(model, (row + LABELS.len() - 1) % LABELS.len()),
        _ => {}
    }
    match (row, key.code) {
        (_, KeyCode::Down) => go(model, (row + 1) % LABELS.len()),
        (_, KeyCode::Up) => go(model, (row + LABELS.len() - 1) % LABELS.len()),
        (r, KeyCode::Enter) if is_text(r) => go(model, (row + 1) % LABELS.len()),
        (1, KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Right | KeyCode::Left) => {
            model.form.more.importance = model.form.more.importance.next();
            changed(model)
        }
        (2, KeyCode::Enter | KeyCode::Char(' ')) => {
            model.form.more.read_receipt = !model.form.more.read_receipt;
            changed(model)
        }
        (3, KeyCode::Enter | KeyCode::Char(' ')) => {
            model.form.more.delivery_receipt = !model.form.more.delivery_receipt;
            changed(model)
        }
        (5, KeyCode::Enter | KeyCode::Char(' ')) => {
            model.form.more.flagged = !model.form.more.flagged;
            changed(model)
        }
        (r, _) if is_text(r) => {
            let ta = if r == 0 {
                &mut model.form.more.reply_to
            } else {
                &mut model.form.more.categories
            };
            if ta.input(key) {
                if r == 0 {
                    model.form.more.reply_to_error = None;
                }
                changed(model)
            } else {
                Outcome::redraw()
            }
        }
        _ => Outcome::none(),
    }
}

fn go(model: &mut Model, to: usize) -> Outcome {
    if let Some(Dialog::More { row }) = &mut model.dialog {
        if *row == 0 {
            let text = model.form.more.reply_to.lines().join(" ");
            model.form.more.reply_to_error = crate::core::address::parse_list(&text).err();
        }
        *row = to;
    }
    Outcome::redraw()
}

/// Pasting into a text row of the panel.
pub fn on_paste(model: &mut Model, text: &str) -> Outcome {
    let Some(Dialog::More { row }) = model.dialog else {
        return Outcome::none();
    };
    if !is_text(row) {
        return Outcome::none();
    }
    // Reply-To folds like a recipient field, Categories like a subject.
    let field = if row == 0 { Field::To } else { Field::Subject };
    let clean = paste_for(field, text);
    let ta = if row == 0 {
        &mut model.form.more.reply_to
    } else {
        &mut model.form.more.categories
    };
    ta.insert_str(&clean);
    changed(model)
}
