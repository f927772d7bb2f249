"""Reading the homework notebooks for the tests: solutions, hidden tests, and submissions built from them."""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
HOMEWORK = ROOT / "homework"
SOURCES = sorted((HOMEWORK / "source").glob("*/*.ipynb"))
ASSIGNMENTS = [p.parent.name for p in SOURCES]
GRADED = re.compile(r'graded\("(\w+)"')


def load(assignment: str):
    return nbformat.read(HOMEWORK / "source" / assignment / f"hw{assignment[2]}.ipynb", as_version=4)


def meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def graded_functions(nb) -> list:
    """The functions the hidden tests grade, in notebook order."""
    return [m for c in nb.cells if meta(c).get("grade") and c.cell_type == "code" for m in GRADED.findall(c.source)]


def all_graded_functions() -> dict:
    return {a: graded_functions(load(a)) for a in ASSIGNMENTS}


def solution_cell(nb, name: str):
    for cell in nb.cells:
        if meta(cell).get("solution") and cell.cell_type == "code" and f"def {name}(" in cell.source:
            return cell
    raise LookupError(name)


def hidden_cell(nb, name: str):
    for cell in nb.cells:
        if meta(cell).get("grade") and cell.cell_type == "code" and f'graded("{name}"' in cell.source:
            return cell
    raise LookupError(name)


def solved(source: str) -> str:
    """A solution cell as a student who solved it would hand it in (the markers gone)."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def with_change(source: str, old: str, new: str) -> str:
    """The solution cell with ``old`` replaced by ``new`` inside its (dedented) solution region."""
    lines = source.splitlines()
    begin = next(i for i, line in enumerate(lines) if line.strip() == "### BEGIN SOLUTION")
    end = next(i for i, line in enumerate(lines) if line.strip() == "### END SOLUTION")
    indent = lines[begin][: len(lines[begin]) - len(lines[begin].lstrip())]
    body = textwrap.dedent("\n".join(lines[begin + 1:end]))
    if old not in body:
        raise AssertionError(f"the solution no longer contains {old!r}")
    body = textwrap.indent(body.replace(old, new, 1), indent)
    return "\n".join(lines[:begin] + [body] + lines[end + 1:])


def imports_source(nb) -> str:
    return next(c.source for c in nb.cells if meta(c).get("grade_id", "").endswith("-imports"))


def namespace(nb, functions: dict, prelude: str = "", late: str = "") -> dict:
    """A kernel-like namespace: the imports cell, a prelude, the given function cells, a late cell."""
    ns = {"__name__": "__main__"}
    for i, src in enumerate([imports_source(nb), prelude, *functions.values(), late]):
        if src:
            exec(compile(src, f"/tmp/ipykernel_0/cell{i}.py", "exec"), ns)
    return ns


def run_hidden(nb, ns: dict, name: str) -> None:
    """Run the hidden test cell of ``name`` in ``ns`` (raises what the test raises)."""
    exec(compile(hidden_cell(nb, name).source, "/tmp/ipykernel_0/hidden.py", "exec"), ns)


def outputs_of(path: Path) -> list:
    """(cell metadata, list of error outputs, text printed) per code cell of an executed notebook."""
    nb = json.loads(path.read_text())
    out = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o["output_type"] == "error"]
        text = "".join(o.get("text", "") if isinstance(o.get("text", ""), str) else "".join(o["text"])
                       for o in cell.get("outputs", []) if o["output_type"] == "stream")
        out.append((cell["metadata"].get("nbgrader", {}), errors, text))
    return out
