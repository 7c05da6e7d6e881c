//! The layering of `ARCHITECTURE.md`, checked: every top-level module has a rank, and a module
//! may only name (`crate::…`) modules of a lower rank. Two modules of one rank never name each
//! other, so no import loop can form between top-level modules.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules by rank, lowest first. The comment on each line is its layer.
const RANKS: &[(&str, u8)] = &[
    // Foundation: pure rules and the shapes every layer speaks.
    ("domain", 0),
    ("i18n", 1),
    ("error", 2),
    // Storage: connections, migrations, reference data; one module per table.
    ("db", 3),
    ("models", 4),
    // Use cases, each below the ones that build on it.
    ("accounts", 5),
    ("search", 6),
    ("progress", 6),
    ("mail", 7),
    ("effects", 8),
    ("registry", 9),
    ("hiring", 9),
    ("import", 10),
    ("demo", 10),
    // Delivery: settings, HTTP, the command line, benchmarks.
    ("metrics", 11),
    ("proxies", 11),
    ("config", 12),
    ("state", 13),
    ("routes", 14),
    ("startup", 15),
    ("bench", 16),
    ("cli", 16),
    ("run", 17),
];

fn rank(module: &str) -> Option<u8> {
    RANKS
        .iter()
        .find(|(name, _)| *name == module)
        .map(|(_, rank)| *rank)
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            found.push(path);
        }
    }
}

/// The top-level modules a file names, outside its tests.
fn named(source: &str) -> BTreeSet<String> {
    let code = source
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    let mut names = BTreeSet::new();
    for (index, _) in code.match_indices("crate::") {
        let rest = &code[index + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::x, b};`
            let group = group.split('}').next().unwrap_or_default();
            for part in group.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                names.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.insert(name);
        }
    }
    names
}

#[test]
fn every_module_only_looks_down() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&source, &mut files);
    assert!(files.len() > 100, "the source tree was not found");
    let mut wrong = Vec::new();
    for file in files {
        let relative = file.strip_prefix(&source).unwrap_or(&file);
        let top = relative
            .components()
            .next()
            .and_then(|part| part.as_os_str().to_str())
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_owned();
        if ["lib", "main", "architecture"].contains(&top.as_str()) {
            continue;
        }
        let Some(own) = rank(&top) else {
            wrong.push(format!("{top}: a top-level module with no layer"));
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for name in named(&text) {
            if name == top || rank(&name).is_none() {
                continue;
            }
            if rank(&name).is_some_and(|other| other >= own) {
                wrong.push(format!("{} names crate::{name}", relative.display()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that do not look down:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_check_sees_grouped_and_inline_paths() {
    let names = named("use crate::{db::DbConn, models};\nfn f() { crate::search::x(); }");
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["db", "models", "search"]
    );
}

/// Outside `db/` and `models/`, the only code that names a table: each engine with the tables
/// it owns, and the bulk writers.
const TABLES_NAMED_OUTSIDE_STORAGE: &[(&str, &str)] = &[
    (
        "progress/",
        "the counting engine: owns progress_* and the programme's periods and targets, and reads the records it counts",
    ),
    (
        "search/documents",
        "the index: reads the records it indexes",
    ),
    ("mail/outbox.rs", "owns the outbox"),
    ("demo/", "the generated province, written in bulk"),
    (
        "bench/",
        "benchmarks: sample rows, and the PostgreSQL full-text search they compare with",
    ),
];

#[test]
fn tables_are_named_by_their_owners() {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&source, &mut files);
    let mut wrong = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&source)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        if relative.starts_with("db/")
            || relative.starts_with("models/")
            || relative == "architecture.rs"
            || TABLES_NAMED_OUTSIDE_STORAGE
                .iter()
                .any(|(owner, _)| relative.starts_with(owner))
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        if code.contains("db::schema") {
            wrong.push(relative);
        }
    }
    assert!(
        wrong.is_empty(),
        "tables named outside their model (move the query to models/):\n{}",
        wrong.join("\n")
    );
}
