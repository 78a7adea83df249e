//! The dialogs over the form, one file each, and the one protocol they
//! share: a dialog answers a key with [`Reply`] — it stays, it closes, or
//! the key is not its own and goes to the form's global keys (never to the
//! text underneath). Dialog keys are keymap data (`[[dialog]]` in
//! `assets/keymap.toml`, by context), so overrides reach them and their
//! hint lines come from the same table.

pub mod attach;
pub mod confirm_quit;
pub mod draft_gone;
pub mod help;
pub mod history;
pub mod more;
pub mod recover;
pub mod signin;

use super::model::{Dialog, Model};
use super::update::Outcome;
use crossterm::event::KeyEvent;

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
        Dialog::Recover { .. } => recover::on_key(model, key),
        Dialog::DraftGone | Dialog::DraftElsewhere(_) => draft_gone::on_key(model, key),
        Dialog::SignIn(_) => signin::on_key(model, key),
        Dialog::More { .. } => more::on_key(model, key),
        Dialog::Attach(_) => attach::on_key(model, key),
        Dialog::History(_) => history::on_key(model, key),
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
