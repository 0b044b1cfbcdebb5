"""Every learner-facing string in English and Japanese: the catalogs agree key for key and field for field,
the language is chosen by --lang, GRADER_LANG or the locale, and Japanese tables align in a terminal."""

import os
import pickle
import shutil
import string
import subprocess
import sys
import tomllib

import click
import pytest
import wcwidth
from click.testing import CliRunner

from conftest import ROOT
from grader import curriculum as curriculum_file
from grader import fmt
from grader.cli import main
from grader.feedback import catalog, lang
from grader.feedback.catalog import _flatten
from grader.feedback.render import fill
from grader.submission import Submission, SubmissionError

CATALOG = catalog.CATALOG_DIR
OTHERS = [code for code in catalog.languages() if code != catalog.FALLBACK]
ONLY_TRANSLATED = {"curriculum.toml"}  # titles and hints: English in grader/curriculum.toml


def _codes(path) -> dict:
    with open(path, "rb") as f:
        return _flatten(tomllib.load(f))


def _pairs():
    """(language, file name) for every catalog file that both English and that language have."""
    return [(code, p.name) for code in OTHERS for p in sorted((CATALOG / code).glob("*.toml"))]


def _fields(template: str) -> set[tuple[str, str, str]]:
    """A template's fields as (name, conversion, spec); a plural's words are the language's own."""
    out = set()
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is not None:
            out.add((name, conversion or "", "plural" if (spec or "").startswith("plural:") else spec or ""))
    return out


def test_japanese_exists_and_is_a_language():
    assert "ja" in catalog.languages() and "ja" in OTHERS


@pytest.mark.parametrize("code, name", _pairs())
def test_a_file_of_a_language_has_the_same_codes_as_its_english_file(code, name):
    if name in ONLY_TRANSLATED:
        return
    english = CATALOG / catalog.FALLBACK / name
    assert english.is_file(), f"{code}/{name} has no English counterpart {english}"
    en, other = _codes(english), _codes(CATALOG / code / name)
    assert sorted(set(en) - set(other)) == [], f"{code}/{name} lacks these codes of en/{name}"
    assert sorted(set(other) - set(en)) == [], f"{code}/{name} has codes that en/{name} lacks"


@pytest.mark.parametrize("code", OTHERS)
def test_every_template_has_the_fields_of_its_english_template(code):
    en, other = catalog.messages(catalog.FALLBACK), catalog.messages(code)
    shared = [c for c in other if c in en and isinstance(en[c], str)]
    assert len(shared) > 200  # common, report, cli and three topics at least
    wrong = {c: (_fields(en[c]) ^ _fields(other[c])) for c in shared if _fields(en[c]) != _fields(other[c])}
    assert wrong == {}


def test_the_core_catalogs_are_translated_whole():
    """common, report, cli and the three topics of this translation: every English code has a Japanese one."""
    for name in ["common", "report", "cli", "svd_basics", "low_rank", "pseudoinverse"]:
        assert (CATALOG / "ja" / f"{name}.toml").is_file(), name
    en, ja = catalog.messages("en"), catalog.messages("ja")
    prefixes = ("block.", "check.", "fault.", "score.", "report.", "cli.", "svd_basics.", "low_rank.")
    topics = ("svd_basics", "low_rank", "pseudoinverse")
    core = [c for c in en if c.startswith(prefixes) or c.startswith(topics) or c.startswith(("mistake.", "verify."))]
    core = [c for c in core if not c.startswith("mistake.") or c.split(".")[1] in topics]
    assert [c for c in core if c not in ja] == []
    assert all(ja[c] != en[c] for c in core if c.startswith("report.status."))


def test_a_japanese_plural_is_a_counter_word_for_every_count():
    assert fill("{n}{n:plural:件}の警告", {"n": 1}) == "1件の警告"
    assert fill("{n}{n:plural:件}の警告", {"n": 3}) == "3件の警告"
    assert fill("{n} {n:plural:warning:warnings}", {"n": 3}) == "3 warnings"


def test_every_topic_has_a_japanese_title_and_as_many_hints(curriculum):
    for topic in curriculum.topics:
        title, hints = curriculum_file.title(topic, "ja"), curriculum_file.hints(topic, "ja")
        assert title != topic.title and fmt.width(title) > len(title), topic.id  # Japanese: wide characters
        assert len(hints) == len(topic.hints) and all(fmt.width(h) > len(h) for h in hints), topic.id
        assert curriculum_file.title(topic, "en") == topic.title and curriculum_file.hints(topic, "en") == topic.hints


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, "en"),
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LC_MESSAGES": "ja_JP", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, "en"),  # POSIX: LC_ALL decides
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # no French catalog
        ({"GRADER_LANG": "en", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"GRADER_LANG": "ja", "LC_ALL": "C"}, "ja"),
    ],
)
def test_language_is_grader_lang_then_the_locale_then_english(environ, expected):
    assert lang.language(None, environ) == expected
    assert lang.language("en", {**environ, "GRADER_LANG": "ja"}) == "en"  # an explicit choice wins


@pytest.mark.parametrize(
    "args, expected",
    [(["check", "--lang", "ja"], "ja"), (["--lang=ja", "list"], "ja"), (["hint", "x", "--", "--lang", "ja"], None)],
)
def test_lang_is_read_anywhere_on_the_command_line(args, expected):
    assert lang.requested(args) == expected


