//! F1: every key, from the keymap.

use super::{Canvas, centered};
use crate::tui::app::Model;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

pub(super) fn draw(model: &Model, frame: &mut Canvas, area: Rect) {
    let p = model.session.palette();
    let key_style = p.accent().add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::styled(
        "Keys",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for b in &model.session.keymap.bindings {
        let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
        lines.push(Line::from(vec![
            Span::styled(format!("{:<14}", keys.join(" ")), key_style),
            Span::raw(b.help.as_str()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Editing",
        Style::default().add_modifier(Modifier::BOLD),
    ));
    for e in &model.session.keymap.editing {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<32}", e.keys), key_style),
            Span::raw(e.help.as_str()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(format!(
        "Drafts go to {} · {} at {}",
        model.session.mailbox.owner_label(),
        model.session.mailbox.folder_label(),
        model.session.graph_url
    )));
    lines.push(Line::styled(
        "Any key closes this help.",
        Style::default().add_modifier(Modifier::DIM),
    ));
    let para = Paragraph::new(lines).wrap(Wrap { trim: false });
    let w = area.width.min(90);
    let rect = centered(area, w, para.line_count(w.saturating_sub(2)) as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        para.block(Block::bordered().title(" Help ").border_style(p.accent())),
        rect,
    );
}
