"""Pillow drawing of the contact sheet: a header with the whole timeline, then one row per
segment (three thumbnails, what it says, when it plays, a timeline bar)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from montage.style import TextStyle
from montage.text import TextFitError, render_text, resolve_font_path
from montage.timecode import format_clock
from montage.timeline import Rect

BACKGROUND = (22, 24, 29)
ROW_SHADE = (30, 33, 40)
TEXT = (232, 234, 237)
DIM = (154, 160, 166)
TRACK = (60, 64, 72)
WARN = (255, 200, 61)
GUIDE = (255, 0, 128)
MARGIN, GAP, NUMBER_W, INFO_W = 28, 12, 64, 520
HEADER_H, STRIP_H, LABEL_H = 150, 40, 26


@dataclass(frozen=True)
class Row:
    """What one segment row shows."""

    number: int
    title: str
    kind: str
    lines: tuple[str, ...]
    caption: str
    span: tuple[int, int]
    frames: tuple[int, int, int]
    thumbs: tuple[Image.Image, ...]


@dataclass(frozen=True)
class Sheet:
    """The whole sheet's content."""

    title: str
    subtitle: str
    fps: int
    total_frames: int
    accent: tuple[int, int, int]
    rows: tuple[Row, ...]
    warnings: tuple[str, ...]
    safe_zone: Rect | None


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """A bundled Noto Sans face for the sheet's own labels."""
    return ImageFont.truetype(str(resolve_font_path("sans-bold" if bold else "sans")), size)


def row_height(thumb_height: int) -> int:
    """Height of one segment row: its thumbnails and their times, or room for the facts."""
    return max(thumb_height + LABEL_H, 240) + GAP * 2


def draw_sheet(sheet: Sheet) -> Image.Image:
    """The contact sheet as one RGB image."""
    tw, th = sheet.rows[0].thumbs[0].size
    width = MARGIN * 2 + NUMBER_W + 3 * (tw + GAP) + INFO_W
    row_h = row_height(th)
    inner_h = row_h - GAP * 2
    footer = 40 + 24 * len(sheet.warnings)
    image = Image.new("RGB", (width, HEADER_H + row_h * len(sheet.rows) + footer), BACKGROUND)
    draw = ImageDraw.Draw(image)
    _header(draw, sheet, width)
    for i, row in enumerate(sheet.rows):
        top = HEADER_H + i * row_h
        if i % 2 == 0:
            draw.rectangle((0, top, width, top + row_h - 1), fill=ROW_SHADE)
        _row(image, draw, sheet, row, top + GAP, (tw, th, inner_h))
    y = HEADER_H + row_h * len(sheet.rows) + 12
    for warning in sheet.warnings:
        draw.text((MARGIN, y), f"warning: {warning}", font=font(16), fill=WARN)
        y += 24
    return image


def _header(draw: ImageDraw.ImageDraw, sheet: Sheet, width: int) -> None:
    draw.text((MARGIN, 18), sheet.title, font=font(30, bold=True), fill=TEXT)
    draw.text((MARGIN, 60), sheet.subtitle, font=font(18), fill=DIM)
    if sheet.safe_zone is not None:
        legend = "magenta: outside the safe zone"
        right = width - MARGIN - draw.textlength(legend, font=font(16))
        draw.text((right, 26), legend, font=font(16), fill=GUIDE)
    _strip(draw, sheet, Rect(MARGIN, 92, width - 2 * MARGIN, STRIP_H))


def _strip(draw: ImageDraw.ImageDraw, sheet: Sheet, box: Rect) -> None:
    """The whole montage as blocks on two lanes, so overlapping transitions show."""
    lane = box.h // 2
    for i, row in enumerate(sheet.rows):
        x0 = box.x + row.span[0] * box.w // sheet.total_frames
        x1 = box.x + row.span[1] * box.w // sheet.total_frames - 1
        y0 = box.y + (i % 2) * lane
        fill = sheet.accent if row.kind == "clip" else TRACK
        draw.rounded_rectangle((x0, y0, max(x0 + 2, x1), y0 + lane - 3), 4, fill=fill)
        label = str(row.number)
        if draw.textlength(label, font=font(13, bold=True)) < x1 - x0 - 4:
            draw.text((x0 + 5, y0 + 1), label, font=font(13, bold=True), fill=BACKGROUND)


