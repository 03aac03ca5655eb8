"""A moment as officials read it, told when a person will answer: "7 giờ 30 sáng thứ Hai 7/12"."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.office_hours.calendar import OfficeHours
from bot.texts import texts


def opening_words(hours: OfficeHours, moment: datetime) -> str:
    """`moment` (naive means UTC) in the office's zone: hour, part of the day, weekday, date."""
    said = texts("bot.office_hours")
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    local = aware.astimezone(hours.zone)
    parts = {int(start): word for start, word in said.labels("parts").items()}
    part = parts[max(start for start in parts if start <= local.hour)]
    return said.say(
        "opening_on_the_hour" if local.minute == 0 else "opening",
        hour=local.hour,
        minute=f"{local.minute:02d}",
        part=part,
        weekday=said.labels("weekdays")[str(local.weekday())],
        day=local.day,
        month=local.month,
    )
