"""Generate the clips of the recovery demo (`make demo` runs this, then renders the reel).

Four moments of a small recovery story, drawn with Pillow frame by frame and encoded by
the ffmpeg that imageio-ffmpeg bundles (raw RGB frames piped in, never a shell):

- `walker.mp4`       day 4: slow, halting steps behind a walker in a mint clinic corridor
                     (1280x720 landscape, 30 fps, quiet room-noise audio)
- `antigravity.mp4`  week 4: walking on an anti-gravity treadmill, held by a harness, in a
                     lavender gym. Stored like a phone clip: a 1280x720 stream with a 90°
                     Display Matrix rotation, so it *displays* as 720x1280 portrait
- `week6.jpg`        week 6: standing tall with arms raised in a peach living room
                     (1080x1350 photo, EXIF DateTimeOriginal 2023:02:14 10:00:00)
- `walking.mp4`      week 8: walking fast and alone along a park path, the camera panning
                     (1080x1920 portrait, 60 fps, no audio stream)
- `music.m4a`        a seamless 8 s loop: an I-V-vi-IV arpeggio in C major, synthesized
                     with numpy (AAC, 48 kHz stereo)

Everything is deterministic: same script, same pictures. Existing files are kept unless
`--force` is given.

    python examples/recovery/make_clips.py [--force] [--out DIR]
"""

from __future__ import annotations

import argparse
import math
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, ImageDraw

from montage.media.ffmpeg import ffmpeg_exe

HERE = Path(__file__).resolve().parent
SAMPLE_RATE = 48_000
ENCODE_TIMEOUT = 120.0

RGB = tuple[int, int, int]
Point = tuple[float, float]


# --- the figure ------------------------------------------------------------------------

# Proportions as fractions of the figure's height (`scale`).
HEAD_R = 0.075
NECK = 0.03
TORSO = 0.30
THIGH = 0.235
SHIN = 0.235
UPPER_ARM = 0.16
FOREARM = 0.15
FOOT = 0.075
LIMB_W = 0.042
TORSO_W = 0.075


@dataclass(frozen=True)
class Style:
    """The figure's colours: one outfit per clip makes the moments easy to tell apart."""

    shirt: RGB
    trousers: RGB
    skin: RGB = (236, 190, 150)
    hair: RGB = (92, 58, 38)
    shoes: RGB = (45, 45, 52)


@dataclass(frozen=True)
class Gait:
    """How the figure walks: leg swing and arm swing (radians), forward lean, grip."""

    stride: float = 0.35
    arm_swing: float = 0.45
    lean: float = 0.0
    hands: tuple[Point, Point] | None = None  # (near, far) points the hands hold on to


def shade(color: RGB, factor: float) -> RGB:
    """`color` darkened (factor < 1) or lightened towards white (factor > 1)."""
    if factor <= 1:
        return (round(color[0] * factor), round(color[1] * factor), round(color[2] * factor))
    t = min(factor - 1, 1.0)
    return (
        round(color[0] + (255 - color[0]) * t),
        round(color[1] + (255 - color[1]) * t),
        round(color[2] + (255 - color[2]) * t),
    )


def cycle_length(scale: float, stride: float) -> float:
    """Ground covered by one gait cycle (two steps), so the feet do not slide."""
    return 4 * (THIGH + SHIN) * scale * math.sin(stride)


def _along(p: Point, angle: float, length: float, facing: int) -> Point:
    """The point `length` away from `p`, `angle` radians forward of straight down."""
    return (p[0] + facing * length * math.sin(angle), p[1] + length * math.cos(angle))


def _limb(draw: ImageDraw.ImageDraw, points: list[Point], color: RGB, width: float) -> None:
    """A polyline with round joints and round ends."""
    w = max(1, round(width))
    draw.line(points, fill=color, width=w, joint="curve")
    r = width / 2
    for x, y in (points[0], points[-1]):
        draw.ellipse((x - r, y - r, x + r, y + r), fill=color)


def _leg(hip: Point, phase: float, stride: float, scale: float, facing: int) -> list[Point]:
    """Hip, knee, ankle and toe of a leg at `phase` of its gait cycle."""
    thigh = stride * math.sin(phase)
    bend = 1.6 * stride * max(0.0, math.cos(phase)) ** 2  # knee flexes while swinging
    knee = _along(hip, thigh, THIGH * scale, facing)
    ankle = _along(knee, thigh - bend, SHIN * scale, facing)
    toe = (ankle[0] + facing * FOOT * scale, ankle[1] - 0.012 * scale * bend)
    return [hip, knee, ankle, toe]


