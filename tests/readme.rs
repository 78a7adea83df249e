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
