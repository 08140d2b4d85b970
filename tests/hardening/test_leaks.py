"""No leaks: after 50 tiny jobs, no ffmpeg child, no extra open file, no memory creep.

The batch runs in this process through `montage.batch.run_batch` (what `montage batch`
calls), so this process is the batch's parent and its file descriptors and resident
memory can be read from /proc/self.
"""

from __future__ import annotations

import os
import shutil
import time
from itertools import pairwise
from pathlib import Path

import pytest

from montage.batch import BatchOptions, JobReport, Observer, run_batch
from tests.hardening.conftest import Board, wait_for, wait_no_ffmpeg

pytestmark = pytest.mark.slow

JOBS = 50
STORYBOARD = """\
clips:
  - {path: clips/clip.mp4, date: 2023-01-01, trim: {end: 0.5}}
output: {path: out/NAME.mp4, width: 160, height: 288, fps: 10}
"""
MB = 1 << 20


class _Memory(Observer):
    """Samples this process's resident memory each time a job finishes."""

    def __init__(self) -> None:
        self.samples: list[int] = []
        self.statuses: list[str] = []

    def finished(self, report: JobReport) -> None:
        self.statuses.append(report.status)
        self.samples.append(resident_bytes())


def resident_bytes() -> int:
    """This process's resident set size."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def open_fds() -> int:
    """How many file descriptors this process has open."""
    return sum(1 for _ in Path("/proc/self/fd").iterdir())


def boards(root: Path, clip: Path, count: int) -> Path:
    """`root` with `count` one-clip storyboards sharing one clip."""
    (root / "clips").mkdir(parents=True)
    shutil.copyfile(clip, root / "clips" / "clip.mp4")
    for n in range(count):
        (root / f"job{n:02d}.yaml").write_text(STORYBOARD.replace("NAME", f"job{n:02d}"))
    return root


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
def test_fifty_jobs_leak_no_processes_files_or_memory(board: Board, tmp_path: Path) -> None:
    clip = board.corpus / "clip.mp4"
    options = BatchOptions(jobs=2)
    warm = run_batch([boards(tmp_path / "warm", clip, 2)], options)  # forkserver, imports
    assert [job.status for job in warm.jobs] == ["rendered"] * 2
    baseline = open_fds()
    memory = _Memory()
    started = time.monotonic()

    report = run_batch([boards(tmp_path / "many", clip, JOBS)], options, memory)

    assert time.monotonic() - started < 60
    assert memory.statuses == ["rendered"] * JOBS, [j.problems for j in report.jobs][:3]
    assert len(list((tmp_path / "many" / "out").glob("*.mp4"))) == JOBS
    assert wait_no_ffmpeg(tmp_path) == []
    assert wait_for(lambda: open_fds() <= baseline, 5), (open_fds(), baseline)
    steps = [later - earlier for earlier, later in pairwise(memory.samples)]
    assert max(steps) < 20 * MB
    assert memory.samples[-1] - memory.samples[0] < 20 * MB, memory.samples
