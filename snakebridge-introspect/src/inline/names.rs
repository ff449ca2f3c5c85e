//! The compile-time check of module attribute names in a one-expression `python!`: where the
//! crate's `.snakebridge/` holds a manifest for the module (written by `#[python_module]`),
//! a misspelt name (`math.sqtr`) is a compile error with the closest real name.
//!
//! Only files are read, never Python. A manifest does not list everything Python's `getattr`
//! finds (submodules imported on demand, names a package re-exports from elsewhere), so a name
//! missing from the manifest is reported only when it is close to a name the manifest has:
//! a likely typo, not an unknown-but-real attribute.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use proc_macro2::Ident;
use snakebridge_meta::manifest::{read_outline, ModuleOutline};

use super::ast::{Arg, Expr, Subscript};
use crate::manifest::DIR_NAME;
use crate::suggest::closest;

/// Checks every module path of `expr` (`math.sqtr`, `os.path.joni`) against the manifests in
/// `crate_dir/.snakebridge/`. Paths of modules without a manifest, and all paths when the
/// directory does not exist, pass.
pub fn check_expression(expr: &Expr, crate_dir: &Path) -> syn::Result<()> {
    let mut paths = Vec::new();
    collect_paths(expr, &mut paths);
    let mut errors: Option<syn::Error> = None;
    for path in paths {
        if let Err(e) = check_path(&path, crate_dir) {
            match &mut errors {
                Some(all) => all.combine(e),
                None => errors = Some(e),
            }
        }
    }
    errors.map_or(Ok(()), Err)
}

/// The names the manifests of one module record, merged over all its configurations.
#[derive(Debug, Default)]
struct ModuleNames {
    names: BTreeSet<String>,
    submodules: BTreeMap<String, ModuleNames>,
}

impl ModuleNames {
    fn add(&mut self, module: &ModuleOutline, exclude: &[String]) {
        let records = module.functions.iter().chain(&module.classes).chain(&module.constants);
        self.names.extend(records.map(|r| r.name.clone()));
        // `available` is the module's whole `dir()`, recorded when `include` narrowed it.
        self.names.extend(module.available.iter().cloned());
        // Excluded names exist; they were only left out of the bindings.
        self.names.extend(exclude.iter().map(|e| e.split('.').next().unwrap_or(e).to_owned()));
        for sub in &module.submodules {
            let short = sub.name.rsplit('.').next().unwrap_or(&sub.name).to_owned();
            self.names.insert(short.clone());
            self.submodules.entry(short).or_default().add(sub, &[]);
        }
    }
}

fn check_path(path: &[&Ident], crate_dir: &Path) -> syn::Result<()> {
    let dir = crate_dir.join(DIR_NAME);
    // The longest prefix with a manifest is the module: `os.path.join` prefers `os.path`.
    for split in (1..path.len()).rev() {
        let module = path[..split].iter().map(|i| i.to_string()).collect::<Vec<_>>().join(".");
        if let Some(known) = known_names(&dir, &module) {
            return check_in(&known, &module, &path[split..]);
        }
    }
    Ok(())
}

fn check_in(names: &ModuleNames, module: &str, rest: &[&Ident]) -> syn::Result<()> {
    let Some((first, more)) = rest.split_first() else { return Ok(()) };
    let name = first.to_string();
    if names.names.contains(&name) {
        return match names.submodules.get(&name) {
            Some(sub) => check_in(sub, &format!("{module}.{name}"), more),
            None => Ok(()),
        };
    }
    // Dunders and private names are never recorded; an empty manifest proves nothing.
    if name.starts_with('_') || names.names.is_empty() {
        return Ok(());
    }
    match closest(&name, names.names.iter().map(String::as_str)) {
        Some(suggestion) => Err(syn::Error::new(
            first.span(),
            // The files are not named: which configurations of a module a crate has is not the
            // point, and the message stays the same when one is added.
            format!(
                "`{module}` has no `{name}` according to its manifest in `{DIR_NAME}/`; did you mean `{suggestion}`?"
            ),
        )),
        None => Ok(()),
    }
}

