"""Set-up of the kernels that execute the lessons for the website (``make site`` only).

``book/build.py`` writes a throw-away IPython profile (``IPYTHONDIR``) whose start-up file imports this
module (in its own namespace: a lesson's variables cannot shadow its functions) and calls :func:`install`;
students' kernels, nbval and JupyterLab never load it. It changes what the executed notebooks *record*,
never what the code computes:

* every matplotlib figure's PNG carries alt text in its output metadata (``{"image/png": {"alt": ...}}``),
  taken from a caption the cell sets (the figure's label: ``plt.figure(label=...)`` or ``fig.set_label``)
  or else from the figure's titles and axis labels; ``book/_ext/emcourse_site.py`` puts it on the page;
* a bare ipywidgets widget (not an explorer: explorers bring their own picture) gets a one-line HTML
  stand-in saying that its controls need a running kernel, so no dead widget appears on a static page.
"""
import html
import re

import ipywidgets
from matplotlib.figure import Figure

from emcourse.explorers._base import NEEDS_KERNEL_CLASS, RUN_URL


def plain(text: str) -> str:
    """Mathtext as words a screen reader can say: '$\\sigma_1^2$' -> 'sigma_1^2'."""
    text = re.sub(r"\\(?:mathbf|mathrm|boldsymbol|mathit|mathcal|operatorname|text)\b", "", text)
    text = re.sub(r"\\([A-Za-z]+)", r"\1", text)
    return " ".join(text.replace("$", "").replace("{", "").replace("}", "").split())


def figure_alt(fig) -> str:
    """Alt text for a figure: its label if the cell set one, else its titles and axis labels ('' if none)."""
    label = fig.get_label().strip()
    if label:
        return label
    parts = []
    suptitle = fig.get_suptitle().strip() if hasattr(fig, "get_suptitle") else ""
    if suptitle:
        parts.append(suptitle)
    for ax in fig.axes:
        title = " ".join(t for t in (ax.get_title("left"), ax.get_title(), ax.get_title("right")) if t.strip())
        axes = [f"{name}: {text}" for name, text in (("x", ax.get_xlabel()), ("y", ax.get_ylabel())) if text.strip()]
        if title or axes:
            parts.append(title + (f" ({'; '.join(axes)})" if axes else ""))
    if not parts:
        return ""
    panels = sum(1 for ax in fig.axes if ax.get_visible())
    kind = "Figure" if panels <= 1 else f"Figure with {panels} panels"
    return plain(f"{kind}: " + "; ".join(p.strip() for p in parts if p.strip()))


def _figure_metadata(fig):
    """Only metadata: IPython's own PNG formatter still draws the figure."""
    return {}, {"image/png": {"alt": figure_alt(fig)}}


def _widget_descriptions(widget) -> list:
    found, todo = [], [widget]
    while todo:
        w = todo.pop(0)
        todo += list(getattr(w, "children", ()) or ())
        text = getattr(w, "description", "")
        if isinstance(w, ipywidgets.ValueWidget) and isinstance(text, str) and text.strip():
            found.append(text.strip())
    return found


def _widget_html(widget) -> str:
    controls = _widget_descriptions(widget)
    what = f"Interactive controls ({', '.join(controls)})" if controls else "Interactive controls"
    return (f'<p class="{NEEDS_KERNEL_CLASS}">{html.escape(what)} appear here when the notebook runs: they need '
            f'a running kernel. <a href="{RUN_URL}">Run this lesson</a> on Binder, or on your computer with '
            "<code>make lab</code>.</p>")


def install(shell) -> None:
    """Register the two formatters on an IPython shell."""
    shell.display_formatter.mimebundle_formatter.for_type(Figure, _figure_metadata)
    shell.display_formatter.formatters["text/html"].for_type(ipywidgets.Widget, _widget_html)
