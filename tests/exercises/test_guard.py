"""The delegation guard, before and after: every evasion computes the right answer when called plainly (before)
and is caught, with a message saying what it used, when called under the guard (after); honest code of every
style passes untouched.

Student code is compiled from source under a notebook-like file name, as a kernel cell would be.
"""
import functools
import sys
import threading
import time
import warnings

import numpy as np
import pytest

import emcourse as em
from emcourse.exercises import guard
from emcourse.exercises.guard import Unreadable, explain, run_guarded

CELL = "/tmp/ipykernel_4242/student_cell.py"

RNG = np.random.default_rng(0)
X = np.vstack([RNG.normal(0, 1, (30, 2)), RNG.normal(4, 0.7, (20, 2))])
W, MU, VAR = np.array([0.4, 0.6]), np.array([[0.0, 0.0], [4.0, 4.0]]), np.array([1.0, 0.5])


def own_resp(X, w, mu, var):
    """The answer, written here with numpy only."""
    d = X.shape[1]
    a = np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
    a -= a.max(1, keepdims=True)
    r = np.exp(a)
    return r / r.sum(1, keepdims=True)


EXPECTED = own_resp(X, W, MU, VAR)


def student(source: str, name: str = "resp"):
    """Compile ``source`` as a notebook cell and return the function ``name`` it defines."""
    namespace = {"__name__": "__main__"}
    exec(compile(source, CELL, "exec"), namespace)
    return namespace[name]


# --- every evasion: (id, source defining resp(X, w, mu, var), fragment of the violation) -------------------------

