"""Safe YAML loading that remembers where every value came from.

The loader composes PyYAML's node tree itself instead of constructing Python objects,
so it can (1) record a `Location` for every key and value, (2) refuse aliases (no alias
bombs), tags, duplicate keys, deep nesting and documents of more than `MAX_NODES` values
(PyYAML composes about 20,000 nodes a second, so a 2 MB list of a million short items
would otherwise take a minute), and (3) resolve scalars by YAML 1.2 rules: `1:30`,
`no` and `2023-02-30` stay text and are parsed by the model, where a bad value gets a
located error instead of silently turning into 90, False or a bare ValueError.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from montage.errors import Location, Problem, StoryboardError

PathKey = tuple[str | int, ...]
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 30_000  # 500 clips with every field set are about 14,000
MAX_NUMBER_DIGITS = 40

_INT = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_FLOAT = re.compile(
    r"^[-+]?((\.[0-9]+|(0|[1-9][0-9_]*)\.[0-9]*)([eE][-+]?[0-9]+)?|(0|[1-9][0-9_]*)[eE][-+]?[0-9]+)$"
)
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAG = "tag:montage,2026:plain"
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_ALLOWED_TAGS = {
    _STR_TAG: str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
}
_BOOL = {"true": True, "false": False}
_NULL = {"", "~", "null"}


@dataclass
class YamlDoc:
    """A parsed YAML document: plain data plus the location of every key and value."""

    data: Any
    values: dict[PathKey, Location] = field(default_factory=dict)
    keys: dict[PathKey, Location] = field(default_factory=dict)
    origin: str = ""


class _Composer(yaml.SafeLoader):
    """SafeLoader that refuses aliases and caps nesting while composing nodes.

    With no implicit resolvers every plain scalar is tagged `str`; `_resolve` applies
    the YAML 1.2 rules afterwards, and any other tag was written explicitly.
    """

    yaml_implicit_resolvers: dict = {}  # noqa: RUF012 - PyYAML's class-level registry

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """Tag untagged plain scalars specially, so an explicit `!!str` stays text."""
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN_TAG
        return str(super().resolve(kind, value, implicit))

    def __init__(self, stream: str, name: str) -> None:
        super().__init__(stream)
        self.name = name
        self.depth = 0
        self.nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise _located(
                "YAML aliases (*name) are not allowed",
                self.name,
                mark,
                "write the value out in full; aliases can expand without limit",
            )
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _located(
                f"more than {MAX_NODES:,} values",
                self.name,
                self.peek_event().start_mark,
                "a storyboard has at most 500 clips of a few settings each",
            )
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _located(
                f"nested deeper than {MAX_DEPTH} levels",
                self.name,
                self.peek_event().start_mark,
                "a storyboard is only a few levels deep",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _located(message: str, name: str, mark: Any, hint: str = "") -> StoryboardError:
    return StoryboardError.single(message, location=_location(name, mark), hint=hint)


def _location(name: str, mark: Any) -> Location:
    return Location(name, mark.line + 1, mark.column + 1)


def load_yaml_file(path: Path) -> YamlDoc:
    """Read and parse a YAML file, refusing oversized or non-UTF-8 input with a location.

    Only a regular file is read (a FIFO would block, a device never end), and never more
    than `MAX_FILE_BYTES`, whatever its size said.
    """
    name = str(path)
    try:
        # Non-blocking, so opening a FIFO returns at once; regular files ignore the flag.
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as file:
            info = _regular(file.fileno(), name)
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise StoryboardError.single(
            f"cannot read the file: {exc.strerror}", location=Location(name)
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        size = max(info.st_size, len(raw))
        raise StoryboardError.single(
            f"the file is {size / 1e6:.1f} MB; a storyboard is at most {MAX_FILE_BYTES >> 20} MB",
            location=Location(name),
            hint="is this really a storyboard?",
        )
    return parse_yaml(raw, name)


def _regular(fd: int, name: str) -> os.stat_result:
    """The stat of the open file `fd`; StoryboardError unless it is a regular file."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise StoryboardError.single(
            "not a regular file (a folder, device or pipe)",
            location=Location(name),
            hint="give the path of a .yaml file",
        )
    return info


