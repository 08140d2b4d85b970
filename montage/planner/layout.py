"""Place text inside the safe zone: anchors, stacking and fit checks.

Texts anchored to the same edge stack away from it in a fixed kind order (the progress
bar first, then hashtags, caption, counter, date stamp), two corner texts sharing a row.
Each kind's slot is as tall as its tallest instance, so a caption never jumps between
clips. Sizes in styles are pixels at a 1080-pixel short edge and scale with the canvas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from montage.errors import MontageError, PlanError, Problem
from montage.planner.overlays import TextItem
from montage.storyboard.model import Storyboard
from montage.storyboard.style import TextSpec
from montage.style import TextStyle
from montage.timeline import Canvas, Rect, TextLayer

Measure = Callable[[str, TextStyle, int, int], tuple[int, int]]
STACK_ORDER = ("hashtags", "caption", "counter", "date_stamp", "label", "title")
EDGE_SHARE = 0.45  # the most of the safe zone's height one edge's stack may take


def safe_rect(board: Storyboard) -> Rect:
    """The safe zone in canvas pixels."""
    w, h, zone = board.output.width, board.output.height, board.safe_zone
    left, top = round(w * zone.left), round(h * zone.top)
    return Rect(left, top, w - left - round(w * zone.right), h - top - round(h * zone.bottom))


def scale_of(canvas: Canvas) -> float:
    """Style pixels are defined at a 1080-pixel short edge."""
    return min(canvas.width, canvas.height) / 1080


def text_style(spec: TextSpec, scale: float) -> TextStyle:
    """The renderer's style for a spec on a canvas of the given scale."""

    def px(value: int) -> int:
        return max(1, round(value * scale)) if value else 0

    return TextStyle(
        font=spec.font,
        size=px(spec.size),
        min_size=min(px(spec.min_size), px(spec.size)),
        color=spec.color,
        stroke_width=px(spec.stroke_width),
        stroke_color=spec.stroke_color,
        box_color=spec.box,
        box_padding=px(spec.box_padding),
        box_radius=px(spec.box_radius),
        align=spec.align,
        line_spacing=spec.line_spacing,
        max_lines=spec.max_lines,
    )


@dataclass
class _Sized:
    item: TextItem
    spec: TextSpec
    style: TextStyle
    size: tuple[int, int]
    max_size: tuple[int, int]


def place_texts(
    items: list[TextItem],
    board: Storyboard,
    canvas: Canvas,
    safe: Rect,
    measure: Measure,
    reserved_top: int,
) -> list[TextLayer]:
    """Measure and position every text item; all that cannot fit are reported together."""
    sized, problems = _measure_all(items, board, canvas, safe, measure)
    if problems:
        raise PlanError(problems)
    pinned = [s for s in sized if s.item.region is not None]
    free = [s for s in sized if s.item.region is None and s.spec.anchor != "center"]
    centred = [s for s in sized if s.item.region is None and s.spec.anchor == "center"]
    offsets = _edge_offsets(free, safe, reserved_top)
    layers = [_layer(s, _position(s, safe, offsets[s.item.kind])) for s in free]
    layers += [_layer(s, _centre(s, safe, canvas)) for s in centred]
    layers += [_layer(s, _pinned(s, safe)) for s in pinned]
    return sorted(layers, key=lambda layer: (layer.start, STACK_ORDER.index(layer.kind)))


def _measure_all(
    items: list[TextItem], board: Storyboard, canvas: Canvas, safe: Rect, measure: Measure
) -> tuple[list[_Sized], list[Problem]]:
    sized, problems = [], []
    scale = scale_of(canvas)
    for item in items:
        spec: TextSpec = getattr(board.style, item.kind)
        if not spec.show:
            continue
        style = text_style(spec, scale)
        max_size = _max_size(spec, item, safe)
        try:
            size = measure(item.text, style, *max_size)
        except MontageError as error:
            problems += [Problem(p.message, None, item.path, p.hint) for p in error.problems]
            continue
        sized.append(_Sized(item, spec, style, size, max_size))
    return sized, problems


def _max_size(spec: TextSpec, item: TextItem, safe: Rect) -> tuple[int, int]:
    area = item.region.intersect(safe) if item.region else safe
    if spec.anchor == "center":
        return area.w, area.h
    width = area.w if spec.anchor in ("top", "bottom") else (area.w * 48) // 100
    return width, round(area.h * EDGE_SHARE)


def _edge_offsets(free: list[_Sized], safe: Rect, reserved_top: int) -> dict[str, int]:
    """Distance of each kind's slot from its edge, and a check that the stacks fit."""
    gap = max(4, safe.h // 80)
    offsets: dict[str, int] = {}
    totals = {"top": reserved_top + (gap if reserved_top else 0), "bottom": 0}
    for edge in ("top", "bottom"):
        row_corners: set[str] = set()
        row_height = 0
        for kind in STACK_ORDER:
            members = [s for s in free if s.item.kind == kind and s.spec.anchor.startswith(edge)]
            if not members:
                continue
            corner = members[0].spec.anchor.partition("-")[2] or "middle"
            if corner == "middle" or corner in row_corners or "middle" in row_corners:
                totals[edge] += row_height + (gap if row_height else 0)
                row_corners, row_height = set(), 0
            row_corners.add(corner)
            offsets[kind] = totals[edge]
            row_height = max(row_height, *(s.size[1] for s in members))
        totals[edge] += row_height
    if totals["top"] + totals["bottom"] + gap > safe.h:
        raise PlanError.single(
            f"the texts need {totals['top'] + totals['bottom']} px of height but the safe zone "
            f"has {safe.h} px",
            path="style",
            hint="shorten captions, use smaller sizes or fewer max_lines",
        )
    return offsets


def _position(s: _Sized, safe: Rect, offset: int) -> tuple[int, int]:
    edge, _, corner = s.spec.anchor.partition("-")
    w, h = s.size
    x = {"left": safe.x, "right": safe.right - w}.get(corner, safe.x + (safe.w - w) // 2)
    y = safe.y + offset if edge == "top" else safe.bottom - offset - h
    return x, y


def _centre(s: _Sized, safe: Rect, canvas: Canvas) -> tuple[int, int]:
    """Centred on the canvas (where the eye goes), nudged back inside the safe zone."""
    w, h = s.size
    y = min(max((canvas.height - h) // 2, safe.y), safe.bottom - h)
    return safe.x + (safe.w - w) // 2, y


def _pinned(s: _Sized, safe: Rect) -> tuple[int, int]:
    assert s.item.region is not None
    area = s.item.region.intersect(safe)
    margin = max(4, area.h // 40)
    x = area.x + (area.w - s.size[0]) // 2
    if s.item.pin == "bottom":
        return x, area.bottom - margin - s.size[1]
    return x, area.y + margin


def _layer(s: _Sized, position: tuple[int, int]) -> TextLayer:
    item = s.item
    return TextLayer(
        item.kind,
        item.text,
        replace(s.style),
        position,
        s.size,
        s.max_size,
        item.start,
        item.end,
        item.fade_in,
        item.fade_out,
        item.segment,
    )
