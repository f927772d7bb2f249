"""On-line updates: running statistics and on-line EM (floor 1).

Introduced in ``notebooks/06_online_updates.ipynb``.

Two halves, joined by one idea (science.md §4):

* **Running statistics** (slides 22-23). The running mean mu_{n+1} = mu_n + (x_{n+1} - mu_n)/(n+1)
  is exact. For the running variance there are three recipes, all available here so that they
  can be compared on the same stream:

  - ``"welford"``: Welford's exact update (delta = x - mu_n; M2 += delta (x - mu_{n+1});
    sigma^2 = M2 / (n+1)), centred and stable;
  - ``"slide23"``: the lecture's recursion as printed,
    sigma^2_{n+1} = (1 - 1/(n+1)) sigma^2_n + (1/(n+1)) (x_{n+1} - mu_{n+1})^2,
    which is biased low: it equals (1/N) sum_k (x_k - mu_k)^2, deviations from the *running*
    mean, and its expectation is sigma^2 (1 - H_N / N) instead of sigma^2 (1 - 1/N);
  - ``"naive"``: <x^2> - <x>^2 from running sums (slide 21), which cancels catastrophically
    when the data sit far from 0 compared with their spread.

  Batches are merged with Chan, Golub and LeVeque's parallel form of Welford's update.

* **On-line EM** for the spherical and diagonal models. The expected sufficient statistics of a
  set of points (count N_j, weighted mean, weighted centred sum of squares M2_j) are kept in the
  same centred form and merged with the same parallel formula, so no variance is ever computed
  as <x^2> - <x>^2 (design.md, Numerics):

  - :func:`incremental_em` (Neal & Hinton 1998): keep every point's responsibilities; for each
    block, subtract its old statistics from the totals, add the new ones, do a full M step;
  - :func:`stepwise_em` (Liang & Klein 2009; Cappé & Moulines 2009): statistics
    s <- (1 - eta_k) s + eta_k s(mini-batch) with eta_k = (k + 2)^(-alpha), then the M step;
  - :func:`batch_em_passes`: ordinary EM, one iteration per pass, for comparison.

  All three return an :class:`OnlineResult` with one history entry per pass over the data.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from ._validation import check_n_components, check_nonnegative_float, check_rng, check_whole_number, check_X
from .em import DegeneracyWarning, DegenerateMixtureError, _build_mixture, e_step, run_em, FinalLogLikelihood
from .mixture import LOG_2PI, Mixture

VARIANCE_METHODS = ("welford", "slide23", "naive")
ONLINE_COVARIANCE_TYPES = ("spherical", "diag")
_EPS10 = 10 * np.finfo(np.float64).eps
#: re-sum the incremental totals exactly when removing a block leaves less than this fraction of a
#: component's mass (the subtraction would then cancel most of the digits)
_RESUM_FRACTION = 1e-6


# ------------------------------------------------------------------------------------------------
# Running statistics
# ------------------------------------------------------------------------------------------------
def _check_dtype(dtype, data=None) -> np.dtype:
    """float32 or float64; ``None`` means float32 for float32 data and float64 otherwise."""
    if dtype is None:
        return np.dtype(np.float32) if getattr(data, "dtype", None) == np.float32 else np.dtype(np.float64)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise ValueError(f"dtype must be numpy.float32 or numpy.float64, got {dtype!r}. "
                         "Use float32 only to show how rounding hurts the naive formula.")
    return dt


def _as_samples(values, name: str, dtype: np.dtype, *, batch: bool) -> np.ndarray:
    """Validate a stream (batch=True: first axis = samples) or one sample, and cast it to dtype.

    Returns a 2-D array (n_samples, n_features) for a batch, a 1-D array (n_features,) for a sample.
    """
    try:
        arr = np.asarray(values)
        arr64 = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, got {values!r}.") from None
    max_ndim = 2 if batch else 1
    if arr64.ndim > max_ndim:
        shape_word = ("1-D (one number per sample) or 2-D (n_samples, n_features)" if batch
                      else "a number or a 1-D array of n_features numbers")
        raise ValueError(f"{name} must be {shape_word}, got shape {arr64.shape}.")
    if batch:
        X = check_X(arr64.reshape(-1, 1) if arr64.ndim == 1 else arr64, name=name)
    else:
        X = check_X(arr64.reshape(1, -1), name=name)[0]
    with np.errstate(over="ignore"):                 # reported just below, as a ValueError
        out = X.astype(dtype)
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} has values too large for {dtype.name} (they overflow to inf). "
                         "Use dtype=numpy.float64 or rescale the data.")
    return out


class RunningStats:
    """Count, mean and (maximum-likelihood, 1/n) variance of a stream, one sample or one batch at a time.

    Parameters
    ----------
    method : {"welford", "slide23", "naive"}, default "welford"
        How the variance is updated (see the module notes): Welford's exact centred update,
        the lecture's slide-23 recursion (biased low), or <x^2> - <x>^2 from running sums.
    dtype : numpy.float64 or numpy.float32, default numpy.float64
        Precision of every stored number and every operation (float32 shows cancellation sooner).

    Attributes
    ----------
    count : int
        Samples seen so far.
    mean : float or ndarray of shape (n_features,)
    variance : float or ndarray of shape (n_features,)
        Per-feature variance (1/n, the ML estimate). With ``"naive"`` it can be wrong, even negative:
        that is the lesson.

    Notes
    -----
    The first sample fixes the shape: a number gives scalar statistics, a vector of length d
    gives per-feature statistics. :meth:`update_batch` with Welford merges the batch's own
    (two-pass) mean and M2 with Chan et al.'s formula, equal to feeding the samples one by one
    up to rounding. The slide-23 recursion has no batch form, so a batch is fed one sample at a time.
    Introduced in ``notebooks/06_online_updates.ipynb``.

    Examples
    --------
    >>> s = RunningStats()
    >>> for x in [2, 4, 4, 4, 5, 5, 7, 9]:
    ...     _ = s.update(x)
    >>> float(s.mean), float(s.variance)
    (5.0, 4.0)
    """

    def __init__(self, method: str = "welford", *, dtype=np.float64):
        if method not in VARIANCE_METHODS:
            raise ValueError(f"method must be one of {VARIANCE_METHODS}, got {method!r}: 'welford' (exact), "
                             "'slide23' (the lecture's recursion) or 'naive' (<x^2> - <x>^2).")
        self.method = method
        self.dtype = _check_dtype(dtype)
        self.count = 0
        self._scalar = None     # set by the first sample
        self._a = None          # welford/slide23: running mean;  naive: running sum of x
        self._b = None          # welford: M2;  slide23: variance;  naive: running sum of x^2

    def __repr__(self) -> str:
        return f"RunningStats(method={self.method!r}, dtype={self.dtype.name}, count={self.count})"

    def _start(self, d: int, scalar: bool) -> None:
        if self._scalar is None:
            self._scalar = scalar
            self._a = np.zeros(d, dtype=self.dtype)
            self._b = np.zeros(d, dtype=self.dtype)
        elif d != self._a.size:
            raise ValueError(f"this stream has {self._a.size} feature(s) per sample, got a sample with {d}. "
                             "Feed samples of one shape to one RunningStats (make a new one for another stream).")

    def update(self, x) -> "RunningStats":
        """Add one sample (a number, or a vector of n_features numbers). Returns ``self``."""
        xv = _as_samples(x, "x", self.dtype, batch=False)
        self._start(xv.size, np.ndim(x) == 0)
        n1 = self.count + 1
        if self.method == "welford":
            delta = xv - self._a
            self._a = self._a + delta / n1
            self._b = self._b + delta * (xv - self._a)
        elif self.method == "slide23":
            self._a = self._a + (xv - self._a) / n1                       # slide 22: exact
            dev = xv - self._a                                            # deviation from the NEW mean
            self._b = (1 - 1 / n1) * self._b + (1 / n1) * dev * dev       # slide 23 as printed
        else:
            self._a = self._a + xv
            self._b = self._b + xv * xv
        self.count = n1
        return self

    def update_batch(self, xs) -> "RunningStats":
        """Add a batch: shape (m,) for a stream of numbers, (m, n_features) for vectors. Returns ``self``."""
        X = _as_samples(xs, "xs", self.dtype, batch=True)
        scalar = np.ndim(xs) == 1
        if self.method == "slide23":                  # no batch form: one sample at a time
            for row in X:
                self.update(row[0] if scalar else row)
            return self
        self._start(X.shape[1], scalar)
        m = X.shape[0]
        n = self.count + m
        if self.method == "welford":
            mean_b = X.mean(axis=0, dtype=self.dtype)
            diff = X - mean_b
            m2_b = np.sum(diff * diff, axis=0, dtype=self.dtype)
            delta = mean_b - self._a
            self._a = self._a + delta * (m / n)
            self._b = self._b + m2_b + delta * delta * (self.count * m / n)
        else:
            self._a = self._a + X.sum(axis=0, dtype=self.dtype)
            self._b = self._b + np.sum(X * X, axis=0, dtype=self.dtype)
        self.count = n
        return self

    def _out(self, v):
        return v[0] if self._scalar else v.copy()

    def _need_data(self, what: str) -> None:
        if self.count == 0:
            raise ValueError(f"the {what} of an empty stream is undefined: call update(x) or update_batch(xs) first.")

    @property
    def mean(self):
        """Running mean: a float (numpy scalar of ``dtype``) or an array of shape (n_features,)."""
        self._need_data("mean")
        return self._out(self._a / self.count if self.method == "naive" else self._a)

    @property
    def variance(self):
        """Running 1/n variance by ``method``: a numpy scalar or an array of shape (n_features,)."""
        self._need_data("variance")
        if self.method == "welford":
            v = self._b / self.count
        elif self.method == "slide23":
            v = self._b
        else:
            mean = self._a / self.count
            v = self._b / self.count - mean * mean
        return self._out(v)


def _run_stream(stream, method: str, batch_size: int, dtype, what: str) -> np.ndarray:
    X = _as_samples(stream, "stream", _check_dtype(dtype, np.asarray(stream)), batch=True)
    batch_size = check_whole_number(batch_size, "batch_size", 1)
    stats = RunningStats(method, dtype=X.dtype)
    out = []
    for start in range(0, X.shape[0], batch_size):
        stats.update_batch(X[start:start + batch_size])
        out.append(stats.mean if what == "mean" else stats.variance)
    out = np.array(out, dtype=X.dtype)
    return out[:, 0] if np.ndim(stream) == 1 else out


def running_mean(stream, *, batch_size: int = 1, dtype=None) -> np.ndarray:
    """The mean after each sample (or batch) of a stream, by slide 22's exact update.

    Parameters
    ----------
    stream : array-like of shape (n_samples,) or (n_samples, n_features)
        Samples in arrival order.
    batch_size : int, default 1
        Samples taken per update; 1 is the one-at-a-time recursion mu_{n+1} = mu_n + (x - mu_n)/(n+1).
    dtype : numpy.float32 or numpy.float64, optional
        Arithmetic precision; default float32 for float32 input, float64 otherwise.

    Returns
    -------
    ndarray of shape (n_updates,) or (n_updates, n_features)
        n_updates = ceil(n_samples / batch_size); entry t is the mean of the samples seen so far.

    Notes
    -----
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    return _run_stream(stream, "welford", batch_size, dtype, "mean")


