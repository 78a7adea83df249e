//! Starting the form: the session from flags and config, the model as
//! this start has it (journals left by earlier sessions, address book,
//! history, what sign-in allows), the terminal taken over, and the exit.

use super::app::{self, Effect, Model, Msg, StatusEntry};
use super::run::{LoopEnd, Runner};
use super::view::screen::Screen;
use crate::auth::command::TokenSource;
use crate::config::Error;
use crate::config::args::Cli;
use crate::config::session::{Session, journal_store, runtime, session};
use crate::store::journal::JournalStore;
use crate::terminal::backend::LeanBackend;
use crate::terminal::session::TerminalSession;
use std::io::{IsTerminal, Write};

/// Who the form works for and how it looks, from the session and config.
fn session_for(cli: &Cli, s: &Session) -> Result<app::Session, Error> {
    let mut session = app::Session::new(
        s.mailbox.clone(),
        s.graph_url.clone(),
        cli.demo,
        s.keymap()?,
    );
    session.pid = std::process::id();
    session.signature = s.signature().cloned();
    session.checks = s.checks();
    session.can_sign_in = s.client.sign_in().is_some();
    // https://no-color.org: any non-empty value turns colours off.
    session.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    session.plain = cli.plain
        || std::env::var("TERM").is_ok_and(|t| t == "dumb")
        || s.settings.as_ref().is_some_and(|st| st.plain);
    if let Some(st) = &s.settings {
        session.theme = st
            .theme
            .theme()
            .map_err(|e| Error::usage(format!("config file: {e}")))?;
        session.people_wanted = st.features.people_search;
        if let Some(limit) = st.max_message_size {
            session.max_message_bytes = limit;
            session.max_message_known = true;
        }
        session.sign_in_problem = st.sign_in_problem();
    }
    Ok(session)
}

