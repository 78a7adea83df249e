//! `mailto:` URLs (RFC 6068), so graft can be a terminal's mail handler:
//! `mailto:a@x.com,b@y.org?cc=c@z.net&subject=Hi%20there&body=Line%201%0ALine%202`.

/// The fields a mailto URL fills in, as text for the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mailto {
    pub(crate) to: Vec<String>,
    pub(crate) cc: Vec<String>,
    pub(crate) bcc: Vec<String>,
    pub(crate) subject: Option<String>,
    pub(crate) body: Option<String>,
}

fn decode(s: &str) -> Result<String, String> {
    // RFC 6068: '+' is a plus sign, not a space (unlike HTML forms).
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| format!("'{s}' is not valid UTF-8 after percent-decoding"))
}

pub(crate) fn parse(url: &str) -> Result<Mailto, String> {
    let rest = url
        .strip_prefix("mailto:")
        .or_else(|| url.strip_prefix("MAILTO:"))
        .ok_or_else(|| format!("'{url}' is not a mailto: URL"))?;
    let (to, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut m = Mailto::default();
    if !to.is_empty() {
        m.to.push(decode(to)?);
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = decode(v)?;
        match k.to_ascii_lowercase().as_str() {
            "to" => m.to.push(v),
            "cc" => m.cc.push(v),
            "bcc" => m.bcc.push(v),
            "subject" => m.subject = Some(v),
            // Line breaks are CRLF on the wire; the form uses LF.
            "body" => m.body = Some(v.replace("\r\n", "\n")),
            _ => {} // other headers (in-reply-to, …) are ignored, as RFC 6068 allows
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_example_with_percent_encoding() {
        let m = parse("mailto:a@x.com,b%40y.org?cc=c@z.net&BCC=d@w.io&subject=Hi%20there%21&body=Line%201%0D%0ALine%202%20%E2%9C%89").unwrap();
        assert_eq!(m.to, ["a@x.com,b@y.org"]);
        assert_eq!(m.cc, ["c@z.net"]);
        assert_eq!(m.bcc, ["d@w.io"]);
        assert_eq!(m.subject.as_deref(), Some("Hi there!"));
        assert_eq!(m.body.as_deref(), Some("Line 1\nLine 2 ✉"));
    }

    #[test]
    fn plus_is_a_plus_and_to_can_repeat() {
        let m = parse("mailto:?to=a+tag@x.com&to=b@y.org&subject=1+1").unwrap();
        assert_eq!(m.to, ["a+tag@x.com", "b@y.org"]);
        assert_eq!(m.subject.as_deref(), Some("1+1"));
    }

    #[test]
    fn bad_input_is_refused_with_a_reason() {
        assert!(parse("http://x").unwrap_err().contains("mailto"));
        assert!(
            parse("mailto:a@x.com?subject=%FF")
                .unwrap_err()
                .contains("UTF-8")
        );
        assert_eq!(parse("mailto:").unwrap(), Mailto::default());
    }
}
