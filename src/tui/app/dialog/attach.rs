//! The attachment list and the Ctrl-O dialog: add a file by path (Tab completes),
//! see names and sizes, remove one. Files are checked outside `update` (an
//! effect) and uploaded with the next save.

use crate::config::keymap::Action;
use crate::core::attach::{AttachedFile, human_size};
use crate::core::attach::{Files, Upload};
use crate::service::save::FilesOutcome;
use crate::tui::app::model::Model;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::state::dialogs::AttachDialog;
use crate::tui::app::state::dialogs::Dialog;
use crate::tui::app::state::status::StatusEntry;
use crossterm::event::KeyEvent;

pub(crate) fn open(model: &mut Model) -> Outcome {
    model.dialog = Some(Dialog::Attach(AttachDialog::default()));
    Outcome::redraw()
}

fn dialog(model: &mut Model) -> Option<&mut AttachDialog> {
    match &mut model.dialog {
        Some(Dialog::Attach(d)) => Some(d),
        _ => None,
    }
}

pub(crate) fn on_key(model: &mut Model, key: KeyEvent) -> crate::tui::app::msg::Reply {
    use crate::config::keymap::{Context, DialogAction};
    use crate::tui::app::msg::Reply;
    // The files the dialog lists and removes: the body's pictures come and
    // go with the body.
    let count = files_only(&model.form.files).count();
    let action = model.session.keymap.in_dialog(Context::Attach, &key);
    match (action, model.session.keymap.action_for(&key)) {
        (Some(DialogAction::Close), _) | (_, Some(Action::Attach | Action::Cancel)) => {
            return Reply::Close(Outcome::redraw());
        }
        (_, Some(Action::Save)) => {
            model.dialog = None;
            return Reply::Stay(Outcome::save());
        }
        // Quit works from here too (it asks first if anything is unsaved).
        (_, Some(Action::Quit)) => return Reply::Pass,
        _ => {}
    }
    let Some(d) = dialog(model) else {
        return Reply::Stay(Outcome::none());
    };
    let out = match action {
        Some(DialogAction::Choose) => {
            let input = path_of(d.input.text());
            if input.is_empty() {
                return Reply::Close(Outcome::redraw());
            }
            d.message = Some(format!("Checking {input}…"));
            Outcome::redraw().with(vec![Effect::CheckFile(input)])
        }
        Some(DialogAction::Complete) => {
            let input = d.input.text().to_string();
            Outcome::none().with(vec![Effect::CompletePath(input)])
        }
        Some(DialogAction::Up) if count > 0 => {
            d.selected = Some(match d.selected {
                None | Some(0) => count - 1,
                Some(i) => i - 1,
            });
            Outcome::redraw()
        }
        Some(DialogAction::Down) if count > 0 => {
            d.selected = match d.selected {
                Some(i) if i + 1 < count => Some(i + 1),
                Some(_) => None,
                None => Some(0),
            };
            Outcome::redraw()
        }
        Some(DialogAction::Delete) if d.selected.is_some() => {
            let i = d.selected.unwrap_or(0);
            remove(model, i)
        }
        _ => {
            // The path field edits like the form's fields.
            match super::line::edit_line(&mut d.input, &key) {
                None => return Reply::Stay(Outcome::none()),
                Some(typed) => {
                    if typed {
                        d.selected = None;
                    }
                }
            }
            d.candidates.clear();
            Outcome::redraw()
        }
    };
    Reply::Stay(out)
}

/// The file a typed path names: `file://` URLs (as file managers copy
/// them) become paths; surrounding blanks go.
fn path_of(input: &str) -> String {
    let input = input.trim();
    match url::Url::parse(input) {
        Ok(u) if u.scheme() == "file" => u
            .to_file_path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_else(|_| input.to_string()),
        _ => input.to_string(),
    }
}

pub(crate) fn on_paste(model: &mut Model, text: &str) -> Outcome {
    if let Some(d) = dialog(model) {
        // A pasted path: one line, no quotes a shell would have added.
        let line = text.lines().next().unwrap_or("").trim();
        let line = line.trim_matches(|c| c == '\'' || c == '"');
        d.input.insert(line);
        d.candidates.clear();
    }
    Outcome::redraw()
}

/// The attached files, without the body's pictures.
pub(crate) fn files_only(files: &Files) -> impl Iterator<Item = &AttachedFile> {
    files.list.iter().filter(|f| !f.inline)
}

/// Removes the `k`-th of the files the dialog lists.
fn remove(model: &mut Model, k: usize) -> Outcome {
    let Some(i) = (0..model.form.files.list.len())
        .filter(|&i| !model.form.files.list[i].inline)
        .nth(k)
    else {
        return Outcome::none();
    };
    let f = model.form.files.list.remove(i);
    let name = f.name.clone();
    if f.server_id.is_some() {
        model.form.files.detached.push(f);
    }
    model.form.edited();
    let left = files_only(&model.form.files).count();
    if let Some(d) = dialog(model) {
        d.selected = (left > 0).then(|| k.min(left - 1));
        d.message = Some(format!("Removed {name}."));
    }
    Outcome::redraw()
}

