"""Public check of lesson 3: the mean gradient of E = -log L."""
from __future__ import annotations

import numpy as np

from ._common import CheckResult, as_array, call, mixture_1d, report


# --- lesson 3 ----------------------------------------------------------------------------------------

def check_mean_gradient(grad_means) -> CheckResult:
    """Check ``grad_means(x, weights, means, sigmas) -> (K,)``: dE/dmu_j for 1-D data, E = -log L.

    Introduced in ``notebooks/03_gradient_descent.ipynb``.
    """
    name = "grad_means"
    rng = np.random.default_rng(3)
    x = np.concatenate([rng.normal(-2, 1, 40), rng.normal(2, 0.7, 30)])
    cases = [([1.0], [0.5], [1.2]), ([0.4, 0.6], [-1.0, 1.5], [1.0, 0.5]), ([0.2, 0.3, 0.5], [-3.0, 0.0, 2.5], [0.6, 1.0, 0.8])]
    for w, mu, s in cases:
        w, mu, s = (np.asarray(v, float) for v in (w, mu, s))
        value, err = call(grad_means, x.copy(), w.copy(), mu.copy(), s.copy())
        if err:
            return report(False, err, name)
        got, err = as_array(value, mu.shape, "one derivative per component, shape (K,)")
        if err:
            return report(False, err, name)
        resp = mixture_1d(w, mu, s).responsibilities(x[:, None])
        diff = mu[None, :] - x[:, None]
        expected = (resp * diff).sum(0) / s ** 2
        if np.allclose(got, expected, rtol=1e-6, atol=1e-9):
            continue
        if np.allclose(got, -expected, rtol=1e-6):
            hint = ("the sign is flipped (as on slide 9): a descent step mu - eta * dE/dmu would move each mean away "
                    "from its data. dE/dmu_j = sum_i P(j|x_i) (mu_j - x_i) / sigma_j^2.")
        elif np.allclose(got, -(resp * np.abs(diff)).sum(0) / s, rtol=1e-6):
            hint = ("that is slide 8's last line: it uses the distance |x_i - mu_j| instead of the signed difference, "
                    "and sigma instead of sigma_j^2. dE/dmu_j = sum_i P(j|x_i) (mu_j - x_i) / sigma_j^2.")
        elif np.allclose(got, (resp * diff).sum(0) / s, rtol=1e-6) or np.allclose(got, -(resp * diff).sum(0) / s, rtol=1e-6):
            hint = "divide by the variance sigma_j^2, not by sigma (slide 8's slip)."
        elif np.allclose(np.abs(got), (resp * np.abs(diff)).sum(0) / s ** 2, rtol=1e-6):
            hint = "use the signed difference (mu_j - x_i), not the distance |x_i - mu_j|: points on both sides must pull."
        else:
            hint = (f"for weights={w.tolist()}, means={mu.tolist()}, sigmas={s.tolist()} you returned "
                    f"{np.round(got, 4).tolist()}, expected {np.round(expected, 4).tolist()}. Compare with finite "
                    "differences of E.")
        return report(False, hint, name)
    return report(True, "", name)
