"""Turn pydantic's validation errors into located, human `Problem`s with hints."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from montage.errors import Problem
from montage.storyboard.layers import MISSING, Layered, step
from montage.storyboard.yamlio import PathKey, format_path

_QUOTED = re.compile(r"'([^']+)'")


def problems_from(error: ValidationError, merged: Layered, root: type[BaseModel]) -> list[Problem]:
    """One Problem per pydantic error, located in the layer that wrote the value."""
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for item in error.errors(include_url=False):
        path = _real_path(item["loc"], merged.data, item["type"])
        problem = _problem(item, path, merged, root)
        if (problem.path, problem.message) not in seen:
            seen.add((problem.path, problem.message))
            problems.append(problem)
    return problems


def _problem(item: Any, path: PathKey, merged: Layered, root: type[BaseModel]) -> Problem:
    kind = item["type"]
    message = _message(item)
    hint = ""
    if kind == "extra_forbidden":
        hint = _suggest_key(root, path)
    elif kind == "missing":
        hint = f"add `{path[-1]}:`" if path else ""
    elif kind == "literal_error":
        hint = _suggest_value(item)
    elif kind == "string_type":
        hint = "put the text in quotes"
    elif kind == "too_short" and path == ("clips",):
        hint = "add at least one clip with a `path:`"
    elif kind in _RANGE_KINDS:
        hint = _range_hint(root, path)
    location = merged.locate(path, key=kind == "extra_forbidden")
    return Problem(message, location, format_path(path), hint)


def _message(item: Any) -> str:
    kind, message = item["type"], item["msg"]
    if kind == "extra_forbidden":
        return f"unknown key {item['loc'][-1]!r}"
    if kind == "missing":
        return "this field is required"
    return re.sub(r"^(Value error|Assertion failed), ", "", message)


def _real_path(loc: tuple[Any, ...], data: Any, kind: str) -> PathKey:
    """Drop pydantic's type tags (e.g. `function-after[...]`) and stop where data ends."""
    path: list[str | int] = []
    for part in loc:
        child = step(data, part)
        if child is MISSING:
            if kind == "missing" and isinstance(part, str) and isinstance(data, dict):
                path.append(part)
            break
        data = child
        path.append(part)
    return tuple(path)


def _suggest_key(root: type[BaseModel], path: PathKey) -> str:
    model = model_at(root, path[:-1])
    if model is None:
        return "remove it"
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1, cutoff=0.6)
    if close:
        return f"did you mean {close[0]!r}?"
    return "remove it; allowed here: " + ", ".join(allowed)


_RANGE_KINDS = frozenset({"less_than_equal", "less_than", "greater_than_equal", "greater_than"})


def _range_hint(root: type[BaseModel], path: PathKey) -> str:
    """`use a value from 0.1 to 10`: both bounds of the field, where the model has them."""
    model = model_at(root, path[:-1]) if path else None
    field = model.model_fields.get(str(path[-1])) if model else None
    if field is None:
        return ""
    bounds: dict[str, Any] = {}
    for rule in field.metadata:
        for name in ("ge", "gt", "le", "lt"):
            if getattr(rule, name, None) is not None:
                bounds[name] = getattr(rule, name)
    low = bounds.get("ge", bounds.get("gt"))
    high = bounds.get("le", bounds.get("lt"))
    if low is not None and high is not None:
        return f"use a value from {low:g} to {high:g}"
    if high is not None:
        return f"use a value of at most {high:g}"
    return f"use a value of at least {low:g}" if low is not None else ""


def _suggest_value(item: Any) -> str:
    options = _QUOTED.findall(item.get("ctx", {}).get("expected", ""))
    close = difflib.get_close_matches(str(item.get("input")), options, n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else ""


def model_at(root: type[BaseModel], path: PathKey) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at `path`, if any."""
    model: type[BaseModel] | None = root
    for part in path:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        model = _model_in(model.model_fields[part].annotation)
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list, typing.Annotated):
        for arg in typing.get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None
