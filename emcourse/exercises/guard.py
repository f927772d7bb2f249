"""The delegation guard: run a student's function and see whether it did the work itself (beside floor 3).

Introduced in ``notebooks/01_mixture_densities.ipynb``: every public check calls the student's function
through :func:`run_guarded` (via ``checks._common.call``), and so do the hidden tests of ``homework/``.

What a graded function may use is **numpy, scipy.special, the Python standard library, the data helpers
``emcourse.datasets`` and the public checks** (``emcourse.exercises.checks.check_*``). The guard judges what the
function *runs*, not what the notebook imports: while it runs, a profile hook (``sys.setprofile``, also set for
threads it starts) sees every Python call and flags

* a call into emcourse's code from anything that is not emcourse's code itself: an import under any name,
  ``from emcourse import *``, ``importlib``, ``__import__``, a method or property of an object the course built (a
  data set's true ``Mixture``), a callback handed to numpy, or a check handed the course's function in place of
  the student's. The data helpers and the checks are the two doors in: inside them the course may call itself;
* a call into another library that solves things (scikit-learn, scipy outside ``scipy.special``, ...), and the
  standard library's doors to other threads, processes and machines (``multiprocessing``, ``concurrent``, ...);
* a copy of the course's code: a function whose bytecode, names and constants equal one of emcourse's
  (``exec(inspect.getsource(...))``, code objects re-used or compiled under emcourse's file name);
* switching the guard off (``sys.setprofile``/``settrace``), raw threads, work handed to a thread the notebook
  started earlier, new processes, sockets, ``ctypes``, reading the course's source files;
* a return value that would run code later (an object whose ``__array__`` or ``__eq__`` calls the course when
  the test looks at it): values are turned into plain numbers and arrays while the guard is still on.

Every code object is classified once (by its file, and for emcourse by comparing its bytecode with a fresh
compile of that file), so the hook costs a dictionary look-up per call. Limits: the guard watches this process;
it cannot see a program the notebook left running elsewhere, and it does not defend a test against a notebook
that rewrites numpy, the builtins or the grading code itself (that is tampering, visible in the submission;
grade untrusted notebooks in a sandbox, as nbgrader's documentation advises).
"""
from __future__ import annotations

import _queue
import _socket
import _thread
import functools
import os
import sys
import sysconfig
import threading
from dataclasses import dataclass, replace
from types import CodeType, FunctionType, MethodType

import numpy as np

from ..datasets import Dataset
from ..mixture import Mixture

#: what a graded function may use, as the messages and the assignments say it
ALLOWED = ("numpy, scipy.special, the Python standard library, emcourse.datasets and the public checks "
           "(emcourse.exercises.checks)")

_PACKAGE = os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_HERE = os.path.realpath(os.path.abspath(__file__))
_ENTRY_FILES = (os.path.join(_PACKAGE, "datasets.py"),)
_CHECKS_DIR = os.path.join(_PACKAGE, "exercises", "checks")
_STDLIB = tuple({os.path.realpath(p) + os.sep for p in (sysconfig.get_paths()["stdlib"], os.path.dirname(os.__file__))})
_SITE = ("site-packages", "dist-packages")
#: third-party packages a student's code may call directly (numpy, and what prints and runs cells)
_ALLOWED_LIBS = frozenset({"numpy", "scipy.special", "ipykernel", "IPython", "traitlets", "tornado", "zmq",
                           "jupyter_client", "jupyter_core", "comm", "debugpy", "_pytest", "pytest", "pluggy"})
#: standard-library modules that hand work to other threads, processes or machines
_FORBIDDEN_STD = frozenset({"multiprocessing", "concurrent", "subprocess", "asyncio", "queue", "socket", "ctypes",
                            "socketserver", "selectors", "ssl", "http", "urllib", "xmlrpc", "sched"})
_PROCESS_EVENTS = ("os.system", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.startfile",
                   "subprocess.Popen", "pty.spawn")
