//! Architecture rules of the crate, checked over its own source (issue 12):
//! - no import circle between files of `src/` (a module and its own test module excepted);
//! - no function in `src/` longer than 100 lines.
//!
//! Run `cargo test --test architecture -- --nocapture` to see the import graph's strongly
//! connected components and the longest functions. The check reads `use crate::…`, `super::…`
//! and inline `crate::…` paths; a `pub use` re-export is a facade, not a dependency: a path
//! through it is followed to the file that defines the item.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Longest function body allowed, in lines (signature to closing brace).
const MAX_FN_LINES: usize = 100;

/// One source file of the library: its module path and its code with comments and string
/// literals blanked (so braces and paths inside them are not read as code).
struct SourceFile {
    rel: String,
    module: Vec<String>,
    code: String,
    is_test: bool,
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).expect("src/ is readable").map(|e| e.expect("directory entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Blanks comments, string, byte-string, raw-string and char literals, keeping newlines so line
/// numbers stay true.
fn blank_non_code(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < b.len() {
        let c = b[i];
        if c == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && b.get(i + 1) == Some(&'*') {
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
        } else if c == 'r'
            && (b.get(i + 1) == Some(&'"') || b.get(i + 1) == Some(&'#'))
            && (i == 0 || !(b[i - 1].is_alphanumeric() || b[i - 1] == '_'))
        {
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
            for _ in i + 1..=j {
                out.push(' ');
            }
            i = j + 1;
            'raw: while i < b.len() {
                if b[i] == '"' && (0..hashes).all(|h| b.get(i + 1 + h) == Some(&'#')) {
                    out.push('"');
                    for _ in 0..hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break 'raw;
                }
                out.push(blank(b[i]));
                i += 1;
            }
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < b.len() {
                    out.push(blank(b[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            let close = if b.get(i + 1) == Some(&'\\') {
                (i + 2..b.len().min(i + 12)).find(|&j| b[j] == '\'')
            } else if b.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => {
                    out.push('\'');
                    for _ in i + 1..end {
                        out.push(' ');
                    }
                    out.push('\'');
                    i = end + 1;
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

fn load() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    collect(&root, &mut paths);
    let mut files = Vec::new();
    for path in paths {
        let rel = path.strip_prefix(&root).expect("under src").to_string_lossy().replace('\\', "/");
        if rel == "main.rs" {
            continue;
        }
        let mut module: Vec<String> = rel.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
        if module.last().is_some_and(|m| m == "mod" || m == "lib") {
            module.pop();
        }
        let text = std::fs::read_to_string(&path).expect("source is UTF-8");
        let is_test = module.last().is_some_and(|m| m == "tests" || m.ends_with("_tests"));
        files.push(SourceFile { rel, module, code: blank_non_code(&text), is_test });
    }
    files
}

/// The code of a file without its trailing `#[cfg(test)] mod tests { … }` block.
fn without_inline_tests(code: &str) -> &str {
    let mut search = 0;
    while let Some(pos) = code[search..].find("#[cfg(test)]") {
        let at = search + pos;
        let rest = code[at + 12..].trim_start();
        if rest.starts_with("mod ") && rest.split('{').next().is_some_and(|h| !h.contains(';')) {
            return &code[..at];
        }
        search = at + 12;
    }
    code
}

/// A path named by a `use` statement, with the local name it binds.
type UsePath = (Vec<String>, String);

/// Expands a use tree (`a::{b, c::{d as e}}`) into full paths with their local names.
fn expand_tree(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, String)>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head: Vec<String> =
            tree[..open].split("::").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        let mut base = prefix.to_vec();
        base.extend(head);
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        for (i, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand_tree(&base, &inner[start..i], out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand_tree(&base, &inner[start..], out);
    } else if !tree.is_empty() {
        let (path, alias) = match tree.split_once(" as ") {
            Some((p, a)) => (p.trim(), Some(a.trim())),
            None => (tree, None),
        };
        let mut full = prefix.to_vec();
        full.extend(path.split("::").map(str::trim).map(str::to_owned));
        let name = alias.map(str::to_owned).unwrap_or_else(|| full.last().cloned().unwrap_or_default());
        if full.last().is_some_and(|l| l == "self") {
            full.pop();
        }
        out.push((full, name));
    }
}

/// Turns a path relative to `module` (`crate::…`, `super::…`, `self::…`) into an absolute one.
fn absolute(module: &[String], path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut abs: Vec<String>;
    let mut rest = &path[1..];
    match first.as_str() {
        "crate" => abs = Vec::new(),
        "self" => abs = module.to_vec(),
        "super" => {
            abs = module.to_vec();
            abs.pop()?;
            while rest.first().is_some_and(|s| s == "super") {
                abs.pop()?;
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    abs.extend(rest.iter().cloned());
    Some(abs)
}

/// The `use` statements of a file: (is a `pub` re-export, expanded paths).
fn use_statements(code: &str) -> Vec<(bool, Vec<UsePath>)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(pos) = rest.find("use ") {
        let before = &rest[..pos];
        let ok_start = before.is_empty()
            || before.ends_with(char::is_whitespace)
            || before.ends_with(';')
            || before.ends_with('}')
            || before.ends_with('{');
        let Some(end) = rest[pos..].find(';') else {
            break;
        };
        let stmt = &rest[pos + 4..pos + end];
        if ok_start && !stmt.contains('(') && !stmt.contains('=') {
            let line_start = before.rfind('\n').map_or(0, |n| n + 1);
            let is_pub = before[line_start..].trim_start().starts_with("pub");
            let tree: String = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut paths = Vec::new();
            expand_tree(&[], &tree, &mut paths);
            out.push((is_pub, paths));
        }
        rest = &rest[pos + 4..];
    }
    out
}

/// Inline `crate::a::b` paths outside `use` statements.
fn inline_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (pos, _) in code.match_indices("crate::") {
        if pos > 0 {
            let prev = code[..pos].chars().next_back().unwrap_or(' ');
            if prev.is_alphanumeric() || prev == '_' || prev == ':' {
                continue;
            }
        }
        let tail = &code[pos..];
        let end = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
        let segs: Vec<String> = tail[..end].split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
        out.push(segs);
    }
    out
}

struct Graph {
    /// module path → file index
    by_module: BTreeMap<Vec<String>, usize>,
    /// file index → (local re-exported name → absolute path it points to)
    reexports: Vec<BTreeMap<String, Vec<String>>>,
}

impl Graph {
    /// The file that defines what `abs` names, following `pub use` facades.
    fn resolve(&self, abs: &[String], depth: usize) -> Option<usize> {
        let mut n = abs.len();
        while n > 0 && !self.by_module.contains_key(&abs[..n]) {
            n -= 1;
        }
        let file = *self.by_module.get(&abs[..n])?;
        if depth < 8
            && let Some(item) = abs.get(n)
            && let Some(target) = self.reexports[file].get(item)
        {
            let mut next = target.clone();
            next.extend(abs[n + 1..].iter().cloned());
            if next != abs {
                return self.resolve(&next, depth + 1).or(Some(file));
            }
        }
        Some(file)
    }
}

/// Edges between files: (from, to) → an example path.
fn import_graph(files: &[SourceFile]) -> BTreeMap<(usize, usize), String> {
    let mut graph = Graph { by_module: BTreeMap::new(), reexports: vec![BTreeMap::new(); files.len()] };
    for (i, f) in files.iter().enumerate() {
        graph.by_module.insert(f.module.clone(), i);
    }
    for (i, f) in files.iter().enumerate() {
        for (is_pub, paths) in use_statements(without_inline_tests(&f.code)) {
            if !is_pub {
                continue;
            }
            for (path, name) in paths {
                let abs = if matches!(path[0].as_str(), "crate" | "super" | "self") {
                    absolute(&f.module, &path)
                } else {
                    // `pub use child::Item` inside a module.
                    let mut p = f.module.clone();
                    p.extend(path.iter().cloned());
                    Some(p)
                };
                if let Some(abs) = abs {
                    graph.reexports[i].insert(name, abs);
                }
            }
        }
    }
    let mut edges = BTreeMap::new();
    for (i, f) in files.iter().enumerate() {
        if f.is_test {
            continue;
        }
        let code = without_inline_tests(&f.code);
        let mut targets: Vec<(Vec<String>, String)> = Vec::new();
        for (is_pub, paths) in use_statements(code) {
            if is_pub {
                continue;
            }
            for (path, _) in paths {
                if let Some(abs) = absolute(&f.module, &path) {
                    targets.push((abs, path.join("::")));
                }
            }
        }
        for path in inline_paths(code) {
            if let Some(abs) = absolute(&f.module, &path) {
                targets.push((abs, path.join("::")));
            }
        }
        for (abs, shown) in targets {
            if let Some(j) = graph.resolve(&abs, 0)
                && j != i
                && !files[j].is_test
            {
                edges.entry((i, j)).or_insert(shown);
            }
        }
    }
    edges
}

/// Strongly connected components with more than one file (Tarjan).
fn cycles(n: usize, edges: &BTreeMap<(usize, usize), String>) -> Vec<Vec<usize>> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in edges.keys() {
        adj[a].push(b);
    }
    struct St {
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        out: Vec<Vec<usize>>,
    }
    fn visit(v: usize, adj: &[Vec<usize>], s: &mut St) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on[v] = true;
        for &w in &adj[v] {
            match s.index[w] {
                None => {
                    visit(w, adj, s);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on[w] = false;
                comp.push(w);
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s =
        St { index: vec![None; n], low: vec![0; n], on: vec![false; n], stack: Vec::new(), next: 0, out: Vec::new() };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(v, &adj, &mut s);
        }
    }
    s.out.sort();
    s.out
}

#[test]
fn no_import_circle_between_files_of_src() {
    let files = load();
    let edges = import_graph(&files);
    let comps = cycles(files.len(), &edges);
    let mut report = String::new();
    for comp in &comps {
        report.push_str("circle:\n");
        for &a in comp {
            for &b in comp {
                if let Some(example) = edges.get(&(a, b)) {
                    report.push_str(&format!("  {} -> {}   ({example})\n", files[a].rel, files[b].rel));
                }
            }
        }
    }
    println!("{} files, {} import edges", files.len(), edges.len());
    print!("{report}");
    assert!(comps.is_empty(), "{} import circle(s) between files of src/:\n{report}", comps.len());
}

/// Functions of a file whose body spans more than `max` lines: (name, first line, lines).
fn long_functions(code: &str, max: usize) -> Vec<(String, usize, usize)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut search = 0;
    while let Some(pos) = code[search..].find("fn ") {
        let at = search + pos;
        search = at + 3;
        if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
            continue;
        }
        let name: String = code[at + 3..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        if name.is_empty() {
            continue;
        }
        // The body opens at the first `{` before any `;` (a `;` first means no body).
        let Some(open_rel) = code[at..].find(['{', ';']) else {
            continue;
        };
        if bytes[at + open_rel] != b'{' {
            continue;
        }
        let open = at + open_rel;
        let mut depth = 0usize;
        let mut close = None;
        for (i, ch) in code[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(open + i);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { continue };
        let first = code[..at].matches('\n').count() + 1;
        let last = code[..close].matches('\n').count() + 1;
        let lines = last - first + 1;
        if lines > max {
            out.push((name, first, lines));
        }
    }
    out
}

#[test]
fn no_function_in_src_longer_than_100_lines() {
    let mut long = Vec::new();
    for f in load() {
        for (name, line, lines) in long_functions(&f.code, MAX_FN_LINES) {
            long.push(format!("  src/{}:{line} fn {name}: {lines} lines", f.rel));
        }
    }
    println!("{}", long.join("\n"));
    assert!(long.is_empty(), "{} function(s) longer than {MAX_FN_LINES} lines:\n{}", long.len(), long.join("\n"));
}

#[test]
fn the_checker_sees_a_circle_and_a_long_function() {
    // The checker's own parts on a small made-up input, so a broken parser cannot pass silently.
    let mut paths = Vec::new();
    expand_tree(&[], "crate::a::{b::{C, D as E}, f}", &mut paths);
    let shown: Vec<String> = paths.iter().map(|(p, n)| format!("{}={n}", p.join("::"))).collect();
    assert_eq!(shown, ["crate::a::b::C=C", "crate::a::b::D=E", "crate::a::f=f"]);
    let mut edges = BTreeMap::new();
    edges.insert((0, 1), String::new());
    edges.insert((1, 2), String::new());
    edges.insert((2, 0), String::new());
    edges.insert((2, 3), String::new());
    assert_eq!(cycles(4, &edges), vec![vec![0, 1, 2]]);
    let body = format!("fn long() {{\n{}}}\nfn short() {{ '{{'; }}\n", "x;\n".repeat(120));
    let code = blank_non_code(&body);
    let found = long_functions(&code, MAX_FN_LINES);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "long");
}