def _swinging_arm(
    shoulder: Point, phase: float, swing: float, scale: float, facing: int
) -> list[Point]:
    """Shoulder, elbow and hand of an arm swinging opposite to the same-side leg."""
    upper = -swing * math.sin(phase)
    elbow = _along(shoulder, upper, UPPER_ARM * scale, facing)
    hand = _along(elbow, upper + 0.35 + 0.4 * swing, FOREARM * scale, facing)
    return [shoulder, elbow, hand]


def _reaching_arm(shoulder: Point, target: Point, scale: float, facing: int) -> list[Point]:
    """Shoulder, elbow and hand of an arm reaching for `target` (elbow bent back/down)."""
    l1, l2 = UPPER_ARM * scale, FOREARM * scale
    dx, dy = target[0] - shoulder[0], target[1] - shoulder[1]
    dist = min(max(math.hypot(dx, dy), abs(l1 - l2) + 1e-6), (l1 + l2) * 0.999)
    base = math.atan2(dy, dx)
    cos_a = (l1 * l1 + dist * dist - l2 * l2) / (2 * l1 * dist)
    a = math.acos(max(-1.0, min(1.0, cos_a)))
    elbow = (
        shoulder[0] + l1 * math.cos(base + facing * a),
        shoulder[1] + l1 * math.sin(base + facing * a),
    )
    hand = (shoulder[0] + dist * math.cos(base), shoulder[1] + dist * math.sin(base))
    return [shoulder, elbow, hand]


def _head(
    draw: ImageDraw.ImageDraw, center: Point, scale: float, style: Style, facing: int
) -> None:
    """A round head with hair; an eye on the facing side, or two eyes and a smile."""
    x, y = center
    r = HEAD_R * scale
    box = (x - r, y - r, x + r, y + r)
    draw.ellipse(box, fill=style.skin)
    eye = max(1.5, 0.1 * r)
    ink = (40, 30, 30)
    if facing:
        start, end = (110, 320) if facing > 0 else (220, 70)
        draw.chord(box, start, end, fill=style.hair)
        ex, ey = x + facing * 0.5 * r, y - 0.05 * r
        draw.ellipse((ex - eye, ey - eye, ex + eye, ey + eye), fill=ink)
        return
    draw.chord(box, 185, 355, fill=style.hair)
    for side in (-1, 1):
        ex, ey = x + side * 0.38 * r, y + 0.05 * r
        draw.ellipse((ex - eye, ey - eye, ex + eye, ey + eye), fill=ink)
    smile = (x - 0.45 * r, y - 0.05 * r, x + 0.45 * r, y + 0.6 * r)
    draw.arc(smile, 25, 155, fill=ink, width=max(1, round(0.08 * r)))


def draw_figure(
    draw: ImageDraw.ImageDraw,
    x: float,
    y: float,
    phase: float,
    scale: float,
    *,
    style: Style,
    gait: Gait | None = None,
    facing: int = 1,
) -> Point:
    """Draw a walking stick figure seen from the side; return its hip point.

    `x` is the hip's horizontal position and `y` the ground line; `phase` (radians) is the
    gait cycle of the near leg; `scale` the standing height in pixels. The stance foot is
    kept on the ground, which gives the hips their natural bob.
    """
    gait = gait or Gait()
    hip = (x, y - (THIGH + SHIN) * scale)
    legs = [_leg(hip, phase + k * math.pi, gait.stride, scale, facing) for k in (0, 1)]
    lowest = max(leg[2][1] for leg in legs)
    dy = y - LIMB_W * scale / 2 - lowest
    hip = (hip[0], hip[1] + dy)
    legs = [[(px, py + dy) for px, py in leg] for leg in legs]
    shoulder = _along(hip, math.pi - gait.lean, TORSO * scale, facing)
    neck_top = _along(shoulder, math.pi - gait.lean, (NECK + HEAD_R) * scale, facing)
    if gait.hands is not None:
        arms = [_reaching_arm(shoulder, target, scale, facing) for target in gait.hands]
    else:
        arms = [
            _swinging_arm(shoulder, phase + k * math.pi, gait.arm_swing, scale, facing)
            for k in (0, 1)
        ]
    w = LIMB_W * scale
    # far side first, darker; then the torso; then the near side
    _draw_leg(draw, legs[1], style, w, far=True)
    _draw_arm(draw, arms[1], style, w, far=True)
    _limb(draw, [hip, shoulder], style.shirt, TORSO_W * scale)
    _head(draw, neck_top, scale, style, facing)
    _draw_leg(draw, legs[0], style, w, far=False)
    _draw_arm(draw, arms[0], style, w, far=False)
    return hip


def _draw_leg(
    draw: ImageDraw.ImageDraw, leg: list[Point], style: Style, width: float, *, far: bool
) -> None:
    """Trouser leg and shoe; the far leg a shade darker."""
    k = 0.78 if far else 1.0
    _limb(draw, leg[:3], shade(style.trousers, k), width)
    _limb(draw, leg[2:], shade(style.shoes, k), width * 1.1)


