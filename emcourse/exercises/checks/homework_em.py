"""Public checks of homework 3 (the EM loop for diagonal covariances and BIC, lessons 4-5) and homework 4
(stepwise EM, lesson 6).

Used in ``homework/source/hw3_diagonal_em`` and ``homework/source/hw4_stepwise_em``. Each check calls the
student's function (under the delegation guard, through ``call``) on small cases, recognises the classic wrong
answers and prints "public checks passed"; the graded tests use other cases.
"""
from __future__ import annotations

import numpy as np

from ..._covariance import covariance_kind
from ...methods.online_em import stepwise_em
from ...mixture import Mixture
from ..references import TIED_DIAG, n_free_parameters, reference_diag_em, reference_diag_m_step
from ._common import CheckResult, as_arrays, call, report


def _near(a, b, rtol=1e-7, atol=1e-10) -> bool:
    a, b = np.asarray(a, float), np.asarray(b, float)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and np.allclose(a, b, rtol=rtol, atol=atol)


# --- homework 3 --------------------------------------------------------------------------------------

def check_diag_m_step(diag_m_step) -> CheckResult:
    """Check ``diag_m_step(X, resp, var_floor) -> (weights (M,), means (M, d), variances (d,))``: the M step of the
    tied diagonal model (one per-feature variance shared by all components).

    Used in homework 3 (``homework/source/hw3_diagonal_em``).
    """
    name = "diag_m_step"
    rng = np.random.default_rng(31)
    X1 = np.vstack([rng.normal(0, 1, (25, 2)), rng.normal(3, 0.5, (15, 2))])
    R1 = Mixture([0.5, 0.5], [[0.0, 0.0], [3.0, 3.0]], [1.0, 0.5]).responsibilities(X1)
    X2 = rng.normal(0, [1.0, 3.0, 0.2], (30, 3))
    R2 = rng.dirichlet(np.ones(3), size=30)
    for X, R, floor in [(X1, R1, 0.0), (X2, R2, 0.01), (X1 + 1e8, R1, 0.0)]:
        value, err = call(diag_m_step, X.copy(), R.copy(), floor)
        M, d = R.shape[1], X.shape[1]
        parts, err = (None, err) if err else as_arrays(value, [(M,), (M, d), (d,)], ["weights (M,)", "means (M, d)",
                                                     "variances (d,): one per feature, shared by the components"],
                                                     "(weights, means, variances)")
        if err:
            return report(False, err, name)
        w, mu, var = parts
        ew, emu, evar = reference_diag_m_step(X, R, floor)
        Nj = R.sum(0)
        if not _near(w, ew):
            hint = ("the weights are P_j = N_j / N (they sum to 1)." if _near(w, Nj)
                    else "weights: P_j = N_j / N with N_j = sum_i r_ij.")
            return report(False, hint, name)
        if not _near(mu, emu, rtol=1e-12, atol=1e-9 * max(1.0, np.abs(X).max())):
            return report(False, "means: mu_j = sum_i r_ij x_i / N_j, a responsibility-weighted average.", name)
        if _near(var, evar, rtol=1e-6):
            continue
        raw = evar - floor
        per_component = np.einsum("nk,nkd->kd", R, (X[:, None, :] - emu) ** 2) / Nj[:, None]
        if _near(var - floor, raw * len(X) / (len(X) - M), rtol=1e-6) or _near(var - floor, raw * len(X) / (len(X) - 1),
                                                                               rtol=1e-6):
            hint = ("that is an unbiased (N - 1 or N - M style) variance; the M step maximises the likelihood and "
                    "divides by N (the biased, maximum-likelihood estimate).")
        elif _near(var - floor, per_component.mean(0), rtol=1e-6):
            hint = ("that averages the components' own variances equally; pool them by their counts: "
                    "sigma_k^2 = sum_j sum_i r_ij (x_ik - mu_jk)^2 / N (a large component weighs more).")
        elif floor and _near(var, np.maximum(raw, floor), rtol=1e-6):
            hint = "add var_floor to every variance (as scikit-learn's reg_covar does); do not clip at it."
        elif floor and _near(var, raw, rtol=1e-6):
            hint = "you forgot the floor: add var_floor to every variance."
        elif np.abs(X).max() > 1e6:
            hint = ("right near 0, wrong near 1e8: <x^2> - <x>^2 cancels catastrophically. Compute "
                    "sum_j sum_i r_ij (x_ik - mu_jk)^2 / N around the new means.")
        elif _near(var, np.full(d, raw.mean()) + floor, rtol=1e-6):
            hint = "a diagonal model keeps one variance per feature: do not average them over the features."
        else:
            hint = "variances: sigma_k^2 = sum_j sum_i r_ij (x_ik - mu_jk)^2 / N + var_floor, with the new means."
        return report(False, hint, name)
    return report(True, "", name)


