"""What the hidden tests of ``homework/`` call: find the student's function, run it under the guard, compare.

Used by the source notebooks in ``homework/`` (their hidden test cells); nothing here is for students.

* :func:`graded` / :func:`student_function` find the function the student wrote. Under nbgrader the kernel has just
  run the whole notebook, so the function is taken from the kernel's namespace (the hidden test cell's globals),
  with every constant, helper, lambda and default argument the student's cells defined. Only when the kernel
  lacks the function, or something it needs (its cell raised, sits below the test, or was deleted), is the
  notebook *file* read: the statements that define the missing names (imports, definitions, assignments; never
  bare expressions such as a check or a print) are run, in file order, in a copy of the kernel's namespace.
  Deleting, duplicating or reordering cells therefore changes nothing as long as the code is somewhere.
* :func:`call_student` runs it under :mod:`emcourse.exercises.guard`: a function that delegates to the course's
  code (or to another solving library) raises :class:`DelegationError`, an ``AssertionError`` whose message says
  why, so nbgrader gives 0 for that item and shows the reason.
* :func:`hidden_cases` gives each hidden test a random generator seeded **at grading time** (so no table of answers
  built in an earlier cell can match the cases) and, when the test fails, names the seed so that the instructor can
  repeat it (``EMCOURSE_HIDDEN_SEED=<seed>``). The tests call the student's function first and compute the reference
  afterwards (:mod:`emcourse.exercises.references`), so no answer exists while the student's function runs.
* :func:`assert_close` compares with a message that names the case.
"""
from __future__ import annotations

import ast
import builtins
import contextlib
import dis
import io
import json
import os
import secrets
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from types import CodeType, FunctionType

import numpy as np

from .guard import explain, run_guarded


class StudentCodeError(LookupError):
    """The function the test needs is not in the kernel nor in the notebook (or its definition does not run).

    Raised by the hidden tests of the notebooks in ``homework/``.
    """


class DelegationError(AssertionError):
    """The graded function used the course's code (or another solving library): 0 points for that item.

    Raised by the hidden tests of the notebooks in ``homework/``.
    """


# --- the notebook file ----------------------------------------------------------------------------------

def _statements(notebook: Path) -> list:
    """Top-level statements of every code cell, in file order (IPython magics and shell lines blanked)."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])     # nbformat 4 is plain JSON
    out = []
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        lines = [("" if line.lstrip().startswith(("%", "!")) else line) for line in source.splitlines()]
        try:
            out.extend(ast.parse("\n".join(lines)).body)
        except SyntaxError:      # a cell that does not parse never ran either
            continue
    return out


def _scope_nodes(node):
    """The nodes of ``node`` that run in its own scope (not inside nested functions, lambdas or classes)."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for child in ast.iter_child_nodes(n):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)


def _binds(stmt) -> set:
    """Names a top-level statement binds ("*" for a star import)."""
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, ast.Expr):
        return set()
    names = set()
    for n in _scope_nodes(stmt):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
        elif isinstance(n, (ast.Import, ast.ImportFrom)):
            names.update(a.asname or a.name.split(".")[0] for a in n.names)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is not stmt:
            names.add(n.name)
    return names


