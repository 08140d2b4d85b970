"""`montage schema`: a draft-07 JSON schema that yaml-language-server can use."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from montage.cli import app
from montage.storyboard.yamlio import load_yaml_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "recovery" / "recovery.yaml"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair in a JSON document, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def resolve_pointer(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def allows_type(node: dict[str, Any], kind: str, document: dict[str, Any]) -> bool:
    """Whether a schema node accepts JSON values of `kind` (following refs and anyOf)."""
    if "$ref" in node:
        return allows_type(resolve_pointer(document, node["$ref"]), kind, document)
    branches = node.get("anyOf", []) + node.get("oneOf", [])
    if branches:
        return any(allows_type(branch, kind, document) for branch in branches)
    declared = node.get("type")
    return declared is None or kind == declared or kind in (declared or [])


def test_draft_07(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == DRAFT_07
    assert schema["type"] == "object"
    assert "clips" in schema["properties"]
    assert schema["required"] == ["clips"]


def test_uses_definitions_only(schema: dict[str, Any]) -> None:
    assert schema["definitions"]
    keys = {key for key, _ in walk(schema)}
    assert "$defs" not in keys
    assert "prefixItems" not in keys
    assert "$defs" not in json.dumps(schema)


def test_every_ref_resolves(schema: dict[str, Any]) -> None:
    refs = [value for key, value in walk(schema) if key == "$ref"]
    assert refs
    for ref in refs:
        assert ref.startswith("#/definitions/"), ref
        assert isinstance(resolve_pointer(schema, ref), dict)


def test_every_definition_is_used(schema: dict[str, Any]) -> None:
    used = {value.rsplit("/", 1)[-1] for key, value in walk(schema) if key == "$ref"}
    assert used == set(schema["definitions"])


def test_unknown_keys_flagged_by_editors(schema: dict[str, Any]) -> None:
    assert schema["additionalProperties"] is False
    for name, definition in schema["definitions"].items():
        if definition.get("type") == "object":
            assert definition.get("additionalProperties") is False, name


def test_user_friendly_value_forms_allowed(schema: dict[str, Any]) -> None:
    clip = schema["definitions"]["Clip"]["properties"]
    assert allows_type(clip["duration"], "string", schema)  # "2.5s", "1:02.5"
    assert allows_type(clip["duration"], "number", schema)
    assert allows_type(clip["date"], "string", schema)


def test_preset_may_be_a_single_name(schema: dict[str, Any]) -> None:
    assert allows_type(schema["properties"]["preset"], "string", schema)


def test_hashtags_may_be_one_string(schema: dict[str, Any]) -> None:
    hashtags = schema["definitions"]["Overlays"]["properties"]["hashtags"]
    assert allows_type(hashtags, "string", schema)


def test_style_text_elements_are_optional(schema: dict[str, Any]) -> None:
    assert not schema["definitions"]["Style"].get("required")


def test_schema_written_to_file(tmp_path: Path, schema: dict[str, Any]) -> None:
    target = tmp_path / "storyboard.schema.json"
    result = CliRunner().invoke(app, ["schema", "-o", str(target)])
    assert result.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == schema
    assert result.stdout == ""


def test_example_validates_against_schema(schema: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    data = load_yaml_file(EXAMPLE).data  # dates stay text, as an editor sees them
    jsonschema.Draft7Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]
    assert errors == []


def test_jsonschema_accepts_valid_and_flags_unknown_keys(schema: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft7Validator(schema)
    good = {"preset": ["reel"], "clips": [{"path": "a.mp4", "trim": {"start": "0:01.5"}}]}
    assert list(validator.iter_errors(good)) == []
    bad = {"clips": [{"path": "a.mp4", "captoin": "x"}]}
    assert [list(e.path) for e in validator.iter_errors(bad)] == [["clips", 0]]


def test_the_committed_schema_is_current(schema: dict[str, Any]) -> None:
    """The example's `$schema` modeline points at this file; regenerate it with
    `montage schema -o storyboard.schema.json` after changing the model."""
    committed = json.loads((ROOT / "storyboard.schema.json").read_text(encoding="utf-8"))
    assert committed == schema
    modeline = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../../storyboard.schema.json"
