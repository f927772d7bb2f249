"""Running statistics: the mean and variance of a stream, one sample at a time (floor 1½).

Introduced in ``notebooks/06_online_updates.ipynb`` (lecture slides 21-23, science.md §4.1).

The running mean mu_n = mu_{n-1} + (x_n - mu_{n-1}) / n is exact. For the running variance there are
three recipes, all available here so that they can be compared on the same stream:

- ``"welford"``: Welford's exact update, sigma_n^2 = sigma_{n-1}^2 + ((x_n - mu_{n-1})(x_n - mu_n) - sigma_{n-1}^2) / n,
  centred and stable;
- ``"slide23"``: the lecture's recursion as printed,
  sigma_n^2 = (1 - 1/n) sigma_{n-1}^2 + (1/n) (x_n - mu_n)^2,
  which is biased low: it equals (1/N) sum_k (x_k - mu_k)^2, deviations from the *running*
  mean, and its expectation is sigma^2 (1 - H_N / N) instead of sigma^2 (1 - 1/N);
- ``"naive"``: <x^2> - <x>^2 from running sums (slide 21), which cancels catastrophically
  when the data sit far from 0 compared with their spread.

:func:`running_update` is the one place the first two are written; :class:`RunningStats`, the stream
functions and Gaussian ARTMAP's categories (lesson 7) all call it. Batches are merged with Chan,
Golub and LeVeque's parallel form of Welford's update.
"""
from __future__ import annotations

import numpy as np

from .._validation import check_rng, check_whole_number, check_X

VARIANCE_METHODS = ("welford", "slide23", "naive")
#: the rules :func:`running_update` knows (the naive formula keeps sums instead)
RUNNING_RULES = ("welford", "slide23")


def running_update(n: int, mean, variance, x, rule: str = "welford"):
    """Add one sample to a running mean and 1/n variance (slides 22-23).

    Parameters
    ----------
    n : int
        The count *after* adding ``x`` (n >= 1).
    mean, variance : float or ndarray of shape (n_features,)
        The running mean and 1/m variance of the first m = n - 1 samples (any finite values when n = 1).
    x : float or ndarray of shape (n_features,)
        The new sample.
    rule : {"welford", "slide23"}
        Welford's exact update, or the lecture's slide-23 recursion (biased low).

    Returns
    -------
    (mean, variance) after n samples, the shape of ``x``.

    Notes
    -----
    Welford in variance form: with delta = x - mu_{n-1} and mu_n = mu_{n-1} + delta / n,
    sigma_n^2 = sigma_{n-1}^2 + (delta (x - mu_n) - sigma_{n-1}^2) / n, i.e. ((n-1) sigma_{n-1}^2 + delta (x - mu_n)) / n.
    Introduced in ``notebooks/06_online_updates.ipynb``; Gaussian ARTMAP (lesson 7) learns with it.
    """
    delta = x - mean
    new_mean = mean + delta / n
    if rule == "welford":
        return new_mean, variance + (delta * (x - new_mean) - variance) / n
    dev = x - new_mean                                            # deviation from the NEW mean
    return new_mean, (1 - 1 / n) * variance + (1 / n) * dev * dev   # slide 23 as printed


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
        self._b = None          # welford/slide23: running variance;  naive: running sum of x^2

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
        if self.method in RUNNING_RULES:
            self._a, self._b = running_update(n1, self._a, self._b, xv, self.method)
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
            m2 = self._b * self.count + m2_b + delta * delta * (self.count * m / n)   # Chan et al.
            self._a = self._a + delta * (m / n)
            self._b = m2 / n
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
        if self.method in RUNNING_RULES:
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



def two_pass_variances(stream) -> np.ndarray:
    """The exact 1/n variance of the first n samples for every n, each computed in two passes (the reference).

    Parameters
    ----------
    stream : array-like of shape (n_samples,)

    Returns
    -------
    ndarray of shape (n_samples,), float64
        Entry n - 1 is mean((x_1..x_n - mean(x_1..x_n))^2), the value every running method should match.

    Notes
    -----
    O(n_samples^2): for the short streams of ``notebooks/06_online_updates.ipynb``.
    """
    x = _as_samples(stream, "stream", np.dtype(np.float64), batch=True)[:, 0]
    k = np.arange(1, x.size + 1)
    mean = np.cumsum(x - x[0]) / k + x[0]
    return np.array([np.mean((x[:i] - mean[i - 1]) ** 2) for i in k])
