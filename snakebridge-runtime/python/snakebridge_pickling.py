"""Sends the functions and classes of python! blocks and helper files to worker processes by value.

pickle sends a function by its module and name, and the worker imports that module. The
functions of a python! block (module ``__python_block__``, which has no file) and of helper
files (``snakebridge_user_helpers.<stem>``, loaded from a path the worker does not know) cannot
be found that way. So multiprocessing's pickler, which ``multiprocessing.Pool`` and
``concurrent.futures.ProcessPoolExecutor`` use, sends them by value with cloudpickle, and
cloudpickle itself (which Dask and Ray use) is told to send helper modules by value too.

Both are patched when they are first imported (or now, if they already are), so a program that
starts no pool pays nothing. Everything else pickles as before.
"""

import importlib
import pickle
import sys
import types

_OWNED = ("__python_block__", "snakebridge_helpers", "snakebridge_user_helpers")


def owned(module_name):
    """Whether ``module_name`` is one that snakebridge makes and a worker cannot import."""
    return isinstance(module_name, str) and module_name.partition(".")[0] in _OWNED


def _by_value(obj):
    try:
        import cloudpickle
    except ImportError:
        raise pickle.PicklingError(
            "cannot send %r to a worker process: it is defined in a python! block or a helper file, "
            "which a worker cannot import; install cloudpickle in the venv (snakebridge then sends it "
            "by value) or define it in a module on sys.path" % (getattr(obj, "__qualname__", obj),)
        ) from None
    return pickle.loads, (cloudpickle.dumps(obj),)


def _patch_forking_pickler(reduction):
    pickler = reduction.ForkingPickler
    if getattr(pickler, "_snakebridge_by_value", False):
        return
    previous = getattr(pickler, "reducer_override", None)

    def reducer_override(self, obj):
        if isinstance(obj, (types.FunctionType, type)) and owned(getattr(obj, "__module__", None)):
            return _by_value(obj)
        return NotImplemented if previous is None else previous(self, obj)

    pickler.reducer_override = reducer_override
    pickler._snakebridge_by_value = True


def helpers_loaded():
    """Called after the helper registry loads: cloudpickle, if imported, sends its modules by value."""
    cloudpickle = sys.modules.get("cloudpickle")
    if cloudpickle is not None:
        _patch_cloudpickle(cloudpickle)


def _patch_cloudpickle(cloudpickle):
    # python! blocks need nothing: cloudpickle already sends functions of a module that is not
    # in sys.modules by value. Helper modules are in sys.modules, so they are registered.
    for name, module in list(sys.modules.items()):
        if owned(name) and isinstance(module, types.ModuleType):
            cloudpickle.register_pickle_by_value(module)


_PATCHES = {"multiprocessing.reduction": _patch_forking_pickler, "cloudpickle": _patch_cloudpickle}


class _PatchAfterImport:
    """A meta path finder that finds nothing itself: for a module in ``_PATCHES`` it asks the
    finders after it, and patches the module once its loader has run it."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is cls or find is None:
                continue
            spec = find(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_patch(module):
            exec_module(module)
            patch(module)

        spec.loader.exec_module = exec_then_patch
        return spec


def install():
    """Patches what is imported now, and the rest on its first import. Idempotent."""
    # The finder first: an import that starts after this line is patched by it, one that
    # started before is in sys.modules below (patching twice does nothing more).
    if _PatchAfterImport not in sys.meta_path:
        sys.meta_path.insert(0, _PatchAfterImport)
    for name, patch in _PATCHES.items():
        if name in sys.modules:
            # Another thread may still be running the module: import_module waits for it.
            patch(importlib.import_module(name))
