//! The draft's content: recipients, subject, body, and how it becomes a Graph request.

pub mod address;
pub mod attach;
pub mod content;
pub mod journal;
pub mod mailto;
