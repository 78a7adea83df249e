use clap::Parser;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, EventStream};
use graft::app::{Keymap, Model, Msg, StatusEntry, model::Target};
use graft::cli::{Cli, Command};
use graft::config::{self, TokenSource};
use graft::draft::journal::JournalStore;
use graft::emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use graft::graph::{AccessToken, GraphClient, Mailbox};
use graft::run::Runner;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.clone() {
        Some(Command::Emulator { port, accept_token }) => run_emulator(port, accept_token),
        Some(Command::Drafts) => list_drafts(&cli),
        Some(Command::Sync) => run_sync(cli),
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

type Failure = (u8, String);

fn run_emulator(port: u16, token: String) -> Result<(), Failure> {
    let config = EmulatorConfig {
        tokens: vec![token],
        ..EmulatorConfig::default()
    };
    let emu = Emulator::start_on(config, port)
        .map_err(|e| (5, format!("cannot start the emulator: {e}")))?;
    // Write errors are ignored: whoever started us may stop reading.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "Graph emulator listening: {}", emu.graph_url());
    let _ = writeln!(
        out,
        "Try: GRAFT_ACCESS_TOKEN=<accepted token> graft --graph-url {}",
        emu.graph_url()
    );
    let _ = out.flush();
    emu.wait();
    Ok(())
}

fn journal_store(demo: bool) -> Result<JournalStore, String> {
    let dir = JournalStore::default_dir(demo)
        .ok_or("no state directory (set XDG_STATE_HOME or GRAFT_STATE_DIR)")?;
    JournalStore::open(&dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn list_drafts(cli: &Cli) -> Result<(), Failure> {
    let store = journal_store(cli.demo).map_err(|e| (5, e))?;
    let (records, unreadable) = store.list();
    let mut out = std::io::stdout();
    if records.is_empty() && unreadable.is_empty() {
        let _ = writeln!(out, "No local drafts in {}.", store.dir().display());
    }
    for r in &records {
        let owner = if graft::draft::journal::process_alive(r.pid) && r.pid != std::process::id() {
            " (open in a running graft)"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{}  {:<20} {}{}\n    {}",
            r.updated,
            r.state(),
            r.title(),
            owner,
            store.path(&r.key).display()
        );
    }
    for u in &unreadable {
        let _ = writeln!(
            out,
            "unreadable: {} ({}) — kept",
            u.path.display(),
            u.reason
        );
    }
    Ok(())
}

/// Everything a session needs to talk to Graph.
struct Session {
    emulator: Option<Emulator>,
    client: GraphClient,
    target: Target,
    source: TokenSource,
}

fn session(cli: &Cli) -> Result<Session, Failure> {
    let usage = |m: String| (2u8, m);
    let (emulator, root, token, source) = if cli.demo {
        let emu = Emulator::start(EmulatorConfig::default())
            .map_err(|e| (5, format!("cannot start the demo emulator: {e}")))?;
        let root = config::graph_url(&emu.graph_url()).map_err(usage)?;
        (
            Some(emu),
            root,
            AccessToken::new(DEMO_TOKEN),
            TokenSource::Demo,
        )
    } else {
        let root = config::graph_url(
            cli.graph_url
                .as_deref()
                .unwrap_or(config::DEFAULT_GRAPH_URL),
        )
        .map_err(usage)?;
        let (token, source) = config::token(cli.token_cmd.as_deref()).map_err(|e| (3, e))?;
        (None, root, token, source)
    };
    let mailbox = Mailbox {
        user: cli.user.clone(),
        folder: cli.folder.clone(),
    };
    let target = Target {
        owner: mailbox.owner_label(),
        user: mailbox.user.clone(),
        folder: mailbox.folder.clone(),
        graph_url: root.to_string(),
    };
    let client = GraphClient::new(
        root,
        token,
        mailbox,
        Duration::from_secs(cli.timeout.max(1)),
    )
    .map_err(|e| (5, e))?
    .with_token_cmd(cli.token_cmd.clone());
    Ok(Session {
        emulator,
        client,
        target,
        source,
    })
}

fn run_sync(cli: Cli) -> Result<(), Failure> {
    let s = session(&cli)?;
    let store = journal_store(cli.demo).map_err(|e| (5, e))?;
    let (records, _) = store.orphans();
    let queued: Vec<_> = records
        .into_iter()
        .filter(|r| r.queued && graft::run::same_target(r, &s.target, cli.demo))
        .collect();
    let rt = runtime()?;
    let mut failed = 0;
    let mut out = std::io::stdout();
    if queued.is_empty() {
        let _ = writeln!(out, "Nothing queued.");
    }
    for rec in queued {
        match rt.block_on(graft::sync::sync_record(&s.client, &rec)) {
            Ok(saved) => {
                let _ = store.remove(&rec.key);
                let _ = writeln!(
                    out,
                    "saved  {}  {} {}\n    {}",
                    rec.title(),
                    saved.status,
                    saved.status_text,
                    saved.web_link
                );
            }
            Err(e) => {
                failed += 1;
                let _ = writeln!(out, "queued {}  {e}", rec.title());
            }
        }
    }
    drop(s.emulator);
    if failed > 0 {
        return Err((5, format!("{failed} draft(s) are still queued")));
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| (5, format!("cannot start the runtime: {e}")))
}

fn run_form(cli: Cli) -> Result<(), Failure> {
    let s = session(&cli)?;
    let seed = uuid::Uuid::new_v4().as_u64_pair().0;
    let mut model = Model::with_seed(
        s.target.clone(),
        cli.demo,
        Keymap::defaults(),
        seed,
        std::process::id(),
    );
    match s.source {
        TokenSource::None => model.status.push(StatusEntry::Info(
            "No access token yet: you can write now; to save, restart with GRAFT_ACCESS_TOKEN or --token-cmd (or try --demo).".into(),
        )),
        TokenSource::Demo => model.status.push(StatusEntry::Info(
            "Demo: drafts are saved to a local Graph emulator. Fill in the form and press Ctrl-S.".into(),
        )),
        _ => {}
    }

    let store = match journal_store(cli.demo) {
        Ok(store) => Some(store),
        Err(e) => {
            model.status.push(StatusEntry::Info(format!(
                "No local journal ({e}): unsaved text lives only on screen."
            )));
            None
        }
    };
    model.journal.enabled = store.is_some();
    let initial = match &store {
        Some(store) => {
            graft::run::apply_startup(&mut model, graft::run::startup(store, &s.target, cli.demo))
        }
        None => Vec::new(),
    };

    let rt = runtime()?;
    let _guard = rt.enter();
    let (runner, mut rx) = Runner::new(s.client.clone(), store.clone());
    spawn_signal_watch(runner.sender());

    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(std::io::stdout(), EnableBracketedPaste);
    // ratatui's hook restores the screen on a panic; also turn bracketed paste off.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        previous(info);
    }));
    let result = rt.block_on(graft::run::run_loop(
        &mut terminal,
        &mut model,
        EventStream::new(),
        &runner,
        &mut rx,
        initial,
    ));
    // Whatever ended the loop (quit, signal, a lost terminal), the journal gets
    // the final text first: after a hang-up, talking to the terminal can fail.
    let kept = graft::run::finish_session(runner, store.as_ref(), &model);
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
    if let (Some(id), Some(link)) = (&model.server.id, &model.server.web_link) {
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
