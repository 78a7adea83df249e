//! `update`: the only place the model changes. It never awaits and never touches
//! a file, socket or terminal; what should happen outside comes back as `Effect`s.

use super::keymap::Action;
use super::model::{Dialog, Field, InFlight, Model, StatusEntry};
use crate::graph::{FailureKind, GraphFailure, SavedMessage};
use crate::sanitize;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use serde_json::Value;

#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    Paste(String),
    /// The terminal changed size: redraw.
    Resize,
    /// A save request ended. `at` is the wall-clock time it ended (UTC, HH:MM:SS).
    SaveDone {
        req: u64,
        at: String,
        result: Result<SavedMessage, GraphFailure>,
    },
}

/// Work for the event loop to do outside `update`.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// `POST …/messages` with this body.
    Create { req: u64, body: Value },
    /// `PATCH …/messages/{id}` with the changed fields.
    Update { req: u64, id: String, body: Value },
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub redraw: bool,
}

impl Outcome {
    fn redraw() -> Outcome {
        Outcome {
            effects: Vec::new(),
            redraw: true,
        }
    }
    fn none() -> Outcome {
        Outcome::default()
    }
}

pub fn update(model: &mut Model, msg: Msg) -> Outcome {
    match msg {
        Msg::Key(key) if key.kind == KeyEventKind::Release => Outcome::none(),
        Msg::Key(key) => on_key(model, key),
        Msg::Paste(text) => on_paste(model, &text),
        Msg::Resize => Outcome::redraw(),
        Msg::SaveDone { req, at, result } => on_save_done(model, req, at, result),
    }
}

fn on_key(model: &mut Model, key: KeyEvent) -> Outcome {
    match model.dialog {
        Some(Dialog::Help) => {
            model.dialog = None;
            return Outcome::redraw();
        }
        Some(Dialog::ConfirmQuit) => return on_confirm_quit(model, key),
        None => {}
    }
    match model.keymap.action_for(&key) {
        Some(action) => on_action(model, action),
        None => edit(model, key),
    }
}

fn on_action(model: &mut Model, action: Action) -> Outcome {
    match action {
        Action::NextField => move_focus(model, model.focus.next()),
        Action::PrevField => move_focus(model, model.focus.prev()),
        Action::Help => {
            model.dialog = Some(Dialog::Help);
            Outcome::redraw()
        }
        Action::Quit => {
            if model.is_dirty() || model.in_flight.is_some() {
                model.dialog = Some(Dialog::ConfirmQuit);
            } else {
                model.should_quit = true;
            }
            Outcome::redraw()
        }
        Action::Save => save(model),
    }
}

fn on_confirm_quit(model: &mut Model, key: KeyEvent) -> Outcome {
    match key.code {
        KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Char('d') => {
            model.should_quit = true;
            Outcome::redraw()
        }
        KeyCode::Char('s') | KeyCode::Char('S') => {
            model.dialog = None;
            model.quit_after_save = true;
            let out = save(model);
            if out.effects.is_empty() && model.in_flight.is_none() && !model.save_queued {
                // Nothing could be sent (invalid form): stay, the status says why.
                model.quit_after_save = false;
            }
            out
        }
        KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('N') | KeyCode::Char('c') => {
            model.dialog = None;
            Outcome::redraw()
        }
        _ => Outcome::none(),
    }
}

fn move_focus(model: &mut Model, to: Field) -> Outcome {
    let from = model.focus;
    if from.is_recipients() {
        // Check the field the user just left, so mistakes show early.
        let text = model.text(from);
        model.errors[from.index()] = crate::draft::address::parse_list(&text).err();
    }
    model.focus = to;
    Outcome::redraw()
}

fn edit(model: &mut Model, key: KeyEvent) -> Outcome {
    let focus = model.focus;
    let newline = matches!(key.code, KeyCode::Enter)
        || (key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('m'));
    if focus.is_single_line() && newline {
        return move_focus(model, focus.next());
    }
    let ta = model.field_mut(focus);
    let before = ta.cursor();
    let changed = ta.input(key);
    // A single-line field must never hold a newline (e.g. from the yank buffer).
    if changed && focus.is_single_line() && model.field(focus).lines().len() > 1 {
        let joined = model.field(focus).lines().join(" ");
        model.set_text(focus, &joined);
    }
    if changed {
        model.generation += 1;
        if focus.is_recipients() {
            model.errors[focus.index()] = None;
        }
        return Outcome::redraw();
    }
    // Cursor moves and scrolling change the screen too.
    let moved = model.field(focus).cursor() != before;
    Outcome {
        effects: Vec::new(),
        redraw: moved || !matches!(key.code, KeyCode::F(_) | KeyCode::Null),
    }
}

