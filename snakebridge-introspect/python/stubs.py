"""Type stubs for introspect.py: where they are found, how they are read, what their
annotations say once aliases are expanded. Concatenated before introspect.py into the one
`python -c` script (see `SCRIPT` in snakebridge-introspect/src/introspect/mod.rs).

Stub sources, tried in this order for each item (the first that defines it wins):

1. `inline`: a `.pyi` file the package itself ships next to the module (numpy does);
2. `stubs:<distribution>`: an installed PEP 561 stub package, the `<pkg>-stubs` directory on
   `sys.path` (`pandas-stubs`, `scipy-stubs`, and `types-requests`, which installs `requests-stubs`);
3. `typeshed`: typeshed's standard-library stubs, from the directory `SNAKEBRIDGE_TYPESHED`
   names, else the copy the PyPI package `typeshed_client` bundles, else the one mypy bundles.

Annotations from sources 2 and 3 are normalized: aliases expanded (`_SupportsFloatOrIndex` is
`SupportsFloat | SupportsIndex`), type variables read as `Any`, `Self` as the class, and a
class written as `@module.QualName` (its runtime home when the module is loaded). Names the
Rust mapping knows (`StrPath`, `ReadableBuffer`, `SupportsIndex`, ...) stay as they are.
Inline stubs keep their text as written: numpy's array annotations are read from it.
"""

import ast
import importlib.metadata
import importlib.util
import os
import sys
import types

# Names the Rust type mapping reads itself: never expanded, written by their last segment.
KNOWN_NAMES = frozenset((
    "int", "float", "str", "bool", "bytes", "complex", "bytearray", "memoryview", "object", "type",
    "list", "dict", "tuple", "set", "frozenset", "List", "Dict", "Tuple", "Set", "FrozenSet",
    "Optional", "Union", "Literal", "LiteralString", "Any", "Never", "NoReturn",
    "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection", "Mapping", "Callable",
    "StrPath", "BytesPath", "StrOrBytesPath", "GenericPath", "PathLike",
    "ReadableBuffer", "WriteableBuffer", "Buffer",
    "SupportsFloat", "SupportsIndex", "SupportsInt", "ConvertibleToInt", "ConvertibleToFloat",
    "NDArray", "ArrayLike", "DTypeLike",
))

# typing constructs whose subscript is read as the inner type.
TRANSPARENT = frozenset(("Annotated", "Final", "ClassVar", "Required", "NotRequired", "ReadOnly", "TypeGuard"))

TYPEVAR_MAKERS = frozenset(("TypeVar", "ParamSpec", "TypeVarTuple", "NewType"))


def _condition(test):
    """The value of a stub's `if sys.version_info >= ...` / `sys.platform == ...`; None when unknown."""
    try:
        code = compile(ast.Expression(test), "<stub condition>", "eval")
        facts = types.SimpleNamespace(version_info=sys.version_info, platform=sys.platform)
        return bool(eval(code, {"__builtins__": {}, "sys": facts}))  # noqa: S307 (names restricted)
    except Exception:
        return None