EVASIONS = [
    ("import-as", """
def resp(X, w, mu, var):
    import emcourse.mixture as y
    return y.Mixture(w, mu, var).responsibilities(X)
""", "emcourse.mixture.Mixture"),
    ("star-import", """
from emcourse import *
def resp(X, w, mu, var):
    return Mixture(w, mu, var).responsibilities(X)
""", "emcourse.mixture.Mixture.responsibilities"),
    ("importlib", """
import importlib
def resp(X, w, mu, var):
    return importlib.import_module("emcourse.mixture").Mixture(w, mu, var).responsibilities(X)
""", "emcourse.mixture.Mixture"),
    ("dunder-import", """
def resp(X, w, mu, var):
    return __import__("emcourse").Mixture(w, mu, var).responsibilities(X)
""", "emcourse.mixture.Mixture"),
    ("sys-modules", """
import functools
import sys
def resp(X, w, mu, var):
    return getattr(sys.modules["emcourse.em"], "e_step")(X, sys.modules["emcourse"].Mixture(w, mu, var))[0]
""", "emcourse.em.e_step"),
    ("data-set-truth", """
import emcourse as em
TRUTH = em.datasets.make_well_separated(rng=0).truth
def resp(X, w, mu, var):
    return TRUTH.replace(weights=w, means=mu, covariances=var).responsibilities(X)
""", "emcourse.mixture.Mixture.replace"),
    ("datasets-reexport", """
import emcourse as em
def resp(X, w, mu, var):
    return em.datasets.Mixture(w, mu, var).responsibilities(X)
""", "emcourse.mixture.Mixture.__init__"),
    ("default-argument", """
import emcourse as em
def resp(X, w, mu, var, _engine=em.e_step, _make=em.Mixture):
    return _engine(X, _make(w, mu, var))[0]
""", "emcourse.em.e_step"),
    ("module-lambda", """
import emcourse as em
helper = lambda X, w, mu, var: em.e_step(X, em.Mixture(w, mu, var))[0]
def resp(X, w, mu, var):
    return helper(X, w, mu, var)
""", "emcourse.em.e_step"),
    ("numpy-callback", """
import functools, numpy as np
import emcourse as em
def resp(X, w, mu, var):
    rows = np.vectorize(functools.partial(em.Mixture(w, mu, var).responsibilities), signature="(n,d)->(n,k)")
    return rows(X[None])[0]
""", "emcourse.mixture.Mixture"),
    ("function-from-code", """
import types, numpy as np
import emcourse._numerics as nm
softmax = types.FunctionType(nm.softmax_rows.__code__, {"np": np})
def resp(X, w, mu, var):
    d = X.shape[1]
    return softmax(np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var)
""", "emcourse._numerics.softmax_rows"),
    ("code-renamed", """
import types, numpy as np
import emcourse._numerics as nm
softmax = types.FunctionType(nm.softmax_rows.__code__.replace(co_filename="<mine>"), {"np": np})
def resp(X, w, mu, var):
    d = X.shape[1]
    return softmax(np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var)
""", "copy of the course's emcourse._numerics.softmax_rows"),
    ("source-copied-outside", """
import inspect, numpy as np
import emcourse._numerics as nm
scope = {"np": np}
exec(inspect.getsource(nm.softmax_rows), scope)
def resp(X, w, mu, var):
    d = X.shape[1]
    return scope["softmax_rows"](np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var)
""", "copy of the course's emcourse._numerics.softmax_rows"),
    ("source-read-inside", """
import numpy as np
import emcourse._numerics as nm
def resp(X, w, mu, var):
    scope = {"np": np}
    exec(open(nm.__file__).read(), scope)
    d = X.shape[1]
    return scope["softmax_rows"](np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var)
""", "reads the course's source file _numerics.py"),
    ("compiled-as-course-file", """
import numpy as np
import emcourse._numerics as nm
scope = {"np": np, "em_mixture": __import__("emcourse").Mixture}
exec(compile("def helper(X, w, mu, var):\\n    return em_mixture(w, mu, var).responsibilities(X)\\n", nm.__file__, "exec"), scope)
def resp(X, w, mu, var):
    return scope["helper"](X, w, mu, var)
""", "compiled under the name of the course's file _numerics.py"),
    ("compiled-as-datasets", """
import emcourse as em
scope = {"em": em}
exec(compile("def helper(X, w, mu, var):\\n    return em.Mixture(w, mu, var).responsibilities(X)\\n",
             em.datasets.__file__, "exec"), scope)
def resp(X, w, mu, var):
    return scope["helper"](X, w, mu, var)
""", "compiled under the name of the course's file datasets.py"),
    ("laundered-through-a-data-helper", """
import numpy as np
import emcourse as em
class Sneaky(np.random.Generator):
    def permutation(self, n):
        X, w, mu, var = self.job
        self.out = em.Mixture(w, mu, var).responsibilities(X)
        return np.arange(n)
def resp(X, w, mu, var):
    rng = Sneaky(np.random.PCG64(0))
    rng.job = (X, w, mu, var)
    em.datasets.make_grid(2, rng=rng)        # the helper calls rng.permutation: the student's own code
    return rng.out
""", "emcourse.mixture.Mixture"),
    ("the-function-is-the-course's", None, "emcourse.mixture.Mixture.responsibilities"),
    ("thread", """
import threading
import emcourse as em
def resp(X, w, mu, var):
    out = []
    t = threading.Thread(target=lambda: out.append(em.Mixture(w, mu, var).responsibilities(X)))
    t.start(); t.join()
    return out[0]
""", "it starts a thread"),
    ("thread-pool", """
from concurrent.futures import ThreadPoolExecutor
import emcourse as em
def resp(X, w, mu, var):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(em.Mixture(w, mu, var).responsibilities, X).result()
""", "concurrent"),
    ("profile-switched-off", """
import functools
import sys
import emcourse as em
def resp(X, w, mu, var):
    sys.setprofile(None)
    return em.Mixture(w, mu, var).responsibilities(X)
""", "sys.setprofile"),
    ("thread-profile-switched-off", """
import threading
import emcourse as em
def resp(X, w, mu, var):
    threading.setprofile(None)
    out = []
    t = threading.Thread(target=lambda: out.append(em.Mixture(w, mu, var).responsibilities(X)))
    t.start(); t.join()
    return out[0]
""", "threading.setprofile"),
    ("lazy-array", """
import emcourse as em
class Later:
    def __init__(self, *args):
        self.args = args
    def __array__(self, dtype=None, copy=None):
        X, w, mu, var = self.args
        return em.Mixture(w, mu, var).responsibilities(X)
def resp(X, w, mu, var):
    return Later(X, w, mu, var)
""", "emcourse.mixture.Mixture"),
    ("scikit-learn", """
import numpy as np
from sklearn.mixture import GaussianMixture
def resp(X, w, mu, var):
    gm = GaussianMixture(len(w), covariance_type="spherical")
    gm.weights_, gm.means_, gm.covariances_ = w, mu, var
    gm.precisions_cholesky_ = 1 / np.sqrt(var)
    return gm.predict_proba(X)
""", "sklearn"),
    ("scipy-stats", """
import numpy as np
from scipy.stats import multivariate_normal
def resp(X, w, mu, var):
    p = np.column_stack([wj * multivariate_normal(m, v).pdf(X) for wj, m, v in zip(w, mu, var)])
    return p / p.sum(1, keepdims=True)
""", "scipy"),
]


