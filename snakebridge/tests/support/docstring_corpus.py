"""Docstrings of real libraries, and what the `docstring_parser` package makes of them.

Used by the docstring tests and bench (tests/docstrings_*.rs, benches/docstrings.rs) through
the embedded interpreter: the docstrings come from the installed numpy and the standard
library at test time, not from pasted copies.
"""

import importlib
import inspect
import json
import warnings

STDLIB = [
    "math", "os", "os.path", "json", "re", "collections", "itertools", "functools",
    "subprocess", "pathlib", "datetime", "statistics", "textwrap", "shutil", "random",
    "string", "argparse", "logging", "inspect",
]

PARAM_KEYS = {"param", "parameter", "arg", "argument", "key", "keyword", "other_param", "receives"}


def _docs_of(modname, seen):
    module = importlib.import_module(modname)
    found = []
    if isinstance(module.__doc__, str) and module.__doc__.strip():
        found.append((modname, module.__doc__))
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                obj = getattr(module, name)
            except Exception:
                continue
        if not (callable(obj) or inspect.ismodule(obj)):
            continue
        doc = getattr(obj, "__doc__", None)
        if isinstance(doc, str) and doc.strip():
            found.append((f"{modname}.{name}", doc))
    out = []
    for qualname, doc in found:
        if doc not in seen:
            seen.add(doc)
            out.append({"name": qualname, "doc": doc})
    return out


def docstrings(modules):
    """[{name, doc}] for every public callable/module of `modules` (a list), deduplicated."""
    seen = set()
    out = []
    for modname in modules:
        out.extend(_docs_of(modname, seen))
    return out


def docstrings_json(modules):
    return json.dumps(docstrings(modules))


def numpy_json():
    return docstrings_json(["numpy"])


def _reference(doc):
    import docstring_parser as dp

    try:
        parsed = dp.parse(doc)
    except Exception as exc:  # docstring_parser raises ParseError on some inputs
        return {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "style": parsed.style.name if parsed.style else None,
        "params": [p.arg_name for p in parsed.params if p.args and p.args[0] in PARAM_KEYS],
        "returns": [r.type_name for r in parsed.many_returns if not r.is_generator],
        "raises": [r.type_name for r in parsed.raises],
    }


def differential_json():
    """numpy's top level and the STDLIB modules, each docstring with docstring_parser's reading."""
    items = docstrings(["numpy"] + STDLIB)
    for item in items:
        item["reference"] = _reference(item["doc"])
    return json.dumps(items)


def _resolve(path):
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(path)


def object_json(path):
    """The raw __doc__ of the object at a dotted path and its signature's parameter names."""
    obj = _resolve(path)
    try:
        params = [
            p.name for p in inspect.signature(obj).parameters.values()
            if p.name != "self"
        ]
    except (TypeError, ValueError):
        params = None
    return json.dumps({"doc": obj.__doc__, "params": params})


_NUMPY_DOCS = None


def reference_parse_numpy():
    """docstring_parser.parse over numpy's top-level docstrings: the bench's comparison."""
    global _NUMPY_DOCS
    import docstring_parser as dp

    if _NUMPY_DOCS is None:
        _NUMPY_DOCS = [item["doc"] for item in docstrings(["numpy"])]
    count = 0
    for doc in _NUMPY_DOCS:
        try:
            count += len(dp.parse(doc).params)
        except Exception:
            pass
    return count
