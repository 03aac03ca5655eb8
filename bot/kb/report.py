"""What trainers read in the terminal: problems in their file, a diff, the history of versions.

Every word comes from `texts.yml`; the data comes from importing, diff and publishing.
"""

from __future__ import annotations

from bot.display import vietnam_time
from bot.kb.diff import ArticleChange, Diff
from bot.kb.importing import Problem
from bot.kb.publishing import Version
from bot.texts import texts


def problem(found: Problem) -> str:
    """'Dòng 7, cột «Câu hỏi»: cần ít nhất 8 câu hỏi, mới có 5'."""
    if found.row is None:
        return found.message
    parts = [texts("bot.kb").say("places.row" if found.in_table else "places.item", row=found.row)]
    if found.column is not None:
        kind = "places.column" if found.in_table else "places.field"
        parts.append(
            texts("bot.kb").say(kind, label=texts("bot.kb").say(f"columns.{found.column}"))
        )
    return texts("bot.kb").say("places.problem", place=", ".join(parts), message=found.message)


def problems(found: list[Problem], file_name: str) -> str:
    """Every problem, one a line, then how many there are."""
    lines = [problem(p) for p in found]
    if all(p.row is None for p in found):
        lines.append(texts("bot.kb").say("reading.nothing_changed"))
    else:
        lines.append(texts("bot.kb").say("reading.summary", name=file_name, count=len(found)))
    return "\n".join(lines)


def _base(version: int | None) -> str:
    if version is None:
        return texts("bot.kb").say("diff.base_repository")
    return texts("bot.kb").say("diff.base", version=version)


def diff(changes: Diff, base_version: int | None) -> str:
    """The changes, grouped by whether they are live at once or need the model retrained."""
    base = _base(base_version)
    if changes.is_empty:
        return texts("bot.kb").say("diff.empty", base=base)
    lines = [
        texts("bot.kb").say("diff.heading", base=base),
        texts("bot.kb").say("diff.counts", **changes.counts()),
    ]
    live = [line for change in changes.live_at_once for line in _changed(change)]
    live += [
        texts("bot.kb").say("diff.file", name=name)
        for name in changes.files
        if name not in changes.training_files
    ]
    if live:
        lines += ["", texts("bot.kb").say("diff.live_heading"), *live]
    if changes.needs_training:
        lines += ["", texts("bot.kb").say("diff.training_heading")]
        lines += [
            texts("bot.kb").say("diff.added", id=a.id, title=a.title, questions=len(a.questions))
            for a in changes.added
        ]
        lines += [
            texts("bot.kb").say("diff.removed", id=a.id, title=a.title) for a in changes.removed
        ]
        lines += [texts("bot.kb").say("diff.file", name=name) for name in changes.training_files]
        lines += ["", texts("bot.kb").say("diff.training_note")]
    else:
        lines += ["", texts("bot.kb").say("diff.all_live_note")]
    return "\n".join(lines)


def _changed(change: ArticleChange) -> list[str]:
    labels = [
        texts("bot.kb").say("diff.field", label=texts("bot.kb").say(f"columns.{name}"))
        for name in change.fields
    ]
    fields = texts("bot.kb").say("diff.fields_separator").join(labels)
    if change.fields == ("questions",) and not (change.questions_added or change.questions_removed):
        fields += " " + texts("bot.kb").say("diff.reordered")
    lines = [texts("bot.kb").say("diff.changed", id=change.id, title=change.title, fields=fields)]
    lines += [
        texts("bot.kb").say("diff.question_added", question=q) for q in change.questions_added
    ]
    lines += [
        texts("bot.kb").say("diff.question_removed", question=q) for q in change.questions_removed
    ]
    return lines


def history(versions: list[Version], current: int | None) -> str:
    """One line per version, newest first, the live one marked."""
    if not versions:
        return texts("bot.kb").say("history.empty")
    lines = [_version_line(v, v.number == current) for v in reversed(versions)]
    lines += ["", texts("bot.kb").say("history.current_note")]
    return "\n".join(lines)


def _version_line(version: Version, is_current: bool) -> str:
    if version.from_repository:
        what = texts("bot.kb").say("history.from_repository")
    elif version.restored_from is not None:
        what = texts("bot.kb").say("history.restored", restored=version.restored_from)
    else:
        what = texts("bot.kb").say("history.imported", source=version.source)
    counts = {k: version.summary.get(k, 0) for k in ("added", "changed", "removed")}
    return texts("bot.kb").say(
        "history.line",
        marker=texts("bot.kb").say("history.current" if is_current else "history.other"),
        version=version.number,
        time=vietnam_time(version.published_at),
        author=version.author or texts("bot.kb").say("history.unknown_author"),
        what=what,
        summary=texts("bot.kb").say("history.summary", **counts),
    )
