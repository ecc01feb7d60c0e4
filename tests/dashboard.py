"""Reading the dashboard's worklist panels in tests."""


def panel(response, slug: str) -> dict | None:
    """The panel of worklist `slug` (rows, count), or None if the user has none."""
    return next(
        (p for p in response.context["worklists"] if p["worklist"].slug == slug), None
    )


def rows(response, slug: str) -> list:
    return panel(response, slug)["rows"]
