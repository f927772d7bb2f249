"""Lesson 11's explorer: spherical EM with a fixed sigma, and k-means as its limit sigma -> 0 (floor 3)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ._base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, flatten_artists, int_slider


def sigma_label(sigma: float) -> str:
    """How a sigma is named on the slider: "0 (k-means)" for the hard limit.

    Introduced in ``notebooks/11_em_in_practice.ipynb``.
    """
    return "0 (k-means)" if sigma == 0 else f"{sigma:g}"


class KMeansLimitExplorer(Explorer):
    """Scrub stored runs of means-only EM (equal weights, one fixed sigma) for several sigmas, and k-means.

    Left: the points coloured by their stored responsibilities (a blend of colours is a soft assignment,
    pure colours a hard one), the current means, and k-means' final means as black crosses. Right: k-means'
    objective (mean squared distance to the nearest mean) against iteration for this run and for k-means.
    Nothing is re-run: every control only picks a stored record. Introduced in
    ``notebooks/11_em_in_practice.ipynb``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    runs : dict of float to MeansRun
        From :func:`emcourse.methods.kmeans.kmeans_limit` (key 0.0 is k-means).
    sigma : float or str, optional
        The sigma shown first (default: the largest), as a number or as its slider label (see
        :func:`sigma_label`); :meth:`set` takes the same.
    """

    figsize = (9.5, 4.4)

    def __init__(self, X, runs: dict, *, sigma: float | None = None):
        self.X = np.asarray(X, dtype=float)
        if self.X.ndim != 2 or self.X.shape[1] != 2:
            raise ValueError(f"KMeansLimitExplorer draws 2-D data; X has shape {self.X.shape}.")
        if 0.0 not in runs or len(runs) < 2:
            raise ValueError("runs must hold k-means (key 0.0) and at least one sigma > 0: use kmeans_limit().")
        self.runs = {float(s): runs[s] for s in sorted(runs, reverse=True)}
        self.labels = {sigma_label(s): s for s in self.runs}
        first = max(self.runs) if sigma is None else self._stored_sigma(sigma)
        n_iter = self.runs[first].n_iter
        controls = {
            "sigma": widgets.SelectionSlider(options=list(self.labels), value=sigma_label(first), description="σ (fixed)",
                                             continuous_update=True, style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
            "iteration": int_slider("iteration", n_iter, 0, max(1, n_iter)),
        }
        super().__init__(controls)

    def _stored_sigma(self, value) -> float:
        """The stored sigma that ``value`` names: a number (1.0, 0) or a slider label ('0 (k-means)', '2')."""
        if isinstance(value, str) and value in self.labels:
            return self.labels[value]
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
        if number is not None:
            for stored in self.runs:
                if np.isclose(number, stored, rtol=1e-12, atol=0.0):
                    return stored
        raise ValueError(f"sigma={value!r} is not one of the stored runs; choose one of "
                         f"{', '.join(f'{s:g}' for s in self.runs)} (a number, or its slider label: "
                         f"{', '.join(repr(label) for label in self.labels)}).")

    def set(self, **values) -> "KMeansLimitExplorer":
        """Set controls by name; ``sigma`` may be a stored sigma as a number (``sigma=0.0``) or its label."""
        if "sigma" in values:
            values = {**values, "sigma": sigma_label(self._stored_sigma(values["sigma"]))}
        return super().set(**values)

    @property
    def sigma(self) -> float:
        return self.labels[self.state["sigma"]]

    @property
    def run(self):
        """The stored run for the current sigma."""
        return self.runs[self.sigma]

    @property
    def iteration(self) -> int:
        return min(int(self.state["iteration"]), self.run.n_iter)

    def _on_change(self, change) -> None:
        if change["owner"] is self.controls["sigma"]:
            self.state["sigma"] = change["new"]
            it = self.controls["iteration"]
            n_iter = self.run.n_iter
            it.unobserve(self._on_change, names="value")
            it.max = max(1, n_iter)
            it.value = n_iter                           # show where the new run ends
            it.observe(self._on_change, names="value")
            self.state["iteration"] = it.value
        super()._on_change(change)

    def _build(self):
        self.ax, self.ax_j = self.figure.subplots(1, 2, width_ratios=[1.2, 1])
        run, t = self.run, self.iteration
        self.points = plotting.draw_samples_2d(self.ax, self.X, resp=run.resp_history[t], size=10)
        n_components = run.mixture.n_components
        self.means = [self.ax.plot(*run.history[t].means[j], marker=plotting.component_marker(j), ms=11, ls="none",
                                   color=plotting.component_color(j), mec="black", mew=1.0)[0]
                      for j in range(n_components)]
        final = self.runs[0.0].mixture.means
        self.ax.plot(final[:, 0], final[:, 1], "x", color="black", ms=12, mew=2.5, label="k-means' final means")
        lo, hi = self.X.min(0), self.X.max(0)
        pad = 0.08 * (hi - lo) + 0.3
        self.ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        self.ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        self.ax.set_aspect("equal", adjustable="box")
        self.ax.legend(loc="upper left", fontsize=8)
        self.ax.set_title("colour = responsibilities (blend = soft)", fontsize=10)
        longest = max(r.n_iter for r in self.runs.values())
        top = max(float(r.distortions.max()) for r in self.runs.values())
        bottom = min(float(r.distortions.min()) for r in self.runs.values())
        km = self.runs[0.0].distortions
        self.ax_j.plot(np.arange(km.size), km, "--", color="black", lw=1.5, label="k-means")
        self.curve = plotting.draw_log_likelihood(self.ax_j, run.distortions, current=t, color=plotting.component_color(5),
                                                  label="EM with this σ", ylabel="mean squared distance to nearest mean")
        self.ax_j.set_xlim(-0.5, longest + 0.5)
        span = max(top - bottom, 1e-9)
        self.ax_j.set_ylim(bottom - 0.05 * span, top + 0.05 * span)
        self.ax_j.legend(loc="upper right", fontsize=8)
        self.ax_j.set_title("k-means' objective against iteration", fontsize=10)
        self.dynamic = flatten_artists(self.points, self.means, self.curve)

    def _update(self):
        run, t = self.run, self.iteration
        plotting.draw_samples_2d(self.ax, self.X, resp=run.resp_history[t], artists=self.points)
        for j, m in enumerate(self.means):
            m.set_data([run.history[t].means[j, 0]], [run.history[t].means[j, 1]])
        plotting.draw_log_likelihood(self.ax_j, run.distortions, current=t, artists=self.curve)

    def summary(self) -> str:
        run, t = self.run, self.iteration
        km = self.runs[0.0]
        means = run.history[t].means
        gap = float(np.abs(run.mixture.means - km.mixture.means).max())
        kind = "k-means, hard assignments to the nearest mean" if run.sigma == 0 else \
            f"EM for the means, every σ fixed at {run.sigma:g}, weights 1/{means.shape[0]}"
        lines = [f"σ = {run.sigma:g}: {kind}",
                 f"iteration {t} of {run.n_iter}: mean squared distance to the nearest mean {run.distortions[t]:.4f} "
                 f"(k-means ends at {km.distortions[-1]:.4f})",
                 f"softness (average of 1 - largest responsibility): {run.softness[t]:.4f}",
                 "means: " + ", ".join(f"({m[0]:+.2f}, {m[1]:+.2f})" for m in means),
                 f"final means differ from k-means' final means by at most {gap:.2g}"]
        return "\n".join(lines)
