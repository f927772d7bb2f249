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