def _draw_arm(
    draw: ImageDraw.ImageDraw, arm: list[Point], style: Style, width: float, *, far: bool
) -> None:
    """Sleeve and hand; the far arm a shade darker."""
    k = 0.78 if far else 1.0
    _limb(draw, arm, shade(style.shirt, k), width * 0.9)
    hx, hy = arm[-1]
    r = width * 0.6
    draw.ellipse((hx - r, hy - r, hx + r, hy + r), fill=shade(style.skin, k))


def draw_standing_figure(
    draw: ImageDraw.ImageDraw, x: float, y: float, scale: float, *, style: Style
) -> None:
    """Draw the figure facing the camera, standing tall with both arms raised in a V."""
    w = LIMB_W * scale * 1.1
    hip = (x, y - (THIGH + SHIN + 0.02) * scale)
    shoulder = (x, hip[1] - TORSO * scale)
    for side in (-1, 1):
        top = (x + side * 0.035 * scale, hip[1])
        ankle = (x + side * 0.075 * scale, y - w / 2 - 0.01 * scale)
        _limb(draw, [top, ankle], style.trousers, w)
        toe = (ankle[0] + side * 0.045 * scale, ankle[1] + 0.004 * scale)
        _limb(draw, [ankle, toe], style.shoes, w * 1.1)
    _limb(draw, [hip, shoulder], style.shirt, TORSO_W * scale * 1.15)
    for side in (-1, 1):
        root = (x + side * 0.05 * scale, shoulder[1] + 0.015 * scale)
        elbow = (root[0] + side * 0.10 * scale, root[1] - 0.12 * scale)
        hand = (elbow[0] + side * 0.05 * scale, elbow[1] - 0.14 * scale)
        _limb(draw, [root, elbow, hand], style.shirt, w * 0.95)
        r = w * 0.7
        draw.ellipse((hand[0] - r, hand[1] - r, hand[0] + r, hand[1] + r), fill=style.skin)
    _head(draw, (x, shoulder[1] - (NECK + HEAD_R) * scale), scale, style, facing=0)


# --- props and backgrounds --------------------------------------------------------------


def gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    """An RGB image fading vertically from `top` to `bottom`."""
    width, height = size
    t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    rows = (1 - t) * np.array(top, np.float32) + t * np.array(bottom, np.float32)
    pixels = np.broadcast_to(rows, (height, width, 3))
    return Image.fromarray(np.ascontiguousarray(pixels.round().astype(np.uint8)))


def draw_walker(
    draw: ImageDraw.ImageDraw, x: float, y: float, scale: float, lift: float, color: RGB
) -> Point:
    """One side of a walking frame seen from the side (rear leg at `x`); return its grip."""
    depth, height = 0.30 * scale, 0.47 * scale
    w = 0.022 * scale
    base = y - lift
    rear_top, front_top = (
        (x + 0.02 * scale, base - height),
        (x + depth - 0.02 * scale, base - height),
    )
    _limb(draw, [(x, base), rear_top], color, w)
    _limb(draw, [(x + depth, base), front_top], color, w)
    _limb(draw, [(rear_top[0] - 0.05 * scale, rear_top[1]), front_top], color, w)
    _limb(
        draw,
        [(x + 0.01 * scale, base - 0.2 * scale), (x + depth - 0.01 * scale, base - 0.2 * scale)],
        color,
        w * 0.8,
    )
    grip = (rear_top[0] - 0.025 * scale, rear_top[1])
    _limb(
        draw,
        [(grip[0] - 0.03 * scale, grip[1]), (grip[0] + 0.03 * scale, grip[1])],
        (70, 70, 78),
        w * 1.5,
    )
    for fx in (x, x + depth):
        draw.ellipse((fx - w, base - w * 0.6, fx + w, base + w * 0.6), fill=(60, 60, 66))
    return grip


