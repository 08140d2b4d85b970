"""Acceptance table of invalid storyboards: every problem is located and explained.

Each case writes a small storyboard into `board/` (beside empty stand-in media files),
loads it and expects exactly one problem, at an exact `line:col` and field path, with a
key fragment of its message (and of its hint where the hint carries the fix).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from montage.errors import Location, MontageError, Problem, StoryboardError
from montage.storyboard.load import LoadedStoryboard, load_storyboard

pytestmark = pytest.mark.usefixtures("no_user_presets")

BOARD = "board/storyboard.yaml"
PRESETS = "mypresets"
CLIP = "clips:\n  - path: a.mp4\n"  # lines 1-2; a case's own lines start at line 3
BUILTIN = "bold, landscape, minimal, portrait, reel, square, story"


@dataclass(frozen=True)
class Case:
    """One invalid storyboard and the single problem it must produce."""

    yaml: str | bytes
    line: int
    col: int
    path: str  # field path, e.g. clips[0].trim.end ("" for whole-file YAML problems)
    message: str = ""  # fragment of Problem.message
    hint: str = ""  # fragment of Problem.hint
    where: str = BOARD  # file relative to tmp_path, or a literal "--set ..." origin
    overrides: tuple[str, ...] = ()
    setup: Callable[[Path], None] | None = None  # receives tmp_path


def preset(name: str, text: str) -> Callable[[Path], None]:
    """Setup step writing a user preset into tmp_path/mypresets."""

    def write(root: Path) -> None:
        folder = root / PRESETS
        folder.mkdir(exist_ok=True)
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")

    return write


def secret_file(root: Path) -> Path:
    """A media-looking file just outside the storyboard folder."""
    secret = root / "secret.mp4"
    secret.touch()
    return secret


def symlink_outside(root: Path) -> None:
    (root / "board" / "link.mp4").symlink_to(secret_file(root))


def symlink_to_device(root: Path) -> None:
    (root / "board" / "null.mp4").symlink_to("/dev/null")


def fifo(root: Path) -> None:
    os.mkfifo(root / "board" / "pipe.mp4")


CASES = [
    # --- unknown keys, with did-you-mean -------------------------------------------------
    pytest.param(
        Case(
            CLIP + "    captoin: First steps\n",
            3,
            5,
            "clips[0].captoin",
            "unknown key 'captoin'",
            "did you mean 'caption'?",
        ),
        id="clip-key-captoin",
    ),
    pytest.param(
        Case(
            "titel: Recovery\n" + CLIP,
            1,
            1,
            "titel",
            "unknown key 'titel'",
            "did you mean 'title'?",
        ),
        id="top-level-key-titel",
    ),
    pytest.param(
        Case(
            CLIP + "    trim: {strat: 1, end: 2}\n",
            3,
            12,
            "clips[0].trim.strat",
            "unknown key 'strat'",
            "did you mean 'start'?",
        ),
        id="trim-key-strat",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  countr: 'Day {day}'\n",
            4,
            3,
            "overlays.countr",
            "unknown key 'countr'",
            "did you mean 'counter'?",
        ),
        id="overlays-key-countr",
    ),
    pytest.param(
        Case(
            CLIP + "output:\n  fsp: 25\n",
            4,
            3,
            "output.fsp",
            "unknown key 'fsp'",
            "did you mean 'fps'?",
        ),
        id="output-key-fsp",
    ),
    pytest.param(
        Case(
            CLIP + "style:\n  caption:\n    sise: 50\n",
            5,
            5,
            "style.caption.sise",
            "unknown key 'sise'",
            "did you mean 'size'?",
        ),
        id="style-caption-key-sise",
    ),
    # --- clips ---------------------------------------------------------------------------
    pytest.param(
        Case("clips:\n  - date: 2023-01-06\n", 2, 5, "clips[0].path", "required", "add `path:`"),
        id="clip-without-path",
    ),
    pytest.param(
        Case("clips: []\n", 1, 8, "clips", "at least 1 item", "add at least one clip"),
        id="no-clips",
    ),
    pytest.param(
        Case("clips:\n" + "  - path: a.mp4\n" * 501, 2, 3, "clips", "at most 500 items"),
        id="501-clips",
    ),
    pytest.param(
        Case("clips:\n  path: a.mp4\n", 2, 3, "clips", "valid list"),
        id="mapping-where-list-expected",
    ),
    pytest.param(
        Case(
            CLIP + "    trim: {start: 3, end: 2}\n",
            3,
            27,
            "clips[0].trim.end",
            "end (2s) must be after start (3s)",
        ),
        id="trim-end-before-start",
    ),
    pytest.param(
        Case(
            CLIP + "    trim: {start: 2.5, end: 2.5s}\n",
            3,
            29,
            "clips[0].trim.end",
            "must be after start",
        ),
        id="trim-end-equals-start",
    ),
    pytest.param(
        Case(
            CLIP + "    trim: {start: 1:2:3:4}\n",
            3,
            19,
            "clips[0].trim.start",
            "'1:2:3:4' is not a time",
        ),
        id="trim-bad-format",
    ),
    pytest.param(
        Case(CLIP + "    trim: {start: '1:75'}\n", 3, 19, "clips[0].trim.start", "below 60"),
        id="trim-seconds-past-59",
    ),
    pytest.param(
        Case(CLIP + "    speed: 0.05\n", 3, 12, "clips[0].speed", "greater than or equal to 0.1"),
        id="speed-too-slow",
    ),
    pytest.param(
        Case(CLIP + "    speed: 11\n", 3, 12, "clips[0].speed", "less than or equal to 10"),
        id="speed-too-fast",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: photo.jpg\n    duration: abc\n",
            3,
            15,
            "clips[0].duration",
            "'abc' is not a time",
        ),
        id="duration-abc",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: photo.jpg\n    duration: '-1'\n",
            3,
            15,
            "clips[0].duration",
            "'-1' is not a time",
        ),
        id="duration-minus-1-quoted",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: photo.jpg\n    duration: -1\n",
            3,
            15,
            "clips[0].duration",
            ">= 0, got -1",
        ),
        id="duration-minus-1",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: photo.jpg\n    duration: 0\n",
            3,
            15,
            "clips[0].duration",
            "longer than 0 seconds",
        ),
        id="duration-zero",
    ),
    pytest.param(
        Case(
            CLIP + "    caption: yes\n    mute: true\n    label: true\n",
            5,
            12,
            "clips[0].label",
            "valid string",
            "put the text in quotes",
        ),
        id="label-true",
    ),
    # --- dates ---------------------------------------------------------------------------
    pytest.param(
        Case(
            CLIP + "    date: 2023-02-30\n",
            3,
            11,
            "clips[0].date",
            "'2023-02-30' is not a valid date (day is out of range for month)",
        ),
        id="date-feb-30",
    ),
    pytest.param(
        Case(CLIP + "    date: 2023-13-01\n", 3, 11, "clips[0].date", "month must be in 1..12"),
        id="date-month-13",
    ),
    pytest.param(
        Case(
            CLIP + "    date: 2999-01-01\n", 3, 11, "clips[0].date", "2999-01-01 is in the future"
        ),
        id="date-in-future",
    ),
    pytest.param(
        Case(
            "start_date: 2023-05-01\n" + CLIP + "    date: 2023-01-06\n",
            1,
            13,
            "start_date",
            "2023-05-01 is after the first clip (2023-01-06)",
            "set start_date earlier",
        ),
        id="start-date-after-first-clip",
    ),
    # --- overlays ------------------------------------------------------------------------
    pytest.param(
        Case(
            CLIP + "overlays:\n  counter: 'Day {dya}'\n",
            4,
            12,
            "overlays.counter",
            "unknown placeholder {dya}; use one of {day}, {week}, {days}, {month}",
        ),
        id="counter-unknown-placeholder",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  counter: 'Day {day'\n",
            4,
            12,
            "overlays.counter",
            "broken placeholder",
        ),
        id="counter-broken-brace",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  date_stamp: 'b d, Y'\n",
            4,
            15,
            "overlays.date_stamp",
            "no strftime directive",
        ),
        id="date-stamp-without-percent",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  hashtags: [recovery]\n",
            4,
            14,
            "overlays.hashtags[0]",
            "'recovery' must start with '#', e.g. '#recovery'",
        ),
        id="hashtag-without-hash",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  hashtags: ['#ok', '#one step']\n",
            4,
            21,
            "overlays.hashtags[1]",
            "contains ' '",
        ),
        id="hashtag-with-space",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  hashtags: ['#wow!']\n",
            4,
            14,
            "overlays.hashtags[0]",
            "contains '!'",
        ),
        id="hashtag-with-punctuation",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  hashtags: '#'\n",
            4,
            13,
            "overlays.hashtags",
            "at least one character after '#'",
        ),
        id="hashtag-bare-hash",
    ),
    # --- output --------------------------------------------------------------------------
    pytest.param(
        Case(CLIP + "output:\n  width: 1081\n", 4, 10, "output.width", "1081 is odd"),
        id="width-odd",
    ),
    pytest.param(
        Case(
            CLIP + "output:\n  width: 4098\n", 4, 10, "output.width", "less than or equal to 4096"
        ),
        id="width-too-large",
    ),
    pytest.param(
        Case(CLIP + "output:\n  fps: 0\n", 4, 8, "output.fps", "greater than or equal to 1"),
        id="fps-0",
    ),
    pytest.param(
        Case(CLIP + "output:\n  fps: 121\n", 4, 8, "output.fps", "less than or equal to 120"),
        id="fps-121",
    ),
    pytest.param(
        Case(CLIP + "output:\n  crf: 52\n", 4, 8, "output.crf", "less than or equal to 51"),
        id="crf-52",
    ),
    pytest.param(
        Case(
            CLIP + "output:\n  x264_preset: veryfats\n",
            4,
            16,
            "output.x264_preset",
            "'ultrafast'",
            "did you mean 'veryfast'?",
        ),
        id="x264-preset-typo",
    ),
    # --- style, transition, compare ------------------------------------------------------
    pytest.param(
        Case(
            CLIP + "transition: {kind: crosfade}\n",
            3,
            20,
            "transition.kind",
            "'cut', 'crossfade', 'fade_black' or 'slide'",
            "did you mean 'crossfade'?",
        ),
        id="transition-kind-typo",
    ),
    pytest.param(
        Case(CLIP + "background: '#12345'\n", 3, 13, "background", "'#12345' is not a colour"),
        id="colour-five-digits",
    ),
    pytest.param(
        Case(
            CLIP + "style:\n  caption: {color: '#GG0000'}\n",
            4,
            20,
            "style.caption.color",
            "'#GG0000' is not a colour",
        ),
        id="colour-not-hex",
    ),
    pytest.param(
        Case(CLIP + "    fit: stretch\n", 3, 10, "clips[0].fit", "'cover', 'contain' or 'blur'"),
        id="fit-invalid",
    ),
    pytest.param(
        Case(
            CLIP + "    label: start\ncompare:\n  before: begin\n",
            5,
            11,
            "compare.before",
            "'begin' names no clip",
            "or a label: start",
        ),
        id="compare-unknown-label",
    ),
    pytest.param(
        Case(
            CLIP + "compare: {after: '7'}\n",
            3,
            18,
            "compare.after",
            "'7' names no clip",
            "a clip number 1-1",
        ),
        id="compare-clip-number-out-of-range",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: a.mp4\n    label: x\n  - path: b.mp4\n    label: x\n",
            5,
            12,
            "clips[1].label",
            "label 'x' is already used by clips[0]",
        ),
        id="duplicate-labels",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: photo.jpg\n    trim: {start: 1}\n",
            3,
            11,
            "clips[0].trim",
            "a photo cannot be trimmed",
            "use `duration:`",
        ),
        id="trim-on-photo",
    ),
    pytest.param(
        Case("version: 2\n" + CLIP, 1, 10, "version", "Input should be 1"),
        id="version-2",
    ),
    # --- paths ---------------------------------------------------------------------------
    pytest.param(
        Case(
            "clips:\n  - path: https://example.com/a.mp4\n",
            2,
            11,
            "clips[0].path",
            "looks like a URL or ffmpeg protocol",
        ),
        id="path-url",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: 'concat:a.mp4|b.mp4'\n",
            2,
            11,
            "clips[0].path",
            "looks like a URL or ffmpeg protocol",
        ),
        id="path-concat-protocol",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: 'subfile,,start,0,end,10,,:a.mp4'\n",
            2,
            11,
            "clips[0].path",
            "looks like a URL or ffmpeg protocol",
        ),
        id="path-subfile-protocol",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: pipe:0\n",
            2,
            11,
            "clips[0].path",
            "looks like a URL or ffmpeg protocol",
        ),
        id="path-pipe-protocol",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: ../secret.mp4\n",
            2,
            11,
            "clips[0].path",
            "'../secret.mp4' is outside the storyboard folder",
            "--allow-outside",
            setup=secret_file,
        ),
        id="path-dotdot-escapes",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: '{root}/secret.mp4'\n",
            2,
            11,
            "clips[0].path",
            "is outside the storyboard folder",
            setup=secret_file,
        ),
        id="path-absolute-outside",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: link.mp4\n",
            2,
            11,
            "clips[0].path",
            "'link.mp4' is outside the storyboard folder through a symlink",
            setup=symlink_outside,
        ),
        id="path-symlink-outside",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: null.mp4\n",
            2,
            11,
            "clips[0].path",
            "outside the storyboard folder through a symlink",
            setup=symlink_to_device,
        ),
        id="path-symlink-to-device",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: pipe.mp4\n",
            2,
            11,
            "clips[0].path",
            "'pipe.mp4' is not a regular file",
            setup=fifo,
        ),
        id="path-fifo",
    ),
    pytest.param(
        Case(
            "clips:\n  - path: walkr.mp4\n",
            2,
            11,
            "clips[0].path",
            "'walkr.mp4' not found",
            "did you mean 'walker.mp4'?",
        ),
        id="path-missing-near-name",
    ),
    pytest.param(
        Case(
            CLIP + "audio:\n  music: {path: song.mp3}\n",
            4,
            17,
            "audio.music.path",
            "'song.mp3' not found",
        ),
        id="music-path-missing",
    ),
    # --- YAML itself ---------------------------------------------------------------------
    pytest.param(
        Case("x: &clip a.mp4\nclips:\n  - path: *clip\n", 3, 11, "", "aliases (*name)"),
        id="yaml-alias",
    ),
    pytest.param(
        Case(CLIP + "    path: b.mp4\n", 3, 5, "clips[0].path", "duplicate key 'path'"),
        id="yaml-duplicate-key",
    ),
    pytest.param(
        Case(CLIP + "   caption: [oops\n", 3, 4, "", "YAML syntax"),
        id="yaml-syntax-error",
    ),
    pytest.param(
        Case(CLIP.encode() + b"    caption: caf\xe9\n", 3, 17, "", "byte 0xe9 is not UTF-8"),
        id="yaml-not-utf8",
    ),
    pytest.param(
        Case("- path: a.mp4\n", 1, 1, "", "a storyboard is a mapping"),
        id="storyboard-is-a-list",
    ),
    pytest.param(
        Case(
            "base: {path: a.mp4}\nclips:\n  - <<: {path: a.mp4}\n",
            3,
            5,
            "clips[0]",
            "merge keys (<<) are not allowed",
        ),
        id="yaml-merge-key",
    ),
    pytest.param(
        Case(
            CLIP + "    caption: !!python/object:os.system x\n",
            3,
            14,
            "",
            "tag 'tag:yaml.org,2002:python/object:os.system' is not allowed",
        ),
        id="yaml-python-tag",
    ),
    # --- presets and --set ---------------------------------------------------------------
    pytest.param(
        Case(
            "preset: reels\n" + CLIP,
            1,
            9,
            "preset",
            "no preset named 'reels'",
            f"available: {BUILTIN}",
        ),
        id="preset-unknown",
    ),
    pytest.param(
        Case(
            "preset: [reel, custom]\n" + CLIP,
            3,
            8,
            "output.fps",
            "less than or equal to 120",
            where=f"{PRESETS}/custom.yaml",
            setup=preset("custom", "description: mine\noutput:\n  fps: 500\n"),
        ),
        id="preset-file-error-located-in-preset",
    ),
    pytest.param(
        Case(
            "preset: custom\n" + CLIP,
            2,
            1,
            "clips",
            "a preset cannot set 'clips'",
            where=f"{PRESETS}/custom.yaml",
            setup=preset("custom", "description: mine\nclips: []\n"),
        ),
        id="preset-with-clips",
    ),
    pytest.param(
        Case(
            CLIP,
            0,
            0,
            "output.fps",
            "valid integer",
            where="--set output.fps=abc",
            overrides=("output.fps=abc",),
        ),
        id="set-override-error",
    ),
    pytest.param(
        Case(
            CLIP,
            0,
            0,
            "output.fsp",
            "unknown key 'fsp'",
            "did you mean 'fps'?",
            where="--set output.fsp=25",
            overrides=("output.fsp=25",),
        ),
        id="set-override-unknown-key",
    ),
    # --- crashes found by these tests (fixed): now located problems ----------------------
    pytest.param(
        Case('clips:\n  - path: "a\\0.mp4"\n', 2, 11, "clips[0].path", "NUL byte"),
        id="path-with-nul",
    ),
    pytest.param(
        Case("clips:\n  - path: ~nosuchuser/a.mp4\n", 2, 11, "clips[0].path", "not found"),
        id="path-tilde-not-expanded",
    ),
    pytest.param(
        Case('clips:\n  - path: "' + "x" * 300 + '.mp4"\n', 2, 11, "clips[0].path", "too long"),
        id="path-name-too-long",
    ),
    pytest.param(
        Case('preset: "' + "x" * 300 + '"\n' + CLIP, 1, 9, "preset", "is not a preset name"),
        id="preset-name-too-long",
    ),
    pytest.param(
        Case(
            "preset: custom\n" + CLIP,
            1,
            10,
            "extends",
            "`extends:` names a preset or a list of presets",
            where=f"{PRESETS}/custom.yaml",
            setup=preset("custom", "extends: 5\n"),
        ),
        id="preset-extends-number",
    ),
    pytest.param(
        Case(
            CLIP,
            0,
            0,
            "output.fps",
            "greater than or equal to 1",
            where="--set output.fps=0",
            overrides=("output.fps=25", "output.fps=0"),
        ),
        id="set-twice-located-at-last",
    ),
    pytest.param(
        Case("clips:\n  - path: 5\n", 2, 11, "clips[0].path", "'5' not found"),
        id="path-numeric-checked",
    ),
    pytest.param(
        Case(
            CLIP + "overlays:\n  counter: 'Day {}'\n",
            4,
            12,
            "overlays.counter",
            "unknown placeholder {}",
        ),
        id="counter-empty-placeholder",
    ),
    pytest.param(
        Case(
            CLIP + "    speed: 1" + "0" * 5000 + "\n",
            3,
            12,
            "clips[0].speed",
            "less than or equal to 10",
        ),
        id="huge-integer",
    ),
    pytest.param(
        Case(
            CLIP + "overlays: {counter: 'Day {day:>>>}'}\n",
            3,
            21,
            "overlays.counter",
            "cannot fill 'Day {day:>>>}'",
            "",
        ),
        id="counter-format-spec",
    ),
    pytest.param(
        Case("", 0, 0, "", "a storyboard is a mapping with at least `clips:`", "montage init"),
        id="empty-file-names-the-file",
    ),
    pytest.param(
        Case(
            CLIP + "    fit: blur-pod\n",
            3,
            10,
            "clips[0].fit",
            "'cover', 'contain' or 'blur'",
            "did you mean 'blur'?",
        ),
        id="fit-typo",
    ),
    pytest.param(
        Case("time_zone: Mars/Base\n" + CLIP, 1, 12, "time_zone", "not a time zone"),
        id="unknown-time-zone",
    ),
    pytest.param(
        Case(
            CLIP + "    caption: 'Well done {{ name }}!'\n",
            3,
            14,
            "clips[0].caption",
            "this looks like a template",
            "`template:` in a batch file",
        ),
        id="template-rendered-directly",
    ),
    pytest.param(
        Case(
            CLIP + "overlays: {counter: '{day:>1500000000}'}\n",
            3,
            21,
            "overlays.counter",
            "a width or precision of at most 99",
        ),
        id="counter-width-bomb",
    ),
    pytest.param(
        Case(
            CLIP + "overlays: {date_stamp: '%1000Y'}\n",
            3,
            24,
            "overlays.date_stamp",
            "longer than 100 characters",
        ),
        id="date-stamp-width",
    ),
    pytest.param(
        Case("version: true\n" + CLIP, 1, 10, "version", "write `version: 1`"),
        id="version-true",
    ),
]


def load_problems(path: Path, overrides: tuple[str, ...], presets_dir: Path) -> list[Problem]:
    """The problems of loading `path`; fails the test if it loads."""
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(path, overrides=overrides, presets_dirs=(presets_dir,))
    return caught.value.problems


def expected_location(case: Case, root: Path) -> Location:
    origin = case.where if case.where.startswith("--set") else str(root / case.where)
    return Location(origin, case.line, case.col)


def listing(problems: list[Problem]) -> str:
    return "\n".join(str(p) for p in problems)


def test_table_is_large_enough() -> None:
    assert len(CASES) >= 45


@pytest.mark.parametrize("case", CASES)
def test_problem_is_located(case: Case, tmp_path: Path, write_board: Any) -> None:
    if case.setup is not None:
        case.setup(tmp_path)
    content = (
        case.yaml if isinstance(case.yaml, bytes) else case.yaml.replace("{root}", str(tmp_path))
    )
    problems = load_problems(write_board(content), case.overrides, tmp_path / PRESETS)

    assert len(problems) == 1, listing(problems)
    problem = problems[0]
    assert problem.location == expected_location(case, tmp_path), str(problem)
    assert problem.path == case.path
    assert case.message in problem.message
    assert case.hint in problem.hint


# --- values that look odd but are valid --------------------------------------------------


def load(write_board: Any, text: str) -> LoadedStoryboard:
    return load_storyboard(write_board(text))


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("1:02.5", 62.5), ("2.5s", 2.5), ("'2.5'", 2.5), ("3", 3.0), ("0:00:04", 4.0)],
)
def test_duration_forms_are_valid(write_board: Any, written: str, seconds: float) -> None:
    loaded = load(write_board, f"clips:\n  - path: photo.jpg\n    duration: {written}\n")
    assert loaded.storyboard.clips[0].duration == seconds


@pytest.mark.parametrize(
    ("written", "caption"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("1:30", "1:30"),
        ("42", "42"),
        ("0755", "0755"),
        ("2023-01-06", "2023-01-06"),
        ("'true'", "true"),
        ("1.50", "1.50"),
        ("1e3", "1e3"),
        ("007", "007"),
    ],
)
def test_caption_keeps_text_as_written(write_board: Any, written: str, caption: str) -> None:
    loaded = load(write_board, f"clips:\n  - path: a.mp4\n    caption: {written}\n")
    assert loaded.storyboard.clips[0].caption == caption


def test_emoji_hashtags_are_valid(write_board: Any) -> None:
    text = CLIP + "overlays:\n  hashtags: ['#💪', '#strong💪🏽', '#one_foot', '#día1']\n"
    loaded = load(write_board, text)
    assert loaded.storyboard.overlays.hashtags == ["#💪", "#strong💪🏽", "#one_foot", "#día1"]


# --- every problem at once ---------------------------------------------------------------

MANY = """\
version: 2
titel: x
clips:
  - path: a.mp4
    speed: 0
    captoin: hi
  - path: missing.mp4
    date: 2023-02-30
