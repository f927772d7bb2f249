"""The house rules of design.md, checked on the code itself: floors, small modules, imports at the top."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "emcourse"
MODULES = sorted(PACKAGE.rglob("*.py"))

# what each floor may import from the package (design.md: engine -> methods -> plotting -> explorers; exercises
# beside the explorers, using the engine and methods only)
MAY_NOT_IMPORT = {"engine": {"methods", "plotting", "explorers", "exercises"},
                  "methods": {"plotting", "explorers", "exercises"},
                  "plotting": {"explorers", "exercises"},
                  "exercises": {"plotting", "explorers"},
                  "explorers": {"exercises"}}


def floor_of(rel: Path) -> str:
    if rel.parts[0] in ("methods", "explorers", "exercises"):
        return rel.parts[0]
    return "plotting" if rel.name == "plotting.py" else "engine"


def imported_floors(path: Path) -> set:
    """The floors a module imports from (relative and absolute imports of emcourse)."""
    rel = path.relative_to(PACKAGE)
    here = list(rel.parts[:-1])
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                parts = base + (node.module.split(".") if node.module else [])
                names = [parts + [a.name] for a in node.names] if not node.module else [parts]
            elif node.module and node.module.split(".")[0] == "emcourse":
                names = [node.module.split(".")[1:] + [a.name] for a in node.names]
            else:
                continue
            for parts in names:
                if parts and parts[0] in ("methods", "explorers", "exercises"):
                    out.add(parts[0])
                elif parts and parts[0] == "plotting":
                    out.add("plotting")
    return out


@pytest.mark.parametrize("path", [p for p in MODULES if p.name != "__init__.py" or p.parent != PACKAGE],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_floor_imports_from_a_floor_above_it(path):
    rel = path.relative_to(PACKAGE)
    floor = floor_of(rel)
    wrong = imported_floors(path) & MAY_NOT_IMPORT[floor]
    assert not wrong, f"{rel} ({floor}) imports from {sorted(wrong)}: design.md's floors forbid it"


def code_lines(path: Path) -> int:
    src = path.read_text()
    tree = ast.parse(src)
    docs = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(body, list) and body and isinstance(body[0], ast.Expr)
                and isinstance(getattr(body[0], "value", None), ast.Constant) and isinstance(body[0].value.value, str)):
            docs.update(range(body[0].lineno, body[0].end_lineno + 1))
    return sum(1 for i, line in enumerate(src.splitlines(), 1)
               if line.strip() and not line.strip().startswith("#") and i not in docs)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_small(path):
    assert code_lines(path) <= 400, f"{path.relative_to(PACKAGE)} has {code_lines(path)} lines of code: two jobs?"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_are_at_the_top_of_every_module(path):
    for fn in ast.walk(ast.parse(path.read_text())):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inner = [ast.unparse(x) for x in ast.walk(fn) if isinstance(x, (ast.Import, ast.ImportFrom))]
            assert not inner, f"{path.relative_to(PACKAGE)}: {fn.name}() imports {inner}; imports go at the top"


def test_the_floors_are_folders():
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")} == \
        {"methods", "explorers", "exercises"}
    assert (PACKAGE / "explorers" / "_base.py").exists() and (PACKAGE / "explorers" / "_png.py").exists()
    assert not (PACKAGE / "widgets.py").exists()


def test_the_house_test_sees_an_upward_import():
    """The floor check can fail: an engine module importing an explorer is caught."""
    fake = PACKAGE / "_house_probe.py"
    fake.write_text("from .explorers import EMExplorer\n")
    try:
        assert imported_floors(fake) == {"explorers"}
    finally:
        fake.unlink()


@pytest.mark.parametrize("path", [p for p in MODULES if not p.name.startswith("_")],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_public_helper_names_the_notebook_that_introduces_it(path):
    """d2l's habit (design.md): a reader of a docstring can find the lesson that teaches it."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            doc = (ast.get_docstring(node) or "").lower()
            assert "notebooks/" in doc or "homework" in doc, \
                f"{path.relative_to(PACKAGE)}: {node.name}'s docstring names no notebook"
