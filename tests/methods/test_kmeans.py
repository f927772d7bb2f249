"""k-means as the sigma -> 0 limit of means-only spherical EM (lesson 11)."""
import numpy as np
import pytest
from sklearn.cluster import KMeans

from emcourse import Status, datasets
from emcourse.methods.kmeans import assign, kmeans_limit, kmeans_step, run_means_em


@pytest.fixture(scope="module")
def data():
    X = datasets.load("overlapping", rng=0).X
    return X, X[[0, 100, 200]].copy()


def test_kmeans_step_assigns_with_the_old_means_and_keeps_an_empty_mean():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [3.0, 0.0], [4.0, 0.0], [10.0, 0.0], [11.0, 0.0]])
    means = np.array([[-2.0, 0.0], [3.6, 0.0], [10.5, 0.0], [50.0, 50.0]])
    np.testing.assert_allclose(kmeans_step(X, means), [[0.0, 0.0], [2.5, 0.0], [10.5, 0.0], [50.0, 50.0]])
    np.testing.assert_array_equal(assign(X, means), [0, 1, 1, 1, 1, 2, 2])


def test_kmeans_equals_scikit_learn_lloyd(data):
    X, init = data
    run = run_means_em(X, init, sigma=0.0, record_variance=1.0)
    sk = KMeans(3, init=init, n_init=1, max_iter=500, tol=0.0, algorithm="lloyd").fit(X)
    np.testing.assert_allclose(run.mixture.means, sk.cluster_centers_, atol=1e-12)
    assert run.status is Status.CONVERGED and run.softness[-1] == 0.0
    assert run.distortions[-1] == pytest.approx(sk.inertia_ / len(X), rel=1e-12)
    assert np.all(np.diff(run.distortions) <= 1e-12)                # k-means never increases its objective


def test_soft_runs_approach_kmeans_as_sigma_shrinks(data):
    X, init = data
    runs = kmeans_limit(X, init, [2.0, 1.0, 0.5, 0.05])
    assert list(runs) == [2.0, 1.0, 0.5, 0.05, 0.0]
    km = runs[0.0].mixture.means
    gaps = {s: np.abs(r.mixture.means - km).max() for s, r in runs.items()}
    assert gaps[0.05] < 1e-3 < gaps[0.5] < gaps[1.0]
    assert runs[0.05].softness[-1] < 1e-3 < runs[0.5].softness[-1] < runs[1.0].softness[-1]
    assert np.ptp(runs[2.0].mixture.means, axis=0).max() < 1e-3       # a wide sigma pulls every mean to one place
    for s in (2.0, 1.0, 0.5):                                            # EM for the means: log L never decreases
        assert np.all(np.diff(runs[s].log_likelihoods) >= -1e-9 * abs(runs[s].log_likelihoods[-1]))


def test_run_means_em_records_are_mixtures_with_the_fixed_variance(data):
    X, init = data
    run = run_means_em(X, init, sigma=0.5, max_iter=5, tol=0.0)
    assert run.n_iter == 5 and run.status is Status.MAX_ITER
    assert len(run.resp_history) == len(run.history) == run.distortions.size == run.softness.size
    for mix, resp in zip(run.history, run.resp_history):
        np.testing.assert_allclose(mix.covariances, 0.25)
        np.testing.assert_allclose(mix.responsibilities(X), resp, atol=1e-12)
    np.testing.assert_allclose(run.log_likelihoods, [m.log_likelihood(X) for m in run.history])


@pytest.mark.parametrize("kwargs, match", [
    (dict(sigma=0.0), "record_variance"), (dict(sigma=-1.0), "sigma"), (dict(sigma=1.0, record_variance=0.0), "> 0"),
])
def test_run_means_em_refuses_bad_options(data, kwargs, match):
    X, init = data
    with pytest.raises(ValueError, match=match):
        run_means_em(X, init, **kwargs)


def test_means_must_match_the_data(data):
    X, _ = data
    with pytest.raises(ValueError, match="shape"):
        kmeans_step(X, np.zeros((3, 5)))
    with pytest.raises(ValueError, match="positive"):
        kmeans_limit(X, X[:2], [1.0, 0.0])
