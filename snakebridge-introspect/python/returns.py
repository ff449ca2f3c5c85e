"""Return types read from a function's source, for functions that neither annotations nor
stubs type (sympy's predicates, methods that end in `return self`).

Only returns whose type the expression itself fixes count: `True`/`False`, `not x`, `x is y`,
`x in y`, `isinstance(...)` and the like give `bool` (so does `a or b` of such operands); `None` and a bare `return` give `None`;
literals, f-strings, `len(...)`, `str(...)` give their types; `self` gives the class. Every
return of the function must be one of them, and together they must make one type (or that
type and `None`): anything else, a generator, or source that cannot be read leaves the
function untyped. A function that ends without a `return` returns `None`.
"""

import ast
import inspect
import textwrap

_BOOL_CALLS = frozenset(("isinstance", "issubclass", "callable", "hasattr", "bool"))
_INT_CALLS = frozenset(("len", "hash", "int"))
_STR_CALLS = frozenset(("str", "repr"))
_CONSTANTS = {bool: "bool", int: "int", float: "float", str: "str", bytes: "bytes", type(None): "None"}


def _kind(expr):
    """The type an expression fixes, `"self"`, or None when it does not fix one."""
    if expr is None:
        return "None"
    if isinstance(expr, ast.Constant):
        return _CONSTANTS.get(type(expr.value))
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        return "bool"
    if isinstance(expr, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in expr.ops):
        return "bool"
    if isinstance(expr, ast.BoolOp):
        # `a or b` is one of its operands: typed when all of them are, alike.
        kinds = {_kind(v) for v in expr.values}
        return kinds.pop() if len(kinds) == 1 else None
    if isinstance(expr, ast.JoinedStr):
        return "str"
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and not expr.keywords:
        name = expr.func.id
        if name in _BOOL_CALLS:
            return "bool"
        if name in _INT_CALLS:
            return "int"
        if name in _STR_CALLS:
            return "str"
    if isinstance(expr, ast.Name) and expr.id == "self":
        return "self"
    return None


def _returns(func_node):
    """The return expressions of `func_node` itself (not of nested functions or classes)."""
    found, generator = [], False
    stack = list(func_node.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(node, ast.Return):
            found.append(node.value)
        elif isinstance(node, (ast.Yield, ast.YieldFrom, ast.Await)):
            generator = True
        stack.extend(ast.iter_child_nodes(node))
    return found, generator


def _ends(stmts):
    """Whether control cannot run off the end of `stmts` (every path returns or raises)."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    if isinstance(last, ast.If):
        return _ends(last.body) and _ends(last.orelse)
    if isinstance(last, ast.Try):
        if _ends(last.finalbody):
            return True
        return (_ends(last.body) or _ends(last.orelse)) and all(_ends(h.body) for h in last.handlers)
    return False


def source_return(func, selfclass=None):
    """The return annotation `func`'s source gives, as annotation text, or None."""
    func = inspect.unwrap(getattr(func, "__func__", func))
    if not inspect.isfunction(func) or inspect.isgeneratorfunction(func) or inspect.iscoroutinefunction(func):
        return None
    # Only a plain `def`: a decorator may change what the function returns.
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError, SyntaxError, ValueError, IndentationError):
        return None
    node = tree.body[0] if tree.body else None
    if not isinstance(node, ast.FunctionDef) or node.decorator_list or node.name != func.__name__:
        return None
    exprs, generator = _returns(node)
    if generator:
        return None
    kinds = {_kind(e) for e in exprs}
    if not _ends(node.body):
        kinds.add("None")  # it can run off its end
    if None in kinds or not kinds:
        return None
    if "self" in kinds:
        if selfclass is None:
            return None
        kinds = {selfclass if k == "self" else k for k in kinds}
    if kinds == {"None"}:
        return "None"
    if kinds == {"bool", "None"}:
        return "Optional[bool]"
    if len(kinds) == 1:
        return kinds.pop()
    return None
