"""Submissions the homework tests grade: correct ones written differently, classic wrong answers, delegations.

* ``ALTERNATIVE[name]``: a correct function written another way (loops, helpers, lambdas, constants, defaults that
  name globals); ``LATE[assignment]``: a cell placed *after* every graded test, defining constants and helpers the
  alternatives use, so the kernel lacks them when the tests run and grading must read them from the file.
* ``WRONG[name]``: classic wrong answers, each ``(label, old, new)``: the solution's source with ``old`` replaced by
  ``new`` (the test checks that ``old`` is there), and the fragment of the public check's hint it must trigger.
* ``DELEGATING[assignment]``: two submissions that hand every graded function to the course's code (or another
  solving library), in different styles; ``PRELUDE`` cells they need.
"""

ALTERNATIVE = {
    # --- hw1 ---
    "mixture_cdf": '''
def mixture_cdf(x, weights, means, sigmas):
    """F(x), one component at a time, with helpers defined in a cell further down (and a debugging print)."""
    print("mixture_cdf: evaluating", len(x), "points")
    out = np.zeros(len(x))
    for w, m, s in zip(weights, means, sigmas):
        out += w * normal_cdf((np.asarray(x, dtype=float) - m) / s)
    return out
''',
    "mixture_quantile": '''
TOL = 1e-13

def mixture_quantile(q, weights, means, sigmas, tol=TOL):
    """One q at a time, bisection until the bracket is relatively tiny (a default that names a global)."""
    out = []
    for p in q:
        lo, hi = float(min(means - 40 * sigmas)), float(max(means + 40 * sigmas))
        while hi - lo > tol * max(1.0, abs(lo), abs(hi)):
            mid = 0.5 * (lo + hi)
            if mixture_cdf(np.array([mid]), weights, means, sigmas)[0] < p:
                lo = mid
            else:
                hi = mid
        out.append(0.5 * (lo + hi))
    return np.array(out)
''',
    "diag_log_density": '''
def _component_log_pdf(X, mean, var):
    return -0.5 * (LOG_2PI * X.shape[1] + np.sum(np.log(var)) + np.sum((X - mean) ** 2 / var, axis=1))

def diag_log_density(X, weights, means, variances):
    columns = [np.log(w) + _component_log_pdf(X, m, v) for w, m, v in zip(weights, means, variances)]
    a = np.column_stack(columns)
    top = a.max(axis=1)
    return top + np.log(np.exp(a - top[:, None]).sum(axis=1))
''',
    # --- hw2 ---
    "softmax_descent_step": '''
softmax = lambda g: np.exp(g - g.max()) / np.exp(g - g.max()).sum()

def _responsibilities(X, w, mu, var):
    a = np.log(w) - 0.5 * np.log(2 * np.pi * var).sum(-1) - 0.5 * ((X[:, None, :] - mu) ** 2 / var).sum(-1)
    a = a - a.max(axis=1, keepdims=True)
    r = np.exp(a)
    return r / r.sum(axis=1, keepdims=True)

def softmax_descent_step(X, gammas, means, log_sigmas, learning_rate):
    w, var = softmax(gammas), np.exp(log_sigmas) ** 2
    R = _responsibilities(X, w, means, var)
    new_g, new_mu, new_s = gammas.copy(), means.copy(), log_sigmas.copy()
    N = X.shape[0]
    for j in range(len(w)):
        r, diff = R[:, j], X - means[j]
        new_g[j] -= learning_rate * (N * w[j] - r.sum())
        new_mu[j] += learning_rate * (r[:, None] * diff).sum(axis=0) / var[j]
        new_s[j] -= learning_rate * (r.sum() - (r[:, None] * diff ** 2).sum(axis=0) / var[j])
    return new_g, new_mu, new_s
''',
    "descent_energies": '''
def descent_energies(X, gammas, means, log_sigmas, learning_rate, n_steps):
    params, rate = (gammas, means, log_sigmas), learning_rate
    energies = [energy_of(X, *params)]
    while len(energies) <= n_steps:
        tries = 0
        while True:
            trial = softmax_descent_step(X, *params, rate)
            e = energy_of(X, *trial)
            if not (e > energies[-1] or math.isnan(e)):
                params = trial
                break
            rate *= 0.5
            tries += 1
            if tries == MAX_HALVINGS:
                e = energies[-1]
                break
        energies.append(e)
    return np.array(energies)
''',
    # --- hw3 ---
    "diag_m_step": '''
def diag_m_step(X, resp, var_floor):
    N, d = X.shape
    M = resp.shape[1]
    weights, means, pooled = np.empty(M), np.empty((M, d)), np.zeros(d)
    for j in range(M):
        r = resp[:, j]
        n_j = r.sum()
        weights[j] = n_j / N
        means[j] = (r[:, None] * X).sum(axis=0) / n_j
        pooled += (r[:, None] * (X - means[j]) ** 2).sum(axis=0)
    return weights, means, pooled / N + var_floor
''',
    "diag_em": '''
def _e_step(X, weights, means, variances):
    d = X.shape[1]
    a = (np.log(weights) - 0.5 * d * np.log(2 * np.pi) - 0.5 * np.log(variances).sum()
         - 0.5 * ((X[:, None, :] - means) ** 2 / variances).sum(2))
    log_p = scipy.special.logsumexp(a, axis=1)
    return np.exp(a - log_p[:, None]), log_p.sum()

def diag_em(X, weights, means, variances, tol, max_iter, var_floor):
    resp, ll = _e_step(X, weights, means, variances)
    lls = [ll]
    while len(lls) <= max_iter:
        weights, means, variances = diag_m_step(X, resp, var_floor)
        resp, ll = _e_step(X, weights, means, variances)
        lls.append(ll)
        if abs(lls[-1] - lls[-2]) < tol * len(X):
            break
    return weights, means, variances, np.array(lls)
''',
    "bic_score": '''
def bic_score(log_likelihood, n_samples, n_features, n_components, covariance_type):
    p = n_components * n_features + COVARIANCE_COUNT[covariance_type](n_components, n_features) + n_components - 1
    return -2.0 * log_likelihood + p * math.log(n_samples)
''',
    # --- hw4 ---
    "batch_statistics": '''
def batch_statistics(X, resp):
    m, M = resp.shape
    s0, s1, s2 = np.zeros(M), np.zeros((M, X.shape[1])), np.zeros(M)
    for x, r in zip(X, resp):
        s0 += r / m
        s1 += np.outer(r, x) / m
        s2 += r * (x @ x) / m
    return s0, s1, s2
''',
    "params_from_statistics": '''
def params_from_statistics(s0, s1, s2, var_floor, floor_of=lambda v, f: v + f):
    means = s1 / s0[:, None]
    raw = (s2 / s0 - np.einsum("jd,jd->j", means, means)) / s1.shape[1]
    return s0 / np.sum(s0), means, floor_of(raw, var_floor)
''',
    "stepwise_fit": '''
def _batches(N, m):
    start = 0
    while start < N:
        yield slice(start, start + m)
        start += m

from tqdm.auto import tqdm
import logging

def stepwise_fit(X, weights, means, variances, batch_size, alpha, n_passes, var_floor):
    logging.getLogger("homework").warning("stepwise_fit: %d passes", n_passes)   # a progress bar and a log line
    d = X.shape[1]
    stats = [weights, weights[:, None] * means, weights * (d * variances + (means ** 2).sum(1))]
    params = (weights, means, variances)
    lls = [total_log_likelihood(X, *params)]
    steps = 0
    for _ in tqdm(range(n_passes), desc="passes", leave=False):
        for part in _batches(len(X), batch_size):
            B = X[part]
            a = log_joint(B, *params)
            resp = np.exp(a - scipy.special.logsumexp(a, axis=1, keepdims=True))
            eta = STEP(steps, alpha)
            stats = [(1 - eta) * s + eta * b for s, b in zip(stats, batch_statistics(B, resp))]
            params = params_from_statistics(*stats, var_floor)
            steps += 1
        lls.append(total_log_likelihood(X, *params))
    return (*params, np.array(lls))
''',
    # --- hw5 ---
    "artmap_log_choice": '''
def artmap_log_choice(A, means, sigmas, counts, sigma_floor):
    out = np.empty((len(A), len(means)))
    for i, a in enumerate(A):
        seen = [k for k in range(len(a)) if not math.isnan(a[k])]
        for j, (mu, sig, n) in enumerate(zip(means, sigmas, counts)):
            s = np.where(sig > sigma_floor, sig, sigma_floor)
            out[i, j] = math.log(n) - sum(math.log(s[k]) + 0.5 * ((a[k] - mu[k]) / s[k]) ** 2 for k in seen)
    return out
''',
    "artmap_vote": '''
def artmap_vote(A, means, sigmas, counts, labels, rho, sigma_floor):
    log_g = artmap_log_choice(A, means, sigmas, counts, sigma_floor)
    s = np.maximum(sigmas, sigma_floor)
    out = []
    for i, a in enumerate(A):
        ok = ~np.isnan(a)
        G = np.exp(-0.5 * (((a[ok] - means[:, ok]) / s[:, ok]) ** 2).sum(axis=1))
        voters = [j for j in range(len(means)) if G[j] > rho] or list(range(len(means)))
        top = max(log_g[i, j] for j in voters)
        votes = {}
        for j in voters:
            votes[labels[j]] = votes.get(labels[j], 0.0) + math.exp(log_g[i, j] - top)
        best = max(votes.values())
        out.append(min(c for c, v in votes.items() if v == best))
    return np.array(out)
''',
    "reseed_starved": '''
def reseed_starved(X, weights, means, variances, resp):
    N, M = resp.shape
    counts = [resp[:, j].sum() for j in range(M)]
    starved = [j for j in range(M) if counts[j] < N / (2 * M)]
    weights, means, variances = np.array(weights, float), np.array(means, float), np.array(variances, float)
    if not starved:
        return weights, means, variances
    density = sum(w * np.exp(-((X - m) ** 2).sum(1) / (2 * v)) / (2 * np.pi * v) ** (X.shape[1] / 2)
                  for w, m, v in zip(weights, means, variances))
    order = sorted(range(N), key=lambda i: density[i])
    others = [variances[j] for j in range(M) if j not in starved] or list(variances)
    new_variance = sum(others) / len(others)
    for rank, j in enumerate(starved):
        means[j], variances[j], weights[j] = X[order[rank]], new_variance, 1 / M
    return weights / weights.sum(), means, variances
''',
    # --- hw6 ---
    "smem_reinit": '''
def smem_reinit(weights, means, covariances, triple, offsets):
    i, j, k = triple
    w, mu, cov = [np.array(a, dtype=float) for a in (weights, means, covariances)]
    d = mu.shape[1]
    a, b = w[i] / (w[i] + w[j]), w[j] / (w[i] + w[j])
    geometric_mean = np.exp(np.mean(np.log(np.linalg.eigvalsh(cov[k]))))
    split_mean, split_weight = mu[k].copy(), w[k] / 2
    mu[i], cov[i], w[i] = a * mu[i] + b * mu[j], a * cov[i] + b * cov[j], w[i] + w[j]
    for slot, offset in zip((j, k), offsets):
        mu[slot], cov[slot], w[slot] = split_mean + offset, geometric_mean * np.eye(d), split_weight
    return w, mu, cov
''',
    "smem_candidates": '''
import itertools
import queue

def smem_candidates(j_merge, j_split, c_max):
    M = len(j_split)
    fifo = queue.Queue()                  # the standard library's queue, as a plain FIFO
    fifo.put(M)
    assert fifo.get() == M
    sq = np.diagonal(j_merge)
    cos = {(i, j): (j_merge[i, j] / np.sqrt(sq[i] * sq[j]) if sq[i] > 0 and sq[j] > 0 else 0.0)
           for i, j in itertools.combinations(range(M), 2)}
    pairs = sorted(cos, key=lambda p: (-cos[p], p))
    out = []
    for i, j in pairs:
        for k in sorted(set(range(M)) - {i, j}, key=lambda k: (-j_split[k], k)):
            if len(out) == c_max:
                return np.array(out, dtype=int)
            out.append((i, j, k))
    return np.array(out, dtype=int).reshape(-1, 3)
''',
    "mfa_log_likelihood": '''
def _woodbury_log_pdf(X, mean, L, psi):
    D, k = L.shape
    B = L / psi[:, None]                                      # Psi^-1 Lambda
    inner = np.eye(k) + L.T @ B
    chol = np.linalg.cholesky(inner)
    diff = X - mean
    z = np.linalg.solve(chol, B.T @ diff.T)                  # L_c^-1 Lambda^T Psi^-1 (x - mu)
    maha = np.sum(diff * diff / psi, axis=1) - np.sum(z * z, axis=0)
    logdet = np.sum(np.log(psi)) + 2 * np.sum(np.log(np.diag(chol)))
    return -0.5 * (D * LOG_2PI + logdet + maha)

def mfa_log_likelihood(X, weights, means, loadings, psi):
    a = np.column_stack([np.log(w) + _woodbury_log_pdf(X, m, L, psi) for w, m, L in zip(weights, means, loadings)])
    return scipy.special.logsumexp(a, axis=1).sum()
''',
}