def clinic_background(size: tuple[int, int], floor_y: int) -> Image.Image:
    """A clinic corridor: mint wall, window, door, wall handrail, light floor."""
    width, height = size
    image = gradient(size, (214, 236, 229), (190, 222, 212))
    draw = ImageDraw.Draw(image)
    # window with sky and a cross bar
    draw.rectangle((90, 120, 370, 380), fill=(245, 245, 240))
    draw.rectangle((104, 134, 356, 366), fill=(176, 214, 240))
    draw.rectangle((226, 134, 234, 366), fill=(245, 245, 240))
    draw.rectangle((104, 246, 356, 254), fill=(245, 245, 240))
    # door on the right
    draw.rectangle((960, 150, 1160, floor_y), fill=(238, 238, 232))
    draw.rectangle((974, 164, 1146, floor_y), fill=(120, 168, 170))
    draw.ellipse((1116, 380, 1132, 396), fill=(225, 225, 215))
    # a notice board and the wall handrail
    draw.rectangle((520, 170, 700, 300), fill=(250, 246, 236), outline=(170, 190, 185), width=4)
    draw.rectangle((540, 190, 620, 240), fill=(244, 200, 170))
    draw.rectangle((630, 190, 680, 280), fill=(190, 210, 236))
    draw.rectangle((0, 428, width, 440), fill=(180, 140, 100))
    for bx in range(60, width, 300):
        draw.rectangle((bx, 440, bx + 8, 456), fill=(150, 150, 150))
    # skirting board, floor and its light line
    draw.rectangle((0, floor_y - 18, width, floor_y), fill=(96, 150, 140))
    floor = gradient((width, height - floor_y), (236, 230, 218), (214, 206, 190))
    image.paste(floor, (0, floor_y))
    draw.line((0, floor_y + 2, width, floor_y + 2), fill=(250, 248, 242), width=3)
    for k in range(1, 5):
        fy = floor_y + k * k * 7
        draw.line((0, fy, width, fy), fill=(206, 198, 182), width=1)
    return image


def gym_background(size: tuple[int, int], floor_y: int) -> Image.Image:
    """A rehab gym in lavender: wall bars, a mirror strip, a dark rubber floor."""
    width, height = size
    image = gradient(size, (226, 216, 246), (200, 186, 232))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 70), fill=(244, 240, 252))  # ceiling
    for lx in (150, 450):
        draw.rectangle((lx, 70, lx + 120, 86), fill=(255, 252, 230))
    draw.rectangle((40, 300, width - 40, 620), fill=(214, 226, 244))  # mirror
    draw.line((60, 600, 250, 320), fill=(236, 242, 252), width=10)
    for bx in range(40, width - 40, 34):  # wall bars below the mirror
        draw.line((bx, 660, bx, floor_y), fill=(196, 160, 120), width=6)
    draw.rectangle((40, 650, width - 40, 662), fill=(176, 140, 100))
    floor = gradient((width, height - floor_y), (120, 104, 150), (86, 74, 112))
    image.paste(floor, (0, floor_y))
    draw.line((0, floor_y, width, floor_y), fill=(160, 146, 190), width=3)
    return image


def draw_treadmill(draw: ImageDraw.ImageDraw, belt_y: int, offset: float, width: int) -> None:
    """A treadmill seen from the side: deck, moving belt stripes and its front console."""
    left, right = 70, width - 120
    draw.rounded_rectangle((left, belt_y, right, belt_y + 56), 24, fill=(70, 70, 84))
    draw.rectangle((left + 20, belt_y - 6, right - 20, belt_y + 12), fill=(42, 42, 50))
    gap = 46
    count = (right - left - 60) // gap
    for k in range(count):  # belt marks running backwards under the feet
        sx = left + 26 + (k * gap - offset) % (count * gap)
        draw.line((sx, belt_y + 3, sx + 18, belt_y + 3), fill=(150, 150, 168), width=6)
    draw.ellipse((left + 6, belt_y + 6, left + 46, belt_y + 46), fill=(150, 150, 162))
    draw.ellipse((right - 46, belt_y + 6, right - 6, belt_y + 46), fill=(150, 150, 162))
    # console post, screen and handrail
    post = right - 20
    draw.line((post, belt_y, post + 40, belt_y - 420), fill=(90, 90, 104), width=22)
    draw.rounded_rectangle(
        (post - 30, belt_y - 470, post + 110, belt_y - 400), 12, fill=(60, 60, 72)
    )
    draw.rectangle((post - 14, belt_y - 456, post + 94, belt_y - 414), fill=(120, 220, 200))
    draw.line((post + 20, belt_y - 300, 220, belt_y - 300), fill=(150, 150, 164), width=14)


def draw_harness(draw: ImageDraw.ImageDraw, hip: Point, scale: float, top: int) -> None:
    """The unweighting harness: an overhead arm, two straps and a belt at the hips."""
    hx, hy = hip
    draw.rectangle((24, top, 60, 1200), fill=(150, 140, 176))  # gantry column
    draw.rectangle((24, top, hx + 150, top + 30), fill=(150, 140, 176))
    for side in (-1, 1):
        draw.line(
            (hx + side * 115, top + 30, hx + side * 0.05 * scale, hy - 0.06 * scale),
            fill=(236, 120, 60),
            width=8,
        )
    bw, bh = 0.07 * scale, 0.035 * scale
    draw.rounded_rectangle((hx - bw, hy - bh * 2.4, hx + bw, hy - bh * 0.4), 6, fill=(236, 120, 60))


