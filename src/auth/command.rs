//! Tokens given from outside: `GRAFT_ACCESS_TOKEN`, or `--token-cmd` (run
//! with `sh -c`, bounded in time and output, killed with whatever it started).

/// A bearer token. Its `Debug` never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(s: impl Into<String>) -> Option<Self> {
        Self::parse(&s.into()).ok()
    }

    /// A token from text: trimmed; refused when empty or with whitespace
    /// or control characters inside (no header could carry it).
    pub(crate) fn parse(s: &str) -> Result<Self, &'static str> {
        let s = s.trim();
        if s.is_empty() {
            return Err("printed nothing");
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("gave a token with whitespace or control characters inside; it is refused");
        }
        Ok(AccessToken(s.to_string()))
    }
    pub(crate) fn secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AccessToken(…)")
    }
}

/// Where the token came from, for messages (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenSource {
    Env,
    Command,
    Demo,
    /// Signed-in tokens from the cache (`graft login` or the form's sign-in).
    SignIn,
    None,
}

impl TokenSource {
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            TokenSource::Env => "GRAFT_ACCESS_TOKEN",
            TokenSource::Command => "--token-cmd",
            TokenSource::Demo => "the demo emulator",
            TokenSource::SignIn => "sign-in (token cache)",
            TokenSource::None => "nowhere",
        }
    }
}

/// Reads the token: `--token-cmd` first, then `GRAFT_ACCESS_TOKEN`.
pub(crate) fn token(
    token_cmd: Option<&str>,
    timeout: std::time::Duration,
) -> Result<(Option<AccessToken>, TokenSource), String> {
    if let Some(cmd) = token_cmd {
        return run_token_cmd(cmd, true, timeout).map(|t| (Some(t), TokenSource::Command));
    }
    match std::env::var("GRAFT_ACCESS_TOKEN") {
        Ok(v) if !v.trim().is_empty() => AccessToken::parse(&v)
            .map(|t| (Some(t), TokenSource::Env))
            .map_err(|why| format!("GRAFT_ACCESS_TOKEN {why}")),
        _ => Ok((None, TokenSource::None)),
    }
}

/// Stops a token command and everything it started (its process group
/// when it has its own; else its descendants, found in `/proc`).
fn stop(child: &mut std::process::Child, interactive: bool) {
    let pid = child.id();
    // SAFETY: signals to the child's group, or to processes found as its
    // descendants a moment ago; at worst a signal to a pid that has exited.
    unsafe {
        if !interactive {
            libc::kill(-(pid as i32), libc::SIGKILL);
        }
        for p in descendants(pid) {
            libc::kill(p as i32, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The processes below `pid` (children, their children…), from `/proc`.
fn descendants(pid: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                .filter_map(|p| {
                    let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
                    // `pid (comm) state ppid …`: comm may hold spaces and parentheses.
                    let after = &stat[stat.rfind(')')? + 1..];
                    let ppid = after.split_whitespace().nth(1)?.parse().ok()?;
                    Some((p, ppid))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        for (c, _) in parents.iter().filter(|(_, pp)| *pp == p) {
            out.push(*c);
            todo.push(*c);
        }
    }
    out
}

/// The most a token command may print: tokens are a few KB.
const TOKEN_CMD_OUTPUT: usize = 64 * 1024;

/// The default limit on a token command's run (`--token-timeout`).
pub const TOKEN_CMD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Runs the token command with `sh -c` and takes its trimmed standard output.
/// `interactive` lets it use the terminal (only before the form is on screen).
/// A command that runs longer than `timeout` is killed; more than 64 KiB of
/// output, or a token with whitespace inside, is refused.
pub(crate) fn run_token_cmd(
    cmd: &str,
    interactive: bool,
    timeout: std::time::Duration,
) -> Result<AccessToken, String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let (stdin, stderr) = if interactive {
        (Stdio::inherit(), Stdio::inherit())
    } else {
        (Stdio::null(), Stdio::null())
    };
    use std::os::unix::process::CommandExt;
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(cmd)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(stderr);
    if !interactive {
        // Its own process group, so whatever it starts is stopped with it.
        command.process_group(0);
    }
    let mut child = command
        .spawn()
        .map_err(|e| format!("--token-cmd could not be started: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("--token-cmd: no output pipe")?;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = (&mut stdout)
            .take(TOKEN_CMD_OUTPUT as u64 + 1)
            .read_to_end(&mut out);
        let _ = tx.send(out);
    });
    let started = std::time::Instant::now();
    let timed_out = || {
        format!(
            "--token-cmd did not finish within {} s and was stopped (--token-timeout sets the limit)",
            timeout.as_secs()
        )
    };
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() < timeout => {
                std::thread::sleep(std::time::Duration::from_millis(5))
            }
            Ok(None) => {
                stop(&mut child, interactive);
                return Err(timed_out());
            }
            Err(e) => return Err(format!("--token-cmd: {e}")),
        }
    };
    // Something it started may still hold its output open: wait no longer
    // than the time left.
    let left = timeout
        .saturating_sub(started.elapsed())
        .max(std::time::Duration::from_millis(200));
    let out = rx.recv_timeout(left).map_err(|_| timed_out())?;
    // Too much output first: reading stops there, which may end the
    // command with a broken pipe.
    if out.len() > TOKEN_CMD_OUTPUT {
        return Err(format!(
            "--token-cmd printed more than {} KiB; a token is a single line",
            TOKEN_CMD_OUTPUT / 1024
        ));
    }
    if !status.success() {
        return Err(format!("--token-cmd failed ({status})"));
    }
    let text = String::from_utf8(out)
        .map_err(|_| "--token-cmd printed something that is not UTF-8".to_string())?;
    AccessToken::parse(&text).map_err(|why| format!("--token-cmd {why}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn token_debug_is_redacted() {
        let t = AccessToken::new("  secret-value \n").unwrap();
        assert_eq!(t.secret(), "secret-value");
        assert!(!format!("{t:?}").contains("secret"));
        assert!(AccessToken::new("  ").is_none());
    }

    use super::*;

    #[test]
    fn token_cmd_output_is_trimmed_and_failures_reported() {
        let t30 = TOKEN_CMD_TIMEOUT;
        let (t, src) = token(Some("printf '  tok-123\\n'"), t30).unwrap();
        assert_eq!(t.unwrap().secret(), "tok-123");
        assert_eq!(src, TokenSource::Command);
        assert!(token(Some("exit 3"), t30).unwrap_err().contains("failed"));
        assert!(token(Some("true"), t30).unwrap_err().contains("nothing"));
        assert!(
            token(Some("printf 'ab cd'"), t30)
                .unwrap_err()
                .contains("whitespace")
        );
        let slow = std::time::Instant::now();
        let e = token(Some("sleep 20"), std::time::Duration::from_millis(300)).unwrap_err();
        assert!(e.contains("did not finish"), "{e}");
        assert!(slow.elapsed() < std::time::Duration::from_secs(5));
        let e = token(Some("head -c 100000 /dev/zero | tr '\\0' a"), t30).unwrap_err();
        assert!(e.contains("more than"), "{e}");
    }
}
