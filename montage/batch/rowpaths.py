"""Which folder a clip or music path in a filled template is relative to.

A path that a row supplies from its first character (`path: "{{ clip }}"`) was written
in the rows, beside the batch file, so it is relative to the batch file's folder. A
path that starts with text written in the template (`clips/{{ colour }}.mp4`) is
relative to the template's folder, like any storyboard path. Both folders (and the
`--allow-outside` ones) are allowed roots. Errors at such a path say which rule applied.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from montage.batch.template import PLACEHOLDER, load_filled, rebuild, strings
from montage.errors import MontageError, Problem
from montage.options import LoadOptions
from montage.storyboard.fields import looks_like_protocol
from montage.storyboard.load import LoadedStoryboard
from montage.storyboard.yamlio import PathKey, YamlDoc, format_path

ROW_RULE = "a path from a row is relative to the batch file's folder, {folder}"
TEMPLATE_RULE = "a path written in the template is relative to the template's folder, {folder}"


def is_media_key(key: PathKey) -> bool:
    """`clips[N].path` or `audio.music.path`: the inputs a storyboard names."""
    clip = len(key) == 3 and key[0] == "clips" and isinstance(key[1], int) and key[2] == "path"
    return clip or key == ("audio", "music", "path")


def load_row(
    filled: YamlDoc, template: YamlDoc, template_path: Path, base: Path, options: LoadOptions
) -> LoadedStoryboard:
    """Validate one row's filled template, with row paths relative to `base`.

    `base` is the batch file's folder; it is added to the allowed roots.
    """
    base = base.resolve()
    from_row = [key for key, text in _placeholder_paths(template) if PLACEHOLDER.match(text)]
    moved = {
        key: (written, rebased)
        for key in from_row
        if (written := _text(_at(filled.data, key))) is not None
        and (rebased := _rebased(written, base)) is not None
    }
    data = rebuild(filled.data, (), {key: rebased for key, (_, rebased) in moved.items()})
    roots = (*options.allow_outside, base)
    try:
        return load_filled(
            dataclasses.replace(filled, data=data),
            template_path,
            dataclasses.replace(options, allow_outside=roots),
        )
    except MontageError as error:
        rules = _rules(template, moved, base, template_path.resolve().parent)
        problems = [_explained(problem, rules) for problem in error.problems]
        raise type(error)(problems) from None


def _placeholder_paths(template: YamlDoc) -> list[tuple[PathKey, str]]:
    return [(k, t) for k, t in strings(template.data, ()) if is_media_key(k) and "{{" in t]


def _at(data: Any, key: PathKey) -> Any:
    for part in key:
        data = data[part]  # the filled template keeps the template's shape
    return data


def _text(value: Any) -> str | None:
    """A path value as the model reads it (numbers from YAML rows become text)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)


def _rebased(written: str, base: Path) -> str | None:
    """`written` made absolute against `base`; None for what the model refuses anyway."""
    if not written.strip() or "\x00" in written or looks_like_protocol(written):
        return None  # keeps the model's own message (a URL stays a URL)
    if Path(written).is_absolute():
        return None
    return str(base / written)


def _rules(
    template: YamlDoc, moved: dict[PathKey, tuple[str, str]], base: Path, template_dir: Path
) -> dict[str, tuple[str, str, str]]:
    """Field path -> (value as written, as resolved, the rule to cite)."""
    rules = {
        format_path(key): ("", "", TEMPLATE_RULE.format(folder=template_dir))
        for key, text in _placeholder_paths(template)
        if not PLACEHOLDER.match(text)
    }
    for key, (written, rebased) in moved.items():
        rules[format_path(key)] = (written, rebased, ROW_RULE.format(folder=base))
    return rules


def _explained(problem: Problem, rules: dict[str, tuple[str, str, str]]) -> Problem:
    """`problem` quoting the path as the row wrote it, and saying which folder it is in."""
    if problem.path not in rules:
        return problem
    written, rebased, rule = rules[problem.path]
    message = problem.message.replace(repr(rebased), repr(written)) if rebased else problem.message
    hint = f"{rule}; {problem.hint}" if problem.hint else rule
    return dataclasses.replace(problem, message=message, hint=hint)