def _flat(body):
    """The statements of a stub body with version and platform branches decided."""
    for node in body:
        if isinstance(node, ast.If):
            value = _condition(node.test)
            if value is not False:
                yield from _flat(node.body)
            if value is not True:
                yield from _flat(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _flat(node.body)
        else:
            yield node


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return head + "." + node.attr if head else None
    return None


def _typeshed_dir():
    configured = os.environ.get("SNAKEBRIDGE_TYPESHED")
    if configured:
        return configured if os.path.isdir(configured) else None
    for package, sub in (("typeshed_client", "typeshed"), ("mypy", os.path.join("typeshed", "stdlib"))):
        try:
            spec = importlib.util.find_spec(package)
        except Exception:
            spec = None
        if spec is not None and spec.origin:
            path = os.path.join(os.path.dirname(spec.origin), sub)
            if os.path.isdir(path):
                return path
    return None


def _file_in(root, parts):
    for path in (os.path.join(root, *parts) + ".pyi", os.path.join(root, *parts, "__init__.pyi")):
        if os.path.isfile(path):
            return path
    return None


class Stubs:
    """Every stub file a module has, in source order, parsed once and indexed."""

    def __init__(self):
        self._entries = {}
        self._typeshed = False
        self._distributions = None
        self.failures = {}

    # ------------------------------------------------------------ finding files

    def _inline_path(self, modname):
        try:
            spec = importlib.util.find_spec(modname)
        except Exception:
            return None
        if spec is None or not spec.origin or spec.origin in ("built-in", "frozen"):
            return None
        base, _ = os.path.splitext(spec.origin)
        candidates = [base + ".pyi"]
        if not os.path.basename(base).startswith("__init__"):
            # C extensions are named foo.cpython-311-x86_64-linux-gnu.so; the stub is foo.pyi.
            candidates.append(os.path.join(os.path.dirname(spec.origin), modname.rsplit(".", 1)[-1] + ".pyi"))
        return next((p for p in candidates if os.path.isfile(p)), None)

    def _stub_package(self, modname):
        parts = modname.split(".")
        for entry in sys.path:
            root = os.path.join(entry or ".", parts[0] + "-stubs")
            if os.path.isdir(root):
                path = _file_in(root, parts[1:])
                if path is not None:
                    return path, "stubs:" + self._distribution(parts[0] + "-stubs")
        return None

    def _distribution(self, directory):
        if self._distributions is None:
            try:
                self._distributions = importlib.metadata.packages_distributions()
            except Exception:
                self._distributions = {}
        found = self._distributions.get(directory) or []
        return found[0] if found else directory

    def _typeshed_path(self, modname):
        if self._typeshed is False:
            self._typeshed = _typeshed_dir()
        if self._typeshed is None:
            return None
        return _file_in(self._typeshed, modname.split("."))

    def sources(self, modname):
        """[(label, index)] for modname, in source order."""
        if modname in self._entries:
            return self._entries[modname]
        found = []
        inline = self._inline_path(modname)
        if inline:
            found.append((inline, "inline"))
        package = self._stub_package(modname)
        if package:
            found.append(package)
        typeshed = self._typeshed_path(modname)
        if typeshed:
            found.append((typeshed, "typeshed"))
        entries = []
        for path, label in found:
            try:
                with open(path, encoding="utf-8") as f:
                    tree = ast.parse(f.read(), filename=path)
            except (OSError, SyntaxError, ValueError) as err:
                # The file's name only: a manifest must not hold this machine's paths.
                where = os.path.join(os.path.basename(os.path.dirname(path)), os.path.basename(path))
                reason = err.msg if isinstance(err, SyntaxError) else type(err).__name__
                self.failures[modname] = "the {} stub {} does not parse ({}, line {})".format(
                    label, where, reason, getattr(err, "lineno", "?"))
                continue
            entries.append((label, self._index(tree, modname, path.endswith("__init__.pyi"))))
        self._entries[modname] = entries
        return entries

    @staticmethod
    def _index(tree, modname, is_package):
        index = {"defs": {}, "classes": {}, "aliases": {}, "typevars": set(), "imports": {}, "modules": {},
                 "star": [], "module": modname, "bound": {}, "variables": {}}
        package = modname if is_package else modname.rpartition(".")[0]
        for node in _flat(tree.body):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                index["defs"].setdefault(node.name, []).append(node)
            elif isinstance(node, ast.ClassDef):
                index["classes"][node.name] = node
            elif isinstance(node, ast.ImportFrom):
                source = node.module or ""
                if node.level:
                    parts = package.split(".")
                    if node.level > 1:
                        parts = parts[: len(parts) - (node.level - 1)]
                    source = ".".join(p for p in parts + ([source] if source else []) if p)
                for alias in node.names:
                    if alias.name == "*":
                        index["star"].append(source)
                    else:
                        index["imports"][alias.asname or alias.name] = (source, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        index["modules"][alias.asname] = alias.name
                    else:
                        head = alias.name.split(".")[0]
                        index["modules"][head] = head
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                value = node.value
                if not isinstance(target, ast.Name):
                    continue
                if isinstance(node, ast.AnnAssign) and value is None:
                    # `_inst: Random`: a module-level instance of a class.
                    index["variables"][target.id] = _dotted(node.annotation)
                if isinstance(node, ast.AnnAssign) and value is None:
                    continue
                if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
                    # `choice = _inst.choice`: a method of a module-level instance.
                    index["bound"][target.id] = (value.value.id, value.attr)
                elif isinstance(value, ast.Call) and (_dotted(value.func) or "").rsplit(".", 1)[-1] in TYPEVAR_MAKERS:
                    index["typevars"].add(target.id)
                elif isinstance(node, ast.AnnAssign) and (_dotted(node.annotation) or "").endswith("TypeAlias"):
                    index["aliases"][target.id] = value
                elif isinstance(node, ast.Assign) and isinstance(value, (ast.Subscript, ast.BinOp)):
                    index["aliases"][target.id] = value
        return index

    # ------------------------------------------------------------ looking names up

    def lookup(self, modname, name, depth=0):
        """(kind, node, module, label) for modname.name, following re-exports; kind is one of
        defs, classes, aliases, typevars. None when no stub has it."""
        if depth > 6:
            return None
        for label, index in self.sources(modname):
            hit = self._lookup_in(index, label, name, depth)
            if hit is not None:
                return hit
        return None

    def _lookup_in(self, index, label, name, depth):
        for kind in ("defs", "classes", "aliases"):
            if name in index[kind]:
                return kind, index[kind][name], index["module"], label
        if name in index["typevars"]:
            return "typevars", None, index["module"], label
        if name in index["imports"]:
            source, original = index["imports"][name]
            if (source, original) != (index["module"], name):
                return self.lookup(source, original, depth + 1)
        for source in index["star"]:
            hit = self.lookup(source, name, depth + 1)
            if hit is not None:
                return hit
        return None

    def function(self, modname, name):
        """(overloads, stub module, label, is_method) of the function modname.name, or None;
        `is_method` when it is a method of a module-level instance (`random.choice`)."""
        hit = self.lookup(modname, name)
        if hit is not None and hit[0] == "defs":
            return hit[1], hit[2], hit[3], False
        for _, index in self.sources(modname):
            if name in index["bound"]:
                variable, attr = index["bound"][name]
                classname = index["variables"].get(variable)
                found = self.member(modname, classname, attr) if classname and "." not in classname else None
                if found is not None:
                    return found[0], found[1], found[2], True
        return None

    def class_node(self, modname, classname):
        """(ClassDef, module, label) or None."""
        hit = self.lookup(modname, classname)
        if hit is None or hit[0] != "classes":
            return None
        return hit[1], hit[2], hit[3]

    def member(self, modname, classname, name, depth=0):
        """([FunctionDef], stub module, label, qualname of the class) for a class member, looked
        up in the stub class and its stub bases."""
        found = self.class_node(modname, classname)
        if found is None or depth > 6:
            return None
        node, module, label = found
        defs = [n for n in _flat(node.body) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name]
        if defs:
            return defs, module, label
        for n in _flat(node.body):
            # `do_b = do_break` in a class body: the same method under another name.
            if isinstance(n, ast.Assign) and isinstance(n.value, ast.Name) and any(
                    isinstance(t, ast.Name) and t.id == name for t in n.targets) and n.value.id != name:
                return self.member(modname, classname, n.value.id, depth + 1)
        for base in node.bases:
            base_name = _dotted(base.value if isinstance(base, ast.Subscript) else base)
            if base_name and "." not in base_name:
                hit = self.member(module, base_name, name, depth + 1)
                if hit is not None:
                    return hit
        return None

    # ------------------------------------------------------------ annotations as text

    def text(self, node, modname, label, selfclass=None):
        """An annotation as the text the Rust mapping reads (see the module's docstring)."""
        if node is None:
            return None
        if label == "inline":
            try:
                return ast.unparse(node)
            except Exception:
                return None
        try:
            return self._norm(node, modname, selfclass, 0)
        except Exception:
            return "Any"

    def _norm(self, node, modname, selfclass, depth):
        if depth > 12:
            return "Any"

        def inner(n):
            return self._norm(n, modname, selfclass, depth + 1)

        if isinstance(node, ast.Constant):
            if node.value is None:
                return "None"
            if isinstance(node.value, str):  # a forward reference
                try:
                    return inner(ast.parse(node.value, mode="eval").body)
                except SyntaxError:
                    return "Any"
            return "..." if node.value is Ellipsis else repr(node.value)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return inner(node.left) + " | " + inner(node.right)
        if isinstance(node, ast.Subscript):
            head = inner(node.value)
            elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            if head == "Literal":
                return "Literal[" + ast.unparse(node.slice) + "]"
            if head in TRANSPARENT:
                return inner(elements[0])
            return "{}[{}]".format(head, ", ".join(inner(e) for e in elements))
        if isinstance(node, (ast.List, ast.Tuple)):
            return "[" + ", ".join(inner(e) for e in node.elts) + "]"
        dotted = _dotted(node)
        if dotted is None:
            return "Any"
        return self._name(dotted, modname, selfclass, depth)

    def _name(self, dotted, modname, selfclass, depth):
        last = dotted.rsplit(".", 1)[-1]
        if last == "Self":
            return selfclass or "Any"
        if last in TRANSPARENT:
            return last
        if last in KNOWN_NAMES:
            return last
        module, name = modname, dotted
        if "." in dotted:
            head, _, rest = dotted.partition(".")
            modules = {}
            for _, index in self.sources(modname):
                modules.update(index["modules"])
            if head not in modules or "." in rest:
                return dotted
            module, name = modules[head], rest
        if module.split(".")[0] == "numpy":
            return dotted  # numpy's array annotations are read as written
        hit = self.lookup(module, name)
        if hit is None:
            return dotted
        kind, node, home, _ = hit
        if kind == "aliases":
            return self._norm(node, home, selfclass, depth + 1)
        if kind == "typevars":
            return "Any"
        if kind == "classes":
            if home.split(".")[0] == "numpy":
                return dotted
            if home == "builtins":
                return name
            return "@" + runtime_qualname(home, name)
        return "Any"


def runtime_qualname(module, name):
    """`module.Name` where the class lives at run time, when its stub module is loaded."""
    loaded = sys.modules.get(module)
    cls = getattr(loaded, name, None) if loaded is not None else None
    if isinstance(cls, type):
        return "{}.{}".format(cls.__module__, cls.__qualname__)
    return "{}.{}".format(module, name)


STUBS = Stubs()


# ---------------------------------------------------------------- signatures from stubs

def _is_concrete(text):
    """Whether an annotation reads as one Rust type (a rough mirror of the Rust mapping)."""
    if not text or text in ("object", "..."):
        return False
    parts = [p.strip() for p in text.split(" | ") if p.strip() != "None"]
    if "Any" in text.replace("[", " ").replace("]", " ").replace(",", " ").split():
        return False
    numbers = {"int", "float", "SupportsFloat", "SupportsIndex", "SupportsInt"}
    return len(parts) == 1 or all(p in numbers for p in parts)


def _params_of(node, drop_self, modname, label, selfclass):
    params = params_from_ast(node.args, lambda a: STUBS.text(a, modname, label, selfclass))
    static = any(_dotted(d) == "staticmethod" for d in node.decorator_list)
    if drop_self and not static and params and params[0]["kind"] in ("positional_only", "positional_or_keyword"):
        params = params[1:]
    return params


def _required(params):
    return sorted(p["name"] for p in params if not p["has_default"] and p["kind"] not in ("var_positional", "var_keyword"))


def stub_signature(overloads, drop_self, modname, label, runtime=None, selfclass=None):
    """A signature record from a stub's overloads.

    Only overloads whose parameter names match the runtime signature (when there is one)
    compete, and among them first those a call with just the required arguments selects
    (the same required parameters as the runtime's): the plain Rust function makes that call.
    The winner is the one whose required parameters and return read as the most concrete Rust
    types (the return counts twice), ties going to the first in the stub. When the competing
    overloads' returns differ, `returns_vary` is set: the `_with` variant, which can pass the
    optional arguments that select another overload, returns `Value`.
    """
    names = None if runtime is None else sorted(shape_key(p) for p in runtime["params"])
    required = None if runtime is None else _required(runtime["params"])
    shaped = []
    for node in overloads:
        params = _params_of(node, drop_self, modname, label, selfclass)
        if names is None or sorted(shape_key(p) for p in params) == names:
            shaped.append((params, STUBS.text(node.returns, modname, label, selfclass)))
    if not shaped:
        # No overload fits the runtime's names: the first one, so that the merge can say so.
        return stub_signature(overloads[:1], drop_self, modname, label, None, selfclass) if overloads else None
    plain = [o for o in shaped if required is None or _required(o[0]) == required]
    best, best_score = None, -1
    for params, returns in plain or shaped:
        if not plain:
            returns = None  # no overload fits the plain call: its result is not known
        score = 2 * _is_concrete(returns) + sum(_is_concrete(p["annotation"]) for p in params if not p["has_default"])
        if score > best_score:
            best, best_score = {"text": None, "params": params, "returns": returns, "source": "stub"}, score
    best["stub"] = label
    if len(overloads) > 1:
        best["overloads"] = len(overloads)
        if len({r for _, r in shaped}) > 1:
            best["returns_vary"] = True
    return best


def params_from_ast(args, annotate):
    out = []
    positional = list(args.posonlyargs) + list(args.args)
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for i, (arg, default) in enumerate(zip(positional, defaults)):
        kind = "positional_only" if i < len(args.posonlyargs) else "positional_or_keyword"
        out.append(param_record(arg.arg, kind, default is not None, ast_text(default), annotate(arg.annotation)))
    if args.vararg is not None:
        out.append(param_record(args.vararg.arg, "var_positional", False, None, annotate(args.vararg.annotation)))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        out.append(param_record(arg.arg, "keyword_only", default is not None, ast_text(default), annotate(arg.annotation)))
    if args.kwarg is not None:
        out.append(param_record(args.kwarg.arg, "var_keyword", False, None, annotate(args.kwarg.annotation)))
    return out


def param_record(name, kind, has_default, default, annotation):
    return {"name": name, "kind": kind, "has_default": has_default, "default": default, "annotation": annotation}


def ast_text(node):
    if node is None:
        return None
    try:
        return ast.unparse(node)
    except Exception:
        return None


def shape_key(param):
    """What must agree between a stub's parameter and the runtime's: the name, except for
    `*args` and `**kwargs`, whose names no caller writes."""
    return {"var_positional": "*", "var_keyword": "**"}.get(param["kind"], param["name"])


def merge_stub(sig, stub, note_target):
    """Fills a runtime signature's missing annotations from a stub signature of the same shape.
    A stub whose parameters disagree with the runtime's is not used, and the record says so."""
    if stub is None:
        return sig
    if sig is None:
        return stub
    by_name = {shape_key(p): p for p in stub["params"]}
    if set(by_name) != {shape_key(p) for p in sig["params"]}:
        note_target["stub_note"] = "the {} stub's parameters ({}) disagree with the runtime signature {}; left untyped".format(
            stub.get("stub"), ", ".join(by_name), sig.get("text") or "")
        return sig
    used = False
    for p in sig["params"]:
        if p["annotation"] is None and by_name[shape_key(p)]["annotation"] is not None:
            p["annotation"] = by_name[shape_key(p)]["annotation"]
            used = True
    if sig["returns"] is None and stub["returns"] is not None:
        sig["returns"] = stub["returns"]
        used = True
    if used:
        sig["source"] = sig["source"] + "+stub"
        sig["stub"] = stub.get("stub")
        for key in ("overloads", "returns_vary"):
            if stub.get(key):
                sig[key] = stub[key]
    return sig
