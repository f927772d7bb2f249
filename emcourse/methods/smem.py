"""Split-and-merge EM (SMEM) for Gaussian mixtures (floor 1½).

Introduced in ``notebooks/08_split_and_merge_em.ipynb``.

SMEM (Ueda, Nakano, Ghahramani & Hinton, *Neural Computation* 12(9), 2000; science.md §6)
escapes the local optima where EM puts two components on one cluster and one component across
two clusters. After EM has converged it tries *candidate triples* (i, j, k): merge components i
and j into one, split component k into two, so the number of components never changes.

1. Run EM to convergence: Theta*, L* = log L(Theta*).
2. Rank merge pairs by J_merge(i, j) = P_i^T P_j, the inner product of the two components'
   posterior vectors over the data (:func:`merge_criterion`; slide 25's "parameters are close" is
   an erratum), and split candidates by J_split(k), the local KL divergence between the
   posterior-weighted data near k and k's density (:func:`split_criterion`).
3. Order the triples merge-outer, split-inner (:func:`candidate_triples`); try the first C_max.
4. Initialise the three new components (:func:`split_merge_init`), run *partial EM* on them
   with the other components fixed (:func:`partial_em`), then full EM.
5. Accept the candidate only if log L increased; otherwise try the next one. Stop when none of
   the C_max candidates helps.

Two *course variants* (not the paper's method; science.md §6) fix a failure seen on the 3 x 3
grid, where the unnormalised J_merge favours big components and the first C_max triples all share
one (sometimes wrong) merge pair: ``variant="cosine"`` normalises the posterior vectors
(J_merge = cosine similarity), ``variant="best_split"`` pairs each merge pair only with its best
split candidate, so the C_max triples cover C_max different merge pairs.

Every candidate tried, accepted or rejected, is kept in the result's ``candidates`` with the
mixture after the merge/split initialisation, after partial EM and after full EM, so an explorer
can step through the algorithm without re-running it.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from .._covariance import covariance_kind
from .._fast import FeatureMap
from .._numerics import logsumexp_rows, softmax_rows
from .._validation import check_nonnegative_float, check_one_of, check_resp, check_rng, check_whole_number, check_X
from ..em import EMResult, build_mixture, e_step, run_em
from ..mixture import Mixture, check_mixture
from ..run import Run, Status, em_loop

#: the selectable SMEM variants: the published method and the two course variants of science.md §6
VARIANTS = ("paper", "cosine", "best_split")
#: a component with fewer effective points than this after a candidate's full EM is reported as collapsed
COLLAPSE_COUNT = 2.0


# --- criteria and ranking --------------------------------------------------------------------------
def merge_criterion(resp, *, normalize: bool = False) -> np.ndarray:
    """The merge criterion J_merge(i, j) = P_i^T P_j for every pair of components.

    P_i = (P(i | x_1), ..., P(i | x_N)) is component i's posterior vector over the data. A large
    J_merge(i, j) means components i and j explain the same points: merging them loses little.

    Parameters
    ----------
    resp : array-like of shape (n_samples, n_components)
        Responsibilities P(j | x_i) of the converged mixture (from :func:`emcourse.e_step`).
    normalize : bool, default False
        False: the published, unnormalised inner product (the paper and public implementations,
        ``J = R' * R``). True: the cosine of the angle between the posterior vectors (a course
        variant that stops big components dominating the ranking; 1 on the diagonal, and 0 for a
        component that explains no point at all).

    Returns
    -------
    ndarray of shape (n_components, n_components)
        Symmetric. The diagonal holds |P_i|^2 (or 1 when normalised); only pairs i < j are merge
        candidates.

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    R = check_resp(resp)
    J = R.T @ R
    if normalize:
        norms = np.sqrt(np.diag(J))
        safe = np.where(norms > 0, norms, 1.0)
        J = J / np.outer(safe, safe)      # an all-zero posterior vector gets cosine 0 with every other one
        np.fill_diagonal(J, 1.0)
    return J


