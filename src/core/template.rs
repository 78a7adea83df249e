//! Templates: a draft written once, with `{{variables}}`. A template file
//! reads like a message: header lines (`To:`, `Cc:`, `Bcc:`, `Subject:`,
//! `Format:`), a blank line, the body. A variable is `{{name}}`, or
//! `{{name|fallback}}` for one that may be missing; built in are `date`
//! (today), and from the first To recipient `recipient` (their name, else
//! the address), `first_name` and `recipient_email`. A variable with no
//! value and no fallback is an error naming it: a merge never sends
//! `Dear {{first_name}}`.

use super::content::BodyFormat;
use super::record::Fields;
use std::collections::BTreeMap;

/// A template, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub to: String,
    pub cc: String,
    pub bcc: String,
    pub subject: String,
    pub body: String,
    pub format: BodyFormat,
}

/// Variables given with a template (`--var k=v`, a batch line's fields).
pub type Vars = BTreeMap<String, String>;

impl Template {
    /// Reads a template file's text; `format` is what its name says
    /// (`.md`, `.html`), a `Format:` header overrides it.
    pub fn parse(name: &str, text: &str, format: BodyFormat) -> Result<Template, String> {
        let mut t = Template {
            name: name.to_string(),
            format,
            ..Default::default()
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut rest = text;
        // Headers only if the first line is one.
        let header = |l: &str| {
            l.split_once(':').and_then(|(k, v)| {
                let k = k.trim().to_ascii_lowercase();
                matches!(k.as_str(), "to" | "cc" | "bcc" | "subject" | "format")
                    .then(|| (k, v.trim().to_string()))
            })
        };
        if text.lines().next().and_then(header).is_some() {
            loop {
                let (line, after) = match rest.split_once('\n') {
                    Some((l, a)) => (l.trim_end_matches('\r'), a),
                    None => (rest.trim_end_matches('\r'), ""),
                };
                rest = after;
                if line.trim().is_empty() {
                    break;
                }
                let Some((k, v)) = header(line) else {
                    return Err(format!(
                        "template {name}: “{line}” is not a header (To:, Cc:, Bcc:, Subject:, Format:); a blank line starts the body"
                    ));
                };
                match k.as_str() {
                    "to" => t.to = v,
                    "cc" => t.cc = v,
                    "bcc" => t.bcc = v,
                    "subject" => t.subject = v,
                    _ => {
                        t.format = match v.to_ascii_lowercase().as_str() {
                            "text" | "plain" => BodyFormat::Text,
                            "markdown" | "md" => BodyFormat::Markdown,
                            "html" => BodyFormat::Html,
                            other => {
                                return Err(format!(
                                    "template {name}: Format: {other}: use text, markdown or html"
                                ));
                            }
                        }
                    }
                }
                if rest.is_empty() {
                    break;
                }
            }
        }
        t.body = rest.trim_end().replace("\r\n", "\n");
        Ok(t)
    }

    /// The variables it needs a value for: not built in, without a fallback.
    pub fn needs(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for text in [&self.to, &self.cc, &self.bcc, &self.subject, &self.body] {
            for part in parts(text) {
                if let Part::Var(name, None) = part
                    && !BUILT_IN.contains(&name)
                    && !out.iter().any(|o| o == name)
                {
                    out.push(name.to_string());
                }
            }
        }
        out
    }

    /// The draft's text with `vars` filled in (`today` is `date`'s value).
    /// `Err`: the variables that have no value.
    pub fn render(&self, vars: &Vars, today: &str) -> Result<Fields, Vec<String>> {
        let mut missing = Vec::new();
        let mut all = vars.clone();
        all.entry("date".into())
            .or_insert_with(|| today.to_string());
        let plain = |s: &str, all: &Vars, missing: &mut Vec<String>| fill(s, all, false, missing);
        let to = plain(&self.to, &all, &mut missing);
        let cc = plain(&self.cc, &all, &mut missing);
        let bcc = plain(&self.bcc, &all, &mut missing);
        // Who it is for: the first To recipient, unless given.
        if let Some(first) = super::address::parse_list(&to)
            .ok()
            .and_then(|l| l.into_iter().next())
        {
            let name = first.name.clone().filter(|n| !n.trim().is_empty());
            all.entry("recipient_email".into())
                .or_insert_with(|| first.address.clone());
            all.entry("recipient".into())
                .or_insert_with(|| name.clone().unwrap_or_else(|| first.address.clone()));
            if let Some(f) = name
                .as_deref()
                .and_then(|n| n.split_whitespace().next())
                .map(str::to_string)
                .or_else(|| first_name_of(&first.address))
            {
                all.entry("first_name".into()).or_insert(f);
            }
        }
        let subject = plain(&self.subject, &all, &mut missing);
        let body = fill(
            &self.body,
            &all,
            self.format == BodyFormat::Html,
            &mut missing,
        );
        if !missing.is_empty() {
            missing.dedup();
            return Err(missing);
        }
        Ok(Fields {
            to,
            cc,
            bcc,
            subject,
            body,
        })
    }
}

/// Names the templates provide themselves.
pub const BUILT_IN: &[&str] = &["date", "recipient", "first_name", "recipient_email"];

/// `dana.park@contoso.com` → `Dana`: a first name from an address, when
/// its local part looks like one.
fn first_name_of(address: &str) -> Option<String> {
    let local = address.split('@').next()?;
    let first = local.split(['.', '_', '-']).next()?;
    if first.len() < 2 || !first.chars().all(char::is_alphabetic) {
        return None;
    }
    let mut c = first.chars();
    let head = c.next()?.to_uppercase().collect::<String>();
    Some(head + &c.as_str().to_lowercase())
}

/// A piece of a template's text: as written, or a `{{name|fallback}}`.
enum Part<'a> {
    Text(&'a str),
    Var(&'a str, Option<&'a str>),
}

/// The pieces of `s`, in order (an unclosed `{{` is text).
fn parts(s: &str) -> Vec<Part<'_>> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else { break };
        let inner = &after[..j];
        let (name, fallback) = match inner.split_once('|') {
            Some((n, d)) => (n.trim(), Some(d)),
            None => (inner.trim(), None),
        };
        if name.is_empty() || name.contains(['{', '\n']) {
            out.push(Part::Text(&rest[..i + 2]));
            rest = after;
            continue;
        }
        out.push(Part::Text(&rest[..i]));
        out.push(Part::Var(name, fallback));
        rest = &after[j + 2..];
    }
    out.push(Part::Text(rest));
    out
}

