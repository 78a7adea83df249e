//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod probe;
pub mod pty;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use graft::tui::app::{Model, Msg, Outcome, Session, Startup, update};

/// A session on `/me` at an address nothing listens on.
pub fn session() -> Session {
    Session::offline()
}

pub fn model() -> Model {
    Model::new(session(), Startup::default())
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
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
pub fn graft_cli(graph_url: &str, state: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_graft"))
        .args(args)
        .args(["--graph-url", graph_url])
        .env("GRAFT_ACCESS_TOKEN", graft::emulator::DEMO_TOKEN)
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
        }),
    }
}
