"""Demo data sets are seeded and shaped as documented; the cheap heuristic behaves as slide 30 says."""
import numpy as np
import pytest

from emcourse import Mixture, Status, datasets, e_step, initialize, run_em
from emcourse.methods.heuristic import reset_components, run_em_with_resets, starved_components


@pytest.mark.parametrize("name", sorted(datasets.DATASETS))
def test_datasets_are_reproducible_and_consistent(name):
    a, b = datasets.load(name, rng=3), datasets.load(name, rng=3)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, datasets.load(name, rng=4).X)
    assert a.X.shape[1] == 2 and len(a.X) == len(a.labels)
    counts = np.bincount(a.labels, minlength=a.n_components) / len(a.labels)
    np.testing.assert_allclose(counts, a.truth.weights, atol=0.01)     # exact counts, not random ones
    for j in range(a.n_components):                                    # each label's points sit around its mean
        np.testing.assert_allclose(a.X[a.labels == j].mean(0), a.truth.means[j], atol=0.35)


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown data set 'iris'.*choose one of"):
        datasets.load("iris")


def test_grid_matches_science_notes():
    g = datasets.make_grid(rng=0)
    assert len(g.X) == 900 and g.n_components == 9
    assert sorted(map(tuple, g.truth.means)) == [(3.0 * a, 3.0 * b) for a in range(3) for b in range(3)]
    np.testing.assert_allclose(g.truth.covariances, 0.25)


def test_starved_components_uses_n_over_2m():
    resp = np.zeros((100, 4))
    resp[:40, 0] = resp[40:80, 1] = resp[80:88, 2] = resp[88:, 3] = 1.0   # N_j = 40, 40, 8, 12; N/(2M) = 12.5
    assert starved_components(resp).tolist() == [2, 3]
    assert starved_components(resp, threshold=10).tolist() == [2]


def test_reset_component_moves_mean_to_a_data_point_and_averages_the_others():
    X = np.arange(20.0).reshape(10, 2)
    mix = Mixture([0.7, 0.2, 0.1], [[0, 0], [5, 5], [9, 9]], [1.0, 2.0, 4.0])
    new, msgs = reset_components(X, mix, [2], rng=0)
    assert any(np.array_equal(new.means[2], x) for x in X)
    assert new.covariances[2] == pytest.approx(1.5)                       # mean of the other two
    np.testing.assert_allclose(new.weights, np.array([0.7, 0.2, 1 / 3]) / (0.9 + 1 / 3))
    assert "component 3 reset to data point" in msgs[0]


@pytest.fixture(scope="module")
def grid_runs():
    g = datasets.make_grid(rng=0)
    out = []
    for seed in range(40):
        start = initialize(g.X, 9, "spherical", "random_points", rng=seed)
        out.append((run_em(g.X, start, max_iter=2000, tol=1e-8), run_em_with_resets(g.X, start, rng=seed,
                                                                                   max_iter=2000, tol=1e-8)))
    return g, out


def test_heuristic_beats_plain_em_on_the_grid_by_a_clear_margin(grid_runs):
    g, runs = grid_runs
    n = len(g.X)
    target = g.truth.log_likelihood(g.X) / n - 0.01
    plain = np.array([p.log_likelihood / n for p, _ in runs])
    cheap = np.array([h.log_likelihood / n for _, h in runs])
    assert np.mean(cheap >= target) >= np.mean(plain >= target) + 0.15
    assert np.mean(cheap >= target) >= 0.85
    assert np.mean(cheap) > np.mean(plain)
    # it keeps the best mixture it saw, so from the same start it never ends below plain EM
    assert np.all(cheap >= plain - 1e-12)


