"""ffmpeg filter chains that decode a source straight into its box on the canvas.

Rotation (ffmpeg auto-rotates by the Display Matrix), HDR tone mapping, speed, frame
rate and scaling all happen inside the decoder process, so Python only ever sees frames
of the final size at the output rate.
"""

from __future__ import annotations

from montage.timeline import Picture

# Verified with the bundled ffmpeg (FINDINGS.md): HLG/PQ 10-bit -> bt709 SDR.
HDR_TO_SDR = (
    "zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,"
    "tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv,format=yuv420p"
)
ASPECT_TOLERANCE = 0.01
BLUR_DOWNSCALE = 8
# Every picture leaves its decoder as BT.709 TV-range yuv420p, the encoder's own format;
# the matrix conversion rides along in the same swscale pass as the resize.
TO_BT709 = "out_color_matrix=bt709:out_range=tv"


def ffmpeg_colour(colour: str) -> str:
    """'#RRGGBBAA' -> '0xRRGGBB' as ffmpeg's colour syntax wants."""
    return "0x" + colour.lstrip("#")[:6]


def fit_chain(fit: str, width: int, height: int, source_aspect: float, background: str) -> str:
    """Scale a source into a width x height box: cover crops, contain pads, blur fills.

    `source_aspect` is the displayed aspect (rotation and sample aspect ratio applied).
    Sizes are computed here rather than by `force_original_aspect_ratio`, which keeps the
    stored pixel aspect and squashes anamorphic (non-square pixel) video; this way the
    one scale pass also makes the pixels square.
    """
    box_aspect = width / height
    if fit == "blur" and abs(source_aspect / box_aspect - 1) < ASPECT_TOLERANCE:
        fit = "cover"  # same shape: nothing to fill
    if fit == "cover":
        return (
            f"{_scale(*cover_size(source_aspect, width, height))}:flags=bicubic:{TO_BT709},"
            f"setsar=1,crop={width}:{height}"
        )
    if fit == "contain":
        return (
            f"{_scale(*contain_size(source_aspect, width, height))}:flags=bicubic:{TO_BT709},"
            f"setsar=1,format=yuv420p,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color={ffmpeg_colour(background)}"
        )
    return _blur_pad(width, height, source_aspect)


def cover_size(aspect: float, width: int, height: int) -> tuple[int, int]:
    """Even size of a picture of `aspect` that just covers a width x height box."""
    if aspect >= width / height:
        return max(width, _even(height * aspect)), height
    return width, max(height, _even(width / aspect))


def contain_size(aspect: float, width: int, height: int) -> tuple[int, int]:
    """Even size of a picture of `aspect` that just fits inside a width x height box."""
    if aspect >= width / height:
        return width, min(height, _even(width / aspect))
    return min(width, _even(height * aspect)), height


def _even(value: float) -> int:
    # 4:2:0 chroma covers 2x2 pixels: even sizes keep edges and centring exact.
    return max(2, round(value / 2) * 2)


def _scale(width: int, height: int) -> str:
    return f"scale={width}:{height}"


def _blur_pad(width: int, height: int, aspect: float) -> str:
    # The backdrop is blurred at 1/8 size and scaled up: the same look for a fraction of
    # the cost of blurring a full 1080x1920 frame.
    small_w = max(2, width // BLUR_DOWNSCALE)
    small_h = max(2, height // BLUR_DOWNSCALE)
    return (
        "split=2[bg_in][fg_in];"
        f"[bg_in]{_scale(*cover_size(aspect, small_w, small_h))},setsar=1,"
        f"crop={small_w}:{small_h},boxblur=4:2,eq=brightness=-0.12:saturation=0.9,"
        f"scale={width}:{height}:flags=bilinear:{TO_BT709},format=yuv420p[bg];"
        f"[fg_in]{_scale(*contain_size(aspect, width, height))}:flags=bicubic:"
        f"{TO_BT709},setsar=1,format=yuv420p[fg];"
        "[bg][fg]overlay=(W-w)/2:(H-h)/2:format=yuv420"
    )


def video_chain(picture: Picture, fps: int, source_aspect: float, background: str) -> str:
    """The whole -vf graph for a moving picture: tone map, speed, fps, fit, endless hold.

    `tpad` clones the last frame forever; the reader stops after exactly the frames it
    needs, so a source a few frames short never shortens the montage.
    """
    steps = [HDR_TO_SDR] if picture.hdr else []
    steps.append(f"setpts=(PTS-STARTPTS)/{picture.speed:.6g}")
    steps.append(f"fps={fps}")
    steps.append(fit_chain(picture.fit, picture.box.w, picture.box.h, source_aspect, background))
    steps.append("format=yuv420p,tpad=stop=-1:stop_mode=clone")
    return ",".join(steps)


def still_chain(picture: Picture) -> str:
    """Graph for grabbing one full-quality frame of a video (cards, frozen frames).

    The frame is widened to square pixels (an anamorphic frame would otherwise be fitted
    squashed); for square pixels the scale is a no-op. One frame, so the cost is nil.
    """
    square = "scale=trunc(iw*sar/2)*2:ih,setsar=1"
    return (HDR_TO_SDR + "," if picture.hdr else "") + square + ",format=rgb24"
