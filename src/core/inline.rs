//! Inline images: a body's pictures of local files (Markdown
//! `![alt](path)`, HTML `<img src="path">`) travel as attachments with
//! `isInline` and a `contentId`, and the HTML names them `cid:…`, as
//! Graph's fileAttachment resource documents (`contentId`: "the ID of the
//! attachment in the Exchange store"; an inline image is referenced from
//! the HTML body as `<img src="cid:…">`). A picture of a URL (http, https,
//! data, cid) is left as it is.

/// Whether an image source names a file on this machine.
pub(crate) fn is_local(src: &str) -> bool {
    let s = src.trim();
    if s.is_empty() || s.starts_with("//") || s.starts_with('#') {
        return false;
    }
    if s.starts_with("file://") {
        return true;
    }
    // A URL scheme (`https:`, `cid:`, `data:`), but not a drive letter (`C:\`).
    match s.split_once(':') {
        Some((scheme, _)) => {
            scheme.len() == 1
                || !scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        }
        None => true,
    }
}

/// The file an image source names: `file://` URLs decoded, the rest as written.
pub(crate) fn path_of(src: &str) -> String {
    let s = src.trim();
    match s.strip_prefix("file://") {
        Some(rest) => {
            // file://host/path: only the local host's.
            let rest = rest.strip_prefix("localhost").unwrap_or(rest);
            percent_encoding::percent_decode_str(rest)
                .decode_utf8_lossy()
                .into_owned()
        }
        None => s.to_string(),
    }
}

/// A stable content id for an image source: the same picture keeps its id
/// across saves (and so its attachment), and two pictures never share one.
pub(crate) fn content_id(src: &str) -> String {
    use std::hash::BuildHasher;
    let name: String = path_of(src)
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(40)
        .collect();
    let h = foldhash::fast::FixedState::with_seed(7).hash_one(src.trim());
    format!(
        "{}.{:08x}@graft",
        if name.is_empty() { "image" } else { &name },
        h as u32
    )
}

/// The local image sources of a Markdown or HTML body, each once, in order.
pub(crate) fn local_images(body: &str, format: super::content::BodyFormat) -> Vec<String> {
    use super::content::BodyFormat;
    let mut out: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = Default::default();
    // No `<img` and (in Markdown) no `![`: nothing to parse. A megabyte
    // of `<` or `[` costs a scan, not a parse.
    let img_tag = body
        .as_bytes()
        .windows(4)
        .any(|w| w[0] == b'<' && w[1..].eq_ignore_ascii_case(b"img"));
    if !img_tag && (format != BodyFormat::Markdown || !body.contains("![")) {
        return out;
    }
    let mut add = |s: &str| {
        if is_local(s) && seen.insert(s.to_string()) {
            out.push(s.to_string());
        }
    };
    match format {
        BodyFormat::Markdown => {
            use pulldown_cmark::{Event, Tag};
            for ev in pulldown_cmark::Parser::new_ext(body, markdown_options()) {
                match ev {
                    Event::Start(Tag::Image { dest_url, .. }) => add(&dest_url),
                    // An `<img>` written as HTML inside Markdown is a picture too.
                    Event::Html(h) | Event::InlineHtml(h) => {
                        for (_, src) in super::html::images(&h) {
                            add(&src);
                        }
                    }
                    _ => {}
                }
            }
        }
        BodyFormat::Html => {
            for (_, src) in super::html::images(body) {
                add(&src);
            }
        }
        BodyFormat::Text => {}
    }
    out
}

pub(crate) fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Markdown as HTML, its local pictures as `cid:` references.
pub fn markdown_to_html(md: &str) -> String {
    markdown_to_html_skipping(md, &[])
}

