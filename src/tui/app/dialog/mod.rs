//! The dialogs over the form, one file each, and the one protocol they
//! share: a dialog answers a key with [`Reply`] — it stays, it closes, or
//! the key is not its own and goes to the form's global keys (never to the
//! text underneath). Dialog keys are keymap data (`[[dialog]]` in
//! `assets/keymap.toml`, by context), so overrides reach them and their
//! hint lines come from the same table.

pub mod attach;
pub(crate) mod confirm_quit;
pub(crate) mod conflict;
pub(crate) mod draft_gone;
pub(crate) mod empty_answer;
pub(crate) mod folder;
pub(crate) mod help;
pub mod history;
pub(crate) mod line;
pub(crate) mod mail;
pub mod more;
pub(crate) mod pictures;
pub(crate) mod recover;
pub mod signin;
pub(crate) mod spell;
pub(crate) mod template;

/// Moves a list's selection one up or down, around the ends (`n` items);
/// `false` for any other action, or an empty list.
pub(crate) fn step(
    selected: &mut usize,
    n: usize,
    action: Option<crate::config::keymap::DialogAction>,
) -> bool {
    use crate::config::keymap::DialogAction;
    match action {
        Some(DialogAction::Up) if n > 0 => *selected = (*selected + n - 1) % n,
        Some(DialogAction::Down) if n > 0 => *selected = (*selected + 1) % n,
        _ => return false,
    }
    true
}