def living_room_background(size: tuple[int, int], floor_y: int) -> Image.Image:
    """A sunny peach living room: big window light, picture frame, plant, wooden floor."""
    width, height = size
    image = gradient(size, (252, 226, 196), (244, 196, 160))
    glow = _radial_mask(size, (width * 0.5, floor_y * 0.45), width * 0.55)
    image.paste((255, 244, 214), (0, 0, width, height), glow)  # sunlight on the wall
    draw = ImageDraw.Draw(image)
    draw.rectangle((700, 160, 980, 520), fill=(255, 250, 240))  # window
    draw.rectangle((716, 176, 964, 504), fill=(170, 214, 246))
    draw.rectangle((836, 176, 844, 504), fill=(255, 250, 240))
    draw.rectangle((110, 230, 330, 400), fill=(150, 96, 70))  # picture
    draw.rectangle((126, 246, 314, 384), fill=(250, 214, 120))
    draw.polygon([(126, 384), (200, 300), (260, 360), (314, 320), (314, 384)], fill=(110, 170, 110))
    floor = gradient((width, height - floor_y), (200, 140, 90), (160, 104, 64))
    image.paste(floor, (0, floor_y))
    draw.rectangle((0, floor_y - 22, width, floor_y), fill=(255, 240, 224))
    for k in range(1, 7):
        fy = floor_y + k * k * 5
        draw.line((0, fy, width, fy), fill=(176, 118, 74), width=2)
    # a potted plant
    draw.polygon(
        [(100, floor_y), (200, floor_y), (214, floor_y - 120), (86, floor_y - 120)],
        fill=(196, 100, 70),
    )
    for angle in range(-60, 61, 24):
        tip = (
            150 + 170 * math.sin(math.radians(angle)),
            floor_y - 120 - 200 * math.cos(math.radians(angle)),
        )
        draw.line((150, floor_y - 120, *tip), fill=(70, 140, 80), width=18)
        draw.ellipse((tip[0] - 26, tip[1] - 26, tip[0] + 26, tip[1] + 26), fill=(90, 164, 96))
    return image


def _radial_mask(size: tuple[int, int], center: Point, radius: float) -> Image.Image:
    """An L mask: 255 at `center`, fading smoothly to 0 at `radius`."""
    width, height = size
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    d = np.hypot(xx - center[0], yy - center[1]) / radius
    alpha = np.clip(1 - d, 0, 1) ** 2 * 200
    return Image.fromarray(alpha.astype(np.uint8))


def park_background(size: tuple[int, int], path_y: int) -> Image.Image:
    """A sunny park, wider than the frame so the camera can pan: sky, hills, trees, path."""
    width, height = size
    rng = random.Random(8)
    horizon = path_y - 330
    image = gradient(size, (92, 164, 228), (206, 232, 248))
    draw = ImageDraw.Draw(image)
    draw.ellipse((width - 520, 160, width - 340, 340), fill=(255, 240, 170))
    for _ in range(7):
        cx, cy = rng.uniform(0, width), rng.uniform(150, horizon - 450)
        for k in range(4):
            r = rng.uniform(50, 90)
            ox = cx + k * 70 - 100
            draw.ellipse((ox - r, cy - r * 0.7, ox + r, cy + r * 0.7), fill=(250, 252, 255))
    for k in range(6):  # rolling hills
        cx = k * width / 5 + rng.uniform(-80, 80)
        r = rng.uniform(320, 460)
        draw.ellipse(
            (cx - r * 1.6, horizon - r * 0.45, cx + r * 1.6, horizon + r), fill=(126, 190, 120)
        )
    grass = gradient((width, height - horizon), (110, 180, 84), (74, 140, 60))
    image.paste(grass, (0, horizon))
    draw.polygon(  # the path, wider towards the viewer
        [(0, path_y - 70), (width, path_y - 90), (width, path_y + 80), (0, path_y + 100)],
        fill=(226, 200, 150),
    )
    draw.line((0, path_y - 70, width, path_y - 90), fill=(196, 168, 120), width=6)
    for tx, th in ((260, 620), (900, 520), (1460, 680)):
        _tree(draw, tx, path_y - 110, th)
    for _ in range(160):  # flowers in the grass
        fx = rng.uniform(0, width)
        fy = rng.choice(
            (rng.uniform(horizon + 40, path_y - 120), rng.uniform(path_y + 120, height))
        )
        color = rng.choice(((250, 250, 250), (250, 220, 80), (240, 120, 150)))
        draw.ellipse((fx - 7, fy - 7, fx + 7, fy + 7), fill=color)
    return image


