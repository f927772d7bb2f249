"""pyproject.toml, environment.yml and the Binder lock name the same packages, and the lock satisfies the ranges."""
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def pyproject_requirements():
    """The packages `pip install -e '.[test]'` asks for: the dependencies, the test extra and the extras it
    names on the course itself (``emcourse[site]``)."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = data["project"]["optional-dependencies"]
    reqs, todo = list(data["project"]["dependencies"]), ["test"]
    while todo:
        for r in extras[todo.pop()]:
            req = Requirement(r)
            if canonicalize_name(req.name) == "emcourse":
                todo += sorted(req.extras)
            else:
                reqs.append(r)
    return {canonicalize_name(Requirement(r).name): Requirement(r) for r in reqs}


def test_the_test_extra_includes_the_site_extra():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "emcourse[site]" in extras["test"]
    assert {"sphinx", "myst-nb", "jupyter-cache"} <= set(pyproject_requirements())


def lock():
    pins = {}
    for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert "==" in line, f"every lock line must be pinned with ==: {line!r}"
        name, version = line.split("==")
        pins[canonicalize_name(name)] = Version(version)
    return pins


def environment_yml():
    names = {}
    for line in (ROOT / "environment.yml").read_text().splitlines():
        m = re.match(r"\s*-\s*([A-Za-z0-9_.\-]+)\s*([<>=!~].*)?$", line)
        if m and m.group(1) not in ("python", "pip", "conda-forge"):
            names[canonicalize_name(m.group(1))] = (m.group(2) or "").strip()
    return names


def test_lock_pins_every_declared_package_within_its_range():
    pins = lock()
    for name, req in pyproject_requirements().items():
        assert name in pins, f"{name} is in pyproject.toml but not in binder/requirements.txt: run `make lock`"
        assert req.specifier.contains(pins[name], prereleases=True), f"lock pins {name}=={pins[name]}, outside {req.specifier}"


def test_environment_yml_names_the_same_packages_with_the_same_ranges():
    env = environment_yml()
    reqs = pyproject_requirements()
    assert set(env) == set(reqs)
    for name, req in reqs.items():
        assert env[name].replace(" ", "") == str(req.specifier).replace(" ", "") or \
            set(env[name].replace(" ", "").split(",")) == set(str(req.specifier).split(",")), name


def test_binder_files():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    post = (ROOT / "binder" / "postBuild").read_text()
    assert post.startswith("#!/usr/bin/env bash") and "set -euo pipefail" in post and "pip install" in post
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111, "postBuild must be executable"


def test_readme_and_notebooks_name_only_existing_notebooks():
    import json

    texts = [(ROOT / "README.md").read_text()]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        texts += ["".join(c["source"]) for c in json.loads(path.read_text())["cells"]]
    named = set()
    for text in texts:
        named |= set(re.findall(r"(?:notebooks/)?(\d\d_[A-Za-z0-9_]+\.ipynb)", text))
    assert {"00_start_here.ipynb", "01_mixture_densities.ipynb"} <= named
    missing = [n for n in named if not (ROOT / "notebooks" / n).exists()]
    assert not missing, f"named but missing: {missing}"


def test_readme_starts_with_the_two_commands_and_binder_badge():
    head = (ROOT / "README.md").read_text()[:2500]
    assert "make lab" in head and "make test" in head
    assert re.search(r"mybinder\.org/v2/gh/[^)\s]+urlpath=lab(/|%2F)tree(/|%2F)notebooks(/|%2F)00_start_here\.ipynb", head)


def test_notebooks_are_stored_without_outputs():
    import json

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "code" or "NBVAL_CHECK_OUTPUT" in "".join(cell["source"]):
                continue
            assert not cell.get("outputs") and cell.get("execution_count") is None, f"{path.name} has outputs"


def test_every_notebook_is_on_the_course_map():
    readme = (ROOT / "README.md").read_text()
    import json

    start = "".join("".join(c["source"]) for c in json.loads((ROOT / "notebooks" / "00_start_here.ipynb").read_text())["cells"])
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        assert f"notebooks/{path.name}" in readme, f"{path.name} missing from the README's course map"
        assert path.name in start, f"{path.name} missing from 00_start_here's course map"
