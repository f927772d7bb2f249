"""Lesson 9's reconstruction explorer over a small grid of stored fits: the M and k sliders switch stored arrays
(titles, pictures and readout follow), every combination must be there, and the plain form still works."""
import ipywidgets as widgets
import numpy as np
import pytest

from emcourse import explorers as W

ORIGINALS = np.random.default_rng(0).uniform(0, 1, (5, 16))
GRID = [(M, k) for M in (1, 5, 10) for k in (2, 6)]


def recon(M, k, offset=0.0):
    return ORIGINALS * (1 - 1 / (M * k)) + offset        # distinct per setting, worse for small M and k


def make():
    return W.ReconstructionExplorer(
        ORIGINALS,
        {"MFA, M = {M}, k = {k}": {(M, k): recon(M, k) for M, k in GRID},
         "PCA, k = {k}": {(M, k): recon(1, k, 0.1) for M, k in GRID}},
        shape=(4, 4), settings={"M": (1, 5, 10), "k": (2, 6)})


def test_the_settings_sliders_switch_the_stored_fits():
    ex = make()
    assert isinstance(ex.controls["M"], widgets.SelectionSlider) and ex.controls["M"].continuous_update
    assert ex.state["M"] == 10 and ex.state["k"] == 6                  # starts at the largest fit
    assert [t.get_text() for t in ex.titles] == ["MFA, M = 10, k = 6", "PCA, k = 6"]
    before = ex.png()
    ex.set(M=1, k=2, index=3)
    assert [t.get_text() for t in ex.titles] == ["MFA, M = 1, k = 2", "PCA, k = 2"]
    assert ex.png() != before
    np.testing.assert_allclose(ex.images[1].get_array().ravel(), recon(1, 2)[3])
    text = ex.summary()
    assert text.startswith("image 3 (M = 1, k = 2)")
    expected = np.mean((recon(1, 2)[3] - ORIGINALS[3]) ** 2)
    assert f"MFA, M = 1, k = 2: {expected:.4f} [{np.mean((recon(1, 2) - ORIGINALS) ** 2):.4f}]" in text


def test_every_combination_must_be_stored():
    missing = {(M, k): recon(M, k) for M, k in GRID[:-1]}
    with pytest.raises(ValueError, match="one array for each of the 6 combinations"):
        W.ReconstructionExplorer(ORIGINALS, {"MFA": missing}, shape=(4, 4), settings={"M": (1, 5, 10), "k": (2, 6)})
    wrong = {(M, k): recon(M, k)[:, :8] for M, k in GRID}
    with pytest.raises(ValueError, match="expected the originals"):
        W.ReconstructionExplorer(ORIGINALS, {"MFA": wrong}, shape=(4, 4), settings={"M": (1, 5, 10), "k": (2, 6)})


def test_without_settings_it_is_the_plain_explorer():
    ex = W.ReconstructionExplorer(ORIGINALS, {"a": recon(5, 2)}, shape=(4, 4))
    assert list(ex.controls) == ["index"]
    ex.set(index=2)
    assert ex.summary().startswith("image 2: squared error per pixel")
