"""Presets: bundled ones validate, `extends` chains, layering precedence, user folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from montage.cli import app
from montage.errors import Location, StoryboardError
from montage.presets import list_presets, preset_layers, resolve_settings, search_path
from montage.resources import presets_dir
from montage.storyboard.load import LoadedStoryboard, load_storyboard

pytestmark = pytest.mark.usefixtures("no_user_presets")

BUILTIN_NAMES = sorted(p.stem for p in presets_dir().glob("*.yaml"))
CLIP = "clips:\n  - path: a.mp4\n"


def write_preset(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def load_with(
    write_board: Any, text: str, presets: Path | None = None, overrides: tuple[str, ...] = ()
) -> LoadedStoryboard:
    dirs = (presets,) if presets is not None else ()
    return load_storyboard(write_board(text), overrides=overrides, presets_dirs=dirs)


def dig(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        data = getattr(data, part)
    return data


def test_bundled_presets_are_the_documented_ones() -> None:
    assert BUILTIN_NAMES == [
        "bold",
        "landscape",
        "minimal",
        "portrait",
        "reel",
        "square",
        "story",
    ]


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_bundled_preset_resolves(name: str) -> None:
    settings = resolve_settings([name], search_path())
    assert settings.output.width % 2 == 0
    assert settings.output.height % 2 == 0


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_bundled_preset_validates_in_a_storyboard(name: str, write_board: Any) -> None:
    loaded = load_with(write_board, f"preset: {name}\n" + CLIP)
    assert loaded.storyboard.preset == [name]


def test_listing_describes_every_bundled_preset() -> None:
    found = list_presets(search_path())
    assert [p.name for p in found] == BUILTIN_NAMES
    assert all(p.builtin and p.description for p in found)


def test_story_extends_reel() -> None:
    layers = preset_layers(["story"], search_path())
    assert [Path(doc.origin).stem for doc in layers] == ["reel", "story"]
    settings = resolve_settings(["story"], search_path())
    assert (settings.output.width, settings.output.height) == (1080, 1920)
    assert settings.safe_zone.bottom == 0.20  # story's own
    assert settings.style.fit == "blur"  # inherited from reel


def test_extends_chain_of_user_presets(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    write_preset(folder, "base", "output: {fps: 24, crf: 18}\n")
    write_preset(folder, "middle", "extends: base\noutput: {fps: 25}\n")
    write_preset(folder, "top", "extends: [middle]\noutput: {crf: 23}\n")
    settings = resolve_settings(["top"], search_path((folder,)))
    assert (settings.output.fps, settings.output.crf) == (25, 23)


def test_later_preset_wins() -> None:
    first = resolve_settings(["landscape", "portrait"], search_path())
    second = resolve_settings(["portrait", "landscape"], search_path())
    assert (first.output.width, first.output.height) == (1080, 1350)
    assert (second.output.width, second.output.height) == (1920, 1080)


# --- precedence: defaults < preset < storyboard < --set ---------------------------------

LAYER_VALUES: dict[str, dict[str, Any]] = {
    # field: {layer: value}; "defaults" is the built-in value
    "output.fps": {"defaults": 30, "preset": 24, "storyboard": 25, "set": 50},
    "style.caption.size": {"defaults": 64, "preset": 50, "storyboard": 60, "set": 70},
    "safe_zone.bottom": {"defaults": 0.35, "preset": 0.3, "storyboard": 0.25, "set": 0.2},
    "transition.kind": {
        "defaults": "crossfade",
        "preset": "slide",
        "storyboard": "cut",
        "set": "fade_black",
    },
}
LAYER_ORDER = ("defaults", "preset", "storyboard", "set")
COMBINATIONS = [
    ((), "defaults"),
    (("preset",), "preset"),
    (("storyboard",), "storyboard"),
    (("set",), "set"),
    (("preset", "storyboard"), "storyboard"),
    (("preset", "set"), "set"),
    (("storyboard", "set"), "set"),
    (("preset", "storyboard", "set"), "set"),
]
PRECEDENCE = [
    pytest.param(field, used, winner, id=f"{field}-{'+'.join(used) or 'defaults'}")
    for field in LAYER_VALUES
    for used, winner in COMBINATIONS
]


def nested_yaml(dotted: str, value: Any) -> str:
    """`a.b.c` = v as block YAML."""
    parts = dotted.split(".")
    lines = [f"{'  ' * depth}{part}:" for depth, part in enumerate(parts[:-1])]
    lines.append(f"{'  ' * (len(parts) - 1)}{parts[-1]}: {json.dumps(value)}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("field", "used", "winner"), PRECEDENCE)
def test_layer_precedence(
    field: str, used: tuple[str, ...], winner: str, tmp_path: Path, write_board: Any
) -> None:
    values = LAYER_VALUES[field]
    folder = tmp_path / "p"
    preset_file = write_preset(folder, "layer", nested_yaml(field, values["preset"]))
    text = "preset: layer\n" if "preset" in used else ""
    text += CLIP
    if "storyboard" in used:
        text += nested_yaml(field, values["storyboard"])
    overrides = (f"{field}={values['set']}",) if "set" in used else ()

    board = write_board(text)
    loaded = load_storyboard(board, overrides=overrides, presets_dirs=(folder,))

    assert winner == max(("defaults", *used), key=LAYER_ORDER.index)
    assert dig(loaded.storyboard, field) == values[winner]
    if winner != "defaults":  # a default is located at the nearest value a file wrote
        origin = loaded.merged.locate(tuple(field.split(".")))
        expected_origin = {
            "preset": str(preset_file),
            "storyboard": str(board),
            "set": f"--set {field}={values['set']}",
        }[winner]
        assert origin is not None and origin.file == expected_origin


# --- how layers merge --------------------------------------------------------------------


def test_mappings_merge_key_by_key(write_board: Any) -> None:
    text = "preset: bold\n" + CLIP + "style:\n  caption:\n    size: 50\n"
    caption = load_with(write_board, text).storyboard.style.caption
    assert caption.size == 50  # storyboard
    assert caption.box == "#FFC83DFF"  # bold's yellow box survives
    assert caption.color == "#111111FF"  # bold
    assert caption.box_radius == 22  # bold
    assert caption.line_spacing == 1.2  # built-in default


def test_lists_replace(tmp_path: Path, write_board: Any) -> None:
    folder = tmp_path / "p"
    write_preset(folder, "tags", "overlays:\n  hashtags: ['#a', '#b']\n")
    inherited = load_with(write_board, "preset: tags\n" + CLIP, folder)
    assert inherited.storyboard.overlays.hashtags == ["#a", "#b"]
    text = "preset: tags\n" + CLIP + "overlays:\n  hashtags: ['#c']\n"
    replaced = load_with(write_board, text, folder)
    assert replaced.storyboard.overlays.hashtags == ["#c"]


def test_set_replaces_a_whole_list(write_board: Any) -> None:
    text = CLIP + "overlays:\n  hashtags: ['#a', '#b']\n"
    loaded = load_with(write_board, text, overrides=("overlays.hashtags=['#c', '#d']",))
    assert loaded.storyboard.overlays.hashtags == ["#c", "#d"]


def test_set_value_starting_with_hash_is_text(write_board: Any) -> None:
    """Not a YAML comment: `--set title=#1` once silently dropped the title."""
    overrides = ("title=#1 comeback", "overlays.hashtags=#c #d", "background=#112233")
    board = load_with(write_board, CLIP, overrides=overrides).storyboard
    assert board.title == "#1 comeback"
    assert board.overlays.hashtags == ["#c", "#d"]
    assert board.background == "#112233FF"


# --- where presets are found -------------------------------------------------------------


def test_user_presets_dir_from_env(
    tmp_path: Path, write_board: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "user-presets"
    write_preset(folder, "mine", "description: my own\noutput: {fps: 24}\n")
    monkeypatch.setenv("MONTAGE_PRESETS_DIR", str(folder))
    loaded = load_with(write_board, "preset: mine\n" + CLIP)
    assert loaded.storyboard.output.fps == 24
    listed = {p.name: p for p in list_presets(search_path())}
    assert listed["mine"].description == "my own"
    assert not listed["mine"].builtin
    assert listed["reel"].builtin


def test_presets_dir_overrides_builtin_name(tmp_path: Path, write_board: Any) -> None:
    folder = tmp_path / "p"
    write_preset(folder, "reel", "description: my reel\noutput: {fps: 24}\n")
    assert load_with(write_board, "preset: reel\n" + CLIP, folder).storyboard.output.fps == 24
    assert load_with(write_board, "preset: reel\n" + CLIP).storyboard.output.fps == 30
    listed = {p.name: p for p in list_presets(search_path((folder,)))}
    assert listed["reel"].description == "my reel"
    assert not listed["reel"].builtin


def test_presets_folder_beside_storyboard(board_dir: Path, write_board: Any) -> None:
    write_preset(board_dir / "presets", "local", "output: {fps: 60}\n")
    assert load_with(write_board, "preset: local\n" + CLIP).storyboard.output.fps == 60


def test_extends_loop_detected(tmp_path: Path, write_board: Any) -> None:
    folder = tmp_path / "p"
    write_preset(folder, "loop1", "extends: loop2\n")
    loop2 = write_preset(folder, "loop2", "extends: [loop1]\n")
    with pytest.raises(StoryboardError) as caught:
        load_with(write_board, "preset: loop1\n" + CLIP, folder)
    (problem,) = caught.value.problems
    assert "extends itself: loop1 > loop2" in problem.message
    assert problem.location == Location(str(loop2), 1, 10)


def test_preset_extending_itself(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    write_preset(folder, "me", "extends: me\n")
    with pytest.raises(StoryboardError, match="extends itself"):
        resolve_settings(["me"], search_path((folder,)))


def test_preset_with_clips_refused_with_location(tmp_path: Path, write_board: Any) -> None:
    folder = tmp_path / "p"
    bad = write_preset(folder, "bad", "description: x\nstyle: {fit: cover}\nclips: []\n")
    with pytest.raises(StoryboardError) as caught:
        load_with(write_board, "preset: bad\n" + CLIP, folder)
    (problem,) = caught.value.problems
    assert problem.location == Location(str(bad), 3, 1)
    assert problem.path == "clips"
    assert "a preset cannot set 'clips'" in problem.message


def test_unknown_parent_located_at_extends(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    child = write_preset(folder, "child", "extends: nope\n")
    with pytest.raises(StoryboardError) as caught:
        resolve_settings(["child"], search_path((folder,)))
    (problem,) = caught.value.problems
    assert problem.location == Location(str(child), 1, 10)
    assert "no preset named 'nope'" in problem.message


@pytest.mark.parametrize("name", ["../reel", "sub/reel", ".hidden", ""])
def test_preset_name_must_be_a_plain_name(name: str) -> None:
    with pytest.raises(StoryboardError, match="is not a preset name"):
        resolve_settings([name], search_path())


def test_invalid_preset_file_listed_as_invalid(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    write_preset(folder, "broken", "a: [\n")
    listed = {p.name: p for p in list_presets(search_path((folder,)))}
    assert listed["broken"].description == "(invalid)"


def test_empty_preset_is_allowed(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    write_preset(folder, "empty", "# nothing yet\n")
    assert resolve_settings(["empty"], search_path((folder,))).output.fps == 30


# --- `montage presets` -------------------------------------------------------------------


def test_cli_presets_list() -> None:
    result = CliRunner().invoke(app, ["presets", "list"])
    assert result.exit_code == 0
    names = [line.split()[0] for line in result.stdout.splitlines() if line.strip()]
    assert names == BUILTIN_NAMES


def test_cli_presets_list_json(tmp_path: Path) -> None:
    write_preset(tmp_path / "p", "mine", "description: mine\n")
    result = CliRunner().invoke(
        app, ["presets", "list", "--json", "--presets-dir", str(tmp_path / "p")]
    )
    assert result.exit_code == 0
    listed = {p["name"]: p for p in json.loads(result.stdout)}
    assert listed["mine"] == {
        "name": "mine",
        "path": str(tmp_path / "p" / "mine.yaml"),
        "description": "mine",
        "builtin": False,
    }
    assert listed["reel"]["builtin"] is True


def test_cli_presets_show_layers_in_order() -> None:
    result = CliRunner().invoke(app, ["presets", "show", "reel", "bold", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["output"]["width"] == 1080  # reel
    assert data["style"]["caption"]["size"] == 72  # bold
    assert data["transition"]["kind"] == "slide"  # bold


def test_cli_presets_show_unknown_exits_3() -> None:
    result = CliRunner().invoke(app, ["presets", "show", "nope"])
    assert result.exit_code == 3
    assert "no preset named 'nope'" in result.stderr
    assert "available: bold" in result.stderr
