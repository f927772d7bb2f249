"""The one explorer recipe (floor 3): every explorer of the course is an :class:`Explorer`.

* ``controls`` — a dict of labelled widgets (name -> widget); ``state`` — a dict of their values.
* The figure is a plain :class:`matplotlib.figure.Figure` (no pyplot, so nothing is displayed twice),
  laid out once, then frozen: on a tick only the artists' data change. The static part (axes, ticks,
  labels, legends) is rendered once and cached; a tick restores that background and draws only the
  artists listed in ``dynamic`` (blitting), which is most of the speed.
* The figure is shown as a PNG in an :class:`ipywidgets.Image` (rendered by Agg at dpi 100, as the
  inline backend does) in a fixed-height box, with a text readout (:meth:`Explorer.summary`) under it:
  the numbers shown, for tests, screen readers and anyone who prefers numbers.
* Without a kernel (nbconvert, the course website, a repository viewer) an explorer still shows its picture
  and its readout: its rich display carries, besides the widget, a PNG, the summary text, and an HTML
  version of both (:func:`static_html`: the picture with the summary as its alt text, the readout, and one
  line saying that the controls need a running kernel, with a link to run the course).
* Explorers render once when built. Every callback is a hot path: no re-layout, no re-running of
  algorithms that a stored history can answer, and no model maths (that belongs to the engine, the
  methods or :mod:`emcourse.plotting`).

Introduced in ``notebooks/01_mixture_densities.ipynb``.
"""
from __future__ import annotations

import base64
import html
import numbers
import struct

import ipywidgets as widgets
import numpy as np
from IPython.display import display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ._png import canvas_png

#: where a reader without a kernel can run the course (the README's Binder badge, opened on the lessons);
#: the course website (book/_ext/emcourse_site.py) points each explorer's link at its own lesson instead
RUN_URL = "https://mybinder.org/v2/gh/emcourse/emcourse/main?urlpath=lab/tree/notebooks"
#: the HTML class of the line that says the controls need a running kernel
NEEDS_KERNEL_CLASS = "emcourse-needs-kernel"

SLIDER_STYLE = {"description_width": "110px"}
SLIDER_LAYOUT = widgets.Layout(width="340px")


def slider(description, value, vmin, vmax, step, *, continuous_update=True, readout_format=".2f", log=False):
    """A labelled float slider in the course's style (``log=True`` gives a log-scale slider).

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    if log:
        return widgets.FloatLogSlider(value=value, min=vmin, max=vmax, step=step, base=10,
                                      description=description, continuous_update=continuous_update,
                                      readout_format=".1e", style=SLIDER_STYLE, layout=SLIDER_LAYOUT)
    return widgets.FloatSlider(value=value, min=vmin, max=vmax, step=step, description=description,
                               continuous_update=continuous_update, readout_format=readout_format,
                               style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


def int_slider(description, value, vmin, vmax, *, continuous_update=True):
    """A labelled integer slider in the course's style.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    return widgets.IntSlider(value=value, min=vmin, max=vmax, description=description,
                             continuous_update=continuous_update, style=SLIDER_STYLE, layout=SLIDER_LAYOUT)


