"""Mixtures of factor analysers (science.md §7): Woodbury densities, monotone EM, scikit-learn agreement, digits.

Digits set-up of science.md §7: the first 1200 images of load_digits, pixels / 16, keeping the 53 pixels
whose variance on those images exceeds 1e-3 (the "non-constant" pixels of the notes; strictly
non-constant are 61, and with those 61 both FactorAnalysis and MFA reach log L / N of about 43.6,
because some almost-always-zero pixels get a tiny noise variance). Held-out images: the other 597.
"""
import numpy as np
import pytest

from emcourse import Mixture
from emcourse import Status
from emcourse.methods.mfa import MFA, fit_mfa, initial_mfa


@pytest.fixture(scope="module")
def digits():
    from sklearn.datasets import load_digits

    D = load_digits().data / 16.0
    train, test = D[:1200], D[1200:]
    keep = train.var(axis=0) > 1e-3
    assert keep.sum() == 53
    return train[:, keep], test[:, keep]


def _random_mfa(seed=0, M=3, D=5, k=2):
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.5, 1.5, M)
    return MFA(w / w.sum(), rng.standard_normal((M, D)) * 4, rng.standard_normal((M, D, k)),
               rng.uniform(0.1, 0.5, D))


# --- densities -------------------------------------------------------------------------------------
def test_woodbury_density_equals_the_full_covariance_gaussian():
    m = _random_mfa()
    X = np.random.default_rng(1).standard_normal((50, 5)) * 5
    mix = m.to_mixture()
    assert isinstance(mix, Mixture) and mix.covariance_type == "full"
    np.testing.assert_allclose(m.component_log_pdf(X), mix.component_log_pdf(X), rtol=1e-11)
    np.testing.assert_allclose(m.responsibilities(X), mix.responsibilities(X), atol=1e-12)
    assert m.log_likelihood(X) == pytest.approx(mix.log_likelihood(X), rel=1e-12)
    np.testing.assert_allclose(m.responsibilities(X).sum(axis=1), 1.0)


def test_posterior_factors_are_beta_times_the_centred_point():
    m = _random_mfa(seed=2)
    X = np.random.default_rng(3).standard_normal((20, 5))
    Ez = m.posterior_factors(X)
    assert Ez.shape == (20, 3, 2)
    for j in range(3):
        lam = m.loadings[j]
        beta = lam.T @ np.linalg.inv(lam @ lam.T + np.diag(m.psi))           # Lambda^T (Lambda Lambda^T + Psi)^-1
        np.testing.assert_allclose(Ez[:, j], (X - m.means[j]) @ beta.T, rtol=1e-10, atol=1e-12)


def test_reconstruct_uses_the_most_probable_component_and_its_factors():
    m = _random_mfa(seed=4)
    X, labels = m.sample(200, rng=5)
    comp, Z = m.encode(X)
    np.testing.assert_array_equal(comp, m.responsibilities(X).argmax(axis=1))
    Ez = m.posterior_factors(X)
    np.testing.assert_allclose(Z, Ez[np.arange(200), comp])
    R = m.reconstruct(X)
    np.testing.assert_allclose(R, m.means[comp] + np.einsum("ndk,nk->nd", m.loadings[comp], Z))
    assert np.mean(comp == labels) > 0.9                                    # components far apart
    # noise-free points of the model are reconstructed (almost) exactly when Psi is small
    tiny = MFA(m.weights, m.means, m.loadings, np.full(5, 1e-8))
    Xc = tiny.decode(labels, np.random.default_rng(6).standard_normal((200, 2)))
    np.testing.assert_allclose(tiny.reconstruct(Xc), Xc, atol=1e-6)


def test_mfa_is_immutable_and_validates_its_parameters():
    m = _random_mfa()
    with pytest.raises(ValueError):
        m.means[0, 0] = 1.0
    with pytest.raises(ValueError, match="psi must have shape"):
        MFA(m.weights, m.means, m.loadings, m.psi[:3])
    with pytest.raises(ValueError, match="psi must be positive"):
        MFA(m.weights, m.means, m.loadings, np.r_[0.0, m.psi[1:]])
    with pytest.raises(ValueError, match="sum to 1"):
        MFA(m.weights * 2, m.means, m.loadings, m.psi)
    with pytest.raises(ValueError, match=r"loadings must have shape \(n_components, n_features, n_factors\)"):
        MFA(m.weights, m.means, m.loadings[:, :, 0], m.psi)
    with pytest.raises(ValueError, match="has 4 features"):
        m.log_likelihood(np.zeros((3, 4)))
    assert m.n_parameters == 3 * (5 * 2 + 5 + 1) - 1 + 5


# --- EM ---------------------------------------------------------------------------------------------
def test_em_log_likelihood_never_decreases_and_history_matches(digits):
    X = digits[0][:600]
    run = fit_mfa(X, 4, 3, rng=0, max_iter=60, tol=0.0)
    lls, m = run.log_likelihoods, run.mixture
    assert run.n_iter == 60 and len(lls) == 61 == len(run.history) and run.status is Status.MAX_ITER
    assert all(isinstance(h, MFA) for h in run.history) and run.history[-1] is m
    assert np.all(np.diff(lls) >= -1e-9 * abs(lls[-1]))
    for t in (0, 7, 60):
        assert run.history[t].log_likelihood(X) == pytest.approx(lls[t], rel=1e-10)
    assert np.all(m.psi >= m.psi_floor)
    np.testing.assert_allclose(m.weights.sum(), 1.0)


