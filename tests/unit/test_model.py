"""Field types and models in isolation: times, frames, colours, hashtags, style defaults."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from montage.storyboard.fields import Colour, Duration, split_hashtags
from montage.storyboard.model import Clip, Output, Overlays, Storyboard, Trim
from montage.storyboard.style import TEXT_DEFAULTS, Style, TextSpec
from montage.timecode import format_clock, parse_seconds, to_frames, to_seconds

COLOUR = TypeAdapter(Colour)
DURATION = TypeAdapter(Duration)

# --- timecode ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (2.5, 2.5),
        (3, 3.0),
        (0, 0.0),
        ("2.5", 2.5),
        ("2.5s", 2.5),
        (" 2.5 s ", 2.5),
        ("1:02.5", 62.5),
        ("0:59.99", 59.99),
        ("1:00:02", 3602.0),
        ("10:00", 600.0),
        ("90", 90.0),
    ],
)
def test_parse_seconds(value: object, seconds: float) -> None:
    assert parse_seconds(value) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("abc", "is not a time"),
        ("1:60", "below 60"),
        ("1:60:00", "below 60"),
        ("1:2:3:4", "is not a time"),
        ("-1", "is not a time"),
        (-1, ">= 0"),
        (float("inf"), "finite"),
        (float("nan"), "finite"),
        (True, "yes/no"),
        (None, "got None"),
        ([1], "got [1]"),
        ("", "is not a time"),
    ],
)
def test_parse_seconds_rejects(value: object, fragment: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_seconds(value)
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("seconds", "fps", "frames"),
    [
        (0.0, 30, 0),
        (1.0, 30, 30),
        (2.5, 30, 75),
        (1 / 60, 30, 1),  # exactly half a frame rounds up
        (0.35, 30, 11),  # 10.5 frames, though 0.35 * 30 == 10.499999999999998
        (1.05, 30, 32),  # 31.5 frames
        (0.016, 30, 0),  # 0.48 frames
        (0.5, 25, 13),  # 12.5 frames
        (1 / 3, 24, 8),
        (10.0, 29, 290),
    ],
)
def test_to_frames_rounds_half_up(seconds: float, fps: int, frames: int) -> None:
    assert to_frames(seconds, fps) == frames


@pytest.mark.parametrize("fps", [24, 25, 30, 60])
def test_frames_round_trip(fps: int) -> None:
    for frames in range(0, 3 * fps):
        assert to_frames(to_seconds(frames, fps), fps) == frames


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0:00.00"), (62.5, "1:02.50"), (3599.99, "59:59.99")]
)
def test_format_clock(seconds: float, text: str) -> None:
    assert format_clock(seconds) == text


@pytest.mark.parametrize(("value", "seconds"), [("1:02.5", 62.5), ("2.5s", 2.5), (0.04, 0.04)])
def test_duration_field(value: object, seconds: float) -> None:
    assert DURATION.validate_python(value) == seconds


@pytest.mark.parametrize("value", [0, "0s", -1, "abc", None])
def test_duration_field_rejects(value: object) -> None:
    with pytest.raises(ValidationError):
        DURATION.validate_python(value)


def test_trim_accepts_mixed_forms() -> None:
    trim = Trim.model_validate({"start": "0:01.5", "end": "2.5s"})
    assert (trim.start, trim.end) == (1.5, 2.5)


# --- colours -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("#ffffff", "#FFFFFFFF"),
        ("#FFF", "#FFFFFFFF"),
        ("#abc", "#AABBCCFF"),
        ("#12345678", "#12345678"),
        ("123456", "#123456FF"),
        ("  #000000a0 ", "#000000A0"),
        ("white", "#FFFFFFFF"),
        ("Black", "#000000FF"),
        ("transparent", "#00000000"),
        ("yellow", "#FFC83DFF"),
    ],
)
def test_colour_parsing(written: str, normalised: str) -> None:
    assert COLOUR.validate_python(written) == normalised


@pytest.mark.parametrize("written", ["#12345", "#GGGGGG", "purple-ish", "", "#1234567", 123, None])
def test_colour_rejects(written: Any) -> None:
    with pytest.raises(ValidationError):
        COLOUR.validate_python(written)


# --- hashtags ----------------------------------------------------------------------------


def test_hashtag_string_is_split() -> None:
    assert Overlays.model_validate({"hashtags": "#a #b"}).hashtags == ["#a", "#b"]


def test_hashtag_string_split_on_any_whitespace() -> None:
    assert Overlays.model_validate({"hashtags": " #a\t#b\n#c "}).hashtags == ["#a", "#b", "#c"]


def test_hashtag_list_kept() -> None:
    assert Overlays.model_validate({"hashtags": ["#a", "#b"]}).hashtags == ["#a", "#b"]


def test_split_hashtags_leaves_lists_alone() -> None:
    tags = ["#a b"]
    assert split_hashtags(tags) is tags


def test_too_many_hashtags() -> None:
    with pytest.raises(ValidationError):
        Overlays.model_validate({"hashtags": [f"#t{i}" for i in range(31)]})


# --- style defaults ----------------------------------------------------------------------


def test_each_text_element_has_its_own_defaults() -> None:
    style = Style()
    assert style.caption.box == "#000000A0"
    assert style.counter.box is None
    assert style.counter.anchor == "top-left"
    assert style.date_stamp.font == "sans"
    assert style.title.size == 92
    for name, defaults in TEXT_DEFAULTS.items():
        spec = getattr(style, name)
        for key, value in defaults.items():
            expected = value if key != "box" else TextSpec(box=value).box
            assert getattr(spec, key) == expected, f"{name}.{key}"


def test_partial_override_keeps_element_defaults() -> None:
    style = Style.model_validate({"caption": {"size": 50}})
    assert style.caption.size == 50
    assert style.caption.min_size == 36  # caption default, not TextSpec's 32
    assert style.caption.box == "#000000A0"
    assert style.caption.anchor == "bottom"
    assert style.counter == Style().counter


def test_override_can_clear_a_default_box() -> None:
    assert Style.model_validate({"caption": {"box": None}}).caption.box is None


def test_null_element_means_defaults() -> None:
    assert Style.model_validate({"counter": None}).counter == Style().counter


def test_partial_override_inside_a_storyboard() -> None:
    board = Storyboard.model_validate(
        {"clips": [{"path": "a.mp4"}], "style": {"counter": {"color": "red"}}}
    )
    assert board.style.counter.color == "#E53935FF"
    assert board.style.counter.stroke_width == 5
    assert board.style.counter.max_lines == 1


def test_unknown_style_key_refused() -> None:
    with pytest.raises(ValidationError, match="sise"):
        Style.model_validate({"caption": {"sise": 50}})


# --- models ------------------------------------------------------------------------------


def test_models_are_frozen() -> None:
    clip = Clip(path="a.mp4")
    with pytest.raises(ValidationError):
        clip.speed = 2.0  # type: ignore[misc]


def test_preset_accepts_one_name_or_many() -> None:
    one = Storyboard.model_validate({"preset": "reel", "clips": [{"path": "a"}]})
    many = Storyboard.model_validate({"preset": ["reel", "bold"], "clips": [{"path": "a"}]})
    assert (one.preset, many.preset) == (["reel"], ["reel", "bold"])


@pytest.mark.parametrize(("width", "ok"), [(1080, True), (1081, False), (16, True), (14, False)])
def test_output_size_even_and_bounded(width: int, ok: bool) -> None:
    if ok:
        assert Output(width=width).width == width
    else:
        with pytest.raises(ValidationError):
            Output(width=width)


def test_counter_placeholders() -> None:
    for template in ["Day {day}", "Week {week}", "{days} days in", "Month {month}", "{day:03d}"]:
        assert Overlays(counter=template).counter == template
