//! `graft draft --batch FILE`: many drafts (a mail merge) through Graph
//! JSON batching, at the pace Outlook allows and never one twice.
//!
//! The file (JSON lines, or CSV with a header row) is read twice and never
//! held whole: once to check every line (nothing is sent if one is bad),
//! then in waves of [`WAVE`] lines. Each line gets a client key derived
//! from its text. Before the first create, the mailbox's graft-keyed
//! messages are listed once (pages of 1,000, the key expanded), so a rerun
//! finds what an earlier run made without a request per line, and a first
//! run spends one create per draft. A create that may have reached the
//! server without an answer is looked up by its key before it is repeated.
//! Batches go one at a time with at most 20 requests (Outlook runs 4 of them
//! at once per mailbox), paced ahead of Outlook's 10,000 requests per 10
//! minutes; a 429's `Retry-After` holds every later request at once.

use crate::core::attach::{AttachedFile, REQUEST_BUDGET};
use crate::core::content::{BodyFormat, DraftContent, Importance};
use crate::core::record::{Fields, MoreText};
use crate::graph::{self, GraphClient, SavedMessage};
use crate::store::files::check;
use serde::Deserialize;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Graph's limit of requests in one `$batch`.
pub(crate) const MAX_PER_BATCH: usize = 20;

#[derive(Deserialize, Default)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn joined(&self) -> String {
        match self {
            OneOrMany::None => String::new(),
            OneOrMany::One(s) => s.clone(),
            OneOrMany::Many(v) => v.join(", "),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    #[serde(default)]
    to: OneOrMany,
    #[serde(default)]
    cc: OneOrMany,
    #[serde(default)]
    bcc: OneOrMany,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    format: BodyFormat,
    #[serde(default)]
    importance: Importance,
    #[serde(default)]
    attach: Vec<PathBuf>,
    /// Overrides the key derived from the line's text.
    #[serde(default)]
    key: Option<String>,
}

/// One draft to create.
#[derive(Clone, Debug)]
pub(crate) struct Item {
    /// 1-based line number in the file.
    pub(crate) line: usize,
    pub(crate) key: String,
    /// Who it is for, to report: the first To address (`+2` for more).
    pub(crate) to: String,
    pub(crate) subject: String,
    pub(crate) format: BodyFormat,
    /// The create body, small attachments inline.
    pub(crate) body: Value,
    pub(crate) files: Vec<AttachedFile>,
}

impl Item {
    /// The same line made anew after its draft `old` was sent or deleted:
    /// a key of its own, derived from the old draft's id.
    pub(crate) fn again(&self, old: &str) -> Item {
        let key = format!("{}-again-{:016x}", self.key, fnv1a(old));
        let mut body = self.body.clone();
        if let Some(props) = body
            .get_mut("singleValueExtendedProperties")
            .and_then(Value::as_array_mut)
        {
            for p in props {
                p["value"] = Value::String(key.clone());
            }
        }
        Item {
            key,
            body,
            ..self.clone()
        }
    }
}

/// 64-bit FNV-1a: stable across versions and machines (unlike std's hasher).
fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Lines read at a time: the most the run holds in memory.
pub(crate) const WAVE: usize = 200;

/// At most this many bad lines are named; the rest are counted.
const MAX_NAMED: usize = 50;

/// Where the lines come from: a file (read twice, streamed) or text
/// already read (standard input).
pub enum Source {
    File(PathBuf),
    Text(String),
}

impl Source {
    /// The directory relative `attach` paths start from.
    pub(crate) fn base(&self) -> PathBuf {
        match self {
            Source::File(p) => p.parent().map(Path::to_path_buf).unwrap_or_default(),
            Source::Text(_) => PathBuf::from("."),
        }
    }

