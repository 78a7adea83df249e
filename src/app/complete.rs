//! Recipient completion from addresses used before (local and instant): while
//! typing in To, Cc or Bcc, up to five matches for the address being typed are
//! offered under the field; ↑/↓ choose, Tab or Enter take one, Esc hides them.

use super::model::{Field, Model};
use super::update::Outcome;
use crate::draft::address::{Address, format_list};
use crossterm::event::{KeyCode, KeyEvent};

/// Suggestions on screen: indexes into `Model::known`, and the chosen one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Suggestions {
    pub field: Option<Field>,
    pub items: Vec<usize>,
    pub selected: usize,
}

pub const MAX: usize = 5;

/// The part of the field after the last separator outside quotes: what is being typed.
fn current_token(text: &str) -> (usize, &str) {
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => start = i + 1,
            _ => {}
        }
    }
    (start, &text[start..])
}

/// Recomputes the suggestions after the focused recipient field changed.
pub fn refresh(model: &mut Model) {
    let field = model.focus;
    if !field.is_recipients() {
        model.suggest = Suggestions::default();
        return;
    }
    let text = model.text(field);
    let (_, token) = current_token(&text);
    let token = token.trim().to_lowercase();
    if token.is_empty() || model.known.is_empty() {
        model.suggest = Suggestions::default();
        return;
    }
    let already: Vec<String> = crate::draft::address::parse_list(&text[..current_token(&text).0])
        .map(|l| l.into_iter().map(|a| a.address.to_lowercase()).collect())
        .unwrap_or_default();
    let mut hits: Vec<(u8, usize)> = model
        .known
        .iter()
        .enumerate()
        .filter(|(_, a)| !already.contains(&a.address.to_lowercase()))
        .filter_map(|(i, a)| {
            let addr = a.address.to_lowercase();
            let name = a.name.as_deref().unwrap_or("").to_lowercase();
            if addr == token {
                None
            } else if addr.starts_with(&token) || name.starts_with(&token) {
                Some((0, i))
            } else if name.split_whitespace().any(|w| w.starts_with(&token))
                || addr.contains(&token)
            {
                Some((1, i))
            } else {
                None
            }
        })
        .collect();
    // Best match first; `known` is ordered most recently used first.
    hits.sort();
    model.suggest = Suggestions {
        field: Some(field),
        items: hits.into_iter().take(MAX).map(|(_, i)| i).collect(),
        selected: 0,
    };
}

/// Keys while suggestions are shown; `None` lets the key through.
pub fn on_key(model: &mut Model, key: &KeyEvent) -> Option<Outcome> {
    if model.suggest.items.is_empty() || model.suggest.field != Some(model.focus) {
        return None;
    }
    let n = model.suggest.items.len();
    match key.code {
        KeyCode::Down => model.suggest.selected = (model.suggest.selected + 1) % n,
        KeyCode::Up => model.suggest.selected = (model.suggest.selected + n - 1) % n,
        KeyCode::Esc => model.suggest = Suggestions::default(),
        KeyCode::Tab | KeyCode::Enter => {
            let pick = model
                .known
                .get(model.suggest.items[model.suggest.selected])?
                .clone();
            accept(model, &pick);
        }
        _ => return None,
    }
    Some(Outcome::redraw())
}

fn accept(model: &mut Model, pick: &Address) {
    let field = model.focus;
    let text = model.text(field);
    let (start, _) = current_token(&text);
    let head = text[..start].trim_end();
    let chosen = format_list(std::slice::from_ref(pick));
    let new = if head.is_empty() {
        format!("{chosen}, ")
    } else {
        format!("{head} {chosen}, ")
    };
    model.set_text(field, &new);
    model.errors[field.index()] = None;
    model.suggest = Suggestions::default();
}

/// `<state>/addresses.json` (`addresses-demo.json` for the demo).
pub fn address_book_path(demo: bool) -> Option<std::path::PathBuf> {
    let name = if demo {
        "addresses-demo.json"
    } else {
        "addresses.json"
    };
    crate::fsutil::state_dir().map(|d| d.join(name))
}

/// The addresses kept by earlier sessions (none if the file is missing or unreadable).
pub fn load_address_book(path: &std::path::Path) -> Vec<Address> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Adds the recipients of a successful save to the known addresses, most recent first.
pub fn remember(known: &mut Vec<Address>, used: &[Address]) {
    for a in used.iter().rev() {
        known.retain(|k| !k.address.eq_ignore_ascii_case(&a.address));
        known.insert(0, a.clone());
    }
    known.truncate(2000);
}
