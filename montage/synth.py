"""Tiny deterministic media for tests, the demo and the benchmark.

Videos come from ffmpeg's lavfi sources (`testsrc2`, `color`, `sine`) through the bundled
ffmpeg; photos are drawn with Pillow. Defaults are small and fast (`-preset ultrafast`).

    make_video(tmp / "portrait.mp4", rotate=90, duration=1.0)
    make_photo(tmp / "IMG_0001.jpg", exif_datetime="2023:01:15 12:34:56", orientation=6)
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from PIL import ExifTags, Image, ImageDraw

from montage.media.ffmpeg import run_ffmpeg

VideoCodec = Literal["libx264", "libx265", "libvpx-vp9", "mpeg4"]

_TIMEOUT = 120.0
_ROTATIONS = (0, 90, 180, 270, -90, -180, -270)
_CODEC_ARGS: dict[str, list[str]] = {
    "libx264": ["-preset", "ultrafast"],
    "libx265": ["-preset", "ultrafast", "-x265-params", "log-level=error"],
    "libvpx-vp9": ["-deadline", "realtime", "-cpu-used", "8", "-b:v", "0", "-crf", "40"],
    "mpeg4": ["-q:v", "5"],
}
_MP4_LIKE = frozenset({".mp4", ".mov", ".m4v"})
_STANDARD_TAGS = frozenset({"title", "comment", "creation_time", "date", "artist", "encoder"})


def make_video(
    path: Path,
    *,
    width: int = 320,
    height: int = 240,
    fps: float = 30,
    duration: float = 2.0,
    color: str | None = None,
    audio: bool = True,
    tone_hz: float = 440,
    codec: VideoCodec = "libx264",
    rotate: int = 0,
    vfr: bool = False,
    metadata: Mapping[str, str] | None = None,
    pix_fmt: str = "yuv420p",
    hdr: bool = False,
    faststart: bool = False,
    sar: tuple[int, int] | None = None,
    marker: bool = False,
    audio_offset: float = 0.0,
    sync_mark: float | None = None,
) -> Path:
    """Write a small test clip to `path` (container from its suffix) and return the path.

    - `color`: a solid colour clip (`"red"`, `"#336699"`); else the `testsrc2` pattern,
      whose asymmetry shows rotation and whose moving parts show time.
    - `rotate`: stores a Display Matrix rotation (degrees, as `ffmpeg -display_rotation`)
      on an unrotated `width`x`height` stream, like a phone filming in portrait.
    - `vfr`: variable frame rate: frames at 2x`fps`, two kept out of every four, so the
      intervals alternate 1:3 and the average rate stays `fps` while `tbr` reads 2x`fps`.
    - `metadata`: container tags such as `creation_time` or
      `com.apple.quicktime.creationdate` (custom keys use `-movflags use_metadata_tags`).
    - `hdr`: 10-bit BT.2020 with the HLG transfer (`arib-std-b67`); libx265 or libvpx-vp9.
    - `faststart`: moov atom at the front, so a truncated copy still opens.
    - `sar`: anamorphic: the `width`x`height` pixels are shown `num`:`den` wide each, so the
      displayed width is `width * num / den`.
    - `marker`: a white square (square as displayed, SAR applied) in the centre of the
      picture, so tests can measure the displayed shape in any fit.
    - `audio_offset`: the sound stream starts this many seconds after the picture stream
      (before it when negative), as phone clips often do; the file starts with the earlier.
    - `sync_mark`: at this time, as a player shows the file, a 0.2 s white flash on a black
      picture and a 0.1 s beep (at `tone_hz`) in silence, to measure A/V sync.
    """
    _check_video_args(codec, rotate, hdr)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    picture_delay, sound_delay = max(-audio_offset, 0.0), max(audio_offset, 0.0)
    flash = None if sync_mark is None else sync_mark - picture_delay  # on the stream's clock
    square = _marker(width, height, sar) if marker else None
    source = _video_source(width, height, fps, duration, color, vfr, square)
    args = [*_video_input(source, rotate, picture_delay, flash)]
    if audio:
        beep = None if sync_mark is None else sync_mark - sound_delay
        args += _audio_input(duration, tone_hz, sound_delay, beep)
    args += ["-map", "0:v:0", *(["-map", "1:a:0"] if audio else [])]
    args += _video_filter(vfr, hdr, pix_fmt, sar)
    args += ["-c:v", codec, *_CODEC_ARGS[codec]]
    if codec == "libx265" and path.suffix.lower() in _MP4_LIKE:
        args += ["-tag:v", "hvc1"]
    if audio:
        args += ["-c:a", _audio_codec(path), "-b:a", "64k"]
    args += _metadata_args(path, metadata or {}, faststart)
    _run([*args, "-t", f"{duration + abs(audio_offset)}"], path)
    return path


def _check_video_args(codec: str, rotate: int, hdr: bool) -> None:
    """Refuse parameters that would silently produce something else."""
    if codec not in _CODEC_ARGS:
        raise ValueError(f"codec must be one of {sorted(_CODEC_ARGS)}, not {codec!r}")
    if rotate not in _ROTATIONS:
        raise ValueError(f"rotate must be a multiple of 90 within ±270, not {rotate}")
    if hdr and codec not in ("libx265", "libvpx-vp9"):
        raise ValueError("hdr=True needs codec='libx265' or 'libvpx-vp9'")


def _video_source(
    width: int,
    height: int,
    fps: float,
    duration: float,
    color: str | None,
    vfr: bool,
    marker: tuple[int, int] | None,
) -> str:
    """The lavfi picture: a colour or `testsrc2`, with the centre marker when asked."""
    rate = fps * 2 if vfr else fps
    size = f"s={width}x{height}:r={rate}:d={duration}"
    source = f"color=c={color}:{size}" if color else f"testsrc2={size}"
    if marker:
        w, h = marker
        source += f",drawbox=x=(iw-{w})/2:y=(ih-{h})/2:w={w}:h={h}:color=white:t=fill"
    return source


def _marker(width: int, height: int, sar: tuple[int, int] | None) -> tuple[int, int]:
    """Stored size of a centre square a third of the displayed short side."""
    num, den = sar or (1, 1)
    side = min(width * num // den, height) // 3
    return max(2, round(side * den / num)), side


def _video_input(source: str, rotate: int, delay: float, flash: float | None) -> list[str]:
    """The lavfi video input: rotation side data, a start delay and the sync flash."""
    if flash is not None:
        # Drawn inside the source, where `t` is the stream's own clock (before the delay).
        enable = f"between(t,{flash:.6f},{flash + 0.2 - 1e-6:.6f})"
        source += f",drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{enable}'"
    rotation = ["-display_rotation", str(rotate), "-noautorotate"] if rotate else []
    return [*rotation, *_delay(delay), "-f", "lavfi", "-i", source]


def _audio_input(duration: float, tone_hz: float, delay: float, beep: float | None) -> list[str]:
    """The lavfi sound input: a steady tone, or silence with a 0.1 s beep at `beep`."""
    source = f"sine=f={tone_hz}:sample_rate=48000:d={duration}"
    if beep is not None:
        wave = f"if(between(t,{beep:.6f},{beep + 0.1:.6f}),0.5*sin(2*PI*{tone_hz}*t),0)"
        source = f"aevalsrc='{wave}':s=48000:d={duration}"
    return [*_delay(delay), "-f", "lavfi", "-i", source]


def _delay(seconds: float) -> list[str]:
    """`-itsoffset`: the next input's timestamps start `seconds` later in the file."""
    return ["-itsoffset", f"{seconds:.6f}"] if seconds else []