def _tree(draw: ImageDraw.ImageDraw, x: float, ground: float, height: float) -> None:
    """A round-crowned tree standing at (`x`, `ground`)."""
    draw.rectangle(
        (x - 0.05 * height, ground - 0.55 * height, x + 0.05 * height, ground), fill=(120, 84, 56)
    )
    for dx, dy, r in ((0, -0.78, 0.28), (-0.2, -0.6, 0.2), (0.2, -0.6, 0.21), (0, -0.55, 0.22)):
        cx, cy, rr = x + dx * height, ground + dy * height, r * height
        draw.ellipse((cx - rr, cy - rr, cx + rr, cy + rr), fill=(58, 128, 64))


# --- the scenes -------------------------------------------------------------------------


def halting(t: float, speed: float, period: float) -> float:
    """Distance walked by time `t` in stop-and-go bursts (velocity speed·(1 - cos))."""
    w = 2 * math.pi / period
    return speed * (t - math.sin(w * t) / w)


def walker_frames(size: tuple[int, int], fps: int, seconds: float) -> Iterator[Image.Image]:
    """Day 4: small halting steps behind a walker along the clinic corridor."""
    ground, scale = 612, 440
    background = clinic_background(size, ground - 12)
    style = Style(shirt=(86, 128, 196), trousers=(70, 86, 120))
    gait = Gait(stride=0.2, lean=0.2)
    frame_color, far_color = (178, 184, 192), (150, 156, 166)
    period, speed = 1.33, 95.0
    for i in range(round(fps * seconds)):
        t = i / fps
        walked = halting(t, speed, period)
        x = 260 + walked
        phase = 2 * math.pi * walked / cycle_length(scale, gait.stride)
        ahead = halting(t + 0.35, speed, period) - walked  # the walker moves first
        walker_x = x + 0.15 * scale + ahead
        lift = 8 * max(0.0, 1 - math.cos(2 * math.pi * (t + 0.35) / period)) / 2
        frame = background.copy()
        draw = ImageDraw.Draw(frame)
        far_grip = draw_walker(draw, walker_x + 14, ground - 10, scale, lift, far_color)
        near_grip = (far_grip[0] - 14, far_grip[1] + 10)
        holding = replace(gait, hands=(near_grip, far_grip))
        draw_figure(draw, x, ground, phase, scale, style=style, gait=holding)
        draw_walker(draw, walker_x, ground, scale, lift, frame_color)
        yield frame


def antigravity_frames(size: tuple[int, int], fps: int, seconds: float) -> Iterator[Image.Image]:
    """Week 4: walking in place on an anti-gravity treadmill, held up by a harness.

    Frames are drawn upright in portrait (`size` is the *displayed* size).
    """
    width = size[0]
    belt_y, scale = 1010, 520
    background = gym_background(size, 1090)
    style = Style(shirt=(232, 108, 150), trousers=(60, 64, 92))
    gait = Gait(stride=0.3, arm_swing=0.4, lean=0.04)
    cadence = 0.85  # gait cycles per second
    belt_speed = cycle_length(scale, gait.stride) * cadence
    bubble = Image.new("L", size, 0)
    ImageDraw.Draw(bubble).chord((90, belt_y - 270, width - 170, belt_y + 270), 180, 360, fill=70)
    tint = Image.new("RGB", size, (210, 240, 255))
    for i in range(round(fps * seconds)):
        t = i / fps
        frame = background.copy()
        draw = ImageDraw.Draw(frame)
        draw_treadmill(draw, belt_y, belt_speed * t, width)
        hip = draw_figure(
            draw, 330, belt_y - 4, 2 * math.pi * cadence * t, scale, style=style, gait=gait
        )
        frame.paste(tint, (0, 0), bubble)
        draw.arc(
            (90, belt_y - 270, width - 170, belt_y + 270), 180, 360, fill=(236, 248, 255), width=5
        )
        draw_harness(draw, hip, scale, 110)
        yield frame


def walking_frames(size: tuple[int, int], fps: int, seconds: float) -> Iterator[Image.Image]:
    """Week 8: a brisk, confident walk along the park path, the camera following."""
    width, height = size
    pan = 800  # the camera follows, so the walker stays in the frame
    path_y, scale = 1370, 540
    world = park_background((width + pan, height), path_y)
    style = Style(shirt=(246, 160, 40), trousers=(48, 70, 120), shoes=(236, 236, 240))
    gait = Gait(stride=0.42, arm_swing=0.7, lean=0.06)
    frames = round(fps * seconds)
    cadence = 0.95
    speed = cycle_length(scale, gait.stride) * cadence
    for i in range(frames):
        t = i / fps
        camera = pan * t / seconds
        frame = world.crop((round(camera), 0, round(camera) + width, height))
        draw = ImageDraw.Draw(frame)
        x = 160 + speed * t - camera
        draw_figure(draw, x, path_y, 2 * math.pi * cadence * t, scale, style=style, gait=gait)
        yield frame