    /// The text as people export it, read as one kind: a leading UTF-8
    /// byte-order mark dropped, and `\r\n` and a bare `\r` (old Macs,
    /// some spreadsheets) read as `\n`, mixed or not.
    fn reader(&self) -> std::io::Result<Box<dyn std::io::BufRead + '_>> {
        let raw: Box<dyn std::io::Read + '_> = match self {
            Source::File(p) => Box::new(std::fs::File::open(p)?),
            Source::Text(t) => Box::new(t.as_bytes()),
        };
        Ok(Box::new(std::io::BufReader::new(LineEnds::new(raw))))
    }

    /// CSV (a `.csv` file, or text whose first line is not a JSON object)
    /// or JSON lines.
    fn is_csv(&self) -> bool {
        match self {
            Source::File(p) => p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")),
            Source::Text(t) => t
                .trim_start_matches('\u{feff}')
                .lines()
                .find(|l| !l.trim().is_empty())
                .is_some_and(|l| !l.trim_start().starts_with('{')),
        }
    }
}

/// Bytes with every line end made `\n` and a leading byte-order mark
/// dropped, streaming (a file is never held whole).
struct LineEnds<R> {
    inner: R,
    /// A `\r` ended the last chunk: a `\n` right after it is the same end.
    cr: bool,
    /// Whether the start (and a BOM there) has been seen.
    started: bool,
    buf: Vec<u8>,
}

impl<R: std::io::Read> LineEnds<R> {
    fn new(inner: R) -> Self {
        LineEnds {
            inner,
            cr: false,
            started: false,
            buf: vec![0; 64 * 1024],
        }
    }
}

impl<R: std::io::Read> std::io::Read for LineEnds<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let want = out.len().min(self.buf.len());
            let n = self.inner.read(&mut self.buf[..want])?;
            if n == 0 {
                return Ok(0);
            }
            let mut chunk = &self.buf[..n];
            if !self.started {
                self.started = true;
                chunk = chunk.strip_prefix(b"\xef\xbb\xbf").unwrap_or(chunk);
            }
            let mut w = 0;
            for &b in chunk {
                if std::mem::take(&mut self.cr) && b == b'\n' {
                    continue;
                }
                if b == b'\r' {
                    self.cr = true;
                    out[w] = b'\n';
                } else {
                    out[w] = b;
                }
                w += 1;
            }
            if w > 0 {
                return Ok(w);
            }
        }
    }
}

/// The field separator of a CSV header: `;` (Excel in many languages)
/// when the header has more of them than commas outside quotes, else `,`.
fn delimiter(header: &[u8]) -> u8 {
    let (mut commas, mut semis, mut quoted) = (0, 0, false);
    for &b in header {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semis += 1,
            _ => {}
        }
    }
    if semis > commas { b';' } else { b',' }
}

