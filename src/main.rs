use clap::Parser;
use graft::cli;
use graft::config::args::{Cli, Command};
use graft::core::answer::AnswerKind;
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
    args: &graft::config::args::AnswerArgs,
) -> Result<(), graft::config::Error> {
    match cli::answer::run(cli, kind, args)? {
        cli::answer::Next::Done => Ok(()),
        cli::answer::Next::Form(form) => {
            let (opened, s, rt) = *form;
            graft::tui::start::run_answer(cli, s, rt, opened)
        }
    }
}

fn main() -> ExitCode {
    no_core_dumps();
    let cli = Cli::parse();
    let _logs = graft::util::logging::init(cli.verbose);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "graft started");
    let result = match cli.command.clone() {
        Some(Command::Emulator { port, accept_token }) => cli::run_emulator(port, accept_token),
        Some(Command::Drafts {
            remote: true,
            delete,
            ..
        }) if !delete.is_empty() => graft::cli::drafts::delete(&cli, &delete),
        Some(Command::Drafts {
            remote: true, json, ..
        }) => graft::cli::drafts::list(&cli, json),
        Some(Command::Drafts {
            rm, rm_older_than, ..
        }) if !rm.is_empty() || rm_older_than.is_some() => {
            graft::cli::drafts::remove(&cli, &rm, rm_older_than)
        }
        Some(Command::Drafts { .. }) => cli::list_drafts(&cli),
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
        None => graft::tui::start::run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "graft: {e}");
            ExitCode::from(e.code)
        }
    }
}
