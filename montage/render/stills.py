"""Still pictures: photos and frozen video frames, fitted once with Pillow.

A photo is decoded once (JPEG in draft mode when it is far larger than the box), then
each frame is a window of it resized to the box: a slow, smooth Ken Burns push-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter, ImageOps

from montage.errors import RenderError
from montage.media.photos import PHOTO_SUFFIXES
from montage.render.decode import grab_frame
from montage.render.filters import ASPECT_TOLERANCE, BLUR_DOWNSCALE, still_chain
from montage.render.readahead import ReadAhead
from montage.render.yuv import Frame, half, rgb_to_planes, rgb_to_yuv
from montage.timeline import Picture


def load_picture_image(picture: Picture) -> Image.Image:
    """The picture's source frame as an upright RGB image."""
    if picture.path.suffix.lower() in PHOTO_SUFFIXES:
        return _open_photo(picture.path, picture.box.w, picture.box.h)
    return Image.fromarray(grab_frame(picture.path, picture.source_in, still_chain(picture)))


def _open_photo(path: Path, width: int, height: int) -> Image.Image:
    try:
        with Image.open(path) as image:
            image.draft("RGB", (width * 2, height * 2))  # decode huge JPEGs at a useful size
            upright = ImageOps.exif_transpose(image)
            return upright.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise RenderError.single(
            f"cannot read the photo {path}: {exc}", hint="re-export it as JPEG or PNG"
        ) from None


def fit_image(image: Image.Image, fit: str, size: tuple[int, int], background: str) -> Image.Image:
    """Pillow twin of `filters.fit_chain` for stills."""
    aspect = image.width / image.height
    if fit == "blur" and abs(aspect / (size[0] / size[1]) - 1) < ASPECT_TOLERANCE:
        fit = "cover"
    if fit == "cover":
        return ImageOps.fit(image, size, Image.Resampling.LANCZOS)
    if fit == "contain":
        return ImageOps.pad(image, size, Image.Resampling.LANCZOS, color=background[:7])
    backdrop = blurred(image, size)
    front = ImageOps.contain(image, size, Image.Resampling.LANCZOS)
    backdrop.paste(front, ((size[0] - front.width) // 2, (size[1] - front.height) // 2))
    return backdrop


def blurred(image: Image.Image, size: tuple[int, int], darken: float = 0.88) -> Image.Image:
    """A soft, slightly dark backdrop filling `size` (blurred small, then scaled up)."""
    small = (max(2, size[0] // BLUR_DOWNSCALE), max(2, size[1] // BLUR_DOWNSCALE))
    soft = ImageOps.fit(image, small, Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(3))
    soft = ImageEnhance.Brightness(soft).enhance(darken)
    return soft.resize(size, Image.Resampling.BILINEAR)


class StillPainter:
    """Frames of a still picture: static, or a slow push-in computed a few frames ahead."""

    def __init__(self, picture: Picture, frames: int, background: str, skip: int = 0) -> None:
        box = (picture.box.w, picture.box.h)
        image = load_picture_image(picture)
        zoom = 0.0 if picture.blur else picture.zoom
        if picture.blur:
            image = blurred(image, box, darken=0.6)
        else:
            grown = (_even(box[0] * (1 + zoom)), _even(box[1] * (1 + zoom)))
            image = fit_image(image, picture.fit, grown, background)
        self.fresh = bool(zoom)  # zoomed frames are new; a static one is shared
        self._static: Frame | None = None
        self._frames: ReadAhead[Frame] | None = None
        if zoom:
            self._frames = ReadAhead(_push_in(image, box, zoom, frames, skip), "montage-still")
        else:
            self._static = rgb_to_yuv(np.asarray(image.resize(box)))
            self._static.buf.flags.writeable = False

    def frame(self, index: int) -> Frame:
        """The next frame of the segment (frames are asked for in order)."""
        if self._frames is None:
            assert self._static is not None
            return self._static
        frame = self._frames.next_frame()
        assert frame is not None
        return frame

    def close(self) -> None:
        """Stop the push-in producer."""
        if self._frames is not None:
            self._frames.close()


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def _push_in(
    image: Image.Image, box: tuple[int, int], zoom: float, frames: int, skip: int
) -> Iterator[Frame]:
    """A Ken Burns zoom from the whole fitted image to its centre `box`, sub-pixel smooth.

    The image is split into Y, U and V planes once; each frame resizes the three planes
    (grey images are a third of the work of an RGB resize, and need no conversion).
    """
    y, u, v = rgb_to_planes(np.asarray(image))
    planes = [
        Image.fromarray(np.clip(p + 0.5, 0, 255).astype(np.uint8)) for p in (y, half(u), half(v))
    ]
    last = max(frames - 1, 1)
    for index in range(skip, frames):
        scale = 1 + zoom * index / last
        w, h = image.width / scale, image.height / scale
        x0, y0 = (image.width - w) / 2, (image.height - h) / 2
        frame = Frame.empty(*box)
        for target, plane, factor in zip(frame.planes, planes, (1, 2, 2), strict=True):
            view = plane.resize(
                (box[0] // factor, box[1] // factor),
                Image.Resampling.BILINEAR,
                box=(x0 / factor, y0 / factor, (x0 + w) / factor, (y0 + h) / factor),
            )
            np.copyto(target, np.asarray(view))
        yield frame
