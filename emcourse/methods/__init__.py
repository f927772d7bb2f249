"""The lecture's other algorithms (floor 1½), built on the engine; none knows of plotting or widgets.

========================  ==============================================  ========
module                    what                                            lesson
========================  ==============================================  ========
:mod:`.gradient`          gradient descent on E, finite differences       3
:mod:`.restarts`          EM from many starts, distinct optima            5
:mod:`.running`           running mean and variance (slides 22-23)        6
:mod:`.online_em`         incremental and stepwise EM                     6
:mod:`.artmap`            Gaussian ARTMAP                                 7
:mod:`.classify`          one mixture per class (ARTMAP's baseline)       7
:mod:`.smem`              split-and-merge EM                              8
:mod:`.mfa`               mixtures of factor analysers                    9
:mod:`.heuristic`         the cheap heuristic of slide 30                 10
:mod:`.kmeans`            k-means as the sigma -> 0 limit of EM           11
:mod:`.map_em`            MAP EM with an inverse-Wishart prior            11
========================  ==============================================  ========
"""
from . import artmap, classify, gradient, heuristic, kmeans, map_em, mfa, online_em, restarts, running, smem

__all__ = ["gradient", "restarts", "running", "online_em", "artmap", "classify", "smem", "mfa", "heuristic", "kmeans", "map_em"]
