use clap::Parser;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use graft::auth::command::TokenSource;
use graft::cli::{self, Failure};
use graft::config::args::{Cli, Command};
use graft::store::journal::JournalStore;
use graft::tui::app::{Effect, Model, Msg, Session, Startup, StatusEntry};
use graft::tui::run::Runner;
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

fn main() -> ExitCode {
    no_core_dumps();
    let cli = Cli::parse();
    let _logs = graft::util::logging::init(cli.verbose);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "graft started");
    let result = match cli.command.clone() {
        Some(Command::Emulator { port, accept_token }) => cli::run_emulator(port, accept_token),
        Some(Command::Drafts { remote: true, json }) => graft::cli::drafts::list(&cli, json),
        Some(Command::Drafts { .. }) => cli::list_drafts(&cli),
        Some(Command::Sync) => cli::run_sync(&cli),
        Some(Command::Draft(args)) => cli::draft(&cli, &args),
        Some(Command::Config { action }) => cli::config(&action),
        Some(Command::Completions { shell }) => cli::completions(shell),
        Some(Command::Man) => cli::man(),
        Some(Command::Login) => cli::login(&cli),
        Some(Command::Logout) => cli::logout(&cli),
        Some(Command::Whoami) => cli::whoami(&cli),
        None => run_form(cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            let _ = writeln!(std::io::stderr(), "graft: {msg}");
            ExitCode::from(code)
        }
    }
}

/// The form's model as this start has it: the session (mailbox, keys,
/// theme, what sign-in allows), the journals earlier sessions left, the
/// address book and history; with the effects to run first.
fn form_model(
    cli: &Cli,
    s: &cli::Session,
    prefill: Option<graft::core::record::Fields>,
) -> Result<(Model, Option<JournalStore>, Vec<Effect>), Failure> {
    let mut session = Session::new(
        s.mailbox.clone(),
        s.graph_url.clone(),
        cli.demo,
        s.keymap()?,
    );
    session.pid = std::process::id();
    session.signature = s.signature().map(str::to_string);
    session.can_sign_in = s.client.sign_in().is_some();
    // https://no-color.org: any non-empty value turns colours off.
    session.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if let Some(st) = &s.settings {
        session.theme = st
            .theme
            .theme()
            .map_err(|e| (cli::exit::USAGE, format!("config file: {e}")))?;
        session.people_wanted = st.features.people_search;
        if let Some(limit) = st.max_message_size {
            session.max_message_bytes = limit;
            session.max_message_known = true;
        }
        session.sign_in_problem = st.sign_in_problem();
    }
    let mut startup = Startup {
        seed: uuid::Uuid::new_v4().as_u64_pair().0,
        prefill,
        ..Startup::default()
    };
    let store = match cli::journal_store(cli.demo) {
        Ok(store) => Some(store),
        Err(e) => {
            startup.notices.push(format!(
                "No local journal ({e}): unsaved text lives only on screen."
            ));
            None
        }
    };
    startup.journal = store.is_some();
    let mut initial = Vec::new();
    if let Some(store) = &store {
        let found = graft::service::recovery::scan(store, &s.mailbox, &s.graph_url, cli.demo);
        initial = graft::tui::recovered(found, &mut startup);
    }
    if let Some(path) = graft::store::address_book::path(cli.demo) {
        startup.known = graft::store::address_book::load(&path);
        if let Some(dir) = path.parent() {
            let _ = graft::util::fs::private_dir(dir);
        }
    }
    // The demo's mailbox lives only as long as the session: so does its history.
    if !cli.demo
        && let Some(path) = graft::store::history::path(&cli::profile_name(s, cli.demo))
    {
        startup.history = graft::store::history::load(&path);
    }
    let mut model = Model::new(session, startup);
    let signed_in = match s.client.sign_in() {
        Some(si) => si.store.load().is_some(),
        None => true,
    };
    match s.source {
        // Drafts left to recover come first; sign-in is offered on the first save.
        TokenSource::SignIn if !signed_in && model.dialog.is_none() => {
            graft::tui::app::signin::offer(
                &mut model,
                "You are not signed in. Write first if you like: nothing is lost.",
            )
        }
        TokenSource::Demo => model.status.push(StatusEntry::Info(
            "Demo: drafts are saved to a local Graph emulator. Fill in the form and press Ctrl-S."
                .into(),
        )),
        _ => {}
    }
    if signed_in {
        initial.push(Effect::WarmUp);
        // What the token was granted turns on what it allows (a token from
        // elsewhere does not say: everything is tried, and a refusal turns
        // its feature off).
        let granted = s
            .client
            .sign_in()
            .and_then(|si| si.store.load())
            .and_then(|t| t.scopes);
        graft::tui::app::signin::apply_grants(&mut model, granted.as_deref());
    }
    Ok((model, store, initial))
}

