"""A render's decoders share its budget of cores: a quarter each, at least one thread."""

from __future__ import annotations

from pathlib import Path

import pytest

from montage.cores import available_cores, decoder_threads
from montage.render import decode


@pytest.mark.parametrize(("budget", "threads"), [(1, 1), (2, 1), (4, 1), (8, 2), (16, 4)])
def test_a_decoder_gets_a_quarter_of_the_budget(budget: int, threads: int) -> None:
    assert decoder_threads(budget) == threads


def test_no_budget_means_every_core() -> None:
    assert decoder_threads(None) == max(1, available_cores() // 4)


def test_the_decoder_command_carries_the_render_budget(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"x")
    with decode.decoding_threads(16):
        command = decode._command(clip, 0.0, "-f", "null", "-")
    assert command[command.index("-threads") + 1] == "4"
    assert command[command.index("-filter_threads") + 1] == "1"
    assert command.index("-threads") < command.index("-i")  # a decoder option, not x264's
