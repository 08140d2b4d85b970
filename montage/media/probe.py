"""`probe(path) -> MediaInfo`: stream facts of a clip or photo, read from `ffmpeg -i`.

The bundled ffmpeg has no ffprobe, so the header that `ffmpeg -i FILE` prints is parsed
here. Rotation comes from the stream's Display Matrix (moviepy 2.2.1 misses it) and the
reported width/height are the displayed ones. Photos in the formats Pillow reads safely
are measured from their header alone (`photos.py`), so no picture is decoded before the
resource limits are checked; why a file cannot be opened, and reading one to its end,
live in `decoding.py`. Results are cached per (path, size, mtime).
"""

from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from montage.media.dates import find_date
from montage.media.decoding import (
    DECODE_TIMEOUT,
    checked_path,
    clear_decode_cache,
    decode_end,
    unreadable,
    why,
)
from montage.media.ffmpeg import (
    InputHeader,
    StreamHeader,
    media_input_args,
    parse_hms,
    parse_input_header,
    run_ffmpeg,
)
from montage.media.info import MediaInfo, media_error
from montage.media.photos import (
    EXIF_ROTATION,
    Photo,
    clear_photo_cache,
    displayed,
    photo_info,
    read_photo,
)

PROBE_TIMEOUT = 30.0
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".heic", ".heif"})
_STILL_CODECS = frozenset({"mjpeg", "png", "webp", "bmp", "tiff", "hevc", "av1"})
_HDR_TRANSFERS = ("smpte2084", "arib-std-b67")
_ROTATION = re.compile(r"(?i)display\s*matrix:\s*rotation of (-?\d+(\.\d+)?)")
_SIZE = re.compile(r"^(\d+)x(\d+)(?:.*SAR (\d+):(\d+))?")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(k?) (fps|tbr)$")
_PIX = re.compile(r"^([a-z][a-z0-9_]*)(?:\((.*)\))?$")


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

    Raises MediaError, naming the file, when it is missing, empty, unreadable, cut short
    before its index, has no video stream, or is a picture under a video's name. Results
    are cached in-process per (path, size, mtime).
    """
    p = checked_path(Path(path))
    stat = p.stat()
    return _probe_cached(p, stat.st_size, stat.st_mtime_ns)


def clear_probe_cache() -> None:
    """Forget cached probe results (for tests and long-running processes)."""
    _probe_cached.cache_clear()
    clear_decode_cache()
    clear_photo_cache()


@functools.lru_cache(maxsize=2048)
def _probe_cached(path: Path, size: int, mtime_ns: int) -> MediaInfo:
    """Probe once per file version; size and mtime only key the cache."""
    photo = read_photo(path)
    if photo is not None and not photo.animated:
        return photo_info(path, photo)
    header = _read_header(path)
    video = next((s for s in header.streams if _is_picture(s)), None)
    if video is None:
        raise media_error(
            path,
            "has no video stream",
            "use a video or a photo here; an audio-only file can be the music track",
        )
    if _is_still(path, header, video):
        return _probe_image(path, header, video, photo)
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
        proc = run_ffmpeg(media_input_args(path), timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        hint = "is it on a slow or disconnected drive? copy it to a local folder"
        raise media_error(path, f"took over {PROBE_TIMEOUT:.0f} s to open", hint) from exc
    header = parse_input_header(proc.stderr)
    if not header.format:
        raise unreadable(path, proc.stderr)
    return header


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
        raise media_error(path, "has a video stream without a picture size", "re-export the clip")
    rotation = _rotation(video)
    width, height = displayed(facts.width, facts.height, rotation in (90, 270))
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
        video_start=_stream_offset(video, header),
        audio_start=_stream_offset(audio, header) if audio else 0.0,
        video_codec=video.codec,
        audio_codec=audio.codec if audio else None,
        pix_fmt=facts.pix_fmt,
        hdr=_is_hdr(facts.pix_fmt, facts.color),
        date=find_date(path, tags),
        tags=tags,
    )


def _stream_offset(stream: StreamHeader, header: InputHeader) -> float:
    """Seconds from the container's start to the stream's first timestamp.

    ffmpeg omits a stream's start when it is 0 or unknown. The container starts with its
    earliest stream, so an omitted start is 0 unless the container starts later, in which
    case it is unknown and taken as the container's.
    """
    container = header.start or 0.0
    own = stream.start
    if own is None:
        own = max(container, 0.0)
    return round(max(own - container, 0.0), 6)  # ffmpeg prints microseconds


def _duration(path: Path, header: InputHeader, video: StreamHeader) -> float:
    """Header duration; else the stream's DURATION tag (Matroska); else read to the end.

    Reading is demux-only, so nothing is decoded before the resource limits are checked.
    """
    if header.duration:
        return header.duration
    tagged = parse_hms(video.tags.get("duration", ""))
    if tagged:
        return tagged
    end, stderr = decode_end(path, strict=False, timeout=DECODE_TIMEOUT, demux_only=True)
    if end is None:
        raise media_error(path, f"has no readable duration ({why(stderr)})", "re-export the clip")
    return end


def _probe_image(
    path: Path, header: InputHeader, video: StreamHeader, photo: Photo | None
) -> MediaInfo:
    """MediaInfo of a still ffmpeg reads (HEIC, or an animated picture's first frame)."""
    facts = _video_facts(video)
    if photo is None:  # e.g. HEIC, which Pillow cannot open without a plugin
        size, rotation, exif = (facts.width, facts.height), _rotation(video), None
    else:
        size, rotation, exif = photo.size, EXIF_ROTATION.get(photo.orientation, 0), photo.exif
    if not size[0]:
        hint = "check that it really is a photo, or re-export it as JPEG or PNG"
        raise media_error(path, "is not a picture that can be read (it has no size)", hint)
    width, height = displayed(*size, rotation in (90, 270))
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
