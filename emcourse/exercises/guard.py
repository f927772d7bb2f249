"""The delegation guard: run a student's function and see whether it did the work itself (beside floor 3).

Introduced in ``notebooks/01_mixture_densities.ipynb``: every public check calls the student's function
through :func:`run_guarded` (via ``checks._common.call``), and so do the hidden tests of ``homework/``.

What a graded function may use is **numpy, scipy.special, the Python standard library, the data helpers
``emcourse.datasets`` and the public checks** (``emcourse.exercises.checks.check_*``). The guard judges what the
function *runs*, not what the notebook imports: while it runs, a profile hook (``sys.setprofile``, also set for
threads it starts) sees every Python call and an audit hook sees the interpreter's audited events. It flags

* a call into emcourse's code that the course did not make itself: an import under any name, a method of an object the
  course built (a data set's true ``Mixture``), a callback handed to numpy, a check handed the course's function.
  The public ``make_*``/``load`` of the data helpers, a data set's methods and the public ``check_*`` functions are
  the doors; behind them the course may call only what its source names (:func:`_really_calls`), because a built-in
  callable planted in an argument leaves no frame and would otherwise seem to be the course calling itself;
* a rebound name of the course's modules or classes (:func:`_provenance.tampered`), at the start, at every door and
  at the end of a guarded call;
* a call into another library that solves things (scikit-learn, scipy outside ``scipy.special``, ...), also through an
  allowed library used as a trampoline, and the standard library's doors to other processes and machines;
* a look at the call stack, where the grading code keeps its variables (``sys._getframe``, ``inspect``, the frames
  of tracebacks and generators, ``gc.get_referrers``/``get_objects``, ``sys._current_frames``);
* starting a thread, and any live thread that the kernel's own libraries did not start, judged by the code it runs;
  switching the guard off; new processes, sockets, ``ctypes``; reading the course's source files; code compiled under
  a course file's name; a verbatim copy of a course function (bytecode-independent fingerprint: names, variables,
  constants; an edited copy is not recognised);
* a return value that would run code later (an object whose ``__array__`` or ``__eq__`` calls the course when
  the test looks at it): values are turned into plain numbers and arrays while the guard is still on.

Every code object is classified once (:mod:`emcourse.exercises._provenance`), so the hook costs a dictionary look-up
per call of code already judged quiet. Limits: the guard watches this process; it cannot see a program the notebook
left running elsewhere, and it does not defend a test against a notebook that rewrites numpy, the builtins or the
grading code itself (tampering, visible in the submission; grade untrusted notebooks in a sandbox, as nbgrader's
documentation advises).
"""
from __future__ import annotations

import _socket
import _thread
import functools
import os
import sys
import threading
from dataclasses import dataclass, replace
from types import FunctionType, MethodType

import numpy as np

from ..datasets import Dataset
from ..mixture import Mixture
from . import _provenance as P
from ._provenance import COURSE, ENTRY, GUARD, LIB, SPOOF, STUDENT

#: what a graded function may use, as the messages and the assignments say it
ALLOWED = ("numpy, scipy.special, the Python standard library, emcourse.datasets and the public checks "
           "(emcourse.exercises.checks)")

#: third-party packages a student's code may call directly (numpy, scipy.special, what prints, runs cells and shows
#: progress bars)
_ALLOWED_LIBS = frozenset({"numpy", "scipy.special", "ipykernel", "IPython", "traitlets", "tornado", "zmq",
                           "jupyter_client", "jupyter_core", "comm", "debugpy", "_pytest", "pytest", "pluggy", "tqdm",
                           "ipywidgets"})
#: the packages whose threads may be running while a graded function runs: the kernel's own, and tqdm's monitor
_KERNEL_LIBS = frozenset({"ipykernel", "IPython", "traitlets", "tornado", "zmq", "jupyter_client", "jupyter_core",
                          "comm", "debugpy", "tqdm"})
#: standard-library modules that hand work to other threads, processes or machines
_FORBIDDEN_STD = frozenset({"multiprocessing", "concurrent", "subprocess", "asyncio", "socket", "ctypes",
                            "socketserver", "selectors", "ssl", "http", "urllib", "xmlrpc", "sched"})
