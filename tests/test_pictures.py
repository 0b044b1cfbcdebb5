"""Pictures of failures (grader.pictures): real mutants graded, real PNGs decoded, `--plot` run as a learner would."""

import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from matplotlib import image  # the `test` extra installs the `plot` extra

from classroom import mutated
from conftest import ROOT, reference
from grader import runner
from grader.cli import main
from grader.feedback import catalog
from grader.outcomes import Wrong
from grader.pictures import DPI, SIZES, ellipse, figures, files, fonts, note, spectrum, steps
from grader.submission import Submission

SEED = 4242
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def graded(tmp_path_factory, curriculum, pool):
    """Grade one mutant of a topic once per module: (report, the first figure's failed test)."""
    cache = {}

    def grade(topic, name):
        if (topic, name) not in cache:
            folder = mutated(tmp_path_factory.mktemp("learners"), name, name, topic)
            sub = Submission.from_dir(folder, curriculum)
            cache[topic, name] = runner.grade(sub, curriculum.select([topic]), curriculum, SEED, pool=pool)
        return cache[topic, name]

    return grade


def failed(report, function):
    return [t for t in report.topics[0].tests if t.function == function and t.status == "failed"]


def decoded(png: bytes, kind: str) -> np.ndarray:
    assert png.startswith(PNG)
    pixels = image.imread(io.BytesIO(png), format="png")
    width, height = SIZES[kind]
    assert pixels.shape[:2] == (round(height * DPI), round(width * DPI))
    assert pixels.std() > 0.05  # something is drawn, not a blank canvas
    return pixels


CASES = [  # topic, mutant, function with the picture, its kind
    ("svd_basics", "ellipse_right_vectors", "ellipse_axes", "ellipse"),
    ("low_rank", "energy_strictly_greater", "rank_for_energy", "spectrum"),
    ("pca", "ratio_from_sigma", "explained_variance_ratio", "spectrum"),
    ("derivatives", "forward_differences", "numerical_gradient", "steps"),
]


@pytest.mark.parametrize("topic, name, function, kind", CASES, ids=[c[1] for c in CASES])
def test_a_mutant_gets_a_valid_png_of_its_first_failure(graded, topic, name, function, kind):
    report = graded(topic, name)
    shown = [f for f in figures(report, "en") if f.test_id.startswith(function + "[")]
    assert len(shown) == 1, "one picture per function: its first failing case"
    assert shown[0].test_id == failed(report, function)[0].id
    assert shown[0].topic == topic and shown[0].lang == "en" and shown[0].test_id in shown[0].title
    decoded(shown[0].png, kind)
    assert len(figures(report, "en", per_function=None)) >= len(failed(report, function)) > 1


def test_the_ellipse_drawn_is_the_learners(graded):
    test = failed(graded("svd_basics", "ellipse_right_vectors"), "ellipse_axes")[0]
    p = test.feedback.params
    d = ellipse.data(test)
    np.testing.assert_allclose(d.axes, p["directions"] * p["lengths"])
    np.testing.assert_allclose(d.right_axes, p["right_directions"] * p["right_lengths"])
    A = np.asarray(test.call.args["A"], dtype=float)
    np.testing.assert_allclose(d.right_curve[:, 0], A[:, 0])  # t = 0: A·e₁
    np.testing.assert_allclose(d.curve[:, 0], d.axes[:, 0])
    # the mutant's directions are V's columns: the same lengths, other axes than U's
    np.testing.assert_allclose(np.linalg.norm(d.axes, axis=0), np.linalg.norm(d.right_axes, axis=0))
    assert not np.allclose(np.abs(d.axes), np.abs(d.right_axes), atol=1e-3)


def test_the_spectrum_marks_the_learners_k(graded):
    test = failed(graded("low_rank", "energy_strictly_greater"), "rank_for_energy")[0]
    p = test.feedback.params
    d = spectrum.data(test)
    assert (d.k, d.right_k, d.threshold) == (p["k"], p["answer"], p["threshold"])
    assert d.k == d.right_k + 1  # ">" where SPEC says "≥": one more than needed at an exact threshold
    np.testing.assert_array_equal(d.values, np.asarray(test.call.args["s"], dtype=float))
    np.testing.assert_array_equal(d.energy, p["energy"])


def test_pca_shares_drawn_are_the_learners_and_the_right_ones(graded):
    test = failed(graded("pca", "ratio_from_sigma"), "explained_variance_ratio")[0]
    d = spectrum.data(test)
    np.testing.assert_array_equal(d.yours, test.feedback.params["got"])
    np.testing.assert_array_equal(d.values, test.feedback.params["expected"])
    np.testing.assert_allclose(d.your_energy[-1], 1.0)
    assert np.all(d.your_energy[:-1] < d.energy[:-1])  # σ instead of σ²: the energy comes too slowly


def test_pca_variances_show_the_whole_spectrum_and_the_given_k(graded):
    test = failed(graded("pca", "variance_over_n"), "pca")[0]
    p = test.feedback.params
    d = spectrum.data(test)
    assert d.k == p["k"] == len(d.yours) < len(d.values) and not d.k_is_answer
    np.testing.assert_allclose(d.values[: d.k] * (p["n"] - 1) / p["n"], d.yours)  # σ²/n for σ²/(n − 1)
    decoded(figures(graded("pca", "variance_over_n"), "en")[0].png, "spectrum")


def slope(h, error) -> float:
    return float(np.polyfit(np.log10(h), np.log10(error), 1)[0])


