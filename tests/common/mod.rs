//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod probe;
pub mod pty;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use graft::app::model::Target;
use graft::app::{Keymap, Model, Msg, Outcome, update};

pub fn model() -> Model {
    Model::new(
        Target {
            owner: "me".into(),
            user: None,
            folder: None,
            graph_url: "http://127.0.0.1:1/v1.0".into(),
        },
        false,
        Keymap::defaults(),
    )
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
