"""The located, safe YAML loader: YAML 1.2 scalars, and everything dangerous refused."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from montage.errors import Location, StoryboardError
from montage.storyboard.yamlio import (
    MAX_DEPTH,
    format_path,
    load_yaml_file,
    parse_yaml,
    scalar_from_text,
)

NAME = "sb.yaml"


def value_of(scalar: str) -> Any:
    """What `key: <scalar>` loads as."""
    return parse_yaml(f"key: {scalar}\n", NAME).data["key"]


def only_problem(text: str | bytes) -> tuple[Location | None, str]:
    """(location, message) of the single problem `text` raises."""
    with pytest.raises(StoryboardError) as caught:
        parse_yaml(text, NAME)
    problems = caught.value.problems
    assert len(problems) == 1, caught.value
    return problems[0].location, problems[0].message


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("1:30", "1:30"),  # YAML 1.1: 90
        ("no", "no"),  # YAML 1.1: False
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("0755", "0755"),  # YAML 1.1: 493 (octal); kept as written
        ("2023-02-30", "2023-02-30"),  # YAML 1.1: a bare ValueError
        ("1e3", 1000.0),
        (".5", 0.5),
        ("-.5e2", -50.0),
        ("42", 42),
        ("-7", -7),
        ("~", None),
        ("null", None),
        ("", None),
        ("true", True),
        ("false", False),
        ('"quoted"', "quoted"),
        ('"true"', "true"),
        ("'42'", "42"),
        ("'~'", "~"),
        (".inf", ".inf"),
        ("0x1F", "0x1F"),
    ],
)
def test_scalar_resolution(scalar: str, expected: Any) -> None:
    value = value_of(scalar)
    assert value == expected
    assert kind(value) == kind(expected)


def kind(value: Any) -> str:
    """bool, int, float, str or NoneType, ignoring subclasses that remember the text."""
    for base in (bool, int, float, str):
        if isinstance(value, base):
            return base.__name__
    return type(value).__name__


@pytest.mark.parametrize("written", ["1.50", "007", "1e3", "1_000", "+5", "0.10"])
def test_numbers_remember_how_they_were_written(written: str) -> None:
    assert str(value_of(written)) == written


def test_values_and_keys_are_located() -> None:
    doc = parse_yaml("clips:\n  - path: a.mp4\n    trim: {start: 1}\n", NAME)
    assert doc.keys[("clips", 0, "trim")] == Location(NAME, 3, 5)
    assert doc.values[("clips", 0, "trim", "start")] == Location(NAME, 3, 19)
    assert doc.values[("clips", 0)] == Location(NAME, 2, 5)


def test_alias_refused_at_its_use() -> None:
    location, message = only_problem("a: &x 1\nb: *x\n")
    assert location == Location(NAME, 2, 4)
    assert "aliases" in message


def test_alias_bomb_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    started = time.perf_counter()
    location, message = only_problem("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 1
    assert location == Location(NAME, 2, 10)
    assert "aliases" in message


def test_anchor_without_alias_is_harmless() -> None:
    assert parse_yaml("a: &x 1\n", NAME).data == {"a": 1}


def test_merge_key_refused() -> None:
    location, message = only_problem("base: {a: 1}\nitem:\n  <<: {a: 1}\n  b: 2\n")
    assert location == Location(NAME, 3, 3)
    assert "merge keys" in message


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object:os.system x",
        "!!binary aGk=",
        "!custom x",
        "!!timestamp 2023-01-01",
        "!!python/object/apply:os.system [ls]",
        "!!set {a: null}",
    ],
)
def test_tags_refused(tagged: str) -> None:
    location, message = only_problem(f"key: {tagged}\n")
    assert location == Location(NAME, 1, 6)
    assert "is not allowed" in message


def test_python_tags_never_construct_objects() -> None:
    text = "a: !!python/object/apply:builtins.exec ['raise SystemExit(99)']\n"
    try:
        data = parse_yaml(text, NAME).data
    except StoryboardError:
        return
    assert data == {"a": ["raise SystemExit(99)"]}


def test_str_tag_on_a_quoted_value_is_allowed() -> None:
    assert value_of("!!str '5'") == "5"


@pytest.mark.parametrize("scalar", ["true", "5", "~", "1:30"])
def test_explicit_str_tag_keeps_text(scalar: str) -> None:
    assert value_of(f"!!str {scalar}") == scalar


def test_int_tag_mismatch_located() -> None:
    location, message = only_problem("key: !!int abc\n")
    assert location == Location(NAME, 1, 6)
    assert "does not match its tag" in message


@pytest.mark.parametrize(
    "bomb",
    [
        "[" * 100_000,
        "{a: " * 20_000,
        "- " * 20_000 + "x",
        "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 200)),
    ],
    ids=["flow-seq", "flow-map", "block-seq", "block-map"],
)
def test_depth_bomb_refused_quickly(bomb: str) -> None:
    started = time.perf_counter()
    location, message = only_problem(bomb)
    assert time.perf_counter() - started < 3
    assert f"nested deeper than {MAX_DEPTH} levels" in message
    assert location is not None and location.line >= 1


def test_moderate_nesting_is_fine() -> None:
    text = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)
    assert parse_yaml(text, NAME).data is not None


def test_oversized_file_refused_without_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"# " + b"x" * (3 * 1024 * 1024) + b"\n")
    with pytest.raises(StoryboardError) as caught:
        load_yaml_file(path)
    problem = caught.value.problems[0]
    assert problem.location == Location(str(path))
    assert "3.1 MB" in problem.message
    assert "at most 2 MB" in problem.message


def test_missing_file_is_a_storyboard_error(tmp_path: Path) -> None:
    with pytest.raises(StoryboardError, match="cannot read the file"):
        load_yaml_file(tmp_path / "nope.yaml")


def test_bom_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfkey: value\n")
    assert load_yaml_file(path).data == {"key": "value"}


def test_non_utf8_located() -> None:
    location, message = only_problem(b"a: 1\nbb: caf\xe9\n")
    assert location == Location(NAME, 2, 8)
    assert "0xe9" in message


def test_duplicate_key_located_at_second() -> None:
    location, message = only_problem("a: 1\nb: 2\na: 3\n")
    assert location == Location(NAME, 3, 1)
    assert "duplicate key 'a'" in message


def test_duplicate_nested_key_path() -> None:
    with pytest.raises(StoryboardError) as caught:
        parse_yaml("x:\n  y: 1\n  y: 2\n", NAME)
    assert caught.value.problems[0].path == "x.y"


def test_all_document_problems_reported_together() -> None:
    with pytest.raises(StoryboardError) as caught:
        parse_yaml("a: 1\na: 2\nb: !!binary aGk=\n<<: {c: 1}\n", NAME)
    assert len(caught.value.problems) == 3


def test_non_scalar_key_refused() -> None:
    location, message = only_problem("? [1, 2]\n: x\n")
    assert location == Location(NAME, 1, 3)
    assert "plain text" in message


def test_second_document_refused() -> None:
    location, message = only_problem("a: 1\n---\nb: 2\n")
    assert location == Location(NAME, 2, 1)
    assert message.startswith("YAML syntax")


def test_syntax_error_located() -> None:
    location, message = only_problem("a: [1, 2\nb: 3\n")
    assert location is not None and location.line == 2
    assert message.startswith("YAML syntax")


def test_empty_document_is_none() -> None:
    assert parse_yaml("# only a comment\n", NAME).data is None


def test_format_path() -> None:
    assert format_path(("clips", 2, "trim", "end")) == "clips[2].trim.end"
    assert format_path(()) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("25", 25), ("no", "no"), ("1:30", "1:30"), ("", None), ("  ", None), ("0.5", 0.5)],
)
def test_scalar_from_text_matches_yaml(text: str, expected: Any) -> None:
    assert scalar_from_text(text) == expected


def test_control_character_refused() -> None:
    _, message = only_problem("a: 1\nb: x\x01\n")
    assert "#x0001" in message


def test_control_character_located() -> None:
    location, message = only_problem("a: 1\nb: x\x01\n")
    assert location == Location(NAME, 2, 5)
    assert "0x1" in message or "character" in message
