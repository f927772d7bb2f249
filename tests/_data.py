"""Shared test data (imported by name: tests/_data.py)."""
import numpy as np


def anisotropic_data(seed=0, n=600):
    """Three rotated, elongated clusters (isotropic data would hide covariance/precision bugs)."""
    from emcourse import Mixture

    def rot(theta, s1, s2):
        R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
        return R @ np.diag([s1 ** 2, s2 ** 2]) @ R.T

    true = Mixture([0.5, 0.3, 0.2], [[0, 0], [6, 1], [1, 6]],
                   np.array([rot(0.5, 2.0, 0.3), rot(-1.0, 1.5, 0.4), rot(1.2, 1.0, 0.2)]), "full")
    X, labels = true.sample(n, np.random.default_rng(seed))
    return true, X, labels
