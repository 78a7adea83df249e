//! Operations both front ends share: saving a draft with its files (create
//! or adopt by key, follow a moved draft), completing queued journals,
//! batches, where saved drafts are now, startup recovery, finishing sign-in,
//! answering a message.

pub mod answer;
pub(crate) mod batch;
pub mod recovery;
pub(crate) mod remote;
pub mod save;
pub mod signin;
