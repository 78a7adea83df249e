//! Both versions of a draft changed in Outlook and in graft, and the
//! choices (or the merged text before it is saved, or the confirmation).

use super::frame::{dim, hint_line, text_box};
use crate::config::keymap::{Context, DialogAction};
use crate::tui::app::Model;
use crate::tui::app::state::dialogs::ConflictDialog;
use crate::tui::app::state::dialogs::Stage;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::Line;

/// Text as lines for the dialog (sanitised, bounded).
fn lines_of(text: &str) -> Vec<Line<'static>> {
    crate::util::sanitize::clean(text, true)
        .lines()
        .take(2000)
        .map(|l| Line::raw(format!("  {l}")))
        .collect()
}

pub(super) fn draw(model: &Model, d: &ConflictDialog, frame: &mut Canvas, area: Rect) {
    let p = model.session.palette();
    let head = |s: &str| Line::styled(s.to_string(), p.accent().add_modifier(Modifier::BOLD));
    let mut lines = Vec::new();
    let hint = match d.stage {
        Stage::Preview => {
            lines.push(head(
                "Both edits, merged (Enter saves this; Esc goes back):",
            ));
            lines.extend(lines_of(&d.merged.content.body));
            Line::styled(" Enter save it  ↑↓ scroll  Esc back ", dim())
        }
        Stage::ConfirmMine => {
            lines.push(Line::styled(
                "Save your version over the one edited in Outlook? What was written there is replaced.",
                p.warn(),
            ));
            let y = model
                .session
                .keymap
                .dialog_key(Context::Conflict, DialogAction::Confirm);
            Line::styled(
                format!(" {y} save yours over it · any other key goes back "),
                dim(),
            )
        }
        Stage::Choose => {
            lines.push(Line::from(
                "This draft was changed in Outlook since graft saved it, where your text changed too. Nothing was saved over it.",
            ));
            if let Some((theirs, mine)) = &d.merged.subject {
                lines.push(Line::raw(""));
                lines.push(head("Subject"));
                lines.push(Line::raw(format!(
                    "  Outlook: {}",
                    crate::util::sanitize::line(theirs)
                )));
                lines.push(Line::raw(format!(
                    "  graft:   {}",
                    crate::util::sanitize::line(mine)
                )));
            }
            let (theirs_body, _) = d.theirs_in_form();
            lines.push(Line::raw(""));
            lines.push(head("Outlook has:"));
            lines.extend(lines_of(&crate::core::content::html_text(&theirs_body)));
            if let Some(l) = &d.merged.lossy {
                lines.push(Line::styled(
                    format!("  (Outlook's version holds {l}: a text draft cannot keep that)"),
                    dim(),
                ));
            }
            lines.push(Line::raw(""));
            lines.push(head("graft has:"));
            lines.extend(lines_of(&d.mine.body));
            if !d.can_merge() {
                lines.push(Line::raw(""));
                let why = match &d.merged.body {
                    crate::core::merge::Body::Conflict(why) => why.clone(),
                    _ => "the subject differs".into(),
                };
                lines.push(Line::styled(format!("No merge: {why}."), dim()));
            }
            let answer = model.form.answer.is_some();
            let can_merge = d.can_merge();
            hint_line(model, Context::Conflict, |a| match a {
                DialogAction::Merge => can_merge,
                DialogAction::New => !answer,
                _ => true,
            })
        }
    };
    text_box(
        frame,
        area,
        " Changed in Outlook too ",
        (lines, d.scroll),
        Vec::new(),
        hint,
    );
}
