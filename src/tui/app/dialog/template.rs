//! Alt-T: the templates in the config folder's `templates/`, to start
//! from one. Choosing one asks, one at a time, for each variable it needs
//! a value for, then fills the form: the header fields it sets where the
//! form's are empty, its body where the body is empty (else at the cursor).

use crate::config::keymap::{Context, DialogAction};
use crate::core::line::LineEdit;
use crate::core::template::{Template, Vars};
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::Reply;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::dialogs::TemplateDialog;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

pub(crate) fn open(model: &mut Model) -> Outcome {
    model.dialog = Some(Dialog::Template(Box::new(TemplateDialog {
        loading: true,
        ..Default::default()
    })));
    Outcome::redraw().with(vec![Effect::ListTemplates])
}

/// The folder was read.
pub(crate) fn on_listed(
    model: &mut Model,
    result: Result<Vec<Template>, String>,
    today: String,
) -> Outcome {
    let Some(Dialog::Template(d)) = &mut model.dialog else {
        return Outcome::none();
    };
    d.loading = false;
    d.today = today;
    match result {
        Ok(list) if list.is_empty() => {
            d.message = Some("No templates yet: a template is a file in the config folder's templates/ (headers such as To: and Subject:, a blank line, then the body; {{name}} for a variable).".into());
        }
        Ok(list) => d.list = list,
        Err(e) => d.message = Some(e),
    }
    Outcome::redraw()
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> Reply {
    let action = model.session.keymap.in_dialog(Context::Template, &key);
    let Some(Dialog::Template(d)) = &mut model.dialog else {
        return Reply::Pass;
    };
    if let Some((_, input, _)) = &mut d.asking {
        return match action {
            Some(DialogAction::Choose) => next(model),
            Some(DialogAction::Close) => {
                d.asking = None;
                Reply::Stay(Outcome::redraw())
            }
            _ => match super::line::edit_line(input, &key) {
                Some(_) => Reply::Stay(Outcome::redraw()),
                None => Reply::Stay(Outcome::none()),
            },
        };
    }
    let n = d.list.len();
    match action {
        _ if super::step(&mut d.selected, n, action) => Reply::Stay(Outcome::redraw()),
        Some(DialogAction::Choose) if n > 0 => {
            d.asking = Some((String::new(), LineEdit::default(), Vars::new()));
            next(model)
        }
        Some(DialogAction::Close) => Reply::Close(Outcome::redraw()),
        _ => Reply::Pass,
    }
}

/// Takes the value typed (if a variable was asked), then asks for the next
/// variable still without one, or fills the form.
fn next(model: &mut Model) -> Reply {
    let form_to = model.text(Field::To);
    let Some(Dialog::Template(d)) = &mut model.dialog else {
        return Reply::Pass;
    };
    let Some((name, input, mut vars)) = d.asking.take() else {
        return Reply::Stay(Outcome::none());
    };
    if !name.is_empty() {
        vars.insert(name, input.text().to_string());
    }
    let mut t = d.list[d.selected].clone();
    // Who it is for: the form's To, when the template names nobody.
    if t.to.trim().is_empty() {
        t.to = form_to;
    }
    // Each variable in turn, its fallback offered (Enter keeps it).
    if let Some((name, fallback)) = t.asks().into_iter().find(|(n, _)| !vars.contains_key(n)) {
        let mut input = LineEdit::default();
        if let Some(f) = fallback {
            input.set(f);
            input.replace_on_type();
        }
        d.asking = Some((name, input, vars));
        return Reply::Stay(Outcome::redraw());
    }
    match t.render(&vars, &d.today) {
        Err(crate::core::template::RenderError::Missing(missing)) => {
            d.asking = Some((missing[0].clone(), LineEdit::default(), vars));
            Reply::Stay(Outcome::redraw())
        }
        Err(refused) => {
            d.message = Some(format!("Not filled: {refused}."));
            Reply::Stay(Outcome::redraw())
        }
        Ok(fields) => {
            let name = t.name.clone();
            apply(model, &fields, t.format);
            model.status.push(StatusEntry::Info(format!(
                "Started from the template “{name}”."
            )));
            Reply::Close(Outcome::redraw())
        }
    }
}

/// Fills the form from a template's text.
fn apply(
    model: &mut Model,
    f: &crate::core::record::Fields,
    format: crate::core::content::BodyFormat,
) {
    for (field, text) in [
        (Field::To, &f.to),
        (Field::Cc, &f.cc),
        (Field::Bcc, &f.bcc),
        (Field::Subject, &f.subject),
    ] {
        if model.text(field).trim().is_empty() && !text.is_empty() {
            model.set_text(field, text);
        }
    }
    if model.body_text().trim().is_empty() {
        model.set_text(Field::Body, &f.body);
        model.body_jump(0, 0);
        model.form.body_format = format;
    } else {
        model.body_insert(&f.body);
    }
    model.form.focus = Field::Body;
    model.form.edited();
}