_NET_EVENTS = ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo")
_RAW_THREADS = {getattr(_thread, n, None) for n in ("start_new_thread", "start_joinable_thread")} - {None}
_PROFILERS = {sys.setprofile, sys.settrace}
_WATCHED_C = _PROFILERS | _RAW_THREADS
_HANDOFF = (_queue.SimpleQueue, _socket.socket)
#: threading's own switches for the profile of new threads, and the start of a thread
_THREAD_SWITCHES = {getattr(threading, n).__code__ for n in ("setprofile", "settrace", "setprofile_all_threads",
                                                             "settrace_all_threads") if hasattr(threading, n)}
_THREAD_START = threading.Thread.start.__code__

STUDENT, GUARD, ENTRY, COURSE, SPOOF, LIB = "student", "guard", "entry", "course", "spoof", "library"


# --- where a piece of code comes from -------------------------------------------------------------------

def _fingerprint(code: CodeType, place: bool) -> tuple:
    """Exact (``place``: bytecode and first line, to tell the course's real code) or loose (names, variable names,
    constants and arguments, whatever the file, line or context: to recognise a copy) description of a code object."""
    consts = tuple(_fingerprint(c, place) if isinstance(c, CodeType) else (type(c).__name__, repr(c))
                   for c in code.co_consts)
    if place:
        return (code.co_name, code.co_code, code.co_names, code.co_varnames, consts, code.co_firstlineno)
    # names, variable names, constants and arguments, not the bytecode: the compiler picks LOAD_METHOD or LOAD_ATTR
    # by context (a name imported in the same source or not), so a copy's bytecode may differ from the original's
    return (code.co_name, code.co_names, code.co_varnames, consts, code.co_argcount, code.co_kwonlyargcount)


def _all_codes(code: CodeType):
    yield code
    for c in code.co_consts:
        if isinstance(c, CodeType):
            yield from _all_codes(c)


_FILE_CODES: dict = {}
_LOCAL = threading.local()      # .internal: the guard itself is reading files (its audit hook stays quiet)


def _file_codes(path: str) -> dict:
    """Fingerprint (with line numbers) -> code object, for everything a fresh compile of ``path`` makes."""
    if path not in _FILE_CODES:
        _LOCAL.internal = True
        try:
            with open(path, "rb") as fh:
                top = compile(fh.read(), path, "exec", dont_inherit=True)
            _FILE_CODES[path] = {_fingerprint(c, True): c for c in _all_codes(top)}
        except (OSError, SyntaxError, ValueError):
            _FILE_CODES[path] = {}
        finally:
            _LOCAL.internal = False
    return _FILE_CODES[path]


_COPIES: dict = {}


def _course_copies() -> dict:
    """Fingerprint (without place) -> 'emcourse.module.function', for every non-trivial function of the course."""
    if not _COPIES:
        for root, _, files in os.walk(_PACKAGE):
            for name in sorted(files):
                path = os.path.join(root, name)
                if not name.endswith(".py") or path in _ENTRY_FILES or path == _HERE or root == _CHECKS_DIR:
                    continue
                for code in _file_codes(path).values():
                    if not code.co_name.startswith("<") and len(code.co_names) + len(code.co_varnames) >= 6:
                        _COPIES[_fingerprint(code, False)] = _describe(code)
        _COPIES.setdefault(None, "")
    return _COPIES


def _describe(code: CodeType) -> str:
    if code.co_filename.startswith("<"):
        return f"a method the course's classes have ({getattr(code, 'co_qualname', code.co_name).split('.')[-1]})"
    path = os.path.realpath(code.co_filename)
    module = os.path.relpath(path, os.path.dirname(_PACKAGE))[:-3].replace(os.sep, ".").replace(".__init__", "")
    return f"{module}.{getattr(code, 'co_qualname', code.co_name)}"


_GENERATED: dict = {}     # id(code) -> (code, ENTRY or COURSE) for dataclass-made methods of emcourse classes
_SEEN_MODULES: set = set()