@pytest.fixture
def kit(tmp_path, monkeypatch):
    """A copy of the stubs, in a working folder of its own (progress is written beside it)."""
    shutil.copytree(ROOT / "exercises", tmp_path / "exercises")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _invoke(args, env):
    return CliRunner().invoke(main, args, env=env, catch_exceptions=False)


CHOOSERS = {
    "--lang first": (["--lang", "ja"], [], {}),
    "--lang after the command": ([], ["--lang", "ja"], {}),
    "GRADER_LANG": ([], [], {"GRADER_LANG": "ja"}),
    "LANG": ([], [], {"GRADER_LANG": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "ja_JP.UTF-8"}),
}
COMMANDS = {
    "list": (["list"], ["課題", "題目", "特異値分解の幾何"]),
    "hint": (["hint", "svd_basics"], ["どの行列も単位円を楕円に写す", "残り 3 個"]),
    "check": (["check", "svd_basics", "--seed", "3"], ["未着手", "を書くこと", "特異値分解の幾何"]),
    "help": (["--help"], ["使い方:", "自動採点演習", "オプション", "コマンド", "課題一覧"]),
}


@pytest.mark.parametrize("chooser", CHOOSERS)
@pytest.mark.parametrize("command", COMMANDS)
def test_japanese_is_chosen_by_lang_grader_lang_or_the_locale(kit, chooser, command):
    before, after, env = CHOOSERS[chooser]
    args, fragments = COMMANDS[command]
    if args == ["--help"] and after:
        args, after = ["check"], ["--lang", "ja", "--help"]
        fragments = ["使い方:", "まだ合格していない最初の課題", "課題のモジュールを収めたフォルダ"]
    result = _invoke([*before, *args, *after], env)
    assert result.exit_code in (0, 1), result.output
    for fragment in fragments:
        assert fragment in result.output
    assert os.environ["GRADER_LANG"] == "en"  # the choice lasted as long as the command
    assert "Usage" not in result.output and "not started" not in result.output


def test_english_stays_the_default(kit):
    result = _invoke(["check", "svd_basics", "--seed", "3"], {"GRADER_LANG": None, "LC_ALL": "C", "LANG": None})
    assert "not started" in result.output and "未着手" not in result.output


def test_a_real_terminal_session_under_a_japanese_locale_reads_japanese(kit):
    env = {k: v for k, v in os.environ.items() if k not in ("GRADER_LANG", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = "ja_JP.UTF-8"
    out = subprocess.run(
        [sys.executable, "-m", "grader", "hint", "low_rank"], capture_output=True, text=True, env=env, cwd=kit
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("1. ランク k の近似は")


@pytest.mark.parametrize(
    "args, env", [(["--lang", "xx", "list"], {}), (["list", "--lang=fr"], {}), (["list"], {"GRADER_LANG": "xx"})]
)
def test_an_unknown_language_is_a_usage_error_naming_the_languages(kit, args, env):
    result = CliRunner().invoke(main, args, env=env)
    assert result.exit_code == 2
    assert "the languages are: en, ja" in result.output
    assert ("xx" if "xx" in args or env else "'fr'") in result.output


def _display_column(line: str, text: str) -> int:
    """The display column where the last ``text`` of ``line`` starts."""
    return wcwidth.wcswidth(line[: line.rindex(text)])


def test_a_japanese_list_is_aligned_in_display_columns(kit, curriculum):
    lines = _invoke(["--lang", "ja", "list"], {}).output.splitlines()
    header, rows = lines[0], lines[1 : 1 + len(curriculum.topics)]
    titles = [curriculum_file.title(t, "ja") for t in curriculum.topics]
    columns = {_display_column(row, title) for row, title in zip(rows, titles)}
    assert columns == {_display_column(header, "題目")}  # every title starts where the header's does
    points = {_display_column(row, " 10 ") + 3 for row in rows}  # right-aligned under 配点
    assert points == {_display_column(header, "配点") + wcwidth.wcswidth("配点")}
    assert {_display_column(row, "—") for row in rows} == {_display_column(header, "状態")}


def test_japanese_help_fits_the_terminal_and_breaks_lines_properly(kit):
    for command in ["check", "grade", "verify", "batch"]:
        out = _invoke(["--lang", "ja", command, "--help"], {}).output
        assert "使い方:" in out and "オプション:" in out
        for line in out.splitlines():
            assert wcwidth.wcswidth(line) <= 80, line
            assert not line.strip().startswith(("。", "、", "）")), line  # 禁則: no line starts with closing marks


def test_every_command_and_option_has_help_in_every_language():
    ctx = click.Context(main)
    commands = [main, *main.commands.values()]
    missing = []
    for command in commands:
        key = command.key
        for code in catalog.languages():
            if f"cli.{key}.help" not in catalog.messages(code):
                missing.append(f"{code}: cli.{key}.help")
            for param in command.get_params(ctx):
                if isinstance(param, click.Option) and param is not command.get_help_option(ctx):
                    own, shared = f"cli.{key}.{param.name}", f"cli.option.{param.name}"
                    if own not in catalog.messages(code) and shared not in catalog.messages(code):
                        missing.append(f"{code}: {own}")
    assert missing == []


def test_an_error_of_the_kit_reads_in_the_language_it_is_shown_in(tmp_path, curriculum, monkeypatch):
    with pytest.raises(SubmissionError) as caught:
        Submission.from_dir(tmp_path / "nowhere", curriculum)
    assert "does not exist" in str(caught.value)
    monkeypatch.setenv("GRADER_LANG", "ja")
    assert "が存在しない" in str(caught.value)
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)  # crosses processes whole