/// The same, leaving the sources in `skip` as written (pictures named by
/// text that came from elsewhere: never sent).
pub(crate) fn markdown_to_html_skipping(md: &str, skip: &[String]) -> String {
    let mine = |src: &str| is_local(src) && !skip.iter().any(|s| s == src);
    use pulldown_cmark::{Event, Parser, Tag, TagEnd, html};
    let mut out = String::with_capacity(md.len() * 5 / 4);
    let events = Parser::new_ext(md, markdown_options()).map(|ev| match ev {
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if mine(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: format!("cid:{}", content_id(&dest_url)).into(),
            title,
            id,
        }),
        // Each block finds its own direction (`dir="auto"`): a Hebrew or
        // Arabic paragraph is right-aligned in Outlook, a mixed one follows
        // its first strong character.
        Event::Start(Tag::Paragraph) => Event::Html("<p dir=\"auto\">".into()),
        Event::End(TagEnd::Paragraph) => Event::Html("</p>\n".into()),
        Event::Start(Tag::Item) => Event::Html("<li dir=\"auto\">".into()),
        Event::End(TagEnd::Item) => Event::Html("</li>\n".into()),
        Event::Start(Tag::BlockQuote(_)) => Event::Html("<blockquote dir=\"auto\">\n".into()),
        Event::End(TagEnd::BlockQuote(_)) => Event::Html("</blockquote>\n".into()),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            mut attrs,
        }) => {
            attrs.push(("dir".into(), Some("auto".into())));
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            })
        }
        // Its HTML's pictures too.
        Event::Html(h) => Event::Html(html_with_cids_skipping(&h, skip).into()),
        Event::InlineHtml(h) => Event::InlineHtml(html_with_cids_skipping(&h, skip).into()),
        other => other,
    });
    html::push_html(&mut out, events);
    out
}

/// HTML with its local `<img src>` as `cid:` references (only `<img>`
/// elements: not a comment's or a script's text, not an attribute value).
pub fn html_with_cids(html: &str) -> String {
    html_with_cids_skipping(html, &[])
}

/// The same, leaving the sources in `skip` as written.
pub(crate) fn html_with_cids_skipping(html: &str, skip: &[String]) -> String {
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    for (range, src) in super::html::images(html) {
        if is_local(&src) && !skip.contains(&src) && range.start >= at {
            out.push_str(&html[at..range.start]);
            out.push_str("cid:");
            out.push_str(&content_id(&src));
            at = range.end;
        }
    }
    out.push_str(&html[at..]);
    out
}

/// The destination written at `at` (after `](` or `]:`): whitespace
/// skipped, then `<…>` whole or a run up to whitespace or the closing
/// parenthesis (balanced ones inside are part of it).
fn destination_at(text: &str, at: usize) -> Option<std::ops::Range<usize>> {
    let rest = &text[at..];
    let skip = rest.len() - rest.trim_start().len();
    let start = at + skip;
    let rest = &text[start..];
    if rest.starts_with('<') {
        let end = rest.find('>')?;
        return Some(start..start + end + 1);
    }
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(start..start + i),
            ')' => depth -= 1,
            c if c.is_whitespace() => return Some(start..start + i),
            _ => {}
        }
    }
    Some(start..text.len())
}

