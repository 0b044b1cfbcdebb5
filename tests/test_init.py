"""`grader init DIR [--lang]` and the translated stubs: a workspace in each language grades 0 as
not_implemented, init never writes over anything, and verify holds the Japanese stubs to the English API."""

import ast
import json
import re
import shutil
import string

import pytest
from click.testing import CliRunner

from conftest import EXERCISES
from grader import curriculum as curriculum_file
from grader import settings, signatures, stubs
from grader.cli import main
from grader.feedback import catalog
from grader.feedback.render import language

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # hiragana, katakana, kanji
JA = stubs.folder("ja")


def cli(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


def tree_state(folder):
    """Every file under ``folder`` with its bytes and modification time."""
    return {p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("lang", "readme_words"), [("en", "your workspace"), ("ja", "作業フォルダ")])
def test_init_makes_a_workspace_whose_stubs_grade_zero_as_not_implemented(tmp_path, curriculum, lang, readme_words):
    workspace = tmp_path / "la2"
    made = cli("init", workspace, "--lang", lang)
    assert made.exit_code == 0, made.output
    assert str(workspace) in made.output and "grader check" in made.output
    assert bool(JAPANESE.search(made.output)) == (lang == "ja")  # the messages speak the workspace's language
    exercises = workspace / "exercises"
    assert sorted(p.name for p in exercises.iterdir()) == sorted(t.module_file for t in curriculum.topics)
    source = EXERCISES if lang == "en" else JA
    for topic in curriculum.topics:
        assert (exercises / topic.module_file).read_bytes() == (source / topic.module_file).read_bytes()
    readme = (workspace / "README.md").read_text(encoding="utf-8")
    assert readme_words in readme and "grader check" in readme and "grader hint" in readme
    assert json.loads((workspace / ".grader" / "config.json").read_text()) == {"language": lang}
    assert settings.saved_language(workspace) == lang

    report_path = tmp_path / "report.json"
    graded = cli("grade", "-s", exercises, "--seed", 3, "--json", report_path)
    assert graded.exit_code == 0, graded.output
    report = json.loads(report_path.read_text())
    assert [t["id"] for t in report["topics"]] == curriculum.ids
    assert report["score"] == 0 and report["max_score"] == curriculum.points
    statuses = {x["status"] for t in report["topics"] for x in t["tests"]}
    assert statuses == {"not_implemented"} and all(t["tests"] for t in report["topics"])


def test_a_workspace_remembers_its_language_for_later_commands(tmp_path, monkeypatch):
    assert cli("init", tmp_path / "ws", "--lang", "ja").exit_code == 0
    monkeypatch.delenv("GRADER_LANG", raising=False)
    monkeypatch.chdir(tmp_path)
    assert language() == "en"  # outside the workspace nothing is saved
    monkeypatch.chdir(tmp_path / "ws")
    assert language() == "ja" and language("en") == "en"  # an explicit choice still wins
    monkeypatch.setenv("GRADER_LANG", "en")
    assert language() == "en"


def test_init_without_lang_follows_grader_lang(tmp_path, monkeypatch):
    monkeypatch.setenv("GRADER_LANG", "ja")
    assert cli("init", tmp_path / "ws").exit_code == 0
    assert settings.saved_language(tmp_path / "ws") == "ja"
    assert (tmp_path / "ws" / "exercises" / "pca.py").read_bytes() == (JA / "pca.py").read_bytes()


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_init_refuses_a_non_empty_folder_and_touches_nothing(tmp_path, lang):
    workspace = tmp_path / "la2"
    assert cli("init", workspace, "--lang", lang).exit_code == 0
    solved = workspace / "exercises" / "svd_basics.py"
    solved.write_text("def svd_2x2(A):\n    return 'my work'\n")
    before = tree_state(workspace)
    again = cli("init", workspace, "--lang", lang)
    assert again.exit_code == 2
    expected = "exists and is not empty" if lang == "en" else "空ではありません"
    assert expected in again.output and str(workspace) in again.output
    assert tree_state(workspace) == before

    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    refused = cli("init", a_file)
    assert refused.exit_code == 2 and "is a file, not a folder" in refused.output and a_file.read_text() == "mine"


def test_init_fills_an_empty_folder_and_refuses_an_unknown_language(tmp_path):
    (tmp_path / "empty").mkdir()
    assert cli("init", tmp_path / "empty").exit_code == 0 and (tmp_path / "empty" / "exercises").is_dir()
    unknown = cli("init", tmp_path / "fr", "--lang", "fr")
    assert unknown.exit_code == 2 and "unknown language 'fr'; the languages are: en, ja" in unknown.output
    assert not (tmp_path / "fr").exists()


def _docstrings(path):
    """(name, docstring) of the module, every class, function and method."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    yield path.name, ast.get_docstring(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            yield f"{path.name}:{node.name}", ast.get_docstring(node)


def test_japanese_stubs_have_the_english_api_and_every_docstring_in_japanese(curriculum):
    assert stubs.languages() == ["en", "ja"]
    for topic in curriculum.topics:
        ja, en = JA / topic.module_file, EXERCISES / topic.module_file
        assert signatures.public_api(ja) == signatures.public_api(en), topic.id
        assert signatures.stub_problems(ja, topic, "ja") == []
        english_only = [name for name, doc in _docstrings(ja) if not doc or not JAPANESE.search(doc)]
        assert english_only == [], english_only
        assert "Forbidden:" not in ja.read_text(encoding="utf-8")
        assert signatures.stub_problems(ja, topic, "en") != []  # the check is the language's, not a loose match


def test_the_forbidden_line_reads_the_curriculum_in_each_language(curriculum):
    svd = curriculum.topic("svd_basics").functions
    assert signatures.forbidden_line(svd["svd_2x2"], "ja") == "禁止: numpy.linalg のすべて"
    assert signatures.forbidden_line(svd["ellipse_axes"], "ja") == "禁止: なし。"
    assert (
        signatures.forbidden_line(svd["svd_via_eig"], "ja")
        == "禁止: numpy.linalg のすべて（ただし numpy.linalg.eigh, numpy.linalg.eigvalsh は使ってよい）"
    )
    for topic in curriculum.topics:  # English is exactly what the forbidden feedback quotes
        for spec in topic.functions.values():
            assert signatures.forbidden_line(spec, "en") == f"Forbidden: {spec.forbidden_rule or 'nothing.'}"


@pytest.fixture
def drifted(tmp_path):
    """A copy of the Japanese stubs whose svd_2x2 takes M instead of A, and whose ellipse_axes lost its rule."""
    translations = tmp_path / "translations"
    shutil.copytree(JA, translations / "ja")
    stub = translations / "ja" / "svd_basics.py"
    text = stub.read_text(encoding="utf-8").replace("def svd_2x2(A):", "def svd_2x2(M):")
    stub.write_text(text.replace("    禁止: なし。\n", "", 1), encoding="utf-8")
    return translations


def test_verify_fails_on_a_drifted_japanese_stub(drifted):
    result = cli("verify", "-t", "svd_basics", "--no-probes", "--translations", drifted)
    assert result.exit_code == 1
    stub = drifted / "ja" / "svd_basics.py"
    assert f"the ja stub {stub} has drifted from exercises/svd_basics.py: svd_2x2(M) should be svd_2x2(A)" in (
        result.output
    )
    assert f"{stub}: ellipse_axes's docstring should say '禁止: なし。'" in result.output
    assert "solutions, seed" not in result.output  # static problems stop verify before any grading


def test_verify_wants_every_topic_in_each_translation(tmp_path, curriculum):
    (tmp_path / "ja").mkdir()
    shutil.copy(JA / "pca.py", tmp_path / "ja")
    result = cli("verify", "--no-probes", "--translations", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'ja' / 'svd_basics.py'} is missing: the ja stubs need every topic's module" in result.output
    assert "pca.py is missing" not in result.output


def test_the_curriculum_keeps_the_forbidden_patterns_as_written():
    spec = curriculum_file.load().topic("svd_basics").functions["svd_via_eig"]
    assert spec.forbidden_given == ("numpy.linalg.*",)
    assert spec.allowed == ("numpy.linalg.eigh", "numpy.linalg.eigvalsh")


def test_a_write_that_fails_midway_leaves_nothing_behind(tmp_path, curriculum):
    """A real kernel refusal halfway through: the stub paths of the longer module names exceed PATH_MAX."""
    names = [t.module_file for t in curriculum.topics]
    short, long = min(names, key=len), max(names, key=len)
    assert names.index(short) < names.index(long)  # so the short one is written before the long one fails
    padding = 4096 - len(f"/exercises/{long}") - len(str(tmp_path / "new")) - 1  # the long path: 4096 bytes
    deep = (padding - 1) // 201
    target = tmp_path / "new" / (("d" * 200 + "/") * deep + "e" * (padding - 201 * deep))
    assert len(str(target / "exercises" / short)) < 4096 <= len(str(target / "exercises" / long))
    refused = cli("init", target)
    assert refused.exit_code == 2 and "Could not write the workspace" in refused.output
    assert "(File name too long)" in refused.output  # the kernel refused a stub, after the folders were made
    assert list(tmp_path.iterdir()) == []  # even the folders init made on the way are gone


def test_the_workspace_and_stub_messages_exist_in_english_and_japanese_with_the_same_fields():
    def fields(lang):
        return {
            code: sorted({f for _, f, _, _ in string.Formatter().parse(text) if f})
            for code, text in catalog.messages(lang).items()
            if code.startswith(("workspace.", "stubs."))
        }

    assert "workspace.not_empty" in fields("en") and fields("ja") == fields("en")