def build(case_id, source):
    if source is None:
        mix = em.Mixture(W, MU, VAR)
        return lambda X, w, mu, var: mix.responsibilities(X)   # a lambda that is only the course's method
    return student(source)


@pytest.mark.parametrize("case_id, source, fragment", EVASIONS, ids=[e[0] for e in EVASIONS])
def test_every_evasion_computes_the_answer_before_and_is_caught_after(case_id, source, fragment):
    func = build(case_id, source)
    if case_id == "the-function-is-the-course's":
        func = em.Mixture(W, MU, VAR).responsibilities
        before = func(X)
        outcome = run_guarded(func, X)
    else:
        before = np.asarray(func(X, W, MU, VAR))
        outcome = run_guarded(func, X, W, MU, VAR)
    assert np.allclose(before, EXPECTED), "the evasion must really compute the answer"
    assert outcome.delegated, f"{case_id} was not caught"
    assert any(fragment in v for v in outcome.violations), outcome.violations
    message = explain("resp", outcome)
    assert message.startswith("resp must do the work itself, but it") and "numpy, scipy.special" in message


def test_a_subprocess_is_caught(tmp_path):
    func = student(f"""
import json, subprocess, sys
def resp(X, w, mu, var):
    code = ("import json, sys, numpy as np; import emcourse as em; a = json.load(sys.stdin); "
            "print(json.dumps(em.Mixture(*map(np.array, a[1:])).responsibilities(np.array(a[0])).tolist()))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps([X.tolist(), w.tolist(), mu.tolist(),
                         var.tolist()]), capture_output=True, text=True, env={{"PYTHONPATH": {str(sys.path[0])!r}}})
    return json.loads(out.stdout)
""")
    before = np.asarray(func(X, W, MU, VAR))
    assert np.allclose(before, EXPECTED)
    outcome = run_guarded(func, X, W, MU, VAR)
    assert any("starts another process" in v for v in outcome.violations), outcome.violations


def test_work_handed_to_a_thread_started_earlier_is_caught():
    namespace = {"__name__": "__main__"}
    exec(compile("""
import threading, time
import emcourse as em
jobs, results, stop = [], {}, []
def worker():
    while not stop:
        if jobs:
            key, args = jobs.pop()
            X, w, mu, var = args
            results[key] = em.Mixture(w, mu, var).responsibilities(X)
        time.sleep(0.001)
thread = threading.Thread(target=worker, daemon=True)
thread.start()
def resp(X, w, mu, var):
    jobs.append((1, (X, w, mu, var)))
    while 1 not in results:
        time.sleep(0.001)
    return results.pop(1)
""", CELL, "exec"), namespace)
    try:
        before = namespace["resp"](X, W, MU, VAR)
        assert np.allclose(before, EXPECTED)
        outcome = run_guarded(namespace["resp"], X, W, MU, VAR)
        assert any("a thread the notebook started earlier" in v and "worker()" in v for v in outcome.violations)
    finally:
        namespace["stop"].append(True)
        namespace["thread"].join()


def test_a_check_handed_the_course_function_fails_and_taints_the_caller(capsys):
    func = student("""
import emcourse as em
def check_it(X, w, mu, var):
    em.exercises.checks.check_e_step(lambda X, w, mu, var: em.Mixture(w, mu, var).responsibilities(X))
    return 0
""", "check_it")
    outcome = run_guarded(func, X, W, MU, VAR)
    printed = capsys.readouterr().out
    assert "your function must do the work itself" in printed and "emcourse.mixture.Mixture" in printed
    assert outcome.delegated


