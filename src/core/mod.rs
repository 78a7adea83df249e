//! The domain: recipients, the draft's content and how it becomes a Graph
//! request body, attachment plans, mailto: links. Plain data and pure
//! functions: no I/O, no tokio.

pub mod address;
pub mod attach;
pub mod content;
pub mod history;
pub mod mailto;
pub mod record;
