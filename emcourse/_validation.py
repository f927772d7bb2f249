"""Input checks shared by the engine (floor 1).

Every check raises :class:`ValueError` with a message that says what was wrong
and how to fix it. Nothing here knows about plotting or widgets.
"""
from __future__ import annotations

import numpy as np

COVARIANCE_TYPES = ("spherical", "diag", "full")


def check_covariance_type(covariance_type: str) -> str:
    """Return ``covariance_type`` if it is one the engine knows, else raise."""
    if covariance_type not in COVARIANCE_TYPES:
        raise ValueError(
            f"covariance_type must be one of {COVARIANCE_TYPES}, got {covariance_type!r}. "
            "Use 'spherical' for the lecture's sigma_j^2 I model."
        )
    return covariance_type


def check_X(X, *, name: str = "X", n_features: int | None = None, min_samples: int = 1) -> np.ndarray:
    """Validate a data matrix and return it as a C-contiguous float64 array.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Data. A 1-D array is refused (say ``X.reshape(-1, 1)`` for one feature).
    n_features : int, optional
        If given, the number of columns X must have (the mixture's dimension).
    min_samples : int
        The fewest rows accepted.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    """
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric, an array of shape (n_samples, n_features): {exc}") from None
    if arr.ndim == 1:
        raise ValueError(
            f"{name} must be 2-D with shape (n_samples, n_features), got a 1-D array of shape {arr.shape}. "
            f"For one feature use {name}.reshape(-1, 1); for one sample use {name}.reshape(1, -1)."
        )
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D with shape (n_samples, n_features), got {arr.ndim}-D shape {arr.shape}.")
    if arr.shape[0] < min_samples:
        raise ValueError(f"{name} has {arr.shape[0]} samples (rows); at least {min_samples} are needed.")
    if arr.shape[1] < 1:
        raise ValueError(f"{name} has no features (columns): shape {arr.shape}.")
    if not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        kind = "NaN" if np.isnan(arr[tuple(bad)]) else "infinite"
        n_bad = int(np.count_nonzero(~np.isfinite(arr)))
        raise ValueError(
            f"{name} contains {n_bad} non-finite value(s); the first ({kind}) is at row {bad[0]}, column {bad[1]}. "
            f"Drop those rows (e.g. {name}[np.isfinite({name}).all(axis=1)]) or impute them before fitting."
        )
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(
            f"{name} has {arr.shape[1]} features (columns) but the mixture has {n_features}. "
            "Pass data with the same number of columns as the mixture's means."
        )
    return np.ascontiguousarray(arr)


def check_whole_number(value, name: str, minimum: int = 0) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum`` (bools are refused), else raise."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)


def check_n_components(n_components, n_samples: int) -> int:
    """Check 1 <= n_components <= n_samples and return it as an int."""
    if isinstance(n_components, bool) or not isinstance(n_components, (int, np.integer)):
        raise ValueError(f"n_components must be a whole number, got {n_components!r}.")
    if n_components < 1:
        raise ValueError(f"n_components must be at least 1, got {n_components}.")
    if n_components > n_samples:
        raise ValueError(
            f"n_components={n_components} is more than the {n_samples} samples: every component needs at "
            "least one point. Use fewer components or more data."
        )
    return int(n_components)


def check_rng(rng) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` from a Generator or an int seed (None is refused: seeds are explicit)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise ValueError(
        f"rng must be an int seed or numpy.random.Generator, got {rng!r}. "
        "Seeds are explicit in this course: pass rng=0 or rng=np.random.default_rng(0)."
    )


def check_positive_float(value, name: str) -> float:
    """Return ``value`` as a float if it is finite and > 0, else raise."""
    v = check_nonnegative_float(value, name)
    if v == 0:
        raise ValueError(f"{name} must be > 0, got 0.")
    return v


def check_nonnegative_float(value, name: str) -> float:
    """Return ``value`` as a float if it is finite and >= 0, else raise."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {value!r}.") from None
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    return v


def ndim_or_none(value) -> int | None:
    """np.ndim, or None for a ragged nested list (check_X then explains what is wrong)."""
    try:
        return np.ndim(value)
    except ValueError:
        return None


def check_labels(y, n_samples: int | None, name: str = "y") -> np.ndarray:
    """Validate class labels: a 1-D array (of length ``n_samples`` if given), numbers or strings, no NaN."""
    arr = np.asarray(y)
    if arr.dtype.kind not in "biufUSO":
        raise ValueError(f"{name} must hold class labels (integers or strings), got dtype {arr.dtype}.")
    if arr.ndim == 2 and arr.shape[1] == 1:
        raise ValueError(f"{name} must be 1-D with shape (n_samples,), got shape {arr.shape}. Use {name}.ravel().")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D with shape (n_samples,), one label per row of X; got shape {arr.shape}.")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(
            f"X has {n_samples} samples (rows) but {name} has {arr.shape[0]} labels; give one label per row of X."
        )
    if arr.dtype.kind == "O":
        if any(v is None for v in arr):
            raise ValueError(f"{name} contains None; every sample needs a class label.")
        is_str = [isinstance(v, (str, np.str_)) for v in arr]
        if any(is_str) and not all(is_str):
            raise ValueError(f"{name} mixes kinds of label (strings and numbers); use all integers or all strings.")
        try:
            arr = np.asarray(arr.tolist())
        except (TypeError, ValueError):
            raise ValueError(f"{name} must hold class labels (integers or strings).") from None
        if arr.dtype.kind not in "biufUS":
            raise ValueError(f"{name} must hold class labels (integers or strings), got {arr.dtype} values.")
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{name} contains a non-finite label ({arr[i]}) at position {i}; every sample needs a "
                         "class label. Drop those rows or fix the labels.")
    return arr
