"""The --dry-run table lists every overlay a segment shows, spanning ones included."""

from __future__ import annotations

from montage.cli.plan_table import _overlays
from tests.unit.test_planner import THREE, make_board, run


def test_hashtags_and_the_bar_are_listed_where_they_show() -> None:
    board = make_board(
        THREE,
        overlays={"counter": "Day {day}", "hashtags": ["#onefoot"], "progress_bar": True},
        title_card={"text": "Recovery", "duration": 2},
        transition={"kind": "crossfade", "duration": 0.5},
    )
    timeline = run(board)
    rows = [_overlays(timeline, n) for n in range(len(timeline.segments))]
    assert rows[0] == "title"  # the hashtags only fade in over its last half second
    assert all("hashtags" in row and "progress_bar" in row for row in rows[1:]), rows
