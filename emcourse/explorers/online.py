"""Lesson 6's explorers: running variances, and batch vs incremental vs stepwise EM (floor 3)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ..methods.online_em import batch_em_passes, incremental_em, stepwise_em
from ..methods.running import running_variance, two_pass_variances
from .._validation import check_rng
from ..seeding import initialize
from ._base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, flatten_artists, int_slider, slider


class RunningVarianceExplorer(Explorer):
    """A stream revealed sample by sample, with the running variance three ways against the truth.

    Welford's update, slide 23's recursion and <x^2> - <x>^2, on unit-variance data shifted by an
    ``offset`` (up to 1e9), in float64 or float32. The "exact" variance is that of the samples as stored in the
    chosen precision; when that precision is too coarse at the offset to hold the data's spread (float32 near
    1e8: neighbouring numbers are 8 apart), the readout says so instead of reporting relative errors against 0.
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """

    figsize = (9.5, 4.0)
    METHODS = (("welford", "Welford", 0, "-"), ("slide23", "slide 23", 1, "--"), ("naive", "<x²> − <x>²", 3, ":"))
    #: gap between neighbouring numbers (as a fraction of the data's unit spread) from which the readout warns
    COARSE = 0.01

    def __init__(self, *, n_samples: int = 400, rng=0):
        self.n = int(n_samples)
        self.base = check_rng(rng).normal(0.0, 1.0, self.n)
        self.unrounded = two_pass_variances(self.base)    # the data's variance before any rounding (offset-free)
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
        key = (self.state["offset"], self.state["precision"])
        if key not in self._cache:
            dtype = np.dtype(self.state["precision"])
            x = (self.base + self.state["offset"]).astype(dtype)
            out = {m: running_variance(x, m, dtype=dtype).astype(float) for m, *_ in self.METHODS}
            out["exact"] = two_pass_variances(x.astype(np.float64))
            out["gap"] = float(np.spacing(np.abs(x).max()))          # distance to the next number of this precision
            out["distinct"] = np.array([np.unique(x[:k]).size for k in range(1, self.n + 1)])
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
        offset, precision, exact = self.state["offset"], self.state["precision"], c["exact"][i]
        lines = [f"n = {i + 1} samples, offset {offset:.1e}, {precision}: exact (two-pass) variance of the stored "
                 f"samples {exact:.6g}"]
        if c["gap"] >= self.COARSE:
            k = c["distinct"][i]
            lines.append(f"  {precision} numbers near {offset:.1e} are {c['gap']:g} apart, against a spread of about 1: the "
                         f"{i + 1} samples were stored as {k} distinct value{'s' if k > 1 else ''} before any formula saw "
                         f"them (their variance before rounding: {self.unrounded[i]:.6g})")
        for m, label, *_ in self.METHODS:
            v = c[m][i]
            if i == 0:
                note = ""
            elif exact > 0:
                note = f"  (relative error {(v - exact) / exact:+.1e})"
            else:
                note = "  (the stored samples are all equal: no relative error)"
            lines.append(f"  {label:12s} {v:.6g}{note}")
        return "\n".join(lines)


class OnlineEMExplorer(Explorer):
    """Batch vs incremental vs stepwise EM on one data set: log L per point after each pass through the data.

    Controls: the stepwise step-size exponent alpha (0.55 to 1: the convergence theory needs 0.5 < alpha <= 1), the
    size m of stepwise EM's mini-batches and of incremental EM's blocks, and the pass to show (the right panel draws
    the stepwise fit after that pass). Runs are computed on release and cached; while a
    new one runs the readout says so (with m = 1 it takes seconds).
    Introduced in ``notebooks/06_online_updates.ipynb``.
    """

    figsize = (9.5, 4.2)
    SIZES = (1, 2, 5, 10, 20, 50, 100)

    def __init__(self, data, *, n_components: int = 9, rng: int = 0, n_passes: int = 10):
        self.data = data
        self.n_passes = int(n_passes)
        self.seed = int(rng)
        self.init = initialize(data.X, n_components, "spherical", "kmeans++", rng=self.seed)
        self.batch = batch_em_passes(data.X, self.init, n_passes=self.n_passes)
        self.truth_ll = data.truth.log_likelihood(data.X) / len(data.X)
        self._cache = {}
        controls = {
            "alpha": slider("stepwise α", 0.6, 0.55, 1.0, 0.05, continuous_update=False),     # theory: 0.5 < α <= 1
            "batch_size": widgets.SelectionSlider(options=list(self.SIZES), value=10, description="batch / block m",
                                                  continuous_update=False, style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
            "pass_no": int_slider("after pass", 1, 0, self.n_passes),
        }
        super().__init__(controls)

    def runs(self) -> dict:
        """The three runs for the current alpha and m (cached)."""
        a, m = round(self.state["alpha"], 4), int(self.state["batch_size"])
        if ("inc", m) not in self._cache:
            self._cache[("inc", m)] = incremental_em(self.data.X, self.init, n_passes=self.n_passes, block_size=m,
                                                     rng=self.seed)
        if ("step", a, m) not in self._cache:
            self._cache[("step", a, m)] = stepwise_em(self.data.X, self.init, n_passes=self.n_passes, batch_size=m,
                                                      alpha=a, rng=self.seed)
        return {"batch EM": self.batch, "incremental EM": self._cache[("inc", m)],
                "stepwise EM": self._cache[("step", a, m)]}

    def _on_change(self, change) -> None:
        """Before a run that is not cached yet, say so in the readout (small mini-batches take seconds)."""
        alpha = change["new"] if change["owner"] is self.controls["alpha"] else self.state["alpha"]
        m = change["new"] if change["owner"] is self.controls["batch_size"] else self.state["batch_size"]
        if change["owner"] is not self.controls["pass_no"] and (
                ("inc", int(m)) not in self._cache or ("step", round(alpha, 4), int(m)) not in self._cache):
            self.readout.value = (f"<pre style='margin:0'>computing: {self.n_passes} passes of on-line EM with "
                                  f"m = {m}, alpha = {alpha:.2f} ...</pre>")
        super()._on_change(change)

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
        lines = [f"alpha = {self.state['alpha']:.2f}, m = {self.state['batch_size']} (stepwise mini-batch and incremental "
                 f"block); log L per point after pass {t} (true mixture: {self.truth_ll:.4f})"]
        for name, run in self.runs().items():
            lls = run.log_likelihoods / n
            tt = min(t, len(lls) - 1)
            drops = int(np.sum(np.diff(lls) < -1e-9))
            lines.append(f"  {name:15s} {lls[tt]:.4f}   (log L went down in {drops} of {len(lls) - 1} passes)")
        return "\n".join(lines)