def running_variance(stream, method: str = "welford", *, batch_size: int = 1, dtype=None) -> np.ndarray:
    """The 1/n (maximum-likelihood) variance after each sample (or batch) of a stream.

    Parameters
    ----------
    stream : array-like of shape (n_samples,) or (n_samples, n_features)
        Samples in arrival order; for vectors the variance is per feature.
    method : {"welford", "slide23", "naive"}, default "welford"
        Welford's exact update, the lecture's slide-23 recursion (biased low, see
        :func:`slide23_expected_ratio`), or <x^2> - <x>^2 from running sums (cancels when the data
        sit far from 0: with an offset of 1e9 in float64 it can even go negative).
    batch_size : int, default 1
        Samples taken per update (see :meth:`RunningStats.update_batch`).
    dtype : numpy.float32 or numpy.float64, optional
        Arithmetic precision; default float32 for float32 input, float64 otherwise.

    Returns
    -------
    ndarray of shape (n_updates,) or (n_updates, n_features)
        n_updates = ceil(n_samples / batch_size). The first entry is 0 for one-at-a-time updates
        (one sample has no spread).

    Notes
    -----
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    if method not in VARIANCE_METHODS:
        raise ValueError(f"method must be one of {VARIANCE_METHODS}, got {method!r}.")
    return _run_stream(stream, method, batch_size, dtype, "variance")


def slide23_expected_ratio(n_samples: int) -> float:
    """E[slide-23 variance] / E[exact 1/n variance] after ``n_samples`` i.i.d. samples: (N - H_N) / (N - 1).

    The slide's recursion gives (1/N) sum_k (x_k - mu_k)^2 with mu_k the mean of the first k samples,
    and E(x_k - mu_k)^2 = sigma^2 (k - 1)/k, so its expectation is sigma^2 (N - H_N)/N with the harmonic
    number H_N = 1 + 1/2 + ... + 1/N; the exact estimator's is sigma^2 (N - 1)/N. The relative bias is
    about -(ln N + 0.577 - 1)/N, i.e. roughly -ln N / N.

    Parameters
    ----------
    n_samples : int
        N >= 2.

    Returns
    -------
    float

    Notes
    -----
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    N = check_whole_number(n_samples, "n_samples", 2)
    harmonic = float(np.sum(1.0 / np.arange(1, N + 1)))
    return (N - harmonic) / (N - 1)


