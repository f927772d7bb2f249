"""Pure matplotlib drawing (floor 2): a state and an Axes in, artists out.

Every ``draw_*`` function follows one pattern: called with ``artists=None`` it creates its
artists on ``ax`` and returns them (a dict); called again with those artists it *updates them in
place* (new data, same objects), which is what the explorers do on every slider tick. Nothing here
creates figures, calls ``plt.show`` or knows about widgets. Introduced in
``notebooks/01_mixture_densities.ipynb``.

Colours are the Okabe–Ito colour-blind-safe palette, and every component also has its own marker
shape, so nothing relies on colour alone.
"""
from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.patches import Ellipse

from .mixture import Mixture

#: Okabe–Ito palette (colour-blind safe), without black, then two of Paul Tol's muted colours (ten in all).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
           "#882255", "#44AA99")
#: One marker shape per component, so colour is never the only cue.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "p")
TOTAL_COLOR = "#222222"


def component_color(j: int) -> str:
    """Colour of component ``j`` (cycles after 10).

    Introduced in ``notebooks/05_em_in_action.ipynb``.
    """
    return PALETTE[j % len(PALETTE)]


def component_marker(j: int) -> str:
    """Marker shape of component ``j`` (cycles after 10).

    Introduced in ``notebooks/08_split_and_merge_em.ipynb``.
    """
    return MARKERS[j % len(MARKERS)]


def blend_colors(resp: np.ndarray) -> np.ndarray:
    """RGB colours mixed by responsibility: row i is sum_j r_ij * colour_j.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    resp : ndarray of shape (n_points, n_components)

    Returns
    -------
    ndarray of shape (n_points, 3), values in [0, 1]
    """
    rgb = np.array([to_rgb(component_color(j)) for j in range(resp.shape[1])])
    return np.clip(resp @ rgb, 0.0, 1.0)


def _check_1d(mixture: Mixture) -> None:
    if mixture.n_features != 1:
        raise ValueError(f"this drawing needs a 1-D mixture (n_features=1), got n_features={mixture.n_features}.")


def _check_2d(mixture: Mixture) -> None:
    if mixture.n_features != 2:
        raise ValueError(f"this drawing needs a 2-D mixture (n_features=2), got n_features={mixture.n_features}.")


# --- 1-D ------------------------------------------------------------------------------------------

def draw_density_1d(ax, mixture: Mixture, x, *, artists=None, show_components: bool = True,
                    color: str = TOTAL_COLOR, label: str = "$p(x)$", linestyle: str = "-"):
    """The mixture density p(x) and the weighted components P_j p(x|j) on a 1-D grid.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    ax : matplotlib Axes
    mixture : Mixture with n_features = 1
    x : ndarray of shape (n_grid,)
    artists : dict, optional
        What a previous call returned; updated in place.
    show_components : bool
        Draw the weighted components as well as the total.
    color, label, linestyle
        Style of the total density curve (to compare two mixtures on one axes).

    Returns
    -------
    dict with ``"total"`` (Line2D) and ``"components"`` (list of Line2D, one per component).
    """
    _check_1d(mixture)
    x = np.asarray(x, dtype=float)
    weighted = np.exp(mixture.weighted_log_pdf(x[:, None]))           # (n_grid, K)
    total = weighted.sum(axis=1)
    if artists is None:
        comps = []
        if show_components:
            for j in range(mixture.n_components):
                (line,) = ax.plot(x, weighted[:, j], color=component_color(j), lw=1.5, ls="--",
                                  label=f"$P_{j + 1}\\,p(x\\mid {j + 1})$")
                comps.append(line)
        (tot,) = ax.plot(x, total, color=color, lw=2.5, ls=linestyle, label=label)
        ax.set_xlabel("$x$")
        ax.set_ylabel("density")
        return {"total": tot, "components": comps}
    artists["total"].set_data(x, total)
    for j, line in enumerate(artists["components"]):
        line.set_data(x, weighted[:, j])
    return artists


def draw_posteriors_1d(ax, mixture: Mixture, x, *, artists=None):
    """The posteriors P(j | x) of each component along a 1-D grid (they sum to 1 at every x).

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Returns
    -------
    dict with ``"posteriors"`` (list of Line2D, one per component).
    """
    _check_1d(mixture)
    x = np.asarray(x, dtype=float)
    resp = mixture.responsibilities(x[:, None])
    if artists is None:
        lines = [ax.plot(x, resp[:, j], color=component_color(j), lw=2, label=f"$P({j + 1}\\mid x)$")[0]
                 for j in range(mixture.n_components)]
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("$x$")
        ax.set_ylabel("posterior $P(j\\mid x)$")
        return {"posteriors": lines}
    for j, line in enumerate(artists["posteriors"]):
        line.set_data(x, resp[:, j])
    return artists


