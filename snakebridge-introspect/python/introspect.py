"""Introspection of a Python module for snakebridge's `#[python_module]`.

Run as a subprocess of the project's Python (never embedded in the compiler):

    python introspect.py '{"module": "numpy", "include": ["mean"], "exclude": [], "submodules": []}'

Writes one JSON document to stdout: either the module description (see SCHEMA_VERSION)
or {"error": {"kind": ..., "message": ..., "traceback": ...}}. Anything the imported
module prints goes to stderr so it cannot corrupt the JSON.

Bump SCHEMA_VERSION whenever the shape of the output changes: manifests written with
another version are regenerated.
"""

import ast
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

SCHEMA_VERSION = 3

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


# ---------------------------------------------------------------- .pyi stubs

class Stubs:
    """Finds function signatures in the .pyi stubs a package ships (numpy does)."""

    def __init__(self):
        self._parsed = {}

    def _stub_path(self, modname):
        try:
            spec = importlib.util.find_spec(modname)
        except Exception:
            return None
        if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
            return None
        origin = spec.origin
        base, _ = os.path.splitext(origin)
        candidates = [base + ".pyi"]
        if os.path.basename(base).startswith("__init__") is False:
            # C extensions are named foo.cpython-311-x86_64-linux-gnu.so; the stub is foo.pyi.
            candidates.append(os.path.join(os.path.dirname(origin), modname.rsplit(".", 1)[-1] + ".pyi"))
        for path in candidates:
            if os.path.isfile(path):
                return path
        return None

    def _module(self, modname):
        if modname in self._parsed:
            return self._parsed[modname]
        entry = None
        path = self._stub_path(modname)
        if path is not None:
            try:
                with open(path, encoding="utf-8") as f:
                    tree = ast.parse(f.read(), filename=path)
                entry = self._index(tree, modname, path.endswith("__init__.pyi"))
            except (OSError, SyntaxError, ValueError):
                entry = None
        self._parsed[modname] = entry
        return entry

    @staticmethod
    def _index(tree, modname, is_package):
        defs, classes, imports = {}, {}, {}
        package = modname if is_package else modname.rpartition(".")[0]
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs.setdefault(node.name, []).append(node)
            elif isinstance(node, ast.ClassDef):
                classes[node.name] = node
            elif isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    parts = package.split(".")
                    if node.level > 1:
                        parts = parts[: len(parts) - (node.level - 1)]
                    source = ".".join(p for p in parts + ([source] if source else []) if p)
                for alias in node.names:
                    imports[alias.asname or alias.name] = (source, alias.name)
        return {"defs": defs, "classes": classes, "imports": imports}

    def function(self, modname, name, depth=0):
        """The list of overload `ast.FunctionDef`s for modname.name, following re-exports."""
        entry = self._module(modname)
        if entry is None or depth > 4:
            return None
        if name in entry["defs"]:
            return entry["defs"][name]
        if name in entry["imports"]:
            source, original = entry["imports"][name]
            return self.function(source, original, depth + 1)
        return None

    def method(self, modname, classname, name, depth=0):
        entry = self._module(modname)
        if entry is None or depth > 4:
            return None
        if classname in entry["classes"]:
            found = [n for n in entry["classes"][classname].body
                     if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]
            return found or None
        if classname in entry["imports"]:
            source, original = entry["imports"][classname]
            return self.method(source, original, name, depth + 1)
        return None


STUBS = Stubs()


def stub_signature(overloads, drop_self):
    """A signature record from stub overloads: annotations kept only where all overloads agree."""
    first = overloads[0]
    params = params_from_ast(first.args)
    if drop_self and params and params[0]["kind"] in ("positional_only", "positional_or_keyword"):
        params = params[1:]
    returns = [ast_text(o.returns) for o in overloads]
    for other in overloads[1:]:
        other_params = params_from_ast(other.args)
        if drop_self and other_params:
            other_params = other_params[1:]
        by_name = {p["name"]: p for p in other_params}
        for p in params:
            q = by_name.get(p["name"])
            if q is None or q["annotation"] != p["annotation"]:
                p["annotation"] = None
    return {
        "text": None,
        "params": params,
        "returns": returns[0] if all(r == returns[0] for r in returns) else None,
        "source": "stub",
    }


def ast_text(node):
    if node is None:
        return None
    try:
        return ast.unparse(node)
    except Exception:
        return None


def params_from_ast(args):
    out = []
    positional = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        kind = "positional_only" if i < len(args.posonlyargs) else "positional_or_keyword"
        out.append(param_record(arg.arg, kind, default is not None, ast_text(default), ast_text(arg.annotation)))
    if args.vararg is not None:
        out.append(param_record(args.vararg.arg, "var_positional", False, None, ast_text(args.vararg.annotation)))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        out.append(param_record(arg.arg, "keyword_only", default is not None, ast_text(default), ast_text(arg.annotation)))
    if args.kwarg is not None:
        out.append(param_record(args.kwarg.arg, "var_keyword", False, None, ast_text(args.kwarg.annotation)))
    return out


