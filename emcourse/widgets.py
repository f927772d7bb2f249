"""Explorers (floor 3): ipywidgets controls around the drawings of :mod:`emcourse.plotting`.

One recipe, used by every explorer:

* ``controls`` — a dict of labelled widgets (name -> widget); ``state`` — a dict of their values.
* The figure is a plain :class:`matplotlib.figure.Figure` (no pyplot, so nothing is displayed twice),
  laid out once, then frozen: on a tick only the artists' data change. The static part (axes, ticks,
  labels, legends) is rendered once and cached; a tick restores that background and draws only the
  artists listed in ``dynamic`` (blitting), which is most of the speed.
* The figure is shown as a PNG in an :class:`ipywidgets.Image` (rendered by Agg at dpi 100, as the
  inline backend does) in a fixed-height box, with a text readout (:meth:`Explorer.summary`) under it:
  the numbers shown, for tests, screen readers and anyone who prefers numbers.
* Explorers render once when built. Every callback is a hot path: no re-layout, no re-running of
  algorithms that a stored history can answer.

Introduced in ``notebooks/01_mixture_densities.ipynb``.
"""
from __future__ import annotations

import html
import struct
import zlib

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from . import plotting
from .mixture import Mixture

SLIDER_STYLE = {"description_width": "110px"}
SLIDER_LAYOUT = widgets.Layout(width="340px")


