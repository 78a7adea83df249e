//! Overlays: the help (every key, from the keymap) and the quit question.

use super::Canvas;
use super::{ACCENT, WARN};
use crate::core::record::JournalRecord;
use crate::tui::app::Model;
use crate::tui::app::model::SignInStage;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn draw_help(model: &Model, frame: &mut Canvas, area: Rect) {
    let key_style = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
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
    let p = Paragraph::new(lines).wrap(Wrap { trim: false });
    let w = area.width.min(90);
    let rect = centered(area, w, p.line_count(w.saturating_sub(2)) as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        p.block(
            Block::bordered()
                .title(" Help ")
                .border_style(Style::default().fg(ACCENT)),
        ),
        rect,
    );
}

pub fn draw_confirm_quit(model: &Model, frame: &mut Canvas, area: Rect) {
    let what = if model.save.in_flight.is_some() {
        "A save is still in progress."
    } else if model.save.retry.is_some() {
        "A save is waiting to be retried."
    } else {
        "This draft has changes that are not saved to Outlook."
    };
    let key = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
    let lines = vec![
        Line::from(what),
        Line::styled(
            "Quitting keeps it in the local journal: graft offers it next time, and `graft sync` completes a queued save.",
            Style::default().add_modifier(Modifier::DIM),
        ),
        Line::raw(""),
        Line::from(vec![Span::styled("s", key), Span::raw("  save, then quit")]),
        Line::from(vec![
            Span::styled("y", key),
            Span::raw("  quit without saving"),
        ]),
        Line::from(vec![
            Span::styled("n", key),
            Span::raw("  keep editing (Esc)"),
        ]),
    ];
    popup(frame, area, lines, " Quit? ", 64);
}

/// Draws `lines` in a bordered box centred in `area`; returns the box.
pub(super) fn popup(
    frame: &mut Canvas,
    area: Rect,
    lines: Vec<Line<'_>>,
    title: &str,
    width: u16,
) -> Rect {
    let p = Paragraph::new(lines).wrap(Wrap { trim: false });
    let w = area.width.min(width);
    let rect = centered(area, w, p.line_count(w.saturating_sub(2)) as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        p.block(
            Block::bordered()
                .title(title)
                .border_style(Style::default().fg(WARN)),
        ),
        rect,
    );
    rect
}

pub fn draw_recover(items: &[JournalRecord], selected: usize, frame: &mut Canvas, area: Rect) {
    let key = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::from("Drafts from an earlier session that Outlook does not have yet:"),
        Line::raw(""),
    ];
    for (i, r) in items.iter().enumerate() {
        let when = r
            .updated
            .replace('T', " ")
            .trim_end_matches('Z')
            .to_string();
        let style = if i == selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        let marker = if i == selected { "▸" } else { " " };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker} {}", r.title()), style),
            Span::styled(
                format!("  {when} UTC · {}", r.state()),
                Style::default().add_modifier(Modifier::DIM),
            ),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", key),
        Span::raw(" restore  "),
        Span::styled("↑/↓", key),
        Span::raw(" choose  "),
        Span::styled("d", key),
        Span::raw(" delete  "),
        Span::styled("Esc", key),
        Span::raw(" blank draft (keeps these)"),
    ]));
    popup(frame, area, lines, " Recover a draft ", 90);
}

pub fn draw_draft_gone(
    elsewhere: Option<crate::tui::app::model::Elsewhere>,
    frame: &mut Canvas,
    area: Rect,
) {
    use crate::tui::app::model::Elsewhere;
    let key = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
    let (what, title) = match elsewhere {
        None => (
            "The draft is gone on the server: it was sent or deleted elsewhere.",
            " Draft not found ",
        ),
        Some(Elsewhere::Sent) => (
            "The draft was sent from Outlook; your text here was not saved over it.",
            " Draft was sent ",
        ),
        Some(Elsewhere::Deleted) => (
            "The draft was deleted in Outlook (it is in Deleted Items); it was not saved over.",
            " Draft was deleted ",
        ),
    };
    let lines = vec![
        Line::from(what),
        Line::raw(""),
        Line::from(vec![
            Span::styled("y", key),
            Span::raw("  save this text as a new draft"),
        ]),
        Line::from(vec![
            Span::styled("n", key),
            Span::raw("  keep editing (Esc)"),
        ]),
    ];
    popup(frame, area, lines, title, 80);
}