def param_record(name, kind, has_default, default, annotation):
    return {"name": name, "kind": kind, "has_default": has_default, "default": default, "annotation": annotation}


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


def merge_stub(sig, stub):
    """Fills missing annotations of a runtime signature from a stub signature of the same shape."""
    if sig is None:
        return stub
    if stub is None:
        return sig
    by_name = {p["name"]: p for p in stub["params"]}
    if set(by_name) != {p["name"] for p in sig["params"]}:
        return sig
    used = False
    for p in sig["params"]:
        if p["annotation"] is None and by_name[p["name"]]["annotation"] is not None:
            p["annotation"] = by_name[p["name"]]["annotation"]
            used = True
    if sig["returns"] is None and stub["returns"] is not None:
        sig["returns"] = stub["returns"]
        used = True
    if used:
        sig["source"] = sig["source"] + "+stub"
    return sig


def doc_of(obj):
    doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else getattr(obj, "__doc__", None)
    if not isinstance(doc, str):
        return None
    return inspect.cleandoc(doc)


def defining_module(obj, fallback):
    mod = getattr(obj, "__module__", None)
    return mod if isinstance(mod, str) else fallback


def function_record(name, obj, modname):
    sig = runtime_signature(obj)
    overloads = STUBS.function(defining_module(obj, modname), getattr(obj, "__name__", name)) \
        or STUBS.function(modname, name)
    stub = stub_signature(overloads, drop_self=False) if overloads else None
    sig = merge_stub(sig, stub)
    return {"name": name, "doc": doc_of(obj), "signature": sig}


# ---------------------------------------------------------------- classes

def class_record(name, cls, modname):
    init = None
    try:
        init = runtime_signature(cls)
    except Exception:
        init = None
    if init is not None and init["text"] in ("(*args, **kwargs)", "(self, /, *args, **kwargs)"):
        init = None
    methods, properties, attributes = [], [], []
    seen = set()
    stub_module = defining_module(cls, modname)
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
                    methods.append({"name": attr, "kind": "static" if isinstance(raw, staticmethod) else "class",
                                    "doc": doc_of(func), "signature": sig})
                elif type(raw).__name__ in ("classmethod_descriptor", "builtin_function_or_method"):
                    # C class methods (date.today) and C static methods (str.maketrans),
                    # reached through the class so that the signature has no `cls`.
                    bound = getattr(cls, attr)
                    methods.append({"name": attr, "kind": "class", "doc": doc_of(bound), "signature": runtime_signature(bound)})
                elif isinstance(raw, property):
                    properties.append({"name": attr, "doc": doc_of(raw), "writable": raw.fset is not None,
                                       "annotation": annotation_text(inspect.signature(raw.fget).return_annotation)
                                       if raw.fget is not None and _has_signature(raw.fget) else None})
                elif inspect.isgetsetdescriptor(raw) or inspect.ismemberdescriptor(raw):
                    properties.append({"name": attr, "doc": doc_of(raw), "writable": False, "annotation": None})
                elif callable(raw) and (inspect.isroutine(raw) or inspect.ismethoddescriptor(raw)):
                    sig = runtime_signature(raw)
                    if sig is not None and sig["params"] and sig["params"][0]["kind"] in ("positional_only", "positional_or_keyword"):
                        sig["params"] = sig["params"][1:]
                        sig["text"] = None
                    overloads = STUBS.method(stub_module, cls.__name__, attr)
                    if overloads:
                        sig = merge_stub(sig, stub_signature(overloads, drop_self=True))
                    methods.append({"name": attr, "kind": "instance", "doc": doc_of(raw), "signature": sig})
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


def introspect_module(modname, include, exclude, submodules, depth=0):
    module = importlib.import_module(modname)
    names, has_all = public_names(module)
    available = sorted(set(names) | {n for n in dir(module) if not n.startswith("_")})
    direct, nested, missing = [], {}, []
    if include:
        for item in include:
            head, dot, rest = item.partition(".")
            if dot:
                nested.setdefault(head, []).append(rest)
            elif has_attr(module, item):
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
    if submodules is True and depth == 0 and hasattr(module, "__path__"):
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
            record["submodules"].append(introspect_module(modname + "." + name, wanted[name], [], False, depth + 1))
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
    return {"distribution": None, "version": "{}.{}.{}".format(*sys.version_info[:3])}


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
                                            config.get("submodules") or []),
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
