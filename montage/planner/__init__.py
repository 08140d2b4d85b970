"""Turn a validated storyboard into a `Timeline`. Pure: media facts and text sizes come in
through the `probe` and `measure` callables, so the planner tests need no ffmpeg or Pillow.
"""

from montage.planner.core import Measure, Probe, plan

__all__ = ["Measure", "Probe", "plan"]
