//! Device-code sign-in inside the form: offered when there is no usable token,
//! it shows the service's own message and code with a countdown while the
//! runner polls in the background. The draft waits and loses nothing.

use crate::auth::Feature;
use crate::auth::device::DeviceCode;
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::msg::TimerKind;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::session::SignInStage;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;
use std::time::Duration;

/// Opens the sign-in offer (at start without a token, or when a save needs it).
pub fn offer(model: &mut Model, why: &str) {
    model.dialog = Some(Dialog::SignIn(SignInStage::Offer {
        why: why.to_string(),
    }));
}

/// One line saying a feature is off and how to get it back.
pub(crate) fn refusal(model: &Model, feature: Feature, why: &str) -> String {
    let how = if model.session.can_sign_in {
        format!(
            "`graft login` asks for {} again; if your organisation requires it, an administrator must consent to it for this app",
            feature.scope()
        )
    } else {
        format!("use a token that carries {}", feature.scope())
    };
    format!(
        "{} is off: {why} (it needs the {} permission). To turn it on, {how}.",
        feature.label(),
        feature.scope()
    )
}

/// Turns a feature off and says so, once.
pub(crate) fn refuse(model: &mut Model, feature: Feature, why: &str) {
    if feature == Feature::PeopleSearch {
        model.completion.can_search_people = false;
        model.completion.people_query = None;
    }
    if !model.session.refused.contains(&feature) {
        model.session.refused.push(feature);
        let line = refusal(model, feature, why);
        model.status.push(StatusEntry::Info(line));
    }
}

/// What a token with these scopes allows, turned on (a signed-in start and
/// a sign-in from the form do the same); what it lacks is said once.
pub(crate) fn apply_grants(model: &mut Model, scopes: Option<&[String]>) {
    if model.session.people_wanted {
        if Feature::PeopleSearch.granted(scopes) {
            model.completion.can_search_people = true;
            model
                .session
                .refused
                .retain(|f| *f != Feature::PeopleSearch);
        } else {
            refuse(
                model,
                Feature::PeopleSearch,
                "this sign-in was not granted it",
            );
        }
    }
    if model.session.mailbox.user.is_some() && !Feature::SharedMailbox.granted(scopes) {
        refuse(
            model,
            Feature::SharedMailbox,
            "this sign-in was not granted it",
        );
    }
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> crate::tui::app::msg::Reply {
    use crate::config::keymap::{Context, DialogAction};
    use crate::tui::app::msg::Reply;
    let action = model.session.keymap.in_dialog(Context::SignIn, &key);
    let Some(Dialog::SignIn(stage)) = &model.dialog else {
        return Reply::Stay(Outcome::none());
    };
    match (stage, action) {
        (SignInStage::Offer { .. } | SignInStage::Failed(_), Some(DialogAction::Choose)) => {
            if let Some(problem) = model.session.sign_in_problem.clone() {
                // Trying would only fail at the sign-in page.
                model.dialog = Some(Dialog::SignIn(SignInStage::Failed(problem)));
                return Reply::Stay(Outcome::redraw());
            }
            model.dialog = Some(Dialog::SignIn(SignInStage::Starting));
            Reply::Stay(Outcome::redraw().with(vec![Effect::StartSignIn]))
        }
        (SignInStage::Waiting { user_code, .. }, Some(DialogAction::Copy)) => {
            let code = user_code.clone();
            model.status.push(StatusEntry::Info(format!(
                "Copied {code} to the clipboard (OSC 52)."
            )));
            Reply::Stay(Outcome::redraw().with(vec![Effect::Copy(code)]))
        }
        (_, Some(DialogAction::Close)) => {
            let was_waiting = matches!(stage, SignInStage::Waiting { .. } | SignInStage::Starting);
            model.save.after_sign_in = false;
            model.status.push(StatusEntry::Info(
                "Not signed in. Write on; the draft is kept locally. Ctrl-S offers sign-in again."
                    .into(),
            ));
            let effects = if was_waiting {
                vec![Effect::CancelSignIn]
            } else {
                Vec::new()
            };
            Reply::Close(Outcome::redraw().with(effects))
        }
        _ => Reply::Stay(Outcome::none()),
    }
}

pub(crate) fn on_code(model: &mut Model, result: Result<DeviceCode, String>) -> Outcome {
    if !matches!(model.dialog, Some(Dialog::SignIn(SignInStage::Starting))) {
        return Outcome::none();
    }
    match result {
        Ok(dc) => {
            model.timer_seq += 1;
            let seq = model.timer_seq;
            model.dialog = Some(Dialog::SignIn(SignInStage::Waiting {
                message: dc.message.clone(),
                user_code: dc.user_code.clone(),
                remaining_secs: dc.expires_in,
                seq,
            }));
            Outcome::redraw().with(vec![
                Effect::Copy(dc.user_code),
                Effect::Timer {
                    after: Duration::from_secs(1),
                    kind: TimerKind::SignIn,
                    seq,
                },
            ])
        }
        Err(e) => {
            model.dialog = Some(Dialog::SignIn(SignInStage::Failed(e)));
            Outcome::redraw()
        }
    }
}

pub(crate) fn on_tick(model: &mut Model, seq: u64) -> Outcome {
    let Some(Dialog::SignIn(SignInStage::Waiting {
        remaining_secs,
        seq: s,
        ..
    })) = &mut model.dialog
    else {
        return Outcome::none();
    };
    if *s != seq {
        return Outcome::none();
    }
    *remaining_secs = remaining_secs.saturating_sub(1);
    if *remaining_secs == 0 {
        return Outcome::redraw();
    }
    Outcome::redraw().with(vec![Effect::Timer {
        after: Duration::from_secs(1),
        kind: TimerKind::SignIn,
        seq,
    }])
}

pub(crate) fn on_done(model: &mut Model, result: Result<String, String>) -> Outcome {
    match result {
        Ok(account) => {
            if matches!(model.dialog, Some(Dialog::SignIn(_))) {
                model.dialog = None;
            }
            model
                .status
                .push(StatusEntry::Info(format!("Signed in as {account}.")));
            // Everything a signed-in start has: the connection, categories,
            // the mailbox's limits (people search came with `Msg::Granted`).
            let warm = vec![Effect::WarmUp];
            if std::mem::take(&mut model.save.after_sign_in) {
                return Outcome::save().with(warm);
            }
            Outcome::redraw().with(warm)
        }
        Err(e) => {
            if matches!(model.dialog, Some(Dialog::SignIn(_))) {
                model.dialog = Some(Dialog::SignIn(SignInStage::Failed(e)));
            }
            Outcome::redraw()
        }
    }
}
