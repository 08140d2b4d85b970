"""Real renders through the CLI: container facts, timing, and pixels where features show."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from tests.e2e.conftest import SMALL, frame_at, inspect, run_cli

pytestmark = pytest.mark.slow

COLOURS = {
    "red": (224, 32, 32),
    "green": (32, 192, 32),
    "blue": (32, 64, 224),
    "yellow": (224, 224, 32),
}

STORYBOARD = """
preset: reel
start_date: 2023-01-01
clips:
  - {path: clips/blue.mp4, date: 2023-01-20, caption: "Walking on my own! 💪👍"}
  - {path: clips/red.mp4, date: 2023-01-04, caption: First steps}
  - {path: clips/green.jpg, date: 2023-01-10, duration: 1.0}
  - {path: clips/vfr.mp4, date: 2023-01-25}
overlays: {counter: "Day {day}", progress_bar: true, hashtags: ["#onefoot"]}
transition: {kind: crossfade, duration: 0.2}
compare: {layout: side_by_side, duration: 1}
audio: {music: {path: clips/music.m4a, volume: 0.3, duck: true}}
output: {path: out/montage.mp4}
"""


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def plan_of(storyboard: Path, *extra: str) -> dict:
    code, text = run_cli("render", str(storyboard), "--dry-run", "--json", *SMALL, *extra)
    assert code == 0, text
    return json.loads(text)


def dominant(pixels: np.ndarray) -> str:
    mean = pixels.reshape(-1, 3).mean(axis=0)
    return min(COLOURS, key=lambda name: float(np.abs(mean - COLOURS[name]).sum()))


@pytest.fixture(scope="module")
def rendered(clips: Path) -> tuple[Path, dict]:
    storyboard = write(clips, "montage.yaml", STORYBOARD)
    plan = plan_of(storyboard)
    code, text = run_cli("render", str(storyboard), "--quiet", *SMALL)
    assert code == 0, text
    return clips / "out" / "montage.mp4", plan


def test_container_is_what_platforms_want(rendered: tuple[Path, dict]) -> None:
    path, plan = rendered
    info = inspect(path)
    assert (info.width, info.height, info.fps) == (270, 480, 15)
    assert "h264 (High)" in info.video and "yuv420p" in info.video
    assert info.audio.startswith("aac") and "48000 Hz" in info.audio
    assert info.moov_first
    assert abs(info.duration - plan["duration"]) <= 1 / 15 + 0.03


def test_clips_appear_in_date_order(rendered: tuple[Path, dict]) -> None:
    path, plan = rendered
    clips = [s for s in plan["segments"] if s["kind"] == "clip"]
    seen = []
    for segment in clips:
        middle = (segment["start"] + segment["frames"] / 2) / 15
        frame = frame_at(path, middle)
        seen.append(dominant(frame[150:330, 20:250]))  # between the counter and the caption
    assert seen == ["red", "green", "blue", "yellow"]


def test_caption_really_appears(rendered: tuple[Path, dict]) -> None:
    path, plan = rendered
    caption = next(t for t in plan["texts"] if t["kind"] == "caption")
    x, y = caption["position"]
    w, h = caption["size"]
    frame = frame_at(path, (caption["start"] + caption["end"]) / 2 / 15).astype(int)
    inside = frame[y : y + h, x : x + w]
    plain = np.array(COLOURS["red"])
    assert np.abs(inside - plain).sum(axis=2).mean() > 60  # dark box and white text
    assert (inside.min(axis=2) > 200).sum() > 20  # white text pixels


def test_side_by_side_shows_before_and_after(rendered: tuple[Path, dict]) -> None:
    path, plan = rendered
    compare = next(s for s in plan["segments"] if s["kind"] == "compare")
    frame = frame_at(path, (compare["start"] + compare["frames"] * 0.75) / 15)
    assert dominant(frame[150:230, :]) == "red"  # before: the first clip, top half
    assert dominant(frame[300:380, :]) == "yellow"  # after: the last clip, bottom half


def test_rotated_phone_clip_comes_out_upright(clips: Path) -> None:
    storyboard = write(
        clips,
        "rotated.yaml",
        "clips:\n  - {path: clips/rotated.mp4, date: 2023-01-01}\ntransition: {kind: cut}\n",
    )
    target = clips / "rotated.png"
    code, text = run_cli("still", str(storyboard), "--at", "0.5", "-o", str(target), *SMALL)
    assert code == 0, text
    frame = np.asarray(Image.open(target).convert("L")).astype(int)
    source = frame_at(clips / "clips" / "rotated.mp4", 0.5).mean(axis=2)  # ffmpeg's upright
    assert source.shape == (320, 180)  # displayed portrait
    white_top = source[:160].mean() > source[160:].mean()
    assert (frame[:240].mean() > frame[240:].mean()) == white_top
    assert abs(frame[:240].mean() - frame[240:].mean()) > 150  # not squashed into grey


def test_failed_render_keeps_the_previous_output(clips: Path) -> None:
    good = write(
        clips,
        "keep.yaml",
        "clips:\n  - {path: clips/red.mp4, date: 2023-01-01}\noutput: {path: out/keep.mp4}\n",
    )
    assert run_cli("render", str(good), "--quiet", *SMALL)[0] == 0
    before = (clips / "out" / "keep.mp4").read_bytes()
    write(
        clips,
        "keep.yaml",
        "clips:\n  - {path: clips/red.mp4, date: 2023-01-01, "
        "trim: {end: 30}}\noutput: {path: out/keep.mp4}\n",
    )
    code, text = run_cli("render", str(good), "--quiet", *SMALL)
    assert code == 1 and "keep.yaml:2" in text and "trim.end" in text
    assert (clips / "out" / "keep.mp4").read_bytes() == before
    assert not list((clips / "out").glob("*partial*"))


def test_no_stray_files_in_the_working_folder(
    clips: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    storyboard = write(
        clips,
        "cwd.yaml",
        "clips:\n  - {path: clips/blue.mp4, date: 2023-01-01}\noutput: {path: out/cwd.mp4}\n",
    )
    assert run_cli("render", str(storyboard), "--quiet", *SMALL)[0] == 0
    assert list(tmp_path.iterdir()) == []
    assert inspect(clips / "out" / "cwd.mp4").audio.startswith("aac")  # silence, not nothing


def test_json_result(clips: Path) -> None:
    storyboard = write(
        clips,
        "json.yaml",
        "clips:\n  - {path: clips/green.jpg, date: 2023-01-01,"
        " duration: 1}\noutput: {path: out/json.mp4}\n",
    )
    code, text = run_cli("render", str(storyboard), "--json", *SMALL)
    assert code == 0, text
    result = json.loads(text)
    assert result["frames"] == 15 and result["output"].endswith("json.mp4")


def test_colours_survive_the_trip(rendered: tuple[Path, dict]) -> None:
    """Sources are BT.601, the output BT.709: every path must convert, not just relabel."""
    path, plan = rendered
    compare = next(s for s in plan["segments"] if s["kind"] == "compare")
    first = next(s for s in plan["segments"] if s["kind"] == "clip")
    for segment, rows in ((first, slice(200, 260)), (compare, slice(150, 200))):
        frame = frame_at(path, (segment["start"] + segment["frames"] * 0.6) / 15).astype(int)
        mean = frame[rows, 100:170].reshape(-1, 3).mean(axis=0)
        assert np.abs(mean - COLOURS["red"]).max() < 12, (segment["kind"], mean)