def week6_photo(size: tuple[int, int]) -> Image.Image:
    """Week 6: standing tall, arms raised, in the living room."""
    floor_y = 1130
    image = living_room_background(size, floor_y)
    draw = ImageDraw.Draw(image)
    style = Style(shirt=(40, 170, 150), trousers=(70, 70, 96))
    shadow = (image.width / 2 - 170, floor_y + 70, image.width / 2 + 170, floor_y + 110)
    draw.ellipse(shadow, fill=(150, 96, 58))
    draw_standing_figure(draw, image.width / 2, floor_y + 92, 860, style=style)
    return image


def music_samples(seconds: float = 8.0, rate: int = SAMPLE_RATE) -> np.ndarray:
    """A gentle I-V-vi-IV arpeggio in C major with a soft bass; stereo float32 in [-1, 1].

    The piece loops seamlessly (montage loops the music under longer reels): the notes
    still ringing at the end are folded back onto the start, and there is no fade.
    """
    n = round(seconds * rate)
    tail = round(1.0 * rate)
    out = np.zeros((n + tail, 2), np.float32)
    chords = [(60, 4, 7), (55, 4, 7), (57, 3, 7), (53, 4, 7)]  # C, G, Am, F
    pattern = [0, 1, 2, 3, 4, 3, 2, 1]  # up and down the chord tones
    bar = seconds / len(chords)
    step = bar / len(pattern)
    for c, (root, third, fifth) in enumerate(chords):
        tones = [root, root + third, root + fifth, root + 12, root + 12 + third]
        for k, idx in enumerate(pattern):
            pan = 0.35 if k % 2 else 0.65
            _add_note(out, rate, c * bar + k * step, 0.9, tones[idx], 0.22, 0.45, pan)
        _add_note(out, rate, c * bar, bar + 0.3, root - 12, 0.3, 1.4, 0.5)
        _add_note(out, rate, c * bar, bar, root + 24 + third, 0.05, 2.0, 0.5)  # sparkle
    out[:tail] += out[n:]
    out = out[:n]
    return (out * (0.7 / np.abs(out).max())).astype(np.float32)


def _add_note(
    out: np.ndarray,
    rate: int,
    start: float,
    length: float,
    midi: int,
    gain: float,
    decay: float,
    pan: float,
) -> None:
    """Mix a plucked, softly harmonic note into `out` (cut short at the end of `out`)."""
    i0 = round(start * rate)
    i1 = min(len(out), i0 + round(length * rate))
    if i1 <= i0:
        return
    t = np.arange(i1 - i0, dtype=np.float32) / rate
    freq = 440.0 * 2 ** ((midi - 69) / 12)
    wave = sum(a * np.sin(2 * np.pi * freq * h * t) for h, a in ((1, 1.0), (2, 0.3), (3, 0.12)))
    env = np.minimum(t / 0.012, 1.0) * np.exp(-t / decay)
    env *= np.clip((t[-1] - t) / 0.05, 0, 1)  # no click where the note is cut
    note = (gain * wave * env).astype(np.float32)
    out[i0:i1, 0] += note * (1 - pan)
    out[i0:i1, 1] += note * pan


# --- encoding ---------------------------------------------------------------------------


def _partial(path: Path) -> Path:
    """A temporary sibling of `path` (same suffix, so ffmpeg picks the same muxer)."""
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def encode_video(
    path: Path,
    frames: Iterable[Image.Image],
    size: tuple[int, int],
    fps: int,
    seconds: float,
    *,
    audio: str | None = None,
    rotation: int = 0,
) -> None:
    """Pipe RGB `frames` of `size` into ffmpeg and write an H.264 mp4 at `path`.

    `audio` is an optional lavfi source graph for an AAC track; `rotation` stores a
    Display Matrix rotation (as `ffmpeg -display_rotation`) on the unrotated stream.
    The file appears only once ffmpeg has succeeded.
    """
    width, height = size
    rotate = ["-display_rotation", str(rotation), "-noautorotate"] if rotation else []
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    cmd += [*rotate, "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}"]
    cmd += ["-framerate", str(fps), "-i", "pipe:0"]
    if audio:
        cmd += ["-f", "lavfi", "-i", audio, "-map", "0:v:0", "-map", "1:a:0"]
        cmd += ["-c:a", "aac", "-b:a", "96k", "-ar", str(SAMPLE_RATE)]
    cmd += ["-c:v", "libx264", "-preset", "superfast", "-crf", "21", "-pix_fmt", "yuv420p"]
    cmd += ["-t", f"{seconds}", "-movflags", "+faststart", "-map_metadata", "-1"]
    cmd += ["-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact"]
    tmp = _partial(path)
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [*cmd, str(tmp)], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            assert proc.stdin is not None
            try:
                for frame in frames:
                    if frame.size != size or frame.mode != "RGB":
                        raise ValueError(f"frame is {frame.mode} {frame.size}, not RGB {size}")
                    proc.stdin.write(frame.tobytes())
                proc.stdin.close()
            except BrokenPipeError:
                pass  # ffmpeg stopped early: its own message explains why
            code = proc.wait(timeout=ENCODE_TIMEOUT)
        except BaseException:
            proc.kill()
            proc.wait()
            tmp.unlink(missing_ok=True)
            raise
        log.seek(0)
        _finish(path, tmp, code, log.read())


