"""What to render: storyboard files, folders of them, and batch files.

A batch file is a YAML mapping with either `template` + `rows` + `output` (one montage
per row) or `storyboards` (a list of storyboard files and folders, relative to it):

    template: templates/progress.yaml   # a storyboard with {{ field }} placeholders
    rows: clients.csv                   # .csv, .yaml or .json, or an inline list
    output: out/{{ name }}.mp4          # relative to the batch file

Files a batch file names as its `template` or `rows` are not storyboards of their own,
also when a folder scan finds them; a storyboard with placeholders is refused.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from montage.batch.guards import load_template_yaml, refuse_template
from montage.batch.rowpaths import load_row
from montage.batch.rows import BatchError, Row, read_rows
from montage.batch.template import PLACEHOLDER, check_placeholders, fill_template, fill_text
from montage.errors import Location, MontageError, Problem, StoryboardError
from montage.pipeline import LoadOptions, load
from montage.storyboard.diagnose import problems_from
from montage.storyboard.layers import Layered
from montage.storyboard.load import LoadedStoryboard
from montage.storyboard.paths import OUTPUT_SUFFIXES
from montage.storyboard.yamlio import YamlDoc, load_yaml_file

STORYBOARD_SUFFIXES = (".yaml", ".yml")
_BATCH_KEYS = ("template", "storyboards")


class BatchFile(BaseModel):
    """The keys of a batch file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    template: str | None = None
    rows: str | list[Any] | None = None
    output: str | None = None
    storyboards: list[str] | None = None


@dataclass(frozen=True)
class Source:
    """One montage to make: a storyboard file, or one row of a template."""

    name: str
    origin: Path
    row: Row | None = None
    template: YamlDoc | None = field(default=None, repr=False, compare=False)
    output_pattern: str = ""
    base: Path = Path()
    document: YamlDoc | None = field(default=None, repr=False, compare=False)  # as discovered

    def load(self, options: LoadOptions) -> tuple[LoadedStoryboard, Path]:
        """Validate this montage's storyboard and say where its mp4 goes."""
        output = self.output()
        if self.row is None or self.template is None or output is None:
            refuse_template(self.origin, self.document)
            loaded = load(self.origin, options)
            return loaded, loaded.output_path().resolve()
        filled = fill_template(self.template, self.row)
        return load_row(filled, self.template, self.origin, self.base, options), output

    def output(self) -> Path | None:
        """A row's output from the batch's pattern (None for a storyboard file).

        A row value that would leave the output folder is a row error.
        """
        row = self.row
        if row is None:
            return None
        unsafe = [
            name
            for name in PLACEHOLDER.findall(self.output_pattern)
            if _unsafe_in_name(str(row.values.get(name, "")))
        ]
        if unsafe:
            raise StoryboardError.single(
                f"the value of {{{{ {unsafe[0]} }}}} cannot be part of a file name",
                location=row.locate(unsafe[0]),
                path="output",
                hint="values in `output` may not contain '/', '\\', control characters, or be '..'",
            )
        return (self.base / fill_text(self.output_pattern, row, "output")).resolve()


def _unsafe_in_name(value: str) -> bool:
    # A row value must not steer the output into another folder, nor hide a newline.
    control = any(ord(c) < 32 or ord(c) == 127 for c in value)
    return control or any(c in value for c in "/\\") or value.strip() in {".", ".."}


def discover(paths: list[Path]) -> list[Source]:
    """Every montage named by `paths` (files, folders, batch files), in order, de-duplicated.

    A file that a batch file names as its template or rows is not a montage itself.
    """
    sources: list[Source] = []
    problems: list[Problem] = []
    claimed: set[str] = set()
    for path in paths:
        try:
            sources += _expand(path, 0, claimed)
        except BatchError as error:
            problems += error.problems
    if problems:
        raise BatchError(problems)
    sources = [s for s in sources if s.row is not None or _real(s.origin) not in claimed]
    if not sources:
        raise BatchError.single(
            "no storyboards found in " + ", ".join(str(p) for p in paths),
            hint="pass storyboard .yaml files, folders holding them, or a batch file",
        )
    return _unique(sources)


