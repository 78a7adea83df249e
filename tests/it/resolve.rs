//! Names typed without an address are resolved before saving, or flagged.

use crate::common;

use common::{ctrl, model, type_text};
use graft::core::address::Address;
use graft::tui::app::{Effect, Field, Msg, StatusEntry, update};

fn person(name: &str, addr: &str) -> Address {
    Address {
        name: Some(name.into()),
        address: addr.into(),
    }
}

fn to_of(effects: &[Effect]) -> Vec<String> {
    match effects.first() {
        Some(Effect::Create { body, .. }) => body["toRecipients"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["emailAddress"]["address"].as_str().unwrap().to_string())
            .collect(),
        other => panic!("expected a Create, got {other:?}"),
    }
}

#[test]
fn a_name_used_before_is_resolved_locally() {
    let mut m = model();
    m.completion.known = vec![person("Megan Bowen", "megan.bowen@contoso.com")];
    type_text(&mut m, "al@contoso.com, megan bowen");
    let out = update(&mut m, ctrl('s'));
    assert_eq!(
        to_of(&out.effects),
        ["al@contoso.com", "megan.bowen@contoso.com"]
    );
    assert_eq!(
        m.text(Field::To),
        "al@contoso.com, Megan Bowen <megan.bowen@contoso.com>"
    );
}

#[test]
fn other_names_go_to_the_people_search_then_the_save_goes_ahead() {
    let mut m = model();
    m.completion.can_search_people = true;
    type_text(&mut m, "Lee Gu");
    let out = update(&mut m, ctrl('s'));
    assert_eq!(
        out.effects,
        vec![Effect::ResolveNames(vec!["Lee Gu".into()])]
    );
    assert!(m.save.in_flight.is_none(), "nothing sent yet");
    // A second Ctrl-S while looking does not start another lookup.
    let out = update(&mut m, ctrl('s'));
    assert!(out.effects.is_empty());
    let out = update(
        &mut m,
        Msg::NamesResolved(vec![(
            "Lee Gu".into(),
            Ok(vec![person("Lee Gu", "lee.gu@contoso.com")]),
        )]),
    );
    assert_eq!(to_of(&out.effects), ["lee.gu@contoso.com"]);
}

#[test]
fn ambiguous_unknown_and_offline_names_are_flagged_and_nothing_is_sent() {
    for (found, says) in [
        (
            Ok(vec![
                person("Megan Bowen", "mb@contoso.com"),
                person("Megan Smith", "ms@contoso.com"),
            ]),
            "2 people match",
        ),
        (Ok(vec![]), "no one by this name"),
        (
            Err("could not reach Graph to look this name up (connection refused)".to_string()),
            "could not reach Graph",
        ),
    ] {
        let mut m = model();
        m.completion.can_search_people = true;
        type_text(&mut m, "ok@contoso.com, Megan");
        update(&mut m, ctrl('s'));
        let out = update(&mut m, Msg::NamesResolved(vec![("Megan".into(), found)]));
        assert!(
            !out.effects
                .iter()
                .any(|e| matches!(e, Effect::Create { .. })),
            "{says}"
        );
        let err = m.error(Field::To).expect("the field is flagged");
        assert_eq!(err.item, "Megan");
        assert!(err.reason.contains(says), "{}", err.reason);
        match m.status.last() {
            Some(StatusEntry::Invalid(t)) => assert!(t.contains(says), "{t}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            m.text(Field::To),
            "ok@contoso.com, Megan",
            "the text is kept"
        );
    }
}

#[test]
fn without_people_search_a_bare_name_is_an_error_as_before() {
    let mut m = model();
    type_text(&mut m, "Megan");
    let out = update(&mut m, ctrl('s'));
    assert!(
        out.effects
            .iter()
            .all(|e| !matches!(e, Effect::Create { .. } | Effect::ResolveNames(_)))
    );
    assert!(m.error(Field::To).unwrap().reason.contains("no '@'"));
}
