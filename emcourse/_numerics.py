"""The numerical constants and the one log-sum-exp / softmax of the package (floor 1).

Every module that normalises log-probabilities calls :func:`logsumexp_rows` or :func:`softmax_rows`;
every effective count N_j = sum_i r_ij is guarded with :data:`EPS10`, as scikit-learn does. (The fast
path of ``run_em`` in :mod:`emcourse._fast` does the same arithmetic block by block, in place.)
Introduced in ``notebooks/02_likelihood.ipynb`` (why the log, and the log-sum-exp trick).
"""
from __future__ import annotations

import numpy as np

#: log(2 pi), in every Gaussian log-density
LOG_2PI = float(np.log(2.0 * np.pi))
#: added to every effective count N_j before dividing by it (scikit-learn's guard: an empty component
#: gets mean 0 instead of 0/0, and the tiny count is reported by the degeneracy check)
EPS10 = 10 * np.finfo(np.float64).eps


def logsumexp_rows(a: np.ndarray) -> np.ndarray:
    """Row-wise log(sum_j exp(a_ij)), computed stably (shift by the row maximum).

    Introduced in ``notebooks/02_likelihood.ipynb``.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_components)
        Entries may be -inf (a component with weight 0); a row of -inf gives -inf.

    Returns
    -------
    ndarray of shape (n_samples,)
    """
    m = np.max(a, axis=1)
    m_safe = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(under="ignore"):
        s = np.sum(np.exp(a - m_safe[:, None]), axis=1)
    with np.errstate(divide="ignore"):
        return m_safe + np.log(s)


def softmax_rows(a: np.ndarray) -> np.ndarray:
    """Row-wise exp(a_ij) / sum_j exp(a_ij): shift by the row maximum, exponentiate, divide by the sum.

    (Subtracting the log-sum-exp instead can fail when every entry is about -1e300: the maximum
    swallows log K and the rows no longer sum to 1.) Introduced in ``notebooks/02_likelihood.ipynb``;
    the E step (lesson 4), softmax weights (lesson 3) and every posterior of the course use it.

    Parameters
    ----------
    a : ndarray of shape (n_samples, n_components)

    Returns
    -------
    ndarray of shape (n_samples, n_components); every row sums to 1.
    """
    m = np.max(a, axis=1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(under="ignore"):
        e = np.exp(a - m)
    return e / e.sum(axis=1, keepdims=True)
