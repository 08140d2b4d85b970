"""Authoring helpers: `init` from a folder of clips, clip dates, contact sheets, proxies."""