def variance_ratio_slide_vs_exact(n_samples: int, n_trials: int, *, rng) -> float:
    """Monte Carlo mean of (slide-23 variance) / (exact variance) after ``n_samples`` normal samples.

    Parameters
    ----------
    n_samples : int
        Stream length N >= 2.
    n_trials : int
        Independent streams averaged over.
    rng : int or numpy.random.Generator
        Explicit seed.

    Returns
    -------
    float
        About :func:`slide23_expected_ratio` (0.786 for N = 10, 0.958 for N = 100, 0.993 for N = 1000).

    Notes
    -----
    The ratio does not depend on the mean or the spread of the data, so standard normal samples
    are used. The trials run side by side as the features of one stream.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    N = check_whole_number(n_samples, "n_samples", 2)
    T = check_whole_number(n_trials, "n_trials", 1)
    rng = check_rng(rng)
    Z = rng.standard_normal((N, T))
    slide, exact = RunningStats("slide23"), RunningStats("welford")
    for row in Z:
        slide.update(row)
        exact.update(row)
    return float(np.mean(np.atleast_1d(slide.variance) / np.atleast_1d(exact.variance)))


# ------------------------------------------------------------------------------------------------
# Sufficient statistics of a mixture, in centred form
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Moments:
    """Responsibility-weighted statistics of a set of points, per component.

    count (K,) = sum_i r_ij; mean (K, d) = sum_i r_ij x_i / count; m2 (K, d) = sum_i r_ij (x_i - mean)^2.
    For stepwise EM all three are per-sample averages (count sums to 1, m2 divided by the batch size).
    """

    count: np.ndarray
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, X: np.ndarray, resp: np.ndarray) -> "_Moments":
        count = resp.sum(axis=0)
        safe = np.where(count > 0, count, 1.0)
        mean = (resp.T @ X) / safe[:, None]
        if resp.size * X.shape[1] <= 65536:        # small block: all components at once
            diff = X[:, None, :] - mean[None, :, :]
            m2 = np.einsum("nk,nkd->kd", resp, diff * diff)
        else:
            m2 = np.empty_like(mean)
            for j in range(resp.shape[1]):
                diff = X - mean[j]
                m2[j] = resp[:, j] @ (diff * diff)
        return cls(count, mean, m2)                 # centred: never <x^2> - <x>^2

    def combine(self, other: "_Moments", a: float, b: float) -> "_Moments":
        """Statistics of a*self + b*other (Chan et al.'s parallel merge; b = -1 removes ``other``)."""
        wa, wb = a * self.count, b * other.count
        w = wa + wb
        ok = w > 0
        safe = np.where(ok, w, 1.0)
        fa = np.where(ok, wa / safe, 1.0)[:, None]
        fb = np.where(ok, wb / safe, 0.0)[:, None]
        mean = fa * self.mean + fb * other.mean
        da, db = self.mean - mean, other.mean - mean
        m2 = a * self.m2 + b * other.m2 + wa[:, None] * da * da + wb[:, None] * db * db
        return _Moments(np.maximum(w, 0.0), mean, np.maximum(m2, 0.0))   # clip rounding below 0


def _m_step(s: _Moments, covariance_type: str, reg_covar: float, n_samples: float) -> Mixture:
    """The M step from statistics: P_j = N_j / N, mu_j = mean_j, variances = M2_j / N_j + reg_covar.

    Same formulas (including scikit-learn's 10-epsilon guard on N_j) as :func:`emcourse.m_step`.
    """
    nk = s.count + _EPS10
    var = s.m2 / nk[:, None]
    covs = var.mean(axis=1) if covariance_type == "spherical" else var
    return _build_mixture(nk / nk.sum(), s.mean.copy(), covs + reg_covar, covariance_type, s.count, n_samples)


def _neg_entropy(q: np.ndarray) -> float:
    """sum q log q over all entries (0 log 0 = 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.where(q > 0, q * np.log(q), 0.0).sum())


def _free_energy_from_moments(s: _Moments, neg_entropy: float, mix: Mixture) -> float:
    """F(q, theta) = sum_ij q_ij [log P_j + log p(x_i|j)] - sum_ij q_ij log q_ij, from the statistics of q.

    sum_i q_ij log p(x_i|j) = -1/2 sum_k [N_j (log 2 pi + log var_jk) + (M2_jk + N_j (m_jk - mu_jk)^2) / var_jk].
    """
    var = mix.variances
    with np.errstate(divide="ignore"):
        log_w = np.log(mix.weights)
    dev = s.mean - mix.means
    quad = (s.m2 + s.count[:, None] * dev * dev) / var
    per_comp = s.count * log_w - 0.5 * (s.count[:, None] * (LOG_2PI + np.log(var)) + quad).sum(axis=1)
    per_comp = np.where(s.count > 0, per_comp, 0.0)
    return float(per_comp.sum()) - neg_entropy


# ------------------------------------------------------------------------------------------------
# On-line EM
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OnlineResult(FinalLogLikelihood):
    """What :func:`batch_em_passes`, :func:`incremental_em` and :func:`stepwise_em` return.

    Attributes
    ----------
    mixture : Mixture
        The last mixture (``history[-1]``).
    history : list of Mixture
        ``history[0]`` is the initial mixture; ``history[p]`` the mixture after p passes over the data.
        (If a component collapsed, the last entry is the last valid mixture, part-way through a pass.)
    log_likelihoods : ndarray of shape (len(history),)
        Total log-likelihood of all of X under each mixture in ``history``.
    method : str
        ``"batch"``, ``"incremental"`` or ``"stepwise"``.
    n_steps : int
        M steps done in total (one per pass for batch EM, one per block or mini-batch otherwise).
    stop_reason : str
        ``"n_passes done"``, or what went wrong.
    free_energies : ndarray of shape (n_steps + 1,) or None
        Incremental EM only: Neal and Hinton's F(q, theta) over all stored responsibilities, before the
        first step (= log L of the initial mixture) and after every block step. It never decreases.
    resp : ndarray of shape (n_samples, n_components) or None
        Incremental EM only: the stored responsibilities q at the end, rows in the order of X.

    Notes
    -----
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """

    mixture: Mixture
    history: list = field(repr=False)
    log_likelihoods: np.ndarray = field(repr=False)
    method: str
    n_steps: int
    stop_reason: str
    free_energies: np.ndarray | None = field(default=None, repr=False)
    resp: np.ndarray | None = field(default=None, repr=False)


def _check_online(X, init, n_passes, caller: str):
    if not isinstance(init, Mixture):
        raise ValueError(f"init must be an emcourse.Mixture (e.g. from emcourse.initialize), got {type(init).__name__}.")
    if init.covariance_type not in ONLINE_COVARIANCE_TYPES:
        raise ValueError(
            f"{caller} supports covariance_type 'spherical' and 'diag', got {init.covariance_type!r}. "
            "Its per-point statistics would need a d x d matrix for 'full': start from a 'spherical' or 'diag' "
            "mixture (emcourse.initialize(X, K, 'diag', ...)), or fit the full model with emcourse.run_em.")
    X = check_X(X, n_features=init.n_features)
    check_n_components(init.n_components, X.shape[0])
    n_passes = check_whole_number(n_passes, "n_passes", 0)
    return X, n_passes


def _stopped(pass_no: int, step: int, exc: Exception) -> str:
    reason = f"stopped in pass {pass_no} at step {step}: {exc}"
    warnings.warn(f"on-line EM {reason}", DegeneracyWarning, stacklevel=3)
    return reason


def batch_em_passes(X, init: Mixture, *, n_passes: int, reg_covar: float = 1e-6) -> OnlineResult:
    """Ordinary (batch) EM, one iteration per pass over the data, as an :class:`OnlineResult`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters (any covariance type).
    n_passes : int
        EM iterations; each reads all of X once.
    reg_covar : float, default 1e-6
        Variance floor added in every M step, as in :func:`emcourse.run_em`.

    Returns
    -------
    OnlineResult
        ``method="batch"``; ``history`` and ``log_likelihoods`` as from ``run_em`` (never decreasing).

    Notes
    -----
    This is :func:`emcourse.run_em` with ``max_iter=n_passes`` and ``tol=0``, so it is comparable pass
    for pass with :func:`incremental_em` and :func:`stepwise_em`.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    n_passes = check_whole_number(n_passes, "n_passes", 0)
    res = run_em(X, init, max_iter=n_passes, tol=0.0, reg_covar=reg_covar)
    reason = "n_passes done" if res.n_iter == n_passes else res.stop_reason
    return OnlineResult(res.mixture, list(res.history), res.log_likelihoods, "batch", res.n_iter, reason)


def incremental_em(X, init: Mixture, *, n_passes: int, block_size: int, rng,
                   reg_covar: float = 1e-6) -> OnlineResult:
    """Incremental EM (Neal & Hinton 1998): partial E step on one block, then a full M step.

    The algorithm keeps the responsibilities q_i of every point and the totals S of their
    statistics (N_j, weighted means, weighted centred sums of squares). For each block b:

    1. E step on the block only: q_b <- P(j | x_i) under the current parameters;
    2. S <- S - s_b(old q_b) + s_b(new q_b)  (subtract old, add new);
    3. M step from S: P_j = N_j / N, mu_j, variances (+ ``reg_covar``).

    Each step raises Neal and Hinton's free energy F(q, theta) = log L(theta) - KL(q || posterior) or
    leaves it unchanged (recorded in ``free_energies``); log L itself may dip.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters, ``covariance_type`` "spherical" or "diag".
    n_passes : int
        Passes over the data.
    block_size : int
        Points per block. ``block_size >= n_samples`` gives batch EM exactly.
    rng : int or numpy.random.Generator
        Shuffles the points at the start of every pass (new blocks each pass).
    reg_covar : float, default 1e-6
        Variance floor added in every M step, as in :func:`emcourse.run_em` (0 = exact M step).

    Returns
    -------
    OnlineResult
        ``method="incremental"``, with ``free_energies`` (one per block step, plus the start) and ``resp``.

    Notes
    -----
    The stored q starts as the posteriors under ``init`` (one full E step), so F starts at
    log L(init) and the first block step is exactly one batch EM iteration. Memory is O(n_samples x
    n_components). Statistics are kept centred and merged with Chan et al.'s formula; if removing a
    block would cancel almost all of a component's mass, the totals are re-summed exactly from q.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    X, n_passes = _check_online(X, init, n_passes, "incremental_em")
    block_size = check_whole_number(block_size, "block_size", 1)
    rng = check_rng(rng)
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    n = X.shape[0]
    ctype = init.covariance_type
    resp, ll0 = e_step(X, init)
    total = _Moments.of(X, resp)
    neg_ent = _neg_entropy(resp)
    mix = init
    history, lls, F = [init], [ll0], [ll0]
    reason = "n_passes done"
    for p in range(1, n_passes + 1):
        order = rng.permutation(n)
        for start in range(0, n, block_size):
            idx = order[start:start + block_size]
            Xb = X[idx]
            new_q, _ = e_step(Xb, mix)
            old = _Moments.of(Xb, resp[idx])
            rest = total.combine(old, 1.0, -1.0)
            neg_ent += _neg_entropy(new_q) - _neg_entropy(resp[idx])
            resp[idx] = new_q
            if np.any(rest.count < _RESUM_FRACTION * total.count):
                total = _Moments.of(X, resp)                     # exact re-sum: see Notes
            else:
                total = rest.combine(_Moments.of(Xb, new_q), 1.0, 1.0)
            try:
                mix = _m_step(total, ctype, reg_covar, n)
            except DegenerateMixtureError as exc:
                reason = _stopped(p, len(F), exc)
                break
            F.append(_free_energy_from_moments(total, neg_ent, mix))
        if reason != "n_passes done":
            if history[-1] is not mix:
                history.append(mix)
                lls.append(mix.log_likelihood(X))
            break
        history.append(mix)
        lls.append(mix.log_likelihood(X))
    return OnlineResult(mix, history, np.asarray(lls), "incremental", len(F) - 1, reason,
                        free_energies=np.asarray(F), resp=resp)


def stepwise_em(X, init: Mixture, *, n_passes: int, batch_size: int, alpha: float, rng,
                reg_covar: float = 1e-6) -> OnlineResult:
    """Stepwise (on-line) EM (Liang & Klein 2009; Cappé & Moulines 2009) on mini-batches.

    The statistics s (per-sample averages of N_j, weighted means and weighted centred sums of
    squares) start as those of ``init`` itself. For mini-batch k = 0, 1, 2, ... (counted across passes):

    1. E step on the mini-batch with the current parameters, giving its average statistics s_k;
    2. s <- (1 - eta_k) s + eta_k s_k with eta_k = (k + 2)^(-alpha);
    3. M step from the normalised s: P_j = s0_j / sum s0, mu_j, variances (+ ``reg_covar``, the floor).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    init : Mixture
        Starting parameters, ``covariance_type`` "spherical" or "diag".
    n_passes : int
        Passes over the data.
    batch_size : int
        Points per mini-batch, m.
    alpha : float
        Step-size exponent in [0, 1]. Convergence needs 0.5 < alpha <= 1 (Liang & Klein); 0.6 is fast
        and noisy; alpha = 1 is the plain running average, which keeps statistics computed with the
        early, poor parameters forever and so barely moves. alpha = 0 (eta = 1) forgets everything
        at each step: with ``batch_size >= n_samples`` that is batch EM.
    rng : int or numpy.random.Generator
        Shuffles the points at the start of every pass.
    reg_covar : float, default 1e-6
        Variance floor added in every M step, as in :func:`emcourse.run_em`.

    Returns
    -------
    OnlineResult
        ``method="stepwise"``. Its log-likelihood need not increase from pass to pass.

    Notes
    -----
    The statistics are merged in centred form (Chan et al.), so the variance never goes negative and
    no data standardisation is needed. Cappé & Moulines' burn-in and Polyak-Ruppert averaging are not
    included. Introduced in ``notebooks/06_online_updates.ipynb``.
    """
    X, n_passes = _check_online(X, init, n_passes, "stepwise_em")
    batch_size = check_whole_number(batch_size, "batch_size", 1)
    try:
        alpha = float(alpha)
    except (TypeError, ValueError):
        alpha = float("nan")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must be a number in [0, 1] so that eta_k = (k + 2)^(-alpha) is a step in (0, 1], "
                         f"got {alpha!r}. Liang & Klein use 0.5 < alpha <= 1; try alpha=0.6.")
    rng = check_rng(rng)
    reg_covar = check_nonnegative_float(reg_covar, "reg_covar")
    n = X.shape[0]
    ctype = init.covariance_type
    w = init.weights
    s = _Moments(w.copy(), init.means.copy(), w[:, None] * np.maximum(init.variances - reg_covar, 0.0))
    mix = init
    history, lls = [init], [init.log_likelihood(X)]
    k, reason = 0, "n_passes done"
    for p in range(1, n_passes + 1):
        order = rng.permutation(n)
        for start in range(0, n, batch_size):
            idx = order[start:start + batch_size]
            Xb = X[idx]
            q, _ = e_step(Xb, mix)
            batch = _Moments.of(Xb, q)
            batch = _Moments(batch.count / len(idx), batch.mean, batch.m2 / len(idx))
            eta = (k + 2.0) ** (-alpha)
            k += 1
            s = s.combine(batch, 1.0 - eta, eta)
            try:
                mix = _m_step(s, ctype, reg_covar, 1.0)
            except DegenerateMixtureError as exc:
                reason = _stopped(p, k, exc)
                break
        if reason != "n_passes done":
            if history[-1] is not mix:
                history.append(mix)
                lls.append(mix.log_likelihood(X))
            break
        history.append(mix)
        lls.append(mix.log_likelihood(X))
    return OnlineResult(mix, history, np.asarray(lls), "stepwise", k, reason)