def _loads(stmt) -> set:
    """Every name a statement reads anywhere (a generous over-approximation: bodies of functions included)."""
    return {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _from_file(name: str, notebook: Path, namespace: dict) -> dict:
    """A copy of ``namespace`` in which the notebook's statements that define ``name`` (and what it needs and the
    namespace lacks) have run, in file order."""
    statements = _statements(notebook)
    last = {}
    for i, stmt in enumerate(statements):
        for bound in _binds(stmt):
            last[bound] = i
    chosen = {i for i, stmt in enumerate(statements) if "*" in _binds(stmt)}
    todo = [name]
    seen = set()
    while todo:
        wanted = todo.pop()
        if wanted in seen or wanted not in last:
            continue
        seen.add(wanted)
        if wanted != name and wanted in namespace and _missing(namespace[wanted], namespace) == set():
            continue
        i = last[wanted]
        if i not in chosen:
            chosen.add(i)
            todo.extend(_loads(statements[i]) - set(dir(builtins)))
    scope = dict(namespace)
    pending = sorted(chosen)
    while pending:            # file order; a statement that needs a name defined further down is tried again
        failed = []
        for i in pending:
            try:
                exec(compile(ast.Module(body=[statements[i]], type_ignores=[]), str(notebook), "exec"), scope)  # noqa: S102
            except NameError:
                failed.append(i)
            except Exception:   # noqa: BLE001 - a statement that fails: what needs it will fail its test
                continue
        if len(failed) == len(pending):
            break
        pending = failed
    return scope


# --- the kernel's namespace -----------------------------------------------------------------------------

def _global_names(code: CodeType) -> set:
    names = {i.argval for i in dis.get_instructions(code) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for const in code.co_consts:
        if isinstance(const, CodeType):
            names |= _global_names(const)
    return names


def _missing(obj, namespace: dict, _seen=None) -> set:
    """Global names a function (and the notebook functions it calls) needs but cannot find."""
    if not isinstance(obj, FunctionType):
        return set()
    seen = _seen if _seen is not None else set()
    if obj in seen:
        return set()
    seen.add(obj)
    scope = obj.__globals__
    missing = set()
    for n in _global_names(obj.__code__):
        if n in scope:
            if scope.get("__name__") == namespace.get("__name__"):
                missing |= _missing(scope[n], namespace, seen)
        elif not hasattr(builtins, n):
            missing.add(n)
    return missing


def student_function(name: str, notebook=None, *, namespace: dict | None = None):
    """The student's function ``name``: from the kernel (the caller's globals), else from the notebook file.

    Used by the hidden tests of the notebooks in ``homework/``.

    Parameters
    ----------
    name : str
    notebook : str or Path, optional
        The notebook file to read when the kernel lacks ``name`` or something it needs (under nbgrader the
        working directory is the notebook's). Without it, only the kernel is searched.
    namespace : dict, optional
        Where to look first; by default the globals of the caller (the hidden test cell's, i.e. the kernel's).

    Raises
    ------
    StudentCodeError
        If neither the kernel nor the file defines a callable ``name``.
    """
    ns = namespace if namespace is not None else sys._getframe(1).f_globals
    func = ns.get(name)
    if callable(func) and not _missing(func, ns):
        return func
    if notebook is not None and Path(notebook).exists():
        scope = _from_file(name, Path(notebook), ns)
        if callable(scope.get(name)):
            return scope[name]
    if callable(func):
        return func          # it will fail on what it lacks, with the student's own NameError
    where = f"the kernel or {Path(notebook).name}" if notebook is not None else "the kernel"
    raise StudentCodeError(f"no function named {name!r} is defined in {where}")


def call_student(func, *args, **kwargs):
    """``func(*args, **kwargs)`` under the guard: its value, or its own exception, or :class:`DelegationError`.

    Used by the hidden tests of the notebooks in ``homework/``.
    """
    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")              # nbgrader scores a test cell that wrote to stderr 0: a numpy
        outcome = run_guarded(func, *args, **kwargs)  # RuntimeWarning, a log line or a progress bar must not cost points
    name = getattr(func, "__name__", "the function")
    if outcome.violations:
        raise DelegationError(f"0 points for {name}: {explain(name, outcome)}")
    if outcome.error is not None:
        raise outcome.error
    return outcome.value


def graded(name: str, notebook=None):
    """The student's ``name`` (see :func:`student_function`), wrapped so that every call goes through the guard.

    Used by the hidden tests of the notebooks in ``homework/``.
    """
    func = student_function(name, notebook, namespace=sys._getframe(1).f_globals)

    def run(*args, **kwargs):
        return call_student(func, *args, **kwargs)

    run.__name__ = name
    return run


def student_namespace(notebook) -> dict:
    """Every definition of the notebook file (imports, functions, classes, assignments), run in file order.

    Used by the hidden tests of the notebooks in ``homework/`` (and kept for instructors' own scripts).
    """
    scope: dict = {"__name__": "student_notebook"}
    for i, stmt in enumerate(_statements(Path(notebook))):
        if isinstance(stmt, ast.Expr):
            continue
        try:
            exec(compile(ast.Module(body=[stmt], type_ignores=[]), str(notebook), "exec"), scope)   # noqa: S102
        except Exception:   # noqa: BLE001
            continue
    return scope


@contextmanager
def hidden_cases(name: str):
    """A ``numpy.random.Generator`` for ``name``'s hidden cases, from a seed drawn now (or ``EMCOURSE_HIDDEN_SEED``).

    Used by the hidden tests of the notebooks in ``homework/``. A failing test's message ends with the seed.
    """
    chosen = os.environ.get("EMCOURSE_HIDDEN_SEED", "").strip()
    seed = int(chosen) if chosen else secrets.randbits(32)
    try:
        yield np.random.default_rng(seed)
    except AssertionError as exc:
        raise type(exc)(f"{exc} [{name}'s random cases used seed {seed}: set EMCOURSE_HIDDEN_SEED={seed} to repeat "
                        "them]") from None


def assert_close(got, expected, what: str, *, rtol: float = 1e-7, atol: float = 0.0) -> None:
    """Assert that ``got`` has ``expected``'s shape and values (to ``rtol``/``atol``); the message names the case.

    Used by the hidden tests of the notebooks in ``homework/``.
    """
    expected = np.asarray(expected, dtype=float)
    try:
        arr = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        raise AssertionError(f"{what}: expected numbers of shape {expected.shape}, got {got!r}") from None
    if arr.shape != expected.shape:
        raise AssertionError(f"{what}: expected shape {expected.shape}, got shape {arr.shape}")
    if not np.allclose(arr, expected, rtol=rtol, atol=atol, equal_nan=False):
        i = np.unravel_index(int(np.argmax(np.abs(arr - expected) - rtol * np.abs(expected))), arr.shape) \
            if arr.ndim else ()
        raise AssertionError(f"{what}: at index {tuple(int(k) for k in i)} expected {float(expected[i])!r}, "
                             f"got {float(arr[i])!r}")
