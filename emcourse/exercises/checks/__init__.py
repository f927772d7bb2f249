"""Student-facing exercise checks (beside floor 3: the engine and methods, no plotting, no widgets).

Each ``check_*`` calls the student's *function* on small cases, prints a concrete hint on the first
failure, and on success prints "public checks passed" (never "all tests passed": graded tests may
differ). A function that still raises ``NotImplementedError`` is reported as not yet implemented.
Each returns a :class:`CheckResult`, which is truthy when the checks passed. One module per lesson
topic; notebooks call them as ``em.exercises.checks.check_...``.
"""
from ._common import PASSED, CheckResult
from .artmap import check_match_tracking_step
from .densities import check_log_likelihood, check_mixture_pdf
from .em import check_e_step, check_em_loop, check_m_step
from .em_in_action import check_choose_n_components, check_success_rate
from .gradients import check_mean_gradient, check_mean_gradient_2d
from .heuristic import check_heuristic_blind_spot
from .homework_densities import (check_descent_energies, check_diag_log_density, check_mixture_cdf,
                                 check_mixture_quantile, check_softmax_descent_step)
from .homework_em import (check_batch_statistics, check_bic_score, check_diag_em, check_diag_m_step,
                          check_params_from_statistics, check_stepwise_fit)
from .homework_methods import (check_artmap_log_choice, check_artmap_vote, check_mfa_log_likelihood,
                               check_reseed_starved, check_smem_candidates, check_smem_reinit)
from .mfa import check_mfa_e_step
from .online import check_starved, check_weighted_running_update, check_welford
from .partial_em import check_partial_e_step
from .practice import check_kmeans_step
from .smem import check_merge_criterion, check_split_criterion

__all__ = ["PASSED", "CheckResult", *sorted(name for name in dir() if name.startswith("check_"))]
