"""Lesson 7's exercise check: ``match_tracking_step`` accepts right answers and names each classic mistake.

The right answer is written here independently with numpy (a student's own code must pass); each wrong
answer changes one thing in it and must reach its own hint. The check's reference is the engine's
GaussianARTMAP, so the right answer passing also confirms that the engine does what the lesson teaches.
"""

import numpy as np
import pytest

from emcourse.exercises import checks
from emcourse.exercises.checks.artmap import _cases, _engine_decisions
from emcourse.methods.artmap import GaussianARTMAP
from tests.exercises._checking import not_written, run_check, solution_code


def make(*, density=False, choose_by_match=False, count=True, widths=True, all_weaker=True, track=True,
         epsilon=True, reset=True, logs=True, half=True, squared=False):
    """A student's match_tracking_step: right with the defaults, one classic mistake per switch."""
    def match_tracking_step(means, sigmas, counts, labels, X, y, rho_bar, eps):
        means, sigmas, X = np.asarray(means, float), np.asarray(sigmas, float), np.asarray(X, float)
        if squared:
            sigmas = sigmas ** 2
        sum_log_sigma = np.log(sigmas).sum(axis=1)
        decisions = []
        rho = rho_bar
        for x, label in zip(X, y):
            if reset:
                rho = rho_bar
            log_G = -(0.5 if half else 1.0) * (((x - means) / sigmas) ** 2).sum(axis=1)
            if density:
                log_G = log_G - sum_log_sigma - 0.5 * means.shape[1] * np.log(2 * np.pi)
            log_g = log_G if choose_by_match else (log_G - (sum_log_sigma if widths else 0.0)
                                                  + (np.log(counts) if count else 0.0))
            if logs:
                eligible = log_G > (np.log(rho) if rho > 0 else -np.inf)
            else:
                eligible = np.exp(log_G) > rho
            while True:
                if not eligible.any():
                    decisions.append(-1)
                    break
                J = int(np.argmax(np.where(eligible, log_g, -np.inf)))
                if labels[J] == label:
                    decisions.append(J)
                    break
                if not track:                       # a wrong guess: a new category straight away
                    decisions.append(-1)
                    break
                if not all_weaker:
                    eligible[J] = False
                    continue
                rho = np.exp(log_G[J]) + (eps if epsilon else 0.0)
                threshold = np.logaddexp(log_G[J], np.log(eps)) if epsilon else log_G[J]
                eligible &= log_G > threshold
        return decisions
    return match_tracking_step


def right_one_at_a_time(means, sigmas, counts, labels, X, y, rho_bar, eps):
    """Another right answer: a helper for one sample, a set of candidates instead of a boolean mask."""
    def one(x, label):
        log_G = -0.5 * (((x - means) / sigmas) ** 2).sum(axis=1)
        log_g = np.log(counts) - np.log(sigmas).sum(axis=1) + log_G
        log_rho = np.log(rho_bar) if rho_bar > 0 else -np.inf
        candidates = {j for j in range(len(means)) if log_G[j] > log_rho}
        while candidates:
            J = max(candidates, key=lambda j: (log_g[j], -j))
            if labels[J] == label:
                return J
            log_rho = np.logaddexp(log_G[J], np.log(eps))
            candidates = {j for j in candidates if log_G[j] > log_rho}
        return -1
    return np.array([one(x, label) for x, label in zip(X, y)])


def slide19_literally(means, sigmas, counts, labels, X, y, rho_bar, eps, *, logs=True):
    """'Increase rho slightly and try again': rho += eps until the wrong winner drops out."""
    out = []
    for x, label in zip(X, y):
        log_G = -0.5 * (((x - means) / sigmas) ** 2).sum(axis=1)
        G = np.exp(log_G)
        g = np.log(counts) - np.log(sigmas).sum(axis=1) + log_G if logs else counts / np.prod(sigmas, axis=1) * G
        rho = rho_bar
        eligible = log_G > (np.log(rho) if rho > 0 else -np.inf) if logs else G > rho
        while True:
            if not eligible.any():
                out.append(-1)
                break
            J = int(np.argmax(np.where(eligible, g, -np.inf)))
            if labels[J] == label:
                out.append(J)
                break
            while eligible[J]:
                rho += eps
                eligible &= (log_G > np.log(rho)) if logs else G > rho
    return out