/// Turns pasted text into what the focused field can hold.
pub fn paste_for(field: Field, text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = sanitize::clean(&text, true);
    match field {
        Field::Body => text,
        Field::Subject => text
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        _ => text
            .split('\n')
            .map(|l| l.trim().trim_end_matches([',', ';']))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn on_paste(model: &mut Model, text: &str) -> Outcome {
    if model.dialog.is_some() {
        return Outcome::none();
    }
    let focus = model.focus;
    let clean = paste_for(focus, text);
    if clean.is_empty() {
        return Outcome::none();
    }
    model.field_mut(focus).insert_str(&clean);
    model.generation += 1;
    if focus.is_recipients() {
        model.errors[focus.index()] = None;
    }
    Outcome::redraw()
}

fn save(model: &mut Model) -> Outcome {
    if model.in_flight.is_some() {
        model.save_queued = true;
        model.status.push(StatusEntry::Info(
            "Still saving; will save your latest changes as soon as this save finishes.".into(),
        ));
        return Outcome::redraw();
    }
    let content = match model.validated_content() {
        Ok(c) => c,
        Err(bad) => {
            let text = bad
                .iter()
                .map(|(f, e)| format!("{}: {e}", f.label()))
                .collect::<Vec<_>>()
                .join("; ");
            model
                .status
                .push(StatusEntry::Invalid(format!("Not saved. {text}")));
            if let Some((f, _)) = bad.first() {
                model.focus = *f;
            }
            model.quit_after_save = false;
            return Outcome::redraw();
        }
    };
    let req = model.next_req;
    model.next_req += 1;
    let (effect, method, url) = match &model.server.id {
        None => (
            Effect::Create {
                req,
                body: content.create_body(),
            },
            "POST",
            format!("{}/messages", target_path(model)),
        ),
        Some(id) => {
            let body = content.patch_body(model.server.saved.as_ref());
            if body.as_object().is_some_and(|o| o.is_empty()) {
                model.saved_generation = model.generation;
                model.status.push(StatusEntry::Info(
                    "No changes since the last save: the draft on the server is up to date.".into(),
                ));
                if model.quit_after_save {
                    model.should_quit = true;
                }
                return Outcome::redraw();
            }
            (
                Effect::Update {
                    req,
                    id: id.clone(),
                    body,
                },
                "PATCH",
                format!("/{}/messages/{{id}}", model.target.owner),
            )
        }
    };
    model.in_flight = Some(InFlight {
        req,
        method: method.to_string(),
        snapshot: content,
        generation: model.generation,
    });
    model.status.push(StatusEntry::Saving {
        method: method.to_string(),
        url,
    });
    Outcome {
        effects: vec![effect],
        redraw: true,
    }
}

fn target_path(model: &Model) -> String {
    let t = &model.target;
    match &t.folder {
        None => format!("/{}", t.owner),
        Some(f) => format!("/{}/mailFolders/{f}", t.owner),
    }
}

fn on_save_done(
    model: &mut Model,
    req: u64,
    at: String,
    result: Result<SavedMessage, GraphFailure>,
) -> Outcome {
    let Some(flight) = model.in_flight.take_if(|f| f.req == req) else {
        // An answer to a request this form no longer waits for.
        return Outcome::none();
    };
    match result {
        Ok(saved) => {
            model.server.id = Some(saved.id.clone());
            model.server.web_link = Some(saved.web_link.clone());
            model.server.change_key = Some(saved.change_key.clone());
            model.server.saved = Some(flight.snapshot);
            model.saved_generation = flight.generation;
            model.status.push(StatusEntry::Saved {
                at,
                method: flight.method,
                status: saved.status,
                status_text: saved.status_text,
                id: saved.id,
                web_link: saved.web_link,
                folder: model.target.folder_label(),
                request_id: saved.request_id,
            });
            if model.save_queued {
                model.save_queued = false;
                let mut out = save(model);
                out.redraw = true;
                return out;
            }
            if model.quit_after_save && !model.is_dirty() {
                model.should_quit = true;
            }
        }
        Err(f) => {
            model.save_queued = false;
            model.quit_after_save = false;
            let hint = hint_for(&f, &flight.method);
            model.status.push(StatusEntry::Failed {
                at,
                method: flight.method,
                status: f.status,
                status_text: f.status_text,
                code: f.code,
                message: f.message,
                request_id: f.request_id,
                hint,
            });
        }
    }
    Outcome::redraw()
}

fn hint_for(f: &GraphFailure, method: &str) -> Option<String> {
    let h = match (f.kind, f.status, f.code.as_str()) {
        (FailureKind::NoToken, ..) => "Nothing was sent. Your text is safe here.",
        (_, Some(401), _) => {
            "The token was refused (expired or for another service). Get a new one; your text is safe here."
        }
        (_, Some(403), _) => "The token lacks permission (Mail.ReadWrite is needed).",
        (_, Some(404), "ErrorItemNotFound") if method == "PATCH" => {
            "The draft is gone on the server (sent or deleted elsewhere)."
        }
        (_, Some(429), _) | (_, Some(503), _) | (_, Some(504), _) => {
            "The service is busy. Press Ctrl-S again in a moment; your text is safe here."
        }
        (FailureKind::Timeout, ..) => {
            "No answer in time. The server may still have saved it; your text is safe here."
        }
        (FailureKind::Network, ..) => {
            "Could not reach Graph. Check the connection and press Ctrl-S again."
        }
        _ => return None,
    };
    Some(h.to_string())
}
