//! The body's pictures of local files (Markdown `![alt](path)`, HTML
//! `<img src="path">`) go as inline attachments (`core::inline`). They are
//! read (off the loop's thread) when typing pauses, so the body's frame
//! lists each with its size before anything is sent; a save reads any new
//! one first and goes on once they are on the list; pictures no longer in
//! the body leave it. Only the user's own writing names pictures: a
//! server's body or a mailto: link never does (`Form::not_mine`), and a
//! picture that arrived in a paste is confirmed once before it is sent.

use super::model::Model;
use crate::core::attach::AttachedFile;
use crate::core::content::DraftContent;
use crate::tui::app::msg::Effect;
use crate::tui::app::msg::Outcome;
use crate::tui::app::state::status::StatusEntry;

/// Before a save: pictures that left the body leave the list; new ones are
/// read first (the save waits for them).
pub(crate) fn before_save(model: &mut Model, content: &DraftContent) -> Option<Outcome> {
    let plan = crate::core::inline::plan(content, &model.form.files.list);
    if !plan.drop.is_empty() {
        crate::core::inline::drop_unused(&mut model.form.files, &plan.drop);
    }
    // A pasted picture on its way out for the first time: asked first.
    let pasted: Vec<String> = plan
        .check
        .iter()
        .chain(
            model
                .form
                .files
                .list
                .iter()
                .filter(|f| f.inline && f.server_id.is_none())
                .filter_map(|f| {
                    plan_src(content, f.content_id.as_deref()?).map(|s| (s, String::new()))
                })
                .collect::<Vec<_>>()
                .iter(),
        )
        .map(|(src, _)| src.clone())
        .filter(|src| model.form.pasted.contains(src))
        .fold(Vec::new(), |mut v, s| {
            if !v.contains(&s) {
                v.push(s);
            }
            v
        });
    if !pasted.is_empty() {
        model.save.quit_after = false;
        model.dialog = Some(crate::tui::app::state::dialogs::Dialog::Pictures(pasted));
        return Some(Outcome::redraw());
    }
    if plan.check.is_empty() {
        return None;
    }
    model.save.images_for_save = true;
    if model.save.images_pending {
        return Some(Outcome::none());
    }
    model.save.images_pending = true;
    Some(Outcome::none().with(vec![Effect::CheckImages(plan.check)]))
}

/// The source in the body that has content id `cid`.
fn plan_src(content: &DraftContent, cid: &str) -> Option<String> {
    crate::core::inline::local_images(&content.body, content.format)
        .into_iter()
        .find(|src| crate::core::inline::content_id(src) == cid)
}

/// Typing paused: read the body's new pictures, to list them (with their
/// sizes) before anything is sent.
pub(crate) fn list_new(model: &mut Model) -> Option<Effect> {
    if model.save.images_pending {
        return None;
    }
    let content = model.validated_content().ok()?;
    let plan = crate::core::inline::plan(&content, &model.form.files.list);
    let fresh: Vec<(String, String)> = plan
        .check
        .into_iter()
        .filter(|(src, _)| !model.form.picture_errors.iter().any(|(s, _)| s == src))
        .collect();
    if fresh.is_empty() {
        return None;
    }
    model.save.images_pending = true;
    Some(Effect::CheckImages(fresh))
}

/// The new pictures were read: on the list, and the save goes on; one that
/// cannot be read holds it, saying which and why.
pub(crate) fn on_checked(model: &mut Model, found: Vec<Result<AttachedFile, String>>) -> Outcome {
    model.save.images_pending = false;
    let for_save = std::mem::take(&mut model.save.images_for_save);
    let mut bad = Vec::new();
    for f in found {
        match f {
            Ok(f) => {
                let known = model
                    .form
                    .files
                    .list
                    .iter()
                    .any(|g| g.inline && g.content_id == f.content_id);
                if !known {
                    model.form.files.list.push(f);
                }
            }
            Err(e) => bad.push(e),
        }
    }
    if !for_save {
        // Read to list them: what cannot be a picture is said once.
        let new: Vec<String> = bad
            .into_iter()
            .filter(|e| !model.form.picture_errors.iter().any(|(_, m)| m == e))
            .collect();
        if !new.is_empty() {
            for e in &new {
                model.form.picture_errors.push((String::new(), e.clone()));
            }
            model.status.push(StatusEntry::Check(format!(
                "{}. It will not be sent; fix the path or take it out of the body.",
                new.join("; ")
            )));
        }
        return Outcome::redraw();
    }
    if !bad.is_empty() {
        model.save.quit_after = false;
        model.status.push(StatusEntry::Check(format!(
            "Not saved: {}. Fix the path or take the picture out of the body.",
            bad.join("; ")
        )));
        return Outcome::redraw();
    }
    Outcome::save()
}

/// The pasted pictures were answered: sent (`yes`), or left out (the text
/// stays, the files are never sent); then the save goes on.
pub(crate) fn confirm_pasted(model: &mut Model, list: Vec<String>, yes: bool) -> Outcome {
    model.form.pasted.retain(|s| !list.contains(s));
    if yes {
        model.status.push(StatusEntry::Info(format!(
            "Sending the pasted picture{} as asked.",
            if list.len() == 1 { "" } else { "s" }
        )));
    } else {
        model.form.not_mine.extend(list);
        model.form.edited();
        model.status.push(StatusEntry::Info(
            "The pasted pictures are left out: their text stays, the files are not sent.".into(),
        ));
    }
    Outcome::save()
}
