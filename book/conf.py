"""Sphinx configuration of the course website. Build it with ``make site`` (``book/build.py``), which stages
the lessons next to ``index.md`` and runs Sphinx with the environment below; not meant to be run alone.

Everything a page loads is served from the site's own folder: the theme's files, MathJax 3 from npm
(``book/package.json``, installed by the Makefile) and the pictures. Explorers appear as their static
picture and readout (no widget JavaScript at all), so the site works offline, from ``file://`` too.
"""
import os
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
sys.path.insert(0, str(BOOK / "_ext"))

MATHJAX = BOOK / "node_modules" / "mathjax" / "es5" / "tex-svg-full.js"
if not MATHJAX.exists():
    raise RuntimeError(f"MathJax is missing ({MATHJAX}): run `make site`, which installs it with npm "
                       "(Debian/Ubuntu: sudo apt-get install nodejs npm).")

project = "Mixture models and the EM algorithm"
author = "the emcourse authors"
copyright = "the emcourse authors, MIT licence"
language = "en"

extensions = ["myst_nb", "emcourse_site"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute"]
suppress_warnings = ["mystnb.unknown_mime_type"]    # widget views: the pages show their static stand-ins

# --- MyST: the notebooks' markdown -------------------------------------------------------------------------
myst_enable_extensions = ["dollarmath", "amsmath", "substitution"]
myst_heading_anchors = 3                             # [text](#section-title) links inside a lesson resolve

# --- MyST-NB: execute every lesson (cached), and what a page shows ---------------------------------------
nb_execution_mode = "cache"
nb_execution_cache_path = os.environ.get("EMCOURSE_SITE_CACHE", str(ROOT / "build" / "jupyter-cache"))
nb_execution_timeout = 300                           # per cell
nb_execution_in_temp = True                          # a notebook that writes files writes them elsewhere
nb_execution_allow_errors = False                    # only cells tagged raises-exception may raise ...
nb_execution_raise_on_error = True                   # ... any other error stops the build
nb_execution_show_tb = True
nb_output_stderr = "warn"                            # a warning printed by a lesson fails the (-W) build
nb_merge_streams = True
nb_ipywidgets_js = {}                                # no widget JavaScript: no live widget on a static page
nb_mime_priority_overrides = [                       # an explorer's static HTML before its widget view
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/javascript", None),
]

# --- HTML: a readable book theme, everything local -------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Mixture models and the EM algorithm"
html_static_path = ["static", str(MATHJAX)]
html_css_files = ["emcourse.css"]
mathjax_path = MATHJAX.name                          # relative: served from _static/
html_theme_options = {
    "repository_url": "https://github.com/emcourse/emcourse",
    "repository_branch": "main",
    "path_to_docs": "notebooks",
    "use_repository_button": True,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
}
html_context = {"default_mode": "auto"}            # light or dark as the reader's system says
html_show_search_summary = False                     # summaries fetch() pages, which file:// forbids
html_use_index = False                               # no index entries: no empty index page
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# --- the course's own extension (book/_ext/emcourse_site.py) ---------------------------------------------
emcourse_binder = "https://mybinder.org/v2/gh/emcourse/emcourse/main"
emcourse_notebook_dir = "notebooks"