def parse_yaml(raw: bytes | str, name: str) -> YamlDoc:
    """Parse YAML text into a `YamlDoc`; every failure is a located StoryboardError."""
    text = _decode(raw, name) if isinstance(raw, bytes) else raw
    loader: _Composer | None = None
    try:
        loader = _Composer(text, name)
        node = loader.get_single_node()
    except StoryboardError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        location = _location(name, mark) if mark else Location(name)
        raise StoryboardError.single(
            f"YAML syntax: {message}",
            location=location,
            hint="check indentation and quote text containing ': '",
        ) from None
    except yaml.reader.ReaderError as exc:
        raise StoryboardError.single(
            f"character #x{exc.character:04x} is not allowed in YAML",
            location=_offset_location(text, exc.position, name),
            hint="remove the control character",
        ) from None
    except yaml.YAMLError as exc:
        raise StoryboardError.single(f"YAML: {exc}", location=Location(name)) from None
    finally:
        if loader is not None:
            loader.dispose()
    doc = YamlDoc(data=None, origin=name)
    problems: list[Problem] = []
    if node is not None:
        doc.data = _convert(node, (), doc, problems)
    if problems:
        raise StoryboardError(problems)
    return doc


def _offset_location(text: str, offset: int, name: str) -> Location:
    line = text.count("\n", 0, offset) + 1
    return Location(name, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _decode(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise StoryboardError.single(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8",
            location=Location(name, line, column),
            hint="save the file as UTF-8",
        ) from None


def _convert(node: Any, path: PathKey, doc: YamlDoc, problems: list[Problem]) -> Any:
    doc.values[path] = _location(doc.origin, node.start_mark)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
        problems.append(
            Problem(
                f"YAML tag {node.tag!r} is not allowed",
                doc.values[path],
                format_path(path),
                "remove the tag",
            )
        )
        return None
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, path, doc, problems)
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, (*path, i), doc, problems) for i, item in enumerate(node.value)]
    return _convert_scalar(node, doc, problems)


def _convert_mapping(node: Any, path: PathKey, doc: YamlDoc, problems: list[Problem]) -> dict:
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        location = _location(doc.origin, key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem("a key must be plain text", location, _dotted(path)))
            continue
        key = key_node.value
        if key == "<<":
            problems.append(
                Problem(
                    "YAML merge keys (<<) are not allowed",
                    location,
                    _dotted(path),
                    "write the keys out in full",
                )
            )
            continue
        if key in result:
            problems.append(
                Problem(
                    f"duplicate key {key!r}",
                    location,
                    _dotted((*path, key)),
                    "YAML would silently keep only the last one; remove one",
                )
            )
            continue
        doc.keys[(*path, key)] = location
        result[key] = _convert(value_node, (*path, key), doc, problems)
    return result


def _convert_scalar(node: Any, doc: YamlDoc, problems: list[Problem]) -> Any:
    text: str = node.value
    if node.tag == _PLAIN_TAG:
        return _resolve(text)
    convert = _ALLOWED_TAGS.get(node.tag)
    if convert is None:
        problems.append(
            Problem(
                f"YAML tag {node.tag!r} is not allowed",
                _location(doc.origin, node.start_mark),
                hint="remove the tag",
            )
        )
        return text
    try:
        return convert(text)
    except ValueError:
        problems.append(
            Problem(
                f"{text!r} does not match its tag {node.tag!r}",
                _location(doc.origin, node.start_mark),
                hint="remove the tag",
            )
        )
        return text


class YamlInt(int):
    """An int that remembers how it was written, so `caption: 007` stays '007'."""

    text: str

    def __new__(cls, text: str) -> YamlInt:
        number = super().__new__(cls, text.replace("_", ""))
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text


class YamlFloat(float):
    """A float that remembers how it was written, so `caption: 1.50` stays '1.50'."""

    text: str

    def __new__(cls, text: str) -> YamlFloat:
        number = super().__new__(cls, text.replace("_", ""))
        number.text = text
        return number

    def __str__(self) -> str:
        return self.text


def _resolve(text: str) -> Any:
    """YAML 1.2 core-schema resolution, minus everything surprising."""
    lowered = text.lower()
    if lowered in _NULL:
        return None
    if lowered in _BOOL:
        return _BOOL[lowered]
    if len(text) > MAX_NUMBER_DIGITS:
        return text  # no real setting has 40 digits; int() of thousands is a DoS
    if _INT.match(text):
        return YamlInt(text)
    if _FLOAT.match(text):
        return YamlFloat(text)
    return text


def _dotted(path: PathKey) -> str:
    return format_path(path)


def format_path(path: PathKey) -> str:
    """Render a path like `clips[2].trim.end`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def scalar_from_text(text: str) -> Any:
    """Resolve a command-line value (`--set output.fps=25`) exactly as YAML would."""
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith("#"):
        return stripped  # a hashtag or colour, not a YAML comment
    return parse_yaml(text, "--set").data
