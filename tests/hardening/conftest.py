"""Hardening corpus helpers: hostile media made once, boards to render them, leak checks.

Every bad file the corpus needs is generated once per session (`corpus`), from tiny clips
made by `montage.synth`. A test copies what it needs into its own storyboard folder
(`Board`), renders or validates through the real CLI in-process, and then checks that
nothing was left behind (`assert_nothing_left`): no output, no partial file, no work
folder of this process in the temp folder, no ffmpeg child.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import montage
from montage import synth
from montage.media.ffmpeg import run_ffmpeg
from tests.batch.conftest import leftover_ffmpeg
from tests.conftest import MediaFactory
from tests.e2e.conftest import SMALL, inspect, run_cli

__all__ = [
    "SMALL",
    "Board",
    "assert_nothing_left",
    "inspect",
    "montage_env",
    "run_cli",
    "run_montage",
    "wait_for",
    "wait_no_ffmpeg",
]

REPO = Path(montage.__file__).resolve().parent.parent
LOCATED = re.compile(r"storyboard\.yaml:(\d+):(\d+): ")

# name -> (kind, kwargs) for MediaFactory.many; every name starts with "h-" so the
# session media folder shared with other packages has no clashes.
BASE_SPECS: dict[str, tuple[str, dict[str, Any]]] = {
    "h-clip.mp4": ("video", {}),
    "h-quiet.mp4": ("video", {"audio": False, "color": "#2040E0"}),
    "h-long.mp4": ("video", {"duration": 4.0, "faststart": True, "audio": False}),
    "h-long-end.mp4": ("video", {"duration": 4.0, "audio": False}),
    "h-twenty.mp4": ("video", {"duration": 20.0, "audio": False}),
    "h-short.mp4": ("video", {"duration": 0.3}),
    "h-one.mp4": ("video", {"duration": 1 / 30, "audio": False}),
    "h-8k.mp4": (
        "video",
        {"width": 7680, "height": 4320, "duration": 0.2, "fps": 5, "audio": False, "color": "gray"},
    ),
    "h-odd.mp4": (  # yuv444p: x264 keeps an odd size only without chroma subsampling
        "video",
        {"width": 1079, "height": 1917, "duration": 0.5, "audio": False, "pix_fmt": "yuv444p"}
        | {"color": "#E02020"},
    ),
    "h-vp9.webm": ("video", {"codec": "libvpx-vp9"}),
    "h-photo.jpg": ("photo", {}),
    "h-odd.png": ("photo", {"width": 1079, "height": 1917}),
    "h-music.m4a": ("audio", {}),
}


# --- the corpus -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus(media_factory: MediaFactory, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding every file of the hardening corpus, good and bad (see `_derive`)."""
    made = media_factory.many(BASE_SPECS)
    folder = tmp_path_factory.mktemp("corpus")
    for name, path in made.items():
        shutil.copyfile(path, folder / name.removeprefix("h-"))
    _derive(folder)
    return folder


