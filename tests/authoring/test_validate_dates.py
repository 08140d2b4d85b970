"""`montage validate` lists each clip's date and where it came from; dates may be omitted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.authoring.conftest import CopyClips, run_cli

NAMES = ["VID_20230115_123456.mp4", "exif_naive.jpg", "nodate.mp4", "utc.mp4"]
STORYBOARD = """\
clips:
  - path: VID_20230115_123456.mp4
  - path: exif_naive.jpg
  - path: nodate.mp4
  - path: utc.mp4
    date: 2023-01-23 09:15
"""


@pytest.fixture
def board(tmp_path: Path, copy_clips: CopyClips) -> Path:
    folder = copy_clips(tmp_path / "board", NAMES)
    path = folder / "sb.yaml"
    path.write_text(STORYBOARD, encoding="utf-8")
    return path


def test_one_line_per_clip_with_its_source(board: Path) -> None:
    result = run_cli("validate", board)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"OK {board}: 4 clips")
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[1:]]
    assert [(r[0], r[2]) for r in rows] == [
        ("VID_20230115_123456.mp4", "filename"),
        ("exif_naive.jpg", "exif"),
        ("nodate.mp4", "mtime (guess)"),
        ("utc.mp4", "storyboard"),
    ]
    assert rows[0][1] == "2023-01-15 12:34"
    assert rows[1][1] == "2023-01-25 09:30"
    assert rows[3][1] == "2023-01-23 09:15"


def test_json_lists_the_dates(board: Path) -> None:
    result = run_cli("validate", board, "--json")
    assert result.exit_code == 0, result.output
    (report,) = json.loads(result.stdout)
    dates = report["dates"]
    assert [d["source"] for d in dates] == ["filename", "exif", "mtime", "storyboard"]
    assert [d["guess"] for d in dates] == [False, False, True, False]
    assert dates[0] == {
        "index": 0,
        "path": "VID_20230115_123456.mp4",
        "date": "2023-01-15T12:34",
        "source": "filename",
        "guess": False,
    }


def test_an_unreadable_clip_without_a_date_is_located(board: Path) -> None:
    (board.parent / "nodate.mp4").write_text("not a video")
    result = run_cli("validate", board)
    assert result.exit_code == 1  # a media problem, not an invalid storyboard
    assert re.match(rf"^{re.escape(str(board))}:4:11: clips\[2\]\.path: ", result.stderr)
    assert "nodate.mp4' is not a video or photo" in result.stderr
