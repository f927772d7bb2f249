"""Every explorer: built, every control swept to min / max / middle; the readout follows; nothing is NaN."""
import base64

import ipywidgets as widgets
import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
import numpy as np
import pytest

from emcourse import Mixture, datasets
from emcourse import explorers as W
from emcourse.explorers._png import encode_png


def data_1d():
    return Mixture([0.5, 0.5], [[-2.0], [1.5]], [0.64, 1.0]).sample(60, 0)[0][:, 0]


def _iris_2d():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    X = X[:, 2:]
    X = (X - X.min(0)) / np.ptp(X, axis=0)
    order = np.random.default_rng(0).permutation(len(X))
    return X[order[:100]], y[order[:100]], X[order[100:]], y[order[100:]]


def _smem_run():
    from emcourse import initialize
    from emcourse.methods.smem import run_smem

    g = datasets.make_grid(40, rng=0)
    return g.X, run_smem(g.X, initialize(g.X, 9, "spherical", "random_points", rng=0), rng=0, max_iter=300)


EXPLORERS = {
    "MixtureDensity1D": lambda: W.MixtureDensity1D(),
    "MixtureDensity1D_3": lambda: W.MixtureDensity1D((0.3, 0.3, 0.4), (-2, 0, 2), (0.5, 1, 0.7)),
    "MixtureDensity2D": lambda: W.MixtureDensity2D(),
    "LikelihoodExplorer": lambda: W.LikelihoodExplorer(data_1d()),
    "EMExplorer": lambda: W.EMExplorer({n: datasets.load(n) for n in ("well separated", "3 x 3 grid")},
                                       settings=("n_components", "init_method", "seed", "covariance_type", "heuristic"),
                                       max_iter=60),
    "RunningVarianceExplorer": lambda: W.RunningVarianceExplorer(n_samples=120),
    "OnlineEMExplorer": lambda: W.OnlineEMExplorer(datasets.make_grid(20, rng=0), n_passes=4),
    "ArtmapExplorer": lambda: W.ArtmapExplorer(*_iris_2d()),
    "MatchTrackingExplorer": lambda: W.MatchTrackingExplorer(*_iris_2d()[:2], n_samples=20),
    "SMEMExplorer": lambda: W.SMEMExplorer(*_smem_run()),
    "ReconstructionExplorer": lambda: W.ReconstructionExplorer(
        np.eye(5, 16), {"a": np.eye(5, 16) * 0.5, "b": np.roll(np.eye(5, 16), 1, axis=1)}, shape=(4, 4)),
    "GradientDescentExplorer": lambda: W.GradientDescentExplorer(
        data_1d(), Mixture([0.5, 0.5], [[-0.5], [1.0]], [2.25, 2.25]), max_iter=40),
}