def split_criterion(X, mixture: Mixture, resp) -> np.ndarray:
    """The split criterion J_split(k): local KL divergence of component k from its data.

    J_split(k) = sum_n f_nk log(f_nk / p(x_n | k)), with f_nk = P(k | x_n) / sum_m P(k | x_m)
    the posterior-weighted empirical distribution of the data around component k (the discrete
    form that implementations use; the delta-function integral of the paper is formally divergent).
    A large value means component k models its local data poorly, e.g. it straddles two clusters.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        The converged mixture whose components are ranked.
    resp : array-like of shape (n_samples, n_components)
        Its responsibilities on X (from :func:`emcourse.e_step`).

    Returns
    -------
    ndarray of shape (n_components,)
        ``-inf`` for a component with no responsibility at all (nothing to split).

    Notes
    -----
    Terms with f_nk = 0 count 0 (0 log 0 = 0). Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    check_mixture(mixture)
    X = check_X(X, n_features=mixture.n_features)
    R = check_resp(resp, X.shape[0], mixture.n_components)
    log_p = mixture.component_log_pdf(X)                        # (n_samples, n_components)
    counts = R.sum(axis=0)
    out = np.full(mixture.n_components, -np.inf)
    for k in np.flatnonzero(counts > 0):
        f = R[:, k] / counts[k]
        nz = f > 0
        out[k] = float(np.sum(f[nz] * (np.log(f[nz]) - log_p[nz, k])))
    if np.any(np.isnan(out)):
        raise ValueError("split_criterion produced NaN: some point has log p(x | k) = +inf or NaN. "
                         "Check the mixture's variances (use a variance floor, reg_covar > 0).")
    return out


def candidate_triples(j_merge, j_split, *, best_split_only: bool = False) -> np.ndarray:
    """Candidate triples (i, j, k), best first: merge i and j (i < j), split k (k not in {i, j}).

    Merge pairs are sorted by J_merge, descending; for each pair the split candidates are sorted
    by J_split, descending (merge-outer, split-inner: the paper's order, as in mixest's
    ``combine_candidates``). Ties keep the lower index first.

    Parameters
    ----------
    j_merge : array-like of shape (n_components, n_components)
        From :func:`merge_criterion` (only the upper triangle i < j is used).
    j_split : array-like of shape (n_components,)
        From :func:`split_criterion`.
    best_split_only : bool, default False
        False: all M(M-1)(M-2)/2 triples (the paper). True: each merge pair with only its best
        split candidate, M(M-1)/2 triples (a course variant).

    Returns
    -------
    ndarray of int, shape (n_candidates, 3)
        Rows (i, j, k). SMEM tries the first C_max rows.

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    Jm = _as_finite_or_inf(j_merge, "j_merge")
    Js = _as_finite_or_inf(j_split, "j_split")
    if Jm.ndim != 2 or Jm.shape[0] != Jm.shape[1]:
        raise ValueError(f"j_merge must be a square (n_components, n_components) matrix, got shape {Jm.shape}. "
                         "Pass merge_criterion(resp).")
    n_components = Jm.shape[0]
    if Js.shape != (n_components,):
        raise ValueError(f"j_split must have shape ({n_components},) to match j_merge's {n_components} components, got {Js.shape}. "
                         "Pass split_criterion(X, mixture, resp).")
    if n_components < 3:
        raise ValueError(f"a split-and-merge step needs at least 3 components (merge two, split a third); got {n_components}.")
    iu, ju = np.triu_indices(n_components, k=1)
    pair_order = np.argsort(-Jm[iu, ju], kind="stable")
    split_order = np.argsort(-Js, kind="stable")
    rows = []
    for p in pair_order:
        i, j = int(iu[p]), int(ju[p])
        for k in split_order:
            if k != i and k != j:
                rows.append((i, j, int(k)))
                if best_split_only:
                    break
    return np.array(rows, dtype=int).reshape(-1, 3)


