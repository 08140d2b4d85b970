"""Helpers shared by the storyboard-core unit tests.

`board_dir` is a folder holding empty stand-ins for media (validation never opens media),
and `write_board` writes a storyboard there. `no_user_presets` keeps the developer's own
`~/.config/montage/presets` out of the tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

MEDIA = ("a.mp4", "b.mp4", "walker.mp4", "photo.jpg")

WriteBoard = Callable[[str | bytes], Path]


def touch_all(folder: Path, names: Iterable[str]) -> None:
    """Create empty files (and their folders) named like media clips."""
    for name in names:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.touch()


@pytest.fixture
def no_user_presets(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point the user presets folder at an empty directory."""
    empty = tmp_path_factory.mktemp("no-user-presets")
    monkeypatch.setenv("MONTAGE_PRESETS_DIR", str(empty))
    return empty


@pytest.fixture
def board_dir(tmp_path: Path) -> Path:
    """The storyboard's folder, with empty media files from `MEDIA`."""
    folder = tmp_path / "board"
    folder.mkdir()
    touch_all(folder, MEDIA)
    return folder


@pytest.fixture
def write_board(board_dir: Path) -> WriteBoard:
    """Write text (or raw bytes) as `board/storyboard.yaml` and return its path."""

    def write(content: str | bytes) -> Path:
        path = board_dir / "storyboard.yaml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
