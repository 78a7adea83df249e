//! The dialogs drawn over the form, one file per dialog (as `app::dialog`
//! has them), with the box they share and hint lines made from the keymap.

mod attach;
mod confirm_quit;
mod draft_gone;
mod help;
mod history;
mod more;
mod recover;
mod signin;

use super::Canvas;
use crate::config::keymap::{Context, DialogAction};
use crate::config::theme::Palette;
use crate::tui::app::{Dialog, Model};
use ratatui::layout::{Constraint, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Draws the open dialog; returns where the cursor goes, if the dialog has
/// a text field.
pub(super) fn draw(model: &Model, frame: &mut Canvas, area: Rect) -> Option<Position> {
    match model.dialog.as_ref()? {
        Dialog::Help => help::draw(model, frame, area),
        Dialog::ConfirmQuit => confirm_quit::draw(model, frame, area),
        Dialog::Recover { items, selected } => recover::draw(model, items, *selected, frame, area),
        Dialog::DraftGone => draft_gone::draw(model, None, frame, area),
        Dialog::DraftElsewhere(w) => draft_gone::draw(model, Some(*w), frame, area),
        Dialog::SignIn(stage) => signin::draw(model, stage, frame, area),
        Dialog::More { row } => return more::draw(model, *row, frame, area),
        Dialog::Attach(d) => return attach::draw(model, d, frame, area),
        Dialog::History(d) => history::draw(model, d, frame, area),
    }
    None
}

/// A box `w` × `h` in the middle of `area` (clipped to it).
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    area.centered(Constraint::Length(w), Constraint::Length(h))
}

/// Draws `lines` in a bordered box centred in `area`; returns the box.
fn popup(frame: &mut Canvas, area: Rect, lines: Vec<Line<'_>>, title: &str, width: u16) -> Rect {
    let p = frame.palette();
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let w = area.width.min(width);
    let rect = centered(area, w, para.line_count(w.saturating_sub(2)) as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        para.block(Block::bordered().title(title).border_style(p.warn())),
        rect,
    );
    rect
}

fn key(p: Palette) -> Style {
    p.accent().add_modifier(Modifier::BOLD)
}

fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

/// A dialog's hint line from the keymap (`Enter restore  ↑/↓ choose …`),
/// with only the actions `keep` allows.
fn hint_line(
    model: &Model,
    context: Context,
    keep: impl Fn(DialogAction) -> bool,
) -> Line<'static> {
    let p = model.session.palette();
    let mut spans = Vec::new();
    for (action, keys, hint) in model.session.keymap.hints(context) {
        if !keep(action) {
            continue;
        }
        spans.push(Span::styled(format!(" {keys}"), key(p)));
        spans.push(Span::raw(format!(" {hint} ")));
    }
    Line::from(spans)
}

/// One hint a line, for the short question dialogs: `s  save, then quit`.
fn hint_rows(model: &Model, context: Context) -> Vec<Line<'static>> {
    let p = model.session.palette();
    model
        .session
        .keymap
        .hints(context)
        .into_iter()
        .map(|(_, keys, hint)| {
            Line::from(vec![
                Span::styled(keys, key(p)),
                Span::raw(format!("  {hint}")),
            ])
        })
        .collect()
}