/// The F3 panel; returns where the cursor goes when a text row has the focus.
pub fn draw_more(
    model: &Model,
    row: usize,
    frame: &mut Canvas,
    area: Rect,
) -> Option<ratatui::layout::Position> {
    use crate::tui::app::more::LABELS;
    let m = &model.form.more;
    let check = |b: bool| if b { "[x]" } else { "[ ]" };
    let values = [
        String::new(),
        format!("‹ {} ›", m.importance.as_str()),
        check(m.read_receipt).to_string(),
        check(m.delivery_receipt).to_string(),
        String::new(),
        check(m.flagged).to_string(),
    ];
    let w = area.width.min(76);
    let h = (LABELS.len() as u16 + 5).min(area.height);
    let rect = centered(area, w, h);
    frame.render_widget(Clear, rect);
    let block = Block::bordered()
        .title(" More fields (F3 or Esc closes) ")
        .border_style(Style::default().fg(ACCENT));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let mut cursor = None;
    for (i, label) in LABELS.iter().enumerate() {
        let y = inner.y + i as u16;
        if y >= inner.bottom() {
            break;
        }
        let focused = i == row;
        let style = if focused {
            Style::default().fg(ACCENT).add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        let marker = if focused { "▸" } else { " " };
        let lw = 19u16.min(inner.width);
        frame.render_widget(
            Paragraph::new(Span::styled(format!("{marker}{label:<17}"), style)),
            Rect::new(inner.x, y, lw, 1),
        );
        let field = Rect::new(inner.x + lw, y, inner.width.saturating_sub(lw), 1);
        match i {
            0 | 4 => {
                let ta = if i == 0 { &m.reply_to } else { &m.categories };
                frame.render_widget(ta, field);
                if focused && field.width > 0 {
                    let sc = ta.screen_cursor();
                    let (_, top_col) = ta.scroll_offset();
                    let dx = (sc.col as u16).saturating_sub(top_col);
                    cursor = Some(ratatui::layout::Position::new(
                        (field.x + dx).min(field.right().saturating_sub(1)),
                        y,
                    ));
                }
            }
            _ => frame.render_widget(
                Paragraph::new(Span::styled(values[i].clone(), style)),
                field,
            ),
        }
    }
    let hint_y = inner.y + LABELS.len() as u16 + 1;
    if hint_y < inner.bottom() {
        let taken = crate::core::content::split_categories(&m.categories.lines().join(" "));
        let offered: Vec<&str> = model
            .session
            .categories
            .iter()
            .filter(|c| !taken.iter().any(|t| t.eq_ignore_ascii_case(c)))
            .map(String::as_str)
            .collect();
        let text = match &m.reply_to_error {
            Some(e) => Line::styled(format!("✗ Reply-To {e}"), Style::default().fg(super::ERROR)),
            None if row == 4 && !offered.is_empty() => Line::styled(
                format!("Your categories: {}", offered.join(", ")),
                Style::default().fg(ACCENT),
            ),
            None => Line::styled(
                "Tab/↑↓ move · Space toggles · ←→ importance · categories: comma-separated",
                Style::default().add_modifier(Modifier::DIM),
            ),
        };
        frame.render_widget(
            Paragraph::new(text),
            Rect::new(inner.x, hint_y, inner.width, 1),
        );
    }
    cursor
}

pub fn draw_sign_in(stage: &SignInStage, frame: &mut Canvas, area: Rect) {
    let key = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
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
            lines.push(Line::from(vec![
                Span::styled("Enter", key),
                Span::raw(" sign in   "),
                Span::styled("Esc", key),
                Span::raw(" not now (the draft waits)"),
            ]));
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
                Span::styled("c", key),
                Span::raw(" copy the code again   "),
                Span::styled("Esc", key),
                Span::raw(" cancel"),
            ]));
        }
        SignInStage::Failed(e) => {
            lines.push(Line::styled(e.as_str(), Style::default().fg(super::ERROR)));
            lines.push(Line::raw(""));
            lines.push(Line::from(vec![
                Span::styled("Enter", key),
                Span::raw(" try again   "),
                Span::styled("Esc", key),
                Span::raw(" close (the draft waits)"),
            ]));
        }
    }
    popup(frame, area, lines, " Sign in ", 84);
}
