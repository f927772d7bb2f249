"""Lessons 1 and 2's checks: every hint path, reached by a wrong answer written here with numpy.

The right answers are independent of emcourse (a student's numpy code must pass); each wrong answer
is one classic slip and must get its own hint.
"""
import numpy as np
import pytest
from scipy.special import logsumexp

from emcourse.exercises import checks
from tests.exercises._checking import not_written, run_check


stub = not_written("exercise")


# --- lesson 1: mixture_pdf ------------------------------------------------------------------------

def pdf(x, w, mu, s, *, norm="right", two=2.0, weights="right"):
    """A 1-D mixture density; the keywords make the classic slips (the defaults give the right answer)."""
    x = np.asarray(x, float)[:, None]
    scale = {"right": np.sqrt(2 * np.pi * s ** 2), "none": 1.0, "sigma not squared": np.sqrt(2 * np.pi * s),
             "no root": 2 * np.pi * s ** 2, "no sigma": np.sqrt(2 * np.pi)}[norm]
    comps = np.exp(-(x - mu) ** 2 / (two * s ** 2)) / scale
    return comps @ {"right": w, "none": np.ones_like(w), "equal": np.full_like(w, 1 / len(w))}[weights]


def pdf_right(x, w, mu, s):
    x = np.asarray(x, float)[:, None]
    return (w * np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * np.sqrt(2 * np.pi))).sum(axis=1)


@pytest.mark.parametrize("func, passed, fragment", [
    (pdf_right, True, "public checks passed"),
    (lambda *a: pdf(*a).tolist(), True, "public checks passed"),
    (lambda *a: pdf(*a, norm="none", two=1.0), False, "slide 3's formula"),
    (lambda *a: pdf(*a, norm="none"), False, "needs its normalisation 1/sqrt(2 pi sigma_j^2)"),
    (lambda *a: pdf(*a, two=1.0), False, "check the factor 2"),
    (lambda x, w, mu, s: pdf_right(x, w, mu, np.sqrt(s)), False, "sigmas are standard deviations"),
    (lambda x, w, mu, s: pdf_right(x, w, mu, s ** 2), False, "sigmas are standard deviations"),
    (lambda *a: pdf(*a, norm="sigma not squared"), False, "check the square and the square root"),
    (lambda *a: pdf(*a, norm="no root"), False, "check the square and the square root"),
    (lambda *a: pdf(*a, norm="no sigma"), False, "check the square and the square root"),
    (lambda *a: pdf(*a, weights="equal"), False, "you averaged the components"),
    (lambda *a: pdf(*a, weights="none"), False, "Your sum leaves out the weights"),
    (lambda x, w, mu, s: pdf_right(x, w, mu + 0.1, s), False, "at x="),
    (lambda *a: pdf(*a)[:-1], False, "expected (3,)"),
    (stub, False, "not yet implemented"),
])
def test_check_mixture_pdf_hints(func, passed, fragment, capsys):
    run_check(checks.check_mixture_pdf, func, passed, fragment, capsys)


def test_left_out_weights_names_the_case(capsys):
    res = run_check(checks.check_mixture_pdf, lambda *a: pdf(*a, weights="none"), False, "weights=[0.3, 0.7]", capsys)
    assert "you returned" in res.message and "Sum P_j * N(x | mu_j, sigma_j^2) over j" in res.message


def test_an_unrecognised_error_gets_no_slip_hint(capsys):
    res = run_check(checks.check_mixture_pdf, lambda x, w, mu, s: pdf_right(x, w, mu + 0.1, s), False, "you returned",
               capsys)
    assert "leaves out the weights" not in res.message


# --- lesson 2: log_likelihood ---------------------------------------------------------------------

def terms(x, w, mu, s):
    """log P_j + log p(x_i | j), shape (n, M)."""
    x = np.asarray(x, float)[:, None]
    return np.log(w) - np.log(s) - 0.5 * np.log(2 * np.pi) - 0.5 * ((x - mu) / s) ** 2


def ll_right(x, w, mu, s):
    return float(logsumexp(terms(x, w, mu, s), axis=1).sum())


