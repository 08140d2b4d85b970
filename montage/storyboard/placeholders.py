"""`{{ field }}` placeholders: what marks a storyboard as a batch template.

The batch fills them from data rows; anything else that loads a storyboard refuses one
that still has them, since the video would show `{{ name }}` as literal text.
"""

from __future__ import annotations

import re
from typing import Any

from montage.errors import StoryboardError
from montage.storyboard.yamlio import PathKey, YamlDoc, format_path

PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
TEMPLATE_HINT = "list it as `template:` in a batch file, with `rows:` to fill it"


def strings(data: Any, key: PathKey) -> list[tuple[PathKey, str]]:
    """Every string value in `data`, with its path below `key`."""
    if isinstance(data, dict):
        return [item for k, v in data.items() for item in strings(v, (*key, k))]
    if isinstance(data, list):
        return [item for i, v in enumerate(data) for item in strings(v, (*key, i))]
    return [(key, data)] if isinstance(data, str) else []


def refuse_placeholders(doc: YamlDoc) -> None:
    """Raise a located StoryboardError at the first value with a `{{ }}` placeholder."""
    found = [(key, text) for key, text in strings(doc.data, ()) if PLACEHOLDER.search(text)]
    if found:
        key, text = found[0]
        raise StoryboardError.single(
            f"this looks like a template: {text!r} has a {{{{ }}}} placeholder",
            location=doc.values.get(key),
            path=format_path(key),
            hint=TEMPLATE_HINT,
        )
