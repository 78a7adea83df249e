//! The commands besides the form, one file each: `draft` (and `--batch`),
//! `drafts`, `sync`, `login`/`logout`/`whoami`, `config`/`completions`/
//! `man`, `emulator`. Each ends in `Ok` or a [`config::Error`](crate::config::Error)
//! (an exit code and a message).

pub mod answer;
pub mod batch;
pub mod draft;
pub mod drafts;
pub mod emulator;
pub mod login;
pub mod progress;
pub mod setup;
pub mod shared;
pub mod sync;

pub use crate::config::prefill::prefill;
pub use crate::config::session::{Session, journal_store, profile_name, runtime, session};
pub use crate::config::{Error, exit};
pub use draft::draft;
pub use drafts::local as list_drafts;
pub use emulator::run_emulator;
pub use login::{login, logout, whoami};
pub use progress::progress_printer;
pub use setup::{completions, config, man};
pub use shared::{exit_code_for, save_one, take_over};
pub use sync::run_sync;
