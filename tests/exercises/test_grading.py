"""grading: the kernel's function first, the notebook file for what the kernel lacks; guarded calls; comparisons."""
import nbformat
import numpy as np
import pytest

from emcourse.exercises import grading
from emcourse.exercises.grading import (DelegationError, StudentCodeError, assert_close, call_student, graded,
                                        student_function, student_namespace)


def notebook(tmp_path, *cells, name="hw.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    path = tmp_path / name
    nbformat.write(nb, path)
    return path


def kernel(*cells):
    """What a kernel that ran these cells top to bottom holds (a cell that raises stops there, like Jupyter)."""
    ns = {"__name__": "__main__"}
    for i, src in enumerate(cells):
        try:
            exec(compile(src, f"/tmp/ipykernel_1/{i}.py", "exec"), ns)
        except Exception:
            pass
    return ns


CELLS = [
    "import numpy as np\nSCALE = 2.0",
    "square = lambda v: v * v\ndef helper(x, k=SCALE):\n    return k * square(x)",
    "def f(x):\n    return helper(np.asarray(x)) + OFFSET",
    "f([1.0])",                                             # a bare expression: never re-run from the file
    "OFFSET = 1.0",
]


def test_the_kernels_function_is_used_with_everything_the_notebook_defined(tmp_path):
    ns = kernel(*CELLS)
    func = student_function("f", notebook(tmp_path, *CELLS), namespace=ns)
    assert func is ns["f"] and np.allclose(func(np.array([3.0])), 19.0)


def test_a_name_the_kernel_lacks_is_read_from_the_file_without_touching_the_kernel(tmp_path):
    cells = CELLS[:3] + ["raise RuntimeError('the test cell runs here')"] + CELLS[4:]
    ns = kernel(*cells[:3])                                 # the test runs before OFFSET's cell
    func = student_function("f", notebook(tmp_path, *cells), namespace=ns)
    assert func is not ns["f"] and np.allclose(func(np.array([3.0])), 19.0)
    assert "OFFSET" not in ns


def test_a_function_whose_cell_raised_or_sits_below_the_test_comes_from_the_file(tmp_path):
    cells = ["import numpy as np", "1 / 0\ndef g(x):\n    return np.sqrt(x) * C", "C = 3.0"]
    ns = kernel(*cells)
    assert "g" not in ns
    assert student_function("g", notebook(tmp_path, *cells), namespace=ns)(4.0) == 6.0


def test_a_default_argument_naming_a_global_defined_further_down_still_works(tmp_path):
    cells = ["def h(x, k=K):\n    return k * x", "K = 5"]
    ns = kernel("import math")                              # neither cell ran
    assert student_function("h", notebook(tmp_path, *cells), namespace=ns)(2) == 10


def test_duplicates_magics_and_broken_cells(tmp_path):
    cells = ["%matplotlib inline\ndef d(x):\n    return x + 1", "def d(x):\n    return x + 2", "def (:", "!ls"]
    assert student_function("d", notebook(tmp_path, *cells), namespace={"__name__": "__main__"})(0) == 2
    with pytest.raises(StudentCodeError, match="no function named 'missing'"):
        student_function("missing", notebook(tmp_path, *cells), namespace={"__name__": "__main__"})
    with pytest.raises(StudentCodeError):
        student_function("missing", namespace={})


def test_student_function_looks_in_the_callers_globals_by_default():
    globals()["_kernel_defined"] = lambda: 7
    try:
        assert student_function("_kernel_defined")() == 7
    finally:
        del globals()["_kernel_defined"]


def test_guarded_calls_give_the_value_the_students_error_or_a_delegation_error():
    ns = kernel("import numpy as np\nimport emcourse as em",
                "def own(x):\n    return (np.asarray(x) ** 2, 3)",
                "def lazy(x):\n    return em.Mixture([1.0], [[0.0]], [1.0]).pdf(np.asarray(x)[:, None])",
                "def broken(x):\n    raise ValueError('mine')")
    value = call_student(ns["own"], [1.0, 2.0])
    assert isinstance(value, tuple) and np.allclose(value[0], [1.0, 4.0])
    with pytest.raises(DelegationError, match=r"0 points for lazy: lazy must do the work itself, but it called "
                                              r"emcourse\.mixture\.Mixture"):
        call_student(ns["lazy"], [0.0])
    assert issubclass(DelegationError, AssertionError)     # nbgrader shows it and gives 0 for the cell
    with pytest.raises(ValueError, match="mine"):
        call_student(ns["broken"], 1)


def test_graded_wraps_the_callers_function(tmp_path):
    ns = kernel("def twice(x):\n    return 2 * x", "run = None")
    exec("from emcourse.exercises.grading import graded\nrun = graded('twice')", ns)
    assert ns["run"](21) == 42 and ns["run"].__name__ == "twice"
    assert graded is grading.graded


def test_assert_close_names_the_case():
    assert_close([1.0, 2.0], np.array([1.0, 2.0]), "ok")
    with pytest.raises(AssertionError, match=r"case 3: expected shape \(2,\), got shape \(\)"):
        assert_close(3.0, [1.0, 2.0], "case 3")
    with pytest.raises(AssertionError, match=r"case 4: at index \(1,\) expected 2\.0, got 2\.5"):
        assert_close([1.0, 2.5], [1.0, 2.0], "case 4")
    with pytest.raises(AssertionError, match="case 5: expected numbers"):
        assert_close(["a", "b"], [1.0, 2.0], "case 5")
    with pytest.raises(AssertionError):
        assert_close([np.nan], [1.0], "nan")


def test_student_namespace_runs_definitions_not_expressions(tmp_path):
    path = notebook(tmp_path, "import numpy as np\nA = np.ones(2)", "print('side effect')\nB = A.sum()", "def k():\n    return B")
    ns = student_namespace(path)
    assert ns["k"]() == 2.0 and "print" not in ns


def test_a_graded_call_writes_nothing_to_stderr(capsys):
    """nbgrader scores a test cell that wrote to stderr 0: a correct function's warnings and log lines cost nothing."""
    import logging
    import warnings

    import numpy as np

    def noisy(x):
        warnings.warn("a student's own warning")
        np.log(np.zeros(1))                               # numpy's RuntimeWarning
        logging.getLogger("homework-test").warning("a log line")
        return x + 1
    assert grading.call_student(noisy, 1) == 2
    assert capsys.readouterr().err == ""