/// A JSON line's error in words: what is wrong, without the parser's
/// position inside a line (the file's line is named by the caller).
fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => format!(
            "not a JSON object (column {}): each line is one object, like {{\"to\": \"dana@contoso.com\", \"subject\": \"…\"}}",
            e.column()
        ),
        _ => {
            let m = e.to_string();
            let m = m.split(" at line ").next().unwrap_or(&m);
            // serde's `name` quotes as “name”.
            let mut out = String::with_capacity(m.len());
            let mut open = true;
            for c in m.chars() {
                if c == '`' {
                    out.push(if open { '“' } else { '”' });
                    open = !open;
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// One line of the file: its number, the text its key derives from, and
/// its fields (or why they cannot be read).
type Record = (usize, String, Result<Line, String>);

/// The records of a source, in order.
fn records(source: &Source) -> std::io::Result<Box<dyn Iterator<Item = Record> + '_>> {
    let reader = source.reader()?;
    if !source.is_csv() {
        use std::io::BufRead;
        return Ok(Box::new(reader.lines().enumerate().filter_map(
            |(i, raw)| {
                let n = i + 1;
                let raw = match raw {
                    Ok(r) => r,
                    Err(e) => return Some((n, String::new(), Err(e.to_string()))),
                };
                let t = raw.trim();
                if t.is_empty() {
                    return None;
                }
                let line = serde_json::from_str::<Line>(t).map_err(|e| json_error(&e));
                Some((n, t.to_string(), line))
            },
        )));
    }
    // CSV: a header row names the fields (to,cc,bcc,subject,body,format,
    // importance,attach,key); `attach` lists paths separated by `;`.
    let mut reader = reader;
    let sep = {
        use std::io::BufRead;
        let head = reader.fill_buf()?;
        let end = head.iter().position(|b| *b == b'\n').unwrap_or(head.len());
        delimiter(&head[..end])
    };
    let mut csv = csv::ReaderBuilder::new()
        .flexible(false)
        .delimiter(sep)
        .from_reader(reader);
    let header: Vec<String> = match csv.headers() {
        Ok(h) => h.iter().map(|f| f.trim().to_ascii_lowercase()).collect(),
        Err(e) => {
            let e = e.to_string();
            return Ok(Box::new(std::iter::once((1, String::new(), Err(e)))));
        }
    };
    Ok(Box::new(csv.into_records().map(move |r| {
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                let n = e.position().map(|p| p.line() as usize).unwrap_or(0);
                return (n, String::new(), Err(e.to_string()));
            }
        };
        let n = r.position().map(|p| p.line() as usize).unwrap_or(0);
        let mut o = serde_json::Map::new();
        for (h, v) in header.iter().zip(r.iter()) {
            // Exports end lines of a quoted field with `\r\n` too.
            let v = v.trim_end_matches('\r');
            if v.is_empty() {
                continue;
            }
            let value = if h == "attach" {
                Value::Array(
                    v.split(';')
                        .map(str::trim)
                        .filter(|p| !p.is_empty())
                        .map(|p| Value::String(p.to_string()))
                        .collect(),
                )
            } else {
                Value::String(v.to_string())
            };
            o.insert(h.clone(), value);
        }
        // The fields in a fixed order: the key's text does not depend on the
        // order of the columns.
        let raw = Value::Object(o).to_string();
        let line = serde_json::from_str::<Line>(&raw).map_err(|e| {
            // A column the header names that a draft does not have.
            json_error(&e).replace("unknown field", "unknown column")
        });
        (n, raw, line)
    })))
}

/// What every line of a merge shares: a template whose variables the lines
/// give, the profile's signature, and the checks each line must pass.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    pub(crate) template: Option<crate::core::template::Template>,
    /// `{{date}}`'s value.
    pub(crate) today: String,
    pub(crate) signature: Option<crate::core::content::Signature>,
    /// The checks a line must pass (none: `--force`).
    pub(crate) checks: Option<crate::core::checks::Checks>,
}

/// A line's fields as a template's variables (lists joined with `, `).
fn variables(line: &serde_json::Map<String, Value>) -> crate::core::template::Vars {
    line.iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| x.to_string())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect()
}

/// A line through the template: its fields are the variables; what the
/// template leaves empty (To, say) the line's own field fills; `attach`,
/// `importance` and `key` keep their meaning.
fn templated(t: &crate::core::template::Template, raw: &str, today: &str) -> Result<Line, String> {
    let line: serde_json::Map<String, Value> =
        serde_json::from_str(raw).map_err(|e| e.to_string())?;
    let vars = variables(&line);
    let own = |k: &str| vars.get(k).cloned().unwrap_or_default();
    let f = t
        .render(&vars, today)
        .map_err(|e| match e {
            crate::core::template::RenderError::Missing(missing) => format!(
                "template {} needs {} (a field of the line)",
                t.name,
                missing.join(", ")
            ),
            refused => format!("template {}: {refused}", t.name),
        })?
        .or(Fields {
            to: own("to"),
            cc: own("cc"),
            bcc: own("bcc"),
            subject: own("subject"),
            body: own("body"),
        });
    let pick = |k: &str| line.get(k).cloned();
    Ok(Line {
        to: OneOrMany::One(f.to),
        cc: OneOrMany::One(f.cc),
        bcc: OneOrMany::One(f.bcc),
        subject: f.subject,
        body: f.body,
        format: t.format,
        importance: pick("importance")
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
        attach: pick("attach")
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
        key: pick("key").and_then(|v| v.as_str().map(str::to_string)),
    })
}

