//! The house rule: `src/` is built in layers and a module imports only from its own
//! layer or the layers below it, with no cycle inside a layer. This test reads every
//! `crate::…` path in `src/` (imports and paths in code; comments are skipped) and
//! names the file and line of any that reaches up. The same list is in the README's
//! layout section, and this test checks that the two agree.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom to top: (layer, its top-level modules of `src/`).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "vocabulary",
        &[
            "model",
            "i18n",
            "output",
            "keys",
            "fingerprint",
            "interrupt",
            "redact",
        ],
    ),
    ("sources", &["source"]),
    ("rules", &["rules"]),
    ("engine", &["engine"]),
    ("classification", &["finding", "classify", "store"]),
    ("audit", &["audit"]),
    ("judgement", &["policy", "suppress", "baseline", "todo"]),
    ("scan driver", &["scan"]),
    ("outputs", &["render"]),
    ("commands", &["commands", "cli"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a line names after `crate::` (`crate::a::b`, `crate::{a, b::c}`);
/// names starting with a capital are items of the crate root (`crate::ExitStatus`).
fn crate_paths(line: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (i, _) in line.match_indices("crate::") {
        let before = line[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `gdpr_audit_crate::`, `$crate::`
        }
        let rest = &line[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let end = group
                .char_indices()
                .find(|&(_, c)| {
                    depth += i32::from(c == '{') - i32::from(c == '}');
                    depth < 0
                })
                .map_or(group.len(), |(j, _)| j);
            let mut depth = 0;
            let mut start = 0;
            for (j, c) in group[..end].char_indices() {
                depth += i32::from(c == '{') - i32::from(c == '}');
                if c == ',' && depth == 0 {
                    out.push(ident(&group[start..j]));
                    start = j + 1;
                }
            }
            out.push(ident(&group[start..end]));
        } else {
            out.push(ident(rest));
        }
    }
    out.retain(|m| m.starts_with(|c: char| c.is_ascii_lowercase()) && m != "self");
    out
}

#[test]
fn modules_import_only_from_their_layer_or_below() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    // module → module it uses → where it first does (file:line), for cycle messages.
    let mut edges: Edges = BTreeMap::new();
    for file in &files {
        let rel = file.strip_prefix(root).expect("under the root");
        let inner = file.strip_prefix(&src).expect("under src/");
        let first = inner.iter().next().expect("a name").to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" {
            continue; // the crate root and the binary sit above every layer
        }
        let Some(layer) = layer_of(&module) else {
            problems.push(format!(
                "{}: module `{module}` is in no layer: add it to LAYERS in tests/integration/layers.rs and to the README's layout",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("readable");
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for used in crate_paths(line) {
                if used == module {
                    continue;
                }
                match layer_of(&used) {
                    None => problems.push(format!(
                        "{}:{}: `crate::{used}` is in no layer",
                        rel.display(),
                        n + 1
                    )),
                    Some(l) if l > layer => problems.push(format!(
                        "{}:{}: `{module}` ({} layer) imports `crate::{used}` from the {} layer above it; a module may use only its own layer and those below",
                        rel.display(),
                        n + 1,
                        LAYERS[layer].0,
                        LAYERS[l].0
                    )),
                    Some(_) => {
                        let at = format!("{}:{}", rel.display(), n + 1);
                        edges
                            .entry(module.clone())
                            .or_default()
                            .entry(used)
                            .or_insert(at);
                    }
                }
            }
        }
    }
    problems.extend(cycles(&edges));
    assert!(
        problems.is_empty(),
        "the layering of src/ is broken:\n{}",
        problems.join("\n")
    );
}

type Edges = BTreeMap<String, BTreeMap<String, String>>;

/// Import cycles between modules (only possible inside one layer), one line each,
/// with where each step of the cycle imports.
fn cycles(edges: &Edges) -> Vec<String> {
    fn visit(
        m: &str,
        edges: &Edges,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        out: &mut Vec<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut ring: Vec<&str> = path[i..].iter().map(String::as_str).collect();
            ring.push(m);
            let steps: Vec<String> = ring
                .windows(2)
                .map(|w| format!("{} -> {} ({})", w[0], w[1], edges[w[0]][w[1]]))
                .collect();
            out.push(format!("import cycle: {}", steps.join(", ")));
            return;
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for next in edges.get(m).into_iter().flat_map(|e| e.keys()) {
            visit(next, edges, path, done, out);
        }
        path.pop();
    }
    let mut out = Vec::new();
    let mut done = BTreeSet::new();
    for m in edges.keys() {
        visit(m, edges, &mut Vec::new(), &mut done, &mut out);
    }
    out
}

#[test]
fn the_readme_lists_the_same_layers() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    for (i, (name, modules)) in LAYERS.iter().enumerate() {
        let head = format!("{}. **{name}**", i + 1);
        let line = readme
            .lines()
            .find(|l| l.starts_with(&head))
            .unwrap_or_else(|| panic!("README's layout has no line starting `{head}`"));
        for m in *modules {
            assert!(
                line.contains(&format!("`{m}`")),
                "README's layer line `{head}` does not list `{m}`: {line}"
            );
        }
    }
}

#[test]
fn crate_paths_reads_groups_and_skips_lookalikes() {
    assert_eq!(
        crate_paths("use crate::model::{Category, Severity};"),
        ["model"]
    );
    assert_eq!(
        crate_paths("use crate::{audit::Report, model::Action};"),
        ["audit", "model"]
    );
    assert_eq!(
        crate_paths("let x = crate::ExitStatus::Clean;"),
        Vec::<String>::new()
    );
    assert_eq!(crate_paths("$crate::x; foo_crate::y"), Vec::<String>::new());
    assert_eq!(crate_paths("f(crate::a::x(), crate::b::y())"), ["a", "b"]);
}
