"""Lesson 3's explorer: gradient descent on E raced against EM (floor 3)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ..em import run_em
from ..methods.gradient import energy, gradient_descent
from ..mixture import Mixture
from ..run import Status
from ._base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, flatten_artists, fmt, int_slider, slider


class GradientDescentExplorer(Explorer):
    """Gradient descent on E with a learning-rate slider, raced against EM from the same start (1-D data).

    Left: the data, the model after ``step`` gradient-descent steps, and EM's model after as many
    iterations. Right: E against iteration for both. The runs are computed when the learning rate or
    the parameterisation changes (on release); the step slider only scrubs the stored histories.
    The readout says what the run did up to the chosen step: how often E rose, whether E is above its
    start (diverged), the largest one-step jump of a sigma_j (an overshooting step on log sigma_j), and
    whether a diverged run still took every step (its stop reason, on the first line, says where and why
    it stopped otherwise).
    Introduced in ``notebooks/03_gradient_descent.ipynb``.

    Parameters
    ----------
    x : array-like of shape (n_samples,) or (n_samples, 1)
    init : Mixture
        Spherical 1-D starting mixture, shared by gradient descent and EM.
    max_iter : int
        Steps of gradient descent and iterations of EM.
    learning_rate : float, default 10**-2.5
        Starting value of the slider, which moves in steps of 0.05 in the exponent (the default is on
        a notch; a value between notches is kept until the slider is moved).
    """

    figsize = (9.5, 4.0)
    PARAMETERIZATIONS = {"softmax weights, log σ (always valid)": "unconstrained",
                         "raw P_j and σ_j (naive)": "naive"}

    def __init__(self, x, init: Mixture, *, max_iter: int = 100, learning_rate: float = 10 ** -2.5):
        self.X = np.asarray(x, dtype=float).reshape(-1, 1)
        if init.n_features != 1 or init.covariance_type != "spherical":
            raise ValueError("GradientDescentExplorer needs a spherical 1-D initial mixture.")
        self.init, self.max_iter = init, int(max_iter)
        self.em = run_em(self.X, init, max_iter=self.max_iter, tol=0.0, reg_covar=0.0)
        self.em_energies = -self.em.log_likelihoods
        self.E0 = energy(self.X, init)
        lo, hi = float(self.X.min()), float(self.X.max())
        pad = 0.25 * (hi - lo) + 1.0
        self.grid = np.linspace(lo - pad, hi + pad, 400)
        self._runs, self._sigmas = {}, {}
        controls = {
            "learning_rate": slider("learning rate η", learning_rate, -4, -1, 0.05, log=True, continuous_update=False),
            "parameterization": widgets.Dropdown(options=list(self.PARAMETERIZATIONS), description="steps on",
                                                 style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
            "step": int_slider("step / iteration", 0, 0, self.max_iter),
        }
        controls["learning_rate"].readout_format = ".3g"     # the exact value: 10^-1.3 shows as 0.0501, not 5.0e-02
        super().__init__(controls)

    def run(self):
        """The gradient-descent run for the current learning rate and parameterisation (cached)."""
        key = (self.state["learning_rate"], self.PARAMETERIZATIONS[self.state["parameterization"]])
        if key not in self._runs:
            run = gradient_descent(self.X, self.init, learning_rate=key[0], max_iter=self.max_iter,
                                   parameterization=key[1])
            self._runs[key] = run
            self._sigmas[id(run)] = np.sqrt(np.array([m.covariances for m in run.history]))   # (n_iter + 1, M)
        return self._runs[key]

    def _at(self, t):
        gd = self.run()
        tg = min(t, gd.n_iter)
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
        self.gd_curve = plotting.draw_log_likelihood(self.ax_e, -gd.log_likelihoods, current=tg, ylabel="E = -log L",
                                                     label="gradient descent", color=plotting.component_color(0))
        e_min = float(self.em_energies.min())
        self.ax_e.set_ylim(e_min - 0.05 * (self.E0 - e_min) - 1, self.E0 + 0.3 * (self.E0 - e_min) + 1)
        self.ax_e.set_xlim(-1, self.max_iter + 1)
        self.ax_e.legend(loc="upper right", fontsize=8)
        self.ax_e.set_title("E against iteration (off the top = blew up)", fontsize=10)
        self.dynamic = flatten_artists(self.em_density, self.gd_density, self.gd_curve, self.em_curve["marker"])

    def _update(self):
        t = self.state["step"]
        gd, tg, gd_mix, em_mix = self._at(t)
        plotting.draw_density_1d(self.ax, em_mix, self.grid, artists=self.em_density)
        plotting.draw_density_1d(self.ax, gd_mix, self.grid, artists=self.gd_density)
        plotting.draw_log_likelihood(self.ax_e, -gd.log_likelihoods, current=tg, artists=self.gd_curve)
        te = min(t, self.em.n_iter)
        self.em_curve["marker"].set_data([te], [self.em_energies[te]])

    def summary(self) -> str:
        t = self.state["step"]
        gd, tg, gd_mix, em_mix = self._at(t)
        te = min(t, self.em.n_iter)

        def describe(m):
            return (f"P = {fmt(m.weights, '{:.3g}')}, mu = {fmt(m.means[:, 0], '{:.3g}')}, "
                    f"sigma = {fmt(np.sqrt(m.covariances), '{:.3g}')}")

        lines = [f"learning rate {self.state['learning_rate']:.3g}, steps on {self.state['parameterization']}; "
                 f"gradient descent: {gd.stop_reason}",
                 f"step {tg}: E = {-gd.log_likelihoods[tg]:.3f}   {describe(gd_mix)}",
                 f"EM iteration {te}: E = {self.em_energies[te]:.3f}   {describe(em_mix)}"]
        rises = sum(1 for e in gd.events[1:tg + 1] if e)
        if rises:
            lines.append(f"E went up in {rises} of the first {tg} gradient steps: the learning rate is too large.")
        lines += self._divergence(gd, tg)
        return "\n".join(lines)

    def _divergence(self, gd, tg) -> list:
        """What went wrong up to step ``tg``, read off the stored run: E above its start, sigma jumps, the stop."""
        lines = []
        energies = -gd.log_likelihoods
        if energies[tg] > energies[0]:
            lines.append(f"E = {energies[tg]:.4g} at step {tg} is above its start ({energies[0]:.4g}): the descent has "
                         "diverged.")
        sigmas = self._sigmas[id(gd)][:tg + 1]
        if tg >= 1:
            ratio = np.abs(np.log10(sigmas[1:] / sigmas[:-1]))          # orders of magnitude per step
            t, j = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
            if ratio[t, j] >= 1:
                lines.append(f"largest jump: at step {t + 1} sigma_{j + 1} went from {sigmas[t, j]:.3g} to "
                             f"{sigmas[t + 1, j]:.3g} in one step (a step on log sigma_{j + 1} overshot).")
        if tg == gd.n_iter == self.max_iter and gd.status is Status.MAX_ITER and lines:
            lines.append(f"nothing stopped the run: every state is still a valid float64 mixture (largest sigma "
                         f"{sigmas.max():.3g}), so it took all {self.max_iter} steps.")
        return lines
