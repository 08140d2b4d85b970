"""`doctor`: check the pieces montage needs at run time, each with a remedy if missing.

Essential pieces (ffmpeg with libx264/AAC, Pillow with FreeType, the bundled fonts, colour
emoji) make montage work at all; optional ones (libraqm, libfribidi, fonts for other
scripts, the Dask extra) make parts of it better. A check never raises: a crash inside
one becomes a failed check that says what happened.
"""

from __future__ import annotations

import ctypes.util
import importlib.metadata
import importlib.util
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import PIL
from PIL import ImageFont, features

from montage.media.ffmpeg import ffmpeg_exe, run_ffmpeg
from montage.presets import list_presets, user_presets_dir
from montage.style import TextStyle
from montage.text import render_text, resolve_font_path
from montage.text.fonts import EMOJI_SIZE, emoji_font_path, fallback_fonts, font_cmap

PIP_PILLOW = "pip install --force-reinstall 'pillow>=10,<12'"
REINSTALL = "reinstall montage (pip install --force-reinstall montage-assembler)"
EMOJI_PROBE = "💪"


@dataclass(frozen=True)
class Check:
    """One piece: whether it works, what was found, and how to fix it if not."""

    name: str
    ok: bool
    detail: str
    remedy: str = ""
    essential: bool = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def check_ffmpeg() -> Check:
    """The bundled ffmpeg runs; its path and version."""
    remedy = (
        "pip install --force-reinstall imageio-ffmpeg (montage uses the ffmpeg it bundles), "
        "or set IMAGEIO_FFMPEG_EXE to an ffmpeg 6+ binary"
    )
    exe = ffmpeg_exe()
    chosen = os.environ.get("IMAGEIO_FFMPEG_EXE")
    try:
        proc = run_ffmpeg(["-version"], timeout=20)
    except OSError as exc:
        if chosen:
            remedy = "IMAGEIO_FFMPEG_EXE names it: fix that path, or unset it for the bundled one"
        return Check("ffmpeg", False, f"cannot run {exe}: {exc.strerror or exc}", remedy)
    first = (proc.stdout.splitlines() or ["no output"])[0]
    ok = proc.returncode == 0 and first.startswith("ffmpeg version")
    version = first.split(" Copyright")[0].removeprefix("ffmpeg version ")
    return Check("ffmpeg", ok, f"{version} at {exe}", "" if ok else remedy)


def check_encoders() -> Check:
    """The encoders every render uses: libx264 for video, the native AAC for sound."""
    try:
        listing = run_ffmpeg(["-encoders"], timeout=20).stdout
    except OSError:
        return Check(
            "encoders", False, "cannot be listed: ffmpeg does not run", "fix the ffmpeg check first"
        )
    names = {line.split()[1] for line in listing.splitlines() if len(line.split()) > 1}
    missing = [name for name in ("libx264", "aac") if name not in names]
    if missing:
        return Check(
            "encoders",
            False,
            f"this ffmpeg lacks {', '.join(missing)}",
            "use the ffmpeg bundled by imageio-ffmpeg (unset IMAGEIO_FFMPEG_EXE) or an "
            "ffmpeg built with --enable-libx264",
        )
    return Check("encoders", True, "libx264 (video), aac (sound)")


def check_pillow() -> Check:
    """Pillow's version and its FreeType support, which all text needs."""
    if not features.check("freetype2"):
        return Check("Pillow", False, f"Pillow {PIL.__version__} without FreeType", PIP_PILLOW)
    return Check(
        "Pillow", True, f"Pillow {PIL.__version__}, FreeType {features.version('freetype2')}"
    )


def check_raqm() -> Check:
    """libraqm: text shaping for complex scripts and emoji sequences."""
    if features.check("raqm"):
        return Check("raqm", True, f"libraqm {features.version('raqm')}", essential=False)
    return Check(
        "raqm",
        False,
        "libraqm is not available: Arabic, Devanagari and emoji sequences render unshaped",
        f"{PIP_PILLOW} (the official wheels bundle libraqm), or apt-get install libraqm0",
        essential=False,
    )


def check_fribidi() -> Check:
    """libfribidi, which libraqm loads at run time for right-to-left text."""
    loaded = bool(features.check("raqm") and features.check_feature("fribidi"))
    found = ctypes.util.find_library("fribidi")
    if loaded:
        version = features.version_feature("fribidi") or "?"
        return Check(
            "fribidi", True, f"libfribidi {version} ({found or 'loaded'})", essential=False
        )
    where = f"found {found} but Pillow could not load it" if found else "libfribidi not found"
    return Check(
        "fribidi",
        False,
        f"{where}: right-to-left text renders unshaped and skin-tone emoji split in two",
        "apt-get install libfribidi0 (Debian/Ubuntu), dnf install fribidi (Fedora), "
        "brew install fribidi (macOS)",
        essential=False,
    )


