"""Accuracy tables: overall, per style, per software and per kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.assistant.reply import Reply
from bot.evaluation.dataset import STYLES, Case
from bot.kb.article import article_for
from bot.texts import texts


@dataclass(frozen=True)
class Target:
    """A row's minimum share: of top-1, or (`at_once`) of replies right the first time."""

    row: str
    minimum: float
    at_once: bool = False


# Read on the blind set. Every style must also be ahead of the stock pipeline.
TARGETS = (
    Target("answerable", 0.95),
    Target("answerable", 0.90, at_once=True),
    *(Target(f"style {style}", 0.92) for style in STYLES),
    Target("kind fallback", 0.90),
    Target("kind ticket_status", 0.90),
    Target("kind handoff", 0.90),
    Target("kind smalltalk", 0.90),
)
# Share of syllables the restorer gets right on held-out in-domain text (`restoration.py`).
RESTORATION_TARGET = 0.95


@dataclass(frozen=True)
class Outcome:
    """A case and what the assistant did with it."""

    case: Case
    reply: Reply

    @property
    def top1(self) -> bool:
        """The likeliest topic is right: answered, or offered first when asking back."""
        if self.case.kind != "answer":
            return self.reply.kind == self.case.kind
        return self.reply.kind in ("answer", "clarify") and self.reply.article == self.case.article

    @property
    def exact(self) -> bool:
        """The reply is of the expected kind, with the expected article if an answer."""
        return self.reply.kind == self.case.kind and self.reply.article == self.case.article

    @property
    def offered(self) -> tuple[str, ...]:
        """The articles the reply's buttons offer, in order (what a clarify asks to choose)."""
        found = []
        for message in self.reply.messages:
            for button in message.get("buttons") or []:
                # A payload is "/<intent>", perhaps followed by entities in braces.
                intent = str(button.get("payload", "")).removeprefix("/").split("{", 1)[0]
                article = article_for(intent)
                if article is not None:
                    found.append(article)
        return tuple(found)


Table = dict[str, tuple[int, int, int]]  # row -> (top-1 right, exactly right, total)


def score(outcomes: Iterable[Outcome]) -> Table:
    """Count right answers per row of the report."""
    rows: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(row: str, outcome: Outcome) -> None:
        rows[row][0] += outcome.top1
        rows[row][1] += outcome.exact
        rows[row][2] += 1

    for outcome in outcomes:
        case = outcome.case
        add("all", outcome)
        add(f"kind {case.kind}", outcome)
        if case.kind == "answer":
            add("answerable", outcome)
            add(f"style {case.style}", outcome)
            add(f"software {(case.article or '').split('.')[0]}", outcome)
    order = ["all", "answerable", *(f"style {s}" for s in STYLES)]
    ordered = [r for r in order if r in rows]
    ordered += sorted(r for r in rows if r.startswith("software "))
    ordered += sorted(r for r in rows if r.startswith("kind "))
    return {r: (rows[r][0], rows[r][1], rows[r][2]) for r in ordered}


def share(cell: tuple[int, int, int], at_once: bool = False) -> float:
    """Top-1 accuracy of a row, or (`at_once`) its share of replies right the first time."""
    return cell[1 if at_once else 0] / cell[2] if cell[2] else 0.0


def clarify_offers(outcomes: Iterable[Outcome]) -> tuple[int, int]:
    """Of the answerable questions met with a clarify, how many were offered the right article."""
    asked_back = [o for o in outcomes if o.case.kind == "answer" and o.reply.kind == "clarify"]
    return sum(o.case.article in o.offered for o in asked_back), len(asked_back)


def missed_targets(ours: Table, baseline: Table, restoration: float | None = None) -> list[str]:
    """Targets not met, styles on which the stock pipeline is not behind, restoration if measured.

    A target whose row the set has no question for is not read.
    """
    said = texts("bot.evaluation")
    measures = said.labels("targets.measures")
    missed = [
        said.say(
            "targets.below",
            row=label(target.row),
            measure=measures["at_once" if target.at_once else "top1"],
            share=f"{share(ours[target.row], target.at_once):.1%}",
            minimum=f"{target.minimum:.0%}",
        )
        for target in TARGETS
        if target.row in ours and share(ours[target.row], target.at_once) < target.minimum
    ]
    missed += [
        said.say(
            "targets.not_ahead",
            row=label(row),
            share=f"{share(ours[row]):.1%}",
            baseline=f"{share(baseline[row]):.1%}",
        )
        for row in ours
        if row.startswith("style ") and row in baseline and share(ours[row]) <= share(baseline[row])
    ]
    if restoration is not None and restoration < RESTORATION_TARGET:
        missed.append(
            said.say(
                "targets.restoration",
                share=f"{restoration:.1%}",
                minimum=f"{RESTORATION_TARGET:.0%}",
            )
        )
    return missed


def label(row: str) -> str:
    """The row as the table names it (`style long` -> `kiểu long`)."""
    said = texts("bot.evaluation")
    named = said.labels("table.rows")
    if row in named:
        return named[row]
    group, _, value = row.partition(" ")
    return said.say(f"table.groups.{group}", value=value)


def render(ours: Table, baseline: Table) -> str:
    """The side-by-side table as text."""
    names = texts("bot.evaluation").labels("table.columns")
    columns = [names[c] for c in ("ours_top1", "ours_exact", "stock_top1", "stock_exact")]
    header = f"{'':28} " + " ".join(f"{c:>12}" for c in columns) + f" {names['count']:>6}"
    lines = [header, "-" * len(header)]
    for row, cell in ours.items():
        other = baseline.get(row, (0, 0, 0))
        lines.append(
            f"{label(row):28} {cell[0] / cell[2]:>12.1%} {cell[1] / cell[2]:>12.1%} "
            f"{other[0] / max(other[2], 1):>12.1%} {other[1] / max(other[2], 1):>12.1%} "
            f"{cell[2]:>6}"
        )
    return "\n".join(lines)
