"""Where a piece of code comes from, and whether the course's modules are still the course's (for the guard).

Introduced in ``notebooks/01_mixture_densities.ipynb`` (through every public check): :mod:`emcourse.exercises.guard`
asks this module the *zone* of every code object it sees run, and, before and during a guarded call, whether a
notebook has rebound a name of the course's modules (``checks.homework_em.m_step = ...``, a partial put into a
class of the course, a changed ``datasets.DATASETS``) so that the course's own code would call something else.

Zones: ``student`` (a notebook's code), ``guard`` (the guard's two files), ``entry`` (the doors a graded function may
open: the public ``make_*`` and ``load`` of ``emcourse.datasets`` and the ``check_*`` functions of the public
checks), ``course`` (everything else of emcourse), ``spoof`` (code compiled under the name of a course file) and
``library`` (with the package name, ``std:<module>`` for the standard library).
"""
from __future__ import annotations

import ast
import importlib.util
import os
import sys
import sysconfig
import threading
from functools import cached_property
from types import (CodeType, FunctionType, GetSetDescriptorType, MappingProxyType, MemberDescriptorType,
                   MethodDescriptorType, ModuleType, WrapperDescriptorType)

STUDENT, GUARD, ENTRY, COURSE, SPOOF, LIB = "student", "guard", "entry", "course", "spoof", "library"

PACKAGE = os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUARD_FILES = frozenset(os.path.join(PACKAGE, "exercises", name) for name in ("guard.py", "_provenance.py"))
DATASETS_FILE = os.path.join(PACKAGE, "datasets.py")
CHECKS_DIR = os.path.join(PACKAGE, "exercises", "checks")
_STDLIB = tuple({os.path.realpath(p) + os.sep for p in (sysconfig.get_paths()["stdlib"], os.path.dirname(os.__file__))})
_SITE = ("site-packages", "dist-packages")

LOCAL = threading.local()       # .internal: the guard itself is reading files or frames (its audit hook stays quiet)


# --- code objects -------------------------------------------------------------------------------------------

def fingerprint(code: CodeType, place: bool) -> tuple:
    """Exact (``place``: bytecode and first line, to tell the course's real code) or loose (names, variable names,
    constants and arguments, whatever the file, line or context: to recognise a copy) description of a code object."""
    consts = tuple(fingerprint(c, place) if isinstance(c, CodeType) else (type(c).__name__, repr(c))
                   for c in code.co_consts)
    if place:
        return (code.co_name, code.co_code, code.co_names, code.co_varnames, consts, code.co_firstlineno)
    # names, variable names, constants and arguments, not the bytecode: the compiler picks LOAD_METHOD or LOAD_ATTR
    # by context (a name imported in the same source or not), so a copy's bytecode may differ from the original's
    return (code.co_name, code.co_names, code.co_varnames, consts, code.co_argcount, code.co_kwonlyargcount)


def all_codes(code: CodeType):
    """``code`` and every code object nested in it."""
    yield code
    for c in code.co_consts:
        if isinstance(c, CodeType):
            yield from all_codes(c)


def _read(path: str) -> bytes | None:
    LOCAL.internal = True
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None
    finally:
        LOCAL.internal = False


_FILE_CODES: dict = {}


def file_codes(path: str) -> dict:
    """Fingerprint (with line numbers) -> code object, for everything a fresh compile of ``path`` makes."""
    if path not in _FILE_CODES:
        source = _read(path)
        try:
            top = compile(source, path, "exec", dont_inherit=True) if source is not None else None
        except (SyntaxError, ValueError):
            top = None
        _FILE_CODES[path] = {fingerprint(c, True): c for c in all_codes(top)} if top is not None else {}
    return _FILE_CODES[path]


_GENUINE: dict = {}


def genuine(code: CodeType) -> bool:
    """The code object really is what a fresh compile of its file makes (not code compiled under its name)."""
    hit = _GENUINE.get(id(code))
    if hit is None or hit[0] is not code:
        ok = (code.co_filename.startswith("<frozen")
              or fingerprint(code, True) in file_codes(os.path.realpath(code.co_filename)))
        hit = _GENUINE[id(code)] = (code, ok)
    return hit[1]


def qualname(code: CodeType) -> str:
    return getattr(code, "co_qualname", code.co_name)


_COPIES: dict = {}


def course_copies() -> dict:
    """Fingerprint (without place) -> 'emcourse.module.function', for every non-trivial function of the course."""
    if not _COPIES:
        for root, _, files in os.walk(PACKAGE):
            for name in sorted(files):
                path = os.path.join(root, name)
                if not name.endswith(".py") or path == DATASETS_FILE or path in GUARD_FILES or root == CHECKS_DIR:
                    continue
                for code in file_codes(path).values():
                    if not code.co_name.startswith("<") and len(code.co_names) + len(code.co_varnames) >= 6:
                        _COPIES[fingerprint(code, False)] = describe(code)
        _COPIES.setdefault(None, "")
    return _COPIES


