"""Introspection of a Python module for snakebridge's `#[python_module]`.

Run as a subprocess of the project's Python (never embedded in the compiler):

    python introspect.py '{"module": "numpy", "include": ["mean"], "exclude": [], "submodules": []}'

Writes one JSON document to stdout: either the module description (see SCHEMA_VERSION)
or {"error": {"kind": ..., "message": ..., "traceback": ...}}. Anything the imported
module prints goes to stderr so it cannot corrupt the JSON.

Bump SCHEMA_VERSION whenever the shape of the output changes: manifests written with
another version are regenerated.
"""

import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import os
import pkgutil
import re
import sys
import traceback
import types

SCHEMA_VERSION = 4

# Dunder methods that give a class a protocol the generated struct exposes.
PROTOCOL_DUNDERS = (
    "__len__", "__getitem__", "__setitem__", "__delitem__", "__contains__", "__iter__",
    "__next__", "__enter__", "__exit__", "__call__", "__str__", "__repr__", "__eq__",
    "__hash__", "__bool__", "__add__", "__sub__", "__mul__", "__truediv__", "__lt__",
)

REPR_LIMIT = 200

# `<object at 0x7f...>`: addresses change on every run; dropping them keeps manifests stable,
# so an unchanged module never rewrites its manifest (and never triggers a rebuild).
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


class ConfigError(Exception):
    pass


# ---------------------------------------------------------------- annotations

def annotation_text(annotation):
    """The annotation as source text, or None when there is none."""
    if annotation is inspect.Parameter.empty or annotation is inspect.Signature.empty:
        return None
    if isinstance(annotation, str):
        return annotation
    if annotation is None or annotation is type(None):
        return "None"
    try:
        text = inspect.formatannotation(annotation)
    except Exception:
        text = repr(annotation)
    return text.replace("typing.", "")


def short_repr(value):
    try:
        text = repr(value)
    except Exception:
        text = "<unrepresentable {}>".format(type(value).__name__)
    text = ADDRESS.sub("", text)
    if len(text) > REPR_LIMIT:
        text = text[:REPR_LIMIT] + "..."
    return text


# ---------------------------------------------------------------- signatures

KIND_NAMES = {
    inspect.Parameter.POSITIONAL_ONLY: "positional_only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional_or_keyword",
    inspect.Parameter.VAR_POSITIONAL: "var_positional",
    inspect.Parameter.KEYWORD_ONLY: "keyword_only",
    inspect.Parameter.VAR_KEYWORD: "var_keyword",
}


def runtime_signature(obj):
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = []
    for p in sig.parameters.values():
        has_default = p.default is not inspect.Parameter.empty
        params.append(param_record(
            p.name, KIND_NAMES[p.kind], has_default,
            short_repr(p.default) if has_default else None,
            annotation_text(p.annotation),
        ))
    source = "text_signature" if getattr(obj, "__text_signature__", None) else "inspect"
    return {"text": ADDRESS.sub("", str(sig)), "params": params, "returns": annotation_text(sig.return_annotation), "source": source}


def doc_of(obj):
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    if not isinstance(doc, str):
        return None
    return inspect.cleandoc(doc)


def defining_module(obj, fallback):
    mod = getattr(obj, "__module__", None)
    return mod if isinstance(mod, str) else fallback


def function_record(name, obj, modname):
    """A function from its runtime signature, typed from the stubs; `obj` None for a name
    that only the stubs have."""
    record = {"name": name, "doc": doc_of(obj) if obj is not None else None}
    sig = runtime_signature(obj) if obj is not None else None
    home = defining_module(obj, modname) if obj is not None else modname
    found = STUBS.function(home, getattr(obj, "__name__", name) or name) or STUBS.function(modname, name)
    if found:
        overloads, stub_module, label, is_method = found
        sig = merge_stub(sig, stub_signature(overloads, is_method, stub_module, label, sig), record)
    else:
        note_parse_failure(record, home, modname)
    record["signature"] = typed_from_source(record, sig, obj)
    return record


def typed_from_source(record, sig, func, selfclass=None):
    """`sig` with the return type `func`'s source gives (returns.py) when nothing else typed it
    (and no stub was refused: the item then stays untyped, as its note says)."""
    if sig is None or func is None or "stub_note" in record or sig.get("returns") is not None or sig.get("stub"):
        return sig
    found = source_return(func, selfclass)
    if found is not None:
        sig["returns"] = found
        sig["stub"] = "source"
    return sig


