"""Execute notebooks and keep only the outputs of cells marked ``# NBVAL_CHECK_OUTPUT``.

Those outputs become the reference nbval compares on every ``make test``; every other cell is
stored without outputs. Run after changing such a cell:

    .venv/bin/python tools/store_checked_outputs.py notebooks/00_start_here.ipynb [...]
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def store(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    executed = nbformat.read(path, as_version=4)
    NotebookClient(executed, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell, done in zip(nb.cells, executed.cells):
        if cell.cell_type != "code":
            continue
        if "NBVAL_CHECK_OUTPUT" in cell.source:
            cell.outputs = [o for o in done.outputs if o.output_type == "stream"]
            cell.execution_count = 1
        else:
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    nbformat.write(nb, path)
    print(f"stored checked outputs of {path}")


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        store(Path(arg))
