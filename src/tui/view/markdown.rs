//! Markdown drawn as the recipient's mail client shows the HTML it becomes:
//! headings, emphasis, lists, quotes, code, links and pictures, as styled
//! lines for the read-only preview (Alt-P).

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// The styled lines of `md` (wrapped by the paragraph that shows them).
/// `plain`: a plain screen (`--plain`): quotes and rules in ASCII, not
/// box drawing.
pub(crate) fn lines(md: &str, accent: Style, plain: bool) -> Vec<Line<'static>> {
    let mut r = Renderer {
        out: Vec::new(),
        line: Vec::new(),
        styles: vec![Style::default()],
        lists: Vec::new(),
        quote: 0,
        code_block: false,
        link: None,
        accent,
        bare: false,
        plain,
        table: None,
    };
    for ev in Parser::new_ext(md, crate::core::inline::markdown_options()) {
        r.event(ev);
    }
    r.flush();
    while r.out.last().is_some_and(|l| l.spans.is_empty()) {
        r.out.pop();
    }
    r.out
}

struct Renderer {
    out: Vec<Line<'static>>,
    line: Vec<Span<'static>>,
    styles: Vec<Style>,
    /// Open lists: the next number (ordered) or none (bullets).
    lists: Vec<Option<u64>>,
    quote: usize,
    code_block: bool,
    /// The destination of the link being written.
    link: Option<String>,
    accent: Style,
    /// The line being written has its margin already (a list item's marker).
    bare: bool,
    plain: bool,
    /// A table being read: its columns' alignment and its rows (the head
    /// first), each a list of cells; drawn padded to columns at its end.
    table: Option<Table>,
}

struct Table {
    align: Vec<pulldown_cmark::Alignment>,
    rows: Vec<(bool, Vec<Vec<Span<'static>>>)>,
}

impl Renderer {
    fn style(&self) -> Style {
        *self.styles.last().unwrap_or(&Style::default())
    }

    fn push_style(&mut self, s: Style) {
        let top = self.style().patch(s);
        self.styles.push(top);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    /// The margin every line of the current block starts with.
    fn margin(&self) -> Vec<Span<'static>> {
        let mut m = Vec::new();
        for _ in 0..self.quote {
            m.push(Span::styled(
                if self.plain { "> " } else { "│ " },
                self.accent,
            ));
        }
        if !self.lists.is_empty() {
            m.push(Span::raw("  ".repeat(self.lists.len())));
        }
        m
    }

    fn flush(&mut self) {
        if std::mem::take(&mut self.bare) {
            self.out.push(Line::from(std::mem::take(&mut self.line)));
        } else if !self.line.is_empty() {
            let mut spans = self.margin();
            spans.append(&mut self.line);
            self.out.push(Line::from(spans));
        }
    }

    fn blank(&mut self) {
        self.flush();
        if self.out.last().is_some_and(|l| !l.spans.is_empty()) {
            self.out.push(Line::raw(""));
        }
    }

    fn text(&mut self, t: &str) {
        let style = self.style();
        let mut first = true;
        for part in t.split('\n') {
            if !first {
                self.flush();
            }
            first = false;
            if !part.is_empty() {
                self.line.push(Span::styled(part.to_string(), style));
            }
        }
    }

