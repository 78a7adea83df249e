//! The text to begin with, from flags: `--to/--cc/--bcc/--subject`,
//! `--body`/`--body-file` (or standard input) and a mailto: URL.

use crate::config::Error;

pub(crate) fn read_body(
    body: Option<&str>,
    file: Option<&std::path::Path>,
) -> Result<String, Error> {
    let bytes = match (body, file) {
        (Some(b), _) => return Ok(b.to_string()),
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

/// Whether standard input is a pipe or a file (text given to graft), not a
/// terminal and not `/dev/null` (what a script or a service starts with).
pub(crate) fn stdin_piped() -> bool {
    use std::os::unix::fs::FileTypeExt;
    let Ok(meta) = std::fs::metadata("/dev/stdin") else {
        return false;
    };
    let t = meta.file_type();
    t.is_fifo() || t.is_file() || t.is_socket()
}

/// The form's starting text, and its body's format when a template says it.
pub(crate) type Prefilled = (
    Option<crate::core::record::Fields>,
    Option<crate::core::content::BodyFormat>,
);

/// A template's text with `--var` values (and the built-in ones) filled in.
/// `to`: the To given on the command line, which is the draft's To, so
/// `recipient`, `first_name` and `recipient_email` come from it.
pub(crate) fn from_template(
    name: &str,
    vars: &[String],
    to: &str,
) -> Result<
    (
        crate::core::record::Fields,
        crate::core::content::BodyFormat,
    ),
    Error,
> {
    let t = crate::store::templates::load(crate::config::templates_dir().as_deref(), name)
        .map_err(Error::usage)?;
    let mut given = crate::core::template::Vars::new();
    for v in vars {
        let (k, val) = crate::core::template::parse_var(v).map_err(Error::usage)?;
        given.insert(k, val);
    }
    for (k, v) in crate::core::template::recipient_vars(to) {
        given.entry(k).or_insert(v);
    }
    let fields = t
        .render(&given, &crate::util::today())
        .map_err(|e| match e {
            crate::core::template::RenderError::Missing(missing) => {
                let flags: Vec<String> = missing.iter().map(|m| format!("--var {m}=…")).collect();
                Error::usage(format!(
                    "template {name} needs a value for {}: give {}",
                    missing.join(", "),
                    flags.join(" ")
                ))
            }
            refused => Error::usage(format!("template {name}: --var {refused}")),
        })?;
    Ok((fields, t.format))
}

/// The form's starting text from `--to/--cc/--bcc/--subject/--body-file`,
/// a template and a mailto: URL.
pub(crate) fn prefill(p: &crate::config::args::Prefill) -> Result<Prefilled, Error> {
    let m = match &p.mailto {
        Some(word) if !word.contains(':') && !word.contains('@') => {
            return Err(Error::usage(unknown_command(word)));
        }
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
    let (t, format) = match &p.template {
        Some(name) => {
            let (f, fmt) = from_template(name, &p.var, &join(&p.to, &m.to))?;
            (f, Some(fmt))
        }
        None if !p.var.is_empty() => {
            return Err(Error::usage("--var needs --template NAME"));
        }
        None => (Default::default(), None),
    };
    let body = match &p.body_file {
        Some(path) => read_body(None, Some(path))?,
        None => m.body.clone().unwrap_or_default(),
    };
    // The flags and the link first; the template fills what they leave.
    let fields = crate::core::record::Fields {
        to: join(&p.to, &m.to),
        cc: join(&p.cc, &m.cc),
        bcc: join(&p.bcc, &m.bcc),
        subject: p.subject.clone().or(m.subject.clone()).unwrap_or_default(),
        body,
    }
    .or(t);
    let empty = fields == crate::core::record::Fields::default();
    Ok(((!empty).then_some(fields), format))
}

/// The local picture sources a mailto: link's body names: not the user's
/// writing, so never sent (the body keeps them as text).
pub(crate) fn not_mine(p: &crate::config::args::Prefill) -> Vec<String> {
    p.mailto
        .as_deref()
        .filter(|u| u.contains(':'))
        .and_then(|u| crate::core::mailto::parse(u).ok())
        .and_then(|m| m.body)
        .map(|b| crate::core::inline::any_local_images(&b))
        .unwrap_or_default()
}

/// What to say about a word that is neither a subcommand nor a mailto: URL
/// (`graft drafs`): the closest subcommand, when one is close.
fn unknown_command(word: &str) -> String {
    use clap::CommandFactory;
    let cli = crate::config::args::Cli::command();
    let names: Vec<String> = cli
        .get_subcommands()
        .flat_map(|c| {
            std::iter::once(c.get_name().to_string()).chain(c.get_all_aliases().map(str::to_string))
        })
        .collect();
    let lower = word.to_lowercase();
    let close: Vec<(usize, &String)> = names
        .iter()
        .map(|n| (crate::util::distance(&lower, n), n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3) && *d < n.len())
        .collect();
    let best = close.iter().map(|(d, _)| *d).min();
    let picks: Vec<String> = close
        .iter()
        .filter(|(d, _)| Some(*d) == best)
        .map(|(_, n)| format!("`graft {n}`"))
        .collect();
    if picks.is_empty() {
        format!(
            "'{word}' is neither a command nor a mailto: URL (`graft --help` lists the commands)"
        )
    } else {
        format!(
            "no command '{word}'; did you mean {}? (`graft --help` lists them)",
            picks.join(" or ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_command_names_the_closest_one() {
        assert!(unknown_command("drafs").contains("`graft drafts`"));
        assert!(unknown_command("lgoin").contains("`graft login`"));
        assert!(unknown_command("Whoami").contains("`graft whoami`"));
        let far = unknown_command("banana");
        assert!(far.contains("neither a command nor a mailto: URL"), "{far}");
        assert_eq!(crate::util::distance("sycn", "sync"), 1);
        assert_eq!(crate::util::distance("", "man"), 3);
    }
}
