"""`probe(path) -> MediaInfo`: stream facts of a clip or photo, read from `ffmpeg -i`.

The bundled ffmpeg has no ffprobe, so the header that `ffmpeg -i FILE` prints is parsed
here. Rotation comes from the stream's Display Matrix (moviepy 2.2.1 misses it) and the
reported width/height are the displayed ones. Photos in the formats Pillow reads safely
are measured by Pillow from their header alone (EXIF orientation applied), so no picture
is decoded before the resource limits are checked; a photo under a video's name is
refused. Results are cached per (path, size, mtime).
"""

from __future__ import annotations

import functools
import re
import struct
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, UnidentifiedImageError

from montage.errors import MediaError, Problem
from montage.media.dates import find_date
from montage.media.ffmpeg import (
    NOT_ON_WHITELIST,
    InputHeader,
    StreamHeader,
    media_input_args,
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
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".qt", ".webm", ".mkv", ".avi", ".3gp", ".3g2", ".mts", ".m2ts"}
    | {".ts", ".mpg", ".mpeg", ".wmv", ".flv"}
)
# Pillow formats probed without ffmpeg: (ffmpeg's codec name, the usual suffix). Others,
# such as EPS (which Pillow hands to Ghostscript), go through ffmpeg's demuxer whitelist.
_PILLOW_FORMATS = {
    **{"JPEG": ("mjpeg", ".jpg"), "MPO": ("mjpeg", ".jpg"), "PNG": ("png", ".png")},
    **{"WEBP": ("webp", ".webp"), "BMP": ("bmp", ".bmp"), "TIFF": ("tiff", ".tif")},
    **{"GIF": ("gif", ".gif")},
}
_OPEN_FORMATS = tuple(f for f in _PILLOW_FORMATS if f != "MPO")  # JPEG opens MPO files

_ROTATION = re.compile(r"(?i)display\s*matrix:\s*rotation of (-?\d+(\.\d+)?)")
_SIZE = re.compile(r"^(\d+)x(\d+)(?:.*SAR (\d+):(\d+))?")
_RATE = re.compile(r"^(\d+(?:\.\d+)?)(k?) (fps|tbr)$")
_PIX = re.compile(r"^([a-z][a-z0-9_]*)(?:\((.*)\))?$")
_OUT_TIME = re.compile(r"^out_time_us=(\d+)\s*$", re.MULTILINE)
_TELLING = re.compile(r"Invalid data|moov atom|Permission|Error opening", re.IGNORECASE)
_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class _VideoFacts:
    """Facts parsed from a video stream's description line."""

    width: int
    height: int
    pix_fmt: str
    color: str
    fps: float | None


@dataclass(frozen=True)
class _Photo:
    """What Pillow read from a picture's header."""

    format: str
    size: tuple[int, int]
    orientation: int
    exif: Image.Exif
    animated: bool


def probe(path: Path) -> MediaInfo:
    """Return the stream facts of the video or photo at `path`.

    Raises MediaError, naming the file, when it is missing, empty, unreadable, cut short
    before its index, has no video stream, or is a picture under a video's name. Results
    are cached in-process per (path, size, mtime).
    """
    p = _checked_path(Path(path))
    stat = p.stat()
    return _probe_cached(p, stat.st_size, stat.st_mtime_ns)


