"""``emcourse.doctor()``: check the environment and say exactly how to fix what is wrong.

Introduced in ``notebooks/00_start_here.ipynb`` (its first code cell).
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from importlib import import_module, metadata

# (distribution, module the kernel imports, or None for server-side tools, minimum version, what it is for)
REQUIREMENTS = (
    ("numpy", "numpy", "2.0", "arrays"),
    ("matplotlib", "matplotlib", "3.7", "figures"),
    ("ipywidgets", "ipywidgets", "8.0", "sliders and buttons"),
    ("jupyterlab", None, "4.0", "the notebook interface"),
    ("ipykernel", "ipykernel", "6.0", "running Python in the notebook"),
    ("pillow", "PIL", "10.0", "reading the sample images of lesson 9"),
    ("scikit-learn", "sklearn", "1.3", "reference results and bundled data sets"),
    ("tqdm", "tqdm", "4.66", "progress bars on slow cells"),
    ("threadpoolctl", "threadpoolctl", "3.1", "fast EM (one BLAS thread for small products)"),
)
FIX = "From the course folder run `make lab` (it installs the pinned versions in .venv), then pick the kernel of .venv."


def _version_tuple(text: str) -> tuple:
    out = []
    for part in text.split(".")[:3]:
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        out.append(int(digits))
    return tuple(out)


def _in_notebook() -> bool:
    """True inside a Jupyter kernel (where a non-interactive backend means invisible figures)."""
    ipython = sys.modules.get("IPython")                 # loaded by every kernel; absent means no notebook
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


@dataclass
class DoctorReport:
    """What :func:`doctor` found: ``lines`` to show, ``problems`` with their fixes.

    Introduced in ``notebooks/00_start_here.ipynb``.
    """

    lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        text = "\n".join(self.lines)
        if self.problems:
            text += "\n\nProblems found:\n" + "\n".join(f"  - {p}" for p in self.problems)
        else:
            text += "\n\nAll good: you are ready to start."
        return text

    def _repr_pretty_(self, p, cycle):  # IPython shows the text, not a dataclass repr
        p.text(str(self))


def doctor(verbose: bool = True) -> DoctorReport:
    """Report Python, package and JupyterLab/ipywidgets versions and the matplotlib backend.

    Introduced in ``notebooks/00_start_here.ipynb``.

    Parameters
    ----------
    verbose : bool, default True
        Print the report as well as returning it.

    Returns
    -------
    DoctorReport
        ``.ok`` is True when nothing needs fixing; ``.problems`` says what to do otherwise.
    """
    rep = DoctorReport()
    py = sys.version_info
    rep.lines.append(f"Python       {py.major}.{py.minor}.{py.micro}  ({sys.executable})")
    if py < (3, 10):
        rep.problems.append(f"Python {py.major}.{py.minor} is too old: the course needs 3.10 or newer. "
                            "Install a newer Python 3, then run `make lab`.")
    try:
        rep.lines.append(f"emcourse     {metadata.version('emcourse')}")
    except metadata.PackageNotFoundError:
        rep.problems.append("emcourse is importable but not installed as a package. " + FIX)
    for name, module, minimum, purpose in REQUIREMENTS:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            rep.lines.append(f"{name:<12} missing")
            rep.problems.append(f"{name} ({purpose}) is not installed in this kernel. " + FIX)
            continue
        rep.lines.append(f"{name:<12} {version}")
        if _version_tuple(version) < _version_tuple(minimum):
            rep.problems.append(f"{name} {version} is older than {minimum}, which the course needs for {purpose}. " + FIX)
        try:
            if module is not None:
                import_module(module)
        except ImportError as exc:
            rep.problems.append(f"{name} is installed but cannot be imported ({exc}). " + FIX)
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        backend = matplotlib.get_backend()
        rep.lines.append(f"backend      {backend}")
        if backend.lower() in ("agg", "pdf", "svg", "ps", "cairo", "template") and _in_notebook():
            rep.problems.append(f"matplotlib's backend is {backend!r}, so figures will not show in the notebook. "
                                "Run `%matplotlib inline` in a cell, or remove MPLBACKEND from your environment.")
    if verbose:
        print(rep)
    return rep
