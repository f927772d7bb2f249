"""Lesson 4's checks (my_e_step, my_m_step): every hint path, reached by a wrong answer written here.

The right answers use numpy and scipy only; each wrong answer is one classic slip of the spherical
E or M step and must get its own hint (the d-dimensional exponent of the E step above all).
"""
import re

import numpy as np
import pytest
from scipy.special import logsumexp

from emcourse.exercises import checks
from tests.exercises._checking import not_written, run_check


stub = not_written("exercise 4")


# --- E step ---------------------------------------------------------------------------------------

def e_step(X, w, mu, var, *, power=None, factor=0.5, weights=True, variances=lambda v: v, axis=1, logs=True,
           two_pi=2 * np.pi):
    """Spherical responsibilities; the keywords make the classic slips (defaults: the right answer)."""
    d = X.shape[1]
    v = variances(var)
    sq = ((X[:, None, :] - mu[None]) ** 2).sum(-1)
    a = (np.log(w) if weights else 0.0) - (d / 2 if power is None else power) * np.log(two_pi * v) - factor * sq / v
    if not logs:                                                    # densities first: 0/0 far from everything
        p = np.exp(a)
        return p / p.sum(axis=axis, keepdims=True)
    return np.exp(a - logsumexp(a, axis=axis, keepdims=True))


@pytest.mark.parametrize("func, passed, fragment", [
    (e_step, True, "public checks passed"),
    (lambda *a: e_step(*a).tolist(), True, "public checks passed"),
    (lambda *a: e_step(*a, logs=False), False, "you returned NaN or inf"),
    (lambda *a: e_step(*a, axis=0), False, "you normalised over the points (each column sums to 1)"),
    (lambda *a: np.exp(e_step(*a)), False, "each row must sum to 1: divide"),
    (lambda *a: e_step(*a, power=0.5), False, "you used the 1-D normalisation (2 pi sigma_j^2)^(-1/2)"),
    (lambda *a: e_step(*a, power=0.0), False, "the normalisation (2 pi sigma_j^2)^(-d/2) matters here"),
    (lambda *a: e_step(*a, factor=1.0), False, "check the factor 2"),
    (lambda *a: e_step(*a, weights=False), False, "the weights P_j are missing"),
    (lambda X, *a: e_step(X, *a, power=X.shape[1], two_pi=1.0), False, "you wrote d log sigma_j^2 (d = 2)"),
    (lambda X, *a: e_step(X, *a, power=X.shape[1]), False, "the normalisation has the wrong power"),
    (lambda *a: e_step(*a, variances=np.square), False, "no square, no square root"),
    (lambda *a: e_step(*a, variances=np.sqrt), False, "no square, no square root"),
    (lambda X, w, mu, var: e_step(X, w, mu + 0.05, var), False, "Check p(x|j) for the spherical model"),
    (lambda *a: e_step(*a).T, False, "returned shape (2, 35); expected (35, 2)"),
    (stub, False, "not yet implemented"),
])
def test_check_e_step_hints(func, passed, fragment, capsys):
    run_check(checks.check_e_step, func, passed, fragment, capsys)


def test_an_unrecognised_slip_is_shown_where_it_is_plain_to_see(capsys):
    """A normalisation power that no hint knows: the worst entry is an ordinary probability, not 0.999999."""
    res = run_check(checks.check_e_step, lambda X, *a: e_step(X, *a, power=0.7 * X.shape[1]), False,
               "Check p(x|j) for the spherical model", capsys)
    got, expected = map(float, re.search(r"is ([\d.e+-]*\d), expected ([\d.e+-]*\d)", res.message).groups())
    assert abs(got - expected) > 0.05 and "1 - P" not in res.message


def test_a_wrong_answer_near_1_also_shows_1_minus_p(capsys):
    def nudged(X, w, mu, var):
        r = e_step(X, w, mu, var)
        i = int(np.argmax(r.max(axis=1)))                              # the most certain point: its top r is near 1
        assert r[i].max() > 0.99
        top = r[i] == r[i].max()                                       # the top entry moves the most; the row
        r[i] += np.where(top, -1e-5, (1e-5 - 5e-7) / (r.shape[1] - 1))  # still sums to 1 within the check's 1e-6
        return r
    res = run_check(checks.check_e_step, nudged, False, "(1 - P is", capsys)
    assert "is 0.99999, expected 1 (1 - P is 1e-05" in res.message