# --- the new components ----------------------------------------------------------------------------
def split_merge_init(mixture: Mixture, triple, *, rng, perturbation: float = 0.1) -> Mixture:
    """Merge components i and j into slot i, split component k into slots j and k (science.md §6).

    * Merge: P_i' = P_i + P_j; mean and covariance are the weight-averaged means and covariances
      (not full moment matching: no spread-of-means term).
    * Split: P_j' = P_k' = P_k / 2; mu_j' = mu_k + eps, mu_k' = mu_k + eps' with independent
      eps, eps' ~ N(0, (perturbation * s)^2 I); both covariances are reset to det(Sigma_k)^(1/d) I,
      where s^2 = det(Sigma_k)^(1/d). Per covariance type: ``"spherical"`` keeps sigma_k^2
      (det(sigma^2 I)^(1/d) = sigma^2); ``"diag"`` uses the geometric mean of the d variances for
      every feature; ``"full"`` uses exp(log det(Sigma_k) / d) times the identity.

    Parameters
    ----------
    mixture : Mixture
    triple : sequence of 3 int
        (i, j, k), distinct component indices.
    rng : int or numpy.random.Generator
        For the split perturbation.
    perturbation : float, default 0.1
        Size of the random displacement of the two split means, in units of the split
        component's geometric-mean standard deviation.

    Returns
    -------
    Mixture
        Same number of components; only slots i, j, k changed.

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    check_mixture(mixture)
    i, j, k = _check_triple(triple, mixture.n_components)
    rng = check_rng(rng)
    perturbation = check_nonnegative_float(perturbation, "perturbation")
    d = mixture.n_features
    w = mixture.weights.copy()
    mu = mixture.means.copy()
    cov = mixture.covariances.copy()
    ctype = mixture.covariance_type
    # merge i + j -> i
    a = w[i] + w[j]
    if a > 0:
        mu_m = (w[i] * mu[i] + w[j] * mu[j]) / a
        cov_m = (w[i] * cov[i] + w[j] * cov[j]) / a
    else:                                   # two empty components: any average will do
        mu_m, cov_m = 0.5 * (mu[i] + mu[j]), 0.5 * (cov[i] + cov[j])
    # split k -> j, k; s2 = det(Sigma_k)^(1/d), computed in log space
    s2, cov_s = covariance_kind(ctype).split(cov[k], d)
    eps = perturbation * np.sqrt(s2) * rng.standard_normal((2, d))
    mu_k = mu[k].copy()
    w_half = 0.5 * w[k]
    w[i], mu[i], cov[i] = a, mu_m, cov_m
    w[j], mu[j], cov[j] = w_half, mu_k + eps[0], cov_s
    w[k], mu[k], cov[k] = w_half, mu_k + eps[1], cov_s
    return Mixture(w / w.sum(), mu, cov, ctype)


def split_merge_parts(before: Mixture, initial: Mixture, triple) -> tuple[Mixture, Mixture]:
    """The merge alone and the split alone: the two halves of a merge/split initialisation, as separate mixtures.

    ``initial`` is ``split_merge_init(before, triple, ...)``. The *merge alone* replaces components i and j of
    ``before`` by the merged component (M - 1 components; component k untouched); the *split alone* replaces
    component k by its two halves (M + 1 components; i and j untouched). Comparing their log-likelihoods with
    ``before``'s shows which half of the move costs log L (lesson 8: the merge; for spherical components the
    split keeps sigma_k^2 and moves the two means only slightly, so the two halves together are almost the old
    component).

    Parameters
    ----------
    before : Mixture
        The mixture before the move (M components).
    initial : Mixture
        After :func:`split_merge_init` with the same ``triple``.
    triple : sequence of 3 int
        (i, j, k), 0-based: merge i and j into slot i, split k into slots j and k.

    Returns
    -------
    merge_only : Mixture with M - 1 components
        ``before`` without i and j, then the merged component (in the last slot).
    split_only : Mixture with M + 1 components
        ``before`` without k, then the two halves (slots j and k of ``initial``, in the last two slots).

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    check_mixture(before, "before")
    check_mixture(initial, "initial")
    if (initial.n_components, initial.n_features, initial.covariance_type) != \
            (before.n_components, before.n_features, before.covariance_type):
        raise ValueError("initial must come from split_merge_init(before, triple, ...): same number of components, "
                         f"features and covariance type; got {initial!r} for {before!r}.")
    i, j, k = _check_triple(triple, before.n_components)

    def assemble(keep, new):
        weights = np.r_[before.weights[keep], initial.weights[new]]
        return Mixture(weights / weights.sum(), np.concatenate([before.means[keep], initial.means[new]]),
                       np.concatenate([before.covariances[keep], initial.covariances[new]]), before.covariance_type)

    rest = np.arange(before.n_components)
    return assemble(rest[(rest != i) & (rest != j)], [i]), assemble(rest[rest != k], [j, k])


