//! Settings from flags and the environment, checked before anything starts.

use crate::graph::AccessToken;
use std::net::IpAddr;
use url::Url;

pub const DEFAULT_GRAPH_URL: &str = "https://graph.microsoft.com/v1.0";

/// Accepts https anywhere, and plain http only for loopback hosts.
pub fn graph_url(s: &str) -> Result<Url, String> {
    let url = Url::parse(s.trim()).map_err(|e| format!("--graph-url '{s}' is not a URL: {e}"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        "http" => Err(format!(
            "--graph-url '{s}': plain http is only allowed for loopback hosts (127.0.0.1, ::1, localhost); use https"
        )),
        other => Err(format!(
            "--graph-url '{s}': unsupported scheme '{other}'; use https"
        )),
    }
}

/// Where the token came from, for messages (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenSource {
    Env,
    Command,
    Demo,
    None,
}

/// Reads the token: `--token-cmd` first, then `GRAFT_ACCESS_TOKEN`.
pub fn token(token_cmd: Option<&str>) -> Result<(Option<AccessToken>, TokenSource), String> {
    if let Some(cmd) = token_cmd {
        return run_token_cmd(cmd, true).map(|t| (Some(t), TokenSource::Command));
    }
    match std::env::var("GRAFT_ACCESS_TOKEN")
        .ok()
        .and_then(AccessToken::new)
    {
        Some(t) => Ok((Some(t), TokenSource::Env)),
        None => Ok((None, TokenSource::None)),
    }
}

/// Runs the token command with `sh -c` and takes its trimmed standard output.
/// `interactive` lets it use the terminal (only before the form is on screen).
pub fn run_token_cmd(cmd: &str, interactive: bool) -> Result<AccessToken, String> {
    use std::process::{Command, Stdio};
    let (stdin, stderr) = if interactive {
        (Stdio::inherit(), Stdio::inherit())
    } else {
        (Stdio::null(), Stdio::null())
    };
    let out = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(stdin)
        .stderr(stderr)
        .output()
        .map_err(|e| format!("--token-cmd could not be started: {e}"))?;
    if !out.status.success() {
        return Err(format!("--token-cmd failed ({})", out.status));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| "--token-cmd printed something that is not UTF-8".to_string())?;
    AccessToken::new(text).ok_or_else(|| "--token-cmd printed nothing".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_url_rules() {
        assert!(graph_url("https://graph.microsoft.com/v1.0").is_ok());
        assert!(graph_url("http://127.0.0.1:8080/v1.0").is_ok());
        assert!(graph_url("http://127.8.0.1/v1.0").is_ok());
        assert!(graph_url("http://[::1]:9/v1.0").is_ok());
        assert!(graph_url("http://localhost:9/v1.0").is_ok());
        let e = graph_url("http://graph.example.com/v1.0").unwrap_err();
        assert!(e.contains("loopback"), "{e}");
        assert!(graph_url("http://10.0.0.1/v1.0").is_err());
        assert!(graph_url("ftp://x/v1.0").is_err());
        assert!(graph_url("not a url").is_err());
    }

    #[test]
    fn token_cmd_output_is_trimmed_and_failures_reported() {
        let (t, src) = token(Some("printf '  tok-123\\n'")).unwrap();
        assert_eq!(t.unwrap().secret(), "tok-123");
        assert_eq!(src, TokenSource::Command);
        assert!(token(Some("exit 3")).unwrap_err().contains("failed"));
        assert!(token(Some("true")).unwrap_err().contains("nothing"));
    }
}