fn run_form(cli: Cli) -> Result<(), Failure> {
    // Read prefill (a file, standard input) before the terminal is taken over.
    let prefill = cli::prefill(&cli.prefill)?;
    let s = cli::session(&cli)?;
    let rt = cli::runtime()?;
    let _guard = rt.enter();
    let (mut model, store, initial) = form_model(&cli, &s, prefill)?;
    let book = graft::store::address_book::path(cli.demo);
    // The demo's mailbox lives only as long as the session: so does its history.
    let history = if cli.demo {
        None
    } else {
        graft::store::history::path(&cli::profile_name(&s, cli.demo))
    };
    let (runner, mut rx) = Runner::new(s.client.clone(), store.clone());
    let features = s
        .settings
        .as_ref()
        .map(|st| st.features)
        .unwrap_or_default();
    let runner = runner
        .with_address_book(book)
        .with_history(history)
        .with_features(features);
    spawn_signal_watch(runner.sender());

    // ratatui::init sets up raw mode, the alternate screen and the panic hook;
    // drawing goes through the lean backend, which writes only what changes.
    drop(ratatui::init());
    let mut terminal = graft::tui::view::screen::Screen::new(
        graft::terminal::backend::LeanBackend::new(std::io::BufWriter::new(std::io::stdout())),
    )
    .map_err(|e| (1, format!("cannot use the terminal: {e}")))?;
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    // ratatui's hook restores the screen on a panic; also turn bracketed paste off.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    let mut initial = Some(initial);
    let result = loop {
        let events = graft::terminal::input::TtyEvents::new()
            .map_err(|e| (1, format!("cannot read the terminal: {e}")))?;
        let end = rt.block_on(graft::tui::run::run_loop(
            &mut terminal,
            &mut model,
            events,
            &runner,
            &mut rx,
            initial.take().unwrap_or_default(),
        ));
        // The event stream was dropped with the loop: nothing else reads the terminal now.
        match end {
            Ok(graft::tui::run::LoopEnd::Editor(text)) => {
                let edited = external_editor(&text);
                let _ = runner.sender().send(Msg::EditorDone(edited));
                terminal.backend_mut().forget();
                let _ = terminal.clear();
            }
            Ok(graft::tui::run::LoopEnd::Quit) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    // Whatever ended the loop (quit, signal, a lost terminal), the journal gets
    // the final text first: after a hang-up, talking to the terminal can fail.
    let kept = graft::tui::run::finish_session(runner, store.as_ref(), &model);
    // Work still running (a token command, a request) does not hold up the exit.
    drop(_guard);
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    // Not `restore()`: its message on failure would panic on a closed terminal.
    let _ = ratatui::try_restore();
    drop(s.emulator);
    let mut err = std::io::stderr();
    match kept {
        Some(Ok(path)) => {
            let _ = writeln!(err, "graft: unsaved text kept in {}", path.display());
        }
        Some(Err(e)) => {
            let _ = writeln!(err, "graft: could not write the local journal: {e}");
        }
        None => {}
    }
    result.map_err(|e| (1, e))?;
    if let (Some(id), Some(link)) = (&model.save.server.id, &model.save.server.web_link) {
        use std::io::IsTerminal;
        let link = graft::tui::run::hyperlink(link, std::io::stdout().is_terminal());
        let _ = writeln!(std::io::stdout(), "id: {id}\nwebLink: {link}");
    }
    Ok(())
}

/// SIGTERM and SIGHUP (an ssh link that drops) end the loop so the journal is written.
fn spawn_signal_watch(tx: tokio::sync::mpsc::UnboundedSender<Msg>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::hangup()),
    ) else {
        return;
    };
    tokio::spawn(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Msg::Terminate);
    });
}

/// Suspends the form, runs `$VISUAL`/`$EDITOR` (fallback `vi`) on the body in a
/// private temporary file, and brings the form back.
fn external_editor(text: &str) -> Result<String, String> {
    use crossterm::terminal::{
        EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
    };
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("graft-body-")
        .suffix(".txt")
        .tempfile()
        .map_err(|e| format!("Could not create a file for the editor: {e}."))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| format!("Could not write the file for the editor: {e}."))?;
    let mut out = std::io::stdout();
    let _ = crossterm::execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
    // `sh -c` so an editor setting with arguments (`code --wait`) works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status();
    let _ = enable_raw_mode();
    let _ = crossterm::execute!(out, EnterAlternateScreen, EnableBracketedPaste);
    match status {
        Err(e) => return Err(format!("Could not start the editor '{editor}': {e}.")),
        Ok(s) if !s.success() => return Err(format!("The editor '{editor}' exited with {s}.")),
        Ok(_) => {}
    }
    let bytes =
        std::fs::read(file.path()).map_err(|e| format!("Could not read the edited file: {e}."))?;
    String::from_utf8(bytes).map_err(|_| "The edited file is not valid UTF-8.".to_string())
}
