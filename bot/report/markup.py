"""Small pieces of the report's HTML: escaped text, tables, figures as Vietnamese write them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from html import escape

from bot.texts import texts


class Html(str):
    """Markup made here: placed as it is, where any other value is escaped."""


def esc(value: object) -> Html:
    """A value as text in HTML (quotes too, so it may go in an attribute)."""
    return value if isinstance(value, Html) else Html(escape(str(value), quote=True))


def tag(name: str, content: object = "", **attributes: object) -> Html:
    """An element; `class_` stands for class, `data_x` for data-x."""
    rendered = "".join(
        f' {key.rstrip("_").replace("_", "-")}="{esc(value)}"'
        for key, value in attributes.items()
        if value is not None
    )
    return Html(f"<{name}{rendered}>{esc(content)}</{name}>")


def join(*parts: object) -> Html:
    """Pieces one after another, each escaped unless it is markup already."""
    return Html("".join(esc(part) for part in parts))


def table(headings: Sequence[object], rows: Sequence[Html], numeric: Sequence[int] = ()) -> Html:
    """A table with a heading row; columns in `numeric` are right-aligned."""
    cells = [
        tag("th", h, scope="col", class_="number" if i in numeric else None)
        for i, h in enumerate(headings)
    ]
    return tag("table", join(tag("thead", tag("tr", join(*cells))), tag("tbody", join(*rows))))


def number_cell(value: int, **attributes: object) -> Html:
    """A right-aligned figure."""
    return tag("td", f"{value:,}".replace(",", "."), class_="number", **attributes)


def share(part: int, whole: int) -> str:
    """A percentage as Vietnamese write it: 33,3%."""
    if not whole:
        return "0%"
    return f"{100 * part / whole:.1f}".replace(".", ",") + "%"


def duration(value: timedelta) -> str:
    """A duration in days, hours and minutes, leaving out what is zero."""
    units = texts("bot.report").labels("tickets.duration")
    minutes = int(value.total_seconds() // 60)
    if minutes < 1:
        return units["under_a_minute"]
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        units[name].format(count=count)
        for name, count in (("days", days), ("hours", hours), ("minutes", minutes))
        if count
    ]
    return " ".join(parts)
