"""Lesson 6 (on-line updates): incremental and stepwise EM behave as science.md §4.2 says."""
import warnings

import numpy as np
import pytest

from emcourse import DegeneracyWarning, Mixture, Status, free_energy, initialize
from emcourse.datasets import make_grid
from emcourse.methods.online_em import batch_em_passes, incremental_em, step_size, stepwise_em


# --- on-line EM -----------------------------------------------------------------------------------
@pytest.mark.parametrize("cov_type", ["spherical", "diag"])
def test_one_block_or_eta_one_is_batch_em(cov_type):
    X = make_grid(20, rng=1).X
    init = initialize(X, 4, cov_type, "random_points", rng=2)
    batch = batch_em_passes(X, init, n_passes=6)
    inc = incremental_em(X, init, n_passes=6, block_size=len(X), rng=0)
    step = stepwise_em(X, init, n_passes=6, batch_size=len(X) + 3, alpha=0.0, rng=0)   # eta_k = 1
    for res in (inc, step):
        assert len(res.history) == len(res.log_likelihoods) == 7 and res.history[0] is init
        np.testing.assert_allclose(res.log_likelihoods, batch.log_likelihoods, rtol=1e-12)
        for a, b in zip(res.history, batch.history):
            np.testing.assert_allclose(a.means, b.means, rtol=1e-10, atol=1e-12)
            np.testing.assert_allclose(a.covariances, b.covariances, rtol=1e-10)
            np.testing.assert_allclose(a.weights, b.weights, rtol=1e-10)
    assert (batch.n_updates, inc.n_updates, step.n_updates) == (6, 6, 6)


@pytest.mark.parametrize("cov_type", ["spherical", "diag"])
def test_incremental_em_never_decreases_its_free_energy(cov_type):
    X = make_grid(40, rng=3).X
    init = initialize(X, 9, cov_type, "kmeans++", rng=4)
    res = incremental_em(X, init, n_passes=3, block_size=7, rng=5, reg_covar=0.0)
    F = res.free_energies
    assert len(F) == res.n_updates + 1 == 3 * int(np.ceil(len(X) / 7)) + 1
    assert F[0] == pytest.approx(res.log_likelihoods[0], rel=1e-12)        # q starts as the posterior under init
    assert np.all(np.diff(F) >= -1e-9 * np.abs(F[:-1])), np.diff(F).min()
    # the running F (from the statistics) is Neal & Hinton's F over the stored responsibilities
    assert F[-1] == pytest.approx(free_energy(X, res.mixture, res.resp), rel=1e-10)
    assert F[-1] <= res.log_likelihood + 1e-9 * abs(res.log_likelihood)    # F = log L - KL <= log L
    np.testing.assert_allclose(res.resp.sum(axis=1), 1.0, rtol=1e-12)


def test_online_em_statistics_are_centred_so_an_offset_changes_nothing():
    X = make_grid(30, rng=2).X
    init = initialize(X, 9, "spherical", "kmeans++", rng=0)
    shifted = init.replace(means=init.means + 1e8)
    for run in (lambda X, m: stepwise_em(X, m, n_passes=2, batch_size=10, alpha=0.6, rng=7),
                lambda X, m: incremental_em(X, m, n_passes=2, block_size=10, rng=7)):
        a, b = run(X, init), run(X + 1e8, shifted)      # <x^2> - <x>^2 would lose every digit at 1e8
        np.testing.assert_allclose(b.log_likelihoods, a.log_likelihoods, rtol=1e-6)
        np.testing.assert_allclose(b.mixture.means - 1e8, a.mixture.means, atol=1e-5)
        np.testing.assert_allclose(b.mixture.covariances, a.mixture.covariances, rtol=1e-5)


def test_passes_are_shuffled_by_the_explicit_rng():
    X = make_grid(20, rng=0).X
    init = initialize(X, 9, "diag", "kmeans++", rng=0)
    a = stepwise_em(X, init, n_passes=2, batch_size=10, alpha=0.6, rng=11)
    b = stepwise_em(X, init, n_passes=2, batch_size=10, alpha=0.6, rng=np.random.default_rng(11))
    c = stepwise_em(X, init, n_passes=2, batch_size=10, alpha=0.6, rng=12)
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)
    assert not np.array_equal(a.mixture.means, c.mixture.means)
    assert a.method == "stepwise" and a.n_updates == 2 * 18 and a.stop_reason == "n_passes done"


