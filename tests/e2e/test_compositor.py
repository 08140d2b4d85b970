"""The compositor gives the same frame whether frames are asked for in order or not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from montage.pipeline import LoadOptions, load, plan_loaded
from montage.render.compositor import Compositor
from tests.e2e.conftest import SMALL

pytestmark = pytest.mark.slow


def test_random_access_matches_sequential(clips: Path) -> None:
    storyboard = clips / "seek.yaml"
    storyboard.write_text(
        "clips:\n"
        "  - {path: clips/red.mp4, date: 2023-01-01, caption: one}\n"
        "  - {path: clips/vfr.mp4, date: 2023-01-02}\n"
        "  - {path: clips/green.jpg, date: 2023-01-03}\n"
        "transition: {kind: crossfade, duration: 0.2}\n",
        encoding="utf-8",
    )
    overrides = tuple(SMALL[1::2])
    options = LoadOptions(overrides=overrides)
    timeline = plan_loaded(load(storyboard, options), options)
    with Compositor(timeline) as compositor:
        in_order = [compositor.frame(i) for i in range(timeline.total_frames)]
    picks = [30, 2, 17, 18, 40, 5, timeline.total_frames - 1, 0]
    with Compositor(timeline) as compositor:
        for index in picks:
            assert np.array_equal(compositor.frame(index).buf, in_order[index].buf), index


def test_a_frame_held_past_the_end_of_its_clip_matches_sequential(clips: Path) -> None:
    from montage import synth

    synth.make_video(clips / "moving.mp4", width=320, height=180, duration=1.2, audio=False)
    storyboard = clips / "hold.yaml"
    storyboard.write_text(
        "clips:\n"
        "  - {path: moving.mp4, date: 2023-01-01}\n"
        "  - {path: clips/red.mp4, date: 2023-01-02}\n"
        "compare: {layout: side_by_side, duration: 3}\n",
        encoding="utf-8",
    )
    options = LoadOptions(overrides=tuple(SMALL[1::2]))
    timeline = plan_loaded(load(storyboard, options), options)
    compare = timeline.segments[-1]
    held = compare.end - 5  # the compare outlasts both clips: their last frames hold
    with Compositor(timeline) as compositor:
        in_order = [compositor.frame(i) for i in range(timeline.total_frames)]
    with Compositor(timeline) as compositor:
        for index in (held, compare.start + 2, held - 10):
            assert np.array_equal(compositor.frame(index).buf, in_order[index].buf), index
