"""Frames in YUV 4:2:0 (BT.709, TV range): what decoders give and the encoder wants.

Compositing in the encoder's own format saves two full-frame colour conversions per
frame (about a third of the encoder's CPU at 1080x1920) and halves every pipe copy.
Blending is linear, so alpha blends and crossfades give the same result in YUV as in
RGB. Only things drawn by Pillow (text, photos) are converted, once, with `rgb_to_yuv`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# BT.709 RGB -> Y'CbCr, scaled to TV range (Y 16..235, C 16..240).
_TO_YUV = (
    np.array(
        [
            [0.2126 * 219, 0.7152 * 219, 0.0722 * 219],
            [-0.1146 * 224, -0.3854 * 224, 0.5 * 224],
            [0.5 * 224, -0.4542 * 224, -0.0458 * 224],
        ],
        np.float32,
    )
    / 255
)
_OFFSET = np.array([16, 128, 128], np.float32)


@dataclass
class Frame:
    """A yuv420p frame: one flat buffer (what the encoder reads) and views of its planes."""

    width: int
    height: int
    buf: np.ndarray

    @classmethod
    def empty(cls, width: int, height: int) -> Frame:
        """An uninitialised frame of even size."""
        return cls(width, height, np.empty(width * height * 3 // 2, np.uint8))

    @classmethod
    def wrap(cls, width: int, height: int, data: bytearray | np.ndarray) -> Frame:
        """A frame over existing yuv420p bytes (no copy)."""
        return cls(width, height, np.frombuffer(data, np.uint8))

    @property
    def y(self) -> np.ndarray:
        """Luma plane, height x width."""
        return self.buf[: self.width * self.height].reshape(self.height, self.width)

    @property
    def u(self) -> np.ndarray:
        """Cb plane, half size."""
        start = self.width * self.height
        return self.buf[start : start * 5 // 4].reshape(self.height // 2, self.width // 2)

    @property
    def v(self) -> np.ndarray:
        """Cr plane, half size."""
        start = self.width * self.height * 5 // 4
        return self.buf[start:].reshape(self.height // 2, self.width // 2)

    @property
    def planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(Y, U, V) views."""
        return self.y, self.u, self.v

    @property
    def writable(self) -> bool:
        """False for shared frames (solid colours, stills) that must be copied first."""
        return bool(self.buf.flags.writeable)

    def copy(self) -> Frame:
        """A writable copy."""
        return Frame(self.width, self.height, self.buf.copy())

    def to_rgb(self) -> np.ndarray:
        """HxWx3 uint8 RGB (for PNG stills and thumbnails; chroma upsampled by repeat)."""
        y = self.y.astype(np.float32) - 16
        u = np.repeat(np.repeat(self.u, 2, 0), 2, 1).astype(np.float32) - 128
        v = np.repeat(np.repeat(self.v, 2, 0), 2, 1).astype(np.float32) - 128
        yuv = np.stack([y, u, v], axis=-1)
        rgb = yuv @ np.linalg.inv(_TO_YUV).T
        return np.clip(rgb + 0.5, 0, 255).astype(np.uint8)


def rgb_to_planes(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Full-resolution float Y, U, V planes of an RGB image."""
    yuv = rgb.astype(np.float32) @ _TO_YUV.T + _OFFSET
    return yuv[..., 0], yuv[..., 1], yuv[..., 2]


def half(plane: np.ndarray) -> np.ndarray:
    """2x2 box average of an even-sized plane (4:2:0 chroma siting, centred)."""
    h, w = plane.shape[:2]
    return plane.reshape(h // 2, 2, w // 2, 2, *plane.shape[2:]).mean(axis=(1, 3))


def rgb_to_yuv(rgb: np.ndarray) -> Frame:
    """Convert an even-sized RGB image to a yuv420p frame."""
    h, w = rgb.shape[:2]
    y, u, v = rgb_to_planes(rgb)
    frame = Frame.empty(w, h)
    for target, plane in zip(frame.planes, (y, half(u), half(v)), strict=True):
        np.copyto(target, np.clip(plane + 0.5, 0, 255), casting="unsafe")
    return frame


def colour_yuv(colour: str) -> tuple[int, int, int]:
    """'#RRGGBB[AA]' -> (Y, U, V) in TV range."""
    digits = colour.lstrip("#")
    rgb = np.array([[[int(digits[i : i + 2], 16) for i in (0, 2, 4)]]], np.uint8)
    y, u, v = (round(float(p[0, 0])) for p in rgb_to_planes(rgb))
    return y, u, v


def solid_frame(width: int, height: int, colour: str) -> Frame:
    """A frame of one colour."""
    frame = Frame.empty(width, height)
    for plane, value in zip(frame.planes, colour_yuv(colour), strict=True):
        plane[:] = value
    return frame
