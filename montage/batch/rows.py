"""The rows of a template batch: one montage per row, read from CSV, YAML or JSON.

Every row remembers where it was written (`rows.csv:7 (row 6)`), so a problem with a
value that came from a row is reported at that row, not in the template.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from montage.errors import Location, MontageError, Problem
from montage.storyboard.yamlio import PathKey, YamlDoc, format_path, load_yaml_file

ROW_SUFFIXES = (".csv", ".yaml", ".yml", ".json")


class BatchError(MontageError):
    """The batch itself is invalid (a batch file, its rows, colliding outputs): nothing runs."""


@dataclass(frozen=True)
class RowLocation(Location):
    """A place in a rows file that also names the data row: `rows.csv:7 (row 6)`."""

    row: int = 0

    def __str__(self) -> str:
        return f"{super().__str__()} (row {self.row})"


@dataclass(frozen=True)
class Row:
    """One row of values. `cells` locates each field where the format allows (YAML, JSON)."""

    number: int
    values: dict[str, Any]
    where: RowLocation
    cells: dict[str, RowLocation] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    def locate(self, name: str) -> RowLocation:
        """Where field `name` of this row was written (the row itself for CSV)."""
        return self.cells.get(name, self.where)


def read_rows(spec: Any, base: Path, batch: YamlDoc) -> list[Row]:
    """The rows a batch file's `rows:` names: a file (CSV/YAML/JSON) or an inline list."""
    if isinstance(spec, list):
        return _mapping_rows(spec, batch, ("rows",))
    path = base / str(spec)
    shown = str(path)
    if path.suffix.lower() not in ROW_SUFFIXES:
        raise BatchError.single(
            f"{spec!r}: rows must be a .csv, .yaml or .json file",
            location=batch.values.get(("rows",)),
            path="rows",
        )
    if not path.is_file():
        raise BatchError.single(
            f"{spec!r} not found (looked in {path.parent})",
            location=batch.values.get(("rows",)),
            path="rows",
        )
    if path.suffix.lower() == ".csv":
        return _csv_rows(path, shown)
    doc = _load_rows_doc(path)
    if not isinstance(doc.data, list):
        raise BatchError.single(
            "rows must be a list of mappings, one per montage",
            location=doc.values.get(()) or Location(shown),
            hint="write `- {name: Ana, clip: ana.mp4}` per row",
        )
    return _mapping_rows(doc.data, doc, ())


def _load_rows_doc(path: Path) -> YamlDoc:
    # JSON is YAML 1.2 flow syntax, so one located parser serves both formats.
    try:
        return load_yaml_file(path)
    except MontageError as error:
        raise BatchError(error.problems) from None


def _mapping_rows(items: list[Any], doc: YamlDoc, at: PathKey) -> list[Row]:
    rows: list[Row] = []
    for index, item in enumerate(items):
        number = index + 1
        where = _row_location(doc, (*at, index), number)
        if not isinstance(item, dict):
            problem = Problem("a row must be a mapping of field: value", where)
            rows.append(Row(number, {}, where, problems=(problem,)))
            continue
        cells = {str(k): _row_location(doc, (*at, index, k), number) for k in item}
        problems = tuple(
            Problem(
                f"field {k!r} must be text or a number, not a {type(v).__name__}",
                cells[str(k)],
                format_path((*at, index, k)),
                "row values are inserted as data; write one value per field",
            )
            for k, v in item.items()
            if isinstance(v, (dict, list))
        )
        rows.append(Row(number, {str(k): v for k, v in item.items()}, where, cells, problems))
    return rows


def _row_location(doc: YamlDoc, key: PathKey, number: int) -> RowLocation:
    found = doc.values.get(key) or Location(doc.origin)
    return RowLocation(found.file, found.line, found.column, number)


def _csv_rows(path: Path, shown: str) -> list[Row]:
    text = _read_text(path, shown)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    rows: list[Row] = []
    next_line = 1
    for record in reader:
        line, next_line = next_line, reader.line_num + 1  # a quoted cell may span lines
        if not any(cell.strip() for cell in record):
            continue  # blank lines are not rows
        if header is None:
            header = _header(record, Location(shown, line))
            continue
        where = RowLocation(shown, line, 0, len(rows) + 1)
        problems: tuple[Problem, ...] = ()
        if len(record) > len(header):
            problems = (
                Problem(
                    f"{len(record)} cells but the header names {len(header)} columns",
                    where,
                    hint="quote cells that contain commas",
                ),
            )
        values = dict(zip(header, record, strict=False))  # short rows leave fields unset
        rows.append(Row(where.row, values, where, problems=problems))
    return rows


def _read_text(path: Path, shown: str) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")  # spreadsheets write a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BatchError.single(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8",
            location=Location(shown, line),
            hint="export the spreadsheet as CSV UTF-8",
        ) from None


def _header(record: list[str], where: Location) -> list[str]:
    names = [cell.strip() for cell in record]
    problems = [
        Problem(f"column {i + 1} has no name", where, hint="give every column a header")
        for i, name in enumerate(names)
        if not name
    ]
    problems += [
        Problem(f"column {name!r} appears twice", where, hint="rename one of them")
        for i, name in enumerate(names)
        if name and name in names[:i]
    ]
    if problems:
        raise BatchError(problems)
    return names