def test_heuristic_keeps_the_best_mixture_and_records_rejected_resets(grid_runs):
    g, runs = grid_runs
    n = len(g.X)
    rejected_below = 0
    for plain, h in runs:
        first_end = plain.n_iter                                        # the first EM run is plain EM's
        assert h.log_likelihoods[first_end] == pytest.approx(plain.log_likelihood, rel=1e-12)
        ends = [plain.log_likelihood] + [a.log_likelihood_after for a in h.attempts if a.kept]
        assert h.log_likelihood == pytest.approx(max(ends), rel=1e-12)   # the final mixture is the best kept one
        assert h.mixture.log_likelihood(g.X) == pytest.approx(h.log_likelihood, rel=1e-10)
        best = plain.log_likelihood
        for a in h.attempts:
            assert a.log_likelihood_before == pytest.approx(best, rel=1e-12)
            assert a.kept == (a.log_likelihood_after > best + 1e-6 * n)
            assert h.events[a.start] and "reset to data point" in h.events[a.start]
            if a.kept:
                best = a.log_likelihood_after
            else:                                                       # undone: one record back to the best
                assert h.events[a.end + 1].startswith("reset rejected")
                assert h.log_likelihoods[a.end + 1] == pytest.approx(best, rel=1e-12)
                rejected_below += a.log_likelihood_after < best - 1e-3 * n
        assert h.reset_iterations == [a.start for a in h.attempts]
        assert h.undo_iterations == [a.end + 1 for a in h.attempts if not a.kept]
        assert h.n_kept + h.n_rejected == len(h.attempts) and h.n_resets >= len(h.attempts)
        assert h.n_em_iter == sum(1 for t in range(1, len(h.history)) if not h.events[t]) <= 2000
    # resets that end lower than before do happen on the grid: without keeping the best, a run would end there
    assert rejected_below >= 5


def test_heuristic_history_is_consistent_and_monotone_between_resets(grid_runs):
    g, runs = grid_runs
    for _, h in runs[:10]:
        assert len(h.history) == len(h.log_likelihoods) == len(h.events)
        for i in range(0, len(h.history), 25):
            assert h.history[i].log_likelihood(g.X) == pytest.approx(h.log_likelihoods[i], rel=1e-10)
        resets = set(h.reset_iterations)
        assert h.n_resets >= len(resets)
        diffs = np.diff(h.log_likelihoods)
        for i, dv in enumerate(diffs, start=1):
            if i not in resets:
                assert dv >= -1e-6 * abs(h.log_likelihoods[i]), (i, dv)


def test_heuristic_resets_a_genuinely_small_cluster_until_the_budget_and_keeps_the_right_answer():
    d = datasets.make_unequal_elongated(rng=0)
    h = run_em_with_resets(d.X, d.truth, rng=0, max_resets=5, tol=1e-8)
    assert h.n_resets == 5 and h.n_rejected == 5 and h.n_kept == 0
    assert h.status is Status.NO_IMPROVEMENT and h.converged          # NO_IMPROVEMENT counts as converged
    resp, _ = e_step(d.X, h.mixture)
    assert starved_components(resp).size == 1
    plain = run_em(d.X, d.truth, max_iter=1000, tol=1e-8)
    assert h.mixture is h.history[plain.n_iter]                         # back where plain EM ended
    assert h.log_likelihood == plain.log_likelihood


def test_heuristic_statuses():
    g = datasets.make_grid(rng=0)
    start = initialize(g.X, 9, "spherical", "random_points", rng=0)
    assert run_em_with_resets(g.X, start, rng=0, max_iter=5).status is Status.MAX_ITER      # first EM run capped
    full = run_em_with_resets(g.X, start, rng=0, max_iter=1000, tol=1e-8)
    assert full.status is Status.CONVERGED and full.stop_reason == "converged with no starved component"
    assert full.attempts                                                # this start needs resets
    capped = run_em_with_resets(g.X, start, rng=0, max_iter=full.attempts[0].start + 2, tol=1e-8)
    assert capped.status is Status.MAX_ITER and capped.log_likelihood >= capped.log_likelihoods[capped.attempts[0].start - 1]
    none = run_em_with_resets(g.X, start, rng=0, max_resets=0, tol=1e-8)
    assert none.status is Status.CONVERGED and none.attempts == () and "budget" in none.stop_reason
    with pytest.raises(ValueError, match="min_gain"):
        run_em_with_resets(g.X, start, rng=0, min_gain=-1.0)