def test_em_recovers_a_known_mixture_of_factor_analysers():
    truth = _random_mfa(seed=7, M=2, D=6, k=2)
    X, _ = truth.sample(3000, rng=8)
    run = fit_mfa(X, 2, 2, rng=9, tol=1e-9, max_iter=2000)
    assert run.converged and run.status is Status.CONVERGED
    fit = run.mixture
    assert fit.log_likelihood(X) >= truth.log_likelihood(X)                 # the MLE is at least as good
    assert fit.log_likelihood(X) / len(X) == pytest.approx(truth.log_likelihood(X) / len(X), abs=0.01)
    np.testing.assert_allclose(fit.psi, truth.psi, rtol=0.15)
    order = np.argsort(fit.means[:, 0]), np.argsort(truth.means[:, 0])
    np.testing.assert_allclose(fit.weights[order[0]], truth.weights[order[1]], atol=0.03)
    C_fit, C_true = fit.covariances()[order[0]], truth.covariances()[order[1]]   # loadings only up to rotation
    np.testing.assert_allclose(C_fit, C_true, atol=0.25 * np.abs(C_true).max())


def test_initialisation_follows_mfa_m():
    X = np.random.default_rng(0).standard_normal((400, 4)) @ np.diag([1.0, 2.0, 3.0, 0.5])
    cov = np.cov(X, rowvar=False)
    m = initial_mfa(X, 3, 2, rng=1)
    np.testing.assert_allclose(m.weights, 1 / 3)
    np.testing.assert_allclose(m.psi, np.diag(cov))
    scale = np.linalg.det(cov) ** (1 / 4)
    big = initial_mfa(X, 200, 2, rng=2)                                    # many draws: check the scales
    assert np.mean(big.loadings ** 2) == pytest.approx(scale / 2, rel=0.1)
    np.testing.assert_allclose(np.cov(big.means, rowvar=False), cov, atol=0.25 * np.abs(cov).max())
    one = initial_mfa(X, 1, 2, rng=1)
    np.testing.assert_allclose(one.means[0], X.mean(axis=0))               # ffa.m: the sample mean
    assert fit_mfa(X, 3, 2, rng=1, max_iter=3).history[0].means.tolist() == m.means.tolist()


def test_fit_is_reproducible_with_an_explicit_rng(digits):
    X = digits[0][:300]
    a = fit_mfa(X, 3, 2, rng=4, max_iter=10)
    b = fit_mfa(X, 3, 2, rng=np.random.default_rng(4), max_iter=10)
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)
    np.testing.assert_array_equal(a.mixture.loadings, b.mixture.loadings)


def test_fit_errors_say_how_to_fix():
    X = np.random.default_rng(0).standard_normal((30, 4))
    with pytest.raises(ValueError, match=r"feature 2 of X is constant.*X\.std\(axis=0\) > 0"):
        fit_mfa(np.c_[X[:, :2], np.ones(30), X[:, 2:]], 2, 1, rng=0)
    with pytest.raises(ValueError, match="n_factors must be smaller than n_features = 4"):
        fit_mfa(X, 2, 4, rng=0)
    with pytest.raises(ValueError, match="psi_floor must be > 0"):
        fit_mfa(X, 2, 1, rng=0, psi_floor=0.0)
    with pytest.raises(ValueError, match="rng must be an int seed"):
        fit_mfa(X, 2, 1, rng=None)
    with pytest.raises(ValueError, match="n_components must be a whole number >= 1"):
        fit_mfa(X, 0, 1, rng=0)
    with pytest.raises(ValueError, match="contains 1 non-finite"):
        fit_mfa(np.r_[X, [[np.nan, 0, 0, 0]]], 2, 1, rng=0)
    with pytest.raises(ValueError, match="init has 2 components"):
        fit_mfa(X, 3, 1, init=initial_mfa(X, 2, 1, rng=0), rng=0)


# --- agreement with scikit-learn and the digits experiments ------------------------------------------
def test_one_component_matches_sklearn_factor_analysis(digits):
    from sklearn.decomposition import FactorAnalysis

    X = digits[0]
    fa = FactorAnalysis(n_components=6).fit(X)
    # the same parameters give the same density
    same = MFA([1.0], [fa.mean_], [fa.components_.T], fa.noise_variance_)
    assert same.log_likelihood(X) / len(X) == pytest.approx(fa.score(X), rel=1e-10)
    # EM with sklearn's Psi floor (1e-12) reaches the same optimum: science.md §7 gives 11.52799 vs 11.52776
    ours = fit_mfa(X, 1, 6, rng=0, psi_floor=1e-12, tol=1e-8, max_iter=2000)
    per_sample = ours.log_likelihood / len(X)
    assert ours.converged
    assert per_sample == pytest.approx(fa.score(X), abs=1e-3)
    assert per_sample >= fa.score(X) - 1e-6
    assert per_sample == pytest.approx(11.528, abs=1e-3)
    np.testing.assert_allclose(ours.mixture.means[0], X.mean(axis=0), atol=1e-10)
    # a floor changes the optimum
    floored = fit_mfa(X, 1, 6, rng=0, psi_floor=1e-3, tol=1e-8, max_iter=2000)
    assert 0.005 < per_sample - floored.log_likelihood / len(X) < 0.05


