"""Gaussian ARTMAP (emcourse.artmap): match tracking, new categories, the running update, on-line = batch,
order invariance of the vote, input errors, and no NaN."""
import numpy as np
import pytest

from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import MinMaxScaler
from sklearn.utils.validation import check_is_fitted

from emcourse.methods.artmap import GaussianARTMAP
from emcourse.methods.artmap_trace import ArtmapEvent, Categories, categories_after, match_tracking_outcomes
from emcourse.methods.running import running_update

EPS = 1e-3


def three_blobs(n_per=40, seed=0, d=2, spread=0.07):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.2] * d, [0.8] * d, [0.2] * (d - 1) + [0.8]])
    X = np.concatenate([c + spread * rng.standard_normal((n_per, d)) for c in centres])
    y = np.repeat([0, 1, 2], n_per)
    order = rng.permutation(len(X))
    return X[order], y[order]


def hand_built(**options):
    """Four 1-D categories; at x = 0 category 1 (label B) wins the choice but has the wrong label.

    category  label  mu   sigma  n     G(0)            log g(0) = log n - log sigma + log G
    0         A      0.5  1.0    1     exp(-0.125)     -0.125
    1         B      0.3  0.2    10    exp(-1.125)      log 10 - log 0.2 - 1.125   (largest)
    2         B      0.6  0.2    100   exp(-4.5)        log 100 - log 0.2 - 4.5
    3         A      3.0  1.0    1000  exp(-4.5)        log 1000 - 4.5
    """
    m = GaussianARTMAP(**options)
    return m.set_categories(means=[[0.5], [0.3], [0.6], [3.0]], sigmas=[[1.0], [0.2], [0.2], [1.0]],
                            counts=[1, 10, 100, 1000], labels=["A", "B", "B", "A"])


# --- match, choice and match tracking ---------------------------------------------------------------

def test_match_and_choice_are_the_lecture_formulas():
    m = hand_built()
    G = np.exp(-0.5 * ((0.0 - np.array([0.5, 0.3, 0.6, 3.0])) / np.array([1.0, 0.2, 0.2, 1.0])) ** 2)
    np.testing.assert_allclose(m.match([0.0]), G, rtol=1e-14)
    log_g = np.log([1, 10, 100, 1000]) - np.log([1.0, 0.2, 0.2, 1.0]) + np.log(G)
    np.testing.assert_allclose(m.choice([0.0]), log_g, rtol=1e-14)
    assert m.match([[0.0], [0.5]]).shape == (2, 4)
    assert m.match([0.5])[0] == 1.0                        # unit height at the mean
    assert np.argmax(log_g) == 1 and np.argmax(G) == 0     # the best choice is not the best match


def test_match_tracking_removes_the_wrong_category_and_every_weaker_match_at_once():
    m = hand_built(rho=0.0, epsilon=EPS)
    m.partial_fit([0.0], "A")
    kinds = [e.kind for e in m.trace_]
    assert kinds == ["choose", "match_tracking", "choose", "learn"]
    choose, mt, choose2, learn = m.trace_
    assert (choose.category, choose.predicted, choose.true) == (1, "B", "A")
    # rho <- G_1 + epsilon removes category 1 (wrong) and 2 and 3 (weaker matches; 3 even has the right label)
    assert mt.category == 1 and mt.rho_before == 0.0
    assert mt.rho_after == pytest.approx(np.exp(-1.125) + EPS, rel=1e-14)
    assert mt.match == pytest.approx(np.exp(-1.125), rel=1e-14)
    assert mt.removed == (1, 2, 3)
    assert sum(e.kind == "match_tracking" for e in m.trace_) == 1       # one raise, not one per category
    # category 0 (the only one left) has the right label and learns: n = 2, mean (0.5 + 0) / 2
    assert (choose2.category, choose2.rho_before) == (0, mt.rho_after)
    assert (learn.category, learn.count) == (0, 2)
    np.testing.assert_allclose(m.means_[:, 0], [0.25, 0.3, 0.6, 3.0])
    np.testing.assert_array_equal(m.counts_, [2, 10, 100, 1000])
    assert "match tracking raises rho from 0 to 0.326" in mt.describe()
    assert "removing categories 2, 3, 4" in mt.describe()          # people read categories numbered from 1
    assert mt.describe().startswith("sample 1: ")


