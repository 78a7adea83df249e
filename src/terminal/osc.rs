//! Terminal escapes that reach the user's own machine: OSC 52 (the
//! clipboard, through ssh and tmux) and OSC 8 (hyperlinks); and opening a
//! link where there is a display.

/// The OSC 52 sequence that puts `text` on the local clipboard, through ssh and tmux.
pub fn osc52(text: &str) -> String {
    use base64::Engine as _;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// Writes OSC 52 when stdout is a terminal. The sequence moves no cursor, so the
/// screen ratatui knows stays as it is.
pub(crate) fn copy_to_clipboard(text: &str) {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    if out.is_terminal() {
        let _ = out.write_all(osc52(text).as_bytes());
        let _ = out.flush();
    }
}

/// `url` as an OSC 8 hyperlink when `terminal` (stdout is one), else plain.
pub(crate) fn hyperlink(url: &str, terminal: bool) -> String {
    if terminal {
        format!("\x1b]8;;{url}\x1b\\{url}\x1b]8;;\x1b\\")
    } else {
        url.to_string()
    }
}

/// Opens `url` with the system opener when there is a display to open it on.
pub(crate) fn open_url(url: &str) -> Result<(), String> {
    let gui = cfg!(target_os = "macos")
        || std::env::var_os("DISPLAY").is_some_and(|v| !v.is_empty())
        || std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty());
    if !gui {
        return Err("No display here (an ssh session?): Alt-W copies the link to your own machine's clipboard.".into());
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|mut child| {
            // Reap it when it exits.
            std::thread::spawn(move || child.wait());
        })
        .map_err(|e| format!("Could not run {opener}: {e}. Alt-W copies the link instead."))
}
