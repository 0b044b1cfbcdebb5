"""A run during which the judge or the submission changes is void: tampered, 0 points, and says why."""

from conftest import EXERCISES, reference, submission
from grader import integrity, isolation
from grader.runner import grade
from grader.sandbox import WorkerPool

PROCESS = isolation.Tier("process", isolation.COMMON_FEATURES, "for this test")


def test_a_submission_that_rewrites_its_own_file_is_tampered(make_submission, curriculum):
    # only the process tier lets a worker reach the submission folder; the file written is the test's own copy
    folder = make_submission()
    target = folder / "low_rank.py"
    (folder / "svd_basics.py").write_text(reference("svd_basics") + f"\nopen({str(target)!r}, 'a').write('#')\n")
    pool = WorkerPool(curriculum.forbidden_union(), tier=PROCESS)
    try:
        report = grade(
            submission(folder, curriculum), curriculum.select(["svd_basics", "low_rank"]), curriculum, 3, pool=pool
        )
    finally:
        pool.close()
    assert report.tampered == f"files changed during the run: {target}"
    assert report.score == 0 and {t.status for t in report.topics} == {"error"}
    assert all(x.points == 0 for t in report.topics for x in t.tests)
    assert report.isolation["tier"] == "process" and report.isolation["warning"]


def test_an_untouched_run_carries_version_and_suite_hash(curriculum, pool, make_submission):
    folder = make_submission()
    report = grade(submission(folder, curriculum), curriculum.select(["pca"]), curriculum, 3, pool=pool)
    assert report.tampered == "" and report.score == report.max_score
    assert report.grader_version and len(report.suite_hash) == 16
    snap = integrity.snapshot(submission(folder, curriculum))
    assert integrity.suite_hash(snap) == report.suite_hash
    suite = next(p for p in snap if p.endswith("/suites/pca.py"))
    assert integrity.suite_hash({**snap, suite: "0" * 64}) != report.suite_hash
    assert integrity.suite_hash({**snap, str(folder / "pca.py"): "0" * 64}) == report.suite_hash  # submission


def test_the_suite_hash_follows_the_judging_files_of_the_snapshot(curriculum):
    snap = integrity.snapshot(submission(EXERCISES, curriculum))
    suite = str(integrity.PACKAGE_DIR / "suites" / "svd_basics.py")
    other = str(integrity.PACKAGE_DIR / "cli.py")
    first = integrity.suite_hash(snap)
    assert integrity.suite_hash(dict(snap)) == first == integrity.suite_hash()
    changed = integrity.suite_hash(snap | {suite: "0" * 64})
    assert changed != first and integrity.suite_hash(snap) == first  # nothing kept from the other one
    assert integrity.suite_hash(snap | {other: "0" * 64}) == first  # not a file that judges
