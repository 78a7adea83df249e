//! Spelling in the form: the Subject and Body are checked off the loop's
//! thread when typing pauses (with the journal's write and the body's
//! count), never per key; the words found are underlined until the next
//! result. The spell key offers suggestions for the word at the cursor (or
//! the next one found) and replaces it; the dialog's learn key adds it to
//! the personal word list.

use super::model::Model;
use crate::core::spell::Miss;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::dialogs::SpellDialog;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::status::StatusEntry;

/// What to check, if the text changed since the last check.
pub(crate) fn check_effect(model: &mut Model) -> Option<Effect> {
    if model.spell.off.is_some() {
        return None;
    }
    if model.spell.asked == Some(model.form.generation) {
        return None;
    }
    model.spell.asked = Some(model.form.generation);
    let (subject, body) = (model.text(Field::Subject), model.body_text());
    if subject.is_empty() && body.is_empty() {
        // Nothing to check; nothing left to underline.
        model.spell.subject.clear();
        model.spell.body.clear();
        return None;
    }
    Some(Effect::Spell {
        generation: model.form.generation,
        subject,
        body,
        format: model.form.body_format,
    })
}

/// The dictionaries loaded (or why not).
pub(crate) fn on_ready(model: &mut Model, result: Result<String, String>, say: bool) -> Outcome {
    match result {
        Ok(names) => {
            model.spell.ready = Some(names);
            model.spell.off = None;
            Outcome::none()
        }
        Err(why) => {
            if say {
                model.status.push(StatusEntry::Info(why.clone()));
            }
            model.spell.off = Some(why);
            Outcome {
                then: None,
                effects: Vec::new(),
                redraw: say,
            }
        }
    }
}

/// A check came back. An older one than shown is dropped; one older than
/// the text is kept (its words are drawn only where the text still says
/// them) until the next check, which the pause after the edit asks for.
pub(crate) fn on_checked(
    model: &mut Model,
    generation: u64,
    subject: Vec<Miss>,
    body: Vec<Miss>,
) -> Outcome {
    if model.spell.shown.is_some_and(|g| g > generation) {
        return Outcome::none();
    }
    model.spell.shown = Some(generation);
    let changed = model.spell.subject != subject || model.spell.body != body;
    model.spell.subject = subject;
    model.spell.body = body;
    if changed {
        model.spell.version += 1;
    }
    Outcome {
        then: None,
        effects: Vec::new(),
        redraw: changed,
    }
}

/// The misspelled words still in the Subject and Body, in order.
pub(crate) fn live_words(model: &Model) -> Vec<String> {
    live(model, Field::Subject)
        .into_iter()
        .chain(live(model, Field::Body))
        .map(|m| m.word)
        .collect()
}

/// The words found in the Subject or the Body that the text still says.
fn live(model: &Model, field: Field) -> Vec<Miss> {
    let found = match field {
        Field::Body => &model.spell.body,
        _ => &model.spell.subject,
    };
    found
        .iter()
        .filter(|m| there(model, field, m))
        .cloned()
        .collect()
}

/// Whether the Subject or the Body still says `m`'s word where it was found.
fn there(model: &Model, field: Field, m: &Miss) -> bool {
    match field {
        Field::Body => model.body_line(m.line).is_some_and(|l| still_there(l, m)),
        _ => m.line == 0 && still_there(&model.text(field), m),
    }
}

/// Puts the cursor on the word, so it is in sight.
fn jump_to(model: &mut Model, field: Field, m: &Miss) {
    if field == Field::Body {
        model.body_jump(m.line, m.start);
    } else {
        let col = m.start.min(u16::MAX as usize) as u16;
        model
            .field_mut(field)
            .move_cursor(ratatui_textarea::CursorMove::Jump(0, col));
    }
}

/// Whether `m` still names the word the text holds there.
pub(crate) fn still_there(line: &str, m: &Miss) -> bool {
    let mut chars = line.char_indices().skip(m.start);
    let Some((s, _)) = chars.next() else {
        return false;
    };
    let e = line
        .char_indices()
        .nth(m.end)
        .map(|(i, _)| i)
        .unwrap_or(line.len());
    line.get(s..e) == Some(m.word.as_str())
        && line[e..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric())
}

