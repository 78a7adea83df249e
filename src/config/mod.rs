//! Settings from flags and the environment, checked before anything starts.

pub(crate) mod args;
mod error;
pub(crate) mod keymap;
pub(crate) mod prefill;
pub(crate) mod session;
pub mod theme;

pub(crate) use error::{Error, exit};

use crate::auth::{AuthConfig, DEFAULT_AUTHORITY, DEFAULT_CLIENT_ID, DEFAULT_TENANT};
use crate::graph::client::is_loopback;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use url::Url;

/// The commented example `graft config init` writes.
pub(crate) const EXAMPLE_CONFIG: &str = include_str!("../../assets/config.example.toml");

pub(crate) const DEFAULT_GRAPH_URL: &str = "https://graph.microsoft.com/v1.0";

/// Accepts https anywhere, and plain http only for loopback hosts.
pub(crate) fn graph_url(s: &str) -> Result<Url, String> {
    checked_url("--graph-url", s)
}

fn checked_url(flag: &str, s: &str) -> Result<Url, String> {
    let url = Url::parse(s.trim()).map_err(|e| format!("{flag} '{s}' is not a URL: {e}"))?;
    let loopback = is_loopback(&url);
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

/// Graph root and sign-in authority of each national cloud.
pub(crate) fn cloud(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "global" => (DEFAULT_GRAPH_URL, DEFAULT_AUTHORITY),
        "usgov" => (
            "https://graph.microsoft.us/v1.0",
            "https://login.microsoftonline.us",
        ),
        "usgov-dod" => (
            "https://dod-graph.microsoft.us/v1.0",
            "https://login.microsoftonline.us",
        ),
        "china" => (
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
            "https://login.chinacloudapi.cn",
        ),
        _ => return None,
    })
}

/// The config file (TOML). Unknown keys are errors, reported with their line.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// The profile used when `--profile` is not given.
    pub(crate) profile: Option<String>,
    #[serde(default)]
    pub(crate) profiles: BTreeMap<String, ProfileConfig>,
    /// Key overrides: `save = ["ctrl-s", "f2"]` replaces the keys of that action.
    #[serde(default)]
    pub(crate) keys: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub(crate) theme: ThemeConfig,
    /// `[checks]`: what a save checks first (a profile may have its own).
    #[serde(default)]
    pub(crate) checks: Option<crate::core::checks::Checks>,
    /// Hunspell dictionaries by name (`["en_US", "de_DE"]`; `[]`: no
    /// spelling). Without it, the language of `$LANG`.
    pub(crate) spell: Option<Vec<String>>,
    /// Folders searched for dictionaries before the usual ones.
    #[serde(default)]
    pub(crate) spell_path: Vec<PathBuf>,
    /// A plain screen (as `--plain`): no box drawing, states in words.
    #[serde(default)]
    pub(crate) plain: bool,
}

/// `[theme]`: a preset and colour overrides for the four roles.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct ThemeConfig {
    /// `default`, `light` or `mono`.
    pub(crate) preset: Option<String>,
    pub(crate) accent: Option<String>,
    pub(crate) ok: Option<String>,
    pub(crate) warn: Option<String>,
    pub(crate) error: Option<String>,
}

