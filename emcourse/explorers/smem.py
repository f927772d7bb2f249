"""Lesson 8's explorer: every candidate split-and-merge EM tried (floor 3)."""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from .. import plotting
from ._base import SLIDER_LAYOUT, SLIDER_STYLE, Explorer, flatten_artists, int_slider


class SMEMExplorer(Explorer):
    """Step through every candidate SMEM tried on 2-D data: the mixture before, after the merge/split
    initialisation, after partial EM and after full EM, with the candidate's three components marked.

    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
    result : SMEMRun
        From :func:`emcourse.smem.run_smem`.
    """

    figsize = (9.5, 4.4)
    STAGES = ("before", "after merge/split init", "after partial EM", "after full EM")

    def __init__(self, X, result):
        self.X, self.result = np.asarray(X, float), result
        if not result.candidates:
            raise ValueError("this SMEM run tried no candidate; nothing to step through.")
        controls = {
            "candidate": int_slider("candidate", 1, 1, len(result.candidates)),
            "stage": widgets.Dropdown(options=list(self.STAGES), value="after full EM", description="show",
                                      style=SLIDER_STYLE, layout=SLIDER_LAYOUT),
        }
        super().__init__(controls)

    def _candidate(self):
        return self.result.candidates[self.state["candidate"] - 1]

    def _mixture(self):
        c = self._candidate()
        stage = self.state["stage"]
        return {"before": c.before, "after merge/split init": c.initial, "after partial EM": c.after_partial,
                "after full EM": c.after_full if c.after_full is not None else c.after_partial}[stage]

    def _build(self):
        self.ax, self.ax_ll = self.figure.subplots(1, 2, width_ratios=[1.2, 1])
        mix = self._mixture()
        self.fit = plotting.draw_fit(self.ax, self.X, mix, size=6)
        (self.marks,) = self.ax.plot([], [], "o", ms=22, mfc="none", mec="black", mew=2.5)
        self.numbers = plotting.draw_component_numbers(self.ax, mix.means)
        self.ax.set_aspect("equal")
        lo, hi = self.X.min(0) - 1, self.X.max(0) + 1
        self.ax.set_xlim(lo[0], hi[0])
        self.ax.set_ylim(lo[1], hi[1])
        self.ax.set_title("numbered components; ringed: the candidate's three", fontsize=10)
        n = len(self.X)
        after = np.array([c.log_likelihood_after / n for c in self.result.candidates])
        ok = np.array([c.accepted for c in self.result.candidates])
        idx = np.arange(1, len(after) + 1)
        finite = np.isfinite(after)
        self.ax_ll.plot(idx[finite & ~ok], after[finite & ~ok], "x", color="#777777", ms=8, label="rejected")
        self.ax_ll.plot(idx[ok], after[ok], "o", color=plotting.component_color(2), ms=9, label="accepted")
        before = np.array([c.log_likelihood_before / n for c in self.result.candidates])
        self.ax_ll.step(idx, before, where="mid", color="black", lw=1.5, label="log L to beat")
        (self.cursor,) = self.ax_ll.plot([1, 1], [min(before.min(), np.nanmin(after[finite]) if finite.any() else before.min()),
                                                  max(before.max(), np.nanmax(after[finite]) if finite.any() else before.max())],
                                         color=plotting.component_color(5), lw=2)
        self.ax_ll.set_xlabel("candidate")
        self.ax_ll.set_ylabel("log L per point after full EM")
        self.ax_ll.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=8,
                          frameon=False)        # below the axes: never over a candidate's marker
        self.ax_ll.set_title("every candidate SMEM tried", fontsize=10)
        self.dynamic = flatten_artists(self.fit, self.marks, self.numbers, self.cursor)

    def _update(self):
        c = self._candidate()
        mix = self._mixture()
        plotting.draw_fit(self.ax, self.X, mix, artists=self.fit)
        triple = list(c.triple)
        self.marks.set_data(mix.means[triple, 0], mix.means[triple, 1])
        plotting.draw_component_numbers(self.ax, mix.means, artists=self.numbers)
        self.cursor.set_xdata([self.state["candidate"]] * 2)

    def summary(self) -> str:
        c = self._candidate()
        n = len(self.X)
        i, j, k = (t + 1 for t in c.triple)
        return "\n".join([
            f"candidate {self.state['candidate']} of {len(self.result.candidates)} (round {c.step + 1}, rank {c.rank + 1}): "
            f"merge {i} + {j}, split {k}; J_merge = {c.j_merge:.3g}, J_split = {c.j_split:.3g}",
            f"log L per point: before {c.log_likelihood_before / n:.4f}, after init {c.log_likelihood_initial / n:.4f}, "
            f"after partial EM {c.log_likelihood_partial / n:.4f}, after full EM {c.log_likelihood_after / n:.4f}",
            f"showing: {self.state['stage']}"
            + ("" if self.state["stage"] == "before" else
               f" (component {i} is the merged one, {j} and {k} the two halves of the split)") + f"; {c.event}",
        ])
