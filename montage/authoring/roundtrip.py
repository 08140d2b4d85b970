"""ruamel.yaml round-trip editing of a user's storyboard: comments, order and quotes kept.

ruamel attaches the comment lines and blank lines that follow a node to that node. So the
blank line and section comments after the last clip belong to the last clip, and a clip
appended after it would land below them; `move_trailing_comment` hands them on.
"""

from __future__ import annotations

import io
import itertools
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from montage.errors import Location, StoryboardError
from montage.storyboard.yamlio import MAX_FILE_BYTES


def load_roundtrip(path: Path) -> tuple[YAML, Any, str]:
    """Parse `path` for editing; returns the configured YAML, the data and the text.

    Raises StoryboardError, located, if the file is too big, not UTF-8, not YAML, or not
    a mapping.
    """
    if not path.is_file():
        raise StoryboardError.single(
            "is not a file", location=Location(str(path)), hint="name a storyboard file with -o"
        )
    if path.stat().st_size > MAX_FILE_BYTES:
        raise StoryboardError.single(
            f"{path.name} is larger than {MAX_FILE_BYTES >> 20} MB", location=Location(str(path))
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
        _, sequence, offset = load_yaml_guess_indent(text)
        yaml = _editor(_mapping_indent(text), sequence, offset)
        data = yaml.load(text)
    except UnicodeDecodeError as exc:
        raise StoryboardError.single(
            f"not UTF-8 text ({exc.reason})", location=Location(str(path)), hint="save as UTF-8"
        ) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = Location(str(path), mark.line + 1, mark.column + 1) if mark else Location(str(path))
        raise StoryboardError.single(
            f"not valid YAML: {exc.problem}", location=where, hint="fix it, then run init again"
        ) from None
    if not isinstance(data, CommentedMap):
        raise StoryboardError.single(
            "a storyboard is a mapping with `clips:`",
            location=Location(str(path), 1, 1),
            hint="write a new one with `montage init FOLDER -o NEW.yaml`",
        )
    return yaml, data, text


def _editor(mapping: int, sequence: int | None, offset: int | None) -> YAML:
    """A round-trip YAML that writes with the file's own indentation."""
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 1 << 16  # never re-wrap a user's long caption
    offset = offset or 0
    yaml.indent(mapping=mapping, sequence=max(sequence or 0, offset + 2), offset=offset)
    return yaml


def _mapping_indent(text: str) -> int:
    """How far the file indents a nested mapping (ruamel guesses only sequences)."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    for parent, child in itertools.pairwise(lines):
        opens = not parent[:1].isspace() and parent.rstrip().endswith(":")
        indent = len(child) - len(child.lstrip(" "))
        if opens and indent and not child.lstrip().startswith("-"):
            return indent
    return 2


def dump_roundtrip(yaml: YAML, data: Any) -> str:
    """The edited document as text."""
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()


def move_trailing_comment(previous: Any, appended: Any) -> None:
    """Move what follows `previous`'s own comment lines (blank lines, comments at the
    left margin, which introduce the next section) to the end of `appended`."""
    old = _last_comment(previous)
    new = _last_comment(appended)
    if old is None or new is None:
        return
    lines = old.value.splitlines(keepends=True)
    keep = 0
    for number, line in enumerate(lines):
        own = line.lstrip().startswith("#") and (number == 0 or line[:1].isspace())
        if not own:
            break
        keep = number + 1
    tail = "".join(lines[keep:])
    if tail:
        old.value = "".join(lines[:keep])
        new.value = new.value + tail


def _last_comment(node: Any) -> Any:
    """The comment token after the last scalar of a block mapping, if there is one."""
    if not isinstance(node, CommentedMap) or not node:
        return None
    key = list(node.keys())[-1]
    value = node[key]
    if isinstance(value, CommentedMap) and not value.fa.flow_style():
        return _last_comment(value)
    slots = node.ca.items.get(key)
    return slots[2] if slots and len(slots) > 2 else None
