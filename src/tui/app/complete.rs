//! Recipient completion: while typing in To, Cc or Bcc, up to five matches for
//! the address being typed are offered under the field — first from addresses
//! used before (local, instant), then, when signed in, from Graph's people
//! search (`/me/people?$search=`, debounced, cached, never blocking typing).
//! ↑/↓ choose, Tab or Enter take one, Esc hides them.

use super::model::Model;
use crate::core::address::{Address, format_list};
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::TimerKind;
use crate::tui::app::state::form::Suggestions;
use crossterm::event::{KeyCode, KeyEvent};
use std::time::Duration;

pub(crate) const MAX: usize = 5;
/// Wait this long after the last key before asking Graph.
pub(crate) const PEOPLE_DELAY: Duration = Duration::from_millis(250);

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

/// How well `a` matches `token`: 0 best, `None` not at all.
fn rank(a: &Address, token: &str) -> Option<u8> {
    let addr = a.address.to_lowercase();
    let name = a.name.as_deref().unwrap_or("").to_lowercase();
    if addr == token {
        None
    } else if addr.starts_with(token) || name.starts_with(token) {
        Some(0)
    } else if name.split_whitespace().any(|w| w.starts_with(token)) || addr.contains(token) {
        Some(1)
    } else {
        None
    }
}

/// Recomputes the suggestions after the focused recipient field changed; may
/// schedule a people search.
pub(crate) fn refresh(model: &mut Model) -> Vec<Effect> {
    let field = model.form.focus;
    let text = if field.is_recipients() {
        model.text(field)
    } else {
        String::new()
    };
    let (start, token) = current_token(&text);
    let token = token.trim().to_lowercase();
    if token.is_empty() {
        model.completion.suggest = Suggestions::default();
        return Vec::new();
    }
    let already: Vec<String> =
        if model.completion.known.is_empty() && model.completion.people_cache.is_empty() {
            Vec::new()
        } else {
            crate::core::address::parse_list(&text[..start])
                .map(|l| l.into_iter().map(|a| a.address.to_lowercase()).collect())
                .unwrap_or_default()
        };
    let remote = model
        .completion
        .people_cache
        .get(&token)
        .cloned()
        .unwrap_or_default();
    let mut hits: Vec<(u8, usize, Address)> = Vec::new();
    // Local first (most recently used first), then the directory.
    for (i, a) in model
        .completion
        .known
        .iter()
        .chain(remote.iter())
        .enumerate()
    {
        let lower = a.address.to_lowercase();
        if already.contains(&lower)
            || hits
                .iter()
                .any(|(_, _, h)| h.address.eq_ignore_ascii_case(&lower))
        {
            continue;
        }
        if let Some(r) = rank(a, &token) {
            hits.push((r, i, a.clone()));
        }
    }
    hits.sort_by_key(|(r, i, _)| (*r, *i));
    model.completion.suggest = Suggestions {
        field: Some(field),
        items: hits.into_iter().take(MAX).map(|(_, _, a)| a).collect(),
        selected: 0,
    };
    if model.completion.can_search_people
        && token.chars().count() >= 2
        && !model.completion.people_cache.contains_key(&token)
    {
        model.timer_seq += 1;
        model.completion.people_query = Some((token, model.timer_seq));
        return vec![Effect::Timer {
            after: PEOPLE_DELAY,
            kind: TimerKind::People,
            seq: model.timer_seq,
        }];
    }
    Vec::new()
}

/// The debounce ran out: ask Graph, unless more typing came since.
pub(crate) fn on_tick(model: &mut Model, seq: u64) -> Outcome {
    match &model.completion.people_query {
        Some((q, s)) if *s == seq => Outcome::none().with(vec![Effect::SearchPeople(q.clone())]),
        _ => Outcome::none(),
    }
}

/// Graph's answer: cached, and shown if that is still what is being typed.
pub(crate) fn on_people(model: &mut Model, query: String, found: Vec<Address>) -> Outcome {
    model.completion.people_cache.insert(query.clone(), found);
    let still = model
        .completion
        .people_query
        .as_ref()
        .is_some_and(|(q, _)| *q == query);
    if !still || !model.form.focus.is_recipients() {
        return Outcome::none();
    }
    let before = model.completion.suggest.clone();
    let effects = refresh(model);
    Outcome {
        then: None,
        effects,
        redraw: model.completion.suggest != before,
    }
}

/// Keys while suggestions are shown; `None` lets the key through.
pub(crate) fn on_key(model: &mut Model, key: &KeyEvent) -> Option<Outcome> {
    if model.completion.suggest.items.is_empty()
        || model.completion.suggest.field != Some(model.form.focus)
    {
        return None;
    }
    let n = model.completion.suggest.items.len();
    match key.code {
        KeyCode::Down => {
            model.completion.suggest.selected = (model.completion.suggest.selected + 1) % n
        }
        KeyCode::Up => {
            model.completion.suggest.selected = (model.completion.suggest.selected + n - 1) % n
        }
        KeyCode::Esc => model.completion.suggest = Suggestions::default(),
        KeyCode::Tab | KeyCode::Enter => {
            let pick = model
                .completion
                .suggest
                .items
                .get(model.completion.suggest.selected)?
                .clone();
            accept(model, &pick);
        }
        _ => return None,
    }
    Some(Outcome::redraw())
}

fn accept(model: &mut Model, pick: &Address) {
    let field = model.form.focus;
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
    model.form.errors[field.index()] = None;
    model.completion.suggest = Suggestions::default();
    model.completion.people_query = None;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(a: &str, name: Option<&str>) -> Address {
        Address {
            name: name.map(str::to_string),
            address: a.to_string(),
        }
    }

    /// What the README says: starts of the address, the name or a word of it
    /// rank first; anywhere in the address next; an exact address is done.
    #[test]
    fn word_starts_rank_first_then_anywhere_in_the_address() {
        let dana = addr("dana.kim@contoso.com", Some("Dana Kim"));
        assert_eq!(rank(&dana, "dan"), Some(0));
        assert_eq!(rank(&dana, "kim"), Some(1));
        assert_eq!(rank(&dana, "contoso"), Some(1));
        assert_eq!(rank(&dana, "ana"), Some(1), "inside the address");
        assert_eq!(
            rank(&addr("x@y.io", Some("Ann Lee")), "nn"),
            None,
            "not inside a name"
        );
        assert_eq!(rank(&dana, "dana.kim@contoso.com"), None);
    }
}