/// Each maximal `name.attr.attr` path of the expression, as its identifiers.
fn collect_paths<'a>(e: &'a Expr, out: &mut Vec<Vec<&'a Ident>>) {
    if let Some(path) = path_idents(e) {
        if path.len() > 1 {
            out.push(path);
        }
        return;
    }
    let mut visit = |e: &'a Expr| collect_paths(e, out);
    match e {
        Expr::Name(_) | Expr::Interp(_) | Expr::Lit(..) => {}
        Expr::Attr { value, .. } => visit(value),
        Expr::Call { func, args } => {
            visit(func);
            for a in args {
                match a {
                    Arg::Pos(e) | Arg::Star(e) | Arg::Kw(_, e) | Arg::StarStar(e) => visit(e),
                }
            }
        }
        Expr::Index { value, index } => {
            visit(value);
            collect_subscript(index, out);
        }
        Expr::Unary { operand, .. } | Expr::Not(operand) => visit(operand),
        Expr::Binary { left, right, .. } => {
            visit(left);
            visit(right);
        }
        Expr::Compare { first, rest } => {
            visit(first);
            rest.iter().for_each(|(_, e)| visit(e));
        }
        Expr::BoolOp { values: items, .. } | Expr::Tuple(items) | Expr::List(items) | Expr::Set(items) => {
            items.iter().for_each(visit)
        }
        Expr::IfElse { body, test, orelse } => {
            visit(body);
            visit(test);
            visit(orelse);
        }
        Expr::Dict(pairs) => pairs.iter().for_each(|(k, v)| {
            visit(k);
            visit(v);
        }),
    }
}

fn collect_subscript<'a>(s: &'a Subscript, out: &mut Vec<Vec<&'a Ident>>) {
    match s {
        Subscript::Expr(e) => collect_paths(e, out),
        Subscript::Slice(a, b, c) => [a, b, c].into_iter().flatten().for_each(|e| collect_paths(e, out)),
        Subscript::Tuple(items) => items.iter().for_each(|i| collect_subscript(i, out)),
    }
}

fn path_idents(e: &Expr) -> Option<Vec<&Ident>> {
    match e {
        Expr::Name(n) => Some(vec![n]),
        Expr::Attr { value, name } => {
            let mut path = path_idents(value)?;
            path.push(name);
            Some(path)
        }
        _ => None,
    }
}

// ---------------------------------------------------------------- reading, cached per process

/// A cache entry is reused while the directory (files added, removed, renamed) and each of
/// the module's files keep their modification times: a few `stat` calls per check.
struct Entry {
    dir_modified: Option<SystemTime>,
    files: Vec<(PathBuf, Option<SystemTime>)>,
    known: Option<Arc<ModuleNames>>,
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The merged names of `module`'s manifests in `dir`, or `None` when it has none (or none
/// that can be read: a corrupt file is `#[python_module]`'s to report, not `python!`'s).
fn known_names(dir: &Path, module: &str) -> Option<Arc<ModuleNames>> {
    static CACHE: OnceLock<Mutex<HashMap<(PathBuf, String), Entry>>> = OnceLock::new();
    let dir_modified = modified(dir);
    dir_modified?;
    let cache = CACHE.get_or_init(Default::default);
    let key = (dir.to_path_buf(), module.to_owned());
    if let Some(entry) = cache.lock().ok()?.get(&key) {
        if entry.dir_modified == dir_modified && entry.files.iter().all(|(p, m)| modified(p) == *m) {
            return entry.known.clone();
        }
    }
    let files = module_files(dir, module);
    let stamps = files.iter().map(|p| (p.clone(), modified(p))).collect();
    let known = read_known(&files).map(Arc::new);
    cache.lock().ok()?.insert(key, Entry { dir_modified, files: stamps, known: known.clone() });
    known
}

/// `module.<fingerprint>.json` files: `os.` matches `os.1a2b3c4d.json` but not `os.path.….json`.
fn module_files(dir: &Path, module: &str) -> Vec<PathBuf> {
    let prefix = format!("{module}.");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let name = p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    name.strip_prefix(&prefix)
                        .and_then(|rest| rest.strip_suffix(".json"))
                        .is_some_and(|fingerprint| !fingerprint.is_empty() && !fingerprint.contains('.'))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn read_known(files: &[PathBuf]) -> Option<ModuleNames> {
    let mut names = ModuleNames::default();
    let mut read = 0;
    for file in files {
        let Ok(manifest) = read_outline(file) else { continue };
        names.add(&manifest.introspection, &manifest.config.exclude);
        read += 1;
    }
    (read > 0).then_some(names)
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
