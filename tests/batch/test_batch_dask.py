"""The same 12-job batch on a real local Dask cluster, through `--scheduler ADDRESS`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from montage.batch import BatchOptions, Observer, run_batch
from montage.batch.jobs import Job
from tests.batch.conftest import (
    leftover_ffmpeg,
    long_jobs,
    partial_files,
    run_cli,
    twelve_jobs,
)

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Two single-threaded worker processes on localhost; yields the scheduler address."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local.scheduler_address


def test_twelve_jobs_on_dask(cluster: str, colour_clips: dict[str, Path], tmp_path: Path) -> None:
    boards = twelve_jobs(colour_clips, tmp_path)
    report = tmp_path / "report.json"

    code, output = run_cli("batch", str(boards), "--scheduler", cluster, "--report", str(report))

    assert code == 4, output
    assert len(list((boards / "out").glob("*.mp4"))) == 10
    jobs = json.loads(report.read_text())["jobs"]
    failed = [job for job in jobs if job["status"] == "failed"]
    assert [job["problems"][0]["path"] for job in failed] == ["clips[0].path", "clips[0].trim.end"]
    assert all(job["problems"][0]["line"] == 2 for job in failed)
    workers = {job["worker"] for job in jobs if job["status"] == "rendered"}
    assert len(workers) == 2  # both Dask workers took jobs
    assert partial_files(tmp_path) == []
    assert leftover_ffmpeg(tmp_path) == []

    code, output = run_cli("batch", str(boards), "--scheduler", cluster, "--report", str(report))
    statuses = [job["status"] for job in json.loads(report.read_text())["jobs"]]
    assert code == 4 and statuses.count("skipped") == 10


class _InterruptOnce(Observer):
    """Records who started jobs; Ctrl-C arrives once, with the first frame reported."""

    def __init__(self) -> None:
        self.workers: list[str] = []
        self.interrupted = False

    def started(self, job: Job, worker: str) -> None:
        self.workers.append(worker)

    def progress(self, job: Job, done: int, total: int) -> None:
        if not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt


def test_ctrl_c_on_dask_stops_running_jobs(cluster: str, long_clip: Path, tmp_path: Path) -> None:
    boards = long_jobs(long_clip, tmp_path)
    observer = _InterruptOnce()

    report = run_batch([boards], BatchOptions(scheduler=cluster), observer)

    assert report.interrupted
    assert len(observer.workers) >= 2  # "started" came back through the Dask queue
    # On a loaded machine a job may finish before the stop reaches it; none fails.
    rendered, interrupted, cancelled = (
        report.count(s) for s in ("rendered", "interrupted", "cancelled")
    )
    assert interrupted >= 1 and cancelled >= 3 and rendered + interrupted + cancelled == 6
    assert partial_files(tmp_path) == []
    assert leftover_ffmpeg(tmp_path) == []
