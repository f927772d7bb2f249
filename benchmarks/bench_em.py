"""Speed of one EM iteration: emcourse's run_em loop vs scikit-learn's own E/M loop.

Both start from the same initial parameters. For each covariance type and (N, d, K) the two
are timed in interleaved repeats (ours, sklearn, ours, sklearn, ...) and the medians compared.
One iteration = one E step + one M step (+ building the new parameters). emcourse's one-time
set-up (the feature matrix of X, built once per run_em call) is reported separately.

The log-likelihood check runs both loops for a few iterations from the same start and reports
the largest relative difference of the per-iteration log-likelihoods.

"exp floor" is ONE float64 ``np.exp`` over an (N, K) array of values uniform in [-30, 0], written
into a preallocated array (no page faults): no EM iteration can beat it, since the E step must
exponentiate N x K numbers. It is timed in the same interleaved repeats (ours, sklearn, exp, ...),
and "ours/exp" is the ratio of the medians.

Usage:  python benchmarks/bench_em.py [--quick] [--repeats R] [--only N,d,K] [--types T,...]
Results are recorded in benchmarks/RESULTS.md.
"""
from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np
from sklearn.mixture import GaussianMixture

import emcourse
from emcourse._fast import FeatureMap
from emcourse.em import build_mixture

SIZES = [(1000, 2, 3), (100_000, 2, 8), (100_000, 16, 8), (1_000_000, 2, 8)]
TYPES = ["spherical", "diag", "full"]


def make_data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=4.0, size=(k, d))
    A = rng.normal(size=(k, d, d)) * 0.5 + np.eye(d)
    labels = rng.integers(k, size=n)
    X = centers[labels] + np.einsum("nde,ne->nd", A[labels], rng.normal(size=(n, d)))
    return X


def sklearn_model(X, init, reg):
    prec = np.linalg.inv(init.covariances) if init.covariance_type == "full" else 1.0 / init.covariances
    gm = GaussianMixture(init.n_components, covariance_type=init.covariance_type, weights_init=init.weights,
                         means_init=init.means, precisions_init=prec, reg_covar=reg, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm.fit(X[: max(init.n_components * 10, 100)])  # sets up attributes; parameters reset below
    return gm


def reset_sklearn(gm, init):
    from sklearn.mixture._gaussian_mixture import _compute_precision_cholesky

    gm.weights_ = init.weights.copy()
    gm.means_ = init.means.copy()
    gm.covariances_ = init.covariances.copy()
    gm.precisions_cholesky_ = _compute_precision_cholesky(gm.covariances_, gm.covariance_type)


def sklearn_iteration(gm, X):
    log_prob_norm, log_resp = gm._e_step(X)
    gm._m_step(X, log_resp)
    return log_prob_norm * X.shape[0]


def ours_iteration(fmap, mix, resp, reg):
    resp, ll, stats = fmap.e_and_stats(mix, resp.T)
    w, mu, cov = fmap.m_step_from_stats(stats, resp, reg)
    return build_mixture(w, mu, cov, mix.covariance_type, stats[:, 0], fmap.n_samples), ll


def bench_case(n, d, k, cov_type, repeats, reg=1e-6, n_check=5):
    X = make_data(n, d, k)
    init = emcourse.initialize(X, k, cov_type, "kmeans++", rng=1)
    gm = sklearn_model(X, init, reg)
    t0 = time.perf_counter()
    fmap = FeatureMap(X, cov_type)
    setup = time.perf_counter() - t0
    resp = np.empty((k, n)).T
    # accuracy: a few iterations of each loop from the same start
    reset_sklearn(gm, init)
    mix, ours_ll, ref_ll = init, [], []
    for _ in range(n_check):
        mix, ll = ours_iteration(fmap, mix, resp, reg)
        ours_ll.append(ll)
        ref_ll.append(sklearn_iteration(gm, X))
    rel = float(np.max(np.abs(np.array(ours_ll) - ref_ll) / np.abs(ref_ll)))
    # speed: interleaved repeats of one iteration from the same start, and of the exp floor
    E = np.random.default_rng(2).uniform(-30.0, 0.0, size=(n, k))
    E_out = np.empty_like(E)
    t_ours, t_ref, t_exp = [], [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ours_iteration(fmap, init, resp, reg)
        t_ours.append(time.perf_counter() - t0)
        reset_sklearn(gm, init)
        t0 = time.perf_counter()
        sklearn_iteration(gm, X)
        t_ref.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        np.exp(E, out=E_out)
        t_exp.append(time.perf_counter() - t0)
    return np.median(t_ours), np.median(t_ref), np.median(t_exp), setup, rel


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="only the two smallest sizes")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--only", default=None, help="one size, e.g. 1000000,2,8")
    ap.add_argument("--types", default=",".join(TYPES), help="comma-separated covariance types")
    args = ap.parse_args()
    sizes = SIZES[:2] if args.quick else SIZES
    if args.only:
        sizes = [tuple(int(v) for v in args.only.split(","))]
    types = args.types.split(",")
    try:
        from threadpoolctl import threadpool_info

        blas = ", ".join(f"{i['internal_api']} {i.get('architecture', '')} {i['num_threads']} threads"
                         for i in threadpool_info() if i["user_api"] == "blas")
    except Exception:  # pragma: no cover
        blas = "?"
    import sklearn

    print(f"# emcourse {emcourse.__version__}, scikit-learn {sklearn.__version__}, numpy {np.__version__}, "
          f"Python {platform.python_version()}, {platform.machine()}, BLAS: {blas}")
    print("| type | N | d | K | ours (ms/iter) | sklearn (ms/iter) | ratio ours/sklearn | exp floor (ms) | ours/exp "
          "| ours set-up (ms, once) | max rel. diff log L |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, d, k in sizes:
        repeats = args.repeats or (31 if n <= 1000 else 9 if n <= 100_000 else 5)
        for cov_type in types:
            ours, ref, floor, setup, rel = bench_case(n, d, k, cov_type, repeats)
            print(f"| {cov_type} | {n} | {d} | {k} | {ours * 1e3:.3f} | {ref * 1e3:.3f} | {ours / ref:.2f} | "
                  f"{floor * 1e3:.3f} | {ours / floor:.2f} | {setup * 1e3:.1f} | {rel:.1e} |", flush=True)


if __name__ == "__main__":
    main()