/// The spell key: suggestions for the misspelled word at the cursor, or
/// the next one after it (in the Subject or Body, whichever has the focus;
/// from elsewhere, the body's first).
pub(crate) fn on_key(model: &mut Model) -> Outcome {
    if model.spell.ready.is_none() {
        let why = model
            .spell
            .off
            .clone()
            .unwrap_or_else(|| "The dictionaries are still loading.".into());
        model.status.push(StatusEntry::Info(why));
        return Outcome::redraw();
    }
    let field = if model.form.focus == Field::Subject {
        Field::Subject
    } else {
        Field::Body
    };
    let (row, col) = if field == Field::Body {
        if model.form.focus == Field::Body {
            model.body_cursor()
        } else {
            (0, 0)
        }
    } else {
        (0, model.field(Field::Subject).cursor().1)
    };
    let live = live(model, field);
    let here = live
        .iter()
        .find(|m| m.line == row && m.start <= col && col <= m.end)
        .or_else(|| live.iter().find(|m| (m.line, m.start) > (row, col)))
        .or_else(|| live.first())
        .cloned();
    let Some(miss) = here else {
        model.status.push(StatusEntry::Info(format!(
            "No misspelled words in the {} ({}).",
            if field == Field::Body {
                "body"
            } else {
                "subject"
            },
            model.spell.ready.as_deref().unwrap_or("")
        )));
        return Outcome::redraw();
    };
    // The cursor goes to the word, so it is in sight behind the dialog.
    model.form.focus = field;
    jump_to(model, field, &miss);
    Outcome::redraw().with(vec![Effect::Suggest { field, miss }])
}

/// Suggestions came back: the dialog opens (unless another one did meanwhile).
pub(crate) fn on_suggested(
    model: &mut Model,
    field: Field,
    miss: Miss,
    suggestions: Vec<String>,
) -> Outcome {
    if model.dialog.is_some() {
        return Outcome::none();
    }
    // A dictionary is a file from elsewhere: what it suggests goes into the
    // body as a word, so anything that could be markup (a picture, a link,
    // a tag) is not offered.
    let suggestions = suggestions.into_iter().filter(|w| is_word(w)).collect();
    model.dialog = Some(Dialog::Spell(Box::new(SpellDialog {
        field,
        miss,
        suggestions,
        selected: 0,
    })));
    Outcome::redraw()
}

/// Letters, digits and what joins them in words (apostrophes, hyphens,
/// dots, spaces), in any script: never markup in Markdown or HTML, whose
/// markup is all ASCII punctuation.
pub(crate) fn is_word(w: &str) -> bool {
    !w.trim().is_empty()
        && w.chars().all(|c| {
            if c.is_ascii() {
                c.is_ascii_alphanumeric() || matches!(c, '\'' | '-' | '.' | ' ')
            } else {
                !c.is_control() && !crate::util::sanitize::is_bidi_control(c)
            }
        })
}

/// Replaces the word with `with`, through the text widget; in the body the
/// undo key right after takes it back in one step.
pub(crate) fn replace(model: &mut Model, field: Field, miss: &Miss, with: &str) -> bool {
    if !there(model, field, miss) {
        return false;
    }
    // In the body, one step for the undo key right after (the widget's own
    // undo would take the deletion and the insertion back one at a time).
    let before = (field == Field::Body).then(|| crate::tui::app::state::form::BodyBefore {
        text: model.body_text(),
        cursor: model.body_cursor(),
        what: "The replacement was",
    });
    jump_to(model, field, miss);
    if before.is_some() {
        model.form.before_paste = before;
    }
    let ta = model.field_mut(field);
    ta.delete_str(miss.end - miss.start);
    ta.insert_str(with);
    model.form.edited();
    // The word is right now: no underline while the next check runs.
    let list = match field {
        Field::Body => &mut model.spell.body,
        _ => &mut model.spell.subject,
    };
    list.retain(|m| m != miss);
    model.spell.version += 1;
    true
}

/// The word was added to the personal list (or could not be).
pub(crate) fn on_learned(model: &mut Model, result: Result<String, String>) -> Outcome {
    match result {
        Ok(word) => {
            model.spell.body.retain(|m| m.word != word);
            model.spell.subject.retain(|m| m.word != word);
            model.spell.version += 1;
            model.status.push(StatusEntry::Info(format!(
                "Added “{word}” to your word list."
            )));
        }
        Err(e) => model.status.push(StatusEntry::Info(format!(
            "Could not add the word to your word list: {e}"
        ))),
    }
    Outcome::redraw()
}

#[cfg(test)]
mod tests {
    use super::is_word;

    #[test]
    fn only_words_are_offered() {
        for w in [
            "colour",
            "don't",
            "re-enter",
            "e.g.",
            "Straße",
            "naïve",
            "日本語",
            "कि",
            "ice cream",
        ] {
            assert!(is_word(w), "{w}");
        }
        for w in [
            "![x](~/.ssh/id_rsa)",
            "<img src=a>",
            "a&amp;",
            "[link]",
            "*bold*",
            "x\u{202e}y",
            " ",
            "a|b",
        ] {
            assert!(!is_word(w), "{w}");
        }
    }
}
