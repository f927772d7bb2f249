"""Lesson 11's check (kmeans_step): a right answer passes, each classic mistake gets its own hint.

The right answer is written here with numpy only, independently of emcourse.
"""
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from emcourse.exercises import checks
from emcourse.exercises.checks.practice import MISTAKES, _cases
from emcourse.methods.kmeans import kmeans_step as package_kmeans_step
from tests.exercises._checking import not_written, run_check


stub = not_written("exercise 11: kmeans_step")


def right(X, means):
    labels = np.argmin(((X[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    new = means.copy()
    for j in range(len(means)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return new


def empty_nan(X, means):
    labels = np.argmin(((X[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    with np.errstate(all="ignore"):
        return np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else np.full(X.shape[1], np.nan)
                         for j in range(len(means))])


def empty_zero(X, means):
    out = right(X, means)
    labels = np.argmin(((X[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    out[[j for j in range(len(means)) if not np.any(labels == j)]] = 0.0
    return out


def soft(X, means):
    a = -0.5 * ((X[:, None, :] - means[None]) ** 2).sum(-1)
    r = np.exp(a - a.max(1, keepdims=True))
    r /= r.sum(1, keepdims=True)
    with np.errstate(all="ignore"):
        return (r.T @ X) / r.sum(0)[:, None]


def one_at_a_time(X, means):
    mu = means.copy()
    for j in range(len(mu)):
        labels = np.argmin(((X[:, None, :] - mu[None]) ** 2).sum(-1), axis=1)
        if np.any(labels == j):
            mu[j] = X[labels == j].mean(axis=0)
    return mu


def farthest(X, means):
    labels = np.argmax(((X[:, None, :] - means[None]) ** 2).sum(-1), axis=1)
    new = means.copy()
    for j in range(len(means)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return new


def nan_everywhere(X, means):
    return np.full(means.shape, np.nan)


def l1_distance(X, means):
    labels = np.argmin(np.abs(X[:, None, :] - means[None]).sum(-1), axis=1)
    new = means.copy()
    for j in range(len(means)):
        if np.any(labels == j):
            new[j] = X[labels == j].mean(axis=0)
    return new


def soft_with(variance):
    def soft_step(X, means):                                    # every point pulls on every mean (EM, fixed sigma)
        a = -0.5 * ((X[:, None, :] - means[None]) ** 2).sum(-1) / variance
        r = np.exp(a - a.max(1, keepdims=True))
        r /= r.sum(1, keepdims=True)
        with np.errstate(all="ignore"):
            return (r.T @ X) / r.sum(0)[:, None]                # 0/0 = NaN for a mean far from every point
    return soft_step


def relocate_to(pick):
    def relocating(X, means):
        new = right(X, means)
        d2 = ((X[:, None, :] - means[None]) ** 2).sum(-1)
        labels = d2.argmin(1)
        for j in range(len(means)):
            if not np.any(labels == j):
                new[j] = X[pick(d2.min(1))]
        return new
    return relocating


def steps(k):
    def several(X, means):
        for _ in range(k):
            means = right(X, means)
        return means
    return several


def until_converged(X, means):
    while True:
        new = right(X, means)
        if np.allclose(new, means):
            return new
        means = new


def online(first_count):
    def macqueen(X, means):
        mu, counts = means.copy(), np.full(len(means), float(first_count))
        for x in X:
            j = ((mu - x) ** 2).sum(1).argmin()
            counts[j] += 1
            mu[j] += (x - mu[j]) / counts[j]
        return mu
    return macqueen


def global_mean(X, means):
    return np.tile(X.mean(axis=0), (len(means), 1))


def a_hair_off(X, means):
    return right(X, means) + 1e-7


HINTED = [                                                     # (wrong answer, a fragment of its own hint)
    (empty_zero, "moved to 0"),
    (relocate_to(lambda dist: 0), "moved onto a data point"),
    (relocate_to(np.argmax), "moved onto a data point"),
    (global_mean, "the average of all the points"),
    (soft, "(soft) averages"),
    (soft_with(0.1), "(soft) averages"),
    (soft_with(0.5), "(soft) averages"),
    (soft_with(3.0), "(soft) averages"),
    (steps(2), "more than one step"),
    (until_converged, "more than one step"),
    (one_at_a_time, "before all points were assigned"),
    (online(0), "on-line k-means"),
    (online(1), "on-line k-means"),
    (farthest, "not the argmax"),
    (l1_distance, "absolute differences (L1)"),
]


@pytest.mark.parametrize("func, passed, fragment", [
    (stub, False, "not yet implemented"),
    (lambda X, m: 1 / 0, False, "your function raised ZeroDivisionError"),
    (right, True, "public checks passed"),
    (lambda X, m: right(X, m).tolist(), True, "public checks passed"),
    (empty_nan, False, "0/0 = NaN"),
    (nan_everywhere, False, "which does have points"),
    (lambda X, m: np.zeros(len(X)), False, "expected"),
    (a_hair_off, False, "should move to [0.0, 0.0], you returned [1e-07, 1e-07]"),
    (lambda X, m: right(X, m)[::-1].copy(), False, "should move to"),
] + [(func, False, fragment) for func, fragment in HINTED])
def test_kmeans_step_check(func, passed, fragment, capsys):
    run_check(checks.check_kmeans_step, func, passed, fragment, capsys)


def test_the_package_kmeans_step_agrees_with_the_check_but_may_not_be_handed_in(capsys):
    """The package's kmeans_step (lesson 11's reference) computes the right thing; handed in as a student's
    answer, the delegation guard refuses it: an exercise cannot be solved by calling the course."""
    X = np.random.default_rng(0).normal(size=(30, 2))
    means = X[[0, 7, 19]]
    labels = ((X[:, None, :] - means[None]) ** 2).sum(-1).argmin(1)
    np.testing.assert_allclose(package_kmeans_step(X, means), [X[labels == j].mean(0) for j in range(3)])
    run_check(checks.check_kmeans_step, package_kmeans_step, False, "your function must do the work itself", capsys)


@pytest.mark.parametrize("func, fragment", HINTED)
def test_only_its_own_mistake_reproduces_each_wrong_answer(func, fragment):
    """A hint is given when its mistake reproduces the answers on every case; no other mistake may reproduce them,
    or the order of the list (not the student's code) would decide which hint is printed."""
    cases = _cases()
    answers = [np.asarray(func(X.copy(), m.copy()), dtype=float) for X, m in cases]
    matching = [hint for reproduces, hint in MISTAKES
                if all(reproduces(X, m, got) for (X, m), got in zip(cases, answers))]
    assert len(matching) == 1 and fragment in matching[0]


def test_the_solution_shown_in_lesson_11_passes_its_check(capsys):
    cells = nbformat.read(Path(__file__).resolve().parents[2] / "notebooks" / "11_em_in_practice.ipynb", 4).cells
    shown = [re.search(r"```python\n(.*?)```", c.source, re.S).group(1) for c in cells
             if c.cell_type == "markdown" and c.source.startswith("<details><summary>Show a solution")]
    assert len(shown) == 1 and "em." not in shown[0] and "emcourse" not in shown[0]
    namespace = {"np": np}
    exec(shown[0], namespace)
    assert checks.check_kmeans_step(namespace["kmeans_step"])
    assert checks.PASSED in capsys.readouterr().out