/// The effect's answer: the file is fine (it joins the list) or why not.
pub(crate) fn on_checked(model: &mut Model, result: Result<AttachedFile, String>) -> Outcome {
    let (message, effects) = match result {
        Ok(f) if model.form.files.list.iter().any(|x| x.path == f.path) => {
            (format!("{} is attached already.", f.name), Vec::new())
        }
        Ok(f) if model.form.files.total() + f.size > model.session.attachment_budget() => {
            (over_budget(model, &f), Vec::new())
        }
        Ok(mut f) => {
            // A file removed earlier and attached again is still on the server.
            let back = model
                .form
                .files
                .detached
                .iter()
                .position(|d| d.path == f.path && d.size == f.size)
                .map(|pos| model.form.files.detached.remove(pos));
            if back.is_none() {
                let taken: Vec<&str> = model
                    .form
                    .files
                    .list
                    .iter()
                    .chain(&model.form.files.detached)
                    .map(|x| x.name.as_str())
                    .collect();
                f.name = crate::core::attach::unique_name(&f.name, &taken);
            }
            let how = if f.large() {
                "uploaded in chunks after the draft is saved"
            } else {
                "sent with the next save"
            };
            let msg = format!("Attached {} ({}), {how}.", f.name, human_size(f.size));
            model.form.files.list.push(back.unwrap_or(f));
            model.form.edited();
            model.status.push(StatusEntry::Info(msg.clone()));
            if let Some(d) = dialog(model) {
                d.input.clear();
                d.candidates.clear();
            }
            (msg, Vec::new())
        }
        Err(e) => {
            // The path stays to be fixed; typing something new replaces it.
            if let Some(d) = dialog(model) {
                d.input.replace_on_type();
            }
            (e, Vec::new())
        }
    };
    if let Some(d) = dialog(model) {
        d.message = Some(message);
    }
    Outcome::redraw().with(effects)
}

/// Why a file would not fit in the mailbox's message size limit.
pub(crate) fn over_budget(model: &Model, f: &AttachedFile) -> String {
    let source = if model.session.max_message_known {
        "this mailbox's limit"
    } else {
        "Exchange Online's default limit (set max_message_size in the profile if yours is larger)"
    };
    format!(
        "{} ({}) was not attached: the attachments would come to {}, and {source} of {} leaves room for {} once they are encoded for sending.",
        f.name,
        human_size(f.size),
        human_size(model.form.files.total() + f.size),
        crate::core::limits::limit_label(model.session.max_message_bytes),
        human_size(model.session.attachment_budget()),
    )
}

/// Path completions for what was typed (ignored if the input moved on).
pub(crate) fn on_candidates(
    model: &mut Model,
    input: String,
    found: Vec<(String, bool)>,
) -> Outcome {
    let Some(d) = dialog(model) else {
        return Outcome::none();
    };
    if d.input.text() != input {
        return Outcome::none();
    }
    match crate::core::attach::common_prefix(&found) {
        None => d.message = Some(format!("Nothing matches {input}.")),
        Some(prefix) => {
            if prefix.len() > d.input.text().len() {
                d.input.set(prefix);
            }
            d.message = None;
            d.candidates = if found.len() > 1 {
                found.into_iter().map(|(p, _)| p).collect()
            } else {
                Vec::new()
            };
        }
    }
    Outcome::redraw()
}

/// Progress of an upload (only while the save that started it is running).
pub(crate) fn on_progress(
    model: &mut Model,
    req: u64,
    name: String,
    done: u64,
    total: u64,
) -> Outcome {
    if model.save.in_flight.as_ref().is_none_or(|f| f.req != req) {
        return Outcome::none();
    }
    let changed_pct = model.save.upload.as_ref().is_none_or(|u| {
        u.name != name || (u.done * 100).checked_div(u.total) != (done * 100).checked_div(total)
    });
    model.save.upload = Some(Upload { name, done, total });
    Outcome {
        then: None,
        effects: Vec::new(),
        redraw: changed_pct,
    }
}

/// Records what a finished save did with the files.
pub(crate) fn apply_outcome(model: &mut Model, sent: &Files, out: &FilesOutcome) {
    for (path, id) in &out.attached {
        match model.form.files.list.iter_mut().find(|f| &f.path == path) {
            Some(f) => f.server_id = Some(id.clone()),
            None => {
                // Removed from the list while it was uploading: remove it there too.
                if let Some(f) = sent.list.iter().find(|f| &f.path == path).cloned() {
                    model.form.files.detached.push(AttachedFile {
                        server_id: Some(id.clone()),
                        ..f
                    });
                }
            }
        }
    }
    // By file and server id: files loaded from the history share an empty path.
    model
        .form
        .files
        .detached
        .retain(|f| !out.detached.contains(f));
}

/// The draft is gone on the server and will be saved as a new one: local
/// files go up again; files that were only on the server (loaded from the
/// history) cannot, and are named in the status pane.
pub(crate) fn for_new_draft(model: &mut Model) {
    model.form.files.detached.clear();
    let mut lost = Vec::new();
    model.form.files.list.retain_mut(|f| {
        f.server_id = None;
        if f.path.as_os_str().is_empty() {
            lost.push(f.name.clone());
            false
        } else {
            true
        }
    });
    if !lost.is_empty() {
        model.status.push(StatusEntry::Info(format!(
            "{} went with the old draft (it was only on the server); attach it again if you need it.",
            lost.join(", ")
        )));
    }
}

/// The files and pictures a save sends, each named with its size (`a.pdf
/// 12 KB`, `picture chart.png 40 KB`), and how many wait for an upload.
pub(crate) fn summary(files: &Files) -> Option<(Vec<String>, usize)> {
    if files.list.is_empty() {
        return None;
    }
    let mut names: Vec<String> = files_only(files)
        .map(|f| format!("{} {}", f.name, human_size(f.size)))
        .collect();
    // Each picture that will leave this machine, named with its size,
    // before the save that sends it.
    names.extend(
        files
            .list
            .iter()
            .filter(|f| f.inline)
            .map(|f| format!("picture {} {}", f.name, human_size(f.size))),
    );
    let waiting = files.list.iter().filter(|f| f.server_id.is_none()).count();
    Some((names, waiting))
}
