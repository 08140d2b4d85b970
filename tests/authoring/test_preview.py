"""`montage preview`: the contact sheet shows every segment as rendered; `--fast` proxy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from montage.authoring import sheet
from montage.authoring.thumbs import pick_frames, thumbnail_size
from montage.media.probe import probe
from montage.pipeline import LoadOptions, load, plan_loaded
from tests.authoring.conftest import SMALL, CopyClips, run_cli

# Red (Jan 15), lime (Jan 16) and blue (Jan 26): the rows must come in that order.
COLOURS = {"VID_20230115_123456.mp4": 0, "green.mp4": 1, "nodate.mp4": 2}
STORYBOARD = """\
title: Colours
preset: reel
clips:
  - path: nodate.mp4
    caption: Blue last
  - path: VID_20230115_123456.mp4
    caption: Red first 💪
  - path: green.mp4
overlays: {counter: "Day {day}"}
title_card: {text: Hello, duration: 1}
transition: {kind: crossfade, duration: 0.2}
"""


@pytest.fixture
def board(tmp_path: Path, copy_clips: CopyClips) -> Path:
    folder = copy_clips(tmp_path / "colours", COLOURS)
    path = folder / "colours.yaml"
    path.write_text(STORYBOARD, encoding="utf-8")
    return path


def _row_thumbs(image: Image.Image, rows: int, thumb: tuple[int, int]) -> list[list[np.ndarray]]:
    """Cut each row's three thumbnails out of the sheet, by the sheet's own layout."""
    pixels = np.asarray(image.convert("RGB"))
    row_h = sheet.row_height(thumb[1])
    cut = []
    for row in range(rows):
        top = sheet.HEADER_H + row * row_h + sheet.GAP
        lefts = [sheet.MARGIN + sheet.NUMBER_W + i * (thumb[0] + sheet.GAP) for i in range(3)]
        cut.append([pixels[top : top + thumb[1], x : x + thumb[0]] for x in lefts])
    return cut


def test_contact_sheet_shows_every_segment_in_date_order(board: Path) -> None:
    result = run_cli("preview", board, "--json", *SMALL)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    output = Path(report["output"])
    assert output == board.with_name("colours.contact.png")
    assert report["segments"] == 4  # title card + three clips
    thumb = tuple(report["thumb_size"])
    assert thumb == thumbnail_size(270, 480)
    with Image.open(output) as image:
        assert image.size == tuple(report["size"])
        rows = _row_thumbs(image, 4, thumb)
    for number, thumbs in enumerate(rows):
        for picture in thumbs:
            assert picture.std() > 3, f"row {number + 1} has a blank thumbnail"
    for name, index in COLOURS.items():
        centre = rows[index + 1][1][thumb[1] // 2 - 4 : thumb[1] // 2 + 4, thumb[0] // 2]
        channel = int(np.argmax(centre.mean(axis=0)))
        assert channel == index, f"row {index + 2} should show {name}"


def test_guides_tint_what_lies_outside_the_safe_zone(board: Path, tmp_path: Path) -> None:
    plain, guided = tmp_path / "plain.png", tmp_path / "guided.png"
    assert run_cli("preview", board, "-o", plain, *SMALL).exit_code == 0
    assert run_cli("preview", board, "-o", guided, "--guides", *SMALL).exit_code == 0
    with Image.open(plain) as a, Image.open(guided) as b:
        assert a.size == b.size
        thumb = thumbnail_size(270, 480)
        before, after = _row_thumbs(a, 4, thumb), _row_thumbs(b, 4, thumb)
    # The top of a reel thumbnail is outside the safe zone: the dark title card turns
    # magenta there (red and blue up, green not), and stays as it was in the middle.
    top_before, top_after = before[0][1][:8].astype(int), after[0][1][:8].astype(int)
    gain = (top_after - top_before).mean(axis=(0, 1))
    assert gain[0] > 20 and gain[2] > 10 and gain[1] < 5
    middle = (slice(thumb[1] // 2 - 5, thumb[1] // 2 + 5), slice(thumb[0] // 2 - 5, thumb[0] // 2))
    assert np.array_equal(before[0][1][middle], after[0][1][middle])


def test_thumbnails_avoid_transitions(board: Path) -> None:
    options = LoadOptions(overrides=tuple(SMALL[1::2]))
    timeline = plan_loaded(load(board, options), options)
    for number, segment in enumerate(timeline.segments):
        first, middle, last = pick_frames(timeline, number)
        assert segment.start + segment.enter.frames == first < middle < last < segment.end
        assert len(timeline.segments_at(first)) == len(timeline.segments_at(last)) == 1


def test_fast_proxy_is_small_and_low_rate(board: Path) -> None:
    args = ["--set", "output.width=540", "--set", "output.height=960"]
    plan = run_cli("render", board, "--dry-run", "--json", *args)
    result = run_cli("preview", board, "--fast", "--json", *args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    output = Path(report["output"])
    assert output == board.with_name("colours.proxy.mp4")
    info = probe(output)
    assert (info.width, info.height, info.fps) == (180, 320, 15)
    assert abs(info.duration - json.loads(plan.stdout)["duration"]) < 0.1


def test_fast_and_guides_do_not_mix(board: Path) -> None:
    result = run_cli("preview", board, "--fast", "--guides")
    assert result.exit_code == 2


def test_invalid_storyboard_exits_3(board: Path) -> None:
    board.write_text("clips:\n  - path: missing.mp4\n", encoding="utf-8")
    result = run_cli("preview", board)
    assert result.exit_code == 3
    assert "missing.mp4" in result.stderr


def test_refuses_to_overwrite_an_input(board: Path) -> None:
    result = run_cli("preview", board, "-o", board.with_name("green.mp4"), *SMALL)
    assert result.exit_code != 0
    assert "refusing to write over green.mp4" in result.stderr