def check_fonts() -> Check:
    """The bundled Noto Sans faces and Noto Color Emoji are present and readable."""
    paths = [resolve_font_path("sans"), resolve_font_path("sans-bold"), Path(emoji_font_path())]
    for path in paths:
        font_cmap(str(path))  # raises PlanError for a missing or broken font
    ImageFont.truetype(str(paths[2]), EMOJI_SIZE)  # the colour strike loads
    names = ", ".join(p.name for p in paths)
    return Check("fonts", True, f"{names} in {paths[0].parent}")


def check_emoji() -> Check:
    """Actually render an emoji with montage's text renderer and look for colour."""
    sprite = render_text(EMOJI_PROBE, TextStyle(font="sans", size=64, min_size=32), 400, 200)
    pixels = np.asarray(sprite.convert("RGBA")).astype(np.int16)
    spread = pixels[..., :3].max(axis=-1) - pixels[..., :3].min(axis=-1)
    colourful = int(((pixels[..., 3] > 128) & (spread > 60)).sum())
    if colourful >= 50:
        return Check("emoji", True, f"{EMOJI_PROBE} renders in colour ({colourful} colour pixels)")
    return Check(
        "emoji",
        False,
        f"{EMOJI_PROBE} rendered without colour ({colourful} colour pixels)",
        f"{REINSTALL}: assets/fonts/NotoColorEmoji.ttf must be the colour font; {PIP_PILLOW}",
    )


def check_scripts() -> Check:
    """System fonts that other scripts (Arabic, Hebrew, CJK...) fall back to."""
    found = fallback_fonts(str(resolve_font_path("sans")))
    if found:
        names = ", ".join(Path(f).name for f in found[:4]) + (" ..." if len(found) > 4 else "")
        return Check(
            "other scripts", True, f"{len(found)} fallback fonts: {names}", essential=False
        )
    return Check(
        "other scripts",
        False,
        "no system fonts for Arabic, Hebrew, Devanagari, Thai or CJK text",
        "apt-get install fonts-noto-core fonts-noto-cjk (or your system's Noto fonts)",
        essential=False,
    )


def check_dask() -> Check:
    """The optional Dask extra, for rendering batches on a cluster."""
    if importlib.util.find_spec("dask") and importlib.util.find_spec("distributed"):
        version = importlib.metadata.version("distributed")
        return Check("dask", True, f"dask distributed {version}", essential=False)
    return Check(
        "dask",
        False,
        "not installed: `montage batch --scheduler` needs it (local batches do not)",
        "pip install 'montage-assembler[dask]'",
        essential=False,
    )


def check_user_presets() -> Check:
    """The user's presets folder, how many presets it holds, and whether they load."""
    folder = user_presets_dir()
    if not folder.is_dir():
        return Check(
            "user presets",
            True,
            f"{folder} (not created yet; your presets go here)",
            essential=False,
        )
    found = list_presets([folder])
    broken = [p.name for p in found if p.description == "(invalid)"]
    detail = f"{folder} ({len(found)} presets)"
    if broken:
        return Check(
            "user presets",
            False,
            f"{detail}; invalid: {', '.join(broken)}",
            f"run `montage presets show {broken[0]}` to see what is wrong",
            essential=False,
        )
    return Check("user presets", True, detail, essential=False)


CHECKS: tuple[Callable[[], Check], ...] = (
    check_ffmpeg,
    check_encoders,
    check_pillow,
    check_raqm,
    check_fribidi,
    check_fonts,
    check_emoji,
    check_scripts,
    check_dask,
    check_user_presets,
)
# By function name: a crashed essential check still counts as essential.
_ESSENTIAL = {"check_ffmpeg", "check_encoders", "check_pillow", "check_fonts", "check_emoji"}


def run_checks(checks: tuple[Callable[[], Check], ...] = CHECKS) -> list[Check]:
    """Run every check; one that crashes is reported as failed, never raised."""
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as exc:  # doctor reports problems, it never crashes
            name = check.__name__.removeprefix("check_").replace("_", " ")
            results.append(
                Check(
                    name,
                    False,
                    f"the check failed: {type(exc).__name__}: {exc}"[:300],
                    REINSTALL,
                    essential=check.__name__ in _ESSENTIAL,
                )
            )
    return results


def healthy(results: list[Check]) -> bool:
    """True when every essential piece works."""
    return all(c.ok for c in results if c.essential)
