//! The application core: plain data (`Model`), messages (`Msg`), and the pure
//! `update` function that turns one into effects. No I/O happens here.

pub mod attach;
pub mod body;
pub mod complete;
pub mod history;
pub mod journal;
pub mod model;
pub mod more;
pub mod resolve;
pub mod save;
pub mod signin;
pub mod update;

pub use crate::config::keymap::{Action, Keymap};
pub use model::{Dialog, Field, Model, SaveKind, SavedHow, Session, Startup, StatusEntry};
pub use update::{Effect, Msg, Outcome, TimerKind, update};