/// `text` with its relative local pictures made absolute against `base`
/// (a signature file's pictures are beside it, wherever graft runs).
pub(crate) fn with_base(
    text: &str,
    format: super::content::BodyFormat,
    base: &std::path::Path,
) -> String {
    use super::content::BodyFormat;
    let absolute = |src: &str| -> Option<String> {
        let path = path_of(src);
        let p = std::path::Path::new(&path);
        (is_local(src) && p.is_relative() && !path.starts_with('~'))
            .then(|| base.join(p).to_string_lossy().into_owned())
    };
    let mut spans: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    match format {
        BodyFormat::Html => {
            for (range, src) in super::html::images(text) {
                if let Some(a) = absolute(&src) {
                    spans.push((range, a));
                }
            }
        }
        BodyFormat::Markdown => {
            use pulldown_cmark::{Event, LinkType, Parser, Tag};
            let parser = Parser::new_ext(text, markdown_options());
            // Definitions (`[logo]: logo.png`) an image names by reference.
            let defs: Vec<(String, std::ops::Range<usize>)> = parser
                .reference_definitions()
                .iter()
                .map(|(label, d)| (label.to_string(), d.span.clone()))
                .collect();
            let mut used = std::collections::HashSet::new();
            for (ev, range) in parser.into_offset_iter() {
                let Event::Start(Tag::Image {
                    dest_url,
                    link_type,
                    id,
                    ..
                }) = ev
                else {
                    continue;
                };
                let Some(a) = absolute(&dest_url) else {
                    continue;
                };
                // Where the destination is written: in the image's own
                // `(…)`, or in the definition it names.
                let at = match link_type {
                    LinkType::Inline => match text[range.clone()].rfind("](") {
                        Some(i) => range.start + i + 2,
                        None => continue,
                    },
                    LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => {
                        let label = if id.is_empty() { &dest_url } else { &id };
                        let Some((_, span)) = defs
                            .iter()
                            .find(|(l, _)| l.to_lowercase() == label.to_lowercase())
                        else {
                            continue;
                        };
                        if !used.insert(span.start) {
                            continue;
                        }
                        match text[span.clone()].find("]:") {
                            Some(i) => span.start + i + 2,
                            None => continue,
                        }
                    }
                    _ => continue,
                };
                if let Some(dest) = destination_at(text, at) {
                    spans.push((dest, format!("<{a}>")));
                }
            }
            spans.sort_by_key(|(r, _)| r.start);
        }
        BodyFormat::Text => {}
    }
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (r, a) in spans {
        out.push_str(&text[at..r.start]);
        out.push_str(&a);
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}

/// The local picture sources `text` names read as Markdown or as HTML
/// (whatever its format becomes): what text from elsewhere (a server's
/// body, a mailto: link) must never send.
pub fn any_local_images(text: &str) -> Vec<String> {
    use super::content::BodyFormat;
    let mut out = local_images(text, BodyFormat::Markdown);
    let mut seen: std::collections::HashSet<String> = out.iter().cloned().collect();
    for s in local_images(text, BodyFormat::Html) {
        if seen.insert(s.clone()) {
            out.push(s);
        }
    }
    out
}

/// What a save must do first about the body's pictures: files to check
/// and attach (source, content id), and inline attachments the body no
/// longer shows (by content id).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    pub(crate) check: Vec<(String, String)>,
    pub(crate) drop: Vec<String>,
}

/// The pictures the body and signature show against the inline
/// attachments on `list`.
/// Inline attachments whose content id is not known (loaded from Outlook,
/// named by the body's own `cid:`) are left alone.
pub(crate) fn plan(
    content: &super::content::DraftContent,
    list: &[super::attach::AttachedFile],
) -> Plan {
    let mut srcs = local_images(&content.body, content.format);
    // Pictures named by text that came from elsewhere are never sent.
    srcs.retain(|s| !content.not_mine.contains(s));
    if let Some(s) = &content.signature {
        for src in local_images(&s.text, s.format) {
            if !srcs.contains(&src) {
                srcs.push(src);
            }
        }
    }
    let wanted: Vec<(String, String)> = srcs
        .into_iter()
        .map(|src| {
            let cid = content_id(&src);
            (src, cid)
        })
        .collect();
    let has = |cid: &str| {
        list.iter()
            .any(|f| f.inline && f.content_id.as_deref() == Some(cid))
    };
    Plan {
        check: wanted.iter().filter(|(_, c)| !has(c)).cloned().collect(),
        drop: list
            .iter()
            .filter(|f| f.inline)
            .filter_map(|f| f.content_id.clone())
            .filter(|c| !wanted.iter().any(|(_, w)| w == c))
            .collect(),
    }
}