def check_diag_em(diag_em) -> CheckResult:
    """Check ``diag_em(X, weights, means, variances, tol, max_iter, var_floor) -> (weights, means, variances,
    log_likelihoods)``: EM for the tied diagonal model with the per-sample stopping rule.

    Used in homework 3 (``homework/source/hw3_diagonal_em``).
    """
    name = "diag_em"
    rng = np.random.default_rng(32)
    X = np.vstack([rng.normal(0, [1.0, 0.3], (40, 2)), rng.normal([4, 1], [1.0, 0.3], (30, 2))])
    w, mu, var = np.array([0.5, 0.5]), np.array([[1.0, 0.0], [2.0, 1.0]]), np.array([2.0, 2.0])
    for tol, max_iter, floor in [(1e-6, 300, 1e-6), (0.0, 4, 0.0), (1e-3, 0, 0.0)]:
        value, err = call(diag_em, X.copy(), w.copy(), mu.copy(), var.copy(), tol, max_iter, floor)
        if err:
            return report(False, err, name)
        if not isinstance(value, (tuple, list)) or len(value) != 4:
            return report(False, "return four things: (weights, means, variances, log_likelihoods).", name)
        ref = reference_diag_em(X, w, mu, var, tol, max_iter, floor)
        lls = np.asarray(value[3], float) if np.ndim(value[3]) == 1 else None
        if lls is None:
            return report(False, "log_likelihoods must be a 1-D array: log L at the start and after each M step.", name)
        expected = ref[3]
        if lls.shape != expected.shape or not _near(lls, expected, rtol=1e-8):
            if lls.size == expected.size - 1 and _near(lls, expected[1:], rtol=1e-8):
                hint = "entry 0 must be log L of the starting parameters, before any M step."
            elif lls.size > expected.size and tol > 0 and _near(lls[:expected.size], expected, rtol=1e-8):
                hint = (f"you kept going after the change fell below tol: the rule is per sample, "
                        f"|log L_t - log L_(t-1)| / N < tol (N = {len(X)}).")
            elif (tol == 0 and max_iter > 0 and lls.size != max_iter + 1
                  and _near(lls[:min(lls.size, expected.size)], expected[:lls.size], rtol=1e-8)):
                hint = (f"with tol = 0 the loop ends at t = max_iter, after recording log L_t: max_iter = {max_iter} "
                        f"means {max_iter} M steps and {max_iter + 1} entries (t = 0, ..., {max_iter}); you "
                        f"returned {lls.size}.")
            elif lls.size > 1 and np.any(np.diff(lls) < -1e-8 * np.abs(lls).max()):
                hint = "your log L goes down at some iteration: EM never does that. Check your M step."
            elif max_iter == 0 and lls.size != 1:
                hint = "with max_iter = 0 do no M step: return the start and its log L only."
            else:
                hint = (f"log_likelihoods: you returned {np.round(lls[:3], 4).tolist()}... ({lls.size} entries), "
                        f"expected {np.round(expected[:3], 4).tolist()}... ({expected.size} entries).")
            return report(False, hint, name)
        parts, err = as_arrays(value[:3], [(2,), (2, 2), (2,)], ["weights", "means", "variances (d,)"],
                            "(weights, means, variances)")
        if err:
            return report(False, err, name)
        if not all(_near(got, want, rtol=1e-6) for got, want in zip(parts, ref[:3])):
            return report(False, "return the parameters whose log L is the last entry of log_likelihoods (no M step "
                                 "after the last E step).", name)
    return report(True, "", name)


