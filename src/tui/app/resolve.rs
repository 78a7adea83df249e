//! Recipients typed as a bare name (`Megan Bowen`) are resolved before saving:
//! from addresses used before, else through Graph's people search. A name that
//! matches no one, or several people, is flagged on its field; nothing is sent.

use super::model::Model;
use crate::core::address::{Address, AddressError, bare_names, format_list, replace_name};
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::state::form::Field;
use crate::tui::app::state::status::StatusEntry;

const RECIPIENT_FIELDS: [Field; 3] = [Field::To, Field::Cc, Field::Bcc];

/// The bare names in To/Cc/Bcc, each once.
fn pending(model: &Model) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for f in RECIPIENT_FIELDS {
        for n in bare_names(&model.text(f)) {
            if !out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
                out.push(n);
            }
        }
    }
    out
}

fn replace_everywhere(model: &mut Model, name: &str, with: &Address) {
    for f in RECIPIENT_FIELDS {
        let text = model.text(f);
        if bare_names(&text)
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
        {
            let new = replace_name(&text, name, with);
            model.set_text(f, &new);
            model.form.errors[f.index()] = None;
        }
    }
}

/// The one person `name` means among `candidates`: an exact display-name match,
/// else the only candidate. `None` when there is no one or more than one.
fn pick<'a>(name: &str, candidates: &'a [Address]) -> Option<&'a Address> {
    let exact: Vec<&Address> = candidates
        .iter()
        .filter(|a| {
            a.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .collect();
    match (exact.as_slice(), candidates) {
        ([one], _) => Some(one),
        ([], [only]) => Some(only),
        _ => None,
    }
}

/// Before a save: resolves what it can locally. `Some(outcome)` when the save
/// must wait for a people search (or cannot go ahead); `None` to save now.
pub(crate) fn before_save(model: &mut Model) -> Option<Outcome> {
    if model.completion.resolving {
        model.status.push(StatusEntry::Info(
            "Still looking up names; the save goes ahead when they are found.".into(),
        ));
        return Some(Outcome::redraw());
    }
    let names = pending(model);
    if names.is_empty() {
        return None;
    }
    let mut left = Vec::new();
    for name in names {
        let known: Vec<Address> = model
            .completion
            .known
            .iter()
            .filter(|a| {
                a.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            })
            .cloned()
            .collect();
        match pick(&name, &known) {
            Some(a) => {
                let a = a.clone();
                replace_everywhere(model, &name, &a);
            }
            None => left.push(name),
        }
    }
    if left.is_empty() {
        return None;
    }
    if !model.completion.can_search_people {
        if model
            .session
            .refused
            .contains(&crate::auth::Feature::PeopleSearch)
        {
            // Say why the name was not looked up, not just "no '@'".
            let reason =
                "people search is off (it needs the People.Read permission); type the address"
                    .to_string();
            let mut first = None;
            for f in RECIPIENT_FIELDS {
                if let Some(n) = bare_names(&model.text(f))
                    .into_iter()
                    .find(|n| left.iter().any(|l| l.eq_ignore_ascii_case(n)))
                {
                    model.form.errors[f.index()] = Some(AddressError {
                        item: n,
                        reason: reason.clone(),
                    });
                    first.get_or_insert(f);
                }
            }
            if let Some(f) = first {
                model.form.focus = f;
            }
            model.save.quit_after = false;
            model.status.push(StatusEntry::Invalid(format!(
                "Not saved. {}: {reason}",
                left.join(", ")
            )));
            return Some(Outcome::redraw());
        }
        // The usual validation flags them: "no '@'".
        return None;
    }
    model.completion.resolving = true;
    model.status.push(StatusEntry::Info(format!(
        "Looking up {} in your organisation…",
        left.join(", ")
    )));
    Some(Outcome::redraw().with(vec![Effect::ResolveNames(left)]))
}

/// The people search answered: fill in who was found, flag the rest, and save
/// if every name now has an address.
pub(crate) fn on_resolved(
    model: &mut Model,
    found: Vec<(String, Result<Vec<Address>, String>)>,
) -> Outcome {
    if !model.completion.resolving {
        return Outcome::none();
    }
    model.completion.resolving = false;
    let mut problems: Vec<String> = Vec::new();
    for (name, candidates) in &found {
        let none = Vec::new();
        let list = candidates.as_ref().unwrap_or(&none);
        match pick(name, list) {
            Some(a) => {
                let a = a.clone();
                replace_everywhere(model, name, &a);
            }
            None => {
                let reason = match candidates {
                    Err(why) => format!("{why}; type the address"),
                    Ok(c) if c.is_empty() => {
                        "no one by this name was found; type their address".to_string()
                    }
                    Ok(c) => format!(
                        "{} people match ({}); type the one you mean",
                        c.len(),
                        format_list(&c[..c.len().min(3)])
                    ),
                };
                for f in RECIPIENT_FIELDS {
                    if bare_names(&model.text(f))
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(name))
                    {
                        model.form.errors[f.index()] = Some(AddressError {
                            item: name.clone(),
                            reason: reason.clone(),
                        });
                        if problems.is_empty() {
                            model.form.focus = f;
                        }
                    }
                }
                problems.push(format!("'{name}': {reason}"));
            }
        }
    }
    model.form.edited();
    if problems.is_empty() {
        return Outcome::save();
    }
    model.save.quit_after = false;
    model.status.push(StatusEntry::Invalid(format!(
        "Not saved. {}",
        problems.join("; ")
    )));
    Outcome::redraw()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: &str, addr: &str) -> Address {
        Address {
            name: Some(name.into()),
            address: addr.into(),
        }
    }

    #[test]
    fn exact_name_wins_else_only_candidate() {
        let list = [a("Megan Bowen", "m@x.com"), a("Megan Bowers", "mb@x.com")];
        assert_eq!(pick("megan bowen", &list).unwrap().address, "m@x.com");
        assert!(pick("Megan", &list).is_none());
        assert_eq!(
            pick("Lee", &[a("Lee Gu", "l@x.com")]).unwrap().address,
            "l@x.com"
        );
        assert!(pick("Nobody", &[]).is_none());
    }
}
