"""Lesson 9's explorer: originals beside their reconstructions (floor 3)."""
from __future__ import annotations

import numpy as np

from ._base import Explorer, int_slider


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
