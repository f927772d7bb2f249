"""Build the course website: every lesson executed and rendered as a static HTML book (``make site``).

    python book/build.py [--out site] [--work build/site] [--cache build/jupyter-cache]

1. Stage the sources in ``<work>/src``: ``book/index.md`` (home page and course map), every lesson
   ``notebooks/[0-9][0-9]_*.ipynb`` and every ``notebooks/*.md`` page, as copies (``notebooks/`` is only read).
   Homework is never staged.
2. Run Sphinx (``book/conf.py``: MyST-NB, sphinx-book-theme) with warnings as errors. MyST-NB executes each
   notebook through jupyter-cache, in ``<cache>/<key>``: a notebook whose code is unchanged is not executed
   again, and ``key`` hashes the course package, this build's kernel start-up file and the pinned lock, so a
   change to any of them executes everything afresh. ``make site`` and the test suite share the cache.
3. Replace ``<out>`` with the result. Open ``<out>/index.html`` in a browser: no server, no network needed.

The kernels run with ``EMCOURSE_PROGRESS=off`` (no progress bars), the inline matplotlib backend, and a
throw-away IPython profile holding ``book/kernel_startup.py`` (alt text for figures, static stand-ins for
bare widgets).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
NOTEBOOKS = ROOT / "notebooks"


def sources(notebooks: Path = NOTEBOOKS) -> list[Path]:
    """The pages of the site besides the home page: the lessons in order, then any markdown page."""
    return sorted(notebooks.glob("[0-9][0-9]_*.ipynb")) + sorted(notebooks.glob("*.md"))


def cache_key() -> str:
    """What executed outputs depend on besides a notebook's own code (jupyter-cache hashes that)."""
    digest = hashlib.sha256(sys.version.encode())
    files = sorted((ROOT / "emcourse").rglob("*.py")) + [BOOK / "kernel_startup.py", ROOT / "binder" / "requirements.txt"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def stage(src: Path, notebooks: Path = NOTEBOOKS) -> None:
    """Copy the home page and every page's source into ``src`` (emptied first)."""
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    shutil.copy2(BOOK / "index.md", src / "index.md")
    for path in sources(notebooks):
        if path.name == "index.md":
            raise SystemExit("notebooks/index.md would replace the home page: rename it")
        shutil.copy2(path, src / path.name)


STARTUP = """\
# Written by book/build.py: the website build's kernels load book/kernel_startup.py as a module.
import importlib.util as _emcourse_util, sys as _emcourse_sys
_emcourse_spec = _emcourse_util.spec_from_file_location("emcourse_site_kernel", {path!r})
_emcourse_module = _emcourse_util.module_from_spec(_emcourse_spec)
_emcourse_sys.modules[_emcourse_spec.name] = _emcourse_module
_emcourse_spec.loader.exec_module(_emcourse_module)
_emcourse_module.install(get_ipython())
del _emcourse_util, _emcourse_sys, _emcourse_spec, _emcourse_module
"""


def kernel_profile(ipython_dir: Path) -> None:
    """A throw-away IPython profile whose start-up file loads ``book/kernel_startup.py``."""
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    (startup / "50-emcourse-site.py").write_text(STARTUP.format(path=str(BOOK / "kernel_startup.py")))


def build(out: Path, work: Path, cache_root: Path, jobs: str = "1", notebooks: Path = NOTEBOOKS) -> float:
    """Build the site of the pages in ``notebooks`` into ``out``; return the seconds it took.

    Raises SystemExit if Sphinx reports any warning (a failed notebook, a figure without alt text, ...).
    """
    start = time.perf_counter()
    src, html = work / "src", work / "html"
    stage(src, notebooks)
    kernel_profile(work / "ipython")
    key = cache_key()
    cache_root.mkdir(parents=True, exist_ok=True)
    for old in cache_root.iterdir():                      # outputs of an older package or lock: never reused
        if old.is_dir() and old.name != key:
            shutil.rmtree(old, ignore_errors=True)
    env = dict(os.environ, EMCOURSE_PROGRESS="off", MPLBACKEND="module://matplotlib_inline.backend_inline",
               IPYTHONDIR=str(work / "ipython"), EMCOURSE_SITE_CACHE=str(cache_root / key), PYDEVD_DISABLE_FILE_VALIDATION="1")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-E", "-W", "--keep-going", "-j", jobs,
           "-c", str(BOOK), "-d", str(work / "doctrees"), str(src), str(html)]
    result = subprocess.run(cmd, env=env, cwd=ROOT)
    if result.returncode:
        raise SystemExit(f"the site build failed (sphinx exit code {result.returncode}); see the messages above")
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(html, out, ignore=shutil.ignore_patterns(".buildinfo", ".doctrees"))
    return time.perf_counter() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site", help="where the site goes (replaced)")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "site", help="staging and Sphinx's own files")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "jupyter-cache", help="executed notebooks")
    parser.add_argument("-j", "--jobs", default="1",
                        help="Sphinx processes, each executing notebooks (default 1: two processes can race on "
                             "jupyter-cache's sqlite database and fail the build with 'database is locked')")
    args = parser.parse_args(argv)
    seconds = build(args.out.resolve(), args.work.resolve(), args.cache.resolve(), args.jobs)
    pages = len(sources()) + 1
    print(f"The course website ({pages} pages) is in {args.out}/ (built in {seconds:.0f} s). "
          f"Open {args.out / 'index.html'} in a browser.")


if __name__ == "__main__":
    main()