impl ThemeConfig {
    /// The theme, or what is wrong (naming the key).
    pub(crate) fn theme(&self) -> Result<crate::config::theme::Theme, String> {
        use crate::config::theme::Theme;
        let mut t = match self.preset.as_deref() {
            None => Theme::default(),
            Some(p) => Theme::preset(p).ok_or_else(|| {
                format!("theme.preset: unknown preset '{p}' (use default, light or mono)")
            })?,
        };
        for (key, value, slot) in [
            ("accent", &self.accent, &mut t.accent),
            ("ok", &self.ok, &mut t.ok),
            ("warn", &self.warn, &mut t.warn),
            ("error", &self.error, &mut t.error),
        ] {
            if let Some(v) = value {
                *slot = Theme::colour(v).ok_or_else(|| {
                    format!("theme.{key}: unknown colour '{v}' (use a name like blue, lightred, darkgray, or #rrggbb)")
                })?;
            }
        }
        Ok(t)
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProfileConfig {
    pub(crate) cloud: Option<String>,
    pub(crate) tenant: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) authority_url: Option<String>,
    pub(crate) graph_url: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) folder: Option<String>,
    /// Appended to new drafts (after `-- `), as text…
    pub(crate) signature: Option<String>,
    /// …or read from this file (`.html`/`.htm` is HTML, `.md` Markdown).
    pub(crate) signature_file: Option<PathBuf>,
    /// `text`, `markdown` or `html`: how the signature is written, when
    /// the file's name does not say.
    pub(crate) signature_format: Option<String>,
    /// Completion and name lookup through Graph's people search (asks for People.Read).
    pub(crate) people_search: Option<bool>,
    /// The mailbox's category list in F3 (asks for MailboxSettings.Read).
    pub(crate) categories: Option<bool>,
    /// The mailbox's largest message, e.g. `"35MB"` or `"150 MB"`; without
    /// it graft asks MailTips (Mail.Read), else assumes Exchange Online's 35 MB.
    pub(crate) max_message_size: Option<String>,
    /// This profile's `[checks]`, in place of the file's.
    pub(crate) checks: Option<crate::core::checks::Checks>,
    /// This profile's dictionaries, in place of the file's `spell`.
    pub(crate) spell: Option<Vec<String>>,
}

/// `35MB`, `150 MB`, `36700160` → bytes (MB here is MiB, as Exchange counts).
pub(crate) fn parse_size(s: &str) -> Option<u64> {
    let t = s.trim().to_ascii_uppercase();
    let (num, mult) = if let Some(n) = t.strip_suffix("GB") {
        (n, 1024 * 1024 * 1024)
    } else if let Some(n) = t.strip_suffix("MB") {
        (n, 1024 * 1024)
    } else if let Some(n) = t.strip_suffix("KB") {
        (n, 1024)
    } else {
        (t.as_str(), 1)
    };
    let n: f64 = num.trim().parse().ok()?;
    (n.is_finite() && n > 0.0).then_some((n * mult as f64) as u64)
}

/// The profile's signature: `signature` (text, or as `signature_format`
/// says) or `signature_file` (its name says the format); pictures with
/// relative paths are beside the file (or the config file).
fn signature(p: &ProfileConfig) -> Result<Option<crate::core::content::Signature>, String> {
    use crate::core::content::BodyFormat;
    let named = |f: &str| match f.to_ascii_lowercase().as_str() {
        "text" | "plain" => Ok(BodyFormat::Text),
        "markdown" | "md" => Ok(BodyFormat::Markdown),
        "html" => Ok(BodyFormat::Html),
        other => Err(format!(
            "signature_format '{other}': use text, markdown or html"
        )),
    };
    let (text, format, base) = match (&p.signature, &p.signature_file) {
        (Some(s), _) => (
            s.clone(),
            BodyFormat::Text,
            config_path().and_then(|c| c.parent().map(PathBuf::from)),
        ),
        (None, Some(path)) => {
            let path = expand_home(path);
            let text = crate::util::fs::read_small(&path, 64 * 1024)
                .map_err(|e| format!("signature_file {}: {e}", path.display()))?;
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            let format = match ext.as_str() {
                "html" | "htm" => BodyFormat::Html,
                "md" | "markdown" => BodyFormat::Markdown,
                _ => BodyFormat::Text,
            };
            (text, format, path.parent().map(PathBuf::from))
        }
        (None, None) => return Ok(None),
    };
    let format = match &p.signature_format {
        Some(f) => named(f)?,
        None => format,
    };
    let text = text.trim_end().to_string();
    if text.is_empty() {
        return Ok(None);
    }
    let text = match base {
        Some(b) => crate::core::inline::with_base(&text, format, &b),
        None => text,
    };
    Ok(Some(crate::core::content::Signature { text, format }))
}

