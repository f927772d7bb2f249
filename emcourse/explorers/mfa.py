"""Lesson 9's explorer: originals beside their reconstructions, over a small grid of stored fits (floor 3)."""
from __future__ import annotations

import itertools

import ipywidgets as widgets
import numpy as np

from ._base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, int_slider


class ReconstructionExplorer(Explorer):
    """Originals next to their reconstructions by several models (e.g. MFA and PCA), one image at a time.

    Introduced in ``notebooks/09_mixture_of_factor_analyzers.ipynb``. Every control scrubs stored arrays:
    the fits behind them are made once, in the notebook.

    Parameters
    ----------
    originals : ndarray of shape (n_images, n_pixels)
    reconstructions : dict
        Without ``settings``: panel title -> ndarray of shape (n_images, n_pixels). With ``settings``: panel
        title -> {tuple of setting values (in the order of ``settings``) -> ndarray}, one array for every
        combination; a title may name the settings in braces, e.g. ``"MFA, M = {M}, k = {k}"``.
    shape : (int, int)
        Height and width of one image.
    settings : dict of str to sequence, optional
        A small grid of stored fits, e.g. ``{"M": (1, 5, 10), "k": (2, 6)}``: one slider per setting over
        its values.
    """

    figsize = (9.0, 3.0)

    def __init__(self, originals, reconstructions: dict, shape, *, settings: dict | None = None):
        self.originals = np.asarray(originals, float)
        self.settings = {name: list(values) for name, values in (settings or {}).items()}
        grid = list(itertools.product(*self.settings.values()))
        self.recon = {}
        for title, value in reconstructions.items():
            stored = value if self.settings else {(): value}
            if self.settings and (not isinstance(stored, dict) or set(stored) != set(grid)):
                raise ValueError(f"panel {title!r} needs one array for each of the {len(grid)} combinations of "
                                 f"{list(self.settings)} = {grid}.")
            self.recon[title] = {key: np.asarray(stored[key], float) for key in (grid or [()])}
        for title, arrays in self.recon.items():
            for key, a in arrays.items():
                if a.shape != self.originals.shape:
                    raise ValueError(f"panel {title!r} {key or ''}: shape {a.shape}, expected the originals' "
                                     f"{self.originals.shape}.")
        self.shape = tuple(shape)
        self.vmin, self.vmax = float(self.originals.min()), float(self.originals.max())
        controls = {"index": int_slider("image", 0, 0, len(self.originals) - 1)}
        for name, values in self.settings.items():
            controls[name] = widgets.SelectionSlider(options=values, value=values[-1], description=name,
                                                     continuous_update=True, style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        super().__init__(controls)

    def _key(self) -> tuple:
        return tuple(self.state[name] for name in self.settings)

    def _titles(self) -> list:
        values = dict(zip(self.settings, self._key()))
        return [title.format(**values) for title in self.recon]

    def _build(self):
        axes = self.figure.subplots(1, len(self.recon) + 1)
        self.images = []
        for ax, name in zip(axes, ["original"] + self._titles()):
            im = ax.imshow(np.zeros(self.shape), cmap="gray_r", vmin=self.vmin, vmax=self.vmax, interpolation="nearest")
            ax.set_title(name, fontsize=10)
            ax.set_xticks([])
            ax.set_yticks([])
            self.images.append(im)
        self.titles = [ax.title for ax in axes[1:]]
        self.dynamic = list(self.images) + (self.titles if self.settings else [])

    def _update(self):
        i, key = self.state["index"], self._key()
        arrays = [self.originals[i]] + [r[key][i] for r in self.recon.values()]
        for im, a in zip(self.images, arrays):
            im.set_data(a.reshape(self.shape))
        for text, title in zip(self.titles, self._titles()):
            text.set_text(title)

    def summary(self) -> str:
        i, key = self.state["index"], self._key()
        where = ", ".join(f"{k} = {v}" for k, v in zip(self.settings, key))
        lines = [f"image {i}{f' ({where})' if where else ''}: squared error per pixel, this image "
                 f"[mean over all {len(self.originals)} images]"]
        for title, r in zip(self._titles(), self.recon.values()):
            lines.append(f"  {title}: {np.mean((r[key][i] - self.originals[i]) ** 2):.4f} "
                         f"[{np.mean((r[key] - self.originals) ** 2):.4f}]")
        return "\n".join(lines)
