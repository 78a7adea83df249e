//! The README's key table is generated from the keymap; this keeps them in step.

use graft::tui::app::Keymap;

#[test]
fn readme_key_table_matches_the_keymap() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = "<!-- keys:start -->\n";
    let end = "<!-- keys:end -->";
    let a = readme
        .find(start)
        .expect("README has the keys:start marker")
        + start.len();
    let b = readme.find(end).expect("README has the keys:end marker");
    let expected = Keymap::defaults().markdown_table();
    assert_eq!(
        &readme[a..b],
        expected,
        "README key table is stale; replace it with:\n{expected}"
    );
}

#[test]
fn readme_gives_the_two_fresh_machine_commands() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains("cargo run --release -- --demo"));
    assert!(readme.contains("cargo test"));
}

#[test]
fn readme_names_every_action_the_keys_section_can_bind() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let keymap =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/keymap.toml"))
            .unwrap();
    let start = readme
        .find("Action names:")
        .expect("README lists the action names");
    let list = &readme[start..start + readme[start..].find(". A dialog").unwrap()];
    let mut bound: Vec<&str> = Vec::new();
    let mut in_binding = false;
    for line in keymap.lines() {
        if line.starts_with("[[") {
            in_binding = line == "[[binding]]";
        }
        if in_binding && let Some(name) = line.strip_prefix("action = ") {
            bound.push(name.trim_matches('"'));
        }
    }
    assert!(bound.len() > 10, "{bound:?}");
    for action in bound {
        assert!(
            list.contains(&format!("`{action}`")),
            "README's action list lacks `{action}`: {list}"
        );
    }
}
