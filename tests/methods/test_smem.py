"""SMEM (science.md §6): criteria, candidate order, initialisation, partial EM, and the algorithm's guarantees.

The grid comparison runs each method once per seed in a module fixture. Measured on the 3 x 3 grid
(make_grid(rng=0)), 40 seeds, success = final log L per point within 0.01 of the true mixture's:
plain EM 27/40, SMEM (paper) 34/40, SMEM (cosine) 35/40, SMEM (best split) 35/40, EM + cheap heuristic 39/40.
SMEM's remaining failures all keep a starved component (a component on a few points, which J_merge
ranks low in both forms): the case the cheap heuristic targets (science.md §8).
"""
import warnings

import numpy as np
import pytest

from emcourse import DegeneracyWarning, Mixture, Status, datasets, e_step, initialize, run_em
from emcourse.methods.heuristic import run_em_with_resets, starved_components
from emcourse.methods.smem import (COLLAPSE_COUNT, VARIANTS, SMEMCandidate, candidate_triples, merge_criterion,
                                   partial_em, run_smem, split_criterion, split_merge_init, split_merge_parts)

from tests._data import anisotropic_data

N_SEEDS = 40


# --- criteria ---------------------------------------------------------------------------------------
def test_merge_criterion_is_the_inner_product_of_posterior_vectors():
    R = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.2, 0.8], [0.0, 0.0, 1.0]])
    J = merge_criterion(R)
    np.testing.assert_allclose(J, R.T @ R)
    assert J[0, 1] == pytest.approx(0.25) and J[0, 2] == 0.0
    C = merge_criterion(R, normalize=True)
    np.testing.assert_allclose(np.diag(C), 1.0)
    np.testing.assert_allclose(C, C.T)
    assert C[0, 1] == pytest.approx(0.25 / np.sqrt(1.25 * 0.29))
    assert np.all((C >= 0) & (C <= 1 + 1e-12))


def test_cosine_merge_criterion_gives_an_empty_component_zero_not_nan():
    R = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    C = merge_criterion(R, normalize=True)
    assert np.all(np.isfinite(C)) and C[0, 2] == 0.0 and C[1, 2] == 0.0


def test_split_criterion_matches_the_discrete_kl_sum_and_flags_a_straddling_component():
    X = np.array([[-3.0, 0.0], [-3.2, 0.1], [3.0, 0.0], [3.1, -0.1], [10.0, 0.0], [10.2, 0.3]])
    mix = Mixture([0.7, 0.3], [[0.0, 0.0], [10.1, 0.15]], [9.0, 0.05])     # component 0 straddles two clusters
    R, _ = e_step(X, mix)
    Js = split_criterion(X, mix, R)
    logp = mix.component_log_pdf(X)
    f = R / R.sum(axis=0)
    expected = [np.sum(np.where(f[:, k] > 0, f[:, k] * (np.log(np.where(f[:, k] > 0, f[:, k], 1)) - logp[:, k]), 0))
                for k in range(2)]
    np.testing.assert_allclose(Js, expected, rtol=1e-12)
    assert Js[0] > Js[1]


def test_split_criterion_of_an_empty_component_is_minus_infinity():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    mix = Mixture([0.5, 0.5], [[0.3, 0.3], [1e3, 1e3]], [1.0, 1.0])
    R = np.array([[1.0, 0.0]] * 3)
    Js = split_criterion(X, mix, R)
    assert np.isfinite(Js[0]) and Js[1] == -np.inf


def test_candidates_are_merge_outer_split_inner():
    Jm = np.array([[0, 5, 1, 0],
                   [5, 0, 2, 3],
                   [1, 2, 0, 4],
                   [0, 3, 4, 0]], dtype=float)      # pairs by J: (0,1) 5, (2,3) 4, (1,3) 3, (1,2) 2, (0,2) 1, (0,3) 0
    Js = np.array([0.1, 0.4, 0.3, 0.2])              # split order 1, 2, 3, 0
    T = candidate_triples(Jm, Js)
    assert T[:6].tolist() == [[0, 1, 2], [0, 1, 3], [2, 3, 1], [2, 3, 0], [1, 3, 2], [1, 3, 0]]
    M = 4
    assert len(T) == M * (M - 1) * (M - 2) // 2
    assert all(k not in (i, j) and i < j for i, j, k in T)
    B = candidate_triples(Jm, Js, best_split_only=True)
    assert B.tolist() == [[0, 1, 2], [2, 3, 1], [1, 3, 2], [1, 2, 3], [0, 2, 1], [0, 3, 1]]


