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


def e_right(X, w, mu, var):
    d = X.shape[1]
    a = np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def e_naive(X, w, mu, var):
    d = X.shape[1]
    p = w * np.exp(-0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var) / (2 * np.pi * var) ** (d / 2)
    return p / p.sum(1, keepdims=True)


def e_unnormalised(X, w, mu, var):
    d = X.shape[1]
    return w * np.exp(-0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var) / (2 * np.pi * var) ** (d / 2)


def e_no_norm(X, w, mu, var):
    a = np.log(w) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


@pytest.mark.parametrize("func, passed, fragment", [
    (e_right, True, "public checks passed"),
    (e_naive, False, "log-sum-exp"),
    (e_unnormalised, False, "sum to 1"),
    (e_no_norm, False, "normalisation"),
    (stub, False, "not yet implemented"),
])
def test_check_e_step(func, passed, fragment):
    with np.errstate(all="ignore"):
        res = checks.check_e_step(func)
    assert bool(res) is passed and fragment in res.message


def m_right(X, R):
    Nj = R.sum(0)
    mu = R.T @ X / Nj[:, None]
    var = np.array([R[:, j] @ ((X - mu[j]) ** 2).sum(1) for j in range(R.shape[1])]) / (X.shape[1] * Nj)
    return Nj / len(X), mu, var


def m_slide13(X, R):
    w, mu, var = m_right(X, R)
    return w, mu * len(X), var


def m_no_d(X, R):
    w, mu, var = m_right(X, R)
    return w, mu, var * X.shape[1]


def m_uncentred(X, R):
    Nj = R.sum(0)
    mu = R.T @ X / Nj[:, None]
    ex2 = (R.T @ (X ** 2).sum(1)) / Nj
    return Nj / len(X), mu, (ex2 - (mu ** 2).sum(1)) / X.shape[1]


@pytest.mark.parametrize("func, passed, fragment", [
    (m_right, True, "public checks passed"),
    (m_slide13, False, "slide 13"),
    (m_no_d, False, "1/d"),
    (m_uncentred, False, "cancels catastrophically"),
    (lambda X, R: (R.sum(0),) + m_right(X, R)[1:], False, "N_j / N"),
    (lambda X, R: m_right(X, R)[:2], False, "three things"),
    (stub, False, "not yet implemented"),
])
def test_check_m_step(func, passed, fragment):
    res = checks.check_m_step(func)
    assert bool(res) is passed and fragment in res.message
