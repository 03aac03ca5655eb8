"""What trainers read in the terminal: problems in their file, a diff, the history of versions.

Every word comes from `texts.yml`; the data comes from importing, diff and publishing.
"""

from __future__ import annotations

from bot.display import vietnam_time
from bot.kb.diff import ArticleChange, Diff
from bot.kb.importing import Problem
from bot.kb.publishing import Version
from bot.kb.texts import column_label, say


def problem(found: Problem) -> str:
    """'Dòng 7, cột «Câu hỏi»: cần ít nhất 8 câu hỏi, mới có 5'."""
    if found.row is None:
        return found.message
    parts = [say("places.row" if found.in_table else "places.item", row=found.row)]
    if found.column is not None:
        kind = "places.column" if found.in_table else "places.field"
        parts.append(say(kind, label=column_label(found.column)))
    return say("places.problem", place=", ".join(parts), message=found.message)


def problems(found: list[Problem], file_name: str) -> str:
    """Every problem, one a line, then how many there are."""
    lines = [problem(p) for p in found]
    if all(p.row is None for p in found):
        lines.append(say("reading.nothing_changed"))
    else:
        lines.append(say("reading.summary", name=file_name, count=len(found)))
    return "\n".join(lines)


def _base(version: int | None) -> str:
    if version is None:
        return say("diff.base_repository")
    return say("diff.base", version=version)


def diff(changes: Diff, base_version: int | None) -> str:
    """The changes, grouped by whether they are live at once or need the model retrained."""
    base = _base(base_version)
    if changes.is_empty:
        return say("diff.empty", base=base)
    lines = [say("diff.heading", base=base), say("diff.counts", **changes.counts())]
    live = [line for change in changes.live_at_once for line in _changed(change)]
    live += [
        say("diff.file", name=name) for name in changes.files if name not in changes.training_files
    ]
    if live:
        lines += ["", say("diff.live_heading"), *live]
    if changes.needs_training:
        lines += ["", say("diff.training_heading")]
        lines += [
            say("diff.added", id=a.id, title=a.title, questions=len(a.questions))
            for a in changes.added
        ]
        lines += [say("diff.removed", id=a.id, title=a.title) for a in changes.removed]
        lines += [say("diff.file", name=name) for name in changes.training_files]
        lines += ["", say("diff.training_note")]
    else:
        lines += ["", say("diff.all_live_note")]
    return "\n".join(lines)


def _changed(change: ArticleChange) -> list[str]:
    labels = [say("diff.field", label=column_label(name)) for name in change.fields]
    fields = say("diff.fields_separator").join(labels)
    if change.fields == ("questions",) and not (change.questions_added or change.questions_removed):
        fields += " " + say("diff.reordered")
    lines = [say("diff.changed", id=change.id, title=change.title, fields=fields)]
    lines += [say("diff.question_added", question=q) for q in change.questions_added]
    lines += [say("diff.question_removed", question=q) for q in change.questions_removed]
    return lines


def history(versions: list[Version], current: int | None) -> str:
    """One line per version, newest first, the live one marked."""
    if not versions:
        return say("history.empty")
    lines = [_version_line(v, v.number == current) for v in reversed(versions)]
    lines += ["", say("history.current_note")]
    return "\n".join(lines)


def _version_line(version: Version, is_current: bool) -> str:
    if version.from_repository:
        what = say("history.from_repository")
    elif version.restored_from is not None:
        what = say("history.restored", restored=version.restored_from)
    else:
        what = say("history.imported", source=version.source)
    counts = {k: version.summary.get(k, 0) for k in ("added", "changed", "removed")}
    return say(
        "history.line",
        marker=say("history.current" if is_current else "history.other"),
        version=version.number,
        time=vietnam_time(version.published_at),
        author=version.author or say("history.unknown_author"),
        what=what,
        summary=say("history.summary", **counts),
    )
