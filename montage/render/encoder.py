"""moviepy's ffmpeg writer, fed the compositor's yuv420p frames directly.

moviepy 2.2's `FFMPEG_VideoWriter` only accepts rgb24 input, and converting every
1080x1920 frame to RGB and back costs the encoder about a third more CPU (see
bench/README.md). This subclass keeps moviepy's process handling and error reporting
and changes what goes into the pipe: raw BT.709 yuv420p, exactly what x264 encodes.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
from pathlib import Path

from moviepy.video.io.ffmpeg_writer import FFMPEG_VideoWriter

from montage.media.ffmpeg import ffmpeg_exe
from montage.render.scratch import Scratch
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
        audio: Scratch,
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
            str(audio.path),
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
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=audio.pass_fds,
        )
        self._returncode: int | None = None

    def write(self, frame: Frame) -> None:
        """Send one frame; OSError carrying ffmpeg's own message if the encoder has failed.

        moviepy's `write_frame` is not used: its message buries ffmpeg's reason under
        advice about codecs, and it closes the pipes that `close` still needs.
        """
        try:
            self.proc.stdin.write(frame.buf)  # type: ignore[union-attr]
        except OSError as exc:
            raise OSError(self._finish() or _exit_reason(self._returncode) or str(exc)) from None

    def close(self) -> None:
        """Finish the file; unlike moviepy's close, a failed encode raises OSError."""
        if self.proc is None:
            return
        errors = self._finish()
        if self._returncode != 0:
            raise OSError(errors or _exit_reason(self._returncode))

    def abort(self) -> None:
        """Stop the encoder at once (the partial file is then deleted by the caller)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        self._finish()

    def _finish(self) -> str:
        """Close stdin, wait for ffmpeg and return what it printed (stripped)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return ""
        with contextlib.suppress(OSError):  # ffmpeg already exited; its status says why
            proc.stdin.close()  # type: ignore[union-attr]
        errors = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
        self._returncode = proc.wait()
        return errors.strip()


def _exit_reason(returncode: int | None) -> str:
    """How ffmpeg ended, for when it printed nothing (a signal kills it silently)."""
    if returncode is None or returncode >= 0:
        return f"ffmpeg exited with status {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    described = signal.strsignal(-returncode) or ""
    return f"ffmpeg was stopped by {name} ({described.lower()})".replace(" ()", "")
