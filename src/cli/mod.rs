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
pub use sync::run_sync;

/// Exit code for a failed Graph call.
pub fn exit_code_for(f: &crate::graph::Error) -> u8 {
    use crate::graph::FailureKind;
    match (f.kind, f.status) {
        (FailureKind::NoToken | FailureKind::SignInNeeded, _) => exit::SIGN_IN,
        (FailureKind::File, _) => exit::USAGE,
        (_, Some(401)) | (_, Some(403)) => exit::SIGN_IN,
        (_, Some(st)) if (400..500).contains(&st) && st != 429 => exit::REJECTED,
        _ => exit::SERVICE,
    }
}
