"""Measure, wrap and fit text into a box: the rule is that text is never clipped.

Fitting order: the text's own lines at the largest size from `style.size` down to
`style.min_size`; then word-wrapped at the largest size that fits in `style.max_lines`;
then, at `min_size`, words too long for a line are broken between grapheme clusters.
Sizes are searched by bisection; every accepted layout is checked with exact ink boxes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from PIL import ImageFont

from montage.errors import PlanError, Problem
from montage.style import TextStyle
from montage.text import fonts
from montage.text.runs import Run, measure_run, run_advance, split_clusters, split_runs, visual_runs


@dataclass(frozen=True)
class TextLayout:
    """The chosen font size, wrapped lines and the finished sprite's size in px.

    The sprite is tight around the ink (lines are at least cap-height tall) plus the
    stroke; `box_padding` is added on every side only when the style has a `box_color`.
    """

    size: int
    lines: tuple[str, ...]
    width: int
    height: int


class TextFitError(PlanError):
    """The text cannot fit its box even at the smallest size, wrapped and broken."""


class PlacedRun(NamedTuple):
    """A run and its pen x relative to the line's origin."""

    run: Run
    x: int


class LineBox(NamedTuple):
    """A measured line in display order: runs and the union of their ink (plus a cap frame)."""

    runs: tuple[PlacedRun, ...]
    left: int
    top: int
    right: int
    bottom: int


class PlacedLine(NamedTuple):
    """A line placed in the sprite: its runs start at pen (x, baseline)."""

    runs: tuple[PlacedRun, ...]
    x: int
    baseline: int


class TextPlan(NamedTuple):
    """Everything needed to draw: the public layout plus where every run goes."""

    layout: TextLayout
    font: str
    lines: tuple[PlacedLine, ...]


def estimate_width(line: str, font: str, size: int, stroke: int, engine: ImageFont.Layout) -> float:
    """Fast width estimate (advances plus stroke) used while word-wrapping."""
    advance = sum(run_advance(run, size, engine) for run in split_runs(line, font))
    return advance + 2 * stroke


@lru_cache(maxsize=256)
def _cap_frame(font: str, size: int, stroke: int, engine: ImageFont.Layout) -> tuple[int, int]:
    """Top and bottom of a stroked capital H: every line is at least this tall."""
    box = fonts.load_font(font, size, engine).getbbox("H", anchor="ls", stroke_width=stroke)
    return math.floor(box[1]), max(math.ceil(box[3]), stroke)


@lru_cache(maxsize=2048)
def measure_line(line: str, font: str, size: int, stroke: int, engine: ImageFont.Layout) -> LineBox:
    """Lay one line out in display order and return its exact ink extents."""
    shaping = engine == ImageFont.Layout.RAQM
    runs = visual_runs(split_runs(line, font), shaping)
    top, bottom = _cap_frame(font, size, stroke, engine)
    left, right = math.inf, -math.inf
    placed: list[PlacedRun] = []
    pen = 0.0
    for run in runs:
        x = round(pen)
        ink = measure_run(run, size, 0 if run.is_emoji else stroke, engine)
        if not ink.blank:
            left, right = min(left, x + ink.left), max(right, x + ink.right)
            top, bottom = min(top, ink.top), max(bottom, ink.bottom)
        placed.append(PlacedRun(run, x))
        pen += ink.advance
    if left > right:  # nothing visible
        left = right = 0
    return LineBox(tuple(placed), int(left), top, int(right), bottom)