#: cells placed after every graded test: the kernel lacks these names when the tests run
LATE = {
    "hw1_mixture_likelihood": '''
import math
SQRT2 = math.sqrt(2.0)
normal_cdf = lambda z: 0.5 * (1 + scipy.special.erf(z / SQRT2))
LOG_2PI = math.log(2 * math.pi)
''',
    "hw2_gradient_descent": '''
import math
MAX_HALVINGS = 60

def energy_of(X, gammas, means, log_sigmas):
    var = np.exp(2 * log_sigmas)
    a = (gammas - scipy.special.logsumexp(gammas) - 0.5 * np.log(2 * np.pi * var).sum(1)
         - 0.5 * ((X[:, None, :] - means) ** 2 / var).sum(2))
    return -scipy.special.logsumexp(a, axis=1).sum()
''',
    "hw3_diagonal_em": '''
import math
COVARIANCE_COUNT = {"spherical": lambda M, d: M, "diag": lambda M, d: M * d, "full": lambda M, d: M * d * (d + 1) // 2,
                    "tied_diag": lambda M, d: d}
''',
    "hw4_stepwise_em": '''
STEP = lambda k, alpha: (k + 2.0) ** -alpha

def log_joint(Z, w, mu, var):
    d = Z.shape[1]
    return np.log(w) - 0.5 * d * np.log(2 * np.pi * var) - 0.5 * ((Z[:, None, :] - mu) ** 2).sum(2) / var

def total_log_likelihood(X, w, mu, var):
    return scipy.special.logsumexp(log_joint(X, w, mu, var), axis=1).sum()
''',
    "hw5_artmap_heuristic": "import math\n",
    "hw6_smem_mfa": "LOG_2PI = float(np.log(2 * np.pi))\n",
}