def ll_product(x, w, mu, s):                       # the log of the product: -inf for 2000 points
    return float(np.log(np.prod(pdf_right(x, w, mu, s))))


def ll_no_logsumexp(x, w, mu, s):                  # log of the summed densities: -inf at x = 60
    return float(np.log(np.exp(terms(x, w, mu, s)).sum(axis=1)).sum())


def ll_log_inside(x, w, mu, s):                    # sum_j P_j log p(x_i | j): Jensen's gap
    return float((w * (terms(x, w, mu, s) - np.log(w))).sum())


def ll_max(x, w, mu, s):                           # max_j instead of log-sum-exp
    return float(terms(x, w, mu, s).max(axis=1).sum())


def ll_no_norm(x, w, mu, s):
    return float(logsumexp(terms(x, w, mu, s) + np.log(s) + 0.5 * np.log(2 * np.pi), axis=1).sum())


@pytest.mark.parametrize("func, passed, fragment", [
    (ll_right, True, "public checks passed"),
    (lambda *a: np.array(ll_right(*a)), True, "public checks passed"),
    (ll_product, False, "add up log p(x_i) instead of multiplying"),
    (ll_no_logsumexp, False, "combine them with log-sum-exp"),
    (lambda *a: float("nan"), False, "a NaN or inf where every density is ordinary"),
    (lambda *a: -ll_right(*a), False, "the sign is flipped"),
    (lambda x, *a: ll_right(x, *a) / len(x), False, "average per point"),
    (ll_log_inside, False, "you put the log inside the sum over components"),
    (ll_max, False, "you kept only the largest term"),
    (ll_no_norm, False, "each Gaussian needs its normalisation"),
    (lambda x, w, mu, s: ll_right(x, np.ones_like(w), mu, s), False, "The weights P_j are missing"),
    (lambda *a: float(logsumexp(terms(*a))), False, "You combined over the points too (no axis, or axis=0)"),
    (lambda *a: float(logsumexp(terms(*a), axis=0).sum()), False, "You combined over the points too"),
    (lambda x, w, mu, s: ll_right(x, w, mu, s ** 2), False, "sigmas are standard deviations"),
    (lambda x, w, mu, s: ll_right(x, w, mu, np.sqrt(s)), False, "sigmas are standard deviations"),
    (lambda *a: logsumexp(terms(*a), axis=1), False, "you returned one value per point"),
    (lambda x, w, mu, s: ll_right(x, w, mu + 0.1, s), False, "for 3 points you returned"),
    (lambda *a: "L", False, "it should return one number"),
    (stub, False, "not yet implemented"),
])
def test_check_log_likelihood_hints(func, passed, fragment, capsys):
    run_check(checks.check_log_likelihood, func, passed, fragment, capsys)


def test_the_fallback_names_no_slip(capsys):
    res = run_check(checks.check_log_likelihood, lambda x, w, mu, s: ll_right(x, w, mu + 0.1, s), False,
               "for 3 points you returned", capsys)
    assert "missing" not in res.message


def test_logsumexp_over_the_points_is_named_on_the_first_case(capsys):
    """With one component, no axis and axis=0 give the same number: one hint for both, not 'you returned ...'."""
    for wrong in (lambda *a: float(logsumexp(terms(*a))), lambda *a: float(logsumexp(terms(*a), axis=0).sum())):
        res = run_check(checks.check_log_likelihood, wrong, False, "separately for each point (axis=1)", capsys)
        assert "you returned" not in res.message


def test_sigma_squared_gets_the_hint_of_lesson_1(capsys):
    res = run_check(checks.check_log_likelihood, lambda x, w, mu, s: ll_right(x, w, mu, s ** 2), False, "sigma_j**2",
               capsys)
    pdf_res = run_check(checks.check_mixture_pdf, lambda x, w, mu, s: pdf_right(x, w, mu, s ** 2), False, "sigma_j**2",
                   capsys)
    assert res.message.split(": ", 1)[1] == pdf_res.message.split(": ", 1)[1]
