"""Latency of every explorer: time from a control change to new PNG bytes, in the kernel.

The PNG is produced the way the inline backend does (Agg, dpi 100). For each explorer and each
slider, the control is moved through 25 values (a sweep there and back) and the time of each
change (observer -> update -> render -> PNG bytes in the Image widget) is recorded.
Prints median and 90th percentile per control. Controls that re-run an algorithm (seed, number of
components, learning rate, ...) update on release (continuous_update=False) and cost more: the first
change of each value computes the run, later ones reuse the cache. A benchmark, not a test: results go in
benchmarks/RESULTS.md.

It also compares the course's hand-written PNG encoder (``emcourse.explorers._png``) with Pillow's on the
explorers' own pictures: the reason the course keeps its own encoder.

Usage:  python benchmarks/bench_explorers.py
"""
from __future__ import annotations

import os
import platform
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import io
import warnings

import ipywidgets as ipw
import matplotlib
import numpy as np
from PIL import Image

from sklearn.datasets import load_digits, load_iris
from sklearn.preprocessing import MinMaxScaler

from emcourse import Mixture, datasets, initialize
from emcourse import explorers as W
from emcourse.explorers._png import encode_png
from emcourse.methods.kmeans import kmeans_limit
from emcourse.methods.mfa import fit_mfa
from emcourse.methods.smem import run_smem

N_CHANGES = 25


def data_1d(n=60):
    return Mixture([0.5, 0.5], [[-2.0], [1.5]], [0.64, 1.0]).sample(n, 0)[0][:, 0]


EXPLORERS = {
    "MixtureDensity1D (2 components)": lambda: W.MixtureDensity1D(),
    "MixtureDensity1D (3 components)": lambda: W.MixtureDensity1D((0.3, 0.3, 0.4), (-2, 0, 2), (0.5, 1, 0.7)),
    "MixtureDensity2D (N=300)": lambda: W.MixtureDensity2D(n_samples=300),
    "MixtureDensity2D (N=1000)": lambda: W.MixtureDensity2D(n_samples=1000),
    "LikelihoodExplorer (N=60)": lambda: W.LikelihoodExplorer(data_1d()),
    "EMExplorer (grid, N=900, M=9)": lambda: W.EMExplorer(datasets.make_grid(rng=0), n_components=9,
                                                          settings=("seed", "heuristic"), max_iter=500),
    "EMExplorer (4 data sets, all settings)": lambda: W.EMExplorer(
        {n: datasets.load(n) for n in datasets.DATASETS},
        settings=("n_components", "init_method", "seed", "covariance_type")),
    "GradientDescentExplorer (N=100, 100 steps)": lambda: W.GradientDescentExplorer(
        Mixture([0.6, 0.4], [[-2.0], [2.0]], [0.64, 0.36]).sample(100, 0)[0],
        Mixture([0.5, 0.5], [[-0.5], [1.0]], [2.25, 2.25]), max_iter=100),
    "RunningVarianceExplorer (N=400)": lambda: W.RunningVarianceExplorer(n_samples=400),
    "OnlineEMExplorer (grid, 10 passes)": lambda: W.OnlineEMExplorer(datasets.make_grid(rng=0), n_passes=10),
    "ArtmapExplorer (iris petals)": lambda: W.ArtmapExplorer(*_iris_petals()),
    "MatchTrackingExplorer (30 flowers)": lambda: W.MatchTrackingExplorer(*_iris_petals()[:2], n_samples=30),
    "SMEMExplorer (grid)": lambda: W.SMEMExplorer(*_smem_grid()),
    "ReconstructionExplorer (digits, 3 x 2 fits)": lambda: W.ReconstructionExplorer(*_digit_fits()[:3],
                                                                                     settings=_digit_fits()[3]),
    "KMeansLimitExplorer (overlapping)": lambda: W.KMeansLimitExplorer(*_kmeans_limit()),
}


def _iris_petals():
    X, y = load_iris(return_X_y=True)
    X = MinMaxScaler().fit_transform(X[:, 2:])
    order = np.random.default_rng(0).permutation(len(X))
    return X[order[:100]], y[order[:100]], X[order[100:]], y[order[100:]]


def _smem_grid():
    g = datasets.make_grid(rng=0)
    return g.X, run_smem(g.X, initialize(g.X, 9, "spherical", "random_points", rng=0), rng=0)