# --- classic wrong answers: (label, old, new, fragment of the public check's hint) ----------------------------

WRONG = {
    "mixture_cdf": [
        ("erf without sqrt 2", "scipy.special.ndtr((x - means) / sigmas)", "0.5 * (1 + scipy.special.erf((x - means) / sigmas))", "erf is not the normal CDF"),
        ("variance for sd", "(x - means) / sigmas)", "(x - means) / sigmas ** 2)", "standard deviations"),
        ("unweighted", "@ weights", ".mean(axis=1)", "weight each component"),
        ("survival", "return scipy", "return 1 - scipy", "P(X > x)"),
    ],
    "mixture_quantile": [
        ("mixture of quantiles", "q = np.asarray(q, dtype=float)", "q = np.asarray(q, dtype=float)\nreturn (weights * (means + sigmas * scipy.special.ndtri(q)[:, None])).sum(axis=1)", "not the weighted average"),
        ("too few halvings", "range(200)", "range(25)", "not accurate enough"),
    ],
    "diag_log_density": [
        ("total", "return scipy.special.logsumexp(a, axis=1)", "return scipy.special.logsumexp(a, axis=1).sum()", "one number"),
        ("(2 pi)^(-1/2) once", "0.5 * d * np.log(2 * np.pi)", "0.5 * np.log(2 * np.pi)", "each feature contributes"),
        ("variances squared", "d = X.shape[1]", "d = X.shape[1]\nvariances = variances ** 2", "do not square"),
        ("no log-sum-exp", "return scipy.special.logsumexp(a, axis=1)", "return np.log(np.exp(a).sum(axis=1))", "log-sum-exp"),
    ],
    "softmax_descent_step": [
        ("ascent", "return (gammas - learning_rate * grad_gammas, means - learning_rate * grad_means,\n        log_sigmas - learning_rate * grad_log_sigmas)", "return (gammas + learning_rate * grad_gammas, means + learning_rate * grad_means,\n        log_sigmas + learning_rate * grad_log_sigmas)", "uphill"),
        ("gamma without P_j", "grad_gammas = N * weights - n_j", "grad_gammas = -n_j", "not -N_j alone"),
        ("the spherical formula", 'grad_log_sigmas = n_j[:, None] - np.einsum("nm,nmd->md", resp, sq) / variances', 'grad_log_sigmas = np.repeat(X.shape[1] * n_j[:, None] - (np.einsum("nm,nmd->md", resp, sq) / variances).sum(axis=1, keepdims=True), X.shape[1], axis=1)', "spherical formula"),
        ("dE/dsigma, not dE/ds", 'grad_log_sigmas = n_j[:, None] - np.einsum("nm,nmd->md", resp, sq) / variances', 'grad_log_sigmas = n_j[:, None] / np.exp(log_sigmas) - np.einsum("nm,nmd->md", resp, sq) / np.exp(3 * log_sigmas)', "chain rule"),
        ("slide 9's sign", "grad_means = (n_j[:, None] * means - resp.T @ X)", "grad_means = (resp.T @ X - n_j[:, None] * means)", "slide 9"),
        ("gradient of E / N", "return (gammas - learning_rate * grad_gammas,", "learning_rate = learning_rate / N\nreturn (gammas - learning_rate * grad_gammas,", "not a mean"),
        ("log_sigmas at the new means", 'grad_log_sigmas = n_j[:, None] - np.einsum("nm,nmd->md", resp, sq) / variances', 'grad_log_sigmas = n_j[:, None] - np.einsum("nm,nmd->md", resp, (X[:, None, :] - (means - learning_rate * grad_means)) ** 2) / variances', "before you update any"),
    ],
    "descent_energies": [
        ("log L, not E", "return np.array(energies)", "return -np.array(energies)", "sign is flipped"),
        ("per sample", "return -scipy.special.logsumexp(a, axis=1).sum()", "return -scipy.special.logsumexp(a, axis=1).mean()", "per sample"),
        ("no safeguard", "if e_new <= energies[-1]:", "if True:", "plain steps"),
        ("E without 2 pi", "- 0.5 * np.log(2 * np.pi * variances).sum(axis=1)", "- 0.5 * np.log(variances).sum(axis=1)", "N d/2 log(2 pi)"),
        ("E without the widths", "- 0.5 * np.log(2 * np.pi * variances).sum(axis=1)", "- 0.5 * X.shape[1] * np.log(2 * np.pi)", "entry 0 is E"),
        ("rate reset every step", "for _ in range(n_steps):\n    for _ in range(60):", "for _ in range(n_steps):\n    eta = learning_rate\n    for _ in range(60):", "not reset"),
    ],
    "diag_m_step": [
        ("unbiased variance", "return n_j / len(X), means, spread / len(X) + var_floor", "return n_j / len(X), means, spread / (len(X) - 1) + var_floor", "unbiased"),
        ("uncentred", 'spread = np.einsum("nk,nkd->d", resp, (X[:, None, :] - means) ** 2)', 'spread = resp.sum(1) @ X ** 2 - (n_j[:, None] * means ** 2).sum(0)', "cancels catastrophically"),
        ("weights are counts", "return n_j / len(X)", "return n_j", "P_j = N_j / N"),
        ("floor clipped", "spread / len(X) + var_floor", "np.maximum(spread / len(X), var_floor)", "do not clip"),
        ("components averaged equally", "spread / len(X) + var_floor", '(np.einsum("nk,nkd->kd", resp, (X[:, None, :] - means) ** 2) / n_j[:, None]).mean(0) + var_floor', "pool them by their counts"),
    ],
    "diag_em": [
        ("total tolerance", "abs(log_likelihoods[-1] - log_likelihoods[-2]) / N < tol", "abs(log_likelihoods[-1] - log_likelihoods[-2]) < tol", "per sample"),
        ("no entry 0", "return weights, means, variances, np.array(log_likelihoods)", "return weights, means, variances, np.array(log_likelihoods[1:])", "entry 0"),
        ("one M step too many", "return weights, means, variances, np.array(log_likelihoods)", "weights, means, variances = diag_m_step(X, np.exp(a - log_p[:, None]), var_floor)\nreturn weights, means, variances, np.array(log_likelihoods)", "no M step after the last E step"),
        ("max_iter entries", "for t in range(max_iter + 1):", "for t in range(max_iter):", "after recording log L_t"),
    ],
    "bic_score": [
        ("M weights", "+ (M - 1)", "+ M", "M - 1"),
        ("d^2 covariance", '"full": M * d * (d + 1) // 2', '"full": M * d * d', "d (d + 1) / 2"),
        ("tied counted per component", '"tied_diag": d}', '"tied_diag": M * d}', "count its d variances once"),
        ("log10", "np.log(n_samples)", "np.log10(n_samples)", "natural logarithm"),
        ("AIC", "p * np.log(n_samples)", "2 * p", "that is AIC"),
        ("sign", "return -2 * log_likelihood", "return 2 * log_likelihood", "minus sign"),
    ],
    "batch_statistics": [
        ("sums", "return resp.sum(axis=0) / m, resp.T @ X / m, resp.T @ (X ** 2).sum(axis=1) / m", "return resp.sum(axis=0), resp.T @ X, resp.T @ (X ** 2).sum(axis=1)", "those are sums"),
        ("weighted means", "resp.T @ X / m,", "resp.T @ X / resp.sum(axis=0)[:, None],", "not the weighted mean"),
        ("centred", "resp.T @ (X ** 2).sum(axis=1) / m", "resp.T @ ((X - X.mean(0)) ** 2).sum(axis=1) / m", "uncentred"),
    ],
    "params_from_statistics": [
        ("no 1/d", "(means ** 2).sum(axis=1)) / d", "(means ** 2).sum(axis=1))", "divides by d"),
        ("weights not normalised", "return s0 / s0.sum(), means", "return s0, means", "normalise the weights"),
        ("floor clipped", "variances = (s2 / s0 - (means ** 2).sum(axis=1)) / d + var_floor", "variances = np.maximum((s2 / s0 - (means ** 2).sum(axis=1)) / d, var_floor)", "do not clip"),
    ],
    "stepwise_fit": [
        ("eta = 1/(k + 1)", "eta = (k + 2.0) ** (-alpha)", "eta = 1.0 / (k + 1)", "not 1/(k + 1)"),
        ("k restarted every pass", "for _ in range(n_passes):\n    for start", "for _ in range(n_passes):\n    k = 0\n    for start", "do not restart"),
        ("statistics start at zero", "stats = (weights.copy(), weights[:, None] * means, weights * (d * variances + (means ** 2).sum(axis=1)))", "stats = (0 * weights, 0 * means * weights[:, None], 0 * weights)", "start from the initial parameters"),
    ],
    "artmap_log_choice": [
        ("floor on the variance", "s = np.maximum(sigmas, sigma_floor)", "s = np.sqrt(np.maximum(sigmas ** 2, sigma_floor))", "not on the variance"),
        ("no floor", "s = np.maximum(sigmas, sigma_floor)", "s = sigmas", "apply the floor"),
        ("unit-height match only", "return np.log(counts) - seen @ np.log(s).T - 0.5", "return -0.5", "unit-height match"),
        ("count not logged", "return np.log(counts) -", "return counts -", "logarithm of the count"),
        ("with (2 pi)^(d/2)", "return np.log(counts) - seen @ np.log(s).T", "return np.log(counts) - 0.5 * A.shape[1] * np.log(2 * np.pi) - seen @ np.log(s).T", "-d/2 log(2 pi)"),
        ("NaN spreads", "z = np.where(seen[:, None, :], (np.nan_to_num(A)[:, None, :] - means) / s, 0.0)", "z = (A[:, None, :] - means) / s", "spreads to the result"),
        ("missing read as 0", "seen = ~np.isnan(A)", "A = np.nan_to_num(A)\nseen = ~np.isnan(A)", "is not 0"),
        ("normaliser over every feature", "seen @ np.log(s).T", "np.log(s).sum(axis=1)", "observed features only"),
    ],
    "artmap_vote": [
        ("winner-take-all", "return classes[np.argmax(votes, axis=1)]", "return labels[np.argmax(a, axis=1)]", "winner-take-all"),
        ("every category votes", "voters = log_match > np.log(rho) if rho > 0 else", "voters =", "only the categories"),
        ("vote with G", "a = np.where(voters, log_g, -np.inf)", "a = np.where(voters, log_match, -np.inf)", "not the unit-height matches"),
        ("ties to the largest label", "return classes[np.argmax(votes, axis=1)]", "return classes[::-1][np.argmax(votes[:, ::-1], axis=1)]", "smallest label"),
        ("class positions", "return classes[np.argmax(votes, axis=1)]", "return np.argmax(votes, axis=1)", "class labels themselves"),
        ("one vote per voter", "y /= y.sum(axis=1, keepdims=True)", "y = voters.astype(float)", "not one vote"),
        ("no fallback", "voters[~voters.any(axis=1)] = True", "pass", "when no category passes"),
    ],
    "reseed_starved": [
        ("hard counts", "resp.sum(axis=0) < N / (2 * M)", "np.bincount(resp.argmax(axis=1), minlength=M) < N / (2 * M)", "soft count"),
        ("threshold N/M", "< N / (2 * M)", "< N / M", "half the equal share"),
        ("not renormalised", "return weights / weights.sum(), means, variances", "return weights, means, variances", "divide all the weights"),
        ("variance of all", "new_variance = variances[np.setdiff1d(np.arange(M), starved)].mean()", "new_variance = variances.mean()", "not starved"),
        ("median of the kept variances", "new_variance = variances[np.setdiff1d(np.arange(M), starved)].mean()", "new_variance = np.median(variances[np.setdiff1d(np.arange(M), starved)])", "not their median"),
        ("unweighted density", "a = np.log(weights) - 0.5 * d", "a = 0 * weights - 0.5 * d", "weight each component by P_j"),
        ("1-D normaliser in d dimensions", "- 0.5 * d * np.log(2 * np.pi * variances)", "- 0.5 * np.log(2 * np.pi * variances)", "(2 pi sigma_j^2)^(-d/2)"),
        ("best single component", 'worst = np.argsort(scipy.special.logsumexp(a, axis=1), kind="stable")', 'worst = np.argsort(a.max(axis=1), kind="stable")', "not by the best single component"),
        ("most-distant-from-own-mean", "worst = np.argsort(scipy.special.logsumexp(a, axis=1), kind=\"stable\")", "worst = np.argsort(-((X[:, None, :] - means) ** 2).sum(2).min(1), kind=\"stable\")", "worst-explained"),
    ],
    "smem_reinit": [
        ("unweighted merge", "merged_mean = (w[i] * mu[i] + w[j] * mu[j]) / total", "merged_mean = (mu[i] + mu[j]) / 2", "weight the merged mean"),
        ("moment matching", "merged_cov = (w[i] * cov[i] + w[j] * cov[j]) / total", "merged_cov = (w[i] * (cov[i] + np.outer(mu[i] - merged_mean, mu[i] - merged_mean)) + w[j] * (cov[j] + np.outer(mu[j] - merged_mean, mu[j] - merged_mean))) / total", "spread-of-means"),
        ("split copies Sigma_k", "round_cov = np.exp(np.linalg.slogdet(cov[k])[1] / d) * np.eye(d)", "round_cov = cov[k].copy()", "do not copy"),
        ("trace / d", "round_cov = np.exp(np.linalg.slogdet(cov[k])[1] / d) * np.eye(d)", "round_cov = np.trace(cov[k]) / d * np.eye(d)", "not trace / d"),
        ("determinant without the root", "round_cov = np.exp(np.linalg.slogdet(cov[k])[1] / d) * np.eye(d)", "round_cov = np.linalg.det(cov[k]) * np.eye(d)", "d-th root"),
        ("weights not halved", "centre, half = mu[k].copy(), w[k] / 2", "centre, half = mu[k].copy(), w[k]", "halves"),
    ],
    "smem_candidates": [
        ("k may be i or j", "if k not in (i, j)]", "]", "must differ"),
        ("split-outer", "triples = [(i, j, k) for i, j in pairs for k in splits if k not in (i, j)]", "triples = [(i, j, k) for k in splits for i, j in pairs if k not in (i, j)]", "merge-outer"),
        ("split ascending", "splits = sorted(range(M), key=lambda k: -j_split[k])", "splits = sorted(range(M), key=lambda k: j_split[k])", "J_split descending"),
        ("ties reversed", "pairs = sorted(((i, j) for i in range(M) for j in range(i + 1, M)), key=lambda p: -cosine[p])    # stable\nsplits = sorted(range(M), key=lambda k: -j_split[k])", "pairs = sorted(((i, j) for i in range(M) for j in range(i + 1, M)), key=lambda p: cosine[p])[::-1]\nsplits = sorted(range(M), key=lambda k: j_split[k])[::-1]", "ties keep the lower index first"),
        ("unnormalised J_merge", "key=lambda p: -cosine[p])", "key=lambda p: -j_merge[p])", "unnormalised ranking"),
        ("divided by J_ii J_jj", "cosine = j_merge / np.outer(np.where(norms > 0, norms, 1.0), np.where(norms > 0, norms, 1.0))", "cosine = j_merge / np.outer(norms ** 2, norms ** 2).clip(1e-300)", "not by J_ii J_jj"),
        ("0/0 for an empty component", "cosine = j_merge / np.outer(np.where(norms > 0, norms, 1.0), np.where(norms > 0, norms, 1.0))", "cosine = j_merge / np.outer(norms, norms)", "explains no point"),
    ],
    "mfa_log_likelihood": [
        ("per sample", "return float(scipy.special.logsumexp(a, axis=1).sum())", "return float(scipy.special.logsumexp(a, axis=1).mean())", "per sample"),
        ("no determinant lemma term", "logdet = np.log(psi).sum() + np.linalg.slogdet(inner)[1]", "logdet = np.log(psi).sum()", "you left out"),
        ("psi as standard deviations", "N, D = X.shape", "N, D = X.shape\npsi = psi ** 2", "do not square"),
        ("no log-sum-exp", "return float(scipy.special.logsumexp(a, axis=1).sum())", "return float(np.log(np.exp(a).sum(axis=1)).sum())", "log-sum-exp"),
    ],
}

