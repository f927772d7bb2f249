"""The EM explorer of lessons 4, 5 and 10 with precomputed runs (lesson 10's seed slider scrubs, never re-runs EM),
its marks for kept and undone resets of the cheap heuristic, and one redraw per change of a run setting."""
import numpy as np
import pytest

import emcourse.explorers.em as em_explorer_module
from emcourse import datasets, initialize, run_em
from emcourse import explorers as W
from emcourse.methods.heuristic import run_em_with_resets

GRID = datasets.make_grid(rng=0)


@pytest.fixture(scope="module")
def runs():
    out = {}
    for seed in range(3):
        start = initialize(GRID.X, 9, "spherical", "random_points", rng=seed)
        out[seed, False] = run_em(GRID.X, start, max_iter=2000, tol=1e-8)
        out[seed, True] = run_em_with_resets(GRID.X, start, rng=seed, max_iter=2000, tol=1e-8)
    return out


def test_stored_runs_are_scrubbed_not_rerun(runs, monkeypatch):
    ex = W.EMExplorer(GRID, n_components=9, settings=("seed", "heuristic"), runs=runs)
    seed = ex.controls["seed"]
    assert (seed.min, seed.max, seed.continuous_update) == (0, 2, True)     # exactly the stored seeds, live
    monkeypatch.setattr(em_explorer_module, "run_em", lambda *a, **k: pytest.fail("re-ran EM"))
    monkeypatch.setattr(em_explorer_module, "run_em_with_resets", lambda *a, **k: pytest.fail("re-ran EM"))
    for s in (1, 2, 0):
        for h in (True, False):
            ex.set(seed=s, heuristic=h)
            assert ex.run is runs[s, h]
            assert ex.state["iteration"] == ex.controls["iteration"].max == max(1, runs[s, h].n_iter)
            assert f"(seed {s})" in ex.summary() and ("cheap heuristic on" in ex.summary()) is h


def test_one_redraw_per_change_of_a_run_setting(runs):
    ex = W.EMExplorer(GRID, n_components=9, settings=("seed", "heuristic"), runs=runs)
    count = []
    render = ex.render_png
    ex.render_png = lambda: count.append(1) or render()
    ex.set(iteration=3)                                    # the iteration slider's value will be clamped below
    ex.set(heuristic=True)
    ex.set(seed=2)
    assert len(count) == 3


def test_kept_and_undone_resets_are_marked(runs):
    ex = W.EMExplorer(GRID, n_components=9, settings=("seed", "heuristic"), runs=runs)
    ex.set(seed=0, heuristic=True)
    run = runs[0, True]
    assert run.undo_iterations, "seed 0 on the grid has a reset that does not pay"
    np.testing.assert_array_equal(ex.resets.get_xdata(), run.reset_iterations)
    np.testing.assert_array_equal(ex.undos.get_xdata(), run.undo_iterations)
    assert f"{len(run.reset_iterations)} resets, {len(run.undo_iterations)} undone" in ex.ax_ll.get_title()
    ex.set(iteration=run.undo_iterations[0])
    assert "here: reset rejected" in ex.summary()
    ex.set(iteration=run.reset_iterations[0])
    assert "reset here: component" in ex.summary()
    ex.set(heuristic=False)
    assert len(ex.resets.get_xdata()) == 0 and len(ex.undos.get_xdata()) == 0


def test_stored_runs_must_cover_every_offered_setting(runs):
    partial = {k: v for k, v in runs.items() if k != (1, True)}
    with pytest.raises(ValueError, match="every combination"):
        W.EMExplorer(GRID, n_components=9, settings=("seed", "heuristic"), runs=partial)
    gap = {k: v for k, v in runs.items() if k[0] != 1}
    with pytest.raises(ValueError, match="without gaps"):
        W.EMExplorer(GRID, n_components=9, settings=("seed", "heuristic"), runs=gap)
    with pytest.raises(ValueError, match="starting seed 7 has no stored run"):
        W.EMExplorer(GRID, n_components=9, rng=7, settings=("seed", "heuristic"), runs=runs)
    with pytest.raises(ValueError, match="one data set"):
        W.EMExplorer({"a": GRID, "b": datasets.load("well separated")}, settings=("seed", "heuristic"), runs=runs)
    with pytest.raises(ValueError, match="tuple of the values"):
        W.EMExplorer(GRID, n_components=9, settings=("seed",), runs=runs)


def test_switching_runs_redraws_only_the_log_likelihood_panel_and_looks_the_same(runs):
    """Changing the run on the same data redraws the right panel's background only (no full figure draw); the
    picture is the same, pixel for pixel, as a freshly built explorer showing that run. Another data set redraws all."""
    ex = W.EMExplorer(GRID, n_components=9, settings=("seed", "heuristic"), runs=runs)
    full_draws = []
    draw = ex.figure.canvas.draw
    ex.figure.canvas.draw = lambda *a, **k: full_draws.append(1) or draw(*a, **k)
    ex.set(seed=2, heuristic=True)
    ex.set(seed=1)
    assert full_draws == []
    fresh = W.EMExplorer(GRID, n_components=9, rng=1, heuristic=True, settings=("seed", "heuristic"), runs=runs)
    assert ex.png() == fresh.png()
    multi = W.EMExplorer({"well separated": datasets.load("well separated"), "grid": GRID}, n_components=3,
                         settings=("seed",), max_iter=30)
    draw = multi.figure.canvas.draw
    multi.figure.canvas.draw = lambda *a, **k: full_draws.append(1) or draw(*a, **k)
    multi.set(seed=3)
    assert full_draws == []
    multi.set(dataset="grid")                                           # other axes limits on the left
    assert full_draws == [1]


def test_lesson_10_marks_have_a_legend_components_are_numbered_and_jumps_are_not_called_em_steps(runs):
    """With the cheap heuristic offered, the log L panel explains its triangles and crosses, the components carry the
    numbers the readout uses, and the readout calls a reset or an undo what it is (not a change made by EM)."""
    ex = W.EMExplorer(GRID, n_components=9, settings=("seed", "heuristic"), runs=runs)
    legend = ex.ax_ll.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["reset", "reset undone (back to the best)"]
    assert [a.get_text() for a in ex.numbers["numbers"]] == [str(j) for j in range(1, 10)]
    ex.set(seed=0, heuristic=True)
    run = runs[0, True]
    t = run.reset_iterations[0]
    ex.set(iteration=t)
    np.testing.assert_allclose([a.xy for a in ex.numbers["numbers"]], run.history[t].means)
    assert "(the reset itself, not an EM step)" in ex.summary()
    ex.set(iteration=run.undo_iterations[0])
    assert "(back to the best mixture, not an EM step)" in ex.summary()
    ex.set(iteration=run.undo_iterations[0] - 1)
    assert "not an EM step" not in ex.summary()
    plain = W.EMExplorer(GRID, n_components=9, settings=("seed",), max_iter=30)           # lessons 4 and 5: unchanged
    assert plain.ax_ll.get_legend() is None and plain.numbers == {}


def test_a_run_to_compute_is_announced_first_and_a_stored_one_is_not():
    ex = W.EMExplorer(GRID, n_components=9, settings=("seed",), rng=0)
    seen = []
    ex.readout.observe(lambda change: seen.append(change["new"]), names="value")
    ex.set(seed=1)
    assert "computing" in seen[0] and "seed = 1" in seen[0]              # before EM runs
    assert "computing" not in seen[-1]
    seen.clear()
    ex.set(seed=0)                                                          # computed at build: stored
    assert seen and not any("computing" in s for s in seen)