/// Reads every line, calling `each` with the good ones in order; a bad line
/// is named (the first [`MAX_NAMED`]) and counted.
pub(crate) fn read(
    source: &Source,
    opts: &Options,
    each: &mut dyn FnMut(Item),
) -> Result<usize, Vec<String>> {
    let base = source.base();
    let mut errors = Vec::new();
    let mut bad = 0usize;
    let mut good = 0usize;
    let mut seen: std::collections::HashMap<u64, usize> = Default::default();
    let all = records(source).map_err(|e| vec![e.to_string()])?;
    for (n, raw, line) in all {
        let line = match &opts.template {
            // A line is its template's variables: any field is one.
            Some(t) if !raw.is_empty() => templated(t, &raw, &opts.today),
            _ => line,
        };
        // A template's drafts are not another template's: its name is
        // part of each line's key.
        let keyed = match &opts.template {
            Some(t) => format!("template:{}\n{raw}", t.name),
            None => raw,
        };
        let result = line
            .map_err(|e| vec![format!("line {n}: {e}")])
            .and_then(|l| item(n, &keyed, l, &base, opts, &mut seen));
        match result {
            Ok(item) => {
                good += 1;
                each(item);
            }
            Err(e) => {
                bad += 1;
                if errors.len() < MAX_NAMED {
                    errors.extend(e);
                }
            }
        }
    }
    if bad > 0 {
        if errors.len() >= MAX_NAMED {
            errors.push(format!("… {bad} bad lines in all"));
        }
        return Err(errors);
    }
    Ok(good)
}

/// All the items of a small text.
#[cfg(test)]
fn parse(text: &str) -> Result<Vec<Item>, Vec<String>> {
    let mut items = Vec::new();
    read(
        &Source::Text(text.to_string()),
        &Options::default(),
        &mut |i| items.push(i),
    )?;
    Ok(items)
}