@dataclass(frozen=True, kw_only=True)
class PartialEMRun(Run):
    """What :func:`partial_em` returns: a :class:`emcourse.run.Run` in which only a few components move.

    ``history[t]`` is the whole mixture after t partial iterations (only the components in ``components``
    differ from the start); ``log_likelihoods`` is the total log L of X under each (the full mixture);
    ``status`` is ``CONVERGED`` when the partial objective settled, ``DEGENERATE`` when an updated
    component collapsed (the run keeps the last valid mixture).

    Attributes
    ----------
    objectives : ndarray of shape (len(history),)
        The partial-EM objective sum_n w_n log sum_{m in S} P_m p(x_n | m), with w_n the points' fixed
        share of the components in S; it never decreases, and the stop test looks at it.
    components : tuple of int
        S, the components updated.

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """

    objectives: np.ndarray = field(repr=False)
    components: tuple


def partial_responsibilities(X, mixture: Mixture, components, resp) -> np.ndarray:
    """The partial-EM E step, with the plain formula (``partial_em`` runs the same arithmetic on its fast path).

    With S = ``components`` and w(x) = sum_{m in S} P(m | x; Theta*) taken from ``resp`` (the responsibilities of
    the mixture *before* the merge and split, held fixed):

        r_m(x) = w(x) P_m p(x | m) / sum_{m' in S} P_m' p(x | m'),   m in S.

    The posteriors are renormalised inside S only (computed in log space) and scaled by each point's fixed
    share w(x) of S; the components outside S keep their responsibilities, so every row of the full matrix
    still sums to 1.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        The mixture after the merge/split initialisation (:func:`split_merge_init`), or any later partial-EM
        iterate.
    components : sequence of int
        S, e.g. SMEM's triple (i, j, k).
    resp : array-like of shape (n_samples, n_components)
        Responsibilities that fix w(x) (for SMEM: those of the converged mixture before the move).

    Returns
    -------
    ndarray of shape (n_samples, len(components))
        Column c belongs to ``components[c]``; row sums equal w(x).

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb`` (lesson 8's exercise ``partial_e_step`` and its
    check use it as the reference).
    """
    check_mixture(mixture)
    X = check_X(X, n_features=mixture.n_features)
    R = check_resp(resp, X.shape[0], mixture.n_components)
    S = list(_check_components(components, mixture.n_components))
    if not mixture.weights[S].sum() > 0:
        raise ValueError(f"the components {[m + 1 for m in S]} have total weight 0: nothing to renormalise over.")
    return R[:, S].sum(axis=1)[:, None] * softmax_rows(mixture.weighted_log_pdf(X)[:, S])


