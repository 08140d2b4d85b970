"""`make bench`: montage's render against one hand-written ffmpeg filtergraph.

Both render the same reel storyboard (6 mixed clips, and the same doubled to 12 for the
linearity check) with the same crf and x264 preset. For each we measure the wall time of
the whole process, the peak RSS of its whole process tree (sampled every 50 ms) and the
kernel's max RSS of its largest process (wait4 rusage), then check both outputs and save
a mid frame of each for a look. Results: a table on stdout and bench/out/results.json.

    python bench/bench_render.py              # the benchmark (5-10 minutes on 2 cores)
    python bench/bench_render.py --times 2    # each render twice, alternating; best counts
    python bench/bench_render.py --quick      # 6 clips only, no linearity check
    python bench/bench_render.py --profile    # cProfile of montage's render, top 15
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import clips
import filtergraph
from PIL import Image

from montage.media.ffmpeg import ffmpeg_exe, input_args, run_ffmpeg
from montage.media.probe import probe
from montage.pipeline import load, plan_loaded, render_file
from montage.timeline import Timeline

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SAMPLE_SECONDS = 0.05
TARGET_RATIO, TARGET_RSS_MB = 1.1, 600


@dataclass(frozen=True)
class Measured:
    """One process run: wall time, memory (bytes) and what it printed."""

    wall_seconds: float
    cpu_seconds: float  # user + sys of the process and every child it waited for
    peak_tree_rss: int
    peak_tree_pss: int
    peak_by_role: dict[str, int]
    max_process_rss: int
    stdout: str


@dataclass(frozen=True)
class Run:
    """A renderer on one storyboard: best wall time of the repeats, worst memory, checks."""

    wall_seconds: float
    all_wall_seconds: list[float]
    cpu_seconds: float
    peak_tree_rss_mb: float
    peak_tree_pss_mb: float
    peak_by_role_mb: dict[str, float]
    max_process_rss_mb: float
    output: str
    checks: dict[str, object]
    inner_seconds: float | None = None  # montage: render_file's own timing
    prep_seconds: float | None = None  # filtergraph: probing and text sprites, untimed


def summarise(
    runs: list[Measured], output: Path, checks: dict[str, object], **extra: float | None
) -> Run:
    """Fold repeated measurements: the fastest wall time, the largest memory."""
    worst = max(runs, key=lambda r: r.peak_tree_rss)
    return Run(
        wall_seconds=min(r.wall_seconds for r in runs),
        all_wall_seconds=[round(r.wall_seconds, 2) for r in runs],
        cpu_seconds=min(r.cpu_seconds for r in runs),
        peak_tree_rss_mb=worst.peak_tree_rss / 2**20,
        peak_tree_pss_mb=max(r.peak_tree_pss for r in runs) / 2**20,
        peak_by_role_mb={k: round(v / 2**20) for k, v in worst.peak_by_role.items()},
        max_process_rss_mb=max(r.max_process_rss for r in runs) / 2**20,
        output=str(output),
        checks=checks,
        **extra,  # type: ignore[arg-type]
    )


# --- measuring a process tree ------------------------------------------------------


def tree_snapshot(root: int) -> tuple[dict[str, int], int]:
    """RSS bytes of `root` and all its descendants summed per role (see `_role`), and
    their summed PSS (shared pages such as the ffmpeg binary's counted once overall)."""
    try:
        import psutil  # optional: not a dependency of montage
    except ImportError:
        pids = _descendants(root)
    else:
        try:
            pids = [root, *(p.pid for p in psutil.Process(root).children(recursive=True))]
        except psutil.Error:
            return {}, 0
    roles: dict[str, int] = {}
    for pid in pids:
        role = _role(pid)
        roles[role] = roles.get(role, 0) + _kb_field(f"/proc/{pid}/status", "VmRSS")
    return roles, sum(_kb_field(f"/proc/{pid}/smaps_rollup", "Pss") for pid in pids)


def _descendants(root: int) -> list[int]:
    """`root` and every process below it, from the ppid fields in /proc/<pid>/stat."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _role(pid: int) -> str:
    """'python', 'ffmpeg encoder' (reads frames from stdin), 'ffmpeg decoder' (to a pipe)..."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "gone"
    name = Path(args[0].decode(errors="replace")).name
    if "ffmpeg" not in name:
        return "python" if "python" in name else name
    if b"-" in args and b"rawvideo" in args:
        return "ffmpeg encoder"
    return "ffmpeg decoder" if b"pipe:1" in args else "ffmpeg"


def _kb_field(path: str, name: str) -> int:
    """Bytes of a `Name:   123 kB` line of a /proc file; 0 if the process is gone."""
    try:
        text = Path(path).read_text()
    except OSError:
        return 0
    match = re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else 0


class TreeSampler(threading.Thread):
    """Samples the memory of a process tree every 50 ms until stopped; keeps the peaks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.peak_pss = pid, 0, 0
        self.at_peak: dict[str, int] = {}  # RSS bytes per role in the peak sample
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(SAMPLE_SECONDS):
            roles, pss = tree_snapshot(self.pid)
            self.peak_pss = max(self.peak_pss, pss)
            if sum(roles.values()) > self.peak:
                self.peak, self.at_peak = sum(roles.values()), roles

    def stop(self) -> int:
        """Stop sampling and return the peak in bytes."""
        self._stop_event.set()
        self.join()
        return self.peak


def run_measured(cmd: list[str], log: Path) -> Measured:
    """Run `cmd`, sampling its tree's memory; raise with its last log lines if it fails."""
    with log.open("wb") as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        assert proc.stdout is not None
        stdout = proc.stdout.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)  # rusage of this child and its reaped tree
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        proc.stdout.close()
        sampler.stop()
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").strip().splitlines()[-5:]
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}):\n" + "\n".join(tail))
    cpu = usage.ru_utime + usage.ru_stime
    return Measured(
        wall, cpu, sampler.peak, sampler.peak_pss, sampler.at_peak, usage.ru_maxrss * 1024, stdout
    )