def _learn_generated_methods() -> None:
    """Remember the methods that dataclasses write (file "<string>") for the classes of emcourse's modules."""
    for name, module in list(sys.modules.items()):
        if name in _SEEN_MODULES or not (name == "emcourse" or name.startswith("emcourse.")) or module is None:
            continue
        _SEEN_MODULES.add(name)
        path = os.path.realpath(getattr(module, "__file__", "") or "")
        kind = (ENTRY if path in _ENTRY_FILES or os.path.dirname(path) == _CHECKS_DIR else
                GUARD if path == _HERE else COURSE)
        for obj in list(vars(module).values()):
            if isinstance(obj, type) and getattr(obj, "__module__", None) == name:
                for attr in vars(obj).values():
                    func = getattr(attr, "__func__", attr)
                    while func is not None:              # dataclass's __repr__ hides inside reprlib's wrapper
                        code = getattr(func, "__code__", None)
                        if isinstance(code, CodeType) and code.co_filename.startswith("<"):
                            _GENERATED[id(code)] = (code, kind)
                        func = getattr(func, "__wrapped__", None)


_ZONES: dict = {}   # id(code) -> (code, kind, detail, quiet); by identity: equal code objects may come from elsewhere


def _zone(code: CodeType) -> tuple:
    """(kind, detail) of a code object, cached: detail is the package of a library, the copied name of a copy."""
    hit = _ZONES.get(id(code))
    if hit is None or hit[0] is not code:
        kind, detail = _classify(code)
        quiet = (kind in (GUARD, ENTRY) or (kind == STUDENT and not detail) or (
            kind == LIB and (detail in _ALLOWED_LIBS or (detail.startswith("std:") and detail[4:] not in _FORBIDDEN_STD))
            and code is not _THREAD_START and all(code is not c for c in _THREAD_SWITCHES)))
        hit = _ZONES[id(code)] = (code, kind, detail, quiet)
    return hit[1], hit[2]


def _classify(code: CodeType) -> tuple:
    filename = code.co_filename
    if filename.startswith("<frozen"):
        return (LIB, "std:importlib")
    if filename.startswith("<"):
        hit = _GENERATED.get(id(code))
        if hit is not None and hit[0] is code:
            return (hit[1], None)
        return (STUDENT, _course_copies().get(_fingerprint(code, False)))
    path = os.path.realpath(filename)
    if path.startswith(_PACKAGE + os.sep):
        if _fingerprint(code, True) not in _file_codes(path):
            return (SPOOF, path)
        if path == _HERE:
            return (GUARD, None)
        if path in _ENTRY_FILES or (os.path.dirname(path) == _CHECKS_DIR and code.co_name.startswith("check_")):
            return (ENTRY, None)
        return (COURSE, None)
    parts = path.split(os.sep)
    for marker in _SITE:
        if marker in parts:
            rest = parts[parts.index(marker) + 1:]
            package = rest[0][:-3] if rest[0].endswith(".py") else rest[0]
            if package == "scipy" and len(rest) > 1 and rest[1] in ("special", "_lib"):
                package = "scipy.special"
            return (LIB, package)
    for prefix in _STDLIB:
        if path.startswith(prefix):
            top = path[len(prefix):].split(os.sep)[0]
            return (LIB, "std:" + (top[:-3] if top.endswith(".py") else top))
    return (STUDENT, _course_copies().get(_fingerprint(code, False)))


def _genuine_library(code: CodeType) -> bool:
    """A library frame really runs the library's file (not code compiled under its name by a notebook)."""
    if code.co_filename.startswith("<frozen"):
        return True
    return _fingerprint(code, True) in _file_codes(os.path.realpath(code.co_filename))


def _effective_caller(frame) -> str:
    """The kind of the nearest frame, going up from ``frame``, that is not a (genuine) library frame."""
    while frame is not None:
        kind, _ = _zone(frame.f_code)
        if kind != LIB:
            return kind
        if not _genuine_library(frame.f_code):
            return SPOOF
        frame = frame.f_back
    return STUDENT


# --- the hooks ------------------------------------------------------------------------------------------------

_SESSIONS: list = []


def _flag(message: str) -> None:
    for session in list(_SESSIONS):
        if message not in session:
            session.append(message)


