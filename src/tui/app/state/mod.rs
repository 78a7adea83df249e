//! The form's state as plain data, one file per part. Nothing here
//! handles a key or a message: `update` and the files beside it do, and
//! they all stand on these.

pub mod dialogs;
pub mod form;
pub(crate) mod save;
pub mod session;
pub(crate) mod spell;
pub(crate) mod status;
