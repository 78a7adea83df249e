//! A one-line input in a dialog (a search, a path, a value) edits like the
//! form's one-line fields.

use crossterm::event::KeyEvent;

/// A one-line field in a dialog edits like the form's fields: arrows,
/// Home/End, Ctrl-A/E/B/F/D/H/K, Ctrl-U deletes to the start, Ctrl-_ (or
/// Ctrl-/) undoes. `None`: not an editing
/// key; `Some(true)`: a character was typed.
pub(crate) fn edit_line(i: &mut crate::core::line::LineEdit, key: &KeyEvent) -> Option<bool> {
    use crossterm::event::{KeyCode, KeyModifiers};
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    match (key.code, ctrl) {
        (KeyCode::Backspace, _) | (KeyCode::Char('h'), true) => i.backspace(),
        (KeyCode::Delete, _) | (KeyCode::Char('d'), true) => i.delete(),
        (KeyCode::Left, _) | (KeyCode::Char('b'), true) => i.left(),
        (KeyCode::Right, _) | (KeyCode::Char('f'), true) => i.right(),
        (KeyCode::Home, _) | (KeyCode::Char('a'), true) => i.home(),
        (KeyCode::End, _) | (KeyCode::Char('e'), true) => i.end(),
        (KeyCode::Char('k'), true) => i.kill_to_end(),
        (KeyCode::Char('u'), true) => i.kill_to_start(),
        (KeyCode::Char('7' | '_' | '/'), true) => i.undo(),
        (KeyCode::Char(c), false) if !alt && !c.is_control() => {
            i.insert(&c.to_string());
            return Some(true);
        }
        _ => return None,
    }
    Some(false)
}
