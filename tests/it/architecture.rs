//! The layering rules, read from the sources: the core never touches the terminal or the front
//! ends, `clap` stays in `cli/`, `ratatui`/`crossterm` in `tui/`, and no provider imports another.
//! Each rule scans the code with comments and string literals blanked out, so a doc comment that
//! names `println!` does not count and a `use` hidden in a string does not pass.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its path relative to `src/` (`config/splice.rs`).
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    walk(&root, &mut files);
    assert!(
        files.len() > 20,
        "found only {} sources under src/",
        files.len()
    );
    files
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&root)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).expect("read source");
            (rel, code_only(&text))
        })
        .collect()
}

/// The source with comments and the contents of string and char literals replaced by spaces
/// (line breaks kept, so positions still give line numbers).
fn code_only(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&b, i) {
            // A raw string: r"..." or r#"..."#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            out.push('"');
            j += 1;
            for _ in i + 1..j {
                out.push(' ');
            }
            out.pop();
            i = j;
            while i < b.len() {
                if b[i] == '"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&'#')) {
                    out.push('"');
                    for _ in 0..hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                out.push(blank(b[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() {
                if b[i] == '\\' {
                    out.push(' ');
                    if let Some(&n) = b.get(i + 1) {
                        out.push(blank(n));
                    }
                    i += 2;
                    continue;
                }
                if b[i] == '"' {
                    out.push('"');
                    i += 1;
                    break;
                }
                out.push(blank(b[i]));
                i += 1;
            }
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            let end = if next == Some('\\') {
                (i + 2..b.len().min(i + 12)).find(|&j| b[j] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(e) => {
                    out.push('\'');
                    for _ in i + 1..e {
                        out.push(' ');
                    }
                    out.push('\'');
                    i = e + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// The lines (1-based) of `code` where `word` appears as a whole path segment or macro name.
fn hits(code: &str, word: &str) -> Vec<usize> {
    let mut found = vec![];
    for (n, line) in code.lines().enumerate() {
        let mut from = 0;
        while let Some(p) = line[from..].find(word) {
            let at = from + p;
            let before = line[..at].chars().next_back();
            let after = line[at + word.len()..].chars().next();
            let ident = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            // A word ending in a letter (`clap`) must not run on (`clapper`); `println!` may.
            let runs_on = word.chars().last().is_some_and(|c| c.is_alphanumeric()) && ident(after);
            if !ident(before) && !runs_on {
                found.push(n + 1);
                break;
            }
            from = at + word.len();
        }
    }
    found
}

fn in_front_end(rel: &str) -> bool {
    rel == "main.rs"
        || rel.starts_with("cli/")
        || rel == "cli.rs"
        || rel.starts_with("tui/")
        || rel == "tui.rs"
}

/// Runs `rule` over every source and fails with every offending file:line at once.
fn forbid(what: &str, words: &[&str], allowed: impl Fn(&str) -> bool) {
    let mut bad = vec![];
    for (rel, code) in sources() {
        if allowed(&rel) {
            continue;
        }
        for w in words {
            for line in hits(&code, w) {
                bad.push(format!("src/{rel}:{line}: {w}"));
            }
        }
    }
    assert!(bad.is_empty(), "{what}:\n{}", bad.join("\n"));
}

#[test]
fn only_the_front_ends_import_the_command_line() {
    forbid(
        "the command line is imported outside cli/ and main.rs",
        &["crate::cli", "super::cli"],
        |rel| rel == "main.rs" || rel.starts_with("cli/"),
    );
}

#[test]
fn only_the_wizard_imports_the_wizard() {
    forbid(
        "the wizard is imported outside tui/ and main.rs",
        &["crate::tui"],
        |rel| rel == "main.rs" || rel.starts_with("tui/"),
    );
}

#[test]
fn clap_stays_in_the_command_line() {
    forbid("clap is used outside cli/", &["clap"], |rel| {
        rel.starts_with("cli/")
    });
}

#[test]
fn the_terminal_libraries_stay_in_the_wizard() {
    forbid(
        "ratatui or crossterm is used outside tui/",
        &["ratatui", "crossterm"],
        |rel| rel.starts_with("tui/"),
    );
}

#[test]
fn the_core_never_prints_reads_stdin_or_exits() {
    forbid(
        "the core touches the terminal or exits",
        &[
            "println!",
            "print!",
            "eprintln!",
            "eprint!",
            "dbg!",
            "stdout",
            "stderr",
            "stdin",
            "process::exit",
        ],
        in_front_end,
    );
}

#[test]
fn no_provider_imports_another() {
    let providers: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/provider"))
            .expect("src/provider")
            .filter_map(|e| {
                let p = e.ok()?.path();
                if p.is_dir() {
                    Some(p.file_name()?.to_string_lossy().into_owned())
                } else {
                    None
                }
            })
            .collect();
    assert!(
        providers.len() >= 2,
        "expected one folder per provider under src/provider, found {providers:?}"
    );
    let mut bad = vec![];
    for (rel, code) in sources() {
        let Some(own) = rel
            .strip_prefix("provider/")
            .and_then(|r| r.split('/').next())
        else {
            continue;
        };
        if !providers.iter().any(|p| p == own) {
            continue;
        }
        for other in providers.iter().filter(|p| *p != own) {
            for w in [format!("provider::{other}"), format!("super::{other}")] {
                for line in hits(&code, &w) {
                    bad.push(format!("src/{rel}:{line}: {w}"));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "a provider imports another:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_scanner_blanks_comments_and_strings() {
    let code = code_only(
        "let a = \"println!\"; // println!\nlet b = r#\"clap\"#; /* ratatui */ let c = 'x'; fn f<'a>() {}\n",
    );
    assert!(hits(&code, "println!").is_empty(), "{code}");
    assert!(hits(&code, "clap").is_empty(), "{code}");
    assert!(hits(&code, "ratatui").is_empty(), "{code}");
    assert_eq!(hits(&code, "fn f<"), vec![2], "{code}");
    assert_eq!(hits("use clap::Parser;", "clap"), vec![1]);
    assert!(hits("use clapper::X;", "clap").is_empty());
}
