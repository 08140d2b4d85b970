"""Photos measured by Pillow from their header alone, before anything decodes them.

Formats Pillow reads safely (JPEG, PNG, WebP, BMP, TIFF, GIF) are sized here with the
EXIF orientation applied; a picture too large to open safely (a decompression bomb) is
refused, and a photo under a video's name is named as such. Other stills (HEIC) go
through ffmpeg in `probe`.
"""

from __future__ import annotations

import functools
import re
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import ExifTags, Image, UnidentifiedImageError

from montage.media.dates import find_date
from montage.media.info import MediaInfo, media_error

EXIF_ROTATION = {3: 180, 4: 180, 5: 270, 6: 270, 7: 90, 8: 90}  # in ffmpeg's convention
VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".qt", ".webm", ".mkv", ".avi", ".3gp", ".3g2", ".mts", ".m2ts"}
    | {".ts", ".mpg", ".mpeg", ".wmv", ".flv"}
)
# Pillow formats probed without ffmpeg: (ffmpeg's codec name, the usual suffix). Others,
# such as EPS (which Pillow hands to Ghostscript), go through ffmpeg's demuxer whitelist.
PILLOW_FORMATS = {
    **{"JPEG": ("mjpeg", ".jpg"), "MPO": ("mjpeg", ".jpg"), "PNG": ("png", ".png")},
    **{"WEBP": ("webp", ".webp"), "BMP": ("bmp", ".bmp"), "TIFF": ("tiff", ".tif")},
    **{"GIF": ("gif", ".gif")},
}
# Files montage's renderer opens with Pillow (render/stills.py); others go through ffmpeg.
PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif", ".tif", ".tiff"})
_OPEN_FORMATS = tuple(f for f in PILLOW_FORMATS if f != "MPO")  # JPEG opens MPO files

_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class Photo:
    """What Pillow read from a picture's header."""

    format: str
    size: tuple[int, int]
    orientation: int
    exif: Image.Exif
    animated: bool


def photo_info(path: Path, photo: Photo) -> MediaInfo:
    """MediaInfo of a photo Pillow read, refusing one named like a video."""
    codec, suffix = PILLOW_FORMATS[photo.format]
    if path.suffix.lower() in VIDEO_SUFFIXES:
        name = "JPEG" if photo.format == "MPO" else photo.format
        hint = f"rename it to {path.stem}{suffix} to show it as a photo"
        raise media_error(path, f"is a {name} picture, not a video", hint)
    rotation = EXIF_ROTATION.get(photo.orientation, 0)
    width, height = displayed(*photo.size, rotation in (90, 270))
    return MediaInfo(
        path=path,
        kind="image",
        width=width,
        height=height,
        rotation=rotation,
        video_codec=codec,
        date=find_date(path, {}, exif=photo.exif),
    )


def read_photo(path: Path) -> Photo | None:
    """The header facts of a picture in a format of `PILLOW_FORMATS`; None for other files.

    Only the header is read. A picture too large for Pillow to open safely (a
    decompression bomb) is refused here, before anything decodes it.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path, formats=_OPEN_FORMATS) as im:
                exif = im.getexif()
                orientation = exif.get(ExifTags.Base.Orientation, 1)
                return Photo(
                    im.format or "",
                    im.size,
                    orientation if isinstance(orientation, int) else 1,
                    exif,
                    bool(getattr(im, "is_animated", False)) and im.format != "MPO",
                )
    except Image.DecompressionBombError as exc:
        found = _BOMB_PIXELS.search(str(exc))
        pixels = f"{int(found.group(1)) / 1e6:.0f} MP" if found else "too many pixels"
        raise media_error(
            path,
            f"is a picture of {pixels}, too large to open safely",
            "downscale it; montage takes pictures of up to about 180 MP",
        ) from None
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, struct.error):
        return None


def displayed(width: int, height: int, swap: bool) -> tuple[int, int]:
    """Width and height as shown, after a quarter-turn rotation if `swap`."""
    return (height, width) if swap else (width, height)


def ensure_photo_readable(path: Path) -> None:
    """Decode the photo at `path` as the renderer will (JPEG at 1/8 size), so a cut copy
    or a corrupt chunk is an error while planning, not half-way through the encode.

    Results are cached per (path, size, mtime); files Pillow does not render are skipped.
    """
    if path.suffix.lower() not in PHOTO_SUFFIXES:
        return
    stat = path.stat()
    _decode_cached(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=2048)
def _decode_cached(path: Path, size: int, mtime_ns: int) -> None:
    try:
        with Image.open(path) as image:
            image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except (OSError, ValueError, SyntaxError, struct.error, Image.DecompressionBombError) as exc:
        raise media_error(
            path,
            f"cannot be read as a picture ({exc})",
            "copy it again from its source, or re-export it as JPEG or PNG",
        ) from None


def clear_photo_cache() -> None:
    """Forget which photos decoded (for tests and long-running processes)."""
    _decode_cached.cache_clear()
