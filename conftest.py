"""Settings for every pytest run, whichever folder it starts from (tests/, notebooks/ under nbval, or both)."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")
# progress bars stay silent under the test suite: nbval's kernels inherit this (emcourse.explorers.progress)
os.environ["EMCOURSE_PROGRESS"] = "off"