#: an allowed library may use these forbidden parts for its own harmless purposes (tqdm's write lock, which
#: loky patches when scikit-learn was imported; scipy.special's array helpers)
_BENIGN = frozenset({("tqdm", "std:multiprocessing"), ("std:multiprocessing", "joblib"), ("scipy.special", "scipy._lib")})
#: methods datetime's C code calls on a tzinfo (the kernel stamps every message it sends with the time)
_TZ_PROTOCOL = frozenset({"utcoffset", "dst", "tzname", "fromutc"})
_PROCESS_EVENTS = ("os.system", "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec", "os.startfile",
                   "subprocess.Popen", "pty.spawn")
_NET_EVENTS = ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo")
#: what hands a frame (and so the grading code's local variables) to the code that asks
_FRAME_EVENTS = ("sys._getframe", "sys._current_frames", "gc.get_referrers", "gc.get_objects", "gc.get_referents")
_FRAME_ATTRS = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame"})
_RAW_THREADS = {getattr(_thread, n, None) for n in ("start_new_thread", "start_joinable_thread")} - {None}
_PROFILERS = {sys.setprofile, sys.settrace}
_WATCHED_C = _PROFILERS | _RAW_THREADS
_HANDOFF = (_socket.socket,)
#: threading's own switches for the profile of new threads, and the start of a thread
_THREAD_SWITCHES = {getattr(threading, n).__code__ for n in ("setprofile", "settrace", "setprofile_all_threads",
                                                             "settrace_all_threads") if hasattr(threading, n)}
_THREAD_START = threading.Thread.start.__code__
_LOCAL = P.LOCAL


# --- where a piece of code comes from -------------------------------------------------------------------

def _allowed_lib(detail: str) -> bool:
    return detail in _ALLOWED_LIBS or (detail.startswith("std:") and detail[4:] not in _FORBIDDEN_STD)


_ZONES: dict = {}   # id(code) -> (code, kind, detail, quiet); by identity: equal code objects may come from elsewhere


def _zone(code) -> tuple:
    """(kind, detail) of a code object, cached (see :mod:`emcourse.exercises._provenance`)."""
    hit = _ZONES.get(id(code))
    if hit is None or hit[0] is not code:
        kind, detail = P.classify(code)
        quiet = (kind == GUARD or (kind == STUDENT and not detail) or (
            kind == LIB and _allowed_lib(detail) and code is not _THREAD_START
            and all(code is not c for c in _THREAD_SWITCHES)))
        hit = _ZONES[id(code)] = (code, kind, detail, quiet)
    return hit[1], hit[2]


def _effective(frame):
    """(the nearest frame from ``frame`` up that is not a genuine library frame, or None; its kind)."""
    while frame is not None:
        kind, _ = _zone(frame.f_code)
        if kind != LIB:
            return frame, kind
        if not P.genuine(frame.f_code):
            return frame, SPOOF
        frame = frame.f_back
    return None, STUDENT


def _effective_caller(frame) -> str:
    return _effective(frame)[1]


# --- the hooks ------------------------------------------------------------------------------------------------

_SESSIONS: list = []


def _flag(message: str) -> None:
    for session in list(_SESSIONS):
        if message not in session:
            session.append(message)


def _dunder(code) -> bool:
    name = code.co_name
    return name.startswith("__") and name.endswith("__") and name != "__call__"


def _really_calls(frame, callee) -> bool:
    """The course's code running in ``frame`` calls ``callee`` because its source says so: the callee is named in that
    file (a function, a method, a dispatch table's entry), nested in it, a dunder Python calls implicitly, or a
    callable the frame holds in a variable (a callback handed to a shared loop). Not because a built-in callable
    planted in an argument (a ``functools.partial`` as ``__lt__``, ``rng.permutation`` or a check's global) was
    made to call it on a notebook's behalf: C callables leave no frame, so that call seems to come from the course."""
    words = P.vocabulary(os.path.realpath(frame.f_code.co_filename))
    if _dunder(callee) or callee.co_name in words or not words.isdisjoint(P.aliases(callee)):
        return True
    if callee.co_filename.startswith("<") or callee.co_name.startswith("<"):
        return True                             # dataclass-made methods, lambdas and comprehensions of the course
    for value in list(frame.f_locals.values()):
        if callable(value) and _callable_code(value) is callee:
            return True
    return False


