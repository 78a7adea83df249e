//! The application core: plain data (`Model`), messages (`Msg`), and the pure
//! `update` function that turns one into effects. No I/O happens here.

pub mod body;
pub mod complete;
pub mod dialog;
pub mod images;
pub mod journal;
pub mod model;
pub mod resolve;
pub mod save;
pub mod spell;
pub mod update;

pub use crate::config::keymap::{Action, Keymap};
pub use dialog::{attach, history, more, signin};
pub use model::{Dialog, Field, Model, SaveKind, SavedHow, Session, Startup, StatusEntry};
pub use update::{Effect, Msg, Outcome, TimerKind, update};
