//! Alt-P: the draft as the recipient will see it, read-only: the
//! Markdown (or HTML) body rendered, the signature below.

use super::frame::{dim, text_box};
use crate::core::content::BodyFormat;
use crate::tui::app::{Field, Model};
use crate::tui::view::canvas::Canvas;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// The lines of text in `format`, as a mail client shows them.
fn rendered(
    text: &str,
    format: BodyFormat,
    p: crate::config::theme::Palette,
) -> Vec<Line<'static>> {
    match format {
        BodyFormat::Markdown => crate::tui::view::markdown::lines(text, p.accent(), p.is_plain()),
        BodyFormat::Html => crate::core::content::html_text(text)
            .lines()
            .map(|l| Line::raw(l.to_string()))
            .collect(),
        BodyFormat::Text => text.lines().map(|l| Line::raw(l.to_string())).collect(),
    }
}

pub(super) fn draw(model: &Model, scroll: u16, frame: &mut Canvas, area: Rect) {
    let p = model.session.palette();
    let subject = model.text(Field::Subject);
    let mut lines = vec![
        Line::from(vec![
            Span::styled("To: ", dim()),
            Span::raw(crate::util::sanitize::line(&model.text(Field::To))),
        ]),
        Line::from(vec![
            Span::styled("Subject: ", dim()),
            Span::raw(crate::util::sanitize::line(&subject)),
        ]),
        Line::raw(""),
    ];
    lines.extend(rendered(&model.body_text(), model.form.body_format, p));
    if let Some(s) = &model.form.signature {
        lines.push(Line::raw(""));
        if s.format == BodyFormat::Text {
            lines.push(Line::raw("-- "));
        }
        lines.extend(rendered(&s.text, s.format, p));
    }
    if model.form.answer.is_some() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            p.say(
                "┄ the quote follows (Alt-Q reads it)",
                "the quote follows (Alt-Q reads it)",
            ),
            dim(),
        ));
    }
    text_box(
        frame,
        area,
        &format!(
            " Preview · {} · as the recipient sees it ",
            model.form.body_format.label()
        ),
        (lines, scroll),
        Vec::new(),
        Line::styled(" ↑↓ PgUp PgDn scroll · any other key closes ", dim()),
    );
}
