"""The exercise checks accept right answers, reject each classic mistake with its hint, never crash.

Every public ``check_*`` of :mod:`emcourse.exercises.checks` is given a right answer written here
independently with numpy/scipy (not by calling emcourse: a student's own code must pass) and one
wrong answer per hint branch, built so that it really reaches that branch, plus the generic
fallback, the ``NotImplementedError`` stub, a function raising another exception, and wrong return
shapes / types. Fragments are chosen to be unique to their branch.
"""
import numpy as np
import pytest
from scipy.special import logsumexp, xlogy

from emcourse.exercises import checks
from tests.exercises._checking import not_written, run_check


stub = not_written()


def boom(*args):
    raise ValueError("boom")


# The same three failures for every check: not written yet, crashing, crashing another way.
COMMON = [
    (stub, False, "not yet implemented"),
    (boom, False, "your function raised ValueError: boom"),
    (lambda *a: 1 / 0, False, "your function raised ZeroDivisionError"),
]


# --- lesson 1: mixture_pdf ------------------------------------------------------------------------

def pdf_right(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (w * np.exp(-(x - mu) ** 2 / (2 * s ** 2)) / np.sqrt(2 * np.pi * s ** 2)).sum(1)


def pdf_slide3(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (w * np.exp(-(x - mu) ** 2 / s ** 2)).sum(1)


def pdf_no_norm(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (w * np.exp(-(x - mu) ** 2 / (2 * s ** 2))).sum(1)


def pdf_no_two(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (w * np.exp(-(x - mu) ** 2 / s ** 2) / np.sqrt(2 * np.pi * s ** 2)).sum(1)


def pdf_sd_as_variance(x, w, mu, s):          # sigma used as the variance
    return pdf_right(x, w, mu, np.sqrt(s))


def pdf_variance_as_sd(x, w, mu, s):          # sigma^2 used as the standard deviation
    return pdf_right(x, w, mu, s ** 2)


def pdf_no_weights(x, w, mu, s):              # right for one component, wrong for two
    return pdf_right(x, np.ones_like(w), mu, s)


@pytest.mark.parametrize("func, passed, fragment", [
    (pdf_right, True, "public checks passed"),
    (lambda *a: pdf_right(*a).tolist(), True, "public checks passed"),
    (pdf_slide3, False, "slide 3's formula"),
    (pdf_no_norm, False, "needs its normalisation 1/sqrt(2 pi sigma_j^2)"),
    (pdf_no_two, False, "check the factor 2"),
    (pdf_sd_as_variance, False, "sigmas are standard deviations"),
    (pdf_variance_as_sd, False, "sigmas are standard deviations"),
    (pdf_no_weights, False, "Sum P_j * N(x | mu_j, sigma_j^2) over j"),
    (lambda *a: None, False, "returned None"),
    (lambda *a: "density", False, "returned str, not one density value per x"),
    (lambda x, *a: np.zeros(len(x) + 1), False, "returned shape (4,); expected (3,)"),
    *COMMON,
])
def test_check_mixture_pdf(func, passed, fragment, capsys):
    run_check(checks.check_mixture_pdf, func, passed, fragment, capsys)


def test_check_mixture_pdf_fallback_names_the_worst_point(capsys):
    res = run_check(checks.check_mixture_pdf, pdf_no_weights, False, "you returned", capsys)
    assert "weights=[0.3, 0.7]" in res.message and "at x=" in res.message


# --- lesson 2: log_likelihood ---------------------------------------------------------------------

def ll_right(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return float(logsumexp(np.log(w) - 0.5 * ((x - mu) / s) ** 2 - np.log(s) - 0.5 * np.log(2 * np.pi), axis=1).sum())


def ll_sum_of_logs(x, w, mu, s):              # log of the summed densities: underflows at x = 60
    return float(np.sum(np.log(pdf_right(x, w, mu, s))))


def ll_product(x, w, mu, s):                  # log of the product: underflows for 2000 points
    return float(np.log(np.prod(pdf_right(x, w, mu, s))))


def ll_no_weights(x, w, mu, s):               # right for one component, wrong for two
    return ll_right(x, np.ones_like(w), mu, s)


@pytest.mark.parametrize("func, passed, fragment", [
    (ll_right, True, "public checks passed"),
    (lambda *a: np.array(ll_right(*a)), True, "public checks passed"),
    (ll_product, False, "add up log p(x_i) instead of multiplying"),
    (ll_sum_of_logs, False, "combine them with log-sum-exp"),
    (lambda *a: -ll_right(*a), False, "the sign is flipped"),
    (lambda x, *a: ll_right(x, *a) / len(x), False, "average per point"),
    (ll_no_weights, False, "for 3 points you returned"),
    (lambda *a: float("nan"), False, "a NaN or inf where every density is ordinary"),
    (lambda *a: "x", False, "returned 'x'; it should return one number"),
    (lambda *a: None, False, "returned None; it should return one number"),
    (lambda x, *a: np.zeros(2), False, "it should return one number"),
    *COMMON,
])
def test_check_log_likelihood(func, passed, fragment, capsys):
    run_check(checks.check_log_likelihood, func, passed, fragment, capsys)


# --- lesson 3: grad_means -------------------------------------------------------------------------

def _resp_1d(x, w, mu, s):
    a = np.log(w) - 0.5 * ((x - mu) / s) ** 2 - np.log(s)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def grad_right(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return (_resp_1d(x, w, mu, s) * (mu - x)).sum(0) / s ** 2


def grad_slide8(x, w, mu, s):
    x = np.asarray(x)[:, None]
    return -(_resp_1d(x, w, mu, s) * np.abs(x - mu)).sum(0) / s


def grad_by_sigma(x, w, mu, s):
    return grad_right(x, w, mu, s) * s


def grad_distance(x, w, mu, s):               # |x - mu| instead of (mu - x), right variance
    x = np.asarray(x)[:, None]
    return (_resp_1d(x, w, mu, s) * np.abs(x - mu)).sum(0) / s ** 2


def grad_no_resp(x, w, mu, s):                # every point pulls on every mean: right only for K = 1
    x = np.asarray(x)[:, None]
    return (mu - x).sum(0) / s ** 2


@pytest.mark.parametrize("func, passed, fragment", [
    (grad_right, True, "public checks passed"),
    (lambda *a: -grad_right(*a), False, "the sign is flipped (as on slide 9)"),
    (grad_slide8, False, "that is slide 8's last line"),
    (grad_by_sigma, False, "not by sigma (slide 8's slip)"),
    (lambda *a: -grad_by_sigma(*a), False, "not by sigma (slide 8's slip)"),
    (grad_distance, False, "use the signed difference (mu_j - x_i)"),
    (lambda *a: -grad_distance(*a), False, "use the signed difference (mu_j - x_i)"),
    (grad_no_resp, False, "Compare with finite differences"),
    (lambda *a: None, False, "returned None"),
    (lambda *a: {"mu": 0}, False, "returned dict, not one derivative per component"),
    (lambda *a: np.append(grad_right(*a), 0.0), False, "returned shape (2,); expected (1,)"),
    *COMMON,
])
def test_check_mean_gradient(func, passed, fragment, capsys):
    run_check(checks.check_mean_gradient, func, passed, fragment, capsys)


# --- lesson 4: e_step, m_step, em_loop ------------------------------------------------------------

def _log_joint(X, w, mu, var):
    d = X.shape[1]
    return np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var


def e_right(X, w, mu, var):
    a = _log_joint(X, w, mu, var)
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def e_naive(X, w, mu, var):
    d = X.shape[1]
    p = w * np.exp(-0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var) / (2 * np.pi * var) ** (d / 2)
    return p / p.sum(1, keepdims=True)


def e_unnormalised(X, w, mu, var):
    return np.exp(_log_joint(X, w, mu, var))


def e_no_norm(X, w, mu, var):
    a = np.log(w) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


def e_variance_as_sd(X, w, mu, var):          # rows sum to 1 and are finite, but wrong
    return e_right(X, w, mu, var ** 2)


@pytest.mark.parametrize("func, passed, fragment", [
    (e_right, True, "public checks passed"),
    (e_naive, False, "you returned NaN or inf"),
    (e_unnormalised, False, "each row must sum to 1"),
    (e_no_norm, False, "the normalisation (2 pi sigma_j^2)^(-d/2) matters here (d = 2)"),
    (e_variance_as_sd, False, "Check p(x|j) for the spherical model"),
    (lambda *a: None, False, "returned None"),
    (lambda *a: "resp", False, "returned str, not responsibilities"),
    (lambda *a: e_right(*a).T, False, "returned shape (2, 35); expected (35, 2)"),
    *COMMON,
])
def test_check_e_step(func, passed, fragment, capsys):
    run_check(checks.check_e_step, func, passed, fragment, capsys)


def m_right(X, R):
    Nj = R.sum(0)
    mu = R.T @ X / Nj[:, None]
    var = np.array([R[:, j] @ ((X - mu[j]) ** 2).sum(1) for j in range(R.shape[1])]) / (X.shape[1] * Nj)
    return Nj / len(X), mu, var


def m_means_times_n(X, R):                    # divided by P_j instead of N_j
    w, mu, var = m_right(X, R)
    return w, mu * len(X), var


def m_means_unweighted(X, R):
    w, mu, var = m_right(X, R)
    return w, np.tile(X.mean(0), (R.shape[1], 1)), var


def m_no_d(X, R):
    w, mu, var = m_right(X, R)
    return w, mu, var * X.shape[1]


def m_var_times_n(X, R):                      # divided by d P_j instead of d N_j
    w, mu, var = m_right(X, R)
    return w, mu, var * len(X)


def m_uncentred(X, R):
    Nj = R.sum(0)
    mu = R.T @ X / Nj[:, None]
    ex2 = (R.T @ (X ** 2).sum(1)) / Nj
    return Nj / len(X), mu, (ex2 - (mu ** 2).sum(1)) / X.shape[1]


def m_var_about_origin(X, R):                 # spread around 0 instead of around the new mean
    w, mu, _ = m_right(X, R)
    return w, mu, (R.T @ (X ** 2).sum(1)) / (X.shape[1] * R.sum(0))


def m_uniform_weights(X, R):
    w, mu, var = m_right(X, R)
    return np.full(R.shape[1], 1 / R.shape[1]), mu, var


@pytest.mark.parametrize("func, passed, fragment", [
    (m_right, True, "public checks passed"),
    (lambda X, R: list(m_right(X, R)), True, "public checks passed"),
    (lambda X, R: (R.sum(0),) + m_right(X, R)[1:], False, "the weights must be P_j = N_j / N"),
    (m_uniform_weights, False, "weights: you returned [0.5, 0.5]"),
    (m_means_times_n, False, "your means are N times too large"),
    (m_means_unweighted, False, "a responsibility-weighted average of the points"),
    (m_no_d, False, "your variances are d = 2 times too large"),
    (m_var_times_n, False, "your variances are N times too large"),
    (m_uncentred, False, "<x^2> - <x>^2 cancels catastrophically"),
    (m_var_about_origin, False, "with the new mean mu_j"),
    (lambda X, R: m_right(X, R)[:2], False, "return three things"),
    (lambda X, R: np.zeros(3), False, "return three things"),
    (lambda X, R: (None,) + m_right(X, R)[1:], False, "returned None; it should return weights (M,)"),
    (lambda X, R: (m_right(X, R)[0], m_right(X, R)[1].ravel(), m_right(X, R)[2]), False,
     "returned shape (4,); expected (2, 2) (means (M, d))"),
    (lambda X, R: m_right(X, R)[:2] + ("var",), False, "returned str, not variances (M,)"),
    *COMMON,
])
def test_check_m_step(func, passed, fragment, capsys):
    run_check(checks.check_m_step, func, passed, fragment, capsys)


def em_loop_right(X, w, mu, var, n_iter, *, divide_by_d=True, update_weights=True):
    """Spherical EM; entry t of the result is log L after t iterations. The keywords make classic slips."""
    d = X.shape[1]
    lls = []
    for t in range(n_iter + 1):
        a = _log_joint(X, w, mu, var)
        log_px = logsumexp(a, axis=1)
        lls.append(log_px.sum())
        if t == n_iter:
            break
        r = np.exp(a - log_px[:, None])
        Nj = r.sum(0)
        if update_weights:
            w = Nj / len(X)
        mu = r.T @ X / Nj[:, None]
        var = np.array([r[:, j] @ ((X - mu[j]) ** 2).sum(1) for j in range(len(Nj))]) / ((d if divide_by_d else 1) * Nj)
    return np.array(lls)


def em_loop_start_twice(X, w, mu, var, n_iter):
    """Records the start, then in every iteration the log L of its E step (before the M step)."""
    lls = em_loop_right(X, w, mu, var, n_iter)
    return np.concatenate([lls[:1], lls[:-1]])          # [L0, L0, L1, ..., L9]


def em_loop_after_m_step(X, w, mu, var, n_iter):
    """Records log L after each M step, n_iter + 1 times: entry 0 is already after one iteration."""
    return em_loop_right(X, w, mu, var, n_iter + 1)[1:]  # [L1, ..., L11]


@pytest.mark.parametrize("func, passed, fragment", [
    (em_loop_right, True, "public checks passed"),
    (lambda *a: em_loop_right(*a).tolist(), True, "public checks passed"),
    (em_loop_start_twice, False, "your list lags by one"),
    (em_loop_after_m_step, False, "your list is shifted by one"),
    (lambda *a: em_loop_right(*a, divide_by_d=False), False, "your log-likelihood goes down"),
    (lambda *a: em_loop_right(*a, update_weights=False), False, "you returned [-289.775, -237.743"),
    (lambda *a: None, False, "returned None"),
    (lambda *a: "lls", False, "returned str, not 11 log-likelihoods"),
    (lambda *a: em_loop_right(*a)[1:], False, "returned shape (10,); expected (11,)"),
    *COMMON,
])
def test_check_em_loop(func, passed, fragment, capsys):
    run_check(checks.check_em_loop, func, passed, fragment, capsys)


# --- lesson 6 / homework 3: welford, starved ------------------------------------------------------

def welford_right(stream):
    means, variances = np.empty(len(stream)), np.empty(len(stream))
    mu = m2 = 0.0
    for n, x in enumerate(stream, start=1):
        delta = x - mu
        mu += delta / n
        m2 += delta * (x - mu)
        means[n - 1], variances[n - 1] = mu, m2 / n
    return means, variances


def welford_slide23(stream):                  # sigma_n^2 = (1 - 1/n) sigma_{n-1}^2 + (x_n - mu_n)^2 / n
    means, variances = np.empty(len(stream)), np.empty(len(stream))
    mu = var = 0.0
    for n, x in enumerate(stream, start=1):
        mu += (x - mu) / n
        var = (1 - 1 / n) * var + (x - mu) ** 2 / n
        means[n - 1], variances[n - 1] = mu, var
    return means, variances


def welford_naive(stream):                    # <x^2> - <x>^2: exact near 0, cancels at 1e9
    n = np.arange(1, len(stream) + 1)
    means = np.cumsum(stream) / n
    return means, np.cumsum(np.asarray(stream) ** 2) / n - means ** 2


def welford_unbiased(stream):                 # 1/(n-1) instead of 1/n (0 for the first sample)
    means, variances = welford_right(stream)
    n = np.arange(1, len(stream) + 1)
    return means, variances * n / np.maximum(n - 1, 1)


def welford_bad_means(stream):                # the mean of all samples, at every step
    _, variances = welford_right(stream)
    return np.full(len(stream), np.mean(stream)), variances


@pytest.mark.parametrize("func, passed, fragment", [
    (welford_right, True, "public checks passed"),
    (lambda s: [list(v) for v in welford_right(s)], True, "public checks passed"),
    (welford_slide23, False, "that is slide 23's recursion"),
    (welford_naive, False, "you are computing <x^2> - <x>^2"),
    (welford_unbiased, False, "the last variance should be 4.0 (the 1/n variance); you returned 4.571"),
    (welford_bad_means, False, "the running means are off"),
    (lambda s: np.array(welford_right(s)), False, "return two arrays: (means, variances)"),
    (lambda s: welford_right(s) + (None,), False, "return two arrays: (means, variances)"),
    (lambda s: (np.mean(s), np.var(s)), False, "returned shape (); expected (8,) (running means"),
    (lambda s: (welford_right(s)[0], np.var(s)), False, "returned shape (); expected (8,) (running variances"),
    (lambda s: (None, welford_right(s)[1]), False, "returned None; it should return running means"),
    (lambda s: (welford_right(s)[0], "var"), False, "returned str, not running variances"),
    *COMMON,
])
def test_check_welford(func, passed, fragment, capsys):
    run_check(checks.check_welford, func, passed, fragment, capsys)


def starved_right(resp):
    n, m = resp.shape
    return np.flatnonzero(resp.sum(axis=0) < n / (2 * m))


def starved_hard_counts(resp):               # argmax + bincount: a component never anyone's favourite looks empty
    n, m = resp.shape
    return np.flatnonzero(np.bincount(resp.argmax(axis=1), minlength=m) < n / (2 * m))


def starved_half_threshold(resp):             # N_j < N / M: slide 30 has N / (2M)
    n, m = resp.shape
    return np.flatnonzero(resp.sum(axis=0) < n / m)


@pytest.mark.parametrize("func, passed, fragment", [
    (starved_right, True, "public checks passed"),
    (lambda R: [int(j) for j in starved_right(R)], True, "public checks passed"),
    (lambda R: tuple(starved_right(R)[::-1]), True, "public checks passed"),
    (lambda R: np.flatnonzero(R.sum(axis=1) < R.shape[0] / (2 * R.shape[1])), False,
     "N_j is the column sum of the responsibilities"),
    (lambda R: starved_right(R) + 1, False, "expected [2], you returned [3]"),
    (lambda R: R.sum(axis=0) < R.shape[0] / (2 * R.shape[1]), False, "expected [2], you returned [0, 0, 0, 1]"),
    (lambda R: None, False, "return the indices of the starved components (integers); got None"),
    (lambda R: "two", False, "(integers); got 'two'"),
    (starved_half_threshold, False, "that is the threshold N/M = 25"),
    (starved_hard_counts, False, "you counted points by their largest responsibility"),
    *COMMON,
])
def test_check_starved(func, passed, fragment, capsys):
    run_check(checks.check_starved, func, passed, fragment, capsys)


# --- lesson 8 / homework 4: merge and split criteria ----------------------------------------------

def merge_right(resp):
    return np.einsum("ni,nj->ij", resp, resp)


def merge_normalised(resp):                   # cosine similarity, not the paper's plain inner product
    cols = resp / np.linalg.norm(resp, axis=0)
    return cols.T @ cols


@pytest.mark.parametrize("func, passed, fragment", [
    (merge_right, True, "public checks passed"),
    (lambda R: merge_right(R).tolist(), True, "public checks passed"),
    (merge_normalised, False, "that is the cosine similarity"),
    (lambda R: merge_right(R) / len(R), False, "the inner product of two columns of resp"),
    (lambda R: -np.log(merge_right(R)), False, "the inner product of two columns of resp"),
    (lambda R: R @ R.T, False, "returned shape (120, 120); expected (4, 4)"),
    (lambda R: None, False, "returned None"),
    (lambda R: "J", False, "returned str, not an (M, M) matrix"),
    *COMMON,
])
def test_check_merge_criterion(func, passed, fragment, capsys):
    run_check(checks.check_merge_criterion, func, passed, fragment, capsys)


def _component_log_pdf(X, mu, var):
    d = X.shape[1]
    return -0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((X[:, None, :] - mu) ** 2).sum(-1) / var


def split_right(X, w, mu, var, resp):
    f = resp / resp.sum(axis=0)
    return (xlogy(f, f) - f * _component_log_pdf(X, mu, var)).sum(axis=0)


def split_weighted(X, w, mu, var, resp):      # log(P_k p(x|k)) instead of log p(x|k)
    f = resp / resp.sum(axis=0)
    return (xlogy(f, f) - f * (np.log(w) + _component_log_pdf(X, mu, var))).sum(axis=0)


def split_unnormalised(X, w, mu, var, resp):  # r_nk where f_nk = r_nk / sum_m r_mk belongs
    return (xlogy(resp, resp) - resp * _component_log_pdf(X, mu, var)).sum(axis=0)


@pytest.mark.parametrize("func, passed, fragment", [
    (split_right, True, "public checks passed"),
    (split_weighted, False, "use the component density p(x_n | k) alone"),
    (split_unnormalised, False, "normalise the posteriors over the data first"),
    (lambda *a: -split_right(*a), False, "The straddling component (index 0 here)"),
    (lambda *a: None, False, "returned None"),
    (lambda *a: "J", False, "returned str, not one value per component"),
    (lambda *a: split_right(*a)[:3], False, "returned shape (3,); expected (4,)"),
    *COMMON,
])
def test_check_split_criterion(func, passed, fragment, capsys):
    run_check(checks.check_split_criterion, func, passed, fragment, capsys)


# --- the result object --------------------------------------------------------------------------

def test_check_result_is_truthy_only_when_passed(capsys):
    good, bad = checks.check_merge_criterion(merge_right), checks.check_merge_criterion(stub)
    assert good and not bad
    assert good.message == "merge_criterion: public checks passed"
    assert bad.message.startswith("merge_criterion: not yet implemented")
    out = capsys.readouterr().out
    assert "✓ merge_criterion: public checks passed" in out and "✗ merge_criterion: not yet implemented" in out


# --- every check runs the student's function under the delegation guard -----------------------------------

def test_a_lesson_check_tells_a_student_who_calls_the_course(capsys):
    from emcourse.mixture import Mixture

    def delegating_pdf(x, w, mu, s):
        return Mixture(w, np.asarray(mu)[:, None], np.asarray(s) ** 2).pdf(np.asarray(x)[:, None])

    assert np.allclose(delegating_pdf(np.array([0.0]), np.array([1.0]), np.array([0.0]), np.array([1.0])),
                       1 / np.sqrt(2 * np.pi))                     # it computes the right answer ...
    res = run_check(checks.check_mixture_pdf, delegating_pdf, False, "mixture_pdf: your function must do the work itself", capsys)
    assert "emcourse.mixture.Mixture" in res.message and "numpy, scipy.special" in res.message   # ... and is told why
