"""Batch throughput: montages per minute for 8 short jobs, --jobs 1 versus --jobs 2.

    make bench-batch                       # or: python bench/bench_batch.py --repeat 2

Each job is a 540x960 30 fps montage of two 1.5 s clips with captions and a counter.
Every run renders all 8 (`force`), through the same process pool as `montage batch`.
An untimed one-job batch first starts the worker forkserver, so neither run pays for it.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from montage import synth
from montage.batch import BatchOptions, run_batch
from montage.cores import available_cores

JOBS = 8
COLOURS = ("#C0392B", "#2980B9", "#27AE60", "#8E44AD", "#D35400", "#16A085", "#2C3E50", "#F39C12")
STORYBOARD = """\
clips:
  - {{path: clips/{a}.mp4, date: 2023-01-0{day}, caption: "Job {n}: before"}}
  - {{path: clips/{b}.mp4, date: 2023-02-0{day}, caption: "Job {n}: after"}}
overlays: {{counter: "Day {{day}}"}}
transition: {{kind: crossfade, duration: 0.3}}
output: {{width: 540, height: 960, fps: 30, path: out/job{n}.mp4}}
"""


def make_batch(root: Path) -> Path:
    """Eight storyboards over eight colour clips in `root/boards`; returns that folder."""
    boards = root / "boards"
    clips = boards / "clips"
    for i, colour in enumerate(COLOURS):
        synth.make_video(clips / f"c{i}.mp4", width=640, height=360, duration=1.5, color=colour)
    for n in range(JOBS):
        text = STORYBOARD.format(a=f"c{n}", b=f"c{(n + 1) % JOBS}", n=n + 1, day=n % 9 + 1)
        (boards / f"job{n + 1}.yaml").write_text(text, encoding="utf-8")
    return boards


def timed(paths: list[Path], jobs: int) -> float:
    """Wall seconds for one forced run of the batch with `jobs` at once."""
    started = time.perf_counter()
    report = run_batch(paths, BatchOptions(jobs=jobs, force=True))
    wall = time.perf_counter() - started
    if report.count("rendered") != len(report.jobs):
        failed = [f"{j.name}: {j.error}" for j in report.jobs if j.status != "rendered"]
        raise SystemExit("bench jobs failed:\n" + "\n".join(failed))
    return wall


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per setting; best counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="montage-bench-batch-") as tmp:
        boards = make_batch(Path(tmp))
        timed([boards / "job1.yaml"], 1)  # warm-up: forkserver, fonts, probe
        rows = []
        for jobs in (1, 2):
            wall = min(timed([boards], jobs) for _ in range(args.repeat))
            rows.append((jobs, wall, JOBS / wall * 60))
    base = rows[0][1]
    print(f"batch of {JOBS} montages (540x960, 30 fps, ~2.7 s each), {available_cores()} cores")
    print(f"{'--jobs':>6} | {'wall s':>7} | {'montages/min':>12} | {'speed-up':>8}")
    print(f"{'-' * 6}-+-{'-' * 7}-+-{'-' * 12}-+-{'-' * 8}")
    for jobs, wall, rate in rows:
        print(f"{jobs:>6} | {wall:>7.2f} | {rate:>12.1f} | {base / wall:>7.2f}x")


if __name__ == "__main__":
    main()