def test_a_changed_guard_is_noticed(monkeypatch):
    monkeypatch.setattr(guard, "_on_call", lambda frame: None)
    outcome = run_guarded(lambda: 1)
    assert "the grading guard itself was changed by the notebook" in outcome.violations


def test_a_lazy_equality_object_is_unreadable_after_the_guard():
    func = student("""
import emcourse as em
class Equal:
    def __eq__(self, other):
        return True
def resp(X, w, mu, var):
    return Equal()
""")
    assert func(X, W, MU, VAR) == EXPECTED                          # before: "equal" to anything
    outcome = run_guarded(func, X, W, MU, VAR)
    assert isinstance(outcome.value, Unreadable) and "Equal" in repr(outcome.value)


# --- honest code of every style is never flagged --------------------------------------------------------

HONEST = {
    "vectorised": """
import numpy as np
def resp(X, w, mu, var):
    d = X.shape[1]
    a = np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
    return np.exp(a - a.max(1, keepdims=True)) / np.exp(a - a.max(1, keepdims=True)).sum(1, keepdims=True)
""",
    "loops, math, constants, helpers, defaults naming globals": """
import math
import numpy as np
LOG2PI = math.log(2 * math.pi)
def log_gauss(x, m, v, d, c=LOG2PI):
    return -0.5 * (d * (c + math.log(v)) + sum((xi - mi) ** 2 for xi, mi in zip(x, m)) / v)
def resp(X, w, mu, var):
    out = np.empty((len(X), len(w)))
    for i, x in enumerate(X):
        a = [math.log(wj) + log_gauss(x, m, v, len(x)) for wj, m, v in zip(w, mu, var)]
        top = max(a)
        e = [math.exp(aj - top) for aj in a]
        out[i] = [ej / sum(e) for ej in e]
    return out
""",
    "scipy.special, lambdas, classes, generators, closures, recursion": """
import functools, itertools, numpy as np
from scipy.special import logsumexp, softmax
square = lambda z: z * z
class Model:
    def __init__(self, w, mu, var):
        self.w, self.mu, self.var = w, mu, var
    def log_joint(self, X):
        d = X.shape[1]
        return np.log(self.w) - 0.5 * d * np.log(2 * np.pi * self.var) - 0.5 * square(X[:, None, :] - self.mu).sum(-1) / self.var
def rows(a):
    yield from a
@functools.lru_cache(maxsize=None)
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
def resp(X, w, mu, var):
    a = Model(w, mu, var).log_joint(X)
    assert depth(5) == 5 and len(list(itertools.islice(rows(a), 3))) == 3
    return np.exp(a - logsumexp(a, axis=1, keepdims=True)) * (softmax(a, axis=1) > -1)
""",
    "prints, warnings, errors caught, data helpers and a passing check inside": """
import warnings, numpy as np
import emcourse as em
def right(X, w, mu, var):
    d = X.shape[1]
    a = np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
    a -= a.max(1, keepdims=True)
    return np.exp(a) / np.exp(a).sum(1, keepdims=True)
def resp(X, w, mu, var):
    print("working on", X.shape)
    with np.errstate(divide="warn"):
        np.log(np.zeros(1))
    warnings.warn("a student's own warning")
    try:
        {}["missing"]
    except KeyError:
        pass
    ds = em.datasets.make_grid(5, rng=1)
    assert ds.X.shape == (45, 2) and ds.n_components == 9 and len(repr(ds)) > 0
    em.exercises.checks.check_e_step(right)
    return right(X, w, mu, var)
""",
}


@pytest.mark.parametrize("style", list(HONEST))
def test_honest_code_of_every_style_passes(style, capsys):
    func = student(HONEST[style])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = run_guarded(func, X, W, MU, VAR)
    assert outcome.violations == () and outcome.error is None
    assert np.allclose(outcome.value, EXPECTED)