def _course_entry_allowed(caller) -> bool:
    if caller is None:
        return False
    kind, _ = _zone(caller.f_code)
    if kind in (COURSE, ENTRY):
        return True
    return kind == LIB and _effective_caller(caller) in (COURSE, ENTRY)


def _library_entry_allowed(package: str, caller) -> bool:
    if caller is None:
        return False
    kind, caller_package = _zone(caller.f_code)
    if kind in (COURSE, ENTRY):
        return True
    if kind != LIB:
        return False
    if caller_package == package or (caller_package in _ALLOWED_LIBS and caller_package not in ("numpy", "scipy.special")):
        return True
    if not caller_package.startswith("std:") and caller_package not in ("numpy", "scipy.special"):
        return True                                       # one solving library calling another
    if package.startswith("scipy") and caller_package == "scipy.special":
        return True                                       # scipy.special's own helpers
    return _effective_caller(caller) in (COURSE, ENTRY)


def _on_call(frame) -> None:
    code = frame.f_code
    kind, detail = _zone(code)
    if code is _THREAD_START or any(code is c for c in _THREAD_SWITCHES):
        if _zone(frame.f_back.f_code)[0] == GUARD or _effective_caller(frame.f_back) in (COURSE, ENTRY):
            return
        _flag("it starts a thread" if code is _THREAD_START else
              f"it called threading.{code.co_name}, which would switch the grading guard off in new threads")
    elif kind == STUDENT:
        if detail:
            _flag(f"it runs a copy of the course's {detail}")
    elif kind == SPOOF:
        _flag(f"it runs code compiled under the name of the course's file {os.path.relpath(detail, _PACKAGE)}")
    elif kind == COURSE:
        if not _course_entry_allowed(frame.f_back):
            _flag(f"it called {_describe(code)}")
    elif kind == LIB:
        if detail in _ALLOWED_LIBS or (detail.startswith("std:") and detail[4:] not in _FORBIDDEN_STD):
            return
        if not _library_entry_allowed(detail, frame.f_back):
            what = detail[4:] if detail.startswith("std:") else detail
            _flag(f"it called {what} ({getattr(code, 'co_qualname', code.co_name)})")


def _on_c_call(frame, func) -> None:
    kind, _ = _zone(frame.f_code)
    if func in _PROFILERS and kind != GUARD:
        _flag(f"it called sys.{func.__name__}, which would switch the grading guard off")
    elif func in _RAW_THREADS and kind != LIB:
        _flag("it starts a thread with _thread, out of the guard's sight")
    elif kind in (STUDENT, SPOOF) and isinstance(getattr(func, "__self__", None), _HANDOFF):
        _flag("it hands work to another thread or process (a queue or a socket)")


def _hook(frame, event, arg):
    """The profile function: a look-up per call for code already judged quiet; the rules otherwise."""
    try:
        if event == "call":
            code = frame.f_code
            hit = _ZONES.get(id(code))
            if hit is None or hit[0] is not code or not hit[3]:
                _on_call(frame)
        elif event == "c_call" and (arg in _WATCHED_C or isinstance(getattr(arg, "__self__", None), _HANDOFF)):
            _on_c_call(frame, arg)
    except Exception as exc:   # noqa: BLE001 - never break the student's code; a guard that cannot judge fails it
        _flag(f"the guard could not classify a call ({type(exc).__name__}: {exc})")


