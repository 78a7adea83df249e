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

/// The README keeps to what a user needs first and links the rest; every
/// link between the README and `docs/` leads to a file that exists.
#[test]
fn readme_stays_short_and_its_links_to_docs_resolve() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= 250,
        "README has {lines} lines; depth goes to docs/"
    );
    let mut files = vec![(root.to_path_buf(), readme)];
    for e in std::fs::read_dir(root.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push((root.join("docs"), std::fs::read_to_string(&p).unwrap()));
        }
    }
    let mut checked = 0;
    for (dir, text) in &files {
        // Links in the prose: code spans and blocks show Markdown, not links.
        let mut prose = String::new();
        let mut fenced = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                fenced = !fenced;
                continue;
            }
            if !fenced {
                let spans: Vec<&str> = line.split('`').collect();
                prose.extend(spans.iter().step_by(2).copied());
                prose.push('\n');
            }
        }
        for part in prose.split("](").skip(1) {
            let target = &part[..part.find(')').unwrap_or(part.len())];
            let path = target.split('#').next().unwrap();
            if path.is_empty() || path.contains("://") {
                continue;
            }
            assert!(
                dir.join(path).exists(),
                "a link to {target} from {}",
                dir.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} links checked");
    for doc in [
        "guide",
        "reliability",
        "emulator",
        "performance",
        "architecture",
    ] {
        assert!(
            files[0].1.contains(&format!("](docs/{doc}.md)")),
            "README links docs/{doc}.md"
        );
    }
}
