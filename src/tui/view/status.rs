//! The status pane: what the last save did. Ids and links wrap, never cut.

use super::wrap::{row_count, wrap};
use crate::tui::app::{Model, StatusEntry};
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

/// How the saved draft's id and webLink are shown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ids {
    /// Whole, each after its label (they wrap, never cut).
    Whole,
    /// One line `inner` columns wide: the link's start and the keys that
    /// show it whole or copy it.
    Compact { inner: usize },
}

// Long by design: one arm per kind of status entry.
fn lines_for<'a>(model: &'a Model, entry: &'a StatusEntry, ids: Ids) -> Vec<Line<'a>> {
    let p = model.session.palette();
    match entry {
        StatusEntry::Info(t) => vec![Line::from(format!("{}{t}", p.say("· ", "")))],
        StatusEntry::Check(t) => vec![Line::styled(
            format!("{}{t}", p.say("⚠ ", "check: ")),
            p.warn(),
        )],
        StatusEntry::Invalid(t) => vec![Line::styled(
            format!("{}{t}", p.say("✗ ", "error: ")),
            p.error(),
        )],
        StatusEntry::Waiting { reason, detail } => {
            let head = match &model.save.retry {
                Some(w) => format!(
                    "{}{reason} — retrying in {} s (attempt {}). Esc cancels, Ctrl-S retries now.",
                    p.say("⟳ ", "waiting: "),
                    w.remaining_secs,
                    w.attempt + 1
                ),
                None => format!("{}{reason} — retry stopped.", p.say("⟳ ", "")),
            };
            let mut out = vec![Line::styled(head, p.warn())];
            if model.save.retry.as_ref().is_some_and(|w| w.offline) {
                out.push(Line::from(
                    "offline — will save when the connection returns. Your text is in the local journal.",
                ));
            }
            out.push(Line::styled(detail.as_str(), dim()));
            out
        }
        StatusEntry::Saving { kind, url } => {
            let attempt = match model.save.tries.attempt {
                0 => String::new(),
                n => format!(" (attempt {})", n + 1),
            };
            let mut out = vec![Line::styled(
                format!("{}saving… {} {url}{attempt}", p.say("⟳ ", ""), kind.http()),
                p.warn(),
            )];
            // What it did so far, once there is more than the first
            // request to tell: each retry and lookup, with its time.
            let steps = &model.save.steps;
            if model.save.troubled {
                out.extend(steps.iter().map(|s| Line::styled(s.as_str(), dim())));
                let esc = model
                    .session
                    .keymap
                    .keys_label(crate::config::keymap::Action::Cancel);
                out.push(Line::styled(
                    format!("{esc} stops this save (your text stays in the local journal)."),
                    dim(),
                ));
            }
            out
        }
        StatusEntry::Saved {
            at,
            how,
            status,
            status_text,
            id,
            web_link,
            folder,
            request_id: _,
            files,
        } => {
            let verb = how.said();
            let mut lines = vec![Line::from(vec![
                Span::styled(
                    format!("{}{status} {status_text}", p.say("✓ ", "saved: ")),
                    p.ok().add_modifier(Modifier::BOLD),
                ),
                Span::raw(format!(" · {verb} {at} · folder {folder}")),
            ])];
            if let Some(f) = files {
                lines.push(Line::from(f.as_str()));
            }
            if let Some(a) = &model.form.answer {
                lines.push(Line::styled(
                    format!("{}{}", p.say("↳ ", "answering: "), a.title()),
                    dim(),
                ));
            }
            lines.extend(id_and_link(model, id, web_link, ids));
            lines
        }
        StatusEntry::Failed {
            at,
            what,
            status,
            status_text,
            code,
            message,
            request_id,
            hint,
        } => {
            let head = match status {
                Some(s) => format!("{}{s} {status_text}", p.say("✗ ", "not saved: ")),
                None => p.say("✗ not saved", "not saved").to_string(),
            };
            let mut out = vec![Line::from(vec![
                Span::styled(head, p.error().add_modifier(Modifier::BOLD)),
                Span::raw(format!(" · {what} failed {at}")),
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
                out.push(Line::styled(h.as_str(), p.warn()));
            }
            out
        }
    }
}

/// `Uploading big.zip  [#######.......]  45%  4.7 / 10.5 MB`.
fn progress_line(
    u: &crate::core::attach::Upload,
    p: crate::config::theme::Palette,
) -> Line<'static> {
    use crate::core::attach::human_size;
    let pct = (u.done * 100).checked_div(u.total).unwrap_or(100).min(100);
    let width = 20usize;
    let fill = pct as usize * width / 100;
    Line::from(vec![
        Span::raw(format!("Uploading {} ", u.name)),
        Span::styled(p.say("━", "#").repeat(fill), p.ok()),
        Span::styled(p.say("─", ".").repeat(width - fill), dim()),
        Span::raw(format!(
            " {pct:>3}%  {} / {}",
            human_size(u.done),
            human_size(u.total)
        )),
    ])
}

/// The saved draft's id and webLink: whole, each after its label, or one
/// compact line.
fn id_and_link<'a>(model: &Model, id: &'a str, web_link: &'a str, ids: Ids) -> Vec<Line<'a>> {
    match ids {
        Ids::Whole => vec![
            Line::from(vec![Span::styled("id ", dim()), Span::raw(id)]),
            Line::from(vec![Span::styled("webLink ", dim()), Span::raw(web_link)]),
        ],
        Ids::Compact { inner } => {
            use crate::tui::app::Action;
            let keys = &model.session.keymap;
            let hint = format!(
                " · {} whole · {} copy",
                keys.keys_label(Action::Details),
                keys.keys_label(Action::CopyLink)
            );
            let label = "webLink ";
            let room = inner.saturating_sub(label.len() + hint.chars().count());
            let n = web_link.chars().count();
            let link: String = if n <= room {
                web_link.to_string()
            } else {
                let mut s: String = web_link.chars().take(room.saturating_sub(1)).collect();
                s.push('…');
                s
            };
            let mut line = vec![Span::styled(label, dim()), Span::raw(link)];
            // Where even the hint does not fit, the link's start is enough.
            if inner >= label.len() + hint.chars().count() + 8 {
                line.push(Span::styled(hint, dim()));
            }
            vec![Line::from(line)]
        }
    }
}

/// Whole ids and links, unless they would take more than a third of the
/// screen (and the user has not asked for them whole).
fn ids_for(model: &Model, width: u16, screen_height: u16) -> Ids {
    let inner = width.saturating_sub(2) as usize;
    if model.status_whole {
        return Ids::Whole;
    }
    let Some(saved) = model
        .status
        .iter()
        .rev()
        .find(|e| matches!(e, StatusEntry::Saved { .. }))
    else {
        return Ids::Whole;
    };
    let rows: usize = lines_for(model, saved, Ids::Whole)
        .iter()
        .map(|l| row_count(l, inner))
        .sum();
    if rows + 2 <= screen_height as usize / 3 {
        Ids::Whole
    } else {
        Ids::Compact { inner }
    }
}

fn text(model: &Model, ids: Ids) -> Vec<Line<'_>> {
    let mut lines = match model.status.last() {
        Some(e) => lines_for(model, e, ids),
        None => vec![Line::styled(
            format!(
                "Ready. {} saves the draft to {} · {}.",
                model
                    .session
                    .keymap
                    .keys_label(crate::tui::app::Action::Save),
                model.session.mailbox.owner_label(),
                model.session.mailbox.folder_label()
            ),
            dim(),
        )],
    };
    if let Some(u) = &model.save.upload {
        lines.push(progress_line(u, model.session.palette()));
    }
    // Later news never hides the saved draft: its id and link stay under it
    // (in the rows kept for them) while the form holds that draft.
    let last_saved = model.status.iter().rev().find_map(|e| match e {
        StatusEntry::Saved { id, web_link, .. } => Some((id, web_link)),
        _ => None,
    });
    if let Some((id, link)) = last_saved
        && !matches!(model.status.last(), Some(StatusEntry::Saved { .. }))
        && model.save.server.id.as_deref() == Some(id.as_str())
    {
        lines.extend(id_and_link(model, id, link, ids));
    }
    lines
}

