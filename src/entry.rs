//! Where graft starts and ends, read top to bottom: the command line and
//! the logs, then each command to its front end (the form, or one file of
//! `cli`), each of which builds its session (config → client) through
//! `config::session`; then the exit code (`config::exit`).

use crate::cli;
use crate::config::args::{Cli, Command};
use crate::core::answer::AnswerKind;
use std::io::Write;
use std::process::ExitCode;

/// No core dumps: a dump of graft would hold its access token.
fn no_core_dumps() {
    let zero = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain system calls on this process with constant arguments.
    unsafe {
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// `graft reply|reply-all|forward`: saved from the command line, or the form on it.
fn answer(
    cli: &Cli,
    kind: AnswerKind,
    args: &crate::config::args::AnswerArgs,
) -> Result<(), crate::config::Error> {
    match cli::answer::run(cli, kind, args)? {
        cli::answer::Next::Done => Ok(()),
        cli::answer::Next::Form(form) => {
            let (opened, s, rt) = *form;
            crate::tui::start::run_answer(cli, s, rt, opened)
        }
    }
}

/// graft from its command line to its exit code.
pub fn main() -> ExitCode {
    no_core_dumps();
    let cli = Cli::read();
    let _logs = crate::util::logging::init(cli.verbose);
    // The form starts the log writer once its first frame is on screen.
    if cli.command.is_some() {
        crate::util::logging::start();
    }
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "graft started");
    crate::store::spelling::make_lists_by_self();
    let result = match cli.command.clone() {
        Some(Command::SpellIndex { aff, dic, out }) => {
            crate::store::spelling::write_list(&aff, &dic, &out)
                .map_err(crate::config::Error::usage)
        }
        Some(Command::Emulator { port, accept_token }) => cli::run_emulator(port, accept_token),
        Some(Command::Drafts {
            remote: true,
            delete,
            ..
        }) if !delete.is_empty() => crate::cli::drafts::delete(&cli, &delete),
        Some(Command::Drafts {
            remote: true, json, ..
        }) => crate::cli::drafts::list(&cli, json),
        Some(Command::Drafts {
            rm, rm_older_than, ..
        }) if !rm.is_empty() || rm_older_than.is_some() => {
            crate::cli::drafts::remove(&cli, &rm, rm_older_than)
        }
        Some(Command::Drafts { json, .. }) => cli::list_drafts(&cli, json),
        Some(Command::Sync) => cli::run_sync(&cli),
        Some(Command::Draft(args)) => cli::draft(&cli, &args),
        Some(Command::Reply(args)) => answer(&cli, AnswerKind::Reply, &args),
        Some(Command::ReplyAll(args)) => answer(&cli, AnswerKind::ReplyAll, &args),
        Some(Command::Forward(args)) => answer(&cli, AnswerKind::Forward, &args),
        Some(Command::Config { action }) => cli::config(&action),
        Some(Command::Completions { shell }) => cli::completions(shell),
        Some(Command::Man) => cli::man(),
        Some(Command::Login) => cli::login(&cli),
        Some(Command::Logout) => cli::logout(&cli),
        Some(Command::Whoami) => cli::whoami(&cli),
        None => crate::tui::start::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "graft: {e}");
            ExitCode::from(e.code)
        }
    }
}
