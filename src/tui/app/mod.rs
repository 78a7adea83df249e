//! The application core: plain data (`Model`), messages (`Msg`), and the pure
//! `update` function that turns one into effects. No I/O happens here.
//!
//! Floors, each standing only on those below it (`tests/layers.rs` keeps
//! every import circle to two files at most):
//!
//! 1. `state/`: the form's state as plain data, one file per part.
//! 2. `msg`: messages in, effects out, outcomes (with a follow-up such as
//!    "save now"), a dialog's reply.
//! 3. `model`: the whole state and what it answers about itself; `body`
//!    keeps a long body's window.
//! 4. The families of work: `spell`, `images`, `complete`, `resolve`,
//!    `journal`, then `save`; and `dialog/`, one file per dialog.
//! 5. `update`: the one place that routes keys, pastes and messages, and
//!    runs the follow-ups the floors below ask for.

pub(crate) mod body;
pub(crate) mod complete;
pub(crate) mod dialog;
pub(crate) mod images;
pub(crate) mod journal;
pub(crate) mod model;
pub(crate) mod msg;
pub(crate) mod resolve;
pub(crate) mod save;
pub(crate) mod spell;
pub mod state;
pub mod update;

pub use crate::config::keymap::{Action, Keymap};
pub use dialog::{attach, history, more, signin};
pub use model::Model;
pub use msg::{Effect, Msg, Outcome, TimerKind};
pub use state::dialogs::Dialog;
pub use state::form::Field;
pub use state::save::{SaveKind, SavedHow};
pub use state::session::{Session, Startup};
pub use state::status::StatusEntry;
pub use update::update;