def clear_probe_cache() -> None:
    """Forget cached probe results (for tests and long-running processes)."""
    _probe_cached.cache_clear()
    _music_cached.cache_clear()


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
    photo = _pillow_photo(path)
    if photo is not None and not photo.animated:
        return _photo_info(path, photo)
    header = _read_header(path)
    video = next((s for s in header.streams if _is_picture(s)), None)
    if video is None:
        raise _error(
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
        raise _error(path, f"took over {PROBE_TIMEOUT:.0f} s to open", hint) from exc
    header = parse_input_header(proc.stderr)
    if not header.format:
        raise _unreadable(path, proc.stderr)
    return header


def _unreadable(path: Path, stderr: str) -> MediaError:
    """Why ffmpeg could not open `path`: a script it may not follow, a cut copy, or junk."""
    with path.open("rb") as file:
        head = file.read(64)
    script = _script_kind(head)
    if script or NOT_ON_WHITELIST in stderr:
        kind = script or "not a media file"
        return _error(
            path,
            f"is {kind}; montage opens only video, photo and audio files",
            "a playlist or script names other files and addresses; use the media file itself",
        )
    if "moov atom not found" in stderr and head[4:8] == b"ftyp":
        return _error(
            path,
            "is incomplete: its index (moov atom) is missing, as after an interrupted copy",
            "copy the file again from its source",
        )
    return _error(
        path,
        f"is not a video or photo that ffmpeg can read ({_why(stderr)})",
        "check that the file is complete (an interrupted copy lacks its index) "
        "and really is a video or photo",
    )


def _script_kind(head: bytes) -> str:
    """What kind of playlist or script a file starting with `head` is; "" for others."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"#EXTM3U"):
        return "a playlist (HLS)"
    if text.startswith(b"ffconcat"):
        return "an ffconcat script"
    return ""


def _why(stderr: str) -> str:
    """ffmpeg's own reason, shortened to its most telling line."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    telling = [ln for ln in lines if _TELLING.search(ln)]
    text = (telling or lines or ["no output"])[0]
    return re.sub(r"^(\[[^\]]*\]\s*)+", "", text)  # ffmpeg 7 nests "[aist#0:0] [dec:aac]"


def _decode_end(
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
        raise _error(path, f"took over {timeout:.0f} s to decode", "is it huge?") from exc
    times = [int(us) for us in _OUT_TIME.findall(proc.stdout)]
    end = max(times, default=0) / 1e6
    return (end or None), proc.stderr


def check_music(path: Path, timeout: float = DECODE_TIMEOUT) -> float:
    """Decode the whole audio stream of the music file `path`; return its length in seconds.

    Raises MediaError naming the file when it has no audio stream, is not a media file,
    or its audio fails to decode: the mix loops music, so it must be sound all through.
    Results are cached per (path, size, mtime).
    """
    p = _checked_path(Path(path))
    stat = p.stat()
    return _music_cached(p, stat.st_size, stat.st_mtime_ns, timeout)


@functools.lru_cache(maxsize=64)
def _music_cached(path: Path, size: int, mtime_ns: int, timeout: float) -> float:
    """Check once per file version; size and mtime only key the cache."""
    end, stderr = _decode_end(path, strict=True, timeout=timeout, stream="a")
    if "matches no streams" in stderr:
        raise _error(path, "has no audio stream", "use a music file such as .m4a, .mp3 or .wav")
    if stderr.strip() or end is None:
        with path.open("rb") as file:
            if _script_kind(file.read(64)):
                raise _unreadable(path, stderr)
        raise _error(
            path,
            f"is not audio that can be decoded ({_why(stderr)})",
            "re-export the music as .m4a or .mp3",
        )
    return end


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


def _displayed(width: int, height: int, swap: bool) -> tuple[int, int]:
    """Width and height as shown, after a quarter-turn rotation if `swap`."""
    return (height, width) if swap else (width, height)


def _duration(path: Path, header: InputHeader, video: StreamHeader) -> float:
    """Header duration; else the stream's DURATION tag (Matroska); else read to the end.

    Reading is demux-only, so nothing is decoded before the resource limits are checked.
    """
    if header.duration:
        return header.duration
    tagged = parse_hms(video.tags.get("duration", ""))
    if tagged:
        return tagged
    end, stderr = _decode_end(path, strict=False, timeout=DECODE_TIMEOUT, demux_only=True)
    if end is None:
        raise _error(path, f"has no readable duration ({_why(stderr)})", "re-export the clip")
    return end


def _probe_image(
    path: Path, header: InputHeader, video: StreamHeader, photo: _Photo | None
) -> MediaInfo:
    """MediaInfo of a still ffmpeg reads (HEIC, or an animated picture's first frame)."""
    facts = _video_facts(video)
    if photo is None:  # e.g. HEIC, which Pillow cannot open without a plugin
        size, rotation, exif = (facts.width, facts.height), _rotation(video), None
    else:
        size, rotation, exif = photo.size, _EXIF_ROTATION.get(photo.orientation, 0), photo.exif
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


def _photo_info(path: Path, photo: _Photo) -> MediaInfo:
    """MediaInfo of a photo Pillow read, refusing one named like a video."""
    codec, suffix = _PILLOW_FORMATS[photo.format]
    if path.suffix.lower() in VIDEO_SUFFIXES:
        name = "JPEG" if photo.format == "MPO" else photo.format
        hint = f"rename it to {path.stem}{suffix} to show it as a photo"
        raise _error(path, f"is a {name} picture, not a video", hint)
    rotation = _EXIF_ROTATION.get(photo.orientation, 0)
    width, height = _displayed(*photo.size, rotation in (90, 270))
    return MediaInfo(
        path=path,
        kind="image",
        width=width,
        height=height,
        rotation=rotation,
        video_codec=codec,
        date=find_date(path, {}, exif=photo.exif),
    )


def _pillow_photo(path: Path) -> _Photo | None:
    """The header facts of a picture in a format of `_PILLOW_FORMATS`; None for other files.

    Only the header is read. A picture too large for Pillow to open safely (a
    decompression bomb) is refused here, before anything decodes it.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=_OPEN_FORMATS) as im:
                exif = im.getexif()
                orientation = exif.get(ExifTags.Base.Orientation, 1)
                return _Photo(
                    im.format or "",
                    im.size,
                    orientation if isinstance(orientation, int) else 1,
                    exif,
                    bool(getattr(im, "is_animated", False)) and im.format != "MPO",
                )
    except Image.DecompressionBombError as exc:
        found = _BOMB_PIXELS.search(str(exc))
        pixels = f"{int(found.group(1)) / 1e6:.0f} MP" if found else "too many pixels"
        raise _error(
            path,
            f"is a picture of {pixels}, too large to open safely",
            "downscale it; montage takes pictures of up to about 180 MP",
        ) from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, struct.error):
        return None
