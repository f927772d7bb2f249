"""Gaussian ARTMAP (emcourse.methods.artmap) on scikit-learn's bundled data sets: accuracy, size and training time.

Protocol (science.md §5.3): stratified 5-fold cross-validation (shuffled, seed 0), one epoch, the
training fold presented in a random order (``rng=0``), features scaled to [0, 1] with the
scaling fitted on the training fold (digits: pixels / 16). The reference is 1-nearest-neighbour
(``KNeighborsClassifier(1)``) on the same folds and the same scaling.

Targets from the lesson-7 issue: digits accuracy >= 0.90 with training on ~1,400 samples in under
2 s; iris and wine within 3 points of 1-NN. Then the accuracy-size trade-off as gamma varies, with
the default sigma floor and without one.

Usage:  python benchmarks/bench_artmap.py [--quick]
Prints markdown tables. Not a test: the times depend on the machine.
"""
from __future__ import annotations

import argparse
import platform
import time

import numpy as np
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsClassifier

import emcourse
from emcourse.methods.artmap import GaussianARTMAP

LOADERS = {"digits": load_digits, "iris": load_iris, "wine": load_wine, "breast_cancer": load_breast_cancer}


def scale(X_train, X_test, how):
    """[0, 1] scaling fitted on the training fold ('pixels': divide by 16, as the digits are 0..16)."""
    if how == "pixels":
        return X_train / 16.0, X_test / 16.0
    lo, hi = X_train.min(axis=0), X_train.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return (X_train - lo) / span, (X_test - lo) / span


def folds(name):
    data = LOADERS[name]()
    X, y = data.data.astype(float), data.target
    how = "pixels" if name == "digits" else "minmax"
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        Xtr, Xte = scale(X[train], X[test], how)
        yield Xtr, y[train], Xte, y[test]


def cv_artmap(name, **options):
    acc, cats, secs, n_train = [], [], [], []
    for Xtr, ytr, Xte, yte in folds(name):
        model = GaussianARTMAP(rng=0, **options)
        t0 = time.perf_counter()
        model.fit(Xtr, ytr)
        secs.append(time.perf_counter() - t0)
        acc.append(model.score(Xte, yte))
        cats.append(model.n_categories_)
        n_train.append(len(Xtr))
    return dict(acc=np.mean(acc), sd=np.std(acc), cats=np.mean(cats), cats_sd=np.std(cats),
                secs=np.mean(secs), secs_max=np.max(secs), n_train=int(np.mean(n_train)))


def cv_1nn(name):
    return float(np.mean([KNeighborsClassifier(1).fit(Xtr, ytr).score(Xte, yte)
                          for Xtr, ytr, Xte, yte in folds(name)]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="only the default settings (no gamma sweep)")
    args = ap.parse_args()
    import sklearn

    defaults = GaussianARTMAP().get_params()
    print(f"# emcourse {emcourse.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}")
    print(f"\nDefaults: rho={defaults['rho']}, gamma={defaults['gamma']}, epsilon={defaults['epsilon']}, "
          f"sigma_min={defaults['sigma_min']}, variance_update={defaults['variance_update']!r}; one epoch; "
          "stratified 5-fold CV; times are for fit() on one training fold (the trace is recorded).\n")
    print("| data set | train size | Gaussian ARTMAP accuracy (mean ± sd) | categories | train time (s, mean / max) "
          "| 1-NN accuracy | ARTMAP − 1-NN (points) | target | met |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---|")
    for name in ("digits", "iris", "wine", "breast_cancer"):
        r = cv_artmap(name)
        nn = cv_1nn(name)
        diff = 100 * (r["acc"] - nn)
        if name == "digits":
            target, met = "acc ≥ 0.90, fit < 2 s", r["acc"] >= 0.90 and r["secs_max"] < 2.0
        elif name in ("iris", "wine"):
            target, met = "within 3 points of 1-NN", diff >= -3.0
        else:
            target, met = "(context)", None
        print(f"| {name} | {r['n_train']} | {r['acc']:.3f} ± {r['sd']:.3f} | {r['cats']:.1f} ± {r['cats_sd']:.1f} | "
              f"{r['secs']:.3f} / {r['secs_max']:.3f} | {nn:.3f} | {diff:+.1f} | {target} | "
              f"{'—' if met is None else 'yes' if met else 'NO'} |", flush=True)
    if args.quick:
        return

    print("\n## digits: accuracy vs size as gamma varies (one epoch, 5-fold CV)\n")
    print("| gamma | sigma_min | accuracy (mean ± sd) | categories | train time (s, mean) |")
    print("|---:|---:|---:|---:|---:|")
    for sigma_min in (defaults["sigma_min"], 0.0):
        for gamma in (0.05, 0.1, 0.2, 0.3, 0.5, 1.0):
            r = cv_artmap("digits", gamma=gamma, sigma_min=sigma_min)
            print(f"| {gamma} | {sigma_min} | {r['acc']:.3f} ± {r['sd']:.3f} | {r['cats']:.1f} | {r['secs']:.3f} |",
                  flush=True)

    print("\n## other options on digits (defaults otherwise)\n")
    print("| option | accuracy (mean ± sd) | categories | train time (s, mean) |")
    print("|---|---:|---:|---:|")
    for opts in (dict(variance_update="slide23"), dict(rho=0.001), dict(epsilon=0.0), dict(epsilon=0.05),
                 dict(n_epochs=2)):
        r = cv_artmap("digits", **opts)
        label = ", ".join(f"{k}={v!r}" for k, v in opts.items())
        print(f"| {label} | {r['acc']:.3f} ± {r['sd']:.3f} | {r['cats']:.1f} | {r['secs']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
