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
pub mod line;
pub mod mail;
pub mod more;
pub mod pictures;
pub mod recover;
pub mod signin;
pub mod spell;
pub mod template;