def _audit(event: str, args) -> None:
    if not _SESSIONS or getattr(_LOCAL, "internal", False):
        return
    if event.startswith(_PROCESS_EVENTS):
        _flag(f"it starts another process ({event})")
    elif sys.getprofile() is not _hook:             # only the guarded thread's own events
        return
    elif event.startswith(_NET_EVENTS):
        _flag(f"it opens a network connection ({event})")
    elif event.startswith("ctypes."):
        _flag(f"it uses ctypes ({event})")
    elif event in ("sys.setprofile", "sys.settrace"):
        _flag(f"it called {event}, which would switch the grading guard off")
    elif event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if path.startswith(_PACKAGE + os.sep) and _effective_caller(sys._getframe(1)) in (STUDENT, SPOOF, GUARD):
            _flag(f"it reads the course's source file {os.path.relpath(path, _PACKAGE)}")
    elif event == "compile" and len(args) > 1 and isinstance(args[1], str) and not args[1].startswith("<"):
        path = os.path.realpath(args[1])
        if path.startswith(_PACKAGE + os.sep) or any(m in path.split(os.sep) for m in _SITE):
            source = args[0] if isinstance(args[0], (str, bytes)) else None
            _LOCAL.internal = True
            try:
                with open(path, "rb") as fh:
                    genuine = source is not None and fh.read() == (source.encode() if isinstance(source, str) else source)
            except OSError:
                genuine = False
            finally:
                _LOCAL.internal = False
            if not genuine:
                _flag(f"it compiles code under the file name {path}")


sys.addaudithook(_audit)