def test_errors_are_returned_not_raised_and_values_made_plain():
    assert isinstance(run_guarded(lambda: 1 / 0).error, ZeroDivisionError)
    assert isinstance(run_guarded(student("def f():\n    raise NotImplementedError\n", "f")).error, NotImplementedError)
    from collections import namedtuple
    pair = namedtuple("pair", "a b")

    class MyFloat(float):
        pass
    value = run_guarded(lambda: (pair(np.arange(3.0), [np.float64(1.5), MyFloat(2.5)]), {"k": np.ones(2)})).value
    assert type(value) is tuple and type(value[0]) is tuple and type(value[0][1][1]) is float
    assert np.array_equal(value[0][0], [0.0, 1.0, 2.0]) and type(value[1]["k"]) is np.ndarray


def test_a_data_set_or_a_mixture_is_returned_as_such():
    ds = em.datasets.make_grid(3, rng=0)
    outcome = run_guarded(lambda: em.datasets.make_grid(3, rng=0))
    assert outcome.violations == () and type(outcome.value) is type(ds) and np.array_equal(outcome.value.X, ds.X)
    assert outcome.value.truth is not None and run_guarded(lambda m: m, ds.truth).value is ds.truth


def test_nested_guards_and_state_restored():
    before = sys.getprofile(), threading.getprofile()
    inner = run_guarded(lambda: run_guarded(lambda: 3))
    assert inner.value is not None and inner.violations == ()
    assert (sys.getprofile(), threading.getprofile()) == before
    assert run_guarded(lambda: run_guarded(em.Mixture(W, MU, VAR).pdf, X)).delegated


def test_the_guard_costs_little_on_a_loop_implementation():
    func = student(HONEST["loops, math, constants, helpers, defaults naming globals"])
    big = np.tile(X, (8, 1))
    run_guarded(func, big, W, MU, VAR)                # classify every code object once

    def best_of_three(call):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            call()
            times.append(time.perf_counter() - t0)
        return min(times)
    plain = best_of_three(lambda: func(big, W, MU, VAR))
    guarded = best_of_three(lambda: run_guarded(func, big, W, MU, VAR))
    assert run_guarded(func, big, W, MU, VAR).violations == ()
    assert guarded < 6 * plain + 0.05, (plain, guarded)


def test_the_course_itself_runs_freely_inside_a_check(capsys):
    """A check runs the engine (run_em, the fast path, numpy calling back) without being flagged."""
    loop = student("""
import numpy as np
def em_loop(X, w, mu, var, n_iter):
    d = X.shape[1]
    out = []
    for t in range(n_iter + 1):
        a = np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
        m = a.max(1, keepdims=True)
        out.append(float((m[:, 0] + np.log(np.exp(a - m).sum(1))).sum()))
        r = np.exp(a - m) / np.exp(a - m).sum(1, keepdims=True)
        n = r.sum(0)
        w, mu = n / len(X), r.T @ X / n[:, None]
        var = (r * ((X[:, None, :] - mu) ** 2).sum(-1)).sum(0) / (d * n)
    return np.array(out)
""", "em_loop")
    outcome = run_guarded(em.exercises.checks.check_em_loop, loop)
    assert outcome.violations == () and outcome.error is None
    assert "public checks passed" in capsys.readouterr().out


# --- the review's doors (issue 16 review, P1): before, they computed the answer unflagged; after, caught -----------

DOOR_PRELUDE = """
import functools, itertools, types
import numpy as np
import emcourse as em
def own(X, w, mu, var):
    return em.Mixture(w, mu, var).responsibilities(X)
MIX = em.Mixture([0.4, 0.6], [[0.0, 0.0], [4.0, 4.0]], [1.0, 0.5])
"""

