//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod probe;
pub mod pty;
pub mod scenario;

pub use scenario::{Scenario, client, said};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use graft::tui::app::{Model, Msg, Outcome, Session, update};

/// A session on `/me` at an address nothing listens on.
pub fn session() -> Session {
    Session::offline()
}

pub fn model() -> Model {
    Model::offline()
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

pub fn alt(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

/// Types `text` key by key, as a person would.
pub fn type_text(m: &mut Model, text: &str) -> Vec<Outcome> {
    text.chars()
        .map(|c| {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            update(m, key(code))
        })
        .collect()
}

/// Runs the graft binary against a Graph root with the demo token and a
/// private state directory (no config file, never the user's keyring).
///
/// Every test that runs graft starts it through [`graft_command`] (or the pty
/// helpers): a home, XDG directories, state and config of its own, so no test
/// touches the developer's real home, state, logs or keyring.
pub fn graft_cli(graph_url: &str, state: &std::path::Path, args: &[&str]) -> std::process::Output {
    graft_command()
        .args(args)
        .args(["--graph-url", graph_url])
        .env("GRAFT_ACCESS_TOKEN", graft_emulator::DEMO_TOKEN)
        .env("GRAFT_STATE_DIR", state)
        .env("GRAFT_CONFIG", state.join("none.toml"))
        .env("GRAFT_TOKEN_STORE", "file")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run graft")
}

/// Graph's answer with this status and error code, as the client reports it.
pub fn http_failure(status: u16, code: &str, message: &str) -> graft::graph::Error {
    graft::graph::Error {
        kind: graft::graph::FailureKind::Http,
        status: Some(status),
        status_text: String::new(),
        code: code.into(),
        message: message.into(),
        request_id: None,
        retry_after: None,
    }
}

/// A save's answer, as the effect runner sends it.
pub fn save_done(
    req: u64,
    at: &str,
    result: Result<graft::graph::SavedMessage, graft::graph::Error>,
    files: graft::service::save::FilesOutcome,
) -> Msg {
    Msg::SaveDone {
        req,
        at: at.into(),
        outcome: Box::new(graft::service::save::SaveOutcome {
            result,
            info: Default::default(),
            files,
            made: None,
            sent: None,
            merge: None,
        }),
    }
}

/// graft as a command, with a home, XDG directories, state dir and config
/// path of its own (under cargo's per-target temporary directory, one per
/// test process), the file token store, and no display. A test may set its
/// own `GRAFT_STATE_DIR` or `GRAFT_CONFIG` on top.
pub fn graft_command() -> std::process::Command {
    let home = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("home-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&home);
    let mut cmd = std::process::Command::new(pty::graft_binary());
    cmd.env("HOME", &home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", pty::shared_cache())
        .env("GRAFT_STATE_DIR", home.join("state/graft"))
        .env("GRAFT_CONFIG", home.join("config/graft/config.toml"))
        .env("GRAFT_TOKEN_STORE", "file")
        .env_remove("GRAFT_ACCESS_TOKEN")
        .env_remove("GRAFT_GRAPH_URL")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    cmd
}

/// The sequence numbers of the timers of `kind` an outcome starts.
pub fn timers(out: &Outcome, kind: graft::tui::app::TimerKind) -> Vec<u64> {
    out.effects
        .iter()
        .filter_map(|e| match e {
            graft::tui::app::Effect::Timer { kind: k, seq, .. } if *k == kind => Some(*seq),
            _ => None,
        })
        .collect()
}

/// A Graph client on the emulator with its demo token, for `/me`.
pub fn emulator_client(
    emu: &graft_emulator::Emulator,
    timeout_secs: u64,
) -> graft::graph::GraphClient {
    client(&emu.graph_url()).timeout(timeout_secs).build()
}

/// `bytes` made a picture by its first bytes (a PNG signature and header
/// start), the length unchanged: what graft sends inline must be one.
pub fn as_png(mut bytes: Vec<u8>) -> Vec<u8> {
    let sig = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    let n = sig.len().min(bytes.len());
    bytes[..n].copy_from_slice(&sig[..n]);
    bytes
}

/// The files' bytes as graft sends them: read from the disk.
pub fn disk() -> std::sync::Arc<dyn graft::graph::upload::Contents> {
    std::sync::Arc::new(graft::service::save::Disk)
}

/// Polls `ok` until it holds (a state the test cannot wait on otherwise:
/// the mailbox, a journal file), failing after `secs`.
pub fn wait_until(what: &str, secs: u64, mut ok: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while !ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}
