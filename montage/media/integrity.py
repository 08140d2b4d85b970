"""Is a video complete? A demux-only pass finds where its packets really end.

A file cut short with its index at the front opens fine and then, in moviepy, silently
freezes on the last good frame. Reading packets without decoding them (`-c copy -f null`)
costs about as much as reading the file, and tells where the data stops.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import subprocess
from pathlib import Path

from montage.errors import MediaError
from montage.media.ffmpeg import media_input_args, run_ffmpeg
from montage.media.info import MediaInfo
from montage.media.photos import ensure_photo_readable

_OUT_TIME = re.compile(r"^out_time_us=(\d+)", re.MULTILINE)
DEMUX_TIMEOUT = 300.0
SLACK_SECONDS = 0.25  # containers round durations; a quarter second is not a truncation


def readable_seconds(path: Path) -> float | None:
    """How far into `path` the video and sound packets go, or None if none can be read.

    Only media demuxers are allowed (`media_input_args`): a playlist is not followed.
    """
    stat = path.stat()
    return _readable_cached(path.resolve(), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=512)
def _readable_cached(path: Path, size: int, mtime_ns: int) -> float | None:
    args = [
        "-v",
        "error",
        "-progress",
        "pipe:1",
        *media_input_args(path),
        # Sound too: a file whose sound outlasts its picture is whole, and a cut copy
        # loses both (they are interleaved), so the later of the two is what counts.
        "-map",
        "0:v:0",
        "-map",
        "0:a?",
        "-c",
        "copy",
        "-f",
        "null",
        "-",
    ]
    try:
        done = run_ffmpeg(args, timeout=DEMUX_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise MediaError.single(
            f"{path} took over {DEMUX_TIMEOUT:.0f} s to read",
            hint="is it on a slow or stalled drive?",
        ) from None
    times = [int(us) for us in _OUT_TIME.findall(done.stdout)]
    return max(times) / 1e6 if times else None


def ensure_complete(info: MediaInfo, *, allow_truncated: bool = False) -> MediaInfo:
    """`info` unchanged for a complete video; for a truncated one an error, or with
    `allow_truncated` the same info shortened to the part that can be read.

    A video of which not even one whole frame can be read is an error either way, and
    so is a photo that does not decode.
    """
    if info.kind == "image":
        ensure_photo_readable(info.path)
    if info.is_still or info.duration is None:
        return info
    end = readable_seconds(info.path) or 0.0
    frame = 1 / info.fps if info.fps else 0.04
    if end + frame + SLACK_SECONDS >= info.duration:
        return info
    where = f"'{info.path.name}' is truncated at {end:.1f} s of {info.duration:.1f} s"
    if end <= frame:
        raise MediaError.single(
            f"{where}: no complete frame can be read", hint="copy the file again from its source"
        )
    if allow_truncated:
        return dataclasses.replace(info, duration=end)
    raise MediaError.single(
        where,
        hint="copy the file again from its source, or pass --allow-truncated to use "
        f"the first {end:.1f} s",
    )
