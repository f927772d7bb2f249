"""Drawing functions: the right artists, counts and positions (Agg backend)."""
import matplotlib.colors
import numpy as np
import pytest
from matplotlib.figure import Figure

from emcourse import Mixture, plotting


@pytest.fixture
def ax():
    return Figure().subplots()


MIX1 = Mixture([0.3, 0.7], [[-1.0], [2.0]], [0.25, 1.0])
MIX2 = Mixture([0.5, 0.5], [[0.0, 0.0], [3.0, 1.0]], [[[4.0, 0.0], [0.0, 1.0]], [[1.0, 0.9], [0.9, 1.0]]], "full")


def test_density_1d_lines_and_in_place_update(ax):
    x = np.linspace(-5, 5, 201)
    art = plotting.draw_density_1d(ax, MIX1, x)
    assert len(art["components"]) == 2 and len(ax.lines) == 3
    np.testing.assert_allclose(art["total"].get_ydata(), MIX1.pdf(x[:, None]))
    np.testing.assert_allclose(art["components"][0].get_ydata() + art["components"][1].get_ydata(),
                               art["total"].get_ydata())
    # the peak of component 1's weighted curve is P_1 / sqrt(2 pi sigma^2) at mu_1
    assert art["components"][0].get_ydata().max() == pytest.approx(0.3 / np.sqrt(2 * np.pi * 0.25), rel=1e-3)
    other = MIX1.replace(means=[[0.0], [1.0]])
    again = plotting.draw_density_1d(ax, other, x, artists=art)
    assert again is art and len(ax.lines) == 3
    np.testing.assert_allclose(art["total"].get_ydata(), other.pdf(x[:, None]))


def test_posteriors_sum_to_one(ax):
    x = np.linspace(-5, 5, 101)
    art = plotting.draw_posteriors_1d(ax, MIX1, x)
    total = sum(line.get_ydata() for line in art["posteriors"])
    np.testing.assert_allclose(total, 1.0, atol=1e-12)


def test_ellipses_are_drawn_in_standard_deviations(ax):
    art = plotting.draw_ellipses(ax, MIX2, n_std=(1.0, 2.0))
    assert len(ax.patches) == 4 and len(art["means"]) == 2
    e1, e2 = art["ellipses"][0]
    # component 0 has variances 4 and 1: 1-sigma ellipse is 2*2 wide and 2*1 high (not 2*4, 2*1)
    assert {round(e1.width, 9), round(e1.height, 9)} == {4.0, 2.0}
    assert {round(e2.width, 9), round(e2.height, 9)} == {8.0, 4.0}
    # component 1 is elongated along the diagonal: eigenvalues 1.9 and 0.1, angle 45 degrees
    e = art["ellipses"][1][0]
    assert e.width == pytest.approx(2 * np.sqrt(1.9)) and e.height == pytest.approx(2 * np.sqrt(0.1))
    assert e.angle % 180 == pytest.approx(45.0)
    moved = MIX2.replace(means=[[1.0, 1.0], [5.0, 5.0]])
    plotting.draw_ellipses(ax, moved, artists=art)
    assert tuple(art["ellipses"][1][0].center) == (5.0, 5.0) and len(ax.patches) == 4


def test_spherical_components_are_circles(ax):
    mix = Mixture([1.0], [[0.0, 0.0]], [2.25])
    e = plotting.draw_ellipses(ax, mix, n_std=(1.0,))["ellipses"][0][0]
    assert e.width == pytest.approx(3.0) and e.height == pytest.approx(3.0)


def test_samples_by_label_use_colour_and_marker(ax):
    X, labels = MIX2.sample(200, 0)
    art = plotting.draw_samples_2d(ax, X, labels=labels)
    assert len(art["groups"]) == 2
    for j, g in enumerate(art["groups"]):
        np.testing.assert_allclose(g.get_offsets(), X[labels == j])
    assert plotting.component_marker(0) != plotting.component_marker(1)
    assert len(set(plotting.PALETTE)) == len(plotting.PALETTE)


def test_samples_by_responsibility_blend_colours(ax):
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    resp = np.array([[1.0, 0.0], [0.5, 0.5]])
    art = plotting.draw_samples_2d(ax, X, resp=resp)
    fc = art["points"].get_facecolors()[:, :3]
    rgb = plotting.blend_colors(np.eye(2))
    np.testing.assert_allclose(fc[0], rgb[0], atol=1e-6)
    np.testing.assert_allclose(fc[1], 0.5 * (rgb[0] + rgb[1]), atol=1e-6)


def test_posterior_map_and_surface_and_curve(ax):
    art = plotting.draw_posterior_map(ax, MIX2, (-5, 5, -5, 5), resolution=30)
    img = art["image"].get_array()
    assert img.shape == (30, 30, 3) and np.all(np.isfinite(img))
    surf = plotting.draw_surface(ax, np.arange(12.0).reshape(3, 4), (0, 1, 0, 1), current=(0.5, 0.2))
    assert surf["marker"].get_xdata()[0] == 0.5
    curve = plotting.draw_log_likelihood(ax, [-10.0, -5.0, -4.0], current=1)
    assert curve["marker"].get_ydata()[0] == -5.0
    plotting.draw_log_likelihood(ax, [-9.0, -3.0], artists=curve)
    assert list(curve["marker"].get_xdata()) == [1]


