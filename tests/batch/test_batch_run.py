"""Local batches end to end: failure isolation, skipping, templates, crashes, Ctrl-C."""

from __future__ import annotations

import json
import os
import shutil
import signal
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from montage.batch import BatchOptions, JobReport, Observer, run_batch
from montage.batch.jobs import Job
from montage.cli import batch_cmd
from tests.batch.conftest import (
    COLOURS,
    copy_clips,
    frame,
    leftover_ffmpeg,
    long_jobs,
    partial_files,
    run_cli,
    storyboard,
    twelve_jobs,
)

pytestmark = pytest.mark.slow


def _statuses(report_path: Path) -> dict[str, str]:
    data = json.loads(report_path.read_text())
    return {Path(job["source"]).stem: job["status"] for job in data["jobs"]}


def test_twelve_jobs_two_broken_then_rerun_then_touch(
    colour_clips: dict[str, Path], tmp_path: Path
) -> None:
    boards = twelve_jobs(colour_clips, tmp_path)
    report = tmp_path / "report.json"

    code, output = run_cli("batch", str(boards), "--jobs", "2", "--report", str(report))

    assert code == 4, output
    assert sorted(p.name for p in (boards / "out").glob("*.mp4")) == [
        f"job{n:02d}.mp4" for n in range(10)
    ]
    data = json.loads(report.read_text())
    failed = [job for job in data["jobs"] if job["status"] == "failed"]
    assert [Path(job["source"]).name for job in failed] == ["job10.yaml", "job11.yaml"]
    for job in failed:  # located in the storyboard, at the offending field
        problem = job["problems"][0]
        assert problem["file"].endswith(Path(job["source"]).name) and problem["line"] == 2
    assert failed[0]["problems"][0]["path"] == "clips[0].path"
    assert failed[1]["problems"][0]["path"] == "clips[0].trim.end"
    assert data["summary"] == {
        "total": 12,
        "rendered": 10,
        "skipped": 0,
        "failed": 2,
        "interrupted": 0,
        "cancelled": 0,
    }
    assert partial_files(tmp_path) == []
    assert leftover_ffmpeg(tmp_path) == []

    code, output = run_cli("batch", str(boards), "--report", str(report), "-q")
    assert code == 4, output
    assert list(_statuses(report).values()).count("skipped") == 10

    red = boards / "clips" / "red.mp4"
    stat = red.stat()
    os.utime(red, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    code, output = run_cli("batch", str(boards), "--report", str(report), "-q")
    statuses = _statuses(report)
    rendered = sorted(name for name, status in statuses.items() if status == "rendered")
    assert rendered == ["job00", "job03", "job06", "job09"]  # the red ones
    assert list(statuses.values()).count("skipped") == 6


TEMPLATE = """\
clips:
  - path: clips/{{ colour }}.mp4
    date: 2023-01-01
    caption: "{{ name }} says {{ words }}"
output: {width: 270, height: 480, fps: 15}
"""
ROWS = """\
name,colour,words
Ana,red,hello
Bo,green,"colons: stay text"
Cy,blue,"two
lines"
Di,yellow,goodbye
Ed,red,another caption entirely
"""


def test_template_rows_make_distinct_montages(
    colour_clips: dict[str, Path], tmp_path: Path
) -> None:
    copy_clips(colour_clips, tmp_path / "templates")
    (tmp_path / "templates" / "progress.yaml").write_text(TEMPLATE)
    (tmp_path / "clients.csv").write_text(ROWS)
    batch = tmp_path / "batch.yaml"
    batch.write_text(
        "template: templates/progress.yaml\nrows: clients.csv\noutput: out/{{ name }}.mp4\n"
    )

    code, output = run_cli("batch", str(batch), "--jobs", "2", "--json")

    assert code == 0, output
    names = ["Ana", "Bo", "Cy", "Di", "Ed"]
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.mp4")) == names
    frames = {name: frame(tmp_path / "out" / f"{name}.mp4", 0.5) for name in names}
    colours = dict(zip(names, ["red", "green", "blue", "yellow", "red"], strict=True))
    for name, picture in frames.items():  # the row's clip fills the middle of the canvas
        middle = picture[200:280, 100:170].reshape(-1, 3).mean(axis=0)
        expected = np.array([int(COLOURS[colours[name]][i : i + 2], 16) for i in (1, 3, 5)])
        assert np.abs(middle - expected).max() < 40, (name, middle, expected)
    # Ana and Ed share the red clip: only their captions (the rows' words) differ.
    difference = np.abs(frames["Ana"].astype(int) - frames["Ed"].astype(int)).sum(axis=2)
    rows_with_text = np.nonzero(difference.max(axis=1) > 60)[0]
    assert rows_with_text.size > 5 and rows_with_text.min() > 240  # captions sit low


class _KillOnStart(Observer):
    """Kills the worker process (SIGKILL) whenever it starts the job named `victim`."""

    def __init__(self, victim: str) -> None:
        self.victim, self.kills = victim, 0

    def started(self, job: Job, worker: str) -> None:
        if job.name == self.victim:
            self.kills += 1
            os.kill(int(worker.rsplit(":", 1)[1]), signal.SIGKILL)


def test_a_worker_killed_mid_job_fails_only_that_job(
    colour_clips: dict[str, Path], long_clip: Path, tmp_path: Path
) -> None:
    copy_clips(colour_clips, tmp_path)
    shutil.copy2(long_clip, tmp_path / "clips" / "long.mp4")
    # The victim renders the long clip, so it is still running when the parent hears
    # that it started, however loaded the machine is.
    for n, colour in enumerate(["red", "long", "blue", "yellow"]):
        (tmp_path / f"job{n}.yaml").write_text(storyboard(f"job{n}", colour))
    observer = _KillOnStart("job1.yaml")

    report = run_batch([tmp_path], BatchOptions(jobs=2), observer)

    statuses = {job.name: job.status for job in report.jobs}
    assert statuses == {
        "job0.yaml": "rendered",
        "job1.yaml": "failed",
        "job2.yaml": "rendered",
        "job3.yaml": "rendered",
    }
    assert observer.kills == 2  # once with company, once alone: then it is the culprit
    assert "worker process" in (report.jobs[1].error or "")
    assert sorted(p.name for p in (tmp_path / "out").glob("*.mp4")) == [
        "job0.mp4",
        "job2.mp4",
        "job3.mp4",
    ]
    assert partial_files(tmp_path) == []
    assert leftover_ffmpeg(tmp_path) == []


class _InterruptOnce(Observer):
    """Ctrl-C arrives in the parent once, as soon as any job reports a frame."""

    def __init__(self) -> None:
        self.interrupted = False

    def progress(self, job: Job, done: int, total: int) -> None:
        if not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt


def test_ctrl_c_stops_workers_and_leaves_no_partial_files(long_clip: Path, tmp_path: Path) -> None:
    boards = long_jobs(long_clip, tmp_path)

    report = run_batch([boards], BatchOptions(jobs=2), _InterruptOnce())

    assert report.interrupted
    # On a loaded machine a job may finish before the stop reaches it; none fails, and
    # only finished jobs leave a video.
    rendered, interrupted, cancelled = (
        report.count(s) for s in ("rendered", "interrupted", "cancelled")
    )
    assert interrupted >= 1 and cancelled >= 3 and rendered + interrupted + cancelled == 6
    assert len(list(boards.glob("out/*.mp4"))) == rendered
    assert partial_files(tmp_path) == []
    assert leftover_ffmpeg(tmp_path) == []


def _interrupt_every_time(self: object, job: Job, done: int, total: int) -> None:
    raise KeyboardInterrupt  # the second one, while stopping, makes the batch kill workers


def test_cli_reports_an_interrupt_with_exit_130(
    long_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boards = long_jobs(long_clip, tmp_path)
    seen: list[JobReport] = []
    monkeypatch.setattr(batch_cmd._Display, "progress", _interrupt_every_time)
    monkeypatch.setattr(batch_cmd._Display, "finished", lambda self, r: seen.append(r))

    code, output = run_cli("batch", str(boards), "--jobs", "2", "-q")

    assert code == 130
    assert "interrupted" in output and "no partial files" in output
    # A job may finish before the stop reaches its worker on a loaded machine; none fails.
    statuses = Counter(r.status for r in seen)
    assert statuses["interrupted"] >= 1 and len(seen) == 6, statuses
    assert set(statuses) <= {"interrupted", "rendered", "cancelled"}, statuses
    assert partial_files(tmp_path) == []
    assert leftover_ffmpeg(tmp_path) == []
