"""The typer application and its command registry."""

from __future__ import annotations

import typer

from montage.cli import (
    batch_cmd,
    doctor_cmd,
    init_cmd,
    presets_cmd,
    preview_cmd,
    render_cmd,
    schema_cmd,
    validate_cmd,
)

app = typer.Typer(
    name="montage",
    help="Turn a YAML storyboard of dated clips into a before/after progress montage.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("render")(render_cmd.render)
app.command("still")(render_cmd.still)
app.command("validate")(validate_cmd.validate)
app.command("schema")(schema_cmd.schema)
app.command("batch")(batch_cmd.batch)
app.command("init")(init_cmd.init)
app.command("preview")(preview_cmd.preview)
app.command("doctor")(doctor_cmd.doctor)
app.add_typer(presets_cmd.presets_app, name="presets")
