"""The one covariance-type table (emcourse._covariance) against scikit-learn's per-type functions."""
import numpy as np
import pytest
from sklearn.mixture import GaussianMixture
from sklearn.mixture._gaussian_mixture import _estimate_gaussian_parameters

from emcourse import Mixture, initialize
from emcourse._covariance import COVARIANCE_TYPES, covariance_kind, estimate
from emcourse._numerics import EPS10
from tests._data import anisotropic_data

_, X, _ = anisotropic_data(seed=3, n=500)
RESP = np.random.default_rng(0).dirichlet(np.ones(3), size=len(X))


@pytest.mark.parametrize("ctype", COVARIANCE_TYPES)
def test_estimate_and_regularize_equal_scikit_learns_m_step(ctype):
    kind = covariance_kind(ctype)
    n_j = RESP.sum(axis=0) + EPS10
    means = RESP.T @ X / n_j[:, None]
    ours = kind.regularize(estimate(X, RESP, n_j, means, ctype), 1e-4)
    _, sk_means, sk_cov = _estimate_gaussian_parameters(X, RESP, 1e-4, ctype)
    np.testing.assert_allclose(means, sk_means, rtol=1e-12)
    np.testing.assert_allclose(ours, sk_cov, rtol=1e-10)
    assert ours.shape == kind.shape(3, 2)


@pytest.mark.parametrize("ctype", COVARIANCE_TYPES)
def test_parameter_counts_equal_scikit_learns(ctype):
    mix = initialize(X, 3, ctype, rng=0)
    gm = GaussianMixture(3, covariance_type=ctype, max_iter=1, random_state=0).fit(X)
    assert mix.n_parameters == gm._n_parameters()


@pytest.mark.parametrize("ctype", COVARIANCE_TYPES)
def test_the_fast_path_moments_give_the_centred_estimate(ctype):
    """from_moments (the fast path's expanded quadratic) equals the centred estimate on centred data."""
    kind = covariance_kind(ctype)
    Xc = X - X.mean(axis=0)
    n_j = RESP.sum(axis=0)
    mu = RESP.T @ Xc / n_j[:, None]
    quad = np.empty((kind.n_quadratic(2), len(X)))
    kind.fill_quadratic(quad, np.ascontiguousarray(Xc.T))
    S2 = RESP.T @ quad.T
    np.testing.assert_allclose(kind.from_moments(S2, mu, n_j, n_j, 2), estimate(Xc, RESP, n_j, mu, ctype),
                               rtol=1e-10)


@pytest.mark.parametrize("ctype", COVARIANCE_TYPES)
def test_variances_from_variances_and_full_agree(ctype):
    kind = covariance_kind(ctype)
    mix = initialize(X, 3, ctype, rng=1)
    var = kind.variances(mix.covariances, 2)
    assert var.shape == (3, 2)
    np.testing.assert_allclose(np.diagonal(mix.full_covariances(), axis1=1, axis2=2), var)
    if ctype != "full":                                   # full matrices have more than their diagonal
        np.testing.assert_array_equal(kind.from_variances(var), mix.covariances)


@pytest.mark.parametrize("ctype, expected", [("spherical", 2.0), ("diag", 2.0), ("full", 2.0)])
def test_split_resets_to_the_geometric_mean_variance(ctype, expected):
    cov_k = {"spherical": 2.0, "diag": np.array([1.0, 4.0]), "full": np.array([[1.0, 0.0], [0.0, 4.0]])}[ctype]
    s2, cov_s = covariance_kind(ctype).split(cov_k, 2)
    assert s2 == pytest.approx(expected)
    np.testing.assert_allclose(Mixture([1.0], [[0.0, 0.0]], np.array([cov_s]), ctype).full_covariances()[0],
                               expected * np.eye(2))


def test_an_unknown_type_is_a_clear_error():
    with pytest.raises(ValueError, match=r"covariance_type must be one of \('spherical', 'diag', 'full'\), got 'tied'"):
        covariance_kind("tied")


def test_only_the_covariance_module_branches_on_the_type():
    """design.md: one place per formula. Elsewhere a type is only checked as a capability of a method."""
    from pathlib import Path

    import emcourse

    allowed = {"methods/gradient.py": 1, "explorers/densities.py": 1, "explorers/gradient.py": 1,    # spherical-only
               "methods/map_em.py": 1}                                                           # full-only
    root = Path(emcourse.__file__).parent
    for path in root.rglob("*.py"):
        if path.name == "_covariance.py":
            continue
        hits = [l for l in path.read_text().splitlines() if not l.strip().startswith("#")
                and any(f'{name} {op} "' in l for name in ("covariance_type", "ctype") for op in ("==", "!="))]
        rel = path.relative_to(root).as_posix()
        assert len(hits) <= allowed.get(rel, 0), f"{rel} branches on the type: {hits}"
