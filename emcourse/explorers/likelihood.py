"""Lesson 2's explorer: the error E = -log L as two means and two widths move (floor 3)."""
from __future__ import annotations

import numpy as np

from .. import plotting
from ..methods.gradient import energy_surface
from ..mixture import Mixture
from ._base import Explorer, flatten_artists, slider


class LikelihoodExplorer(Explorer):
    """Move mu_1, sigma_1 (and mu_2, sigma_2) of a two-component model of 1-D data and watch E = -log L.

    Left: the data and the model density. Right: E over (mu_1, mu_2) for the current sigmas, with
    the current point marked; it is recomputed only when a sigma changes (those sliders update on release).
    Introduced in ``notebooks/02_likelihood.ipynb``.

    Parameters
    ----------
    x : array-like of shape (n_samples,) or (n_samples, 1)
        The data.
    mu_range : (float, float)
        Range of both mean sliders and of the surface.
    """

    figsize = (9.5, 4.0)

    def __init__(self, x, *, mu_range=(-5.0, 5.0), means=(0.0, 2.0), sigmas=(1.0, 1.0)):
        self.data = np.asarray(x, dtype=float).ravel()
        if self.data.size < 1 or not np.all(np.isfinite(self.data)):
            raise ValueError("x must be a non-empty 1-D array of finite numbers (the data).")
        self.mu_grid = np.linspace(mu_range[0], mu_range[1], 81)
        self.grid_x = np.linspace(mu_range[0] - 2, mu_range[1] + 2, 400)
        self._surface_key, self._surface = None, None
        controls = {
            "mu1": slider("μ1 (mean 1)", means[0], mu_range[0], mu_range[1], 0.05),
            "sigma1": slider("σ1 (std. dev. 1)", sigmas[0], 0.1, 3.0, 0.05, continuous_update=False),
            "mu2": slider("μ2 (mean 2)", means[1], mu_range[0], mu_range[1], 0.05),
            "sigma2": slider("σ2 (std. dev. 2)", sigmas[1], 0.1, 3.0, 0.05, continuous_update=False),
        }
        super().__init__(controls)

    @property
    def mixture(self) -> Mixture:
        s = self.state
        return Mixture([0.5, 0.5], [[s["mu1"]], [s["mu2"]]], [s["sigma1"] ** 2, s["sigma2"] ** 2])

    def energy(self) -> float:
        """E = -log L of the data under the current model."""
        return -self.mixture.log_likelihood(self.data[:, None])

    def surface(self) -> np.ndarray:
        """E over the (mu_1, mu_2) grid for the current sigmas (cached)."""
        key = (self.state["sigma1"], self.state["sigma2"])
        if key != self._surface_key:
            self._surface = energy_surface(self.data[:, None], self.mu_grid, key)
            self._surface_key = key
        return self._surface

    def _build(self):
        self.ax, self.ax_e = self.figure.subplots(1, 2, width_ratios=[1.4, 1])
        mix = self.mixture
        self.density = plotting.draw_density_1d(self.ax, mix, self.grid_x)
        self.rug = plotting.draw_rug(self.ax, self.data, y=0.0)
        self.ax.set_xlim(self.grid_x[0], self.grid_x[-1])
        self.ax.set_ylim(-0.03, 0.6)
        self.ax.legend(loc="upper left", fontsize=8, ncols=2)
        self.ax.set_title("data and model density", fontsize=10)
        lo, hi = self.mu_grid[0], self.mu_grid[-1]
        rel = np.log10(self.surface() - self.surface().min() + 1)
        self.surf = plotting.draw_surface(self.ax_e, rel, (lo, hi, lo, hi), current=(self.state["mu1"], self.state["mu2"]))
        self.clim = (0.0, float(rel.max()))
        self.surf["image"].set_clim(*self.clim)
        bar = self.figure.colorbar(self.surf["image"], ax=self.ax_e, fraction=0.05, pad=0.02)
        bar.set_label("$\\log_{10}(E - E_{\\min} + 1)$", fontsize=8)
        self.ax_e.set_xlabel("$\\mu_1$")
        self.ax_e.set_ylabel("$\\mu_2$")
        self.ax_e.set_title("E over $(\\mu_1, \\mu_2)$ (darker = lower)", fontsize=10)
        self.dynamic = flatten_artists(self.density, self.surf)

    def _update(self):
        plotting.draw_density_1d(self.ax, self.mixture, self.grid_x, artists=self.density)
        S = self.surface()
        plotting.draw_surface(self.ax_e, np.log10(S - S.min() + 1), None,
                              current=(self.state["mu1"], self.state["mu2"]), artists=self.surf)
        self.surf["image"].set_clim(*self.clim)             # one colour scale for every sigma (matches the colourbar)

    def summary(self) -> str:
        E = self.energy()
        S = self.surface()
        b, a = np.unravel_index(int(np.argmin(S)), S.shape)
        s = self.state
        return "\n".join([
            f"mu = ({s['mu1']:+.2f}, {s['mu2']:+.2f}), sigma = ({s['sigma1']:.2f}, {s['sigma2']:.2f}), P = (0.5, 0.5)",
            f"E = -log L = {E:.3f}   (log L = {-E:.3f}, per point {-E / self.data.size:.4f}; L = {np.exp(-E):.3e})",
            f"lowest E on the grid for these sigmas: {S.min():.3f} at mu = ({self.mu_grid[a]:+.2f}, {self.mu_grid[b]:+.2f})",
        ])