def flatten_artists(*groups) -> list:
    """All matplotlib artists inside (nested) dicts, lists and tuples of the ``draw_*`` functions.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    out = []
    for g in groups:
        if isinstance(g, dict):
            out += flatten_artists(*g.values())
        elif isinstance(g, (list, tuple)):
            out += flatten_artists(*g)
        elif hasattr(g, "draw") and hasattr(g, "set_animated"):
            out.append(g)
    return out


class Explorer:
    """Base class of every explorer. Subclasses implement ``_build`` (axes and artists, once),
    ``_update`` (move the artists to match ``state``) and ``summary``.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Attributes
    ----------
    controls : dict of str to ipywidgets.Widget
    state : dict of str to value
        The current value of every control (kept in sync by observers).
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
        The rendered figure.
    readout : ipywidgets.HTML
        :meth:`summary` as preformatted text.
    widget : ipywidgets.VBox
        Everything, as displayed.
    """

    figsize = (9.0, 4.0)
    dpi = 100
    #: artists redrawn on every tick (set by ``_build``); everything else is the cached background
    dynamic: list = ()

    def __init__(self, controls: dict, layout=None):
        self.controls = dict(controls)
        self.state = {name: w.value for name, w in self.controls.items()}
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self._build()
        self._update()
        self.figure.canvas.draw()                     # lay out once ...
        self.figure.set_layout_engine("none")         # ... then freeze the layout
        self.dynamic = list(self.dynamic)
        for artist in self.dynamic:
            artist.set_animated(True)
        self.figure.canvas.draw()                     # the static background, without the dynamic artists
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        height = int(self.figsize[1] * self.dpi)
        self.image = widgets.Image(format="png", layout=widgets.Layout(height=f"{height}px", width="auto",
                                                                        object_fit="contain"))
        self.readout = widgets.HTML(layout=widgets.Layout(min_height="3em"))
        self._show()
        for name, w in self.controls.items():
            w.observe(self._on_change, names="value")
        box = layout if layout is not None else widgets.HBox(
            [widgets.VBox(list(self.controls.values())[i::2]) for i in range(2)])
        self.widget = widgets.VBox([box, self.image, self.readout])
        self.widget.add_class("emcourse-explorer")

    # --- the hot path --------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        for name, w in self.controls.items():
            if w is change["owner"]:
                self.state[name] = change["new"]
        self._update()
        self._show()

    def invalidate_background(self) -> None:
        """Call from ``_update`` after changing something static (axis limits, a label): the next render
        redraws and caches the background once more."""
        self._background_stale = True

    def render_png(self) -> bytes:
        """Draw the dynamic artists over the cached background and encode the PNG."""
        canvas = self.figure.canvas
        if getattr(self, "_background_stale", False):
            canvas.draw()                                   # the dynamic artists are animated: not drawn here
            self._background = canvas.copy_from_bbox(self.figure.bbox)
            self._background_stale = False
        canvas.restore_region(self._background)
        for artist in self.dynamic:
            (artist.axes or self.figure).draw_artist(artist)
        return canvas_png(canvas)

    def _show(self) -> None:
        self.image.value = self.render_png()
        self.readout.value = f"<pre style='margin:0'>{html.escape(self.summary())}</pre>"

    # --- for subclasses -----------------------------------------------------------------------
    def _build(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _update(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def summary(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    # --- conveniences --------------------------------------------------------------------------
    def set(self, **values) -> "Explorer":
        """Set controls by name (as a student would move them); the explorer redraws.

        A value the control does not offer raises a ``ValueError`` that lists what it offers: a choice not
        among a dropdown's options, a number outside a slider's range (never clamped silently), a fraction for
        a whole-number slider, anything but True or False for a checkbox.
        """
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"no control named {name!r}; this explorer has {sorted(self.controls)}.")
            check_control_value(name, self.controls[name], value)
            self.controls[name].value = value
        return self

    def png(self) -> bytes:
        """The PNG currently shown."""
        return bytes(self.image.value)

    def _repr_mimebundle_(self, **kwargs):
        """The widget, and for viewers without a kernel its current picture (PNG), readout (plain text) and
        both as HTML (:func:`static_html`). JupyterLab shows the live widget."""
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
        data = dict(data)
        png, summary = self.png(), self.summary()
        data["image/png"] = base64.b64encode(png).decode("ascii")
        data["text/plain"] = summary
        data["text/html"] = static_html(png, summary)
        return data, metadata

    def display(self):
        """Display the explorer (same as leaving it as the last expression of a cell)."""
        display(self)


def check_control_value(name: str, control, value) -> None:
    """Raise a ``ValueError`` listing the allowed values unless ``control`` offers ``value`` exactly.

    Introduced in ``notebooks/01_mixture_densities.ipynb`` with :meth:`Explorer.set`. Dropdowns and selection
    sliders: one of their options; checkboxes: True or False; integer sliders: a whole number from min to max;
    float sliders (log sliders: base**min to base**max): a number in that range. Nothing is clamped.
    """
    options = getattr(control, "_options_values", None)
    if options is not None:
        if not any(_same(value, o) for o in options):
            raise ValueError(f"{name} must be one of {list(options)}, got {value!r}.")
        return
    if isinstance(control, widgets.Checkbox):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be True or False, got {value!r}.")
        return
    if not hasattr(control, "min") or not hasattr(control, "max"):
        return                                                  # a control without a range: nothing to check
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a number, got {value!r}.")
    if isinstance(control, widgets.FloatLogSlider):
        lo, hi = control.base ** control.min, control.base ** control.max
    else:
        lo, hi = control.min, control.max
    if isinstance(control, widgets.IntSlider):
        if value != int(value) or not lo <= value <= hi:
            raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {value!r}.")
        return
    message = f"{name} must be a number from {lo:g} to {hi:g}, got {value!r}."
    if isinstance(control, widgets.FloatLogSlider):             # base ** exponent is not exact
        lo, hi = lo * (1 - 1e-9), hi * (1 + 1e-9)
    if not lo <= value <= hi:
        raise ValueError(message)


def _same(a, b) -> bool:
    """a == b, except that True and False equal only themselves (not 1 and 0)."""
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_)) and isinstance(b, (bool, np.bool_)) and bool(a) == bool(b)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def static_html(png: bytes, summary: str) -> str:
    """An explorer as a page without a kernel shows it: the picture (alt text: the summary), the readout,
    and one line saying that the controls need a running kernel, with a link to run the course.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    png : bytes
        The picture, a PNG file's bytes.
    summary : str
        :meth:`Explorer.summary`: the numbers shown.

    Returns
    -------
    str
        A self-contained HTML fragment (the PNG is inlined as a ``data:`` URI).
    """
    width, height = struct.unpack(">II", png[16:24])            # the PNG header's IHDR chunk
    source = base64.b64encode(png).decode("ascii")
    return (f'<div class="emcourse-explorer-static">'
            f'<img src="data:image/png;base64,{source}" alt="{html.escape(summary, quote=True)}" '
            f'width="{width}" height="{height}" style="max-width:100%;height:auto">'
            f'<pre class="emcourse-readout">{html.escape(summary)}</pre>'
            f'<p class="{NEEDS_KERNEL_CLASS}">A still picture of the explorer as it opens: its controls need a running '
            f'kernel. <a href="{RUN_URL}">Run this lesson</a> on Binder, or on your computer with '
            f'<code>make lab</code>.</p></div>')


def weights_from_raw(raw) -> tuple[np.ndarray, bool]:
    """Renormalise raw weight slider values to sum to 1; equal weights if all are 0.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    raw = np.asarray(raw, dtype=float)
    total = raw.sum()
    if total <= 0:
        return np.full(raw.size, 1.0 / raw.size), True
    return raw / total, False


def fmt(values, fmt="{:.2f}") -> str:
    """A short list of numbers for a readout: [1.00, 2.00].

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    return "[" + ", ".join(fmt.format(v) for v in values) + "]"


def remove_artists(group) -> None:
    """Remove every artist of a ``draw_*`` group from its axes (before drawing a different number of them).

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    for artist in flatten_artists(group):
        artist.remove()
