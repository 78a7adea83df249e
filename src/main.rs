use clap::Parser;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste, EventStream};
use graft::app::{Keymap, Model, StatusEntry, model::Target};
use graft::cli::{Cli, Command};
use graft::config::{self, TokenSource};
use graft::emulator::{DEMO_TOKEN, Emulator, EmulatorConfig};
use graft::graph::{AccessToken, GraphClient, Mailbox};
use std::process::ExitCode;
use std::time::Duration;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command.clone() {
        Some(Command::Emulator { port, accept_token }) => run_emulator(port, accept_token),
        None => run_form(cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err((code, msg)) => {
            eprintln!("graft: {msg}");
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
    use std::io::Write;
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

fn run_form(cli: Cli) -> Result<(), Failure> {
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
        folder: mailbox.folder.clone(),
        graph_url: root.to_string(),
    };
    let client = GraphClient::new(
        root,
        token,
        mailbox,
        Duration::from_secs(cli.timeout.max(1)),
    )
    .map_err(|e| (5, e))?;
    let mut model = Model::new(target, cli.demo, Keymap::defaults());
    match source {
        TokenSource::None => model.status.push(StatusEntry::Info(
            "No access token yet: you can write now; to save, restart with GRAFT_ACCESS_TOKEN or --token-cmd (or try --demo).".into(),
        )),
        TokenSource::Demo => model.status.push(StatusEntry::Info(
            "Demo: drafts are saved to a local Graph emulator. Fill in the form and press Ctrl-S.".into(),
        )),
        _ => {}
    }

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| (5, format!("cannot start the runtime: {e}")))?;

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
        client,
    ));
    let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
    ratatui::restore();
    drop(emulator);
    result.map_err(|e| (1, e))?;
    if let (Some(id), Some(link)) = (&model.server.id, &model.server.web_link) {
        if model.is_dirty() {
            eprintln!("graft: quit with unsaved changes; the last saved version is:");
        }
        println!("id: {id}\nwebLink: {link}");
    }
    Ok(())
}
