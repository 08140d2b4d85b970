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
    """Scale a source into a width x height box: cover crops, contain pads, blur fills."""
    box_aspect = width / height
    if fit == "blur" and abs(source_aspect / box_aspect - 1) < ASPECT_TOLERANCE:
        fit = "cover"  # same shape: nothing to fill
    if fit == "cover":
        return (
            f"scale={width}:{height}:force_original_aspect_ratio=increase:flags=bicubic:"
            f"{TO_BT709},crop={width}:{height}"
        )
    if fit == "contain":
        return (
            f"scale={width}:{height}:force_original_aspect_ratio=decrease:flags=bicubic:"
            f"{TO_BT709},format=yuv420p,"
            f"pad={width}:{height}:(ow-iw)/2:(oh-ih)/2:color={ffmpeg_colour(background)}"
        )
    return _blur_pad(width, height)


def _blur_pad(width: int, height: int) -> str:
    # The backdrop is blurred at 1/8 size and scaled up: the same look for a fraction of
    # the cost of blurring a full 1080x1920 frame.
    small_w = max(2, width // BLUR_DOWNSCALE)
    small_h = max(2, height // BLUR_DOWNSCALE)
    return (
        "split=2[bg_in][fg_in];"
        f"[bg_in]scale={small_w}:{small_h}:force_original_aspect_ratio=increase,"
        f"crop={small_w}:{small_h},boxblur=4:2,eq=brightness=-0.12:saturation=0.9,"
        f"scale={width}:{height}:flags=bilinear:{TO_BT709},format=yuv420p[bg];"
        f"[fg_in]scale={width}:{height}:force_original_aspect_ratio=decrease:flags=bicubic:"
        f"{TO_BT709},format=yuv420p[fg];"
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
    """Graph for grabbing one full-quality frame of a video (cards, frozen frames)."""
    return (HDR_TO_SDR + "," if picture.hdr else "") + "format=rgb24"
