"""Fixtures for the authoring tests: a session kit of tiny dated clips, copied per test.

Every clip carries its date the way a phone would: in a tag, in EXIF, in the file name,
or (the last one) only in the file's mtime.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from typer.testing import CliRunner

from montage import synth
from montage.cli import app

# A small canvas keeps renders to a second or two; text scales with the short edge.
SMALL = ["--set", "output.width=270", "--set", "output.height=480", "--set", "output.fps=15"]
NODATE_MTIME = datetime(2023, 1, 26, 12, 0, tzinfo=timezone.utc)

_VIDEO: dict[str, Any] = {"width": 64, "height": 48, "fps": 15, "duration": 0.6, "audio": False}
_PHOTO: dict[str, Any] = {"width": 64, "height": 48}
KIT: dict[str, tuple[str, dict[str, Any]]] = {
    "VID_20230115_123456.mp4": ("video", {"color": "red"}),
    "PXL_20230115_233000123.mp4": ("video", {}),
    "20230117_080000.mp4": ("video", {"audio": True}),
    "IMG-20230118-WA0001.jpg": ("photo", {"color": "seagreen"}),
    "IMG_20230119_101500.jpg": ("photo", {}),
    "Screen Recording 2023-01-20 at 12.34.56.mov": ("video", {}),
    "RPReplay_Final1674300000.mp4": ("video", {}),
    "iphone.mov": (
        "video",
        {"metadata": {"com.apple.quicktime.creationdate": "2023-01-22T13:34:56+0200"}},
    ),
    "utc.mp4": ("video", {"metadata": {"creation_time": "2023-01-23T12:00:00.000000Z"}}),
    "exif.jpg": ("photo", {"exif_datetime": "2023:01:24 09:00:00", "exif_offset": "+02:00"}),
    "exif_naive.jpg": ("photo", {"exif_datetime": "2023:01:25 09:30:00"}),
    "nodate.mp4": ("video", {"color": "blue"}),
    "VID_20230110_090000.mp4": ("video", {}),
    "VID_20230201_090000.mp4": ("video", {}),
    "green.mp4": (
        "video",
        {"color": "lime", "metadata": {"creation_time": "2023-01-16T10:00:00Z"}},
    ),
}
SIX = [
    "iphone.mov",
    "utc.mp4",
    "exif.jpg",
    "PXL_20230115_233000123.mp4",
    "IMG-20230118-WA0001.jpg",
    "nodate.mp4",
]


def run_cli(*args: str | Path) -> Result:
    """Run `montage ARGS` in-process; stdout and stderr stay apart."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def _make(root: Path, name: str, kind: str, kwargs: dict[str, Any]) -> Path:
    if kind == "photo":
        return synth.make_photo(root / name, **{**_PHOTO, **kwargs})
    return synth.make_video(root / name, **{**_VIDEO, **kwargs})


@pytest.fixture(scope="session")
def kit(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every clip of KIT, generated once per session, in parallel."""
    root = tmp_path_factory.mktemp("kit")
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {n: pool.submit(_make, root, n, k, kw) for n, (k, kw) in KIT.items()}
        return {name: future.result() for name, future in futures.items()}


CopyClips = Callable[[Path, Iterable[str]], Path]


@pytest.fixture
def copy_clips(kit: dict[str, Path]) -> CopyClips:
    """Copy kit clips into a folder; `nodate.mp4` gets a fixed mtime (its only date)."""

    def copy(folder: Path, names: Iterable[str]) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            target = folder / name
            shutil.copy(kit[name], target)
            if name == "nodate.mp4":
                stamp = NODATE_MTIME.timestamp()
                os.utime(target, (stamp, stamp))
        return folder

    return copy


@pytest.fixture(autouse=True)
def no_user_presets(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep the developer's own ~/.config/montage/presets out of the tests."""
    empty = tmp_path_factory.mktemp("no-user-presets")
    monkeypatch.setenv("MONTAGE_PRESETS_DIR", str(empty))
    return empty
