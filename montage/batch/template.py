"""Fill a storyboard template with one row's values, as data, and validate the result.

Placeholders (`{{ field }}`) are replaced inside the PARSED template's string values,
never in the YAML text: a value such as `a: b` or one with a newline stays one string and
cannot add keys or change the storyboard's structure. A value standing alone
(`speed: "{{ speed }}"`) keeps its type from YAML/JSON rows; inside text it is spliced in.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from montage.batch.rows import BatchError, Row
from montage.errors import Problem, StoryboardError
from montage.options import LoadOptions
from montage.storyboard.load import LoadedStoryboard, load_storyboard_doc
from montage.storyboard.placeholders import PLACEHOLDER, strings
from montage.storyboard.yamlio import PathKey, YamlDoc, format_path

_BRACES = re.compile(r"\{\{|\}\}")


def check_placeholders(doc: YamlDoc) -> None:
    """Raise a BatchError for every malformed placeholder (`{{ name }`) in the template."""
    problems = [
        Problem(
            f"{text!r} holds an incomplete placeholder",
            doc.values.get(key),
            format_path(key),
            "write placeholders as {{ field }}",
        )
        for key, text in strings(doc.data, ())
        if _BRACES.search(PLACEHOLDER.sub("", text)) or any(not n for n in _names(text))
    ]
    if problems:
        raise BatchError(problems)


def fill_text(pattern: str, row: Row, where: str) -> str:
    """`pattern` with the row's values spliced in; a missing value is a row error."""
    missing = [name for name in _names(pattern) if _value(row, name) is None]
    if missing:
        raise StoryboardError([_missing(row, name, where) for name in missing])
    return PLACEHOLDER.sub(lambda m: _as_text(_value(row, m.group(1))), pattern)


def fill_template(template: YamlDoc, row: Row) -> YamlDoc:
    """A copy of `template` with every placeholder replaced by `row`'s value, as data.

    Values that came from the row are located at the row, so errors point there.
    """
    problems: list[Problem] = list(row.problems)
    values = dict(template.values)
    filled: dict[PathKey, Any] = {}
    for key, text in strings(template.data, ()):
        names = _names(text)
        if not names:
            continue
        missing = [n for n in names if _value(row, n) is None]
        problems += [_missing(row, name, format_path(key)) for name in missing]
        if not missing:
            filled[key] = _substitute(text, row)
            values[key] = row.locate(names[0])
    if problems:
        raise StoryboardError(problems)
    data = rebuild(template.data, (), filled)
    return YamlDoc(data, values, dict(template.keys), template.origin)


def _substitute(text: str, row: Row) -> Any:
    whole = PLACEHOLDER.fullmatch(text)
    if whole:
        return _value(row, whole.group(1))  # a lone placeholder keeps the value's type
    return PLACEHOLDER.sub(lambda m: _as_text(_value(row, m.group(1))), text)


def _names(text: str) -> list[str]:
    return PLACEHOLDER.findall(text)


def _value(row: Row, name: str) -> Any:
    """The row's value for `name`; None when absent or empty (so it is never rendered raw)."""
    value = row.values.get(name)
    return None if value is None or value == "" else value


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)  # YamlInt/YamlFloat give back the digits as written


def _missing(row: Row, name: str, where: str) -> Problem:
    return Problem(
        f"row {row.number} has no value for {{{{ {name} }}}}",
        row.locate(name),
        where,
        f"add a {name!r} column or field to the rows and fill it",
    )


def rebuild(data: Any, key: PathKey, filled: dict[PathKey, Any]) -> Any:
    """A copy of `data` (found at `key`) with the values at the keys of `filled` replaced."""
    if key in filled:
        return filled[key]
    if isinstance(data, dict):
        return {k: rebuild(v, (*key, k), filled) for k, v in data.items()}
    if isinstance(data, list):
        return [rebuild(v, (*key, i), filled) for i, v in enumerate(data)]
    return data


def load_filled(doc: YamlDoc, template: Path, options: LoadOptions) -> LoadedStoryboard:
    """Layer presets and `--set` under a filled template and validate it like a file;
    relative paths resolve against the template's folder (`rowpaths` rebases row paths)."""
    return load_storyboard_doc(
        doc,
        template,
        overrides=options.overrides,
        presets_dirs=options.presets_dirs,
        allow_outside=options.allow_outside,
    )
