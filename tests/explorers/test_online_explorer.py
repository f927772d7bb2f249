"""Lesson 6's on-line EM explorer: a run that is not cached yet is announced in the readout before it starts."""
from emcourse import datasets
from emcourse import explorers as W


def test_a_new_run_says_computing_first_and_a_cached_one_does_not():
    ex = W.OnlineEMExplorer(datasets.make_grid(20, rng=0), n_passes=2)
    seen = []
    ex.readout.observe(lambda change: seen.append(change["new"]), names="value")
    ex.set(batch_size=5)
    assert "computing" in seen[0] and "m = 5" in seen[0]
    assert "computing" not in seen[-1] and "m = 5" in seen[-1]
    seen.clear()
    ex.set(batch_size=10)                           # built with m = 10: cached
    ex.set(pass_no=2)
    assert seen and not any("computing" in s for s in seen)
    ex.set(alpha=0.8)
    assert "computing" in seen[-2] and "alpha = 0.80" in seen[-2]


def test_float32_far_from_zero_says_the_samples_lost_their_spread_not_a_relative_error_of_zero():
    ex = W.RunningVarianceExplorer(n_samples=200, rng=0)
    ex.set(offset=1e9, precision="float32", n_seen=200)
    text = ex.summary()
    assert "float32 numbers near 1.0e+09 are 64 apart" in text and "stored as 1 distinct value " in text
    assert "variance before rounding: 0.9" in text
    assert "relative error" not in text.replace("no relative error", "")      # no "+0.0e+00" against a variance of 0
    ex.set(precision="float64")
    assert "apart" not in ex.summary() and "(relative error" in ex.summary()


def test_the_three_running_variances_have_three_colours():
    ex = W.RunningVarianceExplorer(n_samples=50, rng=0)
    assert len({line.get_color() for line in ex.lines.values()}) == 3


def test_alpha_stays_inside_the_theory_and_m_is_named_as_both_sizes():
    ex = W.OnlineEMExplorer(datasets.make_grid(20, rng=0), n_passes=2)
    assert ex.controls["alpha"].min > 0.5 and ex.controls["alpha"].max == 1.0
    assert "block" in ex.controls["batch_size"].description
    assert "(stepwise mini-batch and incremental block)" in ex.summary()