def note_parse_failure(record, *modules):
    for module in modules:
        if module in STUBS.failures:
            record["stub_note"] = STUBS.failures[module] + "; left untyped"
            return


def stub_member(cls, klass, attr):
    """The stub definitions of a class member: on the class that defines it, else on `cls`."""
    return STUBS.member(defining_module(klass, ""), klass.__name__, attr) \
        or STUBS.member(defining_module(cls, ""), cls.__name__, attr)


def typed_method(record, cls, klass, attr, sig, drop_self):
    found = stub_member(cls, klass, attr)
    if found is None:
        return sig
    defs, stub_module, label = found
    selfclass = "@" + qualified(cls)
    return merge_stub(sig, stub_signature(defs, drop_self, stub_module, label, sig, selfclass), record)


def stub_init(cls):
    for dunder in ("__init__", "__new__"):
        found = stub_member(cls, cls, dunder)
        if found is not None:
            defs, stub_module, label = found
            return stub_signature(defs, True, stub_module, label, None, "@" + qualified(cls))
    return None


def stub_property(cls, klass, attr):
    found = stub_member(cls, klass, attr)
    if found is None:
        return None
    defs, stub_module, label = found
    return STUBS.text(defs[0].returns, stub_module, label, "@" + qualified(cls))


# ---------------------------------------------------------------- classes

def class_record(name, cls, modname):
    init = None
    try:
        init = runtime_signature(cls)
    except Exception:
        init = None
    if init is not None and init["text"] in ("(*args, **kwargs)", "(self, /, *args, **kwargs)"):
        init = None
    if init is None:
        init = stub_init(cls)
    methods, properties, attributes = [], [], []
    seen = set()
    for klass in cls.__mro__:
        if klass is object:
            continue
        owner = qualified(klass)
        counts = (len(methods), len(properties))
        for attr, raw in sorted(vars(klass).items()):
            if attr in seen or attr.startswith("_"):
                continue
            seen.add(attr)
            try:
                if isinstance(raw, (staticmethod, classmethod)):
                    func = raw.__func__
                    sig = runtime_signature(func)
                    if isinstance(raw, classmethod) and sig and sig["params"]:
                        sig["params"] = sig["params"][1:]
                        sig["text"] = None
                    method = {"name": attr, "kind": "static" if isinstance(raw, staticmethod) else "class",
                              "doc": doc_of(func)}
                    method["signature"] = typed_from_source(
                        method, typed_method(method, cls, klass, attr, sig, isinstance(raw, classmethod)), func)
                    methods.append(method)
                elif type(raw).__name__ in ("classmethod_descriptor", "builtin_function_or_method"):
                    # C class methods (date.today) and C static methods (str.maketrans),
                    # reached through the class so that the signature has no `cls`.
                    bound = getattr(cls, attr)
                    method = {"name": attr, "kind": "class", "doc": doc_of(bound)}
                    method["signature"] = typed_method(method, cls, klass, attr, runtime_signature(bound), True)
                    methods.append(method)
                elif isinstance(raw, property):
                    annotation = annotation_text(inspect.signature(raw.fget).return_annotation) \
                        if raw.fget is not None and _has_signature(raw.fget) else None
                    properties.append({"name": attr, "doc": doc_of(raw), "writable": raw.fset is not None,
                                       "annotation": annotation or stub_property(cls, klass, attr)})
                elif inspect.isgetsetdescriptor(raw) or inspect.ismemberdescriptor(raw):
                    properties.append({"name": attr, "doc": doc_of(raw), "writable": False,
                                       "annotation": stub_property(cls, klass, attr)})
                elif callable(raw) and (inspect.isroutine(raw) or inspect.ismethoddescriptor(raw)):
                    sig = runtime_signature(raw)
                    if sig is not None and sig["params"] and sig["params"][0]["kind"] in ("positional_only", "positional_or_keyword"):
                        sig["params"] = sig["params"][1:]
                        sig["text"] = None
                    method = {"name": attr, "kind": "instance", "doc": doc_of(raw)}
                    method["signature"] = typed_from_source(
                        method, typed_method(method, cls, klass, attr, sig, True), raw, "@" + qualified(cls))
                    methods.append(method)
                elif not inspect.isclass(raw) and not isinstance(raw, types.ModuleType):
                    attributes.append(constant_record(attr, raw))
            except Exception:
                continue
        for record in methods[counts[0]:] + properties[counts[1]:]:
            record["owner"] = owner
    dunders = sorted(d for d in PROTOCOL_DUNDERS if any(d in vars(k) for k in cls.__mro__ if k is not object))
    return {
        "name": name,
        "qualname": qualified(cls),
        "doc": doc_of(cls),
        "bases": [qualified(b) for b in cls.__bases__ if b is not object],
        "mro": [qualified(k) for k in cls.__mro__ if k is not object],
        "init": init,
        "methods": methods,
        "properties": properties,
        "attributes": attributes,
        "dunders": dunders,
    }


