"""Bad media corpus: every file a phone, a copy or a stranger can produce, through the CLI.

Each case renders a storyboard naming the file. A refusal must exit non-zero before
anything is encoded, name the file and what is wrong, locate the clip in the storyboard
(`storyboard.yaml:LINE:COL`) and leave nothing behind. Where the documented behaviour
is to render anyway (a warning, or a readable part), the video must match its plan.

Worker crashes in a batch are covered by
`tests/batch/test_batch_run.py::test_a_worker_killed_mid_job_fails_only_that_job`.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from montage.cli import app
from tests.hardening.conftest import (
    SMALL,
    Board,
    assert_nothing_left,
    inspect,
    location_of,
    partials,
    run_montage,
    wait_no_ffmpeg,
    workdirs,
)

pytestmark = pytest.mark.slow

STORYBOARD = """\
clips:
CLIPS
transition: {kind: crossfade, duration: 0.5}
EXTRA
output: {path: OUT}
"""


@dataclass(frozen=True)
class Case:
    """One storyboard over corpus files and what montage must do with it."""

    clips: tuple[str, ...]  # corpus files, one clip each, in date order from line 2
    code: int  # the exit code
    says: tuple[str, ...]  # fragments of the output: the file and what is wrong
    line: int | None = None  # the storyboard line the problem is located at
    args: tuple[str, ...] = ()
    extra: str = ""  # more storyboard YAML (music)
    media: tuple[str, ...] = ()  # corpus files used outside `clips`
    seconds: float | None = None  # how long the rendered video must be, when known

    def yaml(self) -> str:
        """The storyboard text."""
        lines = [
            f"  - {{path: {name}, date: 2023-01-{day:02d}}}"
            for day, name in enumerate(self.clips, start=1)
        ]
        return STORYBOARD.replace("CLIPS", "\n".join(lines)).replace("EXTRA", self.extra)


def fixed(reason: str) -> pytest.MarkDecorator:
    """Mark a case that needs a fix outside the hardening modules (see the report)."""
    return pytest.mark.xfail(strict=True, reason=reason)


CASES = [
    # --- unreadable files -------------------------------------------------------------
    pytest.param(Case(("empty.mp4",), 1, ("empty.mp4", "is empty (0 bytes)"), 2), id="zero-byte"),
    pytest.param(
        Case(("garbage.mp4",), 1, ("garbage.mp4", "not a video or photo"), 2), id="garbage"
    ),
    pytest.param(
        Case(("notes.mp4",), 1, ("notes.mp4", "not a video or photo"), 2), id="text-as-video"
    ),
    pytest.param(
        Case(("picture.mp4",), 1, ("picture.mp4", "is a JPEG picture, not a video"), 2),
        id="photo-as-video",
    ),
    # --- truncated files --------------------------------------------------------------
    pytest.param(
        Case(("cut-end.mp4",), 1, ("cut-end.mp4", "is incomplete", "index"), 2),
        id="cut-index-at-end",
    ),
    pytest.param(
        Case(("cut-front.mp4",), 1, ("cut-front.mp4", "truncated at ", " s of 4.0 s"), 2),
        id="cut-index-at-front",
    ),
    pytest.param(
        Case(("cut-front.mp4",), 0, (), args=("--allow-truncated",), seconds=2.0),
        id="cut-index-at-front-allowed",
    ),
    pytest.param(
        Case(("head-only.mp4",), 1, ("head-only.mp4", "no complete frame"), 2),
        id="header-only",
    ),
    pytest.param(
        Case(
            ("head-only.mp4",), 1, ("head-only.mp4", "no complete frame"), 2, ("--allow-truncated",)
        ),
        id="header-only-allowed",
    ),
    # --- broken audio, odd metadata ---------------------------------------------------
    pytest.param(
        Case(("bad-audio.mp4",), 0, ("bad-audio.mp4", "cannot be decoded", "silent")),
        id="undecodable-audio",
    ),
    pytest.param(Case(("live.webm",), 0, (), seconds=1.0), id="webm-without-duration"),
    pytest.param(Case(("long-sound.mp4",), 0, (), seconds=3.0), id="sound-outlasts-picture"),
    pytest.param(
        Case(
            ("clip.mp4",),
            1,
            ("noise.m4a", "not audio that can be decoded"),
            5,
            extra="audio:\n  music: {path: noise.m4a}",
            media=("noise.m4a",),
        ),
        id="music-not-audio",
    ),
    # --- odd pictures -----------------------------------------------------------------
    pytest.param(
        Case(("clip.mp4", "short.mp4", "clip.mp4"), 0, ("short.mp4", "shortened")),
        id="shorter-than-transition",
    ),
    pytest.param(Case(("clip.mp4", "one.mp4", "clip.mp4"), 0, ()), id="one-frame-clip"),
    pytest.param(Case(("8k.mp4",), 0, ()), id="8k"),
    pytest.param(
        Case(
            ("8k.mp4",),
            1,
            ("8k.mp4", "7680x4320", "input limit"),
            2,
            ("--limit", "max_input_pixels=8294400"),
        ),
        id="8k-over-limit",
    ),
    pytest.param(Case(("odd.mp4",), 0, ()), id="odd-size-video"),
    pytest.param(Case(("odd.png",), 0, ()), id="odd-size-photo"),
    pytest.param(Case(("bomb.png",), 1, ("bomb.png", "400 MP"), 2), id="picture-bomb"),
    pytest.param(
        Case(("clip.mp4", "cut.jpg"), 1, ("cut.jpg", "cannot be read as a picture"), 3),
        id="truncated-photo",
    ),
]


@pytest.mark.parametrize("case", CASES)
def test_bad_media(board: Board, case: Case) -> None:
    board.add(*dict.fromkeys(case.clips + case.media))
    board.write(case.yaml())
    started = time.monotonic()

    code, output = board.render(*case.args)

    assert code == case.code, output
    for fragment in case.says:
        assert fragment in output, output
    if case.line is not None:
        assert location_of(output) is not None and location_of(output)[0] == case.line, output
    if code:
        assert time.monotonic() - started < 10, "refusing a file must not take long"
        assert_nothing_left(board)
    else:
        assert_matches_plan(board, case.args, case.seconds)


def assert_matches_plan(board: Board, args: tuple[str, ...], seconds: float | None) -> None:
    """The video exists, is the tiny canvas, lasts its plan to a frame; nothing else is left."""
    result = CliRunner().invoke(
        app, ["render", str(board.storyboard), "--dry-run", "--json", *SMALL, *args]
    )
    assert result.exit_code == 0, result.output
    planned = json.loads(result.stdout)["duration"]
    facts = inspect(board.output)
    assert (facts.width, facts.height, facts.fps) == (270, 480, 15)
    assert facts.duration == pytest.approx(planned, abs=1.5 / 15)
    if seconds is not None:
        assert planned == pytest.approx(seconds, abs=0.2)
    assert facts.audio.startswith("aac")
    assert partials(board.root) == [] and workdirs(os.getpid()) == []
    assert wait_no_ffmpeg(board.root) == []


def test_music_that_cannot_be_decoded_fails_fast_and_named(
    board: Board, private_temp: Path
) -> None:
    board.add("clip.mp4", "bad-audio.mp4")
    board.write(Case(("clip.mp4",), 0, (), extra="audio:\n  music: {path: bad-audio.mp4}").yaml())

    code, errors = run_montage(["render", str(board.storyboard), "-q", *SMALL], private_temp, 8)

    assert code is not None, "a render with undecodable music was still running after 8 s"
    assert code != 0 and "bad-audio.mp4" in errors and location_of(errors), errors
    assert not board.output.exists()
