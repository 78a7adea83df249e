//! The layers of `src/` point one way (the picture is in `src/lib.rs`):
//!
//! ```text
//! main → entry → {cli, tui} → {service, terminal, config} → {graph, auth, store} → core → util
//! ```
//!
//! A file may use its own top-level module, and modules on its layer or
//! below; never one above. Modules on one layer form no cycle. Every
//! `crate::` path must name a module of the picture, so a re-export cannot
//! smuggle an upward import in. The emulator is a crate apart
//! (`emulator/`): it depends on nothing of graft, and only the demo's
//! wiring (`config`) and `graft emulator` (`cli`) use it. Inside the
//! modules, no import circle spans more than two files (a file and the one
//! it extends): `no_import_circle_spans_more_than_two_files`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Each top-level module and its layer (0 is the bottom).
const LAYERS: &[(&str, u8)] = &[
    ("util", 0),
    ("core", 1),
    ("graph", 2),
    ("auth", 2),
    ("store", 2),
    ("service", 3),
    ("terminal", 3),
    ("config", 3),
    ("cli", 4),
    ("tui", 4),
    ("entry", 5),
    ("main", 6),
];

/// The front ends: each uses the layers below, neither the other.
const FRONT_ENDS: [&str; 2] = ["cli", "tui"];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The module path of a file under `src/`: `tui/app/model.rs` is
/// `["tui", "app", "model"]`, `tui/app/mod.rs` is `["tui", "app"]`.
fn module_path(rel: &str) -> Vec<String> {
    let rel = rel.trim_end_matches(".rs");
    let mut parts: Vec<String> = rel.split('/').map(str::to_string).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// Code without comments (doc links name modules without using them).
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines().enumerate().filter_map(|(i, l)| {
        let code = match l.find("//") {
            // A `//` inside a string (a URL) is rare in paths; cut at the
            // first one that starts the line or follows code.
            Some(at) if !l[..at].contains('"') => &l[..at],
            Some(_) | None => l,
        };
        (!code.trim().is_empty()).then_some((i + 1, code))
    })
}

