"""Lesson 6 (on-line updates): running statistics behave as science.md §4.1 says."""
from fractions import Fraction

import numpy as np
import pytest

from emcourse.methods.running import (RunningStats, running_mean, running_update, running_variance,
                                      slide23_expected_ratio, two_pass_variances, variance_ratio_slide_vs_exact)

TOY = [2, 4, 4, 4, 5, 5, 7, 9]


# --- running statistics -------------------------------------------------------------------------
def test_running_mean_is_the_mean_of_each_prefix(rng):
    x = rng.normal(3.0, 2.0, size=(200, 3))
    n = np.arange(1, 201)[:, None]
    np.testing.assert_allclose(running_mean(x), np.cumsum(x, axis=0) / n, rtol=1e-12)
    np.testing.assert_allclose(running_mean(x[:, 0]), np.cumsum(x[:, 0]) / n[:, 0], rtol=1e-12)
    np.testing.assert_allclose(running_mean(TOY), [2, 3, 10 / 3, 3.5, 3.8, 4, 31 / 7, 5], rtol=1e-15)


def test_welford_equals_two_pass_variance_to_rounding(rng):
    x = rng.normal(-7.0, 3.0, size=(500, 2))
    two_pass = np.array([np.var(x[:k], axis=0) for k in range(1, 501)])
    np.testing.assert_allclose(running_variance(x), two_pass, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(running_variance(x[:, 1]), two_pass[:, 1], rtol=1e-12, atol=1e-13)
    assert running_variance(TOY)[-1] == pytest.approx(4.0, rel=1e-15)


def _slide23_exact_fraction(xs):
    """The slide-23 recursion in exact rational arithmetic (no rounding at all)."""
    mu = var = Fraction(0)
    for n, x in enumerate(xs):
        mu += (x - mu) / (n + 1)
        var = (1 - Fraction(1, n + 1)) * var + Fraction(1, n + 1) * (x - mu) ** 2
    return var


def test_slide23_recursion_on_the_toy_data_and_its_closed_form(rng):
    exact = _slide23_exact_fraction(TOY)
    assert round(float(exact), 3) == 3.343                     # the slide's value, vs the true 4.0
    assert exact == Fraction(1179529, 352800)                  # = 3.3433361678...
    mu = [Fraction(sum(TOY[:k]), k) for k in range(1, 9)]
    assert exact == sum((x - m) ** 2 for x, m in zip(TOY, mu)) / 8   # = mean squared deviation from the running mean
    assert running_variance(TOY, "slide23")[-1] == pytest.approx(float(exact), rel=1e-14)
    # the same closed form on a random stream: sigma^2_N = (1/N) sum_k (x_k - mu_k)^2
    x = rng.normal(size=300)
    closed = np.cumsum((x - np.cumsum(x) / np.arange(1, 301)) ** 2) / np.arange(1, 301)
    np.testing.assert_allclose(running_variance(x, "slide23"), closed, rtol=1e-11)


def test_slide23_bias_is_about_minus_log_n_over_n():
    assert slide23_expected_ratio(10) == pytest.approx(0.786, abs=1e-3)
    r100 = variance_ratio_slide_vs_exact(100, 2000, rng=0)
    r1000 = variance_ratio_slide_vs_exact(1000, 1000, rng=1)
    assert r100 == pytest.approx(0.958, abs=0.02) and r100 == pytest.approx(slide23_expected_ratio(100), abs=0.005)
    assert r1000 == pytest.approx(0.993, abs=0.003)
    assert r100 < r1000 < 1.0                                  # biased low, less so for longer streams
    assert 1 - slide23_expected_ratio(1000) == pytest.approx(np.log(1000) / 1000, rel=0.1)


def test_naive_formula_fails_on_offset_data_and_welford_does_not(rng):
    x = rng.normal(size=1000) + 1e9                            # unit variance, far from 0
    truth = np.var(x)                                          # two-pass (centred)
    naive, welford = running_variance(x, "naive")[-1], running_variance(x, "welford")[-1]
    assert naive < 0 or abs(naive - truth) > 1.0               # negative or wildly wrong
    assert welford == pytest.approx(truth, rel=1e-7)
    x32 = (rng.normal(size=1000) + 1e4).astype(np.float32)    # float32 loses digits even at 1e4
    truth32 = np.var(x32.astype(np.float64))
    v_naive, v_welford = running_variance(x32, "naive"), running_variance(x32)
    assert v_naive.dtype == v_welford.dtype == np.float32
    assert abs(v_naive[-1] - truth32) > 1.0
    assert v_welford[-1] == pytest.approx(truth32, rel=0.01)


@pytest.mark.parametrize("method", ["welford", "naive", "slide23"])
def test_batches_equal_one_sample_at_a_time(rng, method):
    x = rng.normal(5.0, 2.0, size=(97, 2))
    one = RunningStats(method)
    for row in x:
        one.update(row)
    batched = RunningStats(method)
    for chunk in np.split(x, [1, 8, 30, 31, 60]):
        batched.update_batch(chunk)
    assert one.count == batched.count == 97
    rtol = 0 if method == "slide23" else 1e-12                # slide 23 has no batch form: fed sample by sample
    np.testing.assert_allclose(batched.mean, one.mean, rtol=rtol)
    np.testing.assert_allclose(batched.variance, one.variance, rtol=rtol)
    every5 = running_variance(x, method, batch_size=5)
    np.testing.assert_allclose(every5, running_variance(x, method)[np.r_[4:97:5, 96]], rtol=max(rtol, 1e-12))


def test_running_stats_of_scalars_and_clear_errors():
    s = RunningStats()
    for v in TOY:
        s.update(v)
    assert np.ndim(s.mean) == 0 and float(s.mean) == 5.0 and float(s.variance) == 4.0
    s.update_batch([5.0, 5.0])
    assert s.count == 10 and float(s.variance) == pytest.approx(3.2)
    with pytest.raises(ValueError, match="empty stream.*call update"):
        RunningStats().variance
    with pytest.raises(ValueError, match="method must be one of.*'welford'"):
        RunningStats("two-pass")
    with pytest.raises(ValueError, match="dtype must be numpy.float32 or numpy.float64"):
        running_variance(TOY, dtype=np.int64)
    with pytest.raises(ValueError, match="1 feature.*got a sample with 2"):
        s.update([1.0, 2.0])
    with pytest.raises(ValueError, match="non-finite value"):
        running_mean([1.0, np.nan])
    with pytest.raises(ValueError, match="1-D .* or 2-D"):
        running_variance(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="too large for float32"):
        running_mean([1e39], dtype=np.float32)


@pytest.mark.parametrize("rule", ["welford", "slide23"])
def test_running_update_is_the_one_formula_behind_running_stats(rng, rule):
    x = rng.normal(7.0, 3.0, 50)
    mean, var, out = 0.0, 0.0, []
    for n, v in enumerate(x, start=1):
        mean, var = running_update(n, mean, var, v, rule)
        out.append(var)
    np.testing.assert_allclose(out, running_variance(x, rule), rtol=1e-12)
    if rule == "welford":
        np.testing.assert_allclose(out, two_pass_variances(x), rtol=1e-10)
    else:                                                        # biased low, as science.md §4.1 says
        assert out[-1] < two_pass_variances(x)[-1]


def test_two_pass_variances_is_the_exact_reference():
    np.testing.assert_allclose(two_pass_variances(TOY), [np.var(TOY[:n]) for n in range(1, 9)], rtol=1e-15)
    far = np.array(TOY, float) + 1e9
    np.testing.assert_allclose(two_pass_variances(far), two_pass_variances(TOY), rtol=1e-6)
