"""One mixture per class (emcourse.methods.classify): accuracy, posteriors, scikit-learn plumbing, errors."""
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import cross_val_score

from emcourse.methods.classify import MixtureClassifier


def test_mixture_classifier_on_iris_and_posteriors_sum_to_one():
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(X))
    train, test = idx[:100], idx[100:]
    clf = MixtureClassifier(2, covariance_type="full", reg_covar=1e-4).fit(X[train], y[train])
    assert clf.score(X[test], y[test]) >= 0.9
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X[:5])).sum(1), 1.0)
    np.testing.assert_allclose(clf.predict_proba(X[:5]), np.exp(clf.predict_log_proba(X[:5])))
    assert clf.n_components_total_ == 6
    np.testing.assert_allclose(np.exp(clf.log_priors_), np.bincount(y[train]) / 100)


def test_string_labels_small_classes_and_constant_features():
    X = np.array([[0.0, 1.0], [0.1, 1.0], [0.2, 1.0], [5.0, 2.0], [5.1, 2.0]])   # feature 2 constant per class
    y = np.array(["a", "a", "a", "b", "b"])
    clf = MixtureClassifier(3, covariance_type="diag").fit(X, y)
    assert [m.n_components for m in clf.mixtures_] == [3, 2]      # at most one component per point
    assert list(clf.predict([[0.05, 1.0], [5.05, 2.0]])) == ["a", "b"]


def test_a_scikit_learn_classifier():
    X, y = load_iris(return_X_y=True)
    clf = MixtureClassifier(2, covariance_type="diag", rng=1)
    assert clone(clf).get_params() == clf.get_params()
    assert cross_val_score(clf, X, y, cv=3).mean() > 0.85
    with pytest.raises(NotFittedError):
        clf.predict(X)


@pytest.mark.parametrize("options, match", [
    (dict(n_components=0), r"n_components must be a whole number >= 1"),
    (dict(covariance_type="tied"), r"covariance_type must be one of"),
    (dict(reg_covar=-1.0), r"reg_covar must be a finite number >= 0"),
    (dict(rng=None), r"rng must be an int seed"),
    (dict(max_iter=0), r"max_iter must be a whole number >= 1"),
])
def test_bad_options_are_clear_errors_at_fit(options, match):
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match=match):
        MixtureClassifier(**options).fit(X, y)


@pytest.mark.parametrize("X, y, match", [
    (np.ones(6), np.zeros(6), r"1-D array.*reshape"),
    (np.ones((6, 2)), np.zeros(5), r"X has 6 samples \(rows\) but y has 5 labels"),
    (np.ones((6, 2)), np.zeros((6, 1)), r"y must be 1-D.*y\.ravel\(\)"),
    (np.where(np.eye(6, 2) > 0, np.nan, 1.0), np.zeros(6), r"X contains 2 non-finite"),
])
def test_bad_data_are_clear_errors(X, y, match):
    with pytest.raises(ValueError, match=match):
        MixtureClassifier().fit(X, y)


def test_predicting_with_the_wrong_number_of_features():
    X, y = load_iris(return_X_y=True)
    clf = MixtureClassifier(1).fit(X, y)
    with pytest.raises(ValueError, match=r"X has 2 features \(columns\) but the mixture has 4"):
        clf.predict(X[:, :2])
