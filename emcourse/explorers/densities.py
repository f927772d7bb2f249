"""Lesson 1's explorers: a mixture density in 1-D and in 2-D (floor 3)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ..mixture import Mixture
from ._base import Explorer, flatten_artists, fmt, slider, weights_from_raw


class MixtureDensity1D(Explorer):
    """A 1-D mixture of Gaussians with a slider for every P_j, mu_j and sigma_j.

    Top: the density p(x) and the weighted components P_j p(x|j). Bottom: the posteriors P(j|x).
    The weight sliders are raw values, renormalised to sum to 1 (the readout shows the P_j used).
    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    weights, means, sigmas : sequences of length n_components
        Starting values (2 or 3 components is a good size).
    x_range : (float, float)
        The x axis (fixed, so the picture does not jump).
    """

    figsize = (9.0, 4.6)

    def __init__(self, weights=(0.6, 0.4), means=(-1.5, 2.0), sigmas=(1.0, 0.7), *, x_range=(-6.0, 6.0)):
        n_components = len(weights)
        if not (len(means) == len(sigmas) == n_components) or n_components < 1:
            raise ValueError("weights, means and sigmas must have the same length (one entry per component).")
        self.x = np.linspace(x_range[0], x_range[1], 600)
        controls = {}
        for j in range(n_components):
            controls[f"P{j + 1}"] = slider(f"P{j + 1} (raw weight)", weights[j], 0.0, 1.0, 0.01)
            controls[f"mu{j + 1}"] = slider(f"μ{j + 1} (mean)", means[j], x_range[0], x_range[1], 0.05)
            controls[f"sigma{j + 1}"] = slider(f"σ{j + 1} (std. dev.)", sigmas[j], 0.1, 3.0, 0.05)
        self.n_components = n_components
        rows = [widgets.HBox([controls[f"{p}{j + 1}"] for p in ("P", "mu", "sigma")]) for j in range(n_components)]
        super().__init__(controls, layout=widgets.VBox(rows))

    @property
    def mixture(self) -> Mixture:
        """The mixture the sliders describe."""
        n_components = self.n_components
        w, _ = weights_from_raw([self.state[f"P{j + 1}"] for j in range(n_components)])
        mu = [[self.state[f"mu{j + 1}"]] for j in range(n_components)]
        var = [self.state[f"sigma{j + 1}"] ** 2 for j in range(n_components)]
        return Mixture(w, mu, var, "spherical")

    def _build(self):
        self.ax, self.ax_post = self.figure.subplots(2, 1, sharex=True, height_ratios=[2.2, 1])
        mix = self.mixture
        self.density = plotting.draw_density_1d(self.ax, mix, self.x)
        self.post = plotting.draw_posteriors_1d(self.ax_post, mix, self.x)
        self.ax.set_xlim(self.x[0], self.x[-1])
        self.ax.set_ylim(0, self._nice_top(float(self.density["total"].get_ydata().max())))
        self.ax.set_xlabel("")
        self.ax.legend(loc="upper left", fontsize=8, ncols=2)
        self.ax_post.legend(loc="center left", fontsize=8)
        self.ax.set_title("mixture density $p(x)=\\sum_j P_j\\,p(x\\mid j)$", fontsize=10)
        self.dynamic = flatten_artists(self.density, self.post)

    @staticmethod
    def _nice_top(peak: float) -> float:
        """The smallest of 0.5, 1, 2, 5, 10, ... that leaves room above ``peak``."""
        for top in (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0):
            if peak * 1.08 <= top:
                return top
        return float(peak * 1.1)

    def _update(self):
        mix = self.mixture
        plotting.draw_density_1d(self.ax, mix, self.x, artists=self.density)
        plotting.draw_posteriors_1d(self.ax_post, mix, self.x, artists=self.post)
        top = self._nice_top(float(self.density["total"].get_ydata().max()))
        if top != self.ax.get_ylim()[1]:          # a narrow component peaks above 1: show it, rarely re-layout
            self.ax.set_ylim(0, top)
            self.invalidate_background()

    def summary(self) -> str:
        n_components = self.n_components
        w, all_zero = weights_from_raw([self.state[f"P{j + 1}"] for j in range(n_components)])
        mix = self.mixture
        p = mix.pdf(self.x[:, None])
        mass = float(np.trapezoid(p, self.x))
        raw = [self.state[f"P{j + 1}"] for j in range(n_components)]
        lines = [f"weights used P_j = {fmt(w, '{:.3f}')} (raw sliders {fmt(raw)} renormalised to sum to 1)"
                 + ("; all raw weights are 0, so equal weights are used" if all_zero else "")]
        for j in range(n_components):
            lines.append(f"component {j + 1}: P = {w[j]:.3f}, mu = {mix.means[j, 0]:+.2f}, "
                         f"sigma = {np.sqrt(mix.covariances[j]):.2f}")
        lines.append(f"area under p(x) on the plotted range = {mass:.3f}; highest density {p.max():.3f} "
                     f"at x = {self.x[int(np.argmax(p))]:+.2f} (a density, so it may exceed 1)")
        return "\n".join(lines)


class MixtureDensity2D(Explorer):
    """A 2-D spherical mixture: samples coloured by their generator, 1- and 2-sigma circles, and the
    posterior P(j | x) as background shading, with a probe point you can move.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    mixture : Mixture, optional
        A spherical 2-D mixture to start from (default: three components).
    n_samples : int
        Points drawn from the mixture (redrawn with the same seed when parameters change).
    rng : int
        Seed of the sample (an int: the same points are redrawn after every change).
    """

    figsize = (9.0, 4.4)
    extent = (-6.0, 6.0, -6.0, 6.0)

    def __init__(self, mixture: Mixture | None = None, *, n_samples: int = 300, rng: int = 0):
        if mixture is None:
            mixture = Mixture([0.45, 0.35, 0.2], [[-2.0, -1.0], [2.0, -1.5], [0.0, 2.5]], [1.0, 0.6, 0.8])
        if mixture.covariance_type != "spherical" or mixture.n_features != 2:
            raise ValueError("MixtureDensity2D needs a spherical mixture in 2-D (the lecture's sigma_j^2 I model).")
        self.n_components = n_components = mixture.n_components
        self.n_samples, self.seed = int(n_samples), int(rng)
        lo, hi = self.extent[0], self.extent[1]
        controls, tabs = {}, []
        for j in range(n_components):
            names = [f"P{j + 1}", f"mu{j + 1}_x", f"mu{j + 1}_y", f"sigma{j + 1}"]
            controls[names[0]] = slider(f"P{j + 1} (raw weight)", float(mixture.weights[j]), 0.0, 1.0, 0.01)
            controls[names[1]] = slider(f"μ{j + 1} x", float(mixture.means[j, 0]), lo, hi, 0.1)
            controls[names[2]] = slider(f"μ{j + 1} y", float(mixture.means[j, 1]), lo, hi, 0.1)
            controls[names[3]] = slider(f"σ{j + 1} (std. dev.)", float(np.sqrt(mixture.covariances[j])), 0.2, 3.0, 0.05)
            tabs.append(widgets.VBox([controls[n] for n in names]))
        controls["probe_x"] = slider("probe x₁", 0.0, lo, hi, 0.1)
        controls["probe_y"] = slider("probe x₂", 0.0, lo, hi, 0.1)
        tabs.append(widgets.VBox([controls["probe_x"], controls["probe_y"]]))
        tab = widgets.Tab(children=tabs, titles=[f"component {j + 1}" for j in range(n_components)] + ["probe point"])
        super().__init__(controls, layout=tab)

    @property
    def mixture(self) -> Mixture:
        n_components = self.n_components
        w, _ = weights_from_raw([self.state[f"P{j + 1}"] for j in range(n_components)])
        mu = [[self.state[f"mu{j + 1}_x"], self.state[f"mu{j + 1}_y"]] for j in range(n_components)]
        var = [self.state[f"sigma{j + 1}"] ** 2 for j in range(n_components)]
        return Mixture(w, mu, var, "spherical")

    @property
    def probe(self) -> np.ndarray:
        return np.array([[self.state["probe_x"], self.state["probe_y"]]])

    def _build(self):
        self.ax, self.ax_bar = self.figure.subplots(1, 2, width_ratios=[1.6, 1])
        mix = self.mixture
        X, labels = mix.sample(self.n_samples, self.seed)
        self.map = plotting.draw_posterior_map(self.ax, mix, self.extent, resolution=90)
        self.points = plotting.draw_samples_2d(self.ax, X, labels=labels, n_components=self.n_components, size=22,
                                               edgecolor="#333333")
        self.ell = plotting.draw_ellipses(self.ax, mix)
        (self.probe_marker,) = self.ax.plot(*self.probe[0], marker="*", ms=18, color="white", mec="black", ls="none")
        self.ax.set_xlim(*self.extent[:2])
        self.ax.set_ylim(*self.extent[2:])
        self.ax.set_aspect("equal")
        self.ax.set_title("samples, 1σ/2σ circles, posterior shading", fontsize=10)
        resp = mix.responsibilities(self.probe)[0]
        self.bars = self.ax_bar.bar([f"{j + 1}" for j in range(self.n_components)], resp,
                                    color=[plotting.component_color(j) for j in range(self.n_components)],
                                    edgecolor="black")
        for j, b in enumerate(self.bars):
            b.set_hatch(["", "//", "..", "xx", "\\\\", "oo", "++", "--", "**", "||"][j % 10])
        self.ax_bar.set_ylim(0, 1)
        self.ax_bar.set_xlabel("component $j$")
        self.ax_bar.set_ylabel("posterior $P(j\\mid \\mathbf{x})$ at the ★")
        self.dynamic = flatten_artists(self.map, self.points, self.ell, self.probe_marker, list(self.bars))

    def _update(self):
        mix = self.mixture
        X, labels = mix.sample(self.n_samples, self.seed)
        plotting.draw_posterior_map(self.ax, mix, self.extent, resolution=90, artists=self.map)
        plotting.draw_samples_2d(self.ax, X, labels=labels, artists=self.points)
        plotting.draw_ellipses(self.ax, mix, artists=self.ell)
        self.probe_marker.set_data([self.state["probe_x"]], [self.state["probe_y"]])
        for b, r in zip(self.bars, mix.responsibilities(self.probe)[0]):
            b.set_height(r)

    def summary(self) -> str:
        mix = self.mixture
        resp = mix.responsibilities(self.probe)[0]
        lines = [f"component {j + 1}: P = {mix.weights[j]:.3f} (raw {self.state[f'P{j + 1}']:.2f}), "
                 f"mu = ({mix.means[j, 0]:+.2f}, {mix.means[j, 1]:+.2f}), sigma = {np.sqrt(mix.covariances[j]):.2f}"
                 for j in range(self.n_components)]
        px, py = self.probe[0]
        lines.append(f"probe x = ({px:+.1f}, {py:+.1f}): P(j|x) = {fmt(resp, '{:.3f}')}, "
                     f"p(x) = {float(mix.pdf(self.probe)[0]):.4f}")
        return "\n".join(lines)