def _digit_fits():
    """Six small MFA fits (M in 1, 5, 10; k in 2, 6) of digits, stored as lesson 9's explorer stores them."""
    X = load_digits().data / 16.0
    keep = X.var(axis=0) > 1e-3
    train, test = X[:1200][:, keep], X[1200:1300][:, keep]

    def full_image(part):
        out = np.zeros((len(part), 64))
        out[:, keep] = part
        return out

    stored = {}
    for M in (1, 5, 10):
        for k in (2, 6):
            stored[(M, k)] = full_image(fit_mfa(train, M, k, rng=0, max_iter=20).mixture.reconstruct(test))
    return full_image(test), {"MFA, M = {M}, k = {k}": stored}, (8, 8), {"M": (1, 5, 10), "k": (2, 6)}


def _kmeans_limit():
    X = datasets.load("overlapping", rng=0).X
    return X, kmeans_limit(X, X[[0, 100, 200]], [2.0, 1.0, 0.5, 0.25, 0.1])


def sweep_values(control):
    if isinstance(control, ipw.Checkbox):
        return [i % 2 == 0 for i in range(N_CHANGES)]
    if isinstance(control, ipw.FloatLogSlider):
        lo, hi = control.min, control.max
        exps = np.concatenate([np.linspace(lo, hi, 13), np.linspace(hi, lo, 13)[1:]])
        return [control.base ** e for e in exps]
    if hasattr(control, "options"):
        opts = list(control.options)
        return [opts[i % len(opts)] for i in range(1, N_CHANGES + 1)]
    lo, hi = control.min, control.max
    vals = np.concatenate([np.linspace(lo, hi, 13), np.linspace(hi, lo, 13)[1:]])
    return [int(round(v)) for v in vals] if isinstance(control.value, int) else [float(v) for v in vals]


def _best_of(fn, repeats: int = 15) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def png_encoders():
    """Our encoder against Pillow's (default settings, and its fastest zlib level) on each explorer's picture."""
    print("| picture | pixels | ours (ms) | Pillow default (ms) | Pillow level 1 (ms) | ours (kB) | Pillow default (kB) | "
          "Pillow level 1 (kB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, make in EXPLORERS.items():
        ex = make()
        rgb = np.asarray(Image.open(io.BytesIO(ex.png())).convert("RGB"))    # the picture the explorer shows
        rgba = np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])

        def pillow(**options):
            buf = io.BytesIO()
            Image.fromarray(rgb).save(buf, "PNG", **options)
            return buf.getvalue()

        ours, default, fast = encode_png(rgba), pillow(), pillow(compress_level=1)
        for data in (ours, default, fast):                        # all three decode to the same pixels
            assert np.array_equal(np.asarray(Image.open(io.BytesIO(data)).convert("RGB")), rgb)
        t_ours = _best_of(lambda: encode_png(rgba))
        t_default = _best_of(pillow)
        t_fast = _best_of(lambda: pillow(compress_level=1))
        print(f"| {name} | {rgb.shape[1]}x{rgb.shape[0]} | {t_ours * 1e3:.1f} | {t_default * 1e3:.1f} | "
              f"{t_fast * 1e3:.1f} | {len(ours) / 1e3:.0f} | {len(default) / 1e3:.0f} | {len(fast) / 1e3:.0f} |",
              flush=True)


def main():
    print(f"# Python {platform.python_version()}, matplotlib {matplotlib.__version__}, ipywidgets {ipw.__version__}, "
          f"{platform.machine()}; {N_CHANGES} changes per control; time = control change -> PNG bytes")
    print("| explorer | control | median (ms) | p90 (ms) | build (ms) |")
    print("|---|---|---:|---:|---:|")
    for name, make in EXPLORERS.items():
        t0 = time.perf_counter()
        ex = make()
        build = time.perf_counter() - t0
        for cname, control in ex.controls.items():
            times = []
            for value in sweep_values(control)[:N_CHANGES]:
                if value == control.value:          # no change, no callback: nothing to time
                    continue
                t0 = time.perf_counter()
                control.value = value
                times.append(time.perf_counter() - t0)
            times = np.array(times) * 1e3
            print(f"| {name} | {cname} | {np.median(times):.1f} | {np.percentile(times, 90):.1f} | {build * 1e3:.0f} |",
                  flush=True)


if __name__ == "__main__":
    warnings.simplefilter("ignore")          # e.g. stepwise EM with m = 1 empties components: expected, not news
    main()
    print()
    png_encoders()