def test_the_report_carries_the_students_function_name(capsys):
    def my_e_step(*a):
        return e_step(*a)

    def my_m_step(X, R):
        return m_step(X, R)
    assert checks.check_e_step(my_e_step).message.startswith("my_e_step: public checks passed")
    assert checks.check_m_step(my_m_step).message.startswith("my_m_step: public checks passed")
    assert checks.check_e_step(lambda *a: e_step(*a)).message.startswith("e_step:")
    capsys.readouterr()


def test_the_d_dimensional_exponent_is_named_with_d(capsys):
    res = run_check(checks.check_e_step, lambda *a: e_step(*a, power=0.5), False, "(2 pi sigma_j^2)^(-d/2)", capsys)
    assert "Here d = 2" in res.message and "matters here" not in res.message


# --- M step ---------------------------------------------------------------------------------------

def m_step(X, R, *, weights="right", mean_by="N_j", var_by="d N_j", centred=True, sd=False):
    """The spherical M step; the keywords make the classic slips (defaults: the right answer)."""
    N, d = X.shape
    Nj = R.sum(axis=0)
    w = {"right": Nj / N, "counts": Nj, "uniform": np.full(R.shape[1], 1 / R.shape[1]), "rows": R.sum(axis=1)}[weights]
    mu = R.T @ X / {"N_j": Nj, "P_j": Nj / N, "N": np.full_like(Nj, N)}[mean_by][:, None]
    if centred:
        spread = np.array([R[:, j] @ ((X - mu[j]) ** 2).sum(axis=1) for j in range(R.shape[1])])
    else:                                                           # <x^2> - <x>^2
        spread = R.T @ (X ** 2).sum(axis=1) - Nj * (mu ** 2).sum(axis=1)
    var = spread / {"d N_j": d * Nj, "N_j": Nj, "d P_j": d * Nj / N, "d N": np.full_like(Nj, d * N)}[var_by]
    return w, mu, (np.sqrt(var) if sd else var)


@pytest.mark.parametrize("func, passed, fragment", [
    (m_step, True, "public checks passed"),
    (lambda X, R: [np.asarray(v).tolist() for v in m_step(X, R)], True, "public checks passed"),
    (lambda X, R: m_step(X, R, weights="counts"), False, "the weights must be P_j = N_j / N"),
    (lambda X, R: m_step(X, R, weights="rows"), False, "You summed resp over the components (axis=1)"),
    (lambda X, R: m_step(X, R, weights="uniform"), False, "weights: you returned [0.5, 0.5]"),
    (lambda X, R: m_step(X, R, mean_by="P_j"), False, "your means are N times too large"),
    (lambda X, R: m_step(X, R, mean_by="N"), False, "your means are P_j times too small"),
    (lambda X, R: (m_step(X, R)[0], np.tile(X.mean(0), (R.shape[1], 1)), m_step(X, R)[2]), False,
     "a responsibility-weighted average of the points"),
    (lambda X, R: m_step(X, R, var_by="N_j"), False, "your variances are d = 2 times too large"),
    (lambda X, R: m_step(X, R, var_by="d P_j"), False, "your variances are N times too large"),
    (lambda X, R: m_step(X, R, var_by="d N"), False, "your variances are P_j times too small"),
    (lambda X, R: m_step(X, R, sd=True), False, "you returned the standard deviations sigma_j"),
    (lambda X, R: m_step(X, R, centred=False), False, "<x^2> - <x>^2 cancels catastrophically"),
    (lambda X, R: m_step(X, R)[:2] + (m_step(X, R)[2] * 1.1,), False, "with the new mean mu_j"),
    (lambda X, R: m_step(X, R)[:2], False, "return three things"),
    (stub, False, "not yet implemented"),
])
def test_check_m_step_hints(func, passed, fragment, capsys):
    run_check(checks.check_m_step, func, passed, fragment, capsys)
