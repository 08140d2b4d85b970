"""Reading source media: probing streams and finding dates. `info` is pure data."""
