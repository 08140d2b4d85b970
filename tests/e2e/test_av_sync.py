"""Sound stays with the picture, anamorphic pixels come out square, cuts fade in 10 ms.

Each render is a few seconds of a small canvas; its sound is decoded to PCM and its
picture to grey frames with the bundled ffmpeg, and measured with numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from montage import synth
from montage.media.ffmpeg import input_args, run_ffmpeg
from montage.media.probe import probe
from montage.render.stills import load_picture_image
from montage.timeline import Picture, Rect
from tests.e2e.conftest import SMALL, frame_at, run_cli

pytestmark = pytest.mark.slow

FPS = 15  # SMALL's frame rate
WIDTH, HEIGHT = 270, 480  # SMALL's canvas
RATE = 48000
BLUE = "0x2040E0"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Clips with a stream offset and a flash+beep, tone clips, and an anamorphic clip."""
    folder = tmp_path_factory.mktemp("avsync")
    sync = {"width": 160, "height": 120, "duration": 2.0, "color": "black"}
    # Picture 0.2 s after the sound; sound 0.2 s after the picture (AAC priming makes the
    # file say 0.179 s). Both show their flash and beep together, as a player plays them.
    synth.make_video(folder / "late_picture.mp4", audio_offset=-0.2, sync_mark=1.0, **sync)
    synth.make_video(folder / "late_sound.mp4", audio_offset=0.2, sync_mark=1.2, **sync)
    for name in ("tone_a.mp4", "tone_b.mp4"):
        synth.make_video(folder / name, width=160, height=120, duration=1.0, color="gray")
    # 240x180 stored, shown 4:3 wide per pixel: a 320x180 (16:9) picture.
    synth.make_video(
        folder / "anamorphic.mp4",
        width=240,
        height=180,
        duration=1.0,
        color=BLUE,
        sar=(4, 3),
        marker=True,
        audio=False,
    )
    return folder


def render(root: Path, name: str, body: str) -> Path:
    """Render a storyboard `body` through the CLI on the small canvas; the output path."""
    storyboard = root / f"{name}.yaml"
    output = root / "out" / f"{name}.mp4"
    storyboard.write_text(f"{body}output: {{path: out/{output.name}}}\n", encoding="utf-8")
    code, text = run_cli("render", str(storyboard), "--quiet", *SMALL)
    assert code == 0, text
    return output


def pcm(path: Path) -> np.ndarray:
    """The sound of `path` as mono float samples at 48 kHz."""
    raw = _binary(path, ["-map", "0:a:0", "-ac", "1", "-ar", str(RATE), "-f", "f32le"])
    return np.frombuffer(raw, np.float32)


def grey_means(path: Path) -> np.ndarray:
    """Mean brightness of each frame of `path`."""
    raw = _binary(path, ["-map", "0:v:0", "-f", "rawvideo", "-pix_fmt", "gray"])
    return np.frombuffer(raw, np.uint8).reshape(-1, HEIGHT, WIDTH).mean(axis=(1, 2))


def _binary(path: Path, options: list[str]) -> bytes:
    # run_ffmpeg decodes stdout as text, so raw bytes go through a file.
    target = path.with_suffix(f".{len(options)}.raw")
    done = run_ffmpeg(["-v", "error", *input_args(path), *options, "-y", str(target)], timeout=60)
    assert done.returncode == 0, done.stderr
    data = target.read_bytes()
    target.unlink()
    return data


def onsets(active: np.ndarray, gap: int) -> list[int]:
    """Indices where `active` turns on after at least `gap` inactive places."""
    found: list[int] = []
    last = -gap - 1
    for index in np.flatnonzero(active):
        if index - last > gap:
            found.append(int(index))
        last = index
    return found


def test_flash_and_beep_stay_together_across_stream_offsets(root: Path) -> None:
    output = render(
        root,
        "sync",
        "clips:\n"
        "  - {path: late_picture.mp4, date: 2023-01-01, trim: {start: 0.1}}\n"
        "  - {path: late_sound.mp4, date: 2023-01-02}\n"
        "transition: {kind: cut}\n",
    )
    flashes = [i / FPS for i in onsets(grey_means(output) > 128, gap=2)]
    beeps = [i / RATE for i in onsets(np.abs(pcm(output)) > 0.1, gap=RATE // 10)]
    assert len(flashes) == len(beeps) == 2, (flashes, beeps)
    for flash, beep in zip(flashes, beeps, strict=True):
        assert abs(flash - beep) <= 1 / FPS, (flashes, beeps)
    info = probe(output)
    assert info.video_start == info.audio_start == 0.0  # the montage itself has no offset


def test_cut_fades_take_ten_milliseconds(root: Path) -> None:
    output = render(
        root,
        "cut",
        "clips:\n"
        "  - {path: tone_a.mp4, date: 2023-01-01}\n"
        "  - {path: tone_b.mp4, date: 2023-01-02}\n"
        "transition: {kind: cut}\n",
    )
    sound = pcm(output)
    cut = RATE  # the first clip is 1.0 s

    def level(start_ms: float, end_ms: float) -> float:
        part = sound[cut + round(start_ms * RATE / 1000) : cut + round(end_ms * RATE / 1000)]
        return float(np.sqrt(np.mean(part**2)))

    steady = level(-400, -100)
    assert steady > 0.05
    assert level(-1.5, 1.5) < 0.3 * steady  # the cut is faded: no click
    # A whole-frame fade (67 ms at 15 fps) would still be below half level here.
    assert level(-30, -12) > 0.8 * steady
    assert level(12, 30) > 0.8 * steady


def square_of(pixels: np.ndarray) -> tuple[int, int]:
    """Width and height of the white marker in an RGB picture."""
    white = pixels.min(axis=2) > 200
    columns, rows = np.flatnonzero(white.any(axis=0)), np.flatnonzero(white.any(axis=1))
    return int(columns[-1] - columns[0] + 1), int(rows[-1] - rows[0] + 1)


def test_anamorphic_clip_is_shown_with_its_display_shape(root: Path) -> None:
    output = render(
        root,
        "anamorphic",
        "clips:\n"
        "  - {path: anamorphic.mp4, date: 2023-01-01, fit: contain}\n"
        "transition: {kind: cut}\n"
        "compare: {layout: side_by_side, duration: 1}\n",
    )
    shown = frame_at(output, 0.5)
    band = np.flatnonzero(shown[:, :, 2].mean(axis=1) > 100)  # rows of the blue picture
    assert abs(len(band) - WIDTH * 9 / 16) <= 4  # 16:9, not the stored 4:3
    width, height = square_of(shown)
    assert abs(width - height) <= 3 and width > 40
    compare = frame_at(output, 1.5)  # stacked halves, each cropped to fill (cover)
    for half in (compare[40:200], compare[280:440]):  # around each centre, clear of labels
        width, height = square_of(half)
        assert abs(width - height) <= 3 and width > 40


def test_frozen_frame_of_an_anamorphic_clip_has_its_display_shape(root: Path) -> None:
    picture = Picture(root / "anamorphic.mp4", still=True, box=Rect(0, 0, 270, 480), fit="cover")
    image = load_picture_image(picture)  # the frame cards freeze and blur
    assert image.size == (320, 180)
    width, height = square_of(np.asarray(image))
    assert abs(width - height) <= 2
