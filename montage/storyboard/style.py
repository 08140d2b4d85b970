"""Visual style: how each text element looks and where it sits, plus the safe zone.

Each text element has its own built-in defaults (a caption is not a counter), so a user
who sets `style.caption.size` keeps every other caption default.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from montage.storyboard.fields import CardBackground, Colour

Anchor = Literal["top-left", "top", "top-right", "center", "bottom-left", "bottom", "bottom-right"]


def _fit_alias(value: Any) -> Any:
    """`blur-pad` (the name in the format's draft) is the same as `blur`."""
    return "blur" if value in ("blur-pad", "blur_pad") else value


Fit = Annotated[Literal["cover", "contain", "blur"], BeforeValidator(_fit_alias)]


class Strict(BaseModel):
    """Base for every storyboard model: unknown keys are errors, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class TextSpec(Strict):
    """Look and position of one kind of text on the canvas."""

    font: str = Field("sans-bold", description="'sans', 'sans-bold' or a path to a .ttf/.otf")
    size: int = Field(64, ge=8, le=400, description="font size in pixels on the canvas")
    min_size: int = Field(32, ge=6, le=400, description="smallest size before wrapping")
    color: Colour = "#FFFFFFFF"
    stroke_width: int = Field(0, ge=0, le=24)
    stroke_color: Colour = "#000000FF"
    box: Colour | None = Field(None, description="background box colour; null for none")
    box_padding: int = Field(16, ge=0, le=200)
    box_radius: int = Field(18, ge=0, le=200)
    align: Literal["left", "center", "right"] = "center"
    line_spacing: float = Field(1.2, ge=0.8, le=3.0)
    max_lines: int = Field(3, ge=1, le=12)
    anchor: Anchor = "bottom"
    show: bool = True


TEXT_DEFAULTS: dict[str, dict[str, Any]] = {
    "caption": {"size": 64, "min_size": 36, "box": "#000000A0", "anchor": "bottom"},
    "counter": {
        "size": 76,
        "min_size": 40,
        "stroke_width": 5,
        "anchor": "top-left",
        "align": "left",
        "max_lines": 1,
    },
    "date_stamp": {
        "font": "sans",
        "size": 40,
        "min_size": 24,
        "stroke_width": 3,
        "anchor": "top-right",
        "align": "right",
        "max_lines": 1,
    },
    "hashtags": {"size": 44, "min_size": 26, "stroke_width": 3, "anchor": "bottom", "max_lines": 2},
    "label": {"size": 48, "min_size": 26, "box": "#000000A0", "anchor": "top", "max_lines": 2},
    "title": {"size": 92, "min_size": 44, "stroke_width": 0, "anchor": "center", "max_lines": 6},
}


def _element(name: str) -> TextSpec:
    return TextSpec(**TEXT_DEFAULTS[name])


class Style(Strict):
    """The visual style of a montage; presets mostly set this."""

    caption: TextSpec = Field(default_factory=lambda: _element("caption"))
    counter: TextSpec = Field(default_factory=lambda: _element("counter"))
    date_stamp: TextSpec = Field(default_factory=lambda: _element("date_stamp"))
    hashtags: TextSpec = Field(default_factory=lambda: _element("hashtags"))
    label: TextSpec = Field(default_factory=lambda: _element("label"))
    title: TextSpec = Field(default_factory=lambda: _element("title"))
    accent: Colour = Field("#FFC83DFF", description="progress bar and divider colour")
    track: Colour = Field("#FFFFFF40", description="progress bar background")
    progress_height: int = Field(10, ge=2, le=80)
    card_background: CardBackground = "#111318FF"
    fit: Fit = Field("blur", description="default fit of clips whose aspect differs")
    still_zoom: float = Field(0.08, ge=0.0, le=0.5, description="Ken Burns zoom on photos")
    still_duration: float = Field(2.5, gt=0, le=60)
    hashtags_show: Literal["always", "end"] = "always"

    @model_validator(mode="before")
    @classmethod
    def _fill_text_defaults(cls, data: Any) -> Any:
        """Layer each element's own defaults under what the user wrote for it."""
        if not isinstance(data, dict):
            return data
        merged = dict(data)
        for name, defaults in TEXT_DEFAULTS.items():
            given = merged.get(name)
            if given is None:
                merged[name] = dict(defaults)
            elif isinstance(given, dict):
                merged[name] = {**defaults, **given}
        return merged


class SafeZone(Strict):
    """Margins, as fractions of the canvas, that platform UI covers."""

    top: float = Field(0.14, ge=0, le=0.45)
    bottom: float = Field(0.35, ge=0, le=0.6)
    left: float = Field(0.06, ge=0, le=0.45)
    right: float = Field(0.06, ge=0, le=0.45)
