"""Load a storyboard file: parse, layer presets and overrides, validate, check paths.

Every problem from every stage is collected and raised together, each located in the
file (storyboard, preset or `--set`) that wrote the offending value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from montage.errors import Location, MontageError, Problem, StoryboardError
from montage.presets import preset_layers, search_path
from montage.storyboard.checks import cross_field_findings
from montage.storyboard.diagnose import problems_from
from montage.storyboard.layers import Layered, deep_merge, overrides_doc, stack
from montage.storyboard.model import Storyboard
from montage.storyboard.paths import PathPolicy, media_path_findings
from montage.storyboard.placeholders import refuse_placeholders
from montage.storyboard.yamlio import PathKey, YamlDoc, format_path, load_yaml_file

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class LoadedStoryboard:
    """A validated storyboard plus what is needed to resolve its paths and locate errors."""

    storyboard: Storyboard
    source: Path
    policy: PathPolicy
    merged: Layered = field(repr=False)

    def media_path(self, written: str) -> Path:
        """Absolute path of a clip or music path as written."""
        return self.policy.resolve(written)

    def output_path(self) -> Path:
        """Where the mp4 goes: `output.path` (relative to the storyboard) or beside it."""
        written = self.storyboard.output.path
        if written is None:
            return self.source.with_suffix(".mp4")
        return self.policy.resolve(written)

    def locate(self, error: MontageError) -> MontageError:
        """Fill in locations for problems that carry a field path but no location."""
        error.problems = [self._locate(p) for p in error.problems]
        return error

    def _locate(self, problem: Problem) -> Problem:
        if problem.location is not None or not problem.path:
            return problem
        where = self.merged.locate(parse_path(problem.path))
        return Problem(problem.message, where, problem.path, problem.hint)


def parse_path(text: str) -> PathKey:
    """Inverse of `format_path`: `clips[2].trim.end` -> ('clips', 2, 'trim', 'end')."""
    return tuple(int(i) if i else name for name, i in _PATH_PART.findall(text))


def load_storyboard(
    path: Path,
    *,
    overrides: tuple[str, ...] = (),
    presets_dirs: tuple[Path, ...] = (),
    allow_outside: tuple[Path, ...] = (),
) -> LoadedStoryboard:
    """Load, layer and validate a storyboard, raising one StoryboardError with every problem."""
    doc = load_yaml_file(path)  # locations show the path as the user typed it
    refuse_placeholders(doc)  # a batch template: only `montage batch` can fill it
    return load_storyboard_doc(
        doc, path, overrides=overrides, presets_dirs=presets_dirs, allow_outside=allow_outside
    )


def load_storyboard_doc(
    doc: YamlDoc,
    source: Path,
    *,
    overrides: tuple[str, ...] = (),
    presets_dirs: tuple[Path, ...] = (),
    allow_outside: tuple[Path, ...] = (),
) -> LoadedStoryboard:
    """Layer and validate an already parsed storyboard (a file, or a filled batch template).

    Relative paths resolve against `source`'s folder.
    """
    source = source.resolve()
    if not isinstance(doc.data, dict):
        raise StoryboardError.single(
            "a storyboard is a mapping with at least `clips:`",
            location=doc.values.get(()) or Location(doc.origin or str(source)),
            hint="see `montage init`",
        )
    try:
        cli = overrides_doc(list(overrides))
    except ValueError as exc:
        raise StoryboardError.single(str(exc)) from None
    try:
        presets, preset_problems = _preset_layers(doc, cli, source.parent, presets_dirs), []
    except StoryboardError as error:  # still check the rest, without the broken presets
        presets, preset_problems = [], error.problems
    merged = stack([*presets, doc, cli])
    policy = PathPolicy(source.parent, tuple(p.resolve() for p in allow_outside))
    board, problems = _validate(merged, policy)
    if preset_problems or problems or board is None:
        raise StoryboardError(_sorted(preset_problems + problems))
    return LoadedStoryboard(board, source, policy, merged)


def _preset_layers(doc: YamlDoc, cli: YamlDoc, base: Path, dirs: tuple[Path, ...]) -> list[YamlDoc]:
    chosen: Any = deep_merge(doc.data, cli.data).get("preset")
    names = [chosen] if isinstance(chosen, str) else chosen
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return []  # validation reports the bad `preset:` value
    where = cli.values.get(("preset",)) or doc.values.get(("preset",))
    return preset_layers(names, search_path(dirs, base), where)


def _validate(merged: Layered, policy: PathPolicy) -> tuple[Storyboard | None, list[Problem]]:
    problems = _located(merged, media_path_findings(merged.data, policy))
    try:
        board = Storyboard.model_validate(merged.data)
    except ValidationError as exc:
        salvaged = _salvage(merged.data, exc)
        more = _located(merged, cross_field_findings(salvaged)) if salvaged else []
        return None, problems_from(exc, merged, Storyboard) + problems + more
    return board, problems + _located(merged, cross_field_findings(board))


def _salvage(data: Any, error: ValidationError, rounds: int = 3) -> Storyboard | None:
    """The storyboard without its invalid values (defaults instead), or None.

    Cross-field checks (start_date after a clip, a photo with a trim) then still run
    when some field is wrong, so every problem is reported at once. A value that cannot
    simply be left out (a list item, a required field) gives up: None.
    """
    for _ in range(rounds):
        data = _without(data, [tuple(e["loc"]) for e in error.errors()])
        if data is None:
            return None
        try:
            return Storyboard.model_validate(data)
        except ValidationError as again:
            error = again
    return None


def _without(data: Any, locations: list[tuple[Any, ...]]) -> Any:
    """A copy of `data` without the mapping keys at `locations`; None if one is not one."""
    data = _copy_tree(data)
    for location in locations:
        parent = data
        for part in location[:-1]:
            parent = _child(parent, part)
        if not location or not isinstance(parent, dict) or location[-1] not in parent:
            return None
        del parent[location[-1]]
    return data


def _copy_tree(node: Any) -> Any:
    """A copy of the mappings and lists of `node`; the scalars are shared (immutable)."""
    if isinstance(node, dict):
        return {key: _copy_tree(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_copy_tree(item) for item in node]
    return node


def _child(node: Any, part: Any) -> Any:
    """`node[part]` for a key or list index, else None (the path left the data)."""
    if isinstance(node, dict):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _located(merged: Layered, findings: list[tuple[PathKey, str, str]]) -> list[Problem]:
    return [Problem(msg, merged.locate(key), format_path(key), hint) for key, msg, hint in findings]


def _sorted(problems: list[Problem]) -> list[Problem]:
    def key(p: Problem) -> tuple[str, int, int]:
        loc = p.location
        return (loc.file, loc.line, loc.column) if loc else ("", 0, 0)

    return sorted(problems, key=key)
