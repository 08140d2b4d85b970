"""Draw a fitted text plan into an RGBA sprite: box, stroke, text and colour emoji."""

from __future__ import annotations

from PIL import Image, ImageColor, ImageDraw, ImageFont

from montage.errors import PlanError
from montage.style import TextStyle
from montage.text import fonts
from montage.text.layout import TextPlan, plan_text
from montage.text.runs import direction_of

RGBA = tuple[int, int, int, int]
_BOX_SUPERSAMPLE = 4


def parse_color(value: str, field: str) -> RGBA:
    """`#RRGGBBAA` (or anything `ImageColor` knows) as an RGBA tuple."""
    try:
        rgb = ImageColor.getrgb(value)
    except ValueError as exc:
        raise PlanError.single(
            f"{field}: {value!r} is not a colour", hint="write colours as #RRGGBB or #RRGGBBAA"
        ) from exc
    return (rgb[0], rgb[1], rgb[2], rgb[3] if len(rgb) == 4 else 255)


def _box_layer(size: tuple[int, int], style: TextStyle, color: RGBA) -> Image.Image:
    """A rounded box filling the sprite, anti-aliased by drawing it 4x larger."""
    width, height = size
    big = (width * _BOX_SUPERSAMPLE, height * _BOX_SUPERSAMPLE)
    radius = min(style.box_radius, width // 2, height // 2) * _BOX_SUPERSAMPLE
    mask = Image.new("L", big, 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big[0] - 1, big[1] - 1), radius, fill=255)
    mask = mask.resize(size, Image.Resampling.BOX)
    mask = mask.point(lambda v: v * color[3] // 255)
    layer = Image.new("RGBA", size, (*color[:3], 0))
    layer.putalpha(mask)
    return layer


def _draw_runs(
    layer: Image.Image, plan: TextPlan, fill: RGBA, stroke: int, engine: ImageFont.Layout
) -> None:
    """Draw every text run with `fill` (and the stroke width, for the stroke pass)."""
    draw = ImageDraw.Draw(layer)
    size = plan.layout.size
    for line in plan.lines:
        for placed in line.runs:
            if placed.run.is_emoji:
                continue
            draw.text(
                (line.x + placed.x, line.baseline),
                placed.run.text,
                font=fonts.load_font(placed.run.font, size, engine),
                fill=fill,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=fill if stroke else None,
                direction=direction_of(placed.run, engine),
            )


def _paste_emoji(
    layer: Image.Image, plan: TextPlan, opacity: int, engine: ImageFont.Layout
) -> None:
    """Composite the colour emoji runs, scaled to the line, onto their baseline."""
    size = plan.layout.size
    for line in plan.lines:
        for placed in line.runs:
            if not placed.run.is_emoji:
                continue
            run = placed.run
            glyph = fonts.emoji_glyph(run.text, size, engine, direction_of(run, engine))
            image = glyph.image
            if opacity < 255:
                alpha = image.getchannel("A").point(lambda v: v * opacity // 255)
                image = image.copy()
                image.putalpha(alpha)
            dest = (line.x + placed.x + glyph.left, line.baseline + glyph.top)
            layer.alpha_composite(image, dest=(max(0, dest[0]), max(0, dest[1])))


def draw_plan(plan: TextPlan, style: TextStyle) -> Image.Image:
    """Render a plan: box, then stroke, then text fill and emoji, composited in order."""
    engine = fonts.layout_engine()
    size = (plan.layout.width, plan.layout.height)
    fill = parse_color(style.color, "color")
    if style.box_color:
        sprite = _box_layer(size, style, parse_color(style.box_color, "box_color"))
    else:
        sprite = Image.new("RGBA", size, (0, 0, 0, 0))
    if style.stroke_width > 0:
        stroke_layer = Image.new("RGBA", size, (0, 0, 0, 0))
        stroke_color = parse_color(style.stroke_color, "stroke_color")
        _draw_runs(stroke_layer, plan, stroke_color, style.stroke_width, engine)
        sprite.alpha_composite(stroke_layer)
    text_layer = Image.new("RGBA", size, (0, 0, 0, 0))
    _draw_runs(text_layer, plan, fill, 0, engine)
    _paste_emoji(text_layer, plan, fill[3], engine)
    sprite.alpha_composite(text_layer)
    return sprite


def render_text(text: str, style: TextStyle, max_width: int, max_height: int) -> Image.Image:
    """Render `text` as a tight RGBA sprite of exactly `layout_text(...)`'s width x height.

    Text is fitted as `layout_text` describes; emoji are drawn in colour, other scripts
    fall back per run to a system font that has them. Raises `TextFitError` when the text
    cannot fit and `PlanError` for a missing font or a bad colour.
    """
    plan = plan_text(text, style, max_width, max_height, fonts.layout_engine())
    return draw_plan(plan, style)
