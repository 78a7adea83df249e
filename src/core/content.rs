//! A draft as Graph sees it, and the JSON bodies for create (POST) and update (PATCH).

use super::address::Address;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The single-value extended property that carries a draft's client key, so a
/// create whose answer was lost can be found again instead of repeated.
pub const DRAFT_KEY_PROPERTY: &str =
    "String {b5d9f5a2-3c4e-4f1b-9a7d-6e2c8f0a1b37} Name GraftDraftKey";

/// How the body is written. Markdown is sent as HTML; the source stays in the form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    #[default]
    Text,
    Html,
    Markdown,
}

impl BodyFormat {
    pub(crate) fn next(self) -> BodyFormat {
        match self {
            BodyFormat::Text => BodyFormat::Markdown,
            BodyFormat::Markdown => BodyFormat::Html,
            BodyFormat::Html => BodyFormat::Text,
        }
    }
    pub(crate) fn label(self) -> &'static str {
        match self {
            BodyFormat::Text => "plain text",
            BodyFormat::Html => "HTML",
            BodyFormat::Markdown => "Markdown → HTML",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Importance {
    Low,
    #[default]
    Normal,
    High,
}

impl Importance {
    pub(crate) fn next(self) -> Importance {
        match self {
            Importance::Low => Importance::Normal,
            Importance::Normal => Importance::High,
            Importance::High => Importance::Low,
        }
    }
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Importance::Low => "low",
            Importance::Normal => "normal",
            Importance::High => "high",
        }
    }
}

/// `Finance, Q3; Budget` → `["Finance", "Q3", "Budget"]`.
pub(crate) fn split_categories(s: &str) -> Vec<String> {
    s.split([',', ';'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The fields behind F3: rarely needed, hidden until asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct More {
    pub reply_to: Vec<Address>,
    pub importance: Importance,
    pub read_receipt: bool,
    pub delivery_receipt: bool,
    pub categories: Vec<String>,
    /// Follow-up flag.
    pub flagged: bool,
}

/// Everything the form sends, already validated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftContent {
    pub to: Vec<Address>,
    pub cc: Vec<Address>,
    pub bcc: Vec<Address>,
    pub subject: String,
    pub body: String,
    #[serde(default)]
    pub format: BodyFormat,
    #[serde(default)]
    pub more: More,
    /// An answer's body as Graph made it (HTML, with the quote): the body
    /// typed above goes into it; the rest is sent as it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<String>,
    /// The profile's signature, added below the body when it is sent (and
    /// above an answer's quote), never part of what is typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<Signature>,
    /// Local picture sources the body names that are not the user's own
    /// writing (they came with a server's body, a mailto: link): left as
    /// written, never sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_mine: Vec<String>,
}

/// A signature: text, Markdown or HTML, with pictures of local files as
/// inline attachments like the body's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Signature {
    pub text: String,
    #[serde(default)]
    pub format: BodyFormat,
}

impl Signature {
    /// As HTML, in the `<div id="Signature">` Outlook on the web puts its
    /// own signatures in; a text signature keeps its `-- ` line.
    pub(crate) fn html(&self) -> String {
        let inner = as_html(&self.text, self.format);
        match self.format {
            BodyFormat::Text => format!("<div id=\"Signature\"><div>-- </div>{inner}</div>\r\n"),
            _ => format!("<div id=\"Signature\">{inner}</div>\r\n"),
        }
    }
}

/// A body typed in `format`, as HTML: text escaped with its line breaks kept.
pub fn as_html(body: &str, format: BodyFormat) -> String {
    as_html_skipping(body, format, &[])
}

/// The same, leaving the local pictures in `skip` as written.
pub(crate) fn as_html_skipping(body: &str, format: BodyFormat, skip: &[String]) -> String {
    match format {
        // Pictures of local files go as inline attachments (`core::inline`).
        BodyFormat::Html => super::inline::html_with_cids_skipping(body, skip),
        BodyFormat::Markdown => super::inline::markdown_to_html_skipping(body, skip),
        BodyFormat::Text if body.is_empty() => String::new(),
        BodyFormat::Text => {
            let escaped = body
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            text_blocks(escaped.strip_suffix('\n').unwrap_or(&escaped))
        }
    }
}

/// Escaped text as HTML blocks, as Outlook writes them: each run of lines
/// one `<div dir="auto">` (its direction from its first strong character,
/// so a Hebrew paragraph is right-aligned), each blank line `<div><br></div>`.
fn text_blocks(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len() + 64);
    let mut block: Vec<&str> = Vec::new();
    let flush = |block: &mut Vec<&str>, out: &mut String| {
        if !block.is_empty() {
            out.push_str("<div dir=\"auto\">");
            out.push_str(&block.join("<br>\r\n"));
            out.push_str("</div>\r\n");
            block.clear();
        }
    };
    for line in escaped.split('\n') {
        if line.is_empty() {
            flush(&mut block, &mut out);
            out.push_str("<div><br></div>\r\n");
        } else {
            block.push(line);
        }
    }
    flush(&mut block, &mut out);
    out
}

