"""Public check of lesson 9's exercise: the E step of one factor analyser, E[z | x, j] and Cov[z | x, j]."""
from __future__ import annotations

import numpy as np

from ...methods.mfa import MFA
from ._common import CheckResult, as_array, call, report


def _mfa_cases():
    """(X, mean, loadings, psi): noise variances far from 1 (so Psi and Psi^-1 differ), N unlike D and k."""
    rng = np.random.default_rng(9)
    cases = []
    for n, D, k, psi in [(7, 5, 2, np.array([0.05, 0.2, 0.5, 1.5, 3.0])),
                         (9, 6, 3, np.linspace(0.02, 0.4, 6)),
                         (8, 4, 1, np.array([2.0, 0.1, 0.7, 0.3]))]:
        mean = rng.normal(0, 2, D)
        loadings = rng.normal(0, 1, (D, k))
        X = mean + rng.normal(0, 1.5, (n, D))
        cases.append((X, mean, loadings, psi))
    return cases


def _engine(X, mean, loadings, psi):
    """E[z | x, j] (N, k) and Cov[z | x, j] (k, k) from the engine's MFA posterior (one component)."""
    model = MFA([1.0], mean[None, :], loadings[None, :, :], psi)
    return model.posterior_factors(X)[:, 0, :], model.posterior_covariances()[0]


def _variants(X, mean, loadings, psi):
    """The classic wrong answers, as (name, Ez, cov); None where that mistake leaves the value right."""
    k = loadings.shape[1]
    eye = np.eye(k)
    diff = X - mean
    C = loadings @ loadings.T + np.diag(psi)

    def through(A, lam_w):                       # z = A^-1 Lambda^T W (x - mu), cov A^-1
        A_inv = np.linalg.inv(A)
        return diff @ (A_inv @ lam_w).T, A_inv

    inv_psi = loadings.T / psi
    out = [("no_psi_inv",) + through(eye + loadings.T @ loadings, loadings.T),
           ("psi_not_inverted",) + through(eye + (loadings.T * psi) @ loadings, loadings.T * psi),
           ("no_identity",) + through(inv_psi @ loadings, inv_psi)]
    beta_plus = loadings.T @ (np.diag(1 / psi) + inv_psi.T @ np.linalg.inv(eye + inv_psi @ loadings) @ inv_psi)
    out.append(("woodbury_sign", diff @ beta_plus.T, None))
    out.append(("not_inverted", diff @ (loadings.T @ C).T, None))
    beta = loadings.T @ np.linalg.inv(C)
    out.append(("mean_not_subtracted", X @ beta.T, None))
    out += [("cov_no_identity", None, -beta @ loadings), ("cov_plus", None, eye + beta @ loadings),
            ("cov_not_inverted", None, eye + inv_psi @ loadings)]
    return out


HINTS = {
    "no_psi_inv": ("you left out Psi^-1 (as if every noise variance were 1): A = I + Lambda^T Psi^-1 Lambda and "
                   "E[z|x] = A^-1 Lambda^T Psi^-1 (x - mu). Divide by psi, the noise variances."),
    "psi_not_inverted": ("you multiplied by Psi where Psi^-1 belongs: psi holds noise *variances*, so weight each "
                         "feature by 1 / psi_d (a noisy pixel counts less)."),
    "no_identity": ("you dropped the identity in A = I + Lambda^T Psi^-1 Lambda. The I comes from the prior "
                    "z ~ N(0, I); without it you get the Psi-weighted least-squares estimate "
                    "(Lambda^T Psi^-1 Lambda)^-1 Lambda^T Psi^-1 (x - mu), with no prior and so no shrinkage towards 0 "
                    "(lesson 9, section 4, compares the two)."),
    "woodbury_sign": ("the Woodbury identity has a minus sign: (Psi + Lambda Lambda^T)^-1 = Psi^-1 - Psi^-1 Lambda "
                      "(I + Lambda^T Psi^-1 Lambda)^-1 Lambda^T Psi^-1."),
    "not_inverted": ("beta = Lambda^T (Lambda Lambda^T + Psi)^-1 needs the INVERSE of Lambda Lambda^T + Psi; with "
                     "Woodbury you only invert the k x k matrix I + Lambda^T Psi^-1 Lambda."),
    "mean_not_subtracted": "subtract the component's mean first: E[z | x, j] = beta_j (x - mu_j).",
    "cov_no_identity": ("Cov[z | x, j] = I - beta Lambda: you dropped the identity (the prior's covariance, "
                        "before the data shrink it)."),
    "cov_plus": "Cov[z | x, j] = I - beta Lambda: the data make the factors more certain, so subtract.",
    "cov_not_inverted": ("that is A = I + Lambda^T Psi^-1 Lambda itself, the posterior *precision*; the covariance "
                         "is its inverse A^-1 (= I - beta Lambda)."),
}