# --- the two renderers -------------------------------------------------------------


def montage_command(storyboard: Path) -> list[str]:
    """`montage render` when the CLI has it, else this script's --render-only mode."""
    exe = Path(sys.executable).with_name("montage")
    if exe.exists() and re.search(r"^\W*render\s", _help(exe), re.MULTILINE):
        extra = ["--json"] if "--json" in _help(exe, "render") else []
        return [str(exe), "render", *extra, str(storyboard)]
    return [sys.executable, str(Path(__file__).resolve()), "--render-only", str(storyboard)]


def _help(exe: Path, *command: str) -> str:
    done = subprocess.run([exe, *command, "--help"], capture_output=True, text=True, check=False)
    return done.stdout


def render_only(storyboard: Path) -> None:
    """Render through `montage.pipeline.render_file` and print its timing as JSON."""
    result = render_file(storyboard)
    print(json.dumps({"wall_seconds": result.wall_seconds, "output": str(result.output)}))


def _reported_seconds(stdout: str) -> float | None:
    """Montage's own render time from the JSON it printed (`--json` or --render-only)."""
    try:
        return float(json.loads(stdout[stdout.index("{") :])["wall_seconds"])
    except (ValueError, KeyError, TypeError):
        return None


def filtergraph_command(storyboard: Path, timeline: Timeline) -> tuple[list[str], Path, float]:
    """The baseline's ffmpeg command, its output, and the untimed preparation seconds."""
    output = storyboard.with_suffix(".filtergraph.mp4")
    started = time.perf_counter()
    args = filtergraph.build_command(timeline, output, OUT / f"sprites-{storyboard.stem}")
    prep = time.perf_counter() - started
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    storyboard.with_suffix(".filtergraph.cmd").write_text(" ".join(f"'{a}'" for a in cmd))
    return cmd, output, prep


# --- checking the outputs ----------------------------------------------------------


def count_frames(video: Path) -> int:
    """Video frames in `video`, counted by remuxing to null (no decoding)."""
    args = [*input_args(video), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]
    done = run_ffmpeg(["-nostats", "-progress", "pipe:1", *args], timeout=120)
    counts = re.findall(r"^frame=(\d+)", done.stdout, re.MULTILINE)
    return int(counts[-1]) if counts else 0


