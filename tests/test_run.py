"""The Run protocol every iterative result follows, and the one EM loop (emcourse.run)."""
import numpy as np
import pytest

import emcourse as em
from emcourse import Mixture, Run, Status, datasets
from emcourse.methods.gradient import gradient_descent
from emcourse.methods.heuristic import run_em_with_resets
from emcourse.methods.mfa import fit_mfa
from emcourse.methods.online_em import incremental_em, stepwise_em
from emcourse.methods.smem import partial_em, run_smem, split_merge_init
from emcourse.run import DegenerateMixtureError, em_loop

GRID = datasets.make_grid(30, rng=0)


def every_run():
    X = GRID.X
    init = em.initialize(X, 9, "spherical", "random_points", rng=7)      # a start EM leaves stuck
    resp, _ = em.e_step(X, init)
    one_d = Mixture([0.5, 0.5], [[-2.0], [1.5]], [0.64, 1.0]).sample(60, 0)[0]
    return {
        "run_em": em.run_em(X, init, max_iter=50),
        "heuristic": run_em_with_resets(X, init, rng=0, max_iter=300),
        "incremental": incremental_em(X, init, n_passes=2, block_size=50, rng=0),
        "stepwise": stepwise_em(X, init, n_passes=2, batch_size=50, alpha=0.6, rng=0),
        "gradient descent": gradient_descent(one_d, Mixture([0.5, 0.5], [[-0.5], [1.0]], [2.25, 2.25]),
                                             learning_rate=1e-3, max_iter=20),
        "partial EM": partial_em(X, split_merge_init(init, (0, 1, 2), rng=0), (0, 1, 2), resp, max_iter=5),
        "SMEM": run_smem(X, init, rng=0, max_candidates=2, max_steps=2, max_iter=200),
        "MFA": fit_mfa(X, 3, 1, rng=0, max_iter=5),
    }


RUNS = every_run()


@pytest.mark.parametrize("name", RUNS)
def test_every_iterative_result_is_a_run_with_the_same_core_fields(name):
    run = RUNS[name]
    assert isinstance(run, Run) and isinstance(run.status, Status)
    n = len(run.history)
    assert n == len(run.log_likelihoods) == len(run.events) == run.n_iter + 1 >= 1
    assert all(isinstance(e, str) for e in run.events) and isinstance(run.stop_reason, str) and run.stop_reason
    assert run.mixture is run.history[-1] and run.log_likelihood == run.log_likelihoods[-1]
    assert run.converged == (run.status in (Status.CONVERGED, Status.NO_IMPROVEMENT))
    X = GRID.X if name != "gradient descent" else Mixture([0.5, 0.5], [[-2.0], [1.5]], [0.64, 1.0]).sample(60, 0)[0]
    for t in {0, n // 2, n - 1}:                          # log L of every record is of that record
        assert run.history[t].log_likelihood(X) == pytest.approx(run.log_likelihoods[t], rel=1e-9)
    with pytest.raises((AttributeError, TypeError)):
        run.status = Status.CONVERGED                     # results are frozen


def test_statuses_say_why_runs_stopped():
    assert RUNS["run_em"].status is Status.MAX_ITER and RUNS["run_em"].stop_reason == "max_iter reached"   # 50 steps
    assert RUNS["incremental"].status is Status.MAX_ITER and RUNS["incremental"].stop_reason == "n_passes done"
    assert RUNS["gradient descent"].status is Status.MAX_ITER
    smem = RUNS["SMEM"]                                  # from this start SMEM accepts one step, then no more
    assert smem.status is Status.NO_IMPROVEMENT and smem.converged
    assert smem.n_iter == len(smem.accepted) == 1 and smem.events[1] == smem.accepted[0].event
    assert len(smem.candidates) > smem.n_iter
    heuristic = RUNS["heuristic"]
    assert heuristic.n_resets == 2 and heuristic.status is Status.CONVERGED
    assert [t for t, e in enumerate(heuristic.events) if e] == heuristic.reset_iterations != []


def test_a_run_refuses_misaligned_fields():
    with pytest.raises(ValueError, match="one length"):
        Run(history=[1, 2], log_likelihoods=[0.0], status=Status.CONVERGED, stop_reason="x")
    with pytest.raises(ValueError, match="emcourse.Status"):
        Run(history=[1], log_likelihoods=[0.0], status="converged", stop_reason="x")


def _toy_loop(values, max_iter, tol, degenerate_at=None):
    """A loop over numbers: 'log L' of model m is values[m]; the M step moves to m + 1."""
    def e_step(m):
        return values[m], values[m], m

    def m_step(m):
        if m + 1 == degenerate_at:
            raise DegenerateMixtureError("component 1 collapsed", 0)
        return m + 1

    return em_loop(e_step, m_step, 0, n_samples=1, max_iter=max_iter, tol=tol)


def test_the_loop_records_then_tests_then_steps():
    lls = [-10.0, -5.0, -4.0, -3.999, -3.9989]
    out = _toy_loop(lls, max_iter=10, tol=0.01)
    assert out.history == [0, 1, 2, 3] and out.status is Status.CONVERGED      # |change| 0.001 < 0.01
    np.testing.assert_array_equal(out.log_likelihoods, lls[:4])
    out = _toy_loop(lls, max_iter=2, tol=0.0)
    assert out.history == [0, 1, 2] and out.status is Status.MAX_ITER and out.stop_reason == "max_iter reached"
    out = _toy_loop(lls, max_iter=10, tol=0.0, degenerate_at=2)
    assert out.history == [0, 1] and out.status is Status.DEGENERATE and "iteration 2" in out.stop_reason
    out = _toy_loop([-1.0, -np.inf, 0.0], max_iter=10, tol=0.0)
    assert out.history == [0, 1] and out.status is Status.DEGENERATE and "-inf" in out.stop_reason


def test_code_branches_on_status_never_on_the_words():
    """No module or notebook compares a stop_reason with anything (design.md: branch on status)."""
    import ast
    import json
    from pathlib import Path

    root = Path(em.__file__).parent
    sources = {p.name: p.read_text() for p in root.rglob("*.py")}
    for nb in sorted((root.parent / "notebooks").glob("*.ipynb")):
        cells = [c["source"] for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
        sources[nb.name] = "\n".join("".join(c) for c in cells)
    for name, source in sources.items():
        tree = ast.parse("\n".join(l for l in source.splitlines() if not l.lstrip().startswith(("%", "!"))))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                names = {n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)}
                assert "stop_reason" not in names, f"{name}: {ast.unparse(node)} (use .status)"
