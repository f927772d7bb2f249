"""The browser benchmark's key presses always change the slider (benchmarks/bench_browser.py).

It used to press right 12 times, then left 12 times: on a slider with few values (lesson 6's passes, lesson 8's
SMEM candidates) the left presses ran into the minimum, the value stopped changing, no new image came, and the
in-page measurement timed out. Now every press moves the handle, bouncing between the ends.
"""
import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_browser.py"
spec = importlib.util.spec_from_file_location("bench_browser", BENCH)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)


class FakeHandle:
    """A noUiSlider handle: aria attributes, and arrow keys that move the value within its bounds."""

    def __init__(self, lo, hi, value):
        self.lo, self.hi, self.value = lo, hi, value

    def get_attribute(self, name):
        return str({"aria-valuenow": self.value, "aria-valuemin": self.lo, "aria-valuemax": self.hi}[name])

    def press(self, key):
        old = self.value
        self.value = min(self.hi, self.value + 1) if key == "ArrowRight" else max(self.lo, self.value - 1)
        return self.value != old


@pytest.mark.parametrize("lo, hi, start", [(1, 6, 1), (0, 4, 1), (0, 1, 0), (0, 49, 49), (0, 300, 120)])
def test_every_press_changes_the_value(lo, hi, start):
    handle, going_right = FakeHandle(lo, hi, start), True
    for _ in range(bench.PRESSES):
        key, going_right = bench.next_key(handle, going_right)
        assert handle.press(key), f"a press at {handle.value} in [{lo}, {hi}] changed nothing"


def test_the_page_hook_replaces_the_previous_one():
    assert "old.observer.disconnect()" in bench.INSTALL and "removeEventListener" in bench.INSTALL