def slider(description, value, vmin, vmax, step, *, continuous_update=True, readout_format=".2f", log=False):
    """A labelled float slider in the course's style (``log=True`` gives a log-scale slider)."""
    if log:
        return widgets.FloatLogSlider(value=value, min=vmin, max=vmax, step=step, base=10,
                                      description=description, continuous_update=continuous_update,
                                      readout_format=".1e", style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
    return widgets.FloatSlider(value=value, min=vmin, max=vmax, step=step, description=description,
                               continuous_update=continuous_update, readout_format=readout_format,
                               style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


def int_slider(description, value, vmin, vmax, *, continuous_update=True):
    """A labelled integer slider in the course's style."""
    return widgets.IntSlider(value=value, min=vmin, max=vmax, description=description,
                             continuous_update=continuous_update, style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


def encode_png(rgba: np.ndarray, level: int = 1) -> bytes:
    """A PNG (8-bit RGB, no row filters, zlib ``level``) of an (height, width, 4) RGBA array.

    Written by hand because it is the hot path of every explorer: about twice as fast as Pillow's
    encoder on our figures (which spends most of its time choosing row filters), and smaller.
    Alpha is dropped: the figures are opaque.
    """
    h, w, _ = rgba.shape
    raw = np.empty((h, 1 + 3 * w), np.uint8)
    raw[:, 0] = 0                                        # filter type 0 (None) on every row
    raw[:, 1:] = rgba[:, :, :3].reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)   # 8 bits, colour type 2 (RGB)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw.tobytes(), level))
            + chunk(b"IEND", b""))


def _encode_png(canvas) -> bytes:
    return encode_png(np.asarray(canvas.buffer_rgba()))


def figure_png(fig: Figure) -> bytes:
    """Render ``fig`` with Agg and encode it as PNG (fast zlib level; the pixels are what the inline backend draws)."""
    fig.canvas.draw()
    return _encode_png(fig.canvas)


def flatten_artists(*groups) -> list:
    """All matplotlib artists inside (nested) dicts, lists and tuples of the ``draw_*`` functions."""
    out = []
    for g in groups:
        if isinstance(g, dict):
            out += flatten_artists(*g.values())
        elif isinstance(g, (list, tuple)):
            out += flatten_artists(*g)
        elif hasattr(g, "draw") and hasattr(g, "set_animated"):
            out.append(g)
    return out


class Explorer:
    """Base class of every explorer. Subclasses implement ``_build`` (axes and artists, once),
    ``_update`` (move the artists to match ``state``) and ``summary``.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
    state : dict of str to value
        The current value of every control (kept in sync by observers).
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
        The rendered figure.
    readout : ipywidgets.HTML
        :meth:`summary` as preformatted text.
    widget : ipywidgets.VBox
        Everything, as displayed.
    """

    figsize = (9.0, 4.0)
    dpi = 100
    #: artists redrawn on every tick (set by ``_build``); everything else is the cached background
    dynamic: list = ()

    def __init__(self, controls: dict, layout=None):
        self.controls = dict(controls)
        self.state = {name: w.value for name, w in self.controls.items()}
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self._build()
        self._update()
        self.figure.canvas.draw()                     # lay out once ...
        self.figure.set_layout_engine("none")         # ... then freeze the layout
        self.dynamic = list(self.dynamic)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.figure.canvas.draw()                     # the static background, without the dynamic artists
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        height = int(self.figsize[1] * self.dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(height=f"{height}px", width="auto",
                                                                        object_fit="contain"))
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="3em"))
        self._show()
        for name, w in self.controls.items():
            w.observe(self._on_change, names="value")
        box = layout if layout is not None else widgets.HBox(
            [widgets.VBox(list(self.controls.values())[i::2]) for i in range(2)])
        self.widget = widgets.VBox([box, self.image, self.readout])
        self.widget.add_class("emcourse-explorer")

    # --- the hot path --------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        for name, w in self.controls.items():
            if w is change["owner"]:
                self.state[name] = change["new"]
        self._update()
        self._show()

    def invalidate_background(self) -> None:
        """Call from ``_update`` after changing something static (axis limits, a label): the next render
        redraws and caches the background once more."""
        self._background_stale = True

    def render_png(self) -> bytes:
        """Draw the dynamic artists over the cached background and encode the PNG."""
        canvas = self.figure.canvas
        if getattr(self, "_background_stale", False):
            canvas.draw()                                   # the dynamic artists are animated: not drawn here
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._background_stale = False
        canvas.restore_region(self._background)
        for artist in self.dynamic:
            (artist.axes or self.figure).draw_artist(artist)
        return _encode_png(canvas)

    def _show(self) -> None:
        self.image.value = self.render_png()
        self.readout.value = f"<pre style='margin:0'>{html.escape(self.summary())}</pre>"

    # --- for subclasses -----------------------------------------------------------------------
    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- conveniences --------------------------------------------------------------------------
    def set(self, **values) -> "Explorer":
        """Set controls by name (as a student would move them); the explorer redraws."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"no control named {name!r}; this explorer has {sorted(self.controls)}.")
            self.controls[name].value = value
        return self

    def png(self) -> bytes:
        """The PNG currently shown."""
        return bytes(self.image.value)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def display(self):
        """Display the explorer (same as leaving it as the last expression of a cell)."""
        from IPython.display import display

        display(self.widget)


def _weights_from_raw(raw) -> tuple[np.ndarray, bool]:
    """Renormalise raw weight slider values to sum to 1; equal weights if all are 0."""
    raw = np.asarray(raw, dtype=float)
    total = raw.sum()
    if total <= 0:
        return np.full(raw.size, 1.0 / raw.size), True
    return raw / total, False


def _fmt(values, fmt="{:.2f}") -> str:
    return "[" + ", ".join(fmt.format(v) for v in values) + "]"


# --- lesson 1 -------------------------------------------------------------------------------------

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
        K = len(weights)
        if not (len(means) == len(sigmas) == K) or K < 1:
            raise ValueError("weights, means and sigmas must have the same length (one entry per component).")
        self.x = np.linspace(x_range[0], x_range[1], 600)
        controls = {}
        for j in range(K):
            controls[f"P{j + 1}"] = slider(f"P{j + 1} (raw weight)", weights[j], 0.0, 1.0, 0.01)
            controls[f"mu{j + 1}"] = slider(f"μ{j + 1} (mean)", means[j], x_range[0], x_range[1], 0.05)
            controls[f"sigma{j + 1}"] = slider(f"σ{j + 1} (std. dev.)", sigmas[j], 0.1, 3.0, 0.05)
        self.n_components = K
        rows = [widgets.HBox([controls[f"{p}{j + 1}"] for p in ("P", "mu", "sigma")]) for j in range(K)]
        super().__init__(controls, layout=widgets.VBox(rows))

    @property
    def mixture(self) -> Mixture:
        """The mixture the sliders describe."""
        K = self.n_components
        w, _ = _weights_from_raw([self.state[f"P{j + 1}"] for j in range(K)])
        mu = [[self.state[f"mu{j + 1}"]] for j in range(K)]
        var = [self.state[f"sigma{j + 1}"] ** 2 for j in range(K)]
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
        K = self.n_components
        w, all_zero = _weights_from_raw([self.state[f"P{j + 1}"] for j in range(K)])
        mix = self.mixture
        p = mix.pdf(self.x[:, None])
        mass = float(np.trapezoid(p, self.x))
        raw = [self.state[f"P{j + 1}"] for j in range(K)]
        lines = [f"weights used P_j = {_fmt(w, '{:.3f}')} (raw sliders {_fmt(raw)} renormalised to sum to 1)"
                 + ("; all raw weights are 0, so equal weights are used" if all_zero else "")]
        for j in range(K):
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
    seed : int
        Seed of the sample.
    """

    figsize = (9.0, 4.4)
    extent = (-6.0, 6.0, -6.0, 6.0)

    def __init__(self, mixture: Mixture | None = None, *, n_samples: int = 300, seed: int = 0):
        if mixture is None:
            mixture = Mixture([0.45, 0.35, 0.2], [[-2.0, -1.0], [2.0, -1.5], [0.0, 2.5]], [1.0, 0.6, 0.8])
        if mixture.covariance_type != "spherical" or mixture.n_features != 2:
            raise ValueError("MixtureDensity2D needs a spherical mixture in 2-D (the lecture's sigma_j^2 I model).")
        self.n_components = K = mixture.n_components
        self.n_samples, self.seed = int(n_samples), int(seed)
        lo, hi = self.extent[0], self.extent[1]
        controls, tabs = {}, []
        for j in range(K):
            names = [f"P{j + 1}", f"mu{j + 1}_x", f"mu{j + 1}_y", f"sigma{j + 1}"]
            controls[names[0]] = slider(f"P{j + 1} (raw weight)", float(mixture.weights[j]), 0.0, 1.0, 0.01)
            controls[names[1]] = slider(f"μ{j + 1} x", float(mixture.means[j, 0]), lo, hi, 0.1)
            controls[names[2]] = slider(f"μ{j + 1} y", float(mixture.means[j, 1]), lo, hi, 0.1)
            controls[names[3]] = slider(f"σ{j + 1} (std. dev.)", float(np.sqrt(mixture.covariances[j])), 0.2, 3.0, 0.05)
            tabs.append(widgets.VBox([controls[n] for n in names]))
        controls["probe_x"] = slider("probe x₁", 0.0, lo, hi, 0.1)
        controls["probe_y"] = slider("probe x₂", 0.0, lo, hi, 0.1)
        tabs.append(widgets.VBox([controls["probe_x"], controls["probe_y"]]))
        tab = widgets.Tab(children=tabs, titles=[f"component {j + 1}" for j in range(K)] + ["probe point"])
        super().__init__(controls, layout=tab)

    @property
    def mixture(self) -> Mixture:
        K = self.n_components
        w, _ = _weights_from_raw([self.state[f"P{j + 1}"] for j in range(K)])
        mu = [[self.state[f"mu{j + 1}_x"], self.state[f"mu{j + 1}_y"]] for j in range(K)]
        var = [self.state[f"sigma{j + 1}"] ** 2 for j in range(K)]
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
        lines.append(f"probe x = ({px:+.1f}, {py:+.1f}): P(j|x) = {_fmt(resp, '{:.3f}')}, "
                     f"p(x) = {float(mix.pdf(self.probe)[0]):.4f}")
        return "\n".join(lines)


# --- lesson 2 -------------------------------------------------------------------------------------