fn recipients(list: &[Address]) -> Value {
    Value::Array(
        list.iter()
            .map(|a| {
                let mut email = Map::new();
                email.insert("address".into(), Value::String(a.address.clone()));
                if let Some(n) = &a.name {
                    email.insert("name".into(), Value::String(n.clone()));
                }
                json!({ "emailAddress": email })
            })
            .collect(),
    )
}

/// A recipient list as the user typed it, for naming it in an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ListField {
    To,
    Cc,
    Bcc,
    ReplyTo,
}

impl ListField {
    pub(crate) fn label(self) -> &'static str {
        match self {
            ListField::To => "To",
            ListField::Cc => "Cc",
            ListField::Bcc => "Bcc",
            ListField::ReplyTo => "Reply-To",
        }
    }
}

impl DraftContent {
    /// The same content as an answer whose created body is `quote`.
    pub(crate) fn with_quote(mut self, quote: Option<&str>) -> DraftContent {
        self.quote = quote.map(str::to_string);
        self
    }

    /// The message body as Graph takes it: (`contentType`, `content`). Plain
    /// text stays text (a text signature below a `-- ` line); anything else
    /// is HTML: what was typed, the signature, and an answer's quote below.
    pub fn graph_body(&self) -> (&'static str, String) {
        let sig = self.signature.as_ref();
        match (&self.quote, self.format, sig) {
            (None, BodyFormat::Text, None) => ("text", self.body.clone()),
            (None, BodyFormat::Text, Some(s)) if s.format == BodyFormat::Text => {
                ("text", format!("{}\n\n-- \n{}", self.body, s.text))
            }
            (quote, format, sig) => {
                let mut html = as_html_skipping(&self.body, format, &self.not_mine);
                if let Some(s) = sig {
                    html.push_str(&s.html());
                }
                match quote {
                    // An answer's body is HTML (Graph made it so): the
                    // user's part above the quote.
                    Some(q) => ("html", crate::core::answer::insert_above_quote(q, &html)),
                    None => ("html", html),
                }
            }
        }
    }

    /// The body of `POST …/messages`: every field, so the server holds exactly the
    /// form, plus the draft's client key as an extended property when given.
    pub fn create_body(&self, key: Option<&str>) -> Value {
        let mut v = self.patch_body(None);
        if let (Some(key), Some(o)) = (key, v.as_object_mut()) {
            o.insert(
                "singleValueExtendedProperties".into(),
                json!([{ "id": DRAFT_KEY_PROPERTY, "value": key }]),
            );
        }
        v
    }

