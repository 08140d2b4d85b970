"""`probe(path) -> MediaInfo`: stream facts of a clip or photo, read from `ffmpeg -i`.

The bundled ffmpeg has no ffprobe, so the header that `ffmpeg -i FILE` prints is parsed
here. Rotation comes from the stream's Display Matrix (moviepy 2.2.1 misses it) and the
reported width/height are the displayed ones. Photos are measured with Pillow, EXIF
orientation applied. Results are cached per (path, size, mtime).
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, UnidentifiedImageError

from montage.errors import MediaError, Problem
from montage.media.dates import find_date
from montage.media.ffmpeg import (
    InputHeader,
    StreamHeader,
    input_args,
    parse_hms,
    parse_input_header,
    run_ffmpeg,
)
from montage.media.info import MediaInfo

PROBE_TIMEOUT = 30.0
DECODE_TIMEOUT = 300.0
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic", ".heif"})
_STILL_CODECS = frozenset({"mjpeg", "png", "webp", "bmp", "tiff", "hevc", "av1"})
_HDR_TRANSFERS = ("smpte2084", "arib-std-b67")
_EXIF_ROTATION = {3: 180, 4: 180, 5: 270, 6: 270, 7: 90, 8: 90}  # in ffmpeg's convention

_ROTATION = re.compile(r"(?i)display\s*matrix:\s*rotation of (-?\d+(\.\d+)?)")
_SIZE = re.compile(r"^(\d+)x(\d+)(?:.*SAR (\d+):(\d+))?")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(k?) (fps|tbr)$")
_PIX = re.compile(r"^([a-z][a-z0-9_]*)(?:\((.*)\))?$")
_OUT_TIME = re.compile(r"^out_time_us=(\d+)\s*$", re.MULTILINE)
_TELLING = re.compile(r"Invalid data|moov atom|Permission|Error opening", re.IGNORECASE)


@dataclass(frozen=True)
class _VideoFacts:
    """Facts parsed from a video stream's description line."""

    width: int
    height: int
    pix_fmt: str
    color: str
    fps: float | None


def probe(path: Path) -> MediaInfo:
    """Return the stream facts of the video or photo at `path`.

    Raises MediaError, naming the file, when it is missing, empty, unreadable or has no
    video stream. Results are cached in-process per (path, size, mtime).
    """
    p = _checked_path(Path(path))
    stat = p.stat()
    return _probe_cached(p, stat.st_size, stat.st_mtime_ns)


def clear_probe_cache() -> None:
    """Forget cached probe results (for tests and long-running processes)."""
    _probe_cached.cache_clear()


def _checked_path(path: Path) -> Path:
    """Absolute path of an existing, non-empty regular file, else MediaError."""
    p = path.expanduser().absolute()
    if not p.exists():
        raise _error(p, "not found", f"check the file name and that it is in {p.parent}")
    if not p.is_file():
        raise _error(p, "is not a regular file", "point to a video or photo file")
    if p.stat().st_size == 0:
        raise _error(p, "is empty (0 bytes)", "copy the file again from its source")
    return p


def _error(path: Path, message: str, hint: str) -> MediaError:
    """A MediaError whose message starts with the file it is about."""
    return MediaError([Problem(f"'{path}' {message}", hint=hint)])


@functools.lru_cache(maxsize=2048)
def _probe_cached(path: Path, size: int, mtime_ns: int) -> MediaInfo:
    """Probe once per file version; size and mtime only key the cache."""
    header = _read_header(path)
    video = next((s for s in header.streams if _is_picture(s)), None)
    if video is None:
        raise _error(
            path,
            "has no video stream",
            "use a video or a photo here; an audio-only file can be the music track",
        )
    if _is_still(path, header, video):
        return _probe_image(path, header, video)
    return _probe_video(path, header, video)


def _is_picture(stream: StreamHeader) -> bool:
    """A video stream that is not just embedded cover art."""
    return stream.kind == "Video" and "(attached pic)" not in stream.desc


