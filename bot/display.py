"""How times and long texts are shown to people: in Vietnam time, and shortened at a word."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# Vietnam keeps UTC+7 all year (no daylight saving time).
VIETNAM = timezone(timedelta(hours=7), "ICT")


def vietnam_time(moment: datetime) -> str:
    """`moment` in Vietnam time, as officials write it: 14:05 22/11/2026 (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def shorten(text: str, limit: int) -> str:
    """`text` on one line, cut at a word to at most `limit` characters, with "…" if cut."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut and flat[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:-") + "…"
