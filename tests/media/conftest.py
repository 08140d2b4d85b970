"""The clips and photos the media tests probe: generated once per session, in parallel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from montage import synth
from montage.media.ffmpeg import input_args, run_ffmpeg

if TYPE_CHECKING:
    from tests.conftest import MediaFactory

QT_DATE = "2023-01-15T13:34:56+0100"
UTC_DATE = "2023-01-15T12:34:56.000000Z"

SPECS: dict[str, tuple[str, dict[str, Any]]] = {
    "plain.mp4": ("video", {}),
    "fps25.mp4": ("video", {"fps": 25, "audio": False}),
    "fps60.mp4": ("video", {"fps": 60, "audio": False}),
    "silent.mp4": ("video", {"audio": False, "color": "red"}),
    "rot90.mp4": ("video", {"rotate": 90, "audio": False}),
    "rot-90.mov": ("video", {"rotate": -90, "audio": False}),
    "vfr.mp4": ("video", {"vfr": True, "audio": False, "duration": 2.0}),
    "vp9.webm": ("video", {"codec": "libvpx-vp9"}),
    "mpeg4.avi": ("video", {"codec": "mpeg4", "audio": False}),
    "hdr.mp4": ("video", {"codec": "libx265", "hdr": True, "audio": False}),
    "long.mp4": ("video", {"duration": 4.0, "faststart": True, "audio": False}),
    "iphone.mov": (
        "video",
        {
            "audio": False,
            "metadata": {"com.apple.quicktime.creationdate": QT_DATE, "creation_time": UTC_DATE},
        },
    ),
    "utc.mp4": ("video", {"audio": False, "metadata": {"creation_time": UTC_DATE}}),
    "exif6.jpg": ("photo", {"orientation": 6, "exif_datetime": "2023:01:15 12:34:56"}),
    "plain.png": ("photo", {"width": 200, "height": 100}),
    "tone.m4a": ("audio", {}),
    "late_picture.mp4": ("video", {"audio_offset": -0.1}),
    "late_sound.mov": ("video", {"audio_offset": 0.1}),
    "plain.ts": ("video", {}),
    "anamorphic.mp4": ("video", {"width": 120, "height": 90, "sar": (4, 3), "audio": False}),
}


@pytest.fixture(scope="session")
def clips(media_factory: MediaFactory) -> dict[str, Path]:
    """All the clips of SPECS plus derived ones (truncated copy, webm without duration)."""
    made = media_factory.many(SPECS)
    root = media_factory.root
    made["truncated.mp4"] = synth.truncate_copy(made["long.mp4"], root / "truncated.mp4", keep=0.4)
    made["live.webm"] = _remux_live(made["vp9.webm"], root / "live.webm")
    return made


def _remux_live(src: Path, dst: Path) -> Path:
    """Copy a webm as a live stream writes it: no duration in the header or tags."""
    if not dst.exists():
        args = ["-v", "error", *input_args(src), "-c", "copy", "-live", "1", "-y", str(dst)]
        proc = run_ffmpeg(args, timeout=30)
        assert proc.returncode == 0, proc.stderr
    return dst


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Files that must be refused: empty, random bytes, text named .mp4, missing, a folder."""
    root = tmp_path_factory.mktemp("bad")
    files = {
        "zero-byte": root / "empty.mp4",
        "garbage": root / "garbage.mp4",
        "text": root / "notes.mp4",
        "missing": root / "missing.mp4",
        "folder": root / "folder.mp4",
    }
    files["zero-byte"].write_bytes(b"")
    files["garbage"].write_bytes(bytes((i * 97 + 13) % 256 for i in range(4096)))
    files["text"].write_text("These are my notes, not a video.\n" * 20)
    files["folder"].mkdir()
    return files
