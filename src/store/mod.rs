//! What graft keeps on this machine: the journal of unsaved drafts, the
//! history of saved ones, the address book, and checks of files to attach.

pub(crate) mod address_book;
pub mod files;
pub mod history;
pub mod journal;
pub(crate) mod sources;
pub mod spelling;
pub(crate) mod templates;