def test_the_gradient_check_error_is_the_learners_against_the_step_size(graded):
    test = failed(graded("derivatives", "forward_differences"), "numerical_gradient")[0]
    p = test.feedback.params
    d = steps.data(test)
    np.testing.assert_array_equal(d.errors, p["step_errors"])
    np.testing.assert_array_equal(d.right_errors, p["right_step_errors"])
    assert d.eps == p["eps"] == 1e-6
    assert test.call.args.get("eps") is None, "the call the failure reports is the test's own, not the sweep's"
    coarse = d.steps >= 1e-3  # truncation error dominates: forward differences fall like h, central like h²
    assert slope(d.steps[coarse], d.errors[coarse]) == pytest.approx(1.0, abs=0.15)
    assert slope(d.steps[coarse], d.right_errors[coarse]) == pytest.approx(2.0, abs=0.15)


def test_right_answers_and_unpictured_failures_get_no_figure(graded, curriculum, pool, make_submission):
    folder = make_submission()
    sub = Submission.from_dir(folder, curriculum)
    report = runner.grade(sub, curriculum.select(["derivatives"]), curriculum, SEED, pool=pool)
    assert report.topics[0].status == "passed" and figures(report) == []
    hessian = failed(graded("derivatives", "hessian_forward_differences_of_gradient"), "numerical_hessian")
    assert hessian and "steps" not in hessian[0].feedback.params
    assert figures(graded("derivatives", "hessian_forward_differences_of_gradient")) == []


def test_labels_fall_back_to_english_without_a_japanese_font_and_say_so(graded, monkeypatch):
    report = graded("svd_basics", "ellipse_right_vectors")
    monkeypatch.setenv(fonts.ENV, "")  # no font at all, as on a machine without one
    (fig,) = figures(report, "ja")
    assert fig.lang == "en" and "image of the unit circle" in fig.title
    assert note("ja") == catalog.template("pictures.no_font", "ja") and note("en") is None
    bundled = fonts._bundled()
    assert bundled is not None and bundled.is_file(), "the plot extra's matplotlib-fontja brings IPAex Gothic"
    monkeypatch.setenv(fonts.ENV, str(bundled))
    (fig,) = figures(report, "ja")
    assert fig.lang == "ja" and "単位円" in fig.title and note("ja") is None
    decoded(fig.png, "ellipse")


def test_every_picture_string_exists_in_english_and_japanese_with_the_same_fields():
    def table(lang):
        with open(catalog.CATALOG_DIR / lang / "pictures.toml", "rb") as f:
            return catalog._flatten(tomllib.load(f))

    en, ja = table("en"), table("ja")
    assert en.keys() == ja.keys()
    for key in en:
        assert sorted(_fields(en[key])) == sorted(_fields(ja[key])), key


def _fields(template: str) -> list[str]:
    import string

    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def test_adding_params_to_a_failure_refuses_to_overwrite_one():
    wrong = Wrong("check.close", name="U", got=1.0)
    assert wrong.adding(extra=2).feedback.params == {"name": "U", "got": 1.0, "extra": 2}
    with pytest.raises(TypeError, match="already has the params \\['name'\\]"):
        wrong.adding(name="V")


def test_plot_writes_pngs_beside_the_submission_and_replaces_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    learner = mutated(tmp_path, "work", "forward_differences", "derivatives")
    before = sorted(p.name for p in learner.iterdir())
    result = CliRunner().invoke(main, ["check", "derivatives", "-s", str(learner), "--seed", str(SEED), "--plot"])
    assert result.exit_code == 1, result.output  # the topic has not passed
    png = tmp_path / ".grader" / "plots" / "work" / "derivatives-numerical_gradient-vector.png"
    assert f"picture of derivatives · numerical_gradient[vector]: {os.path.relpath(png)}" in result.output
    decoded(png.read_bytes(), "steps")
    assert sorted(p.name for p in learner.iterdir()) == before, "nothing is written into the learner's folder"
    assert files.folder(learner) == png.parent

    (learner / "derivatives.py").write_text(reference("derivatives"))
    result = CliRunner().invoke(main, ["grade", "-s", str(learner), "-t", "derivatives", "--seed", str(SEED), "--plot"])
    assert result.exit_code == 0 and "picture of" not in result.output
    assert not png.exists(), "a fixed failure's picture is removed"


def test_plot_without_matplotlib_stops_before_grading_and_says_what_to_install(tmp_path):
    """A real interpreter whose path holds everything installed here except matplotlib."""
    site = Path(np.__file__).resolve().parents[1]
    path = tmp_path / "site"
    path.mkdir()
    for entry in site.iterdir():
        if not entry.name.startswith(("matplotlib", "mpl_toolkits", "pylab")):
            (path / entry.name).symlink_to(entry)
    learner = mutated(tmp_path, "work", "forward_differences", "derivatives")
    run = [
        sys.executable,
        "-S",
        "-c",
        "from grader.cli import main; main()",
        "check",
        "derivatives",
        "-s",
        str(learner),
    ]
    env = {**os.environ, "PYTHONPATH": f"{path}{os.pathsep}{ROOT}", "GRADER_LANG": "en"}
    no_plot = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert no_plot.returncode == 1 and "numerical_gradient" in no_plot.stdout, no_plot.stderr  # grading needs no plot
    plot = subprocess.run([*run, "--plot"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert plot.returncode == 2 and plot.stdout == ""
    assert plot.stderr.strip() == catalog.template("pictures.no_matplotlib", "en")
    assert not (tmp_path / ".grader" / "plots").exists()
