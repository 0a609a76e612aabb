import os


def snapshot(page, path: str, **options) -> None:
    """A screenshot for a person to look at, taken when KVALITET_SCREENSHOTS is set: it is
    not what a test checks, and a capture can fail on a loaded machine."""
    if os.environ.get("KVALITET_SCREENSHOTS"):
        snapshot(page, path, **options)