/// The top-level modules a line uses: `crate::x`, `crate::{x, y}`, and
/// `super::` chains that climb to the crate root. `root` is `graft` for the
/// binary.
fn uses(line: &str, path: &[String], root: &str) -> Vec<String> {
    let mut found = Vec::new();
    let bytes = line.as_bytes();
    let prefix = format!("{root}::");
    let mut at = 0;
    while let Some(i) = line[at..].find(&prefix) {
        let start = at + i;
        at = start + prefix.len();
        let boundary =
            start == 0 || !(bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_');
        if !boundary || (start >= 2 && &line[start - 2..start] == "::") {
            continue;
        }
        let rest = &line[at..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    found.push(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    // `super::super::x` from `a/b/c.rs` (module a::b::c) reaches `a`, not the root;
    // only a chain as long as the path climbs out to another top module.
    if root == "crate" {
        let depth = path.len();
        let mut search = 0;
        while let Some(i) = line[search..].find("super::") {
            let start = search + i;
            let mut n = 0;
            let mut j = start;
            while line[j..].starts_with("super::") {
                n += 1;
                j += "super::".len();
            }
            search = j;
            if n >= depth {
                let name: String = line[j..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        }
    }
    found
}

/// Modules that do no I/O: the domain, and the form's `update` side.
const PURE: &[&str] = &["core/", "tui/app/"];

/// What doing I/O looks like in a line of code.
const IO: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env",
    "std::thread",
    "tokio",
    "reqwest",
    "dirs::",
];

/// Everything wrong with these files (path under `src/`, text).
fn violations(files: &[(String, String)]) -> Vec<String> {
    let mut bad = Vec::new();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in files {
        if rel == "lib.rs" {
            continue;
        }
        let path = module_path(rel);
        let (me, root) = if rel == "main.rs" {
            ("main".to_string(), "graft")
        } else {
            (path[0].clone(), "crate")
        };
        let Some(my_layer) = layer(&me) else {
            bad.push(format!(
                "src/{rel}: module `{me}` is not in the layer picture"
            ));
            continue;
        };
        let pure = PURE.iter().any(|p| rel.starts_with(p));
        for (n, line) in code_lines(text) {
            if pure && let Some(io) = IO.iter().find(|io| line.contains(*io)) {
                bad.push(format!(
                    "src/{rel}:{n}: `{io}` in a module that does no I/O"
                ));
            }
            for used in uses(line, &path, root) {
                if used == me {
                    continue;
                }
                let Some(their_layer) = layer(&used) else {
                    bad.push(format!(
                        "src/{rel}:{n}: `{root}::{used}` is not a module of the layer picture"
                    ));
                    continue;
                };
                // The two front ends share through the layers below, never
                // through each other.
                if FRONT_ENDS.contains(&me.as_str()) && FRONT_ENDS.contains(&used.as_str()) {
                    bad.push(format!(
                        "src/{rel}:{n}: the front end `{me}` uses the other front end `{used}`"
                    ));
                }
                if their_layer > my_layer {
                    bad.push(format!(
                        "src/{rel}:{n}: `{me}` (layer {my_layer}) uses `{used}` (layer {their_layer}), which is above it"
                    ));
                }
                edges.entry(me.clone()).or_default().insert(used);
            }
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        bad.push(format!("modules in a cycle: {}", cycle.join(" → ")));
    }
    bad
}

fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        n: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == n) {
            let mut c = stack[i..].to_vec();
            c.push(n.to_string());
            return Some(c);
        }
        if done.contains(n) {
            return None;
        }
        stack.push(n.to_string());
        for m in edges.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, edges, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(n.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for n in edges.keys() {
        if let Some(c) = visit(n, edges, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

fn source_files(dir: &Path, base: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            source_files(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            let rel = p
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, std::fs::read_to_string(&p).unwrap()));
        }
    }
}

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    assert!(files.len() > 40, "read the sources: {}", files.len());
    let bad = violations(&files);
    assert!(
        bad.is_empty(),
        "{} upward imports or cycles:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_picture_in_lib_rs_is_the_one_checked() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    assert!(
        lib.contains(
            "main → entry → {cli, tui} → {service, terminal, config} → {graph, auth, store} → core → util"
        ),
        "src/lib.rs draws the layers"
    );
    for (m, _) in LAYERS.iter().filter(|(m, _)| *m != "main") {
        assert!(
            lib.contains(&format!("pub mod {m};")),
            "lib.rs declares {m}"
        );
    }
}

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect()
}

#[test]
fn an_upward_import_is_caught() {
    let ok = files(&[
        ("core/address.rs", "use crate::util::sanitize;\n"),
        (
            "tui/app/model.rs",
            "use crate::core::address::Address;\nuse super::keymap::Keymap;\n",
        ),
        ("tui/view/form.rs", "use crate::tui::app::Model;\n"),
        ("main.rs", "use graft::tui::app::Model;\n"),
    ]);
    assert_eq!(violations(&ok), Vec::<String>::new());

    let up = files(&[("core/address.rs", "use crate::tui::app::Model;\n")]);
    let bad = violations(&up);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(
        bad[0].contains("core/address.rs:1") && bad[0].contains("above"),
        "{bad:?}"
    );

    // In braces, through `super::` out of the module, or in the binary.
    let sneaky = files(&[
        ("store/journal.rs", "use crate::{util, config};\n"),
        ("graph/client.rs", "fn f() { super::super::tui::run(); }\n"),
        (
            "util/fs.rs",
            "let x = crate::core::attach::MAX; // crate::tui in a comment is fine\n",
        ),
    ]);
    let bad = violations(&sneaky);
    assert_eq!(bad.len(), 3, "{bad:?}");

    // Same layer is fine; a cycle on it is not.
    let cycle = files(&[
        ("graph/client.rs", "use crate::auth::Credentials;\n"),
        ("auth/mod.rs", "use crate::graph::GraphClient;\n"),
    ]);
    let bad = violations(&cycle);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].contains("cycle"), "{bad:?}");

    // One front end never reaches into the other.
    let fronts = files(&[("cli/login.rs", "use crate::tui::run::hyperlink;\n")]);
    let bad = violations(&fronts);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].contains("other front end"), "{bad:?}");

    // A re-export at the root cannot stand in for a real module; the
    // emulator uses nothing of graft.
    let other = files(&[
        ("tui/run.rs", "use crate::app::Model;\n"),
        ("emulator/mod.rs", "use crate::core::address::Address;\n"),
    ]);
    assert_eq!(violations(&other).len(), 2);

    // The domain and `update` do no I/O.
    let io = files(&[
        ("core/attach.rs", "let m = std::fs::metadata(p);\n"),
        ("tui/app/save.rs", "tokio::spawn(async {});\n"),
        ("tui/run.rs", "tokio::spawn(async {});\n"),
    ]);
    let bad = violations(&io);
    assert_eq!(bad.len(), 2, "{bad:?}");
}

