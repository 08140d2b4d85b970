"""Overlays drawn on finished frames: text sprites and the progress bar.

Sprites are rendered once with Pillow and blended only inside their own box, with
integer math, so a caption costs a fraction of a millisecond per frame.
"""

from __future__ import annotations

import numpy as np

from montage.render.colour import rgba
from montage.text import render_text
from montage.timeline import ProgressLayer, TextLayer


def fade_factor(frame: int, start: int, end: int, fade_in: int, fade_out: int) -> int:
    """Opacity 0..256 of a layer at `frame`, following its segment's transitions."""
    level = 256
    if fade_in and frame < start + fade_in:
        level = min(level, (frame - start + 1) * 256 // (fade_in + 1))
    if fade_out and frame >= end - fade_out:
        level = min(level, (end - frame) * 256 // (fade_out + 1))
    return max(0, level)


def blend_rgba(
    frame: np.ndarray, x: int, y: int, rgb: np.ndarray, alpha: np.ndarray, opacity: int = 256
) -> None:
    """Blend a premultiplied sprite into `frame` at (x, y), in place, clipped to the frame.

    `alpha` is 0..256 (256 = opaque) so that the division is a shift; `rgb` is colour
    premultiplied by alpha/256. Both are uint16.
    """
    h, w = alpha.shape[:2]
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, frame.shape[1]), min(y + h, frame.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    a = alpha[y0 - y : y1 - y, x0 - x : x1 - x]
    c = rgb[y0 - y : y1 - y, x0 - x : x1 - x]
    if opacity < 256:
        a = (a * opacity) >> 8
        c = (c * opacity) >> 8
    region = frame[y0:y1, x0:x1]
    mixed = region * (256 - a)
    mixed >>= 8
    mixed += c
    np.copyto(region, mixed, casting="unsafe")


class TextSprite:
    """A text layer rendered once, blended per frame."""

    def __init__(self, layer: TextLayer) -> None:
        image = render_text(layer.text, layer.style, *layer.max_size)
        pixels = np.asarray(image.convert("RGBA"), dtype=np.uint16)
        self.layer = layer
        alpha = pixels[..., 3:4]
        self.alpha = alpha + (alpha >> 7)  # 0..255 -> 0..256: opaque stays exactly opaque
        self.rgb = (pixels[..., :3] * self.alpha) >> 8  # premultiplied

    def draw(self, frame: np.ndarray, index: int) -> None:
        """Draw the sprite onto `frame` (output frame number `index`)."""
        layer = self.layer
        opacity = fade_factor(index, layer.start, layer.end, layer.fade_in, layer.fade_out)
        x, y = layer.position
        blend_rgba(frame, x, y, self.rgb, self.alpha, opacity)


class ProgressBar:
    """A thin track with a filled part that follows the dates."""

    def __init__(self, layer: ProgressLayer) -> None:
        self.layer = layer
        self.fill = np.array(rgba(layer.color)[:3], np.uint16)
        self.fill_alpha = rgba(layer.color)[3]
        track = rgba(layer.track)
        self.track = np.array(track[:3], np.uint16)
        self.track_alpha = track[3]

    def draw(self, frame: np.ndarray, index: int) -> None:
        """Draw the bar for output frame `index`."""
        layer, rect = self.layer, self.layer.rect
        filled = round(rect.w * layer.fraction_at(index))
        opacity = fade_factor(index, layer.start, layer.end, 0, 0)
        region = frame[rect.y : rect.bottom, rect.x : rect.right]
        _tint(region[:, filled:], self.track, self.track_alpha * opacity >> 8)
        _tint(region[:, :filled], self.fill, self.fill_alpha * opacity >> 8)


def _tint(region: np.ndarray, colour: np.ndarray, alpha: int) -> None:
    if region.size and alpha:
        weight = alpha + (alpha >> 7)
        np.copyto(region, (region * (256 - weight) + colour * weight) >> 8, casting="unsafe")


def overlays_for(
    texts: tuple[TextLayer, ...], progress: ProgressLayer | None
) -> list[TextSprite | ProgressBar]:
    """Every overlay of a timeline, in drawing order (bar first, text on top)."""
    drawn: list[TextSprite | ProgressBar] = [ProgressBar(progress)] if progress else []
    return drawn + [TextSprite(layer) for layer in texts]