def test_wrong_dimension_is_a_clear_error(ax):
    with pytest.raises(ValueError, match="needs a 2-D mixture"):
        plotting.draw_ellipses(ax, MIX1)
    with pytest.raises(ValueError, match="needs a 1-D mixture"):
        plotting.draw_density_1d(ax, MIX2, np.zeros(3))


def test_posterior_map_colours_each_pixel_by_its_posteriors(ax):
    extent = (-5.0, 5.0, -4.0, 6.0)
    img = plotting.draw_posterior_map(ax, MIX2, extent, resolution=7)["image"].get_array()
    rgb = np.array([matplotlib.colors.to_rgb(plotting.component_color(j)) for j in range(2)])
    g = np.linspace(-5, 5, 7), np.linspace(-4, 6, 7)
    for r, c in [(0, 0), (3, 3), (6, 2), (1, 5)]:             # row r is at y = g[1][r]: origin="lower"
        resp = MIX2.responsibilities([[g[0][c], g[1][r]]])[0]
        np.testing.assert_allclose(img[r, c], 0.55 + 0.45 * resp @ rgb, atol=1e-12)
    # a point far to the left belongs to the wide component 1 alone: its pale colour
    assert np.allclose(img[3, 0], 0.55 + 0.45 * rgb[0], atol=1e-3)


def test_probability_image_takes_any_classifier_and_agrees_with_the_posterior_image():
    extent = (-3.0, 4.0, -2.0, 2.0)
    np.testing.assert_array_equal(plotting.probability_image(MIX2.responsibilities, extent, 9),
                                  plotting.posterior_image(MIX2, extent, 9))
    one_class = plotting.probability_image(lambda P: np.tile([0.0, 0.0, 1.0], (len(P), 1)), extent, 4)
    pale = 0.55 + 0.45 * np.array(matplotlib.colors.to_rgb(plotting.component_color(2)))
    np.testing.assert_allclose(one_class, np.broadcast_to(pale, (4, 4, 3)))


def test_draw_categories_draws_one_ellipse_per_category_in_its_class_colour(ax):
    means = np.array([[0.2, 0.3], [0.7, 0.8], [0.5, 0.5]])
    sigmas = np.array([[0.1, 0.05], [0.2, 0.2], [0.01, 0.3]])
    arts = plotting.draw_categories(ax, means, sigmas, np.array(["b", "a", "b"]), np.array(["a", "b"]))
    assert len(arts) == 3 and len(ax.patches) == 3
    np.testing.assert_allclose([e.width for e in arts], 2 * sigmas[:, 0])
    np.testing.assert_allclose([e.height for e in arts], 2 * sigmas[:, 1])
    assert [matplotlib.colors.to_hex(e.get_edgecolor()) for e in arts] == \
        [plotting.component_color(1).lower(), plotting.component_color(0).lower(), plotting.component_color(1).lower()]
    again = plotting.draw_categories(ax, means[:1], sigmas[:1], np.array(["a"]), np.array(["a", "b"]), artists=arts)
    assert len(again) == 1 and len(ax.patches) == 1             # the old ellipses are gone


def test_component_numbers_count_from_one_and_follow_the_means(ax):
    means = np.array([[0.0, 0.0], [3.0, 1.0], [-2.0, 4.0]])
    art = plotting.draw_component_numbers(ax, means)
    assert [a.get_text() for a in art["numbers"]] == ["1", "2", "3"]
    assert [tuple(a.xy) for a in art["numbers"]] == [tuple(m) for m in means]
    assert plotting.draw_component_numbers(ax, means[::-1], artists=art) is art
    assert [tuple(a.xy) for a in art["numbers"]] == [tuple(m) for m in means[::-1]]
    assert [a.get_text() for a in art["numbers"]] == ["1", "2", "3"]              # numbers stay with the slots
    with pytest.raises(ValueError, match="label 3 components, got 2"):
        plotting.draw_component_numbers(ax, means[:2], artists=art)
    with pytest.raises(ValueError, match=r"shape \(n_components, 2\)"):
        plotting.draw_component_numbers(ax, np.zeros((3, 3)))


def test_component_numbers_of_coincident_components_do_not_overlap(ax):
    """The halves of a split sit on top of each other: their numbers go different ways, away from a neighbour."""
    ax.set_xlim(-5, 5)
    ax.set_ylim(-5, 5)
    means = np.array([[0.0, 0.0], [0.0, 0.0], [0.3, 0.3], [4.0, -4.0]])
    art = plotting.draw_component_numbers(ax, means)
    offsets = np.array([a.xyann for a in art["numbers"]])
    assert np.allclose(np.hypot(*offsets.T), 12.0)
    assert len({tuple(np.round(o, 6)) for o in offsets[:3]}) == 3
    assert offsets[0] @ np.array([1.0, 1.0]) < 0                  # away from the neighbour up and right
