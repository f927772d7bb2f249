import numpy as np
from sklearn.datasets import load_iris

from emcourse.classify import MixtureClassifier


def test_mixture_classifier_on_iris_and_posteriors_sum_to_one():
    X, y = load_iris(return_X_y=True)
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(X))
    train, test = idx[:100], idx[100:]
    clf = MixtureClassifier(2, covariance_type="full", reg_covar=1e-4).fit(X[train], y[train])
    assert clf.score(X[test], y[test]) >= 0.9
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X[:5])).sum(1), 1.0)
    assert clf.n_components_total_ == 6
