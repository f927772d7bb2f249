"""A progress bar for the course's slow cells (floor 3).

Anything that takes more than about two seconds shows a bar in JupyterLab, through this one helper
(tqdm, which draws an ipywidgets bar in a notebook). Under the test suite (nbval) and in the static
site build the environment variable ``EMCOURSE_PROGRESS=off`` is set and the bar is not drawn at all,
so checked outputs and web pages carry no trace of it. Finished bars disappear (``leave=False``): a
re-run notebook shows its results, not stale bars. Introduced in ``notebooks/05_em_in_action.ipynb``.
"""
from __future__ import annotations

import os

from tqdm.auto import tqdm

#: set to "off" (or 0, no, false) to hide every bar: the test suite and ``make site`` do
ENV = "EMCOURSE_PROGRESS"


def progress_enabled() -> bool:
    """False when ``EMCOURSE_PROGRESS`` is off, 0, no or false.

    Introduced in ``notebooks/05_em_in_action.ipynb`` with :func:`progress`.
    """
    return os.environ.get(ENV, "").strip().lower() not in ("off", "0", "no", "false")


def progress(iterable, desc: str, *, total: int | None = None):
    """Iterate over ``iterable`` with a progress bar labelled ``desc`` (unless bars are switched off).

    Introduced in ``notebooks/05_em_in_action.ipynb``.

    Parameters
    ----------
    iterable : iterable
        What the slow loop runs over.
    desc : str
        A few words for the bar, e.g. "EM from 40 starts".
    total : int, optional
        The number of items, if ``len(iterable)`` does not exist.

    Returns
    -------
    iterable
        Yields the same items as ``iterable``.
    """
    return tqdm(iterable, desc=desc, total=total, disable=not progress_enabled(), leave=False)
