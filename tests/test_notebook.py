"""grader.notebook.check: real notebooks executed in a real IPython kernel (nbclient + ipykernel),
and the same result object used as text outside notebooks."""

import json
import shutil
import string
import sys

import pytest

from conftest import EXERCISES, SOLUTIONS, reference

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

from grader.notebook import check  # noqa: E402
from grader.notebook.capture import capture  # noqa: E402
from grader.submission import SubmissionError  # noqa: E402


def _body(module: str) -> str:
    """A reference solution without its docstring: what a learner would paste into cells."""
    return reference(module).split('"""', 2)[2]


@pytest.fixture
def kernel(tmp_path, monkeypatch):
    """Runs a notebook of cells in a fresh kernel of this interpreter; everything the kernel and
    Jupyter write (kernel spec, connection file, IPython profile, cell files) stays under tmp_path."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "grader tests", "language": "python"}))
    for var, folder in [
        ("JUPYTER_PATH", "jupyter"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTER_DATA_DIR", "data"),
        ("IPYTHONDIR", "ipython"),
        ("TMPDIR", "tmp"),
    ]:
        (tmp_path / folder).mkdir(exist_ok=True)
        monkeypatch.setenv(var, str(tmp_path / folder))
    work = tmp_path / "work"
    work.mkdir()

    def run(*cells: str):
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nbclient.NotebookClient(
            nb, kernel_name="python3", timeout=240, resources={"metadata": {"path": str(work)}}
        ).execute()
        last = nb.cells[-1].outputs
        assert [o["output_type"] for o in last] == ["execute_result"], last
        return last[0]["data"]

    run.work = work
    return run


def _function(html: str, name: str) -> str:
    """The HTML of one function's row and its first failure (up to the next function or the topic's end)."""
    start = html.index(f'data-function="{name}"')
    end = min([i for i in (html.find("data-function=", start + 1), html.find("</section>", start)) if i > 0])
    return html[start:end]


LOGGED = """
def logged(f):
    @functools.wraps(f)
    def inner(*args, **kwargs):
        return f(*args, **kwargs)

    return inner
"""


def test_functions_written_in_cells_pass_with_full_points(kernel):
    sol = _body("svd_basics")
    helper, rest = sol.split("def svd_2x2", 1)
    data = kernel(
        "import functools\nimport numpy as np",
        helper.replace("import numpy as np", ""),  # _rotation: a helper the curriculum does not name
        LOGGED,  # a decorator of the notebook's own, through functools.wraps
        "def svd_2x2"
        + rest.replace("def svd_via_eig", "@logged\ndef svd_via_eig").replace("def ellipse_axes", "def axes"),
        "ellipse_axes = axes  # the curriculum's name for a function written under another",
        "from grader.notebook import check\ncheck('svd_basics', namespace=globals(), seed=7)",
    )
    html = data["text/html"]
    assert 'data-topic="svd_basics" data-status="passed" data-score="10" data-max-score="10"' in html
    assert html.count('class="function state-passed"') == 3
    assert "svd_basics passed. Well done!" in html
    assert "check(&#39;svd_basics&#39;, namespace=globals(), seed=7)" in html  # escaped, and repeatable
    assert "10/10   passed" in data["text/plain"]
    progress = json.loads((kernel.work / ".grader" / "progress.json").read_text())
    assert progress["exercises"]["topics"]["svd_basics"]["status"] == "passed"


WRONG = """
import numpy as np

def svd_2x2(A):
    print("<script>alert('A')</script>")
    U, s, Vt = np.linalg.svd(np.asarray(A, dtype=float))   # forbidden here
    return U, s, Vt

svd_via_eig = lambda A: None

PLANE = np.eye(2)

def ellipse_axes(A):
    return _axes(A)

def _axes(A):
    lengths = np.sqrt(np.abs(np.asarray(A, dtype=float).diagonal()))
    return lengths, PLANE @ undefined_name