/// `~/` means the home directory, as people write it in settings.
pub(crate) fn expand_home(path: &std::path::Path) -> PathBuf {
    match (path.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// The language of `$LC_ALL`, `$LC_MESSAGES` or `$LANG` as a dictionary
/// name (`de_DE.UTF-8` → `de_DE`); `en_US` for `C`, `POSIX` or none.
pub(crate) fn locale_language() -> String {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .map(|v| v.split(['.', '@']).next().unwrap_or("").to_string())
        .filter(|l| l.len() >= 2 && l != "C" && l != "POSIX")
        .unwrap_or_else(|| "en_US".into())
}

/// Spelling as the config asks (`spell`, else the locale's language),
/// searched for in `spell_path`, then the usual folders; the personal list
/// beside the config file.
pub(crate) fn spell_config(
    languages: Option<Vec<String>>,
    spell_path: &[PathBuf],
) -> crate::store::spelling::SpellConfig {
    let configured = languages.is_some();
    crate::store::spelling::SpellConfig {
        languages: languages.unwrap_or_else(|| vec![locale_language()]),
        configured,
        dirs: crate::store::spelling::search_dirs(
            &spell_path
                .iter()
                .map(|p| expand_home(p))
                .collect::<Vec<_>>(),
            dirs::data_dir(),
        ),
        words: config_path().and_then(|p| p.parent().map(|d| d.join("words.txt"))),
        index: dirs::cache_dir().map(|d| d.join("graft").join("spell")),
    }
}

/// Where templates are kept: `templates/` beside the config file.
pub(crate) fn templates_dir() -> Option<PathBuf> {
    config_path().and_then(|p| p.parent().map(|d| d.join("templates")))
}

/// `$GRAFT_CONFIG`, else `~/.config/graft/config.toml`.
pub(crate) fn config_path() -> Option<PathBuf> {
    std::env::var_os("GRAFT_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("graft").join("config.toml")))
}

/// Reads the config file; a missing file is an empty config.
pub(crate) fn load_file(path: Option<&std::path::Path>) -> Result<FileConfig, String> {
    let Some(path) = path else {
        return Ok(FileConfig::default());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileConfig::default()),
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The config's `[keys]` over the built-in keys: an error names its line.
fn check_keys(text: &str, cfg: &FileConfig) -> Result<(), String> {
    crate::config::keymap::Keymap::defaults()
        .with_overrides(&cfg.keys)
        .map_err(|e| {
            // Name the line of the key that is wrong, like the parser does.
            let name = e
                .strip_prefix("[keys] ")
                .and_then(|r| r.split(':').next())
                .unwrap_or("");
            let line = text.lines().position(|l| {
                let l = l.trim_start().trim_start_matches('"');
                l.starts_with(name) && l.contains('=')
            });
            match line {
                Some(n) if !name.is_empty() => format!("line {}: {e}", n + 1),
                _ => e,
            }
        })
        .map(drop)
}

pub fn parse_file(text: &str) -> Result<FileConfig, String> {
    let cfg: FileConfig = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        match line {
            Some(l) => format!("line {l}: {}", e.message()),
            None => e.message().to_string(),
        }
    })?;
    // `[keys]` is checked here, where its lines are known; with none, the
    // built-in keys are the session's own (read once, when the form starts).
    if !cfg.keys.is_empty() {
        check_keys(text, &cfg)?;
    }
    cfg.theme.theme().map_err(|e| {
        let key = e
            .split(':')
            .next()
            .unwrap_or("")
            .trim_start_matches("theme.");
        // Name the line, like the parser's own errors.
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(key) && l.contains('='))
            .map(|i| format!("line {}: ", i + 1))
            .unwrap_or_default();
        format!("{line}{e}")
    })?;
    for (name, p) in &cfg.profiles {
        if let Some(c) = &p.cloud {
            if cloud(c).is_none() {
                return Err(format!(
                    "profile '{name}': unknown cloud '{c}' (use global, usgov, usgov-dod or china)"
                ));
            }
        }
        if let Some(m) = &p.max_message_size {
            if parse_size(m).is_none() {
                return Err(format!(
                    "profile '{name}': max_message_size '{m}' is not a size (write it like \"35MB\")"
                ));
            }
        }
    }
    Ok(cfg)
}

/// Everything the flags, environment, config file and defaults decide, in that order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) profile: String,
    /// `global`, `usgov`, `usgov-dod` or `china`.
    pub(crate) cloud: String,
    pub(crate) graph_url: Url,
    pub(crate) auth: AuthConfig,
    /// What the profile turns on (and so asks permission for).
    pub(crate) features: crate::auth::Features,
    /// The mailbox's message size limit, when the profile says it.
    pub(crate) max_message_size: Option<u64>,
    pub(crate) user: Option<String>,
    pub(crate) folder: Option<String>,
    /// The profile's signature, if it has one.
    pub(crate) signature: Option<crate::core::content::Signature>,
    /// Key overrides from the config file.
    pub(crate) keys: BTreeMap<String, Vec<String>>,
    /// Colours from the config file.
    pub(crate) theme: ThemeConfig,
    /// A plain screen (`plain = true`).
    pub(crate) plain: bool,
    /// What a save checks first.
    pub(crate) checks: crate::core::checks::Checks,
    /// Which dictionaries, where to find them, the personal word list.
    pub(crate) spell: crate::store::spelling::SpellConfig,
}

