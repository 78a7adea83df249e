//! The terminal: the lean backend that writes only what changed, input read
//! and parsed on the loop's own thread, OSC 52/8 escapes, the hand-off to
//! an external editor.

pub mod backend;
pub(crate) mod editor;
pub(crate) mod input;
pub mod osc;
pub(crate) mod session;
