//! The commands besides the form, one file each: `draft` (and `--batch`),
//! `drafts`, `sync`, `login`/`logout`/`whoami`, `config`/`completions`/
//! `man`, `emulator`. Each ends in `Ok` or a [`config::Error`](crate::config::Error)
//! (an exit code and a message).

pub(crate) mod answer;
pub(crate) mod batch;
pub(crate) mod draft;
pub(crate) mod drafts;
pub(crate) mod emulator;
pub(crate) mod login;
pub(crate) mod progress;
pub(crate) mod setup;
pub(crate) mod shared;
pub(crate) mod sync;

pub(crate) use draft::draft;
pub(crate) use drafts::local as list_drafts;
pub(crate) use emulator::run_emulator;
pub(crate) use login::{login, logout, whoami};
pub(crate) use setup::{completions, config, man};
pub(crate) use sync::run_sync;
