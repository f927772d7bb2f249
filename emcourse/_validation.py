"""Input checks shared by the whole package (floor 1).

Every check raises :class:`ValueError` with a message that says what was wrong
and how to fix it. Nothing here knows about plotting or widgets.
"""
from __future__ import annotations

import numpy as np

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


def as_finite_array(value, name: str) -> np.ndarray:
    """A float64 copy of ``value``, or a ValueError if it is not numeric or holds NaN or infinity."""
    try:
        arr = np.array(value, dtype=np.float64)          # a copy: the caller owns it
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numeric, got {value!r}.") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values: {arr!r}. All parameters must be finite.")
    return arr


def check_one_of(value, options, name: str, hint: str = ""):
    """Return ``value`` if it is one of ``options``, else raise a ValueError listing them (and a hint)."""
    if value not in options:
        raise ValueError(f"{name} must be one of {tuple(options)}, got {value!r}." + (f" {hint}" if hint else ""))
    return value


def check_resp(resp, n_samples: int | None = None, n_components: int | None = None) -> np.ndarray:
    """Validate responsibilities: shape (n_samples, n_components), finite, rows non-negative and summing to 1.

    Parameters
    ----------
    resp : array-like of shape (n_samples, n_components)
    n_samples, n_components : int, optional
        The shape required (the rows of X, the components of the mixture), when known.

    Returns
    -------
    ndarray of shape (n_samples, n_components), float64
    """
    try:
        R = np.asarray(resp, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("resp must be a numeric array of shape (n_samples, n_components).") from None
    if R.ndim != 2 or (n_samples is not None and R.shape[0] != n_samples):
        rows = "" if n_samples is None else f" with n_samples = {n_samples} (the rows of X)"
        raise ValueError(f"resp must have shape (n_samples, n_components){rows}, got shape {R.shape}. "
                         "Pass the responsibilities returned by e_step(X, mixture).")
    if n_components is not None and R.shape[1] != n_components:
        raise ValueError(f"resp has {R.shape[1]} columns but the mixture has {n_components} components. "
                         "Pass the responsibilities of this mixture: e_step(X, mixture)[0].")
    if not np.all(np.isfinite(R)):
        raise ValueError("resp contains NaN or infinite values; responsibilities are probabilities in [0, 1].")
    if np.any(R < 0) or np.any(np.abs(R.sum(axis=1) - 1.0) > 1e-6):
        raise ValueError("every row of resp must be non-negative and sum to 1 (it is P(j | x_i) over j). "
                         "Normalise each row: resp / resp.sum(axis=1, keepdims=True).")
    return R