    /// A table with its columns padded to their widest cell, the head in
    /// bold over a rule, columns apart by ` │ `.
    fn draw_table(&mut self, t: Table) {
        use pulldown_cmark::Alignment;
        let width = |cell: &[Span<'_>]| -> usize { cell.iter().map(|s| s.width()).sum() };
        let columns = t.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
        let mut widths = vec![0usize; columns];
        for (_, cells) in &t.rows {
            for (i, c) in cells.iter().enumerate() {
                widths[i] = widths[i].max(width(c));
            }
        }
        let bar = if self.plain { " | " } else { " │ " };
        for (head, cells) in t.rows {
            let mut spans = self.margin();
            for (i, w) in widths.iter().enumerate() {
                if i > 0 {
                    spans.push(Span::styled(bar, self.accent));
                }
                let cell = cells.get(i).cloned().unwrap_or_default();
                let gap = w.saturating_sub(width(&cell));
                let (before, after) = match t.align.get(i) {
                    Some(Alignment::Right) => (gap, 0),
                    Some(Alignment::Center) => (gap / 2, gap - gap / 2),
                    _ => (0, gap),
                };
                spans.push(Span::raw(" ".repeat(before)));
                for mut s in cell {
                    if head {
                        s.style = s.style.add_modifier(Modifier::BOLD);
                    }
                    spans.push(s);
                }
                // The last column is not padded: no trailing blanks.
                if i + 1 < columns {
                    spans.push(Span::raw(" ".repeat(after)));
                }
            }
            self.out.push(Line::from(spans));
            if head {
                let (line, cross) = if self.plain {
                    ("-", "-+-")
                } else {
                    ("─", "─┼─")
                };
                let rule: Vec<String> = widths.iter().map(|w| line.repeat(*w)).collect();
                let mut spans = self.margin();
                spans.push(Span::styled(rule.join(cross), self.accent));
                self.out.push(Line::from(spans));
            }
        }
    }

    fn event(&mut self, ev: Event<'_>) {
        match ev {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if self.code_block {
                    let style = Style::default().add_modifier(Modifier::DIM);
                    for l in t.lines() {
                        self.line.push(Span::styled(format!("    {l}"), style));
                        self.flush();
                    }
                } else {
                    self.text(&t);
                }
            }
            Event::Code(t) => self.line.push(Span::styled(
                t.to_string(),
                self.style().add_modifier(Modifier::REVERSED),
            )),
            Event::SoftBreak => self.line.push(Span::raw(" ")),
            Event::HardBreak => self.flush(),
            Event::Rule => {
                self.blank();
                self.out.push(Line::styled(
                    if self.plain { "-" } else { "─" }.repeat(40),
                    self.accent,
                ));
                self.out.push(Line::raw(""));
            }
            Event::TaskListMarker(done) => {
                self.line.push(Span::raw(if done { "☑ " } else { "☐ " }));
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let t = crate::core::content::html_text(&h);
                self.text(t.trim_end_matches('\n'));
            }
            Event::FootnoteReference(f) => self.line.push(Span::raw(format!("[{f}]"))),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { level, .. } => {
                self.blank();
                let mut s = self.accent.add_modifier(Modifier::BOLD);
                if level == HeadingLevel::H1 {
                    s = s.add_modifier(Modifier::UNDERLINED);
                }
                self.push_style(s);
            }
            Tag::BlockQuote(_) => {
                self.blank();
                self.quote += 1;
            }
            Tag::CodeBlock(_) => {
                self.blank();
                self.code_block = true;
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.blank();
                } else {
                    self.flush();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1);
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_string(),
                };
                // The item's marker stands in the margin of its list; its
                // text follows on the same line.
                let mut spans: Vec<Span<'static>> = Vec::new();
                for _ in 0..self.quote {
                    spans.push(Span::styled(
                        if self.plain { "> " } else { "│ " },
                        self.accent,
                    ));
                }
                spans.push(Span::raw("  ".repeat(depth)));
                spans.push(Span::styled(marker, self.accent));
                self.line = spans;
                self.bare = true;
            }
            Tag::Emphasis => self.push_style(Style::default().add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(Style::default().add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => {
                self.push_style(Style::default().add_modifier(Modifier::CROSSED_OUT))
            }
            Tag::Link { dest_url, .. } => {
                self.link = Some(dest_url.to_string());
                self.push_style(self.accent.add_modifier(Modifier::UNDERLINED));
            }
            Tag::Image { dest_url, .. } => {
                let what = if crate::core::inline::is_local(&dest_url) {
                    "picture, sent inline"
                } else {
                    "picture"
                };
                self.line
                    .push(Span::styled(format!("[{what}: "), self.accent));
                self.push_style(Style::default().add_modifier(Modifier::ITALIC));
            }
            Tag::Table(align) => {
                self.blank();
                self.table = Some(Table {
                    align,
                    rows: Vec::new(),
                });
            }
            Tag::TableHead | Tag::TableRow => {
                let head = matches!(tag, Tag::TableHead);
                if let Some(t) = &mut self.table {
                    t.rows.push((head, Vec::new()));
                }
            }
            Tag::TableCell => self.line.clear(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.lists.is_empty() {
                    self.blank();
                } else {
                    self.flush();
                }
            }
            TagEnd::Heading(_) => {
                self.pop_style();
                self.blank();
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.quote = self.quote.saturating_sub(1);
                self.blank();
            }
            TagEnd::CodeBlock => {
                self.code_block = false;
                self.blank();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.blank();
                }
            }
            TagEnd::Item => self.flush(),
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                if let Some(url) = self.link.take() {
                    self.line.push(Span::styled(
                        format!(" ({url})"),
                        Style::default().add_modifier(Modifier::DIM),
                    ));
                }
            }
            TagEnd::Image => {
                self.pop_style();
                self.line.push(Span::styled("]", self.accent));
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.line);
                if let Some((_, cells)) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    cells.push(cell);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.draw_table(t);
                }
                self.blank();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(md: &str) -> Vec<String> {
        lines(md, Style::default(), false)
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn markdown_reads_as_the_recipient_sees_it() {
        let md = "# Plan\n\nHello **Dana**, see [the doc](https://x.io).\n\n- one\n- two\n  1. sub\n\n> quoted\n\n```\ncode here\n```\n\n![logo](logo.png)";
        assert_eq!(
            text(md),
            [
                "Plan",
                "",
                "Hello Dana, see the doc (https://x.io).",
                "",
                "• one",
                "• two",
                "  1. sub",
                "",
                "│ quoted",
                "",
                "    code here",
                "",
                "[picture, sent inline: logo]",
            ]
        );
        // A table's columns line up, whatever the cells' widths.
        assert_eq!(
            text("| Item | Qty |\n|---|--:|\n| Paper | 2 |\n| Ink cartridges | 12 |\n"),
            [
                "Item           │ Qty",
                "───────────────┼────",
                "Paper          │   2",
                "Ink cartridges │  12",
            ]
        );
        let styled = lines("**b** *i*", Style::default(), false);
        assert!(
            styled[0].spans[0]
                .style
                .add_modifier
                .contains(Modifier::BOLD)
        );
        assert!(
            styled[0].spans[2]
                .style
                .add_modifier
                .contains(Modifier::ITALIC)
        );
    }
}