def draw_rug(ax, values, *, y=0.0, artists=None, color=TOTAL_COLOR):
    """Data points of a 1-D sample as short vertical ticks at height ``y``.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Returns
    -------
    dict with ``"rug"`` (Line2D).
    """
    values = np.ravel(np.asarray(values, dtype=float))
    if artists is None:
        (rug,) = ax.plot(values, np.full(values.shape, y), "|", color=color, ms=12, mew=1.2, label="data")
        return {"rug": rug}
    artists["rug"].set_data(values, np.full(values.shape, y))
    return artists


# --- 2-D ------------------------------------------------------------------------------------------

def draw_samples_2d(ax, X, *, labels=None, resp=None, n_components=None, artists=None, size=14,
                    edgecolor="white"):
    """A 2-D sample, coloured and shaped by the component that made each point, or by responsibility.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    ax : matplotlib Axes
    X : ndarray of shape (n_points, 2)
    labels : ndarray of shape (n_points,), optional
        Generating component of each point: colour *and* marker per component.
    resp : ndarray of shape (n_points, n_components), optional
        Responsibilities: each point's colour is the mix of the component colours (round markers).
    n_components : int, optional
        Number of label groups to draw (default: ``labels.max() + 1``).
    artists : dict, optional
        What a previous call returned (same mode, same number of components); updated in place.
    size, edgecolor
        Marker area and edge colour (a dark edge keeps points visible on a pale background of their colour).

    Returns
    -------
    dict with ``"groups"`` (list of PathCollection, one per component, for ``labels``) or
    ``"points"`` (one PathCollection, for ``resp`` or no colouring).
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_points, 2) for a 2-D scatter, got {X.shape}.")
    if labels is not None:
        labels = np.asarray(labels)
        n_components = int(n_components if n_components is not None else (labels.max() + 1 if labels.size else 0))
        if artists is None:
            groups = [ax.scatter(X[labels == j, 0], X[labels == j, 1], s=size, color=component_color(j),
                                 marker=component_marker(j), edgecolors=edgecolor, linewidths=0.4,
                                 label=f"component {j + 1}") for j in range(n_components)]
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            return {"groups": groups}
        for j, group in enumerate(artists["groups"]):
            group.set_offsets(X[labels == j])
        return artists
    colors = blend_colors(resp) if resp is not None else np.tile(to_rgb(TOTAL_COLOR), (len(X), 1))
    if artists is None:
        points = ax.scatter(X[:, 0], X[:, 1], s=size, c=colors, edgecolors="none")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        return {"points": points}
    artists["points"].set_offsets(X)
    artists["points"].set_facecolors(colors)
    return artists


def ellipse_geometry(covariance: np.ndarray, n_std: float) -> tuple[float, float, float]:
    """Width, height and angle (degrees) of the ``n_std``-standard-deviation ellipse of a 2x2 covariance.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    The axes are 2 * n_std * sqrt(eigenvalue): standard deviations, not variances.
    """
    vals, vecs = np.linalg.eigh(covariance)
    vals = np.maximum(vals, 0.0)
    angle = float(np.degrees(np.arctan2(vecs[1, 1], vecs[0, 1])))
    return 2 * n_std * float(np.sqrt(vals[1])), 2 * n_std * float(np.sqrt(vals[0])), angle


def draw_ellipses(ax, mixture: Mixture, *, n_std=(1.0, 2.0), artists=None, show_means: bool = True):
    """Each component as ellipses at ``n_std`` standard deviations (circles for spherical), and its mean.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Returns
    -------
    dict with ``"ellipses"`` (list over components of lists over n_std of Ellipse) and ``"means"``
    (list of Line2D markers, empty if ``show_means`` is False).
    """
    _check_2d(mixture)
    covs = mixture.full_covariances()
    if artists is None:
        ellipses, means = [], []
        for j in range(mixture.n_components):
            row = []
            for k, s in enumerate(n_std):
                w, h, a = ellipse_geometry(covs[j], s)
                e = Ellipse(mixture.means[j], w, height=h, angle=a, fill=False, lw=2.0 if k == 0 else 1.0,
                            ls="-" if k == 0 else ":", edgecolor=component_color(j))
                ax.add_patch(e)
                row.append(e)
            ellipses.append(row)
            if show_means:
                means.append(ax.plot(*mixture.means[j], marker=component_marker(j), ms=10, color=component_color(j),
                                     mec="black", mew=1.0, ls="none")[0])
        return {"ellipses": ellipses, "means": means, "n_std": tuple(n_std)}
    for j, row in enumerate(artists["ellipses"]):
        for e, s in zip(row, artists["n_std"]):
            w, h, a = ellipse_geometry(covs[j], s)
            e.set_center(mixture.means[j])
            e.set_width(w)
            e.set_height(h)
            e.set_angle(a)
    for j, m in enumerate(artists["means"]):
        m.set_data([mixture.means[j, 0]], [mixture.means[j, 1]])
    return artists


#: the 8 directions a component's number may sit in, around its mean (unit vectors, up-right first)
_DIRECTIONS = np.array([(np.cos(a), np.sin(a)) for a in np.radians(45 + 45 * np.arange(8))])
LABEL_DISTANCE = 12.0     # points from the mean


def _label_offsets(ax, means: np.ndarray) -> np.ndarray:
    """Offsets in points, one per component: for each in turn, of 8 directions the one whose label is pushed least by
    the other means and the labels already placed (sum of inverse squared distances), so neighbours and the halves
    of a split stay legible."""
    scale = ax.figure.dpi / 72.0                                  # points -> pixels
    pts = ax.transData.transform(means) / scale                   # in points
    placed = []
    out = np.empty((len(means), 2))
    for j, p in enumerate(pts):
        others = np.delete(pts, j, axis=0)
        near = np.concatenate([others, np.array(placed).reshape(-1, 2)])
        best, best_push = 0, np.inf
        for d, u in enumerate(_DIRECTIONS):
            q = p + LABEL_DISTANCE * u
            push = float(np.sum(1.0 / np.maximum(np.sum((near - q) ** 2, axis=1), 1e-6)))
            if push < best_push - 1e-12:
                best, best_push = d, push
        out[j] = LABEL_DISTANCE * _DIRECTIONS[best]
        placed.append(p + out[j])
    return out


def draw_component_numbers(ax, means, *, artists=None, fontsize: float = 9):
    """Each component's number (from 1, as messages and readouts count them) beside its mean.

    Introduced in ``notebooks/08_split_and_merge_em.ipynb`` (so "merge 4 and 9, split 2" can be found in the
    picture).

    Parameters
    ----------
    ax : matplotlib Axes
    means : ndarray of shape (n_components, 2)
    artists : dict, optional
        What a previous call returned (same number of components); the labels move in place.
    fontsize : float

    Returns
    -------
    dict with ``"numbers"`` (list of Annotation, one per component). Each label sits 12 points from its mean, in the
    one of 8 directions that keeps it farthest from the other means and labels, so neighbours and two components
    on top of each other (the halves of a split) still show their numbers.
    """
    means = np.asarray(means, dtype=float)
    if means.ndim != 2 or means.shape[1] != 2:
        raise ValueError(f"means must have shape (n_components, 2) for a 2-D drawing, got {means.shape}.")
    if artists is None:
        offsets = _label_offsets(ax, means)
        numbers = [ax.annotate(str(j + 1), xy=tuple(m), xytext=tuple(offsets[j]), textcoords="offset points",
                               fontsize=fontsize, ha="center", va="center", fontweight="bold", color="black", zorder=5,
                               bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": component_color(j), "alpha": 0.85})
                   for j, m in enumerate(means)]
        return {"numbers": numbers}
    if len(artists["numbers"]) != len(means):
        raise ValueError(f"these artists label {len(artists['numbers'])} components, got {len(means)} means; "
                         "draw them again without artists=.")
    for label, m, offset in zip(artists["numbers"], means, _label_offsets(ax, means)):
        label.xy = tuple(m)
        label.xyann = tuple(offset)
    return artists


def probability_image(predict_proba, extent, resolution: int = 120) -> np.ndarray:
    """A pale RGB image of class or component probabilities over a rectangle, colours blended by probability.

    Introduced in ``notebooks/01_mixture_densities.ipynb``; lesson 7 draws Gaussian ARTMAP's vote with it.

    Parameters
    ----------
    predict_proba : callable
        Maps points of shape (n_points, 2) to probabilities of shape (n_points, n_classes), rows summing
        to 1: ``mixture.responsibilities`` (lesson 1) or a classifier's ``predict_proba`` (lesson 7's vote).
    extent : (xmin, xmax, ymin, ymax)
    resolution : int
        Pixels along each axis.

    Returns
    -------
    ndarray of shape (resolution, resolution, 3), row 0 at ymin (use ``origin="lower"``).
    """
    xmin, xmax, ymin, ymax = extent
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, resolution), np.linspace(ymin, ymax, resolution))
    proba = predict_proba(np.column_stack([gx.ravel(), gy.ravel()]))
    light = 0.45 * blend_colors(proba) + 0.55          # pale, so points and ellipses stay readable
    return light.reshape(resolution, resolution, 3)


def posterior_image(mixture: Mixture, extent, resolution: int = 120) -> np.ndarray:
    """:func:`probability_image` of a 2-D mixture's posteriors P(j | x).

    Introduced in ``notebooks/01_mixture_densities.ipynb``.
    """
    _check_2d(mixture)
    return probability_image(mixture.responsibilities, extent, resolution)


def draw_posterior_map(ax, mixture: Mixture, extent, *, resolution: int = 120, artists=None):
    """Background shading: each location coloured by the blend of the component posteriors P(j | x).

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Returns
    -------
    dict with ``"image"`` (AxesImage).
    """
    img = posterior_image(mixture, extent, resolution)
    if artists is None:
        im = ax.imshow(img, origin="lower", extent=extent, aspect="auto", interpolation="bilinear", zorder=0)
        return {"image": im}
    artists["image"].set_data(img)
    return artists


# --- curves and surfaces ----------------------------------------------------------------------------

def draw_log_likelihood(ax, values, *, current=None, artists=None, ylabel="log-likelihood", label=None,
                        color=TOTAL_COLOR):
    """A log-likelihood (or E) curve against iteration, with the ``current`` iteration marked.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    values : ndarray of shape (n_iterations,)
    current : int, optional
        Index to mark with a dot.

    Returns
    -------
    dict with ``"curve"`` and ``"marker"`` (Line2D).
    """
    values = np.asarray(values, dtype=float)
    it = np.arange(values.size)
    c = values.size - 1 if current is None else int(current)
    if artists is None:
        (curve,) = ax.plot(it, values, color=color, lw=2, label=label)
        (marker,) = ax.plot([c], [values[c]], "o", color=color, ms=8, mec="white")
        ax.set_xlabel("iteration")
        ax.set_ylabel(ylabel)
        return {"curve": curve, "marker": marker}
    artists["curve"].set_data(it, values)
    artists["marker"].set_data([c], [values[c]])
    return artists


def draw_surface(ax, values, extent, *, current=None, artists=None, cmap="viridis", label="E"):
    """A precomputed 2-D surface (e.g. E over (mu_1, mu_2)) as an image, with the current point marked.

    Introduced in ``notebooks/01_mixture_densities.ipynb``.

    Parameters
    ----------
    values : ndarray of shape (n_y, n_x)
        Row 0 at ``extent[2]`` (ymin).
    extent : (xmin, xmax, ymin, ymax)
    current : (float, float), optional

    Returns
    -------
    dict with ``"image"`` (AxesImage) and ``"marker"`` (Line2D).
    """
    values = np.asarray(values, dtype=float)
    cx, cy = current if current is not None else (np.nan, np.nan)
    if artists is None:
        im = ax.imshow(values, origin="lower", extent=extent, aspect="auto", cmap=cmap)
        (marker,) = ax.plot([cx], [cy], marker="X", ms=12, color="white", mec="black", mew=1.2, ls="none")
        return {"image": im, "marker": marker}
    artists["image"].set_data(values)
    artists["image"].set_clim(np.nanmin(values), np.nanmax(values))
    artists["marker"].set_data([cx], [cy])
    return artists


def draw_fit(ax, X, mixture: Mixture, *, artists=None, size=12):
    """A 2-D data set coloured by the responsibilities of ``mixture``, with its 1- and 2-sigma ellipses.

    Introduced in ``notebooks/05_em_in_action.ipynb``.

    Returns
    -------
    dict with ``"points"`` (see :func:`draw_samples_2d`) and ``"ellipses"`` (see :func:`draw_ellipses`).
    """
    resp = mixture.responsibilities(X)
    if artists is None:
        return {"points": draw_samples_2d(ax, X, resp=resp, size=size),
                "ellipses": draw_ellipses(ax, mixture)}
    draw_samples_2d(ax, X, resp=resp, artists=artists["points"])
    draw_ellipses(ax, mixture, artists=artists["ellipses"])
    return artists


def draw_categories(ax, means, sigmas, labels, classes, *, artists=None, n_std: float = 1.0):
    """Axis-aligned ``n_std``-sigma ellipses of labelled diagonal Gaussians (Gaussian ARTMAP's categories),
    coloured by class. Introduced in ``notebooks/07_gaussian_artmap.ipynb``.

    Parameters
    ----------
    means, sigmas : ndarray of shape (n_categories, 2)
        Centres and standard deviations per feature.
    labels : ndarray of shape (n_categories,)
        The class of each category; its colour is that of its position in ``classes``.
    classes : ndarray of shape (n_classes,), sorted
    artists : list of Ellipse, optional
        What a previous call returned: removed and drawn again (the number of categories changes).

    Returns
    -------
    list of Ellipse (animated: an explorer draws them over its cached background).
    """
    if artists is not None:
        for e in artists:
            e.remove()
    out = []
    for m, s, lab in zip(means, sigmas, labels):
        k = int(np.searchsorted(classes, lab))
        e = Ellipse(m, 2 * n_std * s[0], 2 * n_std * s[1], fill=False, lw=1.4, edgecolor=component_color(k),
                    animated=True)
        ax.add_patch(e)
        out.append(e)
    return out