def encode_audio(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """Encode stereo float32 `samples` to AAC at `path` through a raw f32le pipe."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
    cmd += ["-f", "f32le", "-ar", str(rate), "-ac", "2", "-i", "pipe:0"]
    cmd += ["-c:a", "aac", "-b:a", "160k", "-ar", str(rate), "-map_metadata", "-1"]
    cmd += ["-fflags", "+bitexact", "-flags:a", "+bitexact"]
    tmp = _partial(path)
    try:
        proc = subprocess.run(
            [*cmd, str(tmp)],
            input=samples.astype("<f4").tobytes(),
            capture_output=True,
            timeout=ENCODE_TIMEOUT,
            check=False,
        )
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _finish(path, tmp, proc.returncode, proc.stderr)


def _finish(path: Path, tmp: Path, code: int, stderr: bytes) -> None:
    """Move ffmpeg's finished output into place, or raise with its last messages."""
    if code != 0 or not tmp.exists():
        tmp.unlink(missing_ok=True)
        tail = "\n".join(stderr.decode("utf-8", "replace").strip().splitlines()[-5:])
        raise RuntimeError(f"ffmpeg could not write {path} (exit {code}): {tail}")
    tmp.replace(path)


def save_photo(path: Path, image: Image.Image, taken: str) -> None:
    """Save `image` as a JPEG whose EXIF DateTimeOriginal is `taken` ("YYYY:MM:DD hh:mm:ss")."""
    exif = image.getexif()
    exif[ExifTags.Base.DateTime] = taken
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    tmp = _partial(path)
    try:
        image.save(tmp, "JPEG", quality=90, exif=exif)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


# --- the clips --------------------------------------------------------------------------


def make_walker(path: Path) -> None:
    """clips/walker.mp4: 1280x720, 30 fps, 4 s, with soft room noise."""
    size, fps, seconds = (1280, 720), 30, 4.0
    noise = f"anoisesrc=d={seconds}:c=pink:r={SAMPLE_RATE}:a=0.04:s=4,lowpass=f=1200"
    encode_video(path, walker_frames(size, fps, seconds), size, fps, seconds, audio=noise)


def make_antigravity(path: Path) -> None:
    """clips/antigravity.mp4: portrait 720x1280 shown, stored 1280x720 rotated 90°."""
    fps, seconds = 30, 4.0
    hum = f"sine=f=98:r={SAMPLE_RATE}:d={seconds},volume=0.08"
    # ffmpeg turns the picture counter-clockwise by `display_rotation` to show it, so
    # each upright portrait frame is stored turned a quarter clockwise
    frames = (
        frame.transpose(Image.Transpose.ROTATE_270)
        for frame in antigravity_frames((720, 1280), fps, seconds)
    )
    encode_video(path, frames, (1280, 720), fps, seconds, audio=hum, rotation=90)


def make_week6(path: Path) -> None:
    """clips/week6.jpg: a 1080x1350 photo taken 2023-02-14 10:00."""
    save_photo(path, week6_photo((1080, 1350)), "2023:02:14 10:00:00")


def make_walking(path: Path) -> None:
    """clips/walking.mp4: 1080x1920, 60 fps, 4 s, no audio stream."""
    size, fps, seconds = (1080, 1920), 60, 4.0
    encode_video(path, walking_frames(size, fps, seconds), size, fps, seconds)


def make_music(path: Path) -> None:
    """clips/music.m4a: 8 s of music, AAC 48 kHz stereo."""
    encode_audio(path, music_samples(8.0))


CLIPS: dict[str, Callable[[Path], None]] = {
    "walker.mp4": make_walker,
    "antigravity.mp4": make_antigravity,
    "week6.jpg": make_week6,
    "walking.mp4": make_walking,
    "music.m4a": make_music,
}


def main(argv: list[str] | None = None) -> int:
    """Write the missing clips (all of them with `--force`) and say what was done."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rewrite clips that exist")
    parser.add_argument("--out", type=Path, default=HERE / "clips", help="output folder")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for name, make in CLIPS.items():
        path = out / name
        if path.exists() and not args.force:
            print(f"kept    {path} (exists; --force rewrites it)")
            continue
        started = time.perf_counter()
        make(path)
        print(f"wrote   {path} in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