output:
  fps: 0
  width: 1081
"""

MANY_EXPECTED = [
    (1, 10, "version"),
    (2, 1, "titel"),
    (5, 12, "clips[0].speed"),
    (6, 5, "clips[0].captoin"),
    (7, 11, "clips[1].path"),
    (8, 11, "clips[1].date"),
    (10, 8, "output.fps"),
    (11, 10, "output.width"),
]


def test_all_problems_reported_at_once(write_board: Any) -> None:
    path = write_board(MANY)
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(path)
    problems = caught.value.problems
    found = [(p.location.line, p.location.column, p.path) for p in problems if p.location]
    assert found == MANY_EXPECTED, listing(problems)
    assert len(problems) == 8
    assert all(p.location.file == str(path) for p in problems if p.location)


def test_error_text_lists_each_problem_on_its_own_line(write_board: Any) -> None:
    path = write_board(MANY)
    with pytest.raises(MontageError) as caught:
        load_storyboard(path)
    lines = str(caught.value).splitlines()
    assert len(lines) == 8
    assert lines[2].startswith(f"{path}:5:12: clips[0].speed: ")


HIDDEN = """\
preset: reeel
start_date: 2023-02-01
clips:
  - path: a.mp4
    date: 2023-01-06
    speed: 99
  - path: photo.jpg
    date: 2023-01-08
    trim: {start: 0, end: 1}
"""


def test_cross_field_and_preset_problems_do_not_hide_the_others(write_board: Any) -> None:
    path = write_board(HIDDEN)
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(path)
    found = [(p.location.line, p.path) for p in caught.value.problems if p.location]
    assert found == [
        (1, "preset"),
        (2, "start_date"),
        (6, "clips[0].speed"),
        (9, "clips[1].trim"),
    ], listing(caught.value.problems)
    speed = caught.value.problems[2]
    assert speed.hint == "use a value from 0.1 to 10"


def test_blur_pad_is_blur(write_board: Any) -> None:
    loaded = load(write_board, CLIP + "    fit: blur-pad\n")
    assert loaded.storyboard.clips[0].fit == "blur"
