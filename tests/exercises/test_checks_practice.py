"""Lesson 11's check (kmeans_step): a right answer passes, each classic mistake gets its own hint.

The right answer is written here with numpy only, independently of emcourse.
"""
import numpy as np
import pytest

from emcourse.exercises import checks
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


@pytest.mark.parametrize("func, passed, fragment", [
    (stub, False, "not yet implemented"),
    (lambda X, m: 1 / 0, False, "your function raised ZeroDivisionError"),
    (right, True, "public checks passed"),
    (lambda X, m: right(X, m).tolist(), True, "public checks passed"),
    (empty_nan, False, "0/0 = NaN"),
    (empty_zero, False, "you moved it to 0"),
    (soft, False, "(soft) averages"),
    (one_at_a_time, False, "before all points were assigned"),
    (farthest, False, "not the argmax"),
    (nan_everywhere, False, "for a mean that does have points"),
    (lambda X, m: np.zeros(len(X)), False, "expected"),
    (l1_distance, False, "should move to"),
])
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