def qualified(klass):
    return "{}.{}".format(klass.__module__, klass.__qualname__)


def _has_signature(func):
    try:
        inspect.signature(func)
        return True
    except (TypeError, ValueError):
        return False


def constant_record(name, value):
    t = type(value)
    return {"name": name, "type": t.__name__ if t.__module__ == "builtins" else "{}.{}".format(t.__module__, t.__qualname__),
            "repr": short_repr(value)}


# ---------------------------------------------------------------- modules

def has_attr(obj, name):
    """hasattr that also takes a failing lazy attribute (a module `__getattr__` importing an
    optional dependency, as ray's `ray.data` needs pyarrow) as absent instead of failing."""
    try:
        getattr(obj, name)
        return True
    except Exception:
        return False


def public_names(module):
    exported = getattr(module, "__all__", None)
    if isinstance(exported, (list, tuple)):
        return [n for n in exported if isinstance(n, str) and has_attr(module, n)], True
    return [n for n in dir(module) if not n.startswith("_")], False


def top_package(name):
    return name.split(".")[0].lstrip("_")


def belongs(obj, module, has_all):
    """Without __all__, names imported from other packages (typing.Any...) are not the module's API."""
    if has_all:
        return True
    owner = getattr(obj, "__module__", None)
    if not isinstance(owner, str) or owner == "builtins":
        return True
    return top_package(owner) == top_package(module.__name__)


def is_submodule(obj, module):
    return isinstance(obj, types.ModuleType) and obj.__name__.startswith(module.__name__ + ".")


def stub_only(modname, name):
    """Whether modname.name is a function only the stubs know (a lazily created attribute)."""
    return STUBS.function(modname, name) is not None


# A class a stub names that lives in a private module (`_hashlib.HASH`) is bound next to the
# items that return it: no public module binds it, and a struct is worth more than a `Ref`.
FOREIGN_LIMIT = 16
MARKER = re.compile(r"@([A-Za-z_][\w.]*)")


def private_module(name):
    return any(part.startswith("_") for part in name.split("."))


def foreign_classes(record):
    bound = {c["qualname"] for c in record["classes"]}
    names = {c["name"] for c in record["classes"]} | {f["name"] for f in record["functions"]}
    wanted = []
    signatures = [f.get("signature") for f in record["functions"]]
    for c in record["classes"]:
        signatures.extend(m.get("signature") for m in c["methods"])
    for sig in signatures:
        for qual in MARKER.findall((sig or {}).get("returns") or ""):
            if qual not in bound and qual not in wanted:
                wanted.append(qual)
    for qual in wanted[:FOREIGN_LIMIT]:
        module, _, name = qual.rpartition(".")
        cls = getattr(sys.modules.get(module), name, None)
        if not private_module(module) or not isinstance(cls, type) or name in names:
            continue
        try:
            found = class_record(name, cls, module)
        except Exception:
            continue
        found["module"] = module
        record["classes"].append(found)
        names.add(name)


