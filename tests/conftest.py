import os

import numpy as np
import pytest
from tests.browser.labserver import CHROMIUM, launch_chromium


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def iris():
    from sklearn.datasets import load_iris

    return load_iris().data


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the whole session, shared by tests/browser and tests/site.

    Playwright's sync API cannot be entered twice in one thread (the second entry sees the first one's
    running event loop), so the two folders must not each start their own.
    """
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"EMCOURSE_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()