/// The pane, wrapped once per frame: its rows of text.
pub(crate) struct Pane<'a> {
    rows: Vec<Line<'a>>,
    /// Rows kept for the last saved draft's id and link, so the body does not
    /// change size as entries come and go after the first save.
    keep: u16,
    /// A fingerprint of the text, taken once per frame.
    key: u64,
}

/// Builds the pane for a screen `width` wide and `height` high.
pub(crate) fn pane(model: &Model, width: u16, height: u16) -> Pane<'_> {
    let ids = ids_for(model, width, height);
    let rows = wrap(text(model, ids), width);
    let keep = saved_rows(model, width, &rows, ids);
    Pane {
        key: fingerprint(&rows),
        rows,
        keep,
    }
}

fn fingerprint(rows: &[Line<'_>]) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(1).hash_one(rows)
}

/// How many rows the last saved draft's entry takes (0 before the first save).
fn saved_rows(model: &Model, width: u16, shown: &[Line<'_>], ids: Ids) -> u16 {
    let last_saved = model
        .status
        .iter()
        .rev()
        .find(|e| matches!(e, StatusEntry::Saved { .. }));
    let on_screen = |e: &StatusEntry| match e {
        StatusEntry::Saved { id, .. } => model.save.server.id.as_deref() == Some(id.as_str()),
        _ => false,
    };
    match last_saved {
        None => 0,
        // The form holds another draft now: its rows are given back.
        Some(saved) if !on_screen(saved) => 0,
        // On screen now with nothing under it: those are its rows.
        Some(saved)
            if model.save.upload.is_none()
                && model.status.last().is_some_and(|l| std::ptr::eq(l, saved)) =>
        {
            shown.len() as u16
        }
        Some(saved) => {
            let inner = width.saturating_sub(2) as usize;
            let rows: usize = lines_for(model, saved, ids)
                .iter()
                .map(|l| row_count(l, inner))
                .sum();
            rows as u16
        }
    }
}

/// The pane's height: what the last entry needs (or the room kept for a saved
/// draft, if more), within what the screen allows.
pub(crate) fn height(pane: &Pane<'_>, screen_height: u16) -> u16 {
    // Leave room for the header, four field rows, a 3-row body and the footer.
    let room = screen_height.saturating_sub(1 + 4 + 3 + 1).max(3);
    let lines = (pane.rows.len() as u16).max(pane.keep);
    lines.saturating_add(2).clamp(3, room)
}

impl std::hash::Hash for Pane<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key.hash(state);
        self.keep.hash(state);
    }
}

pub(crate) fn draw(pane: &Pane<'_>, frame: &mut Canvas, area: Rect) {
    let p = frame.palette();
    if area.height == 0 {
        return;
    }
    let shown = area.height.saturating_sub(2);
    let mut block = p.bordered().border_style(dim()).title(" Status ");
    if pane.rows.len() > shown as usize {
        block = block
            .title_bottom(Line::styled(" more: enlarge the terminal ", p.warn()).right_aligned());
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    for (y, row) in (inner.y..inner.bottom()).zip(&pane.rows) {
        buf.set_line(inner.x, y, row, inner.width);
    }
}