def _derive(folder: Path) -> None:
    """Write the bad files, each derived from a good one or from nothing."""
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "garbage.mp4").write_bytes(bytes((i * 97 + 13) % 256 for i in range(4096)))
    (folder / "notes.mp4").write_text("These are my notes, not a video.\n" * 20)
    (folder / "noise.m4a").write_bytes(bytes((i * 31 + 7) % 256 for i in range(4096)))
    (folder / "picture.mp4").write_bytes((folder / "photo.jpg").read_bytes())
    synth.truncate_copy(folder / "long-end.mp4", folder / "cut-end.mp4", keep=0.5)
    synth.truncate_copy(folder / "long.mp4", folder / "cut-front.mp4", keep=0.5)
    _keep_header_only(folder / "long.mp4", folder / "head-only.mp4")
    _ffmpeg_copy(folder / "vp9.webm", folder / "live.webm", "-c", "copy", "-live", "1")
    _ffmpeg_copy(folder / "clip.mp4", folder / "bad-audio.mp4", "-c", "copy", "-bsf:a", "noise=1")
    _write_png_header(folder / "bomb.png", 20000, 20000)
    _sound_outlasting_picture(folder / "long-sound.mp4")
    photo = (folder / "photo.jpg").read_bytes()
    (folder / "cut.jpg").write_bytes(photo[: len(photo) * 3 // 10])


def _sound_outlasting_picture(path: Path) -> None:
    """A whole file whose sound (3 s) goes on after its picture (2 s) ends."""
    picture = ["-f", "lavfi", "-i", "testsrc=s=160x120:d=2:r=30"]
    sound = ["-f", "lavfi", "-i", "sine=d=3"]
    args = [*picture, *sound, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac"]
    done = run_ffmpeg(["-v", "error", *args, "-y", str(path)], timeout=60)
    assert done.returncode == 0, done.stderr


def _ffmpeg_copy(src: Path, dst: Path, *args: str) -> None:
    """`ffmpeg -i src ARGS dst`, failing the session if ffmpeg does."""
    done = run_ffmpeg(["-v", "error", "-i", str(src), *args, "-y", str(dst)], timeout=60)
    assert done.returncode == 0, done.stderr


def _keep_header_only(src: Path, dst: Path) -> None:
    """A faststart mp4 cut just after its index: it opens, but no frame is complete."""
    data = src.read_bytes()
    dst.write_bytes(data[: data.index(b"mdat") + 200])


def _write_png_header(path: Path, width: int, height: int) -> None:
    """A PNG that claims `width`x`height` grey pixels but carries one row of data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = zlib.compress(b"\x00" * (width + 1))
    png = chunk(b"IHDR", header) + chunk(b"IDAT", row) + chunk(b"IEND", b"")
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png)


# --- a storyboard folder per test ------------------------------------------------------


@dataclass
class Board:
    """A storyboard folder under a test's tmp_path, with copies of corpus files."""

    root: Path
    corpus: Path

    @property
    def folder(self) -> Path:
        """The storyboard's own folder (its media root)."""
        return self.root / "board"

    @property
    def storyboard(self) -> Path:
        """The storyboard file."""
        return self.folder / "storyboard.yaml"

    @property
    def output(self) -> Path:
        """Where every corpus storyboard writes its video."""
        return self.folder / "out" / "montage.mp4"

    def add(self, *names: str) -> None:
        """Copy corpus files into the storyboard folder (never symlinks: they lead out)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            shutil.copyfile(self.corpus / name, self.folder / name)

    def write(self, text: str) -> Path:
        """Write the storyboard; `OUT` stands for the output path."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.storyboard.write_text(text.replace("OUT", "out/montage.mp4"), encoding="utf-8")
        return self.storyboard

    def render(self, *args: str) -> tuple[int, str]:
        """`montage render` in-process on the tiny canvas; (exit code, all output)."""
        return run_cli("render", str(self.storyboard), "--quiet", *SMALL, *args)

    def validate(self, *args: str) -> tuple[int, str]:
        """`montage validate` in-process; (exit code, all output)."""
        return run_cli("validate", str(self.storyboard), *args)


@pytest.fixture
def board(tmp_path: Path, corpus: Path) -> Board:
    """An empty storyboard folder for one test."""
    return Board(tmp_path, corpus)


@pytest.fixture(autouse=True)
def no_user_presets(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the developer's own presets folder out of every hardening test."""
    monkeypatch.setenv("MONTAGE_PRESETS_DIR", str(tmp_path_factory.mktemp("no-presets")))


# --- what must not be left behind ------------------------------------------------------


def wait_for(condition: Callable[[], bool], seconds: float, step: float = 0.02) -> bool:
    """Poll `condition` until it holds or `seconds` pass; the last answer."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return condition()
        time.sleep(step)
    return True


def wait_no_ffmpeg(root: Path, seconds: float = 5.0) -> list[str]:
    """ffmpeg processes of this test still alive after up to `seconds` (they exit on EPIPE)."""
    wait_for(lambda: not leftover_ffmpeg(root), seconds, step=0.05)
    return leftover_ffmpeg(root)


def workdirs(pid: int, temp: Path | None = None) -> list[Path]:
    """Render work folders (`montage-<pid>-*`) of process `pid` in the temp folder."""
    return sorted(Path(temp or tempfile.gettempdir()).glob(f"montage-{pid}-*"))


def partials(folder: Path) -> list[Path]:
    """Half-written outputs under `folder`."""
    return sorted(p for p in folder.rglob("*") if "montage-partial" in p.name)


def assert_nothing_left(board: Board) -> None:
    """No output, no partial file, no work folder of this process, no ffmpeg child."""
    assert not board.output.exists(), f"{board.output} was written"
    assert partials(board.root) == []
    assert workdirs(os.getpid()) == []
    assert wait_no_ffmpeg(board.root) == []


def location_of(output: str) -> tuple[int, int] | None:
    """(line, column) of the first `storyboard.yaml:L:C:` in the CLI's output."""
    found = LOCATED.search(output)
    return (int(found.group(1)), int(found.group(2))) if found else None


# --- montage in a subprocess (for kill -9 and rlimits) ---------------------------------


def montage_env(temp: Path) -> dict[str, str]:
    """Environment for `python -m montage`: this checkout first, a private temp folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "COV_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["TMPDIR"] = str(temp)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["MONTAGE_PRESETS_DIR"] = str(temp)
    return env


def montage_command(*args: str) -> list[str]:
    """The command line of `python -m montage ARGS` with this interpreter."""
    return [sys.executable, "-m", "montage", *args]


def run_montage(args: list[str], temp: Path, timeout: float) -> tuple[int | None, str]:
    """`python -m montage ARGS` in its own process group: (exit code, stderr).

    The exit code is None when it was still running after `timeout` seconds; it is then
    killed with its whole group (ffmpeg children included).
    """
    with subprocess.Popen(
        montage_command(*args),
        env=montage_env(temp),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    ) as proc:
        try:
            _, errors = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            _, errors = proc.communicate()
            return None, errors.decode(errors="replace")
    return proc.returncode, errors.decode(errors="replace")


@pytest.fixture
def private_temp(tmp_path: Path) -> Path:
    """A temp folder for montage subprocesses, so their work folders can be counted."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    return temp
