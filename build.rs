//! Embeds specs/ into the binary so `itsm-conform` works from any directory.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let specs = root.join("specs");
    let mut files =
        vec![specs.join("requirements.json"), specs.join("source/endpoint-table.md"), specs.join("DECISIONS.md")];
    for sub in ["defs", "endpoints"] {
        collect(&specs.join(sub), &mut files);
        println!("cargo:rerun-if-changed={}", specs.join(sub).display());
    }
    files.sort();
    let mut code = String::from("pub static FILES: &[(&str, &str)] = &[\n");
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        let label = file.strip_prefix(&root).expect("under the manifest dir").display().to_string();
        writeln!(code, "    ({label:?}, include_str!({:?})),", file.display().to_string()).unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("embedded_specs.rs"), code).expect("write embedded_specs.rs");
}
