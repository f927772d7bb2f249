"""The EM stepper of lessons 4, 5 and 10: scrub through a stored EM run (floor 3)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ..datasets import Dataset
from ..em import run_em
from ..methods.heuristic import run_em_with_resets
from ..seeding import initialize
from ._base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, flatten_artists, int_slider, remove_artists


class EMExplorer(Explorer):
    """Step through an EM run on 2-D data: points coloured by responsibility, 1- and 2-sigma ellipses,
    the log-likelihood curve with the current iteration marked, and a readout of P_j, mu_j, sigma_j.

    The run is computed once per choice of data set, number of components, initialisation, seed,
    covariance type (and cheap heuristic on/off); the iteration slider and the Play button only scrub
    the stored history. With ``runs`` the explorer computes nothing: every run setting it offers has a
    stored run, so those controls scrub too. Introduced in ``notebooks/04_em_algorithm.ipynb``; used in
    lessons 5 and 10.

    Parameters
    ----------
    data : Dataset or dict of str to Dataset
        One data set, or several to choose from (a dropdown appears).
    n_components, covariance_type, init_method
        Starting values of the run settings.
    rng : int
        Starting value of the seed of the start (the ``"seed"`` control, 0 to 49).
    settings : sequence of str
        Which run settings get a control: any of ``"n_components"``, ``"init_method"``, ``"seed"``,
        ``"covariance_type"``, ``"heuristic"`` (the cheap heuristic of slide 30 on/off).
    max_iter, tol, reg_covar
        Passed to :func:`emcourse.run_em` (and to the heuristic).
    runs : dict, optional
        Precomputed runs on the one data set, keyed by the values of ``settings`` in that order, e.g.
        ``{(seed, heuristic): run}`` for ``settings=("seed", "heuristic")``. The controls offer exactly the
        values in the keys (every combination must be there), and answer at once (``continuous_update``
        on): nothing is re-run. The other settings take the starting values given here and only label the
        readout.
    """

    figsize = (9.5, 4.4)

    def __init__(self, data, *, n_components: int = 3, covariance_type: str = "spherical",
                 init_method: str = "random_points", rng: int = 0, settings=("seed",), max_iter: int = 300,
                 tol: float = 1e-6, reg_covar: float = 1e-6, heuristic: bool = False, runs: dict | None = None):
        self.data = {data.name: data} if isinstance(data, Dataset) else dict(data)
        if not self.data:
            raise ValueError("EMExplorer needs at least one data set.")
        if runs is not None and len(self.data) != 1:
            raise ValueError("precomputed runs belong to one data set; pass a single Dataset with runs=.")
        for d in self.data.values():
            if d.X.shape[1] != 2:
                raise ValueError(f"EMExplorer draws 2-D data; {d.name!r} has {d.X.shape[1]} features.")
        self.max_iter, self.tol, self.reg_covar = int(max_iter), float(tol), float(reg_covar)
        self._runs = {}
        self._fixed = {"dataset": next(iter(self.data)), "n_components": int(n_components),
                       "init_method": init_method, "seed": int(rng), "covariance_type": covariance_type,
                       "heuristic": bool(heuristic)}
        controls = {}
        if len(self.data) > 1:
            controls["dataset"] = widgets.Dropdown(options=list(self.data), description="data set",
                                                   style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        offered = self._store(runs, tuple(settings)) if runs is not None else {
            "n_components": range(1, 10), "init_method": ["random_points", "kmeans++"], "seed": range(50),
            "covariance_type": ["spherical", "diag", "full"]}
        live = runs is not None                    # stored runs: the run settings scrub, nothing is re-run
        if "n_components" in settings:
            values = offered["n_components"]
            controls["n_components"] = int_slider("components M", int(n_components), min(values), max(values),
                                                  continuous_update=live)
        if "init_method" in settings:
            controls["init_method"] = widgets.Dropdown(options=list(offered["init_method"]), value=init_method,
                                                       description="start", style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        if "seed" in settings:
            values = offered["seed"]
            controls["seed"] = int_slider("seed", int(rng), min(values), max(values), continuous_update=live)
        if "covariance_type" in settings:
            controls["covariance_type"] = widgets.Dropdown(options=list(offered["covariance_type"]),
                                                           value=covariance_type, description="covariance",
                                                           style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        if "heuristic" in settings:
            controls["heuristic"] = widgets.Checkbox(value=bool(heuristic), description="cheap heuristic (slide 30)",
                                                     style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
        self._settings_names = list(controls)
        n_iter = self._run_for(self._settings()).n_iter
        # start at the end of the run; drag back or press play to watch it
        controls["iteration"] = int_slider("iteration", n_iter, 0, max(1, n_iter))
        self.play = widgets.Play(value=0, min=0, max=controls["iteration"].max, interval=250, description="play",
                                 layout=widgets.Layout(width="110px"))
        widgets.jslink((self.play, "value"), (controls["iteration"], "value"))
        widgets.jslink((controls["iteration"], "max"), (self.play, "max"))
        settings_box = widgets.VBox([controls[n] for n in self._settings_names])
        layout = widgets.HBox([settings_box, widgets.VBox([widgets.HBox([controls["iteration"], self.play])])])
        super().__init__(controls, layout=layout)
        self._capture_blank()

    # --- runs --------------------------------------------------------------------------------
    def _store(self, runs: dict, settings: tuple) -> dict:
        """Check precomputed runs (every combination of the offered values) and file them under full keys."""
        allowed = ("n_components", "init_method", "seed", "covariance_type", "heuristic")
        if not settings or any(s not in allowed for s in settings) or not runs:
            raise ValueError(f"runs= needs settings from {allowed} and at least one run; got settings={settings!r}.")
        keys = [k if isinstance(k, tuple) else (k,) for k in runs]
        if any(len(k) != len(settings) for k in keys):
            raise ValueError(f"every key of runs must be a tuple of the values of {settings}, in that order.")
        offered = {name: sorted({k[i] for k in keys}) for i, name in enumerate(settings)}
        n_combinations = int(np.prod([len(v) for v in offered.values()]))
        contiguous = all(v == list(range(v[0], v[-1] + 1)) for n, v in offered.items() if n in ("seed", "n_components"))
        if len(set(keys)) != n_combinations or not contiguous or offered.get("heuristic", [False, True]) != [False, True]:
            raise ValueError(f"runs must hold one run for every combination of the offered values (seeds and "
                             f"numbers of components without gaps, the heuristic both off and on); got "
                             f"{len(runs)} runs for {offered}.")
        for key, run in zip(keys, runs.values()):
            full = {**self._fixed, **dict(zip(settings, key))}
            self._runs[tuple(full[n] for n in ("dataset", "n_components", "init_method", "seed", "covariance_type",
                                               "heuristic"))] = run
        for name in settings:
            if self._fixed[name] not in offered[name]:
                raise ValueError(f"the starting {name} {self._fixed[name]!r} has no stored run; choose one of "
                                 f"{offered[name]}.")
        self._precomputed = True
        return offered

    def _settings(self) -> tuple:
        s = {**self._fixed, **{k: self.state[k] for k in self._settings_names if k in getattr(self, "state", {})}}
        return (s["dataset"], s["n_components"], s["init_method"], s["seed"], s["covariance_type"], s["heuristic"])

    def _run_for(self, key):
        if key not in self._runs:
            if getattr(self, "_precomputed", False):
                raise ValueError(f"no stored run for the settings {key}.")
            name, n_components, method, seed, cov_type, heuristic = key
            X = self.data[name].X
            init = initialize(X, n_components, cov_type, method, rng=seed)
            if heuristic:
                run = run_em_with_resets(X, init, rng=seed, max_iter=self.max_iter, tol=self.tol,
                                         reg_covar=self.reg_covar)
            else:
                run = run_em(X, init, max_iter=self.max_iter, tol=self.tol, reg_covar=self.reg_covar)
            self._runs[key] = run
        return self._runs[key]

    @property
    def run(self):
        """The Run (plain EM, or EM with the cheap heuristic) for the current settings."""
        return self._run_for(self._settings())

    @property
    def dataset(self):
        return self.data[self._settings()[0]]

    @property
    def iteration(self) -> int:
        return min(int(self.state["iteration"]), self.run.n_iter)

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
        # with the cheap heuristic the readout names components ("component 4 reset ..."): number them
        self._numbered = "heuristic" in self.controls or self._fixed["heuristic"]
        self.numbers = plotting.draw_component_numbers(self.ax, run.history[t].means) if self._numbered else {}
        xl, yl = self._limits(X)
        self.ax.set_xlim(*xl)
        self.ax.set_ylim(*yl)
        self.ax.set_aspect("equal", adjustable="box")
        self.ax.set_title("points coloured by responsibility", fontsize=10)
        self.curve = plotting.draw_log_likelihood(self.ax_ll, run.log_likelihoods, current=t,
                                                  ylabel="log-likelihood log L")
        (self.resets,) = self.ax_ll.plot([], [], "v", color=plotting.PALETTE[5], ms=9, ls="none", label="reset")
        (self.undos,) = self.ax_ll.plot([], [], "X", color="black", ms=9, ls="none",
                                        label="reset undone (back to the best)")
        if "heuristic" in self.controls or self._fixed["heuristic"]:       # explain the marks (lesson 10)
            self.ax_ll.legend(handles=[self.resets, self.undos], loc="lower right", fontsize=8)
        self._set_ll_limits()
        self.ax_ll.set_title(self._run_title(), fontsize=10)
        self.dynamic = flatten_artists(self.fit, self.numbers, self.curve, self.resets, self.undos, self.ax_ll.title)

    def _marks(self) -> tuple[list, list]:
        """History indices of the resets and of the undone resets (none for plain EM)."""
        run = self.run
        return list(getattr(run, "reset_iterations", [])), list(getattr(run, "undo_iterations", []))

    def _run_title(self) -> str:
        resets, undone = (len(m) for m in self._marks())
        if self._settings()[5]:                                 # the cheap heuristic is on
            return (f"log L: EM + cheap heuristic ({resets} reset{'' if resets == 1 else 's'}"
                    + (f", {undone} undone)" if undone else ")"))
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
            if self._settings() not in self._runs:      # a run to compute first: say so before it starts
                self.readout.value = (f"<pre style='margin:0'>computing: EM with {name.replace('_', ' ')} = "
                                      f"{change['new']} ...</pre>")
            n_iter = self.run.n_iter
            it = self.controls["iteration"]
            self._rebuilt = True
            self.state["iteration"] = n_iter             # show where the new run ends
            it.unobserve(self._on_change, names="value")  # (a clamped value must not draw the figure twice)
            with it.hold_sync():
                it.max = max(1, n_iter)
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
                remove_artists((self.fit, self.numbers))
                self.fit = plotting.draw_fit(self.ax, X, mix)
                self.numbers = plotting.draw_component_numbers(self.ax, mix.means) if self._numbered else {}
                for a in flatten_artists(self.fit, self.numbers):
                    a.set_animated(True)                 # dynamic: not part of the cached background
            xl, yl = self._limits(X)
            if (xl, yl) != (self.ax.get_xlim(), self.ax.get_ylim()):
                self.ax.set_xlim(*xl)                    # another data set: the whole figure is redrawn
                self.ax.set_ylim(*yl)
                self.invalidate_background()
            self._set_ll_limits()
            if not getattr(self, "_background_stale", False):
                self._redraw_ll_background()             # same data on the left: redraw only the log L panel
        plotting.draw_fit(self.ax, X, mix, artists=self.fit)
        if self.numbers:
            plotting.draw_component_numbers(self.ax, mix.means, artists=self.numbers)
        plotting.draw_log_likelihood(self.ax_ll, run.log_likelihoods, current=t, artists=self.curve)
        for artist, marks in zip((self.resets, self.undos), self._marks()):
            artist.set_data(marks, run.log_likelihoods[marks] if marks else [])
        self.ax_ll.title.set_text(self._run_title())
        self.dynamic = flatten_artists(self.fit, self.numbers, self.curve, self.resets, self.undos, self.ax_ll.title)

    def _capture_blank(self) -> None:
        """The figure without its axes, and where the log L panel's part of the picture begins (once, at build)."""
        canvas = self.figure.canvas
        for ax in (self.ax, self.ax_ll):
            ax.set_visible(False)
        canvas.draw()
        self._blank = canvas.copy_from_bbox(self.figure.bbox)
        for ax in (self.ax, self.ax_ll):
            ax.set_visible(True)
        self._ll_x0 = int(np.ceil(self.ax.get_tightbbox(canvas.get_renderer()).x1)) + 3   # clear of antialiasing

    def _redraw_ll_background(self) -> None:
        """New log L limits (another stored run): redraw the static part of the right panel only, over the cached
        background, instead of the whole figure (its text is most of a full redraw's cost)."""
        canvas = self.figure.canvas
        width, height = canvas.get_width_height()
        canvas.restore_region(self._background)
        canvas.restore_region(self._blank, bbox=(self._ll_x0, 0, width, height), xy=(0, 0))   # xy: where the region starts
        self.ax_ll.draw(canvas.get_renderer())
        self._background = canvas.copy_from_bbox(self.figure.bbox)

    def summary(self) -> str:
        run, t = self.run, self.iteration
        mix = run.history[t]
        lls = run.log_likelihoods
        n = len(self.dataset.X)
        name, n_components, method, seed, cov_type, heuristic = self._settings()
        head = (f"{name}: N = {n}, M = {n_components}, {cov_type}, start {method} (seed {seed})"
                + (", cheap heuristic on" if heuristic else ""))
        resets, undone = self._marks()
        change = f", change {lls[t] - lls[t - 1]:+.4f}" if t > 0 else ""
        if t in resets:
            change += " (the reset itself, not an EM step)"
        elif t in undone:
            change += " (back to the best mixture, not an EM step)"
        status = f"; {run.stop_reason}" if t == len(lls) - 1 else ""
        lines = [head, f"iteration {t} of {len(lls) - 1}: log L = {lls[t]:.3f} (per point {lls[t] / n:.4f}){change}{status}"]
        sd = np.sqrt(mix.variances)
        for j in range(mix.n_components):
            lines.append(f"  {j + 1}: P = {mix.weights[j]:.3f}, mu = ({mix.means[j, 0]:+.2f}, {mix.means[j, 1]:+.2f}), "
                         f"sigma = ({sd[j, 0]:.2f}, {sd[j, 1]:.2f})")
        if t in resets:
            lines.append(f"reset here: {run.events[t]}")
        elif t in undone:
            lines.append(f"here: {run.events[t]}")
        elif resets:
            lines.append(f"{len(resets)} reset(s) in this run, at iterations {resets}"
                         + (f"; {len(undone)} did not pay and were undone, at {undone}" if undone else ""))
        return "\n".join(lines)
