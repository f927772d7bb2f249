"""The fast path of run_em (emcourse._fast) equals the plain e_step / m_step formulas."""
import numpy as np
import pytest

from emcourse import e_step, initialize, m_step
from emcourse._fast import CANCELLATION_LIMIT, FeatureMap

TYPES = ["spherical", "diag", "full"]


def compare(X, mix, reg=1e-6):
    fmap = FeatureMap(X, mix.covariance_type)
    resp_f, ll_f, stats = fmap.e_and_stats(mix)
    resp_p, ll_p = e_step(X, mix)
    np.testing.assert_allclose(resp_f, resp_p, atol=1e-11)
    assert ll_f == pytest.approx(ll_p, rel=1e-11)
    w, mu, cov = fmap.m_step_from_stats(stats, resp_f, reg)
    plain = m_step(X, resp_p, mix.covariance_type, reg)
    np.testing.assert_allclose(w, plain.weights, rtol=1e-10)
    np.testing.assert_allclose(mu, plain.means, rtol=1e-9, atol=1e-9 * np.abs(X).max())
    np.testing.assert_allclose(cov, plain.covariances, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("cov_type", TYPES)
@pytest.mark.parametrize("d", [1, 2, 5])
def test_fast_equals_plain(cov_type, d):
    rng = np.random.default_rng(d)
    X = rng.normal(size=(3000, d)) @ rng.normal(size=(d, d)) + rng.normal(size=d) * 3
    X[:1000] += 6
    compare(X, initialize(X, 4, cov_type, "kmeans++", rng=d))


@pytest.mark.parametrize("cov_type", TYPES)
def test_fast_path_survives_a_huge_offset(cov_type):
    """Data at 1e8 with unit variance: <x^2> - <x>^2 would lose every digit; centring keeps them."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(0, 1, (500, 2)), rng.normal(5, 1, (500, 2))]) + 1e8
    compare(X, initialize(X, 2, cov_type, rng=0), reg=0.0)


@pytest.mark.parametrize("cov_type", TYPES)
def test_far_narrow_components_fall_back_to_centred_formulas(cov_type):
    """Clusters 1e4 standard deviations from the data centre trip the cancellation guard."""
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(-1e3, 0.05, (400, 2)), rng.normal(1e3, 0.05, (400, 2))])
    mix = initialize(X, 2, cov_type, rng=0)
    mix = m_step(X, e_step(X, mix)[0] * 0 + np.repeat([[1, 0], [0, 1]], 400, axis=0), cov_type)
    fmap = FeatureMap(X, cov_type)
    assert fmap.weights_matrix(mix)[1].size == 2
    assert ((mix.means - fmap.center) ** 2 / mix.variances).max() > CANCELLATION_LIMIT
    compare(X, mix, reg=0.0)
