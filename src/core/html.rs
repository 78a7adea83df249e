//! Reading HTML as a browser does (html5gum, a WHATWG tokenizer, with the
//! raw-text elements' states switched as the tree builder would), not by
//! string search: what is a picture (an `<img>` element, not text in a
//! comment, a `<script>`, `<style>` or `<textarea>`, nor an attribute's
//! value) and where a document's `<body>` opens. Linear in the input.

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::{Span, Tokenizer};
use std::ops::Range;

/// One event of the document, with where it is.
enum Seen {
    /// A start tag's name opened (`<img`).
    Open(Vec<u8>),
    /// An attribute of the start tag being read.
    Name(Vec<u8>),
    /// That attribute's value: its text (entities decoded) and where it is.
    Value(String, Range<usize>),
    /// The start tag ends here.
    Close(usize),
}

/// Walks the tags of `html`, calling `each` with what it sees.
fn walk(html: &str, mut each: impl FnMut(Seen)) {
    let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, span: Span<usize>| {
        match event {
            CallbackEvent::OpenStartTag { name } => each(Seen::Open(name.to_ascii_lowercase())),
            CallbackEvent::AttributeName { name } => each(Seen::Name(name.to_ascii_lowercase())),
            CallbackEvent::AttributeValue { value } => each(Seen::Value(
                String::from_utf8_lossy(value).into_owned(),
                span.start..span.end,
            )),
            CallbackEvent::CloseStartTag { .. } => each(Seen::Close(span.end)),
            _ => {}
        }
        None::<std::convert::Infallible>
    });
    // `<script>`, `<style>`, `<textarea>`, `<title>`… hold text, not tags.
    emitter.naively_switch_states(true);
    let _ = Tokenizer::new_with_emitter(html, emitter).finish();
}

/// The `src` of each `<img>` element: its value (entities decoded) and the
/// range of its text in `html` (to rewrite it).
pub(crate) fn images(html: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut in_img = false;
    let mut at_src = false;
    // An attribute given twice counts once (the first, as browsers take it).
    let mut had_src = false;
    walk(html, |seen| match seen {
        Seen::Open(name) => {
            in_img = name == b"img";
            at_src = false;
            had_src = false;
        }
        Seen::Name(name) => at_src = in_img && !had_src && name == b"src",
        Seen::Value(value, range) => {
            if at_src && range.end <= html.len() && html.is_char_boundary(range.start) {
                out.push((range, value));
                had_src = true;
            }
            at_src = false;
        }
        Seen::Close(_) => {
            in_img = false;
            at_src = false;
        }
    });
    out
}

/// Just after the document's `<body …>` start tag, if it has one (a
/// `<body` in a comment or a `<style>` is not it).
pub(crate) fn body_start(html: &str) -> Option<usize> {
    let mut in_body = false;
    let mut found = None;
    walk(html, |seen| match seen {
        Seen::Open(name) => in_body = found.is_none() && name == b"body",
        Seen::Close(end) if in_body && found.is_none() => {
            found = Some(end);
            in_body = false;
        }
        _ => {}
    });
    found.filter(|&e| e <= html.len() && html.is_char_boundary(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_img_elements_are_pictures() {
        let html = concat!(
            "<!-- <img src=\"secret1\"> -->",
            "<script>var s = '<img src=secret2>';</script>",
            "<style>/* <img src=secret3> */</style>",
            "<textarea><img src=secret4></textarea>",
            "<a title=\"<img src=secret5>\">x</a>",
            "<img alt=x src=\"logo.png\"><IMG SRC='b&amp;w.png'/>",
            "<pre><img src=c.png></pre>",
        );
        let got: Vec<String> = images(html).into_iter().map(|(_, s)| s).collect();
        assert_eq!(got, ["logo.png", "b&w.png", "c.png"]);
        let (r, _) = &images(html)[1];
        assert_eq!(&html[r.clone()], "b&amp;w.png");
    }

    #[test]
    fn the_body_opens_where_the_element_does_not_in_a_comment_or_style() {
        let html = "<html><head><style>/* <body class=x> */</style><!-- <body> --></head><BODY dir=\"ltr\">text</BODY></html>";
        let at = body_start(html).unwrap();
        assert_eq!(&html[at..at + 4], "text");
        assert_eq!(body_start("<div>no body</div>"), None);
    }

    #[test]
    fn a_megabyte_of_angle_brackets_is_read_in_linear_time() {
        let lt = "<".repeat(1 << 20);
        let t = std::time::Instant::now();
        assert!(images(&lt).is_empty());
        let amp = "&".repeat(300_000);
        assert!(images(&amp).is_empty());
        let many = "<img src=a.png>".repeat(70_000);
        assert_eq!(images(&many).len(), 70_000);
        assert_eq!(images("<img src=a.png src=b.png>")[0].1, "a.png");
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }
}
