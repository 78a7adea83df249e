//! The dialogs over the form, one file each, and the one protocol they
//! share: a dialog answers a key with [`Reply`] — it stays, it closes, or
//! the key is not its own and goes to the form's global keys (never to the
//! text underneath). Dialog keys are keymap data (`[[dialog]]` in
//! `assets/keymap.toml`, by context), so overrides reach them and their
//! hint lines come from the same table.

pub mod attach;
pub mod confirm_quit;
pub mod conflict;
pub mod draft_gone;
pub mod empty_answer;
pub mod help;
pub mod history;
pub mod mail;
pub mod more;
pub mod pictures;
pub mod recover;
pub mod signin;
pub mod spell;
pub mod template;

use super::model::{Dialog, Model};
use super::update::Outcome;
use crossterm::event::KeyEvent;

/// A one-line field in a dialog edits like the form's fields: arrows,
/// Home/End, Ctrl-A/E/B/F/D/H/K, Ctrl-U undoes. `None`: not an editing
/// key; `Some(true)`: a character was typed.
pub fn edit_line(i: &mut crate::core::line::LineEdit, key: &KeyEvent) -> Option<bool> {
    use crossterm::event::{KeyCode, KeyModifiers};
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match (key.code, ctrl) {
        (KeyCode::Backspace, _) | (KeyCode::Char('h'), true) => i.backspace(),
        (KeyCode::Delete, _) | (KeyCode::Char('d'), true) => i.delete(),
        (KeyCode::Left, _) | (KeyCode::Char('b'), true) => i.left(),
        (KeyCode::Right, _) | (KeyCode::Char('f'), true) => i.right(),
        (KeyCode::Home, _) | (KeyCode::Char('a'), true) => i.home(),
        (KeyCode::End, _) | (KeyCode::Char('e'), true) => i.end(),
        (KeyCode::Char('k'), true) => i.kill_to_end(),
        (KeyCode::Char('u'), true) => i.undo(),
        (KeyCode::Char(c), false) if !alt && !c.is_control() => {
            i.insert(&c.to_string());
            return Some(true);
        }
        _ => return None,
    }
    Some(false)
}

/// A dialog's answer to a key.
pub enum Reply {
    /// Handled; the dialog stays (or has put another dialog in its place).
    Stay(Outcome),
    /// Handled; the dialog closes (unless it opened another one meanwhile).
    Close(Outcome),
    /// Not this dialog's key: the form's global keys have it.
    Pass,
}

/// Where a key went.
pub enum Routed {
    Done(Outcome),
    /// A dialog passed it on: only a global action may take it.
    Global,
    /// No dialog is open.
    NoDialog,
}

/// Gives the key to the open dialog, if there is one.
pub fn on_key(model: &mut Model, key: KeyEvent) -> Routed {
    let Some(open) = model.dialog.as_ref() else {
        return Routed::NoDialog;
    };
    let kind = std::mem::discriminant(open);
    let reply = match open {
        Dialog::Help { .. } => help::on_key(model, key),
        Dialog::ConfirmQuit => confirm_quit::on_key(model, key),
        Dialog::EmptyAnswer => empty_answer::on_key(model, key),
        Dialog::Conflict(_) => conflict::on_key(model, key),
        Dialog::Pictures(_) => pictures::on_key(model, key),
        Dialog::Recover { .. } => recover::on_key(model, key),
        Dialog::DraftGone | Dialog::DraftElsewhere(_) => draft_gone::on_key(model, key),
        Dialog::SignIn(_) => signin::on_key(model, key),
        Dialog::More { .. } => more::on_key(model, key),
        Dialog::Attach(_) => attach::on_key(model, key),
        Dialog::History(_) => history::on_key(model, key),
        Dialog::Mail(_) => mail::on_key(model, key),
        Dialog::Quote { .. } | Dialog::Preview { .. } => help::on_key(model, key),
        Dialog::Spell(_) => spell::on_key(model, key),
        Dialog::Template(_) => template::on_key(model, key),
    };
    match reply {
        Reply::Stay(out) => Routed::Done(out),
        Reply::Close(mut out) => {
            if model.dialog.as_ref().map(std::mem::discriminant) == Some(kind) {
                model.dialog = None;
            }
            out.redraw = true;
            Routed::Done(out)
        }
        Reply::Pass => Routed::Global,
    }
}
