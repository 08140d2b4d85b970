"""moviepy's ffmpeg writer, fed the compositor's yuv420p frames directly.

moviepy 2.2's `FFMPEG_VideoWriter` only accepts rgb24 input, and converting every
1080x1920 frame to RGB and back costs the encoder about a third more CPU (see
bench/README.md). This subclass keeps moviepy's process handling and error reporting
and changes what goes into the pipe: raw BT.709 yuv420p, exactly what x264 encodes.
"""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

from moviepy.video.io.ffmpeg_writer import FFMPEG_VideoWriter

from montage.media.ffmpeg import ffmpeg_exe
from montage.render.yuv import Frame
from montage.timeline import Encoding

BT709 = [
    "-colorspace",
    "bt709",
    "-color_primaries",
    "bt709",
    "-color_trc",
    "bt709",
    "-color_range",
    "tv",
]


class YuvWriter(FFMPEG_VideoWriter):  # type: ignore[misc]
    """Encode yuv420p frames plus a finished audio track to H.264/AAC mp4."""

    def __init__(
        self,
        target: Path,
        size: tuple[int, int],
        fps: int,
        audio: Path,
        encoding: Encoding,
        threads: int | None = None,
    ) -> None:
        # The attributes moviepy's write_frame() and close() use; its __init__ would
        # start an rgb24 encoder, so it is not called.
        self.logfile = subprocess.PIPE
        self.filename = str(target)
        self.codec = "libx264"
        self.audio_codec = "copy"
        self.ext = "mp4"
        width, height = size
        command = [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-y",
            "-loglevel",
            "error",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "yuv420p",
            "-s",
            f"{width}x{height}",
            "-r",
            str(fps),
            *BT709,
            "-i",
            "pipe:0",
            "-protocol_whitelist",
            "file",
            "-i",
            str(audio),
            "-map",
            "0:v:0",
            "-map",
            "1:a:0",
            "-c:a",
            "copy",
            "-c:v",
            "libx264",
            "-preset",
            encoding.x264_preset,
            "-crf",
            str(encoding.crf),
            "-profile:v",
            "high",
            "-pix_fmt",
            "yuv420p",
            *BT709,
            *(["-threads", str(threads)] if threads else []),
            "-movflags",
            "+faststart",
            "-map_metadata",
            "-1",
            str(target),
        ]
        self.proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def write(self, frame: Frame) -> None:
        """Send one frame (moviepy's write_frame, which reports ffmpeg's error on failure)."""
        self.write_frame(frame.buf)

    def close(self) -> None:
        """Finish the file; unlike moviepy's close, a failed encode raises OSError."""
        proc = self.proc
        if proc is None:
            return
        self.proc = None
        with contextlib.suppress(OSError):  # ffmpeg already exited; its status says why
            proc.stdin.close()  # type: ignore[union-attr]
        errors = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.wait() != 0:
            raise OSError(errors.strip() or f"ffmpeg exited with status {proc.returncode}")

    def abort(self) -> None:
        """Stop the encoder at once (the partial file is then deleted by the caller)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(OSError):
            self.close()