def check_bic_score(bic_score) -> CheckResult:
    """Check ``bic_score(log_likelihood, n_samples, n_features, n_components, covariance_type) -> float``.

    Used in homework 3 (``homework/source/hw3_diagonal_em``).
    """
    name = "bic_score"
    for ll, N, d, M, ctype in [(-512.25, 200, 2, 3, "spherical"), (-1830.5, 500, 4, 2, "diag"),
                               (-960.0, 300, 4, 3, "full"), (-75.5, 40, 1, 2, "full"), (-333.0, 150, 3, 4, "tied_diag")]:
        value, err = call(bic_score, ll, N, d, M, ctype)
        if err:
            return report(False, err, name)
        try:
            got = float(value)
        except (TypeError, ValueError):
            return report(False, f"return one number (a float); you returned {value!r}.", name)
        p = n_free_parameters(M, d, ctype)
        expected = -2 * ll + p * np.log(N)
        if np.isclose(got, expected, rtol=1e-10):
            continue
        if np.isclose(got, expected + np.log(N), rtol=1e-10):
            hint = f"one parameter too many: the M weights sum to 1, so only M - 1 = {M - 1} of them are free."
        elif ctype == TIED_DIAG and np.isclose(got, expected + (M - 1) * d * np.log(N), rtol=1e-10):
            hint = "a tied covariance is shared: count its d variances once, not once per component."
        elif d > 1 and ctype != TIED_DIAG and np.isclose(
                got, -2 * ll + (p - covariance_kind(ctype).n_parameters(M, d) + M * d * d) * np.log(N)):
            hint = "a symmetric d x d covariance has d (d + 1) / 2 free entries, not d^2."
        elif np.isclose(got, -2 * ll + p * np.log10(N), rtol=1e-10):
            hint = "BIC uses the natural logarithm of N."
        elif np.isclose(got, 2 * ll + p * np.log(N), rtol=1e-10) or np.isclose(got, -expected, rtol=1e-10):
            hint = "BIC = -2 log L + p ln N: lower is better, so the log-likelihood enters with a minus sign."
        elif np.isclose(got, -2 * ll + 2 * p, rtol=1e-10):
            hint = "that is AIC (penalty 2p); BIC's penalty is p ln N."
        else:
            hint = (f"for {ctype}, M = {M}, d = {d}, N = {N}, log L = {ll}: expected {expected:.6g} (p = {p} free "
                    f"parameters), you returned {got:.6g}.")
        return report(False, hint, name)
    return report(True, "", name)


# --- homework 4 --------------------------------------------------------------------------------------

def _stats(X, R):
    m = len(X)
    return R.sum(0) / m, R.T @ X / m, R.T @ (X ** 2).sum(1) / m


def _params(s0, s1, s2, floor):
    mu = s1 / s0[:, None]
    return s0 / s0.sum(), mu, (s2 / s0 - (mu ** 2).sum(1)) / s1.shape[1] + floor


