//! The model's findings as compile errors, each at the token the user can change: a `rename`
//! entry, else the `include` entry that brought the item in, else the module's name.

use proc_macro2::Span;

use crate::attr::ModuleArgs;
use crate::ctxt::Ctxt;
use crate::plan::{rename_keys, Collision, Plan};
use crate::suggest::did_you_mean;

/// Records an error for each collision and each `rename` entry that names nothing.
pub(super) fn plan_errors(cx: &Ctxt, args: &ModuleArgs, model: &Plan<'_>) {
    for collision in &model.collisions {
        cx.error_at(span_of(args, collision), collision.message());
    }
    if model.unused_renames.is_empty() {
        return;
    }
    let keys = rename_keys(model.module.info);
    for &i in &model.unused_renames {
        let rename = &args.renames[i];
        let hint = did_you_mean(&rename.python, keys.iter().map(String::as_str));
        cx.error_at(
            rename.span,
            format!(
                "`rename` names `{}`, but `{}` generates no function, class, constant, submodule or class member by that Python name \
                 (a `_with`, `_stream` or `set_` variant is renamed through the item it comes from){hint}",
                rename.python, args.config.module
            ),
        );
    }
}

fn span_of(args: &ModuleArgs, collision: &Collision) -> Span {
    let keys = || collision.claims.iter().rev().filter_map(|c| c.key.as_deref());
    if let Some(span) = keys().find_map(|k| args.renames.iter().find(|r| r.python == k).map(|r| r.span)) {
        return span;
    }
    let included = |key: &str| {
        args.include_spans
            .iter()
            .find(|(entry, _)| {
                key == entry || key.strip_prefix(entry.as_str()).is_some_and(|rest| rest.starts_with('.'))
            })
            .map(|(_, span)| *span)
    };
    keys().find_map(included).unwrap_or(args.module_span)
}