def describe(code: CodeType) -> str:
    """'emcourse.module.function' for a course code object (what a student's message names)."""
    if code.co_filename.startswith("<"):
        return f"a method the course's classes have ({qualname(code).split('.')[-1]})"
    path = os.path.realpath(code.co_filename)
    module = os.path.relpath(path, os.path.dirname(PACKAGE))[:-3].replace(os.sep, ".").replace(".__init__", "")
    return f"{module}.{qualname(code)}"


_GENERATED: dict = {}     # id(code) -> (code, kind) for dataclass-made methods of emcourse classes
_SEEN_MODULES: set = set()


def course_modules() -> list:
    """The emcourse modules loaded now, as (name, module)."""
    return [(n, m) for n, m in list(sys.modules.items())
            if (n == "emcourse" or n.startswith("emcourse.")) and isinstance(m, ModuleType)]


def learn_generated_methods() -> None:
    """Remember the methods that dataclasses write (file "<string>") for the classes of emcourse's modules."""
    for name, module in course_modules():
        if name in _SEEN_MODULES:
            continue
        _SEEN_MODULES.add(name)
        path = os.path.realpath(getattr(module, "__file__", "") or "")
        for obj in list(vars(module).values()):
            if isinstance(obj, type) and getattr(obj, "__module__", None) == name:
                kind = GUARD if path in GUARD_FILES else ENTRY if _entry_class(path, obj.__name__) else COURSE
                for attr in vars(obj).values():
                    func = getattr(attr, "__func__", attr)
                    while func is not None:              # dataclass's __repr__ hides inside reprlib's wrapper
                        code = getattr(func, "__code__", None)
                        if isinstance(code, CodeType) and code.co_filename.startswith("<"):
                            _GENERATED[id(code)] = (code, kind)
                        func = getattr(func, "__wrapped__", None)


def _entry_class(path: str, name: str) -> bool:
    """The classes whose methods a graded function may call: a data set, and what a check returns."""
    return (path, name) in ((DATASETS_FILE, "Dataset"), (os.path.join(CHECKS_DIR, "_common.py"), "CheckResult"))


def classify(code: CodeType) -> tuple:
    """(kind, detail): detail is the package of a library, the copied name of a copy, the file of a spoof."""
    filename = code.co_filename
    if filename.startswith("<frozen"):
        return (LIB, "std:importlib")
    if filename.startswith("<"):
        hit = _GENERATED.get(id(code))
        if hit is not None and hit[0] is code:
            return (hit[1], None)
        return (STUDENT, course_copies().get(fingerprint(code, False)))
    path = os.path.realpath(filename)
    if path.startswith(PACKAGE + os.sep):
        if fingerprint(code, True) not in file_codes(path):
            return (SPOOF, path)
        if path in GUARD_FILES:
            return (GUARD, None)
        name = qualname(code)
        if path == DATASETS_FILE and (name == "load" or name.startswith("make_")) and "." not in name:
            return (ENTRY, None)
        if "." in name and _entry_class(path, name.split(".")[0]):
            return (ENTRY, None)
        if os.path.dirname(path) == CHECKS_DIR and name.startswith("check_") and "." not in name:
            return (ENTRY, None)
        return (COURSE, None)
    parts = path.split(os.sep)
    for marker in _SITE:
        if marker in parts:
            rest = parts[parts.index(marker) + 1:]
            package = rest[0][:-3] if rest[0].endswith(".py") else rest[0]
            if package == "scipy" and len(rest) > 1 and rest[1] in ("special", "_lib"):
                package = "scipy." + rest[1]             # scipy.special is allowed; its helpers in scipy._lib only for it
            return (LIB, package)
    for prefix in _STDLIB:
        if path.startswith(prefix):
            top = path[len(prefix):].split(os.sep)[0]
            return (LIB, "std:" + (top[:-3] if top.endswith(".py") else top))
    return (STUDENT, course_copies().get(fingerprint(code, False)))


_VOCABULARY: dict = {}


def vocabulary(path: str) -> frozenset:
    """Every name the source file ``path`` mentions anywhere (its functions, tables, imports), cached."""
    if path not in _VOCABULARY:
        names = set()
        for code in file_codes(path).values():
            names.update(code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars)
            names.add(code.co_name)
        _VOCABULARY[path] = frozenset(names)
    return _VOCABULARY[path]


_ALIASES: dict = {}


def aliases(code: CodeType) -> frozenset:
    """Every name under which the course's modules and classes hold the function of ``code`` (``validate =
    staticmethod(_positive_variances)``, ``solve = _solve``), cached."""
    hit = _ALIASES.get(id(code))
    if hit is None or hit[0] is not code:
        names = {code.co_name}
        for _, module in course_modules():
            for name, value in list(vars(module).items()):
                holders = [(name, value)] + (list(vars(value).items()) if isinstance(value, type) else [])
                for attr, member in holders:
                    func = getattr(member, "__func__", member)
                    func = getattr(func, "fget", func)
                    if getattr(func, "__code__", None) is code:
                        names.add(attr)
        hit = _ALIASES[id(code)] = (code, frozenset(names))
    return hit[1]