def check_batch_statistics(batch_statistics) -> CheckResult:
    """Check ``batch_statistics(X, resp) -> (s0 (M,), s1 (M, d), s2 (M,))``: per-sample averages of r, r x, r |x|^2.

    Used in homework 4 (``homework/source/hw4_stepwise_em``).
    """
    name = "batch_statistics"
    rng = np.random.default_rng(41)
    for X, R in [(rng.normal(0, 1, (10, 2)), rng.dirichlet(np.ones(3), 10)),
                 (rng.normal(2, 1, (7, 3)), rng.dirichlet(np.ones(2), 7))]:
        M, d = R.shape[1], X.shape[1]
        value, err = call(batch_statistics, X.copy(), R.copy())
        if not err and isinstance(value, (tuple, list)) and len(value) == 3 and np.shape(value[2]) == (M, d):
            err = "s2 is one number per component: the average of r_ij |x_i|^2 (summed over the features), shape (M,)."
        parts, err = (None, err) if err else as_arrays(value, [(M,), (M, d), (M,)], ["s0 (M,)", "s1 (M, d)", "s2 (M,)"],
                                                    "(s0, s1, s2)")
        if err:
            return report(False, err, name)
        e0, e1, e2 = _stats(X, R)
        if all(_near(a, b) for a, b in zip(parts, (e0, e1, e2))):
            continue
        s0, s1, s2 = parts
        if _near(s0, e0 * len(X)):
            hint = f"those are sums over the batch; divide by the batch size m = {len(X)} (per-sample averages)."
        elif _near(s1, e1 / e0[:, None]):
            hint = "s1 is the average of r_ij x_i over the batch (divide by m), not the weighted mean (divided by N_j)."
        elif not _near(s2, e2):
            hint = "s2 is the average over the batch of r_ij |x_i|^2, uncentred: the M step subtracts |mu_j|^2 later."
        else:
            hint = "s0_j = mean_i r_ij, s1_j = mean_i r_ij x_i, s2_j = mean_i r_ij |x_i|^2 (means over the batch)."
        return report(False, hint, name)
    return report(True, "", name)


def check_params_from_statistics(params_from_statistics) -> CheckResult:
    """Check ``params_from_statistics(s0, s1, s2, var_floor) -> (weights, means, variances)`` (spherical).

    Used in homework 4 (``homework/source/hw4_stepwise_em``).
    """
    name = "params_from_statistics"
    rng = np.random.default_rng(42)
    X = rng.normal(0, 1, (12, 2))
    cases = [(*_stats(X, rng.dirichlet(np.ones(3), 12)), 0.0),
             tuple(0.7 * a for a in _stats(X + 5, rng.dirichlet(np.ones(2), 12))) + (0.05,)]
    for s0, s1, s2, floor in cases:
        M, d = s1.shape
        value, err = call(params_from_statistics, s0.copy(), s1.copy(), s2.copy(), floor)
        parts, err = (None, err) if err else as_arrays(value, [(M,), (M, d), (M,)], ["weights (M,)", "means (M, d)",
                                                    "variances (M,)"], "(weights, means, variances)")
        if err:
            return report(False, err, name)
        ew, emu, evar = _params(s0, s1, s2, floor)
        if all(_near(a, b) for a, b in zip(parts, (ew, emu, evar))):
            continue
        w, mu, var = parts
        if not _near(w, ew):
            hint = ("normalise the weights: P_j = s0_j / sum_k s0_k (after blending, the s0 need not sum to 1)."
                    if _near(w, s0) else "weights: P_j = s0_j / sum_k s0_k.")
        elif not _near(mu, emu):
            hint = "means: mu_j = s1_j / s0_j."
        elif _near(var, (evar - floor) * d + floor):
            hint = f"the spherical variance divides by d = {d}: sigma_j^2 = (s2_j / s0_j - |mu_j|^2) / d + var_floor."
        elif floor and _near(var, np.maximum(evar - floor, floor)):
            hint = "add var_floor to every variance; do not clip at it."
        else:
            hint = "variances: sigma_j^2 = (s2_j / s0_j - |mu_j|^2) / d + var_floor."
        return report(False, hint, name)
    return report(True, "", name)