@pytest.fixture(scope="module")
def grid_comparison():
    """science.md §4.4: 3x3 grid, M = 9 spherical, k-means++ means, equal priors, global variance; 5 passes."""
    g = make_grid(rng=0)
    runs = []
    for seed in range(6):
        init = initialize(g.X, 9, "spherical", "kmeans++", rng=seed)
        runs.append({
            "batch": batch_em_passes(g.X, init, n_passes=5),
            "incremental": incremental_em(g.X, init, n_passes=5, block_size=10, rng=seed),
            "alpha=0.6": stepwise_em(g.X, init, n_passes=5, batch_size=10, alpha=0.6, rng=seed),
            "alpha=1": stepwise_em(g.X, init, n_passes=5, batch_size=10, alpha=1.0, rng=seed),
        })
    return g, runs


def test_stepwise_em_beats_batch_em_early_on_the_grid(grid_comparison):
    g, runs = grid_comparison
    N, truth = len(g.X), g.truth.log_likelihood(g.X) / len(g.X)
    for r in runs:
        ll = {k: v.log_likelihoods / N for k, v in r.items()}
        assert ll["alpha=0.6"][1] > ll["batch"][1] + 0.25                  # per point, after one pass
        assert np.all(ll["incremental"][1:] > ll["batch"][1:] + 0.02)      # ahead of batch EM every pass
        assert ll["alpha=0.6"][5] > truth - 0.01                           # about at the true parameters' level
        assert ll["batch"][5] < truth - 0.5                                # batch EM is still far off


def test_alpha_one_stalls(grid_comparison):
    g, runs = grid_comparison
    N = len(g.X)
    for r in runs:
        slow, fast = r["alpha=1"].log_likelihoods / N, r["alpha=0.6"].log_likelihoods / N
        assert np.all(slow[1:] < fast[1:] - 0.15)
        assert slow[5] < fast[5] - 0.5
        assert slow[5] - slow[1] < 0.1            # passes 2-5 barely move: it averages in the stale early statistics


def test_batch_em_is_monotone_and_stepwise_em_need_not_be(grid_comparison):
    _, runs = grid_comparison
    for r in runs:
        ll = r["batch"].log_likelihoods
        assert np.all(np.diff(ll) >= -1e-9 * np.abs(ll[1:]))
    assert any(np.any(np.diff(r["alpha=0.6"].log_likelihoods) < 0) for r in runs)


# --- stepwise EM's step-size schedule: the m = 1 failure and its two remedies --------------------------------
def test_step_size_is_the_documented_schedule():
    assert step_size(0, alpha=0.6) == pytest.approx(2 ** -0.6) == pytest.approx(0.6598, abs=1e-4)
    assert step_size(0, alpha=0.6, t0=30) == pytest.approx(32 ** -0.6)
    np.testing.assert_allclose(step_size(np.arange(4), alpha=1.0), [1 / 2, 1 / 3, 1 / 4, 1 / 5])
    assert step_size(7, alpha=0.0, t0=5) == 1.0


def test_default_offset_and_burn_in_change_nothing():
    X = make_grid(20, rng=0).X
    init = initialize(X, 9, "spherical", "kmeans++", rng=0)
    a = stepwise_em(X, init, n_passes=2, batch_size=10, alpha=0.6, rng=3)
    b = stepwise_em(X, init, n_passes=2, batch_size=10, alpha=0.6, rng=3, t0=0.0, burn_in=0)
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)


def test_offset_shrinks_the_first_step():
    """With t0 = 1 the first step is eta_0 = 3^-0.6: one mini-batch of all the data mixes the start's statistics
    and those of one batch E step in exactly that proportion."""
    X = make_grid(20, rng=0).X
    init = initialize(X, 9, "spherical", "kmeans++", rng=0)
    res = stepwise_em(X, init, n_passes=1, batch_size=len(X), alpha=0.6, rng=0, t0=1.0)
    # one mini-batch of everything: s = (1 - eta) s_init + eta s_batch with eta = 3^-0.6, not 2^-0.6
    eta = 3 ** -0.6
    ref = stepwise_em(X, init, n_passes=1, batch_size=len(X), alpha=0.6, rng=0)
    assert res.log_likelihoods[1] != ref.log_likelihoods[1]
    full = batch_em_passes(X, init, n_passes=1).history[1]          # what eta = 1 gives (one batch EM step)
    w = (1 - eta) * init.weights + eta * full.weights
    np.testing.assert_allclose(res.mixture.weights, w / w.sum(), rtol=1e-9)