/// Tests never touch the developer's real home: every test that starts
/// graft does so through `common::graft_command` or the pty helpers, which
/// give it a home, XDG directories and state of its own.
#[test]
fn every_test_starts_graft_with_a_home_of_its_own() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it");
    let mut bad = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        // The helpers themselves (`common.rs`) are where the home is made.
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("common.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("Command::new(env!(\"CARGO_BIN_EXE_graft\")") {
                bad.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "graft started without its own home (use common::graft_command): {bad:?}"
    );
}

/// The Graph calls that write a draft or its files: only the one save path
/// (`service::save`, and the merge engine in `service::batch`) makes them.
const WRITES: &[&str] = &[
    ".create_draft(",
    ".create_draft_as(",
    ".create_answer(",
    ".update_draft(",
    ".update_draft_as(",
    ".add_attachment(",
    "upload::attach_pending(",
    "upload::upload_file(",
    "upload::detach",
    "attach_pending(",
];

/// Where a line of a front end (`cli/`, `tui/`, `main.rs`) calls one of
/// [`WRITES`].
fn front_end_writes(files: &[(String, String)]) -> Vec<String> {
    let mut bad = Vec::new();
    for (rel, text) in files {
        let front = rel == "main.rs"
            || rel == "entry.rs"
            || FRONT_ENDS.iter().any(|f| rel.starts_with(&format!("{f}/")));
        if !front {
            continue;
        }
        for (n, line) in code_lines(text) {
            if let Some(w) = WRITES.iter().find(|w| line.contains(*w)) {
                bad.push(format!("{rel}:{n}: {}", w.trim_matches(['.', '('])));
            }
        }
    }
    bad
}

/// Every front end saves through the one save path: none calls Graph's
/// create, `create*`, update or upload functions itself.
#[test]
fn front_ends_never_write_to_graph_themselves() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    source_files(&src, &src, &mut all);
    let bad = front_end_writes(&all);
    assert!(
        bad.is_empty(),
        "a front end writes to Graph outside service::save: {bad:?}"
    );
    // And the check sees one when there is one.
    let caught = front_end_writes(&files(&[
        (
            "cli/draft.rs",
            "let s = client.create_draft(&body).await;\n",
        ),
        (
            "tui/effects/mail.rs",
            "graph::upload::attach_pending(&c, &id, &f, &d, false, &mut p)\n",
        ),
        (
            "service/save.rs",
            "client.create_draft_as(body, attempt).await\n",
        ),
    ]));
    assert_eq!(caught.len(), 2, "{caught:?}");
}

/// The emulator is its own crate: no dependency on graft (so no shared
/// types), and inside graft only the demo's wiring and `graft emulator` use it.
#[test]
fn the_emulator_is_a_crate_apart() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("emulator/Cargo.toml")).unwrap();
    let deps = &manifest[manifest.find("[dependencies]").expect("dependencies")..];
    assert!(
        !deps.lines().any(|l| l.trim_start().starts_with("graft")),
        "the emulator depends on graft:\n{deps}"
    );
    let src = root.join("src");
    let mut files = Vec::new();
    source_files(&src, &src, &mut files);
    let users: BTreeSet<String> = files
        .iter()
        .filter(|(_, text)| code_lines(text).any(|(_, l)| l.contains("graft_emulator")))
        .map(|(rel, _)| rel.split('/').next().unwrap_or("").to_string())
        .collect();
    assert!(
        users.iter().all(|m| m == "config" || m == "cli"),
        "graft_emulator used from {users:?}"
    );
    assert!(!users.is_empty(), "the demo uses the emulator");
}

/// The module a file is (`tui/app/mod.rs` is `tui::app`, `lib.rs` the root).
fn file_module(rel: &str) -> Vec<String> {
    if rel == "lib.rs" {
        return Vec::new();
    }
    module_path(rel)
}