# --- delegating submissions: every graded function hands its work over, in a different style each -------------

PRELUDE = {
    "hw2_gradient_descent": '''
import sys, types
import emcourse.exercises.references as _reference_module
_copy = types.ModuleType("emcourse.exercises._copied")
_copy.__package__ = "emcourse.exercises"
sys.modules[_copy.__name__] = _copy
exec(open(_reference_module.__file__).read(), vars(_copy))  # the course's source, run again under another name
COPY = vars(_copy)
''',
    "hw4_stepwise_em": '''
import inspect
import emcourse.methods.online_em as _online
COPIED = dict(vars(_online))
exec(inspect.getsource(_online._m_step), COPIED)          # a verbatim copy of the course's function
''',
}

DELEGATING = {
    "hw1_mixture_likelihood": [
        {"mixture_cdf": '''
def mixture_cdf(x, weights, means, sigmas):
    import emcourse.mixture as y
    m = y.Mixture(weights, np.asarray(means, float)[:, None], np.asarray(sigmas, float) ** 2)
    return scipy.special.ndtr((np.asarray(x, float)[:, None] - m.means[:, 0]) / np.sqrt(m.covariances)) @ m.weights
''', "mixture_quantile": '''
from emcourse import *

def mixture_quantile(q, weights, means, sigmas):
    Mixture(weights, np.asarray(means, float)[:, None], np.asarray(sigmas, float) ** 2)     # "validation"
    q = np.asarray(q, dtype=float)
    lo, hi = np.full(q.shape, np.min(means - 40 * sigmas)), np.full(q.shape, np.max(means + 40 * sigmas))
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        below = (weights * scipy.special.ndtr((mid[:, None] - means) / sigmas)).sum(1) < q
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    return 0.5 * (lo + hi)
''', "diag_log_density": '''
import importlib

def diag_log_density(X, weights, means, variances):
    return importlib.import_module("emcourse").Mixture(weights, means, variances, "diag").log_pdf(X)
'''},
        {"mixture_cdf": '''
from scipy.stats import norm

def mixture_cdf(x, weights, means, sigmas):
    return norm.cdf(np.asarray(x, float)[:, None], means, sigmas) @ weights
''', "mixture_quantile": '''
from scipy.optimize import brentq

def mixture_quantile(q, weights, means, sigmas):
    F = lambda t: float((weights * scipy.special.ndtr((t - means) / sigmas)).sum())
    lo, hi = float(np.min(means - 40 * sigmas)), float(np.max(means + 40 * sigmas))
    return np.array([brentq(lambda t: F(t) - p, lo, hi, xtol=1e-15, rtol=1e-15, maxiter=500) for p in q])
''', "diag_log_density": '''
from sklearn.mixture import GaussianMixture

def diag_log_density(X, weights, means, variances):
    gm = GaussianMixture(len(weights), covariance_type="diag")
    gm.weights_, gm.means_, gm.covariances_ = weights, means, variances
    gm.precisions_cholesky_ = 1 / np.sqrt(variances)
    return gm.score_samples(X)
'''},
    ],
    "hw2_gradient_descent": [
        {"softmax_descent_step": '''
def softmax_descent_step(X, gammas, means, log_sigmas, learning_rate):
    g = __import__("emcourse.exercises.references", fromlist=["reference_softmax_descent_step"])
    return g.reference_softmax_descent_step(X, gammas, means, log_sigmas, learning_rate)
''', "descent_energies": '''
def descent_energies(X, gammas, means, log_sigmas, learning_rate, n_steps):
    def energy(g, mu, s):
        w = np.exp(g - scipy.special.logsumexp(g))
        return -em.datasets.Mixture(w, mu, np.exp(2 * s), "diag").log_likelihood(X)
    params, eta = (gammas, means, log_sigmas), learning_rate
    out = [energy(*params)]
    for _ in range(n_steps):
        for _ in range(60):
            new = softmax_descent_step(X, *params, eta)
            e = energy(*new)
            if e <= out[-1]:
                params = new
                break
            eta /= 2
        else:
            e = out[-1]
        out.append(e)
    return np.array(out)
'''},
        {"softmax_descent_step": '''
def softmax_descent_step(X, gammas, means, log_sigmas, learning_rate):
    return COPY["reference_softmax_descent_step"](X, gammas, means, log_sigmas, learning_rate)
''', "descent_energies": '''
def descent_energies(X, gammas, means, log_sigmas, learning_rate, n_steps,
                     _run=em.exercises.references.reference_descent_energies):
    return _run(X, gammas, means, log_sigmas, learning_rate, n_steps)
'''},
    ],
    "hw3_diagonal_em": [
        {"diag_m_step": '''
from emcourse import m_step as _engine_m_step

def diag_m_step(X, resp, var_floor):
    fit = _engine_m_step(X, resp, "diag", 0.0)
    n_j = resp.sum(axis=0)
    return fit.weights, fit.means, (fit.covariances * n_j[:, None]).sum(axis=0) / len(X) + var_floor
''', "diag_em": '''
from emcourse.exercises.references import reference_diag_em as _course_em

def diag_em(X, weights, means, variances, tol, max_iter, var_floor):
    return _course_em(X, weights, means, variances, tol, max_iter, var_floor)
''', "bic_score": '''
def bic_score(log_likelihood, n_samples, n_features, n_components, covariance_type):
    M, d = n_components, n_features
    if covariance_type == "tied_diag":
        p = M * d + d + M - 1
    else:
        cov = {"spherical": np.ones(M), "diag": np.ones((M, d)), "full": np.tile(np.eye(d), (M, 1, 1))}[covariance_type]
        p = em.Mixture(np.full(M, 1 / M), np.zeros((M, d)), cov, covariance_type).n_parameters
    return -2 * log_likelihood + p * np.log(n_samples)
'''},
        {"diag_m_step": '''
engine = lambda X, R: em.m_step(X, R, "diag", 0.0)

def diag_m_step(X, resp, var_floor):
    fit = engine(X, resp)
    return fit.weights, fit.means, (fit.covariances * resp.sum(0)[:, None]).sum(0) / len(X) + var_floor
''', "diag_em": '''
import threading

def diag_em(X, weights, means, variances, tol, max_iter, var_floor):
    box = []
    job = lambda: box.append(em.exercises.references.reference_diag_em(X, weights, means, variances, tol, max_iter,
                                                                       var_floor))
    worker = threading.Thread(target=job)
    worker.start()
    worker.join()
    return box[0]
''', "bic_score": '''
import sys

def bic_score(log_likelihood, n_samples, n_features, n_components, covariance_type):
    M, d = n_components, n_features
    covariances = d if covariance_type == "tied_diag" else \
        sys.modules["emcourse._covariance"].covariance_kind(covariance_type).n_parameters(M, d)
    p = M * d + covariances + M - 1
    return -2 * log_likelihood + p * np.log(n_samples)
'''},
    ],
    "hw4_stepwise_em": [
        {"batch_statistics": '''
def batch_statistics(X, resp):
    s = _online._Moments.of(X, resp)
    m = len(X)
    return s.count / m, s.count[:, None] * s.mean / m, (s.m2.sum(1) + s.count * (s.mean ** 2).sum(1)) / m
''', "params_from_statistics": '''
def params_from_statistics(s0, s1, s2, var_floor):
    mean = s1 / s0[:, None]
    m2 = np.repeat(((s2 - s0 * (mean ** 2).sum(1)) / s1.shape[1])[:, None], s1.shape[1], 1)
    fit = _online._m_step(_online._Moments(s0, mean, m2), "spherical", var_floor, 1.0)
    return s0 / s0.sum(), fit.means, fit.covariances
''', "stepwise_fit": '''
from tqdm.auto import tqdm
import logging

def stepwise_fit(X, weights, means, variances, batch_size, alpha, n_passes, var_floor):
    logging.getLogger("homework").warning("stepwise_fit: %d passes", n_passes)   # a progress bar and a log line
    d = X.shape[1]
    stats = (weights.copy(), weights[:, None] * means, weights * (d * variances + (means ** 2).sum(1)))
    lls, k = [em.Mixture(weights, means, variances).log_likelihood(X)], 0
    for _ in range(n_passes):
        for start in range(0, len(X), batch_size):
            B = X[start:start + batch_size]
            resp = em.e_step(B, em.Mixture(weights, means, variances))[0]
            eta = (k + 2.0) ** (-alpha)
            stats = tuple((1 - eta) * s + eta * b for s, b in zip(stats, batch_statistics(B, resp)))
            weights, means, variances = params_from_statistics(*stats, var_floor)
            k += 1
        lls.append(em.Mixture(weights, means, variances).log_likelihood(X))
    return weights, means, variances, np.array(lls)
'''},
        {"batch_statistics": '''
from concurrent.futures import ThreadPoolExecutor

def batch_statistics(X, resp):
    with ThreadPoolExecutor(1) as pool:
        s = pool.submit(_online._Moments.of, X, resp).result()
    m = len(X)
    return s.count / m, s.count[:, None] * s.mean / m, (s.m2.sum(1) + s.count * (s.mean ** 2).sum(1)) / m
''', "params_from_statistics": '''
def params_from_statistics(s0, s1, s2, var_floor):
    mean = s1 / s0[:, None]
    m2 = np.repeat(((s2 - s0 * (mean ** 2).sum(1)) / s1.shape[1])[:, None], s1.shape[1], 1)
    fit = COPIED["_m_step"](_online._Moments(s0, mean, m2), "spherical", var_floor, 1.0)
    return s0 / s0.sum(), fit.means, fit.covariances
''', "stepwise_fit": '''
import types
_e_step_copy = types.FunctionType(em.e_step.__code__, vars(__import__("emcourse.em", fromlist=["e_step"])))

from tqdm.auto import tqdm
import logging

def stepwise_fit(X, weights, means, variances, batch_size, alpha, n_passes, var_floor):
    logging.getLogger("homework").warning("stepwise_fit: %d passes", n_passes)   # a progress bar and a log line
    d = X.shape[1]
    log_joint = lambda Z, w, mu, var: (np.log(w) - 0.5 * d * np.log(2 * np.pi * var)
                                       - 0.5 * ((Z[:, None, :] - mu) ** 2).sum(2) / var)
    stats = (weights.copy(), weights[:, None] * means, weights * (d * variances + (means ** 2).sum(1)))
    lls, k = [scipy.special.logsumexp(log_joint(X, weights, means, variances), axis=1).sum()], 0
    for _ in range(n_passes):
        for start in range(0, len(X), batch_size):
            B = X[start:start + batch_size]
            resp = _e_step_copy(B, em.datasets.Mixture(weights, means, variances))[0]
            eta = (k + 2.0) ** (-alpha)
            stats = tuple((1 - eta) * s + eta * b for s, b in zip(stats, batch_statistics(B, resp)))
            weights, means, variances = params_from_statistics(*stats, var_floor)
            k += 1
        lls.append(scipy.special.logsumexp(log_joint(X, weights, means, variances), axis=1).sum())
    return weights, means, variances, np.array(lls)
'''},
    ],
    "hw5_artmap_heuristic": [
        {"artmap_log_choice": '''
from emcourse.exercises.references import reference_artmap_log_choice as _choice

def artmap_log_choice(A, means, sigmas, counts, sigma_floor):
    return _choice(A, means, sigmas, counts, sigma_floor)
''', "artmap_vote": '''
def artmap_vote(A, means, sigmas, counts, labels, rho, sigma_floor):
    if not np.isnan(A).any():
        net = em.methods.artmap.GaussianARTMAP(rho=rho, sigma_min=sigma_floor)
        return net.set_categories(means=means, sigmas=sigmas, counts=counts, labels=labels).predict(A)
    return em.exercises.references.reference_artmap_vote(A, means, sigmas, counts, labels, rho, sigma_floor)
''', "reseed_starved": '''
from emcourse.methods.heuristic import starved_components

def reseed_starved(X, weights, means, variances, resp):
    weights, means, variances = weights.copy(), means.copy(), variances.copy()
    starved = starved_components(resp)
    if starved.size == 0:
        return weights, means, variances
    d, M = X.shape[1], len(weights)
    a = np.log(weights) - 0.5 * d * np.log(2 * np.pi * variances) - 0.5 * ((X[:, None, :] - means) ** 2).sum(2) / variances
    worst = np.argsort(scipy.special.logsumexp(a, axis=1), kind="stable")
    kept = np.setdiff1d(np.arange(M), starved)
    v = variances[kept].mean() if kept.size else variances.mean()
    for rank, j in enumerate(starved):
        means[j], variances[j], weights[j] = X[worst[rank]], v, 1 / M
    return weights / weights.sum(), means, variances
'''},
        {"artmap_log_choice": '''
import functools
choice = functools.partial(em.exercises.references.reference_artmap_log_choice)

def artmap_log_choice(A, means, sigmas, counts, sigma_floor):
    return choice(A, means, sigmas, counts, sigma_floor)
''', "artmap_vote": '''
def artmap_vote(A, means, sigmas, counts, labels, rho, sigma_floor):
    vote = np.vectorize(em.exercises.references.reference_artmap_vote, signature="(n,d),(j,d),(j,d),(j),(j),(),()->(n)")
    return vote(A, means, sigmas, counts, labels, rho, sigma_floor)
''', "reseed_starved": '''
def reseed_starved(X, weights, means, variances, resp):
    N, M = resp.shape
    weights, means, variances = weights.copy(), means.copy(), variances.copy()
    starved = np.flatnonzero(resp.sum(0) < N / (2 * M))
    if starved.size == 0:
        return weights, means, variances
    worst = np.argsort(em.datasets.Mixture(weights, means, variances).log_pdf(X), kind="stable")
    kept = np.setdiff1d(np.arange(M), starved)
    v = variances[kept].mean() if kept.size else variances.mean()
    for rank, j in enumerate(starved):
        means[j], variances[j], weights[j] = X[worst[rank]], v, 1 / M
    return weights / weights.sum(), means, variances
'''},
    ],
    "hw6_smem_mfa": [
        {"smem_reinit": '''
from emcourse.methods.smem import split_merge_init

def smem_reinit(weights, means, covariances, triple, offsets):
    out = split_merge_init(em.Mixture(weights, means, covariances, "full"), triple, rng=0, perturbation=0.0)
    mu = out.means.copy()
    mu[triple[1]] += offsets[0]
    mu[triple[2]] += offsets[1]
    return out.weights, mu, out.covariances
''', "smem_candidates": '''
from emcourse.methods.smem import candidate_triples

def smem_candidates(j_merge, j_split, c_max):
    n = np.sqrt(np.diag(j_merge))
    n = np.where(n > 0, n, 1.0)
    return candidate_triples(j_merge / np.outer(n, n), j_split)[:c_max]
''', "mfa_log_likelihood": '''
def mfa_log_likelihood(X, weights, means, loadings, psi):
    return em.methods.mfa.MFA(weights, means, loadings, psi).log_likelihood(X)
'''},
        {"smem_reinit": '''
def smem_reinit(weights, means, covariances, triple, offsets):
    i, j, k = triple
    w, mu, cov = weights.copy(), means.copy(), covariances.copy()
    d = mu.shape[1]
    _, round_cov = __import__("emcourse._covariance", fromlist=["x"]).covariance_kind("full").split(cov[k], d)
    total = w[i] + w[j]
    merged_mean, merged_cov = (w[i] * mu[i] + w[j] * mu[j]) / total, (w[i] * cov[i] + w[j] * cov[j]) / total
    centre, half = mu[k].copy(), w[k] / 2
    w[i], mu[i], cov[i] = total, merged_mean, merged_cov
    w[j], mu[j], cov[j] = half, centre + offsets[0], round_cov
    w[k], mu[k], cov[k] = half, centre + offsets[1], round_cov
    return w, mu, cov
''', "smem_candidates": '''
import importlib

def smem_candidates(j_merge, j_split, c_max):
    n = np.sqrt(np.diag(j_merge))
    n = np.where(n > 0, n, 1.0)
    return getattr(importlib.import_module("emcourse.methods.smem"), "candidate_triples")(j_merge / np.outer(n, n),
                                                                                         j_split)[:c_max]
''', "mfa_log_likelihood": '''
class _Later:
    def __init__(self, *args):
        self.args = args

    def __float__(self):
        X, weights, means, loadings, psi = self.args
        return em.methods.mfa.MFA(weights, means, loadings, psi).log_likelihood(X)

def mfa_log_likelihood(X, weights, means, loadings, psi):
    return _Later(X, weights, means, loadings, psi)          # the course runs only when the test reads the number
'''},
    ],
}