def _align_offset(align: str, room: int) -> int:
    return {"left": 0, "center": room // 2, "right": room}.get(align, room // 2)


def place_lines(
    lines: tuple[str, ...],
    font: str,
    style: TextStyle,
    size: int,
    engine: ImageFont.Layout,
) -> TextPlan:
    """Measure lines at `size` and place them in a tight sprite (plus box padding)."""
    stroke = style.stroke_width
    boxes = [measure_line(line, font, size, stroke, engine) for line in lines]
    pad = style.box_padding if style.box_color else 0
    pitch = round(size * style.line_spacing)
    inner = max(box.right - box.left for box in boxes)
    top = min(i * pitch + box.top for i, box in enumerate(boxes))
    bottom = max(i * pitch + box.bottom for i, box in enumerate(boxes))
    placed = tuple(
        PlacedLine(
            box.runs,
            pad - box.left + _align_offset(style.align, inner - (box.right - box.left)),
            pad - top + i * pitch,
        )
        for i, box in enumerate(boxes)
    )
    width, height = max(1, inner + 2 * pad), max(1, bottom - top + 2 * pad)
    return TextPlan(TextLayout(size, lines, width, height), font, placed)


def _break_word(word: str, fits: Callable[[str], bool]) -> list[str] | None:
    pieces: list[str] = []
    current = ""
    for cluster in split_clusters(word):
        if fits(current + cluster):
            current += cluster
        elif current and fits(cluster):
            pieces.append(current)
            current = cluster
        else:
            return None
    pieces.append(current)
    return pieces


def wrap_paragraph(
    paragraph: str, fits: Callable[[str], bool], break_words: bool
) -> list[str] | None:
    """Greedy word wrap; None when a word is too wide (and may not be broken)."""
    lines: list[str] = []
    current = ""
    for word in paragraph.split():
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        if fits(word):
            continue
        pieces = _break_word(word, fits) if break_words else None
        if pieces is None:
            return None
        lines.extend(pieces[:-1])
        current = pieces[-1]
    lines.append(current)
    return lines


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n")]


def _fits_box(plan: TextPlan, max_width: int, max_height: int) -> bool:
    return plan.layout.width <= max_width and plan.layout.height <= max_height


class _Fitter:
    """Tries sizes for one text, style and box; each attempt returns a plan or None."""

    def __init__(
        self,
        text: str,
        style: TextStyle,
        box: tuple[int, int],
        engine: ImageFont.Layout,
    ) -> None:
        self.paragraphs = _paragraphs(text)
        self.style = style
        self.font = str(fonts.resolve_font_path(style.font))
        self.max_width, self.max_height = box
        self.engine = engine
        pad = style.box_padding if style.box_color else 0
        self.room = self.max_width - 2 * pad

    def wrap(self, size: int, break_words: bool, max_lines: float) -> list[str] | None:
        """Word-wrap every paragraph to the box width at `size`."""
        stroke, font, engine = self.style.stroke_width, self.font, self.engine

        def fits(line: str) -> bool:
            return estimate_width(line, font, size, stroke, engine) <= self.room

        lines: list[str] = []
        for paragraph in self.paragraphs:
            wrapped = wrap_paragraph(paragraph, fits, break_words)
            if wrapped is None:
                return None
            lines.extend(wrapped)
            if len(lines) > max_lines:
                return None
        return lines

    def may_fit(self, lines: list[str], size: int) -> bool:
        """Cheap pre-check by advance widths before rasterising the lines.

        Ink can be narrower than the advance by the side bearings, hence the slack.
        """
        slack = size // 2
        stroke, font, engine = self.style.stroke_width, self.font, self.engine
        return all(
            estimate_width(line, font, size, stroke, engine) <= self.room + slack for line in lines
        )

    def attempt(self, size: int, mode: str) -> TextPlan | None:
        """Lay out at `size` ("lines": as written, "words": wrapped, "break": broken)."""
        max_lines = self.style.max_lines
        if mode == "lines":
            lines: list[str] | None = self.paragraphs
        else:
            lines = self.wrap(size, mode == "break", max_lines)
        if lines is None or len(lines) > max_lines or not self.may_fit(lines, size):
            return None
        plan = place_lines(tuple(lines), self.font, self.style, size, self.engine)
        return plan if _fits_box(plan, self.max_width, self.max_height) else None

    def largest(self, mode: str) -> TextPlan | None:
        """The plan at the largest size that fits, by bisection over the size range."""
        full = self.attempt(self.style.size, mode)
        if full is not None:
            return full
        best: TextPlan | None = None
        low, high = min(self.style.min_size, self.style.size), self.style.size - 1
        while low <= high:
            mid = (low + high) // 2
            plan = self.attempt(mid, mode)
            if plan is None:
                high = mid - 1
            else:
                best, low = plan, mid + 1
        return best

    def overflow(self) -> TextFitError:
        """An error saying how big the text got at the smallest size, against the box."""
        size = min(self.style.min_size, self.style.size)
        lines = self.wrap(size, True, math.inf) or self.paragraphs
        plan = place_lines(tuple(lines), self.font, self.style, size, self.engine)
        shown = " ".join(self.paragraphs)
        shown = shown if len(shown) <= 40 else shown[:39] + "…"
        message = (
            f"text {shown!r} does not fit: at the smallest size ({size} px) it needs "
            f"{plan.layout.width}x{plan.layout.height} px in {len(lines)} line(s), but the "
            f"box is {self.max_width}x{self.max_height} px with at most "
            f"{self.style.max_lines} line(s)"
        )
        hint = f"shorten the text or use a smaller min_size (now {size})"
        return TextFitError([Problem(message, hint=hint)])


@lru_cache(maxsize=256)
def plan_text(
    text: str, style: TextStyle, max_width: int, max_height: int, engine: ImageFont.Layout
) -> TextPlan:
    """Fit text into the box and place every run; raises `TextFitError` if impossible."""
    fitter = _Fitter(text, style, (max_width, max_height), engine)
    plan = fitter.largest("lines") or fitter.largest("words")
    if plan is None:
        plan = fitter.attempt(min(style.min_size, style.size), "break")
    if plan is None:
        raise fitter.overflow()
    return plan


def layout_text(text: str, style: TextStyle, max_width: int, max_height: int) -> TextLayout:
    """Choose the font size and line breaks so `text` fits `max_width` x `max_height`.

    Prefers the text's own lines at the largest size in [min_size, size], then word
    wrapping (at most `style.max_lines` lines), then breaking over-long words at
    min_size. The returned width and height include box padding and stroke and never
    exceed the maximum. Raises `TextFitError` when nothing fits.
    """
    return plan_text(text, style, max_width, max_height, fonts.layout_engine()).layout
