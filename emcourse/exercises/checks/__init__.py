"""Student-facing exercise checks (beside floor 3: the engine and methods, no plotting, no widgets).

Each ``check_*`` calls the student's *function* on small cases, prints a concrete hint on the first
failure, and on success prints "public checks passed" (never "all tests passed": graded tests may
differ). A function that still raises ``NotImplementedError`` is reported as not yet implemented.
Each returns a :class:`CheckResult`, which is truthy when the checks passed. One module per lesson
topic; notebooks call them as ``em.exercises.checks.check_...``.
"""
from ._common import PASSED, CheckResult
from .densities import check_log_likelihood, check_mixture_pdf
from .em import check_e_step, check_em_loop, check_m_step
from .gradients import check_mean_gradient
from .heuristic import check_heuristic_blind_spot
from .mfa import check_mfa_e_step
from .online import check_starved, check_welford
from .partial_em import check_partial_e_step
from .smem import check_merge_criterion, check_split_criterion

__all__ = ["PASSED", "CheckResult", "check_mixture_pdf", "check_log_likelihood", "check_mean_gradient", "check_e_step",
           "check_m_step", "check_em_loop", "check_welford", "check_starved", "check_merge_criterion",
           "check_split_criterion", "check_partial_e_step", "check_mfa_e_step", "check_heuristic_blind_spot"]