/// `s` with each `{{name}}` replaced (HTML-escaped for an HTML body).
fn fill(s: &str, vars: &Vars, html: bool, missing: &mut Vec<String>) -> String {
    let mut out = String::with_capacity(s.len());
    for part in parts(s) {
        let (name, fallback) = match part {
            Part::Text(t) => {
                out.push_str(t);
                continue;
            }
            Part::Var(n, f) => (n, f),
        };
        let value = vars
            .get(name)
            .filter(|v| !v.is_empty())
            .map(String::as_str)
            .or(fallback);
        match value {
            Some(v) if html => out.push_str(
                &v.replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('>', "&gt;")
                    .replace('"', "&quot;"),
            ),
            Some(v) => out.push_str(v),
            None => {
                if !missing.iter().any(|m| m == name) {
                    missing.push(name.to_string());
                }
            }
        }
    }
    out
}

/// `k=v` as given on the command line.
pub fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("--var {s}: write it as name=value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "To: {{name}} <{{email}}>\nSubject: {{event}} on {{day|Friday}}\n\nDear {{first_name}},\n\nJoin us for {{event}} ({{date}}).\n";

    #[test]
    fn a_template_fills_its_variables_and_knows_its_recipient() {
        let t = Template::parse("invite", INVITE, BodyFormat::Markdown).unwrap();
        assert_eq!(t.format, BodyFormat::Markdown);
        assert_eq!(t.needs(), ["name", "email", "event"]);
        let vars: Vars = [
            ("name", "Dana Park"),
            ("email", "dana@contoso.com"),
            ("event", "the launch"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let f = t.render(&vars, "2026-12-02").unwrap();
        assert_eq!(f.to, "Dana Park <dana@contoso.com>");
        assert_eq!(f.subject, "the launch on Friday");
        assert_eq!(f.body, "Dear Dana,\n\nJoin us for the launch (2026-12-02).");
        let mut few = vars.clone();
        few.remove("event");
        assert_eq!(t.render(&few, "x").unwrap_err(), ["event"]);
    }

    #[test]
    fn without_headers_it_is_all_body_and_html_values_are_escaped() {
        let t = Template::parse(
            "n",
            "Hello {{recipient}}\nTo: not a header here",
            BodyFormat::Html,
        )
        .unwrap();
        assert_eq!(t.subject, "");
        assert!(t.body.starts_with("Hello"));
        let t = Template::parse(
            "h",
            "To: bob.smith@contoso.com\n\n<p>Hi {{first_name}} {{x}}</p>",
            BodyFormat::Html,
        )
        .unwrap();
        let vars: Vars = [("x".to_string(), "<b>&</b>".to_string())].into();
        let f = t.render(&vars, "d").unwrap();
        assert_eq!(f.body, "<p>Hi Bob &lt;b&gt;&amp;&lt;/b&gt;</p>");
        assert!(Template::parse("b", "To: x\nNope\n\nbody", BodyFormat::Text).is_err());
        assert_eq!(parse_var("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert!(parse_var("novalue").is_err());
    }
}
