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

import ipywidgets as ipw
import matplotlib
import numpy as np
from PIL import Image

from emcourse import Mixture, datasets
from emcourse import explorers as W
from emcourse.explorers._png import encode_png

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
        Mixture([0.5, 0.5], [[-0.5], [1.0]], [2.25, 2.25]), n_steps=100),
}


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
        rgba = np.asarray(ex.figure.canvas.buffer_rgba())
        rgb = np.ascontiguousarray(rgba[:, :, :3])

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
    main()
    print()
    png_encoders()