def energy_surface_1d(x, mu_grid, sigmas, weights=(0.5, 0.5)) -> np.ndarray:
    """E = -log L of 1-D data under a two-component mixture, over a grid of (mu_1, mu_2).

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
    mu_grid : ndarray of shape (n_grid,)
        Values tried for both mu_1 and mu_2.
    sigmas : (float, float)
    weights : (float, float)

    Returns
    -------
    ndarray of shape (n_grid, n_grid)
        Entry [b, a] is E at mu_1 = mu_grid[a], mu_2 = mu_grid[b] (row = mu_2, for ``imshow``).
    """
    x = np.asarray(x, dtype=float).ravel()
    logs = []
    for w, s in zip(weights, sigmas):
        z = (x[None, :] - mu_grid[:, None]) / s
        logs.append(np.log(w) - 0.5 * z * z - np.log(s) - 0.5 * np.log(2 * np.pi))   # (n_grid, n)
    return -np.logaddexp(logs[0][None, :, :], logs[1][:, None, :]).sum(axis=2)


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
            self._surface = energy_surface_1d(self.data, self.mu_grid, key)
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


# --- lesson 3 -------------------------------------------------------------------------------------

class GradientDescentExplorer(Explorer):
    """Gradient descent on E with a learning-rate slider, raced against EM from the same start (1-D data).

    Left: the data, the model after ``step`` gradient-descent steps, and EM's model after as many
    iterations. Right: E against iteration for both. The runs are computed when the learning rate or
    the parameterisation changes (on release); the step slider only scrubs the stored histories.
    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    x : array-like of shape (n_samples,) or (n_samples, 1)
    init : Mixture
        Spherical 1-D starting mixture, shared by gradient descent and EM.
    n_steps : int
        Steps of gradient descent and iterations of EM.
    learning_rate : float
        Starting value of the slider.
    """

    figsize = (9.5, 4.0)
    PARAMETERIZATIONS = {"softmax weights, log σ (always valid)": "unconstrained",
                         "raw P_j and σ_j (naive)": "naive"}

    def __init__(self, x, init: Mixture, *, n_steps: int = 100, learning_rate: float = 3e-3):
        from .em import run_em
        from .gradient import energy

        self.X = np.asarray(x, dtype=float).reshape(-1, 1)
        if init.n_features != 1 or init.covariance_type != "spherical":
            raise ValueError("GradientDescentExplorer needs a spherical 1-D initial mixture.")
        self.init, self.n_steps = init, int(n_steps)
        self.em = run_em(self.X, init, max_iter=self.n_steps, tol=0.0, reg_covar=0.0)
        self.em_energies = -self.em.log_likelihoods
        self.E0 = energy(self.X, init)
        lo, hi = float(self.X.min()), float(self.X.max())
        pad = 0.25 * (hi - lo) + 1.0
        self.grid = np.linspace(lo - pad, hi + pad, 400)
        self._runs = {}
        controls = {
            "learning_rate": slider("learning rate η", learning_rate, -4, -1, 0.05, log=True, continuous_update=False),
            "parameterization": widgets.Dropdown(options=list(self.PARAMETERIZATIONS), description="steps on",
                                                 style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
            "step": int_slider("step / iteration", 0, 0, self.n_steps),
        }
        super().__init__(controls)

    def run(self):
        """The gradient-descent run for the current learning rate and parameterisation (cached)."""
        from .gradient import gradient_descent

        key = (self.state["learning_rate"], self.PARAMETERIZATIONS[self.state["parameterization"]])
        if key not in self._runs:
            self._runs[key] = gradient_descent(self.X, self.init, learning_rate=key[0], n_steps=self.n_steps,
                                               parameterization=key[1])
        return self._runs[key]

    def _at(self, t):
        gd = self.run()
        tg = min(t, gd.n_steps)
        return gd, tg, gd.history[tg], self.em.history[min(t, self.em.n_iter)]

    def _build(self):
        self.ax, self.ax_e = self.figure.subplots(1, 2, width_ratios=[1.3, 1])
        gd, tg, gd_mix, em_mix = self._at(self.state["step"])
        self.em_density = plotting.draw_density_1d(self.ax, em_mix, self.grid, show_components=False,
                                                   color="#999999", label="EM", linestyle="--")
        self.gd_density = plotting.draw_density_1d(self.ax, gd_mix, self.grid, show_components=False,
                                                   color=plotting.component_color(0), label="gradient descent")
        plotting.draw_rug(self.ax, self.X[:, 0])
        self.ax.set_xlim(self.grid[0], self.grid[-1])
        self.ax.set_ylim(-0.03, 0.6)
        self.ax.legend(loc="upper left", fontsize=8)
        self.ax.set_title("model after the chosen step", fontsize=10)
        self.em_curve = plotting.draw_log_likelihood(self.ax_e, self.em_energies, current=0, ylabel="E = -log L",
                                                     label="EM", color="#999999")
        self.em_curve["curve"].set_linestyle("--")          # EM dashed grey in both panels
        self.gd_curve = plotting.draw_log_likelihood(self.ax_e, gd.energies, current=tg, ylabel="E = -log L",
                                                     label="gradient descent", color=plotting.component_color(0))
        e_min = float(self.em_energies.min())
        self.ax_e.set_ylim(e_min - 0.05 * (self.E0 - e_min) - 1, self.E0 + 0.3 * (self.E0 - e_min) + 1)
        self.ax_e.set_xlim(-1, self.n_steps + 1)
        self.ax_e.legend(loc="upper right", fontsize=8)
        self.ax_e.set_title("E against iteration (off the top = blew up)", fontsize=10)
        self.dynamic = flatten_artists(self.em_density, self.gd_density, self.gd_curve, self.em_curve["marker"])

    def _update(self):
        t = self.state["step"]
        gd, tg, gd_mix, em_mix = self._at(t)
        plotting.draw_density_1d(self.ax, em_mix, self.grid, artists=self.em_density)
        plotting.draw_density_1d(self.ax, gd_mix, self.grid, artists=self.gd_density)
        plotting.draw_log_likelihood(self.ax_e, gd.energies, current=tg, artists=self.gd_curve)
        te = min(t, self.em.n_iter)
        self.em_curve["marker"].set_data([te], [self.em_energies[te]])

    def summary(self) -> str:
        t = self.state["step"]
        gd, tg, gd_mix, em_mix = self._at(t)
        te = min(t, self.em.n_iter)

        def describe(m):
            return (f"P = {_fmt(m.weights, '{:.3g}')}, mu = {_fmt(m.means[:, 0], '{:.3g}')}, "
                    f"sigma = {_fmt(np.sqrt(m.covariances), '{:.3g}')}")

        lines = [f"learning rate {self.state['learning_rate']:.1e}, steps on {self.state['parameterization']}; "
                 f"gradient descent: {gd.stop_reason}",
                 f"step {tg}: E = {gd.energies[tg]:.3f}   {describe(gd_mix)}",
                 f"EM iteration {te}: E = {self.em_energies[te]:.3f}   {describe(em_mix)}"]
        rises = sum(1 for e in gd.events[1:tg + 1] if e)
        if rises:
            lines.append(f"E went up in {rises} of the first {tg} gradient steps: the learning rate is too large.")
        return "\n".join(lines)


# --- lessons 4, 5 and 10: EM step by step ---------------------------------------------------------

def _remove_artists(group) -> None:
    for artist in flatten_artists(group):
        artist.remove()


class EMExplorer(Explorer):
    """Step through an EM run on 2-D data: points coloured by responsibility, 1- and 2-sigma ellipses,
    the log-likelihood curve with the current iteration marked, and a readout of P_j, mu_j, sigma_j.

    The run is computed once per choice of data set, number of components, initialisation, seed,
    covariance type (and cheap heuristic on/off); the iteration slider and the Play button only scrub
    the stored history. Introduced in ``notebooks/04_em_algorithm.ipynb``; used in lessons 5 and 10.

    Parameters
    ----------
    data : Dataset or dict of str to Dataset
        One data set, or several to choose from (a dropdown appears).
    n_components, covariance_type, init_method, seed
        Starting values of the run settings.
    settings : sequence of str
        Which run settings get a control: any of ``"n_components"``, ``"init_method"``, ``"seed"``,
        ``"covariance_type"``, ``"heuristic"`` (the cheap heuristic of slide 30 on/off).
    max_iter, tol, reg_covar
        Passed to :func:`emcourse.run_em` (and to the heuristic).
    """

    figsize = (9.5, 4.4)

    def __init__(self, data, *, n_components: int = 3, covariance_type: str = "spherical",
                 init_method: str = "random_points", seed: int = 0, settings=("seed",), max_iter: int = 300,
                 tol: float = 1e-6, reg_covar: float = 1e-6, heuristic: bool = False):
        from .datasets import Dataset

        self.data = {data.name: data} if isinstance(data, Dataset) else dict(data)
        if not self.data:
            raise ValueError("EMExplorer needs at least one data set.")
        for d in self.data.values():
            if d.X.shape[1] != 2:
                raise ValueError(f"EMExplorer draws 2-D data; {d.name!r} has {d.X.shape[1]} features.")
        self.max_iter, self.tol, self.reg_covar = int(max_iter), float(tol), float(reg_covar)
        self._runs = {}
        self._fixed = {"dataset": next(iter(self.data)), "n_components": int(n_components),
                       "init_method": init_method, "seed": int(seed), "covariance_type": covariance_type,
                       "heuristic": bool(heuristic)}
        controls = {}
        if len(self.data) > 1:
            controls["dataset"] = widgets.Dropdown(options=list(self.data), description="data set",
                                                   style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        if "n_components" in settings:
            controls["n_components"] = int_slider("components M", int(n_components), 1, 9, continuous_update=False)
        if "init_method" in settings:
            controls["init_method"] = widgets.Dropdown(options=["random_points", "kmeans++"], value=init_method,
                                                       description="start", style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        if "seed" in settings:
            controls["seed"] = int_slider("seed", int(seed), 0, 49, continuous_update=False)
        if "covariance_type" in settings:
            controls["covariance_type"] = widgets.Dropdown(options=["spherical", "diag", "full"], value=covariance_type,
                                                           description="covariance", style=SLIDER_STYLE,
                                                           layout=SLIDER_LAYOUT)
        if "heuristic" in settings:
            controls["heuristic"] = widgets.Checkbox(value=bool(heuristic), description="cheap heuristic (slide 30)",
                                                     style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self._settings_names = list(controls)
        n_iter = len(self._run_for(self._settings()).history) - 1
        # start at the end of the run; drag back or press play to watch it
        controls["iteration"] = int_slider("iteration", n_iter, 0, max(1, n_iter))
        self.play = widgets.Play(value=0, min=0, max=controls["iteration"].max, interval=250, description="play",
                                 layout=widgets.Layout(width="110px"))
        widgets.jslink((self.play, "value"), (controls["iteration"], "value"))
        widgets.jslink((controls["iteration"], "max"), (self.play, "max"))
        settings_box = widgets.VBox([controls[n] for n in self._settings_names])
        layout = widgets.HBox([settings_box, widgets.VBox([widgets.HBox([controls["iteration"], self.play])])])
        super().__init__(controls, layout=layout)

    # --- runs --------------------------------------------------------------------------------
    def _settings(self) -> tuple:
        s = {**self._fixed, **{k: self.state[k] for k in self._settings_names if k in getattr(self, "state", {})}}
        return (s["dataset"], s["n_components"], s["init_method"], s["seed"], s["covariance_type"], s["heuristic"])

    def _run_for(self, key):
        from .heuristics import run_em_with_resets
        from .em import run_em
        from .seeding import initialize

        if key not in self._runs:
            name, K, method, seed, cov_type, heuristic = key
            X = self.data[name].X
            init = initialize(X, K, cov_type, method, rng=seed)
            if heuristic:
                run = run_em_with_resets(X, init, rng=seed, max_iter=self.max_iter, tol=self.tol,
                                         reg_covar=self.reg_covar)
            else:
                run = run_em(X, init, max_iter=self.max_iter, tol=self.tol, reg_covar=self.reg_covar)
            self._runs[key] = run
        return self._runs[key]

    @property
    def run(self):
        """The run (EMResult or HeuristicResult) for the current settings."""
        return self._run_for(self._settings())

    @property
    def dataset(self):
        return self.data[self._settings()[0]]

    @property
    def iteration(self) -> int:
        return min(int(self.state["iteration"]), self.run.n_iter if hasattr(self.run, "n_iter") else len(self.run.history) - 1)

    # --- drawing -----------------------------------------------------------------------------
    def _limits(self, X):
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.08 * (hi - lo) + 0.5
        return (lo[0] - pad[0], hi[0] + pad[0]), (lo[1] - pad[1], hi[1] + pad[1])

    def _build(self):
        self.ax, self.ax_ll = self.figure.subplots(1, 2, width_ratios=[1.25, 1])
        run, t = self.run, self.iteration
        X = self.dataset.X
        self.fit = plotting.draw_fit(self.ax, X, run.history[t])
        xl, yl = self._limits(X)
        self.ax.set_xlim(*xl)
        self.ax.set_ylim(*yl)
        self.ax.set_aspect("equal", adjustable="box")
        self.ax.set_title("points coloured by responsibility", fontsize=10)
        self.curve = plotting.draw_log_likelihood(self.ax_ll, run.log_likelihoods, current=t,
                                                  ylabel="log-likelihood log L")
        (self.resets,) = self.ax_ll.plot([], [], "v", color=plotting.PALETTE[5], ms=9, ls="none", label="reset")
        self._set_ll_limits()
        self.ax_ll.set_title(self._run_title(), fontsize=10)
        self.dynamic = flatten_artists(self.fit, self.curve, self.resets, self.ax_ll.title)

    def _run_title(self) -> str:
        run = self.run
        if hasattr(run, "n_resets"):
            return f"log L: EM + cheap heuristic ({run.n_resets} resets)"
        return "log L against iteration: plain EM"

    def _set_ll_limits(self):
        lls = self.run.log_likelihoods
        lo, hi = float(lls.min()), float(lls.max())
        span = max(hi - lo, 1e-9 * max(1.0, abs(hi)))
        self.ax_ll.set_xlim(-0.5, max(1, len(lls) - 1) + 0.5)
        self.ax_ll.set_ylim(lo - 0.05 * span, hi + 0.08 * span)

    def _on_change(self, change) -> None:
        name = next(n for n, w in self.controls.items() if w is change["owner"])
        if name != "iteration":
            self.state[name] = change["new"]
            n_iter = len(self.run.history) - 1
            it = self.controls["iteration"]
            self._rebuilt = True
            with it.hold_trait_notifications():
                it.max = max(1, n_iter)
            self.state["iteration"] = n_iter             # show where the new run ends
            it.unobserve(self._on_change, names="value")
            it.value = n_iter
            it.observe(self._on_change, names="value")
        super()._on_change(change)

    def _update(self):
        run, t = self.run, self.iteration
        X = self.dataset.X
        mix = run.history[t]
        if getattr(self, "_rebuilt", False):
            self._rebuilt = False
            ellipses = self.fit["ellipses"]
            if len(ellipses["ellipses"]) != mix.n_components or self.fit["points"]["points"].get_offsets().shape[0] != len(X):
                _remove_artists(self.fit)
                self.fit = plotting.draw_fit(self.ax, X, mix)
                for a in flatten_artists(self.fit):
                    a.set_animated(True)
            xl, yl = self._limits(X)
            self.ax.set_xlim(*xl)
            self.ax.set_ylim(*yl)
            self._set_ll_limits()
            self.invalidate_background()
        plotting.draw_fit(self.ax, X, mix, artists=self.fit)
        plotting.draw_log_likelihood(self.ax_ll, run.log_likelihoods, current=t, artists=self.curve)
        events = getattr(run, "events", None)
        marks = [i for i, e in enumerate(events) if e] if events else []
        self.resets.set_data(marks, run.log_likelihoods[marks] if marks else [])
        self.ax_ll.title.set_text(self._run_title())
        self.dynamic = flatten_artists(self.fit, self.curve, self.resets, self.ax_ll.title)

    def summary(self) -> str:
        run, t = self.run, self.iteration
        mix = run.history[t]
        lls = run.log_likelihoods
        n = len(self.dataset.X)
        name, K, method, seed, cov_type, heuristic = self._settings()
        head = (f"{name}: N = {n}, M = {K}, {cov_type}, start {method} (seed {seed})"
                + (", cheap heuristic on" if heuristic else ""))
        change = f", change {lls[t] - lls[t - 1]:+.4f}" if t > 0 else ""
        status = f"; {run.stop_reason}" if t == len(lls) - 1 else ""
        lines = [head, f"iteration {t} of {len(lls) - 1}: log L = {lls[t]:.3f} (per point {lls[t] / n:.4f}){change}{status}"]
        sd = np.sqrt(mix.variances)
        for j in range(mix.n_components):
            lines.append(f"  {j + 1}: P = {mix.weights[j]:.3f}, mu = ({mix.means[j, 0]:+.2f}, {mix.means[j, 1]:+.2f}), "
                         f"sigma = ({sd[j, 0]:.2f}, {sd[j, 1]:.2f})")
        events = getattr(run, "events", None)
        if events and events[t]:
            lines.append(f"reset here: {events[t]}")
        elif events and any(events):
            lines.append(f"{sum(1 for e in events if e)} reset(s) in this run, at iterations "
                         f"{[i for i, e in enumerate(events) if e]}")
        return "\n".join(lines)


# --- lesson 6: on-line updates --------------------------------------------------------------------

class RunningVarianceExplorer(Explorer):
    """A stream revealed sample by sample, with the running variance three ways against the truth.

    Welford's update, slide 23's recursion and <x^2> - <x>^2, on unit-variance data shifted by an
    ``offset`` (up to 1e9), in float64 or float32. Introduced in ``notebooks/06_online_updates.ipynb``.
    """

    figsize = (9.5, 4.0)
    METHODS = (("welford", "Welford", 0, "-"), ("slide23", "slide 23", 1, "--"), ("naive", "<x²> − <x>²", 5, ":"))

    def __init__(self, *, n_samples: int = 400, seed: int = 0):
        self.n = int(n_samples)
        self.base = np.random.default_rng(seed).normal(0.0, 1.0, self.n)
        self._cache = {}
        controls = {
            "n_seen": int_slider("samples seen n", 8, 1, self.n),
            "offset": slider("data offset", 1.0, 0, 9, 0.5, log=True, continuous_update=False),
            "precision": widgets.Dropdown(options=["float64", "float32"], description="precision",
                                          style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
        }
        super().__init__(controls)

    def curves(self) -> dict:
        """Running variances for the current offset and precision (cached), plus the exact two-pass values."""
        from .online import running_variance

        key = (self.state["offset"], self.state["precision"])
        if key not in self._cache:
            dtype = np.dtype(self.state["precision"])
            x = (self.base + self.state["offset"]).astype(dtype)
            out = {m: running_variance(x, m, dtype=dtype).astype(float) for m, *_ in self.METHODS}
            xd = x.astype(np.float64)
            k = np.arange(1, self.n + 1)
            mean = np.cumsum(xd - xd[0]) / k + xd[0]
            out["exact"] = np.array([np.mean((xd[:i] - mean[i - 1]) ** 2) for i in k])
            self._cache[key] = out
        return self._cache[key]

    def _build(self):
        self.ax = self.figure.subplots()
        c = self.curves()
        k = np.arange(1, self.n + 1)
        (self.exact,) = self.ax.plot(k, c["exact"], color="black", lw=3, alpha=0.35, label="exact (two-pass)")
        self.lines = {}
        for m, label, colour, ls in self.METHODS:
            (self.lines[m],) = self.ax.plot(k, c[m], color=plotting.component_color(colour), ls=ls, lw=1.8, label=label)
        (self.cursor,) = self.ax.plot([self.state["n_seen"]] * 2, [-10, 10], color="#555555", lw=1)
        self.ax.set_xscale("log")
        self.ax.set_ylim(-0.5, 2.5)
        self.ax.set_xlim(1, self.n)
        self.ax.set_xlabel("samples seen n (log scale)")
        self.ax.set_ylabel("running variance $\\sigma_n^2$")
        self.ax.axhline(1.0, color="#999999", lw=0.8)
        self.ax.legend(loc="upper right", fontsize=8)
        self.ax.set_title(self._title(), fontsize=10)
        self.dynamic = flatten_artists(self.exact, list(self.lines.values()), self.cursor, self.ax.title)

    def _title(self) -> str:
        return (f"running variance, data offset {self.state['offset']:.1e}, {self.state['precision']} "
                "(off-chart values clipped)")

    def _update(self):
        c = self.curves()
        for m, line in self.lines.items():
            line.set_ydata(np.clip(c[m], -0.5, 2.5))
        self.exact.set_ydata(c["exact"])
        self.cursor.set_xdata([self.state["n_seen"]] * 2)
        self.ax.title.set_text(self._title())

    def summary(self) -> str:
        c = self.curves()
        i = self.state["n_seen"] - 1
        lines = [f"n = {i + 1} samples, offset {self.state['offset']:.1e}, {self.state['precision']}: "
                 f"exact (two-pass) variance {c['exact'][i]:.6g}"]
        for m, label, *_ in self.METHODS:
            v = c[m][i]
            rel = (v - c["exact"][i]) / c["exact"][i] if c["exact"][i] > 0 else 0.0
            lines.append(f"  {label:12s} {v:.6g}" + (f"  (relative error {rel:+.1e})" if i > 0 else ""))
        return "\n".join(lines)


class OnlineEMExplorer(Explorer):
    """Batch vs incremental vs stepwise EM on one data set: log L per point after each pass through the data.

    Controls: the stepwise step-size exponent alpha, the mini-batch / block size m, and the pass to show
    (the right panel draws the stepwise fit after that pass). Runs are computed on release and cached.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """

    figsize = (9.5, 4.2)
    SIZES = (1, 2, 5, 10, 20, 50, 100)

    def __init__(self, data, *, n_components: int = 9, seed: int = 0, n_passes: int = 10):
        from .online import batch_em_passes
        from .seeding import initialize

        self.data = data
        self.n_passes = int(n_passes)
        self.seed = int(seed)
        self.init = initialize(data.X, n_components, "spherical", "kmeans++", rng=self.seed)
        self.batch = batch_em_passes(data.X, self.init, n_passes=self.n_passes)
        self.truth_ll = data.truth.log_likelihood(data.X) / len(data.X)
        self._cache = {}
        controls = {
            "alpha": slider("stepwise α", 0.6, 0.5, 1.0, 0.05, continuous_update=False),
            "batch_size": widgets.SelectionSlider(options=list(self.SIZES), value=10, description="batch size m",
                                                  continuous_update=False, style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
            "pass_no": int_slider("after pass", 1, 0, self.n_passes),
        }
        super().__init__(controls)

    def runs(self) -> dict:
        """The three runs for the current alpha and m (cached)."""
        from .online import incremental_em, stepwise_em

        a, m = round(self.state["alpha"], 4), int(self.state["batch_size"])
        if ("inc", m) not in self._cache:
            self._cache[("inc", m)] = incremental_em(self.data.X, self.init, n_passes=self.n_passes, block_size=m,
                                                     rng=self.seed)
        if ("step", a, m) not in self._cache:
            self._cache[("step", a, m)] = stepwise_em(self.data.X, self.init, n_passes=self.n_passes, batch_size=m,
                                                      alpha=a, rng=self.seed)
        return {"batch EM": self.batch, "incremental EM": self._cache[("inc", m)],
                f"stepwise EM": self._cache[("step", a, m)]}

    def _build(self):
        self.ax, self.ax_fit = self.figure.subplots(1, 2, width_ratios=[1.2, 1])
        n = len(self.data.X)
        self.curves = {}
        for k, (name, run) in enumerate(self.runs().items()):
            self.curves[name] = plotting.draw_log_likelihood(self.ax, run.log_likelihoods / n, current=1,
                                                             ylabel="log L per point", label=name,
                                                             color=plotting.component_color([7, 0, 1][k]))
        self.ax.axhline(self.truth_ll, color="black", ls=":", lw=1, label="true mixture")
        self.ax.set_xlabel("passes through the data")
        self.ax.set_xlim(-0.3, self.n_passes + 0.3)
        lo = float(self.batch.log_likelihoods[0] / n)
        self.ax.set_ylim(lo - 0.05 * abs(lo - self.truth_ll), self.truth_ll + 0.15 * abs(lo - self.truth_ll))
        self.ax.legend(loc="lower right", fontsize=8)
        self.ax.set_title("log L per point after each pass", fontsize=10)
        stepwise = self.runs()["stepwise EM"]
        self.fit = plotting.draw_fit(self.ax_fit, self.data.X, stepwise.history[1], size=5)
        self.ax_fit.set_aspect("equal")
        self.ax_fit.set_title("stepwise EM's fit after the chosen pass", fontsize=10)
        self.dynamic = flatten_artists(self.curves, self.fit)

    def _update(self):
        n = len(self.data.X)
        t = self.state["pass_no"]
        runs = self.runs()
        for name, run in runs.items():
            plotting.draw_log_likelihood(self.ax, run.log_likelihoods / n, current=min(t, len(run.history) - 1),
                                         artists=self.curves[name])
        step = runs["stepwise EM"]
        plotting.draw_fit(self.ax_fit, self.data.X, step.history[min(t, len(step.history) - 1)], artists=self.fit)

    def summary(self) -> str:
        n = len(self.data.X)
        t = self.state["pass_no"]
        lines = [f"alpha = {self.state['alpha']:.2f}, m = {self.state['batch_size']}; log L per point after pass {t} "
                 f"(true mixture: {self.truth_ll:.4f})"]
        for name, run in self.runs().items():
            lls = run.log_likelihoods / n
            tt = min(t, len(lls) - 1)
            drops = int(np.sum(np.diff(lls) < -1e-9))
            lines.append(f"  {name:15s} {lls[tt]:.4f}   (log L went down in {drops} of {len(lls) - 1} passes)")
        return "\n".join(lines)


# --- lesson 7: Gaussian ARTMAP --------------------------------------------------------------------

def _category_ellipses(ax, means, sigmas, labels, classes, artists=None, n_std=1.0):
    """Axis-aligned 1-sigma ellipses of ARTMAP categories, coloured by class (rebuilt: the count changes)."""
    if artists is not None:
        for e in artists:
            e.remove()
    out = []
    for m, s, lab in zip(means, sigmas, labels):
        k = int(np.searchsorted(classes, lab))
        e = Ellipse(m, 2 * n_std * s[0], 2 * n_std * s[1], fill=False, lw=1.4, edgecolor=plotting.component_color(k),
                    animated=True)
        ax.add_patch(e)
        out.append(e)
    return out


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
                 random_state: int = 0, feature_names=("feature 1 (scaled)", "feature 2 (scaled)")):
        self.feature_names = tuple(feature_names)
        self.X, self.y = np.asarray(X, float), np.asarray(y)
        self.sigma_min = float(sigma_min)
        if self.X.ndim != 2 or self.X.shape[1] != 2:
            raise ValueError("ArtmapExplorer draws 2-D data: X must have shape (n_samples, 2).")
        self.X_test = None if X_test is None else np.asarray(X_test, float)
        self.y_test = None if y_test is None else np.asarray(y_test)
        self.random_state = int(random_state)
        self._cache = {}
        g = np.linspace(-0.05, 1.05, 110)
        self.gx, self.gy = np.meshgrid(g, g)
        controls = {
            "rho": slider("vigilance ρ̄", rho, 0.0, 0.95, 0.05, continuous_update=False),
            "gamma": slider("initial width γ", gamma, 0.04, 0.5, 0.02, continuous_update=False),
        }
        super().__init__(controls)

    def model(self):
        """The fitted GaussianARTMAP for the current rho and gamma (cached)."""
        from .artmap import GaussianARTMAP

        key = (round(self.state["rho"], 4), round(self.state["gamma"], 4))
        if key not in self._cache:
            self._cache[key] = GaussianARTMAP(rho=key[0], gamma=key[1], sigma_min=self.sigma_min,
                                              random_state=self.random_state).fit(self.X, self.y)
        return self._cache[key]

    def _vote_image(self, model):
        grid = np.column_stack([self.gx.ravel(), self.gy.ravel()])
        proba = model.predict_proba(grid)
        rgb = plotting.blend_colors(proba)
        return (0.45 * rgb + 0.55).reshape(self.gx.shape + (3,))

    def _build(self):
        self.ax, self.ax_bar = self.figure.subplots(1, 2, width_ratios=[1.5, 1])
        model = self.model()
        self.vote = self.ax.imshow(self._vote_image(model), origin="lower", extent=(-0.05, 1.05, -0.05, 1.05),
                                    interpolation="bilinear", zorder=0)
        codes = np.searchsorted(model.classes_, self.y)
        self.points = plotting.draw_samples_2d(self.ax, self.X, labels=codes, n_components=len(model.classes_),
                                               size=14, edgecolor="#333333")
        self.ellipses = _category_ellipses(self.ax, model.means_, model.sigmas_, model.labels_, model.classes_)
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
        self.ellipses = _category_ellipses(self.ax, model.means_, model.sigmas_, model.labels_, model.classes_,
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
        from .artmap import GaussianARTMAP

        self.X, self.y = np.asarray(X, float)[:n_samples], np.asarray(y)[:n_samples]
        self.model = GaussianARTMAP(rho=rho, gamma=gamma, shuffle=False, random_state=0).fit(self.X, self.y)
        self.events = self.model.trace_
        self.classes = self.model.classes_
        controls = {"t": int_slider("sample t", 1, 1, len(self.X))}
        self.play = widgets.Play(value=1, min=1, max=len(self.X), interval=700, description="play")
        widgets.jslink((self.play, "value"), (controls["t"], "value"))
        super().__init__(controls, layout=widgets.HBox([controls["t"], self.play]))

    def categories_after(self, t: int):
        """(means, sigmas, labels) of the categories after the first t samples, replayed from the trace."""
        state = {}
        for e in self.events:
            if e.sample >= t:
                break
            if e.kind in ("new_category", "learn"):
                state[e.category] = (e.mean, e.sigma, e.true)
        if not state:
            return np.zeros((0, 2)), np.zeros((0, 2)), np.array([])
        keys = sorted(state)
        return (np.array([state[k][0] for k in keys]), np.array([state[k][1] for k in keys]),
                np.array([state[k][2] for k in keys]))

    def _build(self):
        self.ax = self.figure.subplots()
        codes = np.searchsorted(self.classes, self.y)
        plotting.draw_samples_2d(self.ax, self.X, labels=codes, n_components=len(self.classes), size=16,
                                 edgecolor="#333333")
        means, sigmas, labels = self.categories_after(self.state["t"])
        self.ellipses = _category_ellipses(self.ax, means, sigmas, labels, self.classes)
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
        self.ellipses = _category_ellipses(self.ax, means, sigmas, labels, self.classes, artists=self.ellipses)
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


# --- lesson 8: split-and-merge EM -----------------------------------------------------------------

class SMEMExplorer(Explorer):
    """Step through every candidate SMEM tried on 2-D data: the mixture before, after the merge/split
    initialisation, after partial EM and after full EM, with the candidate's three components marked.

    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    result : SMEMResult
        From :func:`emcourse.smem.run_smem`.
    """

    figsize = (9.5, 4.4)
    STAGES = ("before", "after merge/split init", "after partial EM", "after full EM")

    def __init__(self, X, result):
        self.X, self.result = np.asarray(X, float), result
        if not result.history:
            raise ValueError("this SMEM run tried no candidate; nothing to step through.")
        controls = {
            "candidate": int_slider("candidate", 1, 1, len(result.history)),
            "stage": widgets.Dropdown(options=list(self.STAGES), value="after full EM", description="show",
                                      style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
        }
        super().__init__(controls)

    def _candidate(self):
        return self.result.history[self.state["candidate"] - 1]

    def _mixture(self):
        c = self._candidate()
        stage = self.state["stage"]
        return {"before": c.before, "after merge/split init": c.initial, "after partial EM": c.after_partial,
                "after full EM": c.after_full if c.after_full is not None else c.after_partial}[stage]

    def _build(self):
        self.ax, self.ax_ll = self.figure.subplots(1, 2, width_ratios=[1.2, 1])
        self.fit = plotting.draw_fit(self.ax, self.X, self._mixture(), size=6)
        (self.marks,) = self.ax.plot([], [], "o", ms=22, mfc="none", mec="black", mew=2.5)
        self.ax.set_aspect("equal")
        lo, hi = self.X.min(0) - 1, self.X.max(0) + 1
        self.ax.set_xlim(lo[0], hi[0])
        self.ax.set_ylim(lo[1], hi[1])
        self.ax.set_title("ringed: the three components of the candidate", fontsize=10)
        n = len(self.X)
        after = np.array([c.log_likelihood_after / n for c in self.result.history])
        ok = np.array([c.accepted for c in self.result.history])
        idx = np.arange(1, len(after) + 1)
        finite = np.isfinite(after)
        self.ax_ll.plot(idx[finite & ~ok], after[finite & ~ok], "x", color="#777777", ms=8, label="rejected")
        self.ax_ll.plot(idx[ok], after[ok], "o", color=plotting.component_color(2), ms=9, label="accepted")
        before = np.array([c.log_likelihood_before / n for c in self.result.history])
        self.ax_ll.step(idx, before, where="mid", color="black", lw=1.5, label="log L to beat")
        (self.cursor,) = self.ax_ll.plot([1, 1], [min(before.min(), np.nanmin(after[finite]) if finite.any() else before.min()),
                                                  max(before.max(), np.nanmax(after[finite]) if finite.any() else before.max())],
                                         color=plotting.component_color(5), lw=2)
        self.ax_ll.set_xlabel("candidate")
        self.ax_ll.set_ylabel("log L per point after full EM")
        self.ax_ll.legend(loc="lower right", fontsize=8)
        self.ax_ll.set_title("every candidate SMEM tried", fontsize=10)
        self.dynamic = flatten_artists(self.fit, self.marks, self.cursor)

    def _update(self):
        c = self._candidate()
        mix = self._mixture()
        plotting.draw_fit(self.ax, self.X, mix, artists=self.fit)
        triple = list(c.triple)
        self.marks.set_data(mix.means[triple, 0], mix.means[triple, 1])
        self.cursor.set_xdata([self.state["candidate"]] * 2)

    def summary(self) -> str:
        c = self._candidate()
        n = len(self.X)
        i, j, k = (t + 1 for t in c.triple)
        return "\n".join([
            f"candidate {self.state['candidate']} of {len(self.result.history)} (round {c.step + 1}, rank {c.rank + 1}): "
            f"merge {i} + {j}, split {k}; J_merge = {c.j_merge:.3g}, J_split = {c.j_split:.3g}",
            f"log L per point: before {c.log_likelihood_before / n:.4f}, after init {c.log_likelihood_initial / n:.4f}, "
            f"after partial EM {c.log_likelihood_partial / n:.4f}, after full EM {c.log_likelihood_after / n:.4f}",
            f"showing: {self.state['stage']}; {c.event}",
        ])


class ReconstructionExplorer(Explorer):
    """Originals next to their reconstructions by several models (e.g. MFA and PCA), one image at a time.

    Introduced in ``notebooks/09_mixture_of_factor_analyzers.ipynb``.

    Parameters
    ----------
    originals : ndarray of shape (n_images, n_pixels)
    reconstructions : dict of str to ndarray of shape (n_images, n_pixels)
    shape : (int, int)
        Height and width of one image.
    """

    figsize = (9.0, 3.0)

    def __init__(self, originals, reconstructions: dict, shape):
        self.originals = np.asarray(originals, float)
        self.recon = {k: np.asarray(v, float) for k, v in reconstructions.items()}
        self.shape = tuple(shape)
        self.vmin, self.vmax = float(self.originals.min()), float(self.originals.max())
        controls = {"index": int_slider("image", 0, 0, len(self.originals) - 1)}
        super().__init__(controls)

    def _build(self):
        names = ["original"] + list(self.recon)
        axes = self.figure.subplots(1, len(names))
        self.images = []
        for ax, name in zip(axes, names):
            im = ax.imshow(np.zeros(self.shape), cmap="gray_r", vmin=self.vmin, vmax=self.vmax, interpolation="nearest")
            ax.set_title(name, fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
            self.images.append(im)
        self.dynamic = list(self.images)

    def _update(self):
        i = self.state["index"]
        arrays = [self.originals[i]] + [r[i] for r in self.recon.values()]
        for im, a in zip(self.images, arrays):
            im.set_data(a.reshape(self.shape))

    def summary(self) -> str:
        i = self.state["index"]
        errs = ", ".join(f"{k}: {np.mean((v[i] - self.originals[i]) ** 2):.4f}" for k, v in self.recon.items())
        return f"image {i}: squared error per pixel — {errs}"