/// One line's draft, checked.
// Long by design: each field of a batch line checked and named in its error.
fn item(
    n: usize,
    raw: &str,
    line: Line,
    base: &Path,
    opts: &Options,
    seen: &mut std::collections::HashMap<u64, usize>,
) -> Result<Item, Vec<String>> {
    let mut errors = Vec::new();
    let typed = Fields {
        to: line.to.joined(),
        cc: line.cc.joined(),
        bcc: line.bcc.joined(),
        subject: line.subject.clone(),
        body: line.body.clone(),
    };
    let more = MoreText {
        importance: line.importance,
        ..Default::default()
    };
    let mut content = match DraftContent::from_typed(&typed, line.format, &more) {
        Ok(c) => c,
        Err(bad) => {
            return Err(bad
                .iter()
                .map(|(which, e)| format!("line {n}: {}: {e}", which.label().to_lowercase()))
                .collect());
        }
    };
    let mut files = Vec::new();
    for p in &line.attach {
        let p = if p.is_relative() {
            base.join(p)
        } else {
            p.clone()
        };
        match check(&p.to_string_lossy()) {
            Ok(mut f) => {
                let taken: Vec<&str> = files
                    .iter()
                    .map(|x: &AttachedFile| x.name.as_str())
                    .collect();
                f.name = crate::core::attach::unique_name(&f.name, &taken);
                files.push(f)
            }
            Err(e) => errors.push(format!("line {n}: attach: {e}")),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    content.signature = opts.signature.clone();
    // The body's (and signature's) pictures go inline, as in the form.
    let plan = crate::core::inline::plan(&content, &[]);
    for f in crate::store::files::check_images(&plan.check, base) {
        match f {
            Ok(f) => files.push(f),
            Err(e) => errors.push(format!("line {n}: {e}")),
        }
    }
    if let Some(checks) = &opts.checks {
        let attached = files.iter().filter(|f| !f.inline).count();
        let warnings = crate::core::checks::check(&content, attached, checks);
        if !warnings.is_empty() {
            let list: Vec<String> = warnings.iter().map(ToString::to_string).collect();
            errors.push(format!(
                "line {n}: not saved: {} (--force saves it anyway)",
                list.join("; ")
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let h = fnv1a(raw);
    let occ = seen.entry(h).or_default();
    *occ += 1;
    let key = line
        .key
        .clone()
        .unwrap_or_else(|| format!("batch-{h:016x}-{occ}"));
    let (body, inline) =
        crate::service::save::body_with_attachments(content.create_body(Some(&key)), &files)
            .map_err(|e| vec![format!("line {n}: {e}")])?;
    if body.to_string().len() > REQUEST_BUDGET {
        return Err(vec![format!(
            "line {n}: the message is larger than Graph takes in one request (about 4 MB)"
        )]);
    }
    for i in inline {
        files[i].server_id = Some(String::new());
    }
    let to = match content.to.split_first() {
        Some((first, [])) => first.address.clone(),
        Some((first, rest)) => format!("{} +{}", first.address, rest.len()),
        None => "(no To)".into(),
    };
    Ok(Item {
        line: n,
        key,
        to: crate::util::sanitize::line(&to),
        subject: crate::util::sanitize::line(&line.subject),
        format: line.format,
        body,
        files,
    })
}

/// What happened to one line.
#[derive(Clone, Debug)]
pub(crate) enum LineResult {
    Created(SavedMessage),
    /// An earlier run (or an unanswered request) had created it already.
    Existing(SavedMessage),
    /// An earlier run's draft was sent since: nothing is created (unless
    /// `--again`).
    Sent(SavedMessage),
    /// An earlier run's draft was deleted (it is in Deleted Items).
    Deleted(SavedMessage),
    Failed(graph::Error),
}

#[derive(Clone, Copy, PartialEq)]
enum Step {
    Lookup,
    Create,
}

/// Where one line stands while its wave runs.
struct Progress<'a> {
    /// The Deleted Items folder's id: a draft found there is not "existing".
    trash: &'a str,
    /// Create it (a line no earlier run made), or look it up (after an
    /// answer that may have been lost).
    step: Step,
    /// A create was sent in this run, so finding it later means this run made it.
    sent: bool,
    /// The last failure, for the report if it never succeeds.
    last: Option<graph::Error>,
    result: Option<LineResult>,
}

/// What a message found by its key says about a line: sent, deleted, or
/// still a draft (made by this run, or an earlier one).
fn classify(saved: SavedMessage, trash: &str, made_now: bool) -> LineResult {
    if !saved.is_draft {
        LineResult::Sent(saved)
    } else if !trash.is_empty() && saved.parent_folder_id == trash {
        LineResult::Deleted(saved)
    } else if made_now {
        LineResult::Created(saved)
    } else {
        LineResult::Existing(saved)
    }
}

impl Progress<'_> {
    /// A 2xx answer to this line's request.
    fn answered(&mut self, phase: Step, v: &Value) {
        let found = match phase {
            Step::Lookup => v
                .get("value")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|m| crate::graph::model::saved_from_value(200, m)),
            Step::Create => crate::graph::model::saved_from_value(201, v),
        };
        match found {
            Some(saved) => self.result = Some(classify(saved, self.trash, self.sent)),
            // Not there: create it.
            None if phase == Step::Lookup => self.step = Step::Create,
            // A create answered with something that is not a message: look it up.
            None => self.step = Step::Lookup,
        }
    }

    /// A failure of this line's request (or of the whole batch it was in):
    /// throttling, a busy service and lost answers wait for the next round (a
    /// create that may have happened is looked up then); anything else is final.
    fn failed(&mut self, phase: Step, f: graph::Error, wait: &mut Option<Duration>) {
        if !(f.is_offline() || f.is_busy() || f.may_have_applied()) {
            self.result = Some(LineResult::Failed(f));
            return;
        }
        if phase == Step::Create && f.may_have_applied() {
            self.step = Step::Lookup;
        }
        if let Some(pause) = f.retry_after {
            *wait = Some(wait.unwrap_or_default().max(pause));
        }
        self.last = Some(f);
    }
}

/// How a merge is going, for a progress line.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tally {
    /// Lines finished, of all.
    pub(crate) done: usize,
    pub(crate) total: usize,
    /// Requests sent to the mailbox (each inside a `$batch` counted, as
    /// Outlook counts them).
    pub(crate) requests: usize,
    /// Requests answered 429.
    pub(crate) throttled: usize,
    /// A pause now under way (pacing ahead of the limit, or a `Retry-After`).
    pub(crate) pause: Option<Duration>,
}

/// One merge run against one mailbox: what the mailbox already holds, the
/// pace, the counts.
pub(crate) struct Merge<'a> {
    client: &'a GraphClient,
    trash: String,
    /// Graft-keyed messages found before the first create, by key; taken
    /// out as their lines come.
    known: std::collections::HashMap<String, SavedMessage>,
    pace: crate::graph::retry::Pace,
    retries: u32,
    again: bool,
    pub(crate) tally: Tally,
}

impl<'a> Merge<'a> {
    /// Lists what the mailbox holds of `keys` (and of lines made anew with
    /// `--again`): a few requests for the whole run.
    pub(crate) async fn start(
        client: &'a GraphClient,
        keys: &std::collections::HashSet<String>,
        total: usize,
        retries: u32,
        again: bool,
    ) -> Result<Merge<'a>, graph::Error> {
        let limits = crate::graph::retry::Limits::at_most(retries);
        // The folder named as Outlook shows it, found once for every line.
        client.resolve_folder().await?;
        // Where Deleted Items is, so a deleted draft is not taken as there.
        let trash = client.folder_id("deleteditems").await.unwrap_or_default();
        let mut keep = |k: &str| {
            keys.contains(k)
                || k.split_once("-again-")
                    .is_some_and(|(base, _)| keys.contains(base))
        };
        let (found, requests) = client.keyed_messages(&mut keep, limits).await?;
        Ok(Merge {
            client,
            trash,
            known: found.into_iter().collect(),
            pace: crate::graph::retry::Pace::outlook(),
            retries,
            again,
            tally: Tally {
                total,
                requests: requests + 1,
                ..Tally::default()
            },
        })
    }

    /// Makes one wave of lines, each exactly once; `progress` hears how the
    /// run is going after every batch and before every pause.
    pub(crate) async fn wave(
        &mut self,
        items: &[Item],
        progress: &mut (dyn FnMut(Tally) + Send),
    ) -> Vec<LineResult> {
        let mut results = self.run(items, progress).await;
        if self.again {
            // Lines whose drafts were sent or deleted since are made anew,
            // each under a key of its own (derived from the old draft, so a
            // rerun with --again finds these instead of making more).
            let redo: Vec<(usize, Item)> = items
                .iter()
                .zip(results.iter())
                .enumerate()
                .filter_map(|(i, (item, r))| match r {
                    LineResult::Sent(old) | LineResult::Deleted(old) => {
                        Some((i, item.again(&old.id)))
                    }
                    _ => None,
                })
                .collect();
            if !redo.is_empty() {
                let fresh: Vec<Item> = redo.iter().map(|(_, it)| it.clone()).collect();
                self.tally.total += fresh.len();
                let made = self.run(&fresh, progress).await;
                for ((i, _), r) in redo.into_iter().zip(made) {
                    results[i] = r;
                }
            }
        }
        results
    }

    async fn run(
        &mut self,
        items: &[Item],
        progress: &mut (dyn FnMut(Tally) + Send),
    ) -> Vec<LineResult> {
        let total = items.len();
        let trash = self.trash.clone();
        // Lines the mailbox already had are done; the others are created
        // without a lookup (no earlier run made them).
        let mut lines: Vec<Progress> = items
            .iter()
            .map(|item| {
                let result = self
                    .known
                    .remove(&item.key)
                    .map(|saved| classify(saved, &trash, false));
                Progress {
                    trash: &trash,
                    step: Step::Create,
                    sent: false,
                    last: None,
                    result,
                }
            })
            .collect();
        let open = |lines: &[Progress]| lines.iter().filter(|l| l.result.is_none()).count();
        self.tally.done += total - open(&lines);
        let mut rounds_without_progress = 0u32;
        while open(&lines) > 0 {
            let before = open(&lines);
            let mut wait: Option<Duration> = None;
            for phase in [Step::Lookup, Step::Create] {
                let todo: Vec<usize> = (0..total)
                    .filter(|i| lines[*i].result.is_none() && lines[*i].step == phase)
                    .collect();
                for group in pack(&todo, items, phase) {
                    let requests: Vec<Value> = group
                        .iter()
                        .map(|i| request_for(self.client, &items[*i], phase))
                        .collect();
                    self.hold(requests.len(), progress).await;
                    for i in &group {
                        lines[*i].sent |= phase == Step::Create;
                    }
                    let open_before = open(&lines);
                    let mut retry_after = None;
                    match self.client.batch(&requests).await {
                        Err(f) => {
                            retry_after = f.retry_after;
                            for i in &group {
                                lines[*i].failed(phase, f.clone(), &mut wait);
                            }
                        }
                        Ok(answers) => {
                            for (i, answer) in group.iter().zip(answers) {
                                match answer {
                                    Ok(v) => lines[*i].answered(phase, &v),
                                    Err(f) => {
                                        if f.status == Some(429) {
                                            self.tally.throttled += 1;
                                        }
                                        if let Some(ra) = f.retry_after {
                                            retry_after = Some(retry_after.unwrap_or(ra).max(ra));
                                        }
                                        lines[*i].failed(phase, f, &mut wait)
                                    }
                                }
                            }
                        }
                    }
                    // Slow down at once: nothing more leaves before Retry-After.
                    if let Some(ra) = retry_after {
                        self.pace.throttled(ra, std::time::Instant::now());
                    }
                    self.tally.done += open_before - open(&lines);
                    progress(self.tally);
                }
            }
            let after = open(&lines);
            if after == 0 {
                break;
            }
            rounds_without_progress = if after < before {
                0
            } else {
                rounds_without_progress + 1
            };
            if rounds_without_progress > self.retries {
                break;
            }
            // The one policy: the longest Retry-After of the round (already
            // held by the pace), else backoff.
            if wait.is_none() {
                let pause = crate::graph::retry::backoff(rounds_without_progress.max(1));
                tracing::info!(
                    left = after,
                    wait_ms = pause.as_millis() as u64,
                    "batch round done; waiting"
                );
                self.tally.pause = Some(pause);
                progress(self.tally);
                tokio::time::sleep(pause).await;
                self.tally.pause = None;
            }
        }
        // Lines still open after the retries failed with their last failure.
        lines
            .into_iter()
            .map(|l| {
                l.result.unwrap_or_else(|| {
                    LineResult::Failed(l.last.unwrap_or_else(|| {
                        graph::Error::local(
                            crate::graph::FailureKind::Network,
                            "GaveUp",
                            "no answer after several tries",
                        )
                    }))
                })
            })
            .collect()
    }

    /// Waits until `n` more requests fit the pace, then counts them as sent.
    async fn hold(&mut self, n: usize, progress: &mut (dyn FnMut(Tally) + Send)) {
        let wait = self.pace.wait(n, std::time::Instant::now());
        if !wait.is_zero() {
            self.tally.pause = Some(wait);
            progress(self.tally);
            tokio::time::sleep(wait).await;
            self.tally.pause = None;
        }
        self.pace.sent(n, std::time::Instant::now());
        self.tally.requests += n;
    }
}