impl Settings {
    /// Why signing in cannot work as configured, before anything is tried.
    /// The default client id is Microsoft's "Microsoft Graph Command Line
    /// Tools" app, which does not exist in the China cloud operated by
    /// 21Vianet: sign-in there fails with AADSTS700016 ("Apps don't replicate
    /// to China cloud": msgraph-sdk-powershell issues 1032 and 1735).
    pub(crate) fn sign_in_problem(&self) -> Option<String> {
        (self.cloud == "china" && self.auth.client_id == DEFAULT_CLIENT_ID).then(|| {
            format!(
                "the default client id ({DEFAULT_CLIENT_ID}, Microsoft Graph Command Line Tools) is not registered in the China cloud (21Vianet), so sign-in there fails (AADSTS700016). Register a public client app in the Azure portal for China (portal.azure.cn: App registrations, allow public client flows, delegated Mail.ReadWrite), then pass --client-id <its id> (or client_id = \"…\" in the profile)."
            )
        })
    }
}

/// Flags (clap already put the environment under them) > config profile > cloud preset > defaults.
// Long by design: each setting from flag, environment, profile, file, in
// that order of precedence, one after another.
pub(crate) fn resolve(
    cli: &crate::config::args::Cli,
    file: &FileConfig,
) -> Result<Settings, String> {
    let profile = cli
        .profile
        .clone()
        .or_else(|| file.profile.clone())
        .unwrap_or_else(|| "default".to_string());
    let p = match file.profiles.get(&profile) {
        Some(p) => p.clone(),
        // A profile the file does not have is taken as a typo, unless
        // --graph-url says where it is for (a server of its own, as the
        // emulator: its tokens are kept under that name and root).
        None if cli.profile.is_some() || file.profile.is_some() => {
            if profile != "default" && !file.profiles.is_empty() && cli.graph_url.is_none() {
                return Err(format!(
                    "no profile '{profile}' in the config file (profiles: {}); with --graph-url, a profile of that name is made for that server",
                    file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                ));
            }
            ProfileConfig::default()
        }
        None => ProfileConfig::default(),
    };
    let cloud_name = cli
        .cloud
        .clone()
        .or(p.cloud.clone())
        .unwrap_or_else(|| "global".into());
    let (cloud_graph, cloud_authority) =
        cloud(&cloud_name).ok_or_else(|| format!("unknown cloud '{cloud_name}'"))?;
    let graph = cli
        .graph_url
        .clone()
        .or(p.graph_url.clone())
        .unwrap_or_else(|| cloud_graph.to_string());
    let graph_url = checked_url("--graph-url", &graph)?;
    let authority = cli
        .authority_url
        .clone()
        .or(p.authority_url.clone())
        .unwrap_or_else(|| cloud_authority.to_string());
    let authority = checked_url("--authority-url", &authority)?;
    let user = cli.user.clone().or(p.user.clone());
    let features = crate::auth::Features {
        people_search: p.people_search.unwrap_or(true),
        categories: p.categories.unwrap_or(true),
        mail_tips: p.max_message_size.is_none(),
        shared_mailbox: user.is_some(),
    };
    let auth = AuthConfig {
        scopes: AuthConfig::scopes_with(&graph_url, &features),
        authority,
        tenant: cli
            .tenant
            .clone()
            .or(p.tenant.clone())
            .unwrap_or_else(|| DEFAULT_TENANT.into()),
        client_id: cli
            .client_id
            .clone()
            .or(p.client_id.clone())
            .unwrap_or_else(|| DEFAULT_CLIENT_ID.into()),
    };
    let checks = p.checks.clone().or(file.checks.clone()).unwrap_or_default();
    let spell = spell_config(p.spell.clone().or(file.spell.clone()), &file.spell_path);
    Ok(Settings {
        checks,
        spell,
        profile,
        cloud: cloud_name,
        graph_url,
        auth,
        features,
        max_message_size: p.max_message_size.as_deref().and_then(parse_size),
        signature: signature(&p)?,
        user,
        folder: cli.folder.clone().or(p.folder),
        keys: file.keys.clone(),
        theme: file.theme.clone(),
        plain: file.plain,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A misspelt action in [keys] names its line and the action meant.
    #[test]
    fn an_unknown_key_action_names_its_line_and_the_nearest_action() {
        let e = parse_file("# mine\n[keys]\nsaev = [\"f2\"]\n").unwrap_err();
        assert_eq!(
            e,
            "line 3: [keys] saev: no such action (did you mean save?)"
        );
        let e = parse_file("[keys]\nqiut = [\"f10\"]\n").unwrap_err();
        assert!(e.contains("did you mean quit?"), "{e}");
        let e = parse_file("[keys]\nlaunch_rockets = [\"f10\"]\n").unwrap_err();
        assert_eq!(e, "line 2: [keys] launch_rockets: no such action");
    }

    #[test]
    fn theme_presets_overrides_and_errors_with_lines() {
        use ratatui::style::Color;
        let cfg = parse_file("[theme]\npreset = \"light\"\nok = \"lightgreen\"\n").unwrap();
        let t = cfg.theme.theme().unwrap();
        assert_eq!(
            (t.accent, t.warn, t.ok),
            (Color::Blue, Color::Magenta, Color::LightGreen)
        );
        let e = parse_file("# x\n[theme]\naccent = \"blu\"\n").unwrap_err();
        assert!(
            e.starts_with("line 3: theme.accent: unknown colour 'blu'"),
            "{e}"
        );
        let e = parse_file("[theme]\npreset = \"neon\"\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("unknown preset"), "{e}");
        let e = parse_file("[theme]\nbackground = \"red\"\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        assert!(parse_file(EXAMPLE_CONFIG).is_ok());
    }

    /// Every setting of `graft config init`'s file, uncommented where it
    /// stands, is read as the setting it is: top-level keys come before
    /// any table, so none lands in the table above it.
    #[test]
    fn the_example_config_uncommented_in_place_is_valid() {
        let setting = |l: &str| {
            let t = l.trim_start_matches("# ");
            l.starts_with("# ")
                && (t.starts_with('[')
                    || t.split_once(" = ").is_some_and(|(k, _)| {
                        !k.is_empty()
                            && k.chars()
                                .all(|c| c.is_ascii_alphanumeric() || "_\".\"".contains(c))
                    }))
        };
        let all: String = EXAMPLE_CONFIG
            .lines()
            .map(|l| if setting(l) { &l[2..] } else { l })
            .map(|l| format!("{l}\n"))
            .collect();
        // One of signature / signature_file at a time.
        let all = all.replace("\nsignature_file = ", "\n# signature_file = ");
        if let Err(e) = parse_file(&all) {
            panic!("{e}\n{all}");
        }
        let top = parse_file(&all).unwrap();
        assert!(
            top.spell.is_some() && top.plain,
            "spell and plain are top-level"
        );
    }

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

    fn cli(args: &[&str]) -> crate::config::args::Cli {
        use clap::Parser;
        let mut all = vec!["graft"];
        all.extend_from_slice(args);
        crate::config::args::Cli::try_parse_from(all).unwrap()
    }

    #[test]
    fn precedence_flags_then_profile_then_cloud_then_defaults() {
        let file = parse_file(
            r#"
profile = "gov"
[profiles.gov]
cloud = "usgov"
tenant = "contoso.onmicrosoft.us"
user = "shared@contoso.us"
[profiles.work]
client_id = "11111111-2222-3333-4444-555555555555"
folder = "drafts"
signature = "Dana Park\nContoso\n"
"#,
        )
        .unwrap();
        let s = resolve(&cli(&[]), &file).unwrap();
        assert_eq!(s.profile, "gov");
        assert_eq!(s.graph_url.as_str(), "https://graph.microsoft.us/v1.0");
        assert_eq!(
            s.auth.authority.as_str(),
            "https://login.microsoftonline.us/"
        );
        assert_eq!(s.auth.tenant, "contoso.onmicrosoft.us");
        assert_eq!(s.auth.client_id, DEFAULT_CLIENT_ID);
        assert!(
            s.auth
                .scopes
                .contains("https://graph.microsoft.us/Mail.ReadWrite")
        );
        assert_eq!(s.user.as_deref(), Some("shared@contoso.us"));

        let s = resolve(
            &cli(&["--profile", "work", "--tenant", "fabrikam.com"]),
            &file,
        )
        .unwrap();
        assert_eq!(s.graph_url.as_str(), "https://graph.microsoft.com/v1.0");
        assert_eq!(s.auth.tenant, "fabrikam.com", "a flag beats the profile");
        assert_eq!(s.auth.client_id, "11111111-2222-3333-4444-555555555555");
        assert_eq!(s.folder.as_deref(), Some("drafts"));
        assert_eq!(
            s.signature.as_ref().map(|s| s.text.as_str()),
            Some("Dana Park\nContoso")
        );

        let s = resolve(&cli(&["--cloud", "china", "--profile", "work"]), &file).unwrap();
        assert_eq!(s.auth.authority.host_str(), Some("login.chinacloudapi.cn"));

        assert!(
            resolve(&cli(&["--profile", "nope"]), &file)
                .unwrap_err()
                .contains("no profile 'nope'")
        );
        // docs/emulator.md's sign-in: a profile of its own for that server,
        // though the file has others.
        let emu = resolve(
            &cli(&[
                "--profile",
                "emulator",
                "--graph-url",
                "http://127.0.0.1:8080/v1.0",
                "--authority-url",
                "http://127.0.0.1:8080",
            ]),
            &file,
        )
        .unwrap();
        assert_eq!(emu.graph_url.as_str(), "http://127.0.0.1:8080/v1.0");
        assert_eq!(emu.profile, "emulator");
        assert!(
            resolve(
                &cli(&["--authority-url", "http://login.example.com"]),
                &file
            )
            .is_err()
        );
    }

    #[test]
    fn config_errors_name_the_line() {
        let e = parse_file("[profiles.a]\ntenant = \"x\"\ncolour = \"red\"\n").unwrap_err();
        assert!(e.contains("line 3") && e.contains("colour"), "{e}");
        let e = parse_file("[profiles.a]\ncloud = \"mars\"\n").unwrap_err();
        assert!(e.contains("mars"), "{e}");
        let e = parse_file("profile = \n").unwrap_err();
        assert!(e.contains("line 1"), "{e}");
        assert!(parse_file("").is_ok());
    }
}