/// Takes the inline attachments `plan` drops off `files` (those the server
/// has are removed from the draft at the save).
pub(crate) fn drop_unused(files: &mut super::attach::Files, drop: &[String]) {
    let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut files.list)
        .into_iter()
        .partition(|f| f.inline && f.content_id.as_ref().is_some_and(|c| drop.contains(c)));
    files.list = kept;
    files
        .detached
        .extend(gone.into_iter().filter(|f| f.server_id.is_some()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::content::BodyFormat;

    #[test]
    fn local_pictures_become_cid_references_and_urls_stay() {
        assert!(is_local("logo.png") && is_local("./a b.png") && is_local("C:\\x\\y.png"));
        assert!(is_local("file:///tmp/x.png") && is_local("~/pics/x.png"));
        assert!(!is_local("https://contoso.com/x.png") && !is_local("cid:abc"));
        assert!(!is_local("data:image/png;base64,AAA") && !is_local("//cdn/x.png"));
        assert_eq!(path_of("file:///tmp/a%20b.png"), "/tmp/a b.png");
        let md = "Hi ![logo](img/logo.png) and ![web](https://x.io/a.png) ![again](img/logo.png)";
        assert_eq!(local_images(md, BodyFormat::Markdown), ["img/logo.png"]);
        let html = markdown_to_html(md);
        let cid = content_id("img/logo.png");
        assert!(
            cid.starts_with("logo.png.") && cid.ends_with("@graft"),
            "{cid}"
        );
        assert_eq!(
            html.matches(&format!("src=\"cid:{cid}\"")).count(),
            2,
            "{html}"
        );
        assert!(html.contains("src=\"https://x.io/a.png\""), "{html}");
        assert_ne!(content_id("a/logo.png"), content_id("b/logo.png"));
        let h = "<p><IMG alt=x SRC='pics/p.jpg'> <img src=\"cid:keep\"><img src=/abs/q.gif></p>";
        assert_eq!(
            local_images(h, BodyFormat::Html),
            ["pics/p.jpg", "/abs/q.gif"]
        );
        let out = html_with_cids(h);
        assert!(
            out.contains(&format!("SRC='cid:{}'", content_id("pics/p.jpg"))),
            "{out}"
        );
        assert!(
            out.contains(&format!("src=cid:{}>", content_id("/abs/q.gif"))),
            "{out}"
        );
        assert!(out.contains("src=\"cid:keep\""), "{out}");
        assert!(local_images("![x](y.png)", BodyFormat::Text).is_empty());
        let base = std::path::Path::new("/home/dana/.config/graft");
        assert_eq!(
            with_base(
                "![logo](logo.png) ![w](https://x.io/a.png) ![h](/abs.png)",
                BodyFormat::Markdown,
                base
            ),
            "![logo](</home/dana/.config/graft/logo.png>) ![w](https://x.io/a.png) ![h](/abs.png)"
        );
        assert_eq!(
            with_base("<img src=\"img/l.png\">", BodyFormat::Html, base),
            "<img src=\"/home/dana/.config/graft/img/l.png\">"
        );
        // In angle brackets (a space in the name), with a title, and by
        // reference: each looked up beside the signature.
        assert_eq!(
            with_base(
                "![a](<my logo.png>) ![b](b.png \"B\") ![c][pic] ![pic]\n\n[pic]: <c d.png>\n",
                BodyFormat::Markdown,
                base
            ),
            "![a](</home/dana/.config/graft/my logo.png>) \
             ![b](</home/dana/.config/graft/b.png> \"B\") ![c][pic] ![pic]\n\n\
             [pic]: </home/dana/.config/graft/c d.png>\n"
        );
        let out = with_base("![c][P]\n\n[p]: c.png\n", BodyFormat::Markdown, base);
        assert_eq!(
            local_images(&out, BodyFormat::Markdown),
            ["/home/dana/.config/graft/c.png"]
        );
    }

    #[test]
    fn a_save_attaches_new_pictures_and_drops_those_gone_from_the_body() {
        use crate::core::attach::{AttachedFile, Files};
        let pic = |src: &str, server: Option<&str>| AttachedFile {
            path: src.into(),
            name: src.into(),
            size: 1,
            content_type: "image/png".into(),
            server_id: server.map(str::to_string),
            inline: true,
            content_id: Some(content_id(src)),
        };
        let mut files = Files {
            list: vec![pic("a.png", Some("A")), pic("b.png", None)],
            detached: vec![],
        };
        // From Outlook: its cid is the body's own, so it stays.
        files.list.push(AttachedFile {
            content_id: None,
            ..pic("old.png", Some("O"))
        });
        let content = crate::core::content::DraftContent {
            body: "![](b.png)".into(),
            format: BodyFormat::Markdown,
            signature: Some(crate::core::content::Signature {
                text: "<img src=\"c.png\">".into(),
                format: BodyFormat::Html,
            }),
            ..Default::default()
        };
        let p = plan(&content, &files.list);
        assert_eq!(p.check, [("c.png".to_string(), content_id("c.png"))]);
        assert_eq!(p.drop, [content_id("a.png")]);
        drop_unused(&mut files, &p.drop);
        let names: Vec<&str> = files.list.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["b.png", "old.png"]);
        assert_eq!(files.detached.len(), 1, "a.png is removed from the server");
    }
}