def _real(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


def _expand(path: Path, depth: int, claimed: set[str]) -> list[Source]:
    """The sources `path` names; adds the files batch files use as templates or rows to
    `claimed`."""
    if path.is_dir():
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix.lower() in STORYBOARD_SUFFIXES and not p.name.startswith(".")
        )
        return [s for file in files for s in _expand(file, depth, claimed)]
    if not path.is_file():
        raise BatchError.single(f"{path} not found", location=Location(str(path)))
    doc = _parse(path)
    if doc is None or not _is_batch(doc):
        return [Source(path.name, path, document=doc)]
    if depth > 0:
        raise BatchError.single(
            "a batch file cannot list another batch file", location=Location(str(path))
        )
    return _expand_batch(path, doc, claimed)


def _parse(path: Path) -> YamlDoc | None:
    """The parsed file; None when it does not parse."""
    try:
        return load_yaml_file(path)
    except MontageError:
        return None  # a storyboard, then: its own job reports the YAML error, located


def _is_batch(doc: YamlDoc) -> bool:
    return isinstance(doc.data, dict) and any(k in doc.data for k in _BATCH_KEYS)


def _expand_batch(path: Path, doc: YamlDoc, claimed: set[str]) -> list[Source]:
    try:
        spec = BatchFile.model_validate(doc.data)
    except ValidationError as exc:
        raise BatchError(problems_from(exc, Layered(doc.data, [doc]), BatchFile)) from None
    base = path.parent
    sources = [s for entry in spec.storyboards or [] for s in _expand(base / entry, 1, claimed)]
    if spec.template is None:
        _refuse_template_keys(spec, doc)
        return sources
    claimed.add(_real(base / spec.template))
    if isinstance(spec.rows, str):
        claimed.add(_real(base / spec.rows))
    return sources + _template_sources(spec, doc, base)


def _refuse_template_keys(spec: BatchFile, doc: YamlDoc) -> None:
    stray = [k for k in ("rows", "output") if getattr(spec, k) is not None]
    if stray:
        raise BatchError.single(
            f"`{stray[0]}` needs a `template`",
            location=doc.keys.get((stray[0],)),
            path=stray[0],
            hint="add `template: a storyboard with {{ field }} placeholders`",
        )


def _template_sources(spec: BatchFile, doc: YamlDoc, base: Path) -> list[Source]:
    missing = [k for k in ("rows", "output") if getattr(spec, k) is None]
    if missing:
        raise BatchError.single(
            f"a template batch needs `{missing[0]}`",
            location=doc.keys.get(("template",)),
            path=missing[0],
            hint="e.g. rows: clients.csv and output: out/{{ name }}.mp4",
        )
    if not str(spec.output).lower().endswith(OUTPUT_SUFFIXES):
        raise BatchError.single(
            f"{spec.output!r} is not an .mp4 file",
            location=doc.values.get(("output",)),
            path="output",
            hint="end the output pattern with .mp4, e.g. out/{{ name }}.mp4",
        )
    template_path = base / str(spec.template)
    if not template_path.is_file():
        raise BatchError.single(
            f"{spec.template!r} not found (looked in {template_path.parent})",
            location=doc.values.get(("template",)),
            path="template",
        )
    try:
        template = load_template_yaml(template_path)
    except StoryboardError as error:
        raise BatchError(error.problems) from None
    check_placeholders(template)
    rows = read_rows(spec.rows, base, doc)
    shown = _rows_name(spec.rows, base, doc)
    return [
        Source(f"{shown} row {row.number}", template_path, row, template, str(spec.output), base)
        for row in rows
    ]


def _rows_name(rows: Any, base: Path, doc: YamlDoc) -> str:
    return str(base / str(rows)) if isinstance(rows, str) else f"{doc.origin} rows"


def _unique(sources: list[Source]) -> list[Source]:
    """Drop a storyboard file named twice (a file and its folder, say)."""
    seen: set[str] = set()
    unique: list[Source] = []
    for source in sources:
        key = os.path.realpath(source.origin) if source.row is None else f"{id(source)}"
        if key not in seen:
            seen.add(key)
            unique.append(source)
    return unique
