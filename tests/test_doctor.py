import subprocess
import sys

import emcourse


def test_doctor_reports_versions_and_no_problems_here(capsys):
    rep = emcourse.doctor()
    out = capsys.readouterr().out
    for name in ("Python", "numpy", "matplotlib", "ipywidgets", "jupyterlab", "backend"):
        assert name in out
    assert rep.ok, rep.problems
    assert "All good" in str(rep)


def test_doctor_says_how_to_fix_a_missing_package(monkeypatch):
    from emcourse import checkup as mod

    monkeypatch.setattr(mod, "REQUIREMENTS", mod.REQUIREMENTS + (("no-such-package-xyz", "xyz", "1.0", "testing"),))
    rep = mod.doctor(verbose=False)
    assert not rep.ok
    assert any("no-such-package-xyz" in p and "make lab" in p for p in rep.problems)


def test_doctor_flags_old_versions(monkeypatch):
    from emcourse import checkup as mod

    monkeypatch.setattr(mod, "REQUIREMENTS", (("numpy", "numpy", "999.0", "arrays"),))
    rep = mod.doctor(verbose=False)
    assert any("older than 999.0" in p for p in rep.problems)


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_emcourse_loads_only_the_engine_and_the_floors_load_on_first_use():
    out = _run("import sys, emcourse as em\n"
               "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules)\n"
               "em.explorers.EMExplorer\n"
               "print('matplotlib' in sys.modules, 'ipywidgets' in sys.modules, sorted(em.__all__)[:2])")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[:2] == ["False False", "True True ['DegeneracyWarning', 'DegenerateMixtureError']"]


def test_doctor_runs_and_explains_when_widgets_and_matplotlib_are_missing():
    # why the floors load lazily and doctor imports matplotlib inside a function: a broken install must still
    # get a readable report from the first cell of the course, not an ImportError
    out = _run("import sys\nsys.modules['ipywidgets'] = None\nsys.modules['matplotlib'] = None\n"
               "import emcourse as em\nrep = em.doctor(verbose=False)\nprint(rep.ok)\nprint(*rep.problems, sep='\\n')")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "False"
    assert any(p.startswith("matplotlib is installed but cannot be imported") and "make lab" in p for p in lines[1:])
    assert any(p.startswith("ipywidgets is installed but cannot be imported") for p in lines[1:])
    out = _run("import sys\nsys.modules['ipywidgets'] = None\nimport emcourse as em\nem.explorers")
    assert out.returncode != 0 and "ipywidgets" in out.stderr
