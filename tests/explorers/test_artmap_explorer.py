"""Lesson 7's ARTMAP explorer: every vigilance the slider offers is fitted at build, so moving it only scrubs."""
import numpy as np
import pytest

from emcourse import explorers as W
from emcourse.methods.artmap import GaussianARTMAP


@pytest.fixture(scope="module")
def iris_2d():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    X = X[:, 2:]
    X = (X - X.min(0)) / np.ptp(X, axis=0)
    order = np.random.default_rng(0).permutation(len(X))
    return X[order[:100]], y[order[:100]], X[order[100:]], y[order[100:]]


@pytest.fixture
def count_fits(monkeypatch):
    calls = []
    original = GaussianARTMAP.fit

    def counting_fit(self, X, y):
        calls.append((self.rho, self.gamma))
        return original(self, X, y)

    monkeypatch.setattr(GaussianARTMAP, "fit", counting_fit)
    return calls


def test_every_offered_vigilance_is_fitted_at_build_and_scrubbing_fits_nothing(iris_2d, count_fits):
    ex = W.ArtmapExplorer(*iris_2d, rho=0.0, gamma=0.1)
    rho = ex.controls["rho"]
    offered = [round(v, 2) for v in np.arange(rho.min, rho.max + 1e-9, rho.step)]
    assert offered == list(ex.RHOS) and len(offered) == 20
    assert ex.cached() == offered and len(count_fits) == 20
    assert rho.continuous_update                        # a scrubbing control may follow the drag
    count_fits.clear()
    categories = []
    for value in offered[::-1] + offered:
        ex.set(rho=value)
        categories.append(ex.model().n_categories_)
        assert f"rho = {value:.2f}" in ex.summary()
    assert count_fits == []                             # nothing was fitted while scrubbing
    assert categories[0] > categories[19]               # the stored fits differ: more categories at rho 0.95 than 0


def test_stored_fits_are_the_fits(iris_2d):
    ex = W.ArtmapExplorer(*iris_2d, rho=0.0, gamma=0.1)
    for value in (0.0, 0.5, 0.95):
        ex.set(rho=value)
        fresh = GaussianARTMAP(rho=value, gamma=0.1, sigma_min=ex.sigma_min, rng=0).fit(*iris_2d[:2])
        np.testing.assert_array_equal(ex.model().means_, fresh.means_)
        assert f"held-out accuracy {fresh.score(*iris_2d[2:]):.3f}" in ex.summary()


def test_changing_gamma_says_it_is_computing_then_fits_the_whole_row(iris_2d, count_fits):
    ex = W.ArtmapExplorer(*iris_2d, rho=0.3, gamma=0.1)
    seen = []
    ex.readout.observe(lambda change: seen.append(change["new"]), names="value")
    count_fits.clear()
    ex.set(gamma=0.3)
    assert "computing" in seen[0] and "0.30" in seen[0]          # shown before the fits run
    assert "computing" not in seen[-1] and "gamma = 0.30" in seen[-1]
    assert len(count_fits) == 20 and ex.cached() == list(ex.RHOS)
    count_fits.clear()
    ex.set(rho=0.8)
    ex.set(gamma=0.1)                                           # back to a row already computed: no new fits
    assert count_fits == [] and not any("computing" in s for s in seen[-2:])


def test_ellipses_are_drawn_once_per_fit_and_dropped_with_their_gamma(iris_2d):
    ex = W.ArtmapExplorer(*iris_2d, rho=0.0, gamma=0.1)
    for value in ex.RHOS:
        ex.set(rho=value)
    patches = len(ex.ax.patches)
    assert patches == sum(ex._cache[(r, 0.1)]["model"].n_categories_ for r in ex.RHOS)
    for value in ex.RHOS[::-1]:
        ex.set(rho=value)
        assert ex.ellipses is ex._cache[(value, 0.1)]["ellipses"]          # the stored artists, drawn again
        assert set(ex.dynamic) >= set(ex.ellipses)
    assert len(ex.ax.patches) == patches                                   # nothing added on the second sweep
    ex.set(gamma=0.3)
    assert len(ex.ax.patches) == ex.model().n_categories_                  # the old gamma's ellipses are gone


def test_match_tracking_explorer_numbers_its_categories_names_the_classes_and_says_its_floor(iris_2d):
    X, y = iris_2d[0], np.array(["setosa", "versicolor", "virginica"])[iris_2d[1]]
    ex = W.MatchTrackingExplorer(X, y, n_samples=30, sigma_min=0.03, feature_names=("petal length", "petal width"))
    assert ex.model.sigma_min == 0.03 and "sigma floor sigma_min = 0.03" in ex.summary()
    assert (ex.ax.get_xlabel(), ex.ax.get_ylabel()) == ("petal length", "petal width")
    assert [t.get_text() for t in ex.ax.get_legend().get_texts()] == ["setosa", "versicolor", "virginica"]
    for t in (1, 10, 30):
        ex.set(t=t)
        means = ex.categories_after(t)[0]
        shown = [n for n in ex.numbers if n.get_visible()]
        assert [n.get_text() for n in shown] == [str(k + 1) for k in range(len(means))]   # numbered from 1
        np.testing.assert_allclose([n.get_position() for n in shown], means + 0.01)
        assert set(ex.numbers) <= set(ex.dynamic)
    tracked = next(e for e in ex.events if e.kind == "match_tracking")
    ex.set(t=tracked.sample + 1)
    assert f"removing category {tracked.category + 1}" in ex.summary()          # the number drawn on its ellipse
    assert ex.numbers[tracked.category].get_visible()


def test_artmap_explorer_legend_is_drawn_over_the_vote(iris_2d):
    ex = W.ArtmapExplorer(*iris_2d, rho=0.0, gamma=0.1)
    legend = ex.ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["class 0", "class 1", "class 2"]
    assert ex.dynamic.index(legend) > ex.dynamic.index(ex.vote)
    ex.set(rho=0.5)
    assert ex.dynamic.index(legend) > ex.dynamic.index(ex.vote)
