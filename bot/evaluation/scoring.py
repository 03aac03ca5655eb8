"""Accuracy tables: overall, per style, per software and per kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from bot.assistant.reply import Reply
from bot.evaluation.dataset import STYLES, Case
from bot.texts import texts

# The targets of the foundation issue: (row, minimum share).
TARGETS = (
    ("answerable top-1", 0.95),
    ("style no_diacritics", 0.90),
    ("style abbreviations", 0.90),
    ("kind fallback", 0.90),
)


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
            add("answerable top-1", outcome)
            add(f"style {case.style}", outcome)
            add(f"software {(case.article or '').split('.')[0]}", outcome)
    order = ["all", "answerable top-1", *(f"style {s}" for s in STYLES)]
    ordered = [r for r in order if r in rows]
    ordered += sorted(r for r in rows if r.startswith("software "))
    ordered += sorted(r for r in rows if r.startswith("kind "))
    return {r: (rows[r][0], rows[r][1], rows[r][2]) for r in ordered}


def share(cell: tuple[int, int, int]) -> float:
    """Top-1 accuracy of a row."""
    return cell[0] / cell[2] if cell[2] else 0.0


def missed_targets(ours: Table, baseline: Table) -> list[str]:
    """Targets not met, and styles on which the stock pipeline is not behind."""
    said = texts("bot.evaluation")
    missed = [
        said.say(
            "targets.below",
            row=label(row),
            share=f"{share(ours[row]):.1%}",
            minimum=f"{minimum:.0%}",
        )
        for row, minimum in TARGETS
        if row in ours and share(ours[row]) < minimum
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
