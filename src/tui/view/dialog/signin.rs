//! Device-code sign-in: the code, the countdown, what failed.

use super::frame::popup;
use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::Model;
use crate::tui::app::state::session::SignInStage;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub(super) fn draw(model: &Model, stage: &SignInStage, frame: &mut Canvas, area: Rect) {
    let p = model.session.palette();
    let km = &model.session.keymap;
    let k = |a: DialogAction| km.dialog_key(Context::SignIn, a);
    let key = p.accent().add_modifier(Modifier::BOLD);
    let dim = Style::default().add_modifier(Modifier::DIM);
    let mut lines = Vec::new();
    match stage {
        SignInStage::Offer { why } => {
            lines.push(Line::from(why.as_str()));
            lines.push(Line::raw(""));
            lines.push(Line::from(
                "Sign in with a code: open the address on any device (phone, laptop) and enter the code.",
            ));
            lines.push(Line::raw(""));
            lines.push(super::frame::hint_line(model, Context::SignIn, |a| {
                a != DialogAction::Copy
            }));
        }
        SignInStage::Starting => lines.push(Line::from("Asking Microsoft for a sign-in code…")),
        SignInStage::Waiting {
            message,
            user_code,
            remaining_secs,
            ..
        } => {
            lines.push(Line::from(message.as_str()));
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::raw("Code: "),
                Span::styled(user_code.as_str(), key.add_modifier(Modifier::REVERSED)),
                Span::styled(
                    format!(
                        "   expires in {}:{:02}",
                        remaining_secs / 60,
                        remaining_secs % 60
                    ),
                    dim,
                ),
            ]));
            lines.push(Line::styled(
                "The code was also sent to your clipboard (OSC 52) where the terminal allows.",
                dim,
            ));
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled(k(DialogAction::Copy), key),
                Span::raw(" copy the code again   "),
                Span::styled(k(DialogAction::Close), key),
                Span::raw(" cancel"),
            ]));
        }
        SignInStage::Failed(e) => {
            lines.push(Line::styled(e.as_str(), p.error()));
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled(k(DialogAction::Choose), key),
                Span::raw(" try again   "),
                Span::styled(k(DialogAction::Close), key),
                Span::raw(" close (the draft waits)"),
            ]));
        }
    }
    popup(frame, area, lines, " Sign in ", 84);
}