def introspect_module(modname, include, exclude, submodules, depth=0, max_depth=1):
    module = importlib.import_module(modname)
    names, has_all = public_names(module)
    available = sorted(set(names) | {n for n in dir(module) if not n.startswith("_")})
    direct, nested, missing = [], {}, []
    if include:
        for item in include:
            head, dot, rest = item.partition(".")
            if dot:
                nested.setdefault(head, []).append(rest)
            elif has_attr(module, item) or stub_only(modname, item):
                direct.append(item)
            else:
                missing.append(item)
    else:
        direct = names
    excluded = set(exclude)
    record = {"name": modname, "doc": doc_of(module), "functions": [], "classes": [], "constants": [],
              "submodules": [], "missing": missing, "available": available if include else []}
    for name in sorted(set(direct)):
        if name in excluded:
            continue
        if not hasattr(module, name):
            record["functions"].append(function_record(name, None, modname))
            continue
        obj = getattr(module, name)
        if isinstance(obj, types.ModuleType):
            if is_submodule(obj, module) and not include:
                continue
            nested.setdefault(name, [])
            continue
        if not include and not belongs(obj, module, has_all):
            continue
        try:
            if inspect.isclass(obj):
                record["classes"].append(class_record(name, obj, modname))
            elif callable(obj):
                record["functions"].append(function_record(name, obj, modname))
            else:
                record["constants"].append(constant_record(name, obj))
        except Exception:
            continue
    wanted = dict(nested)
    foreign_classes(record)
    if submodules is True and depth < max_depth and hasattr(module, "__path__"):
        for info in pkgutil.iter_modules(module.__path__):
            if not info.name.startswith("_") and info.name not in ("tests", "testing", "conftest"):
                wanted.setdefault(info.name, [])
    elif isinstance(submodules, list) and depth == 0:
        for name in submodules:
            wanted.setdefault(name, [])
    for name in sorted(wanted):
        if name in excluded:
            continue
        try:
            walk = submodules is True and not wanted[name] and depth + 1 < max_depth
            record["submodules"].append(
                introspect_module(modname + "." + name, wanted[name], [], walk, depth + 1, max_depth))
        except ImportError:
            if include and name in nested:
                missing.extend([name + "." + rest for rest in nested[name]] or [name])
            continue
        except Exception:
            continue
    return record


def package_info(modname):
    top = modname.split(".")[0]
    try:
        dists = importlib.metadata.packages_distributions().get(top) or []
    except Exception:
        dists = []
    for dist in dists:
        try:
            return {"distribution": dist, "version": importlib.metadata.version(dist)}
        except importlib.metadata.PackageNotFoundError:
            continue
    info = {"distribution": None, "version": "{}.{}.{}".format(*sys.version_info[:3])}
    if top not in sys.stdlib_module_names:
        info["sources"] = [{"path": path} for path in local_sources(sys.modules.get(top))]
    return info


def local_sources(module):
    """The files of a project's own top-level module or package: what an edit changes."""
    if module is None:
        return []
    files = []
    for root in getattr(module, "__path__", None) or []:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
            files.extend(os.path.join(dirpath, f) for f in sorted(filenames) if f.endswith((".py", ".pyi")))
    if not files and getattr(module, "__file__", None):
        files.append(module.__file__)
        stub = os.path.splitext(module.__file__)[0] + ".pyi"
        if os.path.isfile(stub):
            files.append(stub)
    return files


def classify_import_error(modname, err):
    if isinstance(err, ModuleNotFoundError) and err.name and (modname == err.name or modname.startswith(err.name + ".")):
        return "package_not_found"
    return "import_error"


def main(argv):
    real_stdout = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        if len(argv) != 2:
            raise ConfigError("usage: introspect.py '<json config>'")
        config = json.loads(argv[1])
        modname = config["module"]
        try:
            importlib.import_module(modname)
        except BaseException as err:  # an import may raise anything, SystemExit included
            result = {"error": {"kind": classify_import_error(modname, err), "message": "{}: {}".format(type(err).__name__, err),
                                "traceback": traceback.format_exc()}}
        else:
            result = {
                "schema_version": SCHEMA_VERSION,
                "python_version": "{}.{}.{}".format(*sys.version_info[:3]),
                "package": package_info(modname),
                "module": introspect_module(modname, config.get("include") or [], config.get("exclude") or [],
                                            config.get("submodules") or [], 0, config.get("submodule_depth") or 1),
            }
    except Exception as err:
        result = {"error": {"kind": "introspection_bug", "message": "{}: {}".format(type(err).__name__, err),
                            "traceback": traceback.format_exc()}}
    json.dump(result, real_stdout, sort_keys=False)
    real_stdout.write("\n")
    real_stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
