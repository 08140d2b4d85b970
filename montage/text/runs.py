"""Split text into grapheme clusters and font runs, and order runs for display (bidi).

A run is a stretch of text drawn with one font: the primary font, the colour emoji font
or a system fallback. Grapheme clusters are never split, so ZWJ sequences (👩‍🦽), skin
tones (👍🏽), flags (🇺🇸) and keycaps (1️⃣) stay one emoji.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from PIL import ImageFont

from montage.text import fonts
from montage.text.fonts import EMOJI

ZWJ = "\u200d"
_VS15 = "\ufe0e"
_VS16 = "\ufe0f"
_KEYCAP = "\u20e3"
_MARKS = frozenset({"Mn", "Me", "Mc"})
_RTL_CLASSES = frozenset({"R", "AL"})


@dataclass(frozen=True)
class Run:
    """Text drawn with one font. `rtl` runs are drawn right-to-left (set by `visual_runs`)."""

    text: str
    font: str
    rtl: bool = False

    @property
    def is_emoji(self) -> bool:
        """Whether the run is drawn with the colour emoji font."""
        return self.font == EMOJI


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _is_emoji_modifier(ch: str) -> bool:
    cp = ord(ch)
    return 0x1F3FB <= cp <= 0x1F3FF or 0xE0020 <= cp <= 0xE007F or ch in (_VS16, _KEYCAP)


def _extends_cluster(ch: str) -> bool:
    cp = ord(ch)
    return 0xFE00 <= cp <= 0xFE0F or _is_emoji_modifier(ch) or unicodedata.category(ch) in _MARKS


@lru_cache(maxsize=4096)
def split_clusters(text: str) -> tuple[str, ...]:
    """Split text into (simplified extended) grapheme clusters.

    Joins combining marks, variation selectors, skin-tone modifiers, keycaps, tag
    sequences, ZWJ-joined characters and regional-indicator pairs onto their base.
    """
    clusters: list[str] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        if _is_regional(text[i]) and j < n and _is_regional(text[j]):
            j += 1
        while j < n:
            if _extends_cluster(text[j]):
                j += 1
            elif text[j] == ZWJ:
                j = min(n, j + 2)
            else:
                break
        clusters.append(text[i:j])
        i = j
    return tuple(clusters)


def is_emoji_cluster(cluster: str, primary: str) -> bool:
    """Whether a cluster should be drawn with the colour emoji font."""
    base = ord(cluster[0])
    if base not in fonts.font_cmap(EMOJI):
        return False
    in_primary = base in fonts.font_cmap(primary)
    if _VS15 in cluster and in_primary:
        return False
    if not in_primary or _is_regional(cluster[0]):
        return True
    return any(_is_emoji_modifier(ch) or ch == ZWJ for ch in cluster[1:])


def _font_for(cluster: str, primary: str) -> str:
    if is_emoji_cluster(cluster, primary):
        return EMOJI
    base = ord(cluster[0])
    if base in fonts.font_cmap(primary) or unicodedata.category(cluster[0]) in ("Cc", "Cf"):
        return primary
    return fonts.fallback_for(base, primary)


def _is_neutral(cluster: str) -> bool:
    """No strongly directional letter (spaces, digits, punctuation)."""
    return all(unicodedata.bidirectional(ch) not in ("L", "R", "AL") for ch in cluster)


@lru_cache(maxsize=4096)
def split_runs(text: str, primary: str) -> tuple[Run, ...]:
    """Split text into runs in logical order, one font per run.

    Spaces and punctuation after a fallback-font run stay in that run when the fallback
    has them, so a Hebrew or Arabic phrase is shaped as one piece.
    """
    parts: list[list[str]] = []
    for cluster in split_clusters(text):
        font = _font_for(cluster, primary)
        if parts and font == primary and parts[-1][0] not in (primary, EMOJI):
            previous = parts[-1][0]
            cmap = fonts.font_cmap(previous)
            if _is_neutral(cluster) and all(ord(ch) in cmap for ch in cluster):
                font = previous
        if parts and parts[-1][0] == font:
            parts[-1][1] += cluster
        else:
            parts.append([font, cluster])
    return tuple(Run(text, font) for font, text in parts)


def _strength(run: Run) -> str:
    """'R', 'L' or '' (neutral) for a run; numbers count as left-to-right."""
    classes = {unicodedata.bidirectional(ch) for ch in run.text}
    if classes & _RTL_CLASSES:
        return "R"
    if classes & {"L", "EN", "AN"} and not run.is_emoji:
        return "L"
    return ""


def _levels(runs: tuple[Run, ...], rtl_paragraph: bool) -> list[int]:
    strengths = [_strength(r) for r in runs]
    base = "R" if rtl_paragraph else "L"
    levels: list[int] = []
    for i, strength in enumerate(strengths):
        if not strength:
            before = next((s for s in reversed(strengths[:i]) if s), base)
            after = next((s for s in strengths[i + 1 :] if s), base)
            strength = before if before == after else base
        if strength == "R":
            levels.append(1)
        else:
            levels.append(2 if rtl_paragraph else 0)
    return levels


def _reorder(runs: tuple[Run, ...], levels: list[int]) -> list[tuple[int, Run]]:
    """Unicode bidi rule L2 at run granularity: reverse runs from the highest level down."""
    pairs = list(zip(levels, runs, strict=True))
    lowest_odd = min((lvl for lvl in levels if lvl % 2), default=None)
    if lowest_odd is None:
        return pairs
    for level in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(pairs):
            if pairs[i][0] < level:
                i += 1
                continue
            j = i
            while j < len(pairs) and pairs[j][0] >= level:
                j += 1
            pairs[i:j] = pairs[i:j][::-1]
            i = j
    return pairs


def _paragraph_is_rtl(runs: tuple[Run, ...]) -> bool:
    """Rule P2: the first strong letter decides the paragraph direction."""
    for run in runs:
        for ch in run.text:
            kind = unicodedata.bidirectional(ch)
            if kind in ("L", "R", "AL"):
                return kind != "L"
    return False


def _split_edge_spaces(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    """Give leading and trailing spaces runs of their own, so bidi can resolve them."""
    pieces: list[Run] = []
    for run in runs:
        core = run.text.strip(" ")
        if run.is_emoji or not core or core == run.text:
            pieces.append(run)
            continue
        start = run.text.index(core)
        parts = (run.text[:start], core, run.text[start + len(core) :])
        pieces.extend(replace(run, text=part) for part in parts if part)
    return tuple(pieces)


def visual_runs(runs: tuple[Run, ...], shaping: bool) -> tuple[Run, ...]:
    """Runs of one line in left-to-right display order.

    With `shaping` (libraqm) right-to-left runs are marked `rtl` and raqm shapes them.
    Without it their clusters are reversed here, which is right for Hebrew and at least
    in order (unshaped) for Arabic.
    """
    if all(_strength(r) != "R" for r in runs):
        return runs
    runs = _split_edge_spaces(runs)
    ordered = _reorder(runs, _levels(runs, _paragraph_is_rtl(runs)))
    if shaping:
        return tuple(replace(run, rtl=bool(level % 2)) for level, run in ordered)
    return tuple(
        replace(run, text=_mirror(run.text)) if level % 2 else run for level, run in ordered
    )


def _mirror(text: str) -> str:
    """Reverse clusters for display without shaping, keeping numbers left-to-right."""
    tokens: list[str] = []
    for cluster in split_clusters(text):
        if tokens and cluster.isdigit() and tokens[-1].isdigit():
            tokens[-1] += cluster
        else:
            tokens.append(cluster)
    return "".join(reversed(tokens))


class Ink(NamedTuple):
    """Ink extents relative to the pen on the baseline (top is negative), and the advance.

    `blank` runs (spaces) have no ink; their extents are meaningless.
    """

    left: int
    top: int
    right: int
    bottom: int
    advance: float
    blank: bool = False


def direction_of(run: Run, engine: ImageFont.Layout) -> str | None:
    """The `direction` argument Pillow gets for a run (only RAQM understands it)."""
    return "rtl" if run.rtl and engine == ImageFont.Layout.RAQM else None


@lru_cache(maxsize=8192)
def measure_run(run: Run, size: int, stroke: int, engine: ImageFont.Layout) -> Ink:
    """Exact ink box and advance of one run (emoji never get a stroke).

    The run is rasterised and the box is its visible pixels: Pillow's `getbbox` also
    spans the pen origin and the advance, which would make box padding uneven.
    """
    direction = direction_of(run, engine)
    if run.is_emoji:
        glyph = fonts.emoji_glyph(run.text, size, engine, direction)
        right, bottom = glyph.left + glyph.image.width, glyph.top + glyph.image.height
        return Ink(glyph.left, glyph.top, right, bottom, glyph.advance)
    font = fonts.load_font(run.font, size, engine)
    advance = font.getlength(run.text, direction=direction)
    mask, (dx, dy) = font.getmask2(run.text, anchor="ls", stroke_width=stroke, direction=direction)
    ink = mask.getbbox()
    if ink is None:
        return Ink(0, 0, 0, 0, advance, blank=True)
    return Ink(dx + ink[0], dy + ink[1], dx + ink[2], dy + ink[3], advance)


@lru_cache(maxsize=8192)
def run_advance(run: Run, size: int, engine: ImageFont.Layout) -> float:
    """Advance width of a run in px (fast: no ink box)."""
    if run.is_emoji:
        master = fonts.emoji_master(run.text, engine, None)
        return master.advance * fonts.emoji_scale(size)
    return fonts.load_font(run.font, size, engine).getlength(run.text)
