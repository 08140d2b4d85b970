"""A storyboard may only write its video inside its own folder, and only as a video."""

from __future__ import annotations

from pathlib import Path

import pytest

from montage.errors import StoryboardError
from montage.storyboard.load import load_storyboard


def board(tmp_path: Path, output: str) -> Path:
    (tmp_path / "a.mp4").write_bytes(b"")
    path = tmp_path / "s.yaml"
    path.write_text(
        f"clips:\n  - {{path: a.mp4, date: 2023-01-01}}\noutput: {{path: {output!r}}}\n"
    )
    return path


@pytest.mark.parametrize(
    ("output", "message"),
    [
        ("../../root/.bashrc", "is not an .mp4 file"),
        ("/tmp/elsewhere.mp4", "outside the storyboard folder"),
        ("../x.mp4", "outside the storyboard folder"),
        ("http://host/x.mp4", "is not a local file path"),
        ("s.yaml", "is not an .mp4 file"),
    ],
)
def test_hostile_output_paths_are_refused(tmp_path: Path, output: str, message: str) -> None:
    with pytest.raises(StoryboardError) as caught:
        load_storyboard(board(tmp_path, output))
    problem = caught.value.problems[0]
    assert problem.path == "output.path" and message in problem.message
    assert problem.location is not None and problem.location.line == 3


def test_allowed_root_widens_the_output_too(tmp_path: Path) -> None:
    elsewhere = tmp_path.parent / f"{tmp_path.name}-out"
    elsewhere.mkdir()
    loaded = load_storyboard(board(tmp_path, str(elsewhere / "x.mp4")), allow_outside=(elsewhere,))
    assert loaded.output_path() == elsewhere / "x.mp4"


def test_output_inside_a_subfolder_is_fine(tmp_path: Path) -> None:
    loaded = load_storyboard(board(tmp_path, "out/montage.mp4"))
    assert loaded.output_path() == tmp_path.resolve() / "out" / "montage.mp4"
