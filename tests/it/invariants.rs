//! Architecture invariants (ARCHITECTURE.md), checked on the source tree.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn offenders(word: &str, allowed_dir: &str) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .filter(|f| !f.starts_with(src.join(allowed_dir)))
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            text.lines().any(|l| {
                let l = l.trim_start();
                !l.starts_with("//")
                    && (l.contains(&format!("{word}::")) || l.contains(&format!("use {word}")))
            })
        })
        .map(|f| f.display().to_string())
        .collect()
}

#[test]
fn only_web_uses_axum_and_maud() {
    assert_eq!(offenders("axum", "web"), Vec::<String>::new());
    assert_eq!(offenders("maud", "web"), Vec::<String>::new());
}

#[test]
fn only_store_uses_rusqlite() {
    assert_eq!(offenders("rusqlite", "store"), Vec::<String>::new());
}
