"""emcourse: an interactive course on mixture models and the EM algorithm.

The package is a house with four floors (design.md); each imports only from those below it:

* the engine, here at the top level: :class:`Mixture`, :func:`e_step`, :func:`m_step`, :func:`run_em`,
  :func:`initialize`, :mod:`datasets`;
* :mod:`emcourse.methods`: the lecture's other algorithms (gradient descent, on-line EM, Gaussian ARTMAP,
  split-and-merge EM, mixtures of factor analysers, the cheap heuristic);
* :mod:`emcourse.plotting`: matplotlib drawings; :mod:`emcourse.explorers`: the interactive explorers;
* :mod:`emcourse.exercises`: the public checks and grading helpers.

Notebooks use it one way: ``import emcourse as em``, then ``em.run_em``, ``em.explorers.EMExplorer``,
``em.datasets.make_grid``. Start with ``notebooks/00_start_here.ipynb``.

The floors above the engine load on first use (``em.explorers`` imports matplotlib and ipywidgets then),
so that ``import emcourse`` and ``em.doctor()`` work even where those are missing, and say how to fix it.
"""
from importlib import import_module

from . import datasets
from .checkup import doctor
from .em import EMResult, e_step, free_energy, m_step, run_em
from .mixture import Mixture
from .run import DegeneracyWarning, DegenerateMixtureError, Run, Status
from .seeding import initialize

__version__ = "0.1.0"

#: the floors above the engine, loaded on first attribute access
_FLOORS = ("methods", "plotting", "explorers", "exercises")

__all__ = ["Mixture", "e_step", "m_step", "run_em", "initialize", "EMResult", "Run", "Status", "DegeneracyWarning",
           "DegenerateMixtureError", "free_energy", "datasets", "doctor", *_FLOORS, "__version__"]


def __getattr__(name: str):
    """``em.methods``, ``em.plotting``, ``em.explorers``, ``em.exercises``: imported when first used."""
    if name in _FLOORS:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'emcourse' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FLOORS))