def _video_filter(vfr: bool, hdr: bool, pix_fmt: str, sar: tuple[int, int] | None) -> list[str]:
    """Frame selection for VFR, colour tags for HDR, the pixel format and aspect."""
    filters: list[str] = []
    if vfr:
        filters.append(r"select='lt(mod(n\,4)\,2)'")
    if hdr:
        filters.append(
            "setparams=color_primaries=bt2020:color_trc=arib-std-b67:colorspace=bt2020nc:range=tv"
        )
        pix_fmt = "yuv420p10le"
    filters.append(f"format={pix_fmt}")
    if sar:
        filters.append(f"setsar={sar[0]}/{sar[1]}")
    return ["-vf", ",".join(filters), *(["-fps_mode", "vfr"] if vfr else [])]


def _audio_codec(path: Path) -> str:
    """An audio codec the container accepts."""
    suffix = path.suffix.lower()
    if suffix == ".webm":
        return "libopus"
    return "libmp3lame" if suffix == ".avi" else "aac"


def _metadata_args(path: Path, metadata: Mapping[str, str], faststart: bool) -> list[str]:
    """`-metadata k=v` pairs plus the movflags that make MP4/MOV keep them."""
    args: list[str] = []
    for key, value in metadata.items():
        args += ["-metadata", f"{key}={value}"]
    flags = []
    if path.suffix.lower() in _MP4_LIKE:
        if any(key not in _STANDARD_TAGS for key in metadata):
            flags.append("+use_metadata_tags")
        if faststart:
            flags.append("+faststart")
    return args + (["-movflags", "".join(flags)] if flags else [])


