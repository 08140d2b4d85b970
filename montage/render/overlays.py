"""Overlays drawn on finished frames: text sprites and the progress bar.

Sprites are rendered once with Pillow, converted once to premultiplied yuv420p planes,
and blended per frame only inside their own box with integer math (alpha 0..256, so the
division is a shift).
"""

from __future__ import annotations

import numpy as np

from montage.render.yuv import Frame, colour_yuv, half, rgb_to_planes
from montage.text import render_text
from montage.timeline import ProgressLayer, Rect, TextLayer

SCALES = (1, 2, 2)  # Y is full size, U and V half


def fade_factor(frame: int, start: int, end: int, fade_in: int, fade_out: int) -> int:
    """Opacity 0..256 of a layer at `frame`, following its segment's transitions."""
    level = 256
    if fade_in and frame < start + fade_in:
        level = min(level, (frame - start + 1) * 256 // (fade_in + 1))
    if fade_out and frame >= end - fade_out:
        level = min(level, (end - frame) * 256 // (fade_out + 1))
    return max(0, level)


def blend_plane(
    plane: np.ndarray, x: int, y: int, colour: np.ndarray, alpha: np.ndarray, opacity: int = 256
) -> None:
    """Blend premultiplied `colour` with `alpha` (0..256) into `plane` at (x, y), clipped."""
    h, w = alpha.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + w, plane.shape[1]), min(y + h, plane.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    a = alpha[y0 - y : y1 - y, x0 - x : x1 - x]
    c = colour[y0 - y : y1 - y, x0 - x : x1 - x]
    if opacity < 256:
        a = (a * opacity) >> 8
        c = (c * opacity) >> 8
    region = plane[y0:y1, x0:x1]
    mixed = region * (256 - a)
    mixed >>= 8
    mixed += c
    np.copyto(region, mixed, casting="unsafe")


class TextSprite:
    """A text layer rendered once, blended per frame into the three planes."""

    def __init__(self, layer: TextLayer) -> None:
        rgba = np.asarray(render_text(layer.text, layer.style, *layer.max_size).convert("RGBA"))
        x, y = layer.position
        # Pad to even edges so the half-size chroma planes line up with the luma.
        left, top = x % 2, y % 2
        right, bottom = (rgba.shape[1] + left) % 2, (rgba.shape[0] + top) % 2
        rgba = np.pad(rgba, ((top, bottom), (left, right), (0, 0)))
        self.layer = layer
        self.origin = (x - left, y - top)
        self.planes = _premultiplied_planes(rgba)

    def draw(self, frame: Frame, index: int) -> None:
        """Draw the sprite onto `frame` (output frame number `index`)."""
        layer = self.layer
        opacity = fade_factor(index, layer.start, layer.end, layer.fade_in, layer.fade_out)
        x, y = self.origin
        for plane, (colour, alpha), scale in zip(frame.planes, self.planes, SCALES, strict=True):
            blend_plane(plane, x // scale, y // scale, colour, alpha, opacity)


def _premultiplied_planes(rgba: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(Y*a, a), (U*a, a), (V*a, a)] as uint16, chroma averaged over 2x2 pixels."""
    alpha = rgba[..., 3].astype(np.float32)
    alpha = alpha + (alpha >= 128)  # 0..255 -> 0..256: opaque stays exactly opaque
    y, u, v = rgb_to_planes(rgba[..., :3])
    alpha_half = half(alpha)
    planes = [
        (y * alpha / 256, alpha),
        (half(u * alpha) / 256, alpha_half),
        (half(v * alpha) / 256, alpha_half),
    ]
    return [(np.round(c).astype(np.uint16), np.round(a).astype(np.uint16)) for c, a in planes]


class ProgressBar:
    """A thin track with a filled part that follows the dates."""

    def __init__(self, layer: ProgressLayer) -> None:
        self.layer = layer
        self.fill = (colour_yuv(layer.color), _alpha(layer.color))
        self.track = (colour_yuv(layer.track), _alpha(layer.track))

    def draw(self, frame: Frame, index: int) -> None:
        """Draw the bar for output frame `index`."""
        rect = self.layer.rect
        filled = round(rect.w * self.layer.fraction_at(index)) // 2 * 2
        _tint(frame, Rect(rect.x + filled, rect.y, rect.w - filled, rect.h), *self.track)
        _tint(frame, Rect(rect.x, rect.y, filled, rect.h), *self.fill)


def _alpha(colour: str) -> int:
    value = int(colour.lstrip("#")[6:8] or "FF", 16)
    return value + (value >= 128)


def _tint(frame: Frame, rect: Rect, yuv: tuple[int, int, int], alpha: int) -> None:
    if rect.w <= 0 or rect.h <= 0 or not alpha:
        return
    for plane, value, scale in zip(frame.planes, yuv, SCALES, strict=True):
        region = plane[
            rect.y // scale : -(-rect.bottom // scale), rect.x // scale : -(-rect.right // scale)
        ]
        mixed = region.astype(np.uint16) * (256 - alpha) + value * alpha
        np.copyto(region, mixed >> 8, casting="unsafe")


def overlays_for(
    texts: tuple[TextLayer, ...], progress: ProgressLayer | None
) -> list[TextSprite | ProgressBar]:
    """Every overlay of a timeline, in drawing order (bar first, text on top)."""
    drawn: list[TextSprite | ProgressBar] = [ProgressBar(progress)] if progress else []
    return drawn + [TextSprite(layer) for layer in texts]
