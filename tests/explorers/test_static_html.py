"""An explorer without a kernel (the course website, nbconvert): its text/html shows the current picture with the
summary as alt text, the readout, and one line that the controls need a running kernel, with a link to run it."""
import base64
import html
import re

import emcourse.explorers as W
from emcourse.explorers._base import NEEDS_KERNEL_CLASS, RUN_URL, static_html


def test_the_html_fallback_is_the_current_picture_with_its_summary_as_alt_text():
    ex = W.MixtureDensity1D().set(mu1=-3.0)
    data, _ = ex._repr_mimebundle_()
    page = data["text/html"]
    src = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(src) == ex.png()                              # the picture now shown
    alt = re.search(r'alt="([^"]*)"', page).group(1)
    assert html.unescape(alt) == ex.summary() and "mu = -3.00" in alt
    assert f"<pre class=\"emcourse-readout\">{html.escape(ex.summary())}</pre>" in page
    assert f'class="{NEEDS_KERNEL_CLASS}"' in page and f'href="{RUN_URL}"' in page and "make lab" in page
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == ex.widget.model_id   # JupyterLab: live


def test_the_picture_keeps_its_size_and_shrinks_to_a_narrow_page():
    ex = W.MixtureDensity1D()
    page = static_html(ex.png(), 'a "quoted" <summary> & more')
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', page).groups())
    assert (width, height) == (round(ex.figsize[0] * ex.dpi), round(ex.figsize[1] * ex.dpi))
    assert "max-width:100%" in page
    assert 'alt="a &quot;quoted&quot; &lt;summary&gt; &amp; more"' in page        # escaped, never broken HTML
