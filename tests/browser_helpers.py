import os


def snapshot(page, path: str, **options) -> None:
    """A screenshot for a person to look at, taken when KVALITET_SCREENSHOTS is set: it is
    not what a test checks, and a capture can fail on a loaded machine."""
    if os.environ.get("KVALITET_SCREENSHOTS"):
        page.screenshot(path=path, **options)


def open_menu(page) -> None:
    """The main menu folds into a button below 1400 px; open it when it is folded."""
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
