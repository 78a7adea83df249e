//! The terminal: the lean backend that writes only what changed, input read
//! and parsed on the loop's own thread.

pub mod backend;
pub mod input;
