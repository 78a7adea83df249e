//! Overlays: the help (every key, from the keymap) and the quit question.

use super::{ACCENT, WARN};
use crate::app::Model;
use crate::app::model::SignInStage;
use crate::draft::journal::JournalRecord;
use ratatui::Frame;
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

pub fn draw_help(model: &Model, frame: &mut Frame, area: Rect) {
    let key_style = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
    let mut lines = vec![Line::styled(
        "Keys",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    for b in &model.keymap.bindings {
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
    for e in &model.keymap.editing {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<32}", e.keys), key_style),
            Span::raw(e.help.as_str()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(format!(
        "Drafts go to {} · {} at {}",
        model.target.owner,
        model.target.folder_label(),
        model.target.graph_url
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

pub fn draw_confirm_quit(model: &Model, frame: &mut Frame, area: Rect) {
    let what = if model.in_flight.is_some() {
        "A save is still in progress."
    } else if model.retry.is_some() {
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

fn popup(frame: &mut Frame, area: Rect, lines: Vec<Line<'_>>, title: &str, width: u16) {
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
}

pub fn draw_recover(items: &[JournalRecord], selected: usize, frame: &mut Frame, area: Rect) {
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

pub fn draw_draft_gone(frame: &mut Frame, area: Rect) {
    let key = Style::default().fg(ACCENT).add_modifier(Modifier::BOLD);
    let lines = vec![
        Line::from("The draft is gone on the server: it was sent or deleted elsewhere."),
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
    popup(frame, area, lines, " Draft not found ", 72);
}

pub fn draw_sign_in(stage: &SignInStage, frame: &mut Frame, area: Rect) {
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
