"""Batch test helpers: tiny colour clips, a 12-job scenario, leftover-process checks."""

from __future__ import annotations

import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from montage.cli import app
from montage.media.ffmpeg import ffmpeg_exe
from tests.conftest import MediaFactory

COLOURS = {"red": "#E02020", "green": "#20C020", "blue": "#2040E0", "yellow": "#E0E020"}
CANVAS = "output: {width: 270, height: 480, fps: 15, path: out/NAME.mp4}"
STORYBOARD = """\
clips:
  - {path: clips/CLIP.mp4, date: 2023-01-01, caption: "Job NAME"TRIM}
CANVAS
"""


@pytest.fixture(scope="session")
def colour_clips(media_factory: MediaFactory) -> dict[str, Path]:
    """One-second 160x120 solid clips, made once per session (copy before touching)."""
    specs = {f"batch-{n}.mp4": ("video", {"color": c}) for n, c in COLOURS.items()}
    made = media_factory.many(specs)
    return {name: made[f"batch-{name}.mp4"] for name in COLOURS}


@pytest.fixture(scope="session")
def long_clip(media_factory: MediaFactory) -> Path:
    """A four-second clip: its jobs are still rendering when a test interrupts them."""
    return media_factory.video("batch-long.mp4", color="#808080", duration=4.0)


def long_jobs(long_clip: Path, root: Path, count: int = 6) -> Path:
    """`root/boards` with `count` storyboards of the four-second clip."""
    boards = root / "boards"
    (boards / "clips").mkdir(parents=True)
    shutil.copy2(long_clip, boards / "clips" / "long.mp4")
    for n in range(count):
        (boards / f"long{n}.yaml").write_text(storyboard(f"long{n}", "long"))
    return boards


def copy_clips(colour_clips: dict[str, Path], folder: Path) -> Path:
    """Private copies of the clips in `folder/clips` (a test may touch them)."""
    clips = folder / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    for name, path in colour_clips.items():
        shutil.copy2(path, clips / f"{name}.mp4")
    return clips


def storyboard(name: str, clip: str, trim: str = "") -> str:
    """A one-clip storyboard writing out/NAME.mp4 on a tiny canvas."""
    text = STORYBOARD.replace("CANVAS", CANVAS).replace("TRIM", trim)
    return text.replace("NAME", name).replace("CLIP", clip)


def twelve_jobs(colour_clips: dict[str, Path], root: Path) -> Path:
    """`root/boards`: 10 valid storyboards (red, green, blue clips), a missing clip, a bad trim."""
    boards = root / "boards"
    copy_clips(colour_clips, boards)
    cycle = ["red", "green", "blue"]
    for n in range(10):
        (boards / f"job{n:02d}.yaml").write_text(storyboard(f"job{n:02d}", cycle[n % 3]))
    (boards / "job10.yaml").write_text(storyboard("job10", "missing"))
    (boards / "job11.yaml").write_text(storyboard("job11", "red", ", trim: {start: 0, end: 9}"))
    return boards


def run_cli(*args: str) -> tuple[int, str]:
    """`montage ARGS` in-process: (exit code, stdout + stderr)."""
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def partial_files(root: Path) -> list[Path]:
    """Half-written outputs and temp files anywhere under `root`."""
    return [p for p in root.rglob("*") if "montage-partial" in p.name or p.suffix == ".tmp"]


def _processes() -> dict[int, tuple[str, int, str]]:
    """pid -> (name, parent pid, command line), from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue  # it exited while we looked
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        found[int(entry.name)] = (name, parent, cmdline)
    return found


def leftover_ffmpeg(root: Path) -> list[str]:
    """ffmpeg processes descending from this test process or reading/writing under `root`.

    The second test catches orphans: a killed worker's children are re-parented to init.
    """
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc to count processes")
    table, me, hits = _processes(), os.getpid(), []
    for pid, (name, parent, cmdline) in table.items():
        if "ffmpeg" not in name and "ffmpeg" not in cmdline.split(" ")[0]:
            continue
        chain, seen = parent, set()
        while chain not in (0, 1, me) and chain in table and chain not in seen:
            seen.add(chain)
            chain = table[chain][1]
        if chain == me or str(root) in cmdline:
            hits.append(f"{pid}: {cmdline[:200]}")
    return hits


def frame(path: Path, seconds: float) -> np.ndarray:
    """The RGB frame shown at `seconds`, decoded by the bundled ffmpeg."""
    cmd = [ffmpeg_exe(), "-v", "error", "-ss", f"{seconds:.3f}", "-i", str(path)]
    cmd += ["-frames:v", "1", "-f", "image2pipe", "-vcodec", "png", "pipe:1"]
    png = subprocess.run(cmd, capture_output=True, check=True, timeout=30).stdout
    with Image.open(BytesIO(png)) as image:
        return np.asarray(image.convert("RGB"))
