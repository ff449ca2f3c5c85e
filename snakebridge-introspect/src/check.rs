//! Checks of the arguments against the manifest: every `include` entry exists, every
//! `streaming` and `idempotent` entry is a generated function. Errors point at the entry's string literal.

use crate::attr::ModuleArgs;
use crate::ctxt::Ctxt;
use crate::model::ModuleInfo;
use crate::suggest::did_you_mean;

/// Records an error for each `include` or `streaming` entry the module does not have.
pub fn check(cx: &Ctxt, args: &ModuleArgs, module: &ModuleInfo) {
    let mut missing = Vec::new();
    collect_missing(module, "", &mut missing);
    for (entry, span) in &args.include_spans {
        if let Some((_, candidates)) = missing.iter().find(|(m, _)| m == entry) {
            let last = entry.rsplit('.').next().unwrap_or(entry);
            let hint = did_you_mean(last, candidates.iter().map(String::as_str));
            cx.error_at(*span, format!("`{}` has no attribute `{entry}`{hint}", module.name));
        }
    }
    check_idempotent(cx, args, module);
    for (entry, span) in &args.streaming_spans {
        let Some((owner, name)) = owner_of(cx, "streaming", entry, *span, module) else { continue };
        let callables =
            || owner.functions.iter().map(|f| f.name.as_str()).chain(owner.classes.iter().map(|c| c.name.as_str()));
        if !callables().any(|f| f == name) {
            let hint = did_you_mean(name, callables());
            cx.error_at(
                *span,
                format!(
                    "`streaming` names `{entry}`, which is not a generated function or class of `{}`{hint}",
                    owner.name
                ),
            );
        }
    }
}

/// Each `idempotent` entry must be a generated module function (a class's calls make refs,
/// which are never cached).
fn check_idempotent(cx: &Ctxt, args: &ModuleArgs, module: &ModuleInfo) {
    for (entry, span) in &args.idempotent_spans {
        let Some((owner, name)) = owner_of(cx, "idempotent", entry, *span, module) else { continue };
        if owner.functions.iter().any(|f| f.name == name) {
            continue;
        }
        let hint = did_you_mean(name, owner.functions.iter().map(|f| f.name.as_str()));
        let what = if owner.classes.iter().any(|c| c.name == name) {
            format!(
                "`idempotent` names `{entry}`, a class: only functions are cached (a constructor's result is a ref)"
            )
        } else {
            format!("`idempotent` names `{entry}`, which is not a generated function of `{}`{hint}", owner.name)
        };
        cx.error_at(*span, what);
    }
}

/// The generated module an `argument` entry (`"name"` or `"sub.name"`) belongs to, and the
/// entry's last part; an error at the entry when that module is not generated.
fn owner_of<'a, 'e>(
    cx: &Ctxt,
    argument: &str,
    entry: &'e str,
    span: proc_macro2::Span,
    module: &'a ModuleInfo,
) -> Option<(&'a ModuleInfo, &'e str)> {
    let (path, name) = match entry.rsplit_once('.') {
        Some((path, name)) => (Some(path), name),
        None => (None, entry),
    };
    let owner = find_submodule(module, path);
    if owner.is_none() {
        cx.error_at(
            span,
            format!(
                "`{argument}` names `{entry}`, but its module is not generated; add it to `include` or `submodules`"
            ),
        );
    }
    owner.map(|owner| (owner, name))
}

fn collect_missing(module: &ModuleInfo, prefix: &str, out: &mut Vec<(String, Vec<String>)>) {
    for name in &module.missing {
        out.push((format!("{prefix}{name}"), module.available.clone()));
    }
    for sub in &module.submodules {
        let short = sub.name.rsplit('.').next().unwrap_or(&sub.name);
        collect_missing(sub, &format!("{prefix}{short}."), out);
    }
}

fn find_submodule<'a>(module: &'a ModuleInfo, path: Option<&str>) -> Option<&'a ModuleInfo> {
    let Some(path) = path else { return Some(module) };
    let mut current = module;
    for part in path.split('.') {
        current = current.submodules.iter().find(|s| s.name.rsplit('.').next() == Some(part))?;
    }
    Some(current)
}