# --- the review's evasions (issue 16 review, P1), one more delegating submission per assignment ------------------
# Each door hands the work to the course's reference answers (emcourse.exercises.references) or to a forbidden
# library, in a way the first guard did not see: a C callable planted in an argument of a public data helper, a
# check's module global rebound to a C callable, a worker thread started in an earlier cell whose target is a
# built-in, pytest.raises as a trampoline into scipy.optimize, and a plain call of the references.

REVIEW_PRELUDE = '''
import collections, functools, itertools, threading, time
import emcourse.exercises.checks.homework_densities as _hd
from emcourse.exercises import references as _ref

def _door_data(func, *args):
    """func(*args) run by check_whole_number inside em.datasets.make_grid, through a C callable."""
    box = []
    class _Count(int):
        __lt__ = functools.partial(next, map(box.append, itertools.starmap(func, [args])))
    em.datasets.make_grid(_Count(2), rng=0)
    return box[0]

def _door_check(func, *args):
    """func(*args) run by a public check whose module global was rebound to a C callable."""
    box, real = [], _hd.reference_descent_energies
    _hd.reference_descent_energies = functools.partial(set().union, map(box.append, itertools.starmap(func, [args])))
    try:
        em.exercises.checks.check_descent_energies(lambda X, g, mu, s, lr, n: np.zeros(n + 1))
    except TypeError:
        pass
    finally:
        _hd.reference_descent_energies = real
    return box[0]

_inbox, _outbox, _stop = [], [], []

def _next_job():
    while not _inbox:
        if _stop:
            return None
        time.sleep(0.0005)
    return _inbox.pop()

def _do(job):
    _outbox.append(job[0](*job[1]))

_worker = threading.Thread(target=collections.deque, args=(map(_do, iter(_next_job, None)), 0), daemon=True)
_worker.start()

def _door_thread(func, *args):
    """func(*args) run by the worker thread started above (its target is collections.deque, a built-in)."""
    _inbox.append((func, args))
    while not _outbox:
        time.sleep(0.0005)
    return _outbox.pop()
'''