DOORS = [
    ("private-data-helper", """
def resp(X, w, mu, var):
    box = []
    fake = types.SimpleNamespace(full_covariances=functools.partial(box.extend, itertools.starmap(own, [(X, w, mu, var)])))
    try:
        em.datasets._sample_exact_counts(fake, [1], np.random.default_rng(0))
    except Exception:
        pass
    return box[0]
""", "emcourse.datasets._sample_exact_counts"),
    ("c-callable-inside-a-public-data-helper", """
def resp(X, w, mu, var):
    box = []
    class Count(int):
        __lt__ = functools.partial(next, map(box.append, itertools.starmap(em.e_step, [(X, MIX)])))
    try:
        em.datasets.make_grid(Count(2), rng=0)
    except Exception:
        pass
    return box[0][0]
""", "emcourse.em.e_step"),
    ("rebound-check-global", """
import emcourse.exercises.checks.homework_em as hw
_real = hw.reference_diag_m_step
def resp(X, w, mu, var):
    box = []
    hw.reference_diag_m_step = functools.partial(set().union, map(box.append, itertools.starmap(em.e_step, [(X, MIX)])))
    try:
        hw.check_diag_m_step(lambda X, R, f: (np.ones(R.shape[1]), np.zeros((R.shape[1], X.shape[1])), np.ones(X.shape[1])))
    except TypeError:
        pass
    finally:
        hw.reference_diag_m_step = _real
    return box[0][0]
""", "the notebook changed the course's emcourse.exercises.checks.homework_em.reference_diag_m_step"),
    ("guard-calling-a-c-callable", """
from emcourse.exercises.guard import run_guarded
def resp(X, w, mu, var):
    box = []
    run_guarded(functools.partial(next, map(box.append, itertools.starmap(em.e_step, [(X, MIX)]))))
    return box[0][0]
""", "emcourse.em.e_step"),
    ("frame-of-the-caller", """
import functools
import sys
def resp(X, w, mu, var):
    return sys._getframe(1).f_locals["answer"]
""", "reaches into the call stack (sys._getframe)"),
    ("inspect-stack", """
import inspect
def resp(X, w, mu, var):
    return next(f.frame.f_locals["answer"] for f in inspect.stack() if "answer" in f.frame.f_locals)
""", "reaches into the call stack"),
    ("traceback-frame", """
def resp(X, w, mu, var):
    try:
        raise ValueError
    except ValueError as exc:
        return exc.__traceback__.tb_frame.f_back.f_locals["answer"]
""", "tb_frame"),
    ("gc-referrers", """
import gc
def resp(X, w, mu, var):
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "answer" in obj:
            return obj["answer"]
""", "gc.get_objects"),
    ("pytest-raises-as-a-trampoline", """
import pytest
from sklearn.mixture import GaussianMixture
def resp(X, w, mu, var):
    box = []
    make = functools.partial(GaussianMixture, len(w), covariance_type="spherical")
    try:
        pytest.raises(ZeroDivisionError, functools.partial(box.extend, itertools.starmap(make, [()])))
    except BaseException:
        pass
    gm = box[0]
    gm.weights_, gm.means_, gm.covariances_, gm.precisions_cholesky_ = w, mu, var, 1 / np.sqrt(var)
    try:
        pytest.raises(ZeroDivisionError, functools.partial(box.extend, itertools.starmap(gm.predict_proba, [(X,)])))
    except BaseException:
        pass
    return box[-1]
""", "sklearn"),
]


@pytest.mark.parametrize("case_id, source, fragment", DOORS, ids=[d[0] for d in DOORS])
def test_every_door_of_the_review_computes_the_answer_before_and_is_caught_after(case_id, source, fragment,
                                                                               monkeypatch):
    from emcourse.exercises.checks import _common
    namespace = {"__name__": "__main__"}
    exec(compile(DOOR_PRELUDE + source, CELL, "exec"), namespace)
    func = namespace["resp"]
    answer = EXPECTED.copy()                                   # noqa: F841 - read by the frame-reading doors
    holder = {"answer": answer}                                # noqa: F841 - what gc.get_objects can find
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with monkeypatch.context() as unguarded:              # before: the checks call the function plainly
            unguarded.setattr(_common, "run_guarded", lambda f, *a: guard.Outcome(f(*a), None, ()))
            before = np.asarray(func(X, W, MU, VAR))
        assert np.allclose(before, EXPECTED), "the door must really compute the answer"
        outcome = run_guarded(func, X, W, MU, VAR)
    assert outcome.delegated, f"{case_id} was not caught"
    assert any(fragment in v for v in outcome.violations), outcome.violations