def _course_call_allowed(frame) -> bool:
    """May the course's code object of ``frame`` run here? Only if the course (or a door) really calls it."""
    effective, kind = _effective(frame.f_back)
    if kind in (COURSE, ENTRY):
        return _really_calls(effective, frame.f_code)
    if kind == GUARD:                                       # the guard only copies values (dataclasses.replace)
        return _dunder(frame.f_code)
    return False


def _library_call_allowed(package: str, frame) -> bool:
    """May code of the forbidden library ``package`` run here? For the course, for itself, never for a notebook."""
    caller = frame.f_back
    if caller is None:
        return False
    kind, caller_package = _zone(caller.f_code)
    if kind in (COURSE, ENTRY, GUARD):
        return True
    if kind != LIB:
        return False
    if caller_package == package and P.genuine(caller.f_code):
        return True                                       # the library's own internals, once it was entered
    if (caller_package, package) in _BENIGN:
        return True
    if caller_package in _KERNEL_LIBS or caller_package.startswith("std:"):
        name = frame.f_code.co_name           # the kernel or the standard library using it for its own purposes:
        if ((name.startswith("__") and name.endswith("__") and name != "__call__") or name in _TZ_PROTOCOL
                or name in P.vocabulary(os.path.realpath(caller.f_code.co_filename))):
            return True                       # logging's current_process(), print's tzinfo.utcoffset(), ...
    return _effective_caller(caller) in (COURSE, ENTRY)


def _thread_allowed(thread) -> bool:
    origin = _thread_origin(thread)
    return origin in _KERNEL_LIBS


def _on_call(frame) -> None:
    code = frame.f_code
    kind, detail = _zone(code)
    if code is _THREAD_START:
        thread = frame.f_locals.get("self")
        if _effective_caller(frame.f_back) in (COURSE, ENTRY) or _thread_allowed(thread):
            return
        _flag("it starts a thread")
    elif any(code is c for c in _THREAD_SWITCHES):
        if _zone(frame.f_back.f_code)[0] == GUARD or _effective_caller(frame.f_back) in (COURSE, ENTRY):
            return
        _flag(f"it called threading.{code.co_name}, which would switch the grading guard off in new threads")
    elif kind == STUDENT:
        if detail:
            _flag(f"it runs a copy of the course's {detail}")
    elif kind == SPOOF:
        _flag(f"it runs code compiled under the name of the course's file {os.path.relpath(detail, P.PACKAGE)}")
    elif kind in (COURSE, ENTRY):
        if kind == COURSE and not _course_call_allowed(frame):
            _flag(f"it called {P.describe(code)}")
        elif kind == ENTRY:
            for message in P.tampered():
                _flag(message)
    elif kind == LIB:
        if _allowed_lib(detail):
            return
        if not _library_call_allowed(detail, frame):
            what = detail[4:] if detail.startswith("std:") else detail
            _flag(f"it called {what} ({P.qualname(code)})")


def _on_c_call(frame, func) -> None:
    kind, _ = _zone(frame.f_code)
    if func in _PROFILERS and kind != GUARD:
        _flag(f"it called sys.{func.__name__}, which would switch the grading guard off")
    elif func in _RAW_THREADS and kind != LIB:
        _flag("it starts a thread with _thread, out of the guard's sight")
    elif kind in (STUDENT, SPOOF) and isinstance(getattr(func, "__self__", None), _HANDOFF):
        _flag("it hands work to another process (a socket)")


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


def _frame_grab(frame) -> bool:
    """Did the notebook's code ask for a frame (directly, or through inspect or traceback's frame walkers)?"""
    kind, detail = _zone(frame.f_code)
    if kind in (STUDENT, SPOOF):
        return True
    if kind == LIB and (detail == "std:inspect" or frame.f_code.co_name in ("walk_stack", "walk_tb")):
        while frame is not None and _zone(frame.f_code) == (LIB, detail):
            frame = frame.f_back
        return frame is not None and _zone(frame.f_code)[0] in (STUDENT, SPOOF)
    return False


