"""Font files and Pillow font objects: bundled names, system fallbacks, cmaps and emoji glyphs.

Pillow has no font fallback of its own, so the text package picks a font per run by
looking at each font's cmap. Everything here is cached: measuring text happens a lot.
"""

from __future__ import annotations

import math
import os
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from fontTools.ttLib import TTFont, TTLibError
from PIL import Image, ImageDraw, ImageFont, features

from montage.errors import PlanError
from montage.resources import asset_path

EMOJI = "emoji"
"""Font key of the bundled colour emoji font (used instead of a path)."""

EMOJI_SIZE = 109
"""Noto Color Emoji only has a bitmap strike at this pixel size; other sizes raise."""

EMOJI_SCALE = 1.0
"""Emoji em relative to the text em: 1.0 draws an emoji as tall as a browser would."""

_BUNDLED = {
    "sans": "fonts/NotoSans-Regular.ttf",
    "sans-bold": "fonts/NotoSans-Bold.ttf",
}
_EMOJI_FILE = "fonts/NotoColorEmoji.ttf"

_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
)
# Tried in this order for characters that neither Noto Sans nor the emoji font has.
# `{w}` is the weight of the primary font ("Bold" or "Regular").
_FALLBACK_PATTERNS = (
    "NotoSansArabic-{w}.ttf",
    "NotoSansHebrew-{w}.ttf",
    "NotoSansDevanagari-{w}.ttf",
    "NotoSansThai-{w}.ttf",
    "NotoSansCJK*-{w}.ttc",
    "NotoSans*CJK*-{w}.otf",
    "NotoSansSymbols-{w}.ttf",
    "NotoSansSymbols2-Regular.ttf",
    "DroidSansFallbackFull.ttf",
    "wqy-microhei.ttc",
    "wqy-zenhei.ttc",
)


class Glyph(NamedTuple):
    """A rasterised emoji run: the image and where its top-left sits relative to the pen.

    `left` and `top` are offsets from the pen position on the baseline (top is negative
    above the baseline); `advance` is how far the pen moves after the run.
    """

    image: Image.Image
    left: int
    top: int
    advance: float


@lru_cache(maxsize=64)
def resolve_font_path(name: str) -> Path:
    """Map a style's font name to a font file.

    `"sans"` and `"sans-bold"` are the bundled Noto Sans faces; anything else must be the
    path of an existing .ttf/.otf/.ttc file. Raises `PlanError` with a hint otherwise.
    """
    if name in _BUNDLED:
        path = asset_path(_BUNDLED[name])
        if not path.is_file():
            raise PlanError.single(
                f"bundled font {name!r} is missing ({path})", hint="reinstall montage"
            )
        return path
    path = Path(name).expanduser()
    if not path.is_file():
        raise PlanError.single(
            f"font {name!r} not found (looked for {path.resolve()})",
            hint="use 'sans', 'sans-bold' or the path of a .ttf/.otf file",
        )
    font_cmap(str(path))  # fail early, with a hint, if it is not a font
    return path.resolve()


@lru_cache(maxsize=1)
def _raqm_available() -> bool:
    return bool(features.check("raqm"))


def layout_engine() -> ImageFont.Layout:
    """RAQM (shaping, bidi, emoji sequences) when libraqm loads, else BASIC."""
    return ImageFont.Layout.RAQM if _raqm_available() else ImageFont.Layout.BASIC


def emoji_font_path() -> str:
    """Path of the bundled Noto Color Emoji font."""
    return str(asset_path(_EMOJI_FILE))


@lru_cache(maxsize=256)
def load_font(font: str, size: int, engine: ImageFont.Layout) -> ImageFont.FreeTypeFont:
    """A Pillow font for a path (or `EMOJI`, which always loads at `EMOJI_SIZE`)."""
    if font == EMOJI:
        return ImageFont.truetype(emoji_font_path(), EMOJI_SIZE, layout_engine=engine)
    return ImageFont.truetype(font, size, layout_engine=engine)


@lru_cache(maxsize=32)
def font_cmap(font: str) -> frozenset[int]:
    """Code points a font file (or `EMOJI`) has glyphs for."""
    path = emoji_font_path() if font == EMOJI else font
    try:
        with TTFont(path, lazy=True, fontNumber=0) as tt:
            return frozenset(tt.getBestCmap() or {})
    except (OSError, TTLibError, AssertionError) as exc:
        raise PlanError.single(
            f"cannot read font {path}: {exc}", hint="use a TrueType/OpenType font file"
        ) from exc


@lru_cache(maxsize=1)
def _system_font_files() -> dict[str, str]:
    """File name -> path of fonts in the usual system folders (first one found wins)."""
    found: dict[str, str] = {}
    for root in _FONT_DIRS:
        for folder, _dirs, files in os.walk(Path(root).expanduser()):
            for name in sorted(files):
                found.setdefault(name, str(Path(folder) / name))
    return found


@lru_cache(maxsize=8)
def fallback_fonts(primary: str) -> tuple[str, ...]:
    """System fonts to try, in order, for characters the primary font lacks."""
    files = _system_font_files()
    weights = ["Bold", "Regular"] if "bold" in Path(primary).name.lower() else ["Regular"]
    chosen: list[str] = []
    for pattern in _FALLBACK_PATTERNS:
        for weight in weights:
            matches = sorted(n for n in files if fnmatch(n, pattern.format(w=weight)))
            if matches:
                chosen.append(files[matches[0]])
                break
    return tuple(dict.fromkeys(chosen))


@lru_cache(maxsize=4096)
def fallback_for(codepoint: int, primary: str) -> str:
    """The first system fallback font that has `codepoint`, else `primary` (tofu)."""
    for font in fallback_fonts(primary):
        try:
            if codepoint in font_cmap(font):
                return font
        except PlanError:
            continue
    return primary


@lru_cache(maxsize=512)
def emoji_master(text: str, engine: ImageFont.Layout, direction: str | None) -> Glyph:
    """An emoji run drawn in colour at `EMOJI_SIZE`, cropped to its visible pixels."""
    font = load_font(EMOJI, EMOJI_SIZE, engine)
    x0, y0, x1, y1 = (int(v) for v in font.getbbox(text, anchor="ls", direction=direction))
    image = Image.new("RGBA", (max(1, x1 - x0), max(1, y1 - y0)), (0, 0, 0, 0))
    ImageDraw.Draw(image).text(
        (-x0, -y0), text, font=font, anchor="ls", embedded_color=True, direction=direction
    )
    crop = image.getbbox() or (0, 0, 1, 1)
    advance = font.getlength(text, direction=direction)
    return Glyph(image.crop(crop), x0 + crop[0], y0 + crop[1], advance)


def emoji_scale(size: int) -> float:
    """Factor from the emoji strike to a text font of `size` px."""
    return size / EMOJI_SIZE * EMOJI_SCALE


@lru_cache(maxsize=512)
def emoji_glyph(text: str, size: int, engine: ImageFont.Layout, direction: str | None) -> Glyph:
    """An emoji run scaled (LANCZOS) to sit on the baseline of a `size` px text line."""
    master = emoji_master(text, engine, direction)
    scale = emoji_scale(size)
    left = math.floor(master.left * scale)
    top = math.floor(master.top * scale)
    right = math.ceil((master.left + master.image.width) * scale)
    bottom = math.ceil((master.top + master.image.height) * scale)
    size_px = (max(1, right - left), max(1, bottom - top))
    image = master.image.resize(size_px, Image.Resampling.LANCZOS)
    return Glyph(image, left, top, master.advance * scale)
