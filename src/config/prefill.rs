//! The text to begin with, from flags: `--to/--cc/--bcc/--subject`,
//! `--body`/`--body-file` (or standard input) and a mailto: URL.

use crate::config::Error;

pub fn read_body(args: &crate::config::args::DraftArgs) -> Result<String, Error> {
    let bytes = match (&args.body, &args.body_file) {
        (Some(b), _) => return Ok(b.clone()),
        (None, None) => return Ok(String::new()),
        (None, Some(p)) if p.as_os_str() == "-" => {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map_err(|e| {
                Error::usage(format!("cannot read the body from standard input: {e}"))
            })?;
            buf
        }
        (None, Some(p)) => std::fs::read(p)
            .map_err(|e| Error::usage(format!("--body-file {}: {e}", p.display())))?,
    };
    String::from_utf8(bytes).map_err(|_| Error::usage("the body is not valid UTF-8 text"))
}

/// The form's starting text from `--to/--cc/--bcc/--subject/--body-file` and a mailto: URL.
pub fn prefill(
    p: &crate::config::args::Prefill,
) -> Result<Option<crate::core::record::Fields>, Error> {
    let m = match &p.mailto {
        Some(url) => crate::core::mailto::parse(url).map_err(Error::usage)?,
        None => Default::default(),
    };
    let join = |a: &[String], b: &[String]| {
        a.iter()
            .chain(b)
            .filter(|s| !s.trim().is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    };
    let body = match &p.body_file {
        Some(path) => {
            let args = crate::config::args::DraftArgs {
                to: vec![],
                cc: vec![],
                bcc: vec![],
                subject: String::new(),
                body: None,
                body_file: Some(path.clone()),
                json: false,
                retries: 0,
                markdown: false,
                html: false,
                importance: None,
                attach: vec![],
                batch: None,
                again: false,
            };
            read_body(&args)?
        }
        None => m.body.clone().unwrap_or_default(),
    };
    let fields = crate::core::record::Fields {
        to: join(&p.to, &m.to),
        cc: join(&p.cc, &m.cc),
        bcc: join(&p.bcc, &m.bcc),
        subject: p.subject.clone().or(m.subject.clone()).unwrap_or_default(),
        body,
    };
    let empty = fields == crate::core::record::Fields::default();
    Ok((!empty).then_some(fields))
}