def test_the_course_modules_are_checked_for_rebound_names(monkeypatch):
    import emcourse.datasets as datasets
    import emcourse.exercises.checks.homework_em as hw
    assert guard.P.tampered() == []
    with monkeypatch.context() as m:
        m.setattr(hw, "stepwise_em", functools.partial(print))
        assert "the notebook changed the course's emcourse.exercises.checks.homework_em.stepwise_em" in guard.P.tampered()
    with monkeypatch.context() as m:
        m.setattr(em.Mixture, "pdf", functools.partial(print))
        assert "the notebook changed the course's emcourse.mixture.Mixture" in guard.P.tampered()
    with monkeypatch.context() as m:
        m.setattr(datasets, "DATASETS", {"grid": em.run_em})
        assert "the notebook changed the course's emcourse.datasets.DATASETS" in guard.P.tampered()
    with pytest.raises(TypeError):
        datasets.DATASETS["grid"] = em.run_em                 # frozen
    assert guard.P.tampered() == []


def test_a_thread_started_earlier_with_a_builtin_target_is_caught():
    """The review's thread: its target is collections.deque, its work arrives through list.append."""
    namespace = {"__name__": "__main__"}
    exec(compile("""
import threading, collections, time
import emcourse as em
inbox, outbox, stop = [], [], []
def next_job():
    while not inbox:
        if stop:
            return None
        time.sleep(0.0005)
    return inbox.pop()
def do(job):
    outbox.append(em.Mixture(*job[1:]).responsibilities(job[0]))
worker = threading.Thread(target=collections.deque, args=(map(do, iter(next_job, None)), 0), daemon=True)
worker.start()
def resp(X, w, mu, var):
    inbox.append((X, w, mu, var))
    while not outbox:
        time.sleep(0.0005)
    return outbox.pop()
""", CELL, "exec"), namespace)
    try:
        assert np.allclose(namespace["resp"](X, W, MU, VAR), EXPECTED)
        outcome = run_guarded(namespace["resp"], X, W, MU, VAR)
        assert any("a thread the notebook started earlier" in v and "built-in" in v for v in outcome.violations)
    finally:
        namespace["stop"].append(True)
        namespace["worker"].join()
    assert run_guarded(student(HONEST["vectorised"]), X, W, MU, VAR).violations == ()


def test_scipy_linalg_is_refused_as_a_whole_and_scipy_special_allowed():
    import scipy.linalg
    import scipy.special
    A = np.array([[2.0, 0.3], [0.3, 1.0]])
    for name in ("cholesky", "cho_factor", "solve_triangular", "eigh", "svd", "pinv", "solve", "det", "inv"):
        func = getattr(scipy.linalg, name)
        outcome = run_guarded(lambda: func(A, np.ones(2)) if name in ("solve", "solve_triangular") else func(A))
        assert outcome.delegated and any("scipy" in v for v in outcome.violations), name
    special = run_guarded(lambda: (scipy.special.logsumexp(A, axis=1), scipy.special.softmax(A, axis=0),
                                   scipy.special.log_softmax(A), scipy.special.xlogy(A, A), scipy.special.ndtri(0.3),
                                   scipy.special.gammaln(3.0), scipy.special.expit(0.2), scipy.special.erf(0.3)))
    assert special.violations == () and special.error is None


def test_honest_standard_library_queue_and_tqdm_pass():
    func = student("""
import queue, heapq, statistics, dataclasses
import numpy as np
from tqdm.auto import tqdm
@dataclasses.dataclass
class Box:
    value: float
def resp(X, w, mu, var):
    q = queue.Queue()
    for j in tqdm(range(len(w)), desc="components", mininterval=0):
        q.put(j)
    order = [q.get() for _ in range(len(w))]
    d = X.shape[1]
    a = np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
    a = a[:, order] - a.max(1, keepdims=True)
    assert Box(statistics.fmean([1.0, 2.0])).value == 1.5 and heapq.nsmallest(1, [3, 1]) == [1]
    return np.exp(a) / np.exp(a).sum(1, keepdims=True)
""")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcome = run_guarded(func, X, W, MU, VAR)
    assert outcome.violations == () and outcome.error is None and np.allclose(outcome.value, EXPECTED)