/// The form's model as this start has it: the session (mailbox, keys,
/// theme, what sign-in allows), the journals earlier sessions left, the
/// address book and history; with the effects to run first.
fn form_model(
    cli: &Cli,
    s: &Session,
    (prefill, format): crate::config::prefill::Prefilled,
    answer: Option<crate::core::record::JournalRecord>,
) -> Result<(Model, Option<JournalStore>, Vec<Effect>), Error> {
    let session = session_for(cli, s)?;
    let mut startup = app::Startup {
        seed: uuid::Uuid::new_v4().as_u64_pair().0,
        prefill,
        format,
        not_mine: crate::config::prefill::not_mine(&cli.prefill),
        ..app::Startup::default()
    };
    // An action the config left without a key is said at once.
    startup
        .notices
        .extend(session.keymap.keyless.iter().cloned());
    let store = match journal_store(cli.demo) {
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
        let mut found = crate::service::recovery::scan(store, &s.mailbox, &s.graph_url, cli.demo);
        if cli.demo && found.forget_demo_mailbox() > 0 {
            startup.notices.push(
                "The demo's mailbox starts empty each run: drafts from earlier demo runs are kept in the demo's own journal and saved anew.".into(),
            );
        }
        initial = super::recovered(found, &mut startup);
    }
    if let Some(path) = crate::store::address_book::path(cli.demo) {
        startup.known = crate::store::address_book::load(&path);
        if let Some(dir) = path.parent() {
            let _ = crate::util::fs::private_dir(dir);
        }
    }
    if let Some(path) = s.history_path(cli.demo) {
        startup.history = crate::store::history::load(&path);
    }
    let mut model = Model::new(session, startup);
    if let Some(rec) = answer {
        // `graft reply` without text: the form makes the answer as its
        // first save (journalled first, made once), the recovery offer
        // out of its way.
        if let Some(app::Dialog::Recover { items, .. }) = model.dialog.take() {
            model.set_aside_recovery(items);
        }
        model.restore(&rec);
        model.form.focus = app::Field::Body;
        initial.extend(app::save::save(&mut model).effects);
    }
    initial.extend(app::update::startup(&mut model));
    let signed_in = match s.client.sign_in() {
        Some(si) => si.signed_in(),
        None => true,
    };
    match s.source {
        // Drafts left to recover come first; sign-in is offered on the first save.
        TokenSource::SignIn if !signed_in && model.dialog.is_none() => {
            let why = match s.client.sign_in().and_then(|si| si.set_aside()) {
                Some(other) => format!(
                    "You are not signed in for {}: this profile's stored sign-in is {other}, and is not sent here. Write first if you like: nothing is lost.",
                    s.graph_url
                ),
                None => "You are not signed in. Write first if you like: nothing is lost.".into(),
            };
            app::signin::offer(&mut model, &why)
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
            .filter(|si| si.set_aside().is_none())
            .and_then(|si| si.store.load())
            .and_then(|t| t.scopes);
        app::signin::apply_grants(&mut model, granted.as_deref());
    }
    Ok((model, store, initial))
}

/// The form from start to end: the session, the model, the terminal taken
/// over, the loop (left and re-entered around the external editor), and
/// the journal's last write before the terminal is given back.
pub(crate) fn run(cli: &Cli) -> Result<(), Error> {
    // Read prefill (a file, standard input) before the terminal is taken
    // over: a wrong flag is said as such, with or without a terminal.
    let prefill = crate::config::prefill::prefill(&cli.prefill)?;
    // Before a session is set up: a form needs a terminal.
    if let Some(why) = crate::terminal::session::unusable() {
        return Err(Error::terminal(why));
    }
    let s = session(cli)?;
    run_session(cli, s, None, prefill, None)
}

/// The form on an answer made before it opened (`graft reply …`).
pub(crate) fn run_answer(
    cli: &Cli,
    s: Session,
    rt: tokio::runtime::Runtime,
    answer: crate::core::record::JournalRecord,
) -> Result<(), Error> {
    if let Some(why) = crate::terminal::session::unusable() {
        return Err(Error::terminal(why));
    }
    run_session(cli, s, Some(rt), (None, None), Some(answer))
}

/// The form on the session `s`, with the runtime its answer was made on
/// (`graft reply`), or a new one.
fn run_session(
    cli: &Cli,
    s: Session,
    rt: Option<tokio::runtime::Runtime>,
    prefill: crate::config::prefill::Prefilled,
    answer: Option<crate::core::record::JournalRecord>,
) -> Result<(), Error> {
    let (mut model, store, initial) = form_model(cli, &s, prefill, answer)?;
    // Watched before anything is on screen: from the first frame on, a
    // hang-up ends the loop with the journal written, never the process
    // with the form's text unwritten.
    let signals = watch_signals();
    // The form is on screen before the rest starts (the runtime, the
    // effect runner and its threads, the log writer, the key reader): that
    // much less to wait for, and typed keys wait in the terminal meanwhile.
    let first = first_frame(&mut model);
    let rt = match rt {
        Some(rt) => rt,
        None => runtime()?,
    };
    let guard = rt.enter();
    crate::util::logging::start();
    let (runner, mut rx) = runner(cli, &s, store.clone());
    if let Some(signals) = signals {
        spawn_signal_watch(signals, runner.sender());
    }
    let result = first.and_then(|(session, mut terminal)| {
        // What the first frame did not need but a dialog or a keystroke
        // soon will: the buffers later frames draw into, the dialogs' keys.
        terminal.prepare();
        model.session.keymap.read_dialog_keys();
        drive(
            &rt, &mut model, &runner, &mut rx, initial, session, terminal,
        )
    });
    // Whatever ended the loop (quit, signal, a lost terminal), the journal gets
    // the final text first: after a hang-up, talking to the terminal can fail.
    let kept = super::run::finish_session(runner, store.as_ref(), &model);
    // Work still running (a token command, a request) does not hold up the exit.
    drop(guard);
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    let terminal_back = result.map(|(end, screen)| {
        drop(screen);
        end
    });
    drop(s.emulator);
    let mut err = std::io::stderr();
    match kept {
        Some(Ok(path)) => {
            let _ = writeln!(err, "graft: unsaved text kept in {}", path.display());
        }
        Some(Err(e)) => {
            let _ = writeln!(err, "graft: could not write the local journal: {e}");
        }
        None if model.discarded => {
            // Only what was not saved goes: a draft saved before stays.
            let stays = match model.save.server.id {
                Some(_) => " (the draft as last saved stays in Outlook)",
                None => "",
            };
            let _ = writeln!(err, "graft: the unsaved text was discarded{stays}");
        }
        None => {}
    }
    terminal_back?.map_err(Error::terminal)?;
    if let (Some(id), Some(link)) = (&model.save.server.id, &model.save.server.web_link) {
        let link = crate::terminal::osc::hyperlink(link, std::io::stdout().is_terminal());
        let _ = writeln!(std::io::stdout(), "id: {id}\nwebLink: {link}");
    }
    Ok(())
}

/// The effect runner with the profile's files and features.
fn runner(
    cli: &Cli,
    s: &Session,
    store: Option<JournalStore>,
) -> (Runner, tokio::sync::mpsc::UnboundedReceiver<Msg>) {
    let book = crate::store::address_book::path(cli.demo);
    let history = s.history_path(cli.demo);
    let features = s
        .settings
        .as_ref()
        .map(|st| st.features)
        .unwrap_or_default();
    let (runner, rx) = Runner::new(s.client.clone(), store);
    let runner = runner
        .with_address_book(book)
        .with_history(history)
        .with_sources(crate::store::sources::dir(cli.demo))
        .with_features(features)
        .with_spelling(s.spell());
    (runner, rx)
}

/// The form's screen: the lean backend, which writes only what changes.
type FormScreen = Screen<LeanBackend<std::io::BufWriter<std::io::Stdout>>>;

/// Takes the terminal and draws the form's first frame.
fn first_frame(model: &mut Model) -> Result<(TerminalSession, FormScreen), Error> {
    let session = TerminalSession::enter().map_err(Error::terminal)?;
    let mut terminal = Screen::new(LeanBackend::new(std::io::BufWriter::new(std::io::stdout())))
        .map_err(|e| Error::terminal(format!("cannot use the terminal: {e}")))?;
    if let Ok(size) = terminal.size() {
        model.body_set_rows(size.height as usize);
    }
    terminal
        .draw(model)
        .map_err(|e| Error::terminal(format!("cannot draw: {e}")))?;
    Ok((session, terminal))
}

/// Runs the loop on the terminal until it ends. Returns how it ended and
/// the terminal's guard (dropped by the caller once the journal has the
/// final text).
fn drive(
    rt: &tokio::runtime::Runtime,
    model: &mut Model,
    runner: &Runner,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Msg>,
    initial: Vec<Effect>,
    mut session: TerminalSession,
    mut terminal: FormScreen,
) -> Result<(Result<(), String>, TerminalSession), Error> {
    let mut initial = Some(initial);
    let end = loop {
        let events = crate::terminal::input::TtyEvents::new()
            .map_err(|e| Error::terminal(format!("cannot read the terminal: {e}")))?;
        let end = rt.block_on(super::run::run_loop(
            &mut terminal,
            model,
            events,
            runner,
            rx,
            initial.take().unwrap_or_default(),
        ));
        // The event stream was dropped with the loop: nothing else reads the terminal now.
        match end {
            Ok(LoopEnd::Editor { text, ext }) => {
                let edited = crate::terminal::editor::external_editor(&text, ext);
                let _ = runner.sender().send(Msg::EditorDone(edited));
                terminal.backend_mut().forget();
                terminal.forget_size();
                let _ = terminal.clear();
            }
            Ok(LoopEnd::Suspend) => {
                // The text is on disk before graft stops: a stopped job is
                // often forgotten, or killed with its terminal.
                if model.journal.enabled && model.needs_journal() {
                    runner.journal_now(model.journal_record(), std::time::Duration::from_secs(1));
                    model.journal.on_disk = true;
                }
                session.suspend();
                terminal.backend_mut().forget();
                terminal.forget_size();
                let _ = terminal.clear();
                // Back from the shell: did Outlook change the draft meanwhile?
                let _ = runner.sender().send(Msg::Resumed);
            }
            Ok(LoopEnd::Quit) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    Ok((end, session))
}

/// SIGTERM and SIGHUP (an ssh link that drops), caught from now on: they
/// no longer end the process, each writes a byte to `read`'s other end.
/// No runtime is needed to catch them, so the watch starts before the first
/// frame and the runtime after it; a signal caught in between waits in the
/// socket.
struct Signals {
    read: std::os::unix::net::UnixStream,
}

fn watch_signals() -> Option<Signals> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    use signal_hook::low_level::pipe;
    let (read, write) = std::os::unix::net::UnixStream::pair().ok()?;
    pipe::register(SIGTERM, write.try_clone().ok()?).ok()?;
    pipe::register(SIGHUP, write).ok()?;
    Some(Signals { read })
}

/// A caught SIGTERM or SIGHUP ends the loop so the journal is written.
fn spawn_signal_watch(signals: Signals, tx: tokio::sync::mpsc::UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let caught = async {
            signals.read.set_nonblocking(true)?;
            let read = tokio::net::UnixStream::from_std(signals.read)?;
            let mut byte = [0u8; 1];
            loop {
                read.readable().await?;
                // Readiness can be reported without a byte: only a byte is
                // a signal.
                match read.try_read(&mut byte) {
                    Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
                    Ok(_) => return Ok(()),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
                    Err(e) => return Err(e),
                }
            }
        };
        let result: std::io::Result<()> = caught.await;
        if result.is_ok() {
            let _ = tx.send(Msg::Terminate);
        }
    });
}
