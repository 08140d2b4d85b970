"""Locate the bundled `presets/` and `assets/` folders, installed or in a checkout.

A wheel carries them as `montage/_data/...` (hatchling force-include); a source checkout or
editable install finds them at the top of the repository.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def data_root(name: str) -> Path:
    """Return the folder holding the bundled `name` ("presets" or "assets")."""
    packaged = Path(str(resources.files("montage"))) / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"montage's bundled {name}/ folder is missing; reinstall montage")


def asset_path(relative: str) -> Path:
    """Path of a bundled asset such as `fonts/NotoSans-Bold.ttf`."""
    return data_root("assets") / relative


def presets_dir() -> Path:
    """The folder of built-in presets."""
    return data_root("presets")
