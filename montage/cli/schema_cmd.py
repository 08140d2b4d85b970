"""`montage schema`: a JSON schema of the storyboard for editor completion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from montage.storyboard.model import Storyboard

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


def storyboard_schema() -> dict[str, Any]:
    """The storyboard's schema in draft-07 terms, as yaml-language-server expects."""
    raw = Storyboard.model_json_schema(mode="validation")
    text = json.dumps(raw).replace('"#/$defs/', '"#/definitions/')
    schema = json.loads(text)
    schema["definitions"] = schema.pop("$defs", {})
    return {"$schema": DRAFT_07, "title": "montage storyboard", **schema}


def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file, not stdout.")
    ] = None,
) -> None:
    """Print (or write) the JSON schema of storyboards for yaml-language-server."""
    text = json.dumps(storyboard_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