    /// The body of `PATCH …/messages/{id}`: only what changed since `saved`
    /// (Graph advises against re-sending unchanged values). `None` means everything.
    pub fn patch_body(&self, saved: Option<&DraftContent>) -> Value {
        let mut m = Map::new();
        let changed = |f: &dyn Fn(&DraftContent) -> bool| saved.is_none_or(f);
        if changed(&|s| s.subject != self.subject) {
            m.insert("subject".into(), Value::String(self.subject.clone()));
        }
        if changed(&|s| {
            s.body != self.body
                || s.format != self.format
                || s.quote != self.quote
                || s.signature != self.signature
                || s.not_mine != self.not_mine
        }) {
            let (ct, content) = self.graph_body();
            m.insert(
                "body".into(),
                json!({ "contentType": ct, "content": content }),
            );
        }
        if changed(&|s| s.to != self.to) {
            m.insert("toRecipients".into(), recipients(&self.to));
        }
        if changed(&|s| s.cc != self.cc) {
            m.insert("ccRecipients".into(), recipients(&self.cc));
        }
        if changed(&|s| s.bcc != self.bcc) {
            m.insert("bccRecipients".into(), recipients(&self.bcc));
        }
        // The F3 fields: on create only when set, on update when changed.
        let d = More::default();
        let base = saved.map(|s| &s.more).unwrap_or(&d);
        let more = &self.more;
        if more.reply_to != base.reply_to {
            m.insert("replyTo".into(), recipients(&more.reply_to));
        }
        if more.importance != base.importance {
            m.insert("importance".into(), json!(more.importance.as_str()));
        }
        if more.read_receipt != base.read_receipt {
            m.insert("isReadReceiptRequested".into(), json!(more.read_receipt));
        }
        if more.delivery_receipt != base.delivery_receipt {
            m.insert(
                "isDeliveryReceiptRequested".into(),
                json!(more.delivery_receipt),
            );
        }
        if more.categories != base.categories {
            m.insert("categories".into(), json!(more.categories));
        }
        if more.flagged != base.flagged {
            let status = if more.flagged {
                "flagged"
            } else {
                "notFlagged"
            };
            m.insert("flag".into(), json!({ "flagStatus": status }));
        }
        Value::Object(m)
    }
}

/// `a`'s addresses, then `b`'s that `a` lacks (addresses compare without case).
pub(crate) fn union(a: &[Address], b: &[Address]) -> Vec<Address> {
    let mut out = a.to_vec();
    for x in b {
        if !out
            .iter()
            .any(|y| y.address.eq_ignore_ascii_case(&x.address))
        {
            out.push(x.clone());
        }
    }
    out
}

/// An answer as it is to be saved: what Graph made (`graph`: its
/// recipients, subject and body with the quote) and what the user wrote
/// (`mine`: the text above the quote, recipients to add, a subject of
/// their own, the F3 fields, the signature).
pub(crate) fn answer_content(graph: &DraftContent, mine: &DraftContent) -> DraftContent {
    DraftContent {
        to: union(&graph.to, &mine.to),
        cc: union(&graph.cc, &mine.cc),
        bcc: union(&graph.bcc, &mine.bcc),
        subject: if mine.subject.trim().is_empty() {
            graph.subject.clone()
        } else {
            mine.subject.clone()
        },
        quote: graph.quote.clone(),
        ..mine.clone()
    }
}

fn addresses(v: &Value, key: &str) -> Vec<Address> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|r| {
                    let e = r.get("emailAddress")?;
                    let address = crate::util::sanitize::line(e.get("address")?.as_str()?);
                    let name = e
                        .get("name")
                        .and_then(Value::as_str)
                        .map(crate::util::sanitize::line)
                        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&address));
                    Some(Address { name, address })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The fragment inside Outlook's `<html><head>…</head><body>…</body></html>`
/// wrapper (Graph wraps every HTML body it stores: user-post-messages.md's
/// examples), without the line breaks the wrapper puts around it.
pub fn unwrap_html(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    let (Some(open), Some(close)) = (lower.find("<body"), lower.rfind("</body>")) else {
        return html;
    };
    let Some(start) = lower[open..].find('>').map(|i| open + i + 1) else {
        return html;
    };
    if start > close {
        return html;
    }
    let inner = &html[start..close];
    let inner = inner
        .strip_prefix("\r\n")
        .or(inner.strip_prefix('\n'))
        .unwrap_or(inner);
    inner
        .strip_suffix("\r\n")
        .or(inner.strip_suffix('\n'))
        .unwrap_or(inner)
}