def test_candidate_triples_errors_say_what_to_pass():
    with pytest.raises(ValueError, match="at least 3 components"):
        candidate_triples(np.eye(2), np.zeros(2))
    with pytest.raises(ValueError, match=r"j_split must have shape \(3,\)"):
        candidate_triples(np.eye(3), np.zeros(4))
    with pytest.raises(ValueError, match="square"):
        candidate_triples(np.zeros((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        candidate_triples(np.full((3, 3), np.nan), np.zeros(3))


def test_criteria_check_their_inputs():
    X = np.zeros((4, 2))
    mix = Mixture([0.5, 0.5], [[0, 0], [1, 1]], [1.0, 1.0])
    with pytest.raises(ValueError, match="rows of X"):
        split_criterion(X, mix, np.full((3, 2), 0.5))
    with pytest.raises(ValueError, match="3 columns but the mixture has 2"):
        split_criterion(X, mix, np.full((4, 3), 1 / 3))
    with pytest.raises(ValueError, match="sum to 1"):
        merge_criterion(np.ones((4, 2)))


# --- initialisation of the new components -----------------------------------------------------------
def _mixtures_of_every_type():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 3, 3))
    full = A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(3)
    means = rng.standard_normal((4, 3)) * 3
    w = np.array([0.1, 0.2, 0.3, 0.4])
    return [Mixture(w, means, [0.5, 1.0, 2.0, 4.0], "spherical"),
            Mixture(w, means, rng.uniform(0.2, 3.0, (4, 3)), "diag"),
            Mixture(w, means, full, "full")]


@pytest.mark.parametrize("mix", _mixtures_of_every_type(), ids=["spherical", "diag", "full"])
def test_split_merge_init_follows_the_paper_for_every_covariance_type(mix):
    i, j, k = 0, 2, 3
    new = split_merge_init(mix, (i, j, k), rng=1)
    w, mu, cov = mix.weights, mix.means, mix.covariances
    assert new.n_components == mix.n_components
    np.testing.assert_allclose(new.weights[i], w[i] + w[j])
    np.testing.assert_allclose(new.weights[[j, k]], w[k] / 2)
    np.testing.assert_allclose(new.weights.sum(), 1.0)
    np.testing.assert_allclose(new.means[i], (w[i] * mu[i] + w[j] * mu[j]) / (w[i] + w[j]))
    np.testing.assert_allclose(new.covariances[i], (w[i] * cov[i] + w[j] * cov[j]) / (w[i] + w[j]))
    # split: det(Sigma_k)^(1/d) I, so both children keep det(Sigma_k) and are isotropic
    full_new, full_old = new.full_covariances(), mix.full_covariances()
    for m in (j, k):
        np.testing.assert_allclose(np.linalg.det(full_new[m]), np.linalg.det(full_old[k]), rtol=1e-10)
        np.testing.assert_allclose(full_new[m], full_new[m][0, 0] * np.eye(3), atol=1e-12)
    assert not np.allclose(new.means[j], new.means[k])
    np.testing.assert_array_equal(new.means[1], mu[1])                     # untouched component
    unperturbed = split_merge_init(mix, (i, j, k), rng=1, perturbation=0.0)
    np.testing.assert_array_equal(unperturbed.means[j], mu[k])
    np.testing.assert_array_equal(unperturbed.means[k], mu[k])
    assert split_merge_init(mix, (i, j, k), rng=1) == new                   # explicit rng: reproducible


def test_split_merge_init_refuses_a_bad_triple():
    mix = _mixtures_of_every_type()[0]
    with pytest.raises(ValueError, match="distinct"):
        split_merge_init(mix, (0, 0, 1), rng=0)
    with pytest.raises(ValueError, match="between 0 and 3"):
        split_merge_init(mix, (0, 1, 4), rng=0)
    with pytest.raises(ValueError, match="three distinct"):
        split_merge_init(mix, (0, 1), rng=0)
    with pytest.raises(ValueError, match="rng must be an int seed"):
        split_merge_init(mix, (0, 1, 2), rng=None)


# --- partial EM -------------------------------------------------------------------------------------
@pytest.mark.parametrize("ctype", ["spherical", "diag", "full"])
def test_partial_em_conserves_the_three_weights_and_fixes_the_others(ctype):
    _, X, _ = anisotropic_data(seed=1, n=400)
    start = run_em(X, initialize(X, 5, ctype, "kmeans++", rng=3), max_iter=200, tol=1e-8).mixture
    resp, _ = e_step(X, start)
    triple = (0, 1, 3)
    init = split_merge_init(start, triple, rng=0)
    part = partial_em(X, init, triple, resp, max_iter=30, tol=0.0)
    idx = list(triple)
    for mix in part.history:
        assert mix.n_components == 5
        assert mix.weights[idx].sum() == pytest.approx(start.weights[idx].sum(), abs=1e-12)
        assert mix.weights.sum() == pytest.approx(1.0, abs=1e-12)
        np.testing.assert_array_equal(mix.weights[[2, 4]], init.weights[[2, 4]])
        np.testing.assert_array_equal(mix.means[[2, 4]], init.means[[2, 4]])
        np.testing.assert_array_equal(mix.covariances[[2, 4]], init.covariances[[2, 4]])
    obj = part.objectives
    assert part.n_iter == 30 and len(obj) == len(part.history) == len(part.log_likelihoods) == 31
    assert np.all(np.diff(obj) >= -1e-9 * abs(obj[-1]))                   # EM on the weighted data: monotone
    assert part.log_likelihoods[-1] > part.log_likelihoods[0]
    assert part.log_likelihoods[5] == pytest.approx(part.history[5].log_likelihood(X), rel=1e-12)


def test_partial_em_on_every_component_is_one_em_step():
    """With S = all components and w = 1, partial EM's first step is the ordinary M step."""
    _, X, _ = anisotropic_data(seed=2, n=300)
    start = initialize(X, 3, "full", "kmeans++", rng=0)
    resp, _ = e_step(X, start)
    part = partial_em(X, start, (0, 1, 2), resp, max_iter=1, tol=0.0, reg_covar=1e-6)
    em = run_em(X, start, max_iter=1, tol=0.0, reg_covar=1e-6)
    np.testing.assert_allclose(part.mixture.means, em.mixture.means, rtol=1e-10)
    np.testing.assert_allclose(part.mixture.covariances, em.mixture.covariances, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(part.mixture.weights, em.mixture.weights, rtol=1e-12)


def test_partial_em_errors():
    _, X, _ = anisotropic_data(seed=2, n=50)
    mix = initialize(X, 3, "spherical", rng=0)
    resp, _ = e_step(X, mix)
    with pytest.raises(ValueError, match="distinct whole-number indices"):
        partial_em(X, mix, (0, 0), resp)
    with pytest.raises(ValueError, match="rows of X"):
        partial_em(X, mix, (0, 1), resp[:10])


# --- the algorithm on the grid ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def grid():
    """One run of every method per seed (about 25 s in all; each SMEM candidate runs EM to convergence).

    All methods start from the same EM solution: initialize(X, 9, 'spherical', 'random_points', rng=seed)
    then run_em to tol 1e-8. SMEM's own EM runs use its default tol (1e-6 per sample), which keeps the
    40 seeds x 3 variants within the time budget; the success threshold (0.01 per point) is far coarser.
    """
    g = datasets.make_grid(rng=0)
    X = g.X
    plain = [run_em(X, initialize(X, 9, "spherical", "random_points", rng=s), max_iter=2000, tol=1e-8)
             for s in range(N_SEEDS)]
    smem = {v: [run_smem(X, e.mixture, rng=s, variant=v, max_iter=2000) for s, e in enumerate(plain)]
            for v in VARIANTS}
    cheap = [run_em_with_resets(X, e.mixture, rng=s, max_iter=2000, tol=1e-8) for s, e in enumerate(plain)]
    return g, plain, smem, cheap


def _rate(g, values):
    n = len(g.X)
    target = g.truth.log_likelihood(g.X) / n - 0.01
    return float(np.mean(np.array(values) / n >= target))


def test_smem_beats_plain_em_on_the_grid_by_a_clear_margin(grid):
    g, plain, smem, cheap = grid
    rates = {"plain EM": _rate(g, [e.log_likelihood for e in plain]),
             "cheap heuristic": _rate(g, [h.log_likelihood for h in cheap])}
    rates.update({f"SMEM {v}": _rate(g, [r.log_likelihood for r in smem[v]]) for v in VARIANTS})
    print("success rates over", N_SEEDS, "seeds:", rates)
    for v in VARIANTS:
        assert rates[f"SMEM {v}"] >= rates["plain EM"] + 0.12, rates
        assert rates[f"SMEM {v}"] >= 0.8, rates
    # the course variants are not worse than the paper's ordering (they fix its wrong-top-pair failures)
    for v in ("cosine", "best_split"):
        assert rates[f"SMEM {v}"] >= rates["SMEM paper"] - 1 / N_SEEDS, rates
    assert rates["cheap heuristic"] >= rates["plain EM"] + 0.12, rates


def test_smem_failures_keep_a_starved_component(grid):
    """What SMEM cannot fix here: a component on a few points (tiny posterior vector, so J_merge never ranks it)."""
    g, plain, smem, cheap = grid
    n = len(g.X)
    target = g.truth.log_likelihood(g.X) / n - 0.01
    failures = [r for v in VARIANTS for r in smem[v] if r.log_likelihood / n < target]
    assert failures, "no SMEM run ended below the truth: the claim this test checks has nothing to say"
    for r in failures:
        resp, _ = e_step(g.X, r.mixture)
        assert starved_components(resp).size >= 1


def test_smem_never_ends_below_its_start_and_keeps_the_number_of_components(grid):
    g, plain, smem, _ = grid
    for v in VARIANTS:
        for e, r in zip(plain, smem[v]):
            assert r.log_likelihood >= e.log_likelihood - 1e-9 * abs(e.log_likelihood)
            assert r.mixture.n_components == 9
            for c in r.candidates:
                for m in (c.before, c.initial, c.after_partial, c.after_full):
                    assert m is None or m.n_components == 9


def test_every_accepted_step_raises_log_l_and_the_history_is_consistent(grid):
    g, _, smem, _ = grid
    X, n = g.X, len(g.X)
    for v in VARIANTS:
        for r in smem[v]:
            lls = r.log_likelihoods
            assert len(lls) == r.n_iter + 1 == len(r.accepted) + 1
            assert np.all(np.diff(lls) > 0)
            assert r.log_likelihood == pytest.approx(r.mixture.log_likelihood(X), rel=1e-9)
            assert r.converged and r.status is Status.NO_IMPROVEMENT and "none of the" in r.stop_reason
            assert len(r.history) == len(r.events) == len(lls) and r.history[-1] == r.mixture
            assert r.history[0] == r.initial_em.mixture and r.events[1:] == [c.event for c in r.accepted]
            current = r.initial_em.mixture
            L = r.initial_em.log_likelihood
            steps = 0
            for c in r.candidates:
                assert isinstance(c, SMEMCandidate)
                assert c.before == current and c.log_likelihood_before == L
                assert c.accepted == (c.log_likelihood_after > L + 1e-6 * n)
                i, j, k = c.triple
                assert i < j and k not in (i, j)
                assert c.initial.weights[[i, j, k]].sum() == pytest.approx(current.weights[[i, j, k]].sum())
                assert c.after_partial.weights[[i, j, k]].sum() == pytest.approx(current.weights[[i, j, k]].sum())
                assert ("accepted" if c.accepted else "rejected") in c.event
                if c.accepted:
                    assert c.gain > 0
                    current, L = c.after_full, c.log_likelihood_after
                    steps += 1
                    assert lls[steps] == L
            assert steps == r.n_iter and current == r.mixture
            # the last round tried C_max candidates and rejected them all
            last = [c for c in r.candidates if c.step == r.n_iter]
            assert len(last) == 5 and not any(c.accepted for c in last)


def test_recorded_log_likelihoods_match_the_recorded_mixtures(grid):
    g, _, smem, _ = grid
    X = g.X
    cands = [c for r in smem["paper"][:6] for c in r.candidates]
    for c in cands[:12]:
        assert c.log_likelihood_initial == pytest.approx(c.initial.log_likelihood(X), rel=1e-10)
        assert c.log_likelihood_partial == pytest.approx(c.after_partial.log_likelihood(X), rel=1e-10)
        assert c.log_likelihood_after == pytest.approx(c.after_full.log_likelihood(X), rel=1e-9)
        assert c.partial_log_likelihoods[-1] == c.log_likelihood_partial
        assert c.full_log_likelihoods[-1] == pytest.approx(c.log_likelihood_after, rel=1e-10)
        assert np.all(np.diff(c.full_log_likelihoods) >= -1e-9 * abs(c.log_likelihood_after))


def test_the_drop_after_the_initialisation_comes_from_the_merge(grid):
    """Lesson 8: log L falls after every merge/split initialisation on the grid, and the merge pays for it: for
    spherical components the split keeps sigma_k^2 and moves the two means by 0.1 sigma, so the split alone
    leaves log L almost unchanged."""
    g, _, smem, _ = grid
    X, n = g.X, len(g.X)
    cands = [c for r in smem["paper"] for c in r.candidates]
    assert all(c.log_likelihood_initial < c.log_likelihood_before for c in cands)
    merge = np.array([(c.merge_only.log_likelihood(X) - c.log_likelihood_before) / n for c in cands])
    split = np.array([(c.split_only.log_likelihood(X) - c.log_likelihood_before) / n for c in cands])
    assert np.max(np.abs(split)) < 0.01 and np.median(merge) < -0.3
    # when the merged pair shares one cluster (the move SMEM is for) both halves cost little, and once (seed 13
    # here) the split a little more; everywhere else the merge costs far more
    assert np.mean(merge < -np.abs(split)) >= 0.95


def test_split_merge_parts_apply_each_half_of_the_move():
    before = Mixture([0.1, 0.2, 0.3, 0.4], [[0, 0], [1, 0], [0, 1], [5, 5]], [1.0, 2.0, 0.5, 0.8])
    initial = split_merge_init(before, (1, 3, 0), rng=0)
    merge, split = split_merge_parts(before, initial, (1, 3, 0))
    assert merge.n_components == 3 and split.n_components == 5
    np.testing.assert_allclose(merge.weights, [0.1, 0.3, 0.6])
    np.testing.assert_allclose(merge.means[-1], (0.2 * before.means[1] + 0.4 * before.means[3]) / 0.6)
    np.testing.assert_allclose(merge.covariances, [1.0, 0.5, (0.2 * 2.0 + 0.4 * 0.8) / 0.6])
    np.testing.assert_allclose(split.weights, [0.2, 0.3, 0.4, 0.05, 0.05])
    np.testing.assert_allclose(split.covariances, [2.0, 0.5, 0.8, 1.0, 1.0])            # spherical: sigma_k^2 kept
    np.testing.assert_allclose(split.means[-2:], initial.means[[3, 0]])
    with pytest.raises(ValueError, match="split_merge_init"):
        split_merge_parts(before, Mixture([0.5, 0.5], [[0, 0], [1, 1]], [1.0, 1.0]), (1, 3, 0))
    with pytest.raises(ValueError, match="three distinct"):
        split_merge_parts(before, initial, (1, 3))


def test_iterations_and_collapses_are_counted(grid):
    """SMEMRun counts its EM work (lesson 8 compares it with the other methods); a candidate names its collapsed
    components in a field as well as in its event."""
    g, _, smem, _ = grid
    n = len(g.X)
    for r in smem["paper"][:8]:
        assert r.n_em_iter == r.initial_em.n_iter + sum(len(c.full_log_likelihoods) - 1 for c in r.candidates)
        assert r.n_partial_iter == sum(len(c.partial_log_likelihoods) - 1 for c in r.candidates) > 0
    cands = [c for r in smem["paper"] for c in r.candidates]
    for c in cands:
        counts = c.after_full.weights * n
        assert c.collapsed == tuple(np.flatnonzero(counts < COLLAPSE_COUNT))
        assert all(f"component {m + 1} holds only" in c.event for m in c.collapsed)
        assert ("a collapse" in c.event) == bool(c.collapsed)
    assert any(c.collapsed for c in cands), "no collapse on the grid: lesson 8's caution has no example"


def test_paper_ordering_tries_the_top_merge_pair_first(grid):
    g, _, smem, _ = grid
    iu = np.triu_indices(9, 1)
    for r in smem["paper"]:
        first_round = [c for c in r.candidates if c.step == 0]
        resp, _ = e_step(g.X, r.initial_em.mixture)
        top = np.argmax(merge_criterion(resp)[iu])
        assert first_round[0].triple[:2] == (iu[0][top], iu[1][top])
    # with C_max = 5 < M - 2, a round that accepts nothing tried one merge pair only (the failure mode of science.md §6)
    rejected_rounds = [[c for c in r.candidates if c.step == r.n_iter] for r in smem["paper"]]
    assert len(rejected_rounds) == len(smem["paper"]) and all(len(rd) == 5 for rd in rejected_rounds)
    assert all(len({c.triple[:2] for c in rd}) == 1 for rd in rejected_rounds)
    best = [c for c in smem["best_split"][0].candidates if c.step == 0]
    assert len({c.triple[:2] for c in best}) == len(best)


# --- other covariance types, reproducibility, errors ------------------------------------------------
@pytest.mark.parametrize("ctype", ["diag", "full"])
def test_smem_runs_and_keeps_its_guarantees_for_diag_and_full(ctype):
    _, X, _ = anisotropic_data(seed=4, n=300)
    start = initialize(X, 4, ctype, "random_points", rng=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                      # nothing leaks out of candidate runs
        r = run_smem(X, start, rng=0, max_candidates=3, max_iter=300)
    assert r.mixture.covariance_type == ctype and r.mixture.n_components == 4
    assert r.log_likelihood >= r.initial_em.log_likelihood
    assert np.all(np.diff(r.log_likelihoods) > 0)
    assert len(r.candidates) >= 3 and all(c.after_full.covariance_type == ctype for c in r.candidates
                                       if c.after_full is not None)


def test_a_candidate_whose_em_collapses_is_rejected_even_if_log_l_rose():
    """With reg_covar=0 and a feature with one repeated value, components collapse (science.md §3.5)."""
    r0 = np.random.default_rng(2)
    X = np.c_[np.round(r0.normal(0, 2, 120)), r0.normal(0, 1, 120)]
    X[:40, 1] = 5.0
    with pytest.warns(DegeneracyWarning):                       # the first EM run (the user's) warns
        r = run_smem(X, initialize(X, 4, "diag", "random_points", rng=2), rng=2, reg_covar=0.0, max_iter=300)
    collapsed = [c for c in r.candidates if "full EM degenerated" in c.event]
    assert any(c.gain > 0 for c in collapsed)
    assert not any(c.accepted for c in collapsed)
    failed = [c for c in r.candidates if "partial EM degenerated" in c.event]
    assert failed and all(c.after_full is None and c.log_likelihood_after == -np.inf for c in failed)
    assert r.n_iter == 0 and r.mixture == r.initial_em.mixture


def test_smem_is_reproducible_with_an_explicit_rng():
    _, X, _ = anisotropic_data(seed=5, n=200)
    start = initialize(X, 4, "spherical", rng=1)
    a = run_smem(X, start, rng=7, max_candidates=2, max_iter=200)
    b = run_smem(X, start, rng=np.random.default_rng(7), max_candidates=2, max_iter=200)
    assert a.mixture == b.mixture and a.events == b.events
    assert [c.event for c in a.candidates] == [c.event for c in b.candidates]


def test_run_smem_errors_say_how_to_fix():
    _, X, _ = anisotropic_data(seed=0, n=50)
    with pytest.raises(ValueError, match="at least 3 components"):
        run_smem(X, initialize(X, 2, "spherical", rng=0), rng=0)
    start = initialize(X, 3, "spherical", rng=0)
    with pytest.raises(ValueError, match="variant must be one of"):
        run_smem(X, start, rng=0, variant="normalised")
    with pytest.raises(ValueError, match="rng must be an int seed"):
        run_smem(X, start, rng=None)
    with pytest.raises(ValueError, match="init must be an emcourse.Mixture"):
        run_smem(X, "kmeans", rng=0)
    with pytest.raises(ValueError, match="max_candidates must be a whole number >= 1"):
        run_smem(X, start, rng=0, max_candidates=0)
    with pytest.raises(ValueError, match="has 3 features"):
        run_smem(np.c_[X, X[:, :1]], start, rng=0)