def drawn_values(explorer):
    """Every number the dynamic artists would draw."""
    out = []
    for a in explorer.dynamic:
        for getter in ("get_xydata", "get_offsets", "get_array", "get_center", "get_height"):
            if hasattr(a, getter):
                v = getattr(a, getter)()
                if v is not None:
                    out.append(np.asarray(v, dtype=float).ravel())
    return np.concatenate(out) if out else np.zeros(0)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_explorer_sweep(name):
    ex = EXPLORERS[name]()
    assert ex.png().startswith(b"\x89PNG") and ex.summary()
    assert set(ex.state) == set(ex.controls)
    for cname, control in ex.controls.items():
        if isinstance(control, widgets.Checkbox):
            values = [not control.value, control.value]
        elif isinstance(control, widgets.SelectionSlider):
            values = [control.options[-1], control.options[0], control.options[len(control.options) // 2]]
        elif hasattr(control, "options"):
            values = list(control.options)[::-1] + [control.options[0]]
        elif isinstance(control, widgets.FloatLogSlider):
            values = [control.base ** control.min, control.base ** control.max,
                      control.base ** ((control.min + control.max) / 2)]
        else:
            values = [control.min, control.max, (control.min + control.max) / 2]
            if isinstance(control.value, int):
                values = [int(v) for v in values]
        for value in values:
            before_png, before_text = ex.png(), ex.summary()
            old = control.value
            ex.set(**{cname: value})
            assert ex.state[cname] == control.value
            assert np.all(np.isfinite(drawn_values(ex))), f"{name}: NaN drawn after {cname}={value}"
            assert "nan" not in ex.summary().lower()
            if control.value != old:
                assert ex.png() != before_png, f"{name}: image unchanged after {cname}={value}"
                assert ex.summary() != before_text, f"{name}: readout unchanged after {cname}"


def test_mixture_1d_renormalises_and_handles_all_zero_weights():
    ex = W.MixtureDensity1D()
    ex.set(P1=0.3, P2=0.9)
    np.testing.assert_allclose(ex.mixture.weights, [0.25, 0.75])
    assert "P_j = [0.250, 0.750]" in ex.summary()
    ex.set(P1=0.0, P2=0.0)
    np.testing.assert_allclose(ex.mixture.weights, [0.5, 0.5])
    assert "equal weights" in ex.summary()
    ex.set(P1=0.5, P2=0.5, mu1=-1.0, sigma1=0.5, mu2=1.0, sigma2=0.5)
    assert "area under p(x) on the plotted range = 1.000" in ex.summary()


def test_mixture_2d_probe_posterior_readout():
    ex = W.MixtureDensity2D()
    ex.set(probe_x=float(ex.state["mu3_x"]), probe_y=float(ex.state["mu3_y"]))
    resp = ex.mixture.responsibilities(ex.probe)[0]
    assert resp.argmax() == 2
    assert f"{resp[2]:.3f}" in ex.summary()
    heights = [b.get_height() for b in ex.bars]
    np.testing.assert_allclose(heights, resp)


def test_likelihood_explorer_energy_and_surface_agree():
    x = data_1d()
    ex = W.LikelihoodExplorer(x)
    ex.set(mu1=-2.0, mu2=1.5, sigma1=0.8, sigma2=1.0)
    E = -Mixture([0.5, 0.5], [[-2.0], [1.5]], [0.64, 1.0]).log_likelihood(x[:, None])
    assert ex.energy() == pytest.approx(E, rel=1e-12)
    assert f"E = -log L = {E:.3f}" in ex.summary()
    S = ex.surface()
    a = int(np.argmin(np.abs(ex.mu_grid - (-2.0))))
    b = int(np.argmin(np.abs(ex.mu_grid - 1.5)))
    E_grid = -Mixture([0.5, 0.5], [[ex.mu_grid[a]], [ex.mu_grid[b]]], [0.64, 1.0]).log_likelihood(x[:, None])
    assert S[b, a] == pytest.approx(E_grid, rel=1e-10)


def test_set_unknown_control_is_a_clear_error():
    with pytest.raises(ValueError, match="no control named 'mu9'"):
        W.MixtureDensity1D().set(mu9=1.0)


def _invalid_values(control):
    """(value, fragment of the error) pairs that ``control`` does not offer."""
    if isinstance(control, widgets.Checkbox):
        return [(1, "True or False"), ("yes", "True or False")]
    if hasattr(control, "options"):
        return [("no such choice", "must be one of"), (None, "must be one of")]
    if isinstance(control, widgets.FloatLogSlider):
        lo, hi = control.base ** control.min, control.base ** control.max
        return [(hi * 10, "must be a number from"), (lo / 10, "must be a number from"), ("x", "must be a number")]
    if isinstance(control, widgets.IntSlider):
        return [(control.max + 1, "whole number from"), (control.min - 1, "whole number from"),
                (control.min + 0.5, "whole number from"), (True, "must be a number")]
    span = control.max - control.min
    return [(control.max + span, "must be a number from"), (control.min - span, "must be a number from"),
            (float("nan"), "must be a number")]


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_set_refuses_a_value_the_control_does_not_offer_and_never_clamps(name):
    """Explorer.set: a ValueError that lists the allowed values (dropdowns) or the range (sliders); the control
    keeps its value and the explorer its picture."""
    ex = EXPLORERS[name]()
    for cname, control in ex.controls.items():
        for value, fragment in _invalid_values(control):
            before_value, before_png = control.value, ex.png()
            with pytest.raises(ValueError, match=fragment) as info:
                ex.set(**{cname: value})
            assert cname in str(info.value)
            if hasattr(control, "options"):
                assert str(list(control.options)[0]) in str(info.value)      # the allowed values are listed
            elif not isinstance(control, widgets.Checkbox) and "from" in fragment:             # the range is stated
                log = isinstance(control, widgets.FloatLogSlider)
                hi = control.base ** control.max if log else control.max
                assert f" to {hi:g}, got" in str(info.value)
            assert control.value == before_value and ex.png() == before_png


def test_set_accepts_every_offered_value_of_a_selection_in_any_numeric_type():
    ex = W.ReconstructionExplorer(np.eye(2, 4), {"a": {(M,): np.eye(2, 4) * M for M in (1, 5)}}, shape=(2, 2),
                                  settings={"M": (1, 5)})
    ex.set(M=np.int64(1), index=np.int64(1))
    assert ex.state["M"] == 1 and ex.state["index"] == 1
    with pytest.raises(ValueError, match=r"M must be one of \[1, 5\], got 3"):
        ex.set(M=3)
    with pytest.raises(ValueError, match="index must be a whole number from 0 to 1, got 2"):
        ex.set(index=2)


def test_explorer_displays_as_a_widget_with_a_picture_and_readout_for_viewers_without_a_kernel():
    ex = W.MixtureDensity1D()
    ex.set(mu1=-3.0)
    data, _ = ex._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id
    assert base64.b64decode(data["image/png"]) == ex.png()            # the picture now shown, not the first one
    assert data["text/plain"] == ex.summary() and "mu = -3.00" in data["text/plain"]


def test_a_notebook_rendered_without_a_kernel_shows_the_picture_and_readout(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import emcourse as em\nem.explorers.MixtureDensity1D(means=(-1.0, 2.5))")])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    (out,) = nb.cells[0].outputs
    assert {"image/png", "text/plain", "application/vnd.jupyter.widget-view+json"} <= set(out.data)
    html = HTMLExporter().from_notebook_node(nb)[0]
    assert "data:image/png;base64," in html and "Error displaying widget" not in html
    assert "mu = +2.50" in out.data["text/plain"]


def test_gradient_descent_explorer_scrubs_stored_runs():
    x = data_1d()
    init = Mixture([0.5, 0.5], [[-0.5], [1.0]], [2.25, 2.25])
    ex = W.GradientDescentExplorer(x, init, max_iter=40, learning_rate=3e-3)
    run = ex.run()
    ex.set(step=25)
    assert ex.run() is run                       # scrubbing does not re-run
    assert f"step 25: E = {-run.log_likelihoods[25]:.3f}" in ex.summary()
    assert f"EM iteration 25: E = {-ex.em.log_likelihoods[25]:.3f}" in ex.summary()
    ex.set(learning_rate=0.1)
    big = ex.run()
    assert big is not run and np.all(np.isfinite(big.log_likelihoods))
    assert -big.log_likelihoods[-1] > 10 * -run.log_likelihoods[-1]          # far too large a step: E explodes
    ex.set(step=40)
    assert f"E went up in {sum(1 for e in big.events if e)} of the first 40 gradient steps" in ex.summary()
    ex.set(parameterization="raw P_j and σ_j (naive)")
    assert "left the constraints" in ex.summary()


def test_fast_png_encoder_round_trips_exactly():
    import io

    from PIL import Image

    rgba = np.random.default_rng(0).integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(encode_png(rgba))))
    assert decoded.shape == (37, 53, 3)
    np.testing.assert_array_equal(decoded, rgba[:, :, :3])
    ex = W.MixtureDensity1D()
    shown = np.asarray(Image.open(io.BytesIO(ex.png())))
    np.testing.assert_array_equal(shown, np.asarray(ex.figure.canvas.buffer_rgba())[:, :, :3])


def test_em_explorer_scrubs_the_stored_run_and_reruns_on_settings():
    g = datasets.make_grid(rng=0)
    ex = W.EMExplorer(g, n_components=9, rng=0, settings=("seed", "heuristic"), max_iter=500, tol=1e-8)
    run = ex.run
    assert ex.controls["iteration"].value == run.n_iter            # shows where the run ends
    ex.set(iteration=3)
    assert ex.run is run and "iteration 3 of" in ex.summary()
    assert f"log L = {run.log_likelihoods[3]:.3f}" in ex.summary()
    ex.set(heuristic=True)
    assert ex.run is not run and hasattr(ex.run, "events")
    assert ex.controls["iteration"].max == len(ex.run.history) - 1
    assert ex.run.reset_iterations, "seed 0 on the grid starves a component: the heuristic must reset it"
    ex.set(iteration=ex.run.reset_iterations[0])
    assert "reset here" in ex.summary()


def test_running_variance_explorer_shows_cancellation_and_welford_stays_exact():
    ex = W.RunningVarianceExplorer(n_samples=200, rng=0)
    ex.set(offset=1e9, n_seen=200)
    c = ex.curves()
    assert abs(c["welford"][-1] / c["exact"][-1] - 1) < 1e-6
    assert abs(c["naive"][-1] / c["exact"][-1] - 1) > 0.5
    assert c["slide23"][-1] < c["welford"][-1]


def test_match_tracking_explorer_replays_categories_from_the_trace():
    X, y, _, _ = _iris_2d()
    ex = W.MatchTrackingExplorer(X, y, n_samples=25)
    means, sigmas, labels = ex.categories_after(25)
    np.testing.assert_allclose(means, ex.model.means_)
    np.testing.assert_allclose(sigmas, ex.model.sigmas_)
    np.testing.assert_array_equal(labels, ex.model.labels_)
    ex.set(t=10)
    first_ten = W.MatchTrackingExplorer(X[:10], y[:10], n_samples=10).model
    n_before = len(ex.categories_after(9)[0])
    assert f"categories before it: {n_before}" in ex.summary()
    np.testing.assert_allclose(ex.categories_after(10)[1], first_ten.sigmas_)


def test_smem_explorer_numbers_the_components_and_keeps_its_legend_off_the_markers():
    """Lesson 8: "merge 4 + 9, split 2" can be found in the picture (numbers at the means of the stage shown, the
    halves of a split included); the legend sits below the log L axes, not over a candidate."""
    X, run = _smem_run()
    ex = W.SMEMExplorer(X, run)
    c = run.candidates[0]
    for stage, mix in [("before", c.before), ("after merge/split init", c.initial), ("after full EM", c.after_full)]:
        ex.set(candidate=1, stage=stage)
        np.testing.assert_allclose([a.xy for a in ex.numbers["numbers"]], mix.means)
        assert [a.get_text() for a in ex.numbers["numbers"]] == [str(j) for j in range(1, 10)]
    i, j, k = (t + 1 for t in c.triple)
    assert f"component {i} is the merged one, {j} and {k} the two halves of the split" in ex.summary()
    ex.set(stage="before")
    assert "the two halves" not in ex.summary()
    legend = ex.ax_ll.get_legend()
    ex.figure.canvas.draw()
    assert legend.get_window_extent().y1 <= ex.ax_ll.get_window_extent().y0            # below the axes
    with pytest.raises(ValueError, match=r"stage must be one of \['before'"):
        ex.set(stage="init")
    with pytest.raises(ValueError, match=f"candidate must be a whole number from 1 to {len(run.candidates)}, got 0"):
        ex.set(candidate=0)