"""


def test_a_wrong_notebook_shows_each_failure_where_the_learner_wrote_it(kernel):
    data = kernel(WRONG.strip(), "from grader.notebook import check\ncheck('svd_basics', namespace=globals(), seed=7)")
    html, plain = data["text/html"], data["text/plain"]
    assert 'data-status="failed" data-score="0"' in html
    svd = _function(html, "svd_2x2")
    assert 'data-status="forbidden"' in svd and "numpy.linalg.svd" in svd
    assert "&lt;script&gt;alert(&#39;A&#39;)&lt;/script&gt;" in svd and "<script>" not in html  # its output, escaped
    assert "not started" in _function(html, "svd_via_eig")  # the lambda is graded as not written yet
    assert "svd_via_eig is a lambda: write it with def in a cell" in html
    axes = _function(html, "ellipse_axes")
    assert "NameError" in axes and "PLANE" in axes  # an array is not carried: the learner sees why
    assert "_axes uses PLANE (of type ndarray), which cannot be carried" in html
    # the traceback names the cell and the line in it, not the temporary module the worker ran
    assert "notebook cell defining _axes:17 in _axes" in axes, axes
    assert "notebook cell defining ellipse_axes:13 in ellipse_axes" in axes
    assert "Next: fix svd_2x2 in this notebook." in html
    assert "Next: fix svd_2x2 in this notebook." in plain and "svd_via_eig is a lambda" in plain


def test_a_class_and_its_helpers_are_carried_from_the_cells(kernel):
    sol = _body("reverse_mode")
    cls, helpers = sol.split("\ndef _lift", 1)
    data = kernel(
        cls,
        "def _lift" + helpers,
        "from grader.notebook import check\ncheck('reverse_mode', namespace=globals(), seed=3)",
    )
    assert 'data-topic="reverse_mode" data-status="passed"' in data["text/html"], data["text/plain"]


def test_a_stub_folder_shows_not_implemented_in_the_notebook(kernel):
    shutil.copytree(EXERCISES, kernel.work / "mine")
    data = kernel("from grader.notebook import check\ncheck('svd_basics', submission='mine', seed=7)")
    html = data["text/html"]
    assert 'data-status="not_started" data-score="0"' in html
    assert html.count('class="function state-not_implemented"') == 3
    assert "Next: write svd_2x2 in mine/svd_basics.py." in html
    assert "grader hint svd_basics" in html


def test_outside_a_notebook_the_result_is_the_check_report_as_text(tmp_path):
    folder = tmp_path / "work" / "exercises"
    shutil.copytree(EXERCISES, folder)
    result = check("svd_basics", submission=folder, seed=11)
    assert not result.passed
    shown = str(result)
    assert shown == repr(result)
    assert "svd_basics" in shown and "0/10" in shown and "not started" in shown
    assert f"Next: write svd_2x2 in {folder / 'svd_basics.py'}." in shown
    assert "\x1b[" not in shown  # no terminal colours in a plain text result
    assert f"check('svd_basics', submission={str(folder)!r}, seed=11)" in shown


def test_no_topic_moves_on_while_topics_pass(tmp_path):
    folder = tmp_path / "work" / "mine"
    folder.mkdir(parents=True)
    for name in ("svd_basics.py", "low_rank.py"):
        shutil.copy((SOLUTIONS if name == "svd_basics.py" else EXERCISES) / name, folder / name)
    result = check(submission=folder, seed=5)
    assert [t.id for t in result.passed_before] == ["svd_basics"]
    assert [t.id for t in result.report.topics] == ["low_rank"] and result.report.topics[0].status == "not_started"
    assert 'data-topic="svd_basics" data-status="passed"' in result._repr_html_()
    assert "check('low_rank'" in str(result)


def test_bad_arguments_are_refused_with_what_would_be_right(tmp_path):
    with pytest.raises(ValueError, match=r"unknown topic 'svd'; the topics are: svd_basics, low_rank"):
        check("svd")
    with pytest.raises(SubmissionError, match="does not exist"):
        check("svd_basics", submission=tmp_path / "nowhere")
    with pytest.raises(TypeError, match=r"namespace=globals\(\)"):
        check("svd_basics", namespace=["svd_2x2"])


def test_definitions_without_source_are_named_in_both_languages(curriculum):
    namespace = {"__name__": "__main__"}
    exec(compile("import numpy as np\ndef svd_2x2(A):\n    return np.eye(2)\n", "<string>", "exec"), namespace)
    captured = capture(curriculum.topic("svd_basics"), namespace)
    assert captured.taken == [] and [n.code for n in captured.notes] == ["notebook.missing", "notebook.no_source"]
    assert "raise NotImplementedError" in captured.source
    from grader.feedback import render

    assert "svd_via_eig, ellipse_axes" in render(captured.notes[0], "en")
    assert "のソースが見つかりません" in render(captured.notes[1], "ja")


def test_every_notebook_string_is_in_english_and_japanese_with_the_same_parameters():
    from grader.feedback import catalog

    def fields(text):
        return sorted(f for _, f, _, _ in string.Formatter().parse(text) if f)

    en = {c: t for c, t in catalog.messages("en").items() if c.startswith("notebook.")}
    ja = {c: t for c, t in catalog.messages("ja").items() if c.startswith("notebook.")}
    assert len(en) >= 10 and en.keys() == ja.keys()
    assert {c: fields(t) for c, t in en.items()} == {c: fields(t) for c, t in ja.items()}
    assert all(en[c] != ja[c] for c in en)
