//! Templates: files in the config folder's `templates/` (`NAME.md`,
//! `NAME.html`, `NAME.txt` or just `NAME`), read when chosen.

use crate::core::content::BodyFormat;
use crate::core::template::Template;
use std::path::{Path, PathBuf};

/// A template file is refused past this size.
const MAX_TEMPLATE: u64 = 1024 * 1024;

/// The body format a file's name says.
fn format_of(path: &Path) -> BodyFormat {
    match path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .as_deref()
    {
        Some("md" | "markdown") => BodyFormat::Markdown,
        Some("html" | "htm") => BodyFormat::Html,
        _ => BodyFormat::Text,
    }
}

/// The templates in `dir`, by name (the file name without its extension).
pub(crate) fn list(dir: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            (!name.starts_with('.')).then_some((crate::util::sanitize::line(&name), p))
        })
        .collect();
    out.sort();
    out.truncate(500);
    out
}

/// Reads the template `name` from `dir` (or the file `name` names, when it
/// is a path).
pub(crate) fn load(dir: Option<&Path>, name: &str) -> Result<Template, String> {
    let path = if name.contains('/') || name.contains('\\') {
        crate::store::files::expand_home(name)
    } else {
        let dir = dir.ok_or("no config folder to find templates in")?;
        let all = list(dir);
        match all.iter().find(|(n, _)| n == name) {
            Some((_, p)) => p.clone(),
            None => {
                let names: Vec<String> = all.into_iter().map(|(n, _)| n).collect();
                return Err(if names.is_empty() {
                    format!(
                        "no template “{name}”: {} holds none (a template is a file there: headers such as To: and Subject:, a blank line, the body)",
                        dir.display()
                    )
                } else {
                    format!(
                        "no template “{name}” in {} (there: {})",
                        dir.display(),
                        names.join(", ")
                    )
                });
            }
        }
    };
    read(&path)
}

/// Reads the template file at `path` (named by its file name, less the extension).
pub(crate) fn read(path: &Path) -> Result<Template, String> {
    let text = crate::util::fs::read_small(path, MAX_TEMPLATE)
        .map_err(|e| format!("template {}: {e}", path.display()))?;
    let stem = path
        .file_stem()
        .map(|s| crate::util::sanitize::line(&s.to_string_lossy()))
        .unwrap_or_default();
    Template::parse(&stem, &text, format_of(path))
}
