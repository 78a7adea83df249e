//! The commands besides the form, one file each: `draft` (and `--batch`),
//! `drafts`, `sync`, `login`/`logout`/`whoami`, `config`/`completions`/
//! `man`, `emulator`. Each ends in `Ok` or a [`config::Error`](crate::config::Error)
//! (an exit code and a message).

pub mod batch;
pub mod draft;
pub mod drafts;
pub mod emulator;
pub mod login;
pub mod setup;
pub mod sync;

pub use crate::config::prefill::prefill;
pub use crate::config::session::{Session, journal_store, profile_name, runtime, session};
pub use crate::config::{Error, exit};
pub use draft::draft;
pub use drafts::local as list_drafts;
pub use emulator::run_emulator;
pub use login::{login, logout, whoami};
pub use setup::{completions, config, man};
pub use sync::run_sync;

use std::io::Write;

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

/// Prints upload progress on stderr (one line, rewritten) when it is a terminal.
pub fn progress_printer(enabled: bool) -> impl FnMut(&str, u64, u64) + Send {
    let mut last = (String::new(), u64::MAX);
    move |name: &str, done: u64, total: u64| {
        if !enabled {
            return;
        }
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if last.0 == name && last.1 == pct {
            return;
        }
        last = (name.to_string(), pct);
        let width = 24usize;
        let fill = (pct as usize * width) / 100;
        let _ = write!(
            std::io::stderr(),
            "\r\x1b[2Kgraft: uploading {name} [{}{}] {pct:>3}% {}/{}",
            "#".repeat(fill),
            ".".repeat(width - fill),
            crate::core::attach::human_size(done),
            crate::core::attach::human_size(total)
        );
        if done >= total {
            let _ = writeln!(std::io::stderr());
        }
    }
}
