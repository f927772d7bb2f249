"""What students and graders call (beside floor 3): public checks and grading helpers.

It uses the engine and the methods, never plotting or explorers.
"""
from . import checks, grading

__all__ = ["checks", "grading"]
