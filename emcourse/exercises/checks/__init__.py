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
from .homework_densities import (check_descent_energies, check_diag_log_density, check_mixture_cdf,
                                 check_mixture_quantile, check_softmax_descent_step)
from .homework_em import (check_batch_statistics, check_bic_score, check_diag_em, check_diag_m_step,
                          check_params_from_statistics, check_stepwise_fit)
from .homework_methods import (check_artmap_log_choice, check_artmap_vote, check_mfa_log_likelihood,
                               check_reseed_starved, check_smem_candidates, check_smem_reinit)
from .online import check_starved, check_welford
from .smem import check_merge_criterion, check_split_criterion

__all__ = ["PASSED", "CheckResult", "check_mixture_pdf", "check_log_likelihood", "check_mean_gradient", "check_e_step",
           "check_m_step", "check_em_loop", "check_welford", "check_starved", "check_merge_criterion",
           "check_split_criterion",
           # homework 1-6
           "check_mixture_cdf", "check_mixture_quantile", "check_diag_log_density", "check_softmax_descent_step",
           "check_descent_energies", "check_diag_m_step", "check_diag_em", "check_bic_score", "check_batch_statistics",
           "check_params_from_statistics", "check_stepwise_fit", "check_artmap_log_choice", "check_artmap_vote",
           "check_reseed_starved", "check_smem_reinit", "check_smem_candidates", "check_mfa_log_likelihood"]
