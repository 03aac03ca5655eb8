"""The report's sections, each a heading, its figures as a chart and a table, and a note."""

from __future__ import annotations

from bot.report import charts
from bot.report.contents import Report
from bot.report.markup import Html, duration, join, number_cell, share, table, tag
from bot.report.period import shown
from bot.report.spreadsheet import data_uri
from bot.report.tickets import TicketsUnavailable
from bot.texts import texts

SHOWN_GROUPS = 30
SHOWN_EXAMPLES = 5


def notice(message: str) -> Html:
    """A highlighted sentence."""
    return tag("p", message, class_="notice")


def _section(section_id: str, heading: str, *content: object) -> Html:
    # A line break after each section keeps the page source readable.
    return join(tag("section", join(tag("h2", heading), *content), id=section_id), Html("\n"))


def questions(report: Report) -> Html:
    """How many questions, per day and per software."""
    said = texts("bot.report")
    days = report.per_day()
    bars = [(day.strftime("%d/%m"), count) for day, count in days]
    chart = charts.columns(
        "per-day",
        said.say(
            "questions.per_day_chart",
            since=shown(report.period.since),
            until=shown(report.period.until),
        ),
        bars,
        every=max(1, len(bars) // 15),
    )
    day_rows = [
        tag("tr", join(tag("td", shown(day)), number_cell(count)), data_day=day.isoformat())
        for day, count in days
    ]
    day_table = table(
        [said.say("questions.day_column"), said.say("page.number_column")], day_rows, numeric=[1]
    )
    software = report.per_software()
    software_rows = [
        tag("tr", join(tag("td", label), number_cell(count)), data_software=label)
        for label, count in software
    ]
    software_table = table(
        [said.say("questions.software_column"), said.say("page.number_column")],
        software_rows,
        numeric=[1],
    )
    return _section(
        "questions",
        said.say("questions.heading"),
        tag("p", said.say("questions.total", count=len(report.questions)), id="total-questions"),
        tag("h3", said.say("questions.per_day")),
        Html(chart),
        _details(day_table),
        tag("h3", said.say("questions.per_software")),
        tag("p", said.say("questions.per_software_note")),
        Html(charts.rows("per-software", said.say("questions.per_software_chart"), software)),
        _details(software_table),
    )


def _details(content: Html) -> Html:
    said = texts("bot.report")
    return tag("details", join(tag("summary", said.say("questions.table_summary")), content))


def outcomes(report: Report) -> Html:
    """Answered, asked back, fell back, escalated: counts and shares."""
    said = texts("bot.report")
    counts = report.outcomes()
    total = sum(counts.values())
    rows = [
        tag(
            "tr",
            join(
                tag("td", said.say(f"outcomes.{outcome}")),
                number_cell(count, data_count=count),
                tag("td", share(count, total), class_="number"),
            ),
            data_outcome=outcome,
        )
        for outcome, count in counts.items()
    ]
    bars = [(said.say(f"outcomes.{outcome}"), count) for outcome, count in counts.items()]
    headings = [
        said.say("outcomes.outcome_column"),
        said.say("page.number_column"),
        said.say("page.share_column"),
    ]
    return _section(
        "outcomes",
        said.say("outcomes.heading"),
        Html(charts.rows("outcome-chart", said.say("outcomes.chart"), bars)),
        table(headings, rows, numeric=[1, 2]),
        tag(
            "p",
            said.say(
                "outcomes.clarified_then_answered",
                clarified=counts["clarified"],
                answered=report.answered_after_asking_back(),
            ),
        )
        if counts["clarified"]
        else "",
    )


def unanswered(report: Report) -> Html:
    """The most asked questions the assistant could not answer, grouped, each downloadable."""
    said = texts("bot.report")
    groups = report.groups
    if not groups:
        return _section(
            "unanswered", said.say("unanswered.heading"), tag("p", said.say("unanswered.none"))
        )
    name = said.say("unanswered.file_name")
    items = []
    for number, group in enumerate(groups[:SHOWN_GROUPS], start=1):
        examples = group.examples(SHOWN_EXAMPLES)
        items.append(
            tag(
                "article",
                join(
                    tag("h3", group.representative),
                    tag("p", said.say("unanswered.size", count=group.size), class_="size"),
                    tag("p", said.say("unanswered.examples")) if examples else "",
                    tag("ul", join(*(tag("li", e) for e in examples))) if examples else "",
                    tag(
                        "a",
                        said.say("unanswered.download_group"),
                        href=data_uri([group]),
                        download=f"{name}-{number}.csv",
                        class_="download",
                    ),
                ),
                class_="group",
                data_size=group.size,
            )
        )
    more = len(groups) - SHOWN_GROUPS
    return _section(
        "unanswered",
        said.say("unanswered.heading"),
        tag("p", said.say("unanswered.note")),
        tag(
            "p",
            tag(
                "a",
                said.say("unanswered.download_all", count=len(groups)),
                href=data_uri(groups),
                download=f"{name}.csv",
                class_="download",
            ),
        ),
        *items,
        tag("p", said.say("unanswered.more_groups", count=more)) if more > 0 else "",
    )


def votes(report: Report) -> Html:
    """Helpful and not helpful votes per article."""
    said = texts("bot.report")
    if not report.votes:
        return _section("votes", said.say("votes.heading"), tag("p", said.say("votes.none")))
    rows = []
    for vote in report.votes:
        title = report.titles.get(vote.article) or said.say(
            "votes.missing_article", id=vote.article
        )
        rows.append(
            tag(
                "tr",
                join(
                    tag("td", title),
                    tag("td", report.software_of(vote.article)),
                    number_cell(vote.helpful, data_helpful=vote.helpful),
                    number_cell(vote.not_helpful, data_not_helpful=vote.not_helpful),
                    tag("td", share(vote.helpful, vote.total), class_="number"),
                ),
                data_article=vote.article,
            )
        )
    headings = [
        said.say(f"votes.{name}")
        for name in (
            "article_column",
            "software_column",
            "helpful_column",
            "not_helpful_column",
            "helpful_share_column",
        )
    ]
    return _section(
        "votes",
        said.say("votes.heading"),
        tag("p", said.say("votes.note")),
        table(headings, rows, numeric=[2, 3, 4]),
    )


def tickets(report: Report) -> Html:
    """Tickets by software and status, and the median time to resolve."""
    said = texts("bot.report")
    found = report.tickets
    heading = said.say("tickets.heading")
    if isinstance(found, TicketsUnavailable):
        return _section(
            "tickets", heading, notice(said.say(f"tickets.{found.reason}", url=found.url))
        )
    if not found.total:
        return _section("tickets", heading, tag("p", said.say("tickets.none")))
    statuses = said.labels("tickets.statuses")
    by_software: dict[str, dict[str, int]] = {}
    for (software, status), count in found.by_software_status.items():
        by_software.setdefault(software, {})[status] = count
    rows = [
        tag(
            "tr",
            join(
                tag("td", report.label(software)),
                *(number_cell(counts.get(s, 0), data_status=s) for s in statuses),
                number_cell(sum(counts.values()), data_status="total"),
            ),
            data_software=software,
        )
        for software, counts in sorted(
            by_software.items(), key=lambda i: (-sum(i[1].values()), report.label(i[0]))
        )
    ]
    headings = [
        said.say("tickets.software_column"),
        *statuses.values(),
        said.say("tickets.total_column"),
    ]
    median = found.median_resolve
    median_text = (
        said.say("tickets.median", duration=duration(median), count=len(found.resolve_times))
        if median is not None
        else said.say("tickets.median_none")
    )
    seconds = None if median is None else int(median.total_seconds())
    return _section(
        "tickets",
        heading,
        tag("p", said.say("tickets.total", count=found.total)),
        tag("h3", said.say("tickets.by_software")),
        table(headings, rows, numeric=list(range(1, len(statuses) + 2))),
        tag("p", median_text, id="median-resolve", data_seconds=seconds),
    )
