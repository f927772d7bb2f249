"""emcourse: an interactive course on mixture models and the EM algorithm.

Floor 1 (the engine) is importable from here; see ``notebooks/00_start_here.ipynb``.
"""
from .checkup import doctor
from .em import DegeneracyWarning, DegenerateMixtureError, EMResult, e_step, free_energy, m_step, run_em
from .artmap import GaussianARTMAP
from .mixture import Mixture
from .seeding import initialize
from .smem import run_smem

__version__ = "0.1.0"

__all__ = ["Mixture", "e_step", "m_step", "run_em", "initialize", "EMResult", "DegeneracyWarning",
           "DegenerateMixtureError", "free_energy", "GaussianARTMAP", "run_smem", "doctor", "__version__"]
