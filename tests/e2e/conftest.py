"""End-to-end helpers: render through the real CLI, inspect outputs with the bundled ffmpeg."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from montage.cli import app
from montage.media.ffmpeg import ffmpeg_exe, run_ffmpeg

# A small canvas keeps renders to a second or two; styles scale with the short edge.
SMALL = ["--set", "output.width=270", "--set", "output.height=480", "--set", "output.fps=15"]


@dataclass(frozen=True)
class Output:
    """Facts read back from a rendered mp4."""

    duration: float
    width: int
    height: int
    fps: float
    video: str
    audio: str
    moov_first: bool


def run_cli(*args: str) -> tuple[int, str]:
    """Run `montage ARGS` in-process; returns (exit code, stdout + stderr)."""
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def inspect(path: Path) -> Output:
    """Parse `ffmpeg -i` for streams and duration; find moov vs mdat in the file."""
    text = run_ffmpeg(["-i", str(path)], timeout=30).stderr
    h, m, s = re.search(r"Duration: (\d+):(\d+):([\d.]+)", text).groups()  # type: ignore[union-attr]
    video = re.search(r"Stream.*Video: (.*)", text).group(1)  # type: ignore[union-attr]
    audio_match = re.search(r"Stream.*Audio: (.*)", text)
    size = re.search(r", (\d+)x(\d+)", video).groups()  # type: ignore[union-attr]
    fps = float(re.search(r"([\d.]+) fps", video).group(1))  # type: ignore[union-attr]
    data = path.read_bytes()
    return Output(
        int(h) * 3600 + int(m) * 60 + float(s),
        int(size[0]),
        int(size[1]),
        fps,
        video,
        audio_match.group(1) if audio_match else "",
        data.find(b"moov") < data.find(b"mdat"),
    )


def frame_at(path: Path, seconds: float) -> np.ndarray:
    """Decode the output frame shown at `seconds` as an RGB array."""
    cmd = [
        ffmpeg_exe(),
        "-v",
        "error",
        "-ss",
        f"{seconds:.4f}",
        "-i",
        str(path),
        "-frames:v",
        "1",
        "-f",
        "image2pipe",
        "-vcodec",
        "png",
        "pipe:1",
    ]
    png = subprocess.run(cmd, capture_output=True, check=True, timeout=30).stdout
    with Image.open(BytesIO(png)) as image:  # PNG carries the size as displayed (rotated)
        return np.asarray(image.convert("RGB"))


def make_half_white(path: Path, rotate: int) -> Path:
    """A 320x180 clip whose left half is white, stored with a display rotation."""
    source = "color=c=black:s=320x180:r=30:d=1,drawbox=x=0:y=0:w=160:h=180:color=white:t=fill"
    run_ffmpeg(
        [
            "-y",
            "-display_rotation",
            str(rotate),
            "-noautorotate",
            "-f",
            "lavfi",
            "-i",
            source,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            str(path),
        ],
        timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of colour-coded clips of every kind the engine must normalise."""
    from montage import synth

    root = tmp_path_factory.mktemp("e2e")
    media = root / "clips"
    synth.make_video(
        media / "red.mp4", width=320, height=180, fps=25, duration=1.2, color="0xE02020"
    )
    synth.make_photo(media / "green.jpg", width=300, height=400, color="#20C020", marker=False)
    synth.make_video(
        media / "blue.mp4",
        width=180,
        height=320,
        fps=60,
        duration=1.2,
        color="0x2040E0",
        audio=False,
    )
    synth.make_video(
        media / "vfr.mp4", width=320, height=180, fps=30, duration=1.2, color="0xE0E020", vfr=True
    )
    make_half_white(media / "rotated.mp4", 90)
    synth.make_audio(media / "music.m4a", duration=2.0, tone_hz=330)
    return root
