//! The body's pictures of local files (Markdown `![alt](path)`, HTML
//! `<img src="path">`) go as inline attachments (`core::inline`). A save
//! first reads the new ones (off the loop's thread) and goes on once they
//! are on the list; pictures no longer in the body leave it.

use super::model::{Model, StatusEntry};
use super::update::{Effect, Outcome};
use crate::core::attach::AttachedFile;
use crate::core::content::DraftContent;

/// Before a save: pictures that left the body leave the list; new ones are
/// read first (the save waits for them).
pub fn before_save(model: &mut Model, content: &DraftContent) -> Option<Outcome> {
    let plan = crate::core::inline::plan(content, &model.form.files.list);
    if !plan.drop.is_empty() {
        crate::core::inline::drop_unused(&mut model.form.files, &plan.drop);
    }
    if plan.check.is_empty() {
        return None;
    }
    if model.save.images_pending {
        return Some(Outcome::none());
    }
    model.save.images_pending = true;
    Some(Outcome::none().with(vec![Effect::CheckImages(plan.check)]))
}

/// The new pictures were read: on the list, and the save goes on; one that
/// cannot be read holds it, saying which and why.
pub fn on_checked(model: &mut Model, found: Vec<Result<AttachedFile, String>>) -> Outcome {
    model.save.images_pending = false;
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
    if !bad.is_empty() {
        model.save.quit_after = false;
        model.status.push(StatusEntry::Check(format!(
            "Not saved: {}. Fix the path or take the picture out of the body.",
            bad.join("; ")
        )));
        return Outcome::redraw();
    }
    super::save::save(model)
}