/// Groups of at most 20 requests whose JSON stays under Graph's request limit.
fn pack(todo: &[usize], items: &[Item], phase: Step) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut size = 0usize;
    for &i in todo {
        let cost = match phase {
            Step::Lookup => 400,
            Step::Create => items[i].body.to_string().len() + 200,
        };
        let fits = groups
            .last()
            .is_some_and(|g| g.len() < MAX_PER_BATCH && size + cost <= REQUEST_BUDGET);
        if !fits {
            groups.push(Vec::new());
            size = 0;
        }
        size += cost;
        if let Some(g) = groups.last_mut() {
            g.push(i);
        }
    }
    groups
}

fn request_for(client: &GraphClient, item: &Item, phase: Step) -> Value {
    let id = item.line.to_string();
    match phase {
        Step::Lookup => json!({
            "id": id,
            "method": "GET",
            "url": client.relative(&client.find_by_key_url(&item.key)),
        }),
        Step::Create => json!({
            "id": id,
            "method": "POST",
            "url": client.relative(&client.create_url()),
            "headers": {"Content-Type": "application/json"},
            "body": item.body,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_parse_with_stable_distinct_keys() {
        let text = "{\"to\":\"a@x.com\",\"subject\":\"s\"}\n\n{\"to\":[\"b@x.com\",\"c@x.com\"],\"body\":\"**b**\",\"format\":\"markdown\"}\n{\"to\":\"a@x.com\",\"subject\":\"s\"}\n";
        let items = parse(text).unwrap();
        assert_eq!(
            items.iter().map(|i| i.line).collect::<Vec<_>>(),
            vec![1, 3, 4]
        );
        assert_ne!(items[0].key, items[2].key, "identical lines are two drafts");
        let again = parse(text).unwrap();
        assert!(
            items.iter().zip(&again).all(|(a, b)| a.key == b.key),
            "keys are stable"
        );
        assert_eq!(items[1].body["body"]["contentType"], "html");
        assert_eq!(items[1].body["toRecipients"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn bad_lines_are_named_and_nothing_is_sent() {
        let text =
            "{\"to\":\"a@x.com\"}\n{\"to\":\"not an address\"}\n{\"sbject\":\"typo\"}\nnot json\n";
        let errs = parse(text).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].starts_with("line 2: to:"), "{errs:?}");
        assert!(
            errs[1].starts_with("line 3:") && errs[1].contains("sbject"),
            "{errs:?}"
        );
        assert!(errs[2].starts_with("line 4:"), "{errs:?}");
    }

    #[test]
    fn files_as_people_export_them() {
        let rows = |text: &str| {
            let mut items = Vec::new();
            let r = read(
                &Source::Text(text.to_string()),
                &Options::default(),
                &mut |i| items.push(i),
            );
            (r, items)
        };
        // A BOM, CRLF, bare CR and mixed line ends; a quoted field over lines.
        for text in [
            "\u{feff}to,subject\r\na@x.com,One\r\nb@x.com,\"Two\r\nlines\"\r\n",
            "to,subject\ra@x.com,One\rb@x.com,\"Two\nlines\"\r",
            "to,subject\na@x.com,One\r\nb@x.com,\"Two\rlines\"\n",
            "\u{feff}to;subject\na@x.com;One\nb@x.com;\"Two\nlines\"\n",
        ] {
            let (r, items) = rows(text);
            assert_eq!(r, Ok(2), "{text:?}");
            assert_eq!(items[0].body["subject"], "One");
            assert_eq!(items[1].body["subject"], "Two\nlines", "{text:?}");
        }
        let (r, items) = rows("\u{feff}{\"to\":\"a@x.com\"}\r{\"to\":\"b@x.com\"}\r\n");
        assert_eq!(r, Ok(2));
        assert_eq!(items.len(), 2);
        // Errors name the file's line and say what is wrong in words.
        let errs = parse("{\"to\":\"a@x.com\"}\nnot json\n{\"sbject\":\"x\"}\n").unwrap_err();
        assert!(errs[0].starts_with("line 2: not a JSON object"), "{errs:?}");
        assert!(!errs[0].contains("line 1 column"), "{errs:?}");
        assert!(
            errs[1].starts_with("line 3: unknown field “sbject”"),
            "{errs:?}"
        );
        let (r, _) = rows("to,sbject\na@x.com,x\n");
        let e = r.unwrap_err();
        assert!(e[0].starts_with("line 2: unknown column “sbject”"), "{e:?}");
    }

    #[test]
    fn packing_keeps_twenty_and_the_size_limit() {
        let item = |n: usize, size: usize| Item {
            line: n,
            key: n.to_string(),
            to: String::new(),
            subject: String::new(),
            format: BodyFormat::Text,
            body: json!({"body": {"content": "x".repeat(size)}}),
            files: vec![],
        };
        let items: Vec<Item> = (0..45).map(|n| item(n, 10)).collect();
        let todo: Vec<usize> = (0..45).collect();
        let g = pack(&todo, &items, Step::Create);
        assert_eq!(g.iter().map(Vec::len).collect::<Vec<_>>(), vec![20, 20, 5]);
        let big: Vec<Item> = (0..3).map(|n| item(n, 1_500_000)).collect();
        let g = pack(&[0, 1, 2], &big, Step::Create);
        assert_eq!(g.iter().map(Vec::len).collect::<Vec<_>>(), vec![2, 1]);
    }
}