def one_based(*args):
    """Right categories, counted from 1."""
    d = np.asarray(make()(*args))
    return np.where(d >= 0, d + 1, -1)


stub = not_written("exercise 7: match_tracking_step")


@pytest.mark.parametrize("func, passed, fragment", [
    (make(), True, "public checks passed"),
    (right_one_at_a_time, True, "public checks passed"),
    (lambda *a: np.array(make()(*a), dtype=np.int32), True, "public checks passed"),
    (stub, False, "not yet implemented"),
    (lambda *a: 1 / 0, False, "your function raised ZeroDivisionError"),
    (lambda *a: None, False, "returned None"),
    (lambda *a: ["new" if d < 0 else d for d in make()(*a)], False, "return -1 (not a word)"),
    (lambda *a: make()(*a) + [0], False, "value(s) for"),
    (lambda *a: [d + 0.5 for d in make()(*a)], False, "return whole numbers"),
    (make(density=True), False, "you tested the density p(x|j) against rho"),
    (make(choose_by_match=True), False, "you chose the category with the largest match"),
    (make(count=False), False, "your choice leaves out the count"),
    (make(all_weaker=False), False, "you removed only the category that guessed"),
    (make(epsilon=False), False, "rho must jump to just ABOVE"),
    (slide19_literally, False, "rho must jump to just ABOVE"),
    # two mistakes at once (slide 19 literally AND no logarithms): no single named mistake explains every case
    (lambda *a: slide19_literally(*a, logs=False), False, "Eligible: G_j > rho; winner: largest g_j"),
    (make(widths=False), False, "does not divide by the product of the category's standard deviations"),
    (make(track=False), False, "you created a new category at once"),
    (make(half=False), False, "your match has no factor 1/2"),
    (make(squared=True), False, "you used them as variances"),
    (one_based, False, "the right categories plus 1"),
    (make(reset=False), False, "rho must start again at rho_bar for every sample"),
    (make(logs=False), False, "Compare logarithms"),
    (lambda *a: [max(d, 0) for d in make()(*a)], False, "expected a new category (-1), you returned category index 0"),
])
def test_match_tracking_step_check(func, passed, fragment, capsys):
    run_check(checks.check_match_tracking_step, func, passed, fragment, capsys)


def test_the_cases_cover_every_branch_the_lesson_teaches():
    """Among the check's cases: learned at once, learned by another category after match tracking, and a new
    category after match tracking; the engine reference and the independent answer agree on every case."""
    stories = set()
    for what, *case in _cases():
        means, sigmas, counts, labels, X, y, rho_bar, eps = case
        args = (np.asarray(means, float), np.asarray(sigmas, float), np.asarray(counts), np.asarray(labels),
                np.asarray(X, float), np.asarray(y), rho_bar, eps)
        np.testing.assert_array_equal(_engine_decisions(*args), right_one_at_a_time(*args), err_msg=what)
        for x, label in zip(args[4], args[5]):
            model = GaussianARTMAP(rho=rho_bar, epsilon=eps, sigma_min=0.0).set_categories(
                means=args[0], sigmas=args[1], counts=args[2], labels=args[3])
            kinds = [e.kind for e in model.partial_fit(x[None], [label]).trace_]
            stories.add(("match_tracking" in kinds, kinds[-1]))
    assert {(False, "learn"), (True, "learn"), (True, "new_category")} <= stories


def test_the_solution_shown_in_lesson_7_passes(capsys):
    """The code behind the notebook's "Show a solution" fold, run as a student would paste it."""
    namespace = {"np": np}
    exec(solution_code("07_gaussian_artmap.ipynb", "def match_tracking_step"), namespace)
    run_check(checks.check_match_tracking_step, namespace["match_tracking_step"], True, "public checks passed", capsys)
