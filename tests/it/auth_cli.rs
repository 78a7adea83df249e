//! `graft login`, `whoami`, `logout` and a signed-in `graft draft`, run as a user
//! runs them, against the emulator's identity platform: with the 0600 file, and
//! with the secret service (through a stand-in `secret-tool`).

use crate::common;

use graft_emulator::{Emulator, EmulatorConfig};
use std::path::Path;
use std::process::{Output, Stdio};

fn graft(emu: &Emulator, state: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = common::graft_command();
    cmd.args(args)
        .args([
            "--graph-url",
            &emu.graph_url(),
            "--authority-url",
            &emu.authority_url(),
        ])
        .env_remove("GRAFT_ACCESS_TOKEN")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("GRAFT_STATE_DIR", state)
        .env("GRAFT_CONFIG", state.join("none.toml"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// login → whoami → draft → logout → whoami, checking what each says.
fn session(emu: &Emulator, state: &Path, env: &[(&str, &str)]) -> (String, String) {
    let o = graft(emu, state, env, &["login"]);
    let login = text(&o);
    assert_eq!(o.status.code(), Some(0), "{login}");
    assert!(
        login.contains("https://microsoft.com/devicelogin"),
        "{login}"
    );
    assert!(
        login.contains("Signed in as adele.vance@contoso.onmicrosoft.com"),
        "{login}"
    );
    let o = graft(emu, state, env, &["whoami"]);
    let who = text(&o);
    assert_eq!(o.status.code(), Some(0), "{who}");
    assert!(
        who.contains("account      adele.vance@contoso.onmicrosoft.com"),
        "{who}"
    );
    assert!(who.contains("expires"), "{who}");
    let o = graft(
        emu,
        state,
        env,
        &[
            "draft",
            "--to",
            "a@contoso.com",
            "--subject",
            "signed in",
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = graft(emu, state, env, &["logout"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o).contains("Signed out of profile default"),
        "{}",
        text(&o)
    );
    let o = graft(emu, state, env, &["whoami"]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    (login, who)
}

#[test]
fn login_whoami_draft_logout_with_the_private_file() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // The profile keeps one store per Graph root: this one is the emulator's.
    let file = dir
        .path()
        .join("tokens")
        .join(format!("{}.json", store_name(&emu)));
    // The first sign-in says where the tokens are, once.
    let o = graft(
        &emu,
        dir.path(),
        &[("GRAFT_TOKEN_STORE", "file")],
        &["login"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "Tokens are kept in {} (file, mode 0600), readable only by you",
            file.display()
        )),
        "{}",
        text(&o)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let (login, who) = session(&emu, dir.path(), &[("GRAFT_TOKEN_STORE", "file")]);
    assert!(
        !login.contains("Tokens are kept"),
        "the notice is one-time: {login}"
    );
    assert!(
        who.contains(&format!(
            "tokens       {} (file, mode 0600)",
            file.display()
        )),
        "{who}"
    );
    assert!(!file.exists(), "logout removed the file");
    assert_eq!(emu.messages().len(), 1);
}

#[test]
fn login_uses_the_secret_service_when_one_is_reachable() {
    let emu = Emulator::start(EmulatorConfig::default()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let keyring = dir.path().join("keyring");
    std::fs::create_dir(&keyring).unwrap();
    // A stand-in for libsecret's secret-tool: store/lookup/clear in one file,
    // and every argv written down.
    let tool = dir.path().join("secret-tool");
    std::fs::write(
        &tool,
        format!(
            "#!/bin/sh\nd='{}'\necho \"$@\" >> \"$d/argv.log\"\ncmd=$1\ncase \"$cmd\" in\n  store) cat > \"$d/secret.json\" ;;\n  lookup) [ -f \"$d/secret.json\" ] && cat \"$d/secret.json\" || exit 1 ;;\n  clear) rm -f \"$d/secret.json\" ;;\nesac\n",
            keyring.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tool, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let env = [("GRAFT_SECRET_TOOL", tool.to_str().unwrap())];
    let o = graft(&emu, dir.path(), &env, &["login"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("the secret service"), "{}", text(&o));
    let secret = std::fs::read_to_string(keyring.join("secret.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&secret).unwrap();
    let access = v["access_token"].as_str().unwrap().to_string();
    let refresh = v["refresh_token"].as_str().unwrap().to_string();
    assert!(
        !dir.path()
            .join("tokens")
            .join(format!("{}.json", store_name(&emu)))
            .exists(),
        "no file copy"
    );
    let (_, who) = session(&emu, dir.path(), &env);
    assert!(
        who.contains(&format!(
            "the secret service (secret-tool: service graft, profile {})",
            keyring_name(&emu)
        )),
        "{who}"
    );
    assert!(!keyring.join("secret.json").exists(), "logout cleared it");
    let argv = std::fs::read_to_string(keyring.join("argv.log")).unwrap();
    assert!(
        argv.contains(&format!(
            "store --label graft tokens ({0}) service graft profile {0}",
            keyring_name(&emu)
        )),
        "{argv}"
    );
    assert!(
        !argv.contains(&access) && !argv.contains(&refresh),
        "tokens never in argv"
    );
}

/// The default profile's token store for this emulator's Graph root.
fn keyring_name(emu: &Emulator) -> String {
    let root = url::Url::parse(&emu.graph_url()).unwrap();
    format!("default@127.0.0.1_{}", root.port().unwrap())
}

fn store_name(emu: &Emulator) -> String {
    graft::util::fs::file_name_for(&keyring_name(emu))
}

/// Exit codes as the README says: `graft login` with the identity service
/// out of reach is a network failure (5), not a refused sign-in (3).
#[test]
fn login_without_network_exits_5() {
    let state = tempfile::tempdir().unwrap();
    let o = common::graft_command()
        .args([
            "login",
            "--graph-url",
            "http://127.0.0.1:1/v1.0",
            "--authority-url",
            "http://127.0.0.1:1",
        ])
        .env_remove("GRAFT_ACCESS_TOKEN")
        .env("GRAFT_STATE_DIR", state.path())
        .env("GRAFT_CONFIG", state.path().join("none.toml"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(5), "{}", text(&o));
    assert!(text(&o).contains("Could not reach the identity service"));
}
