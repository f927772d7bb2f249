"""Lesson 3's explorer says what a too-large learning rate really does (issue 14).

At eta = 0.05 the run diverges yet takes every step (no error: each state is a valid float64
mixture); at eta = 0.1 a step overflows and the run stops. The readout must tell these apart, name
the largest one-step jump of a sigma, and give the learning rate exactly (the slider's notches are
powers of 10, 10^-1.3 = 0.0501 is not 0.05).
"""
import numpy as np
import pytest

from emcourse import Mixture, Status
from emcourse import explorers as W
from emcourse.methods.gradient import RISE_RTOL, gradient_descent


@pytest.fixture(scope="module")
def lesson3():
    X, _ = Mixture([0.6, 0.4], [[-2.0], [2.0]], [0.8 ** 2, 0.6 ** 2]).sample(100, rng=0)
    start = Mixture([0.5, 0.5], [[-0.5], [1.0]], [1.5 ** 2, 1.5 ** 2])
    return X, start, W.GradientDescentExplorer(X, start, max_iter=100, learning_rate=3e-3)


def test_a_good_rate_reports_no_divergence(lesson3):
    _, _, ex = lesson3
    ex.set(learning_rate=1e-2, step=100)
    text = ex.summary()
    assert "learning rate 0.01," in text
    assert "E went up" not in text and "diverged" not in text and "jump" not in text


def test_a_diverging_run_that_takes_every_step_says_so(lesson3):
    X, start, ex = lesson3
    ex.set(learning_rate=0.05, step=100)
    run = ex.run()
    assert run.status is Status.MAX_ITER and run.n_iter == 100          # no explicit stop ...
    sigmas = np.sqrt([m.covariances for m in run.history])
    assert sigmas.max() > 1e90                                           # ... with absurd widths
    text = ex.summary()
    assert "learning rate 0.05," in text
    assert f"is above its start ({-run.log_likelihoods[0]:.4g}): the descent has diverged" in text
    assert "largest jump: at step 48 sigma_2 went from 0.193 to 8.52e+92 in one step" in text
    assert "nothing stopped the run" in text and "took all 100 steps" in text


def test_a_run_stopped_by_overflow_names_the_step_and_the_reason(lesson3):
    _, _, ex = lesson3
    ex.set(learning_rate=0.1, step=100)
    run = ex.run()
    assert run.status is Status.DEGENERATE and run.n_iter == 3
    text = ex.summary()
    assert "step 4:" in text and "sigma_2^2 = inf" in text
    assert "nothing stopped the run" not in text


def test_the_slider_shows_its_exact_value(lesson3):
    _, _, ex = lesson3
    assert ex.controls["learning_rate"].readout_format == ".3g"
    ex.set(learning_rate=10 ** -1.3)
    assert "learning rate 0.0501," in ex.summary()


def test_the_scrubbing_step_does_not_rerun(lesson3):
    _, _, ex = lesson3
    ex.set(learning_rate=0.05, step=100)
    run = ex.run()
    ex.set(step=10)
    assert ex.run() is run
    assert "nothing stopped the run" not in ex.summary()                   # only said at the end of the run


def test_rounding_flicker_is_not_counted_as_a_rise(lesson3):
    X, start, _ = lesson3
    run = gradient_descent(X, start, learning_rate=1e-2, max_iter=100)
    energies = -run.log_likelihoods
    flickers = np.diff(energies) > 0
    assert flickers.any()                                                # E does flicker in its last bits ...
    assert np.all(np.diff(energies)[flickers] < RISE_RTOL * energies.max())
    assert not any(run.events)                                           # ... and that is not a rise
    oscillating = gradient_descent(X, start, learning_rate=10 ** -1.85, max_iter=100)
    assert sum(1 for e in oscillating.events if e) > 40                   # a real oscillation is counted
