"""Encode a timeline to mp4 atomically, through moviepy's ffmpeg writer (see encoder.py).

The video goes to `<name>.montage-partial.mp4` beside the output and is moved into
place with `os.replace` only when complete: a crash, Ctrl-C or bad input never leaves a
half-written file at the output path, and a previous good output survives a failure.
The sound track is mixed first into a nameless scratch file (see scratch.py), so a
killed render leaves nothing but that one partial file, which the next render removes.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from montage.errors import RenderError
from montage.render.audio import mix_audio
from montage.render.compositor import Compositor
from montage.render.decode import decoding_threads
from montage.render.encoder import YuvWriter
from montage.render.scratch import Scratch, scratch_file
from montage.timeline import Timeline

Progress = Callable[[int, int], None]
PARTIAL_TAG = ".montage-partial"


@dataclass(frozen=True)
class RenderResult:
    """What a finished render produced."""

    output: Path
    frames: int
    duration: float
    width: int
    height: int
    fps: int
    bytes: int
    wall_seconds: float
    warnings: tuple[str, ...] = ()


def partial_path(output: Path) -> Path:
    """The in-progress file for `output`, in the same folder (same file system)."""
    return output.with_name(f"{output.stem}{PARTIAL_TAG}{output.suffix}")


def render_timeline(
    timeline: Timeline,
    output: Path,
    *,
    progress: Progress | None = None,
    threads: int | None = None,
) -> RenderResult:
    """Render `timeline` to `output` (H.264 High yuv420p + AAC, +faststart).

    Any exception, including one raised by the `progress` callback (batch workers stop a
    render that way), removes the partial file and leaves `output` as it was.
    """
    started = time.perf_counter()
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(output)
    partial.unlink(missing_ok=True)  # left by a killed render
    try:
        with scratch_file(".m4a") as sound:
            warnings = mix_audio(timeline, sound)
            _encode(timeline, partial, sound, progress, threads)
        partial.replace(output)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    canvas = timeline.canvas
    return RenderResult(
        output,
        timeline.total_frames,
        timeline.duration,
        canvas.width,
        canvas.height,
        canvas.fps,
        output.stat().st_size,
        time.perf_counter() - started,
        tuple(warnings),
    )


def _encode(
    timeline: Timeline, target: Path, sound: Scratch, progress: Progress | None, threads: int | None
) -> None:
    canvas, total = timeline.canvas, timeline.total_frames
    writer = YuvWriter(
        target, (canvas.width, canvas.height), canvas.fps, sound, timeline.encoding, threads
    )
    try:
        with decoding_threads(threads), Compositor(timeline) as compositor:
            for index in range(total):
                writer.write(compositor.frame(index))
                if progress is not None:
                    progress(index + 1, total)
        writer.close()
    except OSError as exc:
        writer.abort()
        raise RenderError.single(
            f"could not write {target.name.replace(PARTIAL_TAG, '')}: {_reason(exc)}",
            hint="check free disk space and write permission",
        ) from None
    except BaseException:
        writer.abort()
        raise


def _reason(exc: OSError) -> str:
    """The last line ffmpeg printed, without its "[out#0/mp4 @ 0x...]" prefixes."""
    text = str(exc).strip().splitlines()
    line = next((line for line in reversed(text) if line.strip()), type(exc).__name__)
    return re.sub(r"^(\[[^\]]*\]\s*)+", "", line.strip())[:300]
