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
