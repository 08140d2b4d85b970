"""Layering documents: defaults < preset(s) < storyboard < command line.

Mappings merge key by key and lists replace. Each layer keeps its own locations, so
an error in a value that came from a preset points into that preset's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from montage.errors import Location
from montage.storyboard.yamlio import PathKey, YamlDoc, scalar_from_text


def deep_merge(base: Any, over: Any) -> Any:
    """Merge `over` onto `base`: dicts key by key, anything else replaced."""
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = deep_merge(base[key], value) if key in base else value
        return merged
    return over


@dataclass
class Layered:
    """The merged data of several `YamlDoc` layers, able to locate any path in it."""

    data: dict[str, Any]
    layers: list[YamlDoc] = field(default_factory=list)  # top (wins) first

    def locate(self, path: PathKey, *, key: bool = False) -> Location | None:
        """Where the value (or with `key`, the key) at `path` was written.

        Falls back to the nearest enclosing value that some layer wrote.
        """
        for depth in range(len(path), -1, -1):
            prefix = path[:depth]
            for layer in self.layers:
                table = layer.keys if key and depth == len(path) else layer.values
                if prefix in table and _holds(layer.data, prefix):
                    return table[prefix]
        return None


MISSING = object()


def step(data: Any, part: str | int) -> Any:
    """The child of `data` at `part`, or `MISSING` when there is none."""
    if isinstance(data, dict):
        return data.get(part, MISSING)
    if isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
        return data[part]
    return MISSING


def _holds(data: Any, path: PathKey) -> bool:
    for part in path:
        data = step(data, part)
        if data is MISSING:
            return False
    return True


def stack(layers_bottom_up: list[YamlDoc]) -> Layered:
    """Merge layers given bottom first; the result locates values top first."""
    data: dict[str, Any] = {}
    for layer in layers_bottom_up:
        data = deep_merge(data, layer.data if isinstance(layer.data, dict) else {})
    return Layered(data=data, layers=list(reversed(layers_bottom_up)))


def overrides_doc(assignments: list[str]) -> YamlDoc:
    """Turn `--set output.fps=25` assignments into a layer (values parsed as YAML scalars)."""
    doc = YamlDoc(data={}, origin="--set")
    for text in assignments:
        dotted, sep, raw = text.partition("=")
        if not sep or not dotted.strip():
            raise ValueError(f"--set {text!r}: write KEY=VALUE, e.g. --set output.fps=25")
        keys = tuple(part.strip() for part in dotted.split("."))
        _assign(doc.data, keys, scalar_from_text(raw))
        where = Location(f"--set {text}")
        for depth in range(1, len(keys) + 1):  # the last --set of a key wins, and is named
            doc.values[keys[:depth]] = where
            doc.keys[keys[:depth]] = where
    return doc


def _assign(data: dict[str, Any], keys: tuple[str, ...], value: Any) -> None:
    for key in keys[:-1]:
        child = data.get(key)
        if not isinstance(child, dict):
            child = data[key] = {}
        data = child
    data[keys[-1]] = value
