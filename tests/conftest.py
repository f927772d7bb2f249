import os

import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def iris():
    from sklearn.datasets import load_iris

    return load_iris().data