def _is_still(path: Path, header: InputHeader, video: StreamHeader) -> bool:
    """A photo: read by an image demuxer, or a photo suffix on a one-picture stream."""
    if header.format == "image2" or header.format.endswith("_pipe"):
        return True
    suffix_says_image = path.suffix.lower() in IMAGE_SUFFIXES
    return suffix_says_image and (video.codec in _STILL_CODECS or header.duration is None)


# --- running ffmpeg -----------------------------------------------------------------


def _read_header(path: Path) -> InputHeader:
    """Run `ffmpeg -i` and parse what it prints about the input."""
    try:
        proc = run_ffmpeg(input_args(path), timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        hint = "is it on a slow or disconnected drive? copy it to a local folder"
        raise _error(path, f"took over {PROBE_TIMEOUT:.0f} s to open", hint) from exc
    header = parse_input_header(proc.stderr)
    if not header.format:
        raise _error(
            path,
            f"is not a video or photo that ffmpeg can read ({_why(proc.stderr)})",
            "check that the file is complete (an interrupted copy lacks its index) "
            "and really is a video or photo",
        )
    return header


def _why(stderr: str) -> str:
    """ffmpeg's own reason, shortened to its most telling line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    telling = [ln for ln in lines if _TELLING.search(ln)]
    text = (telling or lines or ["no output"])[0]
    return re.sub(r"^\[[^\]]*\]\s*", "", text)


def _decode_end(path: Path, *, strict: bool, timeout: float) -> tuple[float | None, str]:
    """Decode the first video stream to nowhere; return the last time reached and stderr.

    With `strict`, ffmpeg stops at the first decoding error (`-xerror`).
    """
    args = ["-v", "error", *(["-xerror"] if strict else []), "-progress", "pipe:1"]
    args += [*input_args(path), "-map", "0:v:0", "-an", "-sn", "-dn", "-f", "null", "-"]
    try:
        proc = run_ffmpeg(args, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise _error(path, f"took over {timeout:.0f} s to decode", "is it huge?") from exc
    times = [int(us) for us in _OUT_TIME.findall(proc.stdout)]
    end = max(times, default=0) / 1e6
    return (end or None), proc.stderr


def check_decodable(path: Path, info: MediaInfo, timeout: float = DECODE_TIMEOUT) -> float:
    """Decode the whole video stream of `path`; return the last decodable time in seconds.

    Raises MediaError ("truncated at 3.2 s of 8.0 s") when decoding stops more than one
    frame + 0.25 s before the duration in the header, or when nothing decodes at all.
    """
    p = _checked_path(Path(path))
    end, stderr = _decode_end(p, strict=True, timeout=timeout)
    if end is None:
        raise _error(p, f"cannot be decoded ({_why(stderr)})", "re-export or copy it again")
    if info.duration is None:
        return end
    slack = (1.0 / info.fps if info.fps else 0.1) + 0.25
    if end < info.duration - slack:
        raise _error(
            p,
            f"is truncated at {end:.1f} s of {info.duration:.1f} s",
            f"copy the file again from its source, or trim the clip to end before {end:.1f} s",
        )
    return end


# --- reading stream facts ----------------------------------------------------------


def _video_facts(video: StreamHeader) -> _VideoFacts:
    """Stored size (SAR applied), pixel format, colour description and average fps."""
    width = height = 0
    pix_fmt = color = ""
    rates: dict[str, float] = {}
    for i, token in enumerate(video.tokens):
        if (m := _SIZE.match(token)) and not width:
            width, height = int(m.group(1)), int(m.group(2))
            if m.group(3) and int(m.group(3)) and int(m.group(4)):
                width = round(width * int(m.group(3)) / int(m.group(4)))
        elif (m := _RATE.match(token)) is not None:
            rates[m.group(3)] = float(m.group(1)) * (1000 if m.group(2) else 1)
        elif i == 1 and (m := _PIX.match(token)):
            pix_fmt, color = m.group(1), m.group(2) or ""
    return _VideoFacts(width, height, pix_fmt, color, rates.get("fps") or rates.get("tbr"))


def _rotation(video: StreamHeader) -> int:
    """Display Matrix rotation in degrees, normalised to 0/90/180/270."""
    m = _ROTATION.search("\n".join(video.body))
    return round(float(m.group(1))) % 360 if m else 0


def _is_hdr(pix_fmt: str, color: str) -> bool:
    """PQ or HLG transfer, or a 10+ bit BT.2020 stream."""
    if any(t in color for t in _HDR_TRANSFERS):
        return True
    deep = re.search(r"p1[0-6]", pix_fmt) is not None
    return deep and "bt2020" in color


# --- building MediaInfo -------------------------------------------------------------


def _probe_video(path: Path, header: InputHeader, video: StreamHeader) -> MediaInfo:
    """MediaInfo of a video: displayed size, rotation, duration, fps, audio, tags, date."""
    facts = _video_facts(video)
    if not facts.width:
        raise _error(path, "has a video stream without a picture size", "re-export the clip")
    rotation = _rotation(video)
    width, height = _displayed(facts.width, facts.height, rotation in (90, 270))
    audio = next((s for s in header.streams if s.kind == "Audio"), None)
    tags = {**video.tags, **header.tags}
    return MediaInfo(
        path=path,
        kind="video",
        width=width,
        height=height,
        rotation=rotation,
        duration=_duration(path, header, video),
        fps=facts.fps,
        has_audio=audio is not None,
        video_codec=video.codec,
        audio_codec=audio.codec if audio else None,
        pix_fmt=facts.pix_fmt,
        hdr=_is_hdr(facts.pix_fmt, facts.color),
        date=find_date(path, tags),
        tags=tags,
    )


def _displayed(width: int, height: int, swap: bool) -> tuple[int, int]:
    """Width and height as shown, after a quarter-turn rotation if `swap`."""
    return (height, width) if swap else (width, height)


def _duration(path: Path, header: InputHeader, video: StreamHeader) -> float:
    """Header duration; else the stream's DURATION tag (Matroska); else decode to the end."""
    if header.duration:
        return header.duration
    tagged = parse_hms(video.tags.get("duration", ""))
    if tagged:
        return tagged
    end, stderr = _decode_end(path, strict=False, timeout=DECODE_TIMEOUT)
    if end is None:
        raise _error(path, f"has no readable duration ({_why(stderr)})", "re-export the clip")
    return end


def _probe_image(path: Path, header: InputHeader, video: StreamHeader) -> MediaInfo:
    """MediaInfo of a photo: Pillow size with EXIF orientation; ffmpeg's if Pillow can't."""
    facts = _video_facts(video)
    pillow = _pillow_facts(path)
    if pillow is None:  # e.g. HEIC, which Pillow cannot open without a plugin
        size, rotation, exif = (facts.width, facts.height), _rotation(video), None
    else:
        size, orientation, exif = pillow
        rotation = _EXIF_ROTATION.get(orientation, 0)
    if not size[0]:
        raise _error(path, "is a picture without a size", "re-export it as JPEG or PNG")
    width, height = _displayed(*size, rotation in (90, 270))
    return MediaInfo(
        path=path,
        kind="image",
        width=width,
        height=height,
        rotation=rotation,
        video_codec=video.codec,
        pix_fmt=facts.pix_fmt,
        hdr=_is_hdr(facts.pix_fmt, facts.color),
        date=find_date(path, header.tags, exif=exif),
        tags=header.tags,
    )


def _pillow_facts(path: Path) -> tuple[tuple[int, int], int, Image.Exif] | None:
    """Stored size, EXIF Orientation (1 if absent) and EXIF of a photo; None if unreadable."""
    try:
        with Image.open(path) as im:
            exif = im.getexif()
            orientation = exif.get(ExifTags.Base.Orientation, 1)
            return im.size, int(orientation) if isinstance(orientation, int) else 1, exif
    except (OSError, UnidentifiedImageError, ValueError):
        return None
