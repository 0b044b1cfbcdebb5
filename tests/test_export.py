"""`grader export`: the gradebook from the database, as CSV or a Canvas import file."""

import csv
import io

import pytest
from click.testing import CliRunner

from classroom import TOPIC, learner, mutated, zipped
from grader.cli import main


def cli(*args):
    return CliRunner().invoke(main, list(map(str, args)), catch_exceptions=False)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    subs = root / "subs"
    learner(subs, "ann")
    mutated(subs, "ben", "negative_sigma")
    zipped(subs / "cat.zip", {"../x.py": ""})
    result = cli("batch", subs, "--out", root / "out", "-t", TOPIC, "--jobs", 2)
    assert result.exit_code == 0, result.output
    return root / "out"


def rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_is_the_gradebook(out):
    result = cli("export", out, "--format", "csv")
    assert result.exit_code == 0
    assert result.output == (out / "gradebook.csv").read_text()


def test_canvas_export_with_a_roster(out, tmp_path):
    book = {r[0]: r for r in rows((out / "gradebook.csv").read_text())[1:]}
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "learner,Student,ID,SIS User ID,SIS Login ID,Section\n"
        'ben,"Ben, B.",102,S102,ben@uni,Mon\n'
        "ann,Ann A.,101,S101,ann@uni,Tue\n"
        "cat,Cat C.,103,S103,cat@uni,Tue\n"
        "dan,Dan D.,104,S104,dan@uni,Mon\n"
    )  # dan did not submit
    target = tmp_path / "canvas.csv"
    result = cli(
        "export", out, "--format", "canvas", "--roster", roster, "--assignment", "LA2 autograder", "--output", target
    )
    assert result.exit_code == 0, result.output
    table = rows(target.read_text())
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "LA2 autograder"]
    assert table[1] == ["Points Possible", "", "", "", "", book["ann"][2]]  # the gradebook's max
    assert table[2] == ["Ben, B.", "102", "S102", "ben@uni", "Mon", book["ben"][1]]
    assert table[3] == ["Ann A.", "101", "S101", "ann@uni", "Tue", book["ann"][1]]
    assert table[4][-1] == "" and table[5] == ["Dan D.", "104", "S104", "dan@uni", "Mon", ""]
    assert "left empty (not graded" in result.output and "cat" in result.output


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("learner,Student,ID\nann,Ann,1\n", "no row for 2 learner(s) of the gradebook: ben, cat"),
        ("name,Student,ID\nann,Ann,1\n", "lacks the column(s) learner; its header is name,Student,ID"),
        ("learner,Student,Section\nann,Ann,x\n", "lacks the column(s) one of ID, SIS User ID, SIS Login ID"),
        ("learner,Student,ID\nann,Ann,1\nann,Ann,2\n", "line 3: learner 'ann' appears twice"),
    ],
)
def test_bad_rosters_are_usage_errors_that_say_what_is_right(out, tmp_path, text, fragment):
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    result = cli("export", out, "--format", "canvas", "--roster", roster)
    assert result.exit_code == 2 and fragment in result.output


def test_export_of_a_folder_without_a_gradebook(tmp_path):
    result = cli("export", tmp_path)
    assert result.exit_code == 2 and "holds no gradebook.sqlite; run `grader batch SUBMISSIONS --out" in result.output