def _calling_frame():
    _LOCAL.internal = True
    try:
        return sys._getframe(2)
    finally:
        _LOCAL.internal = False


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
    elif event in _FRAME_EVENTS or (event == "object.__getattr__" and len(args) > 1 and args[1] in _FRAME_ATTRS):
        frame = _calling_frame()
        what = event if event != "object.__getattr__" else f"the {args[1]} of {type(args[0]).__name__}"
        if event.startswith("gc.") or event == "sys._current_frames":
            grab = _effective_caller(frame) in (STUDENT, SPOOF)
        else:
            grab = _frame_grab(frame)
        if grab:
            _flag(f"it reaches into the call stack ({what}), where the grading code keeps its variables")
    elif event == "open" and args and isinstance(args[0], (str, bytes, os.PathLike)):
        path = os.path.realpath(os.fsdecode(args[0]))
        if path.startswith(P.PACKAGE + os.sep) and _effective_caller(_calling_frame()) in (STUDENT, SPOOF, GUARD):
            _flag(f"it reads the course's source file {os.path.relpath(path, P.PACKAGE)}")
    elif event == "compile" and len(args) > 1 and isinstance(args[1], str) and not args[1].startswith("<"):
        path = os.path.realpath(args[1])
        if path.startswith(P.PACKAGE + os.sep) or any(m in path.split(os.sep) for m in ("site-packages", "dist-packages")):
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
    if code is None and not isinstance(func, (FunctionType, MethodType, type)) and callable(func):
        call = getattr(type(func), "__call__", None)
        code = getattr(getattr(call, "__func__", call), "__code__", None)
    return code


def _thread_code(thread):
    """The code object a thread runs (None for a built-in callable, which may call anything, or no target)."""
    run = getattr(type(thread), "run", None)
    if run is not threading.Thread.run and run is not getattr(threading.Timer, "run", None):
        return getattr(run, "__code__", None)
    entry = getattr(thread, "function", None) if isinstance(thread, threading.Timer) else getattr(thread, "_target", None)
    return _callable_code(entry) if entry is not None else None


def _thread_origin(thread) -> str:
    """Where the code a thread runs comes from: a library's package, or a zone (student, course, ...)."""
    code = _thread_code(thread)
    if code is None:
        return "built-in"
    kind, detail = _zone(code)
    return detail if kind == LIB else kind


def _outermost_origin(frame) -> str:
    while frame.f_back is not None:
        frame = frame.f_back
    kind, detail = _zone(frame.f_code)
    return detail if kind == LIB else kind


def _suspect_threads() -> list:
    """Every live thread that the kernel's own libraries did not start (judged by the code it runs): a thread the
    notebook started earlier could do the work unseen, whatever its target looks like."""
    out, known = [], set()
    current, main = threading.current_thread(), threading.main_thread()
    for t in threading.enumerate():
        known.add(t.ident)
        if t is current or t is main or not t.is_alive() or isinstance(t, threading._DummyThread):
            continue
        origin = _thread_origin(t)
        if origin not in _KERNEL_LIBS:
            code = _thread_code(t)
            what = f"{code.co_name}()" if code is not None else "a built-in callable"
            out.append(f"a thread the notebook started earlier ({t.name}, running {origin} code: {what}) is alive "
                       "while the function runs")
    _LOCAL.internal = True
    try:
        frames = sys._current_frames()
    finally:
        _LOCAL.internal = False
    for ident, frame in frames.items():
        dummy = isinstance(threading._active.get(ident), threading._DummyThread)
        if ident != current.ident and ident != main.ident and (ident not in known or dummy):
            origin = _outermost_origin(frame)
            if origin not in _KERNEL_LIBS:
                out.append(f"a thread started outside threading (running {origin} code) is alive while the function runs")
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
    P.learn_generated_methods()
    messages: list = []
    outer = not _SESSIONS
    if outer:
        messages += _suspect_threads() + P.tampered()
        if any(vars(module).get(name) is not value for (module, name), value in _ORIGINAL.items()):
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
            value = func(*args, **kwargs)
            if outer:
                for message in P.tampered():
                    _flag(message)
            value = _materialise(value)
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
    left = [t.name for t in threading.enumerate() if t not in before and t.is_alive() and not _thread_allowed(t)]
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


#: every function and table of the guard and of _provenance, to notice a notebook that rebinds one
_ORIGINAL = {(module, name): value for module in (sys.modules[__name__], P) for name, value in list(vars(module).items())
             if isinstance(value, (FunctionType, frozenset, tuple, set, str)) and not name.startswith("__")}
