"""Hostile storyboards, part 2: the YAML itself, and the operator's resource limits.

A storyboard that would make the parser expand, recurse or crawl is refused at once,
with the file, line and column. Limits come only from `--limit` and are checked before
anything is decoded; each refusal points at the storyboard field that exceeds it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hardening.conftest import Board, assert_nothing_left, location_of, run_cli

pytestmark = pytest.mark.slow

# Generous for a loaded 2-core CI machine: the point is seconds, not minutes (PyYAML
# composes ~20,000 values a second; an unguarded million would take about a minute).
QUICK = 15.0
HEAD = "clips:\n  - {path: clip.mp4, date: 2023-01-01}\n"
ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)
HOSTILE_YAML: dict[str, tuple[Callable[[], bytes], str, tuple[int, int] | None]] = {
    # name: (storyboard bytes, what the error says, (line, column) or None for the file)
    "alias-bomb": (
        lambda: (
            "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + ALIAS_BOMB + HEAD
        ).encode(),
        "aliases (*name) are not allowed",
        (2, 8),
    ),
    "ten-megabyte-string": (
        lambda: (HEAD + "title: '" + "x" * (10 << 20) + "'\n").encode(),
        "at most 2 MB",
        None,
    ),
    "deep-flow-nesting": (
        lambda: (HEAD + "title: " + "[" * 100_000 + "]" * 100_000 + "\n").encode(),
        "nested deeper than 64 levels",
        (3, 71),
    ),
    "deep-block-nesting": (
        lambda: (HEAD + "x:\n" + "".join("  " * i + "k:\n" for i in range(1, 200))).encode(),
        "nested deeper than 64 levels",
        (66, 127),
    ),
    "a-million-values": (
        lambda: (HEAD + "x: [" + ",".join("1" * 900_000) + "]\n").encode(),
        "more than 30,000 values",
        (3, 59_985),
    ),
    "latin-1": (
        lambda: (HEAD + "title: Caf\xe9 des Arts\n").encode("latin-1"),
        "byte 0xe9 is not UTF-8",
        (3, 11),
    ),
    "python-object-tag": (
        lambda: (HEAD + "title: !!python/object/apply:os.system ['touch pwned']\n").encode(),
        "is not allowed",
        (3, 8),
    ),
    "merge-key": (
        lambda: (HEAD + "base: &b {fps: 30}\noutput:\n  <<: {fps: 30}\n").encode(),
        "merge keys (<<) are not allowed",
        (5, 3),
    ),
    "control-character": (
        lambda: (HEAD + "title: bell \x07 here\n").encode(),
        "is not allowed in YAML",
        (3, 13),
    ),
}


@pytest.mark.parametrize(("make", "says", "where"), HOSTILE_YAML.values(), ids=list(HOSTILE_YAML))
@pytest.mark.parametrize("command", ["validate", "render"])
def test_hostile_yaml_is_refused_quickly_with_a_location(
    board: Board, command: str, make: Callable[[], bytes], says: str, where: tuple[int, int] | None
) -> None:
    board.add("clip.mp4")
    board.storyboard.write_bytes(make())
    started = time.monotonic()

    code, output = board.render() if command == "render" else board.validate()

    assert time.monotonic() - started < QUICK, "refusing hostile YAML must not take long"
    assert code == 3, output[:500]
    assert says in output, output[:500]
    if where is None:
        assert output.startswith(f"{board.storyboard}: "), output[:500]
    else:
        assert location_of(output) == where, output[:500]
    assert not (board.folder / "pwned").exists()
    assert_nothing_left(board)


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _unblock_later(fifo: Path, seconds: float) -> threading.Timer:
    """Open `fifo` for writing after `seconds`, so a reader stuck on it gets EOF."""

    def release() -> None:
        with fifo.open("wb"):
            pass

    timer = threading.Timer(seconds, release)
    timer.daemon = True
    timer.start()
    return timer


@pytest.mark.parametrize("command", ["validate", "render"])
@pytest.mark.parametrize(
    ("kind", "says"),
    [("fifo", "not a regular file"), ("device", "not a regular file"), ("folder", "directory")],
)
def test_a_storyboard_that_is_not_a_file_is_refused(
    tmp_path: Path, command: str, kind: str, says: str
) -> None:
    if kind == "fifo":
        storyboard = _fifo(tmp_path / "storyboard.yaml")
        safety = _unblock_later(storyboard, 10)  # a regression then fails, not hangs
    else:
        storyboard = Path("/dev/zero") if kind == "device" else tmp_path
        safety = None
    started = time.monotonic()

    code, output = run_cli(command, str(storyboard))

    if safety is not None:
        safety.cancel()
    assert time.monotonic() - started < QUICK
    assert code == 3 and says in output, output


# --- resource limits, set by the operator only ----------------------------------------------

LIMITED = """\
clips:
  - {path: clip.mp4, date: 2023-01-01, caption: Hello there}
  - {path: clip.mp4, date: 2023-01-02}
output: {path: OUT, width: 270, height: 480, fps: 15}
"""
LIMITS = {
    # --limit value: (what the error says, (line, column) of the field)
    "max_canvas=400": ("a 270x480 canvas is over the 400 px limit", (4, 53)),
    "max_fps=10": ("15 fps is over the limit of 10", (4, 63)),
    "max_duration=1": ("the montage lasts 1.5 s, over the 1 s limit", (2, 3)),
    "max_clips=1": ("2 clips, over the limit of 1", (2, 3)),
    "max_caption=5": ("a caption of 11 characters is over the limit of 5", (2, 49)),
    "max_input_pixels=100": ("'clip.mp4' is 160x120, over the 100 pixel input limit", (2, 12)),
}


@pytest.mark.parametrize(("limit", "expected"), LIMITS.items(), ids=list(LIMITS))
def test_limits_refuse_before_decoding(
    board: Board, limit: str, expected: tuple[str, tuple[int, int]]
) -> None:
    board.add("clip.mp4")
    board.write(LIMITED)

    code, output = run_cli("render", str(board.storyboard), "-q", "--limit", limit)

    assert code == 1, output
    assert expected[0] in output and location_of(output) == expected[1], output
    assert_nothing_left(board)


@pytest.mark.parametrize("limit", ["bogus=1", "max_fps=x", "max_duration=nan", "max_clips=0"])
def test_a_bad_limit_is_a_usage_error(board: Board, limit: str) -> None:
    board.add("clip.mp4")
    board.write(LIMITED)
    code, output = run_cli("render", str(board.storyboard), "-q", "--limit", limit)
    assert code == 2 and "--limit" in output, output
    assert_nothing_left(board)


def test_a_storyboard_cannot_set_its_own_limits(board: Board) -> None:
    board.add("clip.mp4")
    board.write(LIMITED + "limits: {max_clips: 100000}\n")
    code, output = board.validate()
    assert code == 3 and "unknown key 'limits'" in output and location_of(output) == (5, 1)