def test_match_tracking_that_leaves_nothing_creates_a_new_category_at_x_with_sigma_gamma():
    m = hand_built(gamma=0.3, sigma_min=0.05)
    x = 2.0     # category 3 (A) wins the choice with G = exp(-1/2); every other category matches worse
    m.partial_fit([x], "B")
    kinds = [e.kind for e in m.trace_]
    assert kinds[-1] == "new_category" and "match_tracking" in kinds
    new = m.trace_[-1]
    assert new.category == 4 and m.n_categories_ == 5
    np.testing.assert_array_equal(m.means_[4], [x])
    np.testing.assert_array_equal(m.variances_[4], [0.3 ** 2])
    np.testing.assert_array_equal(m.sigmas_[4], [0.3])
    assert m.counts_[4] == 1 and m.labels_[4] == "B"
    np.testing.assert_array_equal(new.mean, [x])
    np.testing.assert_array_equal(new.sigma, [0.3])
    assert m.match([x])[4] == 1.0


def test_first_sample_makes_the_first_category():
    m = GaussianARTMAP(gamma=0.25, sigma_min=0.0).fit([[0.1, 0.9, 0.5]], [7])
    c = m.categories_
    assert isinstance(c, Categories) and c.n_categories == 1
    np.testing.assert_array_equal(c.means, [[0.1, 0.9, 0.5]])
    np.testing.assert_array_equal(c.sigmas, [[0.25] * 3])
    np.testing.assert_array_equal(c.counts, [1])
    np.testing.assert_array_equal(c.labels, [7])
    assert [e.kind for e in m.trace_] == ["new_category"]


def test_sigma_floor_applies_to_a_new_category_narrower_than_it():
    m = GaussianARTMAP(gamma=0.02, sigma_min=0.1).fit([[0.5, 0.5]], [0])
    np.testing.assert_array_equal(m.variances_, [[0.02 ** 2] * 2])   # the running variance is untouched
    np.testing.assert_array_equal(m.sigmas_, [[0.1] * 2])            # match and choice use the floor


# --- learning = the lesson-6 running update -----------------------------------------------------------

@pytest.mark.parametrize("rule", ["welford", "slide23"])
def test_learning_is_the_running_mean_and_variance(rule):
    rng = np.random.default_rng(1)
    X = 0.5 + 0.1 * rng.standard_normal((30, 3))
    gamma = 0.2
    m = GaussianARTMAP(gamma=gamma, sigma_min=0.0, variance_update=rule, shuffle=False).fit(X, np.zeros(30, int))
    assert m.n_categories_ == 1                              # one class, rho = 0: one category learns everything
    # reference: slide 22 mean; slide 23 or Welford variance; the category starts at (x_1, gamma^2, n = 1)
    mu, var, n = X[0].copy(), np.full(3, gamma ** 2), 1
    for x in X[1:]:
        n += 1
        mu_new = mu + (x - mu) / n
        if rule == "welford":
            var = (n - 1) / n * var + (x - mu) * (x - mu_new) / n
        else:
            var = (1 - 1 / n) * var + (x - mu_new) ** 2 / n
        mu = mu_new
    np.testing.assert_allclose(m.means_[0], mu, rtol=1e-13)
    np.testing.assert_allclose(m.variances_[0], var, rtol=1e-12)
    np.testing.assert_allclose(m.sigmas_[0], np.sqrt(var), rtol=1e-12)
    assert m.counts_[0] == 30
    np.testing.assert_allclose(m.means_[0], X.mean(axis=0), rtol=1e-13)
    if rule == "welford":   # exact: (gamma^2 + centred sum of squares) / n
        np.testing.assert_allclose(var, (gamma ** 2 + ((X - X.mean(0)) ** 2).sum(0)) / 30, rtol=1e-12)


def test_slide23_variance_is_below_welford():
    X = np.array([2, 4, 4, 4, 5, 5, 7, 9], float).reshape(-1, 1)
    y = np.zeros(8, int)
    tiny = dict(gamma=1e-8, sigma_min=0.0, shuffle=False)
    w = GaussianARTMAP(variance_update="welford", **tiny).fit(X, y).variances_[0, 0]
    s = GaussianARTMAP(variance_update="slide23", **tiny).fit(X, y).variances_[0, 0]
    assert w == pytest.approx(4.0, rel=1e-12)                       # science.md §1, slide 23
    assert s == pytest.approx(3.343, abs=5e-4) and s < w


