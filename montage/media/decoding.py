"""Reading a media file to its end: why ffmpeg cannot open it, where its packets stop,
and whether its music decodes all through.

The probe opens files; these checks read them. Every input goes through
`media_input_args` (the `file` protocol and media demuxers only), so a playlist or
script posing as a clip is named, never followed.
"""

from __future__ import annotations

import functools
import re
import subprocess
from pathlib import Path

from montage.errors import MediaError
from montage.media.ffmpeg import NOT_ON_WHITELIST, media_input_args, run_ffmpeg
from montage.media.info import MediaInfo, media_error

DECODE_TIMEOUT = 300.0
_OUT_TIME = re.compile(r"^out_time_us=(\d+)\s*$", re.MULTILINE)
_TELLING = re.compile(r"Invalid data|moov atom|Permission|Error opening", re.IGNORECASE)


def checked_path(path: Path) -> Path:
    """Absolute path of an existing, non-empty regular file, else MediaError."""
    p = path.expanduser().absolute()
    if not p.exists():
        raise media_error(p, "not found", f"check the file name and that it is in {p.parent}")
    if not p.is_file():
        raise media_error(p, "is not a regular file", "point to a video or photo file")
    if p.stat().st_size == 0:
        raise media_error(p, "is empty (0 bytes)", "copy the file again from its source")
    return p


def unreadable(path: Path, stderr: str) -> MediaError:
    """Why ffmpeg could not open `path`: a script it may not follow, a cut copy, or junk."""
    with path.open("rb") as file:
        head = file.read(64)
    script = script_kind(head)
    if script:
        return media_error(
            path,
            f"is {script}; montage opens only video, photo and audio files",
            "a playlist or script names other files and addresses; use the media file itself",
        )
    if NOT_ON_WHITELIST in stderr:
        return media_error(
            path,
            "is not in a video, photo or audio format montage opens",
            "check that it really is a video or photo, or convert it to mp4 or jpg",
        )
    if "moov atom not found" in stderr and head[4:8] == b"ftyp":
        return media_error(
            path,
            "is incomplete: its index (moov atom) is missing, as after an interrupted copy",
            "copy the file again from its source",
        )
    return media_error(
        path,
        f"is not a video or photo that ffmpeg can read ({why(stderr)})",
        "check that the file is complete (an interrupted copy lacks its index) "
        "and really is a video or photo",
    )


def script_kind(head: bytes) -> str:
    """What kind of playlist or script a file starting with `head` is; "" for others."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"#EXTM3U"):
        return "a playlist (HLS)"
    if text.startswith(b"ffconcat"):
        return "an ffconcat script"
    return ""


def why(stderr: str) -> str:
    """ffmpeg's own reason, shortened to its most telling line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    telling = [ln for ln in lines if _TELLING.search(ln)]
    text = (telling or lines or ["no output"])[0]
    return re.sub(r"^(\[[^\]]*\]\s*)+", "", text)  # ffmpeg 7 nests "[aist#0:0] [dec:aac]"


def decode_end(
    path: Path, *, strict: bool, timeout: float, demux_only: bool = False, stream: str = "v"
) -> tuple[float | None, str]:
    """Decode the first video (or `stream="a"`: audio) stream to nowhere; return the last
    time reached and stderr.

    With `strict`, ffmpeg stops at the first decoding error (`-xerror`). With `demux_only`
    packets are only read (`-c copy`), not decoded: as fast as reading the file.
    """
    args = ["-v", "error", *(["-xerror"] if strict else []), "-progress", "pipe:1"]
    args += [*media_input_args(path), "-map", f"0:{stream}:0"]
    args += ["-c", "copy"] if demux_only else []
    args += ["-f", "null", "-"]
    try:
        proc = run_ffmpeg(args, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise media_error(path, f"took over {timeout:.0f} s to decode", "is it huge?") from exc
    times = [int(us) for us in _OUT_TIME.findall(proc.stdout)]
    end = max(times, default=0) / 1e6
    return (end or None), proc.stderr


def check_music(path: Path, timeout: float = DECODE_TIMEOUT) -> float:
    """Decode the whole audio stream of the music file `path`; return its length in seconds.

    Raises MediaError naming the file when it has no audio stream, is not a media file,
    or its audio fails to decode: the mix loops music, so it must be sound all through.
    Results are cached per (path, size, mtime).
    """
    p = checked_path(Path(path))
    stat = p.stat()
    return _music_cached(p, stat.st_size, stat.st_mtime_ns, timeout)


@functools.lru_cache(maxsize=64)
def _music_cached(path: Path, size: int, mtime_ns: int, timeout: float) -> float:
    """Check once per file version; size and mtime only key the cache."""
    end, stderr = decode_end(path, strict=True, timeout=timeout, stream="a")
    if "matches no streams" in stderr:
        hint = "use a music file such as .m4a, .mp3 or .wav"
        raise media_error(path, "has no audio stream", hint)
    if stderr.strip() or end is None:
        with path.open("rb") as file:
            if script_kind(file.read(64)):
                raise unreadable(path, stderr)
        raise media_error(
            path,
            f"is not audio that can be decoded ({why(stderr)})",
            "re-export the music as .m4a or .mp3",
        )
    return end


def check_decodable(path: Path, info: MediaInfo, timeout: float = DECODE_TIMEOUT) -> float:
    """Decode the whole video stream of `path`; return the last decodable time in seconds.

    Raises MediaError ("truncated at 3.2 s of 8.0 s") when decoding stops more than one
    frame + 0.25 s before the duration in the header, or when nothing decodes at all.
    """
    p = checked_path(Path(path))
    end, stderr = decode_end(p, strict=True, timeout=timeout)
    if end is None:
        raise media_error(p, f"cannot be decoded ({why(stderr)})", "re-export or copy it again")
    if info.duration is None:
        return end
    slack = (1.0 / info.fps if info.fps else 0.1) + 0.25
    if end < info.duration - slack:
        raise media_error(
            p,
            f"is truncated at {end:.1f} s of {info.duration:.1f} s",
            f"copy the file again from its source, or trim the clip to end before {end:.1f} s",
        )
    return end


def clear_decode_cache() -> None:
    """Forget cached music checks (for tests and long-running processes)."""
    _music_cached.cache_clear()
