//! `graft draft --batch FILE.jsonl`: many drafts through Graph JSON batching.
//!
//! Each line gets a client key derived from its text, so a rerun finds the
//! drafts an earlier run made (one lookup per line, batched) and creates only
//! the rest. Batches go one at a time with at most 20 requests (Outlook runs 4
//! of them at once per mailbox); throttled or failed requests are retried in
//! the next round, after the longest `Retry-After`. A request that may have
//! reached the server without an answer is looked up before it is repeated.

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
pub const MAX_PER_BATCH: usize = 20;

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
pub struct Item {
    /// 1-based line number in the file.
    pub line: usize,
    pub key: String,
    pub subject: String,
    pub format: BodyFormat,
    /// The create body, small attachments inline.
    pub body: Value,
    pub files: Vec<AttachedFile>,
}

impl Item {
    /// The same line made anew after its draft `old` was sent or deleted:
    /// a key of its own, derived from the old draft's id.
    pub fn again(&self, old: &str) -> Item {
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

/// Reads the lines; a bad line is an error naming it, and nothing is sent.
// Long by design: each field of a batch line checked and named in its error.
pub fn parse(text: &str, base: &Path) -> Result<Vec<Item>, Vec<String>> {
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let mut seen: std::collections::HashMap<u64, usize> = Default::default();
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let t = raw.trim();
        if t.is_empty() {
            continue;
        }
        let line: Line = match serde_json::from_str(t) {
            Ok(l) => l,
            Err(e) => {
                errors.push(format!("line {n}: {e}"));
                continue;
            }
        };
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
        let content =
            match DraftContent::from_typed(&typed, line.format, &more) {
                Ok(c) => c,
                Err(bad) => {
                    errors.extend(bad.iter().map(|(which, e)| {
                        format!("line {n}: {}: {e}", which.label().to_lowercase())
                    }));
                    continue;
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
        let h = fnv1a(t);
        let occ = seen.entry(h).or_default();
        *occ += 1;
        let key = line
            .key
            .clone()
            .unwrap_or_else(|| format!("batch-{h:016x}-{occ}"));
        let (body, inline) = match crate::service::save::body_with_attachments(
            content.create_body(Some(&key)),
            &files,
        ) {
            Ok(x) => x,
            Err(e) => {
                errors.push(format!("line {n}: {e}"));
                continue;
            }
        };
        if body.to_string().len() > REQUEST_BUDGET {
            errors.push(format!(
                "line {n}: the message is larger than Graph takes in one request (about 4 MB)"
            ));
            continue;
        }
        for i in inline {
            files[i].server_id = Some(String::new());
        }
        items.push(Item {
            line: n,
            key,
            subject: crate::util::sanitize::line(&line.subject),
            format: line.format,
            body,
            files,
        });
    }
    if errors.is_empty() {
        Ok(items)
    } else {
        Err(errors)
    }
}

/// What happened to one line.
#[derive(Clone, Debug)]
pub enum LineResult {
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

/// Where one line stands while the batch runs.
struct Progress<'a> {
    /// The Deleted Items folder's id: a draft found there is not "existing".
    trash: &'a str,
    /// Look it up (first, and after an answer that may have been lost) or create it.
    step: Step,
    /// A create was sent in this run, so finding it later means this run made it.
    sent: bool,
    /// The last failure, for the report if it never succeeds.
    last: Option<graph::Error>,
    result: Option<LineResult>,
}

impl Progress<'_> {
    /// A 2xx answer to this line's request.
    fn answered(&mut self, phase: Step, v: &Value) {
        let found = match phase {
            Step::Lookup => v
                .get("value")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(|m| crate::graph::client::saved_from_value(200, m)),
            Step::Create => crate::graph::client::saved_from_value(201, v),
        };
        match (found, phase) {
            // Only a draft still a draft counts as there.
            (Some(saved), Step::Lookup) if !saved.is_draft => {
                self.result = Some(LineResult::Sent(saved))
            }
            (Some(saved), Step::Lookup)
                if !self.trash.is_empty() && saved.parent_folder_id == self.trash =>
            {
                self.result = Some(LineResult::Deleted(saved))
            }
            (Some(saved), _) if self.sent => self.result = Some(LineResult::Created(saved)),
            (Some(saved), _) => self.result = Some(LineResult::Existing(saved)),
            (None, Step::Lookup) => self.step = Step::Create,
            // A create answered with something that is not a message: look it up.
            (None, Step::Create) => self.step = Step::Lookup,
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

/// Creates every item, each exactly once. `progress` hears (finished, total).
pub async fn create_all(
    client: &GraphClient,
    items: &[Item],
    retries: u32,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Vec<LineResult> {
    let total = items.len();
    // Where Deleted Items is, so a deleted draft is not taken as there.
    let trash = client.folder_id("deleteditems").await.unwrap_or_default();
    // Every line is looked up first: that is what makes a rerun safe.
    let mut lines: Vec<Progress> = (0..total)
        .map(|_| Progress {
            trash: &trash,
            step: Step::Lookup,
            sent: false,
            last: None,
            result: None,
        })
        .collect();
    let open = |lines: &[Progress]| lines.iter().filter(|l| l.result.is_none()).count();
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
                    .map(|i| request_for(client, &items[*i], phase))
                    .collect();
                for i in &group {
                    lines[*i].sent |= phase == Step::Create;
                }
                match client.batch(&requests).await {
                    Err(f) => {
                        for i in &group {
                            lines[*i].failed(phase, f.clone(), &mut wait);
                        }
                    }
                    Ok(answers) => {
                        for (i, answer) in group.iter().zip(answers) {
                            match answer {
                                Ok(v) => lines[*i].answered(phase, &v),
                                Err(f) => lines[*i].failed(phase, f, &mut wait),
                            }
                        }
                    }
                }
                progress(total - open(&lines), total);
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
        if rounds_without_progress > retries {
            break;
        }
        // The one policy: the longest Retry-After of the round, else backoff.
        let pause = wait.unwrap_or_else(|| crate::graph::retry::backoff(rounds_without_progress));
        tracing::info!(
            left = after,
            wait_ms = pause.as_millis() as u64,
            "batch round done; waiting"
        );
        tokio::time::sleep(pause).await;
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
        let items = parse(text, Path::new(".")).unwrap();
        assert_eq!(
            items.iter().map(|i| i.line).collect::<Vec<_>>(),
            vec![1, 3, 4]
        );
        assert_ne!(items[0].key, items[2].key, "identical lines are two drafts");
        let again = parse(text, Path::new(".")).unwrap();
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
        let errs = parse(text, Path::new(".")).unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}");
        assert!(errs[0].starts_with("line 2: to:"), "{errs:?}");
        assert!(
            errs[1].starts_with("line 3:") && errs[1].contains("sbject"),
            "{errs:?}"
        );
        assert!(errs[2].starts_with("line 4:"), "{errs:?}");
    }

    #[test]
    fn packing_keeps_twenty_and_the_size_limit() {
        let item = |n: usize, size: usize| Item {
            line: n,
            key: n.to_string(),
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
