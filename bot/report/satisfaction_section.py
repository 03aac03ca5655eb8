"""The report's satisfaction section: officials' ratings per software, staff member and article.

Apart from `sections.py` because it reads ratings, not questions. Each table shows how many
ratings, the average in stars and the share of 4 or 5 stars, the lowest average first: what
needs looking at comes first. The article table puts the answers' own helpful / not helpful
votes beside the ratings of the tickets that followed them, so a trainer sees whether an
article that sends officials to staff is also one they vote down.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.escalation.ratings import Rating
from bot.report.contents import Report
from bot.report.markup import Html, join, number_cell, share, table, tag
from bot.report.satisfaction import Score, scores
from bot.report.sections import notice
from bot.report.tickets import TicketsUnavailable
from bot.texts import texts


def satisfaction(report: Report) -> Html:
    """Ratings of resolved tickets per software, staff member and article."""
    said = texts("bot.report")
    heading = said.say("satisfaction.heading")
    found = report.ratings
    if isinstance(found, TicketsUnavailable):
        reason = said.say(f"satisfaction.{found.reason}", url=found.url)
        return _section(heading, notice(reason))
    if not found:
        return _section(heading, tag("p", said.say("satisfaction.none")))
    overall = scores(found, lambda r: "all")[0]
    summary = said.say(
        "satisfaction.total",
        count=overall.count,
        average=_stars(overall.average),
        satisfied=share(overall.satisfied, overall.count),
    )
    unknown = said.say("satisfaction.unknown_staff")
    return _section(
        heading,
        tag("p", summary, id="satisfaction-total", data_count=overall.count),
        tag("p", said.say("satisfaction.note")),
        _table("software", found, lambda r: r.software, report.label),
        _table("staff", found, lambda r: r.staff or unknown, str),
        _articles(report, found),
    )


def _section(heading: str, *content: object) -> Html:
    return tag("section", join(tag("h2", heading), *content), id="satisfaction")


def _stars(average: float) -> str:
    return f"{average:.1f}".replace(".", ",")


def _cells(score: Score) -> list[Html]:
    return [
        number_cell(score.count, data_count=score.count),
        tag("td", _stars(score.average), class_="number", data_average=f"{score.average:.2f}"),
        tag("td", share(score.satisfied, score.count), class_="number"),
    ]


def _headings(first: str) -> list[str]:
    said = texts("bot.report")
    return [
        said.say(f"satisfaction.{first}_column"),
        said.say("satisfaction.count_column"),
        said.say("satisfaction.average_column"),
        said.say("satisfaction.satisfied_column"),
    ]


def _table(
    what: str, found: list[Rating], key: Callable[[Rating], str], name: Callable[[str], str]
) -> Html:
    rows = [
        tag("tr", join(tag("td", name(s.key)), *_cells(s)), data_key=s.key, data_group=what)
        for s in scores(found, key)
    ]
    return join(
        tag("h3", texts("bot.report").say(f"satisfaction.by_{what}")),
        table(_headings(what), rows, numeric=[1, 2, 3]),
    )


def _articles(report: Report, found: list[Rating]) -> Html:
    said = texts("bot.report")
    votes = {v.article: v for v in report.votes}
    rows = []
    for score in scores(found, lambda r: r.article):
        title = report.titles.get(score.key) or said.say("votes.missing_article", id=score.key)
        vote = votes.get(score.key)
        helpful, not_helpful = (vote.helpful, vote.not_helpful) if vote else (0, 0)
        cells = [
            tag("td", title),
            *_cells(score),
            number_cell(helpful, data_helpful=helpful),
            number_cell(not_helpful, data_not_helpful=not_helpful),
        ]
        rows.append(tag("tr", join(*cells), data_key=score.key, data_group="article"))
    if not rows:
        return join(
            tag("h3", said.say("satisfaction.by_article")),
            tag("p", said.say("satisfaction.no_articles")),
        )
    headings = [
        *_headings("article"),
        said.say("votes.helpful_column"),
        said.say("votes.not_helpful_column"),
    ]
    return join(
        tag("h3", said.say("satisfaction.by_article")),
        tag("p", said.say("satisfaction.article_note")),
        table(headings, rows, numeric=[1, 2, 3, 4, 5]),
    )