def make_audio(path: Path, *, duration: float = 2.0, tone_hz: float = 440) -> Path:
    """Write an audio-only file (sine tone; codec from the suffix: m4a/aac, mp3, wav)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    codec = {".mp3": "libmp3lame", ".wav": "pcm_s16le", ".ogg": "libvorbis"}.get(
        path.suffix.lower(), "aac"
    )
    source = f"sine=f={tone_hz}:sample_rate=48000:d={duration}"
    _run(["-f", "lavfi", "-i", source, "-c:a", codec], path)
    return path


def truncate_copy(src: Path, dst: Path, *, keep: float = 0.5) -> Path:
    """Copy the first `keep` fraction of `src` to `dst`, like an interrupted transfer."""
    data = Path(src).read_bytes()
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data[: int(len(data) * keep)])
    return dst


def make_photo(
    path: Path,
    *,
    width: int = 160,
    height: int = 120,
    color: str = "steelblue",
    exif_datetime: str | None = None,
    exif_offset: str | None = None,
    orientation: int | None = None,
    marker: bool = True,
) -> Path:
    """Write a still image with Pillow (format from the suffix) and return the path.

    `exif_datetime` is EXIF style (`"2023:01:15 12:34:56"`), `exif_offset` like `"+01:00"`,
    `orientation` the EXIF Orientation (6 = rotate 90° clockwise to display). With `marker`
    a white square marks the stored top-left corner, so tests can check the transpose.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (width, height), color)
    if marker:
        side = max(2, min(width, height) // 4)
        ImageDraw.Draw(image).rectangle((0, 0, side - 1, side - 1), fill="white")
    exif = _photo_exif(image, exif_datetime, exif_offset, orientation)
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        image.save(tmp, exif=exif)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _photo_exif(
    image: Image.Image,
    when: str | None,
    offset: str | None,
    orientation: int | None,
) -> Image.Exif:
    """EXIF with the Orientation in IFD0 and the capture date in the Exif sub-IFD."""
    exif = image.getexif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    if when is not None:
        sub[ExifTags.Base.DateTimeOriginal] = when
    if offset is not None:
        sub[ExifTags.Base.OffsetTimeOriginal] = offset
    return exif


def _run(args: list[str], path: Path) -> None:
    """Run ffmpeg quietly into a temporary file, then move it to `path` (never half written).

    Raises RuntimeError with ffmpeg's last messages if it fails.
    """
    tmp = path.absolute().with_name(f".{path.stem}.{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        # bitexact: no random Matroska segment UID, so the same call gives the same bytes
        out = ["-fflags", "+bitexact", "-y", str(tmp)]
        proc = run_ffmpeg(["-v", "error", *args, *out], timeout=_TIMEOUT)
        if proc.returncode != 0 or not tmp.exists():
            tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
            raise RuntimeError(f"ffmpeg could not write {path}: {tail}")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