def test_burn_in_keeps_the_start_until_it_ends():
    X = make_grid(20, rng=0).X                              # 180 points: 18 mini-batches of 10 per pass
    init = initialize(X, 9, "spherical", "kmeans++", rng=0)
    res = stepwise_em(X, init, n_passes=3, batch_size=10, alpha=0.6, rng=1, burn_in=18)
    assert res.history[1] is init and res.log_likelihoods[1] == res.log_likelihoods[0]   # pass 1: burn-in only
    assert res.log_likelihoods[2] > res.log_likelihoods[0] + 0.3 * len(X)
    assert res.n_updates == 3 * 18 - 18


def test_single_point_steps_empty_components_and_an_offset_or_a_burn_in_prevents_it():
    """The m = 1 failure comes from the schedule: eta_0 = 0.66 lets each of the first points rewrite the statistics."""
    g = make_grid(rng=0)
    N = len(g.X)
    for seed in range(3):
        init = initialize(g.X, 9, "spherical", "kmeans++", rng=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegeneracyWarning)       # the emptied components warn, as they should
            plain = stepwise_em(g.X, init, n_passes=2, batch_size=1, alpha=0.6, rng=seed)
        offset = stepwise_em(g.X, init, n_passes=2, batch_size=1, alpha=0.6, rng=seed, t0=30)
        burn = stepwise_em(g.X, init, n_passes=2, batch_size=1, alpha=0.6, rng=seed, burn_in=90)
        assert np.sum(plain.mixture.weights < 0.01) >= 2
        for fixed in (offset, burn):
            assert np.all(fixed.mixture.weights > 0.05)
            assert fixed.log_likelihoods[-1] / N > plain.log_likelihoods[-1] / N + 0.2


def test_schedule_options_are_checked():
    X = make_grid(10, rng=0).X
    sph = initialize(X, 3, "spherical", "random_points", rng=0)
    with pytest.raises(ValueError, match="t0 must be"):
        stepwise_em(X, sph, n_passes=1, batch_size=10, alpha=0.6, rng=0, t0=-1)
    with pytest.raises(ValueError, match="burn_in must be a whole number >= 0"):
        stepwise_em(X, sph, n_passes=1, batch_size=10, alpha=0.6, rng=0, burn_in=2.5)


# --- errors and degenerate cases ------------------------------------------------------------------
def test_online_em_errors_say_what_to_do():
    X = make_grid(10, rng=0).X
    full = initialize(X, 3, "full", "random_points", rng=0)
    sph = initialize(X, 3, "spherical", "random_points", rng=0)
    with pytest.raises(ValueError, match="supports covariance_type 'spherical' and 'diag', got 'full'.*run_em"):
        incremental_em(X, full, n_passes=1, block_size=10, rng=0)
    with pytest.raises(ValueError, match="stepwise_em supports"):
        stepwise_em(X, full, n_passes=1, batch_size=10, alpha=0.6, rng=0)
    with pytest.raises(ValueError, match=r"alpha must be a number in \[0, 1\].*alpha=0.6"):
        stepwise_em(X, sph, n_passes=1, batch_size=10, alpha=1.5, rng=0)
    with pytest.raises(ValueError, match="block_size must be a whole number >= 1"):
        incremental_em(X, sph, n_passes=1, block_size=0, rng=0)
    with pytest.raises(ValueError, match="rng must be an int seed"):
        stepwise_em(X, sph, n_passes=1, batch_size=10, alpha=0.6, rng=None)
    with pytest.raises(ValueError, match="init must be an emcourse.Mixture"):
        batch_em_passes(X, "not a mixture", n_passes=1)
    with pytest.raises(ValueError, match="X has 3 features"):
        incremental_em(np.hstack([X, X[:, :1]]), sph, n_passes=1, block_size=10, rng=0)


def test_a_collapse_stops_with_a_warning_not_nan():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(size=(30, 2)), np.tile([[10.0, 10.0]], (5, 1))])   # 5 identical points
    init = Mixture([0.5, 0.5], [[0.0, 0.0], [10.0, 10.0]], [1.0, 1.0])
    with pytest.warns(DegeneracyWarning, match="component 2 has collapsed.*reg_covar=1e-6"):   # the one on [10, 10]
        res = incremental_em(X, init, n_passes=2, block_size=4, rng=0, reg_covar=0.0)
    assert res.stop_reason.startswith("stopped in pass 1") and np.all(np.isfinite(res.log_likelihoods))
    assert res.status is Status.DEGENERATE and not res.converged
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = incremental_em(X, init, n_passes=2, block_size=4, rng=0)      # the default floor prevents it
    assert ok.stop_reason == "n_passes done" and np.all(np.isfinite(ok.free_energies))
    assert ok.status is Status.MAX_ITER and ok.n_iter == 2
