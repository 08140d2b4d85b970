"""Moving pictures: one ffmpeg process per picture, read ahead on a thread.

A reader yields exactly the frames a segment needs, at the box size, as writable
yuv420p `Frame`s. The ffmpeg child is always ended in `close()`, also on errors.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from io import BytesIO
from pathlib import Path
from typing import IO

import numpy as np
from PIL import Image

from montage.cores import decoder_threads
from montage.errors import RenderError
from montage.media.ffmpeg import ffmpeg_exe, media_input_args
from montage.render.filters import video_chain
from montage.render.readahead import ReadAhead
from montage.render.yuv import Frame
from montage.timeline import Picture


class VideoReader:
    """Decode `frames` frames of a moving picture, starting `skip` frames into it."""

    def __init__(
        self, picture: Picture, fps: int, frames: int, *, skip: int = 0, background: str
    ) -> None:
        self.picture = picture
        self.size = (picture.box.w, picture.box.h)
        start, discard = _start(picture, fps, skip)
        # stderr goes to a file: a pipe nobody drains could fill up and stall ffmpeg.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        chain = video_chain(picture, fps, picture.aspect, background)
        self._proc = _spawn(picture.path, start, chain, discard + frames, self._errors)
        self._frames = ReadAhead(self._read_frames(discard, frames), name="montage-decode")

    def _read_frames(self, discard: int, count: int) -> Iterator[Frame]:
        stdout = self._proc.stdout
        assert stdout is not None
        width, height = self.size
        for number in range(discard + count):
            buffer = bytearray(width * height * 3 // 2)
            try:
                if not _fill(stdout, buffer):
                    return
            except (OSError, ValueError):
                return  # closed under us by close()
            if number >= discard:
                yield Frame.wrap(width, height, buffer)

    def read(self) -> Frame:
        """The next frame; past the end of the source, the last frame again."""
        frame = self._frames.next_frame()
        if frame is None:
            raise RenderError.single(
                f"could not decode any frame of {self.picture.path}",
                hint=self._stderr_tail() or "is the file damaged?",
            )
        return frame

    def _stderr_tail(self) -> str:
        self._proc.wait()
        self._errors.seek(0)
        lines = self._errors.read().decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""

    def close(self) -> None:
        """End the ffmpeg child and the reading thread."""
        _end(self._proc)
        self._frames.close()
        self._errors.close()


# How far before a source's end a reader starts when asked for a frame past it.
HOLD_LEAD_SECONDS = 1.0


def _start(picture: Picture, fps: int, skip: int) -> tuple[float, int]:
    """Where to seek for the frame `skip` frames into `picture`, and how many output
    frames to drop before it.

    Past the source's end (a short clip held in a longer compare, a random-access
    `still`) a seek decodes nothing, so the reader starts a little before the end and
    drops frames until the held last one: the frame a render from the start shows.
    """
    start = picture.source_in + skip * picture.speed / fps
    latest = max(picture.source_in, picture.source_out - HOLD_LEAD_SECONDS)
    if picture.source_out <= picture.source_in or start <= latest:
        return start, 0
    return latest, round((start - latest) * fps / picture.speed)


def _fill(stream: IO[bytes], buffer: bytearray) -> bool:
    """Read exactly len(buffer) bytes (a pipe may return less per call); False at the end."""
    view = memoryview(buffer)
    got = 0
    while got < len(buffer):
        n = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not n:
            return False
        got += n
    return True


# Decoder threads of the render in progress (see `decoding_threads`); None: the default.
_THREADS: ContextVar[int | None] = ContextVar("montage_decoder_threads", default=None)


@contextmanager
def decoding_threads(budget: int | None) -> Iterator[None]:
    """Within the block, decoders share a render's `budget` of cores (`decoder_threads`)."""
    token = _THREADS.set(decoder_threads(budget))
    try:
        yield
    finally:
        _THREADS.reset(token)


def _command(path: Path, start: float, *outputs: str) -> list[str]:
    """ffmpeg reading `path` from `start` seconds (a checked, protocol-limited input).

    Decoding and the filter graph get few threads: each thread costs memory, and one
    already outpaces the encoder (bench/README.md).
    """
    seek = ["-ss", f"{start:.6f}"] if start > 0 else []
    threads = _THREADS.get() or decoder_threads(None)
    head = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error"]
    head += ["-filter_threads", "1", "-threads", str(threads)]
    return [*head, *seek, *media_input_args(path), "-map", "0:v:0", *outputs]


def _spawn(
    path: Path, start: float, chain: str, frames: int, errors: IO[bytes]
) -> subprocess.Popen[bytes]:
    cmd = _command(
        path,
        start,
        "-an",
        "-sn",
        "-dn",
        "-vf",
        chain,
        "-frames:v",
        str(frames),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "pipe:1",
    )
    return subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors, bufsize=0
    )


def _end(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
    if proc.stdout is not None:
        proc.stdout.close()
    proc.wait()


def grab_frame(path: Path, at: float, chain: str) -> np.ndarray:
    """One RGB frame of a video at `at` seconds, at its displayed size."""
    cmd = _command(
        path, at, "-frames:v", "1", "-vf", chain, "-f", "image2pipe", "-vcodec", "png", "pipe:1"
    )
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError.single(f"timed out reading a frame of {path}") from None
    if done.returncode != 0 or not done.stdout:
        raise RenderError.single(
            f"could not read a frame of {path} at {at:.2f}s",
            hint=done.stderr.decode(errors="replace").strip()[-200:],
        )
    with Image.open(BytesIO(done.stdout)) as image:
        return np.asarray(image.convert("RGB")).copy()
