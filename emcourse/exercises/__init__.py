"""What students and graders call (beside floor 3): public checks and grading helpers.

It uses the engine and the methods, never plotting or explorers. ``em.exercises.checks`` is what lessons
call; the grading helpers (``emcourse.exercises.grading``, which reads notebooks with nbformat) are imported
by the homework's hidden tests only, so a lesson's first check does not pay for them.
"""
from . import checks

__all__ = ["checks"]
