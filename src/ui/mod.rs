//! `view`: draws the model. Pure: it reads the `Model` and writes the frame.

mod form;
mod help;
mod lists;
mod status;
pub mod theme;

use crate::app::{Dialog, Model};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub(crate) const ACCENT: Color = Color::Cyan;
pub(crate) const ERROR: Color = Color::Red;
pub(crate) const OK: Color = Color::Green;
pub(crate) const WARN: Color = Color::Yellow;

pub fn view(model: &Model, frame: &mut Frame) {
    let area = frame.area();
    if area.width < 2 || area.height < 2 {
        return;
    }
    let fields_h = form::header_fields_height(model);
    let status_pane = status::pane(model, area.width);
    let status_h = status::height(&status_pane, area.height);
    let [header, fields, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(fields_h),
        Constraint::Min(3),
        Constraint::Length(status_h),
        Constraint::Length(1),
    ])
    .areas(area);

    draw_header(model, frame, header);
    let cursor = form::draw(model, frame, fields, body);
    status::draw(status_pane, frame, status);
    draw_footer(model, frame, footer);

    draw_overlays(model, frame, area, cursor);
    if model.no_color || model.theme.mono {
        strip_colours(frame);
    } else if model.theme != theme::Theme::default() {
        for cell in frame.buffer_mut().content.iter_mut() {
            cell.fg = model.theme.map(cell.fg);
            cell.bg = model.theme.map(cell.bg);
        }
    }
}

/// NO_COLOR: keep bold, dim, reverse; drop colours. A coloured background
/// (badges) becomes reverse video so it still stands out.
fn strip_colours(frame: &mut Frame) {
    use ratatui::style::Color;
    for cell in frame.buffer_mut().content.iter_mut() {
        if cell.bg != Color::Reset {
            cell.modifier.insert(Modifier::REVERSED);
        }
        cell.fg = Color::Reset;
        cell.bg = Color::Reset;
    }
}

fn draw_overlays(
    model: &Model,
    frame: &mut Frame,
    area: Rect,
    cursor: Option<ratatui::layout::Position>,
) {
    match model.dialog {
        Some(Dialog::Help) => help::draw_help(model, frame, area),
        Some(Dialog::ConfirmQuit) => help::draw_confirm_quit(model, frame, area),
        Some(Dialog::Recover {
            ref items,
            selected,
        }) => help::draw_recover(items, selected, frame, area),
        Some(Dialog::DraftGone) => help::draw_draft_gone(frame, area),
        Some(Dialog::SignIn(ref stage)) => help::draw_sign_in(stage, frame, area),
        Some(Dialog::More { row }) => {
            if let Some(pos) = help::draw_more(model, row, frame, area) {
                frame.set_cursor_position(pos);
            }
        }
        Some(Dialog::Attach(ref d)) => {
            if let Some(pos) = lists::draw_attach(model, d, frame, area) {
                frame.set_cursor_position(pos);
            }
        }
        Some(Dialog::History(ref d)) => lists::draw_history(model, d, frame, area),
        None => {
            if let Some(pos) = cursor {
                frame.set_cursor_position(pos);
            }
        }
    }
}

fn draw_header(model: &Model, frame: &mut Frame, area: Rect) {
    let mut spans = vec![Span::styled(
        " graft ",
        Style::default().add_modifier(Modifier::BOLD),
    )];
    if model.demo {
        spans.push(Span::styled(
            " DEMO · local emulator, not a real mailbox ",
            Style::default()
                .fg(Color::Black)
                .bg(WARN)
                .add_modifier(Modifier::BOLD),
        ));
        spans.push(Span::raw(" "));
    }
    let (state, style) = if model.in_flight.is_some() {
        ("saving…", Style::default().fg(WARN))
    } else if model.retry.as_ref().is_some_and(|w| w.offline) {
        ("offline · save queued", Style::default().fg(WARN))
    } else if model.retry.is_some() {
        ("save queued", Style::default().fg(WARN))
    } else if model.is_dirty() {
        ("● unsaved changes", Style::default().fg(WARN))
    } else if model.server.id.is_some() {
        ("✓ saved", Style::default().fg(OK))
    } else {
        ("new draft", Style::default().add_modifier(Modifier::DIM))
    };
    spans.push(Span::styled(state, style));
    let left = Line::from(spans);
    let right = format!("{} · {} ", model.target.owner, model.target.folder_label());
    let right_w = right.chars().count() as u16;
    let left_w = left.width() as u16;
    frame.render_widget(Paragraph::new(left), area);
    if area.width > right_w + left_w + 1 {
        let r = Rect::new(area.right() - right_w, area.y, right_w, 1);
        frame.render_widget(
            Paragraph::new(Span::styled(
                right,
                Style::default().add_modifier(Modifier::DIM),
            )),
            r,
        );
    }
}

fn draw_footer(model: &Model, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    for (key, label) in model.keymap.footer() {
        spans.push(Span::styled(
            format!(" {key} "),
            Style::default().add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