# --- are the course's modules still the course's? ------------------------------------------------------------

_BINDINGS: dict = {}
_PATHS: dict = {}


def _module_path(module: ModuleType) -> str:
    hit = _PATHS.get(id(module))
    if hit is None or hit[0] is not module:
        hit = _PATHS[id(module)] = (module, os.path.realpath(getattr(module, "__file__", "") or ""))
    return hit[1]


def _bindings(module: ModuleType) -> list:
    """(name, how, what) for every name the module's source binds once, at top level, by import, def or class."""
    path = _module_path(module)
    if path in _BINDINGS:
        return _BINDINGS[path]
    source = _read(path) if path.endswith(".py") else None
    try:
        tree = ast.parse(source) if source is not None else ast.Module(body=[], type_ignores=[])
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    counts: dict = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            counts[node.id] = counts.get(node.id, 0) + 1
    out = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            out += [(a.asname or a.name.split(".")[0], "import", a.name if a.asname else a.name.split(".")[0])
                    for a in stmt.names]
        elif isinstance(stmt, ast.ImportFrom) and stmt.names[0].name != "*":
            base = importlib.util.resolve_name("." * stmt.level + (stmt.module or ""), module.__package__ or "") \
                if stmt.level else stmt.module
            out += [(a.asname or a.name, "from", (base, a.name)) for a in stmt.names]
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((stmt.name, "def", path))
        elif isinstance(stmt, ast.ClassDef):
            out.append((stmt.name, "class", path))
    seen: dict = {}
    for name, *_ in out:
        seen[name] = seen.get(name, 0) + 1
    _BINDINGS[path] = [b for b in out if seen[b[0]] == 1 and b[0] not in counts]
    return _BINDINGS[path]


_MISSING = object()
_BENIGN_C = (MemberDescriptorType, GetSetDescriptorType, WrapperDescriptorType, MethodDescriptorType)


def _is_genuine_function(value, name: str, module: ModuleType) -> bool:
    while getattr(value, "__wrapped__", None) is not None:
        value = value.__wrapped__                   # a decorated function (lru_cache, contextmanager, wraps)
    return (isinstance(value, FunctionType) and value.__code__.co_name == name and genuine(value.__code__)
            and value.__globals__ is vars(module))


_UNSPOOFED: dict = {}


def _not_spoofed(code: CodeType) -> bool:
    """A Python function is harmless in a course class unless its code claims a course file it does not come from
    (a notebook's own function is judged by what it calls)."""
    hit = _UNSPOOFED.get(id(code))
    if hit is None or hit[0] is not code:
        ok = not os.path.realpath(code.co_filename).startswith(PACKAGE + os.sep) or genuine(code)
        hit = _UNSPOOFED[id(code)] = (code, ok)
    return hit[1]


def _class_member_ok(value) -> bool:
    """A class attribute the course's code may call without handing control to something else."""
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    elif isinstance(value, property):
        return all(f is None or isinstance(f, FunctionType) and _not_spoofed(f.__code__)
                   for f in (value.fget, value.fset, value.fdel))
    elif isinstance(value, cached_property):
        value = value.func
    if isinstance(value, FunctionType):
        return _not_spoofed(value.__code__)
    if isinstance(value, type) or not callable(value) or isinstance(value, _BENIGN_C):
        return True
    owner = getattr(value, "__self__", None)      # object.__new__ and friends, bound to a built-in type
    return isinstance(owner, type) and owner.__module__ == "builtins"


def tampered() -> list:
    """Sentences naming every name of a loaded course module that a notebook has rebound (empty if none).

    A name bound by ``import``/``from``/``def``/``class`` must still be the object the source binds (for ``from``,
    the same object as in the module it comes from, itself checked); a class of the course may hold only functions,
    descriptors of functions and data; ``datasets.DATASETS`` must be a read-only mapping onto the data helpers.
    """
    out = []
    for modname, module in course_modules():
        path = _module_path(module)
        if path in GUARD_FILES:
            continue
        space = vars(module)
        for name, how, what in _bindings(module):
            value = space.get(name, _MISSING)
            if how == "import":
                ok = value is sys.modules.get(what, value)
            elif how == "from":
                source = sys.modules.get(what[0])
                sub = sys.modules.get(f"{what[0]}.{what[1]}")
                ok = source is None or value is getattr(source, what[1], value) or (sub is not None and value is sub)
            elif how == "def":
                ok = _is_genuine_function(value, name, module)
            else:
                ok = (isinstance(value, type) and value.__module__ == modname and value.__qualname__ == name
                      and all(_class_member_ok(v) for v in vars(value).values()))
            if not ok:
                out.append(f"the notebook changed the course's {modname}.{name}")
        if path == DATASETS_FILE:
            table = space.get("DATASETS")
            if not (type(table) is MappingProxyType and all(
                    isinstance(f, FunctionType) and space.get(f.__name__) is f and f.__name__.startswith("make_")
                    for f in table.values())):
                out.append(f"the notebook changed the course's {modname}.DATASETS")
    return out
