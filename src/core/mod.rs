//! The domain: recipients, the draft's content and how it becomes a Graph
//! request body, attachment plans, the mailbox, history entries, the
//! service's limits, mailto: links. Plain data and pure
//! functions: no I/O, no tokio.

pub mod address;
pub(crate) mod affix;
pub mod answer;
pub mod attach;
pub mod checks;
pub mod content;
pub mod history;
pub(crate) mod html;
pub mod inline;
pub(crate) mod limits;
pub mod line;
pub mod mailbox;
pub(crate) mod mailto;
pub(crate) mod merge;
pub mod record;
pub mod spell;
pub mod template;
pub(crate) mod wordset;
