"""The time an official names when asking about a ticket without its code ("phiếu hôm qua").

Days are Vietnam's: "hôm qua" asked at 00:30 in Hà Nội is the day before in Vietnam, whatever
the server's clock zone. The words are in `ticket_words.yml`; a word typed without diacritics
matches its written form, a word typed with them must match exactly ("thư từ" is no weekday).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from bot.display import VIETNAM
from bot.texts import texts
from bot.vietnamese import fold, normalize_word, words_with_offsets

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "Today", "this week" and "this month" often say how long the wait has been ("đến hôm nay vẫn
# chưa ai trả lời"), so another period named in the same question is the ticket's.
_NOW_ISH = ("today", "this_week", "this_month")

Word = tuple[str, str]  # as typed (lower case, one tone placement), and folded


@dataclass(frozen=True)
class Period:
    """From `start` up to `end` (Vietnam time), and how the reply names it."""

    start: datetime
    end: datetime
    label: str

    def holds(self, moment: datetime) -> bool:
        """Whether `moment` (naive means UTC) is in the period."""
        return self.start <= aware(moment) < self.end


def aware(moment: datetime) -> datetime:
    """`moment` with its zone; the stores keep naive UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def words_of(text: str) -> list[Word]:
    """The text's words, each as typed and folded."""
    found = []
    for span in words_with_offsets(text):
        typed = normalize_word(span.text).lower()
        found.append((typed, fold(typed)))
    return found


def find(words: list[Word], phrase: str) -> int | None:
    """Where `phrase` starts among `words`, or None."""
    wanted = words_of(phrase)
    for start in range(len(words) - len(wanted) + 1):
        if all(_same(words[start + i], want) for i, want in enumerate(wanted)):
            return start
    return None


def _same(word: Word, want: Word) -> bool:
    typed, folded = word
    return typed == want[0] or (typed == folded and folded == want[1])


def period_in(text: str, now: datetime) -> Period | None:
    """The period the text names, relative to `now`; None if it names none."""
    vocabulary = texts("actions", "ticket_words.yml")
    words = words_of(text)
    named: dict[str, int] = {}
    for name, phrases in vocabulary.section("periods").items():
        places = [p for p in (find(words, str(phrase)) for phrase in phrases) if p is not None]
        if places:
            named[name] = min(places)
    today = aware(now).astimezone(VIETNAM).date()
    day = _weekday_in(words, vocabulary.section("weekdays"), vocabulary.words("not_a_day_after"))
    if day is not None:
        return _weekday(today, day, last_week="last_week" in named)
    if not named:
        return None
    chosen = [n for n in named if n not in _NOW_ISH] or list(named)
    name = min(chosen, key=named.__getitem__)
    start, end = _span(name, today)
    return _period(start, end, texts("actions").say(f"ticket_status.periods.{name}"))


def _weekday_in(
    words: list[Word], weekdays: dict[str, list[str]], not_after: list[str]
) -> int | None:
    counters = words_of(" ".join(not_after))
    for index, name in enumerate(WEEKDAYS):
        for phrase in weekdays[name]:
            start = find(words, str(phrase))
            if start is None:
                continue
            if not (start and any(_same(words[start - 1], c) for c in counters)):
                return index
    return None


def _weekday(today: date, weekday: int, *, last_week: bool) -> Period:
    if last_week:
        day = today - timedelta(days=today.weekday() + 7 - weekday)
    else:
        day = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)
    names = texts("actions").section("ticket_status.weekdays")
    label = texts("actions").say(
        "ticket_status.periods.weekday",
        day=names[WEEKDAYS[weekday]],
        date=day.strftime("%d/%m"),
    )
    return _period(day, day + timedelta(days=1), label)


def _span(name: str, today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    spans = {
        "today": (today, today + timedelta(days=1)),
        "yesterday": (today - timedelta(days=1), today),
        "day_before_yesterday": (today - timedelta(days=2), today - timedelta(days=1)),
        "this_week": (monday, today + timedelta(days=1)),
        "last_week": (monday - timedelta(days=7), monday),
        "this_month": (first, today + timedelta(days=1)),
        "last_month": ((first - timedelta(days=1)).replace(day=1), first),
    }
    return spans[name]


def _period(start: date, end: date, label: str) -> Period:
    return Period(
        datetime.combine(start, time(), VIETNAM), datetime.combine(end, time(), VIETNAM), label
    )
