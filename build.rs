//! Embeds every catalog entry under `assets/apps/` into the binary: adding an app is adding a file.

use std::{env, fs, path::Path};

fn main() {
    let root = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).to_path_buf();
    let out = embed(&root.join("assets/apps"), "APP_FILES", "catalog entry");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("apps.rs"),
        out,
    )
    .unwrap();
    let out = embed(
        &root.join("assets/authentik"),
        "AUTHENTIK_FILES",
        "authentik entry",
    );
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("authentik.rs"),
        out,
    )
    .unwrap();
}

/// Lists `dir/*.yaml` as a static array of (file stem, text).
fn embed(dir: &Path, name: &str, what: &str) -> String {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|d| d.collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut out = format!("/// (file stem, file text) of every {what}, sorted by file name.\n");
    out.push_str(&format!("pub static {name}: &[(&str, &str)] = &[\n"));
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let stem = f.file_stem().unwrap().to_string_lossy();
        out.push_str(&format!(
            "    ({stem:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    out
}
