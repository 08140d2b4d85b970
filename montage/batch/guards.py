"""Catch two template mistakes with a message that names them.

- A placeholder written without quotes (`path: {{ clip }}`) is a YAML flow mapping
  whose key is another mapping; the loader only knows "a key must be plain text".
- A storyboard with placeholders that is rendered as it is (not named as a batch file's
  `template:`) would show `{{ name }}` as literal text in the video.
"""

from __future__ import annotations

import re
from pathlib import Path

from montage.errors import Location, Problem, StoryboardError
from montage.storyboard.placeholders import TEMPLATE_HINT, refuse_placeholders
from montage.storyboard.yamlio import MAX_FILE_BYTES, YamlDoc, load_yaml_file

# A value that starts with a placeholder: after `key:`, `-`, `[`, `{` or `,`, then spaces.
_UNQUOTED = re.compile(r"(?:^|[:\-\[,{])[ \t]*(\{\{[^{}\n]*\}\}[^\s,\]}#]*)")
_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # the breaks PyYAML counts
QUOTE_IT = 'write "{value}" in quotes: unquoted, YAML reads {{{{ }}}} as a mapping'


def load_template_yaml(path: Path) -> YamlDoc:
    """Parse a template; a problem caused by an unquoted placeholder says so, located."""
    try:
        return load_yaml_file(path)
    except StoryboardError as error:
        raise StoryboardError(explain_unquoted(error, path)) from None


def refuse_template(path: Path, doc: YamlDoc | None) -> None:
    """Raise a located StoryboardError if the storyboard at `path` has placeholders.

    `doc` is the file as parsed, None when it did not parse: then the file is parsed
    again to see whether an unquoted placeholder broke it. Other YAML errors are left
    to the storyboard's loader, which reports them.
    """
    if doc is None:
        _refuse_unquoted(path)
        return
    refuse_placeholders(doc)


def _refuse_unquoted(path: Path) -> None:
    try:
        load_yaml_file(path)
    except StoryboardError as error:
        unquoted = _unquoted_values(error, path)
        if unquoted:
            where, key, value = unquoted[0]
            raise StoryboardError.single(
                f"this looks like a template: {value} is a placeholder",
                location=where,
                path=key,
                hint=f"{TEMPLATE_HINT}, and {QUOTE_IT.format(value=value)}",
            ) from None


def explain_unquoted(error: StoryboardError, path: Path) -> list[Problem]:
    """`error`'s problems, those on a line of `path` with an unquoted placeholder replaced
    by one problem per line that says to quote it."""
    unquoted = {
        where.line: (where, key, value) for where, key, value in _unquoted_values(error, path)
    }
    problems: list[Problem] = []
    done: set[int] = set()
    for problem in error.problems:
        where = problem.location
        line = where.line if where is not None and where.file == str(path) else 0
        if line not in unquoted:
            problems.append(problem)
        elif line not in done:
            done.add(line)
            at, key, value = unquoted[line]
            problems.append(Problem(QUOTE_IT.format(value=value), at, key))
    return problems


def _unquoted_values(error: StoryboardError, path: Path) -> list[tuple[Location, str, str]]:
    """(where, field path, placeholder as written) for each line an error points at."""
    located = [p for p in error.problems if p.location and p.location.file == str(path)]
    lines = _lines(path) if any(p.location and p.location.line for p in located) else []
    found: dict[int, tuple[Location, str, str]] = {}
    for problem in located:
        line = problem.location.line if problem.location else 0
        match = _unquoted(lines[line - 1]) if 0 < line <= len(lines) else None
        if match is not None and line not in found:
            where = Location(str(path), line, match.start(1) + 1)
            found[line] = (where, problem.path, match.group(1))
    return list(found.values())


def _unquoted(line: str) -> re.Match[str] | None:
    """The first placeholder that starts a value outside quotes on `line`."""
    for match in _UNQUOTED.finditer(line):
        before = line[: match.start(1)]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            return match
    return None


def _lines(path: Path) -> list[str]:
    # Read again only to explain an error; the loader already refused FIFOs and devices.
    if not path.is_file():
        return []
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES)
    except OSError:
        return []
    return _LINE_BREAK.split(raw.decode("utf-8-sig", errors="replace"))
