"""Gradient descent on the error E = -log L of a spherical Gaussian mixture (floor 1½).

Introduced in ``notebooks/03_gradient_descent.ipynb``. Everything here is for the lecture's
spherical model, p(x | j) = (2 pi sigma_j^2)^(-d/2) exp(-|x - mu_j|^2 / (2 sigma_j^2)), and
E is the *total* error over the data set, E = -sum_i log p(x_i) (natural log).

What the lesson needs, in order:

* :func:`energy` and :func:`gradients`: E and its correct partial derivatives (science.md §2.1).
* :func:`lecture_gradients`: the mean gradients exactly as slides 8 and 9 print them. They are
  wrong on purpose, so the notebook can show that they fail a finite-difference check.
* :func:`to_unconstrained` / :func:`from_unconstrained` / :func:`unconstrained_gradient`:
  softmax weights and log standard deviations, so every step gives a valid mixture.
* :func:`finite_difference_gradient`: the check every gradient must pass.
* :func:`gradient_descent`: plain gradient descent, either on the unconstrained parameters or
  "naively" on the raw P_j, mu_j, sigma_j (which leaves the simplex: slide 10's real problem).
* :func:`xu_jordan_mean_step`: one EM mean update written as a scaled gradient step (science.md §2.3).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._numerics import softmax_rows
from .._validation import check_nonnegative_float, check_one_of, check_whole_number, check_X
from ..em import e_step
from ..mixture import WEIGHT_SUM_TOL, Mixture, check_mixture
from ..run import Run, Status

PARAMETERIZATIONS = ("unconstrained", "naive")
#: a rise of E smaller than this fraction of |E| is rounding in the last digits of E, not an uphill step
RISE_RTOL = 1e-10



# --- checks -----------------------------------------------------------------------------------
def _check_spherical(mixture, name: str = "mixture") -> Mixture:
    check_mixture(mixture, name)
    if mixture.covariance_type != "spherical":
        raise ValueError(
            f"{name} has covariance_type={mixture.covariance_type!r}, but emcourse.gradient is written for the "
            "lecture's spherical model only (covariance sigma_j^2 I). Use a mixture with covariance_type='spherical'."
        )
    return mixture


def _zero_density_message(what: str) -> str:
    return (f"{what}: some point has zero density in float64 under every component (its log p(x_i) is -inf, "
            "because |x_i - mu_j|^2 / sigma_j^2 overflows), so E is infinite and its gradient undefined. "
            "Start from means nearer the data or larger variances.")


# --- E and its gradient -----------------------------------------------------------------------
def energy(X, mixture: Mixture) -> float:
    """The error E = -log L = -sum_i log p(x_i) of the data under ``mixture`` (slide 7).

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        A spherical mixture.

    Returns
    -------
    float
        The total (not per-sample) error, natural log. It is ``inf`` if some point has zero
        density in float64 under every component.
    """
    mixture = _check_spherical(mixture)
    return -mixture.log_likelihood(X)


def energy_surface(X, mu_grid, sigmas, weights=(0.5, 0.5)) -> np.ndarray:
    """E = -log L of 1-D data under a two-component mixture, over a grid of (mu_1, mu_2).

    Introduced in ``notebooks/02_likelihood.ipynb`` (the error surface of slide 7).

    Parameters
    ----------
    X : array-like of shape (n_samples, 1)
    mu_grid : array-like of shape (n_grid,)
        Values tried for both mu_1 and mu_2.
    sigmas : (float, float)
        The two standard deviations, fixed over the grid.
    weights : (float, float)
        The two mixing proportions.

    Returns
    -------
    ndarray of shape (n_grid, n_grid)
        Entry [b, a] is E at mu_1 = mu_grid[a], mu_2 = mu_grid[b] (row = mu_2, for ``imshow``).
    """
    X = check_X(X, n_features=1)
    grid = np.asarray(mu_grid, dtype=np.float64).reshape(-1, 1)
    n_grid = grid.shape[0]
    # log P_j + log p(x_i | j) for component j placed at every grid value: one engine call per component
    logs = [Mixture(np.full(n_grid, 1.0 / n_grid), grid, np.full(n_grid, float(s) ** 2)).component_log_pdf(X)
            + np.log(w) for w, s in zip(weights, sigmas)]                              # each (n_samples, n_grid)
    return -np.logaddexp(logs[0][:, None, :], logs[1][:, :, None]).sum(axis=0)


@dataclass(frozen=True)
class Gradients:
    """The partial derivatives of E = -sum_i log p(x_i) at one spherical mixture.

    Introduced in ``notebooks/03_gradient_descent.ipynb``. With r_ij = P(j | x_i) and
    N_j = sum_i r_ij (science.md §2.1):

    Attributes
    ----------
    means : ndarray of shape (n_components, n_features)
        dE/dmu_j = sum_i r_ij (mu_j - x_i) / sigma_j^2.
    sigmas : ndarray of shape (n_components,)
        dE/dsigma_j = sum_i r_ij [d / sigma_j - |x_i - mu_j|^2 / sigma_j^3] (the standard deviation).
    log_sigmas : ndarray of shape (n_components,)
        dE/d(log sigma_j) = sum_i r_ij [d - |x_i - mu_j|^2 / sigma_j^2] = sigma_j dE/dsigma_j.
    logits : ndarray of shape (n_components,)
        dE/dgamma_j = N P_j - N_j, for softmax weights P_j = exp(gamma_j) / sum_k exp(gamma_k).
    weights : ndarray of shape (n_components,)
        The raw partials dE/dP_j = -sum_i p(x_i | j) / p(x_i) = -N_j / P_j, treating each P_j as a
        free number (ignoring sum_j P_j = 1). They are all negative: E alone always "wants" every
        weight larger. At an EM fixed point they all equal -N (the Lagrange multiplier).
    energy : float
        E itself.
    """

    means: np.ndarray
    sigmas: np.ndarray
    log_sigmas: np.ndarray
    logits: np.ndarray
    weights: np.ndarray
    energy: float


def gradients(X, mixture: Mixture) -> Gradients:
    """E and its correct partial derivatives at ``mixture`` (science.md §2.1).

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        A spherical mixture.

    Returns
    -------
    Gradients
        Read-only arrays: ``means`` (n_components, n_features); ``sigmas``, ``log_sigmas``,
        ``logits``, ``weights`` (n_components,); and ``energy`` (float).

    Raises
    ------
    ValueError
        If the mixture is not spherical, X has the wrong shape, or E is infinite.
    """
    mixture = _check_spherical(mixture)
    X = check_X(X, n_features=mixture.n_features)
    with np.errstate(invalid="ignore"):                # if some log p(x_i) = -inf, r_ij is NaN: refused below
        resp, log_likelihood = e_step(X, mixture)     # r_ij, computed in log space
    if not np.isfinite(log_likelihood):
        raise ValueError(_zero_density_message("cannot compute the gradient of E"))
    n, d = X.shape
    variances = mixture.covariances                     # sigma_j^2, shape (K,)
    sigmas = np.sqrt(variances)
    n_eff = resp.sum(axis=0)                            # N_j
    diff = X[:, None, :] - mixture.means[None, :, :]    # x_i - mu_j, shape (n, K, d)
    sq_dist = np.einsum("nkd,nkd->nk", diff, diff)      # |x_i - mu_j|^2, shape (n, K)

    d_means = -np.einsum("nk,nkd->kd", resp, diff) / variances[:, None]
    d_sigmas = d * n_eff / sigmas - np.einsum("nk,nk->k", resp, sq_dist) / sigmas**3
    d_log_sigmas = sigmas * d_sigmas                    # chain rule: sigma = exp(s)
    d_logits = n * mixture.weights - n_eff
    # -sum_i p(x_i|j) / p(x_i), in log space; equal to -N_j / P_j, and still finite when P_j = 0
    d_weights = -np.exp(mixture.component_log_pdf(X) - mixture.log_pdf(X)[:, None]).sum(axis=0)

    for arr in (d_means, d_sigmas, d_log_sigmas, d_logits, d_weights):
        arr.setflags(write=False)
    return Gradients(means=d_means, sigmas=d_sigmas, log_sigmas=d_log_sigmas, logits=d_logits,
                     weights=d_weights, energy=-log_likelihood)


# --- the lecture's formulas, wrong on purpose -----------------------------------------------------
@dataclass(frozen=True)
class LectureGradients:
    """The mean "gradients" as printed on slides 8 and 9. **Wrong on purpose** (science.md §1).

    Introduced in ``notebooks/03_gradient_descent.ipynb``, where they fail a finite-difference check.

    Attributes
    ----------
    slide8_means : ndarray of shape (n_components, n_features)
        Slide 8, last line: -sum_i P(j | x_i) |x_i - mu_j| / sigma_j, the same number in every column.
    slide9_means : ndarray of shape (n_components, n_features)
        Slide 9: +sum_i P(j | x_i) |x_i - mu_j| / sigma_j^2, the same number in every column.
    """

    slide8_means: np.ndarray
    slide9_means: np.ndarray


def lecture_gradients(X, mixture: Mixture) -> LectureGradients:
    """dE/dmu_j as slides 8 and 9 print it. **Wrong on purpose**: compare with :func:`gradients`.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    The slides use the scalar norm |x_i - mu_j| where the derivative needs the vector
    x_i - mu_j, so each formula gives one number per component. We read that number as the
    value of *every* coordinate of dE/dmu_j (broadcast to a row of shape (n_features,)), the only
    way to take a step with it. Slide 8 writes an unindexed sigma; we read it as sigma_j.

    * slide 9: +sum_i r_ij |x_i - mu_j| / sigma_j^2 (the correct form is sum_i r_ij (mu_j - x_i) / sigma_j^2).
      It is never negative, so a descent step with it lowers every coordinate of mu_j wherever
      the data are; when the data lie above mu_j, that step moves mu_j away from them and E rises.
    * slide 8, last line: -sum_i r_ij |x_i - mu_j| / sigma_j (also missing a power of sigma_j).
      Never positive: the opposite sign to slide 9.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        A spherical mixture.

    Returns
    -------
    LectureGradients
        ``slide8_means`` and ``slide9_means``, each of shape (n_components, n_features).
    """
    mixture = _check_spherical(mixture)
    X = check_X(X, n_features=mixture.n_features)
    resp, _ = e_step(X, mixture)
    variances = mixture.covariances
    dist = np.linalg.norm(X[:, None, :] - mixture.means[None, :, :], axis=2)   # |x_i - mu_j|, (n, K)
    weighted_dist = np.einsum("nk,nk->k", resp, dist)                           # sum_i r_ij |x_i - mu_j|
    d = mixture.n_features
    slide8 = np.repeat((-weighted_dist / np.sqrt(variances))[:, None], d, axis=1)
    slide9 = np.repeat((weighted_dist / variances)[:, None], d, axis=1)
    return LectureGradients(slide8_means=slide8, slide9_means=slide9)


# --- unconstrained parameters: softmax weights, log standard deviations ---------------------------
def to_unconstrained(mixture: Mixture) -> np.ndarray:
    """The parameters of ``mixture`` as one unconstrained vector theta.

    Introduced in ``notebooks/03_gradient_descent.ipynb``. Any real theta maps back to a valid
    mixture (:func:`from_unconstrained`), so gradient descent on theta never leaves the constraints.

    Parameters
    ----------
    mixture : Mixture
        A spherical mixture whose weights are all positive.

    Returns
    -------
    theta : ndarray of shape (n_components * n_features + 2 * n_components,)
        ``[means.ravel(), log sigma_j, gamma_j]`` with gamma_j = log P_j (softmax logits; adding a
        constant to all of them gives the same weights).
    """
    mixture = _check_spherical(mixture)
    if np.any(mixture.weights == 0):
        j = int(np.flatnonzero(mixture.weights == 0)[0])
        raise ValueError(f"component {j + 1} has weight 0, which has no finite logit (gamma_{j + 1} = log 0 = -inf). "
                         "Give every component a positive weight, or drop the empty component.")
    log_sigmas = 0.5 * np.log(mixture.covariances)
    logits = np.log(mixture.weights)
    return np.concatenate([mixture.means.ravel(), log_sigmas, logits])


def from_unconstrained(theta, n_components: int, n_features: int) -> Mixture:
    """The spherical mixture of an unconstrained vector theta (inverse of :func:`to_unconstrained`).

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    theta : array-like of shape (n_components * n_features + 2 * n_components,)
        ``[means.ravel(), log sigma_j, gamma_j]``.
    n_components, n_features : int

    Returns
    -------
    Mixture
        Weights softmax(gamma), means, variances sigma_j^2 = exp(2 log sigma_j).
    """
    n_components = check_whole_number(n_components, "n_components", 1)
    d = check_whole_number(n_features, "n_features", 1)
    try:
        theta = np.asarray(theta, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("theta must be a numeric 1-D array.") from None
    expected = n_components * d + 2 * n_components
    if theta.shape != (expected,):
        raise ValueError(f"theta must be a 1-D array of length n_components * n_features + 2 * n_components = "
                         f"{expected} for {n_components} components in {d} dimensions, got shape {theta.shape}.")
    if not np.all(np.isfinite(theta)):
        raise ValueError(f"theta contains NaN or infinite values: {theta}. Every parameter must be finite.")
    means = theta[:n_components * d].reshape(n_components, d)
    log_sigmas = theta[n_components * d:n_components * d + n_components]
    logits = theta[n_components * d + n_components:]
    with np.errstate(over="ignore", under="ignore"):
        variances = np.exp(2.0 * log_sigmas)
    bad = np.flatnonzero(~((variances > 0) & np.isfinite(variances)))
    if bad.size:
        j = int(bad[0])
        raise ValueError(f"log sigma_{j + 1} = {log_sigmas[j]:.6g} gives sigma_{j + 1}^2 = {variances[j]:.3g}, which is not a "
                         "positive finite float64: the parameters have run off to an extreme.")
    return Mixture(softmax_rows(logits[None, :])[0], means, variances, "spherical")


def _flatten(g: Gradients) -> np.ndarray:
    return np.concatenate([g.means.ravel(), g.log_sigmas, g.logits])


def unconstrained_gradient(X, mixture: Mixture) -> np.ndarray:
    """dE/dtheta in the layout of :func:`to_unconstrained`.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        A spherical mixture.

    Returns
    -------
    ndarray of shape (n_components * n_features + 2 * n_components,)
        ``[dE/dmu (raveled), dE/d(log sigma_j), dE/dgamma_j]``.
    """
    return _flatten(gradients(X, mixture))


# --- the check every gradient must pass ---------------------------------------------------------
def finite_difference_gradient(f, theta, eps: float = 1e-6) -> np.ndarray:
    """Central-difference estimate of the gradient of a scalar function f of a 1-D vector.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    ``grad[k] = (f(theta + eps e_k) - f(theta - eps e_k)) / (2 eps)``, with e_k the k-th unit vector
    and the same absolute ``eps`` for every coordinate. The truncation error is O(eps^2) and the
    rounding error about (rounding error of f) / eps.

    Parameters
    ----------
    f : callable
        ``f(theta) -> float``.
    theta : array-like of shape (n_parameters,)
    eps : float, default 1e-6
        The step, > 0.

    Returns
    -------
    ndarray of shape (n_parameters,)
    """
    theta = np.array(theta, dtype=np.float64)    # a copy: theta is never changed
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-D array, got shape {theta.shape}. Flatten the parameters first.")
    eps = check_nonnegative_float(eps, "eps")
    if eps == 0:
        raise ValueError("eps must be > 0, got 0.")
    grad = np.empty_like(theta)
    for k in range(theta.size):
        step = np.zeros_like(theta)
        step[k] = eps
        grad[k] = (float(f(theta + step)) - float(f(theta - step))) / (2.0 * eps)
    return grad


# --- gradient descent -----------------------------------------------------------------------------
class GradientDescentRun(Run):
    """What :func:`gradient_descent` returns: a :class:`emcourse.run.Run` of spherical mixtures.

    Introduced in ``notebooks/03_gradient_descent.ipynb``. ``history[t]`` is the mixture after t steps
    (every entry a valid mixture: a step that would leave the constraints is not kept);
    ``log_likelihoods[t]`` is log L = -E of it; ``events[t]`` says "E rose ..." where a step went uphill
    by more than rounding (more than ``RISE_RTOL`` |E|: near an optimum E flickers in its last bits, and
    that is not a rise).
    ``status`` is ``MAX_ITER`` when all the steps were taken and ``DEGENERATE`` when a step had to be
    refused (left the constraints, gave non-finite parameters or an infinite E); ``stop_reason`` says which.
    """


def _naive_step(mixture: Mixture, g: Gradients, learning_rate: float) -> tuple[Mixture | None, str]:
    """One raw step on P_j, mu_j and sigma_j. Returns (new mixture, "") or (None, what went wrong)."""
    weights = mixture.weights - learning_rate * g.weights
    means = mixture.means - learning_rate * g.means
    sigmas = np.sqrt(mixture.covariances) - learning_rate * g.sigmas
    problems = []
    total = float(weights.sum())
    if abs(total - 1.0) > WEIGHT_SUM_TOL:
        problems.append(f"weights sum to {total:.10g}, not 1")
    problems += [f"P_{j} = {w:.4g} < 0" for j, w in enumerate(weights, start=1) if w < 0]
    problems += [f"sigma_{j} = {s:.4g} <= 0" for j, s in enumerate(sigmas, start=1) if s <= 0]
    if problems:
        return None, ("the step left the constraints (" + "; ".join(problems) + f"; P = {np.round(weights, 4)}). "
                      "A raw gradient step keeps neither sum_j P_j = 1, P_j >= 0 nor sigma_j > 0 (slide 10): "
                      "use parameterization='unconstrained'.")
    try:
        return Mixture(weights, means, sigmas**2, "spherical"), ""
    except ValueError as exc:
        return None, f"the step gave an invalid mixture: {exc}"


def _unconstrained_step(theta: np.ndarray, g: Gradients, learning_rate: float, n_components: int,
                        d: int) -> tuple[np.ndarray, Mixture | None, str]:
    """One step on theta. Returns (new theta, new mixture, "") or (theta, None, what went wrong)."""
    with np.errstate(over="ignore", invalid="ignore"):
        new_theta = theta - learning_rate * _flatten(g)
    try:
        return new_theta, from_unconstrained(new_theta, n_components, d), ""
    except ValueError as exc:
        return theta, None, f"the step gave parameters that are not a usable mixture: {exc}"


def gradient_descent(X, init: Mixture, *, learning_rate: float, max_iter: int,
                     parameterization: str = "unconstrained") -> GradientDescentRun:
    """Plain gradient descent on E with a fixed learning rate.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        The spherical starting mixture.
    learning_rate : float
        The step size eta > 0: each step is theta <- theta - eta dE/dtheta. E is a sum over the
        points, so a stable eta is at most about sigma_min^2 / N, with sigma_min the smallest
        standard deviation the fit will reach (not the starting one); a smaller eta is safe but slow.
    max_iter : int
        The number of steps to try (>= 0); there is no convergence test, as in the lecture.
    parameterization : {"unconstrained", "naive"}, default "unconstrained"
        ``"unconstrained"`` steps on theta = [mu, log sigma_j, gamma_j] with softmax weights
        (:func:`to_unconstrained`): every step is a valid mixture. ``"naive"`` steps directly on the
        raw P_j (with dE/dP_j = -N_j / P_j), mu_j and sigma_j. Those raw partials are all negative,
        so the naive step raises every weight and the weights stop summing to 1 at the first step
        (unless the step is tiny); a step can also make sigma_j <= 0. That is slide 10's constraint
        problem: the run stops there and says what happened.

    Returns
    -------
    GradientDescentRun
        ``history``, ``log_likelihoods`` (= -E) and ``events`` aligned (``history[0]`` is ``init``).
        A step that would give an invalid mixture, non-finite parameters or a non-finite E is not
        kept: the run stops and ``stop_reason`` says why (nothing becomes NaN silently).
    """

    init = _check_spherical(init, "init")
    X = check_X(X, n_features=init.n_features)
    learning_rate = check_nonnegative_float(learning_rate, "learning_rate")
    if learning_rate == 0:
        raise ValueError("learning_rate must be > 0, got 0: a zero step never moves. Try about sigma_min^2 / N, "
                         "with sigma_min the narrowest fitted component.")
    max_iter = check_whole_number(max_iter, "max_iter", 0)
    check_one_of(parameterization, PARAMETERIZATIONS, "parameterization")
    n_components, d = init.n_components, init.n_features

    mixture, E = init, energy(X, init)
    history, energies, events = [init], [E], [""]
    status, stop_reason = Status.MAX_ITER, "max_iter reached"
    if not np.isfinite(E):
        return GradientDescentRun(history=history, log_likelihoods=[-E], events=events, status=Status.DEGENERATE,
                                  stop_reason=_zero_density_message("E is infinite at init"))
    theta = to_unconstrained(init) if parameterization == "unconstrained" else None
    for t in range(1, max_iter + 1):
        with np.errstate(over="ignore"):  # an exploding step is reported in stop_reason, not as a warning
            g = gradients(X, mixture)
        if parameterization == "unconstrained":
            theta, new_mixture, problem = _unconstrained_step(theta, g, learning_rate, n_components, d)
        else:
            new_mixture, problem = _naive_step(mixture, g, learning_rate)
        if problem:
            status, stop_reason = Status.DEGENERATE, f"step {t}: {problem}"
            break
        new_E = energy(X, new_mixture)
        if not np.isfinite(new_E):
            status = Status.DEGENERATE
            stop_reason = f"step {t}: " + _zero_density_message(f"E became {new_E} (the step was too large)")
            break
        rose = new_E - E > RISE_RTOL * abs(E)
        events.append(f"E rose from {E:.6g} to {new_E:.6g}: the learning rate is too large here" if rose else "")
        history.append(new_mixture)
        energies.append(new_E)
        mixture, E = new_mixture, new_E
    return GradientDescentRun(history=history, log_likelihoods=-np.asarray(energies), events=events, status=status,
                              stop_reason=stop_reason)


# --- EM as a scaled gradient step ---------------------------------------------------------------
def xu_jordan_mean_step(X, mixture: Mixture) -> np.ndarray:
    """EM's mean update written as a gradient step (Xu & Jordan 1996; science.md §2.3).

    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    mu_j_new = mu_j + (sigma_j^2 / N_j) dl/dmu_j with l = -E = log L and N_j = sum_i r_ij. This
    equals sum_i r_ij x_i / N_j, the M-step mean: EM is gradient ascent with a step sigma_j^2 / N_j
    chosen per component, and needs no learning rate.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        A spherical mixture in which every component has some responsibility (N_j > 0).

    Returns
    -------
    ndarray of shape (n_components, n_features)
        The new means.
    """
    g = gradients(X, mixture)
    resp, _ = e_step(X, mixture)
    n_eff = resp.sum(axis=0)
    if np.any(n_eff == 0):
        j = int(np.flatnonzero(n_eff == 0)[0])
        raise ValueError(f"component {j + 1} has no responsibility for any point (N_{j + 1} = 0), so its EM mean "
                         "sum_i r_ij x_i / N_j is undefined.")
    dl_dmeans = -g.means
    return mixture.means + (mixture.covariances / n_eff)[:, None] * dl_dmeans