/// HTML as text to read: tags out, a line break for `<br>` and the end of
/// a block, entities decoded, runs of blank lines made one, sanitised.
pub fn html_text(html: &str) -> String {
    let inner = unwrap_html(html);
    let mut out = String::with_capacity(inner.len());
    let mut tag = String::new();
    let mut in_tag = false;
    let mut skip = false;
    for c in inner.chars() {
        match (in_tag, c) {
            (false, '<') => {
                in_tag = true;
                tag.clear();
            }
            (true, '>') => {
                in_tag = false;
                let t = tag.trim().to_ascii_lowercase();
                let name = t.split_whitespace().next().unwrap_or("");
                match name {
                    "style" | "script" | "head" => skip = true,
                    "/style" | "/script" | "/head" => skip = false,
                    "br" | "br/" | "/p" | "/div" | "/tr" | "/li" | "/h1" | "/h2" | "/h3" | "hr" => {
                        out.push('\n')
                    }
                    _ => {}
                }
            }
            (true, c) => tag.push(c),
            (false, '\r' | '\n') => {}
            (false, c) if !skip => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut lines: Vec<&str> = Vec::new();
    for l in decoded.lines().map(str::trim_end) {
        if l.trim().is_empty() && lines.last().is_none_or(|p| p.trim().is_empty()) {
            continue;
        }
        lines.push(l);
    }
    crate::util::sanitize::clean(lines.join("\n").trim_end(), true)
}

/// A message from Graph as the form's content.
pub fn content_from_message(v: &Value) -> DraftContent {
    let body = v.get("body");
    let html = body
        .and_then(|b| b.get("contentType"))
        .and_then(Value::as_str)
        .is_some_and(|c| c.eq_ignore_ascii_case("html"));
    let text = body
        .and_then(|b| b.get("content"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let text = if html { unwrap_html(text) } else { text };
    DraftContent {
        to: addresses(v, "toRecipients"),
        cc: addresses(v, "ccRecipients"),
        bcc: addresses(v, "bccRecipients"),
        subject: crate::util::sanitize::line(
            v.get("subject").and_then(Value::as_str).unwrap_or(""),
        ),
        body: crate::util::sanitize::clean(&text.replace("\r\n", "\n"), true),
        format: if html {
            BodyFormat::Html
        } else {
            BodyFormat::Text
        },
        more: More {
            reply_to: addresses(v, "replyTo"),
            importance: match v.get("importance").and_then(Value::as_str) {
                Some("low") => Importance::Low,
                Some("high") => Importance::High,
                _ => Importance::Normal,
            },
            read_receipt: v.get("isReadReceiptRequested") == Some(&Value::Bool(true)),
            delivery_receipt: v.get("isDeliveryReceiptRequested") == Some(&Value::Bool(true)),
            categories: v
                .get("categories")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(crate::util::sanitize::line)
                        .collect()
                })
                .unwrap_or_default(),
            flagged: v
                .get("flag")
                .and_then(|f| f.get("flagStatus"))
                .and_then(Value::as_str)
                .is_some_and(|s| s == "flagged"),
        },
        quote: None,
        signature: None,
        not_mine: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DraftContent {
        DraftContent {
            to: vec![Address {
                name: Some("Smith, Al".into()),
                address: "al@x.com".into(),
            }],
            cc: vec![],
            bcc: vec![Address {
                name: None,
                address: "b@x.com".into(),
            }],
            subject: "Hi".into(),
            body: "Line 1\nLine 2".into(),
            format: BodyFormat::Text,
            more: More::default(),
            quote: None,
            signature: None,
            not_mine: Vec::new(),
        }
    }

    #[test]
    fn create_has_every_field_with_one_object_per_recipient() {
        let v = sample().create_body(None);
        assert_eq!(
            v,
            json!({
                "subject": "Hi",
                "body": {"contentType": "text", "content": "Line 1\nLine 2"},
                "toRecipients": [{"emailAddress": {"address": "al@x.com", "name": "Smith, Al"}}],
                "ccRecipients": [],
                "bccRecipients": [{"emailAddress": {"address": "b@x.com"}}]
            })
        );
    }

    #[test]
    fn create_carries_the_client_key() {
        let v = sample().create_body(Some("k-1"));
        assert_eq!(
            v["singleValueExtendedProperties"],
            json!([{"id": DRAFT_KEY_PROPERTY, "value": "k-1"}])
        );
    }

    /// Every block graft makes finds its own direction: a Hebrew
    /// paragraph after an English one is right-aligned in Outlook. A text
    /// body stays text; as HTML (an answer, a signature) its paragraphs
    /// are blocks with `dir="auto"` too.
    #[test]
    fn blocks_carry_dir_auto_for_right_to_left_text() {
        let md = "# כותרת\n\nHello team,\n\nשלום לכולם\n\n- פריט\n\n> ציטוט\n";
        let html = as_html(md, BodyFormat::Markdown);
        for part in [
            "<h1 dir=\"auto\">כותרת</h1>",
            "<p dir=\"auto\">Hello team,</p>",
            "<p dir=\"auto\">שלום לכולם</p>",
            "<li dir=\"auto\">פריט</li>",
            "<blockquote dir=\"auto\">",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        let text = as_html(
            "Hello team,\nsecond line\n\nשלום <לכולם>\n",
            BodyFormat::Text,
        );
        assert_eq!(
            text,
            "<div dir=\"auto\">Hello team,<br>\r\nsecond line</div>\r\n<div><br></div>\r\n\
             <div dir=\"auto\">שלום &lt;לכולם&gt;</div>\r\n"
        );
        let c = DraftContent {
            body: "שלום".into(),
            format: BodyFormat::Text,
            ..Default::default()
        };
        assert_eq!(c.graph_body().0, "text", "a text draft stays text");
    }

    #[test]
    fn markdown_goes_out_as_html_and_a_format_change_is_a_body_change() {
        let mut c = sample();
        c.format = BodyFormat::Markdown;
        c.body = "# Q3\n\n- one\n- **two**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n`code` [link](https://x.io)\n".into();
        let v = c.create_body(None);
        assert_eq!(v["body"]["contentType"], json!("html"));
        let html = v["body"]["content"].as_str().unwrap();
        for part in [
            "<h1 dir=\"auto\">Q3</h1>",
            "<li dir=\"auto\">one</li>",
            "<strong>two</strong>",
            "<table>",
            "<td>1</td>",
            "<code>code</code>",
            "<a href=\"https://x.io\">link</a>",
        ] {
            assert!(html.contains(part), "{part} in {html}");
        }
        let mut plain = c.clone();
        plain.format = BodyFormat::Text;
        assert_eq!(
            plain.patch_body(Some(&c))["body"]["contentType"],
            json!("text")
        );
    }

    #[test]
    fn more_fields_go_out_when_set_and_when_changed() {
        let mut c = sample();
        c.more = More {
            reply_to: vec![Address {
                name: None,
                address: "replies@x.com".into(),
            }],
            importance: Importance::High,
            read_receipt: true,
            delivery_receipt: false,
            categories: vec!["Finance".into(), "Q3".into()],
            flagged: true,
        };
        let v = c.create_body(None);
        assert_eq!(
            v["replyTo"],
            json!([{"emailAddress": {"address": "replies@x.com"}}])
        );
        assert_eq!(v["importance"], json!("high"));
        assert_eq!(v["isReadReceiptRequested"], json!(true));
        assert!(
            v.get("isDeliveryReceiptRequested").is_none(),
            "defaults are not sent on create"
        );
        assert_eq!(v["categories"], json!(["Finance", "Q3"]));
        assert_eq!(v["flag"], json!({"flagStatus": "flagged"}));
        let mut later = c.clone();
        later.more.flagged = false;
        assert_eq!(
            later.patch_body(Some(&c)),
            json!({"flag": {"flagStatus": "notFlagged"}})
        );
    }

    #[test]
    fn patch_sends_only_changes() {
        let saved = sample();
        let mut now = saved.clone();
        now.subject = "Hello".into();
        assert_eq!(now.patch_body(Some(&saved)), json!({"subject": "Hello"}));
        assert_eq!(saved.patch_body(Some(&saved)), json!({}));
    }

    #[test]
    fn in_an_answer_the_signature_goes_above_the_quote() {
        let c = DraftContent {
            body: "Yes, Friday works.".into(),
            quote: Some(
                "<html><body><div id=\"divRplyFwdMsg\">From: Dana</div></body></html>".into(),
            ),
            signature: Some(Signature {
                text: "**Lee**".into(),
                format: BodyFormat::Markdown,
            }),
            ..Default::default()
        };
        let (ct, html) = c.graph_body();
        assert_eq!(ct, "html");
        let typed = html.find("Yes, Friday works.").unwrap();
        let sig = html
            .find("<div id=\"Signature\"><p dir=\"auto\"><strong>Lee</strong></p>")
            .unwrap();
        let quote = html.find("divRplyFwdMsg").unwrap();
        assert!(typed < sig && sig < quote, "{html}");
    }
}
