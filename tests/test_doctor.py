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

    monkeypatch.setattr(mod, "REQUIREMENTS", mod.REQUIREMENTS + (("no-such-package-xyz", "1.0", "testing"),))
    rep = mod.doctor(verbose=False)
    assert not rep.ok
    assert any("no-such-package-xyz" in p and "make lab" in p for p in rep.problems)


def test_doctor_flags_old_versions(monkeypatch):
    from emcourse import checkup as mod

    monkeypatch.setattr(mod, "REQUIREMENTS", (("numpy", "999.0", "arrays"),))
    rep = mod.doctor(verbose=False)
    assert any("older than 999.0" in p for p in rep.problems)
