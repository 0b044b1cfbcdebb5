"""`grader batch --scheduler`: a class graded on a real Dask cluster (a scheduler and two worker processes on
loopback) gives the local batch's gradebook; workers of another grader or other suites are refused."""

import csv
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from classroom import ROOT, TOPIC, learner, mutated, reference, zipped
from grader import __version__
from grader.cli import main
from grader.integrity import suite_hash

SEED = 77


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip(
        "distributed", reason='Dask distributed is not installed (pip install -e ".[cluster]")'
    )
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    subs = tmp_path_factory.mktemp("cluster-class") / "submissions"
    learner(subs, "alice")
    mutated(subs, "bob", "negative_sigma")
    zipped(subs / "erin.zip", {"exercises/svd_basics.py": reference()})  # the modules one folder down
    (subs / "carol").mkdir()
    (subs / "carol" / "notes.txt").write_text("my answers are on paper")
    return subs


def batch(*args, env=None):
    return CliRunner().invoke(main, ["batch", *map(str, args)], env=env, catch_exceptions=False)


def rows(out):
    with open(out / "gradebook.csv", newline="") as f:
        return list(csv.DictReader(f))


def reports(out):
    """Each learner's JSON report, less its wall-clock duration."""
    found = {}
    for path in sorted((out / "reports").glob("*.json")):
        report = json.loads(path.read_text())
        report.pop("duration")
        found[path.stem] = report
    return found


def test_a_class_graded_on_the_cluster_equals_the_local_batch(dask_cluster, small_class, tmp_path):
    local = batch(small_class, "--out", tmp_path / "local", "-t", TOPIC, "--jobs", 2, "--seed", SEED)
    assert local.exit_code == 0, local.output
    # the address from the environment, as a cluster's login shell would set it
    remote = batch(
        small_class,
        "--out",
        tmp_path / "dask",
        "-t",
        TOPIC,
        "--seed",
        SEED,
        env={"DASK_SCHEDULER_ADDRESS": dask_cluster.scheduler_address},
    )
    assert remote.exit_code == 0, remote.output
    assert f"on the Dask cluster at {dask_cluster.scheduler_address}" in remote.output
    assert "2 workers, 2 threads" in remote.output

    got, want = rows(tmp_path / "dask"), rows(tmp_path / "local")
    assert got == want
    by_name = {r["learner"]: r for r in got}
    assert sorted(by_name) == ["alice", "bob", "carol", "erin"]
    assert by_name["alice"]["total"] == "10" and by_name["erin"]["total"] == "10"
    assert float(by_name["bob"]["total"]) < 10
    assert by_name["carol"]["status"].startswith("malformed: 'carol' holds none of the topic modules")
    assert {r["seed"] for r in got} == {str(SEED)} and {r["suite_hash"] for r in got} == {suite_hash()}

    assert reports(tmp_path / "dask") == reports(tmp_path / "local")
    # the workers started the same sandbox as the local batch (bubblewrap's namespaces tier where it is installed)
    tiers = {r["isolation"]["tier"] for r in reports(tmp_path / "dask").values()}
    assert tiers == {r["isolation"]["tier"] for r in reports(tmp_path / "local").values()}


def test_workers_with_another_suite_hash_are_refused_by_name(dask_cluster):
    from distributed import Client

    from grader.batch import cluster

    with Client(dask_cluster.scheduler_address, set_as_default=False) as client:
        seen = cluster.check_versions(client)  # the real workers run this very grader
        assert set(seen) == set(dask_cluster.workers[w].worker_address for w in dask_cluster.workers)
        assert all(v == {"grader_version": __version__, "suite_hash": suite_hash()} for v in seen.values())
        with pytest.raises(cluster.ClusterError) as refused:
            cluster.check_versions(client, expected={"grader_version": __version__, "suite_hash": "0" * 16})
    message = str(refused.value)
    assert "2 of 2 Dask workers do not run this grader" in message
    for address in seen:
        assert f"{address}: grader {__version__}, suite hash {suite_hash()}" in message
    assert "suite hash 0000000000000000" in message


def test_without_dask_the_option_says_what_to_install_and_the_rest_works(tmp_path, small_class):
    """Dask hidden from the interpreter: `--scheduler` exits 2 naming the extra; nothing is written."""
    script = (
        "import sys; sys.modules['distributed'] = None; sys.modules['dask'] = None\n"
        "from grader.cli import main\n"
        "main(['batch', sys.argv[1], '--out', sys.argv[2], '--scheduler', 'tcp://127.0.0.1:8786'])\n"
    )
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-c", script, str(small_class), str(out)], capture_output=True, text=True, cwd=ROOT
    )
    assert proc.returncode == 2, proc.stderr
    assert 'pip install -e ".[cluster]"' in proc.stderr
    assert not out.exists()
