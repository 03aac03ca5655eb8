"""The report as one HTML file: no script, no outside file, every value escaped."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template

from bot.display import vietnam_time
from bot.report import sections
from bot.report.contents import Report
from bot.report.markup import esc, join
from bot.report.period import shown
from bot.report.satisfaction_section import satisfaction
from bot.texts import texts

_TEMPLATE = Path(__file__).resolve().parent / "page.html"


@cache
def _template() -> Template:
    return Template(_TEMPLATE.read_text(encoding="utf-8"))


def render(report: Report) -> str:
    """The whole page."""
    period = report.period
    if report.questions:
        body = join(
            sections.questions(report), sections.outcomes(report), sections.unanswered(report)
        )
    else:
        body = sections.notice(texts("bot.report").say("page.no_data"))
    body = join(body, sections.votes(report), sections.tickets(report), satisfaction(report))
    return _template().substitute(
        title=esc(texts("bot.report").say("page.title")),
        period=esc(
            texts("bot.report").say(
                "page.period", since=shown(period.since), until=shown(period.until)
            )
        ),
        generated=esc(
            texts("bot.report").say("page.generated", at=vietnam_time(report.generated_at))
        ),
        purpose=esc(texts("bot.report").say("page.purpose")),
        sections=body,
    )
