//! F8: the messages to answer (a search box over a list), one message open
//! to read, and Alt-Q: the quoted original of the answer being written.

use super::frame::{dim, hint_line, list_popup, text_box};
use crate::config::keymap::Context;
use crate::tui::app::Model;
use crate::tui::app::dialog::mail::{FOLDERS, folder_in};
use crate::tui::app::state::dialogs::MailDialog;
use crate::tui::app::state::dialogs::Reading;
use crate::tui::view::canvas::Canvas;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::ListItem;

/// The list's widest.
const WIDTH: u16 = 110;

pub(super) fn draw(
    model: &Model,
    d: &MailDialog,
    frame: &mut Canvas,
    area: Rect,
) -> Option<Position> {
    match &d.reading {
        Some(r) => {
            reader(model, r, frame, area);
            None
        }
        None => list(model, d, frame, area),
    }
}

fn list(model: &Model, d: &MailDialog, frame: &mut Canvas, area: Rect) -> Option<Position> {
    let p = model.session.palette();
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut head = vec![Line::from(vec![
        Span::styled(" Search ", p.accent().add_modifier(Modifier::BOLD)),
        Span::raw(d.search.text().to_string()),
        Span::styled("▏", p.accent()),
        Span::styled(
            format!(
                "   in {}{}",
                folder_in(d.search.text())
                    .0
                    .unwrap_or_else(|| FOLDERS[d.folder].1.to_string()),
                if d.loading {
                    " · asking Outlook…"
                } else {
                    ""
                }
            ),
            dim(),
        ),
    ])];
    head.push(Line::styled(
        " from:dana budget · subject:plan · folder:Archive · words anywhere",
        dim(),
    ));
    // Columns: when | from | subject, the preview under the subject. The
    // list is as wide as the popup less its borders and the `▸ ` marker.
    let inner = (area.width.min(WIDTH) as usize).saturating_sub(4);
    let (when_w, from_w) = (16, 22.min(inner / 4));
    let subject_w = inner.saturating_sub(when_w + from_w + 4);
    let fit = crate::util::fit;
    let items = d
        .items
        .iter()
        .map(|m| {
            let when = crate::util::local_time(&m.received);
            let clip = if m.has_attachments { " +file" } else { "" };
            let subject = format!("{}{clip}", m.subject);
            ListItem::new(Text::from(vec![
                Line::from(vec![
                    Span::styled(fit(&when, when_w), dim()),
                    Span::raw("  "),
                    Span::styled(fit(&m.from, from_w), bold),
                    Span::raw("  "),
                    Span::raw(fit(&subject, subject_w).trim_end().to_string()),
                ]),
                Line::styled(
                    format!(
                        "{}{}",
                        " ".repeat(when_w + from_w + 4),
                        fit(&m.preview, subject_w).trim_end()
                    ),
                    dim(),
                ),
            ]))
        })
        .collect();
    let mut tail = Vec::new();
    if let Some(m) = &d.message {
        tail.push(Line::styled(format!(" {m}"), p.warn()));
    }
    if d.next.is_some() {
        tail.push(Line::styled(" more below: PgDn at the end", dim()));
    }
    tail.push(hint_line(model, Context::Mail, |_| true));
    list_popup(
        frame,
        area,
        " Answer a message ",
        WIDTH,
        (head, items, d.selected, tail),
    )
}

fn reader(model: &Model, r: &Reading, frame: &mut Canvas, area: Rect) {
    let p = model.session.palette();
    let mut lines: Vec<Line> = match &r.lines {
        Some(ls) => ls.iter().map(|l| Line::raw(l.clone())).collect(),
        None => vec![Line::styled("Loading the message…", dim())],
    };
    let mut bottom: Vec<Line> = Vec::new();
    if let Some(to) = &r.forward_to {
        bottom.push(Line::from(vec![
            Span::styled(" Forward to ", p.accent().add_modifier(Modifier::BOLD)),
            Span::raw(to.text().to_string()),
            Span::styled("▏", p.accent()),
            Span::styled("   Enter forwards · Esc back", dim()),
        ]));
    }
    if let Some(e) = &r.error {
        bottom.push(Line::styled(format!(" {e}"), p.warn()));
    }
    let hint = hint_line(model, Context::Reader, |_| true);
    if lines.is_empty() {
        lines.push(Line::raw(""));
    }
    text_box(
        frame,
        area,
        &format!(" {} ", r.summary.subject),
        (lines, r.scroll),
        bottom,
        hint,
    );
}

/// Alt-Q: the quoted original, as text.
pub(super) fn quote(model: &Model, scroll: u16, frame: &mut Canvas, area: Rect) {
    let Some(a) = &model.form.answer else {
        return;
    };
    let text = crate::core::content::html_text(&a.quote_html);
    let lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
    text_box(
        frame,
        area,
        &format!(" {} · the quote, as Graph wrote it ", a.title()),
        (lines, scroll),
        Vec::new(),
        Line::styled(" ↑↓ PgUp PgDn scroll · any other key closes ", dim()),
    );
}