def partial_em(X, mixture: Mixture, components, resp, *, max_iter: int = 50, tol: float = 1e-6,
               reg_covar: float = 1e-6) -> PartialEMRun:
    """EM on a few components only (usually SMEM's three new ones), all others fixed.

    With S = ``components`` and w(x) = sum_{m in S} P(m | x; Theta*) computed from ``resp`` (the
    responsibilities of the mixture *before* the merge and split), the E step is
    (:func:`partial_responsibilities`)

        r_m(x) = w(x) P_m p(x | m) / sum_{m' in S} P_m' p(x | m'),   m in S,

    and the M step updates P_m, mu_m and the covariance of m in S only (the same formulas as
    :func:`emcourse.m_step`, with ``reg_covar`` added). The weights are rescaled so that their
    total is exactly the starting total sum_{m in S} P_m (the other weights are fixed, so the
    weights still sum to 1).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    mixture : Mixture
        The starting mixture (for SMEM: from :func:`split_merge_init`).
    components : sequence of int
        The components to update (distinct indices).
    resp : array-like of shape (n_samples, n_components)
        Responsibilities that fix each point's share w(x) of the components in ``components``
        (for SMEM: those of the converged mixture before the merge and split).
    max_iter : int, default 50
        Most partial iterations.
    tol : float, default 1e-6
        Stop when the partial objective changes by less than ``tol`` per sample.
    reg_covar : float, default 1e-6
        Added to every updated variance, as in :func:`emcourse.run_em`.

    Returns
    -------
    PartialEMRun

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    check_mixture(mixture)
    X = check_X(X, n_features=mixture.n_features)
    R = check_resp(resp, X.shape[0], mixture.n_components)
    S = _check_components(components, mixture.n_components)
    max_iter = check_whole_number(max_iter, "max_iter", 0)
    tol = check_nonnegative_float(tol, "tol")
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    return _partial_em(FeatureMap(X, mixture.covariance_type), mixture, S, R[:, list(S)].sum(axis=1),
                       max_iter, tol, reg_covar)


def _partial_em(fmap: FeatureMap, mixture: Mixture, S: tuple, w: np.ndarray, max_iter: int, tol: float,
                reg_covar: float) -> PartialEMRun:
    """Partial EM through the one EM loop, with the fast E step on the sub-mixture of S weighted by w."""
    n = fmap.n_samples
    idx = list(S)
    rest = [m for m in range(mixture.n_components) if m not in S]
    total = float(mixture.weights[idx].sum())
    # log sum_{m not in S} P_m p(x | m): the fixed components, computed once
    with np.errstate(divide="ignore"):
        log_p_rest = (logsumexp_rows(mixture.weighted_log_pdf(fmap.X)[:, rest]) if rest else np.full(n, -np.inf))
    log_p_sub = np.empty(n)
    buffer = np.empty((len(idx), n))

    def e_step(mix):
        # within S the weights are renormalised to sum to 1: p_S(x) = total * p_sub(x)
        sub = Mixture._from_m_step(mix.weights[idx] / total, mix.means[idx], mix.covariances[idx],
                                   mix.covariance_type)
        resp_w, weighted, stats = fmap.e_and_stats(sub, buffer, sample_weight=w, log_p_out=log_p_sub)
        objective = weighted + np.log(total) * float(w.sum())
        log_l = float(np.sum(np.logaddexp(log_p_rest, log_p_sub + np.log(total))))
        return objective, log_l, (stats, resp_w)

    def m_step(stats_resp):
        stats, resp_w = stats_resp
        w_rel, means_S, covs_S = fmap.m_step_from_stats(stats, resp_w, reg_covar)
        weights, means, covs = mixture.weights.copy(), mixture.means.copy(), mixture.covariances.copy()
        weights[idx], means[idx], covs[idx] = total * w_rel, means_S, covs_S
        n_true = n * weights
        n_true[idx] = stats[:, 0]
        return build_mixture(weights, means, covs, mixture.covariance_type, n_true, n)

    if not total > 0:
        raise ValueError(f"the components {[m + 1 for m in S]} have total weight 0: partial EM has nothing to update.")
    loop = em_loop(e_step, m_step, mixture, n_samples=n, max_iter=max_iter, tol=tol)
    return PartialEMRun(history=loop.history, log_likelihoods=loop.log_likelihoods, status=loop.status,
                        stop_reason=loop.stop_reason, objectives=loop.objectives, components=S)


# --- the algorithm ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SMEMCandidate:
    """One candidate triple tried by :func:`run_smem`, accepted or rejected.

    Attributes
    ----------
    step : int
        Which SMEM round (0 = the first ranking after the initial EM run).
    rank : int
        Position in that round's candidate list (0 = the best-ranked triple).
    triple : tuple of int
        (i, j, k): merge i and j into slot i; split k into slots j and k (0-based).
    j_merge : float
        J_merge(i, j) as used for the ranking (cosine for ``variant="cosine"``).
    j_split : float
        J_split(k).
    before : Mixture
        The converged mixture Theta* the candidate starts from.
    initial : Mixture
        After the merge/split initialisation (:func:`split_merge_init`).
    after_partial : Mixture
        After partial EM on (i, j, k).
    after_full : Mixture or None
        After full EM (Theta**); None if partial EM failed.
    log_likelihood_before, log_likelihood_initial, log_likelihood_partial, log_likelihood_after : float
        Total log L of X at those four stages (``-inf`` after if the candidate failed).
    partial_log_likelihoods, full_log_likelihoods : ndarray
        log L after each partial-EM iteration and each full-EM iteration.
    accepted : bool
        True if log L after > log L before + ``min_gain`` * n_samples (and full EM did not stop on
        a degenerate component).
    collapsed : tuple of int
        Components (0-based) left with fewer than :data:`COLLAPSE_COUNT` effective points after full EM
        (empty if none, or if the candidate failed before full EM); ``event`` names them too.
    event : str
        What happened, in words (1-based component numbers, as the plots label them). It also
        names any component left with fewer than :data:`COLLAPSE_COUNT` effective points after
        full EM: the likelihood is unbounded (science.md §3.5), so SMEM can "improve" log L by
        collapsing a component onto a data point; the paper's acceptance test does not stop that.

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """

    step: int
    rank: int
    triple: tuple
    j_merge: float
    j_split: float
    before: Mixture = field(repr=False)
    initial: Mixture = field(repr=False)
    after_partial: Mixture = field(repr=False)
    after_full: Mixture | None = field(repr=False)
    log_likelihood_before: float
    log_likelihood_initial: float
    log_likelihood_partial: float
    log_likelihood_after: float
    partial_log_likelihoods: np.ndarray = field(repr=False)
    full_log_likelihoods: np.ndarray = field(repr=False)
    accepted: bool
    event: str
    collapsed: tuple = ()

    @property
    def gain(self) -> float:
        """log L after - log L before (total; negative for most rejected candidates)."""
        return self.log_likelihood_after - self.log_likelihood_before

    @property
    def merge_only(self) -> Mixture:
        """``before`` with only the merge applied (M - 1 components); see :func:`split_merge_parts`."""
        return split_merge_parts(self.before, self.initial, self.triple)[0]

    @property
    def split_only(self) -> Mixture:
        """``before`` with only the split applied (M + 1 components); see :func:`split_merge_parts`."""
        return split_merge_parts(self.before, self.initial, self.triple)[1]


@dataclass(frozen=True, kw_only=True)
class SMEMRun(Run):
    """What :func:`run_smem` returns: a :class:`emcourse.run.Run` of accepted split-and-merge steps.

    ``history[0]`` is the mixture the first EM run converged to; ``history[s]`` the mixture after s accepted
    split-and-merge steps (``n_iter`` of them); ``log_likelihoods`` rises strictly along it; ``events[s]``
    describes the accepted candidate behind ``history[s]``. ``status`` is ``NO_IMPROVEMENT`` when none of
    the C_max best candidates raised log L (SMEM's convergence) and ``MAX_ITER`` when ``max_steps`` steps
    were accepted.

    Attributes
    ----------
    candidates : list of SMEMCandidate
        Every candidate tried, in order, accepted or rejected (what the lesson's explorer steps through).
    initial_em : EMResult
        The first EM run (step 1 of the algorithm), from ``init``.
    variant : str
        One of :data:`VARIANTS`.

    Notes
    -----
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """

    candidates: list = field(repr=False)
    initial_em: EMResult = field(repr=False)
    variant: str

    @property
    def accepted(self) -> list:
        """The accepted candidates, in order."""
        return [c for c in self.candidates if c.accepted]

    @property
    def n_em_iter(self) -> int:
        """Full-EM iterations (M steps) spent in all: the first EM run and every candidate's full EM."""
        return self.initial_em.n_iter + sum(len(c.full_log_likelihoods) - 1 for c in self.candidates
                                            if c.after_full is not None)

    @property
    def n_partial_iter(self) -> int:
        """Partial-EM iterations spent in all (over every candidate tried)."""
        return sum(max(len(c.partial_log_likelihoods) - 1, 0) for c in self.candidates)


def run_smem(X, init: Mixture, *, rng, variant: str = "paper", max_candidates: int = 5, max_iter: int = 1000,
             tol: float = 1e-6, reg_covar: float = 1e-6, partial_max_iter: int = 20, perturbation: float = 0.1,
             max_steps: int = 50, min_gain: float = 1e-6) -> SMEMRun:
    """Split-and-merge EM (Ueda et al. 2000) from ``init``; the number of components never changes.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters for the first EM run; at least 3 components; its ``covariance_type``
        (``"spherical"``, ``"diag"`` or ``"full"``) is the model fitted.
    rng : int or numpy.random.Generator
        For the random perturbation of split means.
    variant : {"paper", "cosine", "best_split"}, default "paper"
        ``"paper"``: unnormalised J_merge, merge-outer/split-inner ranking (the published method).
        ``"cosine"``: cosine-normalised J_merge, same ranking. ``"best_split"``: unnormalised
        J_merge, each merge pair with only its best split candidate. The last two are course
        variants (science.md §6), not the paper's method.
    max_candidates : int, default 5
        C_max: candidates tried per round (the paper, mixest and the lecture use about 5).
    max_iter : int, default 1000
        Most iterations of each full EM run.
    tol : float, default 1e-6
        Convergence threshold of every EM run, **per sample** (as :func:`emcourse.run_em`); also
        used by partial EM.
    reg_covar : float, default 1e-6
        Variance floor of every EM step (as :func:`emcourse.run_em`).
    partial_max_iter : int, default 20
        Most partial-EM iterations per candidate (the paper's number is not known to us; partial EM
        only prepares the three new components for full EM).
    perturbation : float, default 0.1
        Size of the split perturbation, see :func:`split_merge_init`.
    max_steps : int, default 50
        Most accepted split-and-merge steps.
    min_gain : float, default 1e-6
        A candidate is accepted only if log L rises by more than ``min_gain`` per sample, so that
        returning to the same optimum by a different path (a gain at the level of EM's own
        convergence error) is not counted as progress. 0 gives the paper's strict "log L increases".

    Returns
    -------
    SMEMRun

    Notes
    -----
    A candidate whose partial or full EM degenerates (a collapsed component) is rejected and its
    ``event`` says why; warnings raised inside candidate runs are recorded there, not re-emitted.
    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    check_mixture(init, "init")
    X = check_X(X, n_features=init.n_features)
    rng = check_rng(rng)
    check_one_of(variant, VARIANTS, "variant", "'paper' is the published SMEM.")
    if init.n_components < 3:
        raise ValueError(f"SMEM needs at least 3 components (merge two, split a third), init has {init.n_components}. "
                         "Use plain run_em for 1 or 2 components.")
    max_candidates = check_whole_number(max_candidates, "max_candidates", 1)
    max_iter = check_whole_number(max_iter, "max_iter", 1)
    tol = check_nonnegative_float(tol, "tol")
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    partial_max_iter = check_whole_number(partial_max_iter, "partial_max_iter", 0)
    perturbation = check_nonnegative_float(perturbation, "perturbation")
    max_steps = check_whole_number(max_steps, "max_steps", 0)
    min_gain = check_nonnegative_float(min_gain, "min_gain")
    n = X.shape[0]

    first = run_em(X, init, max_iter=max_iter, tol=tol, reg_covar=reg_covar)
    current, L = first.mixture, first.log_likelihood
    if not np.isfinite(L):
        raise ValueError(f"the first EM run ended with log L = {L} ({first.stop_reason}); SMEM needs a valid "
                         "converged mixture. Start from another initialisation or use reg_covar > 0.")
    fmap = FeatureMap(X, init.covariance_type)
    candidates, history, lls = [], [current], [L]
    events = [f"EM from init: {first.stop_reason} after {first.n_iter} iterations"]
    status, stop_reason = Status.MAX_ITER, f"max_steps ({max_steps}) accepted steps reached"
    while len(history) - 1 < max_steps:
        resp, _ = e_step(X, current)
        Jm = merge_criterion(resp, normalize=(variant == "cosine"))
        Js = split_criterion(X, current, resp)
        triples = candidate_triples(Jm, Js, best_split_only=(variant == "best_split"))[:max_candidates]
        accepted = None
        for rank, (i, j, k) in enumerate(triples):
            cand = _try_candidate(fmap, current, L, resp, (int(i), int(j), int(k)), len(history) - 1, rank,
                                  float(Jm[i, j]), float(Js[k]), rng=rng, perturbation=perturbation,
                                  partial_max_iter=partial_max_iter, max_iter=max_iter, tol=tol,
                                  reg_covar=reg_covar, min_gain=min_gain * n)
            candidates.append(cand)
            if cand.accepted:
                accepted = cand
                break
        if accepted is None:
            status = Status.NO_IMPROVEMENT
            stop_reason = f"none of the {len(triples)} best candidates raised log L by more than min_gain"
            break
        current, L = accepted.after_full, accepted.log_likelihood_after
        history.append(current)
        lls.append(L)
        events.append(accepted.event)
    return SMEMRun(history=history, log_likelihoods=lls, events=events, status=status, stop_reason=stop_reason,
                   candidates=candidates, initial_em=first, variant=variant)


def _try_candidate(fmap, before, L, resp, triple, step, rank, jm, js, *, rng, perturbation, partial_max_iter,
                   max_iter, tol, reg_covar, min_gain) -> SMEMCandidate:
    """Merge, split, partial EM, full EM, and the acceptance test for one triple."""
    X = fmap.X
    i, j, k = triple
    what = f"merge {i + 1}+{j + 1}, split {k + 1}"
    initial = split_merge_init(before, triple, rng=rng, perturbation=perturbation)
    ll_initial = initial.log_likelihood(X)
    empty = np.empty(0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        part = _partial_em(fmap, initial, triple, resp[:, list(triple)].sum(axis=1), partial_max_iter, tol, reg_covar)
        if part.status is Status.DEGENERATE:
            return SMEMCandidate(step, rank, triple, jm, js, before, initial, initial, None, L, ll_initial,
                                 ll_initial, -np.inf, empty, empty, False,
                                 f"{what}: rejected, partial EM degenerated ({part.stop_reason})")
        full = run_em(X, part.mixture, max_iter=max_iter, tol=tol, reg_covar=reg_covar)
    notes = sorted({str(w.message) for w in caught})
    counts = full.mixture.weights * X.shape[0]
    collapsed = tuple(int(m) for m in np.flatnonzero(counts < COLLAPSE_COUNT))
    for m in collapsed:
        notes.append(f"component {m + 1} holds only {counts[m]:.2f} points, a collapse onto data point(s) "
                     "whose log L gain comes from the variance floor (science.md §3.5)")
    ll_after = full.log_likelihood
    degenerate = full.status is Status.DEGENERATE
    ok = bool(not degenerate and np.isfinite(ll_after) and ll_after > L + min_gain)
    verdict = "accepted" if ok else "rejected"
    event = f"{what}: {verdict}, log L {L:.4f} -> {ll_after:.4f}"
    if not full.converged:
        event += f" (full EM {'degenerated' if degenerate else 'did not converge'}: {full.stop_reason})"
    if notes:
        event += " [" + "; ".join(notes) + "]"
    return SMEMCandidate(step, rank, triple, jm, js, before, initial, part.mixture, full.mixture, L, ll_initial,
                         float(part.log_likelihoods[-1]), float(ll_after), part.log_likelihoods,
                         full.log_likelihoods, ok, event, collapsed)


# --- checks ----------------------------------------------------------------------------------------
def _as_finite_or_inf(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a numeric array, got {value!r}.") from None
    if np.any(np.isnan(arr)):
        raise ValueError(f"{name} contains NaN; compute it with merge_criterion / split_criterion.")
    return arr


def _check_components(components, n_components: int) -> tuple:
    try:
        S = tuple(int(c) for c in components)
        ok = all(float(c) == int(c) for c in components)
    except (TypeError, ValueError):
        ok = False
    if not ok or len(S) == 0 or len(set(S)) != len(S) or min(S) < 0 or max(S) >= n_components:
        raise ValueError(f"components must be distinct whole-number indices between 0 and {n_components - 1}, "
                         f"got {components!r}.")
    return S


def _check_triple(triple, n_components: int) -> tuple:
    S = _check_components(triple, n_components)
    if len(S) != 3:
        raise ValueError(f"triple must be three distinct component indices (i, j, k), got {triple!r}.")
    return S