def test_mfa_reconstructs_held_out_digits_better_than_global_pca(digits):
    """10 components of k = 6 vs PCA with k = 6. max_iter=100 keeps the test fast: the held-out error
    settles within about 50 iterations (measured 0.0305 after 100 and 0.0304 after 300 for rng=0)."""
    from sklearn.decomposition import PCA

    train, test = digits
    pca = PCA(n_components=6).fit(train)
    err_pca = np.mean((pca.inverse_transform(pca.transform(test)) - test) ** 2)
    run = fit_mfa(train, 10, 6, rng=0, max_iter=100)
    mfa = run.mixture
    err_mfa = np.mean((mfa.reconstruct(test) - test) ** 2)
    print(f"held-out squared error per pixel: MFA(10 x 6) {err_mfa:.4f}, PCA(6) {err_pca:.4f}")
    assert err_mfa < 0.9 * err_pca
    # and it beats a single factor analyser of the same k, in held-out likelihood and reconstruction
    fa = fit_mfa(train, 1, 6, rng=0, max_iter=300).mixture
    assert mfa.log_likelihood(test) > fa.log_likelihood(test)
    assert err_mfa < np.mean((fa.reconstruct(test) - test) ** 2)
    assert np.all(np.diff(run.log_likelihoods) >= -1e-9 * abs(run.log_likelihood))


def test_least_squares_codes_project_orthogonally_and_posterior_means_shrink():
    """Lesson 9: the posterior mean E[z|x] is shrunk towards 0 by the prior; the least-squares code is the orthogonal
    projection onto mu_j + span(Lambda_j), so it reconstructs every point at least as well (same component)."""
    m = _random_mfa(seed=5, M=3, D=6, k=2)
    X, _ = m.sample(200, rng=1)
    comp_pm, z_pm = m.encode(X)
    comp_ls, z_ls = m.encode(X, how="least_squares")
    np.testing.assert_array_equal(comp_pm, comp_ls)
    resid = X - m.decode(comp_ls, z_ls)
    for j in range(3):
        sel = comp_ls == j
        np.testing.assert_allclose(resid[sel] @ m.loadings[j], 0.0, atol=1e-9)     # orthogonal to the subspace
    err_pm = ((X - m.reconstruct(X)) ** 2).sum(axis=1)
    err_ls = ((X - m.reconstruct(X, how="least_squares")) ** 2).sum(axis=1)
    assert np.all(err_ls <= err_pm + 1e-12) and err_ls.sum() < err_pm.sum()
    assert np.linalg.norm(z_pm) < np.linalg.norm(z_ls)                                # shrinkage
    with pytest.raises(ValueError, match="posterior_mean.*weighted_least_squares.*least_squares"):
        m.encode(X, how="pca")


def test_weighted_least_squares_is_the_posterior_mean_without_the_prior():
    """Lesson 9's decomposition: dropping I_k from the posterior mean gives the Psi-weighted least-squares code,
    whose residual is Psi^-1-orthogonal to the loadings; the posterior mean is that code shrunk by
    (I + G)^-1 G with G = Lambda^T Psi^-1 Lambda."""
    m = _random_mfa(seed=6, M=3, D=7, k=3)
    X, _ = m.sample(150, rng=2)
    comp, z_w = m.encode(X, how="weighted_least_squares")
    _, z_pm = m.encode(X)
    np.testing.assert_array_equal(comp, m.encode(X, how="least_squares")[0])
    resid = X - m.decode(comp, z_w)
    for j in range(3):
        sel = comp == j
        lam, psi = m.loadings[j], m.psi
        G = (lam.T / psi) @ lam
        expected = np.linalg.solve(G, (lam.T / psi) @ (X[sel] - m.means[j]).T).T
        np.testing.assert_allclose(z_w[sel], expected, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose((resid[sel] / psi) @ lam, 0.0, atol=1e-8)           # Psi^-1-orthogonal
        np.testing.assert_allclose(z_pm[sel], z_w[sel] @ np.linalg.solve(np.eye(3) + G, G).T, rtol=1e-8, atol=1e-10)
    assert np.linalg.norm(z_pm) < np.linalg.norm(z_w)
    weighted = lambda R: np.sum(R ** 2 / m.psi)                                        # noqa: E731
    assert weighted(X - m.reconstruct(X, how="weighted_least_squares")) <= weighted(X - m.reconstruct(X)) + 1e-9
    assert np.sum((X - m.reconstruct(X, how="least_squares")) ** 2) <= np.sum(resid ** 2) + 1e-9
