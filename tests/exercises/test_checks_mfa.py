"""Lesson 9's check ``check_mfa_e_step``: the right answer passes, every classic mistake gets its own hint.

The right answers are written here with numpy only (one through the Woodbury identity, one by inverting the
D x D covariance directly: both must pass); each wrong answer reaches exactly one hint branch.
"""
import numpy as np
import pytest

from emcourse.exercises import checks
from emcourse.methods.mfa import MFA
from tests.exercises._checking import not_written, run_check


def _run(func, passed, fragment, capsys):
    return run_check(checks.check_mfa_e_step, func, passed, fragment, capsys)


def woodbury(X, mean, loadings, psi):
    k = loadings.shape[1]
    lam_psi = loadings.T / psi                               # Lambda^T Psi^-1
    cov = np.linalg.inv(np.eye(k) + lam_psi @ loadings)      # (I + Lambda^T Psi^-1 Lambda)^-1
    return (X - mean) @ (cov @ lam_psi).T, cov


def direct(X, mean, loadings, psi):
    beta = loadings.T @ np.linalg.inv(loadings @ loadings.T + np.diag(psi))
    return (X - mean) @ beta.T, np.eye(loadings.shape[1]) - beta @ loadings


def _through(X, mean, A, lam_w):
    A_inv = np.linalg.inv(A)
    return (X - mean) @ (A_inv @ lam_w).T, A_inv


def no_psi_inv(X, mean, L, psi):
    return _through(X, mean, np.eye(L.shape[1]) + L.T @ L, L.T)


def psi_not_inverted(X, mean, L, psi):
    return _through(X, mean, np.eye(L.shape[1]) + (L.T * psi) @ L, L.T * psi)


def no_identity(X, mean, L, psi):
    return _through(X, mean, (L.T / psi) @ L, L.T / psi)


def cov_no_identity_in_A(X, mean, L, psi):
    return woodbury(X, mean, L, psi)[0], np.linalg.inv((L.T / psi) @ L)


def woodbury_sign(X, mean, L, psi):
    k = L.shape[1]
    P = np.diag(1 / psi)
    C_inv = P + P @ L @ np.linalg.inv(np.eye(k) + L.T @ P @ L) @ L.T @ P
    beta = L.T @ C_inv
    return (X - mean) @ beta.T, np.eye(k) - beta @ L


def not_inverted(X, mean, L, psi):
    beta = L.T @ (L @ L.T + np.diag(psi))
    return (X - mean) @ beta.T, np.eye(L.shape[1]) - beta @ L


def mean_not_subtracted(X, mean, L, psi):
    Ez, cov = woodbury(X, mean, L, psi)
    return Ez + mean @ (cov @ (L.T / psi)).T, cov


def cov_minus_only(X, mean, L, psi):
    Ez, cov = woodbury(X, mean, L, psi)
    return Ez, cov - np.eye(L.shape[1])                      # -beta Lambda


def cov_plus(X, mean, L, psi):
    Ez, cov = woodbury(X, mean, L, psi)
    return Ez, 2 * np.eye(L.shape[1]) - cov                  # I + beta Lambda


def cov_precision(X, mean, L, psi):
    Ez, cov = woodbury(X, mean, L, psi)
    return Ez, np.linalg.inv(cov)


def ez_off(X, mean, L, psi):
    Ez, cov = woodbury(X, mean, L, psi)
    return 1.1 * Ez, cov


def cov_off(X, mean, L, psi):
    Ez, cov = woodbury(X, mean, L, psi)
    return Ez, 1.1 * cov


def second_moments(X, mean, L, psi):
    Ez, cov = woodbury(X, mean, L, psi)
    return Ez, cov + Ez[:, :, None] * Ez[:, None, :]


stub = not_written("exercise 9: mfa_e_step")


@pytest.mark.parametrize("func, passed, fragment", [
    (woodbury, True, "public checks passed"),
    (direct, True, "public checks passed"),
    (lambda *a: tuple(v.tolist() for v in woodbury(*a)), True, "public checks passed"),
    (no_psi_inv, False, "you left out Psi^-1"),
    (psi_not_inverted, False, "you multiplied by Psi where Psi^-1 belongs"),
    (no_identity, False, "you get the Psi-weighted least-squares estimate"),
    (cov_no_identity_in_A, False, "you dropped the identity in A"),
    (woodbury_sign, False, "the Woodbury identity has a minus sign"),
    (not_inverted, False, "needs the INVERSE"),
    (mean_not_subtracted, False, "subtract the component's mean first"),
    (cov_minus_only, False, "you dropped the identity (the prior's covariance"),
    (cov_plus, False, "the data make the factors more certain"),
    (cov_precision, False, "the posterior *precision*"),
    (ez_off, False, "E[z | x, j] for point 0 is"),
    (cov_off, False, "E[z | x, j] is right; Cov[z | x, j] should be"),
    (second_moments, False, "your cov has one matrix per point"),
    (lambda *a: (woodbury(*a)[0].T, woodbury(*a)[1]), False, "Transpose it"),
    (lambda *a: woodbury(*a)[0], False, "return two arrays"),
    (lambda *a: (woodbury(*a)[0][:, :1], woodbury(*a)[1]), False, "returned shape"),
    (stub, False, "not yet implemented"),
    (lambda *a: 1 / 0, False, "your function raised ZeroDivisionError"),
])
def test_check_mfa_e_step(func, passed, fragment, capsys):
    _run(func, passed, fragment, capsys)


def test_the_engines_posterior_is_the_textbook_formula():
    """posterior_factors / posterior_covariances (the check's reference) equal beta (x - mu) and I - beta Lambda."""
    rng = np.random.default_rng(1)
    w = rng.dirichlet(np.ones(3))
    means, loadings, psi = rng.normal(0, 2, (3, 6)), rng.normal(0, 1, (3, 6, 2)), rng.uniform(0.05, 2.0, 6)
    model = MFA(w, means, loadings, psi)
    X = rng.normal(0, 2, (11, 6))
    Ez, covs = model.posterior_factors(X), model.posterior_covariances()
    assert Ez.shape == (11, 3, 2) and covs.shape == (3, 2, 2)
    for j in range(3):
        ez, cov = direct(X, means[j], loadings[j], psi)
        np.testing.assert_allclose(Ez[:, j], ez, rtol=1e-10)
        np.testing.assert_allclose(covs[j], cov, rtol=1e-10, atol=1e-14)
