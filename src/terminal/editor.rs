//! The hand-off to `$VISUAL`/`$EDITOR` for the body: the form's screen is
//! left, the editor runs on the terminal, and the screen comes back.

use std::io::Write;

/// Suspends the form, runs `$VISUAL`/`$EDITOR` (fallback `vi`) on the body in a
/// private temporary file named `graft-body-….{ext}`, and brings the form back.
pub(crate) fn external_editor(text: &str, ext: &str) -> Result<String, String> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let mut file = tempfile::Builder::new()
        .prefix("graft-body-")
        .suffix(&format!(".{ext}"))
        .tempfile()
        .map_err(|e| format!("Could not create a file for the editor: {e}."))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.flush())
        .map_err(|e| format!("Could not write the file for the editor: {e}."))?;
    super::session::give_back();
    // `sh -c` so an editor setting with arguments (`code --wait`) works.
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status();
    super::session::take_again();
    match status {
        Err(e) => return Err(format!("Could not start the editor '{editor}': {e}.")),
        Ok(s) if !s.success() => return Err(format!("The editor '{editor}' exited with {s}.")),
        Ok(_) => {}
    }
    let bytes =
        std::fs::read(file.path()).map_err(|e| format!("Could not read the edited file: {e}."))?;
    String::from_utf8(bytes).map_err(|_| "The edited file is not valid UTF-8.".to_string())
}
