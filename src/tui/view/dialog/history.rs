//! F6: drafts saved from graft in this profile.

use super::{Canvas, dim, hint_line, popup};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::app::history::HistoryDialog;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

pub(super) fn draw(model: &Model, d: &HistoryDialog, frame: &mut Canvas, area: Rect) {
    let p = model.session.palette();
    let mut lines = Vec::new();
    let room = area.height.saturating_sub(8).max(3) as usize;
    let n = model.history.len();
    // Keep the selection in view.
    let start = d
        .selected
        .saturating_sub(room.saturating_sub(1))
        .min(n.saturating_sub(room));
    for (i, e) in model.history.iter().enumerate().skip(start).take(room) {
        let selected = i == d.selected;
        let when = e.saved.replace('T', " ");
        let when = when.trim_end_matches('Z');
        let subject = if e.subject.is_empty() {
            "(no subject)"
        } else {
            e.subject.as_str()
        };
        let style = if selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(" {} {subject}", if selected { "▸" } else { " " }),
                style,
            ),
            Span::styled(format!("  {when} · {} · {}", e.folder, e.owner), dim()),
        ]));
        if selected {
            lines.push(Line::styled(format!("     {}", e.web_link), dim()));
        }
    }
    if let Some(m) = &d.message {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!(" {m}"), p.warn()));
    }
    lines.push(Line::raw(""));
    lines.push(hint_line(model, Context::History, |_| true));
    popup(frame, area, lines, " Drafts saved from graft ", 100);
}