/// The text without comments and without its `#[cfg(test)] mod tests`.
fn code_text(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    code_lines(text)
        .map(|(_, l)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a `use`-like text names from `base`: `a::b::{c, d::e}` gives
/// `base::a::b::c` and `base::a::b::d::e`.
fn expand_paths(base: Vec<String>, text: &str, out: &mut Vec<Vec<String>>) {
    let text = text.trim_start();
    if let Some(group) = text.strip_prefix('{') {
        let mut depth = 0;
        let mut item = String::new();
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_paths(base.clone(), &item, out);
                    item.clear();
                    continue;
                }
                _ => {}
            }
            item.push(c);
        }
        if !item.trim().is_empty() {
            expand_paths(base, &item, out);
        }
        return;
    }
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    if name.is_empty() {
        out.push(base);
        return;
    }
    let rest = text[name.len()..].trim_start();
    let mut path = base;
    path.push(name);
    match rest.strip_prefix("::") {
        Some(more) => expand_paths(path, more, out),
        None => out.push(path),
    }
}

/// Which files of `files` each one uses: through `crate::`, `super::` and
/// `self::` paths (groups expanded), `use child::…` (a module's own
/// re-exports), and a `mod.rs` calling into its children (`child::f()`).
/// A path names the file of its longest prefix that is a module.
fn file_edges(files: &[(String, String)]) -> BTreeMap<String, BTreeSet<String>> {
    let modules: BTreeMap<Vec<String>, String> = files
        .iter()
        .filter(|(rel, _)| rel != "main.rs")
        .map(|(rel, _)| (file_module(rel), rel.clone()))
        .collect();
    let resolve = |path: &[String]| -> Option<&String> {
        (0..=path.len()).rev().find_map(|n| modules.get(&path[..n]))
    };
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (rel, text) in files.iter().filter(|(rel, _)| rel != "main.rs") {
        let me = file_module(rel);
        let code = code_text(text);
        let bytes = code.as_bytes();
        let mut paths = Vec::new();
        let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut i = 0;
        while i < code.len() {
            let rest = &code[i..];
            let boundary = i == 0 || !(is_ident(bytes[i - 1]) || bytes[i - 1] == b':');
            if !boundary || !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
                i += rest.chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let word: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if let Some(mut tail) = rest[word.len()..].strip_prefix("::") {
                let base = match word.as_str() {
                    "crate" => Some(Vec::new()),
                    "self" => Some(me.clone()),
                    "super" => {
                        let mut base = me.clone();
                        base.pop();
                        while let Some(t) = tail.strip_prefix("super::") {
                            base.pop();
                            tail = t;
                        }
                        Some(base)
                    }
                    child => {
                        // `use child::…` anywhere, `child::…` in a module's own file.
                        let own = rel.ends_with("mod.rs") || rel == "lib.rs";
                        let in_use = code[..i].trim_end().ends_with("use");
                        let mut path = me.clone();
                        path.push(child.to_string());
                        (modules.contains_key(&path) && (own || in_use)).then_some(path)
                    }
                };
                if let Some(base) = base {
                    expand_paths(base, tail, &mut paths);
                }
            }
            i += word.len();
        }
        for p in paths {
            if let Some(to) = resolve(&p)
                && to != rel
            {
                edges.entry(rel.clone()).or_default().insert(to.clone());
            }
        }
    }
    edges
}

/// Strongly connected groups of `edges` (Tarjan), largest first.
fn circles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        let edges = t.edges;
        for w in edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.on.contains(w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut group = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                group.push(w.to_string());
                if w == v {
                    break;
                }
            }
            group.sort();
            t.out.push(group);
        }
    }
    let mut t = T {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out.sort_by_key(|g| std::cmp::Reverse(g.len()));
    t.out
}

/// No import circle spans more than two files: a file and the one it
/// extends (a model and its body window) may use each other, never a ring
/// of three or more, where a line in one can reach all the others.
#[test]
fn no_import_circle_spans_more_than_two_files() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    source_files(&src, &src, &mut all);
    let edges = file_edges(&all);
    assert!(
        edges.values().map(BTreeSet::len).sum::<usize>() > 300,
        "the imports were read"
    );
    let big: Vec<_> = circles(&edges)
        .into_iter()
        .filter(|g| g.len() > 2)
        .collect();
    assert!(big.is_empty(), "import circles over two files: {big:#?}");

    // The check sees a ring made through a parent's re-exports.
    let ring = files(&[
        (
            "tui/app/mod.rs",
            "pub mod a;\npub mod b;\npub use b::Thing;\n",
        ),
        ("tui/app/a.rs", "use crate::tui::app::Thing;\n"),
        ("tui/app/b.rs", "use super::a::{x, y};\npub struct Thing;\n"),
    ]);
    let found = circles(&file_edges(&ring));
    assert_eq!(found[0].len(), 3, "{found:?}");
}
