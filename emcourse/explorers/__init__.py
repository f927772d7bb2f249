"""Explorers (floor 3): ipywidgets controls around the drawings of :mod:`emcourse.plotting`.

One recipe (:mod:`._base`) and one small module per lesson topic. Every explorer has ``controls``,
``summary()`` (plain text of what is shown) and ``set(**values)``, and scrubs through stored results.
:func:`progress` is the progress bar of the course's slow cells.
"""
from ._base import Explorer
from .artmap import ArtmapExplorer, MatchTrackingExplorer
from .densities import MixtureDensity1D, MixtureDensity2D
from .em import EMExplorer
from .gradient import GradientDescentExplorer
from .kmeans import KMeansLimitExplorer
from .likelihood import LikelihoodExplorer
from .mfa import ReconstructionExplorer
from .online import OnlineEMExplorer, RunningVarianceExplorer
from .progress import progress
from .smem import SMEMExplorer

__all__ = ["Explorer", "MixtureDensity1D", "MixtureDensity2D", "LikelihoodExplorer", "GradientDescentExplorer",
           "EMExplorer", "RunningVarianceExplorer", "OnlineEMExplorer", "ArtmapExplorer", "MatchTrackingExplorer",
           "SMEMExplorer", "ReconstructionExplorer", "KMeansLimitExplorer", "progress"]
