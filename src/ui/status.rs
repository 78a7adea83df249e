//! The status pane: what the last save did. Ids and links wrap, never cut.

use super::Canvas;
use super::{ERROR, OK, WARN};
use crate::app::{Model, StatusEntry};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

fn lines_for<'a>(model: &'a Model, entry: &'a StatusEntry) -> Vec<Line<'a>> {
    match entry {
        StatusEntry::Info(t) => vec![Line::from(format!("· {t}"))],
        StatusEntry::Invalid(t) => vec![Line::styled(format!("✗ {t}"), Style::default().fg(ERROR))],
        StatusEntry::Waiting { reason, detail } => {
            let head = match &model.retry {
                Some(w) => format!(
                    "⟳ {reason} — retrying in {} s (attempt {}). Esc cancels, Ctrl-S retries now.",
                    w.remaining_secs,
                    w.attempt + 1
                ),
                None => format!("⟳ {reason} — retry stopped."),
            };
            let mut out = vec![Line::styled(head, Style::default().fg(WARN))];
            if model.retry.as_ref().is_some_and(|w| w.offline) {
                out.push(Line::from(
                    "offline — will save when the connection returns. Your text is in the local journal.",
                ));
            }
            out.push(Line::styled(detail.as_str(), dim()));
            out
        }
        StatusEntry::Saving { method, url } => vec![Line::styled(
            format!("⟳ saving… {method} {url}"),
            Style::default().fg(WARN),
        )],
        StatusEntry::Saved {
            at,
            method,
            status,
            status_text,
            id,
            web_link,
            folder,
            request_id: _,
            files,
        } => {
            let verb = if method == "POST" {
                "created"
            } else {
                "updated"
            };
            let mut lines = vec![Line::from(vec![
                Span::styled(
                    format!("✓ {status} {status_text}"),
                    Style::default().fg(OK).add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(" · {verb} {at} · folder {folder}")),
            ])];
            if let Some(f) = files {
                lines.push(Line::from(f.as_str()));
            }
            lines.extend([
                Line::styled("id", dim()),
                Line::from(id.as_str()),
                Line::styled("webLink", dim()),
                Line::from(web_link.as_str()),
            ]);
            lines
        }
        StatusEntry::Failed {
            at,
            method,
            status,
            status_text,
            code,
            message,
            request_id,
            hint,
        } => {
            let head = match status {
                Some(s) => format!("✗ {s} {status_text}"),
                None => "✗ not saved".to_string(),
            };
            let mut out = vec![Line::from(vec![
                Span::styled(
                    head,
                    Style::default().fg(ERROR).add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(" · {method} failed {at}")),
            ])];
            let detail = if code.is_empty() {
                message.clone()
            } else {
                format!("{code}: {message}")
            };
            out.push(Line::from(detail));
            if let Some(r) = request_id {
                out.push(Line::from(vec![
                    Span::styled("request-id ", dim()),
                    Span::raw(r.as_str()),
                ]));
            }
            if let Some(h) = hint {
                out.push(Line::styled(h.as_str(), Style::default().fg(WARN)));
            }
            out
        }
    }
}

/// `Uploading big.zip  [#######.......]  45%  4.7 / 10.5 MB`.
fn progress_line(u: &crate::app::attach::Upload) -> Line<'static> {
    use crate::draft::attach::human_size;
    let pct = (u.done * 100).checked_div(u.total).unwrap_or(100).min(100);
    let width = 20usize;
    let fill = pct as usize * width / 100;
    Line::from(vec![
        Span::raw(format!("Uploading {} ", u.name)),
        Span::styled("━".repeat(fill), Style::default().fg(OK)),
        Span::styled("─".repeat(width - fill), dim()),
        Span::raw(format!(
            " {pct:>3}%  {} / {}",
            human_size(u.done),
            human_size(u.total)
        )),
    ])
}

fn paragraph(model: &Model) -> Paragraph<'_> {
    let mut lines = match model.status.last() {
        Some(e) => lines_for(model, e),
        None => vec![Line::styled(
            format!(
                "Ready. {} saves the draft to {} · {}.",
                model.keymap.keys_label(crate::app::Action::Save),
                model.target.owner,
                model.target.folder_label()
            ),
            dim(),
        )],
    };
    if let Some(u) = &model.upload {
        lines.push(progress_line(u));
    }
    Paragraph::new(lines).wrap(Wrap { trim: false })
}

/// The pane, wrapped once per frame: its text and how many rows that takes.
pub struct Pane<'a> {
    paragraph: Paragraph<'a>,
    lines: u16,
    /// A fingerprint of the paragraph, taken once per frame.
    key: u64,
}

/// Builds the pane for a screen `width` wide.
pub fn pane(model: &Model, width: u16) -> Pane<'_> {
    pane_cached(model, width, &mut None)
}

/// The last pane's text (as a fingerprint), width and wrapped line count.
pub type LineCount = Option<(u64, u16, u16)>;

/// `pane`, reusing the line count when the text and width are the same as
/// last time: wrapping the pane's text is most of a small frame's layout work.
pub fn pane_cached<'m>(model: &'m Model, width: u16, last: &mut LineCount) -> Pane<'m> {
    use std::hash::BuildHasher;
    let paragraph = paragraph(model);
    let key = foldhash::fast::FixedState::with_seed(1).hash_one(&paragraph);
    let lines = match *last {
        Some((k, w, n)) if k == key && w == width => n,
        _ => {
            let n = paragraph.line_count(width.saturating_sub(2).max(1)) as u16;
            *last = Some((key, width, n));
            n
        }
    };
    Pane {
        paragraph,
        lines,
        key,
    }
}

/// The pane's height: what the last entry needs, within what the screen allows.
pub fn height(pane: &Pane<'_>, screen_height: u16) -> u16 {
    // Leave room for the header, four field rows, a 3-row body and the footer.
    let room = screen_height.saturating_sub(1 + 4 + 3 + 1).max(3);
    (pane.lines + 2).clamp(3, room)
}

impl std::hash::Hash for Pane<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.lines.hash(state);
    }
}

pub fn draw(pane: &Pane<'_>, frame: &mut Canvas, area: Rect) {
    if area.height == 0 {
        return;
    }
    let (p, total) = (pane.paragraph.clone(), pane.lines);
    let shown = area.height.saturating_sub(2);
    let mut block = Block::bordered().border_style(dim()).title(" Status ");
    if total > shown {
        block = block.title_bottom(
            Line::styled(" more: enlarge the terminal ", Style::default().fg(WARN)).right_aligned(),
        );
    }
    frame.render_widget(p.block(block), area);
}
