"""The exercise checks accept right answers, reject each classic mistake with its hint, never crash."""
import numpy as np
import pytest
from scipy.special import logsumexp

from emcourse import checks


def pdf_right(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (w * np.exp(-(x - mu) ** 2 / (2 * s ** 2)) / np.sqrt(2 * np.pi * s ** 2)).sum(1)


def pdf_slide3(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (w * np.exp(-(x - mu) ** 2 / s ** 2)).sum(1)


def pdf_no_two(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (w * np.exp(-(x - mu) ** 2 / s ** 2) / np.sqrt(2 * np.pi * s ** 2)).sum(1)


def pdf_sd_as_variance(x, w, mu, s):
    return pdf_right(x, w, mu, np.sqrt(s))


def stub(*args):
    raise NotImplementedError


@pytest.mark.parametrize("func, passed, fragment", [
    (pdf_right, True, "public checks passed"),
    (pdf_slide3, False, "slide 3"),
    (pdf_no_two, False, "factor 2"),
    (pdf_sd_as_variance, False, "standard deviations"),
    (stub, False, "not yet implemented"),
    (lambda *a: None, False, "returned None"),
    (lambda x, *a: np.zeros(len(x) + 1), False, "shape"),
    (lambda *a: 1 / 0, False, "ZeroDivisionError"),
])
def test_check_mixture_pdf(func, passed, fragment, capsys):
    res = checks.check_mixture_pdf(func)
    assert bool(res) is passed
    assert fragment in res.message and fragment in capsys.readouterr().out
    assert "all tests passed" not in res.message


def ll_right(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return float(logsumexp(np.log(w) - 0.5 * ((x - mu) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi), axis=1).sum())


def ll_sum_of_logs(x, w, mu, s):
    return float(np.sum(np.log(pdf_right(x, w, mu, s))))


def ll_product(x, w, mu, s):
    return float(np.log(np.prod(pdf_right(x, w, mu, s))))


@pytest.mark.parametrize("func, passed, fragment", [
    (ll_right, True, "public checks passed"),
    (ll_product, False, "add up log p(x_i)"),
    (ll_sum_of_logs, False, "log-sum-exp"),
    (lambda *a: -ll_right(*a), False, "sign is flipped"),
    (lambda x, *a: ll_right(x, *a) / len(x), False, "average per point"),
    (stub, False, "not yet implemented"),
    (lambda *a: "x", False, "one number"),
])
def test_check_log_likelihood(func, passed, fragment):
    with np.errstate(all="ignore"):
        res = checks.check_log_likelihood(func)
    assert bool(res) is passed and fragment in res.message


def grad_right(x, w, mu, s):
    x = np.asarray(x)[:, None]
    a = np.log(w) - 0.5 * ((x - mu) / s) ** 2 - np.log(s)
    r = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    return (r * (mu - x)).sum(0) / s ** 2


def grad_slide8(x, w, mu, s):
    x = np.asarray(x)[:, None]
    a = np.log(w) - 0.5 * ((x - mu) / s) ** 2 - np.log(s)
    r = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    return -(r * np.abs(x - mu)).sum(0) / s


def grad_by_sigma(x, w, mu, s):
    return grad_right(x, w, mu, s) * s


@pytest.mark.parametrize("func, passed, fragment", [
    (grad_right, True, "public checks passed"),
    (lambda *a: -grad_right(*a), False, "slide 9"),
    (grad_slide8, False, "slide 8's last line"),
    (grad_by_sigma, False, "not by sigma"),
    (stub, False, "not yet implemented"),
])
def test_check_mean_gradient(func, passed, fragment):
    res = checks.check_mean_gradient(func)
    assert bool(res) is passed and fragment in res.message
