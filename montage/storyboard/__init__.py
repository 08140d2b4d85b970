"""The storyboard: pydantic model, YAML loading with located errors, checks."""
