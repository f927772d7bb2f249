"""Lesson 11's explorer: it only scrubs the stored runs of kmeans_limit, and every control changes picture and readout."""
import numpy as np
import pytest

from emcourse import datasets
from emcourse.explorers import KMeansLimitExplorer
from emcourse.methods.kmeans import kmeans_limit


@pytest.fixture(scope="module")
def runs():
    X = datasets.load("overlapping", rng=0).X
    return X, kmeans_limit(X, X[[0, 100, 200]], [2.0, 1.0, 0.25])


def test_every_control_changes_picture_and_readout(runs):
    X, stored = runs
    ex = KMeansLimitExplorer(X, stored, sigma=1.0)
    assert ex.png().startswith(b"\x89PNG") and set(ex.state) == set(ex.controls)
    for label in ["0 (k-means)", "2", "0.25", "1"]:
        before_png, before_text = ex.png(), ex.summary()
        ex.set(sigma=label)
        assert ex.png() != before_png and ex.summary() != before_text
        assert ex.controls["iteration"].max == max(1, ex.run.n_iter)
        assert ex.controls["iteration"].value == ex.run.n_iter          # a new sigma shows where its run ends
        assert "nan" not in ex.summary().lower()
    for t in [0, ex.run.n_iter // 2, ex.run.n_iter]:
        before_png = ex.png()
        ex.set(iteration=t)
        assert ex.png() != before_png or t == ex.run.n_iter


def test_the_explorer_scrubs_stored_runs_and_reads_them_out(runs):
    X, stored = runs
    ex = KMeansLimitExplorer(X, stored)
    assert ex.sigma == 2.0                                              # the widest sigma first
    ex.set(sigma="0 (k-means)", iteration=2)
    assert ex.run is stored[0.0]
    assert f"iteration 2 of {stored[0.0].n_iter}" in ex.summary()
    assert f"{stored[0.0].distortions[2]:.4f}" in ex.summary()
    assert "hard assignments" in ex.summary() and "softness (average of 1 - largest responsibility): 0.0000" in ex.summary()
    np.testing.assert_allclose(ex.points["points"].get_offsets(), X)


def test_bad_input_is_a_clear_error(runs):
    X, stored = runs
    with pytest.raises(ValueError, match="k-means"):
        KMeansLimitExplorer(X, {1.0: stored[1.0]})
    with pytest.raises(ValueError, match="2-D"):
        KMeansLimitExplorer(np.zeros((5, 3)), stored)
    with pytest.raises(ValueError, match="not one of the stored runs"):
        KMeansLimitExplorer(X, stored, sigma=0.7)


def test_sigma_is_a_number_or_its_label_in_the_constructor_and_in_set(runs):
    X, stored = runs
    ex = KMeansLimitExplorer(X, stored, sigma="0.25")
    assert ex.sigma == 0.25
    for value, sigma in [(0.0, 0.0), (0, 0.0), (2.0, 2.0), (1, 1.0), ("2", 2.0), ("0 (k-means)", 0.0), (0.25, 0.25)]:
        ex.set(sigma=value)
        assert ex.sigma == sigma and ex.run is stored[sigma]
    with pytest.raises(ValueError, match=r"sigma=0\.7 is not one of the stored runs; choose one of 2, 1, 0\.25, 0"):
        ex.set(sigma=0.7)
    with pytest.raises(ValueError, match="'0 \\(k-means\\)'"):
        ex.set(sigma="k-means")


def test_the_readout_names_each_run_once(runs):
    X, stored = runs
    ex = KMeansLimitExplorer(X, stored, sigma=0.0)
    first = ex.summary().splitlines()[0]
    assert first == "σ = 0: k-means, hard assignments to the nearest mean" and first.count("k-means") == 1
    ex.set(sigma=1.0)
    assert ex.summary().splitlines()[0] == "σ = 1: EM for the means, every σ fixed at 1, weights 1/3"