# --- a guarded call ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What :func:`run_guarded` saw: the returned ``value`` (plain numbers and arrays), the ``error`` the function
    raised (or None) and the ``violations``, one sentence each ("it called emcourse.em.m_step").

    Introduced in ``notebooks/01_mixture_densities.ipynb`` (through every public check).
    """

    value: object
    error: BaseException | None
    violations: tuple

    @property
    def delegated(self) -> bool:
        """True if the function used something a graded function may not use."""
        return bool(self.violations)


class Unreadable:
    """Stands for a returned object that is not numbers, strings or arrays (it would run code when looked at).

    Introduced in ``notebooks/01_mixture_densities.ipynb`` (a check says what was returned).
    """

    def __init__(self, description: str):
        self.description = description

    def __repr__(self) -> str:
        return f"<{self.description}>"


_PLAIN = (type(None), bool, int, float, complex, str, bytes)


def _materialise(value, depth: int = 0):
    """The returned value as plain Python numbers, strings, containers and numpy arrays (run under the guard)."""
    kind = type(value)
    if kind in _PLAIN or (kind.__module__ == "numpy" and isinstance(value, np.generic)):
        return value
    if depth > 20:
        return Unreadable("a value nested more than 20 levels deep")
    if isinstance(value, np.ndarray) and not value.dtype.hasobject:
        return np.array(value, subok=False, copy=True)
    if isinstance(value, (tuple, list)) and kind.__module__ != "numpy":
        items = [_materialise(v, depth + 1) for v in (tuple.__iter__ if isinstance(value, tuple) else list.__iter__)(value)]
        return tuple(items) if isinstance(value, tuple) else items
    if isinstance(value, dict):
        return {_materialise(k, depth + 1): _materialise(v, depth + 1) for k, v in dict.items(value)}
    if kind is Mixture:                               # immutable, validated arrays: nothing of the student's runs
        return value
    if kind is Dataset:                               # a data helper's result (lesson 10 returns data sets)
        truth = value.truth if type(value.truth) is Mixture else Unreadable("a truth that is not a Mixture")
        return replace(value, name=str(value.name), X=_materialise(value.X, depth + 1),
                       labels=_materialise(value.labels, depth + 1), truth=truth, description=str(value.description))
    for base in (bool, int, float, complex, str):
        if isinstance(value, base):
            return base(value)
    try:
        arr = np.asarray(value)
    except Exception as exc:                          # noqa: BLE001 - any failure makes it unreadable
        return Unreadable(f"a {kind.__name__} object that numpy cannot read ({type(exc).__name__})")
    if arr.dtype.hasobject:
        if arr.ndim and arr.size:
            return np.array([_materialise(v, depth + 1) for v in arr.ravel().tolist()], dtype=object).reshape(arr.shape)
        for convert in (float, int):                  # a number-like object: convert it now, under the guard
            if hasattr(kind, f"__{convert.__name__}__"):
                try:
                    return convert(value)
                except Exception:                     # noqa: BLE001
                    break
        return Unreadable(f"a {kind.__name__} object")
    return np.array(arr, copy=True)


def _callable_code(func):
    while isinstance(func, functools.partial):
        func = func.func
    func = getattr(func, "__func__", func)
    code = getattr(func, "__code__", None)
    if code is None and not isinstance(func, (FunctionType, MethodType)) and callable(func):
        call = getattr(type(func), "__call__", None)
        code = getattr(getattr(call, "__func__", call), "__code__", None)
    return code


def _suspect_threads() -> list:
    """Threads started earlier by the notebook (or running the course) that could do the work unseen."""
    out = []
    for t in threading.enumerate():
        if t is threading.current_thread() or not t.is_alive():
            continue
        entries = [e for e in (getattr(t, "_target", None), getattr(t, "function", None)) if e is not None]
        entries += [a for a in (getattr(t, "_args", ()) or ()) if callable(a)]
        for entry in entries or [type(t).run]:
            code = _callable_code(entry)
            if code is None and getattr(entry, "__module__", None) == "builtins":
                out.append(f"a thread the notebook started ({t.name}) runs {entry.__name__}() while the function runs")
            elif code is not None and _zone(code)[0] in (STUDENT, SPOOF, COURSE):
                out.append(f"a thread the notebook started ({t.name}) runs {code.co_name}() while the function runs")
    return out


def _set_profiles(func) -> None:
    _LOCAL.internal = True
    try:
        sys.setprofile(func)
        threading.setprofile(func)
    finally:
        _LOCAL.internal = False


def run_guarded(func, /, *args, **kwargs) -> Outcome:
    """Call ``func(*args, **kwargs)`` under the guard; never raises what ``func`` raises (see ``Outcome.error``).

    Introduced in ``notebooks/01_mixture_densities.ipynb``: every public check and every hidden test calls the
    student's function through it. Nested calls (a check called inside a graded function) share the outer
    guard; what the inner call does counts for both.

    Returns
    -------
    Outcome
        ``value`` is the result made plain (numbers, strings, tuples, lists, dicts, numpy arrays) while the guard
        was still on; ``violations`` says, one sentence each, what the function used that it may not.
    """
    _learn_generated_methods()
    messages: list = []
    outer = not _SESSIONS
    if outer:
        messages += _suspect_threads()
        if any(globals().get(name) is None or getattr(globals()[name], "__code__", None) is not code
               for name, code in _ORIGINAL_CODES.items()):
            messages.append("the grading guard itself was changed by the notebook")
    before = set(threading.enumerate())
    previous = (sys.getprofile(), threading.getprofile() if hasattr(threading, "getprofile") else None)
    _SESSIONS.append(messages)
    value = error = None
    try:
        if outer:
            _set_profiles(_hook)
            if sys.getprofile() is not _hook:
                messages.append("the grading guard could not be switched on")
        try:
            value = _materialise(func(*args, **kwargs))
        except Exception as exc:                      # noqa: BLE001 - the caller decides what a failure means
            error = exc
    finally:
        if outer:
            if sys.getprofile() is not _hook and "the grading guard could not be switched on" not in messages:
                messages.append("it switched the grading guard off")
            _set_profiles(None)
            _LOCAL.internal = True
            try:
                sys.setprofile(previous[0])
                threading.setprofile(previous[1])
            finally:
                _LOCAL.internal = False
        del _SESSIONS[next(i for i, s in enumerate(_SESSIONS) if s is messages)]
    left = [t.name for t in threading.enumerate() if t not in before and t.is_alive()]
    if left:
        messages.append(f"it leaves threads running ({', '.join(left)})")
    return Outcome(value, error, tuple(messages))


def explain(name: str, outcome: Outcome) -> str:
    """One sentence for a student: what ``name`` used that a graded function may not, and what it may use.

    Introduced in ``notebooks/01_mixture_densities.ipynb`` (the checks print it).
    """
    what = "; ".join(outcome.violations[:3]) + ("; ..." if len(outcome.violations) > 3 else "")
    return (f"{name} must do the work itself, but {what}. A graded function may use {ALLOWED}: write this part "
            "with numpy.")


_ORIGINAL_CODES = {name: obj.__code__ for name, obj in list(globals().items())
                   if isinstance(obj, FunctionType) and obj.__module__ == __name__}
