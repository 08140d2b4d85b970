"""Pillow text rendering: fit text into a box and draw it as an RGBA sprite.

Fonts fall back per run (Noto Sans, Noto Color Emoji, system fonts for other scripts),
text is shrunk and wrapped so it is never clipped, and style adds stroke and a box.
"""

from montage.text.draw import render_text
from montage.text.fonts import resolve_font_path
from montage.text.layout import TextFitError, TextLayout, layout_text

__all__ = ["TextFitError", "TextLayout", "layout_text", "render_text", "resolve_font_path"]
