"""Lesson 7's explorers: Gaussian ARTMAP's categories and vote, and match tracking step by step (floor 3)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ..methods.artmap import GaussianARTMAP
from ..methods.artmap_trace import categories_after
from ._base import Explorer, flatten_artists, int_slider, slider


class ArtmapExplorer(Explorer):
    """Gaussian ARTMAP on 2-D data: categories as 1-sigma ellipses coloured by class, the distributed vote as
    background colour, with sliders for the baseline vigilance rho and the initial width gamma.

    Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Features scaled to [0, 1].
    y : ndarray of shape (n_samples,)
    X_test, y_test : optional held-out data for the accuracy readout.
    """

    figsize = (9.5, 4.4)

    def __init__(self, X, y, X_test=None, y_test=None, *, rho: float = 0.0, gamma: float = 0.1, sigma_min: float = 0.03,
                 rng: int = 0, feature_names=("feature 1 (scaled)", "feature 2 (scaled)")):
        self.feature_names = tuple(feature_names)
        self.X, self.y = np.asarray(X, float), np.asarray(y)
        self.sigma_min = float(sigma_min)
        if self.X.ndim != 2 or self.X.shape[1] != 2:
            raise ValueError("ArtmapExplorer draws 2-D data: X must have shape (n_samples, 2).")
        self.X_test = None if X_test is None else np.asarray(X_test, float)
        self.y_test = None if y_test is None else np.asarray(y_test)
        self.rng = int(rng)
        self._cache = {}
        controls = {
            "rho": slider("vigilance ρ̄", rho, 0.0, 0.95, 0.05, continuous_update=False),
            "gamma": slider("initial width γ", gamma, 0.04, 0.5, 0.02, continuous_update=False),
        }
        super().__init__(controls)

    def model(self):
        """The fitted GaussianARTMAP for the current rho and gamma (cached)."""
        key = (round(self.state["rho"], 4), round(self.state["gamma"], 4))
        if key not in self._cache:
            self._cache[key] = GaussianARTMAP(rho=key[0], gamma=key[1], sigma_min=self.sigma_min,
                                              rng=self.rng).fit(self.X, self.y)
        return self._cache[key]

    def _vote_image(self, model):
        return plotting.probability_image(model.predict_proba, (-0.05, 1.05, -0.05, 1.05), resolution=110)

    def _build(self):
        self.ax, self.ax_bar = self.figure.subplots(1, 2, width_ratios=[1.5, 1])
        model = self.model()
        self.vote = self.ax.imshow(self._vote_image(model), origin="lower", extent=(-0.05, 1.05, -0.05, 1.05),
                                    interpolation="bilinear", zorder=0)
        codes = np.searchsorted(model.classes_, self.y)
        self.points = plotting.draw_samples_2d(self.ax, self.X, labels=codes, n_components=len(model.classes_),
                                               size=14, edgecolor="#333333")
        self.ellipses = plotting.draw_categories(self.ax, model.means_, model.sigmas_, model.labels_, model.classes_)
        self.ax.set_xlim(-0.05, 1.05)
        self.ax.set_ylim(-0.05, 1.05)
        self.ax.set_aspect("equal")
        self.ax.set_xlabel(self.feature_names[0])
        self.ax.set_ylabel(self.feature_names[1])
        self.ax.set_title("categories (1σ) and the vote of slide 17", fontsize=10)
        self.bars = self.ax_bar.bar(["categories", "train acc. ×100", "test acc. ×100"], [0, 0, 0],
                                    color=[plotting.PALETTE[7], plotting.PALETTE[0], plotting.PALETTE[1]], edgecolor="black")
        self.ax_bar.set_ylim(0, 110)
        self.ax_bar.set_ylabel("count, or accuracy in %")
        self.ax_bar.tick_params(axis="x", labelsize=8)
        self.dynamic = flatten_artists(self.vote, self.points, self.ellipses, list(self.bars))

    def _update(self):
        model = self.model()
        self.vote.set_data(self._vote_image(model))
        self.ellipses = plotting.draw_categories(self.ax, model.means_, model.sigmas_, model.labels_, model.classes_,
                                           artists=self.ellipses)
        test = model.score(self.X_test, self.y_test) if self.X_test is not None else 0.0
        for b, v in zip(self.bars, [min(model.n_categories_, 110), 100 * model.score(self.X, self.y), 100 * test]):
            b.set_height(v)
        self.dynamic = flatten_artists(self.vote, self.points, self.ellipses, list(self.bars))

    def summary(self) -> str:
        model = self.model()
        lines = [f"rho = {self.state['rho']:.2f}, gamma = {self.state['gamma']:.2f} (sigma floor {self.sigma_min}): "
                 f"{model.n_categories_} categories",
                 f"training accuracy {model.score(self.X, self.y):.3f}"]
        if self.X_test is not None:
            lines[-1] += f", held-out accuracy {model.score(self.X_test, self.y_test):.3f}"
        counts = {str(c): int(np.sum(model.labels_ == c)) for c in model.classes_}
        lines.append(f"categories per class: {counts}")
        return "\n".join(lines)


class MatchTrackingExplorer(Explorer):
    """Present a short stream to Gaussian ARTMAP one sample at a time and read what happened: the winning
    category, a wrong guess, rho raised above its match, the next candidate, a new category.

    The state after t samples is ``partial_fit`` on the first t samples (in order); the readout lists the
    trace events of sample t. Introduced in ``notebooks/07_gaussian_artmap.ipynb``.
    """

    figsize = (9.5, 4.2)

    def __init__(self, X, y, *, rho: float = 0.0, gamma: float = 0.1, n_samples: int = 30):
        self.X, self.y = np.asarray(X, float)[:n_samples], np.asarray(y)[:n_samples]
        self.model = GaussianARTMAP(rho=rho, gamma=gamma, shuffle=False, rng=0).fit(self.X, self.y)
        self.events = self.model.trace_
        self.classes = self.model.classes_
        controls = {"t": int_slider("sample t", 1, 1, len(self.X))}
        self.play = widgets.Play(value=1, min=1, max=len(self.X), interval=700, description="play")
        widgets.jslink((self.play, "value"), (controls["t"], "value"))
        super().__init__(controls, layout=widgets.HBox([controls["t"], self.play]))

    def categories_after(self, t: int):
        """(means, sigmas, labels) of the categories after the first t samples (replayed from the trace)."""
        return categories_after(self.events, t)

    def _build(self):
        self.ax = self.figure.subplots()
        codes = np.searchsorted(self.classes, self.y)
        plotting.draw_samples_2d(self.ax, self.X, labels=codes, n_components=len(self.classes), size=16,
                                 edgecolor="#333333")
        means, sigmas, labels = self.categories_after(self.state["t"])
        self.ellipses = plotting.draw_categories(self.ax, means, sigmas, labels, self.classes)
        (self.current,) = self.ax.plot([], [], "o", ms=16, mfc="none", mec="black", mew=2)
        (self.winner,) = self.ax.plot([], [], "+", ms=18, mew=3, color="black")
        self.ax.set_xlim(-0.05, 1.05)
        self.ax.set_ylim(-0.05, 1.05)
        self.ax.set_aspect("equal")
        self.ax.set_xlabel("feature 1 (scaled)")
        self.ax.set_ylabel("feature 2 (scaled)")
        self.ax.set_title("ringed: sample t; +: the category that finally learned it", fontsize=10)
        self.dynamic = flatten_artists(self.ellipses, self.current, self.winner)

    def _update(self):
        t = self.state["t"]
        means, sigmas, labels = self.categories_after(t)
        self.ellipses = plotting.draw_categories(self.ax, means, sigmas, labels, self.classes, artists=self.ellipses)
        self.current.set_data([self.X[t - 1, 0]], [self.X[t - 1, 1]])
        final = [e for e in self.events if e.sample == t - 1 and e.kind in ("learn", "new_category")]
        if final:
            self.winner.set_data([final[-1].mean[0]], [final[-1].mean[1]])
        self.dynamic = flatten_artists(self.ellipses, self.current, self.winner)

    def summary(self) -> str:
        t = self.state["t"]
        evs = [e for e in self.events if e.sample == t - 1]
        lines = [f"sample {t} of {len(self.X)}: x = ({self.X[t - 1, 0]:.2f}, {self.X[t - 1, 1]:.2f}), "
                 f"class {self.y[t - 1]}; categories before it: {len(self.categories_after(t - 1)[0])}"]
        lines += [f"  {e.describe()}" for e in evs]
        return "\n".join(lines)
