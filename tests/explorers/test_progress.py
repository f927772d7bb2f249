"""The progress helper: a bar in JupyterLab, nothing at all when switched off (tests, the static site)."""
import io

from emcourse.explorers import progress
from emcourse.explorers.progress import ENV, progress_enabled


def test_progress_yields_everything_and_is_silent_when_off(monkeypatch, capsys):
    monkeypatch.setenv(ENV, "off")
    assert not progress_enabled()
    assert list(progress(range(5), "five")) == [0, 1, 2, 3, 4]
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


def test_progress_draws_a_bar_when_on(monkeypatch):
    monkeypatch.setenv(ENV, "on")
    assert progress_enabled()
    bar = progress(range(3), "three")
    assert not bar.disable and bar.desc == "three" and bar.total == 3
    bar.fp = io.StringIO()                                 # a terminal bar here (a widget in JupyterLab)
    assert list(bar) == [0, 1, 2]
    for value in ("0", "no", "False", " OFF "):
        monkeypatch.setenv(ENV, value)
        assert not progress_enabled()
