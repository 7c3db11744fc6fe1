//! The house, held against the code: every `crate::` import of a core module points to a module on
//! a strictly lower floor, so the kernels know no surrogate type, the neuron model knows no catalog,
//! and nothing below the faces knows JS or the terminal. A new module gets a floor here; an import
//! that runs back up fails this test with its file and line.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

/// Floors from the ground up; a module may import only from floors below its own.
const FLOORS: &[&[&str]] = &[
    &["error", "rng", "pass", "kernels"],
    &["parallel", "surrogate", "data", "loss", "schedule", "penalty"],
    &["neuron"],
    &["spec", "activation"],
    &["params", "ops", "budget"],
    &["layers"],
    &["model"],
    &["optim", "io", "inspect"],
    &["shards"],
    &["train", "nir"],
    &["catalog"],
    &["config"],
    &["wasm"],
];

fn floor_of(module: &str) -> Option<usize> {
    FLOORS.iter().position(|f| f.contains(&module))
}

/// The code of a line, without its `//` comment (doc comments name higher modules in links).
fn code(line: &str) -> &str {
    line.split("//").next().unwrap_or("")
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn every_import_points_down() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut bad = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
        let module = rel.split('/').next().unwrap().trim_end_matches(".rs").to_string();
        if module == "lib" || module == "bin" {
            continue; // the crate root declares every module; the CLI uses the public API only
        }
        let own = floor_of(&module).unwrap_or_else(|| panic!("src/{rel}: module '{module}' has no floor in tests/house.rs"));
        let text = std::fs::read_to_string(file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = code(line);
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                if name == module {
                    continue;
                }
                match floor_of(&name) {
                    Some(f) if f < own => {}
                    Some(f) => bad.push(format!("src/{rel}:{}: {module} (floor {}) imports {name} (floor {})", n + 1, own + 1, f + 1)),
                    None => bad.push(format!("src/{rel}:{}: imports '{name}', which has no floor in tests/house.rs", n + 1)),
                }
            }
            let faces = ["wasm_bindgen", "js_sys", "clap::", "indicatif"];
            if module != "wasm" {
                if let Some(f) = faces.iter().find(|f| code.contains(*f)) {
                    bad.push(format!("src/{rel}:{}: the core names '{f}' (a face's dependency)", n + 1));
                }
            }
        }
    }
    assert!(files.len() > 20, "read only {} files under src/", files.len());
    assert!(bad.is_empty(), "imports that run back up:\n{}", bad.join("\n"));
}
