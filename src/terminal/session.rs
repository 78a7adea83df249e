//! The terminal as the form has it, as a guard: raw mode, the alternate
//! screen and bracketed paste on entering; all of it undone when the guard
//! goes (or on a panic), whatever ended the form.

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use std::io::IsTerminal;

/// The form's hold on the terminal; dropping it gives the terminal back.
pub(crate) struct TerminalSession {
    _private: (),
}

/// Why the form cannot start on this terminal.
pub(crate) fn unusable() -> Option<&'static str> {
    // Keys come from standard input when it is a terminal, else from
    // /dev/tty (the body may be piped in); the screen goes to standard output.
    let keys = std::io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok();
    if !keys || !std::io::stdout().is_terminal() {
        return Some(
            "the form needs a terminal (over ssh: `ssh -t`); for scripts, `graft draft --to … --subject … --body …` saves without one",
        );
    }
    None
}

impl TerminalSession {
    /// Takes the terminal over. Fails, without touching it, when standard
    /// input or output is not a terminal.
    pub(crate) fn enter() -> Result<TerminalSession, String> {
        if let Some(why) = unusable() {
            return Err(why.to_string());
        }
        // What `ratatui::init` does, without the terminal object it makes
        // (its screen buffers and size queries, thrown away here): raw
        // mode, a panic hook that gives the terminal back, the alternate
        // screen; and bracketed paste.
        crossterm::terminal::enable_raw_mode()
            .map_err(|e| format!("cannot use the terminal: {e}"))?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            give_back();
            previous(info);
        }));
        let _ = crossterm::execute!(
            std::io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            EnableBracketedPaste
        );
        Ok(TerminalSession { _private: () })
    }
}

impl TerminalSession {
    /// Ctrl-Z: gives the terminal back as the shell had it, stops this
    /// process (SIGTSTP, the shell's job control), and when `fg` continues
    /// it, takes the terminal again. The caller redraws everything.
    pub(crate) fn suspend(&mut self) {
        give_back();
        // SAFETY: raising a signal on this process. Without job control (an
        // orphaned process group) the kernel ignores it and this returns.
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        take_again();
    }
}

/// The terminal as the shell had it, for another program (an editor) or
/// the shell itself: the main screen, cooked mode, the cursor shown.
pub(crate) fn give_back() {
    use crossterm::terminal::{LeaveAlternateScreen, disable_raw_mode};
    let _ = crossterm::execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// The terminal as the form has it again (the caller redraws everything).
pub(crate) fn take_again() {
    use crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
    let _ = enable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste
    );
}

impl Drop for TerminalSession {
    fn drop(&mut self) {
        let _ = crossterm::execute!(std::io::stdout(), DisableBracketedPaste);
        // Not `restore()`: its message on failure would panic on a closed terminal.
        let _ = ratatui::try_restore();
    }
}
