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
    background colour (with rho > 0 only the categories whose match passes rho vote, and all of them where none
    does), with sliders for the baseline vigilance rho and the initial width gamma.

    The vigilance slider offers few values (0 to 0.95 in steps of 0.05), so for the current gamma every one of
    them is fitted, voted and scored in advance (at build, and again when gamma changes), and each fit's
    ellipses are kept once drawn: moving rho only swaps stored results. Introduced in
    ``notebooks/07_gaussian_artmap.ipynb``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Features scaled to [0, 1].
    y : ndarray of shape (n_samples,)
    X_test, y_test : optional held-out data for the accuracy readout.
    """

    figsize = (9.5, 4.4)
    #: the vigilance values the slider offers (all precomputed for the current gamma)
    RHOS = tuple(round(0.05 * k, 2) for k in range(20))
    EXTENT = (-0.05, 1.05, -0.05, 1.05)

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
            "rho": slider("vigilance ρ̄", rho, self.RHOS[0], self.RHOS[-1], 0.05),
            "gamma": slider("initial width γ", gamma, 0.04, 0.5, 0.02, continuous_update=False),
        }
        self._precompute(round(float(gamma), 4))
        super().__init__(controls)

    @staticmethod
    def _key(rho, gamma) -> tuple:
        return round(float(rho), 4), round(float(gamma), 4)

    def _precompute(self, gamma: float) -> None:
        """Fit, vote and score every offered rho for this gamma (about 20-40 ms per rho)."""
        for rho in self.RHOS:
            key = self._key(rho, gamma)
            if key not in self._cache:
                self._cache[key] = self._fit_one(*key)

    def _fit(self) -> dict:
        key = self._key(self.state["rho"], self.state["gamma"])
        if key not in self._cache:                 # gamma changed (or a value between the slider's steps)
            self._precompute(key[1])
            if key not in self._cache:
                self._cache[key] = self._fit_one(*key)
        return self._cache[key]

    def _fit_one(self, rho: float, gamma: float) -> dict:
        """The fit for one (rho, gamma): the model, its vote image, training and held-out accuracy."""
        model = GaussianARTMAP(rho=rho, gamma=gamma, sigma_min=self.sigma_min, rng=self.rng).fit(self.X, self.y)
        test = model.score(self.X_test, self.y_test) if self.X_test is not None else None
        return {"model": model, "image": self._vote_image(model), "train": model.score(self.X, self.y), "test": test}

    def model(self):
        """The fitted GaussianARTMAP for the current rho and gamma (precomputed)."""
        return self._fit()["model"]

    def cached(self, gamma=None) -> list:
        """The vigilance values whose fits are stored for ``gamma`` (default: the current one)."""
        g = round(float(self.state["gamma"] if gamma is None else gamma), 4)
        return sorted(r for r, gg in self._cache if gg == g)

    def _on_change(self, change) -> None:
        if change["owner"] is self.controls["gamma"] and self._key(0.0, change["new"]) not in self._cache:
            self.readout.value = (f"<pre style='margin:0'>computing: fitting Gaussian ARTMAP at every vigilance for "
                                  f"γ = {change['new']:.2f} ...</pre>")
        super()._on_change(change)

    def _ellipses(self, fit: dict) -> list:
        """The category ellipses of a stored fit, drawn on its first showing and kept (adding patches is the slow part
        of drawing categories). They are animated, so the ones not listed in ``dynamic`` are never drawn; those of
        other gammas are removed when gamma changes."""
        gamma = fit["model"].gamma
        if gamma != getattr(self, "_drawn_gamma", gamma):
            for other in self._cache.values():
                for artist in other.pop("ellipses", []):
                    artist.remove()
        self._drawn_gamma = gamma
        if "ellipses" not in fit:
            m = fit["model"]
            fit["ellipses"] = plotting.draw_categories(self.ax, m.means_, m.sigmas_, m.labels_, m.classes_)
        return fit["ellipses"]

    def _vote_image(self, model):
        return plotting.probability_image(model.predict_proba, self.EXTENT, resolution=80)

    def _build(self):
        self.ax, self.ax_bar = self.figure.subplots(1, 2, width_ratios=[1.5, 1])
        fit = self._fit()
        model = fit["model"]
        self.vote = self.ax.imshow(fit["image"], origin="lower", extent=self.EXTENT, interpolation="bilinear", zorder=0)
        codes = np.searchsorted(model.classes_, self.y)
        self.points = plotting.draw_samples_2d(self.ax, self.X, labels=codes, n_components=len(model.classes_),
                                               size=14, edgecolor="#333333")
        self.legend = _legend(self.ax, self.points["groups"], model.classes_, "samples")   # drawn over the vote
        self.ellipses = self._ellipses(fit)
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
        self.dynamic = flatten_artists(self.vote, self.points, self.ellipses, self.legend, list(self.bars))

    def _update(self):
        fit = self._fit()
        model = fit["model"]
        self.vote.set_data(fit["image"])
        self.ellipses = self._ellipses(fit)
        test = fit["test"] if fit["test"] is not None else 0.0
        for b, v in zip(self.bars, [min(model.n_categories_, 110), 100 * fit["train"], 100 * test]):
            b.set_height(v)
        self.dynamic = flatten_artists(self.vote, self.points, self.ellipses, self.legend, list(self.bars))

    def summary(self) -> str:
        fit = self._fit()
        model = fit["model"]
        lines = [f"rho = {self.state['rho']:.2f}, gamma = {self.state['gamma']:.2f} (sigma floor {self.sigma_min}): "
                 f"{model.n_categories_} categories",
                 f"training accuracy {fit['train']:.3f}"]
        if fit["test"] is not None:
            lines[-1] += f", held-out accuracy {fit['test']:.3f}"
        counts = {str(c): int(np.sum(model.labels_ == c)) for c in model.classes_}
        lines.append(f"categories per class: {counts}")
        return "\n".join(lines)


def _class_name(c) -> str:
    """How a legend names a class: a word as it is, a number as 'class 3'."""
    return f"class {c}" if isinstance(c, (int, np.integer, float, np.floating)) else str(c)


def _legend(ax, groups, classes, title: str):
    """A legend of the sample markers, one entry per class (static: drawn into the cached background)."""
    for group, c in zip(groups, classes):
        group.set_label(_class_name(c))
    return ax.legend(handles=list(groups), loc="upper left", fontsize=8, title=title, title_fontsize=8)


class MatchTrackingExplorer(Explorer):
    """Present a short stream to Gaussian ARTMAP one sample at a time and read what happened: the winning
    category, a wrong guess, rho raised above its match, the next candidate, a new category.

    The state after t samples is ``partial_fit`` on the first t samples (in order); the readout lists the
    trace events of sample t. Each category's ellipse carries its number (from 1, as the readout counts), and a
    legend names the classes. Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Features scaled to [0, 1].
    y : ndarray of shape (n_samples,)
        Labels (words or numbers; the legend and the readout show them).
    rho, gamma, sigma_min : float
        Gaussian ARTMAP's baseline vigilance, initial width and standard-deviation floor (default 0.03, as
        :class:`ArtmapExplorer`; GaussianARTMAP's own default, 0.1, suits 64-pixel digits).
    n_samples : int
        How many samples of the stream to present.
    feature_names : pair of str
        The axis labels.
    """

    figsize = (9.5, 4.2)

    def __init__(self, X, y, *, rho: float = 0.0, gamma: float = 0.1, sigma_min: float = 0.03, n_samples: int = 30,
                 feature_names=("feature 1 (scaled)", "feature 2 (scaled)")):
        self.X, self.y = np.asarray(X, float)[:n_samples], np.asarray(y)[:n_samples]
        self.feature_names = tuple(feature_names)
        self.model = GaussianARTMAP(rho=rho, gamma=gamma, sigma_min=sigma_min, shuffle=False, rng=0).fit(self.X,
                                                                                                         self.y)
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
        points = plotting.draw_samples_2d(self.ax, self.X, labels=codes, n_components=len(self.classes), size=16,
                                          edgecolor="#333333")
        _legend(self.ax, points["groups"], self.classes, "samples; ellipses: categories (1σ)")
        means, sigmas, labels = self.categories_after(self.state["t"])
        self.ellipses = plotting.draw_categories(self.ax, means, sigmas, labels, self.classes)
        # one number per possible category (at most one per sample), placed and shown as categories appear
        self.numbers = [self.ax.text(0, 0, str(k + 1), fontsize=8, fontweight="bold", ha="left", va="bottom",
                                     visible=False) for k in range(len(self.X))]
        (self.current,) = self.ax.plot([], [], "o", ms=16, mfc="none", mec="black", mew=2)
        (self.winner,) = self.ax.plot([], [], "+", ms=18, mew=3, color="black")
        self.ax.set_xlim(-0.05, 1.05)
        self.ax.set_ylim(-0.05, 1.05)
        self.ax.set_aspect("equal")
        self.ax.set_xlabel(self.feature_names[0])
        self.ax.set_ylabel(self.feature_names[1])
        self.ax.set_title("ringed: sample t; +: the category that finally learned it; numbers: categories",
                          fontsize=10)
        self.dynamic = flatten_artists(self.ellipses, self.numbers, self.current, self.winner)

    def _update(self):
        t = self.state["t"]
        means, sigmas, labels = self.categories_after(t)
        self.ellipses = plotting.draw_categories(self.ax, means, sigmas, labels, self.classes, artists=self.ellipses)
        for k, number in enumerate(self.numbers):
            number.set_visible(k < len(means))
            if k < len(means):
                number.set_position((means[k, 0] + 0.01, means[k, 1] + 0.01))
        self.current.set_data([self.X[t - 1, 0]], [self.X[t - 1, 1]])
        final = [e for e in self.events if e.sample == t - 1 and e.kind in ("learn", "new_category")]
        if final:
            self.winner.set_data([final[-1].mean[0]], [final[-1].mean[1]])
        self.dynamic = flatten_artists(self.ellipses, self.numbers, self.current, self.winner)

    def summary(self) -> str:
        t = self.state["t"]
        evs = [e for e in self.events if e.sample == t - 1]
        m = self.model
        lines = [f"sample {t} of {len(self.X)}: x = ({self.X[t - 1, 0]:.2f}, {self.X[t - 1, 1]:.2f}), "
                 f"{_class_name(self.y[t - 1])}; categories before it: {len(self.categories_after(t - 1)[0])}"]
        lines += [f"  {e.describe()}" for e in evs]
        lines.append(f"  (rho-bar = {m.rho:.2f}, gamma = {m.gamma:.2f}, sigma floor sigma_min = {m.sigma_min:.2f})")
        return "\n".join(lines)