# --- on-line = batch, order ---------------------------------------------------------------------------

def _event_tuple(e: ArtmapEvent):
    arrays = tuple(None if v is None else v.tolist() for v in (e.mean, e.sigma))
    return (e.sample, e.epoch, e.kind, e.category, e.rho_before, e.rho_after, e.match, e.predicted, e.true,
            e.removed, e.count) + arrays


def _same_categories(a: GaussianARTMAP, b: GaussianARTMAP):
    for name in ("means_", "variances_", "sigmas_", "counts_", "labels_"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


@pytest.mark.parametrize("shuffle", [False, True])
def test_partial_fit_one_by_one_equals_fit_for_one_epoch(shuffle):
    X, y = three_blobs(spread=0.2)
    batch = GaussianARTMAP(gamma=0.05, sigma_min=0.02, shuffle=shuffle, rng=3).fit(X, y)
    order = np.random.default_rng(3).permutation(len(X)) if shuffle else np.arange(len(X))
    online = GaussianARTMAP(gamma=0.05, sigma_min=0.02)
    for i in order:
        online.partial_fit(X[i], y[i])
    assert batch.n_categories_ > 3                           # the run exercised match tracking
    assert any(e.kind == "match_tracking" for e in batch.trace_)
    _same_categories(batch, online)
    assert [_event_tuple(e) for e in batch.trace_] == [_event_tuple(e) for e in online.trace_]
    assert [e.row for e in batch.trace_ if e.kind in ("learn", "new_category")] == list(order)
    assert batch.n_samples_seen_ == online.n_samples_seen_ == len(X)
    # one partial_fit call with the whole batch in that order is the same again
    chunk = GaussianARTMAP(gamma=0.05, sigma_min=0.02).partial_fit(X[order], y[order])
    _same_categories(batch, chunk)


def test_fit_forgets_and_epochs_continue_the_stream():
    X, y = three_blobs()
    m = GaussianARTMAP(n_epochs=2, rng=0).fit(X, y)
    assert m.n_samples_seen_ == 2 * len(X)
    assert {e.epoch for e in m.trace_} == {0, 1}
    m.fit(X[:10], y[:10])
    assert m.n_samples_seen_ == 20 and m.trace_[0].sample == 0 and m.trace_[0].kind == "new_category"


def test_predictions_are_invariant_to_category_order():
    X, y = three_blobs(seed=2, spread=0.2)
    m = GaussianARTMAP(gamma=0.05, sigma_min=0.02, shuffle=False).fit(X, y)
    c = m.categories_
    perm = np.random.default_rng(0).permutation(c.n_categories)
    p = GaussianARTMAP(gamma=0.05, sigma_min=0.02).set_categories(
        means=c.means[perm], sigmas=np.sqrt(c.variances[perm]), counts=c.counts[perm], labels=c.labels[perm])
    Q, _ = three_blobs(seed=5, spread=0.2)
    np.testing.assert_allclose(p.predict_proba(Q), m.predict_proba(Q), rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(p.predict(Q), m.predict(Q))
    np.testing.assert_allclose(p.match(Q), m.match(Q)[:, perm], rtol=1e-14)
    np.testing.assert_allclose(p.choice(Q), m.choice(Q)[:, perm], rtol=1e-14)
    # training on after the permutation learns the same categories, permuted (new ones appended in order)
    m.partial_fit(Q, np.arange(len(Q)) % 3)
    p.partial_fit(Q, np.arange(len(Q)) % 3)
    full = np.concatenate([perm, np.arange(c.n_categories, m.n_categories_)])
    assert p.n_categories_ == m.n_categories_
    np.testing.assert_allclose(p.means_, m.means_[full], rtol=1e-13)
    np.testing.assert_allclose(p.sigmas_, m.sigmas_[full], rtol=1e-13)
    np.testing.assert_array_equal(p.counts_, m.counts_[full])


# --- prediction ---------------------------------------------------------------------------------------

def test_predict_proba_is_the_slide17_vote():
    X, y = three_blobs(seed=4)
    m = GaussianARTMAP(rng=1).fit(X, y)
    Q = np.array([[0.5, 0.5], [0.2, 0.2], [0.25, 0.7]])
    log_g = m.choice(Q)
    w = np.exp(log_g - log_g.max(axis=1, keepdims=True))
    w /= w.sum(axis=1, keepdims=True)
    V = np.stack([w[:, m.labels_ == c].sum(axis=1) for c in m.classes_], axis=1)
    np.testing.assert_allclose(m.predict_proba(Q), V, rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(m.predict(Q), m.classes_[V.argmax(axis=1)])
    assert list(m.predict(Q[:2])) == [m.predict(Q[:1])[0], 0]


def test_rho_limits_the_voters_and_falls_back_to_all_categories():
    m = hand_built(rho=0.5)
    # at x = 0.5 only category 0 (G = 1) passes rho = 0.5 (category 1: G = exp(-0.5), category 2: exp(-0.125) ...)
    G = m.match([0.5])
    voters = G > 0.5
    log_g = m.choice([0.5])
    V_B = np.exp(log_g[voters & (m.labels_ == "B")]).sum() / np.exp(log_g[voters]).sum()
    np.testing.assert_allclose(m.predict_proba([[0.5]])[0], [1 - V_B, V_B], rtol=1e-12)
    # far away nothing passes rho: everybody votes, exactly as with rho = 0
    far = [[40.0]]
    assert m.match(far[0]).max() < 0.5
    everyone = hand_built(rho=0.0).predict_proba(far)
    np.testing.assert_allclose(m.predict_proba(far), everyone, rtol=1e-12)
    assert np.all(np.isfinite(everyone)) and everyone.sum() == pytest.approx(1.0)


def test_new_labels_extend_classes_and_predict_proba_columns():
    X, y = three_blobs()
    m = GaussianARTMAP(gamma=0.1).partial_fit(X[y < 2], y[y < 2])
    np.testing.assert_array_equal(m.classes_, [0, 1])
    assert m.predict_proba(X).shape == (len(X), 2)
    m.partial_fit(X[y == 2][:5], y[y == 2][:5])
    np.testing.assert_array_equal(m.classes_, [0, 1, 2])
    assert m.predict_proba(X).shape == (len(X), 3)
    before = m.labels_.copy()
    m.partial_fit([[5.0, 5.0]], [-1])                    # sorts first: the category codes are re-mapped
    np.testing.assert_array_equal(m.classes_, [-1, 0, 1, 2])
    np.testing.assert_array_equal(m.labels_[:-1], before)
    assert m.labels_[-1] == -1 and m.predict([[5.0, 5.0]])[0] == -1
    m.partial_fit(X[:1], y[:1], classes=[0, 1, 2, 3])      # declared, never seen: a column of zeros
    proba = m.predict_proba(X)
    assert proba.shape == (len(X), 5) and np.all(proba[:, 4] == 0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_string_labels_and_score():
    X, y = three_blobs()
    names = np.array(["setosa", "versicolor", "virginica"])[y]
    m = GaussianARTMAP().fit(X, names)
    assert list(m.classes_) == ["setosa", "versicolor", "virginica"]
    assert m.score(X, names) > 0.95
    assert m.trace_[0].true in names


def test_defaults_reach_the_issue_target_on_digits():
    from sklearn.datasets import load_digits

    d = load_digits()
    X, y = d.data / 16.0, d.target
    m = GaussianARTMAP(rng=0).fit(X[:1400], y[:1400])
    assert m.score(X[1400:], y[1400:]) >= 0.90
    assert m.n_categories_ < 200


# --- no NaN -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("sigma_min", [0.1, 0.0])
def test_constant_features_never_give_nan(sigma_min):
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 100)
    X = np.column_stack([np.zeros(200), y.astype(float), rng.random(200)])   # constant; constant per class; noise
    m = GaussianARTMAP(sigma_min=sigma_min, rng=0).fit(X, y)
    for arr in (m.sigmas_, m.variances_, m.means_, m.match(X), m.choice(X), m.predict_proba(X)):
        assert np.all(np.isfinite(arr))
    assert np.all(m.variances_ > 0)
    assert np.all(m.sigmas_ >= sigma_min)
    np.testing.assert_allclose(m.predict_proba(X).sum(axis=1), 1.0)
    np.testing.assert_array_equal(m.predict(X), y)
    for far in (np.array([[1e6, -1e6, 1e6]]), np.full((1, 3), 1e200)):
        proba = m.predict_proba(far)
        assert np.all(np.isfinite(proba)) and proba.sum() == pytest.approx(1.0)
        assert np.all(np.isfinite(m.choice(far))) and np.all(m.match(far) >= 0)
    if sigma_min:
        assert m.sigmas_[:, 0].min() == sigma_min           # the floor is what stops the constant pixel collapsing


def test_sklearn_clone_and_params():
    m = GaussianARTMAP(gamma=0.3, rho=0.2)
    c = clone(m)
    assert c.get_params() == m.get_params() and c.gamma == 0.3
    c.set_params(sigma_min=0.2)
    assert c.sigma_min == 0.2
    assert not hasattr(c, "classes_")                          # NotFittedError is also an AttributeError
    assert "gamma=0.3" in repr(m)


def test_works_in_scikit_learn_pipelines_and_cross_validation(iris):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    pipe = make_pipeline(MinMaxScaler(), GaussianARTMAP(rng=0))
    scores = cross_validate(pipe, X, y, cv=StratifiedKFold(5, shuffle=True, random_state=0))["test_score"]
    assert scores.shape == (5,) and scores.mean() > 0.9
    fitted = clone(pipe).fit(X, y)
    assert fitted.score(X, y) == pytest.approx(np.mean(fitted.predict(X) == y))
    with pytest.raises(NotFittedError):
        check_is_fitted(GaussianARTMAP())
    check_is_fitted(fitted[-1])


def test_changing_sigma_min_after_fitting_changes_the_sigmas_used():
    X, y = three_blobs(spread=0.05)
    m = GaussianARTMAP(gamma=0.02, sigma_min=0.01, rng=0).fit(X, y)
    assert m.sigmas_.min() < 0.2
    m.set_params(sigma_min=0.2)
    assert m.sigmas_.min() == pytest.approx(0.2)


# --- errors -------------------------------------------------------------------------------------------

X5 = np.random.default_rng(0).random((5, 2))
Y5 = np.array([0, 1, 0, 1, 1])


@pytest.mark.parametrize("options, match", [
    (dict(rho=1.0), r"rho must be in \[0, 1\).*no category could ever match"),
    (dict(rho=-0.1), r"rho must be a finite number >= 0"),
    (dict(gamma=0.0), r"gamma must be > 0"),
    (dict(epsilon=-1e-3), r"epsilon must be a finite number >= 0"),
    (dict(sigma_min=np.nan), r"sigma_min must be a finite number"),
    (dict(variance_update="naive"), r"variance_update must be one of \('welford', 'slide23'\)"),
    (dict(n_epochs=0), r"n_epochs must be a whole number >= 1"),
    (dict(shuffle="yes"), r"shuffle must be True or False"),
    (dict(rng=None), r"rng must be an int seed.*rng=0"),
])
def test_bad_options(options, match):
    model = GaussianARTMAP(**options)               # scikit-learn's rule: options are checked when training starts
    for start in (lambda: model.fit(X5, Y5), lambda: model.partial_fit(X5, Y5)):
        with pytest.raises(ValueError, match=match):
            start()


def test_set_params_is_scikit_learns_and_checked_at_fit():
    m = GaussianARTMAP()
    with pytest.raises(ValueError, match=r"Invalid parameter 'gama'"):
        m.set_params(gama=0.1)
    m.set_params(gamma=0, rho=0.5)
    with pytest.raises(ValueError, match=r"gamma must be > 0"):
        m.fit(X5, Y5)


@pytest.mark.parametrize("X, y, match", [
    (np.where(np.eye(5, 2) > 0, np.nan, X5), Y5, r"X contains 2 non-finite.*row 0, column 0"),
    (X5[:, 0], Y5, r"1-D array.*reshape"),
    (X5, Y5[:4], r"X has 5 samples \(rows\) but y has 4 labels"),
    (X5, Y5.reshape(-1, 1), r"y must be 1-D.*y\.ravel\(\)"),
    (X5, np.array([0, 1, np.nan, 1, 0]), r"non-finite label \(nan\) at position 2"),
    (X5, np.array([0, None, 1, 1, 0], dtype=object), r"y contains None"),
    (X5, np.array([0, "a", 1, 1, 0], dtype=object), r"mixes kinds of label"),
    (X5, np.array([0.5j] * 5), r"class labels \(integers or strings\)"),
])
def test_bad_X_or_y(X, y, match):
    with pytest.raises(ValueError, match=match):
        GaussianARTMAP().fit(X, y)


def test_errors_after_fitting():
    m = GaussianARTMAP()
    with pytest.raises(NotFittedError, match=r"no categories yet: call fit\(X, y\) or partial_fit"):
        m.predict(X5)
    with pytest.raises(ValueError, match=r"no categories yet"):
        m.match(X5[0])
    m.fit(X5, Y5)
    with pytest.raises(ValueError, match=r"X has 3 features \(columns\) but this GaussianARTMAP was trained on 2"):
        m.predict_proba(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"was trained on 2"):
        m.partial_fit(np.zeros((2, 3)), [0, 1])
    with pytest.raises(ValueError, match=r"x has 3 features"):
        m.match([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"numeric classes \[0, 1\] but got string labels"):
        m.partial_fit(X5[:1], ["a"])
    with pytest.raises(ValueError, match=r"sigmas must be finite and > 0"):
        GaussianARTMAP().set_categories(means=[[0.0]], sigmas=[[0.0]], counts=[1], labels=[0])
    with pytest.raises(ValueError, match=r"counts must be whole numbers >= 1"):
        GaussianARTMAP().set_categories(means=[[0.0]], sigmas=[[1.0]], counts=[0.5], labels=[0])


def test_trace_tells_the_story_of_every_sample():
    X, y = three_blobs(spread=0.2)
    m = GaussianARTMAP(gamma=0.05, sigma_min=0.02, rng=0).fit(X, y)
    trace = m.trace_
    by_sample = {}
    for e in trace:
        by_sample.setdefault(e.sample, []).append(e)
        assert e.kind in ("choose", "match_tracking", "new_category", "learn")
        assert e.true == y[e.row]
        if e.kind == "match_tracking":
            assert e.predicted != e.true and e.rho_after == pytest.approx(e.match + EPS)
            assert e.category in e.removed
        else:
            assert e.rho_after == e.rho_before
        if e.kind == "learn":
            assert e.predicted == e.true
    assert sorted(by_sample) == list(range(len(X)))
    for events in by_sample.values():
        assert events[-1].kind in ("learn", "new_category")
        assert events[0].rho_before == 0.0                     # rho starts every sample at the baseline
        rhos = [e.rho_after for e in events]
        assert rhos == sorted(rhos)                            # and only rises within a sample
    assert sum(e.kind == "new_category" for e in trace) == m.n_categories_
    assert sum(e.kind in ("learn", "new_category") for e in trace) == m.counts_.sum()
    assert all(isinstance(e.describe(), str) for e in trace)


def test_categories_after_replays_the_trace_to_any_sample():
    X, y = three_blobs(spread=0.2)
    m = GaussianARTMAP(gamma=0.05, sigma_min=0.02, shuffle=False, rng=0).fit(X, y)
    means, sigmas, labels = categories_after(m.trace_, len(X))
    np.testing.assert_allclose(means, m.means_, rtol=1e-14)
    np.testing.assert_allclose(sigmas, m.sigmas_, rtol=1e-14)
    np.testing.assert_array_equal(labels, m.labels_)
    assert [len(a) for a in categories_after(m.trace_, 0)] == [0, 0, 0]
    for t in (1, 17, 60):
        part = GaussianARTMAP(gamma=0.05, sigma_min=0.02, shuffle=False, rng=0).fit(X[:t], y[:t])
        means, sigmas, labels = categories_after(m.trace_, t)
        assert len(means) == part.n_categories_
        np.testing.assert_allclose(sigmas, part.sigmas_, rtol=1e-14)
        np.testing.assert_array_equal(labels, part.labels_)


def test_a_category_learns_with_the_running_update_of_lesson_6():
    """Gaussian ARTMAP reuses emcourse.methods.running.running_update; feed one category a stream and compare."""
    x = np.random.default_rng(5).normal(0.5, 0.1, size=(40, 2))
    for rule in ("welford", "slide23"):
        m = GaussianARTMAP(gamma=5.0, sigma_min=0.0, variance_update=rule, shuffle=False).fit(x, np.zeros(40, int))
        assert m.n_categories_ == 1
        mean, var = x[0], np.full(2, 25.0)
        for n, row in enumerate(x[1:], start=2):
            mean, var = running_update(n, mean, var, row, rule)
        np.testing.assert_allclose(m.means_[0], mean, rtol=1e-14)
        np.testing.assert_allclose(m.variances_[0], var, rtol=1e-14)


# --- what match tracking did: the counts lesson 7 prints ------------------------------------------------------
def test_match_tracking_outcomes_count_the_next_category_and_the_new_category_branches():
    m = hand_built(epsilon=EPS).partial_fit([[0.0]], ["A"])       # 2 (B) wins, is wrong; 1 and 4 go; 1 (A) learns
    out = match_tracking_outcomes(m.trace_)
    assert (out.n_samples, out.n_events, out.to_next_category, out.to_new_category) == (1, 1, 1, 0)
    assert (out.samples_tracked, out.learned_after_tracking) == (1, 1)
    assert out.median_match == pytest.approx(np.exp(-1.125))
    event = next(e for e in m.trace_ if e.kind == "match_tracking")
    assert event.runner_up == pytest.approx(np.exp(-0.125))        # 0 (A) was the best of the others: it is tried next
    assert out.median_runner_up == pytest.approx(np.exp(-0.125)) and event.runner_up > event.rho_after
    m = hand_built(epsilon=EPS).partial_fit([[0.0]], ["C"])       # a label no category has: two wrong winners
    out = match_tracking_outcomes(m.trace_)
    assert (out.n_events, out.to_next_category, out.to_new_category, out.learned_after_tracking) == (2, 1, 1, 0)
    assert out.median_match == pytest.approx(np.median([np.exp(-1.125), np.exp(-0.125)]))
    quiet = match_tracking_outcomes(GaussianARTMAP().fit([[0.0], [0.01]], [0, 0]).trace_)
    assert (quiet.n_samples, quiet.n_events) == (2, 0) and np.isnan(quiet.median_match)
    assert np.isnan(quiet.median_runner_up)
    alone = GaussianARTMAP().set_categories(means=[[0.0]], sigmas=[[1.0]], counts=[1], labels=["A"])
    event = next(e for e in alone.partial_fit([[0.0]], ["B"]).trace_ if e.kind == "match_tracking")
    assert event.runner_up == 0.0                                   # nobody else was eligible


def test_on_64_pixel_digits_with_gamma_0_2_every_match_tracking_event_makes_a_new_category():
    """Lesson 7's claim, for gamma = 0.2: in 64 dimensions the wrong winner's match is tiny (median about 1e-22),
    so rho <- G_J + epsilon is about epsilon, and every other category matches below it too: nobody is left.
    With wider categories (gamma = 0.5) another category often matches above epsilon and takes over."""
    X, y = load_digits(return_X_y=True)
    X = MinMaxScaler().fit_transform(X)
    m = GaussianARTMAP(gamma=0.2, rng=0).fit(X, y)
    out = match_tracking_outcomes(m.trace_)
    assert out.n_events > 50 and out.to_next_category == 0 and out.to_new_category == out.n_events
    assert out.learned_after_tracking == 0 and 1e-30 < out.median_match < 1e-15
    assert all(e.runner_up < m.epsilon for e in m.trace_ if e.kind == "match_tracking")
    wide = match_tracking_outcomes(GaussianARTMAP(gamma=0.5, rng=0).fit(X, y).trace_)
    assert wide.median_match < 1e-10                                # G_J is still tiny ...
    assert wide.to_next_category > 0.2 * wide.n_events              # ... yet the next category often takes over
    assert wide.median_runner_up > 1e6 * out.median_runner_up
    X2, y2 = three_blobs(spread=0.2)                              # in 2-D the other branch does happen
    two_d = GaussianARTMAP(gamma=0.05, sigma_min=0.02, rng=0).fit(X2, y2)
    assert match_tracking_outcomes(two_d.trace_).to_next_category > 0