def verify(video: Path, timeline: Timeline) -> dict[str, object]:
    """Size, pixel format, frame count, duration and audio of a rendered montage."""
    info = probe(video)
    canvas = timeline.canvas
    frames = count_frames(video)
    checks: dict[str, object] = {
        "size": f"{info.width}x{info.height}",
        "pix_fmt": info.pix_fmt,
        "fps": info.fps,
        "frames": frames,
        "expected_frames": timeline.total_frames,
        "duration": info.duration,
        "audio": info.audio_codec,
    }
    checks["ok"] = (
        (info.width, info.height) == (canvas.width, canvas.height)
        and info.pix_fmt == "yuv420p"
        and abs(frames - timeline.total_frames) <= 1
        and abs((info.duration or 0) - timeline.duration) <= 0.1
        and info.audio_codec == "aac"
    )
    return checks


def look_frames(timeline: Timeline, videos: dict[str, Path], folder: Path) -> list[Path]:
    """Save a mid-clip and a mid-transition frame of each video, and side-by-side pairs."""
    segments = timeline.segments
    middle = max(
        (s for s in segments if s.start <= timeline.total_frames // 2), key=lambda s: s.start
    )
    moments = {
        "mid": middle.start + middle.frames // 2,
        "xfade": segments[1].start + segments[1].enter.frames // 2,
        "clip2": segments[1].start + segments[1].frames // 2,  # the rotated phone clip
    }
    pairs = []
    for moment, frame in moments.items():
        shots = [
            _grab(video, frame / timeline.canvas.fps, folder / f"{moment}_{name}.png")
            for name, video in videos.items()
        ]
        pairs.append(_side_by_side(shots, folder / f"{moment}_compare.png"))
    return pairs


def _grab(video: Path, seconds: float, png: Path) -> Path:
    args = [
        "-v",
        "error",
        "-ss",
        f"{seconds:.4f}",
        *input_args(video),
        "-frames:v",
        "1",
        "-y",
        str(png),
    ]
    done = run_ffmpeg(args, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"could not grab a frame of {video}: {done.stderr.strip()[-200:]}")
    return png


def _side_by_side(pngs: list[Path], target: Path) -> Path:
    """The frames next to each other at half size (left to right as given)."""
    images = [Image.open(p).convert("RGB") for p in pngs]
    half = [im.resize((im.width // 2, im.height // 2)) for im in images]
    sheet = Image.new(
        "RGB", (sum(im.width for im in half) + 8 * (len(half) - 1), half[0].height), "white"
    )
    x = 0
    for im in half:
        sheet.paste(im, (x, 0))
        x += im.width + 8
    sheet.save(target)
    return target


# --- the benchmark -----------------------------------------------------------------


def run_case(clip_paths: list[Path], repeat: int, times: int) -> tuple[dict[str, object], Timeline]:
    """Both renders of the storyboard showing the clips `repeat` times, each run `times`."""
    name = f"storyboard_{len(clip_paths) * repeat}"
    storyboard = clips.write_storyboard(OUT / f"{name}.yaml", clip_paths, repeat)
    loaded = load(storyboard)
    timeline = plan_loaded(loaded)
    print(f"  {name}: {timeline.total_frames} frames, {timeline.duration:.2f} s", flush=True)
    mon_cmd = montage_command(storyboard)
    fg_cmd, fg_out, prep = filtergraph_command(storyboard, timeline)
    load_avg = [round(os.getloadavg()[0], 2)]
    mon_runs, fg_runs = [], []
    for attempt in range(times):  # alternate who goes first: shared machines drift
        order = [("montage", mon_cmd, mon_runs), ("filtergraph", fg_cmd, fg_runs)]
        for side, cmd, runs in order if attempt % 2 == 0 else order[::-1]:
            runs.append(run_measured(cmd, OUT / f"{name}.{side}.log"))
            print(f"    {side:12} {runs[-1].wall_seconds:7.2f} s", flush=True)
            load_avg.append(round(os.getloadavg()[0], 2))
    montage = summarise(
        mon_runs,
        loaded.output_path(),
        verify(loaded.output_path(), timeline),
        inner_seconds=min((_reported_seconds(r.stdout) or 0.0) for r in mon_runs) or None,
    )
    baseline = summarise(fg_runs, fg_out, verify(fg_out, timeline), prep_seconds=prep)
    case = {
        "storyboard": str(storyboard),
        "clips": len(timeline.segments),
        "frames": timeline.total_frames,
        "seconds": timeline.duration,
        "crf": timeline.encoding.crf,
        "x264_preset": timeline.encoding.x264_preset,
        "montage_command": mon_cmd,
        "load_average_1min": load_avg,
        "montage": asdict(montage),
        "filtergraph": asdict(baseline),
    }
    return case, timeline


def machine() -> dict[str, object]:
    """What the numbers were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    version = run_ffmpeg(["-version"], timeout=10).stdout.split("\n", 1)[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": model.group(1) if model else platform.processor(),
        "python": platform.python_version(),
        "ffmpeg": version,
    }


def derived(case: dict[str, object]) -> dict[str, float]:
    """Ratios and rates of one case."""
    seconds = float(case["seconds"])  # type: ignore[arg-type]
    mon, fg = case["montage"], case["filtergraph"]
    assert isinstance(mon, dict) and isinstance(fg, dict)
    return {
        "ratio": mon["wall_seconds"] / fg["wall_seconds"],
        "cpu_ratio": mon["cpu_seconds"] / fg["cpu_seconds"],
        "montage_realtime": seconds / mon["wall_seconds"],
        "filtergraph_realtime": seconds / fg["wall_seconds"],
        "montage_s_per_output_s": mon["wall_seconds"] / seconds,
        "filtergraph_s_per_output_s": fg["wall_seconds"] / seconds,
    }


def verdicts(cases: list[dict[str, object]]) -> dict[str, object]:
    """The issue's targets, judged on these numbers."""
    first, last = (derived(c) for c in (cases[0], cases[-1]))
    peak = max(c["montage"]["peak_tree_rss_mb"] for c in cases)  # type: ignore[index]
    growth = last["montage_s_per_output_s"] / first["montage_s_per_output_s"]
    return {
        "ratio_max": max(derived(c)["ratio"] for c in cases),
        "ratio_ok": all(derived(c)["ratio"] <= TARGET_RATIO for c in cases),
        "montage_peak_rss_mb": peak,
        "rss_ok": peak <= TARGET_RSS_MB,
        "montage_linearity": growth,
        "filtergraph_linearity": last["filtergraph_s_per_output_s"]
        / first["filtergraph_s_per_output_s"],
        # Time per output second must not grow with length (fixed costs may shrink it).
        "linear_ok": growth <= 1.10 if len(cases) > 1 else None,
    }


SIDES = ("montage", "filtergraph")


def table_rows(cases: list[dict[str, object]]) -> list[tuple[str, list[str]]]:
    """(title, one cell per case and renderer) rows of the results table."""

    def measured(key: str, fmt: str) -> list[str]:
        return [fmt.format(c[side][key]) for c in cases for side in SIDES]  # type: ignore[index]

    def rate(key: str) -> list[str]:
        return [f"{derived(c)[f'{side}_{key}']:.3f}" for c in cases for side in SIDES]

    return [
        ("wall s", measured("wall_seconds", "{:.2f}")),
        ("CPU s (user+sys)", measured("cpu_seconds", "{:.1f}")),
        ("s per output s", rate("s_per_output_s")),
        ("realtime factor x", rate("realtime")),
        ("peak tree RSS MB", measured("peak_tree_rss_mb", "{:.0f}")),
        ("peak tree PSS MB", measured("peak_tree_pss_mb", "{:.0f}")),
        ("largest process MB", measured("max_process_rss_mb", "{:.0f}")),
        ("output ok", [str(c[side]["checks"]["ok"]) for c in cases for side in SIDES]),  # type: ignore[index]
        ("montage / fg, wall", [f"{derived(c)['ratio']:.2f}" for c in cases]),
        ("montage / fg, CPU", [f"{derived(c)['cpu_ratio']:.2f}" for c in cases]),
    ]


def print_table(cases: list[dict[str, object]], judged: dict[str, object]) -> None:
    """A compact table of both renderers for every case, then the targets."""
    width = 11
    print(
        "\n"
        + " " * 20
        + "".join(f"{c['clips']} clips, {c['seconds']:.1f} s".center(2 * width) for c in cases)
    )
    print(" " * 20 + "".join(f"{'montage':>{width}}{'ffmpeg-fg':>{width}}" for _ in cases))
    for title, cells in table_rows(cases):
        cell_width = width if len(cells) == 2 * len(cases) else 2 * width
        print(f"{title:20}" + "".join(f"{cell:>{cell_width}}" for cell in cells))
    for c in cases:
        for side in SIDES:
            roles = c[side]["peak_by_role_mb"]  # type: ignore[index]
            parts = ", ".join(f"{role} {mb:.0f}" for role, mb in sorted(roles.items()))
            print(f"  {c['clips']} clips, {side} at its peak (MB): {parts}")
    print(
        f"\ntarget ratio <= {TARGET_RATIO}: {judged['ratio_ok']} (worst {judged['ratio_max']:.2f})"
    )
    print(
        f"target peak RSS <= {TARGET_RSS_MB} MB: {judged['rss_ok']} "
        f"({judged['montage_peak_rss_mb']:.0f} MB)"
    )
    print(
        f"target linear: {judged['linear_ok']} (s per output s, 2x length: montage "
        f"x{judged['montage_linearity']:.3f}, ffmpeg-fg x{judged['filtergraph_linearity']:.3f})"
    )


def benchmark(repeats: tuple[int, ...], times: int) -> None:
    """Generate the clips, run every case, check, look, print and save the results."""
    info = machine()
    print(f"machine: {info['nproc']} CPUs, {info['cpu']}; {info['ffmpeg']}", flush=True)
    clip_paths = clips.ensure_clips(OUT / "clips")
    cases, timelines = [], []
    for repeat in repeats:
        case, timeline = run_case(clip_paths, repeat, times)
        cases.append(case)
        timelines.append(timeline)
    first = cases[0]
    videos = {side: Path(first[side]["output"]) for side in ("montage", "filtergraph")}  # type: ignore[index]
    looks = look_frames(timelines[0], videos, OUT)
    judged = verdicts(cases)
    children_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print_table(cases, judged)
    print(f"getrusage(RUSAGE_CHILDREN).ru_maxrss: {children_max:.0f} MB (largest child process)")
    print("frames to look at: " + ", ".join(str(p.relative_to(HERE.parent)) for p in looks))
    results = {
        "machine": info,
        "cases": [c | {"derived": derived(c)} for c in cases],
        "targets": judged,
        "rusage_children_maxrss_mb": children_max,
        "frames": [str(p) for p in looks],
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=2, default=str))


def profile(top: int) -> None:
    """Run montage's render of the 6-clip storyboard under cProfile; print the top by tottime."""
    import pstats

    storyboard = clips.write_storyboard(
        OUT / "storyboard_6.yaml", clips.ensure_clips(OUT / "clips")
    )
    stats_file = OUT / "montage.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(stats_file), str(Path(__file__).resolve())]
    subprocess.run([*cmd, "--render-only", str(storyboard)], check=True)
    stats = pstats.Stats(str(stats_file))
    stats.sort_stats("tottime").print_stats(top)


def main() -> None:
    """Command line: the benchmark, the profile, or one montage render."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--render-only", type=Path, metavar="STORYBOARD", help="render one storyboard with montage"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile montage's render of 6 clips"
    )
    parser.add_argument("--top", type=int, default=15, help="functions to list with --profile")
    parser.add_argument("--quick", action="store_true", help="skip the 12-clip linearity case")
    parser.add_argument("--times", type=int, default=1, help="runs per renderer; the best counts")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.render_only:
        render_only(args.render_only)
    elif args.profile:
        profile(args.top)
    else:
        benchmark((1,) if args.quick else (1, 2), max(1, args.times))


if __name__ == "__main__":
    main()