def _stepwise_reference(X, w, mu, var, m, alpha, n_passes, floor, schedule="paper"):
    d = X.shape[1]
    s = (w.copy(), w[:, None] * mu, w * (d * var + (mu ** 2).sum(1)))
    mix, lls, k = Mixture(w, mu, var), [Mixture(w, mu, var).log_likelihood(X)], 0
    for _ in range(n_passes):
        k = 0 if schedule == "per-pass" else k
        for start in range(0, len(X), m):
            eta = 1.0 / (k + 1) if schedule == "1/k" else (k + 2.0) ** (-alpha)
            b = _stats(X[start:start + m], mix.responsibilities(X[start:start + m]))
            s = tuple((1 - eta) * a + eta * c for a, c in zip(s, b))
            mix = Mixture(*_params(*s, floor))
            k += 1
        lls.append(mix.log_likelihood(X))
    return mix, np.array(lls)


def check_stepwise_fit(stepwise_fit) -> CheckResult:
    """Check ``stepwise_fit(X, weights, means, variances, batch_size, alpha, n_passes, var_floor) -> (weights,
    means, variances, log_likelihoods)``: stepwise EM with eta_k = (k + 2)^(-alpha), batches in order.

    Used in homework 4 (``homework/source/hw4_stepwise_em``).
    """
    name = "stepwise_fit"
    rng = np.random.default_rng(43)
    X = np.vstack([rng.normal(0, 0.7, (30, 2)), rng.normal(3, 0.7, (30, 2))])
    X = X[rng.permutation(len(X))]
    w, mu, var = np.array([0.5, 0.5]), np.array([[0.5, 0.5], [2.0, 2.5]]), np.array([2.0, 2.0])
    for m, alpha, n_passes, floor in [(len(X), 0.7, 3, 0.0), (10, 0.6, 2, 0.0), (7, 1.0, 2, 0.01)]:
        value, err = call(stepwise_fit, X.copy(), w.copy(), mu.copy(), var.copy(), m, alpha, n_passes, floor)
        parts, err = (None, err) if err else as_arrays(value, [(2,), (2, 2), (2,), (n_passes + 1,)], [
            "weights", "means", "variances", f"log_likelihoods, {n_passes + 1} values (the start and after each pass)"],
            "(weights, means, variances, log_likelihoods)")
        if err:
            return report(False, err, name)
        if m == len(X):              # one batch per pass: the course's stepwise EM must agree (shuffling is moot)
            ref = stepwise_em(X, Mixture(w, mu, var), n_passes=n_passes, batch_size=m, alpha=alpha, rng=0, reg_covar=0.0)
            last, lls = ref.mixture, ref.log_likelihoods
        else:
            last, lls = _stepwise_reference(X, w, mu, var, m, alpha, n_passes, floor)
        if all(_near(a, b, rtol=1e-6) for a, b in zip(parts, (last.weights, last.means, last.covariances, lls))):
            continue
        variants = {"1/k": "the step size is eta_k = (k + 2)^(-alpha), not 1/(k + 1): alpha sets how fast old "
                           "statistics are forgotten.",
                    "per-pass": "k counts mini-batches across all passes; do not restart it at each pass."}
        hint = next((text for key, text in variants.items()
                     if _near(parts[0], _stepwise_reference(X, w, mu, var, m, alpha, n_passes, floor, key)[0].weights,
                              rtol=1e-6)), None)
        if hint is None and not _near(parts[3][0], lls[0], rtol=1e-8):
            hint = "log_likelihoods[0] is log L of all of X under the starting parameters."
        if hint is None:
            hint = ("after each mini-batch: E step on it with the current parameters, its statistics, "
                    "s <- (1 - eta_k) s + eta_k s_batch, then the parameters from s. The statistics start from the "
                    "initial parameters: s0 = P, s1 = P mu, s2 = P (d sigma^2 + |mu|^2).")
        return report(False, hint, name)
    return report(True, "", name)