def _row(
    image: Image.Image,
    draw: ImageDraw.ImageDraw,
    sheet: Sheet,
    row: Row,
    top: int,
    thumb: tuple[int, int, int],
) -> None:
    """Number, three thumbnails with their times, then the facts; `thumb` is the
    thumbnail width and height and the row's inner height."""
    draw.text((MARGIN, top), str(row.number), font=font(34, bold=True), fill=DIM)
    x = MARGIN + NUMBER_W
    for picture, frame in zip(row.thumbs, row.frames, strict=True):
        shown = _with_guides(picture, sheet.safe_zone) if sheet.safe_zone else picture
        image.paste(shown, (x, top))
        stamp = f"{format_clock(frame / sheet.fps)}  #{frame}"
        draw.text((x, top + thumb[1] + 4), stamp, font=font(14), fill=DIM)
        x += thumb[0] + GAP
    _info(image, draw, sheet, row, Rect(x + GAP, top, INFO_W - 2 * GAP, thumb[2] - 8))


def _info(image: Image.Image, draw: ImageDraw.ImageDraw, sheet: Sheet, row: Row, box: Rect) -> None:
    title = _fitted(draw, row.title, font(22, bold=True), box.w)
    draw.text((box.x, box.y), title, font=font(22, bold=True), fill=TEXT)
    y = box.y + 34
    for line in row.lines:
        draw.text((box.x, y), _fitted(draw, line, font(17), box.w), font=font(17), fill=DIM)
        y += 24
    if row.caption:
        y += 6
        sprite = _caption_sprite(row.caption, box.w, box.bottom - 50 - y)
        if sprite is not None:
            image.paste(sprite, (box.x, y), sprite)
    _bar(draw, sheet, row, Rect(box.x, box.bottom - 18, box.w, 10))


def _caption_sprite(text: str, width: int, height: int) -> Image.Image | None:
    """The caption drawn by montage's own text renderer (colour emoji, fallbacks):
    wrapped at a readable size first, smaller only if it must."""
    for min_size in (20, 14):
        style = TextStyle(font="sans", size=20, min_size=min_size, align="left", max_lines=5)
        try:
            return render_text(text, style, width, max(height, 24))
        except TextFitError:
            continue
    return None


def _fitted(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> str:
    """`text`, cut with an ellipsis if it is wider than `width`."""
    if draw.textlength(text, font=face) <= width:
        return text
    while text and draw.textlength(text + "…", font=face) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _bar(draw: ImageDraw.ImageDraw, sheet: Sheet, row: Row, box: Rect) -> None:
    """Where the segment sits in the whole montage, with ticks at the three thumbnails."""
    total = sheet.total_frames

    def x_of(frame: int) -> int:
        return box.x + frame * box.w // total

    draw.rounded_rectangle((box.x, box.y, box.right, box.bottom), 5, fill=TRACK)
    start, end = x_of(row.span[0]), max(x_of(row.span[1]), x_of(row.span[0]) + 3)
    draw.rounded_rectangle((start, box.y, end, box.bottom), 5, fill=sheet.accent)
    for frame in row.frames:
        draw.line((x_of(frame), box.y - 4, x_of(frame), box.bottom + 4), fill=TEXT, width=2)
    clock = f"{format_clock(row.span[0] / sheet.fps)} – {format_clock(row.span[1] / sheet.fps)}"
    draw.text((box.x, box.y - 26), clock, font=font(15), fill=DIM)


def _with_guides(picture: Image.Image, safe: Rect) -> Image.Image:
    """The thumbnail with everything outside the safe zone tinted, and its edge drawn."""
    overlay = Image.new("RGBA", picture.size, (*GUIDE, 56))
    edge = (safe.x, safe.y, safe.right - 1, safe.bottom - 1)
    ImageDraw.Draw(overlay).rectangle(edge, fill=(0, 0, 0, 0), outline=(*GUIDE, 255))
    return Image.alpha_composite(picture.convert("RGBA"), overlay).convert("RGB")
