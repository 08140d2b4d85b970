"""montage: turn a YAML storyboard of dated clips into a before/after progress montage."""

__version__ = "0.1.0"
