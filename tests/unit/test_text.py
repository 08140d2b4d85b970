"""Pillow text sprites: fitting rules, font runs, colour emoji, style and golden images.

Regenerate the golden PNGs with `MONTAGE_UPDATE_GOLDEN=1 pytest tests/unit/test_text.py`
and look at them before committing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont, features

from montage.errors import PlanError
from montage.style import TextStyle
from montage.text import TextFitError, layout_text, render_text, resolve_font_path
from montage.text import fonts as text_fonts
from montage.text.fonts import EMOJI
from montage.text.runs import split_clusters, split_runs, visual_runs

GOLDEN = Path(__file__).parent / "golden"
PLAIN = TextStyle(font="sans", size=64, min_size=36, box_color=None)
HEBREW = "\u05e9\u05dc\u05d5\u05dd"  # shalom


def _alpha(image: Image.Image) -> np.ndarray:
    return np.asarray(image.getchannel("A"), dtype=np.int32)


def _saturated_pixels(image: Image.Image) -> int:
    """Opaque pixels with a clearly non-gray colour."""
    pixels = np.asarray(image, dtype=np.int32)
    rgb, alpha = pixels[..., :3], pixels[..., 3]
    saturation = rgb.max(axis=2) - rgb.min(axis=2)
    return int(((alpha > 200) & (saturation > 80)).sum())


# --- fitting rules ---------------------------------------------------------------


def test_short_text_stays_at_full_size_on_one_line() -> None:
    layout = layout_text("Day 1", PLAIN, 1000, 400)
    assert (layout.size, layout.lines) == (64, ("Day 1",))
    assert layout.width < 1000 and layout.height < 400


def test_too_wide_text_shrinks_before_it_wraps() -> None:
    text = "First steps with the walker"
    full = layout_text(text, PLAIN, 10_000, 400)
    layout = layout_text(text, PLAIN, int(full.width * 0.8), 400)
    assert layout.lines == (text,)
    assert PLAIN.min_size <= layout.size < PLAIN.size
    assert layout.width <= full.width * 0.8


def test_text_too_wide_at_min_size_wraps_at_the_largest_size() -> None:
    text = "Walking on my own for the very first time since the accident"
    layout = layout_text(text, PLAIN, 700, 400)
    assert 1 < len(layout.lines) <= PLAIN.max_lines
    assert " ".join(layout.lines) == text
    if layout.size < PLAIN.size:  # one size up must not fit
        bigger = TextStyle(font="sans", size=layout.size + 1, min_size=layout.size + 1)
        with pytest.raises(TextFitError):
            layout_text(text, bigger, 700, 400)


def test_explicit_newlines_are_honoured() -> None:
    layout = layout_text("Day 12\nfirst steps", PLAIN, 1000, 400)
    assert layout.lines == ("Day 12", "first steps")
    assert layout.size == PLAIN.size


def test_a_word_too_long_for_a_line_is_broken_between_characters() -> None:
    word = "Supercalifragilisticexpialidocious"
    layout = layout_text(word, PLAIN, 400, 400)
    assert layout.size == PLAIN.min_size
    assert len(layout.lines) > 1 and "".join(layout.lines) == word


def test_impossible_text_raises_text_fit_error_with_sizes_and_hint() -> None:
    with pytest.raises(TextFitError) as caught:
        layout_text("far too much text " * 20, PLAIN, 400, 120)
    assert isinstance(caught.value, PlanError)
    problem = caught.value.problems[0]
    assert "36 px" in problem.message and "400x120" in problem.message
    assert "min_size" in problem.hint and "shorten" in problem.hint


@pytest.mark.parametrize(
    ("text", "style", "box"),
    [
        ("Walking on my own! 💪👍", TextStyle(box_color="#000000A0"), (500, 300)),
        ("Day 3 — gj", TextStyle(stroke_width=6, align="left"), (300, 200)),
        ("one two three four five six seven", PLAIN, (260, 400)),
        ("Ünïcödé ÅÉÎ gjpqy\nsecond line", TextStyle(line_spacing=1.0), (900, 300)),
        (f"{HEBREW} world 25", PLAIN, (600, 200)),
    ],
)
def test_sprite_matches_layout_and_never_exceeds_the_box(
    text: str, style: TextStyle, box: tuple[int, int]
) -> None:
    layout = layout_text(text, style, *box)
    image = render_text(text, style, *box)
    assert image.mode == "RGBA"
    assert image.size == (layout.width, layout.height)
    assert layout.width <= box[0] and layout.height <= box[1]
    alpha = _alpha(image)
    if not style.box_color:  # tight left and right; lines are at least cap-height tall
        assert alpha[:, 0].any() and alpha[:, -1].any()


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ("Jumpy fjord, quick gj!", TextStyle(font="sans", box_color=None, stroke_width=4)),
        ("ÅÉÎ Ünïcödé gjpqy", TextStyle(font="sans-bold", box_color="#000000FF")),
        ("first line\nsecond jqy", TextStyle(font="sans", box_color=None, align="right")),
    ],
)
def test_no_ink_is_clipped(text: str, style: TextStyle) -> None:
    """The sprite holds as much ink as each line drawn alone on a roomy canvas."""
    layout = layout_text(text, style, 800, 400)
    font = ImageFont.truetype(str(resolve_font_path(style.font)), layout.size)
    expected = 0
    for line in layout.lines:
        canvas = Image.new("L", (1200, 300), 0)
        ImageDraw.Draw(canvas).text(
            (100, 200), line, font=font, fill=255, anchor="ls", stroke_width=style.stroke_width
        )
        expected += int(np.asarray(canvas, dtype=np.int64).sum())
    image = render_text(text, style, 800, 400)
    if style.box_color:  # count the text only: it is white on an opaque black box
        ink = np.asarray(image.getchannel("R"), dtype=np.int64).sum()
    else:
        ink = np.asarray(image.getchannel("A"), dtype=np.int64).sum()
    assert abs(int(ink) - expected) <= expected * 0.005


@pytest.mark.parametrize("max_width", [120, 230, 340, 450, 560, 670])
def test_any_box_width_either_fits_or_raises(max_width: int) -> None:
    text = "Day 41 — walked to the café and back 💪 without the stick!"
    style = TextStyle(stroke_width=3, box_color="#00000080", box_padding=12)
    try:
        layout = layout_text(text, style, max_width, 260)
    except TextFitError:
        assert max_width <= 340  # needs 4+ lines at min_size
        return
    image = render_text(text, style, max_width, 260)
    assert image.size == (layout.width, layout.height)
    assert layout.width <= max_width and layout.height <= 260
    assert len(layout.lines) <= style.max_lines


def test_empty_text_gives_a_small_sprite() -> None:
    image = render_text("", PLAIN, 500, 200)
    assert image.width >= 1 and image.height >= 1


# --- runs, clusters, fonts ---------------------------------------------------------


def test_zwj_sequences_skin_tones_flags_and_keycaps_are_single_clusters() -> None:
    clusters = split_clusters("a👩\u200d🦽👍🏽🇺🇸🇬🇧1️⃣e\u0301")
    assert clusters == ("a", "👩\u200d🦽", "👍🏽", "🇺🇸", "🇬🇧", "1️⃣", "e\u0301")


def test_run_splitter_keeps_emoji_sequences_in_emoji_runs() -> None:
    primary = str(resolve_font_path("sans"))
    runs = split_runs("Go 👩\u200d🦽 now 👍🏽! 1️⃣ ©", primary)
    emoji = [run.text for run in runs if run.font == EMOJI]
    assert emoji == ["👩\u200d🦽", "👍🏽", "1️⃣"]
    assert "".join(run.text for run in runs) == "Go 👩\u200d🦽 now 👍🏽! 1️⃣ ©"
    assert runs[-1].font == primary  # © without VS16 is text


def test_rtl_runs_are_shown_right_to_left() -> None:
    primary = str(resolve_font_path("sans"))
    runs = split_runs(f"{HEBREW} world", primary)
    if runs[0].font == primary:
        pytest.skip("no Hebrew font installed")
    shown = visual_runs(runs, shaping=True)
    assert [r.text.strip() for r in shown if r.text.strip()] == ["world", HEBREW]
    assert next(r for r in shown if r.text == HEBREW).rtl


def test_resolve_font_path_names_paths_and_missing_fonts(tmp_path: Path) -> None:
    assert resolve_font_path("sans").name == "NotoSans-Regular.ttf"
    bold = resolve_font_path("sans-bold")
    assert bold.name == "NotoSans-Bold.ttf"
    assert resolve_font_path(str(bold)) == bold
    with pytest.raises(PlanError) as caught:
        resolve_font_path(str(tmp_path / "nope.ttf"))
    assert "not found" in str(caught.value) and caught.value.problems[0].hint
    not_a_font = tmp_path / "fake.ttf"
    not_a_font.write_text("hello")
    with pytest.raises(PlanError):
        resolve_font_path(str(not_a_font))


def test_characters_no_font_has_are_drawn_not_crashed() -> None:
    image = render_text("你好 world", PLAIN, 800, 200)
    assert _alpha(image).any()


# --- drawing -----------------------------------------------------------------------


def test_emoji_are_drawn_in_colour_where_they_sit() -> None:
    text_only = render_text("Go", PLAIN, 800, 200)
    with_emoji = render_text("Go 💪", PLAIN, 800, 200)
    assert _saturated_pixels(text_only) == 0
    right_half = with_emoji.crop((with_emoji.width // 2, 0, with_emoji.width, with_emoji.height))
    assert _saturated_pixels(right_half) > 500


def test_emoji_still_render_without_raqm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_fonts, "layout_engine", lambda: ImageFont.Layout.BASIC)
    text = f"{HEBREW} 👩\u200d🦽 👍🏽 ok"
    image = render_text(text, PLAIN, 900, 300)
    assert image.size == (layout_text(text, PLAIN, 900, 300).width, image.height)
    assert _saturated_pixels(image) > 200


def test_stroke_widens_the_alpha_footprint() -> None:
    plain = _alpha(render_text("Hello", PLAIN, 800, 200))
    stroked_style = TextStyle(font="sans", box_color=None, stroke_width=5)
    stroked = render_text("Hello", stroked_style, 800, 200)
    assert (_alpha(stroked) > 0).sum() > 1.3 * (plain > 0).sum()
    assert stroked.width == plain.shape[1] + 10
    pixels = np.asarray(stroked, dtype=np.int32)
    dark = (pixels[..., 3] > 200) & (pixels[..., :3].max(axis=2) < 40)
    assert dark.sum() > 500  # the black stroke is there


def test_box_fills_the_sprite_with_rounded_corners_and_even_padding() -> None:
    style = TextStyle(font="sans", box_color="#10203080", box_padding=20, box_radius=18)
    image = render_text("HELLO", style, 800, 200)
    alpha = _alpha(image)
    assert alpha[0, 0] == 0 and alpha[-1, -1] == 0  # rounded corners
    assert alpha[image.height // 2, 0] == 0x80 and alpha[0, image.width // 2] == 0x80
    ink = np.argwhere(np.asarray(image, dtype=np.int32)[..., 0] > 128)  # white text
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    pads = (left, image.width - 1 - right, top, image.height - 1 - bottom)
    assert max(pads) - min(pads) <= 2 and min(pads) >= 18


def test_translucent_text_colour_is_kept() -> None:
    style = TextStyle(font="sans", box_color=None, color="#FF000080")
    alpha = _alpha(render_text("Hi", style, 400, 200))
    assert alpha.max() == 0x80


# --- golden images -----------------------------------------------------------------

GOLDEN_CASES = {
    "caption_emoji_box": (
        "Walking on my own! 💪👍",
        TextStyle(font="sans-bold", size=56, box_color="#000000A0"),
        (900, 300),
    ),
    "stroked_line": (
        "Day 3 — gj Ågå",
        TextStyle(font="sans-bold", size=60, stroke_width=5, color="#FFE14DFF"),
        (900, 200),
    ),
    "wrapped_lines": (
        "Six months of physio, one step at a time, every single day",
        TextStyle(font="sans", size=48, min_size=40, align="left", box_color="#1E3A5FCC"),
        (560, 400),
    ),
}


def _compare(actual: Image.Image, expected: Image.Image) -> tuple[float, float]:
    a = np.asarray(actual, dtype=np.int32)
    b = np.asarray(expected.convert("RGBA"), dtype=np.int32)
    diff = np.abs(a - b)
    return float(diff.mean()), float((diff.max(axis=2) > 40).mean())


@pytest.mark.skipif(not features.check("raqm"), reason="goldens are drawn with libraqm")
@pytest.mark.parametrize("name", sorted(GOLDEN_CASES))
def test_sprite_matches_golden_png(name: str) -> None:
    text, style, box = GOLDEN_CASES[name]
    image = render_text(text, style, *box)
    path = GOLDEN / f"{name}.png"
    if os.environ.get("MONTAGE_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        image.save(path)
    assert path.is_file(), f"{path} missing: run with MONTAGE_UPDATE_GOLDEN=1"
    with Image.open(path) as expected:
        assert image.size == expected.size
        mean, share = _compare(image, expected)
    assert mean < 2.0 and share < 0.01, f"{name}: mean diff {mean:.2f}, {share:.2%} pixels"