REVIEW_DOORS = {
    "hw1_mixture_likelihood": {"mixture_cdf": '''
def mixture_cdf(x, weights, means, sigmas):
    return _door_data(_ref.reference_mixture_cdf, x, weights, means, sigmas)
''', "mixture_quantile": '''
import pytest
from scipy.optimize import brentq

def _via_pytest(func, *args):
    box = []
    try:          # pytest.raises calls the callable from an allowed library's frame
        pytest.raises(ZeroDivisionError, functools.partial(box.extend, itertools.starmap(func, [args])))
    except BaseException:
        pass
    return box[0]

def mixture_quantile(q, weights, means, sigmas):
    F = lambda t, p: float((weights * scipy.special.ndtr((t - means) / sigmas)).sum()) - p
    lo, hi = float(np.min(means - 40 * sigmas)), float(np.max(means + 40 * sigmas))
    root = functools.partial(brentq, xtol=1e-15, rtol=1e-15, maxiter=500)
    return np.array([_via_pytest(root, F, lo, hi, (p,)) for p in q])
''', "diag_log_density": '''
def diag_log_density(X, weights, means, variances):
    return _door_thread(_ref.reference_diag_log_density, X, weights, means, variances)
'''},
    "hw2_gradient_descent": {"softmax_descent_step": '''
def softmax_descent_step(X, gammas, means, log_sigmas, learning_rate):
    return _door_check(_ref.reference_softmax_descent_step, X, gammas, means, log_sigmas, learning_rate)
''', "descent_energies": '''
def descent_energies(X, gammas, means, log_sigmas, learning_rate, n_steps):
    return _door_data(_ref.reference_descent_energies, X, gammas, means, log_sigmas, learning_rate, n_steps)
'''},
    "hw3_diagonal_em": {"diag_m_step": '''
def diag_m_step(X, resp, var_floor):
    return _door_data(_ref.reference_diag_m_step, X, resp, var_floor)
''', "diag_em": '''
def diag_em(X, weights, means, variances, tol, max_iter, var_floor):
    return _door_thread(_ref.reference_diag_em, X, weights, means, variances, tol, max_iter, var_floor)
''', "bic_score": '''
def bic_score(log_likelihood, n_samples, n_features, n_components, covariance_type):
    return _ref.reference_bic_score(log_likelihood, n_samples, n_features, n_components, covariance_type)
'''},
    "hw4_stepwise_em": {"batch_statistics": '''
def batch_statistics(X, resp):
    return _ref.reference_batch_statistics(X, resp)
''', "params_from_statistics": '''
def params_from_statistics(s0, s1, s2, var_floor):
    return _door_data(_ref.reference_params_from_statistics, s0, s1, s2, var_floor)
''', "stepwise_fit": '''
def stepwise_fit(X, weights, means, variances, batch_size, alpha, n_passes, var_floor):
    return _door_thread(_ref.reference_stepwise_fit, X, weights, means, variances, batch_size, alpha, n_passes, var_floor)
'''},
    "hw5_artmap_heuristic": {"artmap_log_choice": '''
def artmap_log_choice(A, means, sigmas, counts, sigma_floor):
    return _door_check(_ref.reference_artmap_log_choice, A, means, sigmas, counts, sigma_floor)
''', "artmap_vote": '''
def artmap_vote(A, means, sigmas, counts, labels, rho, sigma_floor):
    return _door_data(_ref.reference_artmap_vote, A, means, sigmas, counts, labels, rho, sigma_floor)
''', "reseed_starved": '''
def reseed_starved(X, weights, means, variances, resp):
    return _door_thread(_ref.reference_reseed_starved, X, weights, means, variances, resp)
'''},
    "hw6_smem_mfa": {"smem_reinit": '''
def smem_reinit(weights, means, covariances, triple, offsets):
    return _ref.reference_smem_reinit(weights, means, covariances, triple, offsets)
''', "smem_candidates": '''
def smem_candidates(j_merge, j_split, c_max):
    return _door_data(_ref.reference_smem_candidates, j_merge, j_split, c_max)
''', "mfa_log_likelihood": '''
def mfa_log_likelihood(X, weights, means, loadings, psi):
    return _door_check(_ref.reference_mfa_log_likelihood, X, weights, means, loadings, psi)
'''},
}

for _assignment, _functions in REVIEW_DOORS.items():
    DELEGATING[_assignment].append(_functions)


def prelude(assignment: str, k: int) -> str:
    """The cells a delegating submission ``k`` needs before its functions (the review's doors need theirs)."""
    return REVIEW_PRELUDE if k == len(DELEGATING[assignment]) - 1 else PRELUDE.get(assignment, "")