def check_mfa_e_step(mfa_e_step) -> CheckResult:
    """Check ``mfa_e_step(X, mean, loadings, psi) -> (Ez, cov)``: E[z|x, j] (N, k) and Cov[z|x, j] (k, k).

    One factor analyser j with mean (D,), loadings Lambda (D, k) and noise variances psi (D,); compared with
    the engine's MFA posterior (:meth:`emcourse.methods.mfa.MFA.posterior_factors`,
    :meth:`~emcourse.methods.mfa.MFA.posterior_covariances`). Introduced in
    ``notebooks/09_mixture_of_factor_analyzers.ipynb``.
    """
    name = "mfa_e_step"
    for X, mean, loadings, psi in _mfa_cases():
        (n, D), k = X.shape, loadings.shape[1]
        value, err = call(mfa_e_step, X.copy(), mean.copy(), loadings.copy(), psi.copy())
        if err:
            return report(False, err, name)
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return report(False, "return two arrays: (Ez, cov), Ez of shape (N, k) and cov of shape (k, k).", name)
        if np.shape(value[0]) == (k, n):
            return report(False, f"your Ez has shape ({k}, {n}): one column per point. Transpose it: one row per "
                                 f"point, shape (N, k) = ({n}, {k}).", name)
        Ez, err = as_array(value[0], (n, k), "E[z | x, j] for every point, shape (N, k)")
        if err:
            return report(False, err, name)
        if np.shape(value[1]) == (n, k, k):
            return report(False, "your cov has one matrix per point: that is E[z z^T | x, j] or similar. Cov[z | x, j] "
                                 "does not depend on x: return one (k, k) matrix, (I + Lambda^T Psi^-1 Lambda)^-1.", name)
        cov, err = as_array(value[1], (k, k), "Cov[z | x, j], shape (k, k)")
        if err:
            return report(False, err, name)
        ez_ref, cov_ref = _engine(X, mean, loadings, psi)
        ez_ok = np.allclose(Ez, ez_ref, rtol=1e-6, atol=1e-9)
        cov_ok = np.allclose(cov, cov_ref, rtol=1e-6, atol=1e-9)
        if ez_ok and cov_ok:
            continue
        for variant, ez_bad, cov_bad in _variants(X, mean, loadings, psi):
            ez_match = ez_ok if ez_bad is None else np.allclose(Ez, ez_bad, rtol=1e-6, atol=1e-9)
            cov_match = cov_ok if cov_bad is None else np.allclose(cov, cov_bad, rtol=1e-6, atol=1e-9)
            if (ez_bad is not None and ez_match) or (cov_bad is not None and cov_match and ez_ok):
                return report(False, HINTS[variant], name)
        if not ez_ok:
            hint = (f"E[z | x, j] for point 0 is {np.round(Ez[0], 4).tolist()}, expected {np.round(ez_ref[0], 4).tolist()}. "
                    "beta = A^-1 Lambda^T Psi^-1 with A = I + Lambda^T Psi^-1 Lambda, then E[z|x] = beta (x - mu).")
        else:
            hint = (f"E[z | x, j] is right; Cov[z | x, j] should be {np.round(cov_ref, 4).tolist()}, you returned "
                    f"{np.round(cov, 4).tolist()}. Cov = A^-1 = I - beta Lambda.")
        return report(False, hint, name)
    return report(True, "", name)
